"""Programme managers' pages on places: quota and budget use, the waitlist, participants (and ending a place),
people two funders want to pay for, the budget planner and the contribution table. Views translate HTTP to
allocation and programmes services; scope is decided in allocation.selectors."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from jaring.allocation import selectors
from jaring.allocation.forms import HandOverForm, PlaceEndForm
from jaring.allocation.models import EndReason, Place
from jaring.allocation.selectors import rupiah_text
from jaring.allocation.services import conflicts_of, place_end, place_hand_over, programme_quota_set, waitlist_admit
from jaring.core import clock
from jaring.core.actors import officer_of
from jaring.core.errors import Conflict, DomainError, PermissionDenied
from jaring.core.http import client_ip, domain_errors_as_pages
from jaring.core.models import User
from jaring.core.permissions import Capability, user_can
from jaring.core.selectors import scope_of
from jaring.core.services import access_log_write
from jaring.programmes import money
from jaring.programmes.forms import ContributionRateForm, PlannerForm, ProgrammeSettingsForm, QuotaForm
from jaring.programmes.models import ContributionRate, Programme, WaitlistKey
from jaring.programmes.money import Bracket, NoRates, bracket_for, brackets_in_force, thousands
from jaring.programmes.selectors import contribution_brackets, lowest_income_basis
from jaring.programmes.services import contribution_rate_add, programme_settings_set

PAGE_SIZE = 50


def _planner_url(figures: selectors.Figures) -> str:
    programme = figures.programme
    query = {
        "anggaran": thousands(programme.budget) if programme.budget else "",
        "kuota": thousands(programme.quota),
        "bulan": str(min(figures.cover_months, 12)),
        "penghasilan": thousands(int(programme.income_basis)),
        "tanggal": programme.cover_start.isoformat(),
    }
    return f"{reverse('allocation:planner')}?{urlencode(query)}"


def _programme_context(user: User, programme: Programme, current: str) -> dict[str, Any]:
    return {"programme": programme, "current": current, "can_manage": selectors.may_manage(user)}


# -- quota and budget ------------------------------------------------------------------------------------------


@login_required
@domain_errors_as_pages
@require_GET
def quota_list(request: HttpRequest) -> HttpResponse:
    user = officer_of(request)
    rows = selectors.programmes_figures(user)
    return render(request, "allocation/quota_list.html", {"rows": rows, "can_manage": selectors.may_manage(user)})


@login_required
@domain_errors_as_pages
@require_http_methods(["GET", "POST"])
def quota(request: HttpRequest, code: str) -> HttpResponse:
    """A programme's figures; for its managers, the quota and the money settings."""
    user = officer_of(request)
    if request.method != "POST":
        return _quota_page(request, user, selectors.programme_of(user, code))
    programme = selectors.programme_of(user, code, manage=True)
    change = QUOTA_CHANGES.get(request.POST.get("aksi", ""))
    if change is None:
        messages.warning(request, _("Tindakan tidak dikenal; tidak ada yang diubah."))
        return redirect("allocation:quota", code=programme.code)
    return change(request, user, programme)


def _quota_change(request: HttpRequest, user: User, programme: Programme) -> HttpResponse:
    form = QuotaForm(request.POST)
    if not form.is_valid():
        return _quota_page(request, user, programme, quota_form=form, status=400)
    before = programme.quota
    new_quota = form.cleaned_data["quota"]
    try:
        admitted = programme_quota_set(programme=programme, quota=new_quota, actor=user)
    except DomainError as exc:
        form.add_error("quota", exc.message)
        return _quota_page(request, user, programme, quota_form=form, status=exc.status_code)
    messages.success(
        request,
        _("Kuota %(code)s diubah dari %(before)s menjadi %(after)s; %(admitted)s diterima dari daftar tunggu.")
        % {
            "code": programme.code,
            "before": thousands(before),
            "after": thousands(new_quota),
            "admitted": thousands(len(admitted)),
        },
    )
    return redirect("allocation:quota", code=programme.code)


def _settings_change(request: HttpRequest, user: User, programme: Programme) -> HttpResponse:
    form = ProgrammeSettingsForm(request.POST)
    if not form.is_valid():
        return _quota_page(request, user, programme, settings_form=form, status=400)
    try:
        programme_settings_set(programme=programme, actor=user, **form.settings_values())
    except DomainError as exc:
        form.add_domain_errors(exc.errors, exc.message)
        return _quota_page(request, user, programme, settings_form=form, status=exc.status_code)
    messages.success(request, _("Pengaturan anggaran %(code)s disimpan.") % {"code": programme.code})
    return redirect(f"{reverse('allocation:quota', kwargs={'code': programme.code})}#pengaturan")


# The forms of the quota page, by the `aksi` they post.
QUOTA_CHANGES: dict[str, Callable[[HttpRequest, User, Programme], HttpResponse]] = {
    "kuota": _quota_change,
    "pengaturan": _settings_change,
}


def _quota_page(
    request: HttpRequest,
    user: User,
    programme: Programme,
    *,
    quota_form: QuotaForm | None = None,
    settings_form: ProgrammeSettingsForm | None = None,
    status: int = 200,
) -> HttpResponse:
    figures = selectors.programme_figures(user, programme)
    context = {
        **_programme_context(user, programme, "quota"),
        "figures": figures,
        "quota_form": quota_form or QuotaForm(initial=None),
        "settings_form": settings_form or ProgrammeSettingsForm(initial=ProgrammeSettingsForm.initial_for(programme)),
        "waitlist_order": selectors.waitlist_order_text(programme),
        "planner_url": _planner_url(figures),
    }
    return render(request, "allocation/quota.html", context, status=status)


# -- the waitlist ----------------------------------------------------------------------------------------------


@never_cache  # names, masked NIKs and incomes of the waiting applicants
@login_required
@domain_errors_as_pages
@require_http_methods(["GET", "POST"])
def waitlist(request: HttpRequest, code: str) -> HttpResponse:
    user = officer_of(request)
    programme = selectors.programme_of(user, code, manage=True)
    if request.method == "POST":
        admitted = waitlist_admit(programme=programme, actor=user)
        if admitted:
            messages.success(
                request,
                _("%(count)s pemohon diterima dari daftar tunggu: %(numbers)s.")
                % {"count": thousands(len(admitted)), "numbers": ", ".join(a.number for a in admitted[:20])}
                + (" …" if len(admitted) > 20 else ""),
            )
        else:
            messages.info(
                request,
                _(
                    "Tidak ada yang diterima: tidak ada tempat kosong, atau pemohon yang menunggu sudah dibiayai "
                    "pemberi dana lain pada bulan yang sama."
                ),
            )
        return redirect("allocation:waitlist", code=programme.code)
    page = Paginator(selectors.waitlist_for(user, programme), PAGE_SIZE).get_page(request.GET.get("page"))
    conflicted = {a.pk for a, _place in conflicts_of(programme)}
    rows = [
        (
            page.start_index() + i,
            application,
            application.pk in conflicted,
            rupiah_text(application.person.monthly_income),
        )
        for i, application in enumerate(page.object_list)
    ]
    figures = selectors.programme_figures(user, programme)
    context = {
        **_programme_context(user, programme, "waitlist"),
        "figures": figures,
        "page": page,
        "rows": rows,
        "waitlist_order": selectors.waitlist_order_text(programme),
        "show_age": WaitlistKey.OLDER in (programme.waitlist_order or []),
        "today": clock.today(),
    }
    return render(request, "allocation/waitlist.html", context)


# -- participants ----------------------------------------------------------------------------------------------

STATUS_FILTERS = {"aktif": Place.Status.ACTIVE, "berakhir": Place.Status.ENDED, "semua": ""}


@never_cache  # names and masked NIKs of the participants
@login_required
@domain_errors_as_pages
@require_GET
def places(request: HttpRequest, code: str) -> HttpResponse:
    user = officer_of(request)
    programme = selectors.programme_of(user, code, manage=True)
    status_key = request.GET.get("status", "aktif")
    if status_key not in STATUS_FILTERS:
        status_key = "aktif"
    query = request.GET.get("q", "").replace("\x00", "")[:100]
    places = selectors.places_for(user, programme, status=STATUS_FILTERS[status_key], query=query)
    page = Paginator(places, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        **_programme_context(user, programme, "places"),
        "page": page,
        "status_key": status_key,
        "status_filters": [
            ("aktif", _("Aktif")),
            ("berakhir", _("Berakhir")),
            ("semua", _("Semua")),
        ],
        "query": query,
        "figures": selectors.programme_figures(user, programme),
    }
    return render(request, "allocation/places.html", context)


@never_cache
@login_required
@domain_errors_as_pages
@require_http_methods(["GET", "POST"])
def place_end_view(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """End one place (withdrawal, death, moving away...): the next on the waitlist gets it."""
    user = officer_of(request)
    programme = selectors.programme_of(user, code, manage=True)
    place = selectors.place_of(user, programme, pk)
    back = reverse("allocation:places", kwargs={"code": programme.code})
    if place.status != Place.Status.ACTIVE:
        messages.warning(request, _("Tempat %(number)s sudah berakhir.") % {"number": place.application.number})
        return redirect(back)
    status = 200
    if request.method == "POST":
        form = PlaceEndForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                ended = place_end(place=place, reason=data["reason"], on=data["on"], note=data["note"], actor=user)
            except Conflict as exc:
                messages.warning(request, exc.message)
                return redirect(back)
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
                status = exc.status_code
            else:
                messages.success(
                    request,
                    _(
                        "Tempat %(number)s (%(name)s) berakhir pada %(ends)s karena %(reason)s. %(admitted)s "
                        "diterima dari daftar tunggu."
                    )
                    % {
                        "number": place.application.number,
                        "name": place.person.name,
                        "ends": place.ends.strftime("%d-%m-%Y"),
                        "reason": str(EndReason(place.end_reason).label).lower(),
                        "admitted": thousands(len(ended.admitted)),
                    },
                )
                return redirect(back)
        else:
            status = 400
    else:
        form = PlaceEndForm(initial={"on": clock.today()})
    access_log_write(
        actor=user,
        person_ref=str(place.person_id),
        person_label=place.person.name,
        what="place_end",
        path=request.path,
        ip_address=client_ip(request),
        funder=programme.funder,
    )
    context = {**_programme_context(user, programme, "places"), "place": place, "form": form}
    return render(request, "allocation/place_end.html", context, status=status)


# -- hand-over between funders ---------------------------------------------------------------------------------


@never_cache  # names and masked NIKs of people in two programmes
@login_required
@domain_errors_as_pages
@require_http_methods(["GET", "POST"])
def conflicts(request: HttpRequest, code: str) -> HttpResponse:
    user = officer_of(request)
    programme = selectors.programme_of(user, code, manage=True)
    status = 200
    failed: tuple[int, int] | None = None
    error = ""
    if request.method == "POST":
        form = HandOverForm(request.POST)
        if not form.is_valid():
            failed = (_int(request.POST.get("place")), _int(request.POST.get("application")))
            error = " ".join(str(m) for messages_ in form.errors.values() for m in messages_)
            status = 400
        else:
            data = form.cleaned_data
            row = selectors.conflict_of(user, programme, place_id=data["place"], application_id=data["application"])
            try:
                new = place_hand_over(
                    place=row.place, to_application=row.application, from_month=data["from_month"], actor=user
                )
            except Conflict as exc:
                messages.warning(request, exc.message)
                return redirect("allocation:conflicts", code=programme.code)
            except DomainError as exc:
                failed, error, status = (row.place.pk, row.application.pk), exc.message, exc.status_code
            else:
                messages.success(
                    request,
                    _("%(name)s dialihkan dari %(old)s ke %(new)s mulai %(month)s.")
                    % {
                        "name": row.application.person.name,
                        "old": row.place.programme.code,
                        "new": new.programme.code,
                        "month": new.starts.strftime("%m/%Y"),
                    },
                )
                return redirect("allocation:conflicts", code=programme.code)
    rows = selectors.conflicts_for(user, programme)
    context = {
        **_programme_context(user, programme, "conflicts"),
        "incoming": [r for r in rows if r.incoming],
        "outgoing": [r for r in rows if not r.incoming],
        "failed": failed,
        "error": error,
    }
    return render(request, "allocation/conflicts.html", context, status=status)


def _int(value: object) -> int:
    text = str(value or "")
    return int(text) if text.isdigit() and len(text) < 19 else 0


# -- the planner and the contribution table --------------------------------------------------------------------

PLANNER_CAPABILITIES = (Capability.MANAGE_PROGRAMMES, Capability.VIEW_DASHBOARD, Capability.ADMINISTER)


def _require_any(user: User, capabilities: tuple[str, ...]) -> None:
    scope_of(user)
    if not any(user_can(user, capability) for capability in capabilities):
        raise PermissionDenied(_("Peran Anda tidak berwenang untuk tindakan ini."))


def plan(*, budget: int | None, people: int | None, months: int, income: int | None, on: date) -> dict[str, Any]:
    """The planner's answers, with the sums written out the Indonesian way. A blank income is the lowest basis
    of the table in force on `on`. Raises NoRates."""
    brackets = contribution_brackets()
    basis = brackets_in_force(brackets, on)[0].income_basis if income is None else Decimal(income)
    contribution = bracket_for(basis, brackets, on).contribution()
    figures = money.plan(monthly=contribution.total, months=months, budget=budget, people=people)
    result: dict[str, Any] = {
        "contribution": contribution,
        "monthly_text": rupiah_text(figures.monthly),
        "jkk_text": rupiah_text(contribution.jkk),
        "jkm_text": rupiah_text(contribution.jkm),
        "basis_text": rupiah_text(contribution.income_basis),
        "months": months,
        "yearly_text": rupiah_text(figures.per_person),
    }
    if figures.budget is not None and figures.covered is not None:
        assert figures.covered_cost is not None and figures.leftover is not None
        result.update(
            {
                "covered": figures.covered,
                "covered_text": thousands(figures.covered),
                "budget_text": rupiah_text(figures.budget),
                "covered_cost_text": rupiah_text(figures.covered_cost),
                "leftover_text": rupiah_text(figures.leftover),
            }
        )
    if people is not None and figures.needed is not None:
        result.update(
            {
                "people_text": thousands(people),
                "needed": int(figures.needed),
                "needed_text": rupiah_text(figures.needed),
            }
        )
    return result


def _planner_initial(today: date) -> dict[str, str]:
    try:
        basis = thousands(lowest_income_basis(today))
    except NoRates:
        basis = ""  # the planner says there is no table once asked
    return {"bulan": "12", "penghasilan": basis}


@login_required
@domain_errors_as_pages
@require_GET
def planner(request: HttpRequest) -> HttpResponse:
    """From a budget, the people it covers; from a number of people, the budget. Needs no programme."""
    user = officer_of(request)
    _require_any(user, PLANNER_CAPABILITIES)
    asked = any(name in request.GET for name in PlannerForm.base_fields)
    form = PlannerForm(request.GET) if asked else PlannerForm(initial=_planner_initial(clock.today()))
    result: dict[str, Any] | None = None
    problem = ""
    status = 200
    if asked:
        if form.is_valid():
            data = form.cleaned_data
            on = data["tanggal"] or clock.today()
            try:
                result = plan(
                    budget=data["anggaran"],
                    people=data["kuota"],
                    months=data["bulan"],
                    income=data["penghasilan"],
                    on=on,
                )
            except NoRates:
                problem = _(
                    "Belum ada tabel iuran yang berlaku pada %(date)s. Administrator dapat mengisinya di halaman "
                    "tarif iuran."
                ) % {"date": on.strftime("%d-%m-%Y")}
                status = 400
        else:
            status = 400
    return render(
        request, "allocation/planner.html", {"form": form, "result": result, "problem": problem}, status=status
    )


def _percent(rate: Decimal) -> str:
    """0.0054 -> "0,54": a rate as the percentage people write."""
    return f"{rate * 100:.2f}".rstrip("0").rstrip(".").replace(".", ",")


def _rate_initial(today: date) -> dict[str, str]:
    """A new row starts from the lowest row of the table in force: a new regulation usually changes one figure."""
    try:
        lowest = brackets_in_force(contribution_brackets(), today)[0]
    except NoRates:
        return {}
    return {"jkk_rate": _percent(lowest.jkk_rate), "jkm_amount": thousands(lowest.jkm_amount)}


@login_required
@domain_errors_as_pages
@require_http_methods(["GET", "POST"])
def rates(request: HttpRequest) -> HttpResponse:
    """The BPU contribution table by effective date; administrators add rows (a new regulation adds a table)."""
    user = officer_of(request)
    _require_any(user, PLANNER_CAPABILITIES)
    # The BPU table is national and shared by every funder: only the system operator edits it.
    can_add = user_can(user, Capability.ADMINISTER) and user.is_system_administrator
    status = 200
    form = ContributionRateForm(initial=_rate_initial(clock.today())) if can_add else None
    if request.method == "POST":
        if not can_add:
            raise PermissionDenied(_("Hanya administrator yang dapat mengubah tabel iuran."))
        form = ContributionRateForm(request.POST)
        if form.is_valid():
            try:
                rate = contribution_rate_add(actor=user, **form.rate_values())
            except DomainError as exc:
                form.add_domain_errors(exc.errors, exc.message)
                status = exc.status_code
            else:
                messages.success(
                    request,
                    _("Baris tarif iuran berlaku sejak %(date)s untuk penghasilan mulai %(bound)s ditambahkan.")
                    % {"date": rate.effective_from.strftime("%d-%m-%Y"), "bound": rupiah_text(rate.lower_bound)},
                )
                return redirect("allocation:rates")
        else:
            status = 400
    today = clock.today()
    tables: dict[date, list[dict[str, Any]]] = {}
    for row in ContributionRate.objects.order_by("-effective_from", "lower_bound"):
        bracket = Bracket(row.effective_from, row.lower_bound, row.income_basis, row.jkk_rate, row.jkm_amount)
        paid = bracket.contribution()
        tables.setdefault(row.effective_from, []).append(
            {
                "row": row,
                "lower_bound": rupiah_text(row.lower_bound),
                "income_basis": rupiah_text(row.income_basis),
                "jkk_percent": _percent(row.jkk_rate),
                "jkk": rupiah_text(paid.jkk),
                "jkm": rupiah_text(paid.jkm),
                "total": rupiah_text(paid.total),
            }
        )
    in_force = max((d for d in tables if d <= today), default=None)
    context = {"tables": list(tables.items()), "in_force": in_force, "form": form, "can_add": can_add}
    return render(request, "allocation/rates.html", context, status=status)
