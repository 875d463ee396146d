"""The stock check: every place where quants, the ledger, the stock rows and the totals disagree.
Once the ledger is closed at a cut (inventory/closings.py), each quant's closing balance opens
its attached history."""

from dataclasses import dataclass

from django.db import DatabaseError, connection, transaction


@dataclass(frozen=True)
class Mismatch:
    kind: str  # ledger | balance | key | quants | totals | range | error
    text: str

    def __str__(self) -> str:
        return self.text


# Each check is one query whose rows are the mismatches it found, and a way to say each one.
# FULL OUTER JOINs so that a row on either side without its twin is reported too.
# The closings that open each quant's attached history (none unless archived).
CUT = "(SELECT MAX(cut) FROM ledger_archives)"

_CHECKS: list[tuple[str, str, object]] = [
    (
        "ledger",
        """
        SELECT q.id, q.location_id, q.product_id, q.lot_id, q.quantity,
               COALESCE(c.balance, 0) + COALESCE(l.total, 0)
        FROM stock_quants q
        LEFT JOIN (SELECT quant_id, SUM(quantity) AS total FROM stock_movements
                   GROUP BY quant_id) l ON l.quant_id = q.id
        LEFT JOIN ledger_closings c ON c.quant_id = q.id AND c.closed_at = {CUT}
        WHERE q.quantity <> COALESCE(c.balance, 0) + COALESCE(l.total, 0)
        ORDER BY q.id
        """,
        lambda q, loc, p, lot, qty, total: (
            f"quant {q} (product {p} at location {loc}, lot {lot}) holds {qty}, "
            f"the ledger sums to {total}"
        ),
    ),
    (
        "balance",
        """
        SELECT m.id, m.quant_id, m.balance_after, COALESCE(c.balance, 0) + m.running FROM (
            SELECT id, quant_id, balance_after,
                   SUM(quantity) OVER (PARTITION BY quant_id ORDER BY id) AS running
            FROM stock_movements) m
        LEFT JOIN ledger_closings c ON c.quant_id = m.quant_id AND c.closed_at = {CUT}
        WHERE m.balance_after <> COALESCE(c.balance, 0) + m.running
        ORDER BY m.id
        """,
        lambda m, q, after, running: (
            f"movement {m} of quant {q} says balance_after {after}, its ledger up to it sums "
            f"to {running}"
        ),
    ),
    (
        "key",
        """
        SELECT m.id, m.quant_id FROM stock_movements m JOIN stock_quants q ON q.id = m.quant_id
        WHERE m.location_id <> q.location_id OR m.product_id <> q.product_id
           OR m.warehouse_id <> q.warehouse_id OR m.lot_id IS DISTINCT FROM q.lot_id
        ORDER BY m.id
        """,
        lambda m, q: (
            f"movement {m} names another location, product, lot or warehouse than its quant {q}"
        ),
    ),
    (
        "quants",
        """
        SELECT COALESCE(q.warehouse_id, s.warehouse_id), COALESCE(q.product_id, s.product_id),
               COALESCE(s.quantity, 0), COALESCE(q.quantity, 0),
               COALESCE(s.reserved, 0), COALESCE(q.reserved, 0)
        FROM (SELECT warehouse_id, product_id, SUM(quantity) AS quantity,
                     SUM(reserved) AS reserved
              FROM stock_quants GROUP BY warehouse_id, product_id) q
        FULL OUTER JOIN warehouse_inventory s
            ON s.warehouse_id = q.warehouse_id AND s.product_id = q.product_id
        WHERE COALESCE(q.quantity, 0) <> COALESCE(s.quantity, 0)
           OR COALESCE(q.reserved, 0) <> COALESCE(s.reserved, 0)
        ORDER BY 1, 2
        """,
        lambda w, p, qty, qsum, res, rsum: (
            f"stock of product {p} in warehouse {w} is {qty} ({res} reserved), "
            f"its quants sum to {qsum} ({rsum} reserved)"
        ),
    ),
    (
        "totals",
        """
        SELECT COALESCE(s.product_id, t.product_id), COALESCE(t.quantity, 0),
               COALESCE(s.quantity, 0), COALESCE(t.reserved, 0), COALESCE(s.reserved, 0)
        FROM (SELECT product_id, SUM(quantity) AS quantity, SUM(reserved) AS reserved
              FROM warehouse_inventory GROUP BY product_id) s
        FULL OUTER JOIN inventory t ON t.product_id = s.product_id
        WHERE COALESCE(s.quantity, 0) <> COALESCE(t.quantity, 0)
           OR COALESCE(s.reserved, 0) <> COALESCE(t.reserved, 0)
        ORDER BY 1
        """,
        lambda p, qty, ssum, res, rsum: (
            f"total of product {p} is {qty} ({res} reserved), its stock rows sum to {ssum} "
            f"({rsum} reserved)"
        ),
    ),
    (
        "reservations",
        """
        SELECT q.id, q.reserved, COALESCE(r.total, 0)
        FROM stock_quants q
        LEFT JOIN (SELECT quant_id, SUM(quantity) AS total FROM stock_reservations
                   GROUP BY quant_id) r ON r.quant_id = q.id
        WHERE q.reserved <> COALESCE(r.total, 0)
        ORDER BY q.id
        """,
        lambda q, reserved, total: (
            f"quant {q} has {reserved} reserved, its active reservations sum to {total}"
        ),
    ),
    (
        "range",
        """
        SELECT 'quant', id, quantity, reserved FROM stock_quants
            WHERE quantity < 0 OR reserved < 0 OR reserved > quantity
        UNION ALL
        SELECT 'stock row', id, quantity, reserved FROM warehouse_inventory
            WHERE quantity < 0 OR reserved < 0 OR reserved > quantity
        UNION ALL
        SELECT 'total of product', product_id, quantity, reserved FROM inventory
            WHERE quantity < 0 OR reserved < 0 OR reserved > quantity
        """,
        lambda what, pk, qty, res: f"{what} {pk} holds {qty} with {res} reserved",
    ),
]


def register_check(kind: str, query: str, say) -> None:
    """Add a check of another app's rules over the stock (documents' returns, say), run with
    the others in the same snapshot: inventory itself knows nothing of documents."""
    if kind not in {k for k, _, _ in _CHECKS}:
        _CHECKS.append((kind, query, say))


def stock_mismatches() -> list[Mismatch]:
    """Every place where quants, the ledger, its balances, the stock rows and the totals
    disagree, or a quantity or its reserved part is out of range.

    Runs in one REPEATABLE READ snapshot on PostgreSQL so concurrent postings cannot show up as
    false mismatches between the queries. A check the database cannot compute (SQLite's SUM
    overflows on corrupt rows) is reported as a mismatch of its own, never raised.
    """
    found: list[Mismatch] = []
    outermost = not connection.in_atomic_block
    with transaction.atomic(), connection.cursor() as cursor:
        if outermost and connection.vendor == "postgresql":
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        for kind, query, say in _CHECKS:
            try:
                with transaction.atomic():
                    cursor.execute(query.replace("{CUT}", CUT))
                    found += [Mismatch(kind, say(*row)) for row in cursor.fetchall()]
            except DatabaseError as exc:
                found.append(Mismatch("error", f"the {kind} check could not be computed: {exc}"))
    return found
