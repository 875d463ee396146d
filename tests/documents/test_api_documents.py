"""Documents over HTTP: drafts with their lines, validation as 400s, drafts-only edits."""

import pytest

from documents.models import Document
from tests.factories import ProductFactory, WarehouseFactory
from tests.support.documents import make_document, post

pytestmark = pytest.mark.django_db

URL = "/api/v1/documents/"


def draft_body(warehouse, lines, **fields):
    return {
        "doc_type": "shipment",
        "warehouse": warehouse.pk,
        "destination_warehouse": None,
        "reference": "SO-991",
        "note": "",
        "lines": [{"product": p.pk, "quantity": q} for p, q in lines],
        **fields,
    }


def test_create_a_draft_with_its_lines_in_one_request(clerk_api, clerk, warehouse, product):
    response = clerk_api.post(URL, draft_body(warehouse, [(product, 5)]), format="json")

    assert response.status_code == 201, response.data
    body = response.json()
    document = Document.objects.get()
    assert body["id"] == document.pk
    assert body["number"] == document.number
    assert body["doc_type"] == "shipment"
    assert body["status"] == "draft"
    assert body["warehouse"] == warehouse.pk
    assert body["destination_warehouse"] is None
    assert body["reference"] == "SO-991"
    assert body["created_by"] == clerk.pk
    assert [(line["product"], line["quantity"]) for line in body["lines"]] == [(product.pk, 5)]


def test_retrieve_includes_the_lines(clerk_api, warehouse, product):
    document = make_document("receipt", warehouse, [(product, 7)])
    body = clerk_api.get(f"{URL}{document.pk}/").json()
    assert body["number"] == document.number
    assert [(line["product"], line["quantity"]) for line in body["lines"]] == [(product.pk, 7)]


def test_unknown_document_is_a_404(clerk_api):
    response = clerk_api.get(f"{URL}999999/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "code": "not_found"}


@pytest.mark.parametrize("bad_id", ["-1", "abc", "0", "1.5", "99999999999999999999"])
def test_an_id_that_is_not_a_positive_integer_is_a_404(clerk_api, bad_id):
    response = clerk_api.get(f"{URL}{bad_id}/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def invalid(response) -> dict:
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid"
    assert body["detail"].startswith("Invalid input.")
    return body["errors"]


def create(client, body):
    return client.post(URL, body, format="json")


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"doc_type": "gift"}, "doc_type"),
        ({"lines": []}, "lines"),
        ({"lines": "nope"}, "lines"),
        ({"warehouse": -3}, "warehouse"),
        ({"warehouse": "abc"}, "warehouse"),
        ({"warehouse": 999_999}, "warehouse"),
        ({"warehouse": None}, "warehouse"),
        ({"reference": "x" * 101}, "reference"),
        ({"destination_warehouse": 0}, "destination_warehouse"),
    ],
)
def test_bad_fields_are_400_with_field_errors(clerk_api, warehouse, product, fields, field):
    errors = invalid(create(clerk_api, {**draft_body(warehouse, [(product, 1)]), **fields}))
    assert field in errors
    assert all(isinstance(message, str) for message in errors[field])
    assert not Document.objects.exists()


NOT_AN_INTEGER = "A JSON integer is required (not a string or a float)."


@pytest.mark.parametrize(
    "quantity, message",
    [
        ("five", f"Line 1: quantity: {NOT_AN_INTEGER}"),
        (1.5, f"Line 1: quantity: {NOT_AN_INTEGER}"),
        (True, f"Line 1: quantity: {NOT_AN_INTEGER}"),
        # Not a JSON integer, even where the value is whole.
        (7.0, f"Line 1: quantity: {NOT_AN_INTEGER}"),
        ("7", f"Line 1: quantity: {NOT_AN_INTEGER}"),
        (2**63, "Line 1: quantity: Ensure this value is less than or equal to"),
        (-(2**63), "Line 1: quantity: Ensure this value is greater than or equal to"),
    ],
)
def test_quantities_that_are_not_integers_or_do_not_fit_are_refused(
    clerk_api, warehouse, product, quantity, message
):
    body = draft_body(warehouse, [])
    body["lines"] = [{"product": product.pk, "quantity": quantity}]
    errors = invalid(create(clerk_api, body))
    assert errors["lines"][0].startswith(message)


@pytest.mark.parametrize(
    "doc_type, quantity",
    [("receipt", 0), ("shipment", -1), ("transfer", 0), ("adjustment", 0), ("count", -1)],
)
def test_quantity_rules_per_type(
    clerk_api, warehouse, other_warehouse, product, doc_type, quantity
):
    destination = other_warehouse.pk if doc_type == "transfer" else None
    body = draft_body(
        warehouse, [(product, quantity)], doc_type=doc_type, destination_warehouse=destination
    )
    errors = invalid(create(clerk_api, body))
    assert "lines" in errors


def test_a_line_that_is_not_an_object_is_refused(clerk_api, warehouse, product):
    body = draft_body(warehouse, [])
    body["lines"] = [42, None, {"product": product.pk, "quantity": "x"}]
    errors = invalid(create(clerk_api, body))
    assert errors["lines"] == [
        "Line 1: Invalid data. Expected a dictionary, but got int.",
        "Line 2: This field may not be null.",
        f"Line 3: quantity: {NOT_AN_INTEGER}",
    ]


def test_a_product_twice_is_refused(clerk_api, warehouse, product):
    errors = invalid(create(clerk_api, draft_body(warehouse, [(product, 1), (product, 2)])))
    assert "appears more than once" in errors["lines"][0]


def test_transfer_needs_another_destination(clerk_api, warehouse, product):
    body = draft_body(warehouse, [(product, 1)], doc_type="transfer")
    assert "destination_warehouse" in invalid(create(clerk_api, body))
    body["destination_warehouse"] = warehouse.pk  # an internal move: lines name where to
    errors = invalid(create(clerk_api, body))
    assert "needs a destination location" in errors["lines"][0]


def test_inactive_product_and_warehouse_are_refused(clerk_api):
    warehouse = WarehouseFactory(is_active=False)
    product = ProductFactory(is_active=False)
    errors = invalid(create(clerk_api, draft_body(warehouse, [(product, 1)])))
    assert "inactive" in errors["warehouse"][0]
    assert "inactive" in errors["lines"][0]


def test_too_many_lines_are_refused(clerk_api, warehouse, product):
    body = draft_body(warehouse, [])
    body["lines"] = [{"product": product.pk, "quantity": 1}] * 1001
    assert "lines" in invalid(create(clerk_api, body))


def test_malformed_json_is_a_400(clerk_api):
    response = clerk_api.post(URL, "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_patch_changes_a_draft_and_replaces_its_lines(clerk_api, warehouse, product):
    other = ProductFactory()
    document = make_document("receipt", warehouse, [(product, 1)])
    response = clerk_api.patch(
        f"{URL}{document.pk}/",
        {"note": "checked", "lines": [{"product": other.pk, "quantity": 4}]},
        format="json",
    )
    assert response.status_code == 200, response.data
    assert response.json()["note"] == "checked"
    assert [(line["product"], line["quantity"]) for line in response.json()["lines"]] == [
        (other.pk, 4)
    ]
    assert list(document.lines.values_list("product_id", "quantity")) == [(other.pk, 4)]


def test_put_replaces_a_draft(clerk_api, warehouse, other_warehouse, product):
    document = make_document("receipt", warehouse, [(product, 1)], reference="old", note="old")
    response = clerk_api.put(
        f"{URL}{document.pk}/",
        {"warehouse": other_warehouse.pk, "lines": [{"product": product.pk, "quantity": 3}]},
        format="json",
    )
    assert response.status_code == 200, response.data
    document.refresh_from_db()
    assert (document.warehouse_id, document.reference, document.note) == (
        other_warehouse.pk,
        "",
        "",
    )


def test_put_needs_the_lines(clerk_api, warehouse, product):
    document = make_document("receipt", warehouse, [(product, 1)])
    errors = invalid(clerk_api.put(f"{URL}{document.pk}/", {"warehouse": warehouse.pk}))
    assert "lines" in errors


def test_an_invalid_edit_changes_nothing(clerk_api, warehouse, product):
    document = make_document("receipt", warehouse, [(product, 1)])
    response = clerk_api.patch(
        f"{URL}{document.pk}/",
        {"note": "x", "lines": [{"product": product.pk, "quantity": -1}]},
        format="json",
    )
    invalid(response)
    document.refresh_from_db()
    assert document.note == ""


def test_delete_a_draft(clerk_api, warehouse, product):
    document = make_document("receipt", warehouse, [(product, 1)])
    assert clerk_api.delete(f"{URL}{document.pk}/").status_code == 204
    assert not Document.objects.exists()


def test_edit_or_delete_of_an_unknown_document_is_a_404(clerk_api):
    assert clerk_api.patch(f"{URL}424242/", {"note": "x"}, format="json").status_code == 404
    assert clerk_api.delete(f"{URL}424242/").status_code == 404


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_posted_documents_cannot_be_changed(clerk_api, warehouse, product, method):
    document = post("receipt", warehouse, [(product, 10)])
    body = {"warehouse": warehouse.pk, "lines": [{"product": product.pk, "quantity": 1}]}
    response = getattr(clerk_api, method)(f"{URL}{document.pk}/", body, format="json")
    assert response.status_code == 409
    assert response.json() == {
        "detail": f"{document.number} is posted; only drafts can be "
        + ("deleted." if method == "delete" else "edited."),
        "code": "invalid_state",
        "status": "posted",
    }
    assert Document.objects.filter(pk=document.pk).exists()
    assert list(document.lines.values_list("quantity", flat=True)) == [10]


def test_doc_type_cannot_be_changed(clerk_api, warehouse, product):
    document = make_document("receipt", warehouse, [(product, 1)])
    response = clerk_api.patch(f"{URL}{document.pk}/", {"doc_type": "shipment"}, format="json")
    assert invalid(response) == {"doc_type": ["This field is read-only."]}
    document.refresh_from_db()
    assert document.doc_type == "receipt"


def test_read_only_fields_in_an_edit_are_named_not_ignored(clerk_api, warehouse, product):
    document = make_document("receipt", warehouse, [(product, 1)])
    body = {"status": "posted", "doc_type": "shipment", "note": "changed"}
    response = clerk_api.patch(f"{URL}{document.pk}/", body, format="json")
    assert invalid(response) == {
        "doc_type": ["This field is read-only."],
        "status": ["This field is read-only."],
    }
    document.refresh_from_db()
    assert (document.status, document.note) == ("draft", "")


def test_read_only_fields_in_a_create_are_refused(clerk_api, warehouse, product):
    body = {**draft_body(warehouse, [(product, 1)]), "status": "posted"}
    assert invalid(create(clerk_api, body)) == {"status": ["This field is read-only."]}
    assert not Document.objects.exists()


@pytest.mark.parametrize("field", ["warehouse", "destination_warehouse"])
@pytest.mark.parametrize("value", ["1", 1.0])
def test_ids_are_json_integers(clerk_api, warehouse, product, field, value):
    body = {**draft_body(warehouse, [(product, 1)]), field: value}
    assert invalid(create(clerk_api, body))[field] == [NOT_AN_INTEGER]


def test_a_patch_needs_whole_lines(clerk_api, warehouse, product):
    document = make_document("receipt", warehouse, [(product, 1)])
    response = clerk_api.patch(f"{URL}{document.pk}/", {"lines": [{"product": product.pk}]})
    assert invalid(response) == {"lines": ["Line 1: quantity: This field is required."]}


def test_list_filters(clerk_api, clerk, warehouse, other_warehouse, product):
    receipt = post("receipt", warehouse, [(product, 10)])
    shipment = make_document("shipment", warehouse, [(product, 1)], reference="SO-7")
    transfer = make_document(
        "transfer", other_warehouse, [(product, 1)], destination=warehouse, created_by=clerk
    )
    Document.objects.filter(pk=receipt.pk).update(created_at="2020-01-01T00:00:00Z")

    def ids(query):
        response = clerk_api.get(f"{URL}?{query}")
        assert response.status_code == 200, response.content
        return [d["id"] for d in response.json()["results"]]

    assert ids("") == [transfer.pk, shipment.pk, receipt.pk]
    assert ids("status=posted") == [receipt.pk]
    assert ids("status=draft") == [transfer.pk, shipment.pk]
    assert ids("doc_type=shipment") == [shipment.pk]
    assert ids(f"warehouse={other_warehouse.pk}") == [transfer.pk]
    assert ids(f"created_by={clerk.pk}") == [transfer.pk]
    assert ids("reference=SO-7") == [shipment.pk]
    assert ids("reference=SO") == []
    assert ids("created_before=2021-01-01T00:00:00Z") == [receipt.pk]
    assert ids("created_after=2021-01-01T00:00:00Z") == [transfer.pk, shipment.pk]
    assert ids("status=draft&doc_type=transfer") == [transfer.pk]
