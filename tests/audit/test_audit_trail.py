"""Every change of audited data is recorded with who, through what, the request and the fields."""

import threading

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from audit.models import AuditEvent
from documents.services import document_cancel
from inventory.models import Product
from tests.factories import ProductFactory
from tests.support.users import api_client, user_with
from wms.audit_context import acting
from wms.tokens import api_token_create


def events(model, object_id=None):
    rows = AuditEvent.objects.filter(model=model).order_by("id")
    return list(rows.filter(object_id=str(object_id)) if object_id is not None else rows)


@pytest.mark.django_db
def test_an_api_change_names_user_via_request_and_fields():
    user = user_with(perms=["inventory.add_product", "inventory.change_product"])
    client = api_client(user)
    created = client.post(
        "/api/v1/products/", {"sku": "AUD-1", "name": "Bolt"}, HTTP_X_REQUEST_ID="req-audit-1"
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    changed = client.patch(f"/api/v1/products/{pk}/", {"name": "Nut"})
    assert changed.status_code == 200

    create, update = events("product", pk)
    assert (create.action, create.actor, create.via, create.request_id) == (
        "create",
        user.username,
        "api",
        "req-audit-1",
    )
    assert create.changes["sku"] == [None, "AUD-1"]
    assert (update.action, update.changes["name"]) == ("update", ["Bolt", "Nut"])
    assert update.request_id == changed["X-Request-ID"]
    assert "sku" not in update.changes  # only what changed


@pytest.mark.django_db
def test_a_change_that_rolls_back_leaves_no_audit_row():
    product = ProductFactory()
    before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        Product.objects.filter(pk=product.pk).update(name="never")
        raise RuntimeError
    assert AuditEvent.objects.count() == before


@pytest.mark.django_db
def test_deletes_are_recorded_with_the_last_values():
    product = ProductFactory(name="Gone")
    product.delete()
    (deleted,) = [e for e in events("product", product.pk) if e.action == "delete"]
    assert deleted.changes["name"] == ["Gone", None]


@pytest.mark.django_db
def test_secrets_are_recorded_only_as_changed():
    user = user_with()
    user.set_password("s3cret-Password!")
    user.save()
    key = api_token_create(user=user)
    password_change = events("user", user.pk)[-1]
    assert password_change.changes["password"] == ["***", "***"]  # unusable, then set
    (created,) = events("token", user.pk)
    assert created.changes["digest"] == [None, "***"]
    assert key not in str(AuditEvent.objects.values_list("changes", "object_id"))
    assert key[:8] not in str(AuditEvent.objects.values_list("changes", flat=True))


@pytest.mark.django_db
def test_group_membership_is_recorded():
    user = user_with(groups=["Auditor"])
    row = events("user_groups", user.pk)[-1]
    assert row.action == "create"
    assert "group_id" in row.changes


@pytest.mark.postgres  # the import writes in bulk, which only the triggers see
@pytest.mark.django_db
def test_the_import_and_commands_say_so(tmp_path):
    source = tmp_path / "products.csv"
    source.write_text("sku,name\nIMP-1,Imported\n")
    call_command("import_products", str(source), "--no-progress")
    pk = Product.objects.get(sku="IMP-1").pk
    (created,) = events("product", pk)
    assert created.via == "import"
    with acting(via="command", actor="manage.py nightly"):
        Product.objects.filter(pk=pk).update(name="Nightly")
    assert events("product", pk)[-1].actor == "manage.py nightly"


@pytest.mark.django_db
def test_posting_and_cancelling_are_lifecycle_events(warehouse, product):
    from tests.support.documents import make_document, post

    document = post("receipt", warehouse, [(product, 5)])
    verbs = [e.action for e in events("document", document.pk)]
    assert verbs[0] == "create"
    assert "post" in verbs
    draft = make_document("receipt", warehouse, [(product, 1)])
    document_cancel(document_id=draft.pk)
    assert events("document", draft.pk)[-1].action == "cancel"


@pytest.mark.postgres
@pytest.mark.django_db
def test_bulk_updates_and_raw_sql_are_recorded():
    product = ProductFactory(name="Before")
    Product.objects.filter(pk=product.pk).update(name="Bulk")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE products SET name = 'Raw' WHERE id = %s", [product.pk])
    names = [e.changes["name"][1] for e in events("product", product.pk) if e.action == "update"]
    assert names == ["Bulk", "Raw"]


@pytest.mark.postgres
@pytest.mark.django_db
def test_outside_the_application_the_row_says_sql():
    product = ProductFactory()
    with connection.cursor() as cursor:
        # What psql would do: no context set in this transaction.
        cursor.execute("SELECT set_config('wms.audit', '', true)")
        cursor.execute("UPDATE products SET name = 'psql' WHERE id = %s", [product.pk])
    # The wrapper had already sent the context for this test's transaction; a fresh
    # transaction without it is what a psql session is.
    row = events("product", product.pk)[-1]
    assert row.changes["name"][1] == "psql"
    assert row.via == "sql"
    assert row.actor == ""


@pytest.mark.django_db
def test_oauth_clients_and_their_scopes_are_recorded_without_the_secret():
    from oauth2_provider.models import Application

    from tests.oauth2 import create_client

    owner = user_with()
    client_id, secret = create_client(owner, scopes="read")
    application = Application.objects.get(client_id=client_id)
    (created,) = events("application", application.pk)
    assert created.changes["client_secret"] == [None, "***"]
    assert created.changes["client_id"] == [None, client_id]
    assert events("clientscopes")[-1].changes["scopes"] == [None, "read"]
    application.delete()
    assert events("application", application.pk)[-1].action == "delete"
    assert secret not in str(list(AuditEvent.objects.values_list("changes", flat=True)))


@pytest.mark.django_db
def test_webhook_secrets_are_masked(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = True
    client = api_client(user_with(is_superuser=True))
    created = client.post(
        "/api/v1/webhooks/", {"url": "http://127.0.0.1:9/", "events": ["document.posted"]}
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    client.post(f"/api/v1/webhooks/{pk}/rotate-secret/")
    rotation = events("subscription", pk)[-1]
    assert rotation.changes["secret"] == ["***", "***"]
    assert rotation.changes["previous_secret"] == [None, "***"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_connection_made_inside_another_wrapper_keeps_the_audit_context():
    """`execute_wrapper` pops the last wrapper on exit: the audit wrapper, installed when a
    thread's first connection is made, must not be the one it pops (a profiler or query logger
    wrapped around a worker's first request did exactly that)."""
    from audit.connection import audit_context_wrapper

    def spy(execute, sql, params, many, context):
        return execute(sql, params, many, context)

    seen = {}

    def first_request_of_a_thread():  # a new thread: a new connection object, no wrappers yet
        try:
            with connection.execute_wrapper(spy):
                connection.ensure_connection()  # connection_created fires inside the block
            seen["wrappers"] = list(connection.execute_wrappers)
            with acting(actor="wrapped", via="test"):
                seen["product"] = ProductFactory()
        finally:
            connection.close()

    thread = threading.Thread(target=first_request_of_a_thread)
    thread.start()
    thread.join()
    assert seen["wrappers"] == [audit_context_wrapper]
    (created,) = events("product", seen["product"].pk)
    assert (created.actor, created.via) == ("wrapped", "test")
