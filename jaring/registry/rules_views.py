"""Programme managers' pages on eligibility: a programme's rules (read, change, re-assess open applications)
and the BPJS branch's list of existing participants.

They live in `registry` because re-assessing applications is registry work and `eligibility` comes before
`registry` in the import order; the forms and the participant import they call are in `eligibility`.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from jaring.core.actors import officer_of
from jaring.core.errors import DomainError
from jaring.core.http import client_ip, domain_errors_as_pages
from jaring.core.models import Funder, Sector
from jaring.core.permissions import Capability
from jaring.core.selectors import filter_by_funder, funders_visible_to, jobs_visible_to, require
from jaring.core.services import access_logs_write
from jaring.eligibility import forms as rule_forms
from jaring.eligibility.forms import ParticipantListForm, RuleVersionForm, TargetListForm
from jaring.eligibility.models import IncomeCeiling, RuleVersion
from jaring.eligibility.participants import (
    MAX_FILE_BYTES,
    participant_list_applied,
    participant_list_import,
    participant_lists_visible_to,
    participants_scope,
)
from jaring.eligibility.selectors import income_ceiling_of, rule_version_current
from jaring.eligibility.services import DEFAULT_RULES, rule_version_create
from jaring.eligibility.target_lists import target_list_current, target_list_import, target_lists_of
from jaring.programmes.models import Programme
from jaring.programmes.selectors import programme_managed_by
from jaring.registry.assessment import REASSESSABLE
from jaring.registry.models import Application, mask_nik
from jaring.registry.reassess_tasks import reassess_job_latest, reassess_start


def _sectors() -> list[tuple[str, str]]:
    return list(Sector.objects.order_by("name").values_list("code", "name"))


@login_required
@domain_errors_as_pages
def programme_list(request: HttpRequest) -> HttpResponse:
    user = officer_of(request)
    scope = require(user, Capability.MANAGE_PROGRAMMES)
    programmes = list(filter_by_funder(Programme.objects.select_related("funder", "owning_agency"), scope))
    current = {
        version.programme_id: version
        for version in RuleVersion.objects.filter(programme__in=programmes).order_by("programme_id", "version")
    }
    rows = [(programme, current.get(programme.pk)) for programme in programmes]
    return render(request, "eligibility/programmes.html", {"rows": rows})


@login_required
@domain_errors_as_pages
@require_http_methods(["GET", "POST"])
def rules(request: HttpRequest, code: str) -> HttpResponse:
    """The programme's current rules in plain words, their history, and the form that writes the next version."""
    user = officer_of(request)
    programme = programme_managed_by(user, code)
    current = rule_version_current(programme=programme)
    sectors = _sectors()
    status = 200
    if request.method == "POST":
        form = RuleVersionForm(request.POST, sectors=sectors)
        if form.is_valid():
            seen = form.cleaned_data["base_version"]
            values = form.rule_values()
            if seen != (current.version if current else 0):
                form.add_error(
                    None,
                    _(
                        "Aturan program ini baru saja diubah orang lain (sekarang versi %(version)s). Periksa aturan "
                        "terbaru di bawah, lalu simpan lagi bila masih perlu."
                    )
                    % {"version": current.version if current else 0},
                )
                status = 409
            elif current is not None and values == rule_forms.rule_values_of(current):
                messages.info(request, _("Tidak ada aturan yang berubah; versi baru tidak dibuat."))
                return redirect("eligibility:rules", code=programme.code)
            else:
                try:
                    version = rule_version_create(
                        programme=programme, actor=user, note=form.cleaned_data["note"], **values
                    )
                except DomainError as exc:
                    form.add_domain_errors(exc.errors, exc.message)
                    status = exc.status_code
                else:
                    messages.success(
                        request,
                        _(
                            "Aturan versi %(version)s disimpan. Pendaftaran yang sudah dinilai tetap memakai versi "
                            "lamanya sampai dinilai ulang."
                        )
                        % {"version": version.version},
                    )
                    url = reverse("eligibility:rules", kwargs={"code": programme.code})
                    return redirect(f"{url}?disimpan={version.version}#nilai-ulang")
        else:
            status = 400
    else:
        form = RuleVersionForm(initial=RuleVersionForm.initial_for(current), sectors=sectors)

    sector_names = dict(sectors)
    shown = current or RuleVersion(programme=programme, version=0, **DEFAULT_RULES)
    ceiling_error = ""
    ceiling_amount: int | None = None
    ceiling_label = ""
    try:
        ceiling_amount, ceiling_label = income_ceiling_of(version=shown)
    except DomainError as exc:
        ceiling_error = exc.message
    versions = list(RuleVersion.objects.filter(programme=programme).select_related("created_by").order_by("version"))
    history = [
        (version, rule_forms.changes_between(versions[i - 1] if i else None, version, sector_names))
        for i, version in enumerate(versions)
    ]
    history.reverse()
    open_applications = Application.objects.filter(programme=programme, status__in=REASSESSABLE)
    context = {
        "programme": programme,
        "current": current,
        "shown": shown,
        "region": programme.funder.region,
        "domicile": rule_forms.months_text(shown.min_domicile_months),
        "ceiling_kind": shown.income_ceiling,
        "ceiling_amount": rule_forms.rules.format_rupiah(ceiling_amount) if ceiling_amount is not None else "",
        "ceiling_label": ceiling_label,
        "ceiling_error": ceiling_error,
        "IncomeCeiling": IncomeCeiling,
        "age": rule_forms.age_text(shown.min_age, shown.max_age),
        "min_age": rule_forms.bound_text(shown.min_age),
        "max_age": rule_forms.bound_text(shown.max_age),
        "sectors": rule_forms.sectors_text(list(shown.eligible_sectors), sector_names),
        "all_sectors": not shown.eligible_sectors,
        "sector_list": [sector_names.get(code, code) for code in sorted(shown.eligible_sectors)],
        "documents": rule_forms.documents_rows(
            {str(k): [str(v) for v in kinds] for k, kinds in shown.required_documents.items()}, sector_names
        ),
        "history": history,
        "form": form,
        "grid": form.document_grid(),
        "open_count": open_applications.count(),
        "outdated_count": open_applications.exclude(rule_version=current).count() if current else 0,
        "job": reassess_job_latest(programme=programme, jobs=jobs_visible_to(user)),
        "saved": request.GET.get("disimpan", "")[:10],
        "target_list": target_list_current(programme),
    }
    return render(request, "eligibility/rules.html", context, status=status)


@login_required
@domain_errors_as_pages
@require_POST
def reassess(request: HttpRequest, code: str) -> HttpResponse:
    """Queue the re-assessment of the programme's open applications by its current rules."""
    user = officer_of(request)
    programme = programme_managed_by(user, code)
    job = reassess_start(programme=programme, actor=user)
    messages.info(
        request,
        _("Penilaian ulang pendaftaran terbuka %(code)s berjalan di latar belakang.") % {"code": programme.code},
    )
    url = reverse("eligibility:rules", kwargs={"code": programme.code})
    return redirect(f"{url}?pekerjaan={job.pk}#nilai-ulang")


@never_cache  # the problems of a list can quote what a row held
@login_required
@domain_errors_as_pages
@require_http_methods(["GET", "POST"])
def participants(request: HttpRequest) -> HttpResponse:
    """The BPJS branch's lists of existing participants: upload one, see earlier ones and the last one's problems."""
    user = officer_of(request)
    scope = participants_scope(user)
    funders = funders_visible_to(user) if scope.everything else None
    status = 200
    if request.method == "POST":
        form = ParticipantListForm(request.POST, request.FILES, funders=funders)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            funder = form.cleaned_data["funder"] if funders is not None else user.funder
            assert isinstance(funder, Funder)
            try:
                if upload.size > MAX_FILE_BYTES:
                    raise DomainError(
                        _("Berkas terlalu besar (lebih dari %(mb)s MB). Pecah daftar menjadi beberapa berkas.")
                        % {"mb": MAX_FILE_BYTES // (1024 * 1024)},
                        field="file",
                    )
                participant_list = participant_list_import(
                    funder=funder,
                    file_name=upload.name or "",
                    content=upload.read(),
                    actor=user,
                    apply_sound_rows=form.cleaned_data["apply_sound_rows"],
                )
            except DomainError as exc:
                form.add_error("file" if exc.field == "file" else None, exc.message)
                status = exc.status_code
            else:
                if participant_list_applied(participant_list):
                    messages.success(
                        request,
                        _("%(loaded)s dari %(total)s baris %(file)s dimuat; %(rejected)s baris bermasalah.")
                        % {
                            "loaded": participant_list.rows_loaded,
                            "total": participant_list.rows_total,
                            "file": participant_list.file_name,
                            "rejected": participant_list.rows_rejected,
                        },
                    )
                else:
                    messages.warning(
                        request,
                        _(
                            "%(file)s tidak diterapkan: %(rejected)s baris bermasalah. Perbaiki berkasnya, atau "
                            "unggah lagi dengan centang “Terapkan baris yang benar saja”."
                        )
                        % {"file": participant_list.file_name, "rejected": participant_list.rows_rejected},
                    )
                return redirect("eligibility:participants")
        else:
            status = 400
    else:
        form = ParticipantListForm(funders=funders)
    lists = list(participant_lists_visible_to(user)[:50])
    context = {"form": form, "lists": lists, "last": lists[0] if lists else None}
    return render(request, "eligibility/participants.html", context, status=status)


TARGET_LIST_SHOWN = 200


@never_cache  # the list names people
@login_required
@domain_errors_as_pages
@require_http_methods(["GET", "POST"])
def target_list(request: HttpRequest, code: str) -> HttpResponse:
    """A scheme's list from the office that appoints its target group (RT heads, firefighters): upload the newest
    one, see the lists on record. A list loaded re-judges the scheme's open applications in the background."""
    user = officer_of(request)
    programme = programme_managed_by(user, code)
    status = 200
    if request.method == "POST":
        form = TargetListForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                loaded = target_list_import(
                    programme=programme,
                    source=form.cleaned_data["source"],
                    list_date=form.cleaned_data["list_date"],
                    file_name=upload.name or "",
                    content=upload.read(),
                    actor=user,
                    apply_sound_rows=form.cleaned_data["apply_sound_rows"],
                )
            except DomainError as exc:
                for field, texts in exc.errors.items():
                    for text in texts:
                        form.add_error(field if field in form.fields else None, text)
                if not exc.errors:
                    form.add_error("file" if exc.field == "file" else None, exc.message)
                status = exc.status_code
            else:
                if loaded.rows_loaded:
                    messages.success(
                        request,
                        _("%(loaded)s dari %(total)s baris %(file)s dimuat; %(rejected)s baris bermasalah.")
                        % {
                            "loaded": loaded.rows_loaded,
                            "total": loaded.rows_total,
                            "file": loaded.file_name,
                            "rejected": loaded.rows_rejected,
                        },
                    )
                    if Application.objects.filter(programme=programme, status__in=REASSESSABLE).exists():
                        reassess_start(programme=programme, actor=user)
                else:
                    messages.warning(
                        request,
                        _(
                            "%(file)s tidak diterapkan: %(rejected)s baris bermasalah. Perbaiki berkasnya, atau "
                            "unggah lagi dengan centang “Terapkan baris yang benar saja”."
                        )
                        % {"file": loaded.file_name, "rejected": loaded.rows_rejected},
                    )
                return redirect("eligibility:target_list", code=programme.code)
        else:
            status = 400
    else:
        form = TargetListForm()
    lists = list(target_lists_of(programme, user)[:50])
    current = target_list_current(programme)
    entries = list(current.entries.order_by("row")[:TARGET_LIST_SHOWN]) if current else []
    # Names and positions are personal data: one access-log row per person shown; NIKs are masked.
    access_logs_write(
        [
            {
                "actor": user,
                "person_ref": mask_nik(entry.nik),
                "person_label": entry.name,
                "what": f"target_list:{programme.code}",
                "path": request.path,
                "ip_address": client_ip(request),
                "funder": programme.funder,
            }
            for entry in entries
        ]
    )
    context = {
        "programme": programme,
        "form": form,
        "lists": lists,
        "last": lists[0] if lists else None,
        "current": current,
        "entries": [(entry, mask_nik(entry.nik)) for entry in entries],
        "shown_limit": TARGET_LIST_SHOWN,
        "rule": rule_version_current(programme=programme),
    }
    return render(request, "eligibility/target_list.html", context, status=status)
