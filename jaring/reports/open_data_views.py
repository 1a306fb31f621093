"""Open data pages, for anyone: what the refresh job published (reports.Publication), nothing counted on request.

The CSV has exactly the columns of the spec (`bulan,dimensi,kategori,peserta`); the JSON carries the category
codes too, for the city's open-data portal, which harvests `katalog.json`.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from jaring.reports.figures import HIDDEN_TEXT, SMALL_TEXT
from jaring.reports.models import Publication
from jaring.reports.services import TOTAL_DIMENSION
from jaring.reports.tasks import refresh_if_stale

CSV_COLUMNS = ("bulan", "dimensi", "kategori", "peserta")
MAX_AGE = 300  # seconds a browser or proxy may keep a file: the job republishes every few minutes at most
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _publications() -> list[Publication]:
    return list(Publication.objects.select_related("programme", "programme__funder").order_by("programme__code"))


def _publication(code: str) -> Publication:
    publication = Publication.objects.select_related("programme", "programme__funder").filter(programme__code=code[:30])
    found = publication.first()
    if found is None:
        raise Http404
    return found


def _cached(response: HttpResponse, publication: Publication | None) -> HttpResponse:
    response["Cache-Control"] = f"public, max-age={MAX_AGE}"
    if publication is not None:
        response["Last-Modified"] = http_date(publication.published_at.timestamp())
    return response


def _latest(publication: Publication) -> dict[str, Any]:
    """The last month published, breakdown by breakdown, for the page."""
    month = max((row["bulan"] for row in publication.rows), default="")
    by: dict[str, list[dict[str, str]]] = defaultdict(list)
    total = ""
    for row in publication.rows:
        if row["bulan"] != month:
            continue
        if row["dimensi"] == TOTAL_DIMENSION:
            total = row["peserta"]
        else:
            by[row["dimensi"]].append(row)
    labels = {
        "sektor": _("Sektor"),
        "kecamatan": _("Kecamatan"),
        "jenis_kelamin": _("Jenis kelamin"),
        "kelompok_umur": _("Kelompok umur"),
    }
    return {"month": month, "total": total, "by": [(labels.get(name, name), rows) for name, rows in by.items()]}


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    refresh_if_stale()
    publications = _publications()
    context = {
        "items": [(p, _latest(p)) for p in publications],
        "small_text": SMALL_TEXT,
        "hidden_text": HIDDEN_TEXT,
    }
    return _cached(render(request, "reports/open_data.html", context), None)


def _safe(text: str) -> str:
    """A spreadsheet would run a cell starting with = + - @ as a formula: such text is prefixed with a quote."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


@require_GET
def programme_csv(request: HttpRequest, code: str) -> HttpResponse:
    refresh_if_stale()
    publication = _publication(code)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{publication.programme.code}.csv"'
    writer = csv.writer(response, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in _published(publication):
        writer.writerow([row["bulan"], row["dimensi"], _safe(row["kategori"]), row["peserta"]])
    return _cached(response, publication)


def _published(publication: Publication) -> list[dict[str, str]]:
    """The rows of the spec's file: numbers of five or more and `<5`. A cell hidden only so that a `<5` cannot be
    worked out from the total is left out (the spec allows no third value); the JSON names those cells."""
    return [row for row in publication.rows if row["peserta"] != HIDDEN_TEXT]


def _withheld(publication: Publication) -> list[dict[str, str]]:
    return [
        {key: row[key] for key in ("bulan", "dimensi", "kategori")}
        for row in publication.rows
        if row["peserta"] == HIDDEN_TEXT
    ]


def _description(publication: Publication) -> dict[str, Any]:
    programme = publication.programme
    return {
        "program": programme.code,
        "nama": programme.name,
        "pemberi_dana": programme.funder.name,
        "tahun": programme.year,
        "diterbitkan": publication.published_at.isoformat(),
        "bulan_pertama": publication.first_month.strftime("%Y-%m"),
        "bulan_terakhir": publication.last_month.strftime("%Y-%m"),
    }


def note() -> str:
    return _(
        "Jumlah peserta BPJS Ketenagakerjaan (JKK dan JKM) yang iurannya dibayar pemerintah daerah, per bulan, menurut "
        "sektor, kecamatan, jenis kelamin dan kelompok umur (umur pada tanggal 1 bulan itu). Angka di bawah 5 "
        "ditulis '<5'. Kategori yang tercantum di 'ditahan' tidak diterbitkan agar angka '<5' tidak dapat dihitung "
        "dari jumlahnya. Tanpa data pribadi."
    )


@require_GET
def programme_json(request: HttpRequest, code: str) -> HttpResponse:
    refresh_if_stale()
    publication = _publication(code)
    body = {**_description(publication), "catatan": note(), "kolom": list(CSV_COLUMNS)}
    body |= {"data": _published(publication), "ditahan": _withheld(publication)}
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False, indent=1), content_type="application/json; charset=utf-8"
    )
    return _cached(response, publication)


@require_GET
def catalogue(request: HttpRequest) -> HttpResponse:
    """Every published programme with its files: what a portal (CKAN, Satu Data) harvests."""
    refresh_if_stale()
    datasets = []
    for publication in _publications():
        code = publication.programme.code
        datasets.append(
            {
                **_description(publication),
                "distribusi": [
                    {"format": "CSV", "url": request.build_absolute_uri(reverse("open_data:csv", args=[code]))},
                    {"format": "JSON", "url": request.build_absolute_uri(reverse("open_data:json", args=[code]))},
                ],
            }
        )
    body = {"judul": _("Peserta jaminan sosial pekerja rentan"), "catatan": note(), "dataset": datasets}
    return _cached(
        HttpResponse(json.dumps(body, ensure_ascii=False, indent=1), content_type="application/json; charset=utf-8"),
        None,
    )
