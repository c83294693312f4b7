"""What the exchange has waiting for a user (their dashboard): introductions to answer
and urgent calls for help on their networks' boards. Each counted in one query."""

from typing import Any

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from intercoop.core.dashboard import Task
from intercoop.directory.models import NetworkMembership
from intercoop.directory.permissions import acting_organizations, organization_roles
from intercoop.exchange.models import Introduction, Notice


def dashboard_tasks(user: Any) -> list[Task]:
    tasks = []
    acting = acting_organizations(user)
    if acting:
        tasks.append(
            Task(
                kind="introductions",
                label=_("Introductions waiting for your answer"),
                count=Introduction.objects.filter(
                    recipient_id__in=acting, status=Introduction.Status.PENDING
                ).count(),
                link=("exchange:introductions", []),
            )
        )
    mine = list(organization_roles(user))
    if mine:
        calls = (
            Notice.objects.filter(
                kind=Notice.Kind.HELP,
                urgent=True,
                withdrawn=False,
                expires_on__gte=timezone.localdate(),
                network__memberships__organization_id__in=mine,
                network__memberships__status=NetworkMembership.Status.MEMBER,
            )
            .values("network__slug", "network__name")
            .annotate(n=Count("pk", distinct=True))
            .order_by("network__name")
        )
        tasks += [
            Task(
                kind="notices",
                label=_("Urgent calls for help on %(network)s's board")
                % {"network": row["network__name"]},
                count=row["n"],
                link=("exchange:notices", [row["network__slug"]]),
            )
            for row in calls
        ]
    return tasks
