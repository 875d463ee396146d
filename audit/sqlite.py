"""The application-level fallback for databases without the audit triggers (SQLite).

Receivers on the audited models (audit.registry, matched by table) record create, update and
delete through the ORM, and the many-to-many tables through m2m_changed, with the same row shape
as the triggers write. A document's status change is recorded under its lifecycle verb.
"""

from django.apps import apps
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from audit.recorder import record
from audit.registry import BY_TABLE, LIFECYCLE_VERBS, SECRET_MARK

_BEFORE = "_audit_before"


def _values(instance) -> dict:
    return {
        field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields
    }


def _mask(entry, key, value):
    if key in entry.secrets and value not in (None, ""):
        return SECRET_MARK
    return None if value == "" and key in entry.secrets else value


def _changes(entry, before: dict, after: dict) -> dict:
    changes = {}
    for key in after or before:
        old, new = before.get(key), after.get(key)
        if old != new:
            changes[key] = [_mask(entry, key, old), _mask(entry, key, new)]
    return changes


def _on_pre_save(sender, instance, raw=False, **kwargs):
    if instance.pk is not None:
        found = sender._base_manager.filter(pk=instance.pk).first()
        setattr(instance, _BEFORE, _values(found) if found else {})


def _on_post_save(sender, instance, created, **kwargs):
    entry = BY_TABLE[sender._meta.db_table]
    before = {} if created else getattr(instance, _BEFORE, {})
    after = _values(instance)
    changes = _changes(entry, before, after)
    if not changes:
        return
    action = "create" if created else "update"
    if entry.model == "document" and "status" in changes:
        action = LIFECYCLE_VERBS.get(tuple(changes["status"]), action)
    record(action=action, model=entry.model, object_id=after[entry.object_column], changes=changes)


def _on_post_delete(sender, instance, **kwargs):
    entry = BY_TABLE[sender._meta.db_table]
    before = _values(instance)
    record(
        action="delete",
        model=entry.model,
        object_id=before[entry.object_column],
        changes=_changes(entry, before, {}),
    )


def _on_m2m_changed(sender, instance, action, pk_set, **kwargs):
    entry = BY_TABLE.get(sender._meta.db_table)
    if entry is None or action not in ("post_add", "post_remove", "pre_clear"):
        return
    columns = {f.related_model: f.attname for f in sender._meta.concrete_fields if f.is_relation}
    own = columns[type(instance)]
    (other,) = (column for column in columns.values() if column != own)
    if action == "pre_clear":
        pairs = list(sender.objects.filter(**{own: instance.pk}).values(own, other))
    else:
        pairs = [{own: instance.pk, other: pk} for pk in pk_set or ()]
    verb = "create" if action == "post_add" else "delete"
    described = other if entry.object_column == own else own
    for pair in pairs:
        value = pair[described]
        record(
            action=verb,
            model=entry.model,
            object_id=pair[entry.object_column],
            changes={described: [None, value] if verb == "create" else [value, None]},
        )


def connect() -> None:
    for model in apps.get_models(include_auto_created=True):
        table = model._meta.db_table
        if table not in BY_TABLE:
            continue
        if model._meta.auto_created:
            m2m_changed.connect(_on_m2m_changed, sender=model, dispatch_uid=f"audit-m2m-{table}")
            continue
        uid = f"audit-{table}"
        pre_save.connect(_on_pre_save, sender=model, dispatch_uid=uid)
        post_save.connect(_on_post_save, sender=model, dispatch_uid=uid)
        post_delete.connect(_on_post_delete, sender=model, dispatch_uid=uid)
