"""`make audit-deps` fails on a known vulnerability and says plainly when it could audit nothing."""

import subprocess
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]

OUTPUTS = {
    "vulnerable": (
        1,
        "Found 1 known vulnerability in 1 package\nName Version ID Fix\ndjango 4.2.0 PYSEC-1 4.2.1",
    ),
    "clean": (0, "No known vulnerabilities found"),
    "offline": (
        1,
        "ERROR:pip_audit._cli:Django: Dependency not found on PyPI and could not be audited",
    ),
}


@pytest.mark.parametrize(("case", "expected"), [("vulnerable", 1), ("clean", 0), ("offline", 0)])
def test_the_ci_step(tmp_path, case, expected):
    status, text = OUTPUTS[case]
    fake = tmp_path / "pip-audit"
    fake.write_text(f"#!/bin/sh\ncat <<'OUT'\n{text}\nOUT\nexit {status}\n")
    fake.chmod(0o755)
    run = subprocess.run(
        [str(PROJECT / ".ci" / "audit-deps")],
        env={"BIN": str(tmp_path), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == expected, run.stdout
    if case == "offline":
        assert run.stdout.startswith("SKIPPED pip-audit")


def test_pip_audit_is_pinned_for_ci():
    assert "pip-audit==" in (PROJECT / "requirements-dev.txt").read_text()
    assert "make audit-deps" in (PROJECT / ".ci" / "run").read_text()
