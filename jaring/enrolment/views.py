"""Officer pages on memberships: programmes with their member counts, a programme's members (searched by a
posted query, so no NIK lands in a URL), a member's page with the whole history and the lifecycle forms
(opening it is logged: it shows the full NIK), and the yearly re-verification with its progress."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from jaring.core import clock
from jaring.core.actors import officer_of
from jaring.core.errors import Conflict, DomainError, PermissionDenied
from jaring.core.http import domain_errors_as_pages
from jaring.core.models import User
from jaring.core.selectors import jobs_visible_to
from jaring.enrolment.forms import DeactivateForm, EndForm, LifecycleForm, ReactivateForm, ReverificationForm
from jaring.enrolment.models import Membership
from jaring.enrolment.selectors import (
    campaigns_of,
    cards_of,
    kelurahan_choices,
    may_change_memberships,
    may_reverify,
    member_history,
    membership_for,
    memberships_visible_to,
    programme_of,
    programmes_with_member_counts,
    renewals_of,
    reverification_targets,
)
from jaring.enrolment.services import (
    REVERIFICATION_COUNTS,
    membership_deactivate,
    membership_end,
    membership_reactivate,
    reverification_start,
)
from jaring.enrolment.tasks import reverification_job_start
from jaring.registry.officer_support import clean_text, log_person_view, search_recall, search_remember

PAGE_SIZE = 50
FORMS: dict[str, type[LifecycleForm]] = {
    DeactivateForm.action: DeactivateForm,
    ReactivateForm.action: ReactivateForm,
    EndForm.action: EndForm,
}
# Which lifecycle forms a membership in each status offers.
OFFERED: dict[str, tuple[str, ...]] = {
    Membership.Status.ACTIVE: (DeactivateForm.action, EndForm.action),
    Membership.Status.NON_ACTIVE: (ReactivateForm.action, EndForm.action),
    Membership.Status.ENDED: (),
}


@never_cache
@login_required
@domain_errors_as_pages
def programme_list(request: HttpRequest) -> HttpResponse:
    user = officer_of(request)
    rows = programmes_with_member_counts(user)
    return render(request, "enrolment/member_programmes.html", {"rows": rows})


# -- a programme's members ------------------------------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
@domain_errors_as_pages
def member_list(request: HttpRequest, code: str) -> HttpResponse:
    """Status and kelurahan filters stay in the URL; the search box takes a NIK or a KPJ, so it is posted and
    named in the URL by a session key (`cari`), like the applications list."""
    user = officer_of(request)
    programme = programme_of(user, code)
    if request.method == "POST":
        return _list_search(request, programme.code)
    status = request.GET.get("status", "")
    if status not in Membership.Status.values:
        status = ""
    kelurahan_options = kelurahan_choices(programme, user)
    kelurahan = request.GET.get("kelurahan", "")
    if kelurahan not in {value for value, _label in kelurahan_options}:
        kelurahan = ""
    key = clean_text(request.GET.get("cari", ""), 20)
    query = search_recall(request, key)
    members = memberships_visible_to(
        user, programme_code=programme.code, status=status, kelurahan=kelurahan, query=query or ""
    )
    page = Paginator(members, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "programme": programme,
        "page": page,
        "status": status,
        "statuses": Membership.Status.choices,
        "kelurahan": kelurahan,
        "kelurahan_options": kelurahan_options,
        "q": query or "",
        "cari": key if query is not None else "",
        "expired": bool(key) and query is None,
        "may_reverify": may_reverify(user),
    }
    return render(request, "enrolment/member_list.html", context)


def _list_search(request: HttpRequest, code: str) -> HttpResponse:
    params: dict[str, str] = {}
    query = clean_text(request.POST.get("q", "")).strip()
    if query:
        params["cari"] = search_remember(request, query)
    status = request.POST.get("status", "")
    if status in Membership.Status.values:
        params["status"] = status
    kelurahan = clean_text(request.POST.get("kelurahan", ""), 13)
    if kelurahan:
        params["kelurahan"] = kelurahan
    url = reverse("enrolment:members", kwargs={"code": code})
    return redirect(f"{url}?{urlencode(params)}" if params else url)


# -- one member -----------------------------------------------------------------------------------------------


def _forms_for(membership: Membership, data: object = None, posted: str = "") -> dict[str, LifecycleForm]:
    forms: dict[str, LifecycleForm] = {}
    today = clock.today()
    for action in OFFERED.get(membership.status, ()):
        form_class = FORMS[action]
        bounds = {"starts": membership.starts, "ends": membership.ends}
        if action == posted and data is not None:
            forms[action] = form_class(data, **bounds)
        else:
            initial = {"effective": min(max(today, membership.starts), membership.ends)}
            forms[action] = form_class(initial=initial, **bounds)
    return forms


@never_cache  # the full NIK and address: never kept by a browser or proxy cache
@login_required
@require_http_methods(["GET", "POST"])
@domain_errors_as_pages
def member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = officer_of(request)
    membership = membership_for(user, pk)
    status = 200
    posted = ""
    if request.method == "POST":
        posted = request.POST.get("tindakan", "")
        outcome = _change(request, user, membership, posted)
        if isinstance(outcome, HttpResponse):
            return outcome
        forms, status = outcome
    else:
        forms = _forms_for(membership)
    person = membership.person
    renewals = list(renewals_of(membership))
    # The full NIK and address are shown here, so the view is logged (UU PDP: who saw whose data).
    log_person_view(request, user=user, person=person, what="membership_detail", programme=membership.programme)
    context = {
        "membership": membership,
        "person": person,
        "history": member_history(membership, renewals=renewals),
        "forms": forms,
        "posted": posted,
        "may_change": may_change_memberships(user),
        "renewals": renewals,
        "cards": cards_of(membership)[::-1],  # newest first
    }
    return render(request, "enrolment/member_detail.html", context, status=status)


def _change(
    request: HttpRequest, user: User, membership: Membership, action: str
) -> HttpResponse | tuple[dict[str, LifecycleForm], int]:
    """Run one lifecycle change. A redirect when done (or when the change no longer applies: a double
    submission, or someone else was quicker), else the forms with the errors next to their fields."""
    detail = reverse("enrolment:member", kwargs={"pk": membership.pk})
    if not may_change_memberships(user):
        raise PermissionDenied(_("Peran Anda tidak berwenang untuk tindakan ini."))
    if action not in FORMS:
        messages.error(request, _("Tindakan tidak dikenal."))
        return redirect(detail)
    if action not in OFFERED.get(membership.status, ()):
        messages.warning(request, _already_message(membership))
        return redirect(detail)
    forms = _forms_for(membership, request.POST, action)
    form = forms[action]
    if not form.is_valid():
        return forms, 400
    data = form.cleaned_data
    try:
        if action == DeactivateForm.action:
            membership_deactivate(membership=membership, effective=data["effective"], note=data["note"], actor=user)
            done = _("Kepesertaan dinonaktifkan mulai %(day)s.")
        elif action == ReactivateForm.action:
            membership_reactivate(membership=membership, effective=data["effective"], note=data["note"], actor=user)
            done = _("Kepesertaan aktif kembali mulai %(day)s.")
        else:
            membership_end(
                membership=membership,
                reason=data["reason"],
                effective=data["effective"],
                note=data["note"],
                actor=user,
            )
            done = _("Kepesertaan berakhir %(day)s; tempat kuotanya dibebaskan untuk daftar tunggu.")
    except PermissionDenied:
        raise  # a 403 page, not a message on the form
    except Conflict as exc:
        messages.warning(request, exc.message)
        return redirect(detail)
    except DomainError as exc:
        form.add_domain_error(exc.field or "", exc.message)
        return forms, exc.status_code
    messages.success(request, done % {"day": data["effective"].strftime("%d-%m-%Y")})
    return redirect(detail)


def _already_message(membership: Membership) -> str:
    labels = dict(Membership.Status.choices)
    return _("Kepesertaan ini sudah berstatus %(status)s; perubahan tidak dilakukan lagi.") % {
        "status": labels.get(membership.status, membership.status)
    }


# -- the yearly re-verification -------------------------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
@domain_errors_as_pages
def reverification(request: HttpRequest, code: str) -> HttpResponse:
    """Choose next year's programme and start taking this year's active members into it; follow the run."""
    user = officer_of(request)
    programme = programme_of(user, code)
    targets = reverification_targets(programme)
    status = 200
    if request.method == "POST":
        if not may_reverify(user):
            raise PermissionDenied(_("Hanya pengelola program yang dapat memulai verifikasi ulang."))
        data = request.POST.copy()
        data["target"] = clean_text(data.get("target", ""), 30)
        form = ReverificationForm(data, targets=targets)
        if form.is_valid():
            try:
                campaign = reverification_start(source=programme, target=form.cleaned_data["target"], actor=user)
            except PermissionDenied:
                raise
            except DomainError as exc:
                form.add_error("target", exc.message)
                status = exc.status_code
            else:
                job = reverification_job_start(campaign=campaign, actor=user)
                messages.info(
                    request,
                    _("Verifikasi ulang %(source)s ke %(target)s berjalan di latar belakang.")
                    % {"source": programme.code, "target": campaign.target.code},
                )
                url = reverse("enrolment:reverification", kwargs={"code": programme.code})
                return redirect(f"{url}?{urlencode({'kampanye': campaign.pk, 'pekerjaan': job.pk})}#kemajuan")
        else:
            status = 400
    else:
        form = ReverificationForm(targets=targets)
    campaigns = list(campaigns_of(programme))
    # Each campaign keeps its latest run; show it only when the officer may see that job.
    visible_jobs = set(
        jobs_visible_to(user).filter(pk__in=[c.job_id for c in campaigns if c.job_id]).values_list("pk", flat=True)
    )
    campaign_rows = [
        {
            "campaign": campaign,
            "job": campaign.job if campaign.job_id in visible_jobs else None,
            "counts": [(key, label, campaign.counts.get(key, 0)) for key, label in REVERIFICATION_COUNTS]
            if campaign.counts
            else [],
        }
        for campaign in campaigns
    ]
    active = memberships_visible_to(user, programme_code=programme.code, status=Membership.Status.ACTIVE).count()
    context = {
        "programme": programme,
        "form": form,
        "targets": targets,
        "campaigns": campaign_rows,
        "active_count": active,
        "may_reverify": may_reverify(user),
    }
    return render(request, "enrolment/reverification_page.html", context, status=status)
