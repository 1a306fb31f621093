from __future__ import annotations

from datetime import datetime

from ninja import Schema


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]]


class TokenOut(Schema):
    name: str
    funder: str
    scopes: list[str]
    created_at: datetime


class RegionOut(Schema):
    code: str
    name: str
    level: int
    parent: str | None


class SectorOut(Schema):
    code: str
    name: str
    is_transport: bool
    default_agency_kind: str


class ProgrammeOut(Schema):
    code: str
    name: str
    funder: str
    year: int
    owning_agency: str
    status: str


class HealthOut(Schema):
    status: str
    database: str
