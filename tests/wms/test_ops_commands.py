"""check_db, verify_schema and wms_stats: --help, their findings, and non-zero exits."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from documents.services import document_post
from inventory.exceptions import InsufficientStock
from tests.support.documents import make_document, post
from tests.wms.helpers import project_env, run_manage

pytestmark = pytest.mark.django_db

UNREACHABLE = "postgres://postgres@127.0.0.1:1/wms"


@pytest.mark.parametrize("command", ["check_db", "verify_schema", "wms_stats", "reconcile_stock"])
def test_every_ops_command_explains_itself(command):
    result = run_manage(command, "--help", env=project_env())
    assert result.returncode == 0
    assert "usage:" in result.stdout


def test_check_db_reports_the_connection(capsys):
    call_command("check_db")
    out = capsys.readouterr().out
    assert "SELECT 1 in" in out
    assert "Database connection OK." in out


@pytest.mark.postgres
def test_check_db_shows_the_timeouts_and_pool_on_postgres(capsys):
    call_command("check_db")
    out = capsys.readouterr().out
    assert "statement_timeout = 15s" in out
    assert "lock_timeout = 3s" in out
    assert "connect_timeout = 5 s" in out
    assert "pool per process: min_size=2 max_size=20 timeout=10 s max_lifetime=3600 s" in out
    assert "server max_connections =" in out


def test_check_db_exits_1_when_the_database_is_unreachable():
    result = run_manage("check_db", env=project_env(DATABASE_URL=UNREACHABLE), timeout=30)
    assert result.returncode == 1
    assert "UNREACHABLE" in result.stderr
    assert "Database check failed for: default" in result.stderr


def test_verify_schema_passes_on_a_migrated_database(capsys):
    call_command("verify_schema")
    assert "Schema OK" in capsys.readouterr().out


@pytest.mark.postgres
def test_verify_schema_names_what_is_missing_and_exits_1(capsys):
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX ix_documents_type_status")
        cursor.execute("ALTER TABLE products DROP CONSTRAINT check_product_price_positive")
    with pytest.raises(CommandError) as raised:
        call_command("verify_schema")
    assert raised.value.returncode == 1
    assert capsys.readouterr().err.splitlines() == [
        "MISSING ix_documents_type_status on table documents",
        "MISSING check_product_price_positive on table products",
    ]


def test_verify_schema_exits_1_when_the_database_is_unreachable():
    result = run_manage("verify_schema", env=project_env(DATABASE_URL=UNREACHABLE), timeout=30)
    assert result.returncode == 1
    assert "Could not read the schema" in result.stderr


def test_wms_stats_counts_postings_movements_and_failures(
    warehouse, other_warehouse, product, capsys
):
    post("receipt", warehouse, [(product, 10)])
    post("receipt", warehouse, [(product, 5)])
    post("transfer", warehouse, [(product, 3)], destination=other_warehouse)
    short = make_document("shipment", warehouse, [(product, 100)])
    with pytest.raises(InsufficientStock):
        document_post(document_id=short.pk)

    call_command("wms_stats", "--json")
    stats = json.loads(capsys.readouterr().out)
    assert stats["posted_by_type"] == {"receipt": 2, "transfer": 1}
    assert [row["posted"] for row in stats["posted_per_hour"]] == [3]
    assert stats["movements"] == {"movements": 4, "reversals": 0}
    assert stats["failed_postings"] == {"insufficient_stock": 1}

    call_command("wms_stats")
    text = capsys.readouterr().out
    assert "Documents posted: 3" in text
    assert "Failed postings: 1" in text


def test_wms_stats_refuses_a_bad_window():
    with pytest.raises(CommandError, match="--hours"):
        call_command("wms_stats", "--hours", "0")


def test_wms_stats_exits_1_when_the_database_is_unreachable():
    result = run_manage("wms_stats", env=project_env(DATABASE_URL=UNREACHABLE), timeout=30)
    assert result.returncode == 1
    assert "Could not read the statistics" in result.stderr
