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
