"""Fixtures of the network's tests: two member organisations with their own speakers."""

from typing import Any

import pytest

from intercoop.conftest import make_org, make_user
from intercoop.core.audit import system_actor
from intercoop.core.models import AuditEvent
from intercoop.directory import services as directory
from intercoop.network.models import Assessment, EconomyBaseline, MetricSnapshot, Relationship


@pytest.fixture
def sides(people: Any, network: Any, org: Any) -> dict[str, Any]:
    """`org` (admin: people["admin"]) and a bakery with its own admin, both members of
    `network` (coordinator: people["coordinator"])."""
    bakery = make_org(name="Bakery")
    directory.network_member_join(actor=system_actor(), network=network, organization=bakery)
    baker = make_user("baker")
    directory.organization_role_assign(
        actor=system_actor(), organization=bakery, user=baker, role="admin"
    )
    return {"org": org, "bakery": bakery, "baker": baker, "network": network}


def counts() -> dict[str, int]:
    """Rows of everything the network's writes touch, and the audit trail."""
    return {
        "relationships": Relationship.objects.count(),
        "assessments": Assessment.objects.count(),
        "baselines": EconomyBaseline.objects.count(),
        "snapshots": MetricSnapshot.objects.count(),
        "audit": AuditEvent.objects.count(),
    }
