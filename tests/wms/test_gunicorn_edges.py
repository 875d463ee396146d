"""gunicorn's own refusals answer JSON, and two instances on one machine keep their metrics."""

import json
import re

import pytest

from tests.wms.helpers import gunicorn, http, project_env, url_of_test_database

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def env(**extra):
    return project_env(
        DATABASE_URL=url_of_test_database(),
        SECURE_SSL_REDIRECT="False",
        DB_POOL_SIZE="0",
        **extra,
    )


def test_a_url_over_the_request_line_limit_is_a_json_414(tmp_path):
    with gunicorn(tmp_path, workers=1, env=env()) as server:
        status, headers, body = http("GET", server.url + "/api/v1/products/?q=" + "x" * 5000)
        assert status == 414
        assert headers["Content-Type"] == "application/json"
        answer = json.loads(body)
        assert answer["code"] == "uri_too_long" and "4094" in answer["detail"]
        # Still serving
        assert http("GET", server.url + "/healthz")[0] == 200


def requests_counted(server) -> float:
    status, _, body = http("GET", server.url + "/metrics")
    assert status == 200
    found = re.findall(
        r'^django_http_requests_total_by_method_total\{method="GET"\} (\S+)$', body, re.M
    )
    return float(found[0]) if found else 0.0


def test_two_instances_on_one_machine_keep_their_own_metrics(tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir(), two.mkdir()
    with gunicorn(one, workers=1, env=env()) as first:
        for _ in range(5):
            http("GET", first.url + "/healthz")
        before = requests_counted(first)
        assert before >= 5
        with gunicorn(two, workers=1, env=env()) as second:
            assert requests_counted(second) < before  # its own count, not the first's
            assert requests_counted(first) > before  # the first's files were not emptied
