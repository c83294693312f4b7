"""Reads of a user's home: their organisations and networks, what needs them (every
app's registered tasks) and the recent activity of their organisations and networks."""

from typing import Any

from django.db.models import Q, QuerySet

from intercoop.core.dashboard import Task, tasks_for
from intercoop.core.models import AuditEvent, AuditSubject
from intercoop.core.selectors import audit_events
from intercoop.directory.dashboard import user_networks, user_organizations
from intercoop.directory.models import NetworkRole, OrganizationRole

ACTIVITY_SHOWN = 15


def recent_activity(*, organization_ids: list[int], network_ids: list[int]) -> QuerySet[AuditEvent]:
    """What happened lately to the user's organisations (all of it, as on their history
    pages) and in the networks they coordinate (as on the network's history page)."""
    if not (organization_ids or network_ids):
        return AuditEvent.objects.none()
    concerning = AuditSubject.objects.filter(organization_id__in=organization_ids)
    visible = Q(pk__in=concerning.values("event_id")) | Q(network_id__in=network_ids)
    return audit_events(visible=visible)[:ACTIVITY_SHOWN]


def dashboard(*, user: Any) -> dict[str, Any]:
    organizations: list[OrganizationRole] = list(user_organizations(user))
    networks: list[NetworkRole] = list(user_networks(user))
    tasks: list[Task] = tasks_for(user)
    activity = list(
        recent_activity(
            organization_ids=[role.organization_id for role in organizations],
            network_ids=[role.network_id for role in networks],
        )
    )
    return {
        "organizations": organizations,
        "networks": networks,
        "tasks": tasks,
        "activity": activity,
    }
