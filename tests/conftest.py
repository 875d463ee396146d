import pytest
from django.conf import settings

from documents.services import LineInput, document_create, document_post
from inventory.models import Inventory, WarehouseInventory
from tests.factories import ProductFactory, WarehouseFactory

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


def stock(warehouse, product) -> int:
    row = WarehouseInventory.objects.filter(warehouse=warehouse, product=product).first()
    return row.quantity if row else 0


def total(product) -> int:
    row = Inventory.objects.filter(product=product).first()
    return row.quantity if row else 0


# --- staff users for the admin --------------------------------------------------------------


def staff_user(role: str):
    """A staff user in one of the role groups (made again if a transactional test flushed it)."""
    from django.contrib.auth.models import Group, Permission

    from documents.roles import sync_roles
    from tests.factories import UserFactory

    sync_roles(Group, Permission)
    user = UserFactory(is_staff=True)
    user.save()  # the factory sets the password after saving
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def clerk(db):
    from documents.roles import CLERK

    return staff_user(CLERK)


@pytest.fixture
def manager(db):
    from documents.roles import MANAGER

    return staff_user(MANAGER)


@pytest.fixture
def clerk_client(client, clerk):
    client.force_login(clerk)
    return client


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client
