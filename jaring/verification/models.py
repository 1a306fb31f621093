"""Decisions of the verifying agencies on the applications in their queues."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jaring.core.models import Agency, ApiToken
from jaring.programmes.models import RejectionReason
from jaring.registry.models import Application


class Outcome(models.TextChoices):
    APPROVE = "approve", _("Setujui")
    RETURN = "return", _("Kembalikan untuk perbaikan")
    REJECT = "reject", _("Tolak")


class Fix(models.TextChoices):
    """What a verifier may ask to be corrected when returning an application."""

    KTP = "ktp", _("Unggah ulang foto KTP yang jelas")
    KK = "kk", _("Unggah ulang foto Kartu Keluarga yang jelas")
    APLIKATOR_LETTER = "aplikator_letter", _("Lampirkan surat keterangan mitra dari aplikator")
    SECTOR_EVIDENCE = "sector_evidence", _("Lampirkan bukti pekerjaan (surat keterangan usaha atau kelompok)")
    IDENTITY = "identity", _("Perbaiki data identitas sesuai KTP (nama, tanggal lahir, NIK)")
    ADDRESS = "address", _("Perbaiki alamat, RT/RW atau kelurahan sesuai KTP")
    WORK = "work", _("Perbaiki data pekerjaan atau penghasilan")
    PHONE = "phone", _("Perbaiki nomor HP yang dapat dihubungi")


DOCUMENT_FIXES: frozenset[str] = frozenset({Fix.KTP, Fix.KK, Fix.APLIKATOR_LETTER, Fix.SECTOR_EVIDENCE})


class Decision(models.Model):
    """One agency decision on one application, kept for ever: the history, the deadline kept or missed,
    and the time it took (a manager's median) are read from these rows."""

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("pendaftaran")
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("instansi"))
    outcome = models.CharField(_("keputusan"), max_length=10, choices=Outcome.choices)
    reason = models.ForeignKey(
        RejectionReason,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("alasan penolakan"),
    )
    fixes = models.JSONField(_("yang harus diperbaiki"), default=list, blank=True)
    note = models.TextField(_("catatan"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    api_token = models.ForeignKey(ApiToken, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    actor_label = models.CharField(_("pemutus"), max_length=150)
    queued_at = models.DateTimeField(_("masuk antrean"))
    due = models.DateField(_("batas waktu"))
    decided_at = models.DateTimeField(_("diputuskan"))
    # Working days used, counted as the deadline is (a decision on the due date used all of them).
    working_days = models.PositiveSmallIntegerField(_("hari kerja terpakai"))
    late = models.BooleanField(_("melewati batas"))

    class Meta:
        ordering = ["-decided_at", "-id"]
        indexes = [models.Index(fields=["agency", "decided_at"])]
        verbose_name = _("keputusan verifikasi")
        verbose_name_plural = _("keputusan verifikasi")

    def __str__(self) -> str:
        return f"{self.application_id}: {self.outcome}"

    @property
    def fix_labels(self) -> list[str]:
        labels = dict(Fix.choices)
        return [str(labels.get(code, code)) for code in self.fixes]
