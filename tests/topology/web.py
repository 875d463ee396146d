"""HTTP from a chosen loopback source address, and an admin login, for the topology suite."""

import http.client
import re
from urllib.parse import urlencode, urlsplit


def call(base, method, path, *, source="127.0.0.1", headers=None, body=None, timeout=40):
    """(status, headers, text) from ``source``; status None when there was no answer."""
    where = urlsplit(base)
    connection = http.client.HTTPConnection(
        where.hostname, where.port, timeout=timeout, source_address=(source, 0)
    )
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read().decode(errors="replace")
    except (OSError, http.client.HTTPException):
        return None, {}, ""
    finally:
        connection.close()


def admin_login(base: str, username: str, password: str, https: bool = False) -> str:
    """Log in to the admin; the session's cookies ("csrftoken=...; sessionid=...")."""
    status, headers, text = call(base, "GET", "/admin/login/")
    assert status == 200
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text).group(1)
    cookie = headers["Set-Cookie"].split(";")[0]
    form = urlencode({"username": username, "password": password, "csrfmiddlewaretoken": csrf})
    scheme = "https" if https else "http"
    status, headers, _ = call(
        base,
        "POST",
        "/admin/login/?next=/admin/",
        body=form,
        headers={
            "Cookie": cookie,
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"{scheme}://{urlsplit(base).netloc}/admin/login/",
        },
    )
    assert status == 302, status
    jar = dict(
        c.split(";")[0].split("=", 1) for c in [cookie, *headers.get_all("Set-Cookie")]
    )  # the login's new csrftoken replaces the old one
    return "; ".join(f"{name}={value}" for name, value in jar.items())


def cookie_value(cookies: str, name: str) -> str:
    return dict(c.split("=", 1) for c in cookies.split("; "))[name]
