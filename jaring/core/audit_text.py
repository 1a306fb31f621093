"""The audit trail in words: what an action code means and who an actor label is, for the pages people read (an
application's history, the audit log). The codes themselves stay what is stored, searched and exported.

Codes of every app are listed here as plain text: the kernel imports no other app, and a code it does not know
is shown as it is.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jaring.core.models import Role, User

ACTION_TEXT: dict[str, Promise] = {
    # An application's life (registry.states transitions, and the steps around them).
    "application.create": gettext_lazy("Pendaftaran dibuat"),
    "application.submit": gettext_lazy("Pendaftaran diajukan"),
    "application.assess": gettext_lazy("Syarat dinilai otomatis"),
    "application.reassess": gettext_lazy("Syarat dinilai ulang"),
    "application.reevaluate": gettext_lazy("Dinilai ulang setelah aturan berubah"),
    "application.declare": gettext_lazy("Pemohon menyatakan data yang diisi benar"),
    "application.identity_confirm": gettext_lazy("Petugas mencocokkan NIK dengan KTP asli"),
    "application.send_to_verification": gettext_lazy("Dikirim ke instansi verifikasi"),
    "application.find_not_eligible": gettext_lazy("Dinyatakan tidak memenuhi syarat"),
    "application.return_for_correction": gettext_lazy("Dikembalikan untuk perbaikan"),
    "application.resubmit": gettext_lazy("Diajukan ulang setelah perbaikan"),
    "application.reject": gettext_lazy("Ditolak oleh instansi verifikasi"),
    "application.approve": gettext_lazy("Disetujui dan mendapat tempat"),
    "application.waitlist": gettext_lazy("Disetujui, masuk daftar tunggu karena kuota penuh"),
    "application.admit_from_waitlist": gettext_lazy("Diterima dari daftar tunggu"),
    "application.enrol": gettext_lazy("Terdaftar sebagai peserta BPJS Ketenagakerjaan"),
    "application.bpjs_reject": gettext_lazy("Ditolak oleh BPJS Ketenagakerjaan"),
    "application.withdraw": gettext_lazy("Dibatalkan"),
    "application.reroute": gettext_lazy("Dipindahkan ke instansi verifikasi lain"),
    "document.add": gettext_lazy("Dokumen diunggah"),
    "person.create": gettext_lazy("Data orang dicatat"),
    "person.update": gettext_lazy("Data orang diperbarui"),
    # Programmes, places and the SK.
    "programme.seed": gettext_lazy("Program dibuat"),
    "programme.open": gettext_lazy("Pendaftaran program dibuka"),
    "programme.close": gettext_lazy("Pendaftaran program ditutup"),
    "programme.quota_set": gettext_lazy("Kuota diubah"),
    "programme.waitlist_admit": gettext_lazy("Daftar tunggu diterima ke tempat kosong"),
    "programme.settings_set": gettext_lazy("Pengaturan program diubah"),
    "programme.route_set": gettext_lazy("Rute verifikasi sektor diubah"),
    "programme.owning_agency_change": gettext_lazy("Kantor pengelola program diganti"),
    "programme.verification_days_set": gettext_lazy("Batas hari kerja verifikasi diubah"),
    "programme.rejection_reason_add": gettext_lazy("Alasan penolakan ditambahkan"),
    "programme.rejection_reason_retire": gettext_lazy("Alasan penolakan tidak dipakai lagi"),
    "programme.rejection_reasons_seed": gettext_lazy("Daftar alasan penolakan awal dibuat"),
    "programme.contribution_rate_add": gettext_lazy("Tarif iuran ditambahkan"),
    "programme.reassess": gettext_lazy("Pendaftaran terbuka dinilai ulang"),
    "programme.reverification_start": gettext_lazy("Verifikasi ulang tahunan dimulai"),
    "programme.reverification_run": gettext_lazy("Verifikasi ulang tahunan dijalankan"),
    "programme.batch_columns_set": gettext_lazy("Kolom berkas BPJS diubah"),
    "programme.bpjs_answer": gettext_lazy("Jawaban BPJS diterapkan"),
    "programme.card_print": gettext_lazy("Kartu peserta dicetak"),
    "place.end": gettext_lazy("Tempat di kuota berakhir"),
    "place.hand_over": gettext_lazy("Peserta dialihkan ke pemberi dana lain"),
    "decree.generate": gettext_lazy("Draf SK dibuat"),
    "decree.regenerate": gettext_lazy("Draf SK disusun ulang"),
    "decree.sign": gettext_lazy("SK ditandatangani dan dibekukan"),
    "rules.create": gettext_lazy("Versi aturan dibuat"),
    "rules.change": gettext_lazy("Aturan program diubah"),
    # Exchanges, imports and the system.
    "batch.create": gettext_lazy("Batch BPJS dibuat"),
    "bpjs_answer.apply": gettext_lazy("Jawaban BPJS diterapkan"),
    "bpjs_answer.refuse": gettext_lazy("Jawaban BPJS ditolak karena baris bermasalah"),
    "card.issue": gettext_lazy("Kartu peserta diterbitkan"),
    "card.hand_over": gettext_lazy("Kartu diserahkan"),
    "participants.import": gettext_lazy("Daftar peserta BPJS diimpor"),
    "participants.refuse": gettext_lazy("Daftar peserta BPJS ditolak"),
    "import.create": gettext_lazy("Impor daftar pemohon dimulai"),
    "import.resume": gettext_lazy("Impor daftar pemohon dilanjutkan"),
    "import.finish": gettext_lazy("Impor daftar pemohon selesai"),
    "minimum_wage.set": gettext_lazy("UMK dicatat"),
    "holiday.add": gettext_lazy("Hari libur ditambahkan"),
    "holiday.remove": gettext_lazy("Hari libur dihapus"),
    "funder.seed": gettext_lazy("Pemberi dana dibuat"),
    "funder.logo_set": gettext_lazy("Logo pemberi dana diganti"),
    "funder.logo_remove": gettext_lazy("Logo pemberi dana dihapus"),
    "user.seed": gettext_lazy("Akun petugas dibuat"),
    "user.login": gettext_lazy("Masuk ke Jaring"),
    "api_token.create": gettext_lazy("Token API dibuat"),
    "api_token.revoke": gettext_lazy("Token API dicabut"),
    "api_token.seed": gettext_lazy("Token API demo dibuat"),
    "job.create": gettext_lazy("Pekerjaan latar dimulai"),
    "job.finish": gettext_lazy("Pekerjaan latar selesai"),
    "job.fail": gettext_lazy("Pekerjaan latar gagal"),
    "task.requeue": gettext_lazy("Pekerjaan latar diantrekan ulang"),
    "database.dump": gettext_lazy("Cadangan basis data dibuat"),
}

# Actors that are not an officer's account: what their label means.
ACTOR_TEXT: dict[str, Promise] = {
    "applicant": gettext_lazy("Pemohon (daring)"),
    "system": gettext_lazy("Sistem Jaring"),
    "worker": gettext_lazy("Sistem Jaring (pekerjaan latar)"),
    "cli": gettext_lazy("Perintah jaring (server)"),
    "demo": gettext_lazy("Data demo"),
}


def action_text(action: str) -> str:
    """The sentence for an action code; the code itself when it has none."""
    text = ACTION_TEXT.get(action)
    return str(text) if text is not None else action


def actor_text(label: str, user: User | None = None, *, channels: Mapping[str, str] | None = None) -> str:
    """Who acted, as a person reads it: an officer by name and role, a partner by its token's name, the applicant,
    the system, or the demo's seeding by the channel it stands for (`channels`: code -> label)."""
    if user is not None:
        name = user.full_name or user.username
        if user.role:
            return _("%(name)s (%(role)s)") % {"name": name, "role": Role(user.role).label}
        return name
    known = ACTOR_TEXT.get(label)
    if known is not None:
        return str(known)
    kind, _sep, rest = label.partition(":")
    if kind == "api" and rest:
        return _("API mitra: %(name)s") % {"name": rest}
    if kind == "demo" and rest:
        return _("Data demo (jalur %(channel)s)") % {"channel": (channels or {}).get(rest, rest)}
    return label
