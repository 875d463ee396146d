"""The suite's fixtures. Plain helpers live in tests/support/."""

import os

import pytest
from django.conf import settings
from django.db.backends.signals import connection_created

from tests.factories import ProductFactory, WarehouseFactory
from tests.support.cache import clear_rate_limits
from tests.support.database import ON_POSTGRES, install_flush_truncate, postgres_only
from tests.support.users import api_client, user_with
from wms.roles import CLERK, MANAGER

connection_created.connect(install_flush_truncate, dispatch_uid="tests-flush-truncate")


def pytest_collection_modifyitems(items):
    for item in items:
        if item.get_closest_marker("postgres"):
            item.add_marker(postgres_only)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """A test database of this run's own on PostgreSQL (test_<name>_<pid>): two runs on one
    machine with the same DATABASE_URL would otherwise create, use and drop the same one."""
    if ON_POSTGRES:
        database = settings.DATABASES["default"]
        test = database.setdefault("TEST", {})
        test["NAME"] = f"{test.get('NAME') or 'test_' + database['NAME']}_{os.getpid()}"


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
    """Every test starts with empty rate-limit counters."""
    clear_rate_limits()


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
