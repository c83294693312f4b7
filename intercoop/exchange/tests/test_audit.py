"""Every exchange write records one audit event: who, which action, on which object, and
the organisations and network it concerns (their history pages find it)."""

import io

import pytest

from intercoop.core.models import AuditEvent
from intercoop.exchange import services
from intercoop.exchange.imports import exchange_import
from intercoop.exchange.models import Block, ExchangeItem, Notice


def new_events(since: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(pk__gt=since).order_by("pk"))


def last_pk() -> int:
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def one_event(since, *, action, actor, target, organizations, network=None):
    """The one event of this write, checked field by field."""
    events = [e for e in new_events(since) if e.object_type.startswith("exchange.")]
    assert [e.action for e in events] == [action]
    event = events[0]
    assert (event.actor_name, event.actor_id) == (actor.username, actor.pk)
    assert (event.object_type, event.object_id) == (target._meta.label_lower, str(target.pk))
    assert sorted(event.subjects.values_list("organization_id", flat=True)) == sorted(
        o.pk for o in organizations
    )
    assert event.network_id == (network.pk if network else None)
    return event


@pytest.mark.parametrize(
    ("kind", "category"), [("offer", "food"), ("need", "it"), ("challenge", "succession")]
)
def test_create_update_withdraw_items(world, kind, category):
    admin = world.actor("admin")
    since = last_pk()
    item = services.exchange_item_create(
        actor=admin,
        organization=world.org,
        values={"kind": kind, "category": category, "title": "Bread and cakes"},
    )
    event = one_event(
        since, action=f"{kind}.create", actor=admin, target=item, organizations=[world.org]
    )
    assert event.summary == f"{kind} “Bread and cakes” of Riverside Bakery Co-op"
    since = last_pk()
    services.exchange_item_update(actor=admin, item=item, values={"title": "Rye bread"})
    event = one_event(
        since, action=f"{kind}.update", actor=admin, target=item, organizations=[world.org]
    )
    assert event.summary == f"{kind} “Rye bread” of Riverside Bakery Co-op: title"
    since = last_pk()
    services.exchange_item_withdraw(actor=admin, item=item)
    one_event(since, action=f"{kind}.withdraw", actor=admin, target=item, organizations=[world.org])
    # withdrawing again changes nothing and records nothing
    since = last_pk()
    services.exchange_item_withdraw(actor=admin, item=item)
    assert new_events(since) == []


def test_import_records_each_item(world):
    coordinator = world.actor("coordinator")
    since = last_pk()
    imported = exchange_import(
        actor=coordinator,
        stream=io.StringIO(
            "organization,kind,category,title,description,tags\n"
            "riverside-bakery-co-op,offer,food,Cakes,,\n"
            "riverside-bakery-co-op,need,it,Laptops,,\n"
        ),
    )
    assert imported.count == 2
    events = new_events(since)
    assert [(e.action, e.actor_name) for e in events] == [
        ("offer.import", "coordinator"),
        ("need.import", "coordinator"),
    ]
    items = ExchangeItem.objects.filter(title__in=["Cakes", "Laptops"]).order_by("pk")
    assert [e.object_id for e in events] == [str(i.pk) for i in items]
    assert events[0].summary == "offer “Cakes” of Riverside Bakery Co-op, from a file"


def test_introductions(world):
    admin, other_admin = world.actor("admin"), world.actor("other_admin")
    since = last_pk()
    asked = services.introduction_request(
        actor=admin, requester=world.org, recipient=world.shopper_org, message="Hello"
    )
    event = one_event(
        since,
        action="introduction.request",
        actor=admin,
        target=asked,
        organizations=[world.org, world.shopper_org],
    )
    assert event.summary == "Riverside Bakery Co-op asks to meet Oak Housing Co-op"
    since = last_pk()
    services.introduction_answer(actor=admin, introduction=world.introduction, accept=True)
    one_event(
        since,
        action="introduction.accept",
        actor=admin,
        target=world.introduction,
        organizations=[world.org, world.school],
    )
    # the informal tie is recorded by the network's services (their own events)
    assert all(
        e.object_type == "network.relationship"
        for e in new_events(since)
        if not e.object_type.startswith("exchange.")
    )
    second = services.introduction_request(
        actor=other_admin, requester=world.school, recipient=world.shopper_org, message="Hi"
    )
    staff = world.actor("staff")
    since = last_pk()
    services.introduction_answer(actor=staff, introduction=second, accept=False)
    one_event(
        since,
        action="introduction.decline",
        actor=staff,
        target=second,
        organizations=[world.school, world.shopper_org],
    )


def test_block_and_unblock(world):
    admin = world.actor("admin")
    since = last_pk()
    block = services.introduction_block(actor=admin, organization=world.org, blocked=world.school)
    one_event(
        since,
        action="introduction.block",
        actor=admin,
        target=block,
        organizations=[world.org, world.school],
    )
    since = last_pk()
    services.introduction_unblock(actor=admin, organization=world.org, blocked=world.school)
    events = new_events(since)
    assert [(e.action, e.object_id) for e in events] == [("introduction.unblock", str(block.pk))]
    assert not Block.objects.exists()


def test_notices(world):
    admin, coordinator = world.actor("admin"), world.actor("coordinator")
    since = last_pk()
    notice = services.notice_post(
        actor=admin,
        network=world.network,
        organization=world.org,
        values={"kind": "housing", "title": "Flat to let", "body": "Two rooms"},
    )
    event = one_event(
        since,
        action="notice.post",
        actor=admin,
        target=notice,
        organizations=[world.org],
        network=world.network,
    )
    assert event.summary == "housing “Flat to let” by Riverside Bakery Co-op"
    since = last_pk()
    services.notice_withdraw(actor=coordinator, notice=notice)
    one_event(
        since,
        action="notice.withdraw",
        actor=coordinator,
        target=notice,
        organizations=[world.org],
        network=world.network,
    )
    assert Notice.objects.get(pk=notice.pk).withdrawn


def test_deals(world):
    admin = world.actor("admin")
    since = last_pk()
    deal = services.deal_create(
        actor=admin,
        organization=world.org,
        values={
            "title": "20% for the network",
            "discount_percent": 20,
            "audience": "network",
            "network": world.network,
        },
    )
    event = one_event(
        since,
        action="deal.create",
        actor=admin,
        target=deal,
        organizations=[world.org],
        network=world.network,
    )
    assert event.summary == "“20% for the network” (20%) by Riverside Bakery Co-op"
    since = last_pk()
    redemption = services.deal_redeem(actor=admin, deal=world.deal, card=world.card)
    one_event(
        since,
        action="deal.redeem",
        actor=admin,
        target=redemption,
        organizations=[world.org, world.shopper_org],
    )
    since = last_pk()
    services.deal_withdraw(actor=admin, deal=deal)
    one_event(
        since,
        action="deal.withdraw",
        actor=admin,
        target=deal,
        organizations=[world.org],
        network=world.network,
    )


def test_a_refused_redemption_records_nothing(world):
    admin = world.actor("admin")
    services.deal_redeem(actor=admin, deal=world.deal, card=world.card)
    since = last_pk()
    with pytest.raises(Exception, match="used for this deal already"):
        services.deal_redeem(actor=admin, deal=world.deal, card=world.card)
    assert new_events(since) == []


def test_pages_record_the_signed_in_user(world):
    from intercoop.conftest import client_for

    since = last_pk()
    response = client_for(world.people["admin"]).post(
        f"/orgs/{world.org.slug}/exchange/add/challenge/",
        {"category": "succession", "title": "Founders retiring"},
    )
    assert response.status_code == 302
    assert [(e.action, e.actor_name) for e in new_events(since)] == [("challenge.create", "admin")]
    since = last_pk()
    response = client_for(world.people["admin"]).post(
        "/api/v1/exchange/items",
        {"organization": world.org.slug, "kind": "offer", "category": "food", "title": "Jam"},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert [(e.action, e.actor_name) for e in new_events(since)] == [("offer.create", "admin")]
