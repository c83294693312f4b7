"""The round pages and their permissions: only members commit, only the coordinator
moves and awards, suppliers see only their own bids."""

import pytest

from intercoop.conftest import client_for, make_org, make_user
from intercoop.core.audit import system_actor
from intercoop.directory import services as directory_services
from intercoop.purchasing import services
from intercoop.purchasing.models import Bid, Commitment, OrderRow, Round


def test_a_coordinator_opens_a_goods_round_from_the_page(people, network):
    response = client_for(people["coordinator"]).post(
        f"/networks/{network.slug}/rounds/",
        {"title": "Produce by the case", "kind": "goods", "category": "food", "currency": "usd",
         "strategy": "fifo", "transport_split": "value",
         "articles": "Apples; kg; 10; 2.50\nBread; loaf; 5; 3"},
    )  # fmt: skip
    assert response.status_code == 302
    round = Round.objects.get()
    assert [(a.name, a.case_size, a.reference_price) for a in round.articles.all()] == [
        ("Apples", 10, 250), ("Bread", 5, 300),
    ]  # fmt: skip


@pytest.mark.parametrize("who", ["admin", "member", "outsider", "other_coordinator"])
def test_only_coordinators_open_rounds(people, network, who):
    response = client_for(people[who]).post(
        f"/networks/{network.slug}/rounds/",
        {"title": "x", "kind": "goods", "category": "food", "currency": "USD",
         "strategy": "fifo", "transport_split": "value"},
    )  # fmt: skip
    assert response.status_code == 403
    assert not Round.objects.exists()


def test_a_members_admin_commits_and_sees_its_own_line(people, org, waste):
    response = client_for(people["admin"]).post(
        f"/rounds/{waste.pk}/commit/",
        {"member": org.slug, "volume": "104", "current_price": "52.50"},
    )
    assert response.status_code == 302
    commitment = Commitment.objects.get()
    assert (commitment.volume, commitment.current_price) == (104, 5250)
    page = client_for(people["admin"]).get(f"/rounds/{waste.pk}/")
    assert [c.member for c in page.context["commitments"]] == [org]


@pytest.mark.parametrize("who", ["member", "outsider", "other_coordinator"])
def test_others_do_not_commit(people, org, waste, who):
    response = client_for(people[who]).post(
        f"/rounds/{waste.pk}/commit/", {"member": org.slug, "volume": "1", "current_price": "1"}
    )
    assert response.status_code in (403, 404)
    assert not Commitment.objects.exists()


def test_an_organisation_outside_the_network_cannot_order(people, waste):
    stranger = make_org(name="Stranger Co-op")
    head = make_user("head")
    directory_services.organization_role_assign(
        actor=system_actor(), organization=stranger, user=head, role="admin"
    )
    response = client_for(head).post(
        f"/rounds/{waste.pk}/commit/",
        {"member": stranger.slug, "volume": "1", "current_price": "1"},
    )
    assert response.status_code == 404  # it cannot even see an open round
    assert not Commitment.objects.exists() and not OrderRow.objects.exists()


def _bidding(waste):
    services.round_move(actor=system_actor(), round=waste, to="closed")
    services.round_move(actor=system_actor(), round=waste, to="bidding")


def test_suppliers_bid_and_see_only_their_own_bids(people, org, waste):
    _bidding(waste)
    suppliers = []
    for name in ("Hauler One", "Hauler Two"):
        supplier = make_org(name=name)
        person = make_user(name.replace(" ", "").lower())
        directory_services.organization_role_assign(
            actor=system_actor(), organization=supplier, user=person, role="admin"
        )
        response = client_for(person).post(
            f"/rounds/{waste.pk}/bid/",
            {"mode": "all_units", "tiers": "0; 40\n100; 35", "evidence": "Local depot"},
        )
        assert response.status_code == 302, response.context and response.context["form"].errors
        suppliers.append(person)
    assert Bid.objects.count() == 2
    seen = client_for(suppliers[0]).get(f"/rounds/{waste.pk}/").context["comparison"]
    assert [row["bid"].supplier.name for row in seen] == ["Hauler One"]
    everything = client_for(people["coordinator"]).get(f"/rounds/{waste.pk}/").context["comparison"]
    assert len(everything) == 2
    assert Bid.objects.first().tiers == [["0", "4000"], ["100", "3500"]]


@pytest.mark.parametrize("who", ["admin", "member", "other_coordinator"])
def test_only_the_coordinator_moves_scores_and_awards(people, waste, who):
    supplier = make_org(name="Hauler")
    _bidding(waste)
    bid = services.bid_submit(actor=system_actor(), round=waste, supplier=supplier,
                              values={"mode": "all_units", "tiers": [[0, 4000]]})  # fmt: skip
    client = client_for(people[who])
    award = {"bid": bid.pk, "starts_on": "2027-01-01", "ends_on": "2028-01-01"}
    assert client.post(f"/rounds/{waste.pk}/award/", award).status_code in (403, 404)
    assert client.post(f"/rounds/{waste.pk}/move/", {"to": "closed"}).status_code in (403, 404)
    assert client.post(f"/bids/{bid.pk}/score/", {"local": 5}).status_code in (403, 404)
    waste.refresh_from_db()
    assert waste.status == "bidding" and not Bid.objects.get().scores
    response = client_for(people["coordinator"]).post(f"/rounds/{waste.pk}/award/", award)
    assert response.status_code == 302
    waste.refresh_from_db()
    assert waste.status == "awarded" and waste.contract.bid == bid


def test_a_delivery_short_of_one_case_is_shared_by_the_same_rule(people, org, awarded_goods):
    round, other = awarded_goods
    loaf = round.articles.get()
    client = client_for(people["coordinator"])
    assert client.post(f"/rounds/{round.pk}/delivery/",
                       {f"received-{loaf.pk}": "5", "transport_cost": "10.00"}).status_code == 302  # fmt: skip
    round.refresh_from_db()
    assert (round.status, round.transport_cost) == ("delivered", 1000)
    page = client.get(f"/rounds/{round.pk}/")
    ((_article, computed, _shares),) = page.context["allocations"]
    assert {m: s.total for m, s in computed.shares.items()} == {org.slug: 5, other.slug: 0}
    costs = {c.member: c for c in page.context["costs"]}
    assert costs[org.slug].transport == 1000  # by value: the other member got nothing


def test_only_the_coordinator_records_deliveries_and_overrides(people, org, awarded_goods):
    round, other = awarded_goods
    loaf = round.articles.get()
    admin = client_for(people["admin"])
    assert (
        admin.post(f"/rounds/{round.pk}/delivery/", {f"received-{loaf.pk}": "5"}).status_code == 403
    )
    override = {"article": loaf.pk, "member": other.slug, "total": "5", "reason": "broken case"}
    assert admin.post(f"/rounds/{round.pk}/override/", override).status_code == 403
    round.refresh_from_db()
    assert round.status == "awarded" and not loaf.overrides.exists()
    client_for(people["coordinator"]).post(f"/rounds/{round.pk}/override/", override)
    page = client_for(people["coordinator"]).get(f"/rounds/{round.pk}/")
    ((_article, computed, _shares),) = page.context["allocations"]
    assert computed.shares[other.slug].total == 5
    assert "broken case" in page.content.decode()
    # the other member's override is not shown to this member
    assert (
        "broken case"
        not in client_for(people["admin"]).get(f"/rounds/{round.pk}/").content.decode()
    )


def test_an_override_needs_a_reason(people, awarded_goods):
    round, other = awarded_goods
    loaf = round.articles.get()
    client_for(people["coordinator"]).post(
        f"/rounds/{round.pk}/override/", {"article": loaf.pk, "member": other.slug, "total": "5"}
    )
    assert not loaf.overrides.exists()


def test_bad_orders_are_refused_with_a_message_and_nothing_written(people, org, network):
    round = services.round_create(
        actor=people["coordinator"], network=network,
        values={"title": "Bread", "kind": "goods", "category": "food", "currency": "USD"},
        articles=[{"name": "Loaf", "case_size": 5}],
    )  # fmt: skip
    loaf = round.articles.get()
    client = client_for(people["admin"])
    for quantity, reason in (("2.5", "quantity: is a whole number of units"),
                             ("-1", "quantity: Ensure this value is greater than or equal to 0.")):  # fmt: skip
        response = client.post(f"/rounds/{round.pk}/order/",
                               {"member": org.slug, "article": loaf.pk, "quantity": quantity},
                               follow=True)  # fmt: skip
        assert reason in response.content.decode()
    assert not OrderRow.objects.exists()


def test_a_negative_delivery_is_refused(people, awarded_goods):
    round, _other = awarded_goods
    loaf = round.articles.get()
    response = client_for(people["coordinator"]).post(
        f"/rounds/{round.pk}/delivery/", {f"received-{loaf.pk}": "-3"}, follow=True
    )
    assert "is not negative" in response.content.decode()
    round.refresh_from_db()
    loaf.refresh_from_db()
    assert round.status == "awarded" and loaf.received is None
