"""Background tasks of core (Django's task API; a worker runs them: `intercoop db_worker`)."""

from django_tasks import task

from intercoop.core.background import task_run_execute
from intercoop.core.imports import import_job_run
from intercoop.core.services import mail_deliver


@task()
def import_run(job_id: int) -> str:
    return import_job_run(job_id=job_id).status


@task()
def background_run(task_run_id: int) -> str:
    return task_run_execute(task_run_id=task_run_id).status


@task()
def mail_send(subject: str, body: str, recipients: list[str]) -> int:
    return mail_deliver(subject=subject, body=body, recipients=recipients)


@task()
def digests_run(period: str) -> int:
    from intercoop.core.notifications import digests_send

    return digests_send(period=period)
