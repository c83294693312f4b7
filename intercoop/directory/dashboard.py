"""What the directory has waiting for a user (their dashboard): organisations to review
and applications to their networks. Each counted in one query."""

from typing import Any

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from intercoop.core.dashboard import Task
from intercoop.directory.models import NetworkMembership, NetworkRole, OrganizationRole
from intercoop.directory.permissions import coordinated_network_ids, is_coordinator, is_staff
from intercoop.directory.selectors import organizations_pending_review


def user_organizations(user: Any) -> QuerySet[OrganizationRole]:
    """The organisations the user has a role in, with the role, by name."""
    return (
        OrganizationRole.objects.filter(user=user)
        .select_related("organization")
        .order_by("organization__name")
    )


def user_networks(user: Any) -> QuerySet[NetworkRole]:
    """The networks the user coordinates, by name."""
    return (
        NetworkRole.objects.filter(user=user, role=NetworkRole.Role.COORDINATOR)
        .select_related("network")
        .order_by("network__name")
    )


def dashboard_tasks(user: Any) -> list[Task]:
    tasks = []
    if is_staff(user) or is_coordinator(user):
        tasks.append(
            Task(
                kind="reviews",
                label=_("Organisations waiting for review"),
                count=organizations_pending_review(user=user).count(),
                link=("directory:review", []),
            )
        )
    networks = coordinated_network_ids(user)
    if networks:
        applications = (
            NetworkMembership.objects.filter(
                network_id__in=networks, status=NetworkMembership.Status.APPLICANT
            )
            .values("network__slug", "network__name")
            .annotate(n=Count("pk"))
            .order_by("network__name")
        )
        tasks += [
            Task(
                kind="applications",
                label=_("Applications to join %(network)s") % {"network": row["network__name"]},
                count=row["n"],
                link=("directory:network", [row["network__slug"]]),
            )
            for row in applications
        ]
    return tasks
