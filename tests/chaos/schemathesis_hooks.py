"""Realistic data for schemathesis, as its own warnings ask ("provide realistic parameter
values"): nothing here touches a check or the responses.

- Every request with an Idempotency-Key gets a fresh one, as a real client's new request
  would; a key sent again with another body is a 422 by design (tests/wms cover it).
- A document body that names a warehouse or product by a schema-valid id names one that exists:
  ids are not something a schema can describe. Invalid ids (0, negative, not integers) are
  left alone, so the negative cases stay negative.
"""

import json
import os
import uuid

import schemathesis

IDS = json.loads(os.environ["CHAOS_IDS"])


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    if case.headers and "Idempotency-Key" in case.headers:
        case.headers["Idempotency-Key"] = str(uuid.uuid4())
    body = case.body
    if not (case.operation.path.startswith("/api/v1/documents/") and isinstance(body, dict)):
        return
    for field, choices in (
        ("warehouse", IDS["warehouses"]),
        ("destination_warehouse", IDS["warehouses"][::-1]),
    ):
        if _an_id(body.get(field)):
            body[field] = choices[0]
    lines = body.get("lines")
    if isinstance(lines, list):
        for n, line in enumerate(lines):
            if isinstance(line, dict) and _an_id(line.get("product")):
                line["product"] = IDS["products"][n % len(IDS["products"])]


def _an_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1
