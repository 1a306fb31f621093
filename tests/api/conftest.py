"""Partner tokens of the personas' funders, and a client that speaks JSON with a bearer token."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from jaring.core.models import Funder, User
from jaring.core.services import api_token_create
from tests.helpers.api import Partner


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
