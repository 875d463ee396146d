"""Walking the back office with forged input: every URL of the admin site, its lists' filters,
its actions and its forms, each answered without a 500 and without a change in the database.

The URLs come from the admin site's own resolver and the screens from its registry, so a screen
added later is walked without anyone listing it here.
"""

from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

from django import forms
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import models, transaction
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver

HUGE = str(10**30)
# Ids as a tampered form or URL sends them: not a number, too big for any column, negative,
# with a NUL byte (PostgreSQL refuses it in text, SQLite does not), a digit int() refuses.
FORGED_IDS = ("abc", HUGE, "-1", "1\x00", "²")
# Values for list filters and form fields: an unknown choice, a NUL, a huge number.
FORGED_VALUES = ("zzz", "a\x00b", HUGE, "²")
ROUTE_PARAM_VALUES = {"path": FORGED_IDS, "str": ("zzz", "\x00", "a b"), "int": ("0", HUGE)}

# Django's own views of every ModelAdmin: walked with forged ids and bodies generically.
STANDARD_VIEWS = {"changelist", "add", "change", "delete", "history", None}
SITE_VIEWS = {"index", "login", "logout", "password_change", "password_change_done", "jsi18n"}


@dataclass
class Walk:
    """Requests made and the ones answered badly: a 500, or a change in the database."""

    client: object
    seen: set[str] = field(default_factory=set)
    failures: list[str] = field(default_factory=list)

    @contextmanager
    def group(self, label: str):
        """Requests whose changes are looked for together (one snapshot before, one after),
        then undone so the next group starts from the same data."""
        before = snapshot()
        sid = transaction.savepoint()
        try:
            yield
            changed = sorted(name for name, rows in snapshot().items() if rows != before[name])
            if changed:
                self.failures.append(f"{label}: changed {changed}")
        finally:
            transaction.savepoint_rollback(sid)

    def send(self, method: str, url: str, data=None, name: str = "", **extra):
        self.seen.add(name)
        sid = transaction.savepoint()
        try:
            response = getattr(self.client, method)(url, data if data is not None else {}, **extra)
        except Exception as exc:  # noqa: BLE001 - every escape is what this walk looks for
            response, problem = None, f"raised {exc!r}"
        else:
            problem = str(response.status_code) if response.status_code >= 500 else ""
        if problem:
            # A failed statement aborts PostgreSQL's transaction: back to before the request.
            transaction.savepoint_rollback(sid)
            self.failures.append(f"{method.upper()} {url!r} {_short(data)}: {problem}")
        else:
            transaction.savepoint_commit(sid)
        return response

    def assert_clean(self):
        assert not self.failures, f"{len(self.failures)} answered badly:\n" + "\n".join(
            self.failures
        )


def _short(data) -> str:
    text = repr(data) if data else ""
    return text if len(text) < 160 else text[:157] + "..."


def snapshot() -> dict[str, list]:
    """Every row of every table, but sessions (a login writes them) and the audit trail's
    refusals (a 403 is recorded, on purpose)."""
    rows = {}
    for model in apps.get_models():
        label = model._meta.label
        if label == "sessions.Session" or not model._meta.managed:
            continue
        queryset = model._default_manager.order_by("pk")
        if label == "audit.AuditEvent":
            queryset = queryset.exclude(model="request")
        rows[label] = list(queryset.values_list())
    return rows


def admin_routes(site=admin.site):
    """(route with <converter:name> placeholders, url name) of every URL of the site."""

    def walk(patterns, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern), pattern.name

    yield from walk(site.get_urls(), "/admin/")


def forged_urls(route: str):
    """The route with each of its parameters replaced by forged values, one at a time."""
    import re

    params = re.findall(r"<(?:(\w+):)?(\w+)>", route)
    if not params:
        return
    for converter, name in params:
        for value in ROUTE_PARAM_VALUES.get(converter or "str", ROUTE_PARAM_VALUES["str"]):
            url = route
            for other_converter, other in params:
                token = f"<{other_converter}:{other}>" if other_converter else f"<{other}>"
                url = url.replace(token, quote(value, safe="") if other == name else "1")
            yield url


def list_filter_params(model_admin, request) -> list[str]:
    """The query parameters the changelist's filters and date hierarchy read."""
    names = ["q", "o", "p", "all", "_to_field", "_popup", "e"]
    for spec in model_admin.get_list_filter(request):
        if isinstance(spec, str):
            names += [spec, f"{spec}__exact", f"{spec}__id__exact", f"{spec}__isnull"]
            names += [f"{spec}__gte", f"{spec}__lt", f"{spec}__in"]
        elif isinstance(spec, tuple | list):
            names += [spec[0], f"{spec[0]}__exact", f"{spec[0]}__id__exact"]
        elif hasattr(spec, "parameter_name"):
            names.append(spec.parameter_name)
    hierarchy = (
        model_admin.get_date_hierarchy(request)
        if hasattr(model_admin, "get_date_hierarchy")
        else model_admin.date_hierarchy
    )
    if hierarchy:
        names += [f"{hierarchy}__{part}" for part in ("year", "month", "day")]
    names += ["status", "warehouse__id__exact", "id__exact", "pk"]
    return names


def changelist_queries(model_admin, request):
    for name in list_filter_params(model_admin, request):
        for value in FORGED_VALUES:
            yield urlencode({name: value})
    yield urlencode({"o": "999"})
    yield urlencode({"o": "1.-2.abc"})
    yield urlencode({"q": "\x00", "o": "-999"})


def forged_selection(model_admin, request):
    """An action POST for every action the user has, with forged selected ids."""
    actions = list(model_admin.get_actions(request)) + ["zzz", "\x00"]
    for action in actions:
        yield {
            "action": action,
            "index": "0",
            ACTION_CHECKBOX_NAME: list(FORGED_IDS),
            "reason": "\x00",
        }
    # A real action over no selection and over the whole (forged) "select across".
    yield {"action": actions[0], "index": "zzz", "select_across": "\x00"}


def request_as(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


# Text no field takes: longer than any column's max_length (and a date, number or choice it
# is not). With a NUL instead, the whole request is refused before any form sees it.
LONG_TEXT = "z" * 5000
# (id and number fields, text fields) of each forged round of a form.
FORM_ROUNDS = ((HUGE, LONG_TEXT), ("-" + HUGE, LONG_TEXT), ("²", LONG_TEXT), ("1\x00", "\x00"))


def form_values(fields: dict, number: str, text: str, prefix: str = "") -> dict:
    """Every field of a form forged: ids, numbers and choices get ``number`` (unknown to any
    choice), everything else ``text``; each round must leave every form invalid."""
    data = {}
    for name, form_field in fields.items():
        numeric = isinstance(
            form_field, forms.ChoiceField | forms.IntegerField | forms.DecimalField
        ) or isinstance(getattr(form_field, "queryset", None), models.QuerySet)
        many = isinstance(form_field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField)
        value = number if numeric else text
        data[f"{prefix}{name}"] = [value] if many else value
    return data
