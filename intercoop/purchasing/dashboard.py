"""What joint purchasing has waiting for a user (their dashboard): rounds of their
networks open for orders (for those who speak for a member) and rounds taking bids in a
category their organisations offer (suppliers), not yet bid for. Each counted in one
query."""

from typing import Any

from django.db.models import Count
from django.utils.translation import gettext as _

from intercoop.core.dashboard import Task
from intercoop.directory.permissions import acting_organizations
from intercoop.directory.selectors import member_networks_of
from intercoop.purchasing.models import Bid, Round
from intercoop.purchasing.selectors import invited_categories

MAX_LISTED = 20


def dashboard_tasks(user: Any) -> list[Task]:
    acting = acting_organizations(user)
    if not acting:
        return []
    member_of = member_networks_of(acting)
    open_rounds = (
        Round.objects.filter(status=Round.Status.OPEN, network_id__in=member_of)
        .values("network__slug", "network__name")
        .annotate(n=Count("pk"))
        .order_by("network__name")
    )
    tasks = [
        Task(
            kind="rounds",
            label=_("Rounds of %(network)s open for orders") % {"network": row["network__name"]},
            count=row["n"],
            link=("purchasing:rounds", [row["network__slug"]]),
        )
        for row in open_rounds
    ]
    invited = invited_categories(organization_ids=acting)
    bidding = (
        Round.objects.filter(status=Round.Status.BIDDING, category__in=invited)
        .exclude(pk__in=Bid.objects.filter(supplier_id__in=acting).values("round_id"))
        .values_list("pk", "title", "network__name")
        .order_by("-created_at", "-pk")[:MAX_LISTED]
    )
    # one task per round: a supplier outside the network sees the round, not its list
    tasks += [
        Task(
            kind="bids",
            label=_("Your bid is invited: %(title)s (%(network)s)")
            % {"title": title, "network": network},
            count=1,
            link=("purchasing:round", [pk]),
        )
        for pk, title, network in bidding
    ]
    return tasks
