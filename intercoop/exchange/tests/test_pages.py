"""The exchange pages: an organisation's dashboard with its matches, adding and
withdrawing offers, needs and challenges, and the catalogue."""

import pytest
from django.utils import timezone

from intercoop.conftest import client_for, make_org
from intercoop.core.audit import system_actor
from intercoop.exchange import services
from intercoop.exchange.models import ExchangeItem


@pytest.fixture
def bakery_offer(org):
    return services.exchange_item_create(
        actor=system_actor(),
        organization=org,
        values={"kind": "offer", "category": "food", "title": "Sourdough bread and pastries",
                "description": "Baked daily, delivered in Leeds", "service_radius_km": 20,
                "coop_discount": 10},
    )  # fmt: skip


def test_a_manager_adds_a_need_and_sees_the_matching_offer(people, bakery_offer):
    school = make_org(name="Valley School", slug="school", is_cooperative=False, latitude=53.81)
    from intercoop.directory import services as directory_services

    directory_services.organization_role_assign(
        actor=system_actor(), organization=school, user=people["outsider"], role="admin"
    )
    manager = client_for(people["outsider"])
    response = manager.post(
        "/orgs/school/exchange/add/need/",
        {"category": "food", "title": "Bread for the canteen", "annual_spend": "12000.50",
         "currency": "gbp", "supplier_is_cooperative": "false"},
    )  # fmt: skip
    assert response.status_code == 302
    need = ExchangeItem.objects.get(kind="need")
    assert (need.annual_spend, need.currency, need.supplier_is_cooperative) == (
        1200050,
        "GBP",
        False,
    )
    page = manager.get("/orgs/school/exchange/")
    (match, name), *_rest = page.context["business"]
    assert name == "Riverside Bakery Co-op" and match.offer == bakery_offer.pk
    html = page.content.decode()
    assert (
        "12,000.50 GBP" in html
        and f"/orgs/riverside-bakery-co-op/introduce/?item={bakery_offer.pk}" in html
    )
    assert "km apart" in match.explanation


def test_the_form_shows_only_the_fields_of_its_kind(people, org):
    page = client_for(people["admin"]).get(f"/orgs/{org.slug}/exchange/add/challenge/")
    assert set(page.context["form"].fields) == {"category", "title", "description", "contact"}
    assert dict(page.context["form"].fields["category"].choices)["succession"] == "Succession"
    assert (
        client_for(people["admin"]).get(f"/orgs/{org.slug}/exchange/add/gift/").status_code == 404
    )


def test_bad_values_are_shown_and_nothing_is_written(people, org):
    response = client_for(people["admin"]).post(
        f"/orgs/{org.slug}/exchange/add/need/",
        {"category": "food", "title": "Flour", "annual_spend": "100", "currency": ""},
    )
    assert response.status_code == 200 and "currency" in response.context["form"].errors
    assert not ExchangeItem.objects.exists()


@pytest.mark.parametrize("who", ["outsider", "member", "coordinator"])
def test_only_the_organisations_speakers_add_withdraw_and_see_matches(
    people, org, bakery_offer, who
):
    client = client_for(people[who])
    assert (
        client.post(
            f"/orgs/{org.slug}/exchange/add/offer/", {"category": "food", "title": "x"}
        ).status_code
        == 403
    )
    assert client.post(f"/exchange/items/{bakery_offer.pk}/withdraw/").status_code == 403
    assert ExchangeItem.objects.filter(active=True).count() == 1
    page = client.get(f"/orgs/{org.slug}/exchange/")
    assert page.status_code == 200 and "business" not in page.context
    assert "Sourdough bread" in page.content.decode()


def test_withdraw(people, org, bakery_offer):
    client_for(people["admin"]).post(f"/exchange/items/{bakery_offer.pk}/withdraw/")
    assert not ExchangeItem.objects.get().active
    assert "Sourdough" not in client_for(None).get(f"/orgs/{org.slug}/exchange/").content.decode()


def test_catalogue_lists_cooperatives_offers_with_filters(db, org, bakery_offer):
    ally = make_org(name="Print Ltd", slug="print-ltd", is_cooperative=False)
    services.exchange_item_create(
        actor=system_actor(),
        organization=ally,
        values={"kind": "offer", "category": "printing", "title": "Leaflets"},
    )
    farm = make_org(name="Hill Farm Co-op", slug="farm", country="FR")
    services.exchange_item_create(
        actor=system_actor(),
        organization=farm,
        values={"kind": "offer", "category": "food", "title": "Goat cheese"},
    )
    client = client_for(None)

    def titles(query=""):
        return [i.title for i in client.get(f"/catalogue/?{query}").context["paged"].page]

    assert sorted(titles()) == ["Goat cheese", "Sourdough bread and pastries"]  # no allies
    assert titles("q=cheese") == ["Goat cheese"]
    assert titles("q=riverside") == ["Sourdough bread and pastries"]  # by producer name
    assert titles("country=fr") == ["Goat cheese"]
    assert titles("coop_discount=1") == ["Sourdough bread and pastries"]
    assert titles("category=printing") == []
    assert titles("structure=OS60&category=food&page=9") != []


def test_pending_organisations_stay_out_of_the_catalogue(db):
    pending = make_org(name="New Co-op", slug="new")
    pending.approval = "pending"
    pending.save(update_fields=["approval"])
    ExchangeItem.objects.create(
        organization=pending, kind="offer", category="food", title="Jam",
        created_at=timezone.now(), updated_at=timezone.now(),
    )  # fmt: skip
    assert client_for(None).get("/catalogue/").context["paged"].count == 0
