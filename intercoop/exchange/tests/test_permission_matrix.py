"""Who may make each exchange write, asked of the services themselves (the pages and the
API call them and repeat no rule). A refused write raises PermissionDenied and leaves
nothing behind: no row changed, no audit event."""

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from intercoop.core.models import AuditEvent
from intercoop.exchange import services
from intercoop.exchange.imports import exchange_import
from intercoop.exchange.tests.conftest import World, snapshot

WHO = ["anonymous", "outsider", "member", "admin", "coordinator", "other_coordinator", "staff",
       "other_admin"]  # fmt: skip
SPEAKERS = {"admin", "staff"}
IMPORT = (
    "organization,kind,category,title,description,tags\nriverside-bakery-co-op,offer,food,Cakes,,\n"
)

# action → (the service call, who may, the audit action recorded)
ACTIONS: dict[str, tuple[Callable[[World, Any], Any], set[str], str]] = {
    "item_create": (
        lambda w, a: services.exchange_item_create(
            actor=a, organization=w.org, values={"kind": "need", "category": "it", "title": "IT"}
        ),
        SPEAKERS,
        "need.create",
    ),
    "item_update": (
        lambda w, a: services.exchange_item_update(
            actor=a, item=w.item, values={"title": "Rye bread"}
        ),
        SPEAKERS,
        "offer.update",
    ),
    "item_withdraw": (
        lambda w, a: services.exchange_item_withdraw(actor=a, item=w.item),
        SPEAKERS,
        "offer.withdraw",
    ),
    # coordinators of a network the organisation is a member of may import for it
    "item_import": (
        lambda w, a: exchange_import(actor=a, stream=io.StringIO(IMPORT)),
        SPEAKERS | {"coordinator"},
        "offer.import",
    ),
    "introduction_request": (
        lambda w, a: services.introduction_request(
            actor=a, requester=w.org, recipient=w.shopper_org, message="Hello"
        ),
        SPEAKERS,
        "introduction.request",
    ),
    # the school asked the bakery (org): the bakery answers, not the school
    "introduction_accept": (
        lambda w, a: services.introduction_answer(
            actor=a, introduction=w.introduction, accept=True
        ),
        SPEAKERS,
        "introduction.accept",
    ),
    "introduction_decline": (
        lambda w, a: services.introduction_answer(
            actor=a, introduction=w.introduction, accept=False
        ),
        SPEAKERS,
        "introduction.decline",
    ),
    "introduction_block": (
        lambda w, a: services.introduction_block(actor=a, organization=w.org, blocked=w.school),
        SPEAKERS,
        "introduction.block",
    ),
    "notice_post": (
        lambda w, a: services.notice_post(
            actor=a,
            network=w.network,
            organization=w.org,
            values={"kind": "housing", "title": "Flat to let", "body": "Two rooms"},
        ),
        SPEAKERS,
        "notice.post",
    ),
    # the poster's people change a notice; coordinators only take it off the board
    "notice_update": (
        lambda w, a: services.notice_update(
            actor=a, notice=w.notice, values={"title": "Two flats to let"}
        ),
        SPEAKERS,
        "notice.update",
    ),
    # the network's coordinators keep its board
    "notice_withdraw": (
        lambda w, a: services.notice_withdraw(actor=a, notice=w.notice),
        SPEAKERS | {"coordinator"},
        "notice.withdraw",
    ),
    "deal_create": (
        lambda w, a: services.deal_create(
            actor=a,
            organization=w.org,
            values={"title": "Free coffee", "discount_percent": 100, "audience": "social"},
        ),
        SPEAKERS,
        "deal.create",
    ),
    "deal_withdraw": (
        lambda w, a: services.deal_withdraw(actor=a, deal=w.deal),
        SPEAKERS,
        "deal.withdraw",
    ),
    "deal_redeem": (
        lambda w, a: services.deal_redeem(actor=a, deal=w.deal, card=w.card),
        SPEAKERS,
        "deal.redeem",
    ),
}


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_permission_matrix(world, action, who):
    call, allowed, audit_action = ACTIONS[action]
    actor = world.actor(who)
    before = snapshot()
    if who in allowed:
        call(world, actor)
        assert AuditEvent.objects.filter(action=audit_action, actor_name=who).count() == 1
    else:
        with pytest.raises(PermissionDenied):
            call(world, actor)
        assert snapshot() == before


def test_unblock_matrix(world):
    services.introduction_block(actor=world.actor("admin"), organization=world.org,
                                blocked=world.school)  # fmt: skip
    for who in WHO:
        if who in SPEAKERS:
            continue
        before = snapshot()
        with pytest.raises(PermissionDenied):
            services.introduction_unblock(
                actor=world.actor(who), organization=world.org, blocked=world.school
            )
        assert snapshot() == before
    services.introduction_unblock(
        actor=world.actor("staff"), organization=world.org, blocked=world.school
    )
    assert AuditEvent.objects.filter(action="introduction.unblock", actor_name="staff").count() == 1


def test_a_service_called_without_a_user_refuses(world):
    before = snapshot()
    with pytest.raises(PermissionDenied):
        services.exchange_item_create(
            actor=None, organization=world.org, values={"kind": "need", "category": "it",
                                                        "title": "IT"}
        )  # fmt: skip
    assert snapshot() == before


def test_coordinators_lose_import_rights_when_the_organisation_leaves(world):
    from intercoop.core.audit import system_actor
    from intercoop.directory import services as directory_services

    directory_services.network_member_leave(
        actor=system_actor(), network=world.network, organization=world.org
    )
    coordinator = world.actor("coordinator")
    for cache in ("_org_roles", "_coordinated"):
        coordinator.__dict__.pop(cache, None)
    before = snapshot()
    with pytest.raises(PermissionDenied, match="Riverside Bakery Co-op"):
        exchange_import(actor=coordinator, stream=io.StringIO(IMPORT))
    assert snapshot() == before
