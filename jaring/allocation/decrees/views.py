"""Programme managers' pages of the decree (SK) list: generate a draft, read it with the comparison against
last year's list, regenerate it while a draft, mark it signed, and download the XLSX and the PDF annex.

Every page and file shows personal data (names, and the NIK in full in the files), so each view of a decree
is written to the access log, and pages are never cached."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jaring.allocation.decrees.exports import PDF_MIME, XLSX_MIME, decree_pdf, decree_xlsx, file_stem, signatory_of
from jaring.allocation.decrees.services import (
    decree_generate,
    decree_is_stale,
    decree_regenerate,
    decree_sign,
    decree_verify,
    default_title,
    entries_of,
    participants_of,
    previous_decree_of,
)
from jaring.allocation.models import Decree, DecreeEntry, Place
from jaring.core.actors import officer_of
from jaring.core.errors import DomainError, NotFound
from jaring.core.forms import DayField
from jaring.core.http import client_ip, domain_errors_as_pages
from jaring.core.permissions import Capability
from jaring.core.selectors import filter_by_funder, require
from jaring.core.services import access_log_write
from jaring.programmes.models import Programme
from jaring.programmes.money import thousands
from jaring.programmes.selectors import programme_managed_by
from jaring.registry.models import mask_nik

PAGE_SIZE = 50
ID_MAX = 2**63 - 1  # a larger number names no row, and the database would refuse it as a parameter

Category = DecreeEntry.Category
# The tabs of a decree page: the URL speaks Bahasa Indonesia, the code speaks categories.
TABS: dict[str, tuple[str | None, Any]] = {
    "peserta": (None, gettext_lazy("Semua peserta")),
    "baru": (Category.NEW, gettext_lazy("Baru")),
    "lanjutan": (Category.CONTINUING, gettext_lazy("Lanjutan")),
    "tidak-dilanjutkan": (Category.DROPPED, gettext_lazy("Tidak dilanjutkan")),
}


class DecreeForm(forms.Form):
    number = forms.CharField(label=gettext_lazy("Nomor SK"), max_length=120)
    decree_date = DayField(label=gettext_lazy("Tanggal SK"))
    title = forms.CharField(
        label=gettext_lazy("Tentang (judul)"),
        max_length=300,
        required=False,
        help_text=gettext_lazy("Kosongkan untuk judul bawaan: “Penetapan Peserta” dan nama program."),
    )

    def add_domain_error(self, exc: DomainError) -> None:
        placed = False
        for field, messages_ in exc.errors.items():
            if field in self.fields:
                for message in messages_:
                    self.add_error(field, message)
                placed = True
        if not placed:
            self.add_error(None, exc.message)


class SignForm(forms.Form):
    digest = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)
    confirm = forms.BooleanField(
        label=gettext_lazy("Saya menyatakan SK ini sudah ditandatangani dan isinya sama dengan yang ditandatangani."),
        error_messages={"required": gettext_lazy("Centang pernyataan ini untuk menandai SK sudah ditandatangani.")},
    )


def _decree(programme: Programme, pk: int) -> Decree:
    decree = None
    if 0 < pk <= ID_MAX:
        decree = (
            Decree.objects.select_related("programme__funder", "previous__programme", "generated_by", "signed_by")
            .filter(pk=pk, programme=programme)
            .first()
        )
    if decree is None:
        raise NotFound(_("SK tidak ditemukan di program %(code)s.") % {"code": programme.code})
    return decree


def _log(request: HttpRequest, decree: Decree, what: str) -> None:
    access_log_write(
        actor=officer_of(request),
        person_ref=f"decree:{decree.pk}",
        person_label=f"SK {decree.number} ({decree.programme.code})",
        what=what,
        path=request.path,
        ip_address=client_ip(request),
        funder=decree.programme.funder,
    )


@never_cache
@login_required
@domain_errors_as_pages
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The manager's programmes with their decrees: where an SK list is generated."""
    scope = require(officer_of(request), Capability.MANAGE_PROGRAMMES)
    programmes = (
        filter_by_funder(Programme.objects.select_related("funder"), scope)
        .annotate(decree_count=Count("decrees"), last_decree=Max("decrees__decree_date"))
        .order_by("-year", "funder__name", "code")
    )
    return render(request, "allocation/decree_index.html", {"programmes": programmes})


@never_cache
@login_required
@domain_errors_as_pages
@require_http_methods(["GET", "POST"])
def decree_list(request: HttpRequest, code: str) -> HttpResponse:
    """A programme's decrees, and the form that generates a new draft from today's places."""
    user = officer_of(request)
    programme = programme_managed_by(user, code)
    drafts = list(
        Decree.objects.filter(programme=programme, status=Decree.Status.DRAFT).order_by("-decree_date", "-id")
    )
    status = 200
    if request.method == "POST":
        form = DecreeForm(request.POST)
        # A second draft beside an existing one makes two lists that disagree; the usual intent is to regenerate
        # the draft there is. Made only when the manager says so.
        second_unconfirmed = bool(drafts) and request.POST.get("second_draft") != "1"
        if second_unconfirmed:
            form.is_valid()
            form.add_error(
                None,
                _(
                    "Sudah ada draf SK %(number)s. Susun ulang draf itu agar daftarnya terbaru, atau centang "
                    "pernyataan di bawah untuk tetap membuat draf kedua."
                )
                % {"number": drafts[0].number},
            )
            status = 409
        elif form.is_valid():
            try:
                decree = decree_generate(
                    programme=programme,
                    number=form.cleaned_data["number"],
                    decree_date=form.cleaned_data["decree_date"],
                    title=form.cleaned_data["title"],
                    actor=user,
                )
            except DomainError as exc:
                form.add_domain_error(exc)
                status = exc.status_code
            else:
                messages.success(
                    request,
                    _("Draf SK %(number)s disusun: %(participants)s peserta.")
                    % {"number": decree.number, "participants": thousands(decree.totals.get("participants", 0))},
                )
                return redirect("decrees:detail", code=programme.code, pk=decree.pk)
        else:
            status = 400
    else:
        form = DecreeForm(initial={"title": default_title(programme)})
    decrees = list(
        Decree.objects.filter(programme=programme).select_related("signed_by").order_by("-decree_date", "-id")
    )
    context = {
        "programme": programme,
        "decrees": decrees,
        "form": form,
        "previous": previous_decree_of(programme),
        "drafts": drafts,
        "active_places": Place.objects.filter(programme=programme, status=Place.Status.ACTIVE).count(),
    }
    return render(request, "allocation/decree_list.html", context, status=status)


def _detail(
    request: HttpRequest,
    decree: Decree,
    *,
    regenerate_form: DecreeForm | None = None,
    sign_form: SignForm | None = None,
    status: int = 200,
) -> HttpResponse:
    tab = request.GET.get("tab", "peserta")
    if tab not in TABS:
        tab = "peserta"
    category, _label = TABS[tab]
    entries = participants_of(decree) if category is None else entries_of(decree, category)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    draft = decree.status == Decree.Status.DRAFT
    if draft and regenerate_form is None:
        regenerate_form = DecreeForm(
            initial={"number": decree.number, "decree_date": decree.decree_date, "title": decree.title},
            auto_id="regen_%s",
        )
    if draft and sign_form is None:
        sign_form = SignForm(initial={"digest": decree.digest})
    _log(request, decree, "decree_detail")
    context = {
        "programme": decree.programme,
        "decree": decree,
        "draft": draft,
        "totals": decree.totals or {},
        "tabs": [(key, label, key == tab) for key, (_c, label) in TABS.items()],
        "tab": tab,
        "dropped_tab": category == Category.DROPPED,
        "page": page,
        "rows": [(entry, mask_nik(entry.nik)) for entry in page],
        "regenerate_form": regenerate_form,
        "sign_form": sign_form,
        "stale": decree_is_stale(decree),
        # Only a signed list is checked against its digest: reading every entry of a 7,100-row draft on each view
        # would buy nothing, as a draft is rewritten, digest and entries together, whenever it is regenerated, and
        # signing checks it anyway.
        "intact": None if draft else decree_verify(decree),
        "signatory": signatory_of(decree.programme.funder),
    }
    return render(request, "allocation/decree_detail.html", context, status=status)


@never_cache
@login_required
@domain_errors_as_pages
@require_GET
def decree_detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    programme = programme_managed_by(officer_of(request), code)
    return _detail(request, _decree(programme, pk))


@never_cache
@login_required
@domain_errors_as_pages
@require_POST
def regenerate(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """Generate a draft again from today's places, with the number, date and title as corrected in the form."""
    user = officer_of(request)
    programme = programme_managed_by(user, code)
    decree = _decree(programme, pk)
    form = DecreeForm(request.POST, auto_id="regen_%s")
    if not form.is_valid():
        return _detail(request, decree, regenerate_form=form, status=400)
    try:
        decree = decree_regenerate(
            decree=decree,
            actor=user,
            number=form.cleaned_data["number"],
            decree_date=form.cleaned_data["decree_date"],
            title=form.cleaned_data["title"],
        )
    except DomainError as exc:
        decree.refresh_from_db()
        if exc.errors:
            form.add_domain_error(exc)
            return _detail(request, decree, regenerate_form=form, status=exc.status_code)
        messages.error(request, exc.message)
        return redirect("decrees:detail", code=programme.code, pk=decree.pk)
    messages.success(
        request,
        _("Draf SK %(number)s disusun ulang: %(participants)s peserta.")
        % {"number": decree.number, "participants": decree.totals.get("participants", 0)},
    )
    return redirect("decrees:detail", code=programme.code, pk=decree.pk)


@never_cache
@login_required
@domain_errors_as_pages
@require_POST
def sign(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """Mark the SK signed: from then on it is frozen."""
    user = officer_of(request)
    programme = programme_managed_by(user, code)
    decree = _decree(programme, pk)
    form = SignForm(request.POST)
    if not form.is_valid():
        return _detail(request, decree, sign_form=form, status=400)
    try:
        decree_sign(decree=decree, actor=user, digest=form.cleaned_data["digest"] or None)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("SK %(number)s ditandai sudah ditandatangani.") % {"number": decree.number})
    return redirect("decrees:detail", code=programme.code, pk=decree.pk)


def _attachment(content: bytes, mime: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=mime)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@never_cache
@login_required
@domain_errors_as_pages
@require_GET
def download_xlsx(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    programme = programme_managed_by(officer_of(request), code)
    decree = _decree(programme, pk)
    content = decree_xlsx(decree)
    _log(request, decree, "decree_xlsx")
    return _attachment(content, XLSX_MIME, f"{file_stem(decree)}.xlsx")


@never_cache
@login_required
@domain_errors_as_pages
@require_GET
def download_pdf(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    programme = programme_managed_by(officer_of(request), code)
    decree = _decree(programme, pk)
    content = decree_pdf(decree)
    _log(request, decree, "decree_pdf")
    return _attachment(content, PDF_MIME, f"{file_stem(decree)}.pdf")
