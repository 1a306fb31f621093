"""Pages of the shared kernel: log-in, the role's home, reference data, audit, users and tokens, jobs."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.db.models.functions import ExtractYear
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jaring.core import clock, selectors
from jaring.core.actors import officer_of
from jaring.core.audit_text import action_text, actor_text
from jaring.core.errors import DomainError, PermissionDenied
from jaring.core.forms import ApiTokenForm, AuditFilterForm, HolidayForm, LoginForm
from jaring.core.http import client_ip, domain_errors_as_pages
from jaring.core.models import AgencyKind, ApiToken, Funder, Holiday, Job, MinimumWage, Region, Sector
from jaring.core.permissions import Capability, user_can
from jaring.core.services import (
    api_token_create,
    api_token_revoke,
    funder_logo_remove,
    funder_logo_set,
    holiday_add,
    holiday_remove,
    login_failure_record,
    login_is_throttled,
    login_success_record,
)
from jaring.core.tasks import audit_export_start


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    form = LoginForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        ip = client_ip(request)
        if login_is_throttled(username=username, ip_address=ip):
            form.add_error(None, _("Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam 15 menit."))
            status = 429
        else:
            user = authenticate(request, username=username, password=form.cleaned_data["password"])
            if user is None:
                login_failure_record(username=username, ip_address=ip)
                form.add_error(None, _("Nama pengguna atau kata sandi salah."))
                status = 400
            else:
                login(request, user)
                login_success_record(user=user, ip_address=ip)
                next_url = request.GET.get("next", "")
                if next_url and url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
                    return redirect(next_url)
                return redirect("home")
    elif request.method == "POST":
        status = 400
    return render(request, "core/login.html", {"form": form}, status=status)


def admin_login(request: HttpRequest) -> HttpResponse:
    """The Django admin's log-in goes through ours: the same throttle, lock-out and `user.login` audit record."""
    next_url = request.GET.get("next", "")
    target = reverse("core:login")
    if next_url:
        target += "?" + urlencode({"next": next_url})
    return redirect(target)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("core:login")


@login_required
@domain_errors_as_pages
def reference(request: HttpRequest) -> HttpResponse:
    user = officer_of(request)
    selectors.require(user, Capability.VIEW_REFERENCE)
    context = {
        "funders": selectors.funders_visible_to(user),
        "agencies": selectors.agencies_visible_to(user).exclude(kind=AgencyKind.KELURAHAN),
        "kelurahan_offices": selectors.agencies_visible_to(user).filter(kind=AgencyKind.KELURAHAN).count(),
        "sectors": Sector.objects.all(),
        "wages": MinimumWage.objects.select_related("region").order_by("region__code", "-year"),
        "holiday_years": Holiday.objects.values(year=ExtractYear("date")).annotate(days=Count("pk")).order_by("year"),
        "can_edit": user_can(user, Capability.ADMINISTER),
    }
    return render(request, "core/reference.html", context)


@login_required
@domain_errors_as_pages
def regions(request: HttpRequest) -> HttpResponse:
    """Search regions by name or code; the htmx request gets only the result rows."""
    user = request.user
    selectors.require(user, Capability.VIEW_REFERENCE)
    query = request.GET.get("q", "")[:100]
    level_raw = request.GET.get("level", "")
    level = int(level_raw) if level_raw.isdigit() and int(level_raw) in Region.Level.values else None
    results = selectors.regions_search(query=query, level=level, limit=100)
    template = "core/_region_rows.html" if request.headers.get("HX-Request") else "core/regions.html"
    context = {"results": results, "q": query, "level": level, "levels": Region.Level.choices}
    response = render(request, template, context)
    # The same URL answers a whole page or an htmx fragment: caches and the back button must tell them apart.
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@domain_errors_as_pages
def audit(request: HttpRequest) -> HttpResponse:
    user = officer_of(request)
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    records = selectors.audit_records_visible_to(
        user,
        action=filters.get("action", ""),
        actor=filters.get("actor", ""),
        target_type=filters.get("target_type", ""),
        target_id=filters.get("target_id", ""),
    )
    page = Paginator(records, 50).get_page(request.GET.get("page"))
    for record in page:
        # In words beside the stored codes, which the auditor filters and exports by.
        record.sentence = action_text(record.action)  # type: ignore[attr-defined]
        record.actor_text = actor_text(record.actor_label, record.actor)  # type: ignore[attr-defined]
    return render(request, "core/audit.html", {"form": form, "page": page})


@login_required
@domain_errors_as_pages
def access_log(request: HttpRequest) -> HttpResponse:
    user = officer_of(request)
    actor = request.GET.get("actor", "")[:150]
    logs = selectors.access_logs_visible_to(user, actor=actor, person_ref=request.GET.get("person", "")[:64])
    page = Paginator(logs, 50).get_page(request.GET.get("page"))
    return render(request, "core/access_log.html", {"page": page, "actor": actor})


@login_required
@domain_errors_as_pages
@require_POST
def audit_export(request: HttpRequest) -> HttpResponse:
    user = officer_of(request)
    selectors.require(user, Capability.VIEW_AUDIT)
    form = AuditFilterForm(request.POST)
    filters = {k: v for k, v in form.cleaned_data.items() if v} if form.is_valid() else {}
    job = audit_export_start(actor=user, filters=filters)
    return redirect("core:job", pk=job.pk)


@login_required
@domain_errors_as_pages
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A job's progress; htmx polls the bar fragment until the job ends."""
    user = officer_of(request)
    job = selectors.jobs_visible_to(user).filter(pk=pk).first()
    if job is None:
        raise Http404
    template = "core/_job_progress.html" if request.headers.get("HX-Request") else "core/job.html"
    response = render(request, template, {"job": job})
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@domain_errors_as_pages
def job_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    from django.conf import settings

    user = officer_of(request)
    job = selectors.jobs_visible_to(user).filter(pk=pk, status=Job.Status.DONE).first()
    if job is None or not job.result.get("file"):
        raise Http404
    path = (settings.MEDIA_ROOT / job.result["file"]).resolve()
    if not path.is_relative_to(settings.MEDIA_ROOT.resolve()) or not path.exists():
        raise Http404
    return FileResponse(path.open("rb"), as_attachment=True, filename=path.name)


@never_cache  # shows a new token's secret once
@login_required
@domain_errors_as_pages
@require_http_methods(["GET", "POST"])
def users(request: HttpRequest) -> HttpResponse:
    """Administrators: the officers of their scope, and the partners' API tokens."""
    user = officer_of(request)
    officers = selectors.users_visible_to(user)
    funders = selectors.funders_visible_to(user)
    form = ApiTokenForm(request.POST or None, funders=funders)
    new_secret = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                token, new_secret = api_token_create(
                    name=form.cleaned_data["name"],
                    funder=form.cleaned_data["funder"],
                    scopes=form.cleaned_data["scopes"],
                    actor=user,
                )
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
                status = 400
            else:
                messages.success(
                    request,
                    _("Token untuk %(name)s dibuat. Salin sekarang; token tidak akan ditampilkan lagi.")
                    % {"name": token.name},
                )
                form = ApiTokenForm(funders=funders)
        else:
            status = 400
    tokens = selectors.filter_by_funder(ApiToken.objects.select_related("funder"), selectors.scope_of(user))
    context = {"officers": officers, "tokens": tokens, "form": form, "new_secret": new_secret}
    return render(request, "core/users.html", context, status=status)


@login_required
@domain_errors_as_pages
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    user = officer_of(request)
    selectors.require(user, Capability.ADMINISTER)
    token = selectors.filter_by_funder(ApiToken.objects.all(), selectors.scope_of(user)).filter(pk=pk).first()
    if token is None:
        raise Http404
    if token.revoked_at is None:
        api_token_revoke(token=token, actor=user)
        messages.success(request, _("Token %(name)s dicabut.") % {"name": token.name})
    return redirect("core:users")


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "core/error.html", {"message": _("Permintaan tidak dapat diproses.")}, status=400)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "core/error.html", {"message": _("Anda tidak berwenang membuka halaman ini.")}, status=403)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    # Mostly an applicant whose page stayed open past the session, or a browser without cookies.
    message = _(
        "Formulir sudah kedaluwarsa atau cookie tidak aktif. Muat ulang halaman sebelumnya lalu kirim lagi; "
        "data yang sudah tersimpan tidak hilang."
    )
    return render(request, "core/error.html", {"message": message}, status=403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "core/error.html", {"message": _("Halaman tidak ditemukan.")}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # Standalone template without context processors: the fault may be the database itself.
    from django.template import loader

    return HttpResponse(loader.get_template("500.html").render(), status=500)


@login_required
@domain_errors_as_pages
@require_http_methods(["GET", "POST"])
def holidays(request: HttpRequest) -> HttpResponse:
    """The holiday table by year: every officer reads it; the system operator adds and removes days."""
    user = officer_of(request)
    selectors.require(user, Capability.VIEW_REFERENCE)
    can_edit = user.is_system_administrator
    today = clock.today()
    year_raw = request.GET.get("tahun", "")
    year = int(year_raw) if year_raw.isdigit() and 2000 <= int(year_raw) <= 2100 else today.year
    form = HolidayForm(request.POST or None) if can_edit else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(_("Hanya administrator sistem yang mengubah daftar hari libur."))
        if form.is_valid():
            try:
                holiday = holiday_add(
                    day=form.cleaned_data["tanggal"],
                    name=form.cleaned_data["nama"],
                    kind=form.cleaned_data["jenis"],
                    actor=user,
                )
            except DomainError as exc:
                form.add_error("tanggal", exc.message)
            else:
                messages.success(request, _("Hari libur %(day)s ditambahkan.") % {"day": f"{holiday.date:%d-%m-%Y}"})
                return redirect(f"{reverse('core:holidays')}?tahun={holiday.date.year}")
        status = 400
    context = {
        "year": year,
        "years": sorted({*Holiday.objects.dates("date", "year").values_list("date__year", flat=True), today.year}),
        "holidays": Holiday.objects.filter(date__year=year).order_by("date"),
        "warning": selectors.holiday_calendar_warning(date(year, 1, 1), date(year, 12, 31)),
        "form": form,
        "can_edit": can_edit,
    }
    return render(request, "core/holidays.html", context, status=status)


@login_required
@domain_errors_as_pages
@require_POST
def holiday_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = officer_of(request)
    holiday = Holiday.objects.filter(pk=pk).first()
    if holiday is None:
        raise Http404
    year = holiday.date.year
    holiday_remove(holiday=holiday, actor=user)
    messages.success(request, _("Hari libur dihapus."))
    return redirect(f"{reverse('core:holidays')}?tahun={year}")


# -- funder logos and the site icon -------------------------------------------------------------------


@never_cache
@login_required
@domain_errors_as_pages
@require_http_methods(["GET", "POST"])
def funder_logos(request: HttpRequest) -> HttpResponse:
    """A funder administrator uploads the Pemda's logo (the system operator any funder's); it appears on the
    funder's pages, cards, SK annex and reports."""
    user = officer_of(request)
    selectors.require(user, Capability.ADMINISTER)
    funders = selectors.funders_visible_to(user).order_by("name")
    errors: dict[int, str] = {}
    status = 200
    if request.method == "POST":
        funder = funders.filter(code=request.POST.get("funder", "")).first()
        if funder is None:
            raise PermissionDenied(_("Pemberi dana ini di luar wewenang Anda."))
        try:
            if request.POST.get("action") == "remove":
                funder_logo_remove(funder=funder, actor=user)
                messages.success(request, _("Logo %(funder)s dihapus.") % {"funder": funder.name})
                return redirect("core:funder_logos")
            upload = request.FILES.get("logo")
            if upload is None:
                raise DomainError(_("Pilih berkas logo (PNG atau JPEG)."), field="logo")
            if upload.size and upload.size > settings.LOGO_MAX_KB * 1024:
                raise DomainError(
                    _("Logo %(size)s KB melebihi batas %(limit)s KB; perkecil gambarnya.")
                    % {"size": upload.size // 1024, "limit": settings.LOGO_MAX_KB},
                    field="logo",
                )
            funder_logo_set(funder=funder, content=upload.read(), file_name=upload.name or "", actor=user)
        except PermissionDenied:
            raise
        except DomainError as exc:
            errors[funder.pk] = exc.message
            status = 400
        else:
            messages.success(request, _("Logo %(funder)s tersimpan.") % {"funder": funder.name})
            return redirect("core:funder_logos")
    rows = [{"funder": funder, "error": errors.get(funder.pk, "")} for funder in funders]
    context = {"rows": rows, "max_kb": settings.LOGO_MAX_KB}
    return render(request, "core/funder_logos.html", context, status=status)


@require_GET
def funder_logo(request: HttpRequest, code: str) -> HttpResponseBase:
    """A funder's logo, public (it is printed on cards and shown on public pages), as the PNG kept."""
    funder = Funder.objects.filter(code=code).exclude(logo_sha256="").first()
    if funder is None or not funder.logo:
        raise Http404
    try:
        handle = funder.logo.open("rb")
    except OSError:
        raise Http404 from None
    response = FileResponse(handle, content_type="image/png")
    response["Cache-Control"] = "public, max-age=86400"
    response["ETag"] = f'"{funder.logo_sha256}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers and feed readers ask for /favicon.ico whatever the page says: the icon from the static files."""
    return redirect(static("jaring/favicon.ico"), permanent=True)
