from django.apps import AppConfig

# Why a posting can fail, as documents.services records it: the codes of the domain errors a
# posting raises, and the failures that are not the document's fault.
POST_FAILURE_REASONS = (
    "insufficient_stock",
    "invalid_state",
    "document_empty",
    "origin_not_posted",
    "return_exceeds_shipped",
    "stock_limit_exceeded",
    "permission_denied",
    "not_found",
    "invalid",
    "database_unavailable",
    "error",
)


class DocumentsConfig(AppConfig):
    name = "documents"

    def ready(self):
        from documents.models import DocType
        from documents.services import RESERVABLE
        from wms import metrics

        metrics.start_at_zero(metrics.DOCUMENTS_POSTED, "doc_type", DocType.values)
        metrics.start_at_zero(metrics.DOCUMENTS_CANCELLED, "doc_type", DocType.values)
        metrics.start_at_zero(metrics.POST_FAILURES, "reason", POST_FAILURE_REASONS)
        metrics.start_at_zero(metrics.DOCUMENTS_RESERVED, "doc_type", sorted(RESERVABLE))
        metrics.start_at_zero(metrics.BACKORDERS, "doc_type", sorted(RESERVABLE))
