"""Webhook URLs: every spelling of an internal address is refused at creation and at delivery.

Loopback, private, link-local, shared and metadata ranges, IPv4 and IPv6; integers and octal
or hexadecimal spellings (the resolver reads 2130706433 and 0177.0.0.1 as 127.0.0.1); and IPv4
hidden in IPv6 (mapped, NAT64 64:ff9b::/96, 6to4 2002::/16, IPv4-compatible ::a.b.c.d, Teredo).
The check is made on the address the name resolves to, the one then connected to; redirects
are answers, never followed (tests/integrations/test_webhook_delivery.py has the redirect,
timeout and DNS rebinding tests with a real receiver).
"""

import pytest
from django.conf import settings as django_settings

from integrations.security import AddressNotAllowed, post
from tests.support.users import api_client, user_with

INTERNAL = [
    "http://127.0.0.1/",
    "http://127.1/",
    "http://2130706433/",
    "http://0177.0.0.1/",
    "http://0x7f.0.0.1/",
    "http://0/",
    "http://localhost/",
    "http://10.0.0.1/",
    "http://172.16.0.1/",
    "http://192.168.1.1/",
    "http://100.64.0.1/",
    "http://169.254.169.254/latest/meta-data/",
    "http://[::1]/",
    "http://[::]/",
    "http://[fe80::1]/",
    "http://[fd00::1]/",
    "http://[fd00:ec2::254]/",
    "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:169.254.169.254]/",
    "http://[64:ff9b::7f00:1]/",
    "http://[64:ff9b::a9fe:a9fe]/",
    "http://[64:ff9b:1::a00:1]/",
    "http://[2002:7f00:1::]/",
    "http://[2002:a9fe:a9fe::1]/",
    "http://[::127.0.0.1]/",
    "http://[::10.0.0.1]/",
    "http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/",
    "http://224.0.0.1/",
]


def test_private_destinations_are_refused_by_default():
    # The default of the setting (tests run with what .env and the environment give).
    assert django_settings.WEBHOOK_ALLOW_PRIVATE_URLS is False


@pytest.mark.django_db
@pytest.mark.parametrize("url", INTERNAL)
def test_refused_when_subscribing(url, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = False
    client = api_client(user_with(is_superuser=True))
    response = client.post("/api/v1/webhooks/", {"url": url, "events": ["document.posted"]})
    assert response.status_code == 400, url
    assert "url" in response.json()["errors"]


@pytest.mark.parametrize("url", INTERNAL)
def test_refused_at_delivery_before_connecting(url, settings):
    """A subscription saved before a rule existed, or edited in the database, still reaches
    nothing internal: the delivery checks again."""
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = False
    with pytest.raises(AddressNotAllowed):
        post(url, b"{}", {}, timeout=1)


@pytest.mark.parametrize(
    "address", ["http://[64:ff9b::808:808]/", "http://[2002:808:808::]/", "http://8.8.8.8/"]
)
def test_public_addresses_in_those_forms_pass_the_check(address, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = False
    from integrations.security import resolve

    host, port, connect_to = resolve(address)
    assert port == 80 and connect_to
