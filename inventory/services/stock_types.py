"""What the stock service takes and gives back, and the bounds and orders it keeps."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from inventory.exceptions import Shortage, StockLimitExceeded

# Every quantity column is a bigint; the service refuses to pass it on every database (SQLite
# would otherwise turn an overflowing sum into a float).
MAX_QUANTITY = 2**63 - 1


QuantKey = tuple[int, int, int | None]  # (location_id, product_id, lot_id)


@dataclass(frozen=True)
class StockChange:
    """A change of exactly one quant: a signed delta, or with ``set_to`` the quantity it must
    become (a count), whose delta is only known under the lock."""

    warehouse_id: int
    location_id: int
    product_id: int
    lot_id: int | None
    quantity: int
    document_line_id: int
    set_to: bool = False
    is_serial: bool = False
    # A change of the quant's reserved part (a reservation made, released or consumed).
    reserved: int = 0

    @property
    def key(self) -> QuantKey:
        return (self.location_id, self.product_id, self.lot_id)


@dataclass(frozen=True)
class StockTake:
    """Stock to take out of a warehouse, from the quants the removal strategy chooses.

    ``within`` limits the choice to a location and everything below it; ``lot_id`` to one lot.
    With ``to_location_id`` (a transfer) what is taken goes there, lot kept.
    """

    warehouse_id: int
    product_id: int
    quantity: int
    document_line_id: int
    lot_id: int | None = None
    within: tuple[int, str] | None = None  # (location id, its path)
    to_warehouse_id: int | None = None
    to_location_id: int | None = None
    # Reserve what is chosen (raise ``reserved``) instead of moving it; with ``partial`` a
    # shortage reserves what there is instead of refusing.
    reserve: bool = False
    partial: bool = False


@dataclass
class StockResult:
    movements: int = 0  # ledger rows written
    held: list[tuple[int, int, int]] = field(default_factory=list)  # (line, quant, reserved)
    short: list[Shortage] = field(default_factory=list)  # what a partial reservation lacked


@dataclass
class _Locked:
    id: int
    warehouse_id: int
    quantity: int
    reserved: int
    is_serial: bool
    expires_on: date | None
    received_at: datetime | None
    pick_order: int
    path: str


def removal_order(quant: _Locked, key: QuantKey) -> tuple:
    """First expiry first (no expiry last), then first in first out, then pick order, path."""
    return (
        quant.expires_on is None,
        quant.expires_on or date.max,
        quant.received_at or datetime.max.replace(tzinfo=UTC),
        quant.pick_order,
        quant.path,
        key_order(key),
    )


def _check_bound(quantity: int) -> None:
    if quantity > MAX_QUANTITY:
        raise StockLimitExceeded(
            f"A stock quantity would exceed {MAX_QUANTITY}, the largest number the system stores."
        )


def key_order(key: QuantKey) -> tuple:
    """The order PostgreSQL sorts (location_id, product_id, lot_id) in: NULL after every id."""
    location_id, product_id, lot_id = key
    return (location_id, product_id, lot_id is None, lot_id or 0)
