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
