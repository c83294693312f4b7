"""Background tasks of governance: closing polls at their deadline and the reminder 24
hours before, queued every minute by `intercoop clock`."""

from django_tasks import task

from intercoop.governance.services import polls_close_due, polls_remind


@task()
def polls_tick() -> dict[str, int]:
    return {"closed": polls_close_due(), "reminded": polls_remind()}
