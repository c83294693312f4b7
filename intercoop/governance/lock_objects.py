"""Row locks of governance's writes, taken before anything is written: a poll being
opened, closed or voted in is changed by one request at a time, and so are a body's
proxies (the body's row is locked while one is given, so two cannot both pass the
limit)."""

from intercoop.governance.models import Body, Poll


def poll_for_update(pk: int) -> Poll:
    return (
        Poll.objects.filter(pk=pk)
        .select_related("body")
        .order_by("pk")
        .select_for_update(of=("self",))
        .get()
    )


def body_for_update(pk: int) -> Body:
    return Body.objects.filter(pk=pk).order_by("pk").select_for_update(of=("self",)).get()
