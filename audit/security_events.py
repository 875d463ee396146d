"""Security events: in the audit trail and as one structured log line each (logger wms.security).

Logins (success, failure, lockout), 401/403 answers, rate-limit refusals, and the creation and
revocation of API tokens and OAuth2 clients and tokens, group and permission changes. The
changes themselves are in the trail already (triggers, or audit.sqlite); here they also become
log lines a SIEM can ingest. With LOG_FORMAT=json each line carries an ``event`` object.
"""

import logging

from django.apps import apps
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.cache import cache
from django.db import DatabaseError
from django.db.models.signals import m2m_changed, post_delete, post_save

from audit.recorder import record
from wms import audit_context
from wms.ratelimit import client_ip
from wms.signals import security_event

logger = logging.getLogger("wms.security")

# Rate-limit refusals of one client are recorded once per this many seconds.
RATE_WINDOW_SECONDS = 60

# Models whose creation and deletion are security events: label -> the name the trail uses.
WATCHED = {
    "wms.ApiToken": "token",
    "oauth2_provider.Application": "application",
    "oauth2_provider.AccessToken": "accesstoken",
    "auth.Group": "group",
}


def log_event(action: str, **fields) -> None:
    context = audit_context.current()
    event = {"action": action, "actor": context.actor, "via": context.via, **fields}
    text = " ".join(f"{key}={value}" for key, value in event.items() if key != "action")
    logger.info("security event %s: %s", action, text, extra={"event": event})


def _record_refusal(action: str, request, details: dict, *, model="request", object_id=""):
    ip = client_ip(request) if request is not None else ""
    path = getattr(request, "path", "")
    log_event(action, ip=ip, path=path, **details)
    try:
        record(
            action=action,
            model=model,
            object_id=object_id or path[:255],
            changes={"ip": ip, "path": path, **details},
        )
    except DatabaseError:
        logger.exception("could not write the audit row of security event %s", action)


def _on_security_event(sender, action, request, details, **kwargs):
    if action == "rate_limited" and not _first_in_window(request):
        return  # a flood is one event a minute per client, not a row per refused request
    if action == "login_locked":
        _record_refusal(action, request, details, model="user", object_id=details["username"])
    else:
        _record_refusal(action, request, details)


def _first_in_window(request) -> bool:
    return cache.add(f"audit:rate_limited:{client_ip(request)}", 1, timeout=RATE_WINDOW_SECONDS)


def _on_login(sender, request, user, **kwargs):
    _record_refusal(
        "login", request, {"username": user.get_username()}, model="user", object_id=str(user.pk)
    )


def _on_login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    _record_refusal(
        "login_failed", request, {"username": username}, model="user", object_id=username
    )


def _on_saved(sender, instance, created, **kwargs):
    if created:
        log_event("create", model=WATCHED[sender._meta.label], object_id=_identify(instance))


def _on_deleted(sender, instance, **kwargs):
    log_event("delete", model=WATCHED[sender._meta.label], object_id=_identify(instance))


def _identify(instance) -> str:
    # A user has one API token: the trail names it by its user.
    return str(instance.user_id if instance._meta.label == "wms.ApiToken" else instance.pk)


def _on_m2m(sender, instance, action, pk_set, model, **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        log_event(
            f"{sender._meta.db_table}.{action[5:]}",
            object_id=instance.pk,
            related=model._meta.model_name,
            related_ids=sorted(pk_set or ()),
        )


def connect() -> None:
    security_event.connect(_on_security_event, dispatch_uid="audit-security-event")
    user_logged_in.connect(_on_login, dispatch_uid="audit-login")
    user_login_failed.connect(_on_login_failed, dispatch_uid="audit-login-failed")
    for label in WATCHED:
        model = apps.get_model(label)
        post_save.connect(_on_saved, sender=model, dispatch_uid=f"audit-log-{label}")
        post_delete.connect(_on_deleted, sender=model, dispatch_uid=f"audit-log-{label}")
    User = apps.get_model("auth.User")
    Group = apps.get_model("auth.Group")
    for through in (User.groups.through, User.user_permissions.through, Group.permissions.through):
        m2m_changed.connect(
            _on_m2m, sender=through, dispatch_uid=f"audit-log-{through._meta.db_table}"
        )
