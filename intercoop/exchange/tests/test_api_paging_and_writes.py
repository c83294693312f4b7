"""The exchange API's lists page (with their filters kept), its writes go through the
services (the same rule and the same answer as the pages), and the notice board and deals
pages page long lists."""

import datetime as dt

import pytest
from django.utils import timezone

from intercoop.conftest import client_for, make_user
from intercoop.core.audit import system_actor
from intercoop.directory import services as directory_services
from intercoop.exchange import services
from intercoop.exchange.models import Deal, ExchangeItem, Introduction, Notice
from intercoop.exchange.tests.conftest import snapshot

PAGE_KEYS = {"count", "count_exact", "page", "pages", "page_size", "results"}


def get(path, user=None):
    response = client_for(user).get(path)
    assert response.status_code == 200, response.content
    return response.json()


def test_items_page_and_keep_their_filters(world):
    system = system_actor()
    for n in range(5):
        services.exchange_item_create(
            actor=system,
            organization=world.org,
            values={"kind": "need", "category": "it", "title": f"Laptop {n}"},
        )
    body = get("/api/v1/exchange/items?kind=need&q=laptop&page=2&page_size=2")
    assert set(body) == PAGE_KEYS
    assert (body["count"], body["count_exact"], body["page"], body["pages"], body["page_size"]) == (
        5, True, 2, 3, 2,
    )  # fmt: skip
    assert [i["title"] for i in body["results"]] == ["Laptop 2", "Laptop 1"]
    assert get("/api/v1/exchange/items?page_size=1000")["page_size"] == 200
    assert get("/api/v1/exchange/items?kind=offer")["count"] == 1


def test_notices_page_and_keep_their_filters(world):
    system = system_actor()
    for n in range(3):
        services.notice_post(
            actor=system,
            network=world.network,
            organization=world.org,
            values={"kind": "event", "title": f"Open day {n}", "body": "Come",
                    "starts_at": timezone.now() + dt.timedelta(days=n + 1)},
        )  # fmt: skip
    body = get("/api/v1/networks/valley/notices?kind=event&page_size=2&page=2")
    assert set(body) == PAGE_KEYS and (body["count"], body["pages"]) == (3, 2)
    assert [n["title"] for n in body["results"]] == ["Open day 0"]
    assert get("/api/v1/networks/valley/notices?q=baker")["count"] == 1


def test_deals_page_and_filter_by_audience_and_network(world):
    services.deal_create(
        actor=system_actor(),
        organization=world.org,
        values={"title": "For the valley", "discount_percent": 5, "audience": "network",
                "network": world.network},
    )  # fmt: skip
    body = get("/api/v1/deals?page_size=1")
    assert set(body) == PAGE_KEYS and (body["count"], body["pages"]) == (2, 2)
    assert [d["title"] for d in get("/api/v1/deals?audience=network")["results"]] == [
        "For the valley"
    ]
    assert get("/api/v1/deals?network=valley")["count"] == 1
    assert client_for(None).get("/api/v1/deals?network=nowhere").status_code == 404


def test_introductions_page_for_the_people_of_either_side(world):
    body = get("/api/v1/introductions?status=pending", world.people["admin"])
    assert set(body) == PAGE_KEYS and [i["requester"] for i in body["results"]] == ["valley-school"]
    assert get("/api/v1/introductions", world.people["other_admin"])["count"] == 1
    assert get("/api/v1/introductions", world.people["outsider"])["count"] == 0
    assert get("/api/v1/introductions?status=accepted", world.people["admin"])["count"] == 0


def test_notice_board_page_pages_long_lists(world):
    Notice.objects.bulk_create(
        Notice(network=world.network, organization=world.org, kind="job", title=f"Job {n:03}",
               body="b", expires_on=timezone.localdate(), created_at=timezone.now())
        for n in range(120)
    )  # fmt: skip
    client = client_for(None)
    first = client.get("/networks/valley/notices/?kind=job")
    assert first.context["paged"].count == 121 and len(first.context["notices"]) == 50
    assert "kind=job&amp;page=2" in first.content.decode()
    last = client.get("/networks/valley/notices/?kind=job&page=3")
    assert len(last.context["notices"]) == 21
    # the map shows the page's notices: of these only the world's first has a place
    assert [f["properties"]["title"] for f in last.context["geojson"]["features"]] == [
        "Baker wanted"
    ]


def test_deals_page_pages(world):
    Deal.objects.bulk_create(
        Deal(organization=world.org, title=f"Deal {n}", discount_percent=5, audience="social",
             created_at=timezone.now())
        for n in range(60)
    )  # fmt: skip
    page = client_for(None).get("/deals/?page=2")
    assert page.context["paged"].count == 61 and len(page.context["deals"]) == 11


# Writes: the services decide, the same way for the page and the API


@pytest.mark.parametrize("who", ["outsider", "member", "coordinator", "other_admin"])
def test_item_writes_over_the_api_are_refused_like_the_page(world, who):
    user = world.people[who]
    before = snapshot()
    api = client_for(user)
    pk = world.item.pk
    assert api.patch(f"/api/v1/exchange/items/{pk}", {"title": "x"},
                     content_type="application/json").status_code == 403  # fmt: skip
    assert api.post(f"/api/v1/exchange/items/{pk}/withdraw").status_code == 403
    assert api.post(f"/exchange/items/{pk}/withdraw/").status_code == 403
    assert (
        api.post(f"/exchange/items/{pk}/edit/", {"title": "x", "category": "food"}).status_code
        == 403
    )
    assert snapshot() == before


def test_an_admin_edits_and_withdraws_an_item_on_the_page_and_in_the_api(world):
    admin = client_for(world.people["admin"])
    page = admin.get(f"/exchange/items/{world.item.pk}/edit/")
    assert page.context["form"].initial["title"] == "Bread"
    response = admin.post(
        f"/exchange/items/{world.item.pk}/edit/",
        {"category": "food", "title": "Rye bread", "coop_discount": "15", "tags": "rye, bread"},
    )
    assert response.status_code == 302
    item = ExchangeItem.objects.get(pk=world.item.pk)
    assert (item.title, item.coop_discount, item.tags) == ("Rye bread", 15, ["rye", "bread"])
    changed = admin.patch(
        f"/api/v1/exchange/items/{item.pk}", {"price_hint": "3 GBP a loaf"},
        content_type="application/json",
    ).json()  # fmt: skip
    assert (changed["title"], changed["price_hint"]) == ("Rye bread", "3 GBP a loaf")
    withdrawn = admin.post(f"/api/v1/exchange/items/{item.pk}/withdraw").json()
    assert withdrawn["active"] is False


def test_notices_over_the_api_follow_the_page(world):
    admin = client_for(world.people["admin"])
    body = {"organization": world.org.slug, "kind": "help", "title": "Movers wanted",
            "body": "Saturday"}  # fmt: skip
    refused = admin.post("/api/v1/networks/valley/notices", body, content_type="application/json")
    assert refused.status_code == 400 and refused.json()["field"] == "needed_by"
    page = admin.post("/networks/valley/notices/new/", body)
    assert page.context["form"].errors["needed_by"] == [
        "a call for help says when the help is needed"
    ]
    # not a member of "elsewhere": refused by the service in the API (the page offers nothing)
    elsewhere = admin.post("/api/v1/networks/elsewhere/notices", body | {"needed_by": None},
                           content_type="application/json")  # fmt: skip
    assert elsewhere.status_code == 400
    assert elsewhere.json()["detail"] == "Only the network's member organisations post on its board"
    needed_by = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    created = admin.post(
        "/api/v1/networks/valley/notices", body | {"needed_by": needed_by},
        content_type="application/json",
    )  # fmt: skip
    assert created.status_code == 201 and created.json()["expires_on"] == needed_by
    pk = created.json()["id"]
    assert (
        client_for(world.people["outsider"]).post(f"/api/v1/notices/{pk}/withdraw").status_code
        == 403
    )
    assert (
        client_for(world.people["coordinator"]).post(f"/api/v1/notices/{pk}/withdraw").status_code
        == 200
    )
    assert Notice.objects.get(pk=pk).withdrawn


@pytest.mark.parametrize("who", ["outsider", "member", "coordinator", "other_admin"])
def test_others_may_not_post_notices_or_deals_in_the_api(world, who):
    api = client_for(world.people[who])
    before = snapshot()
    notice = {"organization": world.org.slug, "kind": "job", "title": "T", "body": "B"}
    assert api.post("/api/v1/networks/valley/notices", notice,
                    content_type="application/json").status_code == 403  # fmt: skip
    deal = {"organization": world.org.slug, "title": "T", "discount_percent": 5,
            "audience": "social"}  # fmt: skip
    assert api.post("/api/v1/deals", deal, content_type="application/json").status_code == 403
    assert api.post(f"/api/v1/deals/{world.deal.pk}/withdraw").status_code == 403
    assert snapshot() == before


def test_an_admin_offers_and_withdraws_a_deal_in_the_api(world):
    admin = client_for(world.people["admin"])
    created = admin.post(
        "/api/v1/deals",
        {"organization": world.org.slug, "title": "5% for the valley", "discount_percent": 5,
         "audience": "network", "network": "valley"},
        content_type="application/json",
    )  # fmt: skip
    assert created.status_code == 201, created.content
    assert (created.json()["network"], created.json()["redemptions"]) == ("valley", 0)
    withdrawn = admin.post(f"/api/v1/deals/{created.json()['id']}/withdraw")
    assert withdrawn.json()["active"] is False


def test_a_pending_organisation_cannot_ask_on_the_page_nor_in_the_api(world):
    """The page offered only approved organisations and the API any: one rule now."""
    founder = make_user("founder")
    pending = directory_services.organization_create(
        actor=founder, values={"name": "New Co-op", "country": "GB"}
    )
    assert pending.approval == "pending"
    before = snapshot()
    page = client_for(founder).post(
        f"/orgs/{world.org.slug}/introduce/", {"requester": pending.slug, "message": "Hi"}
    )
    api = client_for(founder).post(
        "/api/v1/introductions",
        {"requester": pending.slug, "recipient": world.org.slug, "message": "Hi"},
        content_type="application/json",
    )
    assert (page.status_code, api.status_code) == (403, 403)
    assert api.json()["detail"] == "You do not speak for an organisation in the directory"
    assert snapshot() == before


def test_block_over_the_api(world):
    admin = client_for(world.people["admin"])
    pk = world.introduction.pk
    assert client_for(world.people["other_admin"]).post(
        f"/api/v1/introductions/{pk}/block"
    ).status_code == 403  # fmt: skip
    blocked = admin.post(f"/api/v1/introductions/{pk}/block")
    assert blocked.status_code == 200 and blocked.json()["status"] == "declined"
    assert Introduction.objects.get(pk=pk).status == "declined"


def test_the_imports_page_offers_the_format_to_coordinators_and_staff(world):
    from intercoop.exchange.imports import may_import

    assert may_import(world.people["coordinator"]) and may_import(world.people["staff"])
    assert not may_import(world.people["admin"]) and not may_import(world.people["outsider"])
