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
    assert services["webhook-worker"]["command"] == ["python", "manage.py", "webhook_worker"]


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
        "wms-purge-webhook-events",
        "wms-clear-oauth-tokens",
        "wms-emit-lot-events",
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
