"""The audit event of a governance write, filed under the body's network or
organisation so that their history pages show it."""

from typing import Any

from intercoop.core.audit import audit_record
from intercoop.governance.models import Body


def governance_audit(actor: Any, action: str, poll_or_body: Any, summary: str) -> None:
    body = poll_or_body if isinstance(poll_or_body, Body) else poll_or_body.body
    audit_record(
        actor=actor,
        action=action,
        target=poll_or_body,
        summary=summary,
        network=body.network_id,
        organizations=[body.organization_id] if body.organization_id else [],
    )
