"""The root of the domain errors.

Business apps raise subclasses; the API and the admin translate any of them into a 409 (or the
status a subclass names) and a readable message, without knowing the business.
"""


class DomainError(Exception):
    """A request the current state of the data forbids. Carries what was wrong."""

    code = "conflict"
    status_code = 409
    # Seconds after which retrying may succeed, sent as Retry-After; None: do not retry as is.
    retry_after: int | None = None

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def details(self) -> dict:
        """Extra machine-readable fields for an API error body."""
        return {}


class InUse(DomainError):
    """A row cannot be deleted while other rows refer to it."""

    code = "in_use"
