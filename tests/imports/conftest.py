"""Helpers for import tests: small CSV and XLSX files built in memory, and the importer run in-process."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from jaring.core.models import User
from jaring.programmes.models import Programme
from jaring.registry.imports.services import import_batch_run, import_batch_start
from jaring.registry.models import ImportBatch


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Any) -> Any:
    """Each test stores originals and results in its own MEDIA_ROOT, so "nothing was stored" can be checked."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def run_import(bpn_2026: Programme, registration_officer: User) -> Callable[..., ImportBatch]:
    """Start and run an import in-process, as the CLI does; returns the finished batch."""

    def run(
        content: bytes,
        *,
        name: str = "daftar.csv",
        programme: Programme | None = None,
        actor: User | str | None = None,
        chunk_size: int = 2000,
        **options: Any,
    ) -> ImportBatch:
        batch, checked = import_batch_start(
            programme=programme or bpn_2026,
            actor=actor or registration_officer,
            file_name=name,
            content=content,
            enqueue=False,
            **options,
        )
        return import_batch_run(batch=batch, checked=checked, chunk_size=chunk_size)

    return run
