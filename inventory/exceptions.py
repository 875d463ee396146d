from dataclasses import asdict, dataclass

from wms.exceptions import DomainError


@dataclass(frozen=True)
class Shortage:
    product: int
    warehouse: int
    requested: int
    available: int
    # The location (subtree) and lot the line asked for, when it named them.
    location: int | None = None
    lot: int | None = None
    # Documents whose reservations hold the stock a count or adjustment would take.
    held_by: tuple[str, ...] = ()


class InsufficientStock(DomainError):
    """Some lines would take more than a warehouse holds. Nothing was changed."""

    code = "insufficient_stock"

    def __init__(self, shortages: list[Shortage], message: str):
        super().__init__(message)
        self.shortages = shortages

    def details(self) -> dict:
        return {"shortages": [asdict(s) for s in self.shortages]}


class StockLimitExceeded(DomainError):
    """A quantity would pass the largest number the stock columns hold."""

    code = "stock_limit_exceeded"


class SerialInStock(DomainError):
    """A serial would be in two places, or more than one unit of it would exist."""

    code = "serial_in_stock"


class TrackingInUse(DomainError):
    """A product's tracking cannot change: its stock or ledger already refers to it."""

    code = "tracking_in_use"


class DecimalsInUse(DomainError):
    """A product's decimals cannot change: stored quantities are counted in its steps."""

    code = "decimals_in_use"
