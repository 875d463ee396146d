"""The deployment files parse, and every path, port, module and variable they name exists."""

import importlib
import re
from pathlib import Path

import pytest
import yaml

from tests.wms.helpers import PROJECT

K8S = sorted((PROJECT / "deploy" / "k8s").glob("*.yaml"))
DOCUMENTED = set(
    re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", (PROJECT / ".env.example").read_text(), re.M)
)
PORT = 8000


def load_all(path: Path) -> list[dict]:
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc]


def k8s(kind: str, name: str | None = None) -> dict:
    found = [
        doc
        for path in K8S
        for doc in load_all(path)
        if doc["kind"] == kind and name in (None, doc["metadata"]["name"])
    ]
    assert len(found) == 1, kind
    return found[0]


def containers(doc: dict) -> list[dict]:
    return doc["spec"]["template"]["spec"]["containers"]


def test_gunicorn_config_serves_the_project():
    namespace = {}
    exec((PROJECT / "gunicorn.conf.py").read_text(), namespace)
    module, _, attribute = namespace["wsgi_app"].partition(":")
    assert hasattr(importlib.import_module(module), attribute)
    assert namespace["bind"].endswith(f":{PORT}")
    assert (namespace["timeout"], namespace["graceful_timeout"], namespace["keepalive"]) == (
        30,
        30,
        5,
    )
    assert "%({x-request-id}o)s" in namespace["access_log_format"]
    assert "%(M)s" in namespace["access_log_format"]


def test_dockerfile_copies_what_exists_and_runs_gunicorn():
    dockerfile = (PROJECT / "Dockerfile").read_text()
    assert dockerfile.startswith("# ") and "FROM python:3.13-slim" in dockerfile
    for sources in re.findall(r"^COPY (.+) \S+$", dockerfile, re.M):
        for source in sources.split():
            assert (PROJECT / source).exists(), source
    # Dependencies are installed before the code is copied, so code changes reuse that layer.
    assert dockerfile.index("pip install") < dockerfile.index("COPY config/")
    assert "USER appuser" in dockerfile
    assert f"EXPOSE {PORT}" in dockerfile
    healthcheck = re.search(r"HEALTHCHECK .*?CMD (.+?)\n\n", dockerfile, re.S).group(1)
    assert "urllib.request" in healthcheck and "requests" not in healthcheck.replace(".Request", "")
    assert f"127.0.0.1:{PORT}/health" in healthcheck
    assert 'CMD ["gunicorn", "--config", "gunicorn.conf.py"]' in dockerfile
    # The process group dies together: tini as PID 1 signals the group and ends with gunicorn.
    assert "apt-get install -y --no-install-recommends tini" in dockerfile
    assert 'ENTRYPOINT ["/usr/bin/tini", "-g", "--"]' in dockerfile
    # Every app package is copied.
    for app in ("config", "wms", "warehouses", "inventory", "documents", "integrations"):
        assert f"COPY {app}/ {app}/" in dockerfile


def test_compose_runs_postgres_redis_migrate_and_the_api():
    compose = yaml.safe_load((PROJECT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert services["postgres"]["image"] == "postgres:16"
    assert services["redis"]["image"] == "redis:7"
    for name in ("postgres", "redis"):
        assert services[name]["healthcheck"]["test"]
    assert services["migrate"]["command"] == ["python", "manage.py", "migrate", "--no-input"]
    api = services["api"]
    assert api["depends_on"] == {
        "postgres": {"condition": "service_healthy"},
        "redis": {"condition": "service_healthy"},
        "migrate": {"condition": "service_completed_successfully"},
    }
    assert api["ports"] == [f"{PORT}:{PORT}"]
    assert api["env_file"] == ".env"
    for service in ("migrate", "api", "webhook-worker"):
        assert set(services[service]["environment"]) <= DOCUMENTED
    assert services["webhook-worker"]["command"][:3] == ["python", "manage.py", "webhook_worker"]


def cronjobs() -> list[dict]:
    """The housekeeping jobs (manage.py commands); the backup has its own test."""
    return [
        doc
        for path in K8S
        for doc in load_all(path)
        if doc["kind"] == "CronJob" and doc["metadata"]["name"] != "wms-backup"
    ]


def test_housekeeping_cronjobs_run_existing_commands_with_known_variables():
    from django.core.management import get_commands

    commands = set(get_commands())  # the project's and its installed apps'
    jobs = cronjobs()
    assert {job["metadata"]["name"] for job in jobs} == {
        "wms-purge-idempotency-keys",
        "wms-prune-posting-failures",
        "wms-reconcile-stock",
        "wms-ledger-partitions",
        "wms-purge-webhook-events",
        "wms-clear-oauth-tokens",
        "wms-emit-lot-events",
        "wms-seal-audit",
        "wms-audit-archive",
    }
    for job in jobs:
        (container,) = job["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"]
        assert container["command"][:2] == ["python", "manage.py"]
        assert container["command"][2] in commands
        for variable in container["env"]:
            assert variable["name"] in DOCUMENTED, variable["name"]


def test_every_k8s_file_parses_and_has_a_kind():
    kinds = {doc["kind"] for path in K8S for doc in load_all(path)}
    assert kinds == {
        "Deployment",
        "Service",
        "ConfigMap",
        "Secret",
        "Job",
        "CronJob",
        "PodDisruptionBudget",
        "PersistentVolumeClaim",
    }


def test_the_daily_backup_dumps_to_its_volume_with_the_apps_database_url():
    job = k8s("CronJob", "wms-backup")
    pod = job["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    (dump,) = pod["containers"]
    assert dump["image"].startswith("postgres:")
    script = dump["command"][-1]
    assert "pg_dump --format=custom" in script and "pg_restore --list" in script
    assert dump["env"] == [
        {
            "name": "DATABASE_URL",
            "valueFrom": {"secretKeyRef": {"name": "wms-secrets", "key": "database-url"}},
        }
    ]
    assert "database-url" in k8s("Secret")["stringData"]
    (volume,) = pod["volumes"]
    claim = k8s("PersistentVolumeClaim", volume["persistentVolumeClaim"]["claimName"])
    assert dump["volumeMounts"] == [{"name": volume["name"], "mountPath": "/backups"}]
    assert claim["metadata"]["name"] == "wms-backups"


def test_the_audit_archive_detaches_months_in_the_database_and_needs_no_volume():
    pod = k8s("CronJob", "wms-audit-archive")["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    assert container["command"] == ["python", "manage.py", "audit_archive", "--keep-months", "12"]
    assert "volumes" not in pod and "volumeMounts" not in container


def test_deployment_matches_the_guide_and_the_project():
    deployment = k8s("Deployment", "wms-api")
    assert deployment["spec"]["replicas"] == 3
    (api,) = containers(deployment)
    assert api["ports"] == [{"name": "http", "containerPort": PORT}]
    assert api["resources"] == {
        "requests": {"memory": "256Mi", "cpu": "250m"},
        "limits": {"memory": "512Mi", "cpu": "500m"},
    }
    from django.urls import resolve

    for probe, path in (("livenessProbe", "/healthz"), ("readinessProbe", "/health")):
        get = api[probe]["httpGet"]
        assert get["path"] == path and get["port"] == "http"
        resolve(get["path"])
        # The probe's Host header must be one the app accepts.
        assert get["httpHeaders"] == [{"name": "Host", "value": "localhost"}]
    assert "localhost" in k8s("ConfigMap")["data"]["ALLOWED_HOSTS"].split(",")
    selector = deployment["spec"]["selector"]["matchLabels"]
    assert deployment["spec"]["template"]["metadata"]["labels"] == selector
    assert k8s("Service")["spec"]["selector"] == selector
    assert k8s("PodDisruptionBudget")["spec"]["selector"]["matchLabels"] == selector
    assert k8s("Service")["spec"]["ports"][0]["targetPort"] == "http"


def test_every_variable_and_secret_key_is_known():
    secret_keys = set(k8s("Secret")["stringData"])
    configmap = k8s("ConfigMap")
    assert set(configmap["data"]) <= DOCUMENTED
    for workload in (
        k8s("Deployment", "wms-api"),
        k8s("Deployment", "wms-webhook-worker"),
        k8s("Job"),
    ):
        for container in containers(workload):
            assert container["envFrom"] == [
                {"configMapRef": {"name": configmap["metadata"]["name"]}}
            ]
            for variable in container["env"]:
                assert variable["name"] in DOCUMENTED, variable["name"]
                ref = variable.get("valueFrom", {}).get("secretKeyRef")
                if ref:
                    assert ref["name"] == k8s("Secret")["metadata"]["name"]
                    assert ref["key"] in secret_keys


def test_the_webhook_worker_runs_as_its_own_deployment():
    deployment = k8s("Deployment", "wms-webhook-worker")
    (worker,) = containers(deployment)
    assert worker["command"] == ["python", "manage.py", "webhook_worker"]
    assert worker["image"] == containers(k8s("Deployment", "wms-api"))[0]["image"]
    assert (
        deployment["spec"]["template"]["metadata"]["labels"] != k8s("Service")["spec"]["selector"]
    )


def test_the_migration_job_runs_an_existing_command():
    (migrate,) = containers(k8s("Job"))
    assert migrate["command"][:2] == ["python", "manage.py"]
    assert (PROJECT / migrate["command"][1]).exists()
    assert migrate["command"][2] == "migrate"


@pytest.mark.parametrize(
    "source", ["config/settings.py", "gunicorn.conf.py", "wms/management/commands/check_db.py"]
)
def test_every_variable_the_code_reads_is_documented(source):
    code = (PROJECT / source).read_text()
    read = set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z][A-Z0-9_]+)"', code))
    read |= set(re.findall(r'os\.environ(?:\.get)?[\[(]\s*"([A-Z][A-Z0-9_]+)"', code))
    read |= set(re.findall(r'os\.environ\.setdefault\(\s*"([A-Z][A-Z0-9_]+)"', code))
    assert read - {"DJANGO_SETTINGS_MODULE"} <= DOCUMENTED


def compose_services() -> dict:
    return yaml.safe_load((PROJECT / "docker-compose.yml").read_text())["services"]


def interpolate(value: str, dotenv: dict[str, str]) -> str:
    """docker compose's ${VAR:-default} and ${VAR}, from a .env file."""
    return re.sub(
        r"\$\{(\w+)(?::-([^}]*))?\}",
        lambda m: dotenv.get(m[1]) or (m[2] if m[2] is not None else ""),
        str(value),
    )


def test_compose_serves_plain_http_on_a_laptop_and_https_when_env_says_so():
    app = compose_services()["api"]["environment"]
    first_up = dict(
        re.findall(r"^([A-Z][A-Z0-9_]*)=(.*)$", (PROJECT / ".env.example").read_text(), re.M)
    )
    # The settings a fresh `cp .env.example .env` gives the API, compose's environment winning
    laptop = {**first_up, **{k: interpolate(v, first_up) for k, v in app.items()}}
    for name in ("SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"):
        assert laptop[name] == "False", name
    assert laptop["SECURE_HSTS_SECONDS"] == "0"
    assert laptop["DEBUG"] == "False"
    production = {**first_up, "SECURE_SSL_REDIRECT": "True", "SECURE_HSTS_SECONDS": "31536000"}
    assert interpolate(app["SECURE_SSL_REDIRECT"], production) == "True"
    assert interpolate(app["SECURE_HSTS_SECONDS"], production) == "31536000"
    assert "POSTGRES_PASSWORD" in first_up  # what the compose file requires is in the example


def test_the_webhook_worker_has_a_healthcheck_of_its_own(tmp_path):
    worker = compose_services()["webhook-worker"]
    command = worker["command"]
    heartbeat = command[command.index("--heartbeat") + 1]
    test = worker["healthcheck"]["test"]
    assert test[:3] == ["CMD", "python", "-c"] and "8000" not in test[3]
    import os
    import subprocess
    import sys
    import time

    file = tmp_path / "alive"
    check = test[3].replace(heartbeat, str(file))
    file.touch()
    assert subprocess.run([sys.executable, "-c", check]).returncode == 0
    os.utime(file, (time.time() - 120, time.time() - 120))
    assert subprocess.run([sys.executable, "-c", check]).returncode != 0


def dockerfile_healthcheck() -> str:
    dockerfile = (PROJECT / "Dockerfile").read_text()
    command = re.search(r'HEALTHCHECK .*?CMD python -c "(.+?)"\n', dockerfile, re.S).group(1)
    return command


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_image_healthcheck_passes_whatever_the_allowed_hosts(tmp_path):
    import subprocess
    import sys

    from tests.wms.helpers import gunicorn, project_env, url_of_test_database

    # No localhost (127.0.0.1 only so that the helper can see the server is up)
    hosts = "wms.example.com,.example.org,127.0.0.1"
    env = project_env(
        DATABASE_URL=url_of_test_database(),
        ALLOWED_HOSTS=hosts,
        SECURE_SSL_REDIRECT="False",
        DB_POOL_SIZE="0",
    )
    with gunicorn(tmp_path, workers=1, env=env) as server:
        port = server.url.rsplit(":", 1)[1]
        check = dockerfile_healthcheck().replace("127.0.0.1:8000", f"127.0.0.1:{port}")
        ran = subprocess.run([sys.executable, "-c", check], env=env, capture_output=True)
        assert ran.returncode == 0, ran.stderr
