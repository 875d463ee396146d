"""Counting on a phone: open a count by scanning its number (or, for who may start counts,
start one by scanning a shelf), then one shelf at a time in walking order: scan the shelf (a
wrong one is a hard stop), scan what is on it, confirm. The page is the admin's; every check
and write is a service or selector (documents/static/documents/count_phone.js)."""

import re
import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from documents.admin.common import _user_name
from documents.admin.pick_phone import _json_body, _refused
from documents.models import CountConfirmation, DocType, Document, Status
from documents.selectors import count_lines
from documents.services import (
    COUNT_PERMISSIONS,
    MAX_QUANTITY,
    Counted,
    count_confirm,
    count_finish,
    count_start,
    user_can_post,
)
from inventory.models import Lot, Tracking
from inventory.selectors import scan_resolve
from wms.exceptions import DomainError

_NUMBER = re.compile(r"^CNT-?(\d{1,12})$", re.IGNORECASE)
MAX_ITEMS = 1000  # different products and lots on one shelf: as many as a count has lines


def _shelves(document: Document) -> list[dict]:
    """The count's shelves in walking order, each with what its confirmation said (if any) and,
    unless the count is blind, what the books expect on it."""
    confirmed = {
        c.location_id: c
        for c in CountConfirmation.objects.filter(document=document).select_related("confirmed_by")
    }
    shelves: dict[int, dict] = {}
    for line in count_lines(document_id=document.pk):
        done = confirmed.get(line.location_id)
        shelf = shelves.setdefault(
            line.location_id,
            {
                "id": line.location_id,
                "location": line.location.full_path,
                "done": done
                and {
                    "counted": done.counted,
                    "empty": done.empty,
                    "by": _user_name(done.confirmed_by),
                },
                "expected": [],
            },
        )
        if not document.blind:  # a blind count's page carries no book quantity, not even hidden
            shelf["expected"].append(
                {**_product(line.product), "lot": line.lot_code, "book": line.book}
            )
    return list(shelves.values())


def _product(product) -> dict:
    return {
        "product": product.pk,
        "sku": product.sku,
        "name": product.name,
        "unit": product.unit,
        "decimals": product.decimals,
    }


def _lot_code(product, code: str) -> str | None:
    """The code of the product's lot ``code`` names: exactly, else in another case when only
    one lot has it."""
    lots = list(
        Lot.objects.filter(product=product, code__iexact=code).values_list("code", flat=True)[:5]
    )
    return code if code in lots else (lots[0] if len(lots) == 1 else None)


def check_count_scan(shelf_id: int, step: str, code: str, product_id=None) -> dict:
    """Whether ``code`` is what ``step`` of counting shelf ``shelf_id`` takes: the shelf itself
    ("shelf"), something on it ("item": its product, lot and how many one scan counts, a case
    its pieces) or the lot of a lot-tracked product scanned without one ("lot")."""
    code = code.strip()
    if step == "lot":
        lot = _lot_code(product_id, code)
        if lot is None:
            return {"ok": False, "detail": f"No lot {code} of this product is known: set it aside."}
        return {"ok": True, "lot": lot}
    scan = scan_resolve(code=code)
    here = scan is not None and scan.location is not None and scan.location.pk == shelf_id
    if step == "shelf":
        ok = here
        return {"ok": ok, "detail": "" if ok else f"Wrong shelf ({code}). Go to the shelf shown."}
    if here:
        return {"ok": True, "shelf": True}  # the shelf's own label again: nothing to count
    if scan is not None and scan.location is not None:
        return {"ok": False, "detail": f"{code} is another shelf: confirm this one first."}
    if scan is None or scan.product is None:
        return {"ok": False, "detail": f"Unknown code {code}: nothing was counted."}
    product = scan.product
    if scan.problem or not product.is_active:
        return {"ok": False, "detail": scan.problem or f"{product.sku} is inactive."}
    found = {"ok": True, **_product(product), "count": scan.quantity or 10**product.decimals}
    if product.tracking == Tracking.NONE:
        return found | {"lot": ""}  # a GS1 lot on an untracked product counts the product
    # A serial-tracked product's lot is its serial: GS1 carries it as (21).
    given = scan.data.lot or (scan.data.serial if product.tracking == Tracking.SERIAL else None)
    if not given:
        return found | {"lot": "", "needs_lot": True}
    lot = _lot_code(product, given)
    if lot is None:
        return {"ok": False, "detail": f"No lot {given} of {product.sku} is known."}
    return found | {"lot": lot}


def _id(value) -> int:
    """A row's id as the JSON gave it; ValueError unless a whole number the database holds."""
    if isinstance(value, bool) or not 0 < int(value) <= MAX_QUANTITY:
        raise ValueError(value)
    return int(value)


def _counted(body: dict) -> list[Counted]:
    items = body.get("items", [])
    if not isinstance(items, list) or len(items) > MAX_ITEMS:
        raise ValidationError(f"items: a list of at most {MAX_ITEMS} products and lots.")
    try:
        return [
            Counted(
                product_id=_id(item["product"]),
                quantity=int(item["quantity"]),
                lot=str(item.get("lot") or "")[:64] or None,
            )
            for item in items
        ]
    except (TypeError, ValueError, KeyError, AttributeError):
        raise ValidationError("Each item needs a product and a whole quantity.") from None


class CountPhoneMixin:
    """For the documents' admin: the count phone's pages and their JSON requests."""

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("count-phone/", view(self.count_open_view), name="documents_document_count_open"),
            path(
                "<int:document_id>/count-phone/",
                view(self.count_phone_view),
                name="documents_document_count_phone",
            ),
            path(
                "<int:document_id>/count-phone/<str:action>/",
                view(self.count_action_view),
                name="documents_document_count_action",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_count_on_phone": request.user.has_perms(COUNT_PERMISSIONS),
        }
        return super().changelist_view(request, extra_context)

    def _count(self, request, document_id) -> Document:
        if not request.user.has_perms(COUNT_PERMISSIONS):
            raise PermissionDenied
        document = Document.objects.filter(pk=document_id, doc_type=DocType.COUNT).first()
        if document is None:
            raise Http404("No such count.")
        return document

    def count_open_view(self, request):
        if not request.user.has_perms(COUNT_PERMISSIONS):
            raise PermissionDenied
        can_start = user_can_post(request.user, DocType.COUNT)
        code = request.POST.get("code", "").strip() if request.method == "POST" else ""
        if code:
            opened = self._open_count(request, code, can_start)
            if opened is not None:
                return redirect("admin:documents_document_count_phone", opened)
        return TemplateResponse(
            request,
            "admin/documents/document/count_phone_open.html",
            {
                **self.admin_site.each_context(request),
                "title": "Count on a phone",
                "can_start": can_start,
            },
        )

    def _open_count(self, request, code: str, can_start: bool) -> int | None:
        """The id of the count ``code`` names (its number), or of the count started for the
        shelf it names; None, with the reason as a message, when neither."""
        found = _NUMBER.match(code.removeprefix("]C1").removeprefix("]c1"))
        if found:
            count = Document.objects.filter(pk=int(found.group(1)), doc_type=DocType.COUNT).first()
            if count is None:
                messages.error(request, f"No count has the number {code}.")
            elif count.lines.filter(location__isnull=True).exists():
                messages.error(
                    request, f"{count.number} has lines without a shelf: count it at the desk."
                )
            else:
                return count.pk
            return None
        scan = scan_resolve(code=code) if can_start else None
        if scan is None or scan.location is None:
            messages.error(
                request, f"{code} is not a count's number{' nor a shelf' if can_start else ''}."
            )
            return None
        try:
            count = count_start(
                location_id=scan.location.pk,
                blind=request.POST.get("blind") == "on",
                user=request.user,
            )
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
            return None
        return count.pk

    def count_phone_view(self, request, document_id):
        document = self._count(request, document_id)
        shelves = _shelves(document) if document.status == Status.DRAFT else []
        action = reverse("admin:documents_document_count_action", args=[document.pk, "_"])
        return TemplateResponse(
            request,
            "admin/documents/document/count_phone.html",
            {
                **self.admin_site.each_context(request),
                "title": f"Count {document.number}",
                "document": document,
                "shelves": shelves,
                "action_url": action[:-2],
            },
        )

    def count_action_view(self, request, document_id, action):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        document = self._count(request, document_id)
        try:
            body = _json_body(request)
            if action == "check":
                return self._count_check(body)
            if action == "confirm":
                return self._count_confirm(request, document, body)
            if action == "finish":
                return self._count_finish(request, document)
        except (DomainError, ValidationError, Document.DoesNotExist) as exc:
            return _refused(exc)
        raise Http404("No such action.")

    def _count_check(self, body):
        try:
            shelf = _id(body.get("shelf"))
            product = _id(body["product"]) if body.get("step") == "lot" else None
        except (TypeError, ValueError, KeyError):
            raise ValidationError(
                "A check names its shelf (and, for a lot, the product)."
            ) from None
        if body.get("step") not in ("shelf", "item", "lot"):
            raise ValidationError("No such step.")
        return JsonResponse(
            check_count_scan(shelf, body["step"], str(body.get("code", "")), product)
        )

    def _count_confirm(self, request, document, body):
        try:
            request_id = uuid.UUID(str(body.get("request_id", "")))
            shelf = _id(body.get("shelf"))
        except (TypeError, ValueError):
            raise ValidationError("A confirmation needs a request_id and its shelf.") from None
        confirmation = count_confirm(
            document_id=document.pk,
            location_id=shelf,
            counted=_counted(body),
            empty=body.get("empty") is True,
            request_id=request_id,
            user=request.user,
        )
        return JsonResponse(
            {
                "ok": True,
                "shelf": confirmation.location_id,
                "counted": confirmation.counted,
                "empty": confirmation.empty,
            }
        )

    def _count_finish(self, request, document):
        finished = count_finish(document_id=document.pk, user=request.user)
        return JsonResponse(
            {
                "ok": True,
                "number": finished.document.number,
                "posted": finished.posted,
                "status": finished.document.status,
            }
        )
