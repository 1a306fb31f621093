"""The "Ekspor Excel" button of every list page: start the export of what the list's filter shows."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from jaring.core.actors import officer_of
from jaring.core.http import client_ip, domain_errors_as_pages
from jaring.registry.officer_support import search_recall
from jaring.reports.exports import EXPORTS, export_start


@login_required
@domain_errors_as_pages
@require_POST
def export(request: HttpRequest, kind: str) -> HttpResponse:
    """The list's query string comes on the URL (the button posts to it); a posted `program` (and `tagihan`) names
    the list's programme (and invoice). A search the list keeps in the session (`cari`, as it may be a NIK) is
    read from there."""
    user = officer_of(request)
    definition = EXPORTS.get(kind)
    if definition is None:
        raise Http404
    query = {key: request.GET.get(key, "").replace("\x00", "")[:100] for key in request.GET}
    for name in ("program", "tagihan"):  # the list's programme and invoice, named by the page's button
        if name in request.POST:
            query[name] = request.POST.get(name, "").replace("\x00", "")[:30]
    search = search_recall(request, query.get("cari", "")[:20]) or ""
    filters = definition.filters(user, query, search)
    job = export_start(actor=user, kind=kind, filters=filters, ip_address=client_ip(request))
    return redirect("core:job", pk=job.pk)
