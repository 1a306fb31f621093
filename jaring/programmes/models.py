"""A funder's programme for one year: who owns it, when cover runs, how many places it has."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from jaring.core.models import Agency, Funder, Sector


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
    # The office that runs the programme that year; Balikpapan moved it from Disnaker to Dinas Sosial in 2026.
    owning_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="owned_programmes", verbose_name=_("instansi pengelola")
    )
    cover_start = models.DateField(_("awal perlindungan"))
    cover_end = models.DateField(_("akhir perlindungan"))
    quota = models.PositiveIntegerField(_("kuota peserta"), default=0)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    # Working days a verifying agency has to decide, counted from the day an application reaches its queue.
    verification_days = models.PositiveSmallIntegerField(
        _("batas waktu verifikasi (hari kerja)"), default=5, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    # Last application number handed out; incremented by a conditional UPDATE, never read-modify-write.
    last_number = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["-year", "funder__name"]
        constraints = [
            models.UniqueConstraint(fields=["funder", "year"], name="one_programme_per_funder_year"),
            models.CheckConstraint(
                condition=models.Q(cover_end__gte=models.F("cover_start")), name="cover_end_after_start"
            ),
        ]
        verbose_name = _("program")
        verbose_name_plural = _("program")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


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
