"""Imports from the web: an uploaded file becomes an ImportJob, run by a background task.

Each app offers its formats through `register` (wired in `config.apps`): a label, the rule
for who may import, and the function that imports decoded text all or nothing (or skipping
bad rows when asked), raising ImportFailed with the bad rows. Core knows no format itself.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from intercoop.core.audit import audit_record
from intercoop.core.csvfiles import decode_upload
from intercoop.core.errors import DomainError, ImportFailed, RowError
from intercoop.core.models import ImportJob
from intercoop.core.permissions import require


@dataclass
class ImportOutcome:
    """What an import did: counts such as {"created": 3, "updated": 1}, and the rows it
    skipped (with skip_bad_rows)."""

    counts: dict[str, int]
    skipped: list[RowError] = field(default_factory=list)


# (actor=, text=, network_slug=, skip_bad_rows=) → ImportOutcome
RunImport = Callable[..., ImportOutcome]
# (actor, network slug or "") → may this user import this format (into this network)?
MayImport = Callable[[Any, str], bool]


@dataclass(frozen=True)
class Importer:
    format: str
    label: Any
    run: RunImport
    may_import: MayImport
    needs_network: bool = False
    # The networks this user may import into, as (slug, name), for the form's choice.
    networks_for: Callable[[Any], list[tuple[str, str]]] = lambda user: []


IMPORTERS: dict[str, Importer] = {}


def register(importer: Importer) -> None:
    IMPORTERS[importer.format] = importer


def import_jobs_for(user: Any) -> Any:
    """The imports a user may follow: their own; every one for staff."""
    jobs = ImportJob.objects.select_related("created_by").defer("data")
    return jobs if getattr(user, "is_staff", False) else jobs.filter(created_by=user)


def importers_for(user: Any) -> list[Importer]:
    """The formats this user may import (some format-specific rules need a network)."""
    return [i for i in IMPORTERS.values() if user.is_authenticated and i.may_import(user, "")]


def import_job_submit(
    *,
    actor: Any,
    format: str,
    filename: str,
    data: bytes,
    network_slug: str = "",
    skip_bad_rows: bool = False,
) -> ImportJob:
    """Queue an import of `data`; the task starts once this transaction commits."""
    importer = IMPORTERS.get(format)
    if importer is None:
        raise DomainError(
            _("Unknown import format %(format)r") % {"format": format[:40]}, field="format"
        )
    require(
        bool(actor and actor.is_authenticated) and importer.may_import(actor, network_slug),
        _("Only staff and the network's coordinators may import files"),
    )
    if importer.needs_network and not network_slug:
        raise DomainError(_("Choose the network to import into"), field="network")
    if len(data) > settings.UPLOAD_MAX_BYTES:
        raise DomainError(
            _("The file is larger than %(mb)d MB; use the command line for it")
            % {"mb": settings.UPLOAD_MAX_BYTES // 1_000_000},
            field="file",
        )
    if not data:
        raise DomainError(_("The file is empty"), field="file")
    with transaction.atomic():
        job = ImportJob.objects.create(
            format=format,
            network_slug=network_slug[:100],
            filename=(filename or "upload")[-255:],
            data=data,
            skip_bad_rows=skip_bad_rows,
            created_by=actor,
            created_at=timezone.now(),
        )
        audit_record(
            actor=actor,
            action="import.submit",
            target=job,
            summary=f"{format} {job.filename} ({len(data):,} bytes)",
        )
        from intercoop.core.tasks import import_run

        job_id = job.pk
        transaction.on_commit(lambda: import_run.enqueue(job_id))
    return job


def import_job_run(*, job_id: int) -> ImportJob:
    """Run a queued import (the task's body). Each step is its own short transaction: the
    job is marked running, the importer writes (all or nothing), the outcome is recorded."""
    updated = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.RUNNING, started_at=timezone.now()
    )
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if not updated:
        return job  # another worker has it, or it is finished
    importer = IMPORTERS.get(job.format)
    try:
        if importer is None:
            raise DomainError(_("Unknown import format %(format)r") % {"format": job.format})
        text = decode_upload(bytes(job.data))
        outcome = importer.run(
            actor=job.created_by,
            text=text,
            network_slug=job.network_slug,
            skip_bad_rows=job.skip_bad_rows,
        )
    except ImportFailed as failure:
        _finish(job, ImportJob.Status.FAILED, failure.message, {}, failure.errors)
    except DomainError as error:
        _finish(job, ImportJob.Status.FAILED, error.message, {}, [])
    except PermissionDenied as denied:
        _finish(job, ImportJob.Status.FAILED, str(denied), {}, [])
    except Exception as error:  # recorded for the user; the worker goes on
        _finish(
            job,
            ImportJob.Status.FAILED,
            _("The import failed: %(error)s") % {"error": type(error).__name__},
            {},
            [],
        )
        raise
    else:
        counts = outcome.counts | {"skipped": len(outcome.skipped)}
        _finish(job, ImportJob.Status.DONE, _("Imported"), counts, outcome.skipped)
    return job


def _finish(
    job: ImportJob, status: str, detail: str, counts: dict[str, int], errors: list[RowError]
) -> None:
    job.status = status
    job.detail = detail[:500]
    job.counts = counts
    job.errors = [{"line": e.line, "field": e.field, "reason": e.reason} for e in errors[:1000]]
    job.finished_at = timezone.now()
    with transaction.atomic():
        job.save(update_fields=["status", "detail", "counts", "errors", "finished_at"])
        audit_record(
            actor=job.created_by,
            action=f"import.{status}",
            target=job,
            summary=f"{job.format} {job.filename}: {detail}"[:500],
        )
