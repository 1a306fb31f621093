"""The card print in the worker (django-tasks): draws a print's PDF (`services.card_print_run`)."""

from __future__ import annotations

from django_tasks import task

from jaring.core.services import job_fail
from jaring.enrolment.cards.services import card_print_run
from jaring.enrolment.models import CardPrint


@task()
def card_print_render(job_id: int) -> None:
    card_print = CardPrint.objects.select_related("job", "programme").get(job_id=job_id)
    try:
        card_print_run(card_print)
    except Exception as exc:
        job_fail(job=card_print.job, message=str(exc)[:500])
        raise
