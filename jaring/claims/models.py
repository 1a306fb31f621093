"""Claims: a case per event (a death, a work accident, a disability) of a member, with its heirs, the children
of the scholarship, its documents, what BPJS paid and the hand-over; and the benefit table it is judged by.

The states of a case and their transitions are in `claims/states.py`; the computations (benefit items, the
scholarship, the heirs' legal order, the dates that matter) are pure, in `claims/rules.py`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jaring.claims.states import ClaimStatus
from jaring.core.fields import MomentField
from jaring.core.models import ApiToken
from jaring.enrolment.models import Membership
from jaring.programmes.models import Programme
from jaring.registry.models import Person, StoredDocument


class ClaimKind(models.TextChoices):
    JKM = "jkm", _("JKM: meninggal bukan karena kecelakaan kerja")
    JKK_DEATH = "jkk_death", _("JKK: meninggal karena kecelakaan kerja")
    JKK_INJURY = "jkk_injury", _("JKK: kecelakaan kerja (perawatan dan santunan tidak mampu bekerja)")
    JKK_DISABILITY = "jkk_disability", _("JKK: cacat total tetap karena kecelakaan kerja")


DEATH_KINDS: frozenset[str] = frozenset({ClaimKind.JKM, ClaimKind.JKK_DEATH})
JKK_KINDS: frozenset[str] = frozenset({ClaimKind.JKK_DEATH, ClaimKind.JKK_INJURY, ClaimKind.JKK_DISABILITY})


class Relationship(models.TextChoices):
    """`hubungan` of an heir to the member (claims-api.md)."""

    ISTRI = "istri", _("Istri")
    SUAMI = "suami", _("Suami")
    ANAK = "anak", _("Anak")
    ORANG_TUA = "orang_tua", _("Orang tua")
    KAKEK_NENEK = "kakek_nenek", _("Kakek/nenek")
    CUCU = "cucu", _("Cucu")
    SAUDARA_KANDUNG = "saudara_kandung", _("Saudara kandung")
    MERTUA = "mertua", _("Mertua")
    LAINNYA = "lainnya", _("Lainnya (ditunjuk dalam wasiat)")


class SchoolLevel(models.TextChoices):
    """`jenjang` of a child (claims-api.md)."""

    BELUM_SEKOLAH = "belum_sekolah", _("Belum sekolah")
    TK = "tk", _("TK")
    SD = "sd", _("SD")
    SMP = "smp", _("SMP")
    SMA = "sma", _("SMA/SMK")
    KULIAH = "kuliah", _("Perguruan tinggi")


class ClaimDocumentKind(models.TextChoices):
    KARTU_PESERTA = "kartu_peserta", _("Kartu peserta BPJS (KPJ)")
    KTP_PESERTA = "ktp_peserta", _("KTP peserta")
    KTP_AHLI_WARIS = "ktp_ahli_waris", _("KTP ahli waris")
    AKTA_KEMATIAN = "akta_kematian", _("Akta kematian")
    KARTU_KELUARGA = "kartu_keluarga", _("Kartu Keluarga")
    SURAT_KETERANGAN_AHLI_WARIS = "surat_keterangan_ahli_waris", _("Surat keterangan ahli waris")
    BUKU_NIKAH = "buku_nikah", _("Buku nikah (ahli waris suami/istri)")
    BUKU_TABUNGAN = "buku_tabungan", _("Buku tabungan penerima")
    NPWP = "npwp", _("NPWP (manfaat di atas Rp50 juta)")
    LAPORAN_KECELAKAAN = "laporan_kecelakaan", _("Laporan kecelakaan kerja")
    SURAT_KETERANGAN_DOKTER = "surat_keterangan_dokter", _("Surat keterangan dokter")
    BUKTI_SEKOLAH = "bukti_sekolah", _("Bukti masih sekolah/kuliah (beasiswa)")


class BenefitTable(models.Model):
    """The benefits of BPU participants as a regulation sets them, from `effective_from`. A new regulation adds
    a row with a later date; a case is judged by the row in force on its event date. Seeded with PP 82/2019."""

    effective_from = models.DateField(_("berlaku sejak"), unique=True)
    legal_basis = models.CharField(_("dasar hukum"), max_length=200)
    # JKM (death not caused by work).
    jkm_lump_sum = models.PositiveBigIntegerField(_("santunan sekaligus JKM (Rp)"))
    periodic_lump = models.PositiveBigIntegerField(_("santunan berkala dibayar sekaligus (Rp)"))
    funeral = models.PositiveBigIntegerField(_("biaya pemakaman (Rp)"))
    # JKK: multiples of the income basis the contributions were paid on.
    jkk_death_factor = models.PositiveSmallIntegerField(_("santunan kematian JKK (kali dasar upah)"))
    jkk_disability_factor = models.PositiveSmallIntegerField(_("santunan cacat total tetap (kali dasar upah)"))
    temporary_full_months = models.PositiveSmallIntegerField(_("bulan STMB dibayar penuh"))
    temporary_full_percent = models.PositiveSmallIntegerField(_("STMB bulan-bulan pertama (% dasar upah)"))
    temporary_after_percent = models.PositiveSmallIntegerField(_("STMB sesudahnya (% dasar upah)"))
    jkk_claim_years = models.PositiveSmallIntegerField(_("hak klaim JKK gugur sesudah (tahun)"))
    # Scholarship.
    scholarship_children = models.PositiveSmallIntegerField(_("beasiswa: paling banyak anak"))
    scholarship_max_total = models.PositiveBigIntegerField(_("beasiswa: paling banyak seluruhnya (Rp)"))
    scholarship_jkm_months = models.PositiveSmallIntegerField(_("beasiswa JKM: paling sedikit bulan iuran"))
    scholarship_max_age = models.PositiveSmallIntegerField(_("beasiswa: sampai usia (tahun)"))
    scholarship_tk_sd = models.PositiveBigIntegerField(_("beasiswa TK/SD per tahun (Rp)"))
    scholarship_smp = models.PositiveBigIntegerField(_("beasiswa SMP per tahun (Rp)"))
    scholarship_sma = models.PositiveBigIntegerField(_("beasiswa SMA per tahun (Rp)"))
    scholarship_university = models.PositiveBigIntegerField(_("beasiswa perguruan tinggi per tahun (Rp)"))
    # Years each level is paid at most; with the amounts they make one child's share (8 x 1,5 + 3 x 2 + 3 x 3
    # + 5 x 12 = Rp87 jt, twice that the Rp174 jt of two children).
    scholarship_tk_sd_years = models.PositiveSmallIntegerField(_("beasiswa TK/SD paling lama (tahun)"))
    scholarship_smp_years = models.PositiveSmallIntegerField(_("beasiswa SMP paling lama (tahun)"))
    scholarship_sma_years = models.PositiveSmallIntegerField(_("beasiswa SMA paling lama (tahun)"))
    scholarship_university_years = models.PositiveSmallIntegerField(_("beasiswa perguruan tinggi paling lama (tahun)"))
    # Paperwork and service levels.
    npwp_above = models.PositiveBigIntegerField(_("NPWP wajib bila manfaat di atas (Rp)"))
    jkm_payment_working_days = models.PositiveSmallIntegerField(_("BPJS membayar klaim JKM lengkap dalam (hari kerja)"))

    class Meta:
        ordering = ["-effective_from"]
        verbose_name = _("tabel manfaat")
        verbose_name_plural = _("tabel manfaat")

    def __str__(self) -> str:
        return f"{self.legal_basis} ({self.effective_from:%Y-%m-%d})"


class ClaimSequence(models.Model):
    """The last claim number given in a programme; taken under a row lock, so two reports get two numbers."""

    programme = models.OneToOneField(Programme, on_delete=models.CASCADE, related_name="+", primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.programme_id}: {self.last}"


class Claim(models.Model):
    """One event of one member: who reported it, whether the cover included it, the benefit reference, what
    BPJS paid and the hand-over."""

    number = models.CharField(_("nomor klaim"), max_length=40, unique=True)  # KLM-BPN-2026-000012
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="claims", verbose_name=_("program"))
    membership = models.ForeignKey(
        Membership, on_delete=models.PROTECT, related_name="claims", verbose_name=_("kepesertaan")
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="claims", verbose_name=_("peserta"))
    kind = models.CharField(_("jenis klaim"), max_length=20, choices=ClaimKind.choices)
    event_date = models.DateField(_("tanggal peristiwa"))
    status = models.CharField(_("status"), max_length=24, choices=ClaimStatus.choices)
    status_reason = models.TextField(_("alasan status"), blank=True)
    status_changed_at = models.DateTimeField(_("status berubah"))
    # Who reported: "ahli waris", the kelurahan operator, the office; and how to reach them.
    reported_by = models.CharField(_("dilaporkan oleh"), max_length=150)
    reporter_phone = models.CharField(_("nomor HP pelapor"), max_length=16, blank=True)
    channel = models.CharField(_("jalur laporan"), max_length=12)  # public, officer, api
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    api_token = models.ForeignKey(ApiToken, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = MomentField(_("dilaporkan"), auto_now_add=True)
    # The coverage check at report (checked again on demand): membership and contributions on the event date.
    covered = models.BooleanField(_("dalam perlindungan"))
    coverage_reason = models.TextField(_("alasan perlindungan"))
    coverage_checked_at = models.DateTimeField(_("diperiksa"))
    # The benefit reference, computed from the benefit table in force on the event date and the income basis.
    benefit_table = models.ForeignKey(
        BenefitTable, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("tabel manfaat")
    )
    income_basis = models.PositiveBigIntegerField(_("dasar upah (Rp)"))
    member_since = models.DateField(_("peserta BPJS sejak"), null=True, blank=True)
    scholarship_eligible = models.BooleanField(_("berhak beasiswa"), default=False)
    scholarship_reason = models.TextField(_("alasan beasiswa"), blank=True)
    # Dates that matter: the last day a JKK claim may be made (None for JKM), when it went to BPJS, and by when
    # BPJS must pay a complete JKM claim (working days from submission).
    jkk_lapses_on = models.DateField(_("hak klaim JKK gugur sesudah"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("dikirim ke BPJS"), null=True, blank=True)
    bpjs_pays_by = models.DateField(_("batas BPJS membayar"), null=True, blank=True)
    # What BPJS paid, and when.
    paid_amount = models.PositiveBigIntegerField(_("dibayar BPJS (Rp)"), null=True, blank=True)
    paid_on = models.DateField(_("tanggal dibayar"), null=True, blank=True)
    bpjs_reference = models.CharField(_("nomor referensi BPJS"), max_length=60, blank=True)
    # The hand-over to the heirs (or the member): often a ceremony at the Balai Kota.
    handed_on = models.DateField(_("tanggal penyerahan"), null=True, blank=True)
    handed_at_place = models.CharField(_("tempat penyerahan"), max_length=200, blank=True)
    handed_by = models.CharField(_("diserahkan oleh"), max_length=150, blank=True)
    received_by = models.CharField(_("diterima oleh"), max_length=150, blank=True)
    handover_note = models.CharField(_("keterangan penyerahan"), max_length=300, blank=True)
    # Set once, when a death case ended the member's membership (with the death certificate on file).
    membership_ended_at = models.DateTimeField(_("kepesertaan diakhiri"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # A second report of the same kind for the same member and event is the same case (409 in the API).
            models.UniqueConstraint(
                fields=["person", "kind", "event_date"],
                condition=~models.Q(status=ClaimStatus.WITHDRAWN),
                name="one_claim_per_member_kind_event",
            )
        ]
        indexes = [models.Index(fields=["programme", "status"]), models.Index(fields=["status", "bpjs_pays_by"])]
        verbose_name = _("klaim")
        verbose_name_plural = _("klaim")

    def __str__(self) -> str:
        return self.number

    @property
    def funder(self):  # the programme's funder, for audit records
        return self.programme.funder

    @property
    def is_death(self) -> bool:
        return self.kind in DEATH_KINDS

    @property
    def is_jkk(self) -> bool:
        return self.kind in JKK_KINDS


class ClaimBenefitItem(models.Model):
    """One item of the benefit reference, as computed when the case was reported (or checked again)."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField()
    item = models.CharField(max_length=40)  # santunan_sekaligus, santunan_berkala, biaya_pemakaman, ...
    amount = models.PositiveBigIntegerField(null=True, blank=True)  # None: no fixed amount (care without a cap)
    in_total = models.BooleanField(default=True)

    class Meta:
        ordering = ["claim", "position"]

    def __str__(self) -> str:
        return f"{self.claim_id}: {self.item}"


class ClaimHeir(models.Model):
    """An heir (ahli waris) as reported; `rank` is the group of the legal order (1 spouse and children, ...)."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="heirs")
    name = models.CharField(_("nama"), max_length=150)
    nik = models.CharField(_("NIK"), max_length=16)
    relationship = models.CharField(_("hubungan"), max_length=20, choices=Relationship.choices)
    rank = models.PositiveSmallIntegerField(_("golongan"))
    position = models.PositiveSmallIntegerField()  # as reported
    warnings = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["claim", "rank", "position"]
        constraints = [models.UniqueConstraint(fields=["claim", "nik"], name="claim_heir_unique_nik")]
        verbose_name = _("ahli waris")
        verbose_name_plural = _("ahli waris")

    def __str__(self) -> str:
        return self.name


class ScholarshipChild(models.Model):
    """A child named in a death or total-disability case, with whether the scholarship takes them and why."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="children")
    name = models.CharField(_("nama"), max_length=150)
    birth_date = models.DateField(_("tanggal lahir"))
    level = models.CharField(_("jenjang"), max_length=20, choices=SchoolLevel.choices)
    position = models.PositiveSmallIntegerField()
    eligible = models.BooleanField(_("penerima beasiswa"))
    reason = models.CharField(_("alasan"), max_length=300)
    # The next yearly claim (with proof of schooling) is due on this day; None when the scholarship has ended.
    next_claim_due = models.DateField(_("klaim tahunan berikutnya"), null=True, blank=True)
    ended_on = models.DateField(_("beasiswa berakhir"), null=True, blank=True)
    ended_reason = models.CharField(_("alasan berakhir"), max_length=200, blank=True)

    class Meta:
        ordering = ["claim", "position"]
        verbose_name = _("anak penerima beasiswa")
        verbose_name_plural = _("anak penerima beasiswa")

    def __str__(self) -> str:
        return self.name


class ScholarshipClaim(models.Model):
    """One year's scholarship of one child: claimed with proof of schooling, then paid by BPJS."""

    class Status(models.TextChoices):
        CLAIMED = "claimed", _("Diajukan ke BPJS")
        PAID = "paid", _("Dibayar")

    child = models.ForeignKey(ScholarshipChild, on_delete=models.PROTECT, related_name="claims")
    school_year = models.PositiveSmallIntegerField(_("tahun ajaran mulai"))  # 2026 for 2026/2027
    level = models.CharField(_("jenjang"), max_length=20, choices=SchoolLevel.choices)
    amount = models.PositiveBigIntegerField(_("jumlah (Rp)"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.CLAIMED)
    claimed_on = models.DateField(_("diajukan"))
    paid_on = models.DateField(_("dibayar"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = MomentField(auto_now_add=True)

    class Meta:
        ordering = ["child", "school_year"]
        constraints = [
            models.UniqueConstraint(fields=["child", "school_year"], name="one_scholarship_claim_per_child_year")
        ]
        verbose_name = _("klaim beasiswa tahunan")
        verbose_name_plural = _("klaim beasiswa tahunan")

    def __str__(self) -> str:
        return f"{self.child_id}/{self.school_year}"


class ClaimDocument(StoredDocument):
    """A file of a case, checked by its bytes like an application's documents; a newer one of the same kind
    (for the same child) supersedes it."""

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(_("jenis dokumen"), max_length=30, choices=ClaimDocumentKind.choices)
    child = models.ForeignKey(
        ScholarshipChild, on_delete=models.PROTECT, null=True, blank=True, related_name="documents"
    )

    class Meta(StoredDocument.Meta):
        verbose_name = _("dokumen klaim")
        verbose_name_plural = _("dokumen klaim")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.claim_id})"
