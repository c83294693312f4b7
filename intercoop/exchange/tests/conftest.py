"""An exchange to act on: the `people` of the permission matrix plus a second organisation
with its own admin, and one of everything (an offer, an introduction, a notice, a deal, a
member's card), all made by the system actor."""

from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from intercoop.conftest import make_org, make_user
from intercoop.core.audit import system_actor
from intercoop.core.models import AuditEvent
from intercoop.directory import services as directory_services
from intercoop.directory.models import Network, Organization, OrganizationRole
from intercoop.exchange import cards, services
from intercoop.exchange.models import (
    Block,
    Deal,
    ExchangeItem,
    Introduction,
    Notice,
    Redemption,
)

MODELS: list[Any] = [ExchangeItem, Introduction, Block, Notice, Deal, Redemption]


@dataclass
class World:
    people: dict[str, Any]
    org: Organization
    school: Organization
    network: Network
    item: ExchangeItem
    introduction: Introduction  # school asks org
    notice: Notice
    deal: Deal
    card: cards.Card
    shopper_org: Organization

    def actor(self, who: str) -> Any:
        """The user acting: `anonymous` is Django's AnonymousUser."""
        user = self.people[who]
        return AnonymousUser() if user is None else user


def snapshot() -> list[Any]:
    """Every exchange row and the number of audit events: equal before and after a refused
    write."""
    rows: list[Any] = [list(model.objects.order_by("pk").values()) for model in MODELS]
    return [*rows, AuditEvent.objects.count()]


@pytest.fixture
def world(people: dict[str, Any], org: Organization, network: Network) -> World:
    system = system_actor()
    school = make_org(name="Valley School", slug="valley-school", is_cooperative=False)
    other_admin = make_user("other_admin")
    directory_services.organization_role_assign(
        actor=system, organization=school, user=other_admin, role=OrganizationRole.Role.ADMIN
    )
    shopper_org = make_org(name="Oak Housing Co-op", slug="oak-housing")
    shopper = make_user("shopper")
    directory_services.organization_role_assign(
        actor=system, organization=shopper_org, user=shopper, role=OrganizationRole.Role.MEMBER
    )
    item = services.exchange_item_create(
        actor=system,
        organization=org,
        values={"kind": "offer", "category": "food", "title": "Bread", "coop_discount": 5},
    )
    introduction = services.introduction_request(
        actor=system, requester=school, recipient=org, message="Can we meet?"
    )
    notice = services.notice_post(
        actor=system,
        network=network,
        organization=org,
        values={"kind": "job", "title": "Baker wanted", "body": "Nights"},
    )
    deal = services.deal_create(
        actor=system,
        organization=org,
        values={"title": "10% off bread", "discount_percent": 10, "audience": "cooperators"},
    )
    code = cards.card_code(user_id=shopper.pk, organization_id=shopper_org.pk)
    people = people | {"other_admin": other_admin}
    return World(
        people=people,
        org=org,
        school=school,
        network=network,
        item=item,
        introduction=introduction,
        notice=notice,
        deal=deal,
        card=cards.read_card(code),
        shopper_org=shopper_org,
    )


def today() -> Any:
    return timezone.localdate()
