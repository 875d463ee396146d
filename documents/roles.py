"""What the staff roles may do with documents (wms.roles syncs the groups)."""

from wms.roles import CLERK, MANAGER

_VIEW = [
    "documents.view_document",
    "documents.view_documentline",
    "documents.view_postingfailure",
]
_DRAFTS = [
    "documents.view_picklist",
    "documents.add_picklist",
    "documents.add_document",
    "documents.change_document",
    "documents.delete_document",
    "documents.add_documentline",
    "documents.change_documentline",
    "documents.delete_documentline",
]

ROLE_PERMISSIONS = {
    # Receives, ships and moves goods; corrections, returns and cancelling are left to a
    # manager (a clerk drafts returns, and the admin tells them a manager posts them).
    CLERK: [*_VIEW, *_DRAFTS, "documents.post_document"],
    MANAGER: [
        *_VIEW,
        *_DRAFTS,
        "documents.post_document",
        "documents.post_stock_correction",
        "documents.post_return",
        "documents.cancel_document",
    ],
}
