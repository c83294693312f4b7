"""Background work of the funds: each day, the interest of instalments falling due goes
into the books (and, for loans settled by clearing, becomes an obligation), queued by
`intercoop clock`."""

from django.utils import timezone
from django_tasks import task

from intercoop.capital.decisions import instalments_fall_due


@task()
def instalments_tick() -> dict[str, int]:
    return {"fell_due": instalments_fall_due(until=timezone.localdate())}
