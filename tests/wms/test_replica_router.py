"""Reporting reads go to the read replica; postings never touch it."""

import pytest

from tests.support.documents import make_document
from tests.wms.helpers import project_env, run_snippet, url_of_test_database
from wms.routers import ReplicaRouter, reporting

ROUTING = """
from datetime import timedelta
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext
from documents.models import Document
from documents.selectors import posted_by_type
from documents.services import document_post
from wms.routers import reporting

out = {"outside": Document.objects.all().db}
with reporting():
    out["inside"] = Document.objects.all().db
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        out["drafts_seen_on_replica"] = Document.objects.filter(status="draft").count()
    out["replica_queries"] = len(on_replica)
    with transaction.atomic():
        out["inside_a_transaction"] = Document.objects.all().db
    with CaptureQueriesContext(connections["replica"]) as during_posting:
        document_post(document_id=DRAFT)
    out["replica_queries_while_posting"] = len(during_posting)
posted = Document.objects.get(pk=DRAFT)
with CaptureQueriesContext(connections["replica"]) as stats_queries:
    out["stats"] = posted_by_type(
        since=posted.created_at, until=posted.posted_at + timedelta(seconds=1)
    )
out["stats_queries_on_replica"] = len(stats_queries)
print(json.dumps(out))
"""


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_reporting_reads_use_the_replica_and_postings_never_do(warehouse, product):
    draft = make_document("receipt", warehouse, [(product, 4)])
    url = url_of_test_database()
    env = project_env(DATABASE_URL=url, DATABASE_REPLICA_URL=url, DB_POOL_SIZE="1")
    outcome = run_snippet(ROUTING.replace("DRAFT", str(draft.pk)), env=env)
    assert outcome == {
        "outside": "default",
        "inside": "replica",
        "drafts_seen_on_replica": 1,
        "replica_queries": 1,
        "inside_a_transaction": "default",
        "replica_queries_while_posting": 0,
        "stats": {"receipt": 1},
        # The replica's health probe, then the read.
        "stats_queries_on_replica": 2,
    }


def test_without_a_replica_everything_stays_on_the_primary(settings):
    assert "replica" not in settings.DATABASES
    router = ReplicaRouter()
    with reporting():
        assert router.db_for_read(None) == "default"
    assert router.db_for_write(None) == "default"
    assert router.allow_migrate("replica", "documents") is False
