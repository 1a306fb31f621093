"""Who is acting: one explicit object handed to every service that changes state.

Four kinds act on Jaring's data, and each says so when it is made:

- an **officer** (`Actor.officer(user)`, or the signed-in `User` itself, which services take as the officer):
  the role's capabilities (`core.permissions`), limited to the officer's funder, agency or kelurahan;
- a **partner** (`Actor.partner(token)`): an API token, with the capabilities of its scopes, for its funder
  (and its agency) only;
- an **applicant** (`Actor.applicant()`): the public registering themselves or following their own
  application, or a member's family reporting a death or an accident on the public claim form
  (`Actor.applicant("publik")`); they may apply to any funder's open programme, report a claim, and do nothing
  else;
- the **system** (`Actor.system("cli")`, `Actor.system("demo")`, a scheduled job by its name): trusted for
  everything. Trusting it is a choice made where it is created, never something a service infers.

Services ask one question, `actor.require(capability, programme=...)`, which answers with the actor's scope
or raises PermissionDenied. Each actor also carries its audit label (what audit records and access logs
store: an officer's username, "api:<token name>", "applicant", the system job's name) and the name shown
to people on decisions and membership history.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Protocol

from django.http import HttpRequest
from django.utils.translation import gettext as _

from jaring.core.errors import PermissionDenied
from jaring.core.models import ApiToken, Job, User
from jaring.core.permissions import APPLICANT_CAPABILITIES, token_can, user_can
from jaring.core.permissions import Capability as C
from jaring.core.selectors import Scope, scope_of

LABEL_MAX = 150  # AuditRecord.actor_label, AccessLog.actor_label and the other stored labels


class Kind(enum.StrEnum):
    OFFICER = "officer"
    PARTNER = "partner"
    APPLICANT = "applicant"
    SYSTEM = "system"


class Owned(Protocol):
    """Something a funder owns and people name by code: a programme."""

    @property
    def funder_id(self) -> int: ...

    @property
    def code(self) -> str: ...


EVERYTHING = Scope(everything=True, funder_id=None)
NOTHING = Scope(everything=False, funder_id=None)


@dataclass(frozen=True)
class Actor:
    kind: Kind
    label: str
    user: User | None = None
    token: ApiToken | None = None

    # -- the four kinds ---------------------------------------------------------------------------------

    @classmethod
    def officer(cls, user: User) -> Actor:
        return cls(Kind.OFFICER, user.username[:LABEL_MAX], user=user)

    @classmethod
    def partner(cls, token: ApiToken) -> Actor:
        return cls(Kind.PARTNER, f"api:{token.name}"[:LABEL_MAX], token=token)

    @classmethod
    def applicant(cls, label: str = "applicant") -> Actor:
        """The public acting for themselves; `label` names the channel in the audit trail ("publik": the public
        claim form)."""
        return cls(Kind.APPLICANT, label[:LABEL_MAX])

    @classmethod
    def system(cls, name: str) -> Actor:
        """The system acting for itself: the operator's command line ("cli"), the demo, a scheduled job.
        `name` is what the audit trail shows as the actor."""
        name = name.strip()
        if not name:
            raise ValueError("a system actor needs a name for the audit trail")
        return cls(Kind.SYSTEM, name[:LABEL_MAX])

    @classmethod
    def of_job(cls, job: Job) -> Actor:
        """Who a background job acts as: the officer who started it (still held to their role), or the system
        under the job's kind when nobody did (the command line, a schedule)."""
        return cls.officer(job.created_by) if job.created_by is not None else cls.system(job.kind)

    @classmethod
    def of(cls, who: Actor | User) -> Actor:
        """`who` as an Actor: a User is the officer. Anything else (a bare label) is refused: who is trusted
        must be said with `Actor.system(...)`."""
        if isinstance(who, Actor):
            return who
        if isinstance(who, User):
            return cls.officer(who)
        raise TypeError(f"not an actor: {who!r}; use Actor.officer/partner/applicant/system")

    # -- what it is ---------------------------------------------------------------------------------------

    @property
    def name(self) -> str:
        """The name people read where the actor is shown (a decision, a membership's history)."""
        if self.user is not None:
            return (self.user.full_name or self.user.username)[:LABEL_MAX]
        return self.label

    @property
    def funder_id(self) -> int | None:
        """The funder the actor belongs to; None for the applicant, the system and a system operator."""
        if self.user is not None:
            return self.user.funder_id
        if self.token is not None:
            return self.token.funder_id
        return None

    def scope(self) -> Scope:
        """The slice of data the actor works in. PermissionDenied for an officer without a usable role."""
        if self.kind is Kind.OFFICER:
            assert self.user is not None
            return scope_of(self.user)
        if self.kind is Kind.PARTNER:
            assert self.token is not None
            return Scope(everything=False, funder_id=self.token.funder_id, agency_id=self.token.agency_id)
        return EVERYTHING if self.kind is Kind.SYSTEM else NOTHING

    def covers(self, funder_id: int) -> bool:
        """May the actor act on data of this funder? The public may apply to any funder's programme."""
        return self.kind is Kind.APPLICANT or self.scope().covers(funder_id)

    # -- the one check ------------------------------------------------------------------------------------

    def require(
        self, capability: str, *alternatives: str, programme: Owned | None = None, funder_id: int | None = None
    ) -> Scope:
        """The actor's scope, if it holds `capability` (or one of the `alternatives`) and the programme (or the
        funder's own data) named is its funder's; PermissionDenied otherwise. The system always may."""
        if self.kind is Kind.SYSTEM:
            return EVERYTHING
        scope = self._capable_scope((capability, *alternatives))
        if programme is not None and not self.covers(programme.funder_id):
            raise PermissionDenied(_("Program %(code)s bukan milik instansi Anda.") % {"code": programme.code})
        if funder_id is not None and not self.covers(funder_id):
            raise PermissionDenied(_("Data pemberi dana lain di luar wewenang Anda."))
        return scope

    def require_operator(self, refusal: str) -> None:
        """Only the system operator (or the system) changes what every funder shares, such as the holiday
        calendar or the national contribution table; `refusal` says why to anyone else."""
        if self.kind is Kind.SYSTEM:
            return
        if self.user is None or not self.user.is_system_administrator or not user_can(self.user, C.ADMINISTER):
            raise PermissionDenied(refusal)

    def _capable_scope(self, capabilities: tuple[str, ...]) -> Scope:
        if self.kind is Kind.OFFICER:
            assert self.user is not None
            scope = scope_of(self.user)  # an outsider is refused here, whatever is asked
            if not any(user_can(self.user, c) for c in capabilities):
                raise PermissionDenied(_("Peran Anda tidak berwenang untuk tindakan ini."))
            return scope
        if self.kind is Kind.PARTNER:
            assert self.token is not None
            if self.token.revoked_at is not None or not any(token_can(self.token, c) for c in capabilities):
                raise PermissionDenied(_("Token ini tidak berwenang untuk tindakan ini."))
            return self.scope()
        if not any(c in APPLICANT_CAPABILITIES for c in capabilities):
            raise PermissionDenied(_("Tindakan ini hanya untuk petugas."))
        return NOTHING


def officer_of(request: HttpRequest) -> User:
    """The signed-in officer of a page behind the login (the middleware and decorators have let them in)."""
    user = request.user
    assert isinstance(user, User)
    return user
