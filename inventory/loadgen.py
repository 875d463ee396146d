"""A big, consistent warehouse for load tests, written set-based in SQL (PostgreSQL only).

The shape is arithmetic, so every figure is known without reading anything back:

* warehouse ``w`` holds each of the first ``per_warehouse`` products once, quant ``(w, i)``, on a
  shelf of its zone/aisle/shelf tree; a tenth of the products are lot-tracked (one lot per
  warehouse), a hundredth serial (one serial per warehouse);
* the ledger is ``rounds`` rounds; in round ``r`` every quant moves once: even rounds bring ``R``
  in (receipts, some adjustments, counts and returns), odd rounds take ``S`` out (shipments, some
  adjustments and counts), with ``S < R`` (serials: 1 and 1). So a quant's balance after round
  ``r`` is ``(r // 2 + 1) * R - ((r + 1) // 2) * S``: never negative, and ``balance_after`` is
  written from that formula rather than from a window over millions of rows;
* ``lines`` consecutive ledger rows of one warehouse make one posted document (one line per
  row), in time order over ``days`` days; the other documents are drafts, reserved shipments
  (one unit of a quant each, with its reservation row) and cancelled drafts;
* quants, warehouse rows and product totals are then summed from what was written.

What has no closed form (posted transfers, returns of posted shipments, reversals of cancelled
postings, backorders) the command then makes through documents' services: documents/loadgen.py.

Foreign keys and triggers are off for the bulk load (``session_replication_role = replica``): a
deferred foreign-key check per row would queue tens of millions of events. Every id written is
computed from ids that exist, and reconcile_stock checks the result.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta


@dataclass(frozen=True)
class Sizes:
    products: int = 100_000
    warehouses: int = 10
    zones: int = 4
    aisles: int = 10
    shelves: int = 25
    documents: int = 1_000_000
    movements: int = 10_000_000
    days: int = 730

    @property
    def lines(self) -> int:
        """Ledger rows (and lines) per posted document: nine in ten documents are posted."""
        return max(1, min(self.products, round(self.movements / (0.9 * self.documents))))

    @property
    def per_warehouse(self) -> int:
        """Quants per warehouse: whole documents' worth of products."""
        return self.products // self.lines * self.lines

    @property
    def quants(self) -> int:
        return self.per_warehouse * self.warehouses

    @property
    def rounds(self) -> int:
        return max(1, round(self.movements / self.quants))

    @property
    def rows(self) -> int:
        return self.quants * self.rounds

    @property
    def posted(self) -> int:
        return self.rows // self.lines

    @property
    def others(self) -> int:
        return max(0, self.documents - self.posted)

    @property
    def shelves_per_warehouse(self) -> int:
        return self.zones * self.aisles * self.shelves


def start_of(sizes: Sizes) -> datetime:
    now = datetime.now(UTC).replace(microsecond=0)
    return now - timedelta(days=sizes.days)


# SQL expressions of product index i (0-based) shared by the steps below.
TRACKING = "CASE WHEN {i} % 100 = 0 THEN 'serial' WHEN {i} % 10 = 0 THEN 'lot' ELSE 'none' END"
RECEIVE = "CASE WHEN {i} % 100 = 0 THEN 1 ELSE 5 + {i} % 16 END"  # R
ISSUE = "CASE WHEN {i} % 100 = 0 THEN 1 ELSE 1 + ({i} * 3) % (4 + {i} % 16) END"  # S < R
BALANCE = "(({r}) / 2 + 1) * ({R}) - ((({r}) + 1) / 2) * ({S})"


def expr(template: str, i: str) -> str:
    return template.format(i=i)


def balance_sql(i: str, r: str) -> str:
    return BALANCE.format(r=r, R=expr(RECEIVE, i), S=expr(ISSUE, i))
