from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Audit trail"

    def ready(self):
        from audit import connection, security_events, sqlite
        from audit.partitions import AUDIT_EVENTS
        from wms.partitions import register

        register(AUDIT_EVENTS)

        connection_created.connect(connection.install, dispatch_uid="audit-context")
        post_migrate.connect(_install_triggers, sender=self, dispatch_uid="audit-triggers")
        security_events.connect()
        from django.contrib import admin

        from audit.admin import attach_history

        attach_history(admin.site)
        # The fallback records through the ORM where the database has no audit triggers.
        from django.db import connection as default

        if default.vendor != "postgresql":
            sqlite.connect()


def _install_triggers(sender, using="default", **kwargs):
    """After every migrate, so that a table created or renamed by any app is audited, and the
    trail's current and next months have their partitions. (The Auditor group, whose members
    read the trail, is a role: audit/roles.py.)"""
    from django.db import connections
    from django.utils import timezone

    from audit import postgres
    from audit.partitions import AUDIT_EVENTS

    target = connections[using]
    if target.vendor == "postgresql":
        postgres.install(target)
        with target.cursor() as cursor:
            if AUDIT_EVENTS.is_partitioned(cursor):
                AUDIT_EVENTS.ensure_months(cursor, timezone.now().date(), 2)
