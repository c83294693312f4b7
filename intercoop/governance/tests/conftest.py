"""A network of three member co-ops, each with an administrator, and its coordinator."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from intercoop.conftest import make_org, make_user
from intercoop.core.audit import system_actor
from intercoop.directory import services as directory
from intercoop.directory.models import Network, NetworkRole, OrganizationRole
from intercoop.governance import services
from intercoop.governance.models import Body, Poll


def soon(hours: int = 48) -> Any:
    return timezone.now() + timedelta(hours=hours)


@pytest.fixture
def coop_network(db: Any) -> dict[str, Any]:
    """network, coordinator, orgs a/b/c with admins admin_a/admin_b/admin_c, an outsider,
    and the network's body."""
    system = system_actor()
    network = directory.network_create(actor=system, slug="valley", name="Valley Network")
    coordinator = make_user("coordinator")
    directory.network_role_assign(
        actor=system, network=network, user=coordinator, role=NetworkRole.Role.COORDINATOR
    )
    found: dict[str, Any] = {"network": network, "coordinator": coordinator}
    for key in "abc":
        org = make_org(name=f"Co-op {key.upper()}")
        directory.network_member_join(actor=system, network=network, organization=org)
        admin = make_user(f"admin_{key}")
        directory.organization_role_assign(
            actor=system, organization=org, user=admin, role=OrganizationRole.Role.ADMIN
        )
        found[f"org_{key}"], found[f"admin_{key}"] = org, admin
    found["outsider"] = make_user("outsider")
    found["body"] = services.body_ensure(actor=coordinator, network=network)
    return found


def open_poll(net: dict[str, Any], kind: str = "proposal", **values: Any) -> Poll:
    body: Body = net["body"]
    if kind not in ("proposal", "consent"):
        values.setdefault("options", ["Ana", "Ben", "Cai"])
    poll = services.poll_create(
        actor=net["coordinator"], body=body, kind=kind, title=f"A {kind}", **values
    )
    return services.poll_open(actor=net["coordinator"], poll=poll, closes_at=soon())


__all__ = ["Network", "open_poll", "soon"]
