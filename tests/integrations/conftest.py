import pytest

from integrations.services import subscription_create


@pytest.fixture(autouse=True)
def private_urls_allowed(settings):
    """The test receivers listen on 127.0.0.1, which production refuses."""
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = True


def subscribe(url="http://127.0.0.1:9/hooks", events=("document.posted", "document.cancelled")):
    return subscription_create(url=url, events=list(events))
