"""Who is acting, and through what: the context every audit row is written with.

The audit trail (the `audit` app) reads it when a change is written; code that knows better than
the defaults says so with ``acting()`` (the CSV import says ``via="import"``). Inside a request
the actor is the authenticated user (or the OAuth2 client of a Bearer token) and ``via`` is
``admin`` or ``api`` by path; outside any request it is a management command.
"""

import contextlib
import contextvars
import sys
from dataclasses import dataclass

from wms.log import NO_REQUEST, current_request_id

VIA_API, VIA_ADMIN, VIA_IMPORT, VIA_COMMAND = "api", "admin", "import", "command"

request_var: contextvars.ContextVar = contextvars.ContextVar("audit_request", default=None)
_override: contextvars.ContextVar[dict | None] = contextvars.ContextVar(
    "audit_override", default=None
)


@dataclass(frozen=True)
class Context:
    actor: str
    via: str
    request_id: str

    def as_dict(self) -> dict:
        return {"actor": self.actor, "via": self.via, "request_id": self.request_id}


@contextlib.contextmanager
def acting(*, via: str | None = None, actor: str | None = None):
    """Within the block, changes are recorded as made through ``via`` by ``actor``."""
    given = {key: value for key, value in (("via", via), ("actor", actor)) if value is not None}
    token = _override.set({**(_override.get() or {}), **given})
    try:
        yield
    finally:
        _override.reset(token)


def current() -> Context:
    request = request_var.get()
    if request is not None:
        actor, via = request_actor(request), via_of_path(request.path)
    else:
        actor, via = _command_name(), VIA_COMMAND
    override = _override.get() or {}
    request_id = current_request_id()
    return Context(
        actor=override.get("actor", actor),
        via=override.get("via", via),
        request_id="" if request_id == NO_REQUEST else request_id,
    )


def via_of_path(path: str) -> str:
    return VIA_ADMIN if path.startswith("/admin/") else VIA_API


def request_actor(request) -> str:
    """The OAuth2 client id of a Bearer token, else the username ("" when anonymous).

    REST framework copies the user and credentials it authenticated onto the Django request.
    """
    application = getattr(getattr(request, "auth", None), "application", None)
    if application is not None:
        return application.client_id
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user.get_username()
    return ""


def _command_name() -> str:
    argv = sys.argv
    if len(argv) > 1 and argv[0].endswith("manage.py"):
        return f"manage.py {argv[1]}"
    return ""
