import os
from time import perf_counter

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connections

from wms.backends.postgresql.base import limited_wait
from wms.partitions import registered


class Command(BaseCommand):
    help = (
        "Connect to each configured database, run SELECT 1, and print the pool and timeout "
        "settings in force (statement_timeout as the server reports it) and the connection "
        "budget against the server's max_connections. Exits 1 if a database cannot be reached."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--timeout",
            type=float,
            default=settings.HEALTH_CHECK_TIMEOUT * 5,
            help="Seconds to wait for a connection (default: 5 × HEALTH_CHECK_TIMEOUT).",
        )

    def handle(self, *args, timeout: float, **options):
        failed = [alias for alias in settings.DATABASES if not self._check(alias, timeout)]
        if failed:
            raise CommandError(f"Database check failed for: {', '.join(failed)}", returncode=1)
        self.stdout.write(self.style.SUCCESS("Database connection OK."))

    def _check(self, alias: str, timeout: float) -> bool:
        connection = connections[alias]
        out = self.stdout.write
        where = connection.settings_dict.get("HOST") or connection.settings_dict["NAME"]
        out(f"[{alias}] {connection.vendor} at {where}")
        started = perf_counter()
        try:
            with limited_wait(connection, timeout), connection.cursor() as cursor:
                cursor.execute("SELECT 1")
                cursor.fetchone()
                out(f"  SELECT 1 in {(perf_counter() - started) * 1000:.0f} ms")
                if connection.vendor == "postgresql":
                    self._postgres_details(cursor, connection)
        except DatabaseError as exc:
            self.stderr.write(f"  UNREACHABLE: {str(exc).strip()}")
            self._explain_tls(str(exc), connection.settings_dict.get("OPTIONS", {}))
            return False
        return True

    def _default_partitions(self, cursor):
        for table in registered():
            rows = table.default_rows(cursor)
            if rows:
                self.stderr.write(
                    f"  WARNING: {table.default} holds {rows} {table.table} row(s) outside every "
                    "month partition; run `manage.py ledger_partitions` and see "
                    "docs/operations.md."
                )

    def _explain_tls(self, error: str, options: dict) -> None:
        """A refused server certificate is a configuration problem, not an outage: say so."""
        lowered = error.lower()
        if "does not match host name" in lowered:
            why = (
                "the server's certificate is not for the host name in DATABASE_URL: connect by "
                "the name the certificate was issued for (hostaddr= may give the address)"
            )
        elif "certificate verify failed" in lowered or "root certificate file" in lowered:
            why = (
                "the server's certificate is not signed by the CA in DB_SSLROOTCERT "
                f"({options.get('sslrootcert', 'unset')})"
            )
        else:
            return
        self.stderr.write(
            f"  REFUSED: TLS (sslmode={options.get('sslmode', 'prefer')}): {why}. "
            "Not starting against a server whose identity cannot be verified."
        )

    def _postgres_details(self, cursor, connection):
        out = self.stdout.write
        for setting in ("statement_timeout", "lock_timeout"):
            cursor.execute(f"SHOW {setting}")
            out(f"  {setting} = {cursor.fetchone()[0]}")
        params = connection.connection.info.get_parameters()
        out(f"  connect_timeout = {params.get('connect_timeout', 'unset')} s")
        out(f"  sslmode = {params.get('sslmode', 'default (prefer)')}")
        cursor.execute("SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
        row = cursor.fetchone()
        out(f"  TLS in use: {f'yes, {row[1]}' if row and row[0] else 'no'}")
        self._default_partitions(cursor)
        cursor.execute("SHOW max_connections")
        max_connections = int(cursor.fetchone()[0])
        out(f"  server max_connections = {max_connections}")
        pool = connection.pool
        if pool is None:
            out("  pool: off (a connection per request)")
            return
        out(
            f"  pool per process: min_size={pool.min_size} max_size={pool.max_size} "
            f"timeout={pool.timeout:g} s max_lifetime={pool.max_lifetime:g} s"
        )
        workers = int(os.environ.get("WEB_CONCURRENCY") or (2 * (os.cpu_count() or 1) + 1))
        budget = workers * pool.max_size
        out(f"  this instance: {workers} workers x {pool.max_size} = up to {budget} connections")
        if budget >= max_connections:
            self.stderr.write(
                f"  WARNING: {budget} connections from one instance reach max_connections "
                f"({max_connections}); lower DB_POOL_SIZE/DB_MAX_OVERFLOW (docs/operations.md)."
            )
