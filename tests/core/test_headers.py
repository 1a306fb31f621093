"""Production headers on every page: a Content-Security-Policy of this site only (so no template may carry an
inline script, style or event handler), Permissions-Policy, Referrer-Policy, and HSTS over HTTPS."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client, override_settings

TEMPLATES = Path(__file__).resolve().parents[2] / "jaring" / "templates"


@pytest.mark.django_db
def test_the_log_in_page_carries_the_production_headers() -> None:
    response = Client().get("/masuk/")
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["default-src"] == "'self'" and directives["frame-ancestors"] == "'none'"
    assert "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
@override_settings(SECURE_HSTS_SECONDS=31_536_000, SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"))
def test_hsts_is_sent_over_https_behind_the_proxy() -> None:
    response = Client().get("/masuk/", HTTP_X_FORWARDED_PROTO="https")
    assert response["Strict-Transport-Security"] == "max-age=31536000"


@pytest.mark.django_db
def test_the_pages_load_htmx_and_the_app_script_from_this_site_with_htmx_held_to_the_policy() -> None:
    page = Client().get("/masuk/").content.decode()
    assert re.search(r'<script src="/static/vendor/htmx/htmx\.min[^"]*\.js" defer></script>', page)
    assert re.search(r'<script src="/static/jaring/app[^"]*\.js" defer></script>', page)
    assert '"includeIndicatorStyles": false' in page and '"allowEval": false' in page


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I), "inline <script>"),
    (re.compile(r"<style\b", re.I), "<style> element"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "event handler attribute"),
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def test_no_template_has_inline_script_or_style_the_policy_would_block() -> None:
    found = [
        f"{path.relative_to(TEMPLATES)}: {what}"
        for path in TEMPLATES.rglob("*.html")
        for pattern, what in INLINE
        if pattern.search(path.read_text())
    ]
    assert found == []
