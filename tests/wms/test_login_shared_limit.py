"""The admin's login and the browsable API's share one limit per address and per username."""

import uuid

import pytest
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory
from tests.ratelimit_windows import wait_for_a_fresh_window
from tests.wms.test_admin_login_ratelimit import fresh_ip

pytestmark = pytest.mark.django_db

ADMIN_LOGIN = reverse("admin:login")
API_LOGIN = reverse("rest_framework:login")


@pytest.fixture(autouse=True)
def three_a_minute(settings):
    settings.ADMIN_LOGIN_RATE = "3/m"


@pytest.fixture
def staff(db):
    user = UserFactory(username=f"staff-{uuid.uuid4()}", is_staff=True)
    user.save()
    return user


def attempt(client, url, username, password="wrong", ip=None):
    return client.post(
        url, {"username": username, "password": password}, REMOTE_ADDR=ip or fresh_ip()
    )


def test_a_user_locked_out_of_the_admin_cannot_log_in_through_the_api(client, staff):
    wait_for_a_fresh_window(staff.username)
    for _ in range(3):
        assert attempt(client, ADMIN_LOGIN, staff.username).status_code == 200

    response = attempt(client, API_LOGIN, staff.username, password=PASSWORD)

    assert response.status_code == 429
    assert "Too many login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302  # to the login page


def test_guesses_through_the_api_count_against_the_admin(client, staff):
    wait_for_a_fresh_window(staff.username)
    for _ in range(3):
        assert attempt(client, API_LOGIN, staff.username).status_code == 200
    assert attempt(client, ADMIN_LOGIN, staff.username, password=PASSWORD).status_code == 429


def test_one_address_is_limited_across_both_logins(client):
    ip = fresh_ip()
    wait_for_a_fresh_window(ip)
    for url in (ADMIN_LOGIN, API_LOGIN, ADMIN_LOGIN):
        assert attempt(client, url, f"nobody-{uuid.uuid4()}", ip=ip).status_code == 200
    assert attempt(client, API_LOGIN, f"nobody-{uuid.uuid4()}", ip=ip).status_code == 429


def test_the_api_login_still_logs_in_under_the_limit(client, staff):
    response = attempt(client, API_LOGIN, staff.username, password=PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(staff.pk)
