"""documents asks the stock service with lines and never names a stock table's model: the
rule "a quant's reserved is the sum of its reservation rows" is kept by one app."""

import ast
from pathlib import Path

import documents

# The models of the stock tables: written by inventory.services alone, read through
# inventory.selectors.
STOCK_MODELS = {"Quant", "WarehouseInventory", "Inventory", "StockMovement", "StockReservation"}


def imported_stock_models(source: str) -> list[str]:
    """The stock models a module's code imports or reaches as inventory.models.<name>."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module == "inventory.models":
            found += [alias.name for alias in node.names if alias.name in STOCK_MODELS]
        elif isinstance(node, ast.ImportFrom) and node.module == "inventory":
            found += [f"models ({alias.name})" for alias in node.names if alias.name == "models"]
        elif isinstance(node, ast.Attribute) and node.attr in STOCK_MODELS:
            base = ast.unparse(node.value)
            if base.endswith("models") and "inventory" in base:
                found.append(node.attr)
    return found


def test_no_module_of_documents_imports_a_stock_model():
    root = Path(documents.__file__).parent
    offenders = {
        str(path.relative_to(root)): names
        for path in sorted(root.rglob("*.py"))
        if "migrations" not in path.parts
        and (names := imported_stock_models(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}


def test_the_check_sees_each_way_of_importing_one():
    assert imported_stock_models("from inventory.models import Lot, StockReservation") == [
        "StockReservation"
    ]
    assert imported_stock_models("import inventory.models\ninventory.models.Quant.objects") == [
        "Quant"
    ]
    assert imported_stock_models("from inventory import models") == ["models (models)"]
    assert imported_stock_models("from inventory.models import Product, Lot") == []
