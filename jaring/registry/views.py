"""Officer pages on applications: the scoped list, the detail view (whose opening is logged), registration
at the counter and by kelurahan operators (search first, then the form), documents, and correction of a
returned application."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import UploadedFile
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from jaring.core.errors import DomainError, NotFound, PermissionDenied
from jaring.core.http import client_ip, domain_errors_as_pages
from jaring.core.models import AuditRecord, Role, User
from jaring.core.permissions import Capability, user_can
from jaring.core.selectors import Scope, filter_by_funder, require
from jaring.core.services import access_log_write
from jaring.eligibility import rules
from jaring.eligibility.models import DocumentKind
from jaring.programmes.models import Programme
from jaring.registry.forms import ADDRESS_FIELDS, IDENTITY_FIELDS, WORK_FIELDS, ApplicantForm, DocumentsForm
from jaring.registry.models import Application, Channel, Person, mask_nik
from jaring.registry.selectors import application_for, applications_visible_to
from jaring.registry.services import DuplicateApplication, Upload, applicant_correct, applicant_register, document_add
from jaring.registry.states import OPEN_STATUSES, ApplicationStatus

# What an officer reads in the outcome table; the stored ids stay stable across rule versions.
RULE_LABELS: dict[str, Any] = {
    rules.RULE_REGION: gettext_lazy("Alamat KTP di wilayah program"),
    rules.RULE_DOMICILE_MONTHS: gettext_lazy("Lama berdomisili"),
    rules.RULE_INCOME_CEILING: gettext_lazy("Batas penghasilan"),
    rules.RULE_AGE: gettext_lazy("Batas usia"),
    rules.RULE_SECTOR: gettext_lazy("Sektor pekerjaan"),
    rules.RULE_DOCUMENTS: gettext_lazy("Kelengkapan dokumen"),
    rules.RULE_NOT_COVERED: gettext_lazy("Belum menjadi peserta BPJS dan tidak dibiayai pihak lain"),
}

# Form tokens of registrations this session already saved: a re-sent form leads to the saved application.
SUBMISSIONS_KEY = "registry_submissions"
SUBMISSIONS_KEPT = 20


def _officer(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _text(value: str, limit: int = 100) -> str:
    # PostgreSQL refuses NUL in a query parameter (a 500); no name or number contains one.
    return value.replace("\x00", "")[:limit]


def _application(user: User, number: str) -> Application:
    if "\x00" in number:
        number = ""  # not an application number, and PostgreSQL would refuse it as a parameter
    return application_for(user, number=number)


def _log_person_view(
    request: HttpRequest, *, user: User, person: Person, what: str, programme: Programme | None
) -> None:
    access_log_write(
        actor=user,
        person_ref=str(person.pk),
        person_label=person.name,
        what=what,
        path=request.path,
        ip_address=client_ip(request),
        funder=programme.funder if programme is not None else None,
    )


# -- list and detail ---------------------------------------------------------------------------------


@login_required
@domain_errors_as_pages
def application_list(request: HttpRequest) -> HttpResponse:
    user = _officer(request)
    status = request.GET.get("status", "")
    if status not in ApplicationStatus.values:
        status = ""
    query = _text(request.GET.get("q", ""))
    applications = applications_visible_to(user, status=status, query=query)
    page = Paginator(applications, 25).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "status": status,
        "q": query,
        "statuses": ApplicationStatus.choices,
        "may_register": user_can(user, Capability.REGISTER_APPLICANTS),
    }
    return render(request, "registry/list.html", context)


@never_cache  # full NIK and address: never kept by a browser or proxy cache
@login_required
@domain_errors_as_pages
def application_detail(request: HttpRequest, number: str) -> HttpResponse:
    user = _officer(request)
    application = _application(user, number)
    person = application.person
    # The full NIK and address are shown here, so the view is logged (UU PDP: who saw whose data).
    _log_person_view(request, user=user, person=person, what="application_detail", programme=application.programme)
    history = AuditRecord.objects.filter(target_type="registry.application", target_id=str(application.pk)).order_by(
        "at", "id"
    )
    outcomes = [
        {
            "label": RULE_LABELS.get(str(o.get("rule")), o.get("rule")),
            "passed": bool(o.get("passed")),
            "reason": o.get("reason", ""),
            "completeness": o.get("affects") == rules.COMPLETENESS,
        }
        for o in application.eligibility
        if isinstance(o, dict)
    ]
    may_register = user_can(user, Capability.REGISTER_APPLICANTS)
    context = {
        "application": application,
        "person": person,
        "history": history,
        "outcomes": outcomes,
        "warnings": [w for w in application.warnings if isinstance(w, dict)],
        "documents": application.documents.select_related("uploaded_by").order_by("kind", "-uploaded_at", "-id"),
        "document_kinds": DocumentKind.choices,
        "may_upload": may_register and application.status in OPEN_STATUSES,
        "may_correct": may_register and application.status == ApplicationStatus.RETURNED,
    }
    return render(request, "registry/detail.html", context)


# -- documents ---------------------------------------------------------------------------------------


@never_cache  # an identity card: never kept by a browser or proxy cache
@login_required
@domain_errors_as_pages
def document_view(request: HttpRequest, number: str, document_id: int) -> HttpResponseBase:
    """Stream one document from private storage to an officer who may see its application."""
    user = _officer(request)
    application = _application(user, number)
    document = application.documents.filter(pk=document_id).first()
    if document is None:
        raise NotFound(_("Dokumen tidak ditemukan pada pendaftaran ini."))
    try:
        handle = document.file.storage.open(document.file.name, "rb")
    except OSError:
        raise NotFound(_("Berkas dokumen tidak ditemukan di penyimpanan. Hubungi administrator.")) from None
    _log_person_view(
        request, user=user, person=application.person, what=f"document:{document.kind}", programme=application.programme
    )
    response = FileResponse(
        handle,
        content_type=document.content_type,
        as_attachment=False,
        filename=f"{application.number}-{document.kind}{document.extension}",
    )
    # The type was decided by the bytes at upload; the browser must not second-guess it into HTML.
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
@login_required
@domain_errors_as_pages
def document_upload(request: HttpRequest, number: str) -> HttpResponse:
    user = _officer(request)
    require(user, Capability.REGISTER_APPLICANTS)
    application = _application(user, number)
    kind = request.POST.get("jenis", "")
    uploaded = request.FILES.get("berkas")
    detail = reverse("registry:detail", args=[application.number])
    if kind not in DocumentKind.values:
        messages.error(request, _("Pilih jenis dokumen."))
        return redirect(detail + "#documents-heading")
    if not isinstance(uploaded, UploadedFile):
        messages.error(request, _("Pilih berkas yang akan diunggah."))
        return redirect(detail + "#documents-heading")
    try:
        document_add(application=application, upload=_upload(kind, uploaded), actor=user)
    except PermissionDenied:
        raise  # a 403 page, not a flash message
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("%(kind)s tersimpan untuk pendaftaran %(number)s.")
            % {
                "kind": DocumentKind(kind).label,
                "number": application.number,
            },
        )
    return redirect(detail + "#documents-heading")


def _upload(kind: str, uploaded: UploadedFile) -> Upload:
    return Upload(kind=kind, content=uploaded.read(), name=uploaded.name or "")


def _uploads(documents: DocumentsForm) -> list[Upload]:
    uploads = []
    for kind in DocumentKind.values:
        uploaded = documents.cleaned_data.get(f"dokumen_{kind}")
        if isinstance(uploaded, UploadedFile):
            uploads.append(_upload(kind, uploaded))
    return uploads


# -- registration: search first ----------------------------------------------------------------------


class ProgrammeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} · {obj.name}"


class ProgrammeForm(forms.Form):
    programme = ProgrammeChoiceField(label=gettext_lazy("Program"), queryset=Programme.objects.none(), empty_label="—")

    def __init__(self, *args: Any, programmes: QuerySet[Programme], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["programme"]
        assert isinstance(field, ProgrammeChoiceField)
        field.queryset = programmes


def _open_programmes(scope: Scope) -> QuerySet[Programme]:
    qs = Programme.objects.filter(status=Programme.Status.OPEN).select_related("funder").order_by("-year", "code")
    return filter_by_funder(qs, scope)


@dataclass
class NikLookup:
    """What an officer may learn about a NIK before registering it."""

    nik: str
    known: bool = False  # a person with this NIK exists anywhere in the system
    person: Person | None = None  # set only when the officer may see (and prefill from) their data
    elsewhere: bool = False  # known, but only to another funder, or outside a kelurahan operator's area
    open_applications: list[Application] = field(default_factory=list)  # in the officer's funder's programmes

    @property
    def nik_masked(self) -> str:
        return mask_nik(self.nik)


def _nik_lookup(scope: Scope, nik: str) -> NikLookup:
    """Whether the NIK is known, its open applications in the officer's funder's programmes (number, status,
    programme only), and the person record when the officer may reuse it: officers of a funder that has
    registered the person before, a kelurahan operator only for people of their own kelurahan."""
    lookup = NikLookup(nik=nik)
    person = Person.objects.select_related("kelurahan", "sector").filter(nik=nik).first()
    if person is None:
        return lookup
    lookup.known = True
    own = Application.objects.filter(person=person)
    if not scope.everything:
        own = own.filter(programme__funder_id=scope.funder)
    lookup.open_applications = list(
        own.filter(status__in=OPEN_STATUSES).select_related("programme").order_by("-created_at")
    )
    in_area = scope.kelurahan_code is None or person.kelurahan_id == scope.kelurahan_code
    if own.exists() and in_area:
        lookup.person = person
    else:
        lookup.elsewhere = True
    return lookup


def _digits(text: str) -> str:
    return "".join(ch for ch in text if not ch.isspace() and ch not in ".-")


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
@domain_errors_as_pages
def application_new(request: HttpRequest) -> HttpResponse:
    """Counter and kelurahan registration. The search step comes first so nobody is entered twice; the form
    opens from its result (GET `nik`) and is posted here."""
    user = _officer(request)
    scope = require(user, Capability.REGISTER_APPLICANTS)
    programmes = _open_programmes(scope)
    if request.method == "POST":
        return _registration_post(request, user=user, scope=scope, programmes=programmes)
    if "nik" in request.GET:
        return _registration_form(request, user=user, scope=scope, programmes=programmes)
    return _registration_search(request, user=user, scope=scope, programmes=programmes)


def _registration_search(
    request: HttpRequest, *, user: User, scope: Scope, programmes: QuerySet[Programme]
) -> HttpResponse:
    query = _text(request.GET.get("q", "")).strip()
    context: dict[str, Any] = {"q": query, "programmes": programmes, "searched": bool(query)}
    if query:
        digits = _digits(query)
        if digits.isdigit():
            if len(digits) != 16:
                context["query_error"] = _("NIK harus 16 angka; yang diketik %(count)s angka.") % {"count": len(digits)}
                return render(request, "registry/search.html", context, status=400)
            context["nik"] = digits
            context["lookup"] = _nik_lookup(scope, digits)
            context["results"] = list(applications_visible_to(user, query=digits)[:25])
        else:
            context["results"] = list(applications_visible_to(user, query=query)[:25])
    return render(request, "registry/search.html", context)


def _prefill(person: Person, *, note: str = "") -> dict[str, Any]:
    """Form values from a person's record, written the way the form accepts them back."""
    return {
        "nik": person.nik,
        "no_kk": person.kk_number,
        "nama": person.name,
        "tempat_lahir": person.birth_place,
        "tanggal_lahir": person.birth_date.strftime("%d-%m-%Y"),
        "jenis_kelamin": person.sex,
        "nama_ibu_kandung": person.mother_name,
        "alamat": person.address,
        "rt": person.rt,
        "rw": person.rw,
        "kode_kelurahan": person.kelurahan_id,
        "domisili_sejak": person.domicile_since.strftime("%d-%m-%Y"),
        "no_hp": person.phone,
        "sektor": person.sector.code,
        "penghasilan_bulanan": str(person.monthly_income),
        "aplikator": person.aplikator,
        "keterangan": note,
    }


def _region_code(scope: Scope, user: User, programme: Programme | None, programmes: QuerySet[Programme]) -> str:
    """The region whose kelurahan the form offers: the chosen programme's funder, else the officer's."""
    if programme is not None:
        return programme.funder.region_id
    if user.funder is not None:
        return user.funder.region_id
    first = programmes.first()
    return first.funder.region_id if first is not None else "-"


def _own_kelurahan(user: User) -> str | None:
    return user.kelurahan_id if user.role == Role.KELURAHAN_OPERATOR else None


def _restrict_kelurahan(form: ApplicantForm, user: User) -> None:
    """Offer a kelurahan operator only their own kelurahan when the form is shown again. Validation ran on
    every kelurahan of the region, so a forged code reaches the service, which refuses it (403)."""
    own = _own_kelurahan(user)
    if own is None:
        return
    restricted = ApplicantForm(region_code=form.region_code, today=form.today, kelurahan_code=own)
    form.fields["kode_kelurahan"].choices = restricted.fields["kode_kelurahan"].choices  # type: ignore[attr-defined]


def _field_groups(form: ApplicantForm) -> list[tuple[str, list[forms.BoundField]]]:
    groups = (
        (_("Identitas sesuai KTP"), IDENTITY_FIELDS),
        (_("Alamat dan kontak"), ADDRESS_FIELDS),
        (_("Pekerjaan dan penghasilan"), WORK_FIELDS),
    )
    return [(legend, [form[name] for name in names if name in form.fields]) for legend, names in groups]


def _registration_form(
    request: HttpRequest, *, user: User, scope: Scope, programmes: QuerySet[Programme]
) -> HttpResponse:
    nik = _digits(request.GET.get("nik", ""))[:16]
    nik = nik if nik.isdigit() else ""
    initial: dict[str, Any] = {"nik": nik}
    prefilled_from: Person | None = None
    lookup: NikLookup | None = None
    if len(nik) == 16:
        lookup = _nik_lookup(scope, nik)
        if lookup.person is not None:
            prefilled_from = lookup.person
            initial = _prefill(lookup.person)
            # The officer now sees a stored person's full data: log it like opening the detail page.
            _log_person_view(request, user=user, person=lookup.person, what="registration_prefill", programme=None)
    programme: Programme | None = None
    chosen = request.GET.get("programme", "")
    if chosen.isascii() and chosen.isdigit() and len(chosen) < 10:
        programme = programmes.filter(pk=int(chosen)).first()
    if programme is None and len(programmes) == 1:
        programme = programmes[0]
    programme_initial = {"programme": programme.pk} if programme is not None else {}
    form = ApplicantForm(
        initial=initial,
        region_code=_region_code(scope, user, programme, programmes),
        today=timezone.localdate(),
        kelurahan_code=_own_kelurahan(user),
    )
    context = _form_context(
        form=form,
        documents=DocumentsForm(),
        programme_form=ProgrammeForm(initial=programme_initial, programmes=programmes),
        programmes=programmes,
        token=secrets.token_urlsafe(16),
    )
    context["prefilled_from"] = prefilled_from
    context["lookup"] = lookup
    return render(request, "registry/new.html", context)


def _form_context(
    *,
    form: ApplicantForm,
    documents: DocumentsForm,
    programmes: QuerySet[Programme],
    token: str,
    programme_form: ProgrammeForm | None = None,
    errors: list[str] | None = None,
    duplicate: str = "",
    files_sent: bool = False,
) -> dict[str, Any]:
    return {
        "form": form,
        "groups": _field_groups(form),
        "documents": documents,
        "programme_form": programme_form,
        "programmes": programmes,
        "token": token,
        "errors": errors or [],
        "duplicate": duplicate,
        "files_sent": files_sent,
    }


def _show_domain_error(
    exc: DomainError, *, form: ApplicantForm, documents: DocumentsForm, programme_form: ProgrammeForm | None
) -> list[str]:
    """Put each of the error's messages next to its field; return those that belong to no field."""
    unplaced: list[str] = []
    errors = exc.errors or {"": [exc.message]}
    for name, texts in errors.items():
        for text in texts:
            if name in form.fields:
                form.add_error(name, text)
            elif name in documents.fields:
                documents.add_error(name, text)
            elif programme_form is not None and name == "programme":
                programme_form.add_error("programme", text)
            else:
                unplaced.append(text)
    return unplaced


def _remember_submission(request: HttpRequest, token: str, number: str) -> None:
    saved = dict(request.session.get(SUBMISSIONS_KEY, {}))
    saved[token] = number
    request.session[SUBMISSIONS_KEY] = dict(list(saved.items())[-SUBMISSIONS_KEPT:])


def _outcome_message(request: HttpRequest, application: Application, *, verb: str) -> None:
    text = _("Pendaftaran %(number)s atas nama %(name)s %(verb)s. Hasil: %(status)s.") % {
        "number": application.number,
        "name": application.person.name,
        "verb": verb,
        "status": application.get_status_display(),
    }
    if application.status_reason and application.status != ApplicationStatus.AWAITING_VERIFICATION:
        text += " " + application.status_reason
    level = messages.SUCCESS if application.status == ApplicationStatus.AWAITING_VERIFICATION else messages.WARNING
    messages.add_message(request, level, text)


def _registration_post(
    request: HttpRequest, *, user: User, scope: Scope, programmes: QuerySet[Programme]
) -> HttpResponse:
    token = request.POST.get("submission", "")[:64] or secrets.token_urlsafe(16)
    already = request.session.get(SUBMISSIONS_KEY, {}).get(token)
    if already:
        # The same form sent again (a double click, a reload after the redirect): nothing new to create.
        messages.info(request, _("Pendaftaran ini sudah tersimpan sebagai %(number)s.") % {"number": already})
        return redirect("registry:detail", number=already)
    programme_form = ProgrammeForm(request.POST, programmes=programmes)
    programme = programme_form.cleaned_data["programme"] if programme_form.is_valid() else None
    # Validated on every kelurahan of the region: a kelurahan outside the operator's own is the service's
    # refusal (403), not a silent "invalid choice".
    form = ApplicantForm(
        request.POST, region_code=_region_code(scope, user, programme, programmes), today=timezone.localdate()
    )
    documents = DocumentsForm(request.POST, request.FILES)
    valid = form.is_valid()
    valid = documents.is_valid() and valid
    errors: list[str] = []
    duplicate = ""
    status = 400
    if valid and programme is not None and form.data_parsed is not None:
        channel = Channel.KELURAHAN if user.role == Role.KELURAHAN_OPERATOR else Channel.COUNTER
        try:
            application = applicant_register(
                data=form.data_parsed, programme=programme, channel=channel, actor=user, uploads=_uploads(documents)
            )
        except PermissionDenied as exc:
            return render(request, "core/error.html", {"message": exc.message}, status=403)
        except DuplicateApplication as exc:
            duplicate, status = exc.number, 409
            errors.append(exc.message)
        except DomainError as exc:
            errors += _show_domain_error(exc, form=form, documents=documents, programme_form=programme_form)
            status = exc.status_code
        else:
            _remember_submission(request, token, application.number)
            _outcome_message(request, application, verb=_("tersimpan"))
            return redirect("registry:detail", number=application.number)
    _restrict_kelurahan(form, user)
    context = _form_context(
        form=form,
        documents=documents,
        programme_form=programme_form,
        programmes=programmes,
        token=token,
        errors=errors,
        duplicate=duplicate,
        files_sent=bool(request.FILES),
    )
    return render(request, "registry/new.html", context, status=status)


# -- correction of a returned application ------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
@domain_errors_as_pages
def application_correct(request: HttpRequest, number: str) -> HttpResponse:
    """Correct the person's data and documents of a returned application and send it back in. The NIK is
    the person's identity, so it is shown but never taken from the form."""
    user = _officer(request)
    require(user, Capability.REGISTER_APPLICANTS)
    application = _application(user, number)
    if application.status != ApplicationStatus.RETURNED:
        # Also the answer to a correction sent twice: the first one already moved it on.
        messages.info(
            request,
            _(
                "Pendaftaran %(number)s berstatus “%(status)s”; hanya pendaftaran yang dikembalikan "
                "yang dapat diperbaiki."
            )
            % {"number": application.number, "status": application.get_status_display()},
        )
        return redirect("registry:detail", number=application.number)
    person = application.person
    region_code = application.programme.funder.region_id
    today = timezone.localdate()
    if request.method == "GET":
        form = ApplicantForm(
            initial=_prefill(person, note=application.note),
            region_code=region_code,
            today=today,
            kelurahan_code=_own_kelurahan(user),
        )
        _lock_nik(form, person)
        _log_person_view(request, user=user, person=person, what="application_correct", programme=application.programme)
        context = _form_context(form=form, documents=DocumentsForm(), programmes=Programme.objects.none(), token="")
        context["application"] = application
        return render(request, "registry/correct.html", context)

    form = ApplicantForm(request.POST, initial={"nik": person.nik}, region_code=region_code, today=today)
    _lock_nik(form, person)
    documents = DocumentsForm(request.POST, request.FILES)
    valid = form.is_valid()
    valid = documents.is_valid() and valid
    errors: list[str] = []
    status = 400
    if valid and form.data_parsed is not None:
        try:
            applicant_correct(application=application, data=form.data_parsed, actor=user, uploads=_uploads(documents))
        except PermissionDenied as exc:
            return render(request, "core/error.html", {"message": exc.message}, status=403)
        except DomainError as exc:
            errors += _show_domain_error(exc, form=form, documents=documents, programme_form=None)
            status = exc.status_code
        else:
            application.refresh_from_db()
            _outcome_message(request, application, verb=_("diperbaiki dan diajukan ulang"))
            return redirect("registry:detail", number=application.number)
    _restrict_kelurahan(form, user)
    context = _form_context(
        form=form,
        documents=documents,
        programmes=Programme.objects.none(),
        token="",
        errors=errors,
        files_sent=bool(request.FILES),
    )
    context["application"] = application
    return render(request, "registry/correct.html", context, status=status)


def _lock_nik(form: ApplicantForm, person: Person) -> None:
    # A disabled field takes its initial value whatever is posted: an edited NIK cannot slip through.
    nik = form.fields["nik"]
    nik.disabled = True
    nik.initial = person.nik
    nik.help_text = _("NIK tidak dapat diubah pada perbaikan.")
