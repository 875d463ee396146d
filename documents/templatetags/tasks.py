"""{% task_buttons %}: the day's tasks as big buttons on the admin's start page, each shown
to the roles that may do it (the same permission checks as the screens they open)."""

from django import template
from django.urls import reverse

from documents.admin.picking import PICK_PERMISSION
from documents.models import DocType

register = template.Library()


def _new(doc_type: str) -> str:
    return f"{reverse('admin:documents_document_add')}?doc_type={doc_type}"


@register.inclusion_tag("admin/documents/task_buttons.html", takes_context=True)
def task_buttons(context):
    user = context["request"].user
    drafts = user.has_perm("documents.add_document")
    tasks = [
        ("receive", "Receive", _new(DocType.RECEIPT), drafts),
        ("ship", "Ship", _new(DocType.SHIPMENT), drafts),
        # A shelf is counted on the phone by whoever may count; a manager starts counts there too.
        (
            "count",
            "Count",
            reverse("admin:documents_document_count_open"),
            user.has_perm("documents.change_document"),
        ),
        (
            "pick",
            "Pick",
            reverse("admin:documents_picklist_phone_open"),
            user.has_perm(PICK_PERMISSION),
        ),
    ]
    return {"tasks": [(key, label, url) for key, label, url, allowed in tasks if allowed]}
