"""A bad environment setting stops start-up with one clear line naming the variable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from jaring.env import Env, SettingError

ROOT = Path(__file__).resolve().parents[2]


def start_django(tmp_path: Path, **overrides: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JARING_", "DATABASE_URL"))}
    env.update({"JARING_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "jaring.settings"})
    env.update(overrides)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


GOOD_KEY = "x" * 40


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"JARING_DEBUG": "maybe"}, "JARING_DEBUG='maybe' is not a boolean"),
        ({}, "JARING_SECRET_KEY is required"),
        ({"JARING_SECRET_KEY": "short"}, "at least 32 characters"),
        ({"JARING_SECRET_KEY": GOOD_KEY, "DATABASE_URL": "mysql://x/y"}, "DATABASE_URL must start with postgresql://"),
        ({"JARING_SECRET_KEY": GOOD_KEY, "DATABASE_URL": ""}, "DATABASE_URL is set but empty"),
        ({"JARING_SECRET_KEY": GOOD_KEY, "JARING_TIME_ZONE": "Asia/Balikpapan"}, "not a known time zone"),
        ({"JARING_SECRET_KEY": GOOD_KEY, "JARING_ALLOWED_HOSTS": "a,,b"}, "has an empty item"),
        ({"JARING_SECRET_KEY": GOOD_KEY, "JARING_LOGIN_ATTEMPTS": "lima"}, "not a whole number"),
        ({"JARING_SECRET_KEY": GOOD_KEY, "JARING_LOGIN_ATTEMPTS": "0"}, "below the minimum 1"),
        ({"JARING_SECRET_KEY": GOOD_KEY, "JARING_TRUSTED_PROXIES": "10.0.0.1,proxy"}, "'proxy' is not an IP"),
        # The key the Makefile used to print: card tokens forged with it verified as valid.
        ({"JARING_SECRET_KEY": "demo-only-secret-key-never-use-in-production"}, "demo/test key published"),
        ({"JARING_SECRET_KEY": "test-only-secret-key-0123456789-abcdefghijklmnop"}, "demo/test key published"),
        ({"JARING_SECRET_KEY": GOOD_KEY, "JARING_TRUSTED_PROXIES": "10.0.0.1/24"}, "'10.0.0.1/24' is not an IP"),
    ],
)
def test_a_bad_setting_stops_start_up_with_a_clear_message(
    tmp_path: Path, overrides: dict[str, str], message: str
) -> None:
    result = start_django(tmp_path, **overrides)
    assert result.returncode == 2
    assert "started" not in result.stdout
    assert "Jaring configuration error:" in result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_good_settings_start_on_sqlite_in_the_data_dir(tmp_path: Path) -> None:
    result = start_django(tmp_path, JARING_SECRET_KEY=GOOD_KEY)
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


def test_debug_mode_needs_no_secret_key(tmp_path: Path) -> None:
    assert start_django(tmp_path, JARING_DEBUG="1").returncode == 0


def test_database_url_is_parsed_into_a_postgresql_config() -> None:
    config = Env({"DATABASE_URL": "postgresql://jaring:rahasia@db.local:5433/jaring"}).database(
        "DATABASE_URL", Path("x")
    )
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["PORT"], config["NAME"], config["USER"]) == ("db.local", 5433, "jaring", "jaring")


def test_sqlite_is_the_default_database(tmp_path: Path) -> None:
    config = Env({}).database("DATABASE_URL", tmp_path / "j.sqlite3")
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == str(tmp_path / "j.sqlite3")


@pytest.mark.parametrize(("raw", "expected"), [("1", True), ("yes", True), ("ON", True), ("0", False), ("off", False)])
def test_booleans_are_read_strictly(raw: str, expected: bool) -> None:
    assert Env({"B": raw}).bool("B", not expected) is expected


def test_a_list_setting_is_split_on_commas() -> None:
    assert Env({"H": "jaring.balikpapan.go.id, 127.0.0.1"}).list("H", []) == ["jaring.balikpapan.go.id", "127.0.0.1"]


def test_an_out_of_range_number_is_refused() -> None:
    with pytest.raises(SettingError, match="above the maximum"):
        Env({"N": "1000"}).int("N", 5, maximum=100)


def test_trusted_proxies_are_addresses_or_networks_and_none_by_default() -> None:
    assert Env({}).networks("JARING_TRUSTED_PROXIES") == []
    proxies = Env({"JARING_TRUSTED_PROXIES": "10.0.0.5, 192.168.1.0/24,::1"}).networks("JARING_TRUSTED_PROXIES")
    assert [str(p) for p in proxies] == ["10.0.0.5/32", "192.168.1.0/24", "::1/128"]


def settings_of(tmp_path: Path, names: str, **overrides: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JARING_", "DATABASE_URL"))}
    env.update({"JARING_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "jaring.settings", **overrides})
    code = f"import django; django.setup(); from django.conf import settings as s; print({names})"
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)


def test_jaring_demo_makes_its_own_key_once_readable_by_its_owner_only(tmp_path: Path) -> None:
    from jaring.env import DEMO_KEY_FILE, demo_key_ensure

    key = demo_key_ensure(tmp_path)
    path = tmp_path / DEMO_KEY_FILE
    assert len(key) >= 32 and key not in (ROOT / "Makefile").read_text()
    assert path.stat().st_mode & 0o777 == 0o600
    assert demo_key_ensure(tmp_path) == key
    assert demo_key_ensure(tmp_path / "other") != key


def test_the_readme_commands_work_on_the_demo_data_without_a_key(tmp_path: Path) -> None:
    from jaring.env import demo_key_ensure

    key = demo_key_ensure(tmp_path)
    result = settings_of(tmp_path, "s.DEMO_MODE, s.SECRET_KEY")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"True {key}"


def test_outside_a_demo_data_folder_a_missing_key_still_stops_start_up(tmp_path: Path) -> None:
    result = settings_of(tmp_path, "s.DEMO_MODE")
    assert result.returncode == 2
    assert "JARING_SECRET_KEY is required" in result.stderr


def test_a_key_set_in_the_environment_wins_over_the_demo_key_and_is_not_demo_mode(tmp_path: Path) -> None:
    from jaring.env import demo_key_ensure

    demo_key_ensure(tmp_path)
    result = settings_of(tmp_path, "s.DEMO_MODE, s.SECRET_KEY == 'x' * 40", JARING_SECRET_KEY=GOOD_KEY)
    assert result.stdout.strip() == "False True", result.stderr


def test_the_jaring_command_makes_the_demo_key_before_django_starts(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JARING_", "DATABASE_URL", "DJANGO_"))}
    env["JARING_DATA_DIR"] = str(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "jaring.cli", "demo", "--help"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "demo-secret-key").exists()
    later = subprocess.run(
        [sys.executable, "-m", "jaring.cli", "import-applicants", "--help"], cwd=ROOT, env=env, capture_output=True
    )
    assert later.returncode == 0, later.stderr


def test_https_settings_are_on_by_default_outside_debug_and_demo(tmp_path: Path) -> None:
    names = "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, s.SECURE_PROXY_SSL_HEADER"
    production = settings_of(tmp_path, names, JARING_SECRET_KEY=GOOD_KEY)
    assert production.stdout.strip() == "True True 31536000 ('HTTP_X_FORWARDED_PROTO', 'https')", production.stderr
    direct = settings_of(tmp_path, names, JARING_SECRET_KEY=GOOD_KEY, JARING_PROXY_SSL_HEADER="0")
    assert direct.stdout.strip() == "True True 31536000 None", direct.stderr
    debug = settings_of(tmp_path, names, JARING_DEBUG="1")
    assert debug.stdout.strip() == "False False 0 None", debug.stderr


def test_the_demo_on_plain_http_has_no_secure_cookies(tmp_path: Path) -> None:
    from jaring.env import demo_key_ensure

    demo_key_ensure(tmp_path)
    assert settings_of(tmp_path, "s.SESSION_COOKIE_SECURE").stdout.strip() == "False"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"JARING_HTTPS": "kadang"}, "JARING_HTTPS='kadang' is not a boolean"),
        ({"JARING_HSTS_SECONDS": "-1"}, "below the minimum 0"),
        ({"JARING_PROXY_SSL_HEADER": "2"}, "is not a boolean"),
    ],
)
def test_bad_https_settings_stop_start_up(tmp_path: Path, overrides: dict[str, str], message: str) -> None:
    result = start_django(tmp_path, JARING_SECRET_KEY=GOOD_KEY, **overrides)
    assert result.returncode == 2 and message in result.stderr
