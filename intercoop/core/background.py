"""Long work in the background: a service checks its rule, then `task_run_submit` records a
TaskRun and queues it (once the transaction commits) for a worker (`intercoop db_worker`).

Apps register the work by name (`register_job`, wired in `config.apps`); a job takes the
actor and the TaskRun's params as keywords and returns what it did, in a sentence, and a
link to its result as (URL name, args) — domain code reverses no URL, the page does.
"""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from intercoop.core.audit import audit_record
from intercoop.core.errors import DomainError
from intercoop.core.models import TaskRun

JobResult = tuple[str, tuple[str, list[Any]] | None]
Job = Callable[..., JobResult]
JOBS: dict[str, Job] = {}


def register_job(name: str, job: Job) -> None:
    JOBS[name] = job


def task_run_submit(
    *,
    actor: Any,
    name: str,
    label: str,
    params: dict[str, Any],
    network: Any = None,
    organizations: Any = (),
) -> TaskRun:
    """Queue job `name` for `actor`. The caller (a service) has checked its rule; the job
    checks it again when it runs, as every service does. `network` and `organizations`
    place the audit event on their history pages."""
    if name not in JOBS:
        raise DomainError(_("Unknown task %(name)r") % {"name": name})
    with transaction.atomic():
        run = TaskRun.objects.create(
            name=name, label=label[:200], params=params, actor=actor, created_at=timezone.now()
        )
        audit_record(
            actor=actor,
            action="task.submit",
            target=run,
            summary=label,
            network=network,
            organizations=organizations,
        )
        from intercoop.core.tasks import background_run

        run_id = run.pk
        transaction.on_commit(lambda: background_run.enqueue(run_id))
    return run


def task_run_execute(*, task_run_id: int) -> TaskRun:
    """Run a queued task (the worker's side). Marking it running is its own short
    transaction, so a second worker never runs it twice."""
    claimed = TaskRun.objects.filter(pk=task_run_id, status=TaskRun.Status.QUEUED).update(
        status=TaskRun.Status.RUNNING, started_at=timezone.now()
    )
    run = TaskRun.objects.select_related("actor").get(pk=task_run_id)
    if not claimed:
        return run
    try:
        detail, link = JOBS[run.name](actor=run.actor, **run.params)
    except (DomainError, PermissionDenied) as error:
        message = error.message if isinstance(error, DomainError) else str(error)
        _finish(run, TaskRun.Status.FAILED, message, None)
    except Exception as error:
        failure = _("Failed: %(error)s") % {"error": type(error).__name__}
        _finish(run, TaskRun.Status.FAILED, failure, None)
        raise
    else:
        _finish(run, TaskRun.Status.DONE, detail, link)
    return run


def _finish(run: TaskRun, status: str, detail: str, link: Any) -> None:
    run.status, run.detail = status, detail[:500]
    run.link = [link[0], list(link[1])] if link else []
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "detail", "link", "finished_at"])


def task_runs_for(user: Any) -> QuerySet[TaskRun]:
    """The tasks a user may follow: their own; every one for staff."""
    runs = TaskRun.objects.select_related("actor")
    return runs if getattr(user, "is_staff", False) else runs.filter(actor=user)


def task_result_url(run: TaskRun) -> str:
    """Where a finished task's result is ('' when it has none)."""
    if not run.link:
        return ""
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse(run.link[0], args=run.link[1])
    except NoReverseMatch:
        return ""
