"""Pages of the duplicate check (/duplikat/): the review queue, one pair side by side with its decision, a merge
and its undo, the registry scan and the check of a list before it is imported, and the counter's suggestion
while an officer types. Views translate; selectors scope, services decide."""

from __future__ import annotations

import csv
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jaring.core.actors import officer_of
from jaring.core.errors import DomainError, PermissionDenied
from jaring.core.http import client_ip, domain_errors_as_pages
from jaring.core.models import Job, User
from jaring.core.permissions import Capability, user_can
from jaring.core.selectors import jobs_visible_to, require, scope_of
from jaring.core.services import access_logs_write
from jaring.duplicates import thresholds
from jaring.duplicates.comparisons import COMPARISONS
from jaring.duplicates.counter import suggestions_for
from jaring.duplicates.models import MatchPair
from jaring.duplicates.reasons import explain
from jaring.duplicates.selectors import (
    Side,
    duplicates_scope,
    merge_for,
    merges_visible_to,
    pair_for,
    pairs_visible_to,
    side_of,
)
from jaring.duplicates.services import pair_decide_different, person_merge_undo, persons_merge
from jaring.duplicates.tasks import FILE_CHECK, SCAN, file_check_start, registry_scan_start
from jaring.programmes.models import Programme
from jaring.registry.forms import ApplicantListForm
from jaring.registry.models import mask_nik

PAIRS_PER_PAGE = 50
ROWS_SHOWN = 500


def _log_views(request: HttpRequest, user: User, sides: list[Side], what: str) -> None:
    """UU PDP: who saw whose personal data. Only sides the officer may see show any."""
    access_logs_write(
        [
            {
                "actor": user,
                "person_ref": str(side.person.pk),
                "person_label": side.person.name,
                "what": what,
                "path": request.path,
                "ip_address": client_ip(request),
            }
            for side in sides
            if side.visible
        ]
    )


# -- the queue ---------------------------------------------------------------------------------------------------


@never_cache
@login_required
@require_GET
@domain_errors_as_pages
def queue(request: HttpRequest) -> HttpResponse:
    user = officer_of(request)
    scope = duplicates_scope(user)
    status = request.GET.get("status", MatchPair.Status.OPEN)
    if status not in MatchPair.Status.values:
        status = MatchPair.Status.OPEN
    page = Paginator(pairs_visible_to(user, status=status), PAIRS_PER_PAGE).get_page(request.GET.get("page"))
    rows = []
    seen: list[Side] = []
    for pair in page:
        sides = [side_of(scope, pair.person_a), side_of(scope, pair.person_b)]
        rows.append({"pair": pair, "sides": sides})
        seen += sides
    _log_views(request, user, seen, "duplicate_queue")
    scans = jobs_visible_to(user).filter(kind=SCAN).order_by("-created_at")[:1]
    context = {
        "page": page,
        "rows": rows,
        "status": status,
        "statuses": MatchPair.Status.choices,
        "scan": scans[0] if scans else None,
        "same_person": thresholds.SAME_PERSON,
        "review": thresholds.REVIEW,
        "auto_merge": thresholds.AUTO_MERGE,
    }
    return render(request, "duplicates/queue.html", context)


# -- one pair ------------------------------------------------------------------------------------------------------

FIELD_ROWS = (
    ("nik", gettext_lazy("NIK")),
    ("name", gettext_lazy("Nama")),
    ("birth_date", gettext_lazy("Tanggal lahir")),
    ("sex", gettext_lazy("Jenis kelamin")),
    ("household", gettext_lazy("Nomor KK, nama ibu, nomor HP")),
    ("kelurahan", gettext_lazy("Kelurahan")),
)


def _values(side: Side, comparison: str) -> list[str]:
    if not side.visible:
        return []
    person = side.person
    if comparison == "nik":
        return [person.nik, *[_("alias: %(nik)s") % {"nik": alias} for alias in side.aliases]]
    if comparison == "name":
        return [person.name]
    if comparison == "birth_date":
        return [person.birth_date.strftime("%d-%m-%Y")]
    if comparison == "sex":
        return [person.get_sex_display()]
    if comparison == "household":
        return [
            _("KK: %(kk)s") % {"kk": person.kk_number or "—"},
            _("Ibu: %(mother)s") % {"mother": person.mother_name or "—"},
            _("HP: %(phone)s") % {"phone": person.phone or "—"},
        ]
    return [f"{person.kelurahan_id} {person.kelurahan.name}"]


class DecisionForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("Catatan"), max_length=300, required=False)


@never_cache
@login_required
@require_GET
@domain_errors_as_pages
def pair_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = officer_of(request)
    scope = duplicates_scope(user)
    pair = pair_for(user, pk=pk)
    a, b = side_of(scope, pair.person_a), side_of(scope, pair.person_b)
    _log_views(request, user, [a, b], "duplicate_pair")
    verdicts = {verdict.comparison: verdict for verdict in explain(pair.levels)}
    rows = [
        {"label": label, "a": _values(a, name), "b": _values(b, name), "verdict": verdicts[name]}
        for name, label in FIELD_ROWS
        if name in COMPARISONS
    ]
    context = {
        "pair": pair,
        "a": a,
        "b": b,
        "rows": rows,
        "percent": round(pair.probability * 100, 1),
        "form": DecisionForm(),
        "merges": list(pair.merges.order_by("-created_at")),
        "same_person": thresholds.SAME_PERSON,
    }
    return render(request, "duplicates/pair.html", context)


@login_required
@require_POST
@domain_errors_as_pages
def pair_same(request: HttpRequest, pk: int) -> HttpResponse:
    user = officer_of(request)
    pair = pair_for(user, pk=pk)
    chosen = request.POST.get("survivor", "")
    survivor = {str(pair.person_a_id): pair.person_a, str(pair.person_b_id): pair.person_b}.get(chosen)
    if survivor is None:
        raise DomainError(_("Pilih catatan yang NIK-nya sesuai KTP."), field="survivor")
    form = DecisionForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    merge = persons_merge(pair=pair, survivor=survivor, actor=user, note=note)
    messages.success(request, _("Kedua catatan digabung. NIK yang lain disimpan sebagai alias."))
    return redirect("duplicates:merge", pk=merge.pk)


@login_required
@require_POST
@domain_errors_as_pages
def pair_different(request: HttpRequest, pk: int) -> HttpResponse:
    user = officer_of(request)
    pair = pair_for(user, pk=pk)
    form = DecisionForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    pair_decide_different(pair=pair, actor=user, note=note)
    messages.success(request, _("Dicatat sebagai dua orang berbeda; pasangan ini tidak akan ditanyakan lagi."))
    return redirect("duplicates:queue")


# -- merges -----------------------------------------------------------------------------------------------------


@never_cache
@login_required
@require_GET
@domain_errors_as_pages
def merge_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = officer_of(request)
    merge = merge_for(user, pk=pk)
    scope = duplicates_scope(user)
    survivor = side_of(scope, merge.survivor)
    _log_views(request, user, [survivor], "duplicate_merge")
    moved = [(label, len(entry["ids"])) for label, entry in merge.moved.items()]
    context = {
        "merge": merge,
        "survivor": survivor,
        "alias": mask_nik(merge.merged.nik),
        "moved": moved,
    }
    return render(request, "duplicates/merge.html", context)


@login_required
@require_POST
@domain_errors_as_pages
def merge_undo(request: HttpRequest, pk: int) -> HttpResponse:
    user = officer_of(request)
    merge = merge_for(user, pk=pk)
    person_merge_undo(merge=merge, actor=user)
    messages.success(
        request, _("Penggabungan dibatalkan; kedua catatan terpisah lagi dan pasangannya kembali ke antrean.")
    )
    return redirect("duplicates:merge", pk=merge.pk)


@never_cache
@login_required
@require_GET
@domain_errors_as_pages
def merge_list(request: HttpRequest) -> HttpResponse:
    user = officer_of(request)
    page = Paginator(merges_visible_to(user).order_by("-created_at", "-id"), PAIRS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "duplicates/merges.html", {"page": page})


# -- the registry scan -----------------------------------------------------------------------------------------


@login_required
@require_POST
@domain_errors_as_pages
def scan_start(request: HttpRequest) -> HttpResponse:
    user = officer_of(request)
    job = registry_scan_start(actor=user, auto_merge=request.POST.get("auto_merge") == "1")
    return redirect("duplicates:scan", pk=job.pk)


def _job_of(user: User, pk: int, kind: str) -> Job:
    job = jobs_visible_to(user).filter(pk=pk, kind=kind).first()
    if job is None:
        raise Http404
    return job


@never_cache
@login_required
@require_GET
@domain_errors_as_pages
def scan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = officer_of(request)
    duplicates_scope(user)
    job = _job_of(user, pk, SCAN)
    template = "duplicates/_job.html" if request.headers.get("HX-Request") else "duplicates/scan.html"
    response = render(request, template, {"job": job, "poll": "duplicates:scan"})
    patch_vary_headers(response, ["HX-Request"])
    return response


# -- a list before it is imported ------------------------------------------------------------------------------


class FileCheckForm(ApplicantListForm):
    against_registry = forms.BooleanField(
        label=gettext_lazy("Bandingkan juga dengan orang yang sudah terdaftar di program pemberi dana ini"),
        required=False,
        initial=True,
    )


def _check_programmes(user: User) -> QuerySet[Programme]:
    scope = scope_of(user)
    if not (user_can(user, Capability.IMPORT_APPLICANTS) or user_can(user, Capability.REVIEW_DUPLICATES)):
        raise PermissionDenied(_("Peran Anda tidak berwenang untuk tindakan ini."))
    programmes = Programme.objects.select_related("funder").order_by("-year", "code")
    return programmes if scope.everything else programmes.filter(funder_id=scope.funder)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
@domain_errors_as_pages
def file_check(request: HttpRequest) -> HttpResponse:
    """The check of a list before it is loaded; the import page posts its own form here too."""
    user = officer_of(request)
    programmes = _check_programmes(user)
    data = request.POST.copy() if request.method == "POST" else None
    if data is not None and "against_registry" not in data and request.POST.get("from_import"):
        data["against_registry"] = "on"  # from the import page: always against the programme's registry
    form = FileCheckForm(data, request.FILES or None, programmes=programmes)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            uploaded = form.cleaned_data["file"]
            try:
                if uploaded.size > settings.IMPORT_MAX_BYTES:
                    raise DomainError(
                        _("Berkas terlalu besar; paling besar %(max)s MB. Pecah daftar menjadi beberapa berkas.")
                        % {"max": settings.IMPORT_MAX_BYTES // 1_048_576},
                        field="file",
                    )
                job = file_check_start(
                    actor=user,
                    programme=form.cleaned_data["programme"],
                    file_name=uploaded.name or "daftar",
                    content=uploaded.read(),
                    against_registry=form.cleaned_data["against_registry"],
                )
            except DomainError as exc:
                form.add_error("file" if exc.field in (None, "file") else exc.field, exc.message)
                status = 400
            else:
                return redirect("duplicates:file_result", pk=job.pk)
        else:
            status = 400
    return render(request, "duplicates/file_check.html", {"form": form}, status=status)


def _result_rows(user: User, job: Job) -> list[dict[str, str]]:
    """The pairs of a finished check as the page shows them: a registry person's NIK masked (the CSV has it)."""
    path = (Path(settings.MEDIA_ROOT) / str(job.result.get("file", ""))).resolve()
    if job.status != Job.Status.DONE or not path.is_file():
        return []
    rows = []
    with path.open(encoding="utf-8") as handle:
        for index, row in enumerate(csv.DictReader(handle)):
            if index >= ROWS_SHOWN:
                break
            row["nik_b"] = mask_nik(row["nik_b"]) if row["nik_b"] else ""
            row["percent"] = f"{float(row['score']) * 100:.1f}"
            rows.append(row)
    return rows


@never_cache
@login_required
@require_GET
@domain_errors_as_pages
def file_result(request: HttpRequest, pk: int) -> HttpResponse:
    user = officer_of(request)
    job = _job_of(user, pk, FILE_CHECK)
    context = {"job": job, "poll": "duplicates:file_result", "rows": _result_rows(user, job), "shown": ROWS_SHOWN}
    template = "duplicates/_job.html" if request.headers.get("HX-Request") else "duplicates/file_result.html"
    if request.headers.get("HX-Request") and job.status == Job.Status.DONE:
        template = "duplicates/_file_rows.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


# -- the counter ------------------------------------------------------------------------------------------------


@never_cache
@login_required
@require_POST
def counter_suggest(request: HttpRequest) -> HttpResponse:
    """The likely matches of what the officer is typing in the counter's search (posted by htmx: a NIK never
    travels in a URL). A fragment; empty for anyone who may not register."""
    user = officer_of(request)
    try:
        scope = require(user, Capability.REGISTER_APPLICANTS)
    except PermissionDenied:
        return HttpResponse("", status=403)
    found = suggestions_for(scope, query=request.POST.get("q", ""))
    access_logs_write(
        [
            {
                "actor": user,
                "person_ref": str(s.person.pk),
                "person_label": s.person.name,
                "what": "duplicate_suggestion",
                "path": request.path,
                "ip_address": client_ip(request),
            }
            for s in found.suggestions
            if s.visible
        ]
    )
    return render(request, "duplicates/_suggestions.html", {"found": found})
