"""The PostgreSQL run really runs on PostgreSQL, and contested writes are decided by the database."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import close_old_connections, connection

from jaring.programmes.models import Programme
from jaring.registry.services import application_number_next
from tests.helpers.reference import expect_postgres


@pytest.mark.django_db
def test_the_database_is_the_one_this_run_asked_for() -> None:
    assert connection.vendor == ("postgresql" if expect_postgres() else "sqlite")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_never_get_the_same_number(bpn_2026: Programme) -> None:
    numbers: list[str] = []
    lock = threading.Lock()

    def register(n: int) -> Callable[[], None]:
        def run() -> None:
            from django.db import transaction

            try:
                for _ in range(n):
                    with transaction.atomic():
                        number = application_number_next(programme=bpn_2026)
                    with lock:
                        numbers.append(number)
            finally:
                close_old_connections()
                connection.close()

        return run

    threads = [threading.Thread(target=register(10)) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(numbers) == 200
    assert len(set(numbers)) == 200
    assert max(numbers) == "BPN-2026-000200"
