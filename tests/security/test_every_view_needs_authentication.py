"""Every route refuses an anonymous request, except the documented public ones.

The URL resolver is walked, so a view added later without authentication fails here; each
route is asked with GET and POST, its parameters filled with an existing-looking id.
"""

import re

import pytest
from django.urls import URLResolver, get_resolver

# docs/security.md lists these and why each is public.
PUBLIC = {
    "health",  # probes
    "healthz",
    "admin/login/",  # the way in
    "admin/logout/",
    "api/auth/login/",
    "api/auth/logout/",
    "api/",  # a redirect to the API root, which itself refuses
    "api/schema/",  # the OpenAPI description and its viewer: public by design (docs/api.md)
    "api/docs/",
    "o/token/",  # OAuth2: the client authenticates with its own credentials (401 without)
    "o/revoke_token/",
    "o/introspect/",
}


def routes(patterns=None, prefix=""):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from routes(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern)


def concrete(route: str) -> str:
    url = re.sub(r"<[^>]+>", "1", route)
    url = re.sub(r"\^\(\?P<app_label>([a-z_]+)\|[^)]*\)\$", r"\1/", url)
    url = url.replace("^", "").replace("$", "")
    return "/" + url


def refused(response) -> bool:
    if response.status_code in (401, 403):
        return True
    location = response.get("Location", "")
    return response.status_code == 302 and "/login/" in location


# A client from outside: the metrics endpoint trusts some internal addresses by design.
OUTSIDE = {"REMOTE_ADDR": "203.0.113.9"}


@pytest.mark.django_db
def test_every_non_public_route_refuses_anonymous(client, settings):
    settings.RATE_LIMIT_PER_MINUTE = 0  # a 429 would hide whether the view checks anything
    open_routes = []
    walked = 0
    for route in routes():
        if route in PUBLIC or route.startswith("^api/"):
            continue
        url = concrete(route)
        walked += 1
        for method in ("get", "post"):
            # A JSON body: the API answers other media types with a 415 before anything else.
            response = (
                getattr(client, method)(url, **OUTSIDE)
                if method == "get"
                else (client.post(url, "{}", content_type="application/json", **OUTSIDE))
            )
            # A method the view does not serve does nothing; its GET was asked above.
            if not refused(response) and not (method == "post" and response.status_code == 405):
                open_routes.append((method.upper(), url, response.status_code))
    assert walked > 60
    assert open_routes == [], "\n".join(map(str, open_routes))


@pytest.mark.django_db
def test_the_public_routes_are_still_there(client):
    """The allowlist names real routes (a renamed one must not leave a stale exemption)."""
    assert PUBLIC <= set(routes())


@pytest.mark.django_db
def test_unknown_api_paths_do_not_reveal_anything(client):
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code in (401, 404)
    assert response["Content-Type"].startswith("application/json")
