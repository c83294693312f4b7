"""After the award: negotiated against realised savings (deliveries and bills), the
contracts calendar and its iCal feed, patronage, and the purchasing API."""

import csv
import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.test import override_settings

from intercoop.conftest import client_for, make_org
from intercoop.core.audit import system_actor
from intercoop.core.errors import DomainError, InvalidValues
from intercoop.purchasing import selectors, services
from intercoop.purchasing.models import Bill, Patronage, PatronageAllocation

D = Decimal


def _costs(round):
    return {c.member: c for c in selectors.member_costs(facts=selectors.round_facts(round=round))}


def test_a_short_delivery_turns_the_negotiated_saving_into_a_smaller_realised_one(
    org, awarded_goods
):
    round, other = awarded_goods
    loaf = round.articles.get()
    before = _costs(round)  # ordered 6 and 4 at 4.00 today, 3.00 under the award
    assert (before[org.slug].negotiated, before[other.slug].negotiated) == (600, 400)
    assert before[org.slug].realised is None
    services.delivery_record(
        actor=system_actor(), round=round, received={loaf.pk: D(5)}, transport_cost=250
    )
    after = _costs(round)
    assert (after[org.slug].negotiated, after[other.slug].negotiated) == (600, 400)
    assert after[org.slug].realised == 5 * 100 - 250  # 5 received; all the transport (by value)
    assert after[other.slug].realised == 0


def test_bills_give_the_realised_saving_of_a_service_contract(people, org, awarded_waste):
    client = client_for(people["admin"])
    for period, volume, amount in (("2027-03-31", "26", "1040.00"), ("2027-06-30", "26", "1100")):
        response = client.post(f"/rounds/{awarded_waste.pk}/bill/",
                               {"member": org.slug, "period_end": period, "volume": volume,
                                "amount": amount})  # fmt: skip
        assert response.status_code == 302
    cost = _costs(awarded_waste)[org.slug]
    assert cost.negotiated == 104 * (5_000 - 4_000)
    assert cost.billed == 104_000 + 110_000
    assert cost.realised == 52 * 5_000 - (104_000 + 110_000)  # 46,000
    page = client.get(f"/rounds/{awarded_waste.pk}/").content.decode()
    assert "460.00 USD" in page and "1,040.00 USD" in page


@pytest.mark.parametrize("who", ["member", "outsider", "other_coordinator"])
def test_others_do_not_record_a_members_bills(people, org, awarded_waste, who):
    response = client_for(people[who]).post(
        f"/rounds/{awarded_waste.pk}/bill/",
        {"member": org.slug, "period_end": "2027-03-31", "volume": "26", "amount": "1000"},
    )
    assert response.status_code in (403, 404)
    assert not Bill.objects.exists()


def test_bills_only_under_an_awarded_contract_and_from_committed_members(org, waste):
    with pytest.raises(DomainError, match="awarded"):
        services.bill_record(actor=system_actor(), round=waste, member=org, period_end=dt.date(2027, 1, 1),
                             volume=D(1), amount=100)  # fmt: skip


def test_a_bill_for_nothing_is_refused(org, awarded_waste):
    with pytest.raises(InvalidValues) as refused:
        services.bill_record(actor=system_actor(), round=awarded_waste, member=org,
                             period_end=dt.date(2027, 1, 1), volume=D(0), amount=-5)  # fmt: skip
    assert set(refused.value.errors) == {"volume", "amount"}
    assert not Bill.objects.exists()


@pytest.mark.parametrize("who", ["outsider", "other_coordinator", "anonymous"])
def test_contracts_are_for_the_networks_people(people, network, who):
    response = client_for(people[who]).get(f"/networks/{network.slug}/contracts/")
    assert response.status_code in (302, 403, 404)


@pytest.fixture
def shared(people, network, org, awarded_goods):
    round, _other = awarded_goods
    loaf = round.articles.get()
    services.delivery_record(actor=system_actor(), round=round, received={loaf.pk: D(10)})
    return services.patronage_distribute(
        actor=people["coordinator"], network=network,
        values={"title": "Bread rebate", "currency": "USD", "surplus": 1_001, "cash_percent": 25,
                "period_start": dt.date(2027, 1, 1), "period_end": dt.date(2027, 12, 31)},
    )  # fmt: skip


def test_patronage_shares_the_surplus_by_purchases_with_cash_and_retained_parts(
    org, awarded_goods, shared
):
    _round, other = awarded_goods
    lines = {line.member_id: line for line in shared.lines.all()}
    assert (lines[org.pk].purchases, lines[other.pk].purchases) == (1_800, 1_200)
    assert sum(line.share for line in lines.values()) == 1_001
    assert lines[org.pk].share == 601  # 1,001 × 6/10, the larger remainder
    for line in lines.values():
        assert line.cash + line.retained == line.share
        assert line.cash * 100 >= 25 * line.share
    assert lines[org.pk].cash == 151  # 25% of 601 = 150.25, rounded up


def test_patronage_refuses_a_cash_part_below_the_floor(people, network, awarded_goods):
    values = {"title": "x", "currency": "USD", "surplus": 100, "cash_percent": 10,
              "period_start": dt.date(2027, 1, 1), "period_end": dt.date(2027, 12, 31)}  # fmt: skip
    with pytest.raises(InvalidValues) as refused:
        services.patronage_distribute(actor=system_actor(), network=network, values=values)
    assert "cash_percent" in refused.value.errors
    with override_settings(PATRONAGE_MIN_CASH_PERCENT=5):
        services.patronage_distribute(actor=system_actor(), network=network, values=values)
    with pytest.raises(DomainError, match="No member bought"):
        services.patronage_distribute(
            actor=system_actor(), network=network,
            values=values | {"cash_percent": 50, "period_start": dt.date(2020, 1, 1),
                             "period_end": dt.date(2020, 12, 31)},
        )  # fmt: skip
    assert Patronage.objects.count() == 1


def test_the_patronage_report_page_csv_and_who_sees_which_lines(people, org, shared):
    coordinator = client_for(people["coordinator"])
    page = coordinator.get(f"/patronage/{shared.pk}/")
    assert page.status_code == 200 and len(page.context["lines"]) == 2
    assert page.content.decode().count('class="cash"') == 2  # the chart's bars
    rows = list(
        csv.reader(io.StringIO(coordinator.get(f"/patronage/{shared.pk}.csv").content.decode()))
    )
    assert rows[0] == ["member", "purchases", "share", "cash", "retained", "currency"]
    assert rows[1] == [org.name, "18.00", "6.01", "1.51", "4.50", "USD"]
    admin = client_for(people["admin"])
    assert [line.member for line in admin.get(f"/patronage/{shared.pk}/").context["lines"]] == [org]
    assert len(admin.get(f"/patronage/{shared.pk}.csv").content.decode().splitlines()) == 2
    listing = admin.get(f"/networks/{org.network_memberships.first().network.slug}/patronage/")
    assert [a["retained"] for a in listing.context["accounts"]] == [450]
    for who in ("outsider", "other_coordinator"):
        assert client_for(people[who]).get(f"/patronage/{shared.pk}/").status_code == 404
        assert client_for(people[who]).get(f"/patronage/{shared.pk}.csv").status_code == 404


def test_only_coordinators_share_a_surplus(people, network, awarded_goods):
    form = {"title": "x", "currency": "USD", "surplus": "10", "cash_percent": "20",
            "period_start": "2027-01-01", "period_end": "2027-12-31"}  # fmt: skip
    assert (
        client_for(people["admin"]).post(f"/networks/{network.slug}/patronage/", form).status_code
        == 403
    )
    assert not Patronage.objects.exists()
    response = client_for(people["coordinator"]).post(f"/networks/{network.slug}/patronage/", form)
    assert response.status_code == 302
    assert PatronageAllocation.objects.count() == 2


def _api(user):
    return client_for(user)


def test_the_api_shows_a_member_its_own_shares_and_a_supplier_its_own_bid(
    people, org, network, awarded_goods
):
    round, other = awarded_goods
    mine = _api(people["admin"]).get(f"/api/v1/rounds/{round.pk}").json()
    assert [s["member"] for s in mine["articles"][0]["shares"]] == [org.slug]
    assert [c["member"] for c in mine["costs"]] == [org.slug]
    assert mine["total_negotiated"] is None and mine["bids"] == []
    everything = _api(people["coordinator"]).get(f"/api/v1/rounds/{round.pk}").json()
    assert {s["member"] for s in everything["articles"][0]["shares"]} == {org.slug, other.slug}
    assert everything["contract"]["renewal_on"] == "2027-04-02"
    assert (everything["total_negotiated"], everything["total_realised"]) == (1_000, None)
    assert _api(people["outsider"]).get(f"/api/v1/rounds/{round.pk}").status_code == 404
    contracts = _api(people["admin"]).get(f"/api/v1/networks/{network.slug}/contracts").json()
    assert (contracts["count"], contracts["page"], contracts["pages"]) == (1, 1, 1)
    assert contracts["results"][0]["supplier"] == everything["bids"][0]["supplier"]


def test_the_api_takes_orders_commitments_bids_and_bills(people, org, network, waste):
    admin = _api(people["admin"])
    body = {"member": org.slug, "volume": "104", "current_price": "5000"}
    response = admin.post(f"/api/v1/rounds/{waste.pk}/commitments", json.dumps(body),
                          content_type="application/json")  # fmt: skip
    assert response.status_code == 200, response.content
    outsider = _api(people["outsider"]).post(
        f"/api/v1/rounds/{waste.pk}/commitments", json.dumps(body), content_type="application/json"
    )
    assert outsider.status_code == 404  # the round is not theirs to see while open
    services.round_move(actor=system_actor(), round=waste, to="closed")
    services.round_move(actor=system_actor(), round=waste, to="bidding")
    hauler = make_org(name="Green Hauling")
    from intercoop.directory import services as directory_services
    from intercoop.directory.models import OrganizationRole

    directory_services.organization_role_assign(
        actor=system_actor(),
        organization=hauler,
        user=people["outsider"],
        role=OrganizationRole.Role.ADMIN,
    )
    bid = {"supplier": hauler.slug, "mode": "incremental", "tiers": [[0, 4500], [100, 4000]]}
    response = _api(people["outsider"]).post(f"/api/v1/rounds/{waste.pk}/bids", json.dumps(bid),
                                             content_type="application/json")  # fmt: skip
    assert response.status_code == 201, response.content
    assert response.json()["cost"] == 100 * 4500 + 4 * 4000
    forged = bid | {"supplier": org.slug}
    response = _api(people["outsider"]).post(f"/api/v1/rounds/{waste.pk}/bids",
                                             json.dumps(forged), content_type="application/json")  # fmt: skip
    assert response.status_code in (403, 404)
    too_early = {"member": org.slug, "period_end": "2027-03-31", "volume": "26", "amount": 100}
    response = admin.post(f"/api/v1/rounds/{waste.pk}/bills", json.dumps(too_early),
                          content_type="application/json")  # fmt: skip
    assert response.status_code == 400 and "awarded" in response.json()["detail"]


def test_a_delivery_invoices_each_member_through_clearing(org, awarded_goods):
    from intercoop.clearing.models import Obligation

    round, other = awarded_goods
    loaf = round.articles.get()
    services.delivery_record(
        actor=system_actor(), round=round, received={loaf.pk: D(10)}, transport_cost=500
    )
    invoices = {o.debtor: o for o in Obligation.objects.filter(round=round)}
    supplier = round.contract.bid.supplier
    assert {o.creditor for o in invoices.values()} == {supplier}
    assert invoices[org].amount == 6 * 300 + 300  # its bread and 3/5 of the transport
    assert invoices[other].amount == 4 * 300 + 200
    assert all(o.confirmed_at is None and o.source == "purchasing" for o in invoices.values())
