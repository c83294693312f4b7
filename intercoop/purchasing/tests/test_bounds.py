"""Bounded input on every purchasing field: huge, negative and malformed numbers, unknown
currencies, NUL bytes, over-long text and dates out of range get the field's error — from
the services, on the pages and in the API — never a 500, and nothing is written."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.utils import timezone

from intercoop.conftest import client_for, make_org, make_user
from intercoop.core.audit import system_actor
from intercoop.core.errors import InvalidValues
from intercoop.directory import services as directory_services
from intercoop.purchasing import services
from intercoop.purchasing.models import Bid, Bill, Commitment, OrderRow, Patronage, Round
from intercoop.purchasing.tests.conftest import to_bidding
from intercoop.purchasing.tests.test_permission_matrix import state

D = Decimal
HUGE = [10**16, 9223372036854775807, 1e30]
UNITS = "must be a number between 0 and 1,000,000,000"
PRICE = "must be a number between 0 and 10,000,000,000"
MONEY = "must be between 0 and 10^15 minor units"
YESTERDAY = timezone.localdate() - dt.timedelta(days=1)


def refused(call, field, reason=None):
    """`call` is refused naming `field` (with `reason`), and nothing is written."""
    before = state()
    with pytest.raises(InvalidValues) as error:
        call()
    assert error.value.field == field, error.value.errors
    if reason is not None:
        assert error.value.errors[field] == reason
    assert state() == before


# The services

GOODS = {"title": "Bread", "kind": "goods", "category": "food", "currency": "USD"}


@pytest.mark.parametrize(
    ("values", "field", "reason"),
    [
        ({"currency": "XXQ"}, "currency", "'XXQ' is not an ISO 4217 currency code"),
        ({"currency": "US"}, "currency", "'US' is not an ISO 4217 currency code"),
        ({"title": "Bread\x00"}, "title", "contains a control character"),
        ({"title": "x" * 201}, "title", "is 201 characters long; at most 200 are allowed"),
        ({"title": "  "}, "title", "is required"),
        ({"description": "x" * 5001}, "description",
         "is 5001 characters long; at most 5000 are allowed"),
        ({"volume_unit": "x" * 41}, "volume_unit", "is 41 characters long; at most 40 are allowed"),
        ({"closes_on": YESTERDAY}, "closes_on", "cannot be in the past"),
        ({"closes_on": dt.date(2300, 1, 1)}, "closes_on",
         "must be between 1800-01-01 and 2200-12-31"),
        ({"closes_on": "soon"}, "closes_on", "is a date"),
        ({"strategy": "greedy"}, "strategy", "is one of fifo, no-auto, proportional"),
        ({"kind": "rental"}, "kind", "is one of goods, service"),
        ({"status": "awarded"}, "status", "is not a field of a round"),
    ],
)  # fmt: skip
def test_a_round_names_the_field(people, network, values, field, reason):
    refused(lambda: services.round_create(actor=people["coordinator"], network=network,
                                          values=GOODS | values), field, reason)  # fmt: skip


@pytest.mark.parametrize(
    ("article", "field", "reason"),
    [
        *[({"case_size": v}, "case_size", "is from 1 to 1,000,000") for v in (10**16, 0, -3)],
        ({"case_size": 1e30}, "case_size", "is a whole number"),
        ({"reference_price": -1}, "reference_price", "is not negative"),
        *[({"reference_price": v}, "reference_price", PRICE) for v in HUGE],
        ({"reference_price": D("NaN")}, "reference_price", "is not a number"),
        ({"reference_price": D("0.0001")}, "reference_price", "has more than three decimals"),
        ({"minimum": 1e30}, "minimum", UNITS),
        ({"name": "Loaf\x00"}, "name", "contains a control character"),
        ({"name": ""}, "name", "is required"),
        ({"unit": "x" * 41}, "unit", "is 41 characters long; at most 40 are allowed"),
    ],
)  # fmt: skip
def test_an_article_names_its_line_and_field(people, network, article, field, reason):
    articles = [{"name": "Apples"}, {"name": "Loaf"} | article]
    refused(lambda: services.round_create(actor=people["coordinator"], network=network,
                                          values=GOODS, articles=articles),
            f"articles[2].{field}", reason)  # fmt: skip
    assert not Round.objects.exists()


@pytest.fixture
def loaf(network):
    round = services.round_create(actor=system_actor(), network=network, values=GOODS,
                                  articles=[{"name": "Loaf", "case_size": 5}])  # fmt: skip
    return round.articles.get()


@pytest.mark.parametrize(
    ("quantity", "tolerance", "field", "reason"),
    [
        *[(v, 0, "quantity", UNITS) for v in HUGE],
        (-1, 0, "quantity", "is not negative"),
        (D("NaN"), 0, "quantity", "is not a number"),
        (D("Infinity"), 0, "quantity", "is not a number"),
        ("two", 0, "quantity", "is not a number"),
        (D("2.5"), 0, "quantity", "is a whole number of units"),
        (1, 10**16, "tolerance", UNITS),
        (1, -1, "tolerance", "is not negative"),
    ],
)  # fmt: skip
def test_an_order_names_the_field(people, org, loaf, quantity, tolerance, field, reason):
    refused(lambda: services.order_set(actor=people["admin"], article=loaf, member=org,
                                       quantity=quantity, tolerance=tolerance), field, reason)  # fmt: skip


@pytest.mark.parametrize(
    ("volume", "price", "field", "reason"),
    [
        *[(v, 100, "volume", UNITS) for v in HUGE],
        (1, -1, "current_price", "is not negative"),
        *[(1, v, "current_price", PRICE) for v in HUGE],
    ],
)  # fmt: skip
def test_a_commitment_names_the_field(people, org, waste, volume, price, field, reason):
    refused(lambda: services.commitment_set(actor=people["admin"], round=waste, member=org,
                                            volume=volume, current_price=price), field, reason)  # fmt: skip


@pytest.fixture
def bidding(people, loaf, waste):
    goods = loaf.round
    to_bidding(goods)
    to_bidding(waste)
    supplier, person = make_org(name="Valley Growers"), make_user("grower")
    directory_services.organization_role_assign(actor=system_actor(), organization=supplier,
                                                user=person, role="admin")  # fmt: skip
    return {"goods": goods, "waste": waste, "supplier": supplier, "person": person}


def test_a_negative_bid_price_is_refused(bidding, loaf):
    refused(lambda: services.bid_submit(
        actor=bidding["person"], round=bidding["goods"], supplier=bidding["supplier"],
        values={"mode": "all_units", "article_prices": {loaf.pk: -300}},
    ), f"article_prices[{loaf.pk}]", "is not negative")  # fmt: skip
    assert not Bid.objects.exists()


@pytest.mark.parametrize(
    ("values", "field", "reason"),
    [
        ({"tiers": [[0, -5]]}, "tiers[1].price", "is not negative"),
        *[({"tiers": [[0, v]]}, "tiers[1].price", PRICE) for v in HUGE],
        ({"tiers": [[0, 10], [1e30, 5]]}, "tiers[2].volume", UNITS),
        ({"tiers": [[0, 10]] * 51}, "tiers", "at most 50 tiers of [from volume, unit price]"),
        ({"tiers": [[5, 10]]}, "tiers", "the first tier starts at volume 0"),
        ({"tiers": [[0, 10]], "evidence": "Local\x00"}, "evidence", "contains a control character"),
        ({"tiers": [[0, 10]], "evidence": "x" * 5001}, "evidence",
         "is 5001 characters long; at most 5000 are allowed"),
        ({"tiers": [[0, 10]], "mode": "cheapest"}, "mode", "is all_units or incremental"),
    ],
)  # fmt: skip
def test_a_service_bid_names_the_field(bidding, values, field, reason):
    refused(lambda: services.bid_submit(
        actor=bidding["person"], round=bidding["waste"], supplier=bidding["supplier"],
        values={"mode": "all_units"} | values,
    ), field, reason)  # fmt: skip


@pytest.mark.parametrize(
    ("transport", "received", "field", "reason"),
    [
        *[(v, 10, "transport_cost", MONEY) for v in HUGE[:2]],
        (1e30, 10, "transport_cost", "must be a whole number of minor units"),
        (-1, 10, "transport_cost", MONEY),
        (0, 1e30, "received[{pk}]", UNITS),
        (0, -1, "received[{pk}]", "is not negative"),
    ],
)  # fmt: skip
def test_a_delivery_names_the_field(people, awarded_goods, transport, received, field, reason):
    round, _other = awarded_goods
    loaf = round.articles.get()
    refused(lambda: services.delivery_record(actor=people["coordinator"], round=round,
                                             received={loaf.pk: received},
                                             transport_cost=transport),
            field.format(pk=loaf.pk), reason)  # fmt: skip


@pytest.mark.parametrize(
    ("total", "reason_text", "field", "reason"),
    [
        (1e30, "broken", "total", UNITS),
        (-2, "broken", "total", "is not negative"),
        (5, "x" * 301, "reason", "is 301 characters long; at most 300 are allowed"),
        (5, "broken\x00", "reason", "contains a control character"),
        (5, " ", "reason", "Say why"),
    ],
)  # fmt: skip
def test_an_override_names_the_field(people, awarded_goods, total, reason_text, field, reason):
    round, other = awarded_goods
    refused(lambda: services.override_record(actor=people["coordinator"],
                                             article=round.articles.get(), member=other,
                                             total=total, reason=reason_text), field, reason)  # fmt: skip


@pytest.mark.parametrize(
    ("values", "field", "reason"),
    [
        *[({"amount": v}, "amount", MONEY) for v in HUGE[:2]],
        ({"amount": 1e30}, "amount", "must be a whole number of minor units"),
        ({"amount": -5}, "amount", MONEY),
        ({"volume": 1e30}, "volume", UNITS),
        ({"volume": 0}, "volume", "is more than 0"),
        ({"period_end": dt.date(2300, 1, 1)}, "period_end",
         "must be between 1800-01-01 and 2200-12-31"),
    ],
)  # fmt: skip
def test_a_bill_names_the_field(people, org, awarded_waste, values, field, reason):
    bill = {"period_end": dt.date(2027, 3, 31), "volume": D(26), "amount": 100} | values
    refused(lambda: services.bill_record(actor=people["admin"], round=awarded_waste, member=org,
                                         **bill), field, reason)  # fmt: skip
    assert not Bill.objects.exists()


@pytest.mark.parametrize(
    ("values", "field", "reason"),
    [
        *[({"surplus": v}, "surplus", MONEY) for v in HUGE[:2]],
        ({"surplus": 1e30}, "surplus", "must be a whole number of minor units"),
        ({"surplus": -1}, "surplus", MONEY),
        ({"currency": "XXQ"}, "currency", "'XXQ' is not an ISO 4217 currency code"),
        ({"title": "Rebate\x00"}, "title", "contains a control character"),
        ({"title": "x" * 201}, "title", "is 201 characters long; at most 200 are allowed"),
        ({"cash_percent": 101}, "cash_percent", "is from 20% to 100%"),
        ({"cash_percent": 10**16}, "cash_percent", "is from 20% to 100%"),
        ({"period_end": dt.date(2300, 1, 1)}, "period_end",
         "must be between 1800-01-01 and 2200-12-31"),
        ({"period_end": dt.date(2026, 1, 1)}, "period_end", "is on or after the start"),
    ],
)  # fmt: skip
def test_a_patronage_distribution_names_the_field(people, network, awarded_goods, values, field,
                                                  reason):  # fmt: skip
    given = {"title": "Rebate", "currency": "USD", "surplus": 1_000, "cash_percent": 25,
             "period_start": dt.date(2027, 1, 1), "period_end": dt.date(2027, 12, 31)} | values  # fmt: skip
    refused(lambda: services.patronage_distribute(actor=people["coordinator"], network=network,
                                                  values=given), field, reason)  # fmt: skip
    assert not Patronage.objects.exists()


def test_an_award_names_the_dates(people, bidding):
    bid = services.bid_submit(actor=bidding["person"], round=bidding["waste"],
                              supplier=bidding["supplier"],
                              values={"mode": "all_units", "tiers": [[0, 10]]})  # fmt: skip
    for starts, ends, field in ((dt.date(2027, 1, 1), dt.date(9999, 1, 1), "ends_on"),
                                (dt.date(1700, 1, 1), dt.date(2027, 1, 1), "starts_on"),
                                (dt.date(2027, 1, 1), dt.date(2026, 1, 1), "ends_on")):  # fmt: skip
        refused(lambda s=starts, e=ends: services.round_award(
            actor=people["coordinator"], round=bidding["waste"], bid=bid, starts_on=s, ends_on=e,
        ), field)  # fmt: skip


# The pages: the same errors beside the field (forms) or in the message (one-line forms)


def _round_form(**values):
    return {"title": "Produce", "kind": "goods", "category": "food", "currency": "USD",
            "strategy": "fifo", "transport_split": "value"} | values  # fmt: skip


@pytest.mark.parametrize(
    ("values", "field", "reason"),
    [
        ({"currency": "XXQ"}, "currency", "'XXQ' is not an ISO 4217 currency code"),
        ({"closes_on": YESTERDAY.isoformat()}, "closes_on", "cannot be in the past"),
        ({"title": "x" * 201}, "title", "Ensure this value has at most 200 characters (it has 201)."),
        ({"title": "Bread\x00"}, "title", "Null characters are not allowed."),
        ({"articles": "Apples; kg; 10; 1e30"}, "articles",
         "articles[1].reference_price: " + PRICE),
        ({"articles": "Apples; kg; 10; -2.50"}, "articles",
         "articles[1].reference_price: is not negative"),
        ({"articles": "Apples; kg; 99999999999; 2.50"}, "articles",
         "articles[1].case_size: is from 1 to 1,000,000"),
    ],
)  # fmt: skip
def test_the_round_form_names_the_field(people, network, values, field, reason):
    response = client_for(people["coordinator"]).post(
        f"/networks/{network.slug}/rounds/", _round_form(**values)
    )
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [reason]
    assert not Round.objects.exists()


def _message(response):
    return [str(m) for m in response.context["messages"]]


@pytest.mark.parametrize(
    ("quantity", "message"),
    [
        ("1e30", "quantity: Ensure this value is less than or equal to 1000000000."),
        ("9223372036854775807", "quantity: Ensure this value is less than or equal to 1000000000."),
        ("-1", "quantity: Ensure this value is greater than or equal to 0."),
        ("NaN", "quantity: Enter a number."),
    ],
)  # fmt: skip
def test_the_order_form_names_the_field(people, org, loaf, quantity, message):
    response = client_for(people["admin"]).post(
        f"/rounds/{loaf.round_id}/order/",
        {"member": org.slug, "article": loaf.pk, "quantity": quantity}, follow=True,
    )  # fmt: skip
    assert response.status_code == 200 and _message(response) == [message]
    assert not OrderRow.objects.exists()


def test_posted_ids_that_are_not_ids_are_not_found(people, org, loaf):
    client = client_for(people["admin"])
    for article in ("abc", "99999999999999999999999", "-1"):
        response = client.post(f"/rounds/{loaf.round_id}/order/",
                               {"member": org.slug, "article": article, "quantity": "1"})  # fmt: skip
        assert response.status_code == 404
    assert not OrderRow.objects.exists()


def test_the_commitment_form_names_the_price(people, org, waste):
    response = client_for(people["admin"]).post(
        f"/rounds/{waste.pk}/commit/",
        {"member": org.slug, "volume": "104", "current_price": "-1"}, follow=True,
    )  # fmt: skip
    assert _message(response) == ["current_price: Ensure this value is greater than or equal to 0."]
    assert not Commitment.objects.exists()


def test_the_delivery_form_names_the_transport_cost(people, awarded_goods):
    round, _other = awarded_goods
    for cost, message in (("1e30", "transport_cost: must be between -10^15 and 10^15 minor units"),
                          ("-1", "transport_cost: " + MONEY)):  # fmt: skip
        response = client_for(people["coordinator"]).post(
            f"/rounds/{round.pk}/delivery/", {"transport_cost": cost}, follow=True
        )
        assert _message(response) == [message]
    round.refresh_from_db()
    assert round.status == "awarded"


def test_the_bill_form_names_the_amount(people, org, awarded_waste):
    response = client_for(people["admin"]).post(
        f"/rounds/{awarded_waste.pk}/bill/",
        {"member": org.slug, "period_end": "2027-03-31", "volume": "26", "amount": "1e30"},
        follow=True,
    )  # fmt: skip
    assert _message(response) == [
        "amount: Ensure this value is less than or equal to 10000000000000."
    ]
    assert not Bill.objects.exists()


def test_the_patronage_form_names_the_surplus(people, network, awarded_goods):
    response = client_for(people["coordinator"]).post(
        f"/networks/{network.slug}/patronage/",
        {"title": "Rebate", "currency": "XXQ", "surplus": "10", "cash_percent": "20",
         "period_start": "2027-01-01", "period_end": "2027-12-31"},
    )  # fmt: skip
    assert response.context["form"].errors["currency"] == ["'XXQ' is not an ISO 4217 currency code"]
    assert not Patronage.objects.exists()


# The API: 422 naming the field for what the schema bounds, 400 for the services' rules


def _post(user, path, body):
    return client_for(user).post(path, json.dumps(body), content_type="application/json")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"quantity": 1e30}, "quantity"),
        ({"quantity": 9223372036854775807}, "quantity"),
        ({"quantity": -1}, "quantity"),
        ({"quantity": "NaN"}, "quantity"),
        ({"quantity": "1.0001"}, "quantity"),
        ({"tolerance": 10**16}, "tolerance"),
        ({"member": "riverside\x00"}, "member"),
        ({"article": 10**20}, "article"),
    ],
)
def test_the_api_bounds_orders(people, org, loaf, body, field):
    response = _post(people["admin"], f"/api/v1/rounds/{loaf.round_id}/orders",
                     {"member": org.slug, "article": loaf.pk, "quantity": 1} | body)  # fmt: skip
    assert response.status_code == 422, response.content
    assert response.json()["field"] == field
    assert not OrderRow.objects.exists()


def test_the_api_bounds_commitments_bills_and_bids(people, org, waste, awarded_waste):
    admin = people["admin"]
    response = _post(admin, f"/api/v1/rounds/{waste.pk}/bills",
                     {"member": org.slug, "period_end": "2027-03-31", "volume": "26",
                      "amount": 9223372036854775807})  # fmt: skip
    assert (response.status_code, response.json()["field"]) == (422, "amount")
    response = _post(admin, f"/api/v1/rounds/{waste.pk}/bills",
                     {"member": org.slug, "period_end": "2300-03-31", "volume": "26",
                      "amount": 100})  # fmt: skip
    assert (response.status_code, response.json()["field"]) == (400, "period_end")
    assert response.json()["detail"] == "period_end: must be between 1800-01-01 and 2200-12-31"
    assert not Bill.objects.exists()


def test_the_api_bounds_bids(bidding, loaf):
    path = f"/api/v1/rounds/{bidding['goods'].pk}/bids"
    person, supplier = bidding["person"], bidding["supplier"].slug
    for body, field in (
        ({"article_prices": {str(loaf.pk): -300}}, f"article_prices.{loaf.pk}"),
        ({"article_prices": {str(loaf.pk): 1e30}}, f"article_prices.{loaf.pk}"),
        ({"article_prices": {str(loaf.pk): 300}, "evidence": "x" * 5001}, "evidence"),
        ({"article_prices": {str(loaf.pk): 300}, "evidence": "a\x00"}, "evidence"),
    ):
        response = _post(person, path, {"supplier": supplier, "mode": "all_units"} | body)
        assert (response.status_code, response.json()["field"]) == (422, field), response.json()
    response = _post(person, f"/api/v1/rounds/{bidding['waste'].pk}/bids",
                     {"supplier": supplier, "mode": "all_units", "tiers": [[0, -5]]})  # fmt: skip
    assert (response.status_code, response.json()["field"]) == (422, "tiers.0.1")
    assert not Bid.objects.exists()


# The page and the API give the same answer


def test_page_and_api_refuse_a_negative_bid_price_alike(bidding, loaf):
    goods = bidding["goods"]
    page = client_for(bidding["person"]).post(
        f"/rounds/{goods.pk}/bid/", {"mode": "all_units", f"price-{loaf.pk}": "-3.00"}
    )
    assert page.status_code == 200
    assert page.context["form"].non_field_errors() == [
        f"article_prices[{loaf.pk}]: is not negative"
    ]
    api = _post(bidding["person"], f"/api/v1/rounds/{goods.pk}/bids",
                {"supplier": bidding["supplier"].slug, "mode": "all_units",
                 "article_prices": {str(loaf.pk): -300}})  # fmt: skip
    assert api.status_code == 422
    assert not Bid.objects.exists()


def test_page_and_api_refuse_a_bid_for_someone_else_alike(people, org, bidding):
    """A supplier's person bidding for a member it does not speak for: 403 on both."""
    waste = bidding["waste"]
    page = client_for(bidding["person"]).post(
        f"/rounds/{waste.pk}/bid/", {"mode": "all_units", "tiers": "0; 40", "supplier": org.slug}
    )
    api = _post(bidding["person"], f"/api/v1/rounds/{waste.pk}/bids",
                {"supplier": org.slug, "mode": "all_units", "tiers": [[0, 4000]]})  # fmt: skip
    assert (page.status_code, api.status_code) == (403, 403)
    assert not Bid.objects.exists()


def test_page_and_api_refuse_a_members_plain_member_alike(people, org, waste):
    """Someone with the member role (not admin or editor) does not commit for it."""
    page = client_for(people["member"]).post(
        f"/rounds/{waste.pk}/commit/", {"member": org.slug, "volume": "1", "current_price": "1"}
    )
    api = _post(people["member"], f"/api/v1/rounds/{waste.pk}/commitments",
                {"member": org.slug, "volume": "1", "current_price": "100"})  # fmt: skip
    assert (page.status_code, api.status_code) == (403, 403)
    assert api.json()["detail"] == "Only the people of the network's members commit to its rounds"
    assert not Commitment.objects.exists()
