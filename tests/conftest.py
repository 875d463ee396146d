import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from documents.services import LineInput, document_create, document_post
from inventory.models import Inventory, Quant, WarehouseInventory
from tests.factories import PASSWORD, ProductFactory, UserFactory, WarehouseFactory
from wms.roles import CLERK, MANAGER, sync_roles

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")

postgres_only = pytest.mark.skipif(
    not ON_POSTGRES,
    reason="needs PostgreSQL (row locks, constraints, timeouts); set DATABASE_URL to run it",
)


def pytest_collection_modifyitems(items):
    for item in items:
        if item.get_closest_marker("postgres"):
            item.add_marker(postgres_only)


@pytest.fixture
def warehouse(db):
    return WarehouseFactory()


@pytest.fixture
def other_warehouse(db):
    return WarehouseFactory()


@pytest.fixture
def product(db):
    return ProductFactory()


def make_document(doc_type, warehouse, lines, destination=None, **kwargs):
    """A draft from [(product, quantity), ...]."""
    return document_create(
        doc_type=doc_type,
        warehouse_id=warehouse.pk,
        destination_warehouse_id=destination.pk if destination else None,
        lines=[LineInput(p.pk, q) for p, q in lines],
        **kwargs,
    )


def post(doc_type, warehouse, lines, destination=None, user=None):
    """Create and post a document; returns it posted."""
    document = make_document(doc_type, warehouse, lines, destination)
    return document_post(document_id=document.pk, user=user)


def post_lines(doc_type, warehouse, lines, origin=None):
    """Create and post a document of LineInput lines (a return names its shipment, origin)."""
    document = document_create(
        doc_type=doc_type,
        warehouse_id=warehouse.pk,
        lines=lines,
        origin_id=origin.pk if origin else None,
    )
    return document_post(document_id=document.pk)


def draft_return(shipment, lines, **kwargs):
    """A draft return of LineInput lines of a posted shipment."""
    return document_create(
        doc_type="return",
        warehouse_id=shipment.warehouse_id,
        origin_id=shipment.pk,
        lines=lines,
        **kwargs,
    )


def stock(warehouse, product) -> int:
    row = WarehouseInventory.objects.filter(warehouse=warehouse, product=product).first()
    return row.quantity if row else 0


def held(product) -> dict:
    """{(location path, lot code): quantity} of a product's quants that hold something."""
    return {
        (q.location.full_path, q.lot.code if q.lot else None): q.quantity
        for q in Quant.objects.filter(product=product, quantity__gt=0).select_related(
            "location__warehouse", "lot"
        )
    }


def total(product) -> int:
    row = Inventory.objects.filter(product=product).first()
    return row.quantity if row else 0


# --- API clients ----------------------------------------------------------------------------
@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Every test starts with empty rate-limit counters (they live in the default cache)."""
    cache.clear()


def user_with(*, groups=(), perms=(), **kwargs):
    """A user in the named groups and with the named permissions ("app_label.codename").

    Without a password unless given one: API users log in with tokens, and hashing is slow.
    """
    if groups:
        sync_roles(Group, Permission)  # a transactional test may have flushed the role groups
    user = UserFactory(**{"password": None, **kwargs})
    user.save(update_fields=["password"])  # the factory sets it after its own save
    user.groups.set(Group.objects.filter(name__in=groups))
    for perm in perms:
        app_label, codename = perm.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return user


def api_client(user=None) -> APIClient:
    """A client that authenticates as ``user`` with its API token (anonymous without one)."""
    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def staff_user(role: str):
    """A staff user in one of the role groups who can log in with PASSWORD (browser tests)."""
    return user_with(groups=[role], is_staff=True, password=PASSWORD)


@pytest.fixture
def clerk(db):
    return user_with(groups=[CLERK], is_staff=True)


@pytest.fixture
def manager(db):
    return user_with(groups=[MANAGER], is_staff=True)


@pytest.fixture
def clerk_api(clerk):
    return api_client(clerk)


@pytest.fixture
def manager_api(manager):
    return api_client(manager)


# --- staff clients for the admin ------------------------------------------------------------
@pytest.fixture
def clerk_client(client, clerk):
    client.force_login(clerk)
    return client


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client
