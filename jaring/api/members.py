"""Partner API: members by NIK or KPJ (issue 6)."""

from __future__ import annotations

from ninja import Router

router = Router()
