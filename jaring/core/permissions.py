"""What each role, each partner token scope and the applicant may do, in one table each. Views ask
`user_can`; services ask the actor (`core.actors.Actor.require`); data scope is decided in selectors."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from jaring.core.models import ApiScope, ApiToken, Role, User


class Capability(models.TextChoices):
    VIEW_APPLICATIONS = "view_applications", _("Melihat pendaftaran")
    REGISTER_APPLICANTS = "register_applicants", _("Mendaftarkan pemohon")
    IMPORT_APPLICANTS = "import_applicants", _("Mengimpor daftar pemohon")
    VERIFY = "verify", _("Memverifikasi pemohon")
    MANAGE_PROGRAMMES = "manage_programmes", _("Mengelola program")
    EXCHANGE_WITH_BPJS = "exchange_with_bpjs", _("Pertukaran data BPJS")
    VIEW_DASHBOARD = "view_dashboard", _("Melihat dasbor")
    VIEW_AUDIT = "view_audit", _("Melihat log audit")
    ADMINISTER = "administer", _("Administrasi sistem")
    VIEW_REFERENCE = "view_reference", _("Melihat data rujukan")
    VIEW_CONTRIBUTIONS = "view_contributions", _("Melihat iuran, tunggakan dan realisasi anggaran")
    RECONCILE_INVOICES = "reconcile_invoices", _("Mencocokkan tagihan iuran BPJS")
    RECORD_PAYMENTS = "record_payments", _("Mencatat pembayaran iuran (SP2D)")
    # Claims (JKK/JKM cases): who sees them, who reports a case for a member, who takes it to BPJS and on.
    VIEW_CLAIMS = "view_claims", _("Melihat klaim JKK/JKM")
    REPORT_CLAIMS = "report_claims", _("Melaporkan klaim JKK/JKM")
    HANDLE_CLAIMS = "handle_claims", _("Mengurus klaim JKK/JKM ke BPJS")
    # In-kind aid (food packages, prosthetic legs): who sees the delivery lists, who records deliveries.
    VIEW_AID = "view_aid", _("Melihat penyerahan bantuan barang")
    RECORD_AID = "record_aid", _("Mencatat penyerahan bantuan barang")
    REVIEW_DUPLICATES = "review_duplicates", _("Memeriksa dan menggabungkan data ganda")


C = Capability

ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    # The owning office's counter (Disnaker, Dinas Sosial) takes a family's report and sees the case through.
    Role.REGISTRATION_OFFICER: frozenset(
        {
            C.VIEW_APPLICATIONS,
            C.REGISTER_APPLICANTS,
            C.IMPORT_APPLICANTS,
            C.VIEW_REFERENCE,
            C.VIEW_CLAIMS,
            C.REPORT_CLAIMS,
            C.HANDLE_CLAIMS,
            C.VIEW_AID,
            C.RECORD_AID,
            C.REVIEW_DUPLICATES,
        }
    ),
    # A kelurahan operator reports a death or an accident of a member of their kelurahan and adds its papers.
    Role.KELURAHAN_OPERATOR: frozenset(
        {C.VIEW_APPLICATIONS, C.REGISTER_APPLICANTS, C.VIEW_REFERENCE, C.VIEW_CLAIMS, C.REPORT_CLAIMS}
    ),
    Role.VERIFIER: frozenset({C.VIEW_APPLICATIONS, C.VERIFY, C.VIEW_REFERENCE}),
    Role.PROGRAMME_MANAGER: frozenset(
        # DOMAIN: "quotas, budget, SK list, BPJS exchange, billing".
        {
            C.VIEW_APPLICATIONS,
            C.IMPORT_APPLICANTS,
            C.MANAGE_PROGRAMMES,
            C.EXCHANGE_WITH_BPJS,
            C.VIEW_DASHBOARD,
            C.VIEW_REFERENCE,
            C.VIEW_CONTRIBUTIONS,
            C.RECONCILE_INVOICES,
            C.VIEW_CLAIMS,
            C.REPORT_CLAIMS,
            C.HANDLE_CLAIMS,
            C.VIEW_AID,
            C.RECORD_AID,
            C.REVIEW_DUPLICATES,
        }
    ),
    # DOMAIN: the liaison exchanges "participant lists, KPJ numbers, invoices" and "claim decisions" with the
    # branch: submission, payment, refusal.
    Role.BPJS_LIAISON: frozenset(
        {
            C.VIEW_APPLICATIONS,
            C.EXCHANGE_WITH_BPJS,
            C.VIEW_REFERENCE,
            C.VIEW_CONTRIBUTIONS,
            C.RECONCILE_INVOICES,
            C.VIEW_CLAIMS,
            C.HANDLE_CLAIMS,
        }
    ),
    Role.LEADERSHIP: frozenset({C.VIEW_DASHBOARD, C.VIEW_REFERENCE, C.VIEW_CONTRIBUTIONS, C.VIEW_AID}),
    Role.AUDITOR: frozenset(
        {
            C.VIEW_APPLICATIONS,
            C.VIEW_AUDIT,
            C.VIEW_DASHBOARD,
            C.VIEW_REFERENCE,
            C.VIEW_CONTRIBUTIONS,
            C.VIEW_CLAIMS,
            C.VIEW_AID,
        }
    ),
    # The finance officer (bendahara) of the funder pays the bill from the APBD once it is checked: checks it
    # too, records the SP2D, follows arrears and what is left of the budget.
    Role.FINANCE_OFFICER: frozenset(
        {C.VIEW_CONTRIBUTIONS, C.RECONCILE_INVOICES, C.RECORD_PAYMENTS, C.VIEW_DASHBOARD, C.VIEW_REFERENCE}
    ),
    Role.ADMINISTRATOR: frozenset({C.ADMINISTER, C.VIEW_AUDIT, C.VIEW_REFERENCE, C.VIEW_APPLICATIONS}),
}


# What a partner's token may do through the services, by the scopes an administrator gave it. Reads by scope
# (`reports`, `membership`) are the API's own selectors; a verification token also needs its agency.
TOKEN_SCOPE_CAPABILITIES: dict[str, frozenset[str]] = {
    ApiScope.REGISTRATION: frozenset({C.REGISTER_APPLICANTS, C.IMPORT_APPLICANTS}),
    ApiScope.VERIFICATION: frozenset({C.VERIFY}),
    ApiScope.REPORTS: frozenset({C.VIEW_APPLICATIONS, C.VIEW_DASHBOARD}),
    ApiScope.MEMBERSHIP: frozenset(),
    ApiScope.CLAIMS: frozenset({C.REPORT_CLAIMS}),
    ApiScope.CONTRIBUTIONS: frozenset({C.VIEW_CONTRIBUTIONS, C.RECONCILE_INVOICES}),
}

# The public registers themselves (online) and reports a member's death or accident (the public claim form, whose
# page checks both member numbers), and nothing else.
APPLICANT_CAPABILITIES: frozenset[str] = frozenset({C.REGISTER_APPLICANTS, C.REPORT_CLAIMS})

# Who may follow a background job and take its file: the capability of the work it did (any one of them).
# A job is a door to its result (the audit log, an applicant list, card PDFs): "same funder" is not enough.
# Kinds not listed here are seen by their creator only.
JOB_KIND_CAPABILITIES: dict[str, tuple[str, ...]] = {
    "audit_export": (C.VIEW_AUDIT,),
    "applicant_import": (C.IMPORT_APPLICANTS,),
    "card_print": (C.EXCHANGE_WITH_BPJS, C.MANAGE_PROGRAMMES),
    "eligibility.reassess": (C.MANAGE_PROGRAMMES,),
    "enrolment.reverification": (C.MANAGE_PROGRAMMES,),
    "contributions.reconcile": (C.RECONCILE_INVOICES,),
    "contributions.result": (C.RECONCILE_INVOICES, C.RECORD_PAYMENTS),
    "duplicates.scan": (C.REVIEW_DUPLICATES,),
    "duplicates.file_check": (C.IMPORT_APPLICANTS, C.REVIEW_DUPLICATES),
}


def job_kinds_for(user: User | object) -> list[str]:
    """The listed job kinds whose capability the user holds."""
    return [kind for kind, caps in JOB_KIND_CAPABILITIES.items() if any(user_can(user, cap) for cap in caps)]


def user_can(user: User | object, capability: str) -> bool:
    if not isinstance(user, User) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return capability in ROLE_CAPABILITIES.get(user.role, frozenset())


def token_can(token: ApiToken, capability: str) -> bool:
    return any(capability in TOKEN_SCOPE_CAPABILITIES.get(scope, frozenset()) for scope in token.scopes)
