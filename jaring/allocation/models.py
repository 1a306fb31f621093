"""Places in a programme's quota, and the yearly decree (SK) list of the people who hold them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jaring.core.fields import MomentField
from jaring.programmes.models import Programme
from jaring.registry.models import Application, Person


class EndReason(models.TextChoices):
    WITHDREW = "withdrew", _("Mengundurkan diri")
    DIED = "died", _("Meninggal dunia")
    MOVED_OUT = "moved_out", _("Pindah ke luar daerah")
    WAGE_EARNER = "wage_earner", _("Menjadi pekerja penerima upah")
    AGE_LIMIT = "age_limit", _("Mencapai batas usia")
    FAILED_REVERIFICATION = "failed_reverification", _("Tidak lolos verifikasi ulang")
    HANDED_OVER = "handed_over", _("Dialihkan ke pemberi dana lain")
    OTHER = "other", _("Lainnya")


class Place(models.Model):
    """One person's place in a programme's quota, from the first day of a month to the last day of one.
    Active places never exceed the quota, and one person's active places never overlap in time, whatever
    the funder (both decided under row locks in allocation.services)."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Aktif")
        ENDED = "ended", _("Berakhir")

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="places", verbose_name=_("program"))
    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="place", verbose_name=_("pendaftaran")
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="places", verbose_name=_("orang"))
    starts = models.DateField(_("mulai"))
    ends = models.DateField(_("berakhir"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.ACTIVE)
    end_reason = models.CharField(_("alasan berakhir"), max_length=30, choices=EndReason.choices, blank=True)
    end_note = models.CharField(_("keterangan"), max_length=300, blank=True)
    created_at = MomentField(_("dialokasikan"), auto_now_add=True)
    ended_at = models.DateTimeField(_("diakhiri"), null=True, blank=True)

    class Meta:
        ordering = ["programme", "created_at", "id"]
        indexes = [models.Index(fields=["programme", "status"]), models.Index(fields=["person", "status"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends__gte=models.F("starts")), name="place_ends_after_start")
        ]
        verbose_name = _("tempat kuota")
        verbose_name_plural = _("tempat kuota")

    def __str__(self) -> str:
        return f"{self.programme.code}: {self.application_id}"

    @property
    def months(self) -> int:
        return (self.ends.year - self.starts.year) * 12 + self.ends.month - self.starts.month + 1


class Decree(models.Model):
    """The list of participants a regional head signs for a year (SK). Generated from the programme's
    places, numbered and dated; frozen once marked signed."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draf")
        SIGNED = "signed", _("Ditandatangani")

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="decrees", verbose_name=_("program")
    )
    number = models.CharField(_("nomor SK"), max_length=120)
    decree_date = models.DateField(_("tanggal SK"))
    title = models.CharField(_("judul"), max_length=300)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.DRAFT)
    previous = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("SK tahun sebelumnya")
    )
    generated_at = models.DateTimeField(_("disusun"))
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signed_at = models.DateTimeField(_("ditandatangani"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Counts by category, and a digest of the entries: a signed list can be shown to be unchanged.
    totals = models.JSONField(_("rekap"), default=dict)
    digest = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-decree_date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "number"], name="decree_unique_number_per_programme")
        ]
        verbose_name = _("SK peserta")
        verbose_name_plural = _("SK peserta")

    def __str__(self) -> str:
        return f"{self.number} ({self.programme.code})"


class DecreeEntry(models.Model):
    """One line of a decree: a snapshot of the participant as listed, never a live reference to change."""

    class Category(models.TextChoices):
        NEW = "new", _("Baru")
        CONTINUING = "continuing", _("Lanjutan")
        DROPPED = "dropped", _("Tidak dilanjutkan")

    decree = models.ForeignKey(Decree, on_delete=models.CASCADE, related_name="entries", verbose_name=_("SK"))
    position = models.PositiveIntegerField(_("nomor urut"))  # 0 for dropped people (not on the list itself)
    category = models.CharField(_("kategori"), max_length=12, choices=Category.choices)
    nik = models.CharField(_("NIK"), max_length=16)
    name = models.CharField(_("nama"), max_length=150)
    birth_date = models.DateField(_("tanggal lahir"))
    sex = models.CharField(_("jenis kelamin"), max_length=1)
    address = models.CharField(_("alamat"), max_length=300)
    kelurahan = models.CharField(_("kelurahan"), max_length=120)
    kecamatan = models.CharField(_("kecamatan"), max_length=120)
    sector = models.CharField(_("sektor"), max_length=120)
    application_number = models.CharField(_("nomor pendaftaran"), max_length=30, blank=True)
    starts = models.DateField(_("mulai"), null=True, blank=True)
    ends = models.DateField(_("berakhir"), null=True, blank=True)
    reason = models.CharField(_("alasan"), max_length=300, blank=True)

    class Meta:
        ordering = ["decree", "category", "position", "name"]
        constraints = [models.UniqueConstraint(fields=["decree", "nik"], name="decree_entry_unique_nik")]
        verbose_name = _("baris SK")
        verbose_name_plural = _("baris SK")

    def __str__(self) -> str:
        return f"{self.decree_id}/{self.position} {self.name}"
