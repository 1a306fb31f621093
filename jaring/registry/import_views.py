"""Pages of the bulk import (/impor/): upload a list, follow its progress, download the result, resume an
interrupted import, and the empty template. Registration officers and programme managers of the programme's
funder (Capability.IMPORT_APPLICANTS); the work itself runs in the worker (registry/tasks.py)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jaring.core.actors import officer_of
from jaring.core.errors import DomainError
from jaring.core.http import client_ip, domain_errors_as_pages
from jaring.core.services import access_log_write
from jaring.registry.forms import ApplicantListForm
from jaring.registry.imports.files import ImportFileError
from jaring.registry.imports.results import result_download_name, result_path, template_write
from jaring.registry.imports.selectors import (
    import_batch_for,
    import_batch_resumable,
    import_batches_visible_to,
    import_programmes_for,
    import_result_writing,
)
from jaring.registry.imports.services import ATTESTATION_MAX, import_batch_resume, import_batch_start
from jaring.registry.models import ImportBatch, ImportRow, mask_nik

BATCHES_SHOWN = 30


class ImportForm(ApplicantListForm):
    documents_checked_by = forms.CharField(
        label=gettext_lazy("Dokumen sudah diperiksa oleh"),
        help_text=gettext_lazy(
            "Isi bila kantor pengirim (misalnya “Kelurahan Manggar”) sudah memeriksa KTP, KK dan dokumen sektor "
            "setiap pemohon di atas kertas: dokumen dianggap lengkap. Bila kosong, pemohon yang memenuhi syarat "
            "dikembalikan untuk melengkapi dokumen."
        ),
        max_length=ATTESTATION_MAX,
        required=False,
    )


@never_cache
@login_required
@domain_errors_as_pages
@require_http_methods(["GET", "POST"])
def index(request: HttpRequest) -> HttpResponse:
    user = officer_of(request)
    programmes = import_programmes_for(user)
    form = ImportForm(request.POST or None, request.FILES or None, programmes=programmes)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            uploaded = form.cleaned_data["file"]
            try:
                if uploaded.size > settings.IMPORT_MAX_BYTES:
                    raise ImportFileError(
                        _("Berkas terlalu besar; paling besar %(max)s MB. Pecah daftar menjadi beberapa berkas.")
                        % {"max": settings.IMPORT_MAX_BYTES // 1_048_576}
                    )
                batch, checked = import_batch_start(
                    programme=form.cleaned_data["programme"],
                    actor=user,
                    file_name=uploaded.name or "impor",
                    content=uploaded.read(),
                    documents_checked_by=form.cleaned_data["documents_checked_by"],
                )
            except DomainError as exc:
                form.add_error("file" if exc.field in (None, "file") else exc.field, exc.message)
                status = 400
            else:
                if checked is None:
                    messages.info(
                        request,
                        _(
                            "Berkas yang sama sudah mulai diimpor ke program ini; impor itu dilanjutkan, "
                            "tidak dibuat dua kali."
                        ),
                    )
                return redirect("imports:batch", pk=batch.pk)
        else:
            status = 400
    batches = import_batches_visible_to(user)[:BATCHES_SHOWN]
    context = {
        "form": form,
        "batches": batches,
        "programmes": programmes,
        "max_mb": settings.IMPORT_MAX_BYTES // 1_048_576,
    }
    return render(request, "imports/index.html", context, status=status)


ROWS_SHOWN = 200  # refused or duplicate rows listed on the page; the result file has every row


def _batch_context(batch: ImportBatch) -> dict[str, Any]:
    done = batch.status == ImportBatch.Status.DONE
    percent = 100 if done else batch.rows_done * 100 // max(batch.rows_total, 1)
    context: dict[str, Any] = {
        "batch": batch,
        "percent": percent,
        "resumable": import_batch_resumable(batch),
        "writing": import_result_writing(batch),
    }
    if done:
        # What to fix, on the page itself: each refused row with every reason, and each duplicate with the number
        # it duplicates. NIKs masked: the full ones are in the result file, whose download is logged.
        for status, key in ((ImportRow.Status.REJECTED, "refused"), (ImportRow.Status.DUPLICATE, "duplicates")):
            rows = list(batch.rows.filter(status=status).order_by("row_number")[:ROWS_SHOWN])
            context[key] = [{"row": row, "nik": mask_nik(row.nik) if row.nik else "—"} for row in rows]
        context["refused_more"] = max(batch.rejected_count - len(context["refused"]), 0)
        context["duplicates_more"] = max(batch.duplicate_count - len(context["duplicates"]), 0)
    return context


@never_cache
@login_required
@domain_errors_as_pages
@require_GET
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = import_batch_for(officer_of(request), pk=pk)
    return render(request, "imports/batch.html", _batch_context(batch))


@never_cache
@login_required
@domain_errors_as_pages
@require_GET
def batch_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress fragment htmx polls every second while the import runs (a whole page without htmx)."""
    batch = import_batch_for(officer_of(request), pk=pk)
    template = "imports/_progress.html" if request.headers.get("HX-Request") else "imports/batch.html"
    response = render(request, template, _batch_context(batch))
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@domain_errors_as_pages
@require_POST
def batch_resume(request: HttpRequest, pk: int) -> HttpResponse:
    user = officer_of(request)
    batch = import_batch_for(user, pk=pk)
    import_batch_resume(batch=batch, actor=user)
    messages.success(request, _("Impor dilanjutkan dari baris terakhir yang tersimpan."))
    return redirect("imports:batch", pk=batch.pk)


@never_cache  # the result holds every row's NIK, name and address
@login_required
@domain_errors_as_pages
@require_GET
def batch_result(request: HttpRequest, pk: int) -> HttpResponseBase:
    user = officer_of(request)
    batch = import_batch_for(user, pk=pk)
    path = result_path(batch) if batch.result_file else None
    if batch.status != ImportBatch.Status.DONE or path is None or not path.is_file():
        raise Http404
    # UU PDP: who downloaded whose data. One entry for the file; its rows are the batch's.
    access_log_write(
        actor=user,
        person_ref=f"import:{batch.pk}",
        person_label=batch.file_name,
        what="import_result",
        path=request.path,
        ip_address=client_ip(request),
        funder=batch.programme.funder,
    )
    return FileResponse(path.open("rb"), as_attachment=True, filename=result_download_name(batch))


@login_required
@require_GET
def template_download(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        template_write(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="template-impor-pendaftar.xlsx"'
    return response
