"""Reads of persons and applications, scoped to the officer asking."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from jaring.core.errors import NotFound, PermissionDenied
from jaring.core.models import AuditRecord, User
from jaring.core.permissions import Capability, user_can
from jaring.core.selectors import Scope, require, scope_of
from jaring.eligibility.models import DocumentKind
from jaring.registry.models import Application, Person, mask_nik
from jaring.registry.states import OPEN_STATUSES, ApplicationStatus, Transition


def _scoped(qs: QuerySet[Application], scope: Scope) -> QuerySet[Application]:
    if scope.everything:
        return qs
    qs = qs.filter(programme__funder_id=scope.funder)
    if scope.agency_id is not None:
        qs = qs.filter(verifying_agency_id=scope.agency_id)
    if scope.kelurahan_code is not None:
        qs = qs.filter(kelurahan_id=scope.kelurahan_code)
    return qs


def applications_visible_to(
    user: User, *, status: str = "", programme_code: str = "", query: str = ""
) -> QuerySet[Application]:
    scope = require(user, Capability.VIEW_APPLICATIONS)
    qs = Application.objects.select_related(
        "person", "programme", "programme__funder", "kelurahan", "sector", "verifying_agency"
    )
    qs = _scoped(qs, scope)
    if status:
        qs = qs.filter(status=status)
    if programme_code:
        qs = qs.filter(programme__code=programme_code)
    query = query.strip()
    if query:
        if query.isdigit():
            qs = qs.filter(person__nik__startswith=query)
        else:
            qs = qs.filter(person__name__icontains=query) | qs.filter(number__iexact=query)
    return qs


def application_for(user: User, *, number: str) -> Application:
    """One application the officer may see; NotFound (not 403) so numbers cannot be probed."""
    application = applications_visible_to(user).filter(number=number).first()
    if application is None:
        raise NotFound(_("Pendaftaran %(number)s tidak ditemukan atau di luar wewenang Anda.") % {"number": number})
    return application


@dataclass
class NikLookup:
    """What an officer may learn about a NIK before registering it."""

    nik: str
    known: bool = False  # a person with this NIK exists anywhere in the system
    person: Person | None = None  # set only when the officer may see (and prefill from) their data
    elsewhere: bool = False  # known, but only to another funder, or outside a kelurahan operator's area
    open_applications: list[Application] = field(default_factory=list)  # in the officer's funder's programmes

    @property
    def nik_masked(self) -> str:
        return mask_nik(self.nik)


def person_nik_lookup(user: User, *, nik: str) -> NikLookup:
    """Whether the NIK is known, its open applications in the officer's funder's programmes (number, status,
    programme only), and the person record when the officer may reuse it: officers of a funder that has
    registered the person before, a kelurahan operator only for people of their own kelurahan."""
    scope = require(user, Capability.REGISTER_APPLICANTS)
    lookup = NikLookup(nik=nik)
    person = Person.objects.select_related("kelurahan", "sector").filter(nik=nik).first()
    if person is None:
        return lookup
    lookup.known = True
    own = Application.objects.filter(person=person)
    if not scope.everything:
        own = own.filter(programme__funder_id=scope.funder)
    lookup.open_applications = list(
        own.filter(status__in=OPEN_STATUSES).select_related("programme").order_by("-created_at")
    )
    in_area = scope.kelurahan_code is None or person.kelurahan_id == scope.kelurahan_code
    if own.exists() and in_area:
        lookup.person = person
    else:
        lookup.elsewhere = True
    return lookup


def application_counts_by_status(user: User) -> dict[str, int]:
    """Counts for a home page or dashboard: officers who see applications, and leadership (figures only)."""
    scope = scope_of(user)
    if not (user_can(user, Capability.VIEW_APPLICATIONS) or user_can(user, Capability.VIEW_DASHBOARD)):
        raise PermissionDenied(_("Peran Anda tidak berwenang untuk tindakan ini."))
    rows = _scoped(Application.objects.all(), scope).values("status").annotate(n=Count("id"))
    return {row["status"]: row["n"] for row in rows}


# What people type for BPN-2026-001525: "bpn-2026-1525", "BPN 2026 1525", "bpn2026-001525", "BPN-2026-1.525".
_NUMBER_SEPARATORS = re.compile(r"[\s._/\\\u2013\u2014-]+")
_NUMBER_SHAPE = re.compile(r"(?P<code>[A-Z]+)(?P<year>[0-9]{4})(?P<serial>[0-9]{1,7})")
_NIK_NOISE = re.compile(r"[\s.\-]+")


def application_number_normalise(text: str) -> str:
    """An application number as people type it, in the form Jaring writes it (`BPN-2026-001525`): any case,
    spaces, dots or slashes for dashes, and the serial without its leading zeros. Text of another shape comes back
    upper-cased with its separators as single dashes, to be compared as it is."""
    cleaned = _NUMBER_SEPARATORS.sub("-", text.strip().upper()).strip("-")
    match = _NUMBER_SHAPE.fullmatch(cleaned.replace("-", ""))
    if match is None or int(match["serial"]) >= 1_000_000:
        return cleaned
    return f"{match['code']}-{match['year']}-{int(match['serial']):06d}"


def application_status_lookup(*, number: str, nik: str) -> Application | None:
    """The application with this number AND this NIK, for the public status check; None for any mismatch,
    so the answer never tells which of the two was wrong. Both are taken as people type them."""
    number, nik = application_number_normalise(number), _NIK_NOISE.sub("", nik)
    if not number or not nik:
        return None
    # Only what the answer shows: the status check is the busiest public endpoint.
    fields = ("number", "status", "status_reason", "eligibility")
    return Application.objects.filter(number=number, person__nik=nik).only(*fields).first()


def identity_confirmation_of(application: Application) -> str:
    """Who said the NIK matches the KTP after being warned it disagrees with the birth date or sex, in words for
    the verifier; "" when nobody did (or nothing was warned about)."""
    if not application.warnings:
        return ""
    records = AuditRecord.objects.filter(
        target_type="registry.application",
        target_id=str(application.pk),
        action__in=("application.identity_confirm", "application.declare"),
    ).select_related("actor")
    for record in records.order_by("-at", "-id"):
        if record.action == "application.declare" and not (record.data or {}).get("identity_confirmed"):
            continue
        if record.actor is not None:
            name = record.actor.full_name or record.actor.username
            return _("%(name)s menyatakan sudah mencocokkannya dengan KTP asli pemohon.") % {"name": name}
        return _("Pemohon menyatakan data ini sesuai KTP-nya.")
    return ""


def documents_requested_of(application: Application) -> list[str]:
    """The document kinds the verifier asked for anew when returning the application (their fixes are recorded
    with the return; a document fix is named by its document kind)."""
    if application.status != ApplicationStatus.RETURNED:
        return []
    record = (
        AuditRecord.objects.filter(
            target_type="registry.application",
            target_id=str(application.pk),
            action=f"application.{Transition.RETURN_FOR_CORRECTION}",
        )
        .order_by("-at", "-id")
        .first()
    )
    fixes = (record.data or {}).get("fixes", []) if record is not None else []
    return [kind for kind in DocumentKind.values if isinstance(fixes, list) and kind in fixes]


def public_reasons(application: Application) -> list[str]:
    """What an applicant may read about their own application: the reasons when it is not eligible, returned
    or rejected. Nothing else about the person."""
    if application.status == ApplicationStatus.NOT_ELIGIBLE:
        failed = [
            o["reason"] for o in application.eligibility if not o.get("passed") and o.get("affects") != "completeness"
        ]
        return failed or ([application.status_reason] if application.status_reason else [])
    if application.status in (ApplicationStatus.RETURNED, ApplicationStatus.REJECTED) and application.status_reason:
        # A verifier's decision writes one line per thing to fix, and the note last.
        return [line for line in application.status_reason.splitlines() if line.strip()]
    return []
