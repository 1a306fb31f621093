"""Printing membership cards: `card_print_start` issues one new card per active member of the selection (a
batch, a kelurahan or chosen members), records a CardPrint with a core Job and queues `tasks.card_print_render`,
which runs `card_print_run`: the PDF (`cards/pdf.py`) drawn with progress and kept under MEDIA_ROOT/cards/<id>.pdf.
The file holds names and masked NIKs: it is never served directly, only through the logged download of the card
pages."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from jaring.core.actors import Actor
from jaring.core.errors import Conflict, DomainError
from jaring.core.models import Job, User
from jaring.core.services import (
    audit_record,
    job_create,
    job_enqueue_on_commit,
    job_finish,
    job_progress,
    job_start,
)
from jaring.enrolment.cards.pdf import cards_pdf, pages_for, public_base_url
from jaring.enrolment.cards.selectors import selection_clean, selection_label, selection_memberships
from jaring.enrolment.models import Batch, CardPrint
from jaring.enrolment.selectors import MEMBER_KELURAHAN
from jaring.enrolment.services import cards_issue, check_may_exchange
from jaring.programmes.models import Programme

CARD_DIR = "cards"


PROGRESS_EVERY = 50


class PrintRunning(Conflict):
    """The same selection is already being printed (a double submission): the print to follow instead."""

    def __init__(self, card_print: CardPrint) -> None:
        super().__init__(_("Kartu untuk pilihan yang sama sedang dicetak."))
        self.card_print = card_print


def card_print_start(*, programme: Programme, selection: dict[str, Any], actor: Actor | User) -> CardPrint:
    """Issue a new card for every active member of the selection and queue their PDF."""
    check_may_exchange(actor, programme)
    selection = selection_clean(selection)
    if "batch" in selection and not Batch.objects.filter(programme=programme, number=selection["batch"]).exists():
        message = _("Batch %(number)s tidak ada di program ini.") % {"number": selection["batch"]}
        raise DomainError(message, field="batch")
    with transaction.atomic():
        # One print at a time per programme and selection: a double submission follows the first print.
        Programme.objects.select_for_update().filter(pk=programme.pk).first()
        running = (
            CardPrint.objects.filter(programme=programme, job__status__in=(Job.Status.QUEUED, Job.Status.RUNNING))
            .select_related("job")
            .order_by("-id")
        )
        for earlier in running:
            if earlier.selection == selection:
                raise PrintRunning(earlier)
        memberships = list(selection_memberships(programme, selection))
        if not memberships:
            raise DomainError(_("Tidak ada peserta aktif pada pilihan ini."), field=next(iter(selection)))
        cards = cards_issue(memberships=memberships, actor=actor)
        label = selection_label(selection)
        job = job_create(
            kind="card_print",
            label=_("Cetak kartu %(programme)s: %(selection)s") % {"programme": programme.code, "selection": label},
            actor=actor,
            total=len(cards),
            params={"programme": programme.code, **selection},
        )
        card_print = CardPrint.objects.create(programme=programme, job=job, selection=selection)
        card_print.cards.set(cards)
        audit_record(
            actor=actor,
            action="programme.card_print",
            target=programme,
            data={"print": card_print.pk, "cards": len(cards), **selection},
        )
        # Imported here: the task module imports this one.
        from jaring.enrolment.cards.tasks import card_print_render

        job_enqueue_on_commit(job, task=card_print_render)
    return card_print


def card_print_run(card_print: CardPrint) -> Path:
    """Draw the PDF of a print's cards and keep it; safe to run again (the file is simply redrawn)."""
    job = card_print.job
    cards = list(
        card_print.cards.select_related("membership__person", "membership__programme__funder").order_by(
            f"membership__{MEMBER_KELURAHAN}_id", "membership__person__name", "pk"
        )
    )
    job_start(job=job, total=len(cards))

    def progress(done: int) -> None:
        if done % PROGRESS_EVERY == 0:
            job_progress(job=job, done=done)

    pdf = cards_pdf(cards, base_url=public_base_url(), on_progress=progress)
    relative = f"{CARD_DIR}/{card_print.pk}.pdf"
    path = Path(settings.MEDIA_ROOT) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".part")
    partial.write_bytes(pdf)
    os.replace(partial, path)  # a download never sees half a file
    card_print.file = relative
    card_print.save(update_fields=["file"])
    pages = pages_for(len(cards))
    # No "file" key: the core job download is not logged, and this PDF holds names (see card_print_path).
    job_finish(
        job=job,
        result={"cards": len(cards), "pages": pages, "print": card_print.pk},
        message=_("%(cards)s kartu pada %(pages)s halaman A4.") % {"cards": len(cards), "pages": pages},
    )
    return path
