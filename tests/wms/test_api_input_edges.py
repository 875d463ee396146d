"""Hostile or odd input at the edges of the API: always a 400 JSON, never a 500."""

import pytest

pytestmark = pytest.mark.django_db

DATED_LISTS = ["/api/v1/documents/", "/api/v1/movements/"]


@pytest.mark.parametrize("url", DATED_LISTS)
@pytest.mark.parametrize("offset", ["+16:00", "-16:00", "+23:59", "+14:01", "-14:30"])
def test_a_utc_offset_beyond_any_time_zone_is_a_400(manager_api, url, offset):
    response = manager_api.get(url, {"created_after": f"2020-01-01T00:00:00{offset}"})
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid"
    assert "UTC offset out of range" in response.json()["errors"]["created_after"][0]


@pytest.mark.parametrize("url", DATED_LISTS)
@pytest.mark.parametrize("offset", ["+14:00", "-12:00", "+05:45", "Z"])
def test_real_offsets_filter_as_the_same_moment_in_utc(manager_api, url, offset):
    response = manager_api.get(url, {"created_before": f"2020-01-01T00:00:00{offset}"})
    assert response.status_code == 200, response.content


@pytest.mark.parametrize("depth", [33, 1000, 100_000])
def test_json_nested_too_deep_is_a_400(manager_api, depth):
    body = "[" * depth + "]" * depth
    response = manager_api.generic(
        "POST", "/api/v1/documents/", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
    assert "nested deeper than 32 levels" in response.json()["detail"]


def test_json_nested_within_the_bound_is_read_as_usual(manager_api):
    body = '{"doc_type": "receipt", "note": ' + "[" * 30 + "]" * 30 + "}"
    response = manager_api.generic(
        "POST", "/api/v1/documents/", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"  # read, then refused field by field


@pytest.mark.parametrize(
    "url, parameter",
    [
        ("/api/v1/documents/", "created_after"),
        ("/api/v1/documents/", "status"),
        ("/api/v1/documents/", "warehouse"),
        ("/api/v1/movements/", "created_before"),
        ("/api/v1/products/", "is_active"),
    ],
)
def test_a_present_but_empty_parameter_is_a_400(manager_api, url, parameter):
    response = manager_api.get(f"{url}?{parameter}=")
    assert response.status_code == 400
    assert response.json()["errors"] == {parameter: ["Must not be empty."]}


@pytest.mark.parametrize(
    "url, parameter", [("/api/v1/products/", "sku"), ("/api/v1/documents/", "reference")]
)
def test_a_text_filter_with_a_nul_matches_nothing(manager_api, url, parameter):
    response = manager_api.get(url, {parameter: "a\x00b"})
    assert response.status_code == 200
    assert response.json()["results"] == []
