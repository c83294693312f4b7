"""Every purchasing form, posted with one field replaced by a nasty value: never a server
error, and a refused post writes nothing."""

import pytest
from django.apps import apps
from django.test import Client

from intercoop.conftest import make_org, make_user
from intercoop.core.audit import system_actor
from intercoop.directory import services as directory_services
from intercoop.purchasing import services
from intercoop.purchasing.tests.conftest import to_bidding

NASTY = ["", "a\x00b", "1e30", "-1", "9" * 40, "²", "x" * 6000, "0001-01-01"]


def counts():
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label == "purchasing" or model._meta.label == "core.AuditEvent"
    }


def client(user):
    made = Client(raise_request_exception=False)
    made.force_login(user)
    return made


@pytest.fixture
def forms(people, org, network, waste, awarded_goods, awarded_waste):
    system = system_actor()
    goods_open = services.round_create(
        actor=system, network=network,
        values={"title": "Bread", "kind": "goods", "category": "food", "currency": "USD"},
        articles=[{"name": "Loaf", "case_size": 5}],
    )  # fmt: skip
    loaf = goods_open.articles.get()
    bidding = services.round_create(
        actor=system, network=network,
        values={"title": "Milk", "kind": "goods", "category": "food", "currency": "USD"},
        articles=[{"name": "Milk", "case_size": 6}],
    )  # fmt: skip
    to_bidding(bidding)
    milk = bidding.articles.get()
    supplier, person = make_org(name="Dairy Co-op"), make_user("dairy")
    directory_services.organization_role_assign(actor=system, organization=supplier,
                                                user=person, role="admin")  # fmt: skip
    bid = services.bid_submit(actor=system, round=bidding, supplier=supplier,
                              values={"mode": "all_units", "article_prices": {milk.pk: 90}})  # fmt: skip
    delivered, other = awarded_goods
    bread = delivered.articles.get()
    coordinator, admin = people["coordinator"], people["admin"]
    return [
        (coordinator, f"/networks/{network.slug}/rounds/",
         {"title": "Produce", "kind": "goods", "category": "food", "currency": "USD",
          "strategy": "fifo", "transport_split": "value", "closes_on": "", "volume_unit": "",
          "description": "", "articles": "Apples; kg; 10; 2.50"}),
        (admin, f"/rounds/{goods_open.pk}/order/",
         {"member": org.slug, "article": str(loaf.pk), "quantity": "5", "tolerance": "0"}),
        (admin, f"/rounds/{waste.pk}/commit/",
         {"member": org.slug, "volume": "104", "current_price": "50"}),
        (coordinator, f"/rounds/{waste.pk}/move/", {"to": "closed"}),
        (person, f"/rounds/{bidding.pk}/bid/",
         {"supplier": supplier.slug, "mode": "all_units", "tiers": "", "evidence": "",
          f"price-{milk.pk}": "0.95"}),
        (coordinator, f"/bids/{bid.pk}/score/",
         {"local": "3", "cooperative": "3", "environment": "3", "labour": "3"}),
        (coordinator, f"/rounds/{bidding.pk}/award/",
         {"bid": str(bid.pk), "starts_on": "2027-01-01", "ends_on": "2027-12-31"}),
        (coordinator, f"/rounds/{delivered.pk}/override/",
         {"article": str(bread.pk), "member": other.slug, "total": "5", "reason": "broken"}),
        (coordinator, f"/rounds/{delivered.pk}/delivery/",
         {f"received-{bread.pk}": "10", "transport_cost": "5.00"}),
        (admin, f"/rounds/{awarded_waste.pk}/bill/",
         {"member": org.slug, "period_end": "2027-03-31", "volume": "26", "amount": "1040"}),
        (coordinator, f"/networks/{network.slug}/patronage/",
         {"title": "Rebate", "currency": "USD", "surplus": "10", "cash_percent": "20",
          "period_start": "2027-01-01", "period_end": "2027-12-31"}),
        (admin, f"/networks/{network.slug}/contracts/address/", {"action": "new"}),
    ]  # fmt: skip


def test_no_form_answers_a_nasty_value_with_a_server_error(forms):
    failures = []
    for user, path, values in forms:
        session = client(user)
        for field in values:
            for nasty in NASTY:
                before = counts()
                response = session.post(path, values | {field: nasty})
                if response.status_code >= 500:
                    failures.append(f"{path} {field}={nasty!r:.20}: {response.status_code}")
                elif response.status_code in (200, 400, 403, 404) and counts() != before:
                    failures.append(f"{path} {field}={nasty!r:.20}: refused but wrote")
    assert failures == []
