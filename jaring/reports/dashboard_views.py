"""The dashboard: each figure for a chosen programme and month within the viewer's scope, a chart for the
glance and a table of the same numbers under it, and the monthly report as a PDF ready to sign."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from jaring.core import clock
from jaring.core.actors import officer_of
from jaring.core.errors import PermissionDenied
from jaring.core.http import domain_errors_as_pages
from jaring.core.models import User
from jaring.core.permissions import Capability, user_can
from jaring.eligibility.rules import format_rupiah
from jaring.programmes.models import Programme
from jaring.programmes.money import thousands
from jaring.reports import charts, figures, selectors
from jaring.reports.monthly import monthly_report_pdf, report_file_name
from jaring.reports.tasks import refresh_start, snapshots_ensure

LIST_SHOWN = 15  # bars drawn of a long breakdown (kelurahan of a regency); the table under it has them all


def may_sign_reports(user: User) -> bool:
    """The monthly report goes to the head of the office: managers prepare it, leadership and auditors read it."""
    return user_can(user, Capability.MANAGE_PROGRAMMES) or user_can(user, Capability.VIEW_DASHBOARD)


def month_label(month: date) -> str:
    return date_format(month, "F Y")


def _short_month(month: date, count: int) -> str:
    return date_format(month, "M") if count <= 14 else date_format(month, "m/y")


@dataclass(frozen=True)
class Chosen:
    choice: selectors.ProgrammeChoice
    choices: list[selectors.ProgrammeChoice]
    month: date
    months: list[date]
    error: str
    computed_at: datetime | None


def _chosen(request: HttpRequest, viewer: selectors.Viewer) -> Chosen | None:
    choices = selectors.programmes_for(viewer)
    today = clock.today()
    code = request.GET.get("program", "")[:30]
    choice = (
        next((c for c in choices if c.programme.code == code), None)
        if code
        else selectors.default_programme(choices, today)
    )
    if code and choice is None:
        selectors.programme_for(viewer, code)  # NotFound, worded once
    if choice is None:
        return None
    programme = choice.programme
    # The table across funders reads every programme the viewer may see; others read only the one chosen.
    snapshots_ensure([c.programme for c in choices] if _across(viewer) else [programme])
    snapshot = selectors.snapshot_of(programme)
    months = selectors.report_months(programme, snapshot)
    wanted = request.GET.get("bulan", "")
    month = figures.parse_month(wanted) if wanted else None
    error = ""
    if wanted and month is None:
        error = _("Bulan: tulis tahun dan bulan sebagai TTTT-BB, misalnya %(example)s.") % {
            "example": figures.month_key(selectors.default_month(programme, today))
        }
    elif month is not None and month not in months:
        error = _("Bulan %(month)s di luar masa program %(code)s (%(first)s sampai %(last)s).") % {
            "month": month_label(month),
            "code": programme.code,
            "first": month_label(months[0]),
            "last": month_label(months[-1]),
        }
        month = None
    month = month or selectors.default_month(programme, today)
    return Chosen(choice, choices, month, months, error, snapshot.computed_at if snapshot else None)


def _across(viewer: selectors.Viewer) -> bool:
    """The province's overseers and the system operator compare programmes across funders."""
    return viewer.province is not None or viewer.scope.everything


def _bars(breakdown: selectors.Breakdown, chart_id: str) -> SafeString:
    rows = [(row.label, row.value) for row in breakdown.rows if row.value or breakdown.name in ("sex", "age_band")]
    return charts.bars(
        rows[:LIST_SHOWN], title=_("Peserta menurut %(what)s") % {"what": breakdown.title.lower()}, chart_id=chart_id
    )


def _trend_months(programme: Programme, chosen: date, today: date) -> list[date]:
    """Cover months up to this month (or the month chosen, when later): months to come have no trend yet."""
    last = min(programme.cover_end.replace(day=1), max(today.replace(day=1), chosen))
    return figures.months_from(programme.cover_start, last) if last >= programme.cover_start.replace(day=1) else []


def dashboard_context(viewer: selectors.Viewer, chosen: Chosen) -> dict[str, Any]:
    programme, month = chosen.choice.programme, chosen.month
    today = clock.today()
    kelurahan = viewer.kelurahan
    numbers = selectors.Numbers(programme, month, kelurahan=kelurahan)
    context: dict[str, Any] = {"viewer": viewer, "month": month, "month_label": month_label(month)}
    if viewer.sees_members:
        coverage = numbers.coverage()
        breakdowns = [b for b in coverage.breakdowns if kelurahan is None or b.name not in ("kecamatan", "kelurahan")]
        context["coverage"] = coverage
        context["breakdowns"] = [(b, _bars(b, f"chart-{b.name}")) for b in breakdowns]
        trend_months = _trend_months(programme, month, today)
        trend = numbers.months(trend_months)
        current = trend_months.index(month) if month in trend_months else None
        labels = [_short_month(m, len(trend_months)) for m in trend_months]
        context["trend"] = [(month_label(row.month), row) for row in trend]
        context["trend_chart"] = charts.columns(
            labels,
            [charts.Series(_("Peserta"), "chart-col", [row.members for row in trend])],
            title=_("Peserta per bulan"),
            chart_id="chart-trend",
            current=current,
        )
        quota = numbers.quota()
        context["quota"] = quota
        if kelurahan is None:
            context["quota_chart"] = charts.share(
                quota.places, quota.quota, title=_("Kuota terpakai"), chart_id="chart-quota"
            )
            context["quota_caption"] = _("%(used)s dari %(quota)s tempat terpakai") % {
                "used": thousands(quota.places),
                "quota": thousands(quota.quota),
            }
        cards = numbers.cards()
        context["cards"] = cards
        context["cards_chart"] = charts.share(
            cards.handed_to_date,
            cards.printed_to_date,
            title=_("Kartu diserahkan dari yang dicetak"),
            chart_id="chart-cards",
        )
        context["cards_caption"] = _("%(handed)s dari %(printed)s kartu sudah diserahkan") % {
            "handed": thousands(cards.handed_to_date),
            "printed": thousands(cards.printed_to_date),
        }
        statuses = numbers.statuses()
        context["statuses"] = statuses
        context["statuses_chart"] = charts.bars(
            [(row.label, row.value) for row in statuses], title=_("Pendaftaran menurut status"), chart_id="chart-status"
        )
    if viewer.sees_verification:
        context["agencies"] = numbers.verification(agency_id=viewer.agency_id)
        decision_months = [m for m in chosen.months if m <= max(today.replace(day=1), month)]
        decided = numbers.months(decision_months, agency_id=viewer.agency_id)
        context["decided"] = [(month_label(row.month), row) for row in decided if row.decided]
        context["decided_chart"] = charts.columns(
            [_short_month(m, len(decision_months)) for m in decision_months],
            [
                charts.Series(_("Disetujui"), "chart-approve", [row.approved for row in decided]),
                charts.Series(_("Dikembalikan"), "chart-return", [row.returned for row in decided]),
                charts.Series(_("Ditolak"), "chart-reject", [row.rejected for row in decided]),
            ],
            title=_("Keputusan verifikasi per bulan"),
            chart_id="chart-decisions",
            current=decision_months.index(month) if month in decision_months else None,
        )
    if _across(viewer):
        lines = selectors.across_funders(chosen.choices, month)
        context["across"] = lines
        context["across_chart"] = charts.bars(
            [(line.programme.code, line.members) for line in lines if line.in_cover],
            title=_("Peserta per program"),
            chart_id="chart-across",
        )
    if viewer.sees_members and kelurahan is None:
        context["double"] = numbers.double_funding()
        if may_read_money(viewer.user):
            context.update(_money(numbers, chosen, today))
        if may_read_claims(viewer.user):
            claims = numbers.claims()
            context["claims"] = claims
            context["claims_chart"] = charts.bars(
                [(row.label, row.value) for row in claims.by_status],
                title=_("Klaim menurut status"),
                chart_id="chart-claims",
            )
    return context


def may_read_money(user: User) -> bool:
    """The budget and contributions: those who run or watch the programme's money."""
    return any(user_can(user, c) for c in (Capability.VIEW_CONTRIBUTIONS, Capability.VIEW_DASHBOARD))


def may_read_claims(user: User) -> bool:
    return any(user_can(user, c) for c in (Capability.VIEW_CLAIMS, Capability.VIEW_DASHBOARD))


def _money(numbers: selectors.Numbers, chosen: Chosen, today: date) -> dict[str, Any]:
    budget = numbers.budget()
    if budget is None:
        return {}
    programme = chosen.choice.programme
    months = _trend_months(programme, chosen.month, today)  # months to come owe nothing yet
    money = numbers.money(months)
    current = months.index(chosen.month) if chosen.month in months else None
    return {
        "budget": budget,
        "budget_chart": charts.share(budget.used, budget.budget, title=_("Anggaran terpakai"), chart_id="chart-budget"),
        "budget_caption": _("%(used)s dari anggaran %(budget)s terpakai atau terikat")
        % {"used": format_rupiah(budget.used), "budget": format_rupiah(budget.budget)},
        "money": [(month_label(row.month), row) for row in money],
        "money_chart": charts.columns(
            [_short_month(m, len(months)) for m in months],
            [
                charts.Series(_("Dibayar"), "chart-approve", [row.paid for row in money]),
                charts.Series(_("Belum dibayar"), "chart-return", [max(row.expected - row.paid, 0) for row in money]),
            ],
            title=_("Iuran per bulan: dibayar dan belum dibayar"),
            chart_id="chart-money",
            current=current,
            money=True,
        ),
    }


@login_required
@domain_errors_as_pages
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    user = officer_of(request)
    viewer = selectors.viewer_of(user)
    chosen = _chosen(request, viewer)
    if chosen is None:
        return render(request, "reports/dashboard.html", {"viewer": viewer, "choices": []})
    programme = chosen.choice.programme
    context = {
        **dashboard_context(viewer, chosen),
        "choices": chosen.choices,
        "chosen": chosen.choice,
        "programme": programme,
        "months": [(figures.month_key(m), month_label(m)) for m in chosen.months],
        "month_key": figures.month_key(chosen.month),
        "error": chosen.error,
        "computed_at": chosen.computed_at,
        "may_refresh": chosen.choice.own and may_sign_reports(user),
        "may_print_report": chosen.choice.own and may_sign_reports(user) and viewer.kelurahan is None,
    }
    return render(request, "reports/dashboard.html", context, status=400 if chosen.error else 200)


@login_required
@domain_errors_as_pages
@require_POST
def refresh(request: HttpRequest) -> HttpResponse:
    """Count the figures again now (in the worker); back to the same programme and month."""
    user = officer_of(request)
    viewer = selectors.viewer_of(user)
    choice = selectors.programme_for(viewer, request.POST.get("program", "")[:30])
    if not (choice.own and may_sign_reports(user)):
        raise PermissionDenied(_("Peran Anda tidak berwenang untuk tindakan ini."))
    refresh_start(actor=user, codes=[choice.programme.code])
    messages.success(request, _("Angka sedang dihitung ulang di latar belakang; muat ulang halaman sebentar lagi."))
    params = {"program": choice.programme.code}
    month = figures.parse_month(request.POST.get("bulan", ""))
    if month is not None:
        params["bulan"] = figures.month_key(month)
    return redirect(f"{reverse('reports:dashboard')}?{urlencode(params)}")


@login_required
@domain_errors_as_pages
@require_GET
def monthly_report(request: HttpRequest, code: str, month: str) -> HttpResponse:
    """The programme's report for one month, as a PDF for the head of the owning office to sign."""
    user = officer_of(request)
    viewer = selectors.viewer_of(user)
    choice = selectors.programme_for(viewer, code)
    if not (choice.own and may_sign_reports(user)) or viewer.kelurahan is not None:
        raise PermissionDenied(_("Peran Anda tidak berwenang untuk tindakan ini."))
    programme = choice.programme
    snapshots_ensure([programme])
    day = figures.parse_month(month)
    if day is None or day not in selectors.report_months(programme, selectors.snapshot_of(programme)):
        return render(
            request,
            "core/error.html",
            {"message": _("Bulan laporan tidak dikenal: pilih bulan dari dasbor program %(code)s.") % {"code": code}},
            status=404,
        )
    content = monthly_report_pdf(programme, day, prepared_by=user)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{report_file_name(programme, day)}"'
    return response
