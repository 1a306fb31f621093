"""A funder's programme for one year: who owns it, when cover runs, how many places it has."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from jaring.core.models import Agency, Funder, Sector


class BudgetSource(models.TextChoices):
    APBD_MURNI = "apbd_murni", _("APBD murni")
    APBD_PERUBAHAN = "apbd_perubahan", _("APBD perubahan")
    DBHCHT = "dbhcht", _("DBHCHT")
    OTHER = "other", _("Lainnya")


class WaitlistKey(models.TextChoices):
    """What can put one waiting applicant before another."""

    DTKS = "dtks", _("Terdata di DTKS/DTSEN lebih dahulu")
    INCOME = "income", _("Penghasilan lebih rendah lebih dahulu")
    SUBMITTED = "submitted", _("Pengajuan lebih awal lebih dahulu")
    OLDER = "older", _("Usia lebih tua lebih dahulu")


class BenefitKind(models.TextChoices):
    """What a programme gives: BPJS Ketenagakerjaan cover (every scheme until 2026), or goods handed to the
    recipient once (prosthetic legs) or every month (food packages). Goods are never sent to BPJS."""

    BPJS = "bpjs", _("Iuran BPJS Ketenagakerjaan (JKK, JKM)")
    GOODS_ONCE = "goods_once", _("Bantuan barang, sekali")
    GOODS_MONTHLY = "goods_monthly", _("Bantuan barang, setiap bulan")


def default_waitlist_order() -> list[str]:
    return [WaitlistKey.DTKS, WaitlistKey.INCOME, WaitlistKey.SUBMITTED]


class Programme(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Disiapkan")
        OPEN = "open", _("Menerima pendaftaran")
        CLOSED = "closed", _("Ditutup")

    code = models.SlugField(_("kode"), max_length=30, unique=True)  # BPN-2026
    name = models.CharField(_("nama"), max_length=200)
    funder = models.ForeignKey(
        Funder, on_delete=models.PROTECT, related_name="programmes", verbose_name=_("pemberi dana")
    )
    year = models.PositiveSmallIntegerField(_("tahun"))
    # A funder runs several schemes a year (Samarinda: vulnerable workers, RT heads, firefighters, marbot, ...);
    # the scheme keeps its code from year to year, so next year's programme of a scheme follows this one's.
    scheme = models.SlugField(_("skema"), max_length=40, default="pekerja-rentan")
    # The office that runs the programme that year; Balikpapan moved it from Disnaker to Dinas Sosial in 2026.
    owning_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="owned_programmes", verbose_name=_("instansi pengelola")
    )
    cover_start = models.DateField(_("awal perlindungan"))
    cover_end = models.DateField(_("akhir perlindungan"))
    quota = models.PositiveIntegerField(_("kuota peserta"), default=0)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    benefit_kind = models.CharField(
        _("jenis manfaat"), max_length=15, choices=BenefitKind.choices, default=BenefitKind.BPJS
    )
    # What an in-kind programme hands over: "Paket sembako (beras 10 kg, minyak 2 L, gula 1 kg)", "kaki palsu".
    goods_description = models.CharField(_("barang yang diberikan"), max_length=300, blank=True)
    goods_unit = models.CharField(_("satuan"), max_length=40, blank=True)  # paket, unit, buah
    # Money: what the programme pays, from which budget, and on what income basis BPJS is paid.
    jht = models.BooleanField(_("termasuk JHT"), default=False)  # JKK and JKM always; JHT only if chosen
    income_basis = models.DecimalField(
        _("dasar penghasilan iuran (Rp)"), max_digits=14, decimal_places=2, default=Decimal("1000000")
    )
    budget = models.PositiveBigIntegerField(_("anggaran (Rp)"), default=0)
    budget_source = models.CharField(
        _("sumber anggaran"), max_length=20, choices=BudgetSource.choices, default=BudgetSource.APBD_MURNI
    )
    budget_line = models.CharField(_("kode rekening / mata anggaran"), max_length=120, blank=True)
    # Order of the waitlist, most important first: codes of WaitlistKey.
    waitlist_order = models.JSONField(_("urutan daftar tunggu"), default=default_waitlist_order)
    # Working days a verifying agency has to decide, counted from the day an application reaches its queue.
    verification_days = models.PositiveSmallIntegerField(
        _("batas waktu verifikasi (hari kerja)"), default=5, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    # Last application number handed out; incremented by a conditional UPDATE, never read-modify-write.
    last_number = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["-year", "funder__name"]
        constraints = [
            # One programme per funder, scheme and year: the vulnerable workers' BPJS scheme, the RT heads', a food
            # aid scheme (in kind) side by side.
            models.UniqueConstraint(fields=["funder", "scheme", "year"], name="one_programme_per_funder_scheme_year"),
            models.CheckConstraint(
                condition=models.Q(benefit_kind="bpjs") | ~models.Q(goods_description=""),
                name="goods_programme_names_its_goods",
            ),
            models.CheckConstraint(
                condition=models.Q(cover_end__gte=models.F("cover_start")), name="cover_end_after_start"
            ),
        ]
        verbose_name = _("program")
        verbose_name_plural = _("program")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def sends_to_bpjs(self) -> bool:
        return self.benefit_kind == BenefitKind.BPJS

    @property
    def gives_goods(self) -> bool:
        return self.benefit_kind in (BenefitKind.GOODS_ONCE, BenefitKind.GOODS_MONTHLY)


class SectorRoute(models.Model):
    """Which agency verifies a sector's applicants in one programme. No agency means the owning office,
    so a change of owning office (Disnaker to Dinas Sosial) carries these sectors along."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="routes", verbose_name=_("program"))
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, related_name="+", verbose_name=_("sektor"))
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("instansi verifikasi")
    )

    class Meta:
        ordering = ["programme", "sector__name"]
        constraints = [models.UniqueConstraint(fields=["programme", "sector"], name="one_route_per_programme_sector")]
        verbose_name = _("rute verifikasi")
        verbose_name_plural = _("rute verifikasi")

    def __str__(self) -> str:
        return f"{self.programme.code}: {self.sector_id}"


class RejectionReason(models.Model):
    """A reason a verifier may give for rejecting an application, from the programme's own list."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="rejection_reasons", verbose_name=_("program")
    )
    label = models.CharField(_("alasan"), max_length=200)
    position = models.PositiveSmallIntegerField(_("urutan"), default=0)
    active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        ordering = ["programme", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["programme", "label"], name="rejection_reason_unique_label")]
        verbose_name = _("alasan penolakan")
        verbose_name_plural = _("alasan penolakan")

    def __str__(self) -> str:
        return self.label


class ContributionRate(models.Model):
    """One row of the BPU contribution table (PP 44/2015 Lampiran II, as amended): from `lower_bound` of
    monthly income, contributions are computed on `income_basis`. Rows are versioned by `effective_from`;
    a new regulation adds rows with a later date, never edits old ones."""

    effective_from = models.DateField(_("berlaku sejak"))
    lower_bound = models.DecimalField(_("penghasilan mulai (Rp)"), max_digits=14, decimal_places=2)
    income_basis = models.DecimalField(_("dasar penghasilan (Rp)"), max_digits=14, decimal_places=2)
    jkk_rate = models.DecimalField(_("tarif JKK"), max_digits=6, decimal_places=4, default=Decimal("0.0100"))
    jkm_amount = models.DecimalField(_("iuran JKM (Rp)"), max_digits=12, decimal_places=2, default=Decimal("6800"))
    legal_basis = models.CharField(_("dasar hukum"), max_length=200, blank=True)

    class Meta:
        ordering = ["-effective_from", "lower_bound"]
        constraints = [
            models.UniqueConstraint(fields=["effective_from", "lower_bound"], name="contribution_rate_unique"),
            models.CheckConstraint(condition=models.Q(income_basis__gt=0), name="contribution_income_basis_positive"),
        ]
        verbose_name = _("tarif iuran BPU")
        verbose_name_plural = _("tarif iuran BPU")

    def __str__(self) -> str:
        return f"{self.effective_from:%Y-%m-%d} ≥ Rp{self.lower_bound:,.0f}"
