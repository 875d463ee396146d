"""Documents, lines, the ledger, reservations and the sums of generate_load_data."""

from collections.abc import Callable
from datetime import datetime, timedelta

from inventory.loadgen import Sizes, balance_sql
from inventory.loadgen_steps import issue, lit, quant_columns, receive, shelf_join

PREFIX = (
    "CASE d.doc_type WHEN 'receipt' THEN 'RCV' WHEN 'shipment' THEN 'SHP' WHEN 'transfer' "
    "THEN 'TRF' WHEN 'adjustment' THEN 'ADJ' WHEN 'count' THEN 'CNT' ELSE 'RET' END"
)
OTHER_TYPES = "(ARRAY['receipt','shipment','transfer','adjustment','count'])"


def seconds(length: timedelta) -> str:
    return f"interval '{length.total_seconds():.6f} seconds'"


def plan_documents(cursor, sizes: Sizes, base: dict, start: datetime) -> None:
    """lg_doc: every document to write, its id in time order, type, status and warehouse."""
    span = timedelta(days=sizes.days)
    step = span / sizes.rows
    neg_type = (
        "CASE WHEN {d} % 20 = 18 THEN 'adjustment' WHEN {d} % 20 = 19 THEN 'count' "
        "ELSE 'shipment' END"
    )
    cursor.execute(
        f"""
        CREATE TEMP TABLE lg_doc ON COMMIT DROP AS
        WITH posted AS (
            SELECT 0 AS kind, d AS idx, ((d * {sizes.lines}) % {sizes.quants}) / {sizes.lines}
                   % {sizes.warehouses} AS w, 'posted' AS status,
                   {lit(start)} + d * {sizes.lines} * {seconds(step)} AS t,
                   CASE WHEN (d * {sizes.lines} / {sizes.quants}) % 2 = 1
                        THEN {neg_type.format(d="d")}
                        WHEN d % 20 = 15 THEN 'adjustment' WHEN d % 20 = 16 THEN 'count'
                        ELSE 'receipt' END AS doc_type
            FROM generate_series(0, {sizes.posted} - 1) d),
        other AS (
            SELECT 1 AS kind, j AS idx,
                   CASE WHEN j % 10 IN (4, 5) THEN ((j / 10) * 2 + j % 10 - 4) % {sizes.warehouses}
                        ELSE j % {sizes.warehouses} END AS w,
                   CASE WHEN j % 10 < 4 THEN 'draft' WHEN j % 10 < 6 THEN 'reserved'
                        ELSE 'cancelled' END AS status,
                   {lit(start)} + (j + 0.5) * {seconds(span)} / {max(sizes.others, 1)} AS t,
                   CASE WHEN j % 10 IN (4, 5) THEN 'shipment'
                        ELSE {OTHER_TYPES}[(j / 10) % 5 + 1] END AS doc_type
            FROM generate_series(0, {sizes.others} - 1) j)
        SELECT {base["documents"]} + row_number() OVER (ORDER BY t, kind, idx) AS id, *
        FROM (SELECT * FROM posted UNION ALL SELECT * FROM other) x;
        CREATE UNIQUE INDEX ON lg_doc (kind, idx);
        ANALYZE lg_doc;
        """
    )


def write_documents(cursor, sizes: Sizes) -> None:
    cursor.execute(
        f"""
        INSERT INTO documents (id, number, doc_type, status, warehouse_id, reference, note,
                               created_at, updated_at, posted_at, cancelled_at, cancel_reason,
                               destination_warehouse_id, origin_id)
        SELECT d.id, {PREFIX} || '-' || lpad(d.id::text, 6, '0'), d.doc_type, d.status, w.id,
               CASE d.kind WHEN 0 THEN 'ORD-' ELSE 'REQ-' END || lpad(d.idx::text, 8, '0'), '',
               d.t - interval '10 minutes', d.t,
               CASE WHEN d.status = 'posted' THEN d.t END,
               CASE WHEN d.status = 'cancelled' THEN d.t + interval '1 hour' END, '',
               CASE WHEN d.doc_type = 'transfer' THEN dest.id END,
               NULL
        FROM lg_doc d JOIN lg_wh w ON w.w = d.w
        JOIN lg_wh dest ON dest.w = (d.w + 1) % {sizes.warehouses}
        ORDER BY d.id
        """
    )


def write_ledger(cursor, sizes: Sizes, base: dict, say: Callable[[str], None]) -> None:
    """One line and one ledger row per g, in batches, with progress."""
    q, n, w_count = sizes.quants, sizes.lines, sizes.warehouses
    row = f"""
        FROM (SELECT g, g / {q} AS r, ((g % {q}) / {n}) % {w_count} AS wn,
                     (((g % {q}) / {n}) / {w_count}) * {n} + g % {n} AS i
              FROM generate_series(FIRST, LAST) g) x
        JOIN lg_wh w ON w.w = x.wn
        JOIN lg_doc d ON d.kind = 0 AND d.idx = x.g / {n}
        {shelf_join(sizes)}"""
    lines = f"""
        INSERT INTO document_lines (id, document_id, product_id, quantity, location_id, lot_id)
        SELECT {base["document_lines"]} + g + 1, d.id, {base["products"]} + i + 1,
               CASE WHEN r % 2 = 0 THEN {receive("i")} ELSE {issue("i")} END, sh.id,
               CASE WHEN i % 10 = 0 THEN {base["lots"]} + (i / 10) * {w_count} + w.w + 1 END
        {row}"""
    ledger = f"""
        INSERT INTO stock_movements (id, document_id, document_line_id, warehouse_id,
            location_id, product_id, lot_id, quant_id, quantity, balance_after, is_reversal,
            created_at)
        SELECT {base["stock_movements"]} + g + 1, doc_id, {base["document_lines"]} + g + 1,
               warehouse_id, location_id, product_id, lot_id, quant_id,
               CASE WHEN r % 2 = 0 THEN {receive("i")} ELSE -({issue("i")}) END,
               {balance_sql("i", "r")}, FALSE, t
        FROM (SELECT x.g, x.r, x.i, d.id AS doc_id, d.t, {quant_columns(sizes, base)}
              {row}) y"""
    batch = 500_000
    for first in range(0, sizes.rows, batch):
        last = min(first + batch, sizes.rows) - 1
        for statement in (lines, ledger):
            cursor.execute(statement.replace("FIRST", str(first)).replace("LAST", str(last)))
        say(f"  ledger rows {last + 1:,} / {sizes.rows:,}")
