"""The draft form and its lines: every line is checked by documents.services at once."""

from functools import cached_property

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet, construct_instance
from django.utils.html import format_html_join

from documents.admin.common import _without_related_links
from documents.admin.reserved_lines import ReservedLinesMixin, reserved_line_fields
from documents.models import DocType, Document, DocumentLine, Status
from documents.selectors import (
    lines_with_count_result,
    lines_with_reserved,
    lines_with_stock,
)
from documents.services import (
    LineInput,
    document_validate,
)
from inventory.models import Product
from inventory.quantities import steps_format, steps_parse
from inventory.selectors import line_moves
from wms.admin_mixins import CheckedAutocompleteSelect, CheckedModelChoiceField
from wms.validators import row_id


class DocumentForm(forms.ModelForm):
    class Meta:
        model = Document
        fields = ("doc_type", "warehouse", "destination_warehouse", "origin", "reference", "note")

    def clean(self):
        data = super().clean()
        checked = ("doc_type", "warehouse", "destination_warehouse", "origin")
        if any(self.has_error(f) for f in checked if f in self.fields):
            return data
        doc_type = data.get("doc_type", self.instance.doc_type)
        warehouse = data.get("warehouse")
        destination = data.get("destination_warehouse")
        origin = data.get("origin", self.instance.origin if self.instance.origin_id else None)
        try:
            # The lines are checked by the formset, with the same service function; here only
            # what concerns the document's own fields is kept.
            document_validate(
                doc_type=doc_type,
                warehouse_id=warehouse.pk if warehouse else None,
                destination_warehouse_id=destination.pk if destination else None,
                lines=[],
                origin_id=origin.pk if origin else None,
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                if field != "lines":
                    self.add_error(field if field in self.fields else None, errors)
        return data

    def _post_clean(self):
        # documents.services writes the document and has checked its rules in clean(); the
        # model's generic checks (CHECK constraints) would only repeat them less readably.
        self.instance = construct_instance(self, self.instance, self._meta.fields)


class ProductAutocomplete(CheckedAutocompleteSelect):
    """Shows each line's chosen product from the formset's single load, not a query per line."""

    known: dict[str, Product] = {}

    def optgroups(self, name, value, attr=None):
        chosen = [str(v) for v in value if str(v) not in self.choices.field.empty_values]
        if not chosen or any(v not in self.known for v in chosen):
            return super().optgroups(name, value, attr)
        options = [] if self.is_required else [self.create_option(name, "", "", False, 0)]
        for v in chosen:
            label = self.choices.field.label_from_instance(self.known[v])
            options.append(self.create_option(name, v, label, True, len(options)))
        return [(None, options, 0)]


class ProductChoiceField(CheckedModelChoiceField):
    """Takes the posted product from the formset's single load, not a query per line."""

    known: dict[str, Product] = {}

    def to_python(self, value):
        if value not in self.empty_values and str(value) in self.known:
            return self.known[str(value)]
        return super().to_python(value)


class LineForm(forms.ModelForm):
    lot_code = forms.CharField(
        label="lot", max_length=64, required=False, help_text="Lot or serial code."
    )
    expires_on = forms.DateField(
        required=False,
        help_text="A new lot's expiry.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    # Entering a line in packs: "3" of "case"; the quantity is then the packs' stock steps.
    packs = forms.IntegerField(required=False, help_text="Whole packs, instead of a quantity.")
    pack = forms.CharField(
        max_length=32, required=False, help_text="The packaging's code: case, pallet…"
    )
    # In the product's unit, decimals allowed: beside packs, the rest of "4 cases + 3" (an
    # open case on a count); alone, the quantity ("1.250" kg) instead of its steps.
    loose = forms.CharField(
        label="+ in unit",
        max_length=40,
        required=False,
        help_text='Beside packs, what is not a whole pack ("4 case + 3"); alone, the quantity '
        'in the unit ("1.250").',
    )

    class Meta:
        model = DocumentLine
        fields = ("product", "quantity", "location", "destination_location")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "quantity" in self.fields:
            self.fields["quantity"].required = False
        lot = self.instance.lot if self.instance.lot_id else None
        if lot is not None:
            self.initial.setdefault("lot_code", lot.code)
            self.initial.setdefault("expires_on", lot.expires_on)
        if self.instance.packaging_id:
            self.initial.setdefault("pack", self.instance.packaging.code)
            self.initial.setdefault("packs", self.instance.packaging_quantity)
            if self.instance.loose_quantity is not None:
                loose = steps_format(self.instance.loose_quantity, self.instance.product.decimals)
                self.initial.setdefault("loose", loose)

    def clean(self):
        data = super().clean()
        product = data.get("product")
        loose = (data.get("loose") or "").strip()
        packed = bool(data.get("pack")) or data.get("packs") is not None
        if product and data.get("quantity") is None and not (packed or loose):
            self.add_error("quantity", "Give a quantity, or packs of a packaging.")
        if product and loose and packed:
            # Beside packs the rest is steps; alone it goes to the service as unit_quantity.
            try:
                data["loose_steps"] = steps_parse(loose, product.decimals)
            except ValidationError as exc:
                self.add_error("loose", exc.messages)
        return data

    def _post_clean(self):
        # Lines are never saved through this form: documents.services checks them all at once
        # (product exists and is active, no product twice, the quantity fits the type) and
        # writes them. The model's per-line checks would cost a query per line.
        pass


class LineFormSet(BaseInlineFormSet):
    @cached_property
    def known_products(self) -> dict[str, Product]:
        known = {str(line.product_id): line.product for line in self.get_queryset()}
        if self.is_bound:
            posted = {
                value
                for key, value in self.data.items()
                if key.startswith(f"{self.prefix}-") and key.endswith("-product") and value
            }
            wanted = [v for v in posted - known.keys() if row_id(v) is not None]
            known.update({str(p.pk): p for p in Product.objects.filter(pk__in=wanted)})
        return known

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        field = form.fields.get("product")
        if field is not None:
            field.known = self.known_products
            widget = getattr(field.widget, "widget", field.widget)  # inside the admin's wrapper
            widget.known = self.known_products
        return form

    def clean(self):
        # BaseModelFormSet.clean() is not called: it checks products for duplicates, which
        # documents.services does with a clearer message.
        if any(self.errors):
            return
        self.lines = [
            _line_input(form.cleaned_data, form.changed_data)
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        document = self.instance
        try:
            document_validate(
                doc_type=document.doc_type,
                warehouse_id=document.warehouse_id,
                destination_warehouse_id=document.destination_warehouse_id,
                lines=self.lines,
                origin_id=document.origin_id,
            )
        except ValidationError as exc:
            # The document's own fields are reported by DocumentForm.
            line_errors = exc.message_dict.get("lines")
            if line_errors:
                raise ValidationError(line_errors) from None


def _line_input(data, changed=()) -> LineInput:
    place = data.get("location")
    destination = data.get("destination_location")
    packed = bool(data.get("pack")) or data.get("packs") is not None
    loose = (data.get("loose") or "").strip()
    # A line in packs (or in the unit) shows its quantity too: packs decide unless the
    # quantity was retyped (then both are given, and the service says to choose).
    typed = packed or bool(loose)
    quantity = data.get("quantity") if not typed or "quantity" in changed else None
    return LineInput(
        product_id=data["product"].pk,
        quantity=quantity,
        unit_quantity=loose if loose and not packed else None,
        packaging=(data.get("pack") or "").strip() if packed else None,
        packaging_quantity=data.get("packs") if packed else None,
        loose_quantity=data.get("loose_steps") if packed and loose else None,
        location_id=place.pk if place else None,
        destination_location_id=destination.pk if destination else None,
        lot=data.get("lot_code") or None,
        expires_on=data.get("expires_on"),
    )


# The line fields each type uses (a new document shows them all until its type is saved).
LINE_FIELDS = {
    DocType.RECEIPT: ("product", "quantity", "location", "lot_code", "expires_on"),
    DocType.SHIPMENT: ("product", "quantity", "location", "lot_code"),
    DocType.TRANSFER: ("product", "quantity", "location", "destination_location", "lot_code"),
    DocType.ADJUSTMENT: ("product", "quantity", "location", "lot_code"),
    DocType.COUNT: ("product", "quantity", "location", "lot_code"),
    DocType.RETURN: ("product", "quantity", "location", "lot_code"),
}


def draft_line_fields(doc_type: str) -> tuple[str, ...]:
    """The columns of a draft's lines of this type; a new document's form shows those of the
    type chosen (document_form.js, from this)."""
    where = LINE_FIELDS[doc_type][2:]
    if doc_type == DocType.COUNT:
        # A count's quantity starts as the book (or 0 when blind): no second figure beside it.
        return ("product", "quantity", "packs", "pack", "loose", "unit", *where)
    return ("product", "quantity", "packs", "pack", "unit", "in_stock", *where)


class LineInline(ReservedLinesMixin, admin.TabularInline):
    model = DocumentLine
    form = LineForm
    formset = LineFormSet
    # Every field a line can have; get_fields keeps those of the document's type.
    fields = (
        "product",
        "quantity",
        "packs",
        "pack",
        "loose",
        "unit",
        "in_stock",
        "location",
        "destination_location",
        "lot_code",
        "expires_on",
    )
    readonly_fields = (
        "unit",
        "in_stock",
        "reserved",
        "available",
        "shipped",
        "pick_from",
        "line_moved",
    )
    autocomplete_fields = ("product", "location", "destination_location")
    extra = 1

    def get_queryset(self, request):
        lines = (
            super()
            .get_queryset(request)
            .select_related(
                "lot", "packaging", "location__warehouse", "destination_location__warehouse"
            )
        )
        return lines_with_reserved(lines_with_count_result(lines_with_stock(lines)))

    def get_fields(self, request, obj=None):
        if obj is None:
            return self.fields
        where = LINE_FIELDS[obj.doc_type][2:]  # the location and lot fields of its type
        if not obj.is_draft:
            # Today's stock says nothing of the past; a count says what it found.
            if obj.doc_type == DocType.COUNT and obj.status == Status.POSTED:
                return ("product", "book", "quantity", "difference", "unit", *where)
            if obj.status == Status.RESERVED:
                return reserved_line_fields(self, request, obj, where)
            if obj.status == Status.POSTED:
                # What the ledger says left or arrived, lot and shelf: a short pick shipped
                # less than the line's ordered quantity.
                self.moves = line_moves(document_id=obj.pk)
                self.signed = obj.doc_type in (DocType.TRANSFER, DocType.ADJUSTMENT)
                return ("product", "quantity", "line_moved", "unit", *where)
            return ("product", "quantity", "unit", *where)
        return draft_line_fields(obj.doc_type)

    def get_readonly_fields(self, request, obj=None):
        return (*self.readonly_fields, "book", "difference")

    @admin.display(description="book")
    def book(self, line):
        return line.book

    @admin.display(description="difference")
    def difference(self, line):
        return f"{line.difference:+d}" if line.difference else "0"

    @admin.display(description="expires on")
    def expires_on(self, line):
        # Shown when the line is read-only (posted): the expiry its lot has; a draft's form
        # has its own field of that name.
        return line.lot.expires_on if line.lot_id and line.lot.expires_on else "—"

    @admin.display(description="moved")
    def line_moved(self, line):
        moves = self.moves.get(line.pk, [])
        if not moves:
            return "0"
        return format_html_join(
            "",
            '<div class="move"><b>{}</b> {}{}</div>',
            (
                (
                    f"{m.quantity:+d}" if self.signed else abs(m.quantity),
                    m.location,
                    f" · lot {m.lot}" + (f" (expires {m.expires_on})" if m.expires_on else "")
                    if m.lot
                    else "",
                )
                for m in moves
            ),
        )

    @admin.display(description="unit")
    def unit(self, line):
        if not line.product_id:
            return ""
        product = line.product
        if product.decimals and line.quantity is not None:
            # The quantity is in steps of the unit: say which, and what it is in the unit.
            step = steps_format(1, product.decimals)
            whole = steps_format(line.quantity, product.decimals)
            return f"× {step} {product.unit} = {whole} {product.unit}"
        return product.get_unit_display()

    @admin.display(description="in stock")
    def in_stock(self, line):
        # Filled by the scan for new lines; saved lines have it from get_queryset.
        return getattr(line, "in_stock", "")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        return _without_related_links(super().formfield_for_dbfield(db_field, request, **kwargs))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "product":
            kwargs["widget"] = ProductAutocomplete(db_field, self.admin_site)
            kwargs["form_class"] = ProductChoiceField
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _draft(self, obj) -> bool:
        return obj is None or obj.is_draft

    def has_add_permission(self, request, obj=None):
        return self._draft(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._draft(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._draft(obj) and super().has_delete_permission(request, obj)
