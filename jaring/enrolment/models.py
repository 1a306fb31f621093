"""Enrolment with BPJS Ketenagakerjaan: batches sent to the branch, its answers, memberships with their
history, cards and their hand-over, and the yearly re-verification of members."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jaring.allocation.models import EndReason, Place
from jaring.core.fields import MomentField
from jaring.core.models import Job
from jaring.programmes.models import Programme
from jaring.registry.models import Application, Person


def default_batch_columns() -> list[str]:
    from jaring.enrolment.columns import DEFAULT_COLUMNS

    return list(DEFAULT_COLUMNS)


class ColumnTemplate(models.Model):
    """The columns of the collective registration file, in order, as the programme's BPJS branch wants them
    (keys of enrolment.columns.COLUMNS)."""

    programme = models.OneToOneField(
        Programme, on_delete=models.CASCADE, related_name="batch_template", verbose_name=_("program")
    )
    columns = models.JSONField(_("kolom"), default=default_batch_columns)
    updated_at = MomentField(auto_now=True)

    class Meta:
        verbose_name = _("templat kolom berkas BPJS")
        verbose_name_plural = _("templat kolom berkas BPJS")

    def __str__(self) -> str:
        return f"{self.programme.code}: {len(self.columns)}"


class Batch(models.Model):
    """A collective registration sent to the BPJS branch: numbered, frozen when made (its rows are kept as
    sent), open until every member has an answer."""

    class Status(models.TextChoices):
        OPEN = "open", _("Menunggu jawaban BPJS")
        CLOSED = "closed", _("Selesai dijawab")

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="batches", verbose_name=_("program")
    )
    number = models.CharField(_("nomor batch"), max_length=40, unique=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.OPEN)
    columns = models.JSONField(_("kolom"))  # the template as it was when the batch was made
    created_at = MomentField(_("dibuat"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("ditutup"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("batch pendaftaran BPJS")
        verbose_name_plural = _("batch pendaftaran BPJS")

    def __str__(self) -> str:
        return self.number


class BatchMember(models.Model):
    class Outcome(models.TextChoices):
        PENDING = "pending", _("Menunggu jawaban")
        ACCEPTED = "accepted", _("Diterima BPJS")
        REJECTED = "rejected", _("Ditolak BPJS")

    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, related_name="members", verbose_name=_("batch"))
    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="batch_members", verbose_name=_("pendaftaran")
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("orang"))
    place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="+", verbose_name=_("tempat kuota"))
    position = models.PositiveIntegerField(_("nomor urut"))
    nik = models.CharField(_("NIK"), max_length=16)
    row = models.JSONField(_("baris terkirim"))  # the values as sent, in the batch's column order
    outcome = models.CharField(_("jawaban"), max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    kpj = models.CharField(_("KPJ"), max_length=11, blank=True)
    reason = models.CharField(_("alasan BPJS"), max_length=300, blank=True)
    answered_at = models.DateTimeField(_("dijawab"), null=True, blank=True)
    # True while waiting for an answer: a person is in at most one open batch (constraint below).
    open = models.BooleanField(default=True)

    class Meta:
        ordering = ["batch", "position"]
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=models.Q(open=True), name="one_open_batch_per_person"),
            models.UniqueConstraint(fields=["batch", "person"], name="batch_member_unique_person"),
        ]
        indexes = [models.Index(fields=["nik", "open"])]
        verbose_name = _("anggota batch")
        verbose_name_plural = _("anggota batch")

    def __str__(self) -> str:
        return f"{self.batch_id}/{self.position}"


class ResponseImport(models.Model):
    """One answer file of the BPJS branch, checked and (when sound, or when the officer chose so) applied.
    The same file applied twice changes nothing: rows already answered the same way are counted, not redone."""

    class Status(models.TextChoices):
        REFUSED = "refused", _("Ditolak: perbaiki berkas")
        APPLIED = "applied", _("Diterapkan")

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="+", verbose_name=_("program"))
    file_name = models.CharField(_("nama berkas"), max_length=255)
    file_sha256 = models.CharField(max_length=64, db_index=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices)
    counts = models.JSONField(_("rekap"), default=dict)
    problems = models.JSONField(_("masalah per baris"), default=list)
    created_at = MomentField(_("diunggah"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("jawaban BPJS")
        verbose_name_plural = _("jawaban BPJS")

    def __str__(self) -> str:
        return self.file_name


class Membership(models.Model):
    """A person's BPJS Ketenagakerjaan membership paid by one programme: from BPJS's acceptance (with the KPJ)
    to its end. Every change of status is a MembershipEvent."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Aktif")
        NON_ACTIVE = "non_active", _("Nonaktif")
        ENDED = "ended", _("Berakhir")

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("program")
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("orang"))
    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="membership", verbose_name=_("pendaftaran")
    )
    place = models.OneToOneField(Place, on_delete=models.PROTECT, related_name="membership", verbose_name=_("tempat"))
    kpj = models.CharField(_("KPJ"), max_length=11, db_index=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE)
    starts = models.DateField(_("mulai perlindungan"))
    ends = models.DateField(_("akhir perlindungan"))
    end_reason = models.CharField(_("alasan berakhir"), max_length=30, choices=EndReason.choices, blank=True)
    status_since = models.DateField(_("status sejak"))
    # When the person first became a BPJS Ketenagakerjaan participant, which may be long before this programme
    # (an earlier employer, an earlier funder): the branch's answer says so, or its list of existing
    # participants. Contribution years for the JKM scholarship count from here.
    bpjs_since = models.DateField(_("peserta BPJS sejak"), null=True, blank=True)
    created_at = MomentField(auto_now_add=True)

    class Meta:
        ordering = ["programme", "person__name"]
        indexes = [models.Index(fields=["programme", "status"])]
        verbose_name = _("kepesertaan")
        verbose_name_plural = _("kepesertaan")

    def __str__(self) -> str:
        return f"{self.kpj} ({self.programme.code})"


class MembershipEvent(models.Model):
    membership = models.ForeignKey(
        Membership, on_delete=models.PROTECT, related_name="events", verbose_name=_("kepesertaan")
    )
    from_status = models.CharField(_("dari"), max_length=12, blank=True)
    to_status = models.CharField(_("menjadi"), max_length=12)
    effective = models.DateField(_("berlaku"))
    reason = models.CharField(_("alasan"), max_length=30, blank=True)
    note = models.CharField(_("keterangan"), max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(_("oleh"), max_length=150)
    at = MomentField(_("dicatat"), auto_now_add=True)

    class Meta:
        ordering = ["membership", "at", "id"]
        verbose_name = _("riwayat kepesertaan")
        verbose_name_plural = _("riwayat kepesertaan")

    def __str__(self) -> str:
        return f"{self.membership_id}: {self.from_status} -> {self.to_status}"


class Card(models.Model):
    """A printed membership card. Its QR holds a signed token of this row (never the NIK), which opens the
    public check page."""

    membership = models.ForeignKey(
        Membership, on_delete=models.PROTECT, related_name="cards", verbose_name=_("kepesertaan")
    )
    issued_at = MomentField(_("dicetak"), auto_now_add=True)
    valid_until = models.DateField(_("berlaku sampai"))
    # Hand-over: who received the card, where, when, from whom.
    handed_on = models.DateField(_("tanggal penyerahan"), null=True, blank=True)
    handed_at_place = models.CharField(_("tempat penyerahan"), max_length=200, blank=True)
    received_by = models.CharField(_("diterima oleh"), max_length=150, blank=True)
    handed_by = models.CharField(_("diserahkan oleh"), max_length=150, blank=True)
    handover_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("kartu peserta")
        verbose_name_plural = _("kartu peserta")

    def __str__(self) -> str:
        return f"{self.membership.kpj}#{self.pk}"


class CardPrint(models.Model):
    """One PDF of cards (a batch, a kelurahan or a selection), made by the worker with progress."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="+", verbose_name=_("program"))
    job = models.OneToOneField(Job, on_delete=models.PROTECT, related_name="+")
    selection = models.JSONField(_("pilihan"), default=dict)  # {"batch": number} | {"kelurahan": code} | {"ids": [...]}
    cards = models.ManyToManyField(Card, related_name="prints", blank=True)
    file = models.CharField(max_length=200, blank=True)  # relative to MEDIA_ROOT, never served directly

    class Meta:
        ordering = ["-id"]
        verbose_name = _("cetak kartu")
        verbose_name_plural = _("cetak kartu")

    def __str__(self) -> str:
        return f"{self.programme_id}#{self.pk}"


class ReverificationCampaign(models.Model):
    """Every active member of one year's programme taken into the next year's cycle: judged again by the
    next programme's rules and routed to the sector agencies, like a new application."""

    source = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="+", verbose_name=_("program asal"))
    target = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="+", verbose_name=_("program tujuan"))
    job = models.OneToOneField(Job, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    counts = models.JSONField(_("rekap"), default=dict)
    created_at = MomentField(_("dimulai"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["source", "target"], name="one_campaign_per_cycle")]
        verbose_name = _("verifikasi ulang")
        verbose_name_plural = _("verifikasi ulang")

    def __str__(self) -> str:
        return f"{self.source.code} -> {self.target.code}"
