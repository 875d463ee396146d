"""Documents: create and edit drafts, post them, cancel them.

Every rule about documents lives here; the API, the admin and the commands call these functions.
Each function owns its transaction. Posting and cancelling move stock only through
inventory.services.stock_apply.
"""

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, OperationalError, transaction
from django.utils import timezone

from documents.exceptions import DocumentStateError, EmptyDocument
from documents.models import (
    CANCEL_REASON_MAX,
    NUMBER_PREFIX,
    DocType,
    Document,
    DocumentLine,
    PostingFailure,
    Status,
)
from inventory.models import Product, StockMovement
from inventory.services import StockChange, stock_apply
from warehouses.models import Warehouse
from wms import metrics
from wms.exceptions import DomainError

logger = logging.getLogger(__name__)

# The quantity column is a PostgreSQL bigint.
MAX_QUANTITY = 2**63 - 1

STOCK_CORRECTIONS = frozenset({DocType.ADJUSTMENT, DocType.COUNT})


@dataclass(frozen=True)
class LineInput:
    product_id: int
    quantity: int


# --- who may do what ------------------------------------------------------------------------


def post_permissions(doc_type: str) -> tuple[str, ...]:
    """Permissions needed to post a document of this type."""
    if doc_type in STOCK_CORRECTIONS:
        return ("documents.post_document", "documents.post_stock_correction")
    return ("documents.post_document",)


CANCEL_PERMISSIONS = ("documents.cancel_document",)


def user_can_post(user, doc_type: str) -> bool:
    return user.has_perms(post_permissions(doc_type))


def user_can_cancel(user) -> bool:
    return user.has_perms(CANCEL_PERMISSIONS)


def _require(user, perms: tuple[str, ...], action: str) -> None:
    # user=None is the system itself (management commands, data loads).
    if user is not None and not user.has_perms(perms):
        raise PermissionDenied(f"You do not have permission to {action}.")


# --- drafts ---------------------------------------------------------------------------------


def document_validate(
    *,
    doc_type: str,
    warehouse_id: int | None,
    destination_warehouse_id: int | None,
    lines: Sequence[LineInput],
) -> None:
    """Check a draft against every rule of its type. Raises ValidationError keyed by field."""
    errors: dict[str, list[str]] = {}
    if doc_type not in DocType.values:
        raise ValidationError({"doc_type": [f"Unknown document type {doc_type!r}."]})

    wanted = {w for w in (warehouse_id, destination_warehouse_id) if w is not None}
    warehouses = {
        w.pk: w for w in Warehouse.objects.filter(pk__in=wanted).only("code", "is_active")
    }
    for field, wid in (
        ("warehouse", warehouse_id),
        ("destination_warehouse", destination_warehouse_id),
    ):
        if wid is None:
            continue
        if wid not in warehouses:
            errors.setdefault(field, []).append(f"Warehouse {wid} does not exist.")
        elif not warehouses[wid].is_active:
            errors.setdefault(field, []).append(f"Warehouse {warehouses[wid].code} is inactive.")
    if warehouse_id is None:
        errors.setdefault("warehouse", []).append("A warehouse is required.")
    if doc_type == DocType.TRANSFER:
        if destination_warehouse_id is None:
            errors.setdefault("destination_warehouse", []).append(
                "A transfer needs a destination warehouse."
            )
        elif destination_warehouse_id == warehouse_id:
            errors.setdefault("destination_warehouse", []).append(
                "A transfer's destination must differ from its source warehouse."
            )
    elif destination_warehouse_id is not None:
        errors.setdefault("destination_warehouse", []).append(
            "Only transfers have a destination warehouse."
        )

    line_errors = _line_errors(doc_type, lines)
    if line_errors:
        errors["lines"] = line_errors
    if errors:
        raise ValidationError(errors)


def _line_errors(doc_type: str, lines: Sequence[LineInput]) -> list[str]:
    if not lines:
        return ["A document needs at least one line."]
    errors = []
    # Only the fields the rules read: a 10,000-line receipt must not build 10,000 model objects.
    products = Product.objects.filter(pk__in={line.product_id for line in lines}).only(
        "sku", "is_active"
    )
    products = {p.pk: p for p in products}
    seen: set[int] = set()
    for n, line in enumerate(lines, start=1):
        product = products.get(line.product_id)
        if product is None:
            errors.append(f"Line {n}: product {line.product_id} does not exist.")
            continue
        if line.product_id in seen:
            errors.append(f"Line {n}: product {product.sku} appears more than once.")
        seen.add(line.product_id)
        if not product.is_active:
            errors.append(f"Line {n}: product {product.sku} is inactive.")
        problem = _quantity_problem(doc_type, line.quantity)
        if problem:
            errors.append(f"Line {n} ({product.sku}): {problem}")
    return errors


def _quantity_problem(doc_type: str, quantity) -> str | None:
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        return "the quantity must be a whole number."
    if abs(quantity) > MAX_QUANTITY:
        return f"the quantity must be between -{MAX_QUANTITY} and {MAX_QUANTITY}."
    if doc_type == DocType.ADJUSTMENT:
        return "an adjustment's quantity must not be zero." if quantity == 0 else None
    if doc_type == DocType.COUNT:
        return "a counted quantity must not be negative." if quantity < 0 else None
    return f"a {doc_type}'s quantity must be positive." if quantity <= 0 else None


def document_create(
    *,
    doc_type: str,
    warehouse_id: int,
    lines: Sequence[LineInput],
    destination_warehouse_id: int | None = None,
    reference: str = "",
    note: str = "",
    created_by=None,
) -> Document:
    """Create a draft with its lines and give it its number."""
    document_validate(
        doc_type=doc_type,
        warehouse_id=warehouse_id,
        destination_warehouse_id=destination_warehouse_id,
        lines=lines,
    )
    with transaction.atomic():
        document = Document.objects.create(
            doc_type=doc_type,
            warehouse_id=warehouse_id,
            destination_warehouse_id=destination_warehouse_id,
            reference=reference,
            note=note,
            created_by=created_by,
        )
        document.number = f"{NUMBER_PREFIX[doc_type]}-{document.pk:06d}"
        Document.objects.filter(pk=document.pk).update(number=document.number)
        _write_lines(document, lines)
    logger.info("Document %s created (%d lines)", document.number, len(lines))
    return document


_EDITABLE = {"warehouse_id", "destination_warehouse_id", "reference", "note", "lines"}


def document_update(*, document_id: int, **changes) -> Document:
    """Change a draft. Any of warehouse_id, destination_warehouse_id, reference, note and
    lines (which replaces all lines) may be given; the rest stays as it is."""
    unknown = set(changes) - _EDITABLE
    if unknown:
        raise TypeError(f"document_update() got unexpected fields {sorted(unknown)}")
    with transaction.atomic():
        document = _lock_draft(document_id, "edited")
        lines = changes.pop("lines", None)
        for field, value in changes.items():
            setattr(document, field, value)
        document_validate(
            doc_type=document.doc_type,
            warehouse_id=document.warehouse_id,
            destination_warehouse_id=document.destination_warehouse_id,
            lines=lines if lines is not None else _current_lines(document),
        )
        document.save()
        if lines is not None:
            document.lines.all().delete()
            _write_lines(document, lines)
    return document


def document_delete(*, document_id: int) -> None:
    with transaction.atomic():
        document = _lock_draft(document_id, "deleted")
        document.delete()


def _current_lines(document: Document) -> list[LineInput]:
    return [LineInput(p, q) for p, q in document.lines.values_list("product_id", "quantity")]


def _write_lines(document: Document, lines: Sequence[LineInput]) -> None:
    DocumentLine.objects.bulk_create(
        DocumentLine(document=document, product_id=line.product_id, quantity=line.quantity)
        for line in lines
    )


def _lock(document_id: int) -> Document:
    return Document.objects.select_for_update().get(pk=document_id)


def _lock_draft(document_id: int, verb: str) -> Document:
    document = _lock(document_id)
    if document.status != Status.DRAFT:
        raise DocumentStateError(
            f"{document.number} is {document.status}; only drafts can be {verb}.",
            status=document.status,
        )
    return document


# --- posting and cancelling -----------------------------------------------------------------


def document_post(*, document_id: int, user=None) -> Document:
    """Move the stock of a draft, all or nothing, and mark it posted.

    Raises Document.DoesNotExist, PermissionDenied, DocumentStateError (not a draft),
    EmptyDocument, InsufficientStock (every shortage listed) or StockLimitExceeded. Every
    failure is counted and recorded as a PostingFailure once the posting has rolled back.
    """
    try:
        with transaction.atomic():
            document = _lock(document_id)
            _require(user, post_permissions(document.doc_type), f"post {document.doc_type}s")
            if document.status != Status.DRAFT:
                raise DocumentStateError(
                    f"{document.number} is already {document.status}; only drafts can be posted.",
                    status=document.status,
                )
            lines = list(document.lines.values_list("id", "product_id", "quantity"))
            if not lines:
                raise EmptyDocument(f"{document.number} has no lines to post.")
            movements = stock_apply(
                changes=_stock_changes(document, lines), document_id=document.pk
            )
            document.status = Status.POSTED
            document.posted_at = timezone.now()
            document.posted_by = user
            document.save(update_fields=["status", "posted_at", "posted_by", "updated_at"])
    except Exception as exc:
        _record_post_failure(document_id, user, exc)
        raise
    # Counted when the posting is committed: inside a caller's transaction that may still roll
    # back, the counters must not run ahead of the database.
    transaction.on_commit(
        lambda: metrics.document_posted(doc_type=document.doc_type, movements=len(movements))
    )
    logger.info("Document %s posted (%d lines)", document.number, len(lines))
    return document


def _failure_reason(exc: Exception) -> str:
    if isinstance(exc, DomainError):
        return exc.code
    if isinstance(exc, PermissionDenied):
        return "permission_denied"
    if isinstance(exc, Document.DoesNotExist):
        return "not_found"
    if isinstance(exc, ValidationError):
        return "invalid"
    if isinstance(exc, OperationalError):
        return "database_unavailable"
    return "error"


def _record_post_failure(document_id: int, user, exc: Exception) -> None:
    reason = _failure_reason(exc)
    metrics.POST_FAILURES.labels(reason=reason).inc()
    if reason == "database_unavailable" or transaction.get_connection().needs_rollback:
        return  # nowhere to write it now; the metric and the log have it
    try:
        # A savepoint of its own: if even this fails, a caller's transaction stays usable and
        # the original error is the one that propagates.
        with transaction.atomic():
            document = Document.objects.filter(pk=document_id).only("number", "doc_type").first()
            PostingFailure.objects.create(
                document=document,
                document_number=(document.number or "") if document else "",
                doc_type=document.doc_type if document else "",
                reason=reason,
                message=(getattr(exc, "message", None) or str(exc))[:2000],
                user=user if getattr(user, "pk", None) else None,
            )
    except DatabaseError:
        logger.exception("Could not record the failed posting of document %s", document_id)


def _stock_changes(document: Document, lines) -> list[StockChange]:
    source, destination = document.warehouse_id, document.destination_warehouse_id
    kind = document.doc_type
    changes = []
    for line_id, product_id, quantity in lines:
        if kind == DocType.RECEIPT:
            changes.append(StockChange(source, product_id, quantity, line_id))
        elif kind in (DocType.SHIPMENT, DocType.TRANSFER):
            changes.append(StockChange(source, product_id, -quantity, line_id))
            if kind == DocType.TRANSFER:
                changes.append(StockChange(destination, product_id, quantity, line_id))
        elif kind == DocType.ADJUSTMENT:
            changes.append(StockChange(source, product_id, quantity, line_id))
        else:  # count: the stock becomes the counted quantity
            changes.append(StockChange(source, product_id, quantity, line_id, set_to=True))
    return changes


def document_cancel(*, document_id: int, user=None, reason: str = "") -> Document:
    """Cancel a draft, or a posted document by writing movements that reverse its own; the
    reason given is kept on the document.

    A posted document whose reversal would take back stock that is gone is refused with
    InsufficientStock and stays posted.
    """
    reason = reason.strip()
    if len(reason) > CANCEL_REASON_MAX:
        raise ValidationError({"reason": f"At most {CANCEL_REASON_MAX} characters."})
    with transaction.atomic():
        document = _lock(document_id)
        _require(user, CANCEL_PERMISSIONS, "cancel documents")
        if document.status == Status.CANCELLED:
            raise DocumentStateError(
                f"{document.number} is already cancelled.", status=document.status
            )
        reversed_count = 0
        if document.status == Status.POSTED:
            movements = StockMovement.objects.filter(
                document_id=document.pk, is_reversal=False
            ).values_list("warehouse_id", "product_id", "quantity", "document_line_id")
            changes = [StockChange(w, p, -q, line) for w, p, q, line in movements]
            reversed_count = len(
                stock_apply(changes=changes, document_id=document.pk, is_reversal=True)
            )
        document.status = Status.CANCELLED
        document.cancelled_at = timezone.now()
        document.cancelled_by = user
        document.cancel_reason = reason
        document.save(
            update_fields=["status", "cancelled_at", "cancelled_by", "cancel_reason", "updated_at"]
        )
    transaction.on_commit(lambda: metrics.STOCK_MOVEMENTS.inc(reversed_count))
    logger.info("Document %s cancelled (%d movements reversed)", document.number, reversed_count)
    return document
