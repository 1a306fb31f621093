"""Take the screenshots in docs/screenshots/: an applicant's journey on a 360 px phone and a verifier's queue on a
laptop, in Debian's Chromium through Playwright (never a downloaded browser).

    .venv/bin/python scripts/screenshots.py                         # seeds a throwaway demo and serves it
    .venv/bin/python scripts/screenshots.py --base http://127.0.0.1:8000   # or uses a running `make demo`

Without --base it seeds the demo into a temporary data folder (`jaring demo --no-serve`, about half a minute),
serves it with `jaring serve` on a free port, takes the pictures and stops the server. The pictures show the
demo's synthetic people only.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from PIL import Image, ImageDraw
from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"
JARING = [sys.executable, "-m", "jaring.cli"]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--disable-sync"]
PASSWORD = "jaring-demo-2026"  # noqa: S105 - the published demo password
PHONE = {"width": 360, "height": 740}
LAPTOP = {"width": 1280, "height": 800}


def sample_photo(label: str) -> bytes:
    """A grey stand-in for a photographed document (synthetic, shows nothing of anyone)."""
    image = Image.new("RGB", (640, 400), (200, 200, 200))
    ImageDraw.Draw(image).text((24, 24), f"{label} (contoh)", fill=(60, 60, 60))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def demo_server() -> Iterator[str]:
    """A freshly seeded demo, served on a free port for as long as the block runs."""
    with tempfile.TemporaryDirectory(prefix="jaring-screenshots-") as folder:
        env = {**os.environ, "JARING_DATA_DIR": folder, "PYTHONPATH": str(ROOT)}
        env.pop("JARING_SECRET_KEY", None)
        subprocess.run([*JARING, "demo", "--no-serve"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
        port = free_port()
        server = subprocess.Popen(
            [*JARING, "serve", "--port", str(port), "--workers", "1"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(120):
                try:
                    urllib.request.urlopen(f"{base}/masuk/", timeout=2)  # noqa: S310 - a local URL
                    break
                except OSError:
                    time.sleep(0.5)
            else:
                raise SystemExit("the demo server did not start")
            yield base
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)


def shoot(page: Page, name: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    print(f"{path.relative_to(ROOT)}")


def applicant_journey(page: Page, base: str, files: Path) -> None:
    """Self-registration step by step on a phone, then the status check."""
    page.set_viewport_size(PHONE)
    page.goto(f"{base}/daftar/")
    # Balikpapan's programme of this year (from October next year's is offered too, and other funders' all year).
    offered = page.locator("input[name=programme]").evaluate_all("inputs => inputs.map(i => i.value)")
    page.locator(f"input[name=programme][value='{min(code for code in offered if code.startswith('BPN-'))}']").check()
    shoot(page, "applicant-1-programme")
    page.locator("#next").click()

    page.locator("#id_nik").fill("6471015206920003")
    page.locator("#id_nama").fill("Wati Lestari")
    page.locator("#id_tempat_lahir").fill("Balikpapan")
    page.locator("#id_tanggal_lahir").fill("12-06-1992")
    page.locator("#id_jenis_kelamin").select_option("P")
    shoot(page, "applicant-2-identity")
    page.locator("#next").click()

    page.locator("#id_alamat").fill("Jl. Pantai Manggar No. 8")
    page.locator("#id_rt").fill("4")
    page.locator("#id_rw").fill("1")
    page.locator("#id_kode_kelurahan").select_option("64.71.01.1001")
    page.locator("#id_domisili_sejak").fill("01-03-2016")
    page.locator("#id_no_hp").fill("0812-5555-0123")
    shoot(page, "applicant-3-address")
    page.locator("#next").click()

    page.locator("#id_sektor").select_option("nelayan")
    page.locator("#id_penghasilan_bulanan").fill("2.200.000")
    shoot(page, "applicant-4-work")
    page.locator("#next").click()

    page.locator("#id_dokumen_ktp").set_input_files(files / "ktp.png")
    page.locator("#id_dokumen_kk").set_input_files(files / "kk.png")
    page.locator("#id_dokumen_sector_evidence").set_input_files(files / "kartu-nelayan.png")
    shoot(page, "applicant-5-documents")
    page.locator("#next").click()

    page.locator("#pernyataan").check()
    shoot(page, "applicant-6-review")
    page.locator("#submit").click()
    shoot(page, "applicant-7-sent")

    page.locator("#check-status").click()
    page.locator("#id_nik").fill("6471015206920003")
    page.locator("#check").click()
    shoot(page, "applicant-8-status")


def verifier_queue(page: Page, base: str) -> None:
    """The fishery office's verifier at a laptop: the queue, a search, and one application to decide."""
    page.set_viewport_size(LAPTOP)
    page.goto(f"{base}/masuk/")
    page.get_by_label("Nama pengguna").fill("verifikator.dppp.bpn")
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.locator("#login-submit").click()
    page.goto(f"{base}/verifikasi/")
    shoot(page, "verifier-1-queue")
    first = page.locator("#queue tbody tr a").first
    first.click()
    shoot(page, "verifier-2-application")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", help="a running Jaring demo, e.g. http://127.0.0.1:8000 (default: seed one)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        files = Path(folder)
        for name in ("ktp.png", "kk.png", "kartu-nelayan.png"):
            (files / name).write_bytes(sample_photo(name.removesuffix(".png")))
        with demo_server() if args.base is None else _given(args.base) as base, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
            try:
                applicant_journey(browser.new_page(locale="id-ID", timezone_id="Asia/Makassar"), base, files)
                verifier_queue(browser.new_page(locale="id-ID", timezone_id="Asia/Makassar"), base)
            finally:
                browser.close()


@contextmanager
def _given(base: str) -> Iterator[str]:
    yield base.rstrip("/")


if __name__ == "__main__":
    main()
