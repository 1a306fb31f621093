"""A registration officer uploads a kelurahan's list on /impor/, watches the progress bar fill while the
worker imports it, and downloads the result file, in a real Chromium."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from django.db import connections
from django_tasks_db.management.commands.db_worker import Worker
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from jaring.core.models import User
from jaring.programmes.models import Programme
from jaring.registry.models import Application, ImportBatch
from tests.helpers.browser import log_in
from tests.helpers.imports import csv_bytes, good

pytestmark = pytest.mark.django_db(transaction=True)


def run_worker() -> threading.Thread:
    """`jaring worker --batch` in a thread (signals can only be handled by the main thread, which the browser
    test needs): it runs what is queued, then stops."""

    def work() -> None:
        try:
            Worker(
                queue_names=["default"],
                interval=0.1,
                batch=True,
                backend_name="default",
                startup_delay=False,
                max_tasks=None,
                worker_id="browser-test",
                excluded_queue_names=[],
            ).run()
        finally:
            connections.close_all()

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    return thread


def test_an_officer_uploads_a_list_watches_it_import_and_downloads_the_result(
    live_server, page: Page, registration_officer: User, bpn_2026: Programme, tmp_path: Path
) -> None:
    rows = [good(n) for n in range(1, 41)]
    rows[5] = good(6, nik="12345")  # rejected
    rows[9] = good(2)  # a duplicate of row 3
    listing = tmp_path / "kelurahan-manggar.csv"
    listing.write_bytes(csv_bytes(rows, sep=";"))

    log_in(page, live_server.url, "registration_officer")
    page.goto(f"{live_server.url}/impor/")
    expect(page.locator("h1")).to_have_text("Impor daftar pemohon")
    page.get_by_label("Program").select_option(label=f"BPN-2026 · {bpn_2026.name}")
    page.locator("#id_file").set_input_files(str(listing))
    page.get_by_label("Dokumen sudah diperiksa oleh").fill("Kelurahan Manggar")
    page.locator("#import-submit").click()

    batch = ImportBatch.objects.get()
    expect(page).to_have_url(f"{live_server.url}/impor/{batch.pk}/")
    expect(page.locator("#import-status-label")).to_have_attribute("data-status", "queued")
    expect(page.locator("#import-progress")).to_be_visible()

    worker = run_worker()
    # The page polls its progress fragment and swaps it in: no reload here.
    expect(page.locator("#import-status-label")).to_have_attribute("data-status", "done", timeout=30_000)
    worker.join(timeout=30)
    progress = page.locator("#import-progress")
    expect(progress).to_have_attribute("max", "40")
    expect(progress).to_have_attribute("value", "40")
    expect(page.locator("#import-percent")).to_have_text("100%")
    expect(page.locator("#count-created")).to_have_text("38")
    expect(page.locator("#count-duplicate")).to_have_text("1")
    expect(page.locator("#count-rejected")).to_have_text("1")

    with page.expect_download() as download:
        page.locator("#import-result").click()
    assert download.value.suggested_filename == "kelurahan-manggar-hasil.xlsx"
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    sheet = load_workbook(saved)["hasil"]
    header = [cell.value for cell in sheet[1]]
    status = header.index("status")
    statuses = [row[status] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert statuses.count("dibuat") == 38 and statuses[5] == "ditolak" and statuses[9] == "duplikat"
    assert Application.objects.filter(documents_attestation="Kelurahan Manggar").count() == 38
