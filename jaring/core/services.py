"""Writes of the shared kernel. Every service that changes state elsewhere calls `audit_record`."""

from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, NamedTuple

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from jaring.core import clock
from jaring.core.actors import Actor
from jaring.core.branding import logo_prepare
from jaring.core.bulk import JsonText, rows_insert
from jaring.core.errors import Conflict, DomainError
from jaring.core.models import (
    AccessLog,
    Agency,
    ApiScope,
    ApiToken,
    AuditRecord,
    Funder,
    Holiday,
    IdempotencyRecord,
    Job,
    LoginAttempt,
    MinimumWage,
    RateLimitHit,
    Region,
    User,
)
from jaring.core.permissions import Capability

TOKEN_PREFIX = "jrg_"  # noqa: S105 - a marker that makes leaked tokens easy to find, not a secret


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)  # dates, Decimals, model instances: their readable form


def audit_record(
    *,
    actor: Actor | User,
    action: str,
    target: models.Model,
    data: Mapping[str, Any] | None = None,
    funder: Funder | None = None,
) -> AuditRecord:
    """Record one state change by `actor` (an officer's User stands for the officer)."""
    actor = Actor.of(actor)
    if funder is None:
        funder = _funder_of(target)
    return AuditRecord.objects.create(
        actor=actor.user,
        actor_label=actor.label,
        funder=funder,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_label=str(target)[:200],
        data=_jsonable(dict(data or {})),
    )


def audit_records(
    *, actor: Actor | User, records: Sequence[tuple[str, models.Model, Mapping[str, Any]]]
) -> list[AuditRecord]:
    """Several state changes of one actor, each its own record as `audit_record` writes it, in one INSERT (a
    registration records five: the person, the application, its submission, assessment and routing)."""
    if not records:
        return []
    actor = Actor.of(actor)
    return AuditRecord.objects.bulk_create(
        [
            AuditRecord(
                actor=actor.user,
                actor_label=actor.label,
                funder=_funder_of(target),
                action=action,
                target_type=target._meta.label_lower,
                target_id=str(target.pk),
                target_label=str(target)[:200],
                data=_jsonable(dict(data)),
            )
            for action, target, data in records
        ]
    )


class AuditTarget(NamedTuple):
    """The target of a record given by its parts, for a bulk writer that holds no model instance of it (building
    a hundred thousand instances only to audit them costs seconds)."""

    model: type[models.Model]
    pk: int | str
    label: str
    funder: Funder | None


def audit_records_many(
    *,
    actor: Actor | User,
    records: Sequence[tuple[str, models.Model | AuditTarget, Mapping[str, Any] | JsonText]],
) -> int:
    """Records of one actor, each with its own action, target and data, written in few statements. `data` may
    be JSON text already (bulk.JsonText: a bulk import encodes data shared by many records once)."""
    actor = Actor.of(actor)
    user_id = actor.user.pk if actor.user is not None else None
    label = actor.label
    now = clock.now()
    # Plain rows rather than model instances: a bulk import writes a hundred thousand of these at once.
    rows_insert(
        AuditRecord,
        ("at", "actor_id", "actor_label", "funder_id", "action", "target_type", "target_id", "target_label", "data"),
        [
            (
                now,
                user_id,
                label,
                funder.pk if (funder := _target_funder(target)) is not None else None,
                action,
                target.model._meta.label_lower if isinstance(target, AuditTarget) else target._meta.label_lower,
                str(target.pk),
                (target.label if isinstance(target, AuditTarget) else str(target))[:200],
                data if isinstance(data, JsonText) else _jsonable(dict(data)),
            )
            for action, target, data in records
        ],
        ids=False,
    )
    return len(records)


def _target_funder(target: models.Model | AuditTarget) -> Funder | None:
    return target.funder if isinstance(target, AuditTarget) else _funder_of(target)


def _funder_of(target: models.Model) -> Funder | None:
    if isinstance(target, Funder):
        return target
    funder = getattr(target, "funder", None)
    if isinstance(funder, Funder):
        return funder
    programme = getattr(target, "programme", None)
    funder = getattr(programme, "funder", None)
    return funder if isinstance(funder, Funder) else None


def access_log_write(
    *,
    actor: Actor | User,
    person_ref: str,
    person_label: str = "",
    what: str,
    path: str = "",
    ip_address: str | None = None,
    funder: Funder | None = None,
) -> AccessLog:
    """Record that an officer (or a partner token) viewed a person's personal data."""
    entry = {
        "actor": actor,
        "person_ref": person_ref,
        "person_label": person_label,
        "what": what,
        "path": path,
        "ip_address": ip_address,
        "funder": funder,
    }
    return access_logs_write([entry])[0]


def access_logs_write(entries: Sequence[Mapping[str, Any]]) -> list[AccessLog]:
    """Record many views of personal data at once (a page of a list): one INSERT for all of them. Each entry
    holds the keyword arguments of `access_log_write` (actor, person_ref, what; person_label, path,
    ip_address, funder optional) and gets the same row it would."""
    rows = []
    for entry in entries:
        actor = Actor.of(entry["actor"])
        funder: Funder | None = entry.get("funder")
        rows.append(
            AccessLog(
                actor=actor.user,
                actor_label=actor.label,
                funder=funder if funder is not None else (actor.user.funder if actor.user is not None else None),
                person_ref=entry["person_ref"],
                person_label=str(entry.get("person_label", ""))[:200],
                what=entry["what"],
                path=str(entry.get("path", ""))[:300],
                ip_address=entry.get("ip_address"),
            )
        )
    return AccessLog.objects.bulk_create(rows) if rows else []


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def api_token_create(
    *, name: str, funder: Funder, scopes: list[str], actor: Actor | User, agency: Agency | None = None
) -> tuple[ApiToken, str]:
    """Create a partner token; returns the row and the secret, which is never stored and shown only once.

    `agency`: the office whose own system uses the token; a token with the "verification" scope decides for
    that agency's queue only, so it must be an office of the token's funder."""
    name = name.strip()
    if not name:
        raise DomainError(_("Nama mitra wajib diisi."), field="name")
    unknown = sorted(set(scopes) - set(ApiScope.values))
    if unknown:
        raise DomainError(
            _("Cakupan tidak dikenal: %(unknown)s. Pilihan: %(known)s.")
            % {"unknown": ", ".join(unknown), "known": ", ".join(ApiScope.values)},
            field="scopes",
        )
    if not scopes:
        raise DomainError(_("Pilih setidaknya satu cakupan."), field="scopes")
    if agency is not None and agency.funder_id != funder.pk:
        raise DomainError(_("Instansi token harus milik pemberi dana token ini."), field="agency")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            name=name,
            funder=funder,
            scopes=sorted(set(scopes)),
            agency=agency,
            prefix=secret[: len(TOKEN_PREFIX) + 6],
            token_hash=token_hash(secret),
            created_by=Actor.of(actor).user,
        )
        data: dict[str, Any] = {"scopes": token.scopes}
        if agency is not None:
            data["agency"] = agency.code
        audit_record(actor=actor, action="api_token.create", target=token, data=data)
    return token, secret


def api_token_revoke(*, token: ApiToken, actor: Actor | User) -> ApiToken:
    with transaction.atomic():
        token.revoked_at = clock.now()
        token.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action="api_token.revoke", target=token)
    return token


def api_token_authenticate(*, secret: str) -> ApiToken | None:
    """The live token for a presented secret, or None. Marks the token used (at most once a minute)."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = ApiToken.objects.select_related("funder").filter(token_hash=token_hash(secret), revoked_at=None).first()
    if token is None:
        return None
    now = clock.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


# A username from all addresses together may fail this many times the per-address limit before it is locked:
# a guesser spread over many addresses is stopped, while one stranger cannot lock a known officer out.
USERNAME_CEILING_FACTOR = 10
# An address is allowed more over all usernames, since an office shares one address across its counter staff.
ADDRESS_FACTOR = 4


def login_is_throttled(*, username: str, ip_address: str | None) -> bool:
    """Too many failed log-ins in the last 15 minutes: for this username from this address, for this username
    from everywhere (a higher ceiling), or from this address for any username."""
    since = clock.now() - timedelta(minutes=15)
    recent = LoginAttempt.objects.filter(at__gte=since)
    limit = settings.LOGIN_ATTEMPTS_ALLOWED
    by_username = recent.filter(username=username.lower())
    if by_username.filter(ip_address=ip_address).count() >= limit:
        return True
    if by_username.count() >= limit * USERNAME_CEILING_FACTOR:
        return True
    return bool(ip_address and recent.filter(ip_address=ip_address).count() >= limit * ADDRESS_FACTOR)


def login_failure_record(*, username: str, ip_address: str | None) -> None:
    LoginAttempt.objects.create(username=username.lower()[:150], ip_address=ip_address)


def login_success_record(*, user: User, ip_address: str | None) -> None:
    LoginAttempt.objects.filter(username=user.username.lower()).delete()
    audit_record(actor=user, action="user.login", target=user, data={"ip": ip_address})


def job_create(
    *, kind: str, label: str, actor: Actor | User, total: int = 0, params: dict[str, Any] | None = None
) -> Job:
    actor = Actor.of(actor)
    job = Job.objects.create(
        kind=kind,
        label=label,
        total=total,
        params=params or {},
        created_by=actor.user,
        funder=actor.user.funder if actor.user is not None else None,
    )
    audit_record(actor=actor, action="job.create", target=job, data={"kind": kind})
    return job


def job_enqueue_on_commit(job: Job, *, task: Any) -> None:
    """Hand the job to the worker (`task`, which takes the job's id) once the current transaction commits: the
    worker must never pick up a job row it cannot yet see."""

    def enqueue() -> None:
        result = task.enqueue(job_id=job.pk)
        Job.objects.filter(pk=job.pk).update(task_result_id=str(result.id))

    transaction.on_commit(enqueue)


@contextmanager
def job_failure_recorded(job: Job) -> Iterator[None]:
    """Work of a job that raises marks the job failed with the error's text; the error goes on to the worker."""
    try:
        yield
    except Exception as exc:
        job_fail(job=job, message=str(exc)[:500])
        raise


def job_start(*, job: Job, total: int | None = None) -> None:
    fields: dict[str, Any] = {"status": Job.Status.RUNNING, "started_at": clock.now()}
    if total is not None:
        fields["total"] = total
    Job.objects.filter(pk=job.pk).update(**fields)


def job_progress(*, job: Job, done: int, total: int | None = None, message: str | None = None) -> None:
    """Report progress. A plain UPDATE, so it is visible at once outside the job's own transaction."""
    fields: dict[str, Any] = {"done": done}
    if total is not None:
        fields["total"] = total
    if message is not None:
        fields["message"] = message
    Job.objects.filter(pk=job.pk).update(**fields)


def job_finish(*, job: Job, result: dict[str, Any] | None = None, message: str = "") -> None:
    job.refresh_from_db()
    job.status = Job.Status.DONE
    job.done = max(job.done, job.total)
    job.result = result or {}
    job.message = message
    job.finished_at = clock.now()
    job.save(update_fields=["status", "done", "result", "message", "finished_at"])
    audit_record(actor=Actor.of_job(job), action="job.finish", target=job, data={"kind": job.kind, **job.result})


def job_fail(*, job: Job, message: str) -> None:
    Job.objects.filter(pk=job.pk).update(status=Job.Status.FAILED, message=message, finished_at=clock.now())
    audit_record(actor=Actor.of_job(job), action="job.fail", target=job, data={"kind": job.kind, "message": message})


def rate_limit_hit(*, bucket: str, key: str, limit: int, window: timedelta) -> bool:
    """Count one request for `key` in `bucket`; False when `limit` requests in `window` were already counted.

    Kept in the database, so every gunicorn worker sees the same count. The key (an address or a NIK) is
    stored only as a keyed hash.
    """
    key_hash = hashlib.sha256(f"{settings.SECRET_KEY}:{bucket}:{key}".encode()).hexdigest()
    now = clock.now()
    recent = RateLimitHit.objects.filter(bucket=bucket, key_hash=key_hash, at__gte=now - window)
    # Counting stops at the limit: a busy key costs no more than `limit` index entries.
    if recent[:limit].count() >= limit:
        return False
    RateLimitHit.objects.create(bucket=bucket, key_hash=key_hash)
    # Old hits are useless; drop them now and then so the table stays small without a cron job.
    if secrets.randbelow(200) == 0:
        RateLimitHit.objects.filter(at__lt=now - timedelta(days=2)).delete()
    return True


def request_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def idempotency_claim(*, token: ApiToken, key: str, body_hash: str) -> IdempotencyRecord | None:
    """Claim `key` for this request. None: the key is new and this request must run and then record its
    answer with `idempotency_answer`. Otherwise the earlier record (its answer, or its status_code None
    while the first request is still running). A different body under the same key is a Conflict."""
    try:
        with transaction.atomic():
            IdempotencyRecord.objects.create(token=token, key=key, request_hash=body_hash)
            return None
    except IntegrityError:
        pass
    record = IdempotencyRecord.objects.get(token=token, key=key)
    if record.request_hash != body_hash:
        raise Conflict(
            _("Idempotency-Key ini sudah dipakai untuk permintaan dengan isi berbeda."), field="Idempotency-Key"
        )
    return record


def idempotency_answer(*, token: ApiToken, key: str, status_code: int, response: Any) -> None:
    IdempotencyRecord.objects.filter(token=token, key=key).update(status_code=status_code, response=response)


def idempotency_release(*, token: ApiToken, key: str) -> None:
    """Forget a claim whose request failed before answering, so the partner can retry with the same key."""
    IdempotencyRecord.objects.filter(token=token, key=key, status_code=None).delete()


def minimum_wage_set(
    *, region: Region, year: int, amount: Decimal, legal_basis: str, actor: Actor | User
) -> MinimumWage:
    """Enter (or correct) the UMK of a kabupaten/kota, or the UMP of a province, for a year. A funder's
    administrator sets its own region's; the system operator any. The caller re-judges what depends on it."""
    scope = Actor.of(actor).require(Capability.ADMINISTER)
    if region.level not in (Region.Level.PROVINCE, Region.Level.REGENCY):
        raise DomainError(_("Upah minimum ditetapkan untuk provinsi (UMP) atau kabupaten/kota (UMK)."), field="region")
    if not scope.everything and not Funder.objects.filter(pk=scope.funder, region=region).exists():
        raise DomainError(_("Anda hanya dapat mengisi upah minimum wilayah pemberi dana Anda."), field="region")
    if amount <= 0:
        raise DomainError(_("Jumlah upah minimum harus lebih dari nol."), field="amount")
    with transaction.atomic():
        try:
            with transaction.atomic():
                wage, before = _minimum_wage_write(region=region, year=year, amount=amount, legal_basis=legal_basis)
        except IntegrityError:
            # Two entries of a year's first UMK at once (a double click): the row went to the other, and this one
            # corrects it, as a second entry would.
            wage, before = _minimum_wage_write(region=region, year=year, amount=amount, legal_basis=legal_basis)
        audit_record(
            actor=actor,
            action="minimum_wage.set",
            target=wage,
            data={"region": region.code, "year": year, "amount": amount, "before": before, "legal_basis": legal_basis},
            funder=None if scope.everything else Funder.objects.get(pk=scope.funder),
        )
    return wage


def _minimum_wage_write(
    *, region: Region, year: int, amount: Decimal, legal_basis: str
) -> tuple[MinimumWage, Decimal | None]:
    wage = MinimumWage.objects.select_for_update().filter(region=region, year=year).first()
    if wage is None:
        return MinimumWage.objects.create(region=region, year=year, amount=amount, legal_basis=legal_basis), None
    before = wage.amount
    wage.amount, wage.legal_basis = amount, legal_basis
    wage.save(update_fields=["amount", "legal_basis"])
    return wage, before


def _require_calendar_keeper(actor: Actor | User) -> None:
    Actor.of(actor).require_operator(
        _("Hari libur berlaku untuk semua pemberi dana; hanya administrator sistem yang mengubahnya.")
    )


def holiday_add(*, day: date, name: str, kind: str, actor: Actor | User) -> Holiday:
    """Add a non-working day. The calendar is national, so only the system operator edits it."""
    _require_calendar_keeper(actor)
    if kind not in Holiday.Kind.values:
        raise DomainError(_("Jenis hari libur tidak dikenal."), field="kind")
    try:
        with transaction.atomic():
            holiday = Holiday.objects.create(date=day, name=name.strip(), kind=kind, source="operator")
            audit_record(
                actor=actor, action="holiday.add", target=holiday, data={"date": day, "name": name, "kind": kind}
            )
    except IntegrityError:  # the date is unique: already listed, or added by a double click a moment ago
        raise Conflict(
            _("Tanggal %(day)s sudah ada di daftar hari libur.") % {"day": day.strftime("%d-%m-%Y")}
        ) from None
    return holiday


def holiday_remove(*, holiday: Holiday, actor: Actor | User) -> None:
    _require_calendar_keeper(actor)
    audit_record(
        actor=actor,
        action="holiday.remove",
        target=holiday,
        data={"date": holiday.date, "name": holiday.name, "kind": holiday.kind},
    )
    holiday.delete()


# -- the background worker -------------------------------------------------------------------------------

WORKER_ID_PREFIX = "jaring@"


def worker_id_of(*, host: str, pid: int) -> str:
    """How `jaring worker` names itself when it claims a task: the host and process, so the next worker started
    on that host can tell a task whose worker died (SIGKILL, out of memory, power cut) from a running one."""
    return f"{WORKER_ID_PREFIX}{host[:40]}:{pid}"


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, belongs to another user
    return True


# The worker putting back what a dead worker left: the system, under the name the audit trail explains.
WORKER = Actor.system("worker")


def task_results_requeue_orphaned(*, host: str, actor: Actor = WORKER) -> list[str]:
    """Put back in the queue the tasks left running by a `jaring worker` of this host that no longer exists.

    django-tasks-db marks a claimed task RUNNING and only its own worker finishes it: a worker killed outright
    leaves it RUNNING forever and its job never ends. Every task of ours is safe to run again (jobs take ids and
    skip what was committed), so running it again finishes it. Only this host's workers are judged, by process
    id: a worker elsewhere cannot be seen from here. Returns the ids of the tasks queued again."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    prefix = f"{WORKER_ID_PREFIX}{host[:40]}:"
    requeued: list[str] = []
    for result in DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).order_by("enqueued_at"):
        last = result.worker_ids[-1] if result.worker_ids else ""
        pid = last[len(prefix) :] if last.startswith(prefix) else ""
        if not pid.isdigit() or _process_alive(int(pid)):
            continue
        with transaction.atomic():
            # Conditional: two workers starting at once requeue a task once.
            if not DBTaskResult.objects.filter(pk=result.pk, status=TaskResultStatus.RUNNING).update(
                status=TaskResultStatus.READY, started_at=None
            ):
                continue
            audit_record(
                actor=actor,
                action="task.requeue",
                target=result,
                data={"task": result.task_path, "dead_worker": last, "args": result.args_kwargs},
            )
        requeued.append(str(result.pk))
    return requeued


def periodic_task_pending(task_path: str, *, besides_running: bool = False) -> bool:
    """Whether a run of this task is queued (or, unless `besides_running`, running): a periodic task queues its
    next run only when none is, so restarting workers never multiplies the chain."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    statuses = [TaskResultStatus.READY] if besides_running else [TaskResultStatus.READY, TaskResultStatus.RUNNING]
    return DBTaskResult.objects.filter(task_path=task_path, status__in=statuses).exists()


def periodic_tasks_ensure() -> list[str]:
    """Queue a first run of each periodic task (settings.PERIODIC_TASKS, dotted paths of tasks that queue their
    own next run) that has none queued or running. Called when a worker starts. Returns the paths queued."""
    from django.utils.module_loading import import_string

    queued = []
    for path in settings.PERIODIC_TASKS:
        if not periodic_task_pending(path):
            import_string(path).enqueue()
            queued.append(path)
    return queued


def funder_logo_set(*, funder: Funder, content: bytes, file_name: str, actor: Actor | User) -> Funder:
    """A funder administrator (or the system operator) replaces the funder's logo with an uploaded PNG or JPEG,
    checked and redrawn by core.branding; the old file stays (content-addressed, perhaps in an old SK's PDF)."""
    Actor.of(actor).require(Capability.ADMINISTER, funder_id=funder.pk)
    logo = logo_prepare(content)
    with transaction.atomic():
        locked = Funder.objects.select_for_update().get(pk=funder.pk)
        before = locked.logo_sha256
        locked.logo_sha256 = logo.sha256
        if not locked.logo.storage.exists(_logo_name(logo.sha256)):
            locked.logo.save(f"{logo.sha256}.png", ContentFile(logo.png), save=False)
        else:
            locked.logo.name = _logo_name(logo.sha256)
        locked.save(update_fields=["logo", "logo_sha256"])
        audit_record(
            actor=actor,
            action="funder.logo_set",
            target=locked,
            data={
                "sha256": logo.sha256,
                "before": before,
                "size": len(logo.png),
                "pixels": f"{logo.width}x{logo.height}",
                "file": file_name[-100:],
            },
        )
    funder.refresh_from_db()
    return funder


def funder_logo_remove(*, funder: Funder, actor: Actor | User) -> Funder:
    """Back to no logo (pages show Jaring's mark, cards and the SK annex the funder's name only)."""
    Actor.of(actor).require(Capability.ADMINISTER, funder_id=funder.pk)
    with transaction.atomic():
        locked = Funder.objects.select_for_update().get(pk=funder.pk)
        if not locked.logo_sha256:
            return locked
        before = locked.logo_sha256
        locked.logo = ""
        locked.logo_sha256 = ""
        locked.save(update_fields=["logo", "logo_sha256"])
        audit_record(actor=actor, action="funder.logo_remove", target=locked, data={"before": before})
    funder.refresh_from_db()
    return funder


def _logo_name(sha256: str) -> str:
    return f"logos/{sha256[:2]}/{sha256}.png"
