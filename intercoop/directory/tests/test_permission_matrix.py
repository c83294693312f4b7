"""Who × write → allowed?, for every write service of the directory, called with `actor=`.

A refused write raises PermissionDenied and leaves every table as it was (rows, values and
audit events); an allowed one records exactly the audit events it should.
"""

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied

from intercoop.conftest import make_org, make_user
from intercoop.core.audit import system_actor
from intercoop.core.models import AuditEvent, AuditSubject
from intercoop.directory import services
from intercoop.directory.importers import FORMATS
from intercoop.directory.imports import organizations_import
from intercoop.directory.models import (
    ImportRun,
    Network,
    NetworkMembership,
    NetworkRole,
    Organization,
    OrganizationRole,
)

WHO = ["anonymous", "outsider", "member", "admin", "coordinator", "other_coordinator", "staff"]
MODELS = [
    Organization,
    Network,
    NetworkMembership,
    NetworkRole,
    OrganizationRole,
    ImportRun,
    AuditEvent,
    AuditSubject,
]


def snapshot() -> dict[str, list[dict[str, Any]]]:
    """Every row of every table a directory write touches, by value."""
    return {
        model.__name__: list(model._default_manager.order_by("pk").values()) for model in MODELS
    }


@pytest.fixture
def world(people, org, network):
    """Beside `people`: a pending organisation that applied to `network`, one that applied
    to it and waits for admission, and a newcomer without a role anywhere."""
    system = system_actor()
    pending = services.organization_create(
        actor=make_user("founder"), values={"name": "Pending Co-op"}, apply_to=network
    )
    applicant = make_org(name="Applicant Co-op")
    services.network_member_apply(actor=system, network=network, organization=applicant)
    return {
        "org": org,
        "network": network,
        "elsewhere": Network.objects.get(slug="elsewhere"),
        "pending": pending,
        "applicant": applicant,
        "newcomer": make_user("newcomer"),
    }


PLAIN_CSV = "name,locality\nImported Co-op,Leeds\n"


def _import(network: str | None) -> Callable[..., Any]:
    def run(actor: Any, w: dict[str, Any]) -> Any:
        return organizations_import(
            records=FORMATS["plain"](io.StringIO(PLAIN_CSV)),
            format="plain",
            filename="orgs.csv",
            network=w[network] if network else None,
            actor=actor,
        )

    return run


# service → (call, who may, the audit actions an allowed call records)
WRITES: dict[str, tuple[Callable[..., Any], set[str], list[str]]] = {
    "organization_create": (
        lambda actor, w: services.organization_create(actor=actor, values={"name": "New Co-op"}),
        {"outsider", "member", "admin", "coordinator", "other_coordinator", "staff"},
        ["organization.create"],
    ),
    "organization_update": (
        lambda actor, w: services.organization_update(
            actor=actor, organization=w["org"], values={"locality": "York"}
        ),
        {"admin", "coordinator", "staff"},
        ["organization.update"],
    ),
    "organization_review": (
        lambda actor, w: services.organization_review(
            actor=actor, organization=w["pending"], approve=True
        ),
        {"coordinator", "staff"},
        ["organization.approve", "network_member.admit"],
    ),
    "organization_delete": (
        lambda actor, w: services.organization_delete(actor=actor, organization=w["org"]),
        {"staff"},
        ["organization.delete"],
    ),
    "network_create": (
        lambda actor, w: services.network_create(actor=actor, slug="new", name="New"),
        {"staff"},
        ["network.create"],
    ),
    "network_update": (
        lambda actor, w: services.network_update(
            actor=actor, network=w["network"], name="Valley", kind="federation"
        ),
        {"coordinator", "staff"},
        ["network.update"],
    ),
    "network_member_apply": (
        lambda actor, w: services.network_member_apply(
            actor=actor, network=w["elsewhere"], organization=w["org"]
        ),
        {"admin", "staff"},
        ["network_member.apply"],
    ),
    "network_member_admit": (
        lambda actor, w: services.network_member_admit(
            actor=actor, network=w["network"], organization=w["applicant"]
        ),
        {"coordinator", "staff"},
        ["network_member.admit"],
    ),
    "network_member_leave": (
        lambda actor, w: services.network_member_leave(
            actor=actor, network=w["network"], organization=w["org"]
        ),
        {"admin", "coordinator", "staff"},
        ["network_member.leave"],
    ),
    "network_role_assign": (
        lambda actor, w: services.network_role_assign(
            actor=actor, network=w["network"], user=w["newcomer"], role="coordinator"
        ),
        {"coordinator", "staff"},
        ["network_role.assign"],
    ),
    "network_role_remove": (
        lambda actor, w: services.network_role_remove(
            actor=actor,
            network=w["network"],
            user=User.objects.get(username="coordinator"),
        ),
        {"coordinator", "staff"},
        ["network_role.remove"],
    ),
    "organization_role_assign": (
        lambda actor, w: services.organization_role_assign(
            actor=actor, organization=w["org"], user=w["newcomer"], role="editor"
        ),
        {"admin", "staff"},
        ["organization_role.assign"],
    ),
    "organization_role_remove": (
        lambda actor, w: services.organization_role_remove(
            actor=actor, organization=w["org"], user=User.objects.get(username="member")
        ),
        {"admin", "staff"},
        ["organization_role.remove"],
    ),
    "organizations_import into a network": (
        _import("network"),
        {"coordinator", "staff"},
        ["organization.import"],
    ),
    "organizations_import without a network": (
        _import(None),
        {"staff"},
        ["organization.import"],
    ),
}


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("write", list(WRITES))
def test_every_write_checks_its_rule(people, world, write, who):
    call, allowed, actions = WRITES[write]
    actor = people[who] or AnonymousUser()
    before = snapshot()
    last = AuditEvent.objects.order_by("pk").last()
    if who in allowed:
        call(actor, world)
        events = AuditEvent.objects.filter(pk__gt=last.pk if last else 0).order_by("pk")
        assert [event.action for event in events] == actions
        assert {event.actor_name for event in events} == {who}
        assert {event.actor_id for event in events} == {actor.pk}
    else:
        with pytest.raises(PermissionDenied):
            call(actor, world)
        assert snapshot() == before


def test_the_matrix_covers_every_write_service():
    public = {
        name
        for name in dir(services)
        if callable(getattr(services, name))
        and getattr(getattr(services, name), "__module__", "") == services.__name__
        and not name.startswith("_")
        and name.split("_")[0] in {"organization", "network"}
    }
    # network_member_join is apply then admit, each in the matrix.
    assert public - {"network_member_join"} == {
        name.split(" ")[0] for name in WRITES if not name.startswith("organizations_import")
    }
