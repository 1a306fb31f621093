"""Reads of memberships, scoped to the officer asking, and a member's whole story in time order.

Who reads: officers who see applications of the funder (a kelurahan operator only for members registered in
their own kelurahan), and those who act on memberships (BPJS exchange, programme management). Verifiers judge
applications for their agency; membership is none of their business, so they are refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jaring.allocation.models import EndReason, Place
from jaring.core.errors import NotFound, PermissionDenied
from jaring.core.models import Region, User
from jaring.core.permissions import Capability, user_can
from jaring.core.selectors import Scope, scope_of
from jaring.enrolment.models import BatchMember, Card, Membership, MembershipEvent, ReverificationCampaign
from jaring.programmes.models import Programme
from jaring.programmes.selectors import bpjs_only, programme_in_scope
from jaring.registry.assessment import outcome_rows
from jaring.registry.models import Application, Channel
from jaring.verification.models import Decision, Outcome

READ_CAPABILITIES = (Capability.VIEW_APPLICATIONS, Capability.EXCHANGE_WITH_BPJS, Capability.MANAGE_PROGRAMMES)
QUERY_MAX = 100


def members_scope(user: User | object) -> Scope:
    """The scope in which the officer reads memberships; PermissionDenied for verifiers and roles without a
    reading capability (leadership reads figures on the dashboard, not people)."""
    scope = scope_of(user)
    if scope.agency_id is not None:
        raise PermissionDenied(_("Verifikator tidak mengelola kepesertaan. Buka antrean verifikasi Anda."))
    if not any(user_can(user, capability) for capability in READ_CAPABILITIES):
        raise PermissionDenied(_("Peran Anda tidak berwenang untuk tindakan ini."))
    return scope


def may_change_memberships(user: User | object) -> bool:
    return user_can(user, Capability.EXCHANGE_WITH_BPJS)


def may_reverify(user: User | object) -> bool:
    return user_can(user, Capability.MANAGE_PROGRAMMES)


def _scoped(qs: QuerySet[Membership], scope: Scope) -> QuerySet[Membership]:
    if scope.everything:
        return qs
    qs = qs.filter(programme__funder_id=scope.funder)
    if scope.kelurahan_code is not None:
        qs = qs.filter(application__kelurahan_id=scope.kelurahan_code)
    return qs


def programmes_visible_to(user: User) -> QuerySet[Programme]:
    scope = members_scope(user)
    qs = bpjs_only(Programme.objects.select_related("funder").order_by("-year", "code"))
    return qs if scope.everything else qs.filter(funder_id=scope.funder)


def programme_of(user: User, code: str) -> Programme:
    """A programme whose members the officer may read; NotFound otherwise, so codes cannot be probed."""
    return programme_in_scope(members_scope(user), code)


@dataclass
class ProgrammeMembers:
    programme: Programme
    active: int = 0
    non_active: int = 0
    ended: int = 0

    @property
    def total(self) -> int:
        return self.active + self.non_active + self.ended


def programmes_with_member_counts(user: User) -> list[ProgrammeMembers]:
    """The officer's programmes, newest first, with their members by status (a kelurahan operator's counts
    are of their own kelurahan)."""
    scope = members_scope(user)
    rows = [ProgrammeMembers(programme) for programme in programmes_visible_to(user)]
    by_id = {row.programme.pk: row for row in rows}
    counts = (
        _scoped(Membership.objects.filter(programme_id__in=list(by_id)), scope)
        .values("programme_id", "status")
        .annotate(n=Count("id"))
    )
    for count in counts:
        row = by_id[count["programme_id"]]
        if count["status"] in (Membership.Status.ACTIVE, Membership.Status.NON_ACTIVE, Membership.Status.ENDED):
            setattr(row, count["status"], count["n"])
    return rows


def memberships_visible_to(
    user: User, *, programme_code: str = "", status: str = "", kelurahan: str = "", query: str = ""
) -> QuerySet[Membership]:
    """Memberships the officer may read, filtered. `query` is a name (any part), or digits: the start of a KPJ
    or of a NIK."""
    scope = members_scope(user)
    qs = _scoped(
        Membership.objects.select_related(
            "person", "programme", "programme__funder", "application", "application__kelurahan"
        ),
        scope,
    )
    if programme_code:
        qs = qs.filter(programme__code=programme_code)
    if status:
        qs = qs.filter(status=status)
    if kelurahan:
        qs = qs.filter(application__kelurahan_id=kelurahan)
    query = query.strip()[:QUERY_MAX]
    if query:
        digits = "".join(query.split())
        if digits.isdigit():
            qs = qs.filter(Q(kpj__startswith=digits) | Q(person__nik__startswith=digits))
        else:
            qs = qs.filter(person__name__icontains=query)
    return qs.order_by("person__name", "pk")


def membership_for(user: User, pk: int) -> Membership:
    """One membership the officer may read; NotFound (not 403) outside their scope, so ids cannot be probed."""
    membership = (
        memberships_visible_to(user)
        .select_related(
            "place__programme",
            "person__kelurahan",
            "person__sector",
            "application__sector",
            "application__rule_version",
            "application__created_by",
        )
        .prefetch_related(
            Prefetch("application__decisions", queryset=_DECISIONS),
            Prefetch("cards", queryset=Card.objects.order_by("issued_at", "id")),
        )
        .filter(pk=pk)
        .first()
    )
    if membership is None:
        raise NotFound(_("Kepesertaan tidak ditemukan atau di luar wewenang Anda."))
    return membership


@dataclass(frozen=True)
class KelurahanChoice:
    code: str
    name: str
    kecamatan: str
    count: int


# A member's kelurahan is their application's: the one they were registered and judged in, which also decides
# a kelurahan operator's scope. Lists, filters, card prints, hand-overs and the report all count by it.
MEMBER_KELURAHAN = "application__kelurahan"


def kelurahans_with(rows: QuerySet[Any], path: str = MEMBER_KELURAHAN) -> list[KelurahanChoice]:
    """Kelurahan of `rows` (memberships, or anything reaching one through `path`) with how many rows each,
    by kecamatan then name."""
    counts = dict(rows.order_by().values(f"{path}_id").annotate(n=Count("id")).values_list(f"{path}_id", "n"))
    regions = Region.objects.filter(code__in=[c for c in counts if c]).select_related("parent")
    return sorted(
        (KelurahanChoice(r.code, r.name, r.parent.name if r.parent else "", counts[r.code]) for r in regions),
        key=lambda k: (k.kecamatan, k.name),
    )


def member_kelurahans(programme: Programme, *, user: User | None = None, active: bool = False) -> list[KelurahanChoice]:
    """Kelurahan with members of the programme (only active ones with `active`; within the officer's scope
    when `user` is given), and how many."""
    qs = Membership.objects.filter(programme=programme)
    if active:
        qs = qs.filter(status=Membership.Status.ACTIVE)
    if user is not None:
        qs = _scoped(qs, members_scope(user))
    return kelurahans_with(qs)


def kelurahan_choices(programme: Programme, user: User) -> list[tuple[str, str]]:
    """Kelurahan that have members in the programme (within the officer's scope), for the list's filter."""
    return [(k.code, k.name) for k in member_kelurahans(programme, user=user)]


def reverification_targets(programme: Programme) -> QuerySet[Programme]:
    """Programmes a re-verification of `programme` may take its members into: same funder and scheme, a later
    year."""
    later = Programme.objects.filter(funder_id=programme.funder_id, scheme=programme.scheme, year__gt=programme.year)
    return bpjs_only(later.order_by("year", "code"))


def campaigns_of(programme: Programme) -> QuerySet[ReverificationCampaign]:
    return ReverificationCampaign.objects.filter(source=programme).select_related("target", "job", "created_by")


# -- the member's story ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One line of a member's history. `at` orders the story (when it was recorded); `effective` is the date
    a change took effect, when that differs."""

    at: datetime
    kind: str  # application, assessment, decision, place, batch, bpjs, membership, card, renewal
    title: str
    details: list[str] = field(default_factory=list)
    actor: str = ""
    effective: date | None = None


_DECISIONS = Decision.objects.select_related("agency", "reason").order_by("decided_at", "id")


def _prefetched(instance: Any, name: str) -> bool:
    return name in getattr(instance, "_prefetched_objects_cache", {})


def _application_steps(application: Application, *, renewal: bool = False) -> list[Step]:
    steps: list[Step] = []
    created_by = application.created_by
    if renewal:
        title = _("Pendaftaran ulang %(number)s ke program %(code)s (verifikasi ulang)") % {
            "number": application.number,
            "code": application.programme.code,
        }
    else:
        title = _("Pendaftaran %(number)s dibuat (%(channel)s)") % {
            "number": application.number,
            "channel": application.get_channel_display(),
        }
    steps.append(
        Step(
            at=application.created_at,
            kind="renewal" if renewal else "application",
            title=title,
            actor=(created_by.full_name or created_by.username) if created_by else "",
        )
    )
    if application.submitted_at and not renewal:
        steps.append(Step(at=application.submitted_at, kind="application", title=_("Pendaftaran diajukan")))
    if application.assessed_at:
        rows = outcome_rows(application)
        if application.eligible and application.complete:
            verdict = _("memenuhi syarat dan dokumen lengkap")
        elif application.eligible:
            verdict = _("memenuhi syarat, dokumen belum lengkap")
        else:
            verdict = _("tidak memenuhi syarat")
        version = application.rule_version.version if application.rule_version else "-"
        steps.append(
            Step(
                at=application.assessed_at,
                kind="assessment",
                title=_("Syarat dinilai otomatis (aturan versi %(version)s): %(verdict)s")
                % {"version": version, "verdict": verdict},
                details=[
                    ("✓ " if row["passed"] else "✗ ")
                    + (f"{row['label']}: {row['reason']}" if row["reason"] else str(row["label"]))
                    for row in rows
                ],
            )
        )
    decision: Decision
    decisions = (
        application.decisions.all()
        if _prefetched(application, "decisions")
        else _DECISIONS.filter(application=application)
    )
    for decision in decisions:
        details = []
        if decision.reason:
            details.append(_("Alasan: %(reason)s") % {"reason": decision.reason.label})
        details += decision.fix_labels
        if decision.note:
            details.append(_("Catatan: %(note)s") % {"note": decision.note})
        if decision.late:
            details.append(_("Melewati batas waktu %(due)s") % {"due": decision.due.strftime("%d-%m-%Y")})
        steps.append(
            Step(
                at=decision.decided_at,
                kind="decision",
                title=_("Keputusan %(agency)s: %(outcome)s")
                % {"agency": decision.agency.name, "outcome": Outcome(decision.outcome).label},
                details=details,
                actor=decision.actor_label,
            )
        )
    return steps


def _place_steps(place: Place) -> list[Step]:
    steps = [
        Step(
            at=place.created_at,
            kind="place",
            title=_("Mendapat tempat kuota %(code)s") % {"code": place.programme.code},
            details=[
                _("Masa perlindungan %(start)s s.d. %(end)s")
                % {"start": place.starts.strftime("%d-%m-%Y"), "end": place.ends.strftime("%d-%m-%Y")}
            ],
        )
    ]
    if place.status == Place.Status.ENDED and place.ended_at:
        label = EndReason(place.end_reason).label if place.end_reason in EndReason.values else place.end_reason
        details = [_("Tempat kuota dibebaskan; perlindungan sampai %(end)s") % {"end": place.ends.strftime("%d-%m-%Y")}]
        if place.end_note:
            details.append(place.end_note)
        steps.append(
            Step(
                at=place.ended_at,
                kind="place",
                title=_("Tempat kuota berakhir: %(reason)s") % {"reason": label},
                details=details,
            )
        )
    return steps


def _batch_steps(application: Application) -> list[Step]:
    steps = []
    member: BatchMember
    for member in application.batch_members.select_related("batch", "batch__created_by").order_by("batch__created_at"):
        sender = member.batch.created_by
        steps.append(
            Step(
                at=member.batch.created_at,
                kind="batch",
                title=_("Dikirim ke BPJS Ketenagakerjaan dalam batch %(number)s (baris %(position)s)")
                % {"number": member.batch.number, "position": member.position},
                actor=(sender.full_name or sender.username) if sender else "",
            )
        )
        if member.answered_at is None:
            continue
        if member.outcome == BatchMember.Outcome.ACCEPTED:
            title = _("BPJS menerima: KPJ %(kpj)s") % {"kpj": member.kpj}
        else:
            title = _("BPJS menolak: %(reason)s") % {"reason": member.reason or "-"}
        steps.append(Step(at=member.answered_at, kind="bpjs", title=title))
    return steps


REASON_WORDS = {
    "bpjs_accepted": gettext_lazy("diterima BPJS"),
    "non_active": gettext_lazy("dinonaktifkan"),
    "reactivated": gettext_lazy("diaktifkan kembali"),
}


def event_reason_label(reason: str) -> str:
    if reason in EndReason.values:
        return str(EndReason(reason).label)
    return str(REASON_WORDS.get(reason, reason))


def _membership_steps(membership: Membership) -> list[Step]:
    labels = dict(Membership.Status.choices)
    steps = []
    event: MembershipEvent
    for event in membership.events.order_by("at", "id"):
        if event.from_status:
            title = _("Status kepesertaan: %(before)s → %(after)s") % {
                "before": labels.get(event.from_status, event.from_status),
                "after": labels.get(event.to_status, event.to_status),
            }
        else:
            title = _("Menjadi peserta aktif (KPJ %(kpj)s)") % {"kpj": membership.kpj}
        details = [_("Alasan: %(reason)s") % {"reason": event_reason_label(event.reason)}] if event.reason else []
        if event.note:
            details.append(event.note)
        steps.append(
            Step(
                at=event.at,
                kind="membership",
                title=title,
                details=details,
                actor=event.actor_label,
                effective=event.effective,
            )
        )
    card: Card
    for card in cards_of(membership):
        steps.append(
            Step(
                at=card.issued_at,
                kind="card",
                title=_("Kartu peserta dicetak"),
                details=[_("Berlaku sampai %(day)s") % {"day": card.valid_until.strftime("%d-%m-%Y")}],
            )
        )
        if card.handed_on:
            received = card.received_by
            steps.append(
                Step(
                    # The day starts the hand-over (its hour is not recorded): a card handed over this morning
                    # must not sort after what happened since.
                    at=max(card.issued_at, timezone.make_aware(datetime.combine(card.handed_on, time(0, 0)))),
                    kind="card",
                    title=_("Kartu diserahkan di %(place)s pada %(day)s")
                    % {"place": card.handed_at_place, "day": card.handed_on.strftime("%d-%m-%Y")},
                    details=[
                        _("Diterima oleh %(who)s; diserahkan oleh %(by)s") % {"who": received, "by": card.handed_by}
                    ],
                )
            )
    return steps


def cards_of(membership: Membership) -> list[Card]:
    """The member's cards, oldest first (prefetched by membership_for)."""
    if _prefetched(membership, "cards"):
        return list(membership.cards.all())
    return list(membership.cards.order_by("issued_at", "id"))


def renewals_of(membership: Membership) -> QuerySet[Application]:
    """The member's applications to the same funder's later programmes made by a re-verification."""
    return (
        Application.objects.filter(
            person_id=membership.person_id,
            programme__funder_id=membership.programme.funder_id,
            programme__year__gt=membership.programme.year,
            channel=Channel.RENEWAL,
        )
        .select_related("programme", "rule_version", "created_by")
        .prefetch_related(Prefetch("decisions", queryset=_DECISIONS))
        .order_by("programme__year", "created_at")
    )


def member_history(membership: Membership, *, renewals: Sequence[Application] | None = None) -> list[Step]:
    """Everything that happened to the member, oldest first: the application and its automatic assessment, the
    agencies' decisions, the place, each batch sent to BPJS and the branch's answer, every membership change,
    cards printed and handed over, and next year's renewal with its assessment and decisions. Reads what
    membership_for loaded; `renewals` are renewals_of(membership) when the caller has them already."""
    application = membership.application
    steps = _application_steps(application) + _place_steps(membership.place) + _batch_steps(application)
    steps += _membership_steps(membership)
    for renewal in renewals_of(membership) if renewals is None else renewals:
        steps += _application_steps(renewal, renewal=True)
        steps.append(
            Step(
                at=renewal.status_changed_at or renewal.created_at,
                kind="renewal",
                title=_("Status pendaftaran ulang %(number)s: %(status)s")
                % {"number": renewal.number, "status": renewal.get_status_display()},
                details=[line for line in renewal.status_reason.splitlines() if line.strip()],
            )
        )
    return sorted(steps, key=lambda step: step.at)


# -- partners -------------------------------------------------------------------------------------------------

STATUS_RANK: dict[str, int] = {Membership.Status.ACTIVE: 0, Membership.Status.NON_ACTIVE: 1, Membership.Status.ENDED: 2}


def memberships_of_person_at_funder(*, funder_id: int, nik: str = "", kpj: str = "") -> list[Membership]:
    """A person's memberships in one funder's programmes, found by NIK or by KPJ: the current one first (active,
    then non-active, then ended; the latest cover first within each). Another funder's memberships are never
    looked at, so the answer cannot tell whether the person is known elsewhere."""
    qs = Membership.objects.filter(programme__funder_id=funder_id).select_related("person", "programme__funder")
    if nik:
        found = list(qs.filter(person__nik=nik))
    else:
        # A KPJ stays with its holder across years; ask by the person behind the newest membership with it.
        latest = qs.filter(kpj=kpj).order_by("-starts", "-pk").first()
        found = list(qs.filter(person_id=latest.person_id)) if latest is not None else []
    return sorted(found, key=lambda m: (STATUS_RANK.get(m.status, 3), -m.starts.toordinal(), -m.pk))
