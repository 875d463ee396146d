"""The unposted documents' lines and reservations, then every level's sums."""

from inventory.loadgen import Sizes

# Reserved document j (j % 10 in 4, 5) is the k-th reserved one; it holds one unit of quant
# (k % W, k / W): no two reserved documents share a quant, and no serial is chosen.
RESERVED_K = "((j / 10) * 2 + j % 10 - 4)"


def other_lines(cursor, sizes: Sizes, base: dict) -> None:
    """Two lines per unposted document; a reserved one's first line holds one unit of its
    quant (stock_reservations), which the quant's reserved then sums."""
    pw, w_count = sizes.per_warehouse, sizes.warehouses
    product = f"""CASE WHEN d.status = 'reserved' AND n = 0
                       THEN ({RESERVED_K} / {w_count}) % ({pw} - 1)
                       ELSE (j * 13 + n * 7) % {pw} END"""
    cursor.execute(
        f"""
        CREATE TEMP TABLE lg_other_line ON COMMIT DROP AS
        SELECT {base["document_lines"]} + {sizes.rows} + j * 2 + n + 1 AS id, d.id AS document_id,
               d.status, d.t AS at, n, w.w,
               CASE WHEN pi % 100 = 0 AND d.status = 'reserved' THEN pi + 1 ELSE pi END AS i,
               CASE WHEN d.status = 'reserved' AND n = 0 THEN 1 ELSE 1 + (j + n) % 5 END AS qty
        FROM (SELECT idx AS j, * FROM lg_doc WHERE kind = 1) d
        JOIN lg_wh w ON w.w = d.w CROSS JOIN generate_series(0, 1) n,
        LATERAL (SELECT {product} AS pi) p;
        INSERT INTO document_lines (id, document_id, product_id, quantity, lot_id)
        SELECT l.id, l.document_id, {base["products"]} + l.i + 1, l.qty,
               CASE WHEN l.i % 10 = 0 THEN {base["lots"]} + (l.i / 10) * {w_count} + l.w + 1 END
        FROM lg_other_line l;
        INSERT INTO stock_reservations (document_id, document_line_id, quant_id, quantity,
                                        created_at)
        SELECT l.document_id, l.id, {base["stock_quants"]} + l.w * {pw} + l.i + 1, 1, l.at
        FROM lg_other_line l WHERE l.status = 'reserved' AND l.n = 0;
        """
    )


def sums(cursor, sizes: Sizes, base: dict) -> None:
    """Quants' reserved, warehouse rows and product totals from what was written, and reorder
    points (every 50th product: some below their minimum)."""
    cursor.execute(
        f"""
        UPDATE stock_quants q SET reserved = r.n
        FROM (SELECT quant_id, SUM(quantity) AS n FROM stock_reservations
              WHERE quant_id > {base["stock_quants"]} GROUP BY quant_id) r
        WHERE q.id = r.quant_id;
        INSERT INTO warehouse_inventory (warehouse_id, product_id, quantity, reserved, updated_at)
        SELECT warehouse_id, product_id, SUM(quantity), SUM(reserved), now()
        FROM stock_quants WHERE id > {base["stock_quants"]} GROUP BY warehouse_id, product_id;
        INSERT INTO inventory (product_id, quantity, reserved, updated_at)
        SELECT product_id, SUM(quantity), SUM(reserved), now()
        FROM warehouse_inventory WHERE product_id > {base["products"]} GROUP BY product_id;
        INSERT INTO reorder_points (warehouse_id, product_id, min_quantity, target_quantity,
                                    updated_at)
        SELECT warehouse_id, product_id,
               CASE WHEN product_id % 100 < 50 THEN quantity + 3 ELSE 1 END,
               CASE WHEN product_id % 100 < 50 THEN quantity + 30 ELSE 10 END, now()
        FROM warehouse_inventory
        WHERE product_id > {base["products"]} AND (product_id - {base["products"]}) % 50 = 2;
        """
    )
