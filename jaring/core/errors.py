"""Domain errors carry a message a person can read (Bahasa Indonesia via gettext) and, where it
applies, the field it is about, so views and the API can show it next to the right input."""

from __future__ import annotations

from django.utils.functional import Promise


class DomainError(Exception):
    """A request the rules refuse. Never a server fault: views answer it with 4xx."""

    status_code = 400

    def __init__(self, message: str | Promise, *, field: str | None = None, errors: dict[str, list[str]] | None = None):
        super().__init__(str(message))
        self.message = str(message)
        self.field = field
        self.errors: dict[str, list[str]] = errors or ({field: [str(message)]} if field else {})


class PermissionDenied(DomainError):
    status_code = 403


class NotFound(DomainError):
    status_code = 404


class Conflict(DomainError):
    status_code = 409
