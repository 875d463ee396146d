"""Replenishing: what is below its reorder point becomes draft receipts or draft transfers."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from documents.models import DocType, Document
from documents.services.drafts import document_create
from documents.services.lines import LineInput
from documents.services.permissions import _require, post_permissions
from inventory.selectors import below_reorder_point, reorder_point_list, stock_by_product
from warehouses.models import Warehouse

RECEIPT, TRANSFER = "receipt", "transfer"


@dataclass
class Replenished:
    made: list[Document] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # why a point got no line


def short_points():
    """The reorder points below their minimum, with ``to_order``, by warehouse and SKU."""
    return (
        below_reorder_point(reorder_point_list())
        .select_related("warehouse", "product", "packaging")
        .order_by("warehouse__code", "product__sku")
    )


def replenish(
    *,
    point_ids: Sequence[int],
    mode: str = RECEIPT,
    reference: str = "",
    source_id: int | None = None,
    user=None,
) -> Replenished:
    """Draft documents for the reorder points ``point_ids`` that are below their minimum, each
    line ordering the point's ``to_order`` (in whole packs of its packaging, if it has one):
    with ``mode`` "receipt" one receipt per warehouse; with "transfer" one transfer from
    warehouse ``source_id`` per destination, only for what the source has enough of (the rest
    is in ``skipped``, never half sent). All drafts or none.

    Raises PermissionDenied, ValidationError (no points, an unknown point or source).
    """
    _require(user, post_permissions(DocType.RECEIPT), "replenish")
    wanted = list(dict.fromkeys(point_ids))
    if not wanted:
        raise ValidationError({"points": ["Choose at least one reorder point."]})
    points = list(short_points().filter(pk__in=wanted))
    found = {p.pk for p in points}
    result = Replenished(
        skipped=[
            f"Reorder point {pk} is not below its minimum." for pk in wanted if pk not in found
        ]
    )
    if mode == TRANSFER:
        source = Warehouse.objects.filter(pk=source_id, is_active=True).first()
        if source is None:
            raise ValidationError({"source": "Choose the warehouse the transfers come from."})
        by_warehouse = _transfer_lines(points, source, result.skipped)
    elif mode == RECEIPT:
        source, by_warehouse = None, defaultdict(list)
        for point in points:
            by_warehouse[point.warehouse_id].append(_line(point))
    else:
        raise ValidationError({"mode": [f"{mode!r} is neither {RECEIPT!r} nor {TRANSFER!r}."]})
    with transaction.atomic():
        result.made = [
            document_create(
                doc_type=DocType.TRANSFER if source else DocType.RECEIPT,
                warehouse_id=source.pk if source else w,
                destination_warehouse_id=w if source else None,
                lines=lines,
                reference=f"Replenish {source.code}" if source else reference,
                created_by=user,
            )
            for w, lines in sorted(by_warehouse.items())
        ]
    return result


def _transfer_lines(points, source: Warehouse, skipped: list[str]) -> dict[int, list[LineInput]]:
    """{destination: lines} for what the source has enough of; the rest is reported."""
    have = stock_by_product(warehouse_id=source.pk, product_ids=[p.product_id for p in points])
    by_destination = defaultdict(list)
    for point in points:
        if point.warehouse_id == source.pk:
            skipped.append(f"{point.product.sku} is short in {source.code} itself.")
        elif have.get(point.product_id, 0) < point.to_order:
            skipped.append(
                f"{point.product.sku} for {point.warehouse.code}: {source.code} has "
                f"{have.get(point.product_id, 0)}, {point.to_order} are needed."
            )
        else:
            have[point.product_id] -= point.to_order  # two destinations share the source
            by_destination[point.warehouse_id].append(_line(point))
    return by_destination


def _line(point) -> LineInput:
    """The point's order: in whole packs of its packaging when it has one (so the draft and
    its papers say "10 case"), else in stock steps."""
    if point.packaging is not None and point.to_order % point.packaging.quantity == 0:
        return LineInput(
            point.product_id,
            packaging=point.packaging.code,
            packaging_quantity=point.to_order // point.packaging.quantity,
        )
    return LineInput(point.product_id, point.to_order)
