"""What clearing has waiting for a user (their dashboard): invoices their organisations
owe and have not confirmed, and proposed clearing runs of their networks. Each counted
in one query."""

from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from intercoop.clearing.models import ClearingRun, Obligation
from intercoop.core.dashboard import Task
from intercoop.directory.permissions import acting_organizations, coordinated_network_ids
from intercoop.directory.selectors import member_networks_of


def dashboard_tasks(user: Any) -> list[Task]:
    tasks = []
    acting = acting_organizations(user)
    if acting:
        owed = (
            Obligation.objects.filter(debtor_id__in=acting, confirmed_at__isnull=True)
            .exclude(status=Obligation.Status.DISPUTED)
            .values("debtor__slug", "debtor__name")
            .annotate(n=Count("pk"))
            .order_by("debtor__name")
        )
        tasks += [
            Task(
                kind="invoices",
                label=_("Invoices to confirm for %(org)s") % {"org": row["debtor__name"]},
                count=row["n"],
                link=("clearing:obligations", [row["debtor__slug"]]),
            )
            for row in owed
        ]
    networks = coordinated_network_ids(user)
    if acting or networks:
        member_of = member_networks_of(acting)
        runs = (
            ClearingRun.objects.filter(status=ClearingRun.Status.PROPOSED)
            .filter(Q(network_id__in=networks) | Q(network_id__in=member_of))
            .values("network__slug", "network__name")
            .annotate(n=Count("pk"))
            .order_by("network__name")
        )
        tasks += [
            Task(
                kind="clearing",
                label=_("Clearing runs proposed in %(network)s")
                % {"network": row["network__name"]},
                count=row["n"],
                link=("clearing:runs", [row["network__slug"]]),
            )
            for row in runs
        ]
    return tasks
