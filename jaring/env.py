"""Strict parsing of settings from the environment.

Every setting Jaring reads from the environment goes through here, so a bad value stops start-up
with one clear line naming the variable, instead of surfacing later as a confusing error.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

Networks = list[IPv4Network | IPv6Network]


PROJECT_DIR = Path(__file__).resolve().parent.parent
# `jaring demo` writes a random key here once; its presence marks the data folder as a demo's (demo mode).
DEMO_KEY_FILE = "demo-secret-key"
# Keys printed in this repository (the Makefile's old demo key, the development, test and benchmark keys):
# anyone can forge card tokens and sessions with them, so outside demo and debug mode they stop start-up.
PUBLISHED_KEYS = frozenset(
    {
        "demo-only-secret-key-never-use-in-production",
        "insecure-development-key-do-not-use",
        "test-only-secret-key-0123456789-abcdefghijklmnop",
        "bench-only-secret-key-never-used-in-production",
    }
)


def data_dir(environ: Mapping[str, str]) -> Path:
    """JARING_DATA_DIR as settings read it, for the `jaring` command before Django starts."""
    raw = environ.get("JARING_DATA_DIR")
    return Path(raw).expanduser().resolve() if raw and raw.strip() else PROJECT_DIR / "var"


def demo_key_read(folder: Path) -> str | None:
    """The demo's key in `folder`, or None when the folder is not a demo's."""
    path = folder / DEMO_KEY_FILE
    try:
        key = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingError(f"{path} cannot be read: {exc}") from None
    if len(key) < 32:
        raise SettingError(f"{path} holds no usable key; delete it and run `jaring demo` again")
    return key


def demo_key_ensure(folder: Path) -> str:
    """The demo's key in `folder`, made once at random (readable by its owner only)."""
    existing = demo_key_read(folder)
    if existing is not None:
        return existing
    import secrets

    folder.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(folder / DEMO_KEY_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key + "\n")
    return key


class SettingError(Exception):
    """A setting in the environment has a value Jaring cannot use."""


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class Env:
    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self.environ = os.environ if environ is None else environ

    def string(self, name: str, default: str | None = None) -> str:
        value = self.environ.get(name)
        if value is None:
            if default is None:
                raise SettingError(f"{name} is required but not set")
            return default
        return value

    def bool(self, name: str, default: bool) -> bool:
        raw = self.environ.get(name)
        if raw is None:
            return default
        value = raw.strip().lower()
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        raise SettingError(f"{name}={raw!r} is not a boolean; use one of 1/0, true/false, yes/no, on/off")

    def int(self, name: str, default: int, *, minimum: int | None = None, maximum: int | None = None) -> int:
        raw = self.environ.get(name)
        if raw is None:
            return default
        try:
            value = int(raw.strip())
        except ValueError:
            raise SettingError(f"{name}={raw!r} is not a whole number") from None
        if minimum is not None and value < minimum:
            raise SettingError(f"{name}={value} is below the minimum {minimum}")
        if maximum is not None and value > maximum:
            raise SettingError(f"{name}={value} is above the maximum {maximum}")
        return value

    def list(self, name: str, default: list[str]) -> list[str]:
        raw = self.environ.get(name)
        if raw is None:
            return default
        items = [item.strip() for item in raw.split(",")]
        if any(not item for item in items):
            raise SettingError(f"{name}={raw!r} has an empty item; separate values with single commas")
        return items

    def networks(self, name: str) -> Networks:
        """Comma-separated IP addresses or CIDR networks (`10.0.0.1,192.168.0.0/24`); none when unset."""
        if name not in self.environ or not self.environ[name].strip():
            return []
        result: Networks = []
        for item in self.list(name, []):
            try:
                result.append(ip_network(item, strict=True))
            except ValueError:
                raise SettingError(
                    f"{name}: {item!r} is not an IP address or network (e.g. 10.0.0.5 or 10.0.0.0/24, host bits zero)"
                ) from None
        return result

    def mapping(self, name: str, default: dict[str, str]) -> dict[str, str]:
        """`key=value,key=value`."""
        result: dict[str, str] = {}
        for item in self.list(name, []) if name in self.environ else []:
            key, sep, value = item.partition("=")
            if not sep or not key.strip() or not value.strip():
                raise SettingError(f"{name}: {item!r} is not key=value")
            result[key.strip()] = value.strip()
        return result if name in self.environ else default

    def choice(self, name: str, default: str, *, choices: tuple[str, ...]) -> str:
        value = self.string(name, default)
        if value not in choices:
            raise SettingError(f"{name}={value!r} must be one of {', '.join(choices)}")
        return value

    def path(self, name: str, default: Path) -> Path:
        raw = self.environ.get(name)
        if raw is None:
            return default
        if not raw.strip():
            raise SettingError(f"{name} is set but empty")
        return Path(raw).expanduser().resolve()

    def timezone(self, name: str, default: str) -> str:
        value = self.string(name, default)
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise SettingError(f"{name}={value!r} is not a known time zone (e.g. Asia/Makassar)") from None
        return value

    def database(self, name: str, default_sqlite: Path) -> dict[str, object]:
        import dj_database_url

        raw = self.environ.get(name)
        if raw is None or raw == "":
            if raw == "":
                raise SettingError(f"{name} is set but empty; unset it to use SQLite")
            return {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": str(default_sqlite),
                # WAL lets the web server read while the worker writes.
                "OPTIONS": {"transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"},
            }
        if not raw.startswith(("postgres://", "postgresql://", "sqlite://")):
            raise SettingError(f"{name} must start with postgresql:// (or sqlite://), got {raw.split(':', 1)[0]!r}")
        try:
            config = dict(dj_database_url.parse(raw, conn_max_age=60))
        except ValueError as exc:
            raise SettingError(f"{name} cannot be parsed: {exc}") from None
        if not config.get("NAME"):
            raise SettingError(f"{name} names no database")
        return config
