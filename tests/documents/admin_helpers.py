"""Form data for the document admin, as the browser would post it."""

from django.urls import reverse

ADD_URL = reverse("admin:documents_document_add")
CHANGELIST_URL = reverse("admin:documents_document_changelist")


def change_url(document) -> str:
    return reverse("admin:documents_document_change", args=[document.pk])


def delete_url(document) -> str:
    return reverse("admin:documents_document_delete", args=[document.pk])


def post_url(document) -> str:
    return reverse("admin:documents_document_post", args=[document.pk])


def cancel_url(document) -> str:
    return reverse("admin:documents_document_cancel", args=[document.pk])


def form_data(doc_type=None, warehouse=None, lines=(), destination=None, existing=(), **extra):
    """The change form's fields; `lines` are new (product, quantity) rows, `existing` the
    document's current DocumentLine objects, kept unless given in extra as deleted."""
    data = {
        "warehouse": warehouse.pk if warehouse else "",
        "destination_warehouse": destination.pk if destination else "",
        "reference": "",
        "note": "",
        "lines-INITIAL_FORMS": len(existing),
        "lines-TOTAL_FORMS": len(existing) + len(lines),
        "lines-MIN_NUM_FORMS": 0,
        "lines-MAX_NUM_FORMS": 1000,
    }
    if doc_type is not None:
        data["doc_type"] = doc_type
    for i, line in enumerate(existing):
        data |= {
            f"lines-{i}-id": line.pk,
            f"lines-{i}-document": line.document_id,
            f"lines-{i}-product": line.product_id,
            f"lines-{i}-quantity": line.quantity,
        }
    for i, (product, quantity) in enumerate(lines, start=len(existing)):
        data |= {f"lines-{i}-product": product.pk, f"lines-{i}-quantity": quantity}
    return data | extra


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []
