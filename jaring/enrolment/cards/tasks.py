"""The card print in the worker (django-tasks): draws a print's PDF (`services.card_print_run`)."""

from __future__ import annotations

from django_tasks import task

from jaring.core.services import job_failure_recorded
from jaring.enrolment.cards.services import card_print_run
from jaring.enrolment.models import CardPrint


@task()
def card_print_render(job_id: int) -> None:
    card_print = CardPrint.objects.select_related("job", "programme").get(job_id=job_id)
    with job_failure_recorded(card_print.job):
        card_print_run(card_print)
