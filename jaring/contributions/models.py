"""Contributions: what a programme owes BPJS Ketenagakerjaan each month, the branch's invoices checked row by
row against the members (../shared/spec/bpjs-invoice.md), what the finance officer paid, and per member and
month what is paid (PaidMonth): the arrears of a member are the months that have no PaidMonth."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from jaring.core.fields import MomentField
from jaring.core.models import Job
from jaring.enrolment.models import Membership
from jaring.programmes.models import Programme


class CoverRule(models.TextChoices):
    """When a member counts as covered (and so billed) in a month."""

    ANY_DAY = "any_day", _("Ada perlindungan minimal satu hari dalam bulan itu")
    WHOLE_MONTH = "whole_month", _("Ada perlindungan sebulan penuh")


class BillingTerms(models.Model):
    """A programme's billing settings. A programme without a row has the defaults (BillingTerms())."""

    programme = models.OneToOneField(
        Programme, on_delete=models.CASCADE, related_name="billing_terms", verbose_name=_("program")
    )
    cover_rule = models.CharField(
        _("dihitung tertanggung dalam sebulan bila"),
        max_length=12,
        choices=CoverRule.choices,
        default=CoverRule.ANY_DAY,
    )
    # DOMAIN: BPU pay by the 15th of the month covered.
    due_day = models.PositiveSmallIntegerField(
        _("batas bayar (tanggal)"), default=15, validators=[MinValueValidator(1), MaxValueValidator(28)]
    )
    # Whether cover runs during the first two months of arrears is not public (DOMAIN, open questions).
    cover_in_arrears = models.BooleanField(
        _("perlindungan tetap berjalan pada tunggakan bulan ke-1 dan ke-2"), default=True
    )
    # The first month whose payment Jaring follows (the month of the first invoice, unless the manager says
    # otherwise): months before it were paid outside Jaring and never count as arrears.
    tracked_from = models.DateField(_("pembayaran dicatat sejak bulan"), null=True, blank=True)
    payment_code = models.CharField(_("kode iuran (wadah)"), max_length=40, blank=True)
    # Canonical invoice column -> header names this programme's branch writes, besides the spec's aliases.
    invoice_headers = models.JSONField(_("judul kolom tagihan tambahan"), default=dict, blank=True)
    updated_at = MomentField(auto_now=True)

    class Meta:
        verbose_name = _("ketentuan iuran program")
        verbose_name_plural = _("ketentuan iuran program")

    def __str__(self) -> str:
        return f"{self.programme_id}: {self.cover_rule}"


class LineStatus(models.TextChoices):
    """The `status` of a result row, exactly as spec/bpjs-invoice.md names them."""

    COCOK = "cocok", _("Cocok")
    SELISIH_JUMLAH = "selisih_jumlah", _("Selisih jumlah")
    TIDAK_AKTIF = "tidak_aktif", _("Tidak aktif")
    BUKAN_PESERTA = "bukan_peserta", _("Bukan peserta")
    GANDA = "ganda", _("Ganda")
    BARIS_SALAH = "baris_salah", _("Baris salah")
    TIDAK_DITAGIH = "tidak_ditagih", _("Tidak ditagih")


PAYABLE = (LineStatus.COCOK, LineStatus.SELISIH_JUMLAH)


class Invoice(models.Model):
    """One invoice file of the branch for one month, reconciled. A corrected invoice of the same month replaces
    the current one (which stays, marked replaced, with an audit record); the same file again changes nothing."""

    class Status(models.TextChoices):
        RECONCILING = "reconciling", _("Sedang dicocokkan")
        CURRENT = "current", _("Berlaku")
        REPLACED = "replaced", _("Diganti tagihan koreksi")
        FAILED = "failed", _("Gagal dicocokkan")

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="invoices", verbose_name=_("program")
    )
    month = models.DateField(_("bulan tagihan"))  # the first day of the month billed
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.CURRENT)
    error = models.TextField(_("masalah"), blank=True)
    file_name = models.CharField(_("nama berkas"), max_length=255)
    file_sha256 = models.CharField(max_length=64, db_index=True)
    stored_file = models.CharField(max_length=200, blank=True)  # relative to MEDIA_ROOT, never served directly
    headers = models.JSONField(_("judul kolom berkas"), default=list)  # the header row as written
    rows = models.PositiveIntegerField(_("baris dibaca"), default=0)
    invoiced = models.BigIntegerField(_("jumlah tagihan (Rp)"), default=0)
    expected = models.BigIntegerField(_("iuran seharusnya bulan ini (Rp)"), default=0)
    proposed = models.BigIntegerField(_("diusulkan dibayar (Rp)"), default=0)
    paid = models.BigIntegerField(_("sudah dibayar (Rp)"), default=0)
    # LineStatus value -> {"count": n, "sum": Rupiah invoiced (expected for tidak_ditagih)}
    summary = models.JSONField(_("rekap"), default=dict)
    replaces = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("menggantikan")
    )
    job = models.OneToOneField(Job, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = MomentField(_("diunggah"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by_label = models.CharField(_("oleh"), max_length=150, blank=True)

    class Meta:
        ordering = ["programme", "-month", "-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "month"],
                condition=models.Q(status="current"),
                name="one_current_invoice_per_month",
            )
        ]
        verbose_name = _("tagihan iuran BPJS")
        verbose_name_plural = _("tagihan iuran BPJS")

    def __str__(self) -> str:
        return f"{self.programme_id} {self.month:%Y-%m} #{self.pk}"

    @property
    def unpaid(self) -> int:
        return max(self.proposed - self.paid, 0)


class InvoiceLine(models.Model):
    """One row of an invoice as reconciled (position = its order in the file), or a member covered that month
    and not billed (`tidak_ditagih`, after the file's rows)."""

    # A million rows a month are written by COPY: no per-row foreign key checks (each was a trigger and a lock),
    # and a BRIN index on `invoice` (migration 0003; rows of one invoice lie together) instead of a b-tree.
    # Lines are written only by contributions.invoices, for an invoice and memberships it has just read.
    invoice = models.ForeignKey(
        Invoice,
        on_delete=models.CASCADE,
        related_name="lines",
        verbose_name=_("tagihan"),
        db_constraint=False,
        db_index=False,
    )
    position = models.PositiveIntegerField(_("urutan"))
    row_number = models.PositiveIntegerField(_("baris berkas"), default=0)  # 0: not in the file
    status = models.CharField(_("status"), max_length=16, choices=LineStatus.choices)
    membership = models.ForeignKey(
        Membership,
        on_delete=models.DO_NOTHING,  # memberships are never deleted (PROTECT everywhere else)
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kepesertaan"),
        db_constraint=False,
        db_index=False,
    )
    month = models.DateField(_("periode"), null=True, blank=True)
    kpj = models.CharField(_("KPJ"), max_length=11, blank=True)
    nik = models.CharField(_("NIK"), max_length=16, blank=True)
    name = models.CharField(_("nama"), max_length=150, blank=True)
    invoiced = models.BigIntegerField(_("ditagih (Rp)"), default=0)
    expected = models.BigIntegerField(_("seharusnya (Rp)"), default=0)
    difference = models.BigIntegerField(_("selisih (Rp)"), default=0)
    reason = models.CharField(_("alasan"), max_length=300, blank=True)

    class Meta:
        ordering = ["invoice", "position"]
        # The rows a page lists (every status but cocok), in order; cocok rows cost this index nothing.
        indexes = [
            models.Index(
                fields=["invoice", "position"], condition=~models.Q(status="cocok"), name="invoice_line_problems"
            )
        ]
        verbose_name = _("baris tagihan")
        verbose_name_plural = _("baris tagihan")

    def __str__(self) -> str:
        return f"{self.invoice_id}/{self.position} {self.status}"

    @property
    def payable(self) -> int:
        """What paying this row means: the expected amount of a member covered that month, else nothing."""
        return self.expected if self.status in PAYABLE else 0


class Payment(models.Model):
    """A payment from the APBD against a reconciled invoice, by SP2D (*surat perintah pencairan dana*). A part
    of the proposed amount may be paid; rows are paid in the invoice's order as far as the money goes."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments", verbose_name=_("tagihan"))
    sp2d_number = models.CharField(_("nomor SP2D"), max_length=60)
    sp2d_date = models.DateField(_("tanggal SP2D"))
    amount = models.BigIntegerField(_("jumlah (Rp)"))
    note = models.CharField(_("keterangan"), max_length=300, blank=True)
    created_at = MomentField(_("dicatat"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by_label = models.CharField(_("oleh"), max_length=150, blank=True)

    class Meta:
        ordering = ["invoice", "sp2d_date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "sp2d_number"], name="payment_unique_sp2d_per_invoice"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="payment_amount_positive"),
        ]
        verbose_name = _("pembayaran iuran")
        verbose_name_plural = _("pembayaran iuran")

    def __str__(self) -> str:
        return f"SP2D {self.sp2d_number}"


class PaidMonth(models.Model):
    """One member's month, paid (by the payment of an invoice row). A member's arrears are the months they were
    covered in, from the programme's `tracked_from`, without one of these."""

    membership = models.ForeignKey(
        Membership, on_delete=models.PROTECT, related_name="paid_months", verbose_name=_("kepesertaan")
    )
    month = models.DateField(_("bulan"))
    amount = models.BigIntegerField(_("jumlah (Rp)"))
    paid_on = models.DateField(_("dibayar"))  # the SP2D date
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="months", verbose_name=_("pembayaran"))
    line = models.ForeignKey(
        InvoiceLine,
        on_delete=models.DO_NOTHING,  # a paid invoice is never replaced, so its lines stay
        related_name="+",
        verbose_name=_("baris tagihan"),
        db_constraint=False,
        db_index=False,
    )

    class Meta:
        ordering = ["membership", "month"]
        constraints = [models.UniqueConstraint(fields=["membership", "month"], name="one_payment_per_member_month")]
        indexes = [models.Index(fields=["month", "paid_on"])]
        verbose_name = _("bulan terbayar")
        verbose_name_plural = _("bulan terbayar")

    def __str__(self) -> str:
        return f"{self.membership_id} {self.month:%Y-%m}"
