"""The former name of purge_posting_failures, kept for CronJobs already deployed with it."""

from documents.management.commands.purge_posting_failures import Command  # noqa: F401
