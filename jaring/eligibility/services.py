"""Writes on eligibility data: rule versions (each change audited, never overwritten)."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from jaring.core.actors import Actor
from jaring.core.errors import Conflict, DomainError
from jaring.core.models import Sector, User
from jaring.core.services import audit_record
from jaring.eligibility import rules
from jaring.eligibility.models import DocumentKind, IncomeCeiling, RuleVersion
from jaring.eligibility.selectors import DEFAULT_REQUIRED_DOCUMENTS
from jaring.programmes.models import Programme

# Perwali Balikpapan 3/2025, the reference scheme (DOMAIN.md): 6 months of domicile, income at or below
# the UMK, age up to 64, ojol drivers need their aplikator's letter. A new programme starts from these and
# its manager adjusts them (Penajam: 18-65).
DEFAULT_RULES: dict[str, Any] = {
    "min_domicile_months": 6,
    "income_ceiling": IncomeCeiling.RESIDENCE,
    "income_ceiling_amount": None,
    "min_age": None,
    "max_age": 64,
    "eligible_sectors": [],
    "required_documents": {key: list(kinds) for key, kinds in DEFAULT_REQUIRED_DOCUMENTS.items()},
    "check_not_covered": True,
    "on_target_list": False,
}

RULE_FIELDS = tuple(DEFAULT_RULES)


Problems = dict[str, list[str]]


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    """Refuse rules that cannot be evaluated, naming the field; return them normalised."""
    errors: Problems = {}
    cleaned = {**values}
    known_sectors = set(Sector.objects.values_list("code", flat=True))
    _clean_income_ceiling(cleaned, errors)
    _check_bounds(cleaned, errors)
    _clean_sectors(cleaned, errors, known=known_sectors)
    _clean_documents(cleaned, errors, known=known_sectors)
    if errors:
        raise DomainError(_("Aturan belum dapat disimpan; periksa isian yang ditandai."), errors=errors)
    return cleaned


def _clean_income_ceiling(cleaned: dict[str, Any], errors: Problems) -> None:
    if cleaned["income_ceiling"] not in IncomeCeiling.values:
        errors.setdefault("income_ceiling", []).append(_("Pilihan batas penghasilan tidak dikenal."))
    if cleaned["income_ceiling"] != IncomeCeiling.FIXED:
        cleaned["income_ceiling_amount"] = None
    elif not cleaned.get("income_ceiling_amount"):
        errors.setdefault("income_ceiling_amount", []).append(_("Isi jumlah batas penghasilan tetap dalam Rupiah."))


def _check_bounds(cleaned: dict[str, Any], errors: Problems) -> None:
    min_age, max_age = cleaned.get("min_age"), cleaned.get("max_age")
    if min_age is not None and max_age is not None and min_age > max_age:
        errors.setdefault("min_age", []).append(_("Usia minimal tidak boleh lebih dari usia maksimal."))
    for name in ("min_age", "max_age"):
        value = cleaned.get(name)
        if value is not None and not 0 <= value <= 120:
            errors.setdefault(name, []).append(_("Usia harus antara 0 dan 120 tahun."))
    months = cleaned.get("min_domicile_months")
    if months is not None and not 0 <= months <= 600:
        errors.setdefault("min_domicile_months", []).append(_("Jumlah bulan domisili harus antara 0 dan 600."))


def _clean_sectors(cleaned: dict[str, Any], errors: Problems, *, known: set[str]) -> None:
    sectors = sorted(set(cleaned.get("eligible_sectors") or []))
    unknown = [code for code in sectors if code not in known]
    if unknown:
        errors.setdefault("eligible_sectors", []).append(
            _("Sektor tidak dikenal: %(codes)s.") % {"codes": ", ".join(unknown)}
        )
    cleaned["eligible_sectors"] = sectors


def _clean_documents(cleaned: dict[str, Any], errors: Problems, *, known: set[str]) -> None:
    documents: dict[str, list[str]] = {}
    for key, kinds in (cleaned.get("required_documents") or {}).items():
        problem = _documents_problem(key, kinds, known=known)
        if problem:
            errors.setdefault("required_documents", []).append(problem)
        elif kinds:
            documents[key] = sorted(set(kinds))
    cleaned["required_documents"] = documents


def _documents_problem(sector: str, kinds: list[str], *, known: set[str]) -> str:
    if sector != rules.ALL_SECTORS and sector not in known:
        return _("Sektor tidak dikenal pada dokumen wajib: %(code)s.") % {"code": sector}
    bad = [kind for kind in kinds if kind not in DocumentKind.values]
    if bad:
        return _("Jenis dokumen tidak dikenal: %(kinds)s.") % {"kinds": ", ".join(bad)}
    return ""


def rule_version_create(*, programme: Programme, actor: Actor | User, note: str = "", **values: Any) -> RuleVersion:
    """Write the programme's next rule version. Fields not given keep the current version's value."""
    unknown = set(values) - set(RULE_FIELDS)
    if unknown:
        raise TypeError(f"unknown rule fields: {sorted(unknown)}")
    with transaction.atomic():
        current = RuleVersion.objects.select_for_update().filter(programme=programme).order_by("-version").first()
        base = {name: getattr(current, name) for name in RULE_FIELDS} if current else dict(DEFAULT_RULES)
        cleaned = _clean({**base, **values})
        try:
            with transaction.atomic():
                version = RuleVersion.objects.create(
                    programme=programme,
                    version=(current.version + 1) if current else 1,
                    note=note,
                    created_by=Actor.of(actor).user,
                    **cleaned,
                )
        except IntegrityError:
            raise Conflict(_("Aturan program baru saja diubah oleh orang lain; muat ulang halaman.")) from None
        changed = {
            name: cleaned[name] for name in RULE_FIELDS if current is None or getattr(current, name) != cleaned[name]
        }
        audit_record(
            actor=actor,
            action="rules.create" if current is None else "rules.change",
            target=version,
            data={"version": version.version, "changed": changed, "note": note},
            funder=programme.funder,
        )
    return version


# Version 1 of a programme's rules is the reference scheme, written by the system when first needed.
DEFAULT_RULES_AUTHOR = Actor.system("default-rules")


def rule_version_ensure(*, programme: Programme, actor: Actor | User = DEFAULT_RULES_AUTHOR) -> RuleVersion:
    """The programme's current rules, writing version 1 from the reference scheme if it has none yet."""
    current = RuleVersion.objects.filter(programme=programme).order_by("-version").first()
    if current is not None:
        return current
    try:
        return rule_version_create(programme=programme, actor=actor, note=_("Aturan awal (bawaan)."))
    except Conflict:
        # Another request wrote version 1 at the same moment.
        return RuleVersion.objects.filter(programme=programme).order_by("-version").first()  # type: ignore[return-value]
