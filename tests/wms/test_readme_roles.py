"""The README's table of who does what says what the role groups may do: each row's yes and
no for a clerk and a manager are what their permissions allow."""

import re
from pathlib import Path

import pytest

from documents.services import user_can_cancel, user_can_post

README = Path(__file__).resolve().parents[2] / "README.md"

CHECKS = {
    "Draft and post receipts, shipments and transfers": lambda u: (
        u.has_perm("documents.add_document")
        and all(user_can_post(u, t) for t in ("receipt", "shipment", "transfer"))
    ),
    "Make pick lists and pick": lambda u: u.has_perm("documents.add_picklist"),
    "Draft a return": lambda u: u.has_perm("documents.add_document"),
    "Post returns": lambda u: user_can_post(u, "return"),
    "Start and post counts, post adjustments": lambda u: (
        user_can_post(u, "count") and user_can_post(u, "adjustment")
    ),
    "Cancel documents": user_can_cancel,
    "Add and change products, packagings, lots and reorder points": lambda u: u.has_perms(
        [
            f"inventory.{action}_{model}"
            for action in ("add", "change")
            for model in ("product", "packaging", "lot", "reorderpoint")
        ]
    ),
    "Add and change warehouses and locations": lambda u: u.has_perms(
        [
            f"warehouses.{action}_{model}"
            for action in ("add", "change", "delete")
            for model in ("warehouse", "location")
        ]
    ),
}


def readme_rows() -> dict[str, tuple[bool, bool]]:
    rows = {}
    for what, clerk, manager in re.findall(
        r"^\| ([^|]+?) \| (yes|no) \| (yes|no) \|$", README.read_text(), re.M
    ):
        key = next((k for k in CHECKS if what.startswith(k)), what)
        rows[key] = (clerk == "yes", manager == "yes")
    return rows


@pytest.mark.django_db
def test_the_readme_table_is_what_the_roles_may_do(clerk, manager):
    rows = readme_rows()
    assert rows.keys() == CHECKS.keys()
    for what, check in CHECKS.items():
        assert rows[what] == (bool(check(clerk)), bool(check(manager))), what
