from django.core.management.base import BaseCommand
from django.db import connection

from audit import postgres


class Command(BaseCommand):
    help = (
        "(Re)create the audit triggers on every audited table (PostgreSQL). migrate does it "
        "too; run it after restoring a dump made without triggers."
    )

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            self.stdout.write("SQLite: changes are recorded by the application; no triggers.")
            return
        tables = postgres.install(connection)
        self.stdout.write(f"audit triggers on {len(tables)} tables: {', '.join(tables)}")
