"""Background work of the duplicate check, run by `jaring worker`: the registry-wide scan and the check of an
uploaded list. Each is a core.Job row plus a task that takes the job's id only; running one twice computes the
same pairs again and stores nothing twice (pairs are unique per two persons, a list's CSV is rewritten)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django_tasks import task

from jaring.core.actors import Actor
from jaring.core.errors import DomainError
from jaring.core.models import Job, User
from jaring.core.permissions import Capability
from jaring.core.services import job_create, job_fail, job_finish, job_progress, job_start
from jaring.duplicates import checks, thresholds
from jaring.duplicates.models import MatchPair
from jaring.duplicates.selectors import duplicates_scope, person_in_scope
from jaring.duplicates.services import pairs_record, persons_merge
from jaring.programmes.models import Programme
from jaring.registry.imports.files import ImportFileError
from jaring.registry.models import Application

SCAN = "duplicates.scan"
FILE_CHECK = "duplicates.file_check"
UNFINISHED = (Job.Status.QUEUED, Job.Status.RUNNING)
FOLDER = "duplicates"


def registry_scan_start(*, actor: User, auto_merge: bool = False) -> Job:
    """Queue a scan of the whole registry for the actor's funder (every funder for the system operator). An
    unfinished scan of the same funder is returned instead of a second one."""
    scope = duplicates_scope(actor)
    running = Job.objects.filter(kind=SCAN, params__funder_id=scope.funder_id, status__in=UNFINISHED).first()
    if running is not None:
        return running
    job = job_create(
        kind=SCAN,
        label=_("Pindai data ganda di registri"),
        actor=actor,
        params={"funder_id": scope.funder_id, "auto_merge": auto_merge},
    )
    transaction.on_commit(lambda: _enqueue(registry_scan, job))
    return job


def file_check_start(
    *, actor: User, programme: Programme | None, file_name: str, content: bytes, against_registry: bool
) -> Job:
    """Keep the uploaded list under MEDIA_ROOT (never served) and queue its check. Against the registry it
    compares the persons of the programme's funder only, which must be the officer's own: the CSV names the NIK
    of every registry person matched."""
    scope = Actor.of(actor).require(Capability.IMPORT_APPLICANTS, Capability.REVIEW_DUPLICATES, programme=programme)
    if programme is None and not scope.everything:
        raise DomainError(_("Pilih program."), field="programme")
    job = job_create(
        kind=FILE_CHECK,
        label=_("Periksa data ganda: %(file)s") % {"file": file_name[:150]},
        actor=actor,
        params={
            "programme_id": programme.pk if programme is not None else None,
            "against_registry": against_registry,
            "file_name": file_name[:200],
        },
    )
    folder = Path(settings.MEDIA_ROOT) / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"list-{job.pk}.bin").write_bytes(content)
    transaction.on_commit(lambda: _enqueue(file_check_task, job))
    return job


def _enqueue(work: Any, job: Job) -> None:
    result = work.enqueue(job_id=job.pk)
    Job.objects.filter(pk=job.pk).update(task_result_id=str(result.id))


def _progress(job: Job) -> Callable[[int, int], None]:
    def report(done: int, total: int) -> None:
        job_progress(job=job, done=done, total=total)

    return report


@task()
def registry_scan(job_id: int) -> None:
    job = Job.objects.select_related("created_by").get(pk=job_id)
    try:
        result = registry_scan_run(job)
    except Exception as exc:
        job_fail(job=job, message=str(exc)[:500])
        raise
    job_finish(job=job, result=result, message=scan_message(result))


def registry_scan_run(job: Job) -> dict[str, int]:
    job_start(job=job)
    funder_id = job.params.get("funder_id")
    run = checks.registry_scan(on_progress=_progress(job))
    found = checks.in_scope(run.matches or [], funder_id=funder_id)
    result = {"persons": run.records, "candidates": run.candidates, "pairs": len(found)}
    result.update(pairs_record(matches=found, job=job))
    result["same_person"] = sum(1 for match in found if match.probability >= thresholds.SAME_PERSON)
    result["merged"] = 0
    if job.params.get("auto_merge") and job.created_by is not None:
        result["merged"] = _auto_merge(job.created_by, funder_id=funder_id)
    return result


def _auto_merge(actor: User, *, funder_id: int | None) -> int:
    """Merge the open pairs at or above AUTO_MERGE whose persons applied to no other funder's
    programme (no other funder's application moves without its officers), keeping the older record; a pair that
    would collide (two places in one month) stays in the queue."""
    scope = duplicates_scope(actor)
    merged = 0
    pairs = MatchPair.objects.filter(status=MatchPair.Status.OPEN, probability__gte=thresholds.AUTO_MERGE)
    for pair in pairs.select_related("person_a", "person_b").order_by("-probability", "id"):
        persons = (pair.person_a_id, pair.person_b_id)
        if not any(person_in_scope(scope, person) for person in persons):
            continue
        if funder_id is not None and (
            Application.objects.filter(person_id__in=persons).exclude(programme__funder_id=funder_id).exists()
        ):
            continue
        try:
            persons_merge(pair=pair, survivor=pair.person_a, actor=actor, note=_("digabung otomatis oleh pemindaian"))
        except DomainError:
            continue
        merged += 1
    return merged


def scan_message(result: dict[str, int]) -> str:
    message = _(
        "%(persons)s orang dipindai, %(pairs)s pasangan mungkin orang yang sama (%(same)s di atas ambang keputusan); "
        "%(new)s baru di antrean pemeriksaan, %(decided)s sudah pernah diputuskan."
    ) % {
        "persons": result.get("persons", 0),
        "pairs": result.get("pairs", 0),
        "same": result.get("same_person", 0),
        "new": result.get("new", 0),
        "decided": result.get("decided_before", 0),
    }
    if result.get("merged"):
        message += " " + _("%(merged)s pasangan digabung otomatis.") % {"merged": result["merged"]}
    return message


@task()
def file_check_task(job_id: int) -> None:
    job = Job.objects.select_related("created_by").get(pk=job_id)
    try:
        result = file_check_run(job)
    except ImportFileError as exc:
        job_fail(job=job, message=exc.message)
        return
    except Exception as exc:
        job_fail(job=job, message=str(exc)[:500])
        raise
    job_finish(job=job, result=result, message=file_check_message(result))


def file_check_run(job: Job) -> dict[str, object]:
    job_start(job=job)
    folder = Path(settings.MEDIA_ROOT) / FOLDER
    programme = None
    if job.params.get("programme_id"):
        programme = Programme.objects.select_related("funder").get(pk=job.params["programme_id"])
    listing = folder / f"list-{job.pk}.bin"
    try:
        check = checks.file_check(
            listing,
            programme=programme,
            against_registry=bool(job.params.get("against_registry")),
            on_progress=_progress(job),
        )
    finally:
        # The list holds every row's NIK, name and address: kept no longer than the check needs it.
        listing.unlink(missing_ok=True)
    name = f"duplikat-{job.pk}.csv"
    (folder / name).write_text(check.csv(), encoding="utf-8")
    return {
        "file": f"{FOLDER}/{name}",
        "rows": check.run.records,
        "registry": check.run.others,
        "pairs": len(check.matches),
        "unknown_columns": check.listed.unknown_columns,
        "missing_columns": check.listed.missing_columns,
    }


def file_check_message(result: dict[str, object]) -> str:
    return _("%(rows)s baris diperiksa: %(pairs)s pasangan kemungkinan besar orang yang sama.") % {
        "rows": result.get("rows", 0),
        "pairs": result.get("pairs", 0),
    }
