"""Programme managers' verification pages: the per-agency overview, routing and deadline, the rejection reasons,
and the outbox of messages to applicants."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from jaring.core.actors import officer_of
from jaring.core.errors import DomainError, NotFound
from jaring.core.http import client_ip, domain_errors_as_pages
from jaring.core.models import User
from jaring.core.permissions import Capability, user_can
from jaring.core.services import access_log_write
from jaring.programmes.models import Programme, RejectionReason
from jaring.programmes.selectors import programme_managed_by
from jaring.programmes.services import (
    programme_verification_days_set,
    rejection_reason_add,
    rejection_reason_retire,
    rejection_reasons_seed,
)
from jaring.registry.models import Application
from jaring.verification.manage_forms import (
    FIELD_PREFIX,
    OutboxFilterForm,
    OwningAgencyForm,
    RejectionReasonAddForm,
    RejectionReasonRetireForm,
    RoutesForm,
    VerificationDaysForm,
)
from jaring.verification.overview import (
    mask_recipient,
    offices_of,
    open_work_at,
    outbox_for,
    programme_overseen,
    programme_route_rows,
    programmes_overview,
    verification_overview,
)
from jaring.verification.services import programme_owning_agency_change, programme_routes_set

# The POST field that says which of a page's forms was sent.
ACTION = "aksi"


def _unknown_action(request: HttpRequest) -> None:
    messages.error(request, _("Formulir tidak dikenal. Muat ulang halaman lalu ulangi."))


@login_required
@domain_errors_as_pages
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    user = officer_of(request)
    rows = programmes_overview(user)
    context = {"rows": rows, "can_manage": user_can(user, Capability.MANAGE_PROGRAMMES)}
    return render(request, "verification/manage_index.html", context)


@login_required
@domain_errors_as_pages
@require_GET
def overview(request: HttpRequest, code: str) -> HttpResponse:
    """How each agency keeps up: open, overdue, returned, decided, late, median working days to decide."""
    user = officer_of(request)
    programme = programme_overseen(user, code=code)
    rows = verification_overview(user, programme=programme)
    totals = {key: sum(getattr(row, key) for row in rows) for key in ("open", "overdue", "returned", "decided", "late")}
    context = {
        "programme": programme,
        "rows": rows,
        "totals": totals,
        "can_manage": user_can(user, Capability.MANAGE_PROGRAMMES),
    }
    return render(request, "verification/manage_overview.html", context)


def _routes_page(programme: Programme) -> HttpResponse:
    return redirect("verification_manage:routes", code=programme.code)


def _routes_save(request: HttpRequest, user: User, programme: Programme, form: RoutesForm) -> HttpResponse | int:
    """A redirect once saved, else the status to render the page with."""
    if not form.is_valid():
        return 400
    changes = form.changes()
    if not changes:
        messages.info(request, _("Tidak ada rute yang berubah."))
        return _routes_page(programme)
    try:
        # All the sectors of one submission, or none of them; the open work is moved once.
        moved = programme_routes_set(
            programme=programme, routes=[(sector, agency) for _name, sector, agency in changes], actor=user
        )
    except DomainError as exc:
        fields = {sector.code: name for name, sector, _agency in changes}  # the select to show a refusal next to
        field = next((fields[code] for code in exc.errors if code in fields), None)
        form.add_error(field, exc.message)
        return exc.status_code
    messages.success(
        request,
        ngettext(
            "%(count)d rute diubah; %(moved)d pendaftaran terbuka dipindahkan.",
            "%(count)d rute diubah; %(moved)d pendaftaran terbuka dipindahkan.",
            len(changes),
        )
        % {"count": len(changes), "moved": moved},
    )
    return _routes_page(programme)


def _owner_save(request: HttpRequest, user: User, programme: Programme, form: OwningAgencyForm) -> HttpResponse | int:
    if not form.is_valid():
        return 400
    agency = form.selected()
    if agency.pk == programme.owning_agency_id:
        messages.info(request, _("Instansi pengelola tidak berubah."))
        return _routes_page(programme)
    before = programme.owning_agency.name
    try:
        moved = programme_owning_agency_change(programme=programme, agency=agency, actor=user)
    except DomainError as exc:
        form.add_error("agency", exc.message)
        return exc.status_code
    messages.success(
        request,
        _("Program kini dikelola %(to)s (sebelumnya %(from)s); %(moved)d pendaftaran terbuka dipindahkan.")
        % {"to": agency.name, "from": before, "moved": moved},
    )
    return _routes_page(programme)


def _days_save(
    request: HttpRequest, user: User, programme: Programme, form: VerificationDaysForm
) -> HttpResponse | int:
    if not form.is_valid():
        return 400
    days = form.cleaned_data["verification_days"]
    if days == programme.verification_days:
        messages.info(request, _("Batas waktu verifikasi tidak berubah."))
        return _routes_page(programme)
    try:
        programme_verification_days_set(programme=programme, days=days, actor=user)
    except DomainError as exc:
        form.add_error("verification_days", exc.message)
        return exc.status_code
    messages.success(
        request,
        _("Batas waktu verifikasi kini %(days)d hari kerja bagi pendaftaran yang masuk antrean mulai sekarang.")
        % {"days": days},
    )
    return _routes_page(programme)


@login_required
@domain_errors_as_pages
@require_http_methods(["GET", "POST"])
def routes(request: HttpRequest, code: str) -> HttpResponse:
    """Which agency verifies each sector, who owns the programme, and how many working days agencies have."""
    user = officer_of(request)
    programme = programme_managed_by(user, code)
    rows = programme_route_rows(programme)
    offices = list(offices_of(programme))
    action = request.POST.get(ACTION, "") if request.method == "POST" else ""
    routes_form = RoutesForm(
        request.POST if action == "rute" else None, programme=programme, rows=rows, offices=offices
    )
    owner_form = OwningAgencyForm(
        request.POST if action == "pengelola" else None,
        offices=offices,
        initial={"agency": str(programme.owning_agency_id)},
    )
    days_form = VerificationDaysForm(
        request.POST if action == "hari" else None, initial={"verification_days": programme.verification_days}
    )
    status = 200
    if request.method == "POST":
        if action == "rute":
            outcome = _routes_save(request, user, programme, routes_form)
        elif action == "pengelola":
            outcome = _owner_save(request, user, programme, owner_form)
        elif action == "hari":
            outcome = _days_save(request, user, programme, days_form)
        else:
            _unknown_action(request)
            outcome = 400
        if not isinstance(outcome, int):
            return outcome
        status = outcome
    context = {
        "programme": programme,
        "rows": rows,
        "routes_form": routes_form,
        "route_fields": [(row, routes_form[f"{FIELD_PREFIX}{row.sector.code}"]) for row in rows],
        "owner_form": owner_form,
        "days_form": days_form,
        "owning_open": open_work_at(programme, programme.owning_agency),
    }
    return render(request, "verification/manage_routes.html", context, status=status)


@login_required
@domain_errors_as_pages
@require_http_methods(["GET", "POST"])
def rejection_reasons(request: HttpRequest, code: str) -> HttpResponse:
    """The programme's own list of reasons a verifier may reject with."""
    user = officer_of(request)
    programme = programme_managed_by(user, code)
    action = request.POST.get(ACTION, "") if request.method == "POST" else ""
    add_form = RejectionReasonAddForm(request.POST if action == "tambah" else None)
    retire_form = RejectionReasonRetireForm(request.POST if action == "cabut" else None, programme=programme)
    status = 200
    if request.method == "POST":
        status = 400
        if action == "tambah":
            if add_form.is_valid():
                try:
                    reason = rejection_reason_add(programme=programme, label=add_form.cleaned_data["label"], actor=user)
                except DomainError as exc:
                    add_form.add_error("label", exc.message)
                    status = exc.status_code
                else:
                    messages.success(request, _("Alasan “%(label)s” ditambahkan.") % {"label": reason.label})
                    return redirect("verification_manage:reasons", code=programme.code)
        elif action == "cabut":
            if retire_form.is_valid():
                reason = rejection_reason_retire(reason=retire_form.cleaned_data["reason"], actor=user)
                messages.success(
                    request,
                    _("Alasan “%(label)s” dicabut. Keputusan yang sudah memakainya tetap tersimpan.")
                    % {"label": reason.label},
                )
                return redirect("verification_manage:reasons", code=programme.code)
        elif action == "isi-bawaan":
            added = rejection_reasons_seed(programme=programme, actor=user)
            if added:
                messages.success(request, _("%(count)d alasan bawaan dimuat.") % {"count": added})
            else:
                messages.info(request, _("Program ini sudah punya daftar alasan; daftar bawaan tidak dimuat."))
            return redirect("verification_manage:reasons", code=programme.code)
        else:
            _unknown_action(request)
    reasons = list(RejectionReason.objects.filter(programme=programme).order_by("position", "id"))
    context = {
        "programme": programme,
        "active": [r for r in reasons if r.active],
        "retired": [r for r in reasons if not r.active],
        "has_any": bool(reasons),
        "add_form": add_form,
        "retire_form": retire_form,
    }
    return render(request, "verification/manage_reasons.html", context, status=status)


@never_cache
@login_required
@domain_errors_as_pages
@require_GET
def outbox(request: HttpRequest) -> HttpResponse:
    """Every message written to applicants, whether or not a provider sent it."""
    user = officer_of(request)
    form = OutboxFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    notifications = outbox_for(user, status=filters.get("status", ""), channel=filters.get("channel", ""))
    page = Paginator(notifications, 50).get_page(request.GET.get("page"))
    rows = [(n, mask_recipient(n.recipient)) for n in page]
    return render(request, "verification/outbox.html", {"form": form, "page": page, "rows": rows})


@never_cache
@login_required
@domain_errors_as_pages
@require_GET
def outbox_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One message in full. Its body names the applicant, so reading it is logged."""
    user = officer_of(request)
    notification = outbox_for(user).select_related("funder").filter(pk=pk).first()
    if notification is None:
        raise NotFound(_("Pesan tidak ditemukan atau di luar wewenang Anda."))
    application = None
    if notification.target_type == Application._meta.label_lower and notification.target_id.isdigit():
        application = Application.objects.select_related("person").filter(pk=int(notification.target_id)).first()
    access_log_write(
        actor=user,
        person_ref=str(application.person_id) if application else f"notification:{notification.pk}",
        person_label=application.person.name if application else notification.target_label,
        what="notification",
        path=request.path,
        ip_address=client_ip(request),
        funder=notification.funder,
    )
    context = {
        "notification": notification,
        "recipient": mask_recipient(notification.recipient),
        "application": application,
        "can_open_application": user_can(user, Capability.VIEW_APPLICATIONS),
    }
    return render(request, "verification/outbox_detail.html", context)
