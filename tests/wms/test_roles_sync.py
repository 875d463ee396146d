"""The role groups are synced after every migrate from what each app declares: on a fresh
database, and on one already at the current state whose groups have drifted."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from tests.wms.helpers import project_env, run_manage, run_snippet
from wms.roles import CLERK, MANAGER, role_permissions

pytestmark = pytest.mark.django_db(transaction=True)


def granted(name: str) -> set[str]:
    group = Group.objects.get(name=name)
    return {
        f"{app}.{codename}"
        for app, codename in group.permissions.values_list("content_type__app_label", "codename")
    }


def test_every_app_declares_its_own_part_of_each_role():
    declared = role_permissions()
    assert {p.split(".")[0] for p in declared[MANAGER]} == {
        "documents",
        "inventory",
        "warehouses",
        "integrations",
    }
    assert "documents.post_document" in declared[CLERK]
    assert "documents.cancel_document" not in declared[CLERK]


def test_migrate_on_a_database_at_the_current_state_resyncs_drifted_groups():
    Group.objects.filter(name=CLERK).delete()
    Group.objects.get_or_create(name=MANAGER)[0].permissions.clear()
    call_command("migrate", verbosity=0)
    assert granted(CLERK) == set(role_permissions()[CLERK])
    assert granted(MANAGER) == set(role_permissions()[MANAGER])


def test_migrate_on_a_fresh_database_creates_the_groups_with_their_permissions(tmp_path):
    env = project_env(DATABASE_URL=f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
    migrated = run_manage("migrate", "--no-input", env=env, timeout=300)
    assert migrated.returncode == 0, migrated.stderr[-3000:]
    found = run_snippet(
        "from django.contrib.auth.models import Group\n"
        "from wms.roles import role_permissions\n"
        "def names(g):\n"
        "    perms = g.permissions.select_related('content_type')\n"
        "    return sorted(f'{p.content_type.app_label}.{p.codename}' for p in perms)\n"
        "rows = {g.name: names(g) for g in Group.objects.all()}\n"
        "wanted = {k: sorted(set(v)) for k, v in role_permissions().items()}\n"
        "print(json.dumps({'rows': rows, 'wanted': wanted}))\n",
        env=env,
    )
    assert found["rows"] == found["wanted"]
