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
    token = request.auth  # type: ignore[attr-defined]
    assert isinstance(token, ApiToken)
    if not token.has_scope(scope):
        raise PermissionDenied(_("Token ini tidak memiliki cakupan “%(scope)s”.") % {"scope": scope})
    return token
