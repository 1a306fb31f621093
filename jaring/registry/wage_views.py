"""Entering a year's UMK/UMP. It lives in `registry` because entering one re-judges the open applications
(`reassess_tasks.minimum_wage_enter`), and `core`, where the wages are kept, imports no other app."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from jaring.core.actors import officer_of
from jaring.core.errors import DomainError
from jaring.core.forms import MinimumWageForm
from jaring.core.http import domain_errors_as_pages
from jaring.core.models import MinimumWage
from jaring.core.permissions import Capability
from jaring.core.selectors import require
from jaring.registry.reassess_tasks import minimum_wage_enter


@login_required
@domain_errors_as_pages
@require_http_methods(["GET", "POST"])
def wages(request: HttpRequest) -> HttpResponse:
    user = officer_of(request)
    scope = require(user, Capability.ADMINISTER)
    initial = {} if scope.everything or user.funder is None else {"wilayah": user.funder.region_id}
    form = MinimumWageForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                wage, jobs = minimum_wage_enter(
                    region=data["wilayah"],
                    year=data["tahun"],
                    amount=data["jumlah"],
                    legal_basis=data["dasar_hukum"],
                    actor=user,
                )
            except DomainError as exc:
                form.add_error("wilayah" if exc.field == "region" else "jumlah", exc.message)
            else:
                messages.success(
                    request,
                    _(
                        "UMK/UMP %(region)s %(year)s disimpan. %(jobs)s program dinilai ulang di latar belakang; "
                        "hasilnya tampil di halaman aturan program."
                    )
                    % {"region": wage.region.name, "year": wage.year, "jobs": len(jobs)},
                )
                return redirect("wages")
        status = 400
    shown = MinimumWage.objects.select_related("region").order_by("region__code", "-year")
    if not scope.everything and user.funder is not None:
        shown = shown.filter(region=user.funder.region)
    return render(request, "core/wages.html", {"form": form, "wages": shown}, status=status)
