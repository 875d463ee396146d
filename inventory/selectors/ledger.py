"""What a posted document moved, per line, read from the ledger (its own rows, reversals left
out): the quantity, lot and shelf of each move, for screens and papers that must say what
actually left or arrived rather than what was ordered."""

from dataclasses import dataclass
from datetime import date

from inventory.models import StockMovement
from warehouses.models import join_path


@dataclass(frozen=True)
class LineMove:
    quantity: int  # signed: negative out of the location
    location: str  # full path, MAIN/A/01
    lot: str | None
    expires_on: date | None


def line_moves(*, document_id: int) -> dict[int, list[LineMove]]:
    """{line id: [LineMove, ...]} in the order written. One query on the ledger's document
    index."""
    rows = (
        StockMovement.objects.filter(document_id=document_id, is_reversal=False)
        .order_by("id")
        .values_list(
            "document_line_id",
            "quantity",
            "location__warehouse__code",
            "location__path",
            "lot__code",
            "lot__expires_on",
        )
    )
    moves: dict[int, list[LineMove]] = {}
    for line, quantity, warehouse, path, lot, expires_on in rows:
        moves.setdefault(line, []).append(
            LineMove(quantity, join_path(warehouse, path), lot, expires_on)
        )
    return moves
