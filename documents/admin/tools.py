"""Back-office screens that turn a selection into drafts: start a count of a warehouse or a
location subtree, and replenish what is below its reorder point. Drafts are written by
documents.services, as everywhere; nothing here posts."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from documents.models import DocType
from documents.services import (
    COUNT_MAX_LINES,
    count_start,
    replenish,
    short_points,
    user_can_post,
)
from inventory.selectors import (
    available_by_product,
    location_by_code,
)
from warehouses.models import Warehouse
from wms.validators import row_id

SHORT_SHOWN = 500


class StartCountForm(forms.Form):
    # Blind first and the location last: a scanned location ends with Enter, which submits,
    # so whatever is to be chosen must be chosen before the scan.
    blind = forms.BooleanField(
        required=False,
        label="Blind count",
        help_text="The counters see no book quantity: every line starts at 0 and the count "
        "sheets print without the book column; the count remembers it.",
    )
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

    def clean(self):
        data = super().clean()
        code = (data.get("location") or "").strip()
        data["place"] = None
        if code:
            data["place"] = location_by_code(code)
            if data["place"] is None or not data["place"].is_active:
                self.add_error("location", f"No active location has the path or barcode {code}.")
        return data


def start_count_view(model_admin, request):
    """A draft count of every quant in stock in a warehouse or below a location, each line
    naming the quant's location and lot, pre-filled with its book quantity or blind (0)."""
    if not user_can_post(request.user, DocType.COUNT):
        # Said on the documents list, not as a bare 403 page.
        messages.error(request, "Counts are started and posted by a warehouse manager.")
        return redirect("admin:documents_document_changelist")
    form = StartCountForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            count = count_start(
                warehouse_id=data["warehouse"].pk if data["warehouse"] else None,
                location_id=data["place"].pk if data["place"] else None,
                blind=data["blind"],
                user=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            model_admin.message_user(
                request,
                f"{count.number}: {count.lines.count()} lines, one per location, product and "
                "lot, "
                + (
                    "each at 0 (blind): print the blind count sheet, count, then enter or scan "
                    "what was found; a line left at 0 sets its stock to 0."
                    if data["blind"]
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
        ids = [row_id(v) for v in raw]
        if len(raw) > COUNT_MAX_LINES or None in ids:
            raise ValidationError(f"product: at most {COUNT_MAX_LINES} ids, each a number.")
        data["products"] = ids
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


def replenish_view(model_admin, request):
    """The reorder points below their minimum; a selection becomes draft receipts (one per
    warehouse) or draft transfers from a warehouse that has enough (one per destination)."""
    if not user_can_post(request.user, DocType.RECEIPT):
        raise PermissionDenied
    short = list(short_points()[:SHORT_SHOWN])
    form = ReplenishForm(request.POST or None, shown=short)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            done = replenish(
                point_ids=data["points"],
                mode=data["mode"],
                reference=data["reference"],
                source_id=data["source"].pk if data["source"] else None,
                user=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
            done = None
        for text in done.skipped if done else ():
            model_admin.message_user(request, text, messages.WARNING)
        if done and done.made:
            model_admin.message_user(
                request,
                f"Drafts created: {', '.join(d.number for d in done.made)}.",
                messages.SUCCESS,
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
