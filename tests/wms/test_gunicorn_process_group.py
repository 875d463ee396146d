"""A gunicorn master killed outright takes its workers with it: none keeps the port."""

import os
import re
import signal
import socket
import time

import pytest

from tests.wms.helpers import gunicorn, project_env


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (exited, not yet reaped by whoever adopted it) holds no port.
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().split()[2] != "Z"


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="needs Linux (/proc, prctl)")
def test_workers_die_with_a_master_killed_by_sigkill(tmp_path):
    env = project_env(SECURE_SSL_REDIRECT="False", PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "m"))
    with gunicorn(tmp_path, workers=2, env=env) as server:
        deadline = time.monotonic() + 10
        while len(workers := re.findall(r"Booting worker with pid: (\d+)", server.stderr())) < 2:
            assert time.monotonic() < deadline, server.stderr()
            time.sleep(0.1)
        server.process.send_signal(signal.SIGKILL)
        server.process.wait()
        pids = [int(pid) for pid in workers]
        deadline = time.monotonic() + 3
        while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(alive(pid) for pid in pids), "a worker outlived its master"
        port = int(server.url.rsplit(":", 1)[1])
        with socket.socket() as probe:
            assert probe.connect_ex(("127.0.0.1", port)) != 0  # nobody listens any more
