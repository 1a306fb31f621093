"""Background work of allocation, run by `jaring worker`: free places admit the waitlist by themselves.

`waitlists_sweep` admits every programme's waitlist into its free places, then queues itself again to run
WAITLIST_SWEEP_MINUTES later. The worker queues the first one when it starts (settings.PERIODIC_TASKS,
core.services.periodic_tasks_ensure), so a chain is always waiting; run twice, it admits nobody twice (each
programme's admission locks the programme row).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django_tasks import task

from jaring.allocation.services import waitlists_admit
from jaring.core import clock
from jaring.core.actors import Actor
from jaring.core.services import periodic_task_pending

SWEEP_PATH = "jaring.allocation.tasks.waitlists_sweep"


@task()
def waitlists_sweep() -> dict[str, int]:
    admitted = waitlists_admit(actor=Actor.system("system:waitlist"))
    # The next run, unless one is already waiting (two workers started at once each queued one).
    if not periodic_task_pending(SWEEP_PATH, besides_running=True):
        later = clock.now() + timedelta(minutes=settings.WAITLIST_SWEEP_MINUTES)
        waitlists_sweep.using(run_after=later).enqueue()
    return admitted
