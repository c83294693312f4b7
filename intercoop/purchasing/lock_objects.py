"""Row locks of joint purchasing, in one global order: the network, then its rounds by
pk, then a round's articles, then its bids by pk (and after them whatever clearing locks
for the invoices a delivery records). A transaction takes every lock it needs, in this order,
before it writes, so two writers never wait for each other in a circle.

Each function returns the rows it locked (re-read under the lock)."""

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from intercoop.directory.models import Network
from intercoop.purchasing.models import Article, Bid, Round


def _locked(queryset: QuerySet[Any]) -> QuerySet[Any]:
    return queryset.order_by("pk").select_for_update(of=("self",))


def network_for_update(network_id: int) -> Network:
    """Serialises the network's patronage distributions (and so its capital accounts)."""
    return _locked(Network.objects.filter(pk=network_id)).get()


def rounds_for_update(round_ids: Iterable[int]) -> list[Round]:
    return list(_locked(Round.objects.filter(pk__in=list(round_ids)).select_related("network")))


def round_for_update(round_id: int) -> Round:
    (round,) = rounds_for_update([round_id])
    return round


def articles_for_update(round_id: int) -> dict[int, Article]:
    return {a.pk: a for a in _locked(Article.objects.filter(round_id=round_id))}


def bid_for_update(bid_id: int) -> Bid:
    return _locked(Bid.objects.filter(pk=bid_id)).get()
