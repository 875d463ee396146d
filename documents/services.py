"""Documents: create and edit drafts, post them, cancel them.

Every rule about documents lives here; the API, the admin and the commands call these functions.
Each function owns its transaction. Posting and cancelling move stock only through
inventory.services.stock_apply.
"""

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, OperationalError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from documents import signals
from documents.exceptions import (
    DocumentStateError,
    EmptyDocument,
    OriginNotPosted,
    ReturnExceedsShipped,
    ShipmentHasReturns,
)
from documents.models import (
    CANCEL_REASON_MAX,
    NUMBER_PREFIX,
    DocType,
    Document,
    DocumentLine,
    PickList,
    PostingFailure,
    Status,
)
from documents.selectors import Returnable, shipment_returnable
from inventory.exceptions import InsufficientStock
from inventory.models import Lot, Product, StockMovement, StockReservation, Tracking
from inventory.services import MAX_QUANTITY, StockChange, StockTake, stock_apply
from warehouses.models import Location, Warehouse
from wms import metrics
from wms.exceptions import DomainError

logger = logging.getLogger(__name__)

STOCK_CORRECTIONS = frozenset({DocType.ADJUSTMENT, DocType.COUNT})


@dataclass(frozen=True)
class LineInput:
    product_id: int
    quantity: int
    location_id: int | None = None
    destination_location_id: int | None = None
    lot: str | None = None  # the lot's (or serial's) code
    expires_on: date | None = None  # receipts: the expiry of a lot they create


# Which line fields each type uses; a field given to a type that does not use it is an error.
LOCATION_TYPES = frozenset(DocType.values)
DESTINATION_TYPES = frozenset({DocType.TRANSFER})
EXPIRY_TYPES = frozenset({DocType.RECEIPT})
# Types that put stock at exactly one quant: a tracked product's line must name its lot.
EXACT_TYPES = frozenset({DocType.RECEIPT, DocType.ADJUSTMENT, DocType.COUNT, DocType.RETURN})


# --- who may do what ------------------------------------------------------------------------


def post_permissions(doc_type: str) -> tuple[str, ...]:
    """Permissions needed to post a document of this type."""
    if doc_type in STOCK_CORRECTIONS:
        return ("documents.post_document", "documents.post_stock_correction")
    if doc_type == DocType.RETURN:
        return ("documents.post_document", "documents.post_return")
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
    origin_id: int | None = None,
) -> list[tuple[LineInput, int | None]]:
    """Check a draft against every rule of its type. Raises ValidationError keyed by field.

    Returns each line with the id of its lot (None for a lot a receipt will create, or none).
    """
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
    elif destination_warehouse_id is not None:
        errors.setdefault("destination_warehouse", []).append(
            "Only transfers have a destination warehouse."
        )

    origin, origin_errors = _check_origin(doc_type, origin_id, warehouse_id)
    if origin_errors:
        errors["origin"] = origin_errors
    shipped = _shipped(origin) if origin is not None and lines else None
    resolved, line_errors = _check_lines(
        doc_type, warehouse_id, destination_warehouse_id, lines, shipped
    )
    if line_errors:
        errors["lines"] = line_errors
    if errors:
        raise ValidationError(errors)
    return resolved


def _check_lines(doc_type, warehouse_id, destination_id, lines, shipped=None):
    """``shipped`` (returns): {(product, lot): the shipment's Returnable}, and ``"number"``."""
    if not lines:
        return [], ["A document needs at least one line."]
    errors = []
    # Only the fields the rules read: a 10,000-line receipt must not build 10,000 model objects.
    products = Product.objects.filter(pk__in={line.product_id for line in lines}).only(
        "sku", "is_active", "tracking"
    )
    products = {p.pk: p for p in products}
    named = {pk for line in lines for pk in (line.location_id, line.destination_location_id)}
    named.discard(None)
    places = (
        {
            loc["pk"]: loc
            for loc in Location.objects.filter(pk__in=named).values(
                "pk", "warehouse_id", "is_active"
            )
        }
        if named
        else {}
    )
    coded = [line for line in lines if line.lot]
    lots = {}
    if coded:
        match = Q()
        for line in coded:
            match |= Q(product_id=line.product_id, code=line.lot)
        lots = {
            (lot.product_id, lot.code): lot
            for lot in Lot.objects.filter(match).only("product_id", "code", "expires_on")
        }
    internal = doc_type == DocType.TRANSFER and destination_id == warehouse_id
    seen: set[tuple] = set()
    resolved = []
    for n, line in enumerate(lines, start=1):
        product = products.get(line.product_id)
        if product is None:
            errors.append(f"Line {n}: product {line.product_id} does not exist.")
            continue
        problems = []
        key = (line.product_id, line.location_id, line.destination_location_id, line.lot)
        if key in seen:
            errors.append(f"Line {n}: product {product.sku} appears more than once.")
        seen.add(key)
        if not product.is_active:
            errors.append(f"Line {n}: product {product.sku} is inactive.")
        problem = _quantity_problem(doc_type, line.quantity, product.tracking)
        if problem:
            problems.append(problem)
        problems += _place_problems(doc_type, line, places, warehouse_id, destination_id, internal)
        lot_problem, lot = _lot_problem(doc_type, line, product, lots)
        if lot_problem:
            problems.append(lot_problem)
        elif shipped is not None and (line.product_id, lot.pk if lot else None) not in shipped:
            what = f"lot {lot.code} of {product.sku}" if lot else product.sku
            problems.append(f"{shipped['number']} did not ship {what}.")
        errors += [f"Line {n} ({product.sku}): {p}" for p in problems]
        resolved.append((line, lot.pk if lot else None))
    return resolved, errors


def _place_problems(doc_type, line, places, warehouse_id, destination_id, internal) -> list[str]:
    problems = []
    for field, pk, warehouse in (
        ("location", line.location_id, warehouse_id),
        ("destination_location", line.destination_location_id, destination_id),
    ):
        if pk is None:
            continue
        if field == "destination_location" and doc_type not in DESTINATION_TYPES:
            problems.append("only transfers have a destination location.")
            continue
        place = places.get(pk)
        if place is None:
            problems.append(f"{field} {pk} does not exist.")
        elif place["warehouse_id"] != warehouse:
            problems.append(
                f"{field} {pk} is not in the {'destination ' if field[0] == 'd' else ''}warehouse."
            )
        elif not place["is_active"]:
            problems.append(f"{field} {pk} is inactive.")
    if internal:
        if line.destination_location_id is None:
            problems.append("a move within one warehouse needs a destination location.")
        elif line.destination_location_id == line.location_id:
            problems.append("the destination location must differ from the source.")
    return problems


def _lot_problem(doc_type, line, product, lots) -> tuple[str | None, Lot | None]:
    if line.expires_on is not None and doc_type not in EXPIRY_TYPES:
        return "only receipts give an expiry date.", None
    if not line.lot:
        if product.tracking != Tracking.NONE and doc_type in EXACT_TYPES:
            return f"product {product.sku} is tracked by {product.tracking}: name the lot.", None
        return None, None
    if product.tracking == Tracking.NONE:
        return f"product {product.sku} is not tracked by lot; leave the lot empty.", None
    lot = lots.get((line.product_id, line.lot))
    if lot is None:
        if doc_type == DocType.RECEIPT:
            return None, None  # created with the draft
        return f"lot {line.lot} of {product.sku} does not exist.", None
    if line.expires_on is not None and lot.expires_on != line.expires_on:
        return (
            f"lot {lot.code} exists and expires on {lot.expires_on or 'no date'}, "
            f"not {line.expires_on}.",
            None,
        )
    return None, lot


def _quantity_problem(doc_type: str, quantity, tracking: str = Tracking.NONE) -> str | None:
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        return "the quantity must be a whole number."
    if abs(quantity) > MAX_QUANTITY:
        return f"the quantity must be between -{MAX_QUANTITY} and {MAX_QUANTITY}."
    if tracking == Tracking.SERIAL and doc_type in EXACT_TYPES and abs(quantity) > 1:
        return "a serial exists once: its quantity is at most 1."
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
    origin_id: int | None = None,
) -> Document:
    """Create a draft with its lines and give it its number. A return names its shipment
    (``origin_id``)."""
    resolved = document_validate(
        doc_type=doc_type,
        warehouse_id=warehouse_id,
        destination_warehouse_id=destination_warehouse_id,
        lines=lines,
        origin_id=origin_id,
    )
    with transaction.atomic():
        document = Document.objects.create(
            doc_type=doc_type,
            warehouse_id=warehouse_id,
            destination_warehouse_id=destination_warehouse_id,
            origin_id=origin_id,
            reference=reference,
            note=note,
            created_by=created_by,
        )
        document.number = f"{NUMBER_PREFIX[doc_type]}-{document.pk:06d}"
        Document.objects.filter(pk=document.pk).update(number=document.number)
        _write_lines(document, resolved)
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
        resolved = document_validate(
            doc_type=document.doc_type,
            warehouse_id=document.warehouse_id,
            destination_warehouse_id=document.destination_warehouse_id,
            lines=lines if lines is not None else _current_lines(document),
            origin_id=document.origin_id,
        )
        document.save()
        if lines is not None:
            document.lines.all().delete()
            _write_lines(document, resolved)
    return document


def document_delete(*, document_id: int) -> None:
    with transaction.atomic():
        document = _lock_draft(document_id, "deleted")
        document.delete()


def _current_lines(document: Document) -> list[LineInput]:
    return [
        LineInput(*values)
        for values in document.lines.values_list(
            "product_id", "quantity", "location_id", "destination_location_id", "lot__code"
        )
    ]


def _write_lines(document: Document, resolved: list[tuple[LineInput, int | None]]) -> None:
    new_lots = {
        (line.product_id, line.lot): line.expires_on
        for line, lot_id in resolved
        if line.lot and lot_id is None
    }
    lot_ids = {}
    if new_lots:
        serial = set(
            Product.objects.filter(
                pk__in={p for p, _ in new_lots}, tracking=Tracking.SERIAL
            ).values_list("pk", flat=True)
        )
        # Race-free against a concurrent draft naming the same new lot; sorted like every insert.
        Lot.objects.bulk_create(
            [
                Lot(product_id=p, code=code, expires_on=expires, is_serial=p in serial)
                for (p, code), expires in sorted(new_lots.items())
            ],
            ignore_conflicts=True,
        )
        match = Q()
        for p, code in new_lots:
            match |= Q(product_id=p, code=code)
        lot_ids = {
            (p, code): pk
            for pk, p, code in Lot.objects.filter(match).values_list("pk", "product_id", "code")
        }
    DocumentLine.objects.bulk_create(
        DocumentLine(
            document=document,
            product_id=line.product_id,
            quantity=line.quantity,
            location_id=line.location_id,
            destination_location_id=line.destination_location_id,
            lot_id=lot_id or lot_ids.get((line.product_id, line.lot)),
        )
        for line, lot_id in resolved
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


def document_post(
    *, document_id: int, user=None, shipped: dict[int, int] | None = None
) -> Document:
    """Move the stock of a draft or a reserved document, all or nothing, and mark it posted.

    A draft takes its stock by the removal strategy. A reserved document moves exactly the
    quants it reserved; ``shipped`` ({line id: quantity}, reserved documents only) ships fewer
    than reserved on a line (a short pick), and whatever a line ordered and did not ship becomes
    a backorder: a new draft of the same type naming this one (``document.backorder``).

    Raises Document.DoesNotExist, PermissionDenied, DocumentStateError (not a draft or
    reserved), EmptyDocument, ValidationError (bad shipped quantities), InsufficientStock
    (every shortage listed) or StockLimitExceeded. Every failure is counted and recorded as a
    PostingFailure once the posting has rolled back.
    """
    try:
        with transaction.atomic():
            document = _lock(document_id)
            _require(user, post_permissions(document.doc_type), f"post {document.doc_type}s")
            if document.status not in (Status.DRAFT, Status.RESERVED):
                raise DocumentStateError(
                    f"{document.number} is already {document.status}; only drafts and reserved "
                    "documents can be posted.",
                    status=document.status,
                )
            if shipped is not None and document.status != Status.RESERVED:
                raise ValidationError(
                    {"lines": ["Shipped quantities are given for reserved documents only."]}
                )
            lines = _lines_to_post(document.pk)
            if not lines:
                raise EmptyDocument(f"{document.number} has no lines to post.")
            was_reserved = document.status == Status.RESERVED
            if document.doc_type == DocType.RETURN:
                _check_return(document, lines)
            if was_reserved:
                changes, owed = _consume_reservations(document, lines, shipped or {})
                takes = []
            else:
                (changes, takes), owed = _stock_effects(document, lines), {}
            # Marked posted before the stock rows are locked: one statement less while they
            # are held (a failure below rolls it back with everything else).
            document.status = Status.POSTED
            document.posted_at = timezone.now()
            document.posted_by = user
            document.save(update_fields=["status", "posted_at", "posted_by", "updated_at"])
            moved = stock_apply(changes=changes, takes=takes, document_id=document.pk).movements
            if was_reserved:
                StockReservation.objects.filter(document_id=document.pk).delete()
            document.backorder = _create_backorder(document, lines, owed) if owed else None
            signals.document_posted.send(
                sender=Document, document=document, was_reserved=was_reserved
            )
    except Exception as exc:
        _record_post_failure(document_id, user, exc)
        raise
    # Counted when the posting is committed: inside a caller's transaction that may still roll
    # back, the counters must not run ahead of the database.
    transaction.on_commit(
        lambda: metrics.document_posted(doc_type=document.doc_type, movements=moved)
    )
    logger.info("Document %s posted (%d lines)", document.number, len(lines))
    return document


# Plain SQL on the posting path: the same on both databases, without the ORM's compiling.
_LINES_TO_POST = """
    SELECT l.id, l.product_id, l.quantity, l.location_id, loc.path, l.destination_location_id,
           l.lot_id, lot.is_serial
    FROM document_lines l
    LEFT JOIN locations loc ON loc.id = l.location_id
    LEFT JOIN lots lot ON lot.id = l.lot_id
    WHERE l.document_id = %s
    ORDER BY l.id
"""


def _lines_to_post(document_id: int) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(_LINES_TO_POST, [document_id])
        return cursor.fetchall()


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


def _stock_effects(
    document: Document, lines, *, reserve: bool = False, partial: bool = False
) -> tuple[list[StockChange], list[StockTake]]:
    """What posting the lines does: exact quant changes (receipts, adjustments, counts) or
    takes by the removal strategy (shipments, transfers)."""
    source, destination = document.warehouse_id, document.destination_warehouse_id
    kind = document.doc_type
    roots = _roots(document, lines) if kind != DocType.SHIPMENT and not reserve else {}
    changes, takes = [], []
    for line_id, product_id, quantity, location_id, path, to_id, lot_id, serial in lines:
        if kind in (DocType.SHIPMENT, DocType.TRANSFER):
            moving = kind == DocType.TRANSFER
            takes.append(
                StockTake(
                    warehouse_id=source,
                    product_id=product_id,
                    quantity=quantity,
                    document_line_id=line_id,
                    lot_id=lot_id,
                    within=(location_id, path) if location_id else None,
                    to_warehouse_id=destination if moving and not reserve else None,
                    to_location_id=(to_id or roots[destination])
                    if moving and not reserve
                    else None,
                    reserve=reserve,
                    partial=partial,
                )
            )
            continue
        changes.append(
            StockChange(
                warehouse_id=source,
                location_id=location_id or roots[source],
                product_id=product_id,
                lot_id=lot_id,
                quantity=quantity,
                document_line_id=line_id,
                set_to=kind == DocType.COUNT,
                is_serial=bool(serial),
            )
        )
    return changes, takes


def _roots(document: Document, lines) -> dict[int, int]:
    """The default locations, read only when a line leaves its location to them."""
    if document.doc_type != DocType.TRANSFER and all(line[3] for line in lines):
        return {}
    return dict(
        Location.objects.filter(
            warehouse_id__in={document.warehouse_id, document.destination_warehouse_id} - {None},
            parent__isnull=True,
        ).values_list("warehouse_id", "pk")
    )


# --- reservations ---------------------------------------------------------------------------

RESERVABLE = frozenset({DocType.SHIPMENT, DocType.TRANSFER})


def document_reserve(*, document_id: int, user=None, partial: bool = False) -> Document:
    """Promise stock to a draft shipment or transfer: ``draft -> reserved``.

    The quants are chosen by the removal strategy among what is available (quantity less what
    others reserved) and their ``reserved`` rises at every level, under the same locks as a
    posting. All or nothing unless ``partial``: then what there is is reserved, and
    ``document.short`` lists what was not. Raises InsufficientStock (nothing reserved at all,
    or any shortage without ``partial``), DocumentStateError, PermissionDenied.
    """
    with transaction.atomic():
        document = _lock_draft(document_id, "reserved")
        _require(user, post_permissions(document.doc_type), f"reserve {document.doc_type}s")
        if document.doc_type not in RESERVABLE:
            raise DocumentStateError(
                f"{document.number} is a {document.doc_type}; only shipments and transfers are "
                "reserved.",
                status=document.status,
            )
        lines = _lines_to_post(document.pk)
        if not lines:
            raise EmptyDocument(f"{document.number} has no lines to reserve.")
        _, takes = _stock_effects(document, lines, reserve=True, partial=partial)
        document.status = Status.RESERVED
        document.save(update_fields=["status", "updated_at"])
        result = stock_apply(takes=takes, document_id=document.pk)
        if not result.held:
            raise InsufficientStock(
                result.short, message="Nothing is available to reserve for any line."
            )
        StockReservation.objects.bulk_create(
            StockReservation(
                document_id=document.pk, document_line_id=line, quant_id=quant, quantity=n
            )
            for line, quant, n in result.held
        )
        document.short = result.short
        signals.document_reserved.send(sender=Document, document=document)
    transaction.on_commit(
        lambda: metrics.DOCUMENTS_RESERVED.labels(doc_type=document.doc_type).inc()
    )
    logger.info("Document %s reserved (%d quants)", document.number, len(result.held))
    return document


def document_unreserve(*, document_id: int, user=None) -> Document:
    """Give a reserved document's stock back: ``reserved -> draft``."""
    with transaction.atomic():
        document = _lock(document_id)
        _require(user, post_permissions(document.doc_type), f"unreserve {document.doc_type}s")
        if document.status != Status.RESERVED:
            raise DocumentStateError(
                f"{document.number} is {document.status}; only reserved documents can be "
                "unreserved.",
                status=document.status,
            )
        _release(document)
        document.status = Status.DRAFT
        document.save(update_fields=["status", "updated_at"])
        signals.document_unreserved.send(sender=Document, document=document)
    return document


def _reservations(document: Document) -> list[tuple]:
    return list(
        StockReservation.objects.filter(document_id=document.pk)
        .order_by("id")
        .values_list(
            "document_line_id",
            "quant__warehouse_id",
            "quant__location_id",
            "quant__product_id",
            "quant__lot_id",
            "quant__is_serial",
            "quantity",
        )
    )


def _release(document: Document) -> None:
    """Lower the reserved part of every quant the document holds, and forget its rows."""
    changes = [
        StockChange(w, loc, p, lot, 0, line, is_serial=serial, reserved=-n)
        for line, w, loc, p, lot, serial, n in _reservations(document)
    ]
    stock_apply(changes=changes, document_id=document.pk)
    StockReservation.objects.filter(document_id=document.pk).delete()


def _consume_reservations(document: Document, lines, shipped: dict[int, int]):
    """What posting a reserved document does: each line ships up to ``shipped`` (default: all
    it reserved) from exactly its reserved quants and releases the rest. Returns the changes
    and {line id: quantity owed} for the backorder."""
    reservations = _reservations(document)
    held: dict[int, int] = {}
    for line, *_, n in reservations:
        held[line] = held.get(line, 0) + n
    ordered = {line[0]: line[2] for line in lines}
    errors = [
        f"Line {pk} is not a line of {document.number}." for pk in shipped if pk not in ordered
    ]
    errors += [
        f"Line {pk}: shipped {q} must be between 0 and its reserved {held.get(pk, 0)}."
        for pk, q in shipped.items()
        if pk in ordered and not 0 <= q <= held.get(pk, 0)
    ]
    if errors:
        raise ValidationError({"lines": errors})
    to_ship = {pk: shipped.get(pk, held.get(pk, 0)) for pk in ordered}
    owed = {pk: ordered[pk] - to_ship[pk] for pk in ordered if ordered[pk] > to_ship[pk]}
    destination, targets = None, {}
    if document.doc_type == DocType.TRANSFER:
        roots = _roots(document, lines)
        destination = document.destination_warehouse_id
        targets = {line[0]: line[5] or roots[destination] for line in lines}
    remaining = dict(to_ship)
    changes = []
    for line, w, loc, p, lot, serial, n in reservations:
        ship = min(remaining[line], n)
        remaining[line] -= ship
        changes.append(StockChange(w, loc, p, lot, -ship, line, is_serial=serial, reserved=-n))
        if destination is not None and ship:
            changes.append(
                StockChange(destination, targets[line], p, lot, ship, line, is_serial=serial)
            )
    return changes, owed


def _create_backorder(document: Document, lines, owed: dict[int, int]) -> Document:
    """A draft of the same type holding what ``document`` ordered and did not ship."""
    backorder = Document.objects.create(
        doc_type=document.doc_type,
        warehouse_id=document.warehouse_id,
        destination_warehouse_id=document.destination_warehouse_id,
        reference=document.reference,
        note=document.note,
        created_by_id=document.created_by_id,
        backorder_of=document,
    )
    backorder.number = f"{NUMBER_PREFIX[document.doc_type]}-{backorder.pk:06d}"
    Document.objects.filter(pk=backorder.pk).update(number=backorder.number)
    DocumentLine.objects.bulk_create(
        DocumentLine(
            document=backorder,
            product_id=product_id,
            quantity=owed[line_id],
            location_id=location_id,
            destination_location_id=to_id,
            lot_id=lot_id,
        )
        for line_id, product_id, _, location_id, _, to_id, lot_id, _ in lines
        if line_id in owed
    )
    transaction.on_commit(lambda: metrics.BACKORDERS.labels(doc_type=document.doc_type).inc())
    logger.info("Backorder %s of %s created", backorder.number, document.number)
    return backorder


def pick_list_create(*, document_ids: Sequence[int], user=None) -> PickList:
    """A pick list for reserved documents. Raises ValidationError when one does not exist and
    DocumentStateError when one is not reserved (nothing is created)."""
    wanted = list(dict.fromkeys(document_ids))
    if not wanted:
        raise ValidationError({"documents": ["Name at least one reserved document."]})
    with transaction.atomic():
        found = dict(
            Document.objects.filter(pk__in=wanted).values_list("pk", "status").order_by("pk")
        )
        missing = [pk for pk in wanted if pk not in found]
        if missing:
            raise ValidationError(
                {"documents": [f"Document {pk} does not exist." for pk in missing]}
            )
        unreserved = [pk for pk in wanted if found[pk] != Status.RESERVED]
        if unreserved:
            numbers = dict(Document.objects.filter(pk__in=unreserved).values_list("pk", "number"))
            raise DocumentStateError(
                "Only reserved documents are picked: "
                + ", ".join(f"{numbers[pk]} is {found[pk]}" for pk in unreserved)
                + ".",
                status=found[unreserved[0]],
            )
        pick_list = PickList.objects.create(created_by=user if getattr(user, "pk", None) else None)
        pick_list.documents.set(wanted)
    return pick_list


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
        if document.status == Status.RESERVED:
            _release(document)
        if document.status == Status.POSTED and document.doc_type == DocType.SHIPMENT:
            _refuse_if_returned(document)
        if document.status == Status.POSTED:
            movements = StockMovement.objects.filter(
                document_id=document.pk, is_reversal=False
            ).values_list(
                "warehouse_id",
                "location_id",
                "product_id",
                "lot_id",
                "quantity",
                "document_line_id",
                "quant__is_serial",
            )
            # Exactly its own rows, quant by quant; rows of one line and quant add up.
            changes = [
                StockChange(w, loc, p, lot, -q, line, is_serial=serial)
                for w, loc, p, lot, q, line, serial in movements
            ]
            reversed_count = stock_apply(
                changes=changes, document_id=document.pk, is_reversal=True
            ).movements
        document.status = Status.CANCELLED
        document.cancelled_at = timezone.now()
        document.cancelled_by = user
        document.cancel_reason = reason
        document.save(
            update_fields=["status", "cancelled_at", "cancelled_by", "cancel_reason", "updated_at"]
        )
        signals.document_cancelled.send(sender=Document, document=document)
    transaction.on_commit(
        lambda: metrics.document_cancelled(doc_type=document.doc_type, movements=reversed_count)
    )
    logger.info("Document %s cancelled (%d movements reversed)", document.number, reversed_count)
    return document


# --- returns --------------------------------------------------------------------------------
#
# A return puts back at a location what a posted shipment (its origin) shipped. Per (product,
# lot) it brings back at most what the shipment shipped (its ledger rows, net of a cancellation)
# less what its other returns brought back (theirs, net of theirs). Posting checks that under
# the shipment's row lock, taken after the return's own: document rows in id order, the
# shipment being the older. Two returns of one shipment therefore post one after the other, and
# the second reads the first's ledger rows.


def _check_origin(doc_type, origin_id, warehouse_id) -> tuple[Document | None, list[str]]:
    """A return's origin: an existing posted shipment of the return's warehouse."""
    if doc_type != DocType.RETURN:
        return None, ["Only returns name an origin."] if origin_id is not None else []
    if origin_id is None:
        return None, ["A return names the posted shipment it returns."]
    origin = (
        Document.objects.filter(pk=origin_id)
        .only("number", "doc_type", "status", "warehouse_id")
        .first()
    )
    if origin is None:
        return None, [f"Document {origin_id} does not exist."]
    if origin.doc_type != DocType.SHIPMENT:
        return None, [f"{origin.number} is a {origin.doc_type}; a return's origin is a shipment."]
    if origin.status != Status.POSTED:
        return None, [f"{origin.number} is {origin.status}; only a posted shipment is returned."]
    if warehouse_id is not None and origin.warehouse_id != warehouse_id:
        return None, [f"{origin.number} left another warehouse; goods return to where they left."]
    return origin, []


def _shipped(origin: Document) -> dict:
    shipped: dict = {
        (r.product_id, r.lot_id): r for r in shipment_returnable(shipment_id=origin.pk)
    }
    shipped["number"] = origin.number
    return shipped


def returnable_lines(*, document_id: int) -> list[Returnable]:
    """What can still come back of a posted shipment, per (product, lot). Raises
    Document.DoesNotExist, DocumentStateError (not a posted shipment)."""
    document = Document.objects.only("number", "doc_type", "status").get(pk=document_id)
    if document.doc_type != DocType.SHIPMENT or document.status != Status.POSTED:
        raise DocumentStateError(
            f"{document.number} is a {document.status} {document.doc_type}; only posted "
            "shipments are returned.",
            status=document.status,
        )
    return shipment_returnable(shipment_id=document.pk)


def return_create(*, shipment_id: int, created_by=None) -> Document:
    """A draft return of everything that can still come back of a posted shipment, per
    (product, lot), to the warehouse's default location. Raises Document.DoesNotExist,
    DocumentStateError (not a posted shipment), EmptyDocument (nothing left to return)."""
    shipment = Document.objects.only("number", "warehouse_id", "reference").get(pk=shipment_id)
    left = [r for r in returnable_lines(document_id=shipment.pk) if r.returnable > 0]
    if not left:
        raise EmptyDocument(f"Everything {shipment.number} shipped has come back already.")
    root = Location.objects.get(warehouse_id=shipment.warehouse_id, parent__isnull=True).pk
    return document_create(
        doc_type=DocType.RETURN,
        warehouse_id=shipment.warehouse_id,
        origin_id=shipment.pk,
        reference=shipment.reference,
        lines=[LineInput(r.product_id, r.returnable, location_id=root, lot=r.lot) for r in left],
        created_by=created_by,
    )


def _check_return(document: Document, lines) -> None:
    """Under the shipment's lock: its still posted, and no (product, lot) comes back beyond
    what is returnable. Raises OriginNotPosted, ReturnExceedsShipped."""
    origin = (
        Document.objects.select_for_update().only("number", "status").get(pk=document.origin_id)
    )
    if origin.status != Status.POSTED:
        raise OriginNotPosted(
            f"{origin.number} is {origin.status}; {document.number} cannot bring its goods back.",
            origin=origin.pk,
            status=origin.status,
        )
    bound = {(r.product_id, r.lot_id): r for r in shipment_returnable(shipment_id=origin.pk)}
    asked: dict[tuple[int, int | None], int] = {}
    for _, product_id, quantity, _, _, _, lot_id, _ in lines:
        asked[(product_id, lot_id)] = asked.get((product_id, lot_id), 0) + quantity
    over = [(key, n) for key, n in asked.items() if n > getattr(bound.get(key), "returnable", 0)]
    if not over:
        return
    # SKUs and codes from what was shipped; a line of something never shipped (its draft was
    # checked, so only ever after a cancellation) is looked up.
    names = {r.product_id: r.sku for r in bound.values()}
    lot_codes = {r.lot_id: r.lot for r in bound.values()}
    names.update(
        Product.objects.filter(pk__in={p for (p, _), _ in over} - names.keys()).values_list(
            "pk", "sku"
        )
    )
    lot_codes.update(
        Lot.objects.filter(pk__in={lot for (_, lot), _ in over} - lot_codes.keys()).values_list(
            "pk", "code"
        )
    )
    exceeded = [
        {
            "product": p,
            "sku": names.get(p, str(p)),
            "lot": lot_codes.get(lot) if lot else None,
            "asked": n,
            "returnable": getattr(bound.get((p, lot)), "returnable", 0),
        }
        for (p, lot), n in sorted(over, key=lambda item: (names.get(item[0][0], ""), item[0]))
    ]
    raise ReturnExceedsShipped(
        f"{document.number} brings back more than {origin.number} shipped less its earlier "
        "returns: "
        + "; ".join(
            f"{e['sku']}{' lot ' + e['lot'] if e['lot'] else ''}: asked {e['asked']}, "
            f"returnable {e['returnable']}"
            for e in exceeded
        )
        + ".",
        exceeded=exceeded,
    )


def _refuse_if_returned(shipment: Document) -> None:
    returns = list(
        Document.objects.filter(origin_id=shipment.pk, status=Status.POSTED)
        .order_by("pk")
        .values_list("number", flat=True)
    )
    if returns:
        raise ShipmentHasReturns(
            f"{shipment.number} has posted returns ({', '.join(returns)}); cancel them first.",
            returns=returns,
        )
