"""handler403: under /admin/ the admin's own page naming the role that may; under /api/ a
JSON body, like every API error."""

import json

from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from wms.forbidden import permission_denied


def test_a_refused_admin_page_names_the_role(clerk_client):
    response = clerk_client.get("/admin/inventory/product/add/")
    assert response.status_code == 403
    assert response.templates[0].name == "admin/wms/forbidden.html"
    assert "It needs the Warehouse manager role" in response.content.decode()


def test_a_refusal_with_its_own_reason_says_it(rf: RequestFactory, clerk):
    request = rf.get("/admin/documents/document/")
    request.user = clerk
    response = permission_denied(request, PermissionDenied("Counts are a manager's."))
    response.render()
    assert response.status_code == 403
    assert "Counts are a manager&#x27;s." in response.content.decode()


def test_a_refusal_under_the_api_stays_json(rf: RequestFactory, clerk):
    request = rf.get("/api/v1/documents/")
    request.user = clerk
    response = permission_denied(request, PermissionDenied())
    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content)["code"] == "permission_denied"
