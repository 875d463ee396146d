"""What the staff roles may do with webhooks (wms.roles syncs the groups): managers keep the
subscriptions and read their delivery logs."""

from wms.roles import MANAGER

ROLE_PERMISSIONS = {
    MANAGER: [
        "integrations.view_subscription",
        "integrations.add_subscription",
        "integrations.change_subscription",
        "integrations.delete_subscription",
        "integrations.view_delivery",
    ],
}
