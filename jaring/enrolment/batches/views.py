"""Pages of the exchange with the BPJS branch: a programme's batches (make one, choose the file's columns), one
batch's members and files, and the branch's answer file with every problem it has.

Programme managers and BPJS liaisons of the programme's funder use them (EXCHANGE_WITH_BPJS); views translate
HTTP to enrolment services and the answer reader.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jaring.core.actors import officer_of
from jaring.core.errors import DomainError, NotFound
from jaring.core.http import client_ip, domain_errors_as_pages, officer_saw
from jaring.core.models import User
from jaring.core.permissions import Capability
from jaring.core.selectors import require
from jaring.enrolment.answers import MAX_FILE_BYTES, answer_import
from jaring.enrolment.batches.files import batch_download_log, batch_file, headers_for, headers_of
from jaring.enrolment.batches.forms import AnswerUploadForm, BatchCreateForm, ColumnTemplateForm
from jaring.enrolment.models import Batch, BatchMember, ResponseImport
from jaring.enrolment.services import (
    BatchMadeMeanwhile,
    batch_create,
    column_template_of,
    column_template_set,
    places_ready_for_batch,
)
from jaring.programmes.models import Programme
from jaring.programmes.selectors import programme_in_scope, refuse_unless_bpjs
from jaring.registry.models import mask_nik

PAGE_SIZE = 100
FORMATS = ("xlsx", "csv")
ID_MAX = 2**63 - 1  # a larger number names no row, and the database would refuse it as a parameter
Outcome = BatchMember.Outcome


def _programme(user: User, code: str) -> Programme:
    """A programme of the officer's own funder (every funder's for the system operator); NotFound otherwise, so
    codes of other funders cannot be probed."""
    programme = programme_in_scope(require(user, Capability.EXCHANGE_WITH_BPJS), code)
    refuse_unless_bpjs(programme)
    return programme


def _batch(programme: Programme, number: str) -> Batch:
    batch = Batch.objects.filter(programme=programme, number=number[:40]).select_related("programme__funder").first()
    if batch is None:
        raise NotFound(_("Batch %(number)s tidak ditemukan.") % {"number": number[:40]})
    return batch


# -- the programme's batches ----------------------------------------------------------------------------------


def _index_page(
    request: HttpRequest, programme: Programme, *, columns_form: ColumnTemplateForm | None = None, status: int = 200
) -> HttpResponse:
    batches = list(
        Batch.objects.filter(programme=programme)
        .select_related("created_by")
        .annotate(
            total=Count("members"),
            accepted=Count("members", filter=Q(members__outcome=Outcome.ACCEPTED)),
            rejected=Count("members", filter=Q(members__outcome=Outcome.REJECTED)),
            pending=Count("members", filter=Q(members__outcome=Outcome.PENDING)),
        )
        .order_by("-created_at", "-pk")
    )
    current = column_template_of(programme)
    context: dict[str, Any] = {
        "programme": programme,
        "batches": batches,
        "ready": places_ready_for_batch(programme).count(),
        "create_form": BatchCreateForm(initial={"seen": len(batches)}),
        "columns_form": columns_form or ColumnTemplateForm(current=current),
        "current_headers": headers_for(current),
        "current_tab": "batches",
    }
    return render(request, "enrolment/batch_index.html", context, status=status)


@login_required
@domain_errors_as_pages
@require_GET
def index(request: HttpRequest, code: str) -> HttpResponse:
    programme = _programme(officer_of(request), code)
    return _index_page(request, programme)


@login_required
@domain_errors_as_pages
@require_POST
def create(request: HttpRequest, code: str) -> HttpResponse:
    """Freeze every ready place into a new batch. A second submission of the same page makes no second batch."""
    user = officer_of(request)
    programme = _programme(user, code)
    form = BatchCreateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Muat ulang halaman lalu tekan “Buat batch” lagi."))
        return redirect("batches:index", code=programme.code)
    seen = form.cleaned_data["seen"]
    try:
        batch = batch_create(programme=programme, actor=user, expected_batches=seen)
    except BatchMadeMeanwhile as exc:
        messages.warning(
            request,
            _(
                "Batch %(number)s baru saja dibuat (tombol mungkin ditekan dua kali); batch kedua tidak "
                "dibuat. Periksa batch ini, lalu buat batch baru dari halaman daftar bila masih perlu."
            )
            % {"number": exc.batch.number},
        )
        return redirect("batches:detail", code=programme.code, number=exc.batch.number)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("batches:index", code=programme.code)
    messages.success(
        request,
        _("Batch %(number)s dibuat dengan %(count)s peserta. Unduh berkasnya lalu kirim ke kantor cabang BPJS.")
        % {"number": batch.number, "count": batch.members.count()},
    )
    return redirect("batches:detail", code=programme.code, number=batch.number)


@login_required
@domain_errors_as_pages
@require_POST
def columns(request: HttpRequest, code: str) -> HttpResponse:
    """Save the column template: which columns the next batches' files have, in which order."""
    user = officer_of(request)
    programme = _programme(user, code)
    form = ColumnTemplateForm(request.POST)
    if not form.is_valid():
        return _index_page(request, programme, columns_form=form, status=400)
    try:
        column_template_set(programme=programme, columns=form.columns(), actor=user)
    except DomainError as exc:
        form.add_error(None, exc.message)
        return _index_page(request, programme, columns_form=form, status=exc.status_code)
    messages.success(
        request, _("Templat kolom disimpan. Batch berikutnya memakai kolom ini; batch lama tetap seperti dikirim.")
    )
    return redirect(reverse("batches:index", kwargs={"code": programme.code}) + "#kolom")


# -- one batch -----------------------------------------------------------------------------------------------


@never_cache  # names and masked NIKs of the batch's members
@login_required
@domain_errors_as_pages
@require_GET
def detail(request: HttpRequest, code: str, number: str) -> HttpResponse:
    programme = _programme(officer_of(request), code)
    batch = _batch(programme, number)
    members = batch.members.select_related("person").order_by("position")
    page = Paginator(members, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = batch.members.aggregate(
        total=Count("pk"),
        accepted=Count("pk", filter=Q(outcome=Outcome.ACCEPTED)),
        rejected=Count("pk", filter=Q(outcome=Outcome.REJECTED)),
        pending=Count("pk", filter=Q(outcome=Outcome.PENDING)),
    )
    rows = [(member, mask_nik(member.nik)) for member in page.object_list]
    officer_saw(
        request,
        funder=programme.funder,
        ref=f"batch:{batch.number}",
        label=f"Batch {batch.number}",
        what="batch_detail",
    )
    context = {
        "programme": programme,
        "batch": batch,
        "page": page,
        "rows": rows,
        "counts": counts,
        "headers": headers_of(batch),
        "current_tab": "batches",
    }
    return render(request, "enrolment/batch_detail.html", context)


@never_cache  # the file holds every member's identity
@login_required
@domain_errors_as_pages
@require_GET
def download(request: HttpRequest, code: str, number: str, fmt: str) -> HttpResponse:
    user = officer_of(request)
    programme = _programme(user, code)
    batch = _batch(programme, number)
    if fmt not in FORMATS:
        raise NotFound(_("Format berkas tidak dikenal; pilih XLSX atau CSV."))
    content, content_type, file_name = batch_file(batch, fmt)
    batch_download_log(batch=batch, fmt=fmt, actor=user, path=request.path, ip_address=client_ip(request))
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=file_name) or ""
    return response


# -- the branch's answer --------------------------------------------------------------------------------------


def _too_large() -> DomainError:
    return DomainError(
        _("Berkas terlalu besar (lebih dari %(mb)s MB). Pecah jawaban menjadi beberapa berkas.")
        % {"mb": MAX_FILE_BYTES // (1024 * 1024)},
        field="file",
    )


@never_cache
@login_required
@domain_errors_as_pages
@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, code: str) -> HttpResponse:
    """Upload the branch's answer; earlier answers of the programme are listed below the form."""
    user = officer_of(request)
    programme = _programme(user, code)
    status = 200
    if request.method == "POST":
        form = AnswerUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                if upload.size is not None and upload.size > MAX_FILE_BYTES:
                    raise _too_large()
                response = answer_import(
                    programme=programme,
                    file_name=upload.name or "",
                    content=upload.read(MAX_FILE_BYTES + 1),
                    actor=user,
                    apply_sound_rows=form.cleaned_data["apply_sound_rows"],
                )
            except DomainError as exc:
                form.add_error("file" if exc.field == "file" else None, exc.message)
                status = exc.status_code
            else:
                if response.status == ResponseImport.Status.APPLIED:
                    messages.success(
                        request,
                        _("Jawaban %(file)s diterapkan: %(accepted)s diterima, %(rejected)s ditolak.")
                        % {
                            "file": response.file_name,
                            "accepted": response.counts.get("accepted", 0),
                            "rejected": response.counts.get("rejected", 0),
                        },
                    )
                else:
                    messages.warning(
                        request,
                        _(
                            "%(file)s tidak diterapkan: %(bad)s baris bermasalah. Perbaiki berkasnya, atau unggah "
                            "lagi dengan centang “Terapkan baris yang benar saja”."
                        )
                        % {"file": response.file_name, "bad": response.counts.get("bad", 0)},
                    )
                return redirect("batches:answer_result", code=programme.code, pk=response.pk)
        else:
            status = 400
    else:
        form = AnswerUploadForm()
    imports = list(
        ResponseImport.objects.filter(programme=programme)
        .select_related("created_by")
        .order_by("-created_at", "-pk")[:50]
    )
    context = {"programme": programme, "form": form, "imports": imports, "current_tab": "answer"}
    return render(request, "enrolment/batch_answer.html", context, status=status)


@never_cache  # the problems name NIKs
@login_required
@domain_errors_as_pages
@require_GET
def answer_result(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    programme = _programme(officer_of(request), code)
    if pk > ID_MAX:
        raise NotFound(_("Jawaban BPJS ini tidak ditemukan."))
    response = (
        ResponseImport.objects.filter(programme=programme, pk=pk).select_related("created_by", "programme").first()
    )
    if response is None:
        raise NotFound(_("Jawaban BPJS ini tidak ditemukan."))
    earlier = (
        ResponseImport.objects.filter(
            programme=programme, file_sha256=response.file_sha256, status=ResponseImport.Status.APPLIED, pk__lt=pk
        )
        .order_by("-pk")
        .first()
    )
    problems = list(response.problems)
    row_problems = [p for p in problems if p.get("kind", "row") == "row"]
    unknown = [p for p in problems if p.get("kind") == "unknown"]
    conflicting = [p for p in problems if p.get("kind") == "conflicting"]
    officer_saw(
        request,
        funder=programme.funder,
        ref=f"bpjs_answer:{response.pk}",
        label=f"{response.file_name} ({programme.code})",
        what="bpjs_answer_result",
    )
    context = {
        "programme": programme,
        "response": response,
        "counts": response.counts,
        "applied": response.status == ResponseImport.Status.APPLIED,
        "row_problems": row_problems,
        "unknown": unknown,
        "conflicting": conflicting,
        "earlier": earlier,
        "current_tab": "answer",
    }
    return render(request, "enrolment/batch_answer_result.html", context)
