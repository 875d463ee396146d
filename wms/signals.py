"""Signals the platform sends for others to act on, so that wms imports no app above it."""

from django.dispatch import Signal

# A refusal worth a security log: sent with action ("denied", "rate_limited", "login_locked"),
# request (the Django request) and details (a dict of plain values).
security_event = Signal()
