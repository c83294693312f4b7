"""Reads of what core keeps: audit events, for history pages and `intercoop audit`."""

from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet

from intercoop.core.models import AuditEvent


def audit_events(
    *,
    since: datetime | None = None,
    actor: str | None = None,
    organization_id: int | None = None,
    network_id: int | None = None,
    visible: Q | None = None,
) -> QuerySet[AuditEvent]:
    """Events newest first, narrowed by time, actor's username, organisation or network,
    and by what the viewer may see (`visible`, from the app's access rules)."""
    events = AuditEvent.objects.all()
    if since is not None:
        events = events.filter(at__gte=since)
    if actor:
        events = events.filter(actor_name=actor)
    if organization_id is not None:
        events = events.filter(subjects__organization_id=organization_id)
    if network_id is not None:
        events = events.filter(network_id=network_id)
    if visible is not None:
        events = events.filter(visible)
    return events.order_by("-at", "-pk")


def audit_as_dict(event: AuditEvent) -> dict[str, Any]:
    """One event as the CLI and API print it."""
    return {
        "at": event.at.isoformat(),
        "actor": event.actor_name,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "summary": event.summary,
        "request_id": event.request_id,
        "network_id": event.network_id,
    }
