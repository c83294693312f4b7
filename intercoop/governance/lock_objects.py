"""Row locks of governance's writes, taken before anything is written: a poll being
opened, closed or voted in is changed by one request at a time."""

from intercoop.governance.models import Poll


def poll_for_update(pk: int) -> Poll:
    return (
        Poll.objects.filter(pk=pk)
        .select_related("body")
        .order_by("pk")
        .select_for_update(of=("self",))
        .get()
    )
