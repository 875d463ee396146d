"""Making and posting documents in one call."""

from documents.services import LineInput, document_create, document_post


def make_document(doc_type, warehouse, lines, destination=None, **kwargs):
    """A draft from [(product, quantity), ...]."""
    return document_create(
        doc_type=doc_type,
        warehouse_id=warehouse.pk,
        destination_warehouse_id=destination.pk if destination else None,
        lines=[LineInput(p.pk, q) for p, q in lines],
        **kwargs,
    )


def post(doc_type, warehouse, lines, destination=None, user=None):
    """Create and post a document; returns it posted."""
    document = make_document(doc_type, warehouse, lines, destination)
    return document_post(document_id=document.pk, user=user)


def post_lines(doc_type, warehouse, lines, origin=None):
    """Create and post a document of LineInput lines (a return names its shipment, origin)."""
    document = document_create(
        doc_type=doc_type,
        warehouse_id=warehouse.pk,
        lines=lines,
        origin_id=origin.pk if origin else None,
    )
    return document_post(document_id=document.pk)


def draft_return(shipment, lines, **kwargs):
    """A draft return of LineInput lines of a posted shipment."""
    return document_create(
        doc_type="return",
        warehouse_id=shipment.warehouse_id,
        origin_id=shipment.pk,
        lines=lines,
        **kwargs,
    )
