"""Staff screens for documents, one module per screen. Every write goes through
documents.services, as in the API. Importing the package registers every screen."""

from documents.admin import dashboard, documents, picking, returns, tools  # noqa: F401
