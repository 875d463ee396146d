"""A backup that has been restored: dump the live database, restore it into a scratch database,
and prove the copy is whole (docs/operations.md, "Backups and restore")."""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote, urlencode

import psycopg
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from psycopg import conninfo, sql

URL_PARTS = {"dbname", "user", "password", "host", "port", "connect_timeout"}
# Its status may move on (a draft posted) before the dump's snapshot: id and number identify it.
NEWEST_DOCUMENT = "SELECT id, number FROM documents ORDER BY id DESC LIMIT 1"


def libpq_params(params: dict, dbname: str | None = None) -> dict:
    """Django's connection parameters as libpq keywords (for pg_dump, pg_restore, psycopg)."""
    keep = {k: v for k, v in params.items() if isinstance(v, str | int) and v != ""}
    for unused in ("prepare_threshold", "options", "client_encoding"):
        keep.pop(unused, None)
    if dbname:
        keep["dbname"] = dbname
    return keep


class Command(BaseCommand):
    help = (
        "Back up the database with pg_dump (custom format, safe while postings run: one "
        "snapshot), restore the dump into a scratch database on the same server, and verify the "
        "copy: verify_schema, reconcile_stock, and the newest document committed before the dump "
        "began present as it was. Drops the scratch database after (--keep to look at it). "
        "Exits 1 if any step fails."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scratch-db", help="Default: <database>_drill.")
        parser.add_argument("--dump-file", help="Keep the dump here (default: a temporary file).")
        parser.add_argument("--jobs", type=int, default=2, help="pg_restore's parallel jobs.")
        parser.add_argument("--keep", action="store_true", help="Keep the scratch database.")

    def handle(self, *args, scratch_db, dump_file, jobs, keep, **options):
        if connection.vendor != "postgresql":
            raise CommandError("The backup drill needs PostgreSQL (pg_dump and pg_restore).")
        for program in ("pg_dump", "pg_restore"):
            if shutil.which(program) is None:
                raise CommandError(f"{program} is not on PATH (apt-get install postgresql-client)")
        params = libpq_params(connection.get_connection_params())
        scratch = scratch_db or f"{params['dbname']}_drill"
        if scratch == params["dbname"]:
            raise CommandError("The scratch database must not be the live one.")
        with connection.cursor() as cursor:
            cursor.execute(NEWEST_DOCUMENT)
            newest = cursor.fetchone()
        workdir = Path(tempfile.mkdtemp(prefix="wms-backup-drill-"))
        dump = Path(dump_file) if dump_file else workdir / "wms.dump"
        try:
            self._dump(params, dump)
            self._restore(params, scratch, dump, jobs)
            self._verify(params, scratch, newest)
        finally:
            if not keep:
                self._drop(params, scratch)
            shutil.rmtree(workdir, ignore_errors=True)
        self.stdout.write(self.style.SUCCESS(f"Backup drill OK: {dump.name} restores whole."))

    def _run(self, step: str, command: list[str], env=None, timeout=3600) -> str:
        result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=timeout)
        if result.returncode != 0:
            raise CommandError(f"{step} failed: {(result.stderr or result.stdout).strip()[-2000:]}")
        return result.stdout

    def _dump(self, params: dict, dump: Path) -> None:
        target = conninfo.make_conninfo(**params)
        self._run("pg_dump", ["pg_dump", "--format=custom", "--no-owner", "-f", str(dump), target])
        self.stdout.write(f"dumped {params['dbname']} to {dump} ({dump.stat().st_size} bytes)")

    def _admin(self, params: dict):
        return psycopg.connect(**libpq_params(params, "postgres"), autocommit=True)

    def _restore(self, params: dict, scratch: str, dump: Path, jobs: int) -> None:
        with self._admin(params) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(scratch)))
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(scratch)))
        target = conninfo.make_conninfo(**libpq_params(params, scratch))
        self._run(
            "pg_restore",
            ["pg_restore", "--no-owner", "--exit-on-error", f"--jobs={jobs}", "-d", target]
            + [str(dump)],
        )
        self.stdout.write(f"restored into {scratch}")

    def _verify(self, params: dict, scratch: str, newest) -> None:
        env = {**os.environ, "DATABASE_URL": self._url(params, scratch), "DB_POOL_SIZE": "0"}
        env.pop("DATABASE_REPLICA_URL", None)
        manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
        for command in ("verify_schema", "reconcile_stock"):
            out = self._run(command, [*manage, command], env=env)
            self.stdout.write(f"{command}: {out.strip().splitlines()[-1] if out.strip() else 'OK'}")
        if newest is None:
            self.stdout.write("no documents yet: nothing newest to look for")
            return
        with psycopg.connect(**libpq_params(params, scratch)) as copy:
            found = copy.execute(
                "SELECT id, number, status FROM documents WHERE id = %s", (newest[0],)
            ).fetchone()
        if found is None or tuple(found[:2]) != tuple(newest):
            raise CommandError(f"The newest document before the dump, {newest}, is not in it.")
        self.stdout.write(f"newest document before the dump present: {newest[1]} ({found[2]})")

    @staticmethod
    def _url(params: dict, dbname: str) -> str:
        """DATABASE_URL for the scratch database (the live one's server, user and TLS)."""
        rest = {k: v for k, v in params.items() if k not in URL_PARTS}
        password = f":{quote(params['password'], safe='')}" if params.get("password") else ""
        user = quote(params.get("user", ""), safe="")
        where = f"{params.get('host', '')}:{params.get('port', 5432)}"
        return f"postgres://{user}{password}@{where}/{quote(dbname)}?{urlencode(rest)}"

    def _drop(self, params: dict, scratch: str) -> None:
        with self._admin(params) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(scratch))
            )
