"""Writes of in-kind aid: deliveries recorded for a period (many recipients in one form), a scan of the signed
list kept as evidence, and corrections. Every change is audited with the officer; the database decides that a
recipient has one delivery per period, so a double submission records nothing twice."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from jaring.aid.models import Delivery, DeliveryScan, Receiver
from jaring.aid.selectors import is_once, programme_periods, recipients_in
from jaring.allocation.models import Place
from jaring.core import clock
from jaring.core.actors import Actor
from jaring.core.errors import DomainError
from jaring.core.models import User
from jaring.core.permissions import Capability
from jaring.core.services import audit_record, audit_records_many
from jaring.programmes.models import Programme
from jaring.registry.documents import sniff

NOTES_MAX = 300
NAME_MAX = 150


def check_may_record(actor: Actor | User, programme: Programme) -> None:
    """PermissionDenied unless `actor` records deliveries for this programme's funder, and DomainError unless the
    programme gives goods: the one check every write here makes."""
    Actor.of(actor).require(Capability.RECORD_AID, programme=programme)
    if not programme.gives_goods:
        raise DomainError(_("Program %(code)s bukan program bantuan barang.") % {"code": programme.code})


def _check_day(programme: Programme, period: date, delivered_on: date, *, field_name: str = "delivered_on") -> None:
    today = clock.today()
    if delivered_on > today:
        raise DomainError(_("Tanggal penyerahan tidak boleh di masa depan."), field=field_name)
    earliest = programme.cover_start if is_once(programme) else period
    if delivered_on < earliest:
        raise DomainError(
            _("Tanggal penyerahan tidak boleh sebelum %(day)s.") % {"day": earliest.strftime("%d-%m-%Y")},
            field=field_name,
        )


def _label(actor: Actor | User) -> str:
    return Actor.of(actor).name[:NAME_MAX]


@dataclass
class Recorded:
    created: list[Delivery] = field(default_factory=list)
    already: list[int] = field(default_factory=list)  # place ids that had a delivery for the period already
    scan: DeliveryScan | None = None


def delivery_scan_add(
    *, programme: Programme, period: date, content: bytes, name: str, actor: Actor | User
) -> DeliveryScan:
    """Keep a scan of the signed list of a period (JPEG, PNG or PDF, checked by its bytes as applications'
    documents are); an earlier scan of the same period is superseded, not deleted."""
    check_may_record(actor, programme)
    sniffed = sniff(content, max_bytes=settings.UPLOAD_MAX_BYTES)
    if sniffed.content_type is None:
        raise DomainError(_("Pindaian daftar: %(problem)s") % {"problem": sniffed.problem}, field="scan")
    digest = hashlib.sha256(content).hexdigest()
    with transaction.atomic():
        superseded = DeliveryScan.objects.filter(programme=programme, period=period, superseded_at=None)
        replaced = list(superseded.values_list("pk", flat=True))
        superseded.update(superseded_at=clock.now())
        scan = DeliveryScan(
            programme=programme,
            period=period,
            sha256=digest,
            size=len(content),
            content_type=sniffed.content_type,
            original_name=name[-200:],
            uploaded_by=Actor.of(actor).user,
            uploaded_by_label=_label(actor),
        )
        stored = f"documents/{digest[:2]}/{digest}{scan.extension}"
        if scan.file.storage.exists(stored):
            scan.file.name = stored  # the same bytes are stored already: keep one copy
        else:
            scan.file.save(stored, ContentFile(content), save=False)
        scan.save()
        audit_record(
            actor=actor,
            action="aid.scan_add",
            target=scan,
            data={"period": period.isoformat(), "sha256": digest, "size": len(content), "replaces": replaced},
            funder=programme.funder,
        )
    return scan


def deliveries_record(
    *,
    programme: Programme,
    period: date,
    place_ids: Sequence[int],
    delivered_on: date,
    signed: bool,
    actor: Actor | User,
    handed_over_by: str = "",
    notes: str = "",
    scan: DeliveryScan | None = None,
) -> Recorded:
    """Record that the chosen recipients received the period's goods on `delivered_on`, themselves (a
    representative is recorded by correcting one delivery). Recipients with a delivery for the period already
    are reported, never recorded twice: the unique constraint decides, under a double click or a colleague
    recording the same list at once."""
    check_may_record(actor, programme)
    if period not in programme_periods(programme):
        raise DomainError(_("Bulan ini di luar masa program."), field="month")
    if not place_ids:
        raise DomainError(_("Centang setidaknya satu penerima."), field="places")
    _check_day(programme, period, delivered_on)
    notes = notes.strip()[:NOTES_MAX]
    handed_over_by = (handed_over_by.strip() or _label(actor))[:NAME_MAX]
    chosen = {p.pk: p for p in recipients_in(programme, period).filter(pk__in=list(place_ids))}
    unknown = set(place_ids) - set(chosen)
    if unknown:
        raise DomainError(
            _("%(count)s penerima yang dicentang bukan penerima program ini pada bulan tersebut.")
            % {"count": len(unknown)},
            field="places",
        )
    result = Recorded(scan=scan)
    with transaction.atomic():
        taken = set(
            Delivery.objects.filter(place_id__in=list(chosen), period=period).values_list("place_id", flat=True)
        )
        for place_id in sorted(chosen):
            place: Place = chosen[place_id]
            if place_id in taken:
                result.already.append(place_id)
                continue
            try:
                with transaction.atomic():  # a savepoint: a colleague's row for the same place loses us only this
                    delivery = Delivery.objects.create(
                        programme=programme,
                        place=place,
                        person_id=place.person_id,
                        period=period,
                        delivered_on=delivered_on,
                        received_by=Receiver.RECIPIENT,
                        signed=signed,
                        scan=scan,
                        handed_over_by=handed_over_by,
                        notes=notes,
                        recorded_by=Actor.of(actor).user,
                    )
            except IntegrityError:
                result.already.append(place_id)
                continue
            result.created.append(delivery)
        audit_records_many(
            actor=actor,
            records=[
                (
                    "aid.delivery_record",
                    delivery,
                    {
                        "period": period.isoformat(),
                        "delivered_on": delivered_on.isoformat(),
                        "signed": signed,
                        "handed_over_by": handed_over_by,
                        "scan": scan.pk if scan else None,
                    },
                )
                for delivery in result.created
            ],
        )
    return result


CORRECTABLE = (
    "delivered_on",
    "received_by",
    "representative_name",
    "representative_relation",
    "quantity",
    "signed",
    "handed_over_by",
    "notes",
)


def delivery_correct(
    *,
    delivery: Delivery,
    actor: Actor | User,
    delivered_on: date,
    received_by: str,
    representative_name: str = "",
    representative_relation: str = "",
    quantity: int = 1,
    signed: bool,
    handed_over_by: str,
    notes: str = "",
    scan: DeliveryScan | None = None,
) -> Delivery:
    """Correct one delivery (its day, who received it, the signature, the notes); audited with what changed,
    before and after. A representative must be named."""
    check_may_record(actor, delivery.programme)
    if received_by not in Receiver.values:
        raise DomainError(_("Pilih siapa yang menerima."), field="received_by")
    representative_name = representative_name.strip()[:NAME_MAX]
    if received_by == Receiver.REPRESENTATIVE and not representative_name:
        raise DomainError(_("Tulis nama wakil yang menerima."), field="representative_name")
    if received_by == Receiver.RECIPIENT:
        representative_name, representative_relation = "", ""
    if not 1 <= quantity <= 1000:
        raise DomainError(_("Jumlah harus antara 1 dan 1000."), field="quantity")
    _check_day(delivery.programme, delivery.period, delivered_on)
    after = {
        "delivered_on": delivered_on,
        "received_by": received_by,
        "representative_name": representative_name,
        "representative_relation": representative_relation.strip()[:60],
        "quantity": quantity,
        "signed": signed,
        "handed_over_by": (handed_over_by.strip() or _label(actor))[:NAME_MAX],
        "notes": notes.strip()[:NOTES_MAX],
    }
    with transaction.atomic():
        locked = Delivery.objects.select_for_update().select_related("programme__funder").get(pk=delivery.pk)
        changed = {
            name: {"from": getattr(locked, name), "to": value}
            for name, value in after.items()
            if getattr(locked, name) != value
        }
        if scan is not None and scan.pk != locked.scan_id:
            changed["scan"] = {"from": locked.scan_id, "to": scan.pk}
            locked.scan = scan
        if not changed:
            return locked
        for name, value in after.items():
            setattr(locked, name, value)
        locked.corrected_at = clock.now()
        locked.save()
        audit_record(actor=actor, action="aid.delivery_correct", target=locked, data={"changes": changed})
    return locked
