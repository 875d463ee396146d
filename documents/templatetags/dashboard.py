"""{% dashboard %}: the figures of the admin's start page, for staff who may see them."""

from django import template

from documents.dashboard import dashboard_figures

register = template.Library()

# Who sees the figures: they summarise stock, documents and the ledger.
VIEW_PERMISSIONS = (
    "documents.view_document",
    "inventory.view_warehouseinventory",
    "inventory.view_stockmovement",
)


@register.inclusion_tag("admin/documents/dashboard.html", takes_context=True)
def dashboard(context):
    user = context["request"].user
    if not user.has_perms(VIEW_PERMISSIONS):
        return {"figures": None}
    return {"figures": dashboard_figures()}


@register.filter
def bar_height(count: int, busiest: int) -> int:
    """A day's bar as a percentage of the busiest day's."""
    return round(100 * count / busiest) if busiest else 0
