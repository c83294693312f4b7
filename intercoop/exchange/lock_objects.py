"""Row locks of the exchange's writes, in one global order (by primary key), taken before
anything is written."""

from collections.abc import Iterable

from intercoop.directory.models import Organization
from intercoop.exchange.models import Deal, Introduction


def organizations_for_update(ids: Iterable[int]) -> list[Organization]:
    """Lock organisations (an introduction request counts its sender's requests of the
    day under this lock, so parallel requests see each other)."""
    return list(
        Organization.objects.filter(pk__in=sorted(set(ids)))
        .order_by("pk")
        .select_for_update(of=("self",))
    )


def introduction_for_update(pk: int) -> Introduction:
    """An introduction being answered: answered once, by one request."""
    return (
        Introduction.objects.filter(pk=pk)
        .select_related("requester", "recipient")
        .order_by("pk")
        .select_for_update(of=("self",))
        .get()
    )


def deal_for_update(pk: int) -> Deal:
    """A deal being redeemed or withdrawn."""
    return (
        Deal.objects.filter(pk=pk)
        .select_related("organization", "network")
        .order_by("pk")
        .select_for_update(of=("self",))
        .get()
    )
