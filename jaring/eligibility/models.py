"""Eligibility rules as data, one immutable version per change, and the BPJS branch's participant list.

A programme's rules change during the year (a new UMK, a new sector); every application stores the
version it was judged by, so a decision can be reproduced and explained later.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jaring.core.fields import MomentField
from jaring.core.models import Funder
from jaring.programmes.models import Programme


class DocumentKind(models.TextChoices):
    KTP = "ktp", _("Foto KTP")
    KK = "kk", _("Kartu Keluarga")
    APLIKATOR_LETTER = "aplikator_letter", _("Surat keterangan aplikator (ojol)")
    SECTOR_EVIDENCE = "sector_evidence", _("Bukti sektor (kartu nelayan, surat kelompok tani, surat usaha)")


class IncomeCeiling(models.TextChoices):
    UMK = "umk", _("UMK wilayah pemberi dana pada tahun program")
    FIXED = "fixed", _("Jumlah tetap")
    NONE = "none", _("Tanpa batas penghasilan")
    RESIDENCE = "residence", _("UMK kabupaten/kota tempat tinggal pemohon")


class RuleVersion(models.Model):
    """One version of a programme's rules. Never edited: a change writes the next version."""

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="rule_versions", verbose_name=_("program")
    )
    version = models.PositiveIntegerField(_("versi"))
    min_domicile_months = models.PositiveSmallIntegerField(_("minimal bulan domisili"), null=True, blank=True)
    income_ceiling = models.CharField(
        _("batas penghasilan"), max_length=10, choices=IncomeCeiling.choices, default=IncomeCeiling.RESIDENCE
    )
    income_ceiling_amount = models.PositiveBigIntegerField(_("batas penghasilan tetap (Rp)"), null=True, blank=True)
    min_age = models.PositiveSmallIntegerField(_("usia minimal"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("usia maksimal"), null=True, blank=True)
    # Sector codes; empty means every sector of the catalogue.
    eligible_sectors = models.JSONField(_("sektor yang dapat didaftarkan"), default=list, blank=True)
    # {"*": ["ktp", "kk"], "ojol": ["aplikator_letter"], ...}: documents every applicant, or a sector, must upload.
    required_documents = models.JSONField(_("dokumen wajib"), default=dict, blank=True)
    check_not_covered = models.BooleanField(_("periksa belum menjadi peserta / dibiayai pihak lain"), default=True)
    # Schemes for people an office appoints (RT heads, firefighters, marbot, election officers): eligible is who
    # stands on the list that office sent (TargetList), often with no income test.
    on_target_list = models.BooleanField(_("harus tercantum dalam daftar instansi yang mengangkat"), default=False)
    note = models.TextField(_("alasan perubahan"), blank=True)
    created_at = MomentField(_("dibuat"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["programme", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "version"], name="one_rule_version_number_per_programme")
        ]
        verbose_name = _("versi aturan")
        verbose_name_plural = _("versi aturan")

    def __str__(self) -> str:
        return f"{self.programme.code} v{self.version}"


class ParticipantList(models.Model):
    """One file of existing BPJS Ketenagakerjaan participants as the branch supplied it."""

    funder = models.ForeignKey(Funder, on_delete=models.PROTECT, related_name="+", verbose_name=_("pemberi dana"))
    file_name = models.CharField(_("nama berkas"), max_length=255)
    file_sha256 = models.CharField(max_length=64)
    rows_total = models.PositiveIntegerField(_("jumlah baris"), default=0)
    rows_loaded = models.PositiveIntegerField(_("baris dimuat"), default=0)
    rows_rejected = models.PositiveIntegerField(_("baris ditolak"), default=0)
    problems = models.JSONField(_("masalah"), default=list, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    uploaded_at = MomentField(_("diunggah"), auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("daftar peserta BPJS")
        verbose_name_plural = _("daftar peserta BPJS")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.uploaded_at:%Y-%m-%d})"


class ExistingParticipant(models.Model):
    """A person BPJS Ketenagakerjaan already covers, by NIK; the newest list's row for a NIK wins."""

    class Status(models.TextChoices):
        ACTIVE = "aktif", _("Aktif")
        INACTIVE = "nonaktif", _("Nonaktif")

    nik = models.CharField(_("NIK"), max_length=16, unique=True)
    kpj = models.CharField(_("KPJ"), max_length=11, blank=True)
    segment = models.CharField(_("segmen"), max_length=40, blank=True)  # PU, BPU, Jakon, PMI as BPJS writes them
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    # First day of BPJS membership as the branch's list gives it (optional column): contribution years count
    # from it, for instance the 3 years a JKM death needs for the children's scholarship.
    member_since = models.DateField(_("peserta sejak"), null=True, blank=True)
    source = models.ForeignKey(ParticipantList, on_delete=models.PROTECT, related_name="participants")
    updated_at = MomentField(auto_now=True)

    class Meta:
        verbose_name = _("peserta BPJS yang sudah ada")
        verbose_name_plural = _("peserta BPJS yang sudah ada")

    def __str__(self) -> str:
        return f"{self.kpj or '-'} ({self.get_status_display()})"


class TargetList(models.Model):
    """The list of a scheme's target group as the office that appoints them sent it (the RT heads of a city from
    its government section, the firefighters from the fire service). The newest list loaded is the scheme's
    list: a new file replaces the whole list, and every earlier one is kept with its source and date."""

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="target_lists", verbose_name=_("program")
    )
    source = models.CharField(_("instansi yang mengangkat / pengirim daftar"), max_length=200)
    list_date = models.DateField(_("tanggal daftar"))
    file_name = models.CharField(_("nama berkas"), max_length=255)
    file_sha256 = models.CharField(max_length=64)
    rows_total = models.PositiveIntegerField(_("jumlah baris"), default=0)
    rows_loaded = models.PositiveIntegerField(_("baris dimuat"), default=0)
    rows_rejected = models.PositiveIntegerField(_("baris ditolak"), default=0)
    problems = models.JSONField(_("masalah"), default=list, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    uploaded_at = MomentField(_("diunggah"), auto_now_add=True)

    class Meta:
        ordering = ["programme", "-uploaded_at", "-id"]
        verbose_name = _("daftar sasaran")
        verbose_name_plural = _("daftar sasaran")

    def __str__(self) -> str:
        return f"{self.source} ({self.list_date:%d-%m-%Y})"


class TargetListEntry(models.Model):
    """One person on an appointing office's list, by NIK."""

    target_list = models.ForeignKey(TargetList, on_delete=models.CASCADE, related_name="entries")
    row = models.PositiveIntegerField(_("baris"))
    nik = models.CharField(_("NIK"), max_length=16, db_index=True)
    name = models.CharField(_("nama"), max_length=200, blank=True)
    position = models.CharField(_("jabatan / keterangan"), max_length=200, blank=True)  # "Ketua RT 12"

    class Meta:
        ordering = ["target_list", "row"]
        constraints = [models.UniqueConstraint(fields=["target_list", "nik"], name="target_list_entry_unique_nik")]
        verbose_name = _("orang dalam daftar sasaran")
        verbose_name_plural = _("orang dalam daftar sasaran")

    def __str__(self) -> str:
        return f"{self.target_list_id}: {self.row}"
