"""Bounded input on every exchange field: huge, negative and malformed values, unknown
currencies, NUL bytes and over-long text get the field's error — on the page, in the API
and from the services — never a 500, and nothing is written."""

import datetime as dt

import pytest
from django.utils import timezone

from intercoop.conftest import client_for
from intercoop.core.errors import InvalidValues
from intercoop.exchange import services
from intercoop.exchange.tests.conftest import snapshot

HUGE = [10**16, 9223372036854775807, 1e30]
TODAY = timezone.localdate()
FAR = TODAY + dt.timedelta(days=400)


def page_error(response, field):
    assert response.status_code == 200, response.status_code
    return response.context["form"].errors[field]


def api_error(response, field, status=(400, 422)):
    assert response.status_code in status, response.content
    assert response.json()["field"] == field, response.json()
    return response.json()["detail"]


# Offers, needs and challenges: the service


@pytest.mark.parametrize(
    ("values", "field", "reason"),
    [
        *[({"annual_spend": v, "currency": "USD"}, "annual_spend",
           "must be between 0 and 10^15 minor units") for v in HUGE[:2]],
        ({"annual_spend": 1e30, "currency": "USD"}, "annual_spend",
         "must be a whole number of minor units"),
        ({"annual_spend": -1, "currency": "USD"}, "annual_spend",
         "must be between 0 and 10^15 minor units"),
        ({"annual_spend": 100, "currency": "XXQ"}, "currency",
         "'XXQ' is not an ISO 4217 currency code"),
        *[({"service_radius_km": v}, "service_radius_km",
           "must be a whole number from 0 to 20000") for v in [*HUGE, -1, 20_001]],
        ({"coop_discount": 101}, "coop_discount", "is a percentage, at most 100"),
        ({"coop_discount": -1}, "coop_discount", "must be a whole number from 0 to 100"),
        ({"coop_discount": 10**16}, "coop_discount", "is a percentage, at most 100"),
        ({"title": "Bread\x00"}, "title", "contains a control character"),
        ({"title": "x" * 201}, "title", "is 201 characters long; at most 200 are allowed"),
        ({"description": "x" * 5001}, "description",
         "is 5001 characters long; at most 5000 are allowed"),
        ({"unit": "x" * 51}, "unit", "is 51 characters long; at most 50 are allowed"),
        ({"contact": "a\x00b"}, "contact", "contains a control character"),
        ({"tags": [str(n) for n in range(21)]}, "tags", "at most 20 tags"),
        ({"tags": ["x" * 101]}, "tags", "is 101 characters long; at most 100 are allowed"),
    ],
)  # fmt: skip
def test_the_service_names_the_field(world, values, field, reason):
    before = snapshot()
    with pytest.raises(InvalidValues) as refused:
        services.exchange_item_create(
            actor=world.actor("admin"),
            organization=world.org,
            values={"kind": "need", "category": "it", "title": "Laptops"} | values,
        )
    assert refused.value.errors == {field: reason}
    assert snapshot() == before


def test_an_update_is_bounded_too(world):
    before = snapshot()
    with pytest.raises(InvalidValues) as refused:
        services.exchange_item_update(
            actor=world.actor("admin"), item=world.item, values={"service_radius_km": 10**16}
        )
    assert refused.value.errors == {"service_radius_km": "must be a whole number from 0 to 20000"}
    assert snapshot() == before


# Offers, needs and challenges: the page


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"annual_spend": "10000000000000000", "currency": "USD"}, "annual_spend"),
        ({"annual_spend": "9223372036854775807", "currency": "USD"}, "annual_spend"),
        ({"annual_spend": "1e30", "currency": "USD"}, "annual_spend"),
        ({"annual_spend": "-5", "currency": "USD"}, "annual_spend"),
        ({"annual_spend": "100", "currency": "XXQ"}, "currency"),
        ({"title": "Bread\x00"}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"description": "x" * 5001}, "description"),
        ({"description": "a\x01b"}, "description"),
        ({"tags": ",".join(str(n) for n in range(21))}, "tags"),
    ],
)
def test_the_need_form_names_the_field(world, data, field):
    before = snapshot()
    response = client_for(world.people["admin"]).post(
        f"/orgs/{world.org.slug}/exchange/add/need/",
        {"category": "it", "title": "Laptops"} | data,
    )
    assert page_error(response, field)
    assert snapshot() == before


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"service_radius_km": "10000000000000000"}, "service_radius_km"),
        ({"service_radius_km": "1e30"}, "service_radius_km"),
        ({"service_radius_km": "-1"}, "service_radius_km"),
        ({"coop_discount": "101"}, "coop_discount"),
        ({"price_hint": "x" * 101}, "price_hint"),
    ],
)
def test_the_offer_form_names_the_field(world, data, field):
    before = snapshot()
    response = client_for(world.people["admin"]).post(
        f"/orgs/{world.org.slug}/exchange/add/offer/", {"category": "food", "title": "Jam"} | data
    )
    assert page_error(response, field)
    assert snapshot() == before


def test_a_huge_spend_is_a_field_error_not_a_500(world):
    response = client_for(world.people["admin"]).post(
        f"/orgs/{world.org.slug}/exchange/add/need/",
        {"category": "it", "title": "Laptops", "annual_spend": "1e30", "currency": "USD"},
    )
    assert page_error(response, "annual_spend") == ["must be between -10^15 and 10^15 minor units"]


# Offers, needs and challenges: the API


@pytest.mark.parametrize(
    ("data", "field"),
    [
        *[({"annual_spend": v, "currency": "USD"}, "annual_spend") for v in [*HUGE, -1]],
        ({"annual_spend": 100, "currency": "XXQ"}, "currency"),
        *[({"service_radius_km": v}, "service_radius_km") for v in [*HUGE, -1]],
        ({"coop_discount": 101}, "coop_discount"),
        ({"title": "Bread\x00"}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"description": "x" * 100_000}, "description"),
        ({"tags": ["x" * 101]}, "tags.0"),
    ],
)
def test_the_api_names_the_field(world, data, field):
    before = snapshot()
    response = client_for(world.people["admin"]).post(
        "/api/v1/exchange/items",
        {"organization": world.org.slug, "kind": "need", "category": "it", "title": "IT"} | data,
        content_type="application/json",
    )
    api_error(response, field)
    assert snapshot() == before


def test_api_patch_is_bounded(world):
    before = snapshot()
    response = client_for(world.people["admin"]).patch(
        f"/api/v1/exchange/items/{world.item.pk}",
        {"coop_discount": 10**16},
        content_type="application/json",
    )
    api_error(response, "coop_discount")
    assert snapshot() == before


# Notices


def post_notice(world, **data):
    values = {"kind": "housing", "title": "Flat to let", "body": "Two rooms"} | data
    return client_for(world.people["admin"]).post("/networks/valley/notices/new/", values)


def api_notice(world, **data):
    values = {"organization": world.org.slug, "kind": "housing", "title": "Flat to let",
              "body": "Two rooms"} | data  # fmt: skip
    return client_for(world.people["admin"]).post(
        "/api/v1/networks/valley/notices", values, content_type="application/json"
    )


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"body": "x" * 100_000}, "body"),
        ({"title": "x" * 201}, "title"),
        ({"title": "Flat\x00"}, "title"),
        ({"place": "x" * 201}, "place"),
        ({"contact": "x" * 201}, "contact"),
        ({"expires_on": (TODAY - dt.timedelta(days=1)).isoformat()}, "expires_on"),
        ({"expires_on": FAR.isoformat()}, "expires_on"),
        ({"expires_on": "9999-12-31"}, "expires_on"),
        ({"kind": "help", "needed_by": (TODAY - dt.timedelta(days=1)).isoformat()}, "needed_by"),
        ({"kind": "event", "starts_at": "9999-12-31T10:00"}, "starts_at"),
    ],
)
def test_notices_are_bounded_on_the_page_and_in_the_api(world, data, field):
    before = snapshot()
    assert page_error(post_notice(world, **data), field)
    assert snapshot() == before
    if field != "body":  # see test_the_api_names_the_notice_body
        api_error(api_notice(world, **data), field)
    assert snapshot() == before


def test_a_100000_character_notice_is_refused_in_the_api(world):
    before = snapshot()
    response = api_notice(world, body="x" * 100_000)
    assert response.status_code == 422
    assert response.json()["detail"].endswith("String should have at most 5000 characters")
    assert snapshot() == before


def test_the_api_names_the_notice_body(world):
    api_error(api_notice(world, body="x" * 100_000), "body")


def test_page_and_api_give_the_same_reason_for_a_far_expiry(world):
    horizon = (TODAY + dt.timedelta(days=366)).isoformat()
    reason = f"is more than a year ahead (at most {horizon})"
    assert page_error(post_notice(world, expires_on=FAR.isoformat()), "expires_on") == [reason]
    assert api_error(api_notice(world, expires_on=FAR.isoformat()), "expires_on") == (
        f"expires_on: {reason}"
    )


def test_notice_coordinates_are_bounded_in_the_api(world):
    before = snapshot()
    api_error(api_notice(world, latitude=91), "latitude", status=(422,))
    api_error(api_notice(world, longitude=-1e30), "longitude", status=(422,))
    assert snapshot() == before


def test_a_notice_up_to_a_year_ahead_is_accepted(world):
    last = TODAY + dt.timedelta(days=366)
    response = api_notice(world, expires_on=last.isoformat())
    assert response.status_code == 201, response.content
    assert response.json()["expires_on"] == last.isoformat()


# Member deals


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"discount_percent": "101"}, "discount_percent"),
        ({"discount_percent": "0"}, "discount_percent"),
        ({"discount_percent": str(10**16)}, "discount_percent"),
        ({"discount_percent": "1e30"}, "discount_percent"),
        ({"title": "x" * 201}, "title"),
        ({"title": "Bread\x00"}, "title"),
        ({"description": "x" * 5001}, "description"),
        ({"valid_until": "2000-01-01"}, "valid_until"),
        ({"valid_until": "9999-12-31"}, "valid_until"),
    ],
)
def test_deals_are_bounded_on_the_page(world, data, field):
    before = snapshot()
    values = {"title": "10% off", "discount_percent": "10", "audience": "cooperators"} | data
    response = client_for(world.people["admin"]).post(f"/orgs/{world.org.slug}/deals/", values)
    assert page_error(response, field)
    assert snapshot() == before


@pytest.mark.parametrize(
    ("data", "field"),
    [
        *[({"discount_percent": v}, "discount_percent") for v in [*HUGE, 0, 101, -1]],
        ({"title": "x" * 201}, "title"),
        ({"title": "Bread\x00"}, "title"),
        ({"description": "x" * 5001}, "description"),
        ({"valid_until": "2000-01-01"}, "valid_until"),
        ({"valid_until": "9999-12-31"}, "valid_until"),
        ({"audience": "network"}, "network"),
    ],
)
def test_deals_are_bounded_in_the_api(world, data, field):
    before = snapshot()
    values = {"organization": world.org.slug, "title": "10% off", "discount_percent": 10,
              "audience": "cooperators"} | data  # fmt: skip
    response = client_for(world.people["admin"]).post(
        "/api/v1/deals", values, content_type="application/json"
    )
    api_error(response, field)
    assert snapshot() == before


# Introductions


def test_introduction_messages_are_bounded(world):
    before = snapshot()
    response = client_for(world.people["admin"]).post(
        f"/orgs/{world.shopper_org.slug}/introduce/", {"message": "x" * 5001}
    )
    assert page_error(response, "message")
    body = {"requester": world.org.slug, "recipient": world.shopper_org.slug}
    for message in ["x" * 5001, "Hello\x00"]:
        response = client_for(world.people["admin"]).post(
            "/api/v1/introductions", body | {"message": message}, content_type="application/json"
        )
        api_error(response, "message")
    with pytest.raises(Exception, match="control character"):
        services.introduction_request(
            actor=world.actor("admin"),
            requester=world.org,
            recipient=world.shopper_org,
            message="Hello\x00",
        )
    assert snapshot() == before
