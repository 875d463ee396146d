"""Back-office screens that turn a selection into drafts: start a count of a warehouse or a
location subtree, and replenish what is below its reorder point. Drafts are written by
documents.services, as everywhere; nothing here posts."""

from collections import defaultdict

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from documents.models import DocType
from documents.services import LineInput, document_create, user_can_post
from inventory.models import Quant, WarehouseInventory
from inventory.selectors import (
    available_by_product,
    below_reorder_point,
    location_by_code,
    reorder_point_list,
)
from warehouses.models import Warehouse
from warehouses.selectors import within_location

# The admin's formset edits at most this many lines (DATA_UPLOAD_MAX_NUMBER_FIELDS allows it).
COUNT_MAX_LINES = 1000
SHORT_SHOWN = 500


class StartCountForm(forms.Form):
    warehouse = forms.ModelChoiceField(
        Warehouse.objects.filter(is_active=True).order_by("code"),
        required=False,
        help_text="Count the whole warehouse…",
    )
    location = forms.CharField(
        max_length=512,
        required=False,
        help_text="…or a location and everything below it: its path (MAIN/A) or barcode, "
        "typed or scanned.",
    )
    blind = forms.BooleanField(
        required=False,
        label="Blind count",
        help_text="The counters see no book quantity: every line starts at 0 and the count "
        "sheet prints without the book column.",
    )

    def clean(self):
        data = super().clean()
        warehouse, code = data.get("warehouse"), (data.get("location") or "").strip()
        if code:
            location = location_by_code(code)
            if location is None or not location.is_active:
                self.add_error("location", f"No active location has the path or barcode {code}.")
            elif warehouse is not None and location.warehouse_id != warehouse.pk:
                self.add_error("location", f"{location.full_path} is not in {warehouse.code}.")
            elif not location.warehouse.is_active:
                self.add_error("location", f"{location.warehouse.code} is inactive.")
            data["place"] = location
        elif warehouse is None and not self.has_error("warehouse"):
            self.add_error("warehouse", "Choose a warehouse, or name a location.")
        return data


def count_lines(*, warehouse_id: int, within: int | None, blind: bool) -> list[LineInput]:
    """One count line per quant holding stock (of an active product) in the warehouse, or in
    the subtree of location ``within``: its location, lot and book quantity (0 when blind), in
    walking order. At most COUNT_MAX_LINES + 1, so that the caller can tell "too many"."""
    quants = Quant.objects.filter(
        warehouse_id=warehouse_id, quantity__gt=0, product__is_active=True
    )
    if within is not None:
        quants = quants.filter(within_location(within, prefix="location__"))
    rows = quants.order_by(
        "location__pick_order", "location__path", "product__sku", "lot__code"
    ).values_list("product_id", "quantity", "location_id", "lot__code")[: COUNT_MAX_LINES + 1]
    return [
        LineInput(product, 0 if blind else quantity, location_id=location, lot=lot)
        for product, quantity, location, lot in rows
    ]


def start_count_view(model_admin, request):
    """A draft count of every quant in stock in a warehouse or below a location, each line
    naming the quant's location and lot, pre-filled with its book quantity or blind (0)."""
    if not user_can_post(request.user, DocType.COUNT):
        raise PermissionDenied
    form = StartCountForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        place = form.cleaned_data.get("place")
        warehouse = place.warehouse if place else form.cleaned_data["warehouse"]
        what = place.full_path if place else warehouse.code
        blind = form.cleaned_data["blind"]
        lines = count_lines(
            warehouse_id=warehouse.pk, within=place.pk if place else None, blind=blind
        )
        field = "location" if place else "warehouse"
        if not lines:
            form.add_error(field, f"{what} has nothing in stock to count.")
        elif len(lines) > COUNT_MAX_LINES:
            form.add_error(
                field,
                f"{what} holds more than {COUNT_MAX_LINES} quants (product, location, lot): "
                "count it by location, or through the API (POST /api/v1/documents/) in parts.",
            )
        else:
            count = document_create(
                doc_type=DocType.COUNT,
                warehouse_id=warehouse.pk,
                lines=lines,
                reference=f"{'Blind count' if blind else 'Count'} of {what}",
                created_by=request.user,
            )
            model_admin.message_user(
                request,
                f"{count.number}: {len(lines)} lines, one per location, product and lot, "
                + (
                    "each at 0 (blind): print the blind count sheet, count, then enter or scan "
                    "what was found; a line left at 0 sets its stock to 0."
                    if blind
                    else "with their book quantities. Print the count sheet (blind if you "
                    "like), then enter or scan what was counted."
                ),
                messages.SUCCESS,
            )
            return redirect("admin:documents_document_change", count.pk)
    return _render(
        model_admin,
        request,
        "admin/documents/document/start_count.html",
        {
            "title": "Start a count",
            "form": form,
        },
    )


class InStockQuery(forms.Form):
    warehouse = forms.IntegerField(min_value=1, max_value=2**63 - 1)

    def clean(self):
        data = super().clean()
        raw = self.data.getlist("product")
        if len(raw) > COUNT_MAX_LINES or not all(v.isdigit() and len(v) < 19 for v in raw):
            raise ValidationError(f"product: at most {COUNT_MAX_LINES} ids, each a number.")
        data["products"] = [int(v) for v in raw]
        return data


def in_stock_view(model_admin, request):
    """{"in_stock": {product id: available}} of a warehouse for the products of a form's
    lines, so that changing the document's warehouse refreshes every line in one request."""
    if not model_admin.has_view_or_change_permission(request):
        raise PermissionDenied
    query = InStockQuery(request.GET)
    if not query.is_valid():
        return JsonResponse(
            {
                "detail": " ".join(e for errors in query.errors.values() for e in errors),
                "code": "invalid",
            },
            status=400,
        )
    wanted = query.cleaned_data["products"]
    found = available_by_product(warehouse_id=query.cleaned_data["warehouse"], product_ids=wanted)
    return JsonResponse({"in_stock": {str(p): found.get(p, 0) for p in wanted}})


class ReplenishForm(forms.Form):
    MODES = (("receipt", "Draft receipts from a supplier"), ("transfer", "Draft transfers"))
    points = forms.TypedMultipleChoiceField(coerce=int, choices=())
    mode = forms.ChoiceField(choices=MODES, widget=forms.RadioSelect, initial="receipt")
    reference = forms.CharField(
        max_length=100, required=False, help_text="Receipts: the supplier or order reference."
    )
    source = forms.ModelChoiceField(
        Warehouse.objects.filter(is_active=True).order_by("code"),
        required=False,
        help_text="Transfers: the warehouse the goods come from.",
    )

    def __init__(self, *args, shown, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["points"].choices = [(p.pk, p.pk) for p in shown]

    def clean(self):
        data = super().clean()
        if data.get("mode") == "transfer" and not data.get("source"):
            raise ValidationError({"source": "Choose the warehouse the transfers come from."})
        return data


def replenish_view(model_admin, request):
    """The reorder points below their minimum; a selection becomes draft receipts (one per
    warehouse) or draft transfers from a warehouse that has enough (one per destination)."""
    if not user_can_post(request.user, DocType.RECEIPT):
        raise PermissionDenied
    short = list(
        below_reorder_point(reorder_point_list())
        .select_related("warehouse", "product")
        .order_by("warehouse__code", "product__sku")[:SHORT_SHOWN]
    )
    form = ReplenishForm(request.POST or None, shown=short)
    if request.method == "POST" and form.is_valid():
        chosen = [p for p in short if p.pk in set(form.cleaned_data["points"])]
        data = form.cleaned_data
        if data["mode"] == "receipt":
            made, skipped = _receipts(chosen, data["reference"], request.user), []
        else:
            made, skipped = _transfers(chosen, data["source"], request.user)
        for text in skipped:
            model_admin.message_user(request, text, messages.WARNING)
        if made:
            model_admin.message_user(
                request, f"Drafts created: {', '.join(d.number for d in made)}.", messages.SUCCESS
            )
            return redirect(reverse("admin:documents_document_changelist") + "?status__exact=draft")
    return _render(
        model_admin,
        request,
        "admin/documents/document/replenish.html",
        {
            "title": "Replenish what is short",
            "form": form,
            "short": short,
            "more": len(short) == SHORT_SHOWN,
        },
    )


def _receipts(points, reference, user):
    by_warehouse = defaultdict(list)
    for point in points:
        by_warehouse[point.warehouse_id].append(LineInput(point.product_id, point.to_order))
    with transaction.atomic():
        return [
            document_create(
                doc_type=DocType.RECEIPT,
                warehouse_id=w,
                lines=lines,
                reference=reference,
                created_by=user,
            )
            for w, lines in sorted(by_warehouse.items())
        ]


def _transfers(points, source, user):
    """Only what the source has enough of; the rest is reported, not half sent."""
    have = dict(
        WarehouseInventory.objects.filter(
            warehouse=source, product_id__in=[p.product_id for p in points]
        ).values_list("product_id", "quantity")
    )
    by_destination, skipped = defaultdict(list), []
    for point in points:
        if point.warehouse_id == source.pk:
            skipped.append(f"{point.product.sku} is short in {source.code} itself.")
        elif have.get(point.product_id, 0) < point.to_order:
            skipped.append(
                f"{point.product.sku} for {point.warehouse.code}: {source.code} has "
                f"{have.get(point.product_id, 0)}, {point.to_order} are needed."
            )
        else:
            have[point.product_id] -= point.to_order  # two destinations share the source
            by_destination[point.warehouse_id].append(LineInput(point.product_id, point.to_order))
    with transaction.atomic():
        made = [
            document_create(
                doc_type=DocType.TRANSFER,
                warehouse_id=source.pk,
                destination_warehouse_id=w,
                lines=lines,
                reference=f"Replenish {source.code}",
                created_by=user,
            )
            for w, lines in sorted(by_destination.items())
        ]
    return made, skipped


def _render(model_admin, request, template, context):
    return TemplateResponse(
        request,
        template,
        {
            **model_admin.admin_site.each_context(request),
            "opts": model_admin.opts,
            **context,
        },
    )
