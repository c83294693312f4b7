"""What a review of the order form, pick lists, round edit page and delivery log found:
orders only for members the user speaks for, pick lists per member (not per name) and
for their supplier's people, the state of a round asked of the model, an article row's
error beside its row, reasons shown on refusals, the first entry of the delivery log of
rounds delivered before it existed, and one notification per delivery."""

import datetime as dt
import importlib
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from intercoop.conftest import client_for, make_org, make_user
from intercoop.core.audit import system_actor
from intercoop.core.models import Notification
from intercoop.directory import services as directory_services
from intercoop.directory.models import NetworkMembership, OrganizationRole
from intercoop.purchasing import permissions, selectors, services
from intercoop.purchasing.models import Article, Delivery, OrderRow, Round
from intercoop.purchasing.tests.conftest import join, to_bidding

D = Decimal


@pytest.fixture
def bread(people, network):
    return services.round_create(
        actor=people["coordinator"], network=network,
        values={"title": "Bread", "kind": "goods", "category": "food", "currency": "USD"},
        articles=[{"name": "Loaf", "case_size": 5, "reference_price": D(400)},
                  {"name": "Milk", "unit": "litre", "case_size": 6, "reference_price": D(150)}],
    )  # fmt: skip


def speaker(organization, name):
    user = make_user(name)
    directory_services.organization_role_assign(
        actor=system_actor(), organization=organization, user=user,
        role=OrganizationRole.Role.ADMIN,
    )  # fmt: skip
    return user


# 1. the order form


def test_the_order_form_never_saves_for_a_member_the_user_does_not_speak_for(
    people, org, network, bread
):
    other = make_org(name="Other Co-op", slug="other")
    join(network, other)
    loaf, _milk = bread.articles.order_by("pk")
    client = client_for(people["admin"])
    assert client.get(f"/rounds/{bread.pk}/orders/?member=other").status_code == 404
    response = client.post(f"/rounds/{bread.pk}/orders/",
                           {"member": "other", f"quantity-{loaf.pk}": "5"})  # fmt: skip
    assert response.status_code == 404
    assert not OrderRow.objects.exists()
    # a coordinator orders for any member
    response = client_for(people["coordinator"]).post(
        f"/rounds/{bread.pk}/orders/", {"member": "other", f"quantity-{loaf.pk}": "5"}
    )
    assert response.status_code == 302
    assert list(OrderRow.objects.values_list("member__slug", "quantity")) == [("other", 5)]


# 3. pick lists


@pytest.fixture
def twins(people, network):
    """An awarded bread round whose two members share a name; Bakers won it."""
    system = system_actor()
    round = services.round_create(
        actor=people["coordinator"], network=network,
        values={"title": "Bread", "kind": "goods", "category": "food", "currency": "USD"},
        articles=[{"name": "Loaf", "case_size": 5, "reference_price": D(400)}],
    )  # fmt: skip
    loaf = round.articles.get()
    for slug, quantity in (("twin-north", 6), ("twin-south", 4)):
        member = make_org(name="Twin Co-op", slug=slug)
        join(network, member)
        services.order_set(actor=system, article=loaf, member=member,
                           quantity=D(quantity), tolerance=D(0))  # fmt: skip
    to_bidding(round)
    bakers = make_org(name="Bakers", slug="bakers")
    bid = services.bid_submit(actor=system, round=round, supplier=bakers,
                              values={"mode": "all_units", "article_prices": {loaf.pk: 300}})  # fmt: skip
    services.round_award(actor=system, round=round, bid=bid, starts_on=dt.date(2027, 1, 1),
                         ends_on=dt.date(2027, 6, 1))  # fmt: skip
    return round, bakers


def test_members_of_the_same_name_have_their_own_pick_list(people, twins):
    round, _bakers = twins
    (picks,) = selectors.pick_lists(round=round)
    assert [(m.slug, m.name, [(a.name, q) for a, q in lines]) for m, lines in picks.members] == [
        ("twin-north", "Twin Co-op", [("Loaf", 6)]), ("twin-south", "Twin Co-op", [("Loaf", 4)]),
    ]  # fmt: skip
    csv = client_for(people["coordinator"]).get(f"/rounds/{round.pk}/pick-list.csv")
    assert csv.content.decode().splitlines()[1:] == [
        "Bakers,Twin Co-op,Loaf,piece,6", "Bakers,Twin Co-op,Loaf,piece,4",
    ]  # fmt: skip


def test_the_awarded_supplier_sees_its_own_pick_list_and_nobody_else_does(people, twins):
    round, bakers = twins
    baker = speaker(bakers, "baker")
    stranger = speaker(make_org(name="Millers", slug="millers"), "miller")
    page = client_for(baker).get(f"/rounds/{round.pk}/pick-list/")
    assert page.status_code == 200
    assert [p.supplier for p in page.context["lists"]] == [bakers]
    assert f'href="/rounds/{round.pk}/pick-list/"' in (
        client_for(baker).get(f"/rounds/{round.pk}/").content.decode()
    )
    assert client_for(baker).get(f"/rounds/{round.pk}/pick-list.csv").status_code == 200
    for who in (stranger, people["admin"], people["member"], people["outsider"]):
        assert client_for(who).get(f"/rounds/{round.pk}/pick-list/").status_code == 404
        assert client_for(who).get(f"/rounds/{round.pk}/pick-list.csv").status_code == 404
    assert 'pick-list/"' not in client_for(stranger).get(f"/rounds/{round.pk}/").content.decode()
    assert permissions.can_view_pick_list(baker, round, bakers)
    assert permissions.can_view_pick_list(people["coordinator"], round, bakers)
    assert not permissions.can_view_pick_list(stranger, round, bakers)
    assert not permissions.can_view_pick_list(people["admin"], round, bakers)
    assert not permissions.can_view_pick_list(people["other_coordinator"], round, bakers)


# 4. the state of a round, asked of the model


def test_a_round_and_a_membership_say_their_state(network, org):
    round = Round(kind=Round.Kind.GOODS, status=Round.Status.OPEN)
    assert (round.is_goods, round.takes_orders, round.takes_bids, round.is_awarded,
            round.is_delivered) == (True, True, False, False, False)  # fmt: skip
    for status, expected in [(Round.Status.BIDDING, (False, True, False, False)),
                             (Round.Status.AWARDED, (False, False, True, False)),
                             (Round.Status.DELIVERED, (False, False, False, True))]:  # fmt: skip
        round.status = status
        assert (round.takes_orders, round.takes_bids, round.is_awarded,
                round.is_delivered) == expected  # fmt: skip
    assert not Round(kind=Round.Kind.SERVICE).is_goods
    applying = NetworkMembership(network=network, organization=org,
                                 status=NetworkMembership.Status.APPLICANT)  # fmt: skip
    assert (applying.is_applicant, applying.is_member) == (True, False)
    applying.status = NetworkMembership.Status.MEMBER
    assert (applying.is_applicant, applying.is_member) == (False, True)


# 5. an article row's error beside its row


def test_a_bad_article_row_shows_its_error_beside_it(people, bread):
    loaf, milk = bread.articles.order_by("pk")
    response = client_for(people["coordinator"]).post(
        f"/rounds/{bread.pk}/edit/",
        {"title": "Bread", "category": "food", "strategy": "fifo", "transport_split": "value",
         f"remove-{loaf.pk}": "1",  # the milk is the first row kept: the service's articles[1]
         f"name-{milk.pk}": "Milk", f"unit-{milk.pk}": "litre", f"case-{milk.pk}": "six",
         f"price-{milk.pk}": "lots"},
    )  # fmt: skip
    assert response.status_code == 200
    rows = {a.pk: a.errors for a in response.context["articles"]}
    assert rows == {
        loaf.pk: [],
        milk.pk: ["Case size: is a whole number", "Price paid today per unit: is not a number"],
    }
    html = response.content.decode()
    assert f'id="error-{milk.pk}"' in html and 'value="six"' in html
    assert response.context["form"].non_field_errors() == [
        "Nothing was saved: correct the rows marked below."
    ]
    assert list(Article.objects.order_by("pk").values_list("name", "case_size")) == [
        ("Loaf", 5), ("Milk", 6),
    ]  # fmt: skip


# 6. a refusal says why


def test_the_bid_page_of_a_round_not_taking_bids_says_so(people, twins):
    round, bakers = twins
    response = client_for(speaker(bakers, "baker")).get(f"/rounds/{round.pk}/bid/")
    assert response.status_code == 403
    assert "The round is not taking bids" in response.content.decode()


# 2. the first entry of the delivery log


def test_rounds_delivered_before_the_log_get_their_first_entry(people, twins):
    round, _bakers = twins
    loaf = round.articles.get()
    services.delivery_record(actor=people["coordinator"], round=round,
                             received={loaf.pk: D(10)}, transport_cost=500)  # fmt: skip
    recorded_at = Delivery.objects.get().recorded_at
    Delivery.objects.all().delete()  # as before the log
    migration = importlib.import_module(
        "intercoop.purchasing.migrations.0005_delivery_log_backfill"
    )
    migration.backfill(apps, None)
    entry = Delivery.objects.get()
    assert (entry.round, entry.received, entry.transport_cost, entry.corrects) == (
        round, {str(loaf.pk): "10"}, 500, None,
    )  # fmt: skip
    assert (entry.recorded_by, entry.recorded_at >= recorded_at) == (people["coordinator"], True)
    migration.backfill(apps, None)  # a round that has its entry is left alone
    assert Delivery.objects.count() == 1
    correction = services.delivery_correct(
        actor=people["coordinator"], round=round, received={loaf.pk: D(5)},
        transport_cost=500, reason="stale",
    )  # fmt: skip
    assert correction.corrects == entry


def test_a_round_marked_delivered_without_an_entry_gets_one_before_its_correction(people, twins):
    round, _bakers = twins
    loaf = round.articles.get()
    services.round_move(actor=people["coordinator"], round=round, to="delivered")
    assert not Delivery.objects.exists()
    correction = services.delivery_correct(
        actor=people["coordinator"], round=round, received={loaf.pk: D(8)},
        transport_cost=0, reason="counted",
    )  # fmt: skip
    root = Delivery.objects.exclude(pk=correction.pk).get()
    assert (root.corrects, root.received, correction.corrects, correction.received) == (
        None, {}, root, {str(loaf.pk): "8"},
    )  # fmt: skip


# 7. one notification per delivery


def _round_of(network, coordinator, members):
    system = system_actor()
    round = services.round_create(
        actor=coordinator, network=network,
        values={"title": f"Bread for {members}", "kind": "goods", "category": "food",
                "currency": "USD"},
        articles=[{"name": "Loaf", "case_size": 1, "reference_price": D(400)}],
    )  # fmt: skip
    loaf = round.articles.get()
    for n in range(members):
        member = make_org(name=f"Member {members}-{n}", slug=f"m{members}-{n}")
        join(network, member)
        speaker(member, f"admin-{members}-{n}")
        services.order_set(actor=system, article=loaf, member=member, quantity=D(2),
                           tolerance=D(0))  # fmt: skip
    to_bidding(round)
    bid = services.bid_submit(actor=system, round=round,
                              supplier=make_org(name=f"Bakers {members}", slug=f"b{members}"),
                              values={"mode": "all_units", "article_prices": {loaf.pk: 300}})  # fmt: skip
    services.round_award(actor=system, round=round, bid=bid, starts_on=dt.date(2027, 1, 1),
                         ends_on=dt.date(2027, 6, 1))  # fmt: skip
    return round


def _notification_queries(people, round):
    with CaptureQueriesContext(connection) as captured:
        services.delivery_record(actor=people["coordinator"], round=round, received={})
    return [q["sql"] for q in captured.captured_queries
            if "core_notification" in q["sql"] or "core_profile" in q["sql"]
            or "organizationrole" in q["sql"]]  # fmt: skip


def test_recording_a_delivery_notifies_in_the_same_queries_for_3_or_10_members(people, network):
    few, many = (
        _round_of(network, people["coordinator"], 3),
        _round_of(network, people["coordinator"], 10),
    )
    assert len(_notification_queries(people, few)) == len(_notification_queries(people, many))
    subjects = list(Notification.objects.filter(user__username__startswith="admin-10-")
                    .values_list("subject", flat=True))  # fmt: skip
    assert subjects == ["Bakers 10 invoiced your part of Bread for 10: confirm the invoice"] * 10
