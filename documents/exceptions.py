from wms.exceptions import DomainError


class DocumentStateError(DomainError):
    """The document's status forbids the action (posting a posted document, editing one...)."""

    code = "invalid_state"

    def __init__(self, message: str, *, status: str):
        super().__init__(message)
        self.status = status

    def details(self) -> dict:
        return {"status": self.status}


class EmptyDocument(DomainError):
    code = "document_empty"


class OriginNotPosted(DomainError):
    """A return's shipment is no longer posted (cancelled since the return was drafted)."""

    code = "origin_not_posted"

    def __init__(self, message: str, *, origin: int, status: str):
        super().__init__(message)
        self.origin = origin
        self.status = status

    def details(self) -> dict:
        return {"origin": self.origin, "origin_status": self.status}


class ReturnExceedsShipped(DomainError):
    """A return would bring back more of a (product, lot) than its shipment shipped less what
    earlier returns of it brought back. ``exceeded``: one dict per such (product, lot)."""

    code = "return_exceeds_shipped"

    def __init__(self, message: str, *, exceeded: list[dict]):
        super().__init__(message)
        self.exceeded = exceeded

    def details(self) -> dict:
        return {"exceeded": self.exceeded}


class ShipmentHasReturns(DomainError):
    """A posted shipment cannot be cancelled while returns of it are posted."""

    code = "shipment_has_returns"

    def __init__(self, message: str, *, returns: list[str]):
        super().__init__(message)
        self.returns = returns

    def details(self) -> dict:
        return {"returns": self.returns}


class TaskAlreadyConfirmed(DomainError):
    """Another confirmation of the same pick task came first (a second picker on the list)."""

    code = "task_already_confirmed"

    def __init__(self, message: str, *, quantity: int, confirmed_by: str):
        super().__init__(message)
        self.quantity = quantity
        self.confirmed_by = confirmed_by

    def details(self) -> dict:
        return {"quantity": self.quantity, "confirmed_by": self.confirmed_by}


class InactiveInPosting(DomainError):
    """A posting names a warehouse, product or location that has been deactivated since the
    draft was made. ``inactive``: one {"kind", "id", "name"} per such row."""

    code = "inactive"

    def __init__(self, message: str, *, inactive: list[dict]):
        super().__init__(message)
        self.inactive = inactive

    def details(self) -> dict:
        return {"inactive": self.inactive}


class ShelfAlreadyCounted(DomainError):
    """Another counter confirmed the same shelf of a count first."""

    code = "shelf_already_counted"

    def __init__(self, message: str, *, counted: int, confirmed_by: str):
        super().__init__(message)
        self.counted = counted
        self.confirmed_by = confirmed_by

    def details(self) -> dict:
        return {"counted": self.counted, "confirmed_by": self.confirmed_by}
