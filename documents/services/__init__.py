"""Documents: create and edit drafts, post them, cancel them.

Every rule about documents lives in this package, one module per action; the API, the admin and
the commands call these functions through the names re-exported here. Each function owns its
transaction. Posting and cancelling move stock only through inventory.services.stock_apply.
"""

from documents.services.actions import RESERVABLE, document_actions, state_allows
from documents.services.cancelling import document_cancel
from documents.services.count_flow import (
    COUNT_PERMISSIONS,
    Counted,
    CountFinished,
    count_confirm,
    count_finish,
)
from documents.services.counting import COUNT_MAX_LINES, count_start
from documents.services.drafts import document_create, document_delete, document_update
from documents.services.lines import (
    DESTINATION_TYPES,
    EXACT_TYPES,
    EXPIRY_TYPES,
    LOCATION_TYPES,
    LineInput,
    document_validate,
)
from documents.services.permissions import (
    CANCEL_PERMISSIONS,
    STOCK_CORRECTIONS,
    post_permissions,
    user_can_cancel,
    user_can_post,
)
from documents.services.pick_flow import pick_confirm, pick_list_finish, task_key
from documents.services.picking import pick_list_create
from documents.services.posting import document_post
from documents.services.replenishing import Replenished, replenish, short_points
from documents.services.reservations import document_reserve, document_unreserve
from documents.services.returns import return_create, returnable_lines
from inventory.services import MAX_QUANTITY

__all__ = [
    "COUNT_MAX_LINES",
    "COUNT_PERMISSIONS",
    "CountFinished",
    "Counted",
    "CANCEL_PERMISSIONS",
    "DESTINATION_TYPES",
    "EXACT_TYPES",
    "EXPIRY_TYPES",
    "LOCATION_TYPES",
    "LineInput",
    "MAX_QUANTITY",
    "RESERVABLE",
    "Replenished",
    "STOCK_CORRECTIONS",
    "count_confirm",
    "count_finish",
    "count_start",
    "document_actions",
    "document_cancel",
    "document_create",
    "document_delete",
    "document_post",
    "document_reserve",
    "document_unreserve",
    "document_update",
    "document_validate",
    "pick_confirm",
    "pick_list_create",
    "pick_list_finish",
    "post_permissions",
    "replenish",
    "return_create",
    "returnable_lines",
    "short_points",
    "state_allows",
    "task_key",
    "user_can_cancel",
    "user_can_post",
]
