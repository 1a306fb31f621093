"""Partner authentication: `Authorization: Bearer <token>`, limited to the token's funder and scopes."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from jaring.core.errors import PermissionDenied
from jaring.core.models import ApiToken
from jaring.core.services import api_token_authenticate


class PartnerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        return api_token_authenticate(secret=token.strip())


def require_scope(request: HttpRequest, scope: str) -> ApiToken:
    return require_any_scope(request, scope)


def require_any_scope(request: HttpRequest, *scopes: str) -> ApiToken:
    """The calling token, if it holds at least one of `scopes`; otherwise 403 naming them."""
    token = request.auth  # type: ignore[attr-defined]
    assert isinstance(token, ApiToken)
    if not any(token.has_scope(scope) for scope in scopes):
        if len(scopes) == 1:
            raise PermissionDenied(_("Token ini tidak memiliki cakupan “%(scope)s”.") % {"scope": scopes[0]})
        raise PermissionDenied(
            _("Token ini tidak memiliki salah satu cakupan: %(scopes)s.") % {"scopes": ", ".join(scopes)}
        )
    return token
