"""`manage.py backup_drill` (`make backup-drill`): a pg_dump of a live database taken while postings
run, restored into a scratch database and verified."""

import threading

import pytest

from tests.chaos.ops import draft, new_product, post_document
from tests.topology.conftest import DATABASE, api, server_env
from tests.wms.helpers import run_manage

pytestmark = [pytest.mark.topology, pytest.mark.postgres]


def test_a_dump_taken_during_postings_restores_whole(primary, world, start_server, tmp_path):
    server = start_server(primary.url(DATABASE))
    clerk = api(server, world["tokens"][2])
    product = new_product(clerk)
    warehouse = world["warehouses"][0]
    stop, posted = threading.Event(), []

    def keep_posting():
        while not stop.is_set():
            document = draft(clerk, "receipt", warehouse, [(product, 1)])
            assert post_document(clerk, document).status == 200
            posted.append(document)

    worker = threading.Thread(target=keep_posting)
    worker.start()
    try:
        while len(posted) < 3:  # postings are under way when the dump starts
            assert worker.is_alive()
            stop.wait(0.1)
        drill = run_manage(
            "backup_drill",
            "--scratch-db",
            "wms_topology_drill",
            env=server_env(tmp_path, primary.url(DATABASE), DB_POOL_SIZE="0"),
            timeout=600,
        )
        during = len(posted)
    finally:
        stop.set()
        worker.join(60)
    output = drill.stdout + drill.stderr
    assert drill.returncode == 0, output
    assert "verify_schema: Schema OK" in output
    assert "reconcile_stock: Quants, ledger, stock rows and totals agree." in output
    assert "newest document before the dump present: RCV-" in output
    assert "Backup drill OK" in output
    assert len(posted) > during >= 3, "postings ran while the dump was taken"
    # The scratch database is gone; the live one kept every acknowledged posting.
    assert (
        primary.psql("SELECT count(*) FROM pg_database WHERE datname = 'wms_topology_drill'")[0]
        == 0
    )
    assert primary.psql(
        f"SELECT count(*) FROM documents WHERE id IN ({','.join(map(str, posted))})"
        " AND status = 'posted'",
        DATABASE,
    )[0] == len(posted)


def test_a_kept_copy_that_lost_a_constraint_is_caught(primary, world, tmp_path):
    """--keep leaves the restored copy to look at; verify_schema, the drill's first check,
    refuses a copy that lost a constraint."""
    env = server_env(tmp_path, primary.url(DATABASE), DB_POOL_SIZE="0")
    kept = run_manage("backup_drill", "--scratch-db", "wms_topology_kept", "--keep", env=env)
    assert kept.returncode == 0, kept.stdout + kept.stderr
    primary.psql(
        "ALTER TABLE inventory DROP CONSTRAINT check_inventory_quantity_positive",
        "wms_topology_kept",
    )
    checked = run_manage(
        "verify_schema",
        env=server_env(tmp_path, primary.url("wms_topology_kept"), DB_POOL_SIZE="0"),
    )
    assert checked.returncode == 1
    assert "MISSING check_inventory_quantity_positive" in checked.stderr
    primary.psql("DROP DATABASE wms_topology_kept WITH (FORCE)")
