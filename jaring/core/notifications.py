"""Messages to applicants through pluggable senders, with an outbox that works with no provider at all.

A service that decides something calls `notifications_queue` inside its transaction: the messages are
rows (core.Notification) committed with the decision or not at all. After the commit the worker hands
each to the sender configured for its channel in `JARING_NOTIFICATION_SENDERS` (settings
`NOTIFICATION_SENDERS`, channel -> dotted path). The default, `LogSender`, writes the message to the log
and marks it "logged", so officers read every message in the outbox page even where nothing is sent.

A sender is any class with a `name` and `send(notification) -> str` returning the final status
(`Notification.Status.SENT` or `LOGGED`); raising marks the message failed with the error, to be retried.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.conf import settings
from django.db import transaction
from django.db.models import Model
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.module_loading import import_string

from jaring.core import clock
from jaring.core.models import Funder, Notification

logger = logging.getLogger("jaring.notifications")

DEFAULT_SENDER = "jaring.core.notifications.LogSender"
MAX_ATTEMPTS = 5


class Sender(Protocol):
    name: str

    def send(self, notification: Notification) -> str: ...


class LogSender:
    """Writes the message to the `jaring.notifications` log; the outbox row keeps it for officers."""

    name = "log"

    def send(self, notification: Notification) -> str:
        logger.info(
            "notification %s via %s to %s: %s",
            notification.pk,
            notification.channel,
            notification.recipient,
            notification.body.replace("\n", " "),
        )
        return Notification.Status.LOGGED


def sender_for(channel: str) -> Sender:
    path = getattr(settings, "NOTIFICATION_SENDERS", {}).get(channel) or DEFAULT_SENDER
    return import_string(path)()


@dataclass(frozen=True)
class Message:
    """One message to write: whom, about what, and the template context."""

    target: Model
    template: str
    phone: str = ""
    email: str = ""
    funder: Funder | None = None
    context: dict[str, Any] = field(default_factory=dict)


def preferred_channel(*, phone: str, email: str) -> tuple[str, str]:
    """(channel, recipient): the configured phone channel when there is a phone, else e-mail."""
    if phone:
        return getattr(settings, "NOTIFICATION_PHONE_CHANNEL", Notification.Channel.SMS), phone
    if email:
        return Notification.Channel.EMAIL, email
    return getattr(settings, "NOTIFICATION_PHONE_CHANNEL", Notification.Channel.SMS), ""


def render(template: str, context: dict[str, Any]) -> tuple[str, str]:
    """(subject, body) in Bahasa Indonesia, whatever language the officer's page is in: the applicant
    reads it. The template's first line is the subject."""
    with translation.override("id"):
        text = render_to_string(f"notifications/{template}.txt", context).strip()
    subject, _, body = text.partition("\n")
    return subject.strip(), body.strip()


def notifications_queue(messages: Sequence[Message]) -> list[Notification]:
    """Write the messages to the outbox (in the caller's transaction) and deliver them after the commit."""
    rows = []
    for message in messages:
        channel, recipient = preferred_channel(phone=message.phone, email=message.email)
        subject, body = render(message.template, message.context)
        rows.append(
            Notification(
                funder=message.funder,
                channel=channel,
                recipient=recipient,
                template=message.template,
                subject=subject[:200],
                body=body,
                target_type=message.target._meta.label_lower,
                target_id=str(message.target.pk),
                target_label=str(message.target)[:200],
                status=Notification.Status.QUEUED if recipient else Notification.Status.NO_CONTACT,
            )
        )
    created = Notification.objects.bulk_create(rows)
    ids = [n.pk for n in created if n.status == Notification.Status.QUEUED]
    if ids:
        transaction.on_commit(lambda: _enqueue(ids))
    return created


def _enqueue(ids: list[int]) -> None:
    from jaring.core.tasks import notifications_send

    try:
        notifications_send.enqueue(ids=ids)
    except Exception:  # the outbox keeps them queued; `jaring send-notifications` delivers them later
        logger.exception("could not enqueue notifications %s", ids[:10])


def notifications_deliver(ids: Iterable[int] | None = None) -> dict[str, int]:
    """Hand queued (and failed, below the attempt limit) messages to their senders. Safe to run twice:
    each row is locked and skipped once it left the queue."""
    counts = {"sent": 0, "logged": 0, "failed": 0}
    pending = Notification.objects.filter(
        status__in=(Notification.Status.QUEUED, Notification.Status.FAILED), attempts__lt=MAX_ATTEMPTS
    )
    if ids is not None:
        pending = pending.filter(pk__in=list(ids))
    senders: dict[str, Sender] = {}
    for pk in pending.order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            notification = (
                Notification.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, status__in=(Notification.Status.QUEUED, Notification.Status.FAILED))
                .first()
            )
            if notification is None:
                continue
            sender = senders.get(notification.channel) or senders.setdefault(
                notification.channel, sender_for(notification.channel)
            )
            notification.attempts += 1
            notification.sender = sender.name
            try:
                notification.status = sender.send(notification)
                notification.sent_at = clock.now()
                notification.error = ""
            except Exception as exc:  # a provider's failure must not lose the message
                notification.status = Notification.Status.FAILED
                notification.error = str(exc)[:500]
            notification.save(update_fields=["attempts", "sender", "status", "sent_at", "error"])
        counts[str(notification.status)] = counts.get(str(notification.status), 0) + 1
    return counts
