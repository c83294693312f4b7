"""What the network app has for a user (their dashboard): assessments of their networks
made in the last weeks. Counted in one query."""

import datetime as dt
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from intercoop.core.dashboard import Task
from intercoop.directory.permissions import coordinated_network_ids, organization_roles
from intercoop.directory.selectors import member_networks_of
from intercoop.network.models import Assessment

RECENT_DAYS = 30


def dashboard_tasks(user: Any) -> list[Task]:
    mine = list(organization_roles(user))
    networks = coordinated_network_ids(user)
    if not (mine or networks):
        return []
    member_of = member_networks_of(mine)
    recent = (
        Assessment.objects.filter(
            created_at__gte=timezone.now() - dt.timedelta(days=RECENT_DAYS),
        )
        .filter(Q(network_id__in=networks) | Q(network_id__in=member_of))
        .values("network__slug", "network__name")
        .annotate(n=Count("pk"))
        .order_by("network__name")
    )
    return [
        Task(
            kind="assessments",
            label=_("New assessments of %(network)s") % {"network": row["network__name"]},
            count=row["n"],
            link=("network:assessments", [row["network__slug"]]),
        )
        for row in recent
    ]
