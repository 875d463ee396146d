from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "documents"

    def ready(self):
        from documents import metrics
        from documents.models import DocType
        from documents.services import RESERVABLE

        metrics.start(DocType.values, RESERVABLE)
