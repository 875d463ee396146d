"""Database TLS: a server that takes only TLS, with a certificate from a CA the suite makes; the app
verifies it (sslmode=verify-full, DB_SSLROOTCERT) and refuses a server it cannot verify."""

import shutil

import psycopg
import pytest

from tests.chaos.cluster import Cluster
from tests.topology.components import make_certificates
from tests.topology.conftest import PG_PORT, api, require, server_env
from tests.wms.helpers import run_manage, run_snippet

pytestmark = [pytest.mark.topology, pytest.mark.postgres]

HOST = "db.wms.test"  # the certificate's name; hostaddr= gives the address
DATABASE = "wms_tls"


@pytest.fixture(scope="module")
def tls_cluster():
    require("openssl")
    made = Cluster(PG_PORT + 2)
    certs = make_certificates(made.root, HOST)
    if made._as:
        for name in ("server.crt", "server.key"):
            shutil.chown(certs[name], "postgres", "postgres")
    try:
        made.create(
            conf=(
                f"ssl = on\nssl_cert_file = '{certs['server.crt']}'\n"
                f"ssl_key_file = '{certs['server.key']}'\nssl_min_protocol_version = 'TLSv1.2'"
            ),
            hba="hostnossl all all all reject",
        )
        made.certs = certs
        with psycopg.connect(
            made.url("postgres"), sslmode="require", autocommit=True, connect_timeout=5
        ) as admin:
            admin.execute(f"CREATE DATABASE {DATABASE}")
        yield made
    finally:
        made.remove()


def verified_url(cluster, host=HOST) -> str:
    return f"postgres://postgres@{host}:{cluster.port}/{DATABASE}?hostaddr=127.0.0.1"


def test_the_server_refuses_plain_connections(tls_cluster):
    with pytest.raises(psycopg.OperationalError, match="no encryption"):
        psycopg.connect(tls_cluster.url(DATABASE), sslmode="disable", connect_timeout=5)


def test_the_app_connects_with_verify_full_and_the_ca_from_settings(
    tls_cluster, tmp_path, start_server
):
    env = server_env(
        tmp_path,
        verified_url(tls_cluster),
        DB_SSLMODE="verify-full",
        DB_SSLROOTCERT=str(tls_cluster.certs["ca.pem"]),
    )
    checked = run_manage("check_db", env=env)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "sslmode = verify-full" in checked.stdout
    assert "TLS in use: yes, TLSv1.3" in checked.stdout
    seen = run_snippet(
        """
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
    print(json.dumps({"ssl": cursor.fetchone()[0]}))
""",
        env=env,
    )
    assert seen == {"ssl": True}
    server = start_server(
        verified_url(tls_cluster),
        DB_SSLMODE="verify-full",
        DB_SSLROOTCERT=str(tls_cluster.certs["ca.pem"]),
    )
    assert api(server).get("/health").status == 200


@pytest.mark.parametrize(
    ("host", "ca", "reason"),
    [
        ("127.0.0.1", "ca.pem", "not for the host name"),
        (HOST, "other-ca.pem", "not signed by the CA in DB_SSLROOTCERT"),
    ],
)
def test_check_db_refuses_a_server_it_cannot_verify(tls_cluster, tmp_path, host, ca, reason):
    env = server_env(
        tmp_path,
        verified_url(tls_cluster, host),
        DB_SSLMODE="verify-full",
        DB_SSLROOTCERT=str(tls_cluster.certs[ca]),
    )
    checked = run_manage("check_db", env=env)
    assert checked.returncode == 1, checked.stdout + checked.stderr
    assert "REFUSED: TLS (sslmode=verify-full)" in checked.stderr
    assert reason in checked.stderr
    assert "Not starting" in checked.stderr
