"""The suite's fixtures. Plain helpers live in tests/support/."""

import pytest
from django.core.cache import cache

from tests.factories import ProductFactory, WarehouseFactory
from tests.support.database import postgres_only
from tests.support.users import api_client, user_with
from wms.roles import CLERK, MANAGER


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


# --- API clients ----------------------------------------------------------------------------
@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Every test starts with empty rate-limit counters (they live in the default cache)."""
    cache.clear()


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
