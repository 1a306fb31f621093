"""Persons (identified by NIK) and their applications to programmes."""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils.translation import gettext_lazy as _

from jaring.core.fields import MomentField
from jaring.core.models import Agency, ApiToken, Region, Sector
from jaring.eligibility.models import DocumentKind, RuleVersion
from jaring.programmes.models import Programme
from jaring.registry.states import OPEN_STATUSES, ApplicationStatus


class Sex(models.TextChoices):
    MALE = "L", _("Laki-laki")
    FEMALE = "P", _("Perempuan")


class Channel(models.TextChoices):
    ONLINE = "online", _("Daring (mandiri)")
    COUNTER = "counter", _("Loket")
    KELURAHAN = "kelurahan", _("Operator kelurahan")
    IMPORT = "import", _("Impor daftar")
    API = "api", _("API mitra")
    RENEWAL = "renewal", _("Verifikasi ulang tahunan")


class Person(models.Model):
    nik = models.CharField(_("NIK"), max_length=16, unique=True)
    kk_number = models.CharField(_("nomor KK"), max_length=16, blank=True)
    name = models.CharField(_("nama"), max_length=150)
    birth_place = models.CharField(_("tempat lahir"), max_length=100, blank=True)
    birth_date = models.DateField(_("tanggal lahir"))
    sex = models.CharField(_("jenis kelamin"), max_length=1, choices=Sex.choices)
    mother_name = models.CharField(_("nama ibu kandung"), max_length=150, blank=True)
    address = models.CharField(_("alamat"), max_length=255)
    rt = models.CharField(_("RT"), max_length=3, blank=True)
    rw = models.CharField(_("RW"), max_length=3, blank=True)
    # The KTP address decides residence, not the NIK prefix (which is where the NIK was issued).
    kelurahan = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("kelurahan"), db_index=False
    )
    domicile_since = models.DateField(_("berdomisili sejak"))
    phone = models.CharField(_("nomor HP"), max_length=16, blank=True)  # E.164: +628…
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, related_name="+", verbose_name=_("sektor"))
    monthly_income = models.PositiveBigIntegerField(_("penghasilan per bulan (Rp)"))
    aplikator = models.CharField(_("aplikator"), max_length=100, blank=True)
    # Listed in the national social welfare data (DTKS, now DTSEN): may come first on a waitlist.
    dtks_listed = models.BooleanField(_("terdata di DTKS/DTSEN"), default=False, db_default=False)  # bulk COPY omits it
    created_at = MomentField(auto_now_add=True)
    updated_at = MomentField(auto_now=True)

    class Meta:
        # Plain btrees (no LIKE-pattern twins): bulk imports write thousands of persons a second.
        indexes = [
            models.Index(fields=["name"], name="person_name"),
            models.Index(fields=["kelurahan"], name="person_kelurahan"),
        ]
        verbose_name = _("orang")
        verbose_name_plural = _("orang")

    def __str__(self) -> str:
        return self.name

    @property
    def nik_masked(self) -> str:
        return mask_nik(self.nik)


def mask_nik(nik: str) -> str:
    """Keep the region and the last two digits: 6471********0012. Enough to tell people apart at a counter."""
    if len(nik) != 16:
        return "*" * len(nik)
    return nik[:4] + "*" * 10 + nik[-2:]


class Application(models.Model):
    number = models.CharField(_("nomor pendaftaran"), max_length=30, unique=True)
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="applications", verbose_name=_("program")
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="applications", verbose_name=_("orang"))
    channel = models.CharField(_("jalur"), max_length=12, choices=Channel.choices)
    status = models.CharField(
        _("status"), max_length=24, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT
    )
    # Copied from the person when submitted, so scoping and queues do not move if the person moves later.
    kelurahan = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("kelurahan"), db_index=False
    )
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, related_name="+", verbose_name=_("sektor"))
    # Indexed by the queue index below (it leads with this column).
    verifying_agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("instansi verifikasi"),
        db_index=False,
    )
    # When it entered its verifying agency's queue, and the last working day the agency has to decide.
    queued_at = models.DateTimeField(_("masuk antrean verifikasi"), null=True, blank=True)
    verification_due = models.DateField(_("batas verifikasi"), null=True, blank=True)
    status_reason = models.TextField(_("alasan status"), blank=True)
    note = models.TextField(_("keterangan"), blank=True)
    # Not indexed (no query starts from the officer or the rule version); every index costs each bulk insert.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    created_at = MomentField(auto_now_add=True)
    submitted_at = models.DateTimeField(_("diajukan"), null=True, blank=True)
    status_changed_at = models.DateTimeField(_("status berubah"), null=True, blank=True)
    # The last eligibility assessment: every rule's outcome as [{rule, passed, reason, affects}], with the
    # rule version it was judged by, so the decision can be explained and reproduced.
    eligible = models.BooleanField(_("memenuhi syarat"), null=True)
    complete = models.BooleanField(_("dokumen lengkap"), null=True)
    eligibility = models.JSONField(_("hasil penilaian syarat"), default=list, blank=True)
    rule_version = models.ForeignKey(
        RuleVersion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("versi aturan"),
        db_index=False,
    )
    assessed_at = models.DateTimeField(_("dinilai"), null=True, blank=True)
    # Doubts that do not refuse (the NIK's birth date or sex disagrees with the stated ones): [{field, message}].
    warnings = models.JSONField(_("peringatan"), default=list, blank=True)
    # Set when the sending office vouches that it checked the documents on paper (a kelurahan list, a bulk
    # import): required documents then count as present, and this text says who vouched.
    documents_attestation = models.CharField(_("pernyataan pemeriksaan dokumen"), max_length=200, blank=True)
    api_token = models.ForeignKey(
        ApiToken, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("token API")
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "programme"],
                condition=models.Q(status__in=sorted(OPEN_STATUSES)),
                name="one_open_application_per_person_programme",
            )
        ]
        indexes = [
            models.Index(fields=["programme", "status"]),
            models.Index(fields=["kelurahan"], name="application_kelurahan"),
            # An agency's queue: its open work, oldest due first.
            models.Index(fields=["verifying_agency", "status", "verification_due"], name="application_queue"),
        ]
        verbose_name = _("pendaftaran")
        verbose_name_plural = _("pendaftaran")

    def __str__(self) -> str:
        return self.number

    @property
    def funder(self):
        return self.programme.funder


class PrivateStorage(FileSystemStorage):
    """Documents live under MEDIA_ROOT, which no URL serves: only the document view, after a scope check."""

    def url(self, name: str | None) -> str:
        raise NotImplementedError("documents have no public URL; use registry:document")


def _document_path(instance: StoredDocument, filename: str) -> str:
    # Content-addressed: the same file uploaded twice is stored once, and the name reveals nothing.
    return f"documents/{instance.sha256[:2]}/{instance.sha256}{instance.extension}"


class StoredDocument(models.Model):
    """A checked upload kept in private storage, content-addressed: an application's documents and a claim's.
    A newer one of the same kind supersedes it."""

    file = models.FileField(storage=PrivateStorage(), upload_to=_document_path, max_length=200)
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.PositiveIntegerField(_("ukuran (bita)"))
    content_type = models.CharField(max_length=40)
    original_name = models.CharField(_("nama berkas"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    uploaded_by_label = models.CharField(max_length=150)
    uploaded_at = MomentField(_("diunggah"), auto_now_add=True)
    superseded_at = models.DateTimeField(_("diganti"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["kind", "-uploaded_at"]

    @property
    def extension(self) -> str:
        return {"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf"}.get(self.content_type, "")


class Document(StoredDocument):
    """A file an applicant or officer uploaded for an application."""

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="documents", verbose_name=_("pendaftaran")
    )
    kind = models.CharField(_("jenis dokumen"), max_length=20, choices=DocumentKind.choices)

    class Meta(StoredDocument.Meta):
        verbose_name = _("dokumen")
        verbose_name_plural = _("dokumen")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.application.number})"


class ImportBatch(models.Model):
    """One applicant list imported into a programme (docs/import.md). The original file is kept under
    MEDIA_ROOT/imports/ (never served directly); each row's outcome is an ImportRow, written in the same
    transaction as the applications of its chunk, so a killed import resumes where it stopped."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Menunggu")
        RUNNING = "running", _("Berjalan")
        INTERRUPTED = "interrupted", _("Terhenti")
        DONE = "done", _("Selesai")
        FAILED = "failed", _("Gagal")

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="import_batches", verbose_name=_("program")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    api_token = models.ForeignKey(ApiToken, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    actor_label = models.CharField(_("pengimpor"), max_length=150)
    file_name = models.CharField(_("nama berkas"), max_length=255)
    file_sha256 = models.CharField(max_length=64, db_index=True)
    file_size = models.PositiveBigIntegerField(_("ukuran (bita)"))
    file_kind = models.CharField(max_length=4)  # xlsx or csv
    stored_file = models.CharField(max_length=200)  # relative to MEDIA_ROOT
    sheet_name = models.CharField(_("lembar"), max_length=100, blank=True)
    options = models.JSONField(default=dict, blank=True)  # {"documents_checked_by": "..."}
    unknown_columns = models.JSONField(_("kolom tidak dikenal"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.QUEUED)
    rows_total = models.PositiveIntegerField(_("jumlah baris"), default=0)  # data rows, empty ones included
    rows_done = models.PositiveIntegerField(_("baris selesai"), default=0)
    created_count = models.PositiveIntegerField(_("dibuat"), default=0)
    duplicate_count = models.PositiveIntegerField(_("duplikat"), default=0)
    rejected_count = models.PositiveIntegerField(_("ditolak"), default=0)
    job = models.ForeignKey("core.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    result_file = models.CharField(max_length=200, blank=True)  # relative to MEDIA_ROOT
    error = models.TextField(_("pesan galat"), blank=True)
    created_at = MomentField(_("dibuat"), auto_now_add=True)
    updated_at = MomentField(auto_now=True)  # moves with every chunk: a stalled run shows here
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("selesai"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["programme", "file_sha256"])]
        verbose_name = _("impor daftar pemohon")
        verbose_name_plural = _("impor daftar pemohon")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.programme.code})"

    @property
    def funder(self):
        return self.programme.funder

    @property
    def documents_checked_by(self) -> str:
        return str(self.options.get("documents_checked_by", ""))

    @property
    def rows_counted(self) -> int:
        return self.created_count + self.duplicate_count + self.rejected_count


class ImportRow(models.Model):
    """The outcome of one row of an import: created, duplicate (with the existing number) or rejected."""

    class Status(models.TextChoices):
        CREATED = "created", _("dibuat")
        DUPLICATE = "duplicate", _("duplikat")
        REJECTED = "rejected", _("ditolak")

    # No index of their own: the unique (batch, row_number) serves look-ups by batch, and a row is never looked
    # up by its application; each index costs on every one of a hundred thousand inserted rows.
    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="rows", db_index=False)
    row_number = models.PositiveIntegerField()  # as the spreadsheet shows it: the header is row 1
    status = models.CharField(max_length=10, choices=Status.choices)
    nik = models.CharField(max_length=16, blank=True)
    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    number = models.CharField(max_length=30, blank=True)
    # Rejected: every reason, each naming its column. Created: the outcome, then any warnings.
    reasons = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["batch", "row_number"]
        constraints = [models.UniqueConstraint(fields=["batch", "row_number"], name="one_outcome_per_import_row")]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.row_number} {self.status}"
