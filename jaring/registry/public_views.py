"""Pages for applicants, without log-in: self-registration step by step, and the status check with the
applicant's own correction of a returned application.

Made for a cheap phone on a slow link: each step is a plain POST and redirect (no JavaScript needed),
progress is kept in the session so a reload or the back button resumes, and an uploaded file is checked
the moment it arrives, not at the end. Abuse is limited in our own database (rate limits by address and by
NIK, a honeypot field); no third-party service sees the applicant.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jaring.core import clock
from jaring.core.actors import Actor
from jaring.core.errors import DomainError
from jaring.core.http import client_ip
from jaring.core.models import Sector
from jaring.core.services import audit_record, rate_limit_hit
from jaring.core.validation import FieldError
from jaring.eligibility.models import DocumentKind
from jaring.programmes.models import Programme
from jaring.programmes.selectors import cover_from, programme_taking_registrations, programmes_taking_registrations
from jaring.registry.forms import (
    ADDRESS_FIELDS,
    CONFIRM_FIELD,
    IDENTITY_FIELDS,
    WORK_FIELDS,
    ApplicantForm,
    beside_field,
    form_field_of,
    identity_fingerprint,
    identity_warnings,
)
from jaring.registry.intake import ParseResult, ReferenceIndex, parse_applicant
from jaring.registry.models import Application, Channel, Document
from jaring.registry.public_support import (
    DRAFT,
    StatusForm,
    applicant_summary,
    document_rows,
    draft_discard,
    draft_load,
    draft_save,
    kinds_for_sector,
    outside_region,
    pending_documents,
    pending_remove,
    pending_store,
    pending_uploads,
    read_upload,
    regencies,
    regency_choice,
    regency_default,
    required_kinds,
    rules_summary,
    size_limit_mb,
)
from jaring.registry.selectors import application_status_lookup, documents_requested_of, public_reasons
from jaring.registry.services import (
    DuplicateApplication,
    Upload,
    applicant_register,
    application_resubmit,
    document_add,
)
from jaring.registry.states import ApplicationStatus

S = ApplicationStatus

STEPS = ("program", "identitas", "alamat", "pekerjaan", "dokumen", "periksa")
STEP_TITLES = {
    "program": gettext_lazy("Program"),
    "identitas": gettext_lazy("Identitas"),
    "alamat": gettext_lazy("Alamat"),
    "pekerjaan": gettext_lazy("Pekerjaan"),
    "dokumen": gettext_lazy("Dokumen"),
    "periksa": gettext_lazy("Periksa & kirim"),
}
STEP_FIELDS = {"identitas": IDENTITY_FIELDS, "alamat": ADDRESS_FIELDS, "pekerjaan": WORK_FIELDS}
# The step where a problem found later (when the steps are put together, or by a service) is fixed.
FIELD_STEP: dict[str, str] = {
    **{name: step for step, names in STEP_FIELDS.items() for name in names},
    "kelurahan": "alamat",
    "kecamatan": "alamat",
    "programme": "program",
    **{f"dokumen_{kind}": "dokumen" for kind in DocumentKind.values},
}

DONE = "public_registration_done"  # the last application sent from this session: {"id", "number"}
VERIFIED = "public_status_verified"  # {"id", "until"}: number + NIK checked in this session
VERIFIED_SECONDS = 15 * 60
HONEYPOT = "situs_web"  # hidden from people; bots fill in every field they find
IDENTITY_STATEMENT = gettext_lazy(
    "Saya sudah mencocokkan NIK, tanggal lahir dan jenis kelamin dengan KTP saya; yang saya isi sudah benar."
)
STATEMENT = gettext_lazy(
    "Saya menyatakan data ini benar, termasuk penghasilan rata-rata per bulan yang saya isi sendiri, dan "
    "bersedia menerima akibatnya bila ternyata tidak benar."
)


# -- shared bits -------------------------------------------------------------------------------------


def _message(request: HttpRequest, title: str, message: str, *, status: int) -> HttpResponse:
    return render(request, "public/message.html", {"title": title, "message": message}, status=status)


def _honeypot_refused(request: HttpRequest) -> HttpResponse:
    message = _(
        "Isian formulir ini tampak dikirim oleh program otomatis, bukan oleh orang. Muat ulang halaman dan coba lagi."
    )
    return _message(request, _("Permintaan ditolak"), message, status=400)


def _open_programme(code: object) -> Programme | None:
    """The programme of a registration in progress, while the public pages still take registrations for it: a
    draft begun for this year's programme goes back to the choice once next year's has opened."""
    return programme_taking_registrations(code=code, on=clock.today())


def _parse(values: dict[str, Any], programme: Programme) -> ParseResult:
    return parse_applicant(
        values, index=ReferenceIndex.load(), region_code=programme.funder.region_id, today=clock.today()
    )


def _context(step: str, draft: dict[str, Any], programme: Programme | None, **extra: Any) -> dict[str, Any]:
    reached = draft.get("reached", 0)
    steps = [
        {"slug": slug, "title": STEP_TITLES[slug], "number": i + 1, "current": slug == step, "link": i <= reached}
        for i, slug in enumerate(STEPS)
    ]
    return {
        "step": step,
        "step_number": STEPS.index(step) + 1,
        "step_total": len(STEPS),
        "step_title": STEP_TITLES[step],
        "steps": steps,
        "programme": programme,
        "honeypot": HONEYPOT,
        **extra,
    }


# -- the registration wizard -------------------------------------------------------------------------


@never_cache
@require_GET
def register(request: HttpRequest) -> HttpResponse:
    """The way in: resumes a registration in progress at the step the person reached, or starts one."""
    draft = draft_load(request)
    reached = draft.get("reached", 0)
    if reached > 0 and _open_programme(draft.get("programme")) is not None:
        return redirect("public:register_step", step=STEPS[min(reached, len(STEPS) - 1)])
    return _step_programme(request, draft)


@never_cache
@require_http_methods(["GET", "POST"])
def register_step(request: HttpRequest, step: str) -> HttpResponse:
    if step not in STEPS:
        raise Http404
    if request.method == "POST" and request.POST.get(HONEYPOT):
        return _honeypot_refused(request)
    if step == "periksa" and request.method == "POST" and DRAFT not in request.session:
        return _already_sent(request)
    draft = draft_load(request)
    index, reached = STEPS.index(step), draft.get("reached", 0)
    if index > reached:
        return redirect("public:register_step", step=STEPS[reached])
    if step == "program":
        return _step_programme(request, draft)
    programme = _open_programme(draft.get("programme"))
    if programme is None:
        draft["reached"] = 0
        draft_save(request, draft)
        messages.error(request, _("Program yang Anda pilih sudah tidak menerima pendaftaran. Pilih program lagi."))
        return redirect("public:register_step", step="program")
    if step in STEP_FIELDS:
        return _step_fields(request, draft, step, programme)
    if step == "dokumen":
        return _step_documents(request, draft, programme)
    if request.method == "POST":
        return _submit(request, draft, programme)
    return _step_review(request, draft, programme)


def _step_programme(request: HttpRequest, draft: dict[str, Any]) -> HttpResponse:
    today = clock.today()
    programmes = programmes_taking_registrations(on=today)
    selected = draft.get("programme") or (programmes[0].code if len(programmes) == 1 else "")
    error, status = "", 200
    if request.method == "POST":
        chosen = next((p for p in programmes if p.code == request.POST.get("programme")), None)
        if chosen is not None:
            if chosen.code != draft.get("programme"):
                draft["wilayah"] = regency_default(chosen)
            draft["programme"] = chosen.code
            draft["reached"] = max(draft.get("reached", 0), 1)
            draft_save(request, draft)
            return redirect("public:register_step", step="identitas")
        error, status, selected = _("Pilih salah satu program."), 400, ""
    context = _context(
        "program",
        draft,
        None,
        offers=[{"programme": p, "rules": rules_summary(p), "cover": cover_from(p, today)} for p in programmes],
        selected=selected,
        error=error,
        limit_mb=size_limit_mb(),
        in_progress=draft.get("reached", 0) > 0,
    )
    return render(request, "public/register_programme.html", context, status=status)


def _step_form(step: str, programme: Programme, draft: dict[str, Any], **kwargs: Any) -> ApplicantForm:
    region_code = draft.get("wilayah", "") if step == "alamat" else programme.funder.region_id
    return ApplicantForm(region_code=region_code, today=clock.today(), fields=STEP_FIELDS[step], **kwargs)


def _validate_step(form: ApplicantForm, step: str, draft: dict[str, Any], programme: Programme) -> bool:
    """The form's own checks, then the shared parser's for this step's fields, all reported at once: a bad
    NIK is shown on the identity step, not five steps later."""
    form.is_valid()
    this_step = {name: form.cleaned_data.get(name, form.data.get(name, "")) for name in form.fields}
    for error in _parse({**draft.get("values", {}), **this_step}, programme).errors:
        field = form_field_of(error)
        if field in form.fields and FIELD_STEP.get(error.field) == step and field not in form.errors:
            form.add_error(field, beside_field(error))
    return not form.errors


def _step_fields(request: HttpRequest, draft: dict[str, Any], step: str, programme: Programme) -> HttpResponse:
    index = STEPS.index(step)
    names = STEP_FIELDS[step]
    values = draft.setdefault("values", {})
    if step == "alamat" and request.method == "POST":
        draft["wilayah"] = regency_choice(programme, request.POST.get("wilayah")) or draft.get("wilayah", "")
        if request.POST.get("action") == "wilayah":
            # Without JavaScript the kelurahan list follows the regency on a round trip; keep what was typed.
            values.update({name: request.POST.get(name, "")[:300] for name in names if name != "kode_kelurahan"})
            draft_save(request, draft)
            return redirect("public:register_step", step=step)
    status = 200
    doubts: list[str] = []
    if request.method == "POST":
        form = _step_form(step, programme, draft, data=request.POST)
        if _validate_step(form, step, draft, programme):
            doubts = _unconfirmed_doubts(request, draft, step, form.cleaned_data)
            if not doubts:
                values.update({name: form.cleaned_data.get(name, "") for name in names})
                draft["reached"] = max(draft.get("reached", 0), index + 1)
                draft_save(request, draft)
                return redirect("public:register_step", step=STEPS[index + 1])
        # Keep what was typed so a reload shows it again; the step stays unfinished until it is valid.
        values.update({name: request.POST.get(name, "")[:1000] for name in names})
        draft_save(request, draft)
        status = 400
    elif draft.get("reached", 0) > index:
        # A finished step opened again (back button, or sent back from the last step): show its problems now.
        form = _step_form(step, programme, draft, data={name: values.get(name, "") for name in names})
        _validate_step(form, step, draft, programme)
    else:
        form = _step_form(step, programme, draft, initial={name: values.get(name, "") for name in names})
    regency = draft.get("wilayah", "")
    context = _context(
        step,
        draft,
        programme,
        form=form,
        regencies=regencies(programme) if step == "alamat" else [],
        regency=regency,
        outside=outside_region(programme, regency),
        previous=STEPS[index - 1],
        identity_warnings=doubts,
        confirm_field=CONFIRM_FIELD,
        confirm_label=IDENTITY_STATEMENT,
    )
    return render(request, "public/register_fields.html", context, status=status)


def _unconfirmed_doubts(request: HttpRequest, draft: dict[str, Any], step: str, cleaned: dict[str, Any]) -> list[str]:
    """On the identity step, what the NIK says against the typed birth date or sex (DOMAIN, Identifiers), until the
    person ticks that it matches their KTP; the confirmation holds for these values only."""
    if step != "identitas":
        return []
    doubts = [w.problem or w.message for w in identity_warnings(cleaned)]
    fingerprint = identity_fingerprint(cleaned)
    if not doubts:
        draft.pop("identity_confirmed", None)
        return []
    if request.POST.get(CONFIRM_FIELD) == "1":
        draft["identity_confirmed"] = fingerprint
    return [] if draft.get("identity_confirmed") == fingerprint else doubts


@never_cache
@require_GET
def register_kelurahan(request: HttpRequest) -> HttpResponse:
    """htmx fragment: the kelurahan select of the chosen kabupaten/kota, with the out-of-region notice."""
    draft = draft_load(request)
    programme = _open_programme(draft.get("programme"))
    if programme is None:
        return HttpResponse(status=204)
    regency = regency_choice(programme, request.GET.get("wilayah")) or ""
    form = ApplicantForm(
        initial={"kode_kelurahan": draft.get("values", {}).get("kode_kelurahan", "")},
        region_code=regency,
        today=clock.today(),
        fields=("kode_kelurahan",),
    )
    context = {"form": form, "programme": programme, "outside": outside_region(programme, regency), "regency": regency}
    return render(request, "public/_kelurahan.html", context)


def _step_documents(request: HttpRequest, draft: dict[str, Any], programme: Programme) -> HttpResponse:
    stored = pending_documents(draft)
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        for kind in DocumentKind.values:
            upload = request.FILES.get(f"dokumen_{kind}")
            if upload is None:
                continue
            content, problem, content_type = read_upload(upload)
            if problem:
                errors[kind] = f"{DocumentKind(kind).label}: {problem}"
            else:
                pending_store(draft, kind=kind, content=content, name=upload.name or "", content_type=content_type)
        if request.POST.get("hapus") in stored:
            pending_remove(draft, kind=request.POST["hapus"])
        if not errors and request.POST.get("action") == "next":
            draft["reached"] = max(draft.get("reached", 0), STEPS.index("periksa"))
        draft_save(request, draft)
        if not errors:
            return redirect(
                "public:register_step", step="periksa" if request.POST.get("action") == "next" else "dokumen"
            )
        status = 400
    sector_code = draft.get("values", {}).get("sektor", "")
    required = required_kinds(programme, sector_code)
    offered = kinds_for_sector(programme, sector_code)
    context = _context(
        "dokumen",
        draft,
        programme,
        rows=document_rows(required=required, errors=errors, stored=stored, offered=offered),
        limit_mb=size_limit_mb(),
        previous="pekerjaan",
    )
    return render(request, "public/register_documents.html", context, status=status)


def _back_to_step(request: HttpRequest, errors: tuple[FieldError, ...]) -> HttpResponse:
    """Send the person to the first step holding a problem; that step shows it next to its field."""
    first = min((FIELD_STEP.get(error.field, "identitas") for error in errors), key=STEPS.index)
    messages.error(request, _("Ada isian yang perlu diperbaiki sebelum pendaftaran dapat dikirim."))
    return redirect("public:register_step", step=first)


def _step_review(
    request: HttpRequest, draft: dict[str, Any], programme: Programme, *, statement_error: str = ""
) -> HttpResponse:
    result = _parse(draft.get("values", {}), programme)
    if result.data is None:
        return _back_to_step(request, result.errors)
    data = result.data
    stored = pending_documents(draft)
    missing = [DocumentKind(kind).label for kind in required_kinds(programme, data.sector_code) if kind not in stored]
    context = _context(
        "periksa",
        draft,
        programme,
        sections=[{"step": step, "title": STEP_TITLES[step], "rows": rows} for step, rows in applicant_summary(data)],
        warnings=[w.problem or w.message for w in data.warnings],
        identity_confirmed=bool(data.warnings) and draft.get("identity_confirmed") is not None,
        documents=[(DocumentKind(kind).label, meta) for kind, meta in stored.items()],
        missing=missing,
        statement=STATEMENT,
        statement_error=statement_error,
        previous="dokumen",
    )
    return render(request, "public/register_review.html", context, status=400 if statement_error else 200)


def _submit(request: HttpRequest, draft: dict[str, Any], programme: Programme) -> HttpResponse:
    if request.POST.get("pernyataan") != "1":
        error = _("Centang pernyataan ini untuk mengirim pendaftaran.")
        return _step_review(request, draft, programme, statement_error=error)
    limit, hour = settings.PUBLIC_SUBMISSIONS_PER_HOUR, timedelta(hours=1)
    if not rate_limit_hit(bucket="register-ip", key=client_ip(request) or "unknown", limit=limit, window=hour):
        message = _(
            "Sudah terlalu banyak pendaftaran dikirim dari jaringan ini dalam satu jam terakhir. Isian Anda tetap "
            "tersimpan; coba kirim lagi nanti."
        )
        return _message(request, _("Terlalu banyak pendaftaran"), message, status=429)
    result = _parse(draft.get("values", {}), programme)
    if result.data is None:
        return _back_to_step(request, result.errors)
    data = result.data
    limit, day = settings.PUBLIC_SUBMISSIONS_PER_NIK_PER_DAY, timedelta(days=1)
    if not rate_limit_hit(bucket="register-nik", key=data.nik, limit=limit, window=day):
        message = _(
            "NIK ini sudah terlalu sering dicoba didaftarkan hari ini. Coba lagi besok, atau datang ke loket "
            "pendaftaran dengan membawa KTP."
        )
        return _message(request, _("Terlalu banyak percobaan"), message, status=429)
    try:
        application = applicant_register(
            data=data,
            programme=programme,
            channel=Channel.ONLINE,
            actor=Actor.applicant(),
            uploads=pending_uploads(draft),
        )
    except DuplicateApplication as exc:
        # The number only: the name on file is not shown to whoever typed this NIK.
        context = {"number": exc.number, "programme": programme}
        return render(request, "public/register_duplicate.html", context, status=409)
    except DomainError as exc:
        step = FIELD_STEP.get(exc.field or "")
        if step is None:
            return _message(request, _("Pendaftaran belum dapat dikirim"), exc.message, status=exc.status_code)
        messages.error(request, exc.message)
        return redirect("public:register_step", step=step)
    # The income is self-declared: the statement the applicant ticked is kept with the application.
    declared: dict[str, Any] = {"statement": str(STATEMENT), "channel": Channel.ONLINE}
    if data.warnings:
        # The person ticked that their NIK matches the KTP despite what it says: the verifier sees the warning.
        declared["identity_confirmed"] = {
            "statement": str(IDENTITY_STATEMENT),
            "warnings": [w.message for w in data.warnings],
        }
    audit_record(actor=Actor.applicant(), action="application.declare", target=application, data=declared)
    draft_discard(request)
    request.session[DONE] = {"id": application.pk, "number": application.number}
    return redirect("public:register_done")


def _already_sent(request: HttpRequest) -> HttpResponse:
    """A second POST of the last step (double click, reload, back button): nothing is sent twice."""
    done = request.session.get(DONE) or {}
    return render(request, "public/register_already_sent.html", {"number": done.get("number", "")})


@never_cache
@require_POST
def register_restart(request: HttpRequest) -> HttpResponse:
    draft_discard(request)
    messages.info(request, _("Isian sebelumnya sudah dihapus. Silakan mulai dari awal."))
    return redirect("public:register")


def _application(pk: object) -> Application | None:
    if not isinstance(pk, int):
        return None
    return (
        Application.objects.select_related("programme", "programme__owning_agency", "verifying_agency")
        .filter(pk=pk)
        .first()
    )


def _outcome(application: Application) -> dict[str, Any]:
    """What an applicant may read about their application: no name, no address, nothing else of the person."""
    return {
        "application": application,
        "programme": application.programme,
        "reasons": public_reasons(application),
        "agency": application.verifying_agency.name if application.verifying_agency else "",
        "owner": application.programme.owning_agency.name,
        "changed": application.status_changed_at or application.submitted_at or application.created_at,
        # Whoever registered it (online, at the counter, the kelurahan, a partner or a list), the applicant holds the
        # number and the NIK and may upload what was asked.
        "can_correct": application.status == S.RETURNED,
    }


@never_cache
@require_GET
def register_done(request: HttpRequest) -> HttpResponse:
    done = request.session.get(DONE) or {}
    application = _application(done.get("id"))
    if application is None:
        return redirect("public:register")
    status_url = request.build_absolute_uri(reverse("public:status"))
    # The cover a place taken now would give (from this month, or the programme's cover start if later).
    cover = cover_from(application.programme, clock.today())
    context = {**_outcome(application), "status_url": status_url, "cover": cover}
    return render(request, "public/register_done.html", context)


# -- status check and the applicant's correction -----------------------------------------------------


def _verified(request: HttpRequest) -> Application | None:
    verified = request.session.get(VERIFIED)
    if not isinstance(verified, dict) or verified.get("until", 0) < clock.now().timestamp():
        return None
    return _application(verified.get("id"))


@never_cache
@require_http_methods(["GET", "POST"])
def status(request: HttpRequest) -> HttpResponse:
    """Number + NIK, posted (the NIK never goes in a URL); one message for any mismatch."""
    done = request.session.get(DONE) or {}
    form = StatusForm(request.POST or None, initial={"nomor": done.get("number", "")})
    error, code = "", 200
    if request.method == "POST":
        if not form.is_valid():
            code = 400
        else:
            limit, hour = settings.PUBLIC_STATUS_CHECKS_PER_HOUR, timedelta(hours=1)
            if not rate_limit_hit(bucket="status-ip", key=client_ip(request) or "unknown", limit=limit, window=hour):
                message = _(
                    "Terlalu banyak pemeriksaan status dari jaringan ini dalam satu jam terakhir. Coba lagi nanti."
                )
                return _message(request, _("Terlalu banyak pemeriksaan"), message, status=429)
            application = application_status_lookup(number=form.cleaned_data["nomor"], nik=form.cleaned_data["nik"])
            if application is not None:
                request.session[VERIFIED] = {"id": application.pk, "until": clock.now().timestamp() + VERIFIED_SECONDS}
                return redirect("public:status_result")
            error = _("Nomor pendaftaran dan NIK tidak cocok dengan data kami. Periksa kembali keduanya.")
            code = 404
    return render(request, "public/status.html", {"form": form, "error": error}, status=code)


@never_cache
@require_GET
def status_result(request: HttpRequest) -> HttpResponse:
    application = _verified(request)
    if application is None:
        messages.info(request, _("Masukkan nomor pendaftaran dan NIK untuk melihat status."))
        return redirect("public:status")
    return render(request, "public/status_result.html", _outcome(application))


@never_cache
@require_http_methods(["GET", "POST"])
def status_correct(request: HttpRequest) -> HttpResponse:
    """The applicant uploads what was missing and sends a returned online application back in."""
    application = _verified(request)
    if application is None:
        messages.info(request, _("Masukkan nomor pendaftaran dan NIK lagi untuk melengkapi dokumen."))
        return redirect("public:status")
    if application.status != S.RETURNED:
        return redirect("public:status_result")
    if request.method == "POST" and request.POST.get(HONEYPOT):
        return _honeypot_refused(request)
    if request.method != "POST":
        return _correction_page(request, application)
    chosen, accepted, errors = _documents_sent(request)
    try:
        with transaction.atomic():
            # Good files are kept even when another is refused: the applicant re-sends only that one.
            for item in accepted:
                document_add(application=application, upload=item, actor=Actor.applicant())
            if chosen and not errors:
                application_resubmit(application=application, actor=Actor.applicant())
    except DomainError as exc:
        return _message(request, _("Dokumen belum dapat disimpan"), exc.message, status=exc.status_code)
    if chosen and not errors:
        messages.success(request, _("Dokumen diterima dan pendaftaran Anda diajukan ulang."))
        return redirect("public:status_result")
    problem = "" if chosen else _("Pilih berkas yang akan diunggah.")
    return _correction_page(request, application, errors=errors, problem=problem, status=400)


def _documents_sent(request: HttpRequest) -> tuple[int, list[Upload], dict[str, str]]:
    """How many files were chosen, those that can be stored, and why each of the others is refused."""
    chosen: list[tuple[str, UploadedFile]] = []
    for kind in DocumentKind.values:
        upload = request.FILES.get(f"dokumen_{kind}")
        if upload is not None:
            chosen.append((kind, upload))
    accepted: list[Upload] = []
    errors: dict[str, str] = {}
    for kind, upload in chosen:
        content, refusal, _type = read_upload(upload)
        if refusal:
            errors[kind] = f"{DocumentKind(kind).label}: {refusal}"
        else:
            accepted.append(Upload(kind=kind, content=content, name=(upload.name or "")[-100:]))
    return len(chosen), accepted, errors


def _correction_page(
    request: HttpRequest,
    application: Application,
    *,
    errors: dict[str, str] | None = None,
    problem: str = "",
    status: int = 200,
) -> HttpResponse:
    present = set(Document.objects.filter(application=application, superseded_at=None).values_list("kind", flat=True))
    sector_code = Sector.objects.filter(pk=application.sector_id).values_list("code", flat=True).first() or ""
    version = application.rule_version
    missing = [k for k in required_kinds(application.programme, sector_code, version=version) if k not in present]
    requested = documents_requested_of(application)
    offered = [*kinds_for_sector(application.programme, sector_code, version=version), *requested]
    context = {
        **_outcome(application),
        "rows": document_rows(
            required=missing,
            errors=errors or {},
            stored={kind: True for kind in present},
            offered=offered,
            requested=requested,
        ),
        "problem": problem,
        "limit_mb": size_limit_mb(),
        "honeypot": HONEYPOT,
    }
    return render(request, "public/status_correct.html", context, status=status)
