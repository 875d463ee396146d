"""The components around the WMS, started by the topology suite on loopback: PgBouncer, haproxy,
and a certificate authority of the suite's own for TLS. Each runs from a temporary directory and
is stopped and removed by its fixture."""

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

# docs/operations.md quotes this file: it is what the suite runs (ports filled in).
PGBOUNCER_INI = """\
[databases]
; every database of the cluster, under its own name (the test suite creates test_...)
* = host=127.0.0.1 port={pg_port}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir =
auth_type = trust
auth_file = {root}/users.txt
admin_users = postgres
pool_mode = transaction
; fewer server connections than the app opens: clients queue for a server per transaction
default_pool_size = {pool_size}
max_client_conn = 400
; transaction pooling resets nothing between clients: the app keeps no session state
server_reset_query =
; a transaction waiting this long for a server connection gets an error (the app's 503)
query_wait_timeout = 10
logfile = {root}/pgbouncer.log
pidfile = {root}/pgbouncer.pid
"""


def _as_postgres() -> list[str]:
    """PgBouncer refuses to run as root: then it runs as the postgres user."""
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


def wait_listening(port: int, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            assert time.monotonic() < deadline, f"nothing listens on {port}"
            time.sleep(0.1)


class PgBouncer:
    def __init__(self, program: str, port: int, pg_port: int, pool_size: int = 4):
        self.program, self.port = program, port
        self.root = Path(tempfile.mkdtemp(prefix="wms-topology-pgbouncer-"))
        self.ini = self.root / "pgbouncer.ini"
        self.ini.write_text(
            PGBOUNCER_INI.format(root=self.root, port=port, pg_port=pg_port, pool_size=pool_size)
        )
        (self.root / "users.txt").write_text('"postgres" ""\n')
        if _as_postgres():
            shutil.chown(self.root, "postgres", "postgres")
            for path in self.root.iterdir():
                shutil.chown(path, "postgres", "postgres")
        self.process = None

    def url(self, dbname: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{dbname}"

    def start(self) -> "PgBouncer":
        self.process = subprocess.Popen(
            [*_as_postgres(), self.program, str(self.ini)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_listening(self.port)
        return self

    def show(self, what: str) -> list[list[str]]:
        """SHOW <what> on the admin console (simple protocol only: psql)."""
        out = subprocess.run(
            ["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-At", "-F", "|"]
            + ["-c", f"SHOW {what}", "pgbouncer"],
            capture_output=True,
            text=True,
            check=True,
            timeout=20,
        ).stdout
        return [line.split("|") for line in out.splitlines() if line]

    def log(self) -> str:
        path = self.root / "pgbouncer.log"
        return path.read_text() if path.exists() else ""

    def stop(self) -> None:
        pidfile = self.root / "pgbouncer.pid"
        if pidfile.exists():
            try:
                os.kill(int(pidfile.read_text().split()[0]), signal.SIGINT)
            except (ProcessLookupError, ValueError):
                pass
        finish(self.process, self.root)


def finish(process, root: Path) -> None:
    """Wait up to 10 s for ``process`` (already told to stop), kill it after, remove ``root``."""
    if process and process.poll() is None:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    shutil.rmtree(root, ignore_errors=True)


def make_certificates(root: Path, host: str) -> dict[str, Path]:
    """A CA of the suite's own, a server certificate it signs for ``host``, and a second CA
    that signed nothing here (openssl)."""
    paths = {name: root / name for name in ("ca.pem", "ca.key", "server.crt", "server.key")}
    paths["other-ca.pem"] = root / "other-ca.pem"

    def openssl(*args: str) -> None:
        subprocess.run(["openssl", *args], check=True, capture_output=True, timeout=60)

    key = ("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes")
    for name, subject in (("ca", "WMS topology test CA"), ("other-ca", "Another CA")):
        keyfile, certificate = str(root / f"{name}.key"), str(root / f"{name}.pem")
        openssl(
            "req",
            "-x509",
            *key,
            "-keyout",
            keyfile,
            "-out",
            certificate,
            "-days",
            "2",
            "-subj",
            f"/CN={subject}",
        )
    csr = root / "server.csr"
    openssl(
        "req", *key, "-keyout", str(paths["server.key"]), "-out", str(csr), "-subj", f"/CN={host}"
    )
    extensions = root / "san.ext"
    extensions.write_text(f"subjectAltName=DNS:{host}\n")
    openssl(
        "x509",
        "-req",
        "-in",
        str(csr),
        "-CA",
        str(paths["ca.pem"]),
        "-CAkey",
        str(paths["ca.key"]),
        "-CAcreateserial",
        "-out",
        str(paths["server.crt"]),
        "-days",
        "2",
        "-extfile",
        str(extensions),
    )
    paths["server.key"].chmod(0o600)
    return paths


# docs/operations.md quotes this file: two instances behind one address, the proxy's own
# source address (the one TRUSTED_PROXIES names) towards them.
HAPROXY_CFG = """\
global
    maxconn 512

defaults
    mode http
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    # A request that never reached an instance is sent to the other one; anything else is the
    # client's to retry (with its Idempotency-Key).
    retries 3
    option redispatch
    retry-on conn-failure

frontend wms
    bind 127.0.0.1:{port}
    option forwardfor
    http-request set-header X-Forwarded-Proto https
    default_backend instances

backend instances
    balance roundrobin
    option httpchk GET /healthz
    http-check send hdr Host localhost
    default-server inter 500ms fall 2 rise 2 source {source}
    http-response set-header X-Served-By %[srv_name]
{servers}
"""


class Haproxy:
    def __init__(self, program: str, port: int, backends: list[int], source: str = "127.0.0.2"):
        self.program, self.port, self.source = program, port, source
        self.root = Path(tempfile.mkdtemp(prefix="wms-topology-haproxy-"))
        self.cfg = self.root / "haproxy.cfg"
        servers = "\n".join(
            f"    server app{i} 127.0.0.1:{backend} check" for i, backend in enumerate(backends)
        )
        self.cfg.write_text(HAPROXY_CFG.format(port=port, source=source, servers=servers))
        self.url = f"http://127.0.0.1:{port}"
        self.process = None

    def start(self) -> "Haproxy":
        check = subprocess.run([self.program, "-c", "-f", str(self.cfg)], capture_output=True)
        assert check.returncode == 0, check.stderr.decode()[-2000:]
        self.process = subprocess.Popen(
            [self.program, "-db", "-f", str(self.cfg)],
            stdout=subprocess.DEVNULL,
            stderr=(self.root / "haproxy.log").open("w"),
        )
        wait_listening(self.port)
        return self

    def log(self) -> str:
        path = self.root / "haproxy.log"
        return path.read_text() if path.exists() else ""

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
        finish(self.process, self.root)
