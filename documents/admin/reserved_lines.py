"""A reserved document's lines as a picking screen: where each line is picked from (shelf,
lot, expiry, quantity, from its reservation rows) in walking order, what it holds, what is
left for others and, for who may post it, the shipped quantity sent with Post."""

from django.contrib import admin
from django.utils.html import format_html, format_html_join

from documents.admin.picking import shipped_input
from documents.models import Status
from documents.selectors import line_pick_from, lines_in_walking_order
from documents.services import user_can_post
from inventory.quantities import steps_format


def reserved_line_fields(inline, request, obj, where: tuple[str, ...]) -> tuple[str, ...]:
    """The columns of a reserved document's lines; reads its reservation rows once."""
    inline.picks = line_pick_from(document_id=obj.pk)
    inline.typed = request.GET.dict()
    shipped = ("shipped",) if user_can_post(request.user, obj.doc_type) else ()
    return ("product", "pick_from", "quantity", "reserved", *shipped, "available", "unit", *where)


def walking_formset_kwargs(kwargs: dict, obj) -> dict:
    """A reserved document's lines in walking order (the formset reads them so)."""
    if obj is not None and obj.status == Status.RESERVED and "queryset" in kwargs:
        kwargs["queryset"] = lines_in_walking_order(kwargs["queryset"])
    return kwargs


class ReservedLinesMixin:
    """The read-only columns of a reserved document's lines, for the lines' inline."""

    @admin.display(description="pick from")
    def pick_from(self, line):
        picks = self.picks.get(line.pk, [])
        if not picks:
            return "—"
        return format_html(
            '<ol class="pick-from">{}</ol>',
            format_html_join(
                "",
                '<li><b>{}</b> <span class="shelf">{}</span>{}</li>',
                (
                    (
                        steps_format(p.quantity, p.decimals),
                        p.location,
                        format_html(
                            ' · lot <span class="lot">{}</span>{}',
                            p.lot,
                            f" · expires {p.expires_on}" if p.expires_on else "",
                        )
                        if p.lot
                        else "",
                    )
                    for p in picks
                ),
            ),
        )

    @admin.display(description="reserved")
    def reserved(self, line):
        return line.reserved

    @admin.display(description="available")
    def available(self, line):
        return line.in_stock

    @admin.display(description="shipped")
    def shipped(self, line):
        return shipped_input(line, self.typed)
