"""The Auditor role: reads the audit trail (wms.roles syncs the group after every migrate)."""

AUDITOR = "Auditor"

ROLE_PERMISSIONS = {AUDITOR: ["audit.read_audit", "audit.view_auditevent"]}
