"""Partner tokens of the personas' funders, and a client that speaks JSON with a bearer token."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from jaring.core.models import Funder, User
from jaring.core.services import api_token_create


class Partner:
    """A partner system calling the API with its own token."""

    def __init__(self, secret: str) -> None:
        self.secret = secret
        self.client = Client()

    def headers(self, **extra: str) -> dict[str, str]:
        return {"HTTP_AUTHORIZATION": f"Bearer {self.secret}", **extra}

    def post(self, path: str, body: Any = None, *, raw: bytes | str | None = None, **headers: str) -> Any:
        data = raw if raw is not None else json.dumps(body)
        return self.client.post(path, data=data, content_type="application/json", **self.headers(**headers))

    def upload(self, path: str, data: dict[str, Any], **headers: str) -> Any:
        return self.client.post(path, data=data, **self.headers(**headers))

    def get(self, path: str, params: dict[str, Any] | None = None, **headers: str) -> Any:
        return self.client.get(path, params or {}, **self.headers(**headers))


@pytest.fixture
def partner_for(administrator: User) -> Callable[..., Partner]:
    def make(funder: Funder, *, name: str = "Gojek", scopes: tuple[str, ...] = ("registration",)) -> Partner:
        _, secret = api_token_create(name=name, funder=funder, scopes=list(scopes), actor=administrator)
        return Partner(secret)

    return make


@pytest.fixture
def gojek(partner_for: Callable[..., Partner], balikpapan: Funder) -> Partner:
    """A ride-hailing company registering its Balikpapan drivers."""
    return partner_for(balikpapan, name="Gojek")


@pytest.fixture
def grab(partner_for: Callable[..., Partner], balikpapan: Funder) -> Partner:
    """Another partner of the same funder."""
    return partner_for(balikpapan, name="Grab")


@pytest.fixture
def samarinda_partner(partner_for: Callable[..., Partner], samarinda: Funder) -> Partner:
    return partner_for(samarinda, name="Kelurahan system Samarinda")


@pytest.fixture
def dashboard(partner_for: Callable[..., Partner], balikpapan: Funder) -> Partner:
    """A reporting system of Balikpapan: may read, may not register."""
    return partner_for(balikpapan, name="Dashboard", scopes=("reports",))
