"""The `jaring` console command: api-token, serve (gunicorn, static files served by the app)."""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from jaring.core.models import ApiToken, AuditRecord, Funder
from jaring.core.services import api_token_authenticate

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_api_token_create_prints_the_token_once_and_stores_its_hash(balikpapan: Funder) -> None:
    out = io.StringIO()
    call_command(
        "api_token",
        "create",
        "--name",
        "Maxim",
        "--funder",
        "balikpapan",
        "--scope",
        "registration",
        stdout=out,
        stderr=io.StringIO(),
    )
    secret = out.getvalue().strip()
    token = ApiToken.objects.get(name="Maxim")
    assert secret.startswith("jrg_")
    assert token.token_hash != secret
    assert api_token_authenticate(secret=secret) == token
    assert AuditRecord.objects.filter(action="api_token.create", actor_label="cli").exists()


def test_api_token_create_refuses_an_unknown_funder(reference: None) -> None:
    with pytest.raises(CommandError, match="unknown funder"):
        call_command("api_token", "create", "--name", "X", "--funder", "jakarta", "--scope", "registration")


def test_api_token_revoke_by_prefix(balikpapan: Funder) -> None:
    out = io.StringIO()
    call_command(
        "api_token",
        "create",
        "--name",
        "Grab",
        "--funder",
        "balikpapan",
        "--scope",
        "reports",
        stdout=out,
        stderr=io.StringIO(),
    )
    token = ApiToken.objects.get(name="Grab")
    call_command("api_token", "revoke", token.prefix, stdout=io.StringIO())
    assert api_token_authenticate(secret=out.getvalue().strip()) is None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.django_db(transaction=False)
def test_serve_runs_gunicorn_and_serves_pages_and_static_files(tmp_path: Path) -> None:
    port = _free_port()
    env = {
        **os.environ,
        "JARING_DATA_DIR": str(tmp_path),
        "JARING_SECRET_KEY": "s" * 40,
        "DJANGO_SETTINGS_MODULE": "jaring.settings",
    }
    env.pop("DATABASE_URL", None)
    subprocess.run([sys.executable, "-m", "jaring.cli", "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=120)
    server = subprocess.Popen(
        [sys.executable, "-m", "jaring.cli", "serve", "--port", str(port), "--workers", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                page = urllib.request.urlopen(f"{base}/masuk/", timeout=2).read().decode()  # noqa: S310
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.3)
        assert "Masuk" in page
        css = [part.split('"')[0] for part in page.split('href="/static/')[1:] if ".css" in part.split('"')[0]]
        assert css, "the page links no stylesheet"
        response = urllib.request.urlopen(f"{base}/static/{css[0]}", timeout=5)  # noqa: S310
        assert response.status == 200
        # Hashed names from the manifest: cacheable forever by browsers on slow links.
        assert any(len(piece) == 12 for piece in css[0].split("."))
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_api_token_create_ties_a_verification_token_to_an_agency(balikpapan: Funder) -> None:
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "api_token",
        "create",
        "--name",
        "Sistem Dishub",
        "--funder",
        "balikpapan",
        "--scope",
        "verification",
        "--agency",
        "DISHUB",
        stdout=out,
        stderr=err,
    )
    token = ApiToken.objects.get(name="Sistem Dishub")
    assert token.agency is not None and token.agency.code == "dishub" and token.agency.funder == balikpapan
    assert "agency: dishub" in err.getvalue()
    assert api_token_authenticate(secret=out.getvalue().strip()) == token
    listing = io.StringIO()
    call_command("api_token", "list", stdout=listing)
    assert "\tdishub\t" in listing.getvalue()


def test_api_token_create_refuses_an_unknown_agency(balikpapan: Funder) -> None:
    with pytest.raises(CommandError, match=r"unknown agency 'bappeda' of balikpapan; known: .*dppp"):
        call_command(
            "api_token",
            "create",
            "--name",
            "X",
            "--funder",
            "balikpapan",
            "--scope",
            "verification",
            "--agency",
            "bappeda",
            stderr=io.StringIO(),
        )
    assert not ApiToken.objects.filter(name="X").exists()
