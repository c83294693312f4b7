"""Audit events: every service records who changed what, in the write's own transaction.

    audit_record(actor=actor, action="obligation.confirm", target=obligation,
                 summary="confirmed 120.00 USD", organizations=[debtor, creditor])

`actor` is the signed-in user, or `system_actor()` for the CLI, the demo and tasks.
"""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.utils import timezone

from intercoop.core.middleware import current_request_id
from intercoop.core.models import AuditEvent, AuditSubject

SYSTEM_USERNAME = "intercoop-system"


def system_actor() -> Any:
    """The explicit actor of the CLI, the demo and background tasks: a staff account that
    cannot sign in (inactive, no usable password)."""
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(
        username=SYSTEM_USERNAME,
        defaults={"is_staff": True, "is_active": False, "first_name": "Intercoop"},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    elif user.is_active or not user.is_staff or user.has_usable_password():
        # someone else's account under the reserved name: never act as it
        raise RuntimeError(f"the account {SYSTEM_USERNAME!r} is not the system's")
    return user


def _id(value: Any) -> int | None:
    if value is None:
        return None
    return int(value if isinstance(value, int) else value.pk)


def audit_record(
    *,
    actor: Any,
    action: str,
    target: models.Model,
    summary: str = "",
    organizations: Iterable[Any] = (),
    network: Any = None,
    at: datetime | None = None,
) -> AuditEvent:
    """Record one change. Call it inside the service's transaction, after the write."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError(f"audit_record({action}) outside a transaction")
    event = AuditEvent.objects.create(
        at=at or timezone.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=getattr(actor, "username", "") or "anonymous",
        action=action,
        object_type=target._meta.label_lower,
        object_id=str(target.pk),
        summary=summary[:500],
        request_id=current_request_id(),
        network_id=_id(network),
    )
    subjects = {_id(org) for org in organizations} - {None}
    AuditSubject.objects.bulk_create(
        AuditSubject(event=event, organization_id=pk) for pk in sorted(s for s in subjects if s)
    )
    return event
