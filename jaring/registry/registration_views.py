"""Counter and kelurahan registration (search first, then the form) and correction of a returned
application.

No NIK travels in a URL (they end up in server and proxy logs): the search is posted and its result shown
after a redirect to `?cari=<key>`, the form opened with `?formulir=<key>`, the key naming the search kept in
the session (officer_support)."""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from jaring.core import clock
from jaring.core.actors import officer_of
from jaring.core.errors import DomainError, PermissionDenied
from jaring.core.http import domain_errors_as_pages
from jaring.core.models import Role, User
from jaring.core.permissions import Capability
from jaring.core.selectors import require
from jaring.core.services import audit_record
from jaring.eligibility.models import DocumentKind
from jaring.programmes.forms import ProgrammeChoiceField
from jaring.programmes.models import Programme
from jaring.programmes.selectors import programmes_open_to
from jaring.registry.forms import (
    ADDRESS_FIELDS,
    CONFIRM_FIELD,
    IDENTITY_FIELDS,
    WORK_FIELDS,
    ApplicantForm,
    DocumentsForm,
)
from jaring.registry.models import Application, Channel, Person
from jaring.registry.officer_support import (
    application_of,
    clean_text,
    log_person_view,
    search_recall,
    search_remember,
    upload_of,
)
from jaring.registry.selectors import NikLookup, applications_visible_to, person_nik_lookup
from jaring.registry.services import DuplicateApplication, Upload, applicant_correct, applicant_register
from jaring.registry.states import ApplicationStatus

OFFICER_STATEMENT = gettext_lazy(
    "NIK, tanggal lahir dan jenis kelamin sudah saya cocokkan dengan KTP asli pemohon; isiannya sudah benar."
)

# Form tokens of registrations this session already saved: a re-sent form leads to the saved application.
SUBMISSIONS_KEY = "registry_submissions"
SUBMISSIONS_KEPT = 20


# -- registration: search first ----------------------------------------------------------------------


class ProgrammeForm(forms.Form):
    programme = ProgrammeChoiceField(label=gettext_lazy("Program"), queryset=Programme.objects.none(), empty_label="—")

    def __init__(self, *args: Any, programmes: QuerySet[Programme], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["programme"]
        assert isinstance(field, ProgrammeChoiceField)
        field.queryset = programmes


def _digits(text: str) -> str:
    return "".join(ch for ch in text if not ch.isspace() and ch not in ".-")


def _as_nik(text: str) -> str | None:
    """The NIK a search is, written with spaces, dots or dashes or not; None for a name."""
    digits = _digits(text)
    return digits if digits.isdigit() else None


def _query_error(query: str) -> str:
    nik = _as_nik(query)
    if nik is not None and (len(nik) != 16 or not nik.isascii()):
        return _("NIK harus 16 angka; yang diketik %(count)s angka.") % {"count": len(nik)}
    return ""


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
@domain_errors_as_pages
def application_new(request: HttpRequest) -> HttpResponse:
    """Counter and kelurahan registration. The search step comes first so nobody is entered twice; the form
    opens from its result (GET `formulir`) and is posted here."""
    user = officer_of(request)
    programmes = programmes_open_to(user)
    if request.method == "POST":
        return _registration_post(request, user=user, programmes=programmes)
    if "formulir" in request.GET:
        return _registration_form(request, user=user, programmes=programmes)
    return _registration_search(request, user=user, programmes=programmes)


@never_cache
@login_required
@require_POST
@domain_errors_as_pages
def registration_search(request: HttpRequest) -> HttpResponse:
    """The search form is posted here and answered with a redirect to the search page naming the search by
    its session key; a mistyped NIK is shown again at once."""
    user = officer_of(request)
    programmes = programmes_open_to(user)
    query = clean_text(request.POST.get("q", "")).strip()
    if not query:
        return redirect("registry:new")
    error = _query_error(query)
    if error:
        context = {"q": query, "programmes": programmes, "searched": True, "query_error": error}
        return render(request, "registry/search.html", context, status=400)
    return redirect(f"{reverse('registry:new')}?{urlencode({'cari': search_remember(request, query)})}")


def _registration_search(request: HttpRequest, *, user: User, programmes: QuerySet[Programme]) -> HttpResponse:
    key = request.GET.get("cari", "")
    query = search_recall(request, key) or ""
    context: dict[str, Any] = {
        "q": query,
        "search_key": key if query else "",
        "expired": bool(key) and not query,
        "programmes": programmes,
        "searched": bool(query),
    }
    if not query:
        return render(request, "registry/search.html", context)
    # The list page keeps its searches in the same place and takes the first digits of a NIK: a key of
    # one of those is checked again here.
    context["query_error"] = _query_error(query)
    if context["query_error"]:
        return render(request, "registry/search.html", context, status=400)
    nik = _as_nik(query)
    if nik is not None:
        context["lookup"] = person_nik_lookup(user, nik=nik)
    context["results"] = list(applications_visible_to(user, query=nik or query)[:25])
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


def _region_code(user: User, programme: Programme | None, programmes: QuerySet[Programme]) -> str:
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


def _registration_form(request: HttpRequest, *, user: User, programmes: QuerySet[Programme]) -> HttpResponse:
    # The NIK comes from the search the key names, never from the URL; no key (or a name) opens an empty form.
    key = request.GET.get("formulir", "")
    query = search_recall(request, key) or ""
    nik = _as_nik(query) if not _query_error(query) else None
    initial: dict[str, Any] = {"nik": nik or ""}
    prefilled_from: Person | None = None
    lookup: NikLookup | None = None
    if nik is not None:
        lookup = person_nik_lookup(user, nik=nik)
        if lookup.person is not None:
            prefilled_from = lookup.person
            initial = _prefill(lookup.person)
            # The officer now sees a stored person's full data: log it like opening the detail page.
            log_person_view(request, user=user, person=lookup.person, what="registration_prefill", programme=None)
    programme: Programme | None = None
    chosen = request.GET.get("programme", "")
    if chosen.isascii() and chosen.isdigit() and len(chosen) < 10:
        programme = programmes.filter(pk=int(chosen)).first()
    if programme is None and len(programmes) == 1:
        programme = programmes[0]
    programme_initial = {"programme": programme.pk} if programme is not None else {}
    form = ApplicantForm(
        initial=initial,
        region_code=_region_code(user, programme, programmes),
        today=clock.today(),
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
    context["search_key"] = key if query else ""
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
    doubts: list[str] | None = None,
) -> dict[str, Any]:
    return {
        "identity_warnings": doubts or [],
        "confirm_field": CONFIRM_FIELD,
        "confirm_label": OFFICER_STATEMENT,
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


def _registration_post(request: HttpRequest, *, user: User, programmes: QuerySet[Programme]) -> HttpResponse:
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
    form = ApplicantForm(request.POST, region_code=_region_code(user, programme, programmes), today=clock.today())
    documents = DocumentsForm(request.POST, request.FILES)
    valid = form.is_valid()
    valid = documents.is_valid() and valid
    errors: list[str] = []
    duplicate = ""
    status = 400
    doubts = _unconfirmed_doubts(request, form)
    if valid and programme is not None and form.data_parsed is not None and not doubts:
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
            _record_confirmation(user, application, form)
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
        doubts=doubts,
    )
    return render(request, "registry/new.html", context, status=status)


def _unconfirmed_doubts(request: HttpRequest, form: ApplicantForm) -> list[str]:
    """What the NIK says against the typed birth date or sex (DOMAIN, Identifiers), until the officer ticks that
    they checked it against the applicant's KTP."""
    if form.data_parsed is None or request.POST.get(CONFIRM_FIELD) == "1":
        return []
    return [w.problem or w.message for w in form.data_parsed.warnings]


def _record_confirmation(user: User, application: Application, form: ApplicantForm) -> None:
    if form.data_parsed is not None and form.data_parsed.warnings:
        audit_record(
            actor=user,
            action="application.identity_confirm",
            target=application,
            data={"statement": str(OFFICER_STATEMENT), "warnings": [w.message for w in form.data_parsed.warnings]},
        )


# -- correction of a returned application ------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
@domain_errors_as_pages
def application_correct(request: HttpRequest, number: str) -> HttpResponse:
    """Correct the person's data and documents of a returned application and send it back in. The NIK is
    the person's identity, so it is shown but never taken from the form."""
    user = officer_of(request)
    require(user, Capability.REGISTER_APPLICANTS)
    application = application_of(user, number)
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
    today = clock.today()
    if request.method == "GET":
        form = ApplicantForm(
            initial=_prefill(person, note=application.note),
            region_code=region_code,
            today=today,
            kelurahan_code=_own_kelurahan(user),
        )
        _lock_nik(form, person)
        log_person_view(request, user=user, person=person, what="application_correct", programme=application.programme)
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
    doubts = _unconfirmed_doubts(request, form)
    if valid and form.data_parsed is not None and not doubts:
        try:
            applicant_correct(application=application, data=form.data_parsed, actor=user, uploads=_uploads(documents))
        except PermissionDenied as exc:
            return render(request, "core/error.html", {"message": exc.message}, status=403)
        except DomainError as exc:
            errors += _show_domain_error(exc, form=form, documents=documents, programme_form=None)
            status = exc.status_code
        else:
            _record_confirmation(user, application, form)
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
        doubts=doubts,
    )
    context["application"] = application
    return render(request, "registry/correct.html", context, status=status)


def _lock_nik(form: ApplicantForm, person: Person) -> None:
    # A disabled field takes its initial value whatever is posted: an edited NIK cannot slip through.
    nik = form.fields["nik"]
    nik.disabled = True
    nik.initial = person.nik
    nik.help_text = _("NIK tidak dapat diubah pada perbaikan.")


def _uploads(documents: DocumentsForm) -> list[Upload]:
    uploads = []
    for kind in DocumentKind.values:
        uploaded = documents.cleaned_data.get(f"dokumen_{kind}")
        if isinstance(uploaded, UploadedFile):
            uploads.append(upload_of(kind, uploaded))
    return uploads
