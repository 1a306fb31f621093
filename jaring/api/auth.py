"""Partner authentication: `Authorization: Bearer <token>`, limited to the token's funder and scopes.

An operation names the scopes it needs in its `auth` (`PartnerToken(ApiScope.REPORTS)`): a missing or revoked
token is 401 and a token holding none of the scopes is 403, both before the request's parameters or body are
read, so a partner without the right to call a path is told that first, whatever it sent.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from jaring.core.errors import PermissionDenied
from jaring.core.models import ApiToken
from jaring.core.services import api_token_authenticate


class PartnerToken(HttpBearer):
    def __init__(self, *scopes: str, agency: bool = False) -> None:
        """`scopes`: the token must hold at least one; `agency`: the token must act for an agency (an agency's
        own system working its verification queue)."""
        super().__init__()
        self.scopes = scopes
        self.agency = agency

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        found = api_token_authenticate(secret=token.strip())
        if found is not None:
            _check_scopes(found, self.scopes)
            if self.agency and found.agency_id is None:
                raise PermissionDenied(
                    _(
                        "Token ini tidak terhubung ke instansi verifikasi mana pun. Minta administrator membuat "
                        "token verifikasi untuk instansi Anda."
                    )
                )
        return found


def _check_scopes(token: ApiToken, scopes: tuple[str, ...]) -> None:
    if not scopes or any(token.has_scope(scope) for scope in scopes):
        return
    if len(scopes) == 1:
        raise PermissionDenied(_("Token ini tidak memiliki cakupan “%(scope)s”.") % {"scope": scopes[0]})
    raise PermissionDenied(
        _("Token ini tidak memiliki salah satu cakupan: %(scopes)s.") % {"scopes": ", ".join(scopes)}
    )


def partner(request: HttpRequest) -> ApiToken:
    """The calling token, as its operation's `auth` let it in."""
    token = request.auth  # type: ignore[attr-defined]
    assert isinstance(token, ApiToken)
    return token
