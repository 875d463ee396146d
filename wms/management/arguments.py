"""Argument types shared by management commands."""

from datetime import date

from django.core.management.base import CommandError


def month(text: str) -> date:
    """A month given as YYYY-MM: its first day."""
    try:
        year, number = (int(part) for part in text.split("-"))
        return date(year, number, 1)
    except ValueError:
        raise CommandError(f"--before takes a month as YYYY-MM, not {text!r}.") from None
