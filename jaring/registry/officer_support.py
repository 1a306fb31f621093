"""What the officer pages (views.py, registration_views.py) share: an application in
their scope, the log of who saw whose data, uploads, and searches kept in the session.

A search is posted and shown after a redirect to a short random key that names it in the session, never to
the text itself: the text may be a NIK, and URLs end up in server and proxy logs and browser history."""

from __future__ import annotations

import secrets

from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest

from jaring.core.http import client_ip
from jaring.core.models import User
from jaring.core.services import access_log_write
from jaring.programmes.models import Programme
from jaring.registry.models import Application, Person
from jaring.registry.selectors import application_for
from jaring.registry.services import Upload

SEARCHES_KEY = "registry_searches"  # session: {key: search text}, oldest first
SEARCHES_KEPT = 20  # enough for the back button through a morning at the counter


def clean_text(value: str, limit: int = 100) -> str:
    # PostgreSQL refuses NUL in a query parameter (a 500); no name or number contains one.
    return value.replace("\x00", "")[:limit]


def application_of(user: User, number: str) -> Application:
    if "\x00" in number:
        number = ""  # not an application number, and PostgreSQL would refuse it as a parameter
    return application_for(user, number=number)


def log_person_view(
    request: HttpRequest, *, user: User, person: Person, what: str, programme: Programme | None
) -> None:
    access_log_write(
        actor=user,
        person_ref=str(person.pk),
        person_label=person.name,
        what=what,
        path=request.path,
        ip_address=client_ip(request),
        funder=programme.funder if programme is not None else None,
    )


def upload_of(kind: str, uploaded: UploadedFile) -> Upload:
    return Upload(kind=kind, content=uploaded.read(), name=uploaded.name or "")


def search_remember(request: HttpRequest, query: str) -> str:
    """Keep a search in the session and return the key that names it in a URL. The same text keeps its key,
    so going back and searching again leads to the same page."""
    saved = _searches(request)
    key = next((k for k, text in saved.items() if text == query), "") or secrets.token_urlsafe(6)
    saved.pop(key, None)
    saved[key] = query
    request.session[SEARCHES_KEY] = dict(list(saved.items())[-SEARCHES_KEPT:])
    return key


def search_recall(request: HttpRequest, key: str) -> str | None:
    """The search a key names; None when the session no longer holds it (or never did)."""
    return _searches(request).get(key) if key else None


def _searches(request: HttpRequest) -> dict[str, str]:
    saved = request.session.get(SEARCHES_KEY)
    if not isinstance(saved, dict):
        return {}
    return {k: v for k, v in saved.items() if isinstance(k, str) and isinstance(v, str)}
