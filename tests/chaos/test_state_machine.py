"""A hypothesis state machine over the API (create, edit, post, cancel, count) against a
model of stock: after every step, the server's stock is the model's."""

import pytest
from hypothesis import HealthCheck, seed, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    invariant,
    rule,
    run_state_machine_as_test,
)

from tests.chaos.conftest import record
from tests.chaos.ops import new_product

SEED = 20261201
QUANTITY = {
    "receipt": st.integers(1, 50),
    "shipment": st.integers(1, 50),
    "transfer": st.integers(1, 50),
    "adjustment": st.integers(-30, 30).filter(bool),
    "count": st.integers(0, 60),
}


def machine_for(api, warehouses, figures):
    class Stock(RuleBasedStateMachine):
        drafts = Bundle("drafts")
        posted = Bundle("posted")

        def __init__(self):
            super().__init__()
            self.products = [new_product(api) for _ in range(3)]
            self.stock = {(w, p): 0 for w in warehouses for p in self.products}
            self.documents = {}  # id -> (doc_type, warehouse, destination, [(product, qty)])
            figures["examples"] += 1

        def _lines(self, data, doc_type):
            chosen = data.draw(
                st.lists(st.sampled_from(self.products), min_size=1, max_size=3, unique=True)
            )
            return [(p, data.draw(QUANTITY[doc_type])) for p in chosen]

        def _body(self, doc_type, warehouse, lines):
            body = {
                "doc_type": doc_type,
                "warehouse": warehouse,
                "lines": [{"product": p, "quantity": q} for p, q in lines],
            }
            if doc_type == "transfer":
                body["destination_warehouse"] = next(w for w in warehouses if w != warehouse)
            return body

        def _effect(self, document) -> list[tuple[tuple[int, int], int]]:
            doc_type, warehouse, destination, lines = document
            effect = []
            for product, quantity in lines:
                key = (warehouse, product)
                if doc_type == "receipt":
                    effect.append((key, quantity))
                elif doc_type in ("shipment", "transfer"):
                    effect.append((key, -quantity))
                    if destination:
                        effect.append(((destination, product), quantity))
                elif doc_type == "adjustment":
                    effect.append((key, quantity))
                else:  # count: the delta under the lock
                    effect.append((key, quantity - self.stock[key]))
            return effect

        def _apply(self, effect) -> bool:
            after = dict(self.stock)
            for key, delta in effect:
                after[key] += delta
            if any(v < 0 for v in after.values()):
                return False
            self.stock = after
            return True

        @rule(
            target=drafts,
            doc_type=st.sampled_from(list(QUANTITY)),
            data=st.data(),
            warehouse=st.sampled_from(warehouses),
        )
        def create(self, doc_type, data, warehouse):
            lines = self._lines(data, doc_type)
            answer = api.post("/api/v1/documents/", self._body(doc_type, warehouse, lines))
            assert answer.status == 201, answer
            destination = answer.body["destination_warehouse"]
            self.documents[answer.body["id"]] = (doc_type, warehouse, destination, lines)
            figures["steps"] += 1
            return answer.body["id"]

        @rule(document=drafts, data=st.data())
        def edit(self, document, data):
            doc_type, warehouse, destination, _ = self.documents[document]
            lines = self._lines(data, doc_type)
            body = {"lines": [{"product": p, "quantity": q} for p, q in lines]}
            answer = api.call("PATCH", f"/api/v1/documents/{document}/", body)
            assert answer.status == 200, answer
            self.documents[document] = (doc_type, warehouse, destination, lines)
            figures["steps"] += 1

        @rule(target=posted, document=consumes(drafts))
        def post(self, document):
            effect = self._effect(self.documents[document])
            answer = api.post(f"/api/v1/documents/{document}/post/")
            figures["steps"] += 1
            if self._apply(effect):
                assert answer.status == 200, answer
                self.documents[document] += (effect,)
                return document
            assert (answer.status, answer.body["code"]) == (409, "insufficient_stock"), answer
            figures["refused_short"] += 1
            return None  # stays a draft on the server, out of the model's hands

        @rule(document=consumes(posted))
        def cancel(self, document):
            if document is None:
                return
            effect = [(key, -delta) for key, delta in self.documents[document][4]]
            answer = api.post(f"/api/v1/documents/{document}/cancel/")
            figures["steps"] += 1
            if self._apply(effect):
                assert answer.status == 200, answer
            else:
                assert (answer.status, answer.body["code"]) == (409, "insufficient_stock")
                figures["refused_short"] += 1

        @invariant()
        def stock_is_the_models(self):
            for product in self.products:
                answer = api.get(f"/api/v1/stock/?product={product}")
                on_server = {
                    (r["warehouse"], r["product"]): r["quantity"] for r in answer.body["results"]
                }
                for w in warehouses:
                    assert on_server.get((w, product), 0) == self.stock[(w, product)]
                    figures["stock_compared"] += 1

    return Stock


def explore(manager, world, examples: int, steps: int, name: str):
    figures = {"examples": 0, "steps": 0, "refused_short": 0, "stock_compared": 0}
    machine = machine_for(manager, world["warehouses"], figures)
    run_state_machine_as_test(
        seed(SEED)(machine),
        settings=settings(
            max_examples=examples,
            stateful_step_count=steps,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
    record(name, seed=SEED, **figures)


def test_the_api_keeps_the_stock_of_a_model(server, manager, world):
    explore(manager, world, examples=8, steps=15, name="state machine")


@pytest.mark.slow
def test_the_api_keeps_the_stock_of_a_model_at_length(server, manager, world):
    explore(manager, world, examples=60, steps=30, name="state machine at length")
