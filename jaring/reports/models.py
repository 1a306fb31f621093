"""The reports' own rows: a snapshot of each programme's figures, counted by a background job so that a
dashboard of a million members reads a few thousand numbers instead of a million rows, and the open data as
published.

Nothing here is a source of truth: every row can be counted again from the other apps' tables at any time
(reports.services.snapshot_refresh).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from jaring.programmes.models import Programme


class Dimension(models.TextChoices):
    """What a Figure counts, and what its key means. Per month and kelurahan unless said otherwise."""

    MEMBERS_SECTOR = "members_sector", _("Peserta menurut sektor")  # key: sector code
    MEMBERS_SEX = "members_sex", _("Peserta menurut jenis kelamin")  # key: L or P
    MEMBERS_AGE = "members_age", _("Peserta menurut kelompok umur")  # key: an age band of figures.AGE_BANDS
    PLACES = "places", _("Tempat kuota terpakai")  # places covering the month; key empty
    CARDS_PRINTED = "cards_printed", _("Kartu dicetak")  # in the month; key empty
    CARDS_HANDED = "cards_handed", _("Kartu diserahkan")  # in the month; key empty
    # Verification, per month and agency (no kelurahan): decided in the month.
    DECIDED = "decided", _("Keputusan verifikasi")  # key: "<agency id>:<outcome>"
    DECIDED_LATE = "decided_late", _("Keputusan melewati batas waktu")  # key: agency id
    DECISION_DAYS = "decision_days", _("Hari kerja sampai keputusan")  # key: "<agency id>:<working days>"
    # People with a place here and one in another programme for the same month (no kelurahan).
    DOUBLE_FUNDED = "double_funded", _("Dibiayai ganda")  # key: the other programme's code, or "*" for people
    # As of the snapshot, no month: applications by status (per kelurahan), and each agency's open work.
    STATUS_NOW = "status_now", _("Pendaftaran menurut status")  # key: application status
    OPEN_NOW = "open_now", _("Menunggu verifikasi")  # key: agency id
    OVERDUE_NOW = "overdue_now", _("Terlambat")  # key: agency id
    RETURNED_NOW = "returned_now", _("Dikembalikan")  # key: agency id
    # Money (Rupiah), no kelurahan: the budget as it stands (no month; key budget, paid, owed, committed, left)
    # and each month's expected contributions, BPJS's invoice and what was paid for it (key empty).
    BUDGET = "budget", _("Realisasi anggaran")
    CONTRIB_EXPECTED = "contrib_expected", _("Iuran seharusnya")
    CONTRIB_INVOICED = "contrib_invoiced", _("Tagihan BPJS")
    CONTRIB_PAID = "contrib_paid", _("Iuran dibayar")
    # Claims, no kelurahan: by status as of the count (no month), reported in the month and paid in the month
    # (key: the kind of claim), and the Rupiah paid in the month (key: the kind).
    CLAIMS_STATUS = "claims_status", _("Klaim menurut status")
    CLAIMS_REPORTED = "claims_reported", _("Klaim dilaporkan")
    CLAIMS_PAID = "claims_paid", _("Klaim dibayar")
    CLAIMS_PAID_AMOUNT = "claims_paid_amount", _("Manfaat klaim dibayar (Rp)")


MEMBER_DIMENSIONS = (Dimension.MEMBERS_SECTOR, Dimension.MEMBERS_SEX, Dimension.MEMBERS_AGE)


class Snapshot(models.Model):
    """When a programme's figures were last counted, and how long it took."""

    programme = models.OneToOneField(
        Programme, on_delete=models.CASCADE, related_name="report_snapshot", verbose_name=_("program")
    )
    computed_at = models.DateTimeField(_("dihitung"), null=True, blank=True)
    seconds = models.FloatField(_("lama hitung (detik)"), default=0)
    first_month = models.DateField(_("bulan pertama"), null=True, blank=True)
    last_month = models.DateField(_("bulan terakhir"), null=True, blank=True)

    class Meta:
        verbose_name = _("potret angka program")
        verbose_name_plural = _("potret angka program")

    def __str__(self) -> str:
        return f"{self.programme_id} @ {self.computed_at}"


class Figure(models.Model):
    """One number of a programme's snapshot: how many of `dimension` = `key` in `month` (None: as of the
    snapshot) and `kelurahan` (empty: the programme as a whole)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+", verbose_name=_("program"))
    month = models.DateField(_("bulan"), null=True, blank=True)
    # The member's kelurahan is their application's (enrolment.selectors.MEMBER_KELURAHAN): a plain code, so a
    # refresh writes its rows with COPY without looking regions up.
    kelurahan = models.CharField(_("kelurahan"), max_length=13, blank=True)
    dimension = models.CharField(_("dimensi"), max_length=20, choices=Dimension.choices)
    key = models.CharField(_("kategori"), max_length=60, blank=True)
    value = models.BigIntegerField(_("jumlah"))  # people, or Rupiah (a budget left can be negative)

    class Meta:
        indexes = [models.Index(fields=["programme", "dimension", "month"], name="report_figure_lookup")]
        verbose_name = _("angka laporan")
        verbose_name_plural = _("angka laporan")

    def __str__(self) -> str:
        return f"{self.programme_id} {self.month} {self.kelurahan} {self.dimension}={self.key}: {self.value}"


class Publication(models.Model):
    """A programme's open data as published: months, breakdowns and counts with small counts suppressed. The
    public pages serve these rows and nothing else."""

    programme = models.OneToOneField(
        Programme, on_delete=models.CASCADE, related_name="publication", verbose_name=_("program")
    )
    published_at = models.DateTimeField(_("diterbitkan"))
    first_month = models.DateField(_("bulan pertama"))
    last_month = models.DateField(_("bulan terakhir"))
    # [{"bulan": "2026-03", "dimensi": "sektor", "kode": "nelayan", "kategori": "Nelayan", "peserta": "12"}, ...]
    rows = models.JSONField(_("baris"), default=list)

    class Meta:
        ordering = ["programme__code"]
        verbose_name = _("data terbuka")
        verbose_name_plural = _("data terbuka")

    def __str__(self) -> str:
        return f"{self.programme_id} @ {self.published_at}"
