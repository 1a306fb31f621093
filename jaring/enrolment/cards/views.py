"""Pages of membership cards.

Officers (/kepesertaan/<code>/kartu/): print cards for a kelurahan, a BPJS batch or chosen members in the
worker and download the PDF (logged: it holds names and masked NIKs); record a hand-over ceremony; the report
per kelurahan. Who: Capability.EXCHANGE_WITH_BPJS or MANAGE_PROGRAMMES of the programme's funder.

The public (/kartu/<token>/): what a card's QR opens. It answers only whether the card is valid, for which
programme and funder, and until when; never a name, NIK or KPJ. No log-in; rate-limited per address.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from jaring.core import clock
from jaring.core.actors import officer_of
from jaring.core.errors import DomainError
from jaring.core.http import client_ip, domain_errors_as_pages
from jaring.core.models import Job
from jaring.core.services import access_log_write, rate_limit_hit
from jaring.enrolment.cards.forms import CardPrintForm, HandoverForm
from jaring.enrolment.cards.reports import handover_report
from jaring.enrolment.cards.selectors import (
    card_print_of,
    card_print_path,
    card_prints_of,
    card_programme_of,
    cards_to_hand_over,
    selection_label,
    selection_labels,
)
from jaring.enrolment.cards.services import PrintRunning, card_print_start
from jaring.enrolment.models import CardPrint
from jaring.enrolment.services import Handover, card_from_token, card_is_valid, cards_hand_over

PRINTS_SHOWN = 30
TOKEN_MAX = 200  # a real token is about 70 characters


def _print_rows(prints: Any) -> list[dict[str, Any]]:
    prints = list(prints)
    labels = selection_labels([p.selection for p in prints])
    return [
        {"print": p, "label": label, "ready": p.job.status == Job.Status.DONE and bool(p.file)}
        for p, label in zip(prints, labels, strict=True)
    ]


@never_cache
@login_required
@domain_errors_as_pages
@require_http_methods(["GET", "POST"])
def index(request: HttpRequest, code: str) -> HttpResponse:
    user = officer_of(request)
    programme = card_programme_of(user, code)
    form = CardPrintForm(request.POST or None, programme=programme)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                card_print = card_print_start(programme=programme, selection=form.selection, actor=user)
            except PrintRunning as running:
                messages.info(request, running.message)
                return redirect("cards:print", code=programme.code, pk=running.card_print.pk)
            except DomainError as exc:
                field = exc.field if exc.field in form.fields else None
                if exc.field == "ids":
                    field = "kpj"
                form.add_error(field, exc.message)
                status = exc.status_code
            else:
                messages.success(request, _("Cetak kartu dimulai; PDF dibuat di latar belakang."))
                return redirect("cards:print", code=programme.code, pk=card_print.pk)
        else:
            status = 400
    context = {
        "programme": programme,
        "form": form,
        "prints": _print_rows(card_prints_of(programme)[:PRINTS_SHOWN]),
    }
    return render(request, "enrolment/card_index.html", context, status=status)


@never_cache
@login_required
@domain_errors_as_pages
@require_GET
def print_detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """One print: the job's progress fragment, and a download box that htmx polls until the PDF is ready."""
    programme = card_programme_of(officer_of(request), code)
    card_print = card_print_of(programme, pk)
    context = {
        "programme": programme,
        "print": card_print,
        "job": card_print.job,
        "label": selection_label(card_print.selection),
        "ready": card_print.job.status == Job.Status.DONE and bool(card_print.file),
    }
    template = (
        "enrolment/card_print_download.html" if request.headers.get("HX-Request") else "enrolment/card_print.html"
    )
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@never_cache  # names and masked NIKs
@login_required
@domain_errors_as_pages
@require_GET
def print_download(request: HttpRequest, code: str, pk: int) -> HttpResponseBase:
    user = officer_of(request)
    programme = card_programme_of(user, code)
    card_print: CardPrint = card_print_of(programme, pk)
    path = card_print_path(card_print) if card_print.job.status == Job.Status.DONE else None
    if path is None:
        raise Http404
    # UU PDP: who downloaded whose data. One entry for the file; its people are the print's cards.
    access_log_write(
        actor=user,
        person_ref=f"card_print:{card_print.pk}",
        person_label=f"{programme.code}: {selection_label(card_print.selection)}",
        what="card_print",
        path=request.path,
        ip_address=client_ip(request),
        funder=programme.funder,
    )
    return FileResponse(path.open("rb"), as_attachment=True, filename=f"kartu-{programme.code}-{card_print.pk}.pdf")


@never_cache
@login_required
@domain_errors_as_pages
@require_http_methods(["GET", "POST"])
def handover(request: HttpRequest, code: str) -> HttpResponse:
    user = officer_of(request)
    programme = card_programme_of(user, code)
    form = HandoverForm(request.POST or None, programme=programme)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            if data["by"] == "kelurahan":
                cards, unknown = cards_to_hand_over(programme, kelurahan=data["kelurahan"])
            else:
                cards, unknown = cards_to_hand_over(programme, ids=form.card_ids)
            if unknown:
                form.add_error(
                    "cards",
                    _("Nomor kartu bukan kartu program ini: %(numbers)s.")
                    % {"numbers": ", ".join(str(n) for n in unknown[:10])},
                )
                status = 400
            elif not cards:
                form.add_error("kelurahan", _("Belum ada kartu dicetak untuk kelurahan ini."))
                status = 400
            else:
                try:
                    recorded = cards_hand_over(
                        cards=cards,
                        handover=Handover(
                            handed_on=data["handed_on"],
                            place=data["place"],
                            handed_by=data["handed_by"],
                            received_by=data["received_by"],
                        ),
                        actor=user,
                    )
                except DomainError as exc:
                    form.add_error(exc.field if exc.field in form.fields else None, exc.message)
                    status = exc.status_code
                else:
                    already = len(cards) - recorded
                    messages.success(
                        request,
                        _("Penyerahan %(recorded)s kartu dicatat; %(already)s kartu sudah diserahkan sebelumnya.")
                        % {"recorded": recorded, "already": already},
                    )
                    return redirect("cards:handover", code=programme.code)
        else:
            status = 400
    return render(request, "enrolment/card_handover.html", {"programme": programme, "form": form}, status=status)


@never_cache
@login_required
@domain_errors_as_pages
@require_GET
def report(request: HttpRequest, code: str) -> HttpResponse:
    programme = card_programme_of(officer_of(request), code)
    rows = handover_report(programme)
    totals = {
        "members": sum(r.members for r in rows),
        "printed": sum(r.printed for r in rows),
        "handed": sum(r.handed for r in rows),
        "waiting": sum(r.waiting for r in rows),
    }
    return render(request, "enrolment/card_report.html", {"programme": programme, "rows": rows, "totals": totals})


# -- public ------------------------------------------------------------------------------------------------


def _today() -> date:
    return clock.today()


def _card_checks_per_hour() -> int:
    # A hand-over ceremony scans many cards from one village network: more than a status check allows.
    return settings.PUBLIC_CARD_CHECKS_PER_HOUR


def _public(request: HttpRequest, context: dict[str, Any], *, status: int) -> HttpResponse:
    response = render(request, "enrolment/card_check.html", context, status=status)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@never_cache
@require_GET
def check(request: HttpRequest, token: str) -> HttpResponse:
    """What a card's QR opens: valid or not, for which programme, until when. Nothing about the person."""
    if not rate_limit_hit(
        bucket="card-check-ip",
        key=client_ip(request) or "unknown",
        limit=_card_checks_per_hour(),
        window=timedelta(hours=1),
    ):
        return _public(request, {"state": "limited"}, status=429)
    card = card_from_token(token) if len(token) <= TOKEN_MAX else None
    if card is None:
        return _public(request, {"state": "unknown"}, status=404)
    membership = card.membership
    today = _today()
    valid = card_is_valid(card, on=today)
    context = {
        "state": "valid" if valid else "invalid",
        "programme": membership.programme.name,
        "funder": membership.programme.funder.name,
        "valid_until": min(card.valid_until, membership.ends) if valid else None,
        "checked_on": today,
    }
    return _public(request, context, status=200)
