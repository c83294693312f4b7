"""Background work in the API. `POST /api/v1/imports` (multipart `file`, `format`,
optional `network`) answers 202 with the import's id; `GET /api/v1/imports/{id}` tells its
status, counts and row errors; `GET /api/v1/tasks/{id}` any other task's state."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile

from intercoop.core.api import WRITE_AUTH
from intercoop.core.background import task_result_url, task_runs_for
from intercoop.core.bounds import Text
from intercoop.core.imports import import_job_submit, import_jobs_for
from intercoop.core.models import ImportJob
from intercoop.core.permissions import authenticated_user

router = Router(tags=["imports"])


class ImportIn(Schema):
    format: Text(40)  # type: ignore[valid-type]
    network: Text(100) = ""  # type: ignore[valid-type]
    skip_bad_rows: bool = False


class RowErrorOut(Schema):
    line: int
    field: str
    reason: str


class ImportOut(Schema):
    id: int
    format: str
    network: str
    filename: str
    status: str
    detail: str
    counts: dict[str, int]
    errors: list[RowErrorOut]
    created_at: Any
    started_at: Any = None
    finished_at: Any = None


def _out(job: ImportJob) -> dict[str, Any]:
    return {
        "id": job.pk,
        "format": job.format,
        "network": job.network_slug,
        "filename": job.filename,
        "status": job.status,
        "detail": job.detail,
        "counts": job.counts,
        "errors": job.errors,
        "created_at": job.created_at,
        "started_at": job.started_at,
        "finished_at": job.finished_at,
    }


@router.post("/imports", auth=WRITE_AUTH, response={202: ImportOut}, summary="Queue an import")
def submit_import(
    request: HttpRequest,
    file: File[UploadedFile],
    data: Form[ImportIn],
) -> tuple[int, dict[str, Any]]:
    job = import_job_submit(
        actor=authenticated_user(request),
        format=data.format,
        filename=file.name or "upload",
        data=file.read(settings.UPLOAD_MAX_BYTES + 1),
        network_slug=data.network,
        skip_bad_rows=data.skip_bad_rows,
    )
    job.refresh_from_db()
    return 202, _out(job)


@router.get("/imports/{pk}", auth=WRITE_AUTH, response=ImportOut, summary="An import's status")
def read_import(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _out(get_object_or_404(import_jobs_for(authenticated_user(request)), pk=pk))


class TaskOut(Schema):
    id: int
    name: str
    label: str
    status: str
    detail: str
    result_url: str
    created_at: Any
    started_at: Any = None
    finished_at: Any = None


@router.get("/tasks/{pk}", auth=WRITE_AUTH, response=TaskOut, summary="A background task's state")
def read_task(request: HttpRequest, pk: int) -> dict[str, Any]:
    run = get_object_or_404(task_runs_for(authenticated_user(request)), pk=pk)
    return {
        "id": run.pk,
        "name": run.name,
        "label": run.label,
        "status": run.status,
        "detail": run.detail,
        "result_url": task_result_url(run),
        "created_at": run.created_at,
        "started_at": run.started_at,
        "finished_at": run.finished_at,
    }
