"""The English catalogue is complete and its compiled .mo is the one built from the .po."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

CATALOGUE = Path(__file__).resolve().parents[1] / "jaring" / "locale" / "en" / "LC_MESSAGES"

needs_gettext = pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext is not installed")


@needs_gettext
def test_every_message_has_an_english_translation() -> None:
    for flag in ("--untranslated", "--only-fuzzy"):
        out = subprocess.run(
            ["msgattrib", flag, "--no-obsolete", str(CATALOGUE / "django.po")],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert "msgid" not in out.split("\n\n", 1)[-1] or out.count("msgid") <= 1, out[:2000]


@needs_gettext
def test_the_compiled_catalogue_is_up_to_date(tmp_path: Path) -> None:
    built = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "-c", "-o", str(built), str(CATALOGUE / "django.po")], check=True)
    assert built.read_bytes() == (CATALOGUE / "django.mo").read_bytes(), "run `make messages` and commit django.mo"
