"""The SQL steps of generate_load_data (inventory/loadgen.py says what they make)."""

from datetime import datetime

from inventory.loadgen import ISSUE, RECEIVE, TRACKING, Sizes, balance_sql, expr
from inventory.partitions import ensure_months, is_partitioned

BASE_TABLES = ("products", "lots", "stock_quants", "documents", "document_lines", "stock_movements")
SEQUENCED = (*BASE_TABLES, "locations", "stock_reservations", "reorder_points")


def lit(moment: datetime) -> str:
    """A timestamptz literal: the steps use % for modulo, so they take no query parameters."""
    return f"'{moment.isoformat()}'::timestamptz"


def bases(cursor) -> dict[str, int]:
    """The largest id of each table written with computed ids: new ids start after it."""
    found = {}
    for table in BASE_TABLES:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
        found[table] = cursor.fetchone()[0]
    return found


def warehouses(cursor, sizes: Sizes, start: datetime) -> None:
    """The warehouses (their root locations come from the trigger) and their zone/aisle/shelf
    trees; lg_shelf numbers each warehouse's shelves 0.. in path order."""
    cursor.execute(
        """
        CREATE TEMP TABLE lg_wh ON COMMIT DROP AS
        WITH made AS (
            INSERT INTO warehouses (code, name, location, is_active, created_at, updated_at)
            SELECT 'LG' || lpad(w::text, 2, '0'), 'Load warehouse ' || w, '', TRUE, %(start)s,
                   %(start)s
            FROM generate_series(0, %(n)s - 1) w RETURNING id, code)
        SELECT substr(code, 3)::int AS w, id FROM made
        """,
        {"n": sizes.warehouses, "start": start},
    )
    levels = [("Z", sizes.zones, 1, "Zone"), ("A", sizes.aisles, 2, "Aisle")]
    levels.append(("S", sizes.shelves, 3, "Shelf"))
    for prefix, count, depth, label in levels:
        cursor.execute(
            f"""
            INSERT INTO locations (warehouse_id, parent_id, code, name, path, barcode,
                                   pick_order, is_active, created_at, updated_at)
            SELECT p.warehouse_id, p.id, '{prefix}' || lpad(n::text, 3, '0'), '{label} ' || n,
                   ltrim(p.path || '/' || '{prefix}' || lpad(n::text, 3, '0'), '/'),
                   NULL, p.pick_order * 100 + n, TRUE, %(start)s, %(start)s
            FROM locations p JOIN lg_wh ON lg_wh.id = p.warehouse_id,
                 generate_series(1, %(count)s) n
            WHERE (p.path = '' AND %(depth)s = 1 AND p.parent_id IS NULL)
               OR (p.parent_id IS NOT NULL
                   AND array_length(string_to_array(p.path, '/'), 1) = %(depth)s - 1)
            """,
            {"count": count, "depth": depth, "start": start},
        )
    cursor.execute(
        """
        CREATE TEMP TABLE lg_shelf ON COMMIT DROP AS
        SELECT lg_wh.w, row_number() OVER (PARTITION BY lg_wh.w ORDER BY l.path) - 1 AS s,
               l.id, l.warehouse_id
        FROM locations l JOIN lg_wh ON lg_wh.id = l.warehouse_id
        WHERE array_length(string_to_array(l.path, '/'), 1) = 3;
        CREATE UNIQUE INDEX ON lg_shelf (w, s);
        ANALYZE lg_shelf;
        """
    )


WORDS = (
    "ARRAY['Steel','Oak','Blue','Red','Compact','Heavy','Mini','Pro','Green','Silver',"
    "'Round','Square']"
)
NOUNS = (
    "ARRAY['bolt','hinge','bracket','widget','cable','valve','panel','filter','gasket',"
    "'washer','spring','clamp','sensor','switch','nozzle']"
)


def products_and_lots(cursor, sizes: Sizes, base: dict, start: datetime) -> None:
    """Products 0..n-1 (ids base+i+1) and, per tracked product, one lot or serial per
    warehouse (ids base + (i / 10) * W + w + 1)."""
    cursor.execute(
        f"""
        INSERT INTO products (id, sku, name, description, unit, price, tracking, is_active,
                              created_at, updated_at, barcode)
        SELECT {base["products"]} + i + 1, 'LG-' || lpad(i::text, 7, '0'),
               ({WORDS})[i % 12 + 1] || ' ' || ({NOUNS})[(i / 12) % 15 + 1] || ' ' || i, '',
               'pcs', (i % 1000) + 0.99, {expr(TRACKING, "i")}, TRUE, {lit(start)},
               {lit(start)}, NULL
        FROM generate_series(0, {sizes.products} - 1) i
        """
    )
    cursor.execute(
        """
        INSERT INTO lots (id, product_id, code, expires_on, is_serial, created_at)
        SELECT %(lots)s + (i / 10) * %(w)s + w.w + 1, %(products)s + i + 1,
               CASE WHEN i %% 100 = 0 THEN 'SN-' || i || '-' || w.w ELSE 'LOT-' || w.w END,
               CASE WHEN i %% 100 = 0 THEN NULL
                    ELSE (%(start)s::date + (i %% 900) * interval '1 day')::date END,
               i %% 100 = 0, %(start)s
        FROM generate_series(0, %(n)s - 1, 10) i, lg_wh w
        """,
        {
            "lots": base["lots"],
            "products": base["products"],
            "w": sizes.warehouses,
            "n": sizes.products,
            "start": start,
        },
    )


def quant_columns(sizes: Sizes, base: dict) -> str:
    """SELECT list pieces for quant (w, i): its id, location, product and lot ids."""
    return f"""
        {base["stock_quants"]} + w.w * {sizes.per_warehouse} + i + 1 AS quant_id,
        sh.id AS location_id, sh.warehouse_id, {base["products"]} + i + 1 AS product_id,
        CASE WHEN i % 10 = 0 THEN {base["lots"]} + (i / 10) * {sizes.warehouses} + w.w + 1
        END AS lot_id"""


def shelf_join(sizes: Sizes) -> str:
    return f"JOIN lg_shelf sh ON sh.w = w.w AND sh.s = (i * 7919) % {sizes.shelves_per_warehouse}"


def quants(cursor, sizes: Sizes, base: dict, start: datetime) -> None:
    """Every quant with its quantity after the last round."""
    final = balance_sql("i", str(sizes.rounds - 1))
    cursor.execute(
        f"""
        INSERT INTO stock_quants (id, warehouse_id, location_id, product_id, lot_id, is_serial,
                                  holds_serial, quantity, reserved, received_at, updated_at)
        SELECT quant_id, warehouse_id, location_id, product_id, lot_id, i % 100 = 0,
               i % 100 = 0 AND {final} > 0, {final}, 0, {lit(start)}, now()
        FROM (SELECT w.w, i, {quant_columns(sizes, base)}
              FROM lg_wh w CROSS JOIN generate_series(0, {sizes.per_warehouse} - 1) i
              {shelf_join(sizes)}) q
        """
    )


def ensure_ledger_months(cursor, start: datetime) -> None:
    if is_partitioned(cursor):
        today = datetime.now(start.tzinfo).date()
        months = (today.year - start.year) * 12 + today.month - start.month + 2
        ensure_months(cursor, start.date(), months)


def finish(cursor) -> None:
    """Sequences past the ids written; statistics for the planner."""
    for table in SEQUENCED:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"GREATEST((SELECT MAX(id) FROM {table}), 1))"
        )


# Receipt/issue quantity of product index i, for the ledger and document steps.
def receive(i: str) -> str:
    return expr(RECEIVE, i)


def issue(i: str) -> str:
    return expr(ISSUE, i)
