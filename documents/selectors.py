"""Reads of documents used by more than one caller."""

from django.db.models import Prefetch, QuerySet

from documents.models import Document, DocumentLine


def document_list() -> QuerySet[Document]:
    """Documents with their lines, newest first, in two queries whatever the page size."""
    return Document.objects.prefetch_related(
        Prefetch("lines", queryset=DocumentLine.objects.order_by("id"))
    ).order_by("-id")


def document_get(document_id: int) -> Document:
    """One document with its lines; raises Document.DoesNotExist."""
    return document_list().get(pk=document_id)
