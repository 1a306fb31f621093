"""A family reports a member's death or work accident, without log-in.

Both numbers of the member are asked, the KPJ from the card and the NIK from the KTP, and must belong to one
member: a stranger who knows a KPJ alone cannot report a death. The answer says only that the report was received
(its number, and the papers to bring to the office); coverage and benefit are for the officer who takes the case
up and calls the family back. Requests are limited per address in our own database, a honeypot field refuses
bots, and no document is taken here: papers are handed in at the office or the kelurahan.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from jaring.claims import rules
from jaring.claims.forms import PublicReportForm
from jaring.claims.models import ClaimDocumentKind, Relationship
from jaring.claims.selectors import benefit_table_on, membership_by_kpj_and_nik, rates_of
from jaring.claims.services import PUBLIC_ACTOR, DuplicateClaim, claim_report
from jaring.core import clock
from jaring.core.errors import DomainError
from jaring.core.http import client_ip
from jaring.core.services import rate_limit_hit
from jaring.core.validation import Invalid, parse_kpj, parse_nik, parse_phone

HONEYPOT = "situs_web"  # hidden from people; bots fill in every field they find
DONE = "claim_report_done"  # the last report sent from this session: {"number", "kind"}


def _papers(kind: str) -> list[str]:
    """The papers to bring, for the family to read (NPWP and the marriage book depend on the case; listed when
    they may apply)."""
    rates = rates_of(benefit_table_on(clock.today()))
    kinds = rules.documents_required(kind, heir_relationships=["istri"], total=None, rates=rates)
    return [str(ClaimDocumentKind(k).label) for k in kinds]


@never_cache
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest) -> HttpResponse:
    form = PublicReportForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if request.POST.get(HONEYPOT):
            message = _(
                "Isian formulir ini tampak dikirim oleh program otomatis, bukan oleh orang. Muat ulang halaman."
            )
            return render(
                request, "public/message.html", {"title": _("Permintaan ditolak"), "message": message}, status=400
            )
        limit = settings.PUBLIC_SUBMISSIONS_PER_HOUR
        if not rate_limit_hit(
            bucket="claim-report-ip", key=client_ip(request) or "unknown", limit=limit, window=timedelta(hours=1)
        ):
            message = _("Terlalu banyak laporan dari jaringan ini dalam satu jam terakhir. Coba lagi nanti.")
            return render(
                request, "public/message.html", {"title": _("Terlalu banyak laporan"), "message": message}, status=429
            )
        status = _submit(request, form)
        if status == 302:
            return redirect("claims_public:report_done")
    return render(request, "claims/public_report.html", {"form": form, "honeypot": HONEYPOT}, status=status)


def _submit(request: HttpRequest, form: PublicReportForm) -> int:
    if not form.is_valid():
        return 400
    data = form.cleaned_data
    parsed: dict[str, str] = {}
    for name, parse in (("kpj", parse_kpj), ("nik", parse_nik), ("reporter_phone", parse_phone)):
        try:
            parsed[name] = parse(data[name])
        except Invalid as exc:
            form.add_error(name, exc.error.problem)
    if form.errors:
        return 400
    kpj, nik, phone = parsed["kpj"], parsed["nik"], parsed["reporter_phone"]
    membership = membership_by_kpj_and_nik(kpj=kpj, nik=nik, on=data["event_date"])
    if membership is None:
        # One message for any mismatch: the form must not tell which number belongs to someone.
        form.add_error(
            None, _("KPJ dan NIK tidak cocok dengan peserta mana pun. Periksa kembali kartu peserta dan KTP.")
        )
        return 404
    who = _("%(name)s (%(relationship)s)") % {
        "name": data["reporter_name"],
        "relationship": Relationship(data["relationship"]).label,
    }
    try:
        claim = claim_report(
            membership=membership,
            kind=data["kind"],
            event_date=data["event_date"],
            reported_by=who,
            reporter_phone=phone,
            actor=PUBLIC_ACTOR,
            channel="public",
        )
    except DuplicateClaim as exc:
        form.add_error(
            None,
            _("Kejadian ini sudah dilaporkan dengan nomor %(number)s; petugas sedang mengurusnya.")
            % {"number": exc.number},
        )
        return 409
    except DomainError as exc:
        field = exc.field if exc.field in form.fields else None
        form.add_error(field, exc.message)
        return 400
    request.session[DONE] = {"number": claim.number, "kind": claim.kind, "office": claim.programme.owning_agency.name}
    return 302


@never_cache
@require_GET
def report_done(request: HttpRequest) -> HttpResponse:
    done = request.session.get(DONE)
    if not isinstance(done, dict) or "number" not in done:
        return redirect("claims_public:report")
    context = {
        "number": done["number"],
        "office": done.get("office", ""),
        "papers": _papers(str(done.get("kind", "jkm"))),
    }
    return render(request, "claims/public_done.html", context)
