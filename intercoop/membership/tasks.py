"""Background work of the pathways: reminders of overdue steps (and the course,
probation and equity steps that completed by themselves), queued by `intercoop clock`."""

from django.utils import timezone
from django_tasks import task

from intercoop.membership.reminders import steps_remind


@task()
def reminders_tick() -> dict[str, int]:
    return {"reminded": steps_remind(on=timezone.localdate())}
