"""A PostgreSQL cluster of the chaos suite's own: made with initdb in a temporary directory,
on its own port, stopped, restarted, frozen and removed by the suite, never the shared one."""

import glob
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg


def free_port() -> int:
    """A loopback port nothing listens on now (the OS's choice), so two runs never share one."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# CHAOS_PG_PORT pins the cluster's port; unset, each run takes a free one.
PORT = int(os.environ["CHAOS_PG_PORT"]) if os.environ.get("CHAOS_PG_PORT") else None


def bindir() -> Path | None:
    """The server binaries: pg_config's, or the newest under /usr/lib/postgresql (Debian)."""
    candidates = []
    if shutil.which("pg_config"):
        out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True).stdout
        candidates.append(out.strip())
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    for candidate in candidates:
        if candidate and (Path(candidate) / "initdb").exists():
            return Path(candidate)
    return None


class Cluster:
    def __init__(self, port: int | None = PORT):
        self.port = port or free_port()
        self.bin = bindir()
        self.root = Path(tempfile.mkdtemp(prefix="wms-chaos-pg-"))
        self.host = "127.0.0.1"
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        # PostgreSQL refuses to run as root: then the cluster belongs to the postgres user.
        self._as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self._as:
            shutil.chown(self.root, "postgres", "postgres")

    def _run(self, *args: str, timeout: float = 60) -> None:
        subprocess.run(
            [*self._as, str(self.bin / args[0]), *args[1:]],
            check=True,
            capture_output=True,
            timeout=timeout,
        )

    def create(self, conf: str = "", hba: str = "") -> "Cluster":
        """initdb and start; ``conf`` is added to postgresql.conf (TLS, WAL archiving...), ``hba``
        rules go first in pg_hba.conf."""
        self._remove_leftovers()
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        rules = (self.data / "pg_hba.conf").read_text()
        (self.data / "pg_hba.conf").write_text(
            f"{hba}\n{rules}\nhost replication postgres 127.0.0.1/32 trust\n"
        )
        self._configure(conf)
        self.start()
        return self

    def _configure(self, conf: str = "") -> None:
        with (self.data / "postgresql.conf").open("a") as out:
            out.write(
                f"listen_addresses = '127.0.0.1'\nport = {self.port}\n"
                f"unix_socket_directories = '{self.root}'\nmax_connections = 60\n"
                f"shared_buffers = 64MB\n{conf}\n"
            )

    def create_standby(self, primary: "Cluster") -> "Cluster":
        """A streaming replica of ``primary``: pg_basebackup -R, then started on this port."""
        self._remove_leftovers()
        self._run(
            "pg_basebackup",
            *("-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres"),
            *("-D", str(self.data), "-R", "-X", "stream", "-c", "fast"),
            timeout=300,
        )
        self._configure("hot_standby = on")
        self.start()
        return self

    def psql(self, sql: str, dbname: str = "postgres"):
        """One statement in autocommit; its first row."""
        with psycopg.connect(self.url(dbname), autocommit=True, connect_timeout=5) as conn:
            cursor = conn.execute(sql)
            return cursor.fetchone() if cursor.description else None

    def _remove_leftovers(self) -> None:
        """A run that was killed before its teardown leaves its cluster running on the port."""
        for pidfile in Path(tempfile.gettempdir()).glob("wms-chaos-pg-*/data/postmaster.pid"):
            lines = pidfile.read_text().splitlines()
            if len(lines) > 3 and lines[3] == str(self.port):
                data = pidfile.parent
                subprocess.run(
                    [
                        *self._as,
                        str(self.bin / "pg_ctl"),
                        "-D",
                        str(data),
                        "-m",
                        "immediate",
                        "-w",
                        "stop",
                    ],
                    capture_output=True,
                    timeout=60,
                )
                shutil.rmtree(data.parent, ignore_errors=True)

    def url(self, dbname: str) -> str:
        return f"postgres://postgres@{self.host}:{self.port}/{dbname}"

    def start(self) -> None:
        try:
            self._run(
                "pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "start"
            )
        except subprocess.CalledProcessError as failed:
            # The cluster (and its log) is removed with the test: say why it did not start.
            log = self.log.read_text(errors="replace") if self.log.exists() else "(no log)"
            tail = "\n".join(log.splitlines()[-20:])
            raise RuntimeError(f"PostgreSQL did not start; the end of its log:\n{tail}") from failed

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")

    def restart(self, mode: str = "fast") -> None:
        self.stop(mode)
        self.start()

    def _pids(self) -> list[int]:
        postmaster = int((self.data / "postmaster.pid").read_text().split()[0])
        children = [
            int(entry)
            for entry in os.listdir("/proc")
            if entry.isdigit() and _ppid(int(entry)) == postmaster
        ]
        return [postmaster, *children]

    def freeze(self) -> None:
        """SIGSTOP the postmaster and every backend: a hung server whose sockets stay open."""
        for pid in reversed(self._pids()):
            os.kill(pid, signal.SIGSTOP)

    def thaw(self) -> None:
        for pid in self._pids():
            os.kill(pid, signal.SIGCONT)

    def ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                psycopg.connect(self.url("postgres"), connect_timeout=2).close()
                return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    def remove(self) -> None:
        try:
            self.thaw()
        except (FileNotFoundError, ProcessLookupError, ValueError):
            pass
        try:
            self.stop("immediate")
        except subprocess.CalledProcessError:
            pass  # not running
        shutil.rmtree(self.root, ignore_errors=True)


def _ppid(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return int(stat.read().rsplit(")", 1)[1].split()[1])
    except (FileNotFoundError, ProcessLookupError, IndexError, ValueError):
        return None
