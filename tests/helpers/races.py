"""Races on PostgreSQL: works started together in threads, each on its own connection."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import close_old_connections, connection


def at_once(*works: Callable[[], object]) -> list[BaseException]:
    """Run every work in its own thread, all released at the same moment; what each raised, for the test."""
    start = threading.Barrier(len(works))
    failures: list[BaseException] = []

    def run(work: Callable[[], object]) -> None:
        try:
            start.wait()
            work()
        except BaseException as exc:  # reported to the test
            failures.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(work,)) for work in works]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return failures
