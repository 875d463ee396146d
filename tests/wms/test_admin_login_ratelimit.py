import uuid

import pytest
from django.urls import reverse

from tests.factories import UserFactory
from tests.ratelimit_windows import wait_for_a_fresh_window

pytestmark = pytest.mark.django_db

LOGIN_URL = reverse("admin:login")
MESSAGE = "Too many login attempts. Please wait"


@pytest.fixture(autouse=True)
def three_a_minute(settings):
    settings.ADMIN_LOGIN_RATE = "3/m"


def fresh_ip() -> str:
    # Counters outlive a test in a shared cache: each test guesses from its own address.
    return f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"


def attempt(client, username, password="wrong", ip=None):
    return client.post(
        LOGIN_URL,
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=ip or fresh_ip(),
    )


def test_guessing_from_one_address_is_stopped_with_a_readable_message(client):
    ip = fresh_ip()
    wait_for_a_fresh_window(ip)
    for _ in range(3):
        response = attempt(client, f"nobody-{uuid.uuid4()}", ip=ip)
        assert response.status_code == 200
        assert "Please enter the correct username and password" in response.content.decode()

    response = attempt(client, f"nobody-{uuid.uuid4()}", ip=ip)

    assert response.status_code == 429
    assert MESSAGE in response.content.decode()
    assert 'name="username"' in response.content.decode()  # the login page, not an error page


def test_guessing_one_username_from_many_addresses_is_stopped(client):
    username = f"target-{uuid.uuid4()}"
    wait_for_a_fresh_window(username)
    for _ in range(3):
        assert attempt(client, username).status_code == 200
    assert attempt(client, username).status_code == 429


def test_a_refused_attempt_does_not_log_in_even_with_the_right_password(client):
    user = UserFactory(username=f"staff-{uuid.uuid4()}", is_staff=True)
    user.save()
    wait_for_a_fresh_window(user.username)
    for _ in range(3):
        attempt(client, user.username)

    response = attempt(client, user.username, password="pw-for-tests-only")

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_staff_user_logs_in_under_the_limit(client):
    user = UserFactory(username=f"staff-{uuid.uuid4()}", is_staff=True)
    user.save()
    response = attempt(client, user.username, password="pw-for-tests-only")
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_looking_at_the_login_page_is_not_counted(client):
    ip = fresh_ip()
    for _ in range(5):
        assert client.get(LOGIN_URL, REMOTE_ADDR=ip).status_code == 200
    assert attempt(client, f"nobody-{uuid.uuid4()}", ip=ip).status_code == 200
