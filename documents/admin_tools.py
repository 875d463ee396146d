"""Back-office screens that turn a selection into drafts: start a count of a warehouse, and
replenish what is below its reorder point. Drafts are written by documents.services, as
everywhere; nothing here posts."""

from collections import defaultdict

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from documents.models import DocType
from documents.services import LineInput, document_create, user_can_post
from inventory.models import WarehouseInventory
from inventory.selectors import below_reorder_point, reorder_point_list
from warehouses.models import Warehouse

# The admin's formset edits at most this many lines (DATA_UPLOAD_MAX_NUMBER_FIELDS allows it).
COUNT_MAX_LINES = 1000
SHORT_SHOWN = 500


class StartCountForm(forms.Form):
    warehouse = forms.ModelChoiceField(Warehouse.objects.filter(is_active=True).order_by("code"))


def start_count_view(model_admin, request):
    """A draft count of every product in stock in a warehouse, each line pre-filled with its
    book quantity; its count sheet prints with the book quantities or blind."""
    if not user_can_post(request.user, DocType.COUNT):
        raise PermissionDenied
    form = StartCountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        warehouse = form.cleaned_data["warehouse"]
        stock = list(
            WarehouseInventory.objects.filter(
                warehouse=warehouse, quantity__gt=0, product__is_active=True
            )
            .order_by("product__sku")
            .values_list("product_id", "quantity")[: COUNT_MAX_LINES + 1]
        )
        if not stock:
            form.add_error("warehouse", f"{warehouse.code} has nothing in stock to count.")
        elif len(stock) > COUNT_MAX_LINES:
            form.add_error(
                "warehouse",
                f"{warehouse.code} holds more than {COUNT_MAX_LINES} products: count it "
                "through the API (POST /api/v1/documents/) in parts.",
            )
        else:
            count = document_create(
                doc_type=DocType.COUNT,
                warehouse_id=warehouse.pk,
                lines=[LineInput(p, q) for p, q in stock],
                reference=f"Count of {warehouse.code}",
                created_by=request.user,
            )
            model_admin.message_user(
                request,
                f"{count.number}: {len(stock)} lines with their book quantities. Print the "
                "count sheet (blind if you like), then enter what was counted.",
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
