"""The order form of a round (every article in one submit, all or nothing), its summary,
the coordinators' pick lists, changing a round until it closes, correcting a delivery by
a new entry, and the messages and confirmations of the round page."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied

from intercoop.clearing.models import Obligation
from intercoop.conftest import client_for
from intercoop.core.audit import system_actor
from intercoop.core.errors import DomainError, InvalidValues
from intercoop.core.models import AuditEvent
from intercoop.purchasing import services
from intercoop.purchasing.models import Article, Delivery, OrderRow, Round

D = Decimal


@pytest.fixture
def bread(people, network):
    return services.round_create(
        actor=people["coordinator"], network=network,
        values={"title": "Bread", "kind": "goods", "category": "food", "currency": "USD"},
        articles=[{"name": "Loaf", "case_size": 5, "reference_price": D(400)},
                  {"name": "Milk", "unit": "litre", "case_size": 6, "reference_price": D(150)}],
    )  # fmt: skip


def _articles(round):
    return list(round.articles.order_by("pk"))


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_order_form_saves_every_row_and_sums_the_order(people, org, bread):
    loaf, milk = _articles(bread)
    client = client_for(people["admin"])
    response = client.post(
        f"/rounds/{bread.pk}/orders/",
        {"member": org.slug, f"quantity-{loaf.pk}": "6", f"tolerance-{loaf.pk}": "2",
         f"quantity-{milk.pk}": "12", f"tolerance-{milk.pk}": ""},
    )  # fmt: skip
    assert response.status_code == 302
    assert _messages(response) == [f"The order of {org.name} is saved."]
    assert sorted(OrderRow.objects.values_list("article__name", "quantity", "tolerance")) == [
        ("Loaf", 6, 2), ("Milk", 12, 0),
    ]  # fmt: skip
    page = client.get(response.url)
    assert [(r[0].article.name, r[0].quantity, r[0].tolerance) for r in page.context["rows"]] == [
        ("Loaf", 6, 2), ("Milk", 12, 0),
    ]  # fmt: skip
    assert [(line.article.name, line.estimate) for line in page.context["summary"]] == [
        ("Loaf", 2_400), ("Milk", 1_800),
    ]  # fmt: skip
    assert page.context["total"] == 4_200
    html = page.content.decode()
    assert "24.00 USD" in html and "18.00 USD" in html and "42.00 USD" in html
    assert "how many more units you would also take" in html


def test_the_order_form_shows_the_current_order_and_lowers_it(people, org, bread):
    loaf, milk = _articles(bread)
    services.order_set(actor=people["admin"], article=loaf, member=org, quantity=D(10),
                       tolerance=D(3))  # fmt: skip
    client = client_for(people["admin"])
    page = client.get(f"/rounds/{bread.pk}/orders/")
    assert f'name="quantity-{loaf.pk}" type="number" min="0" step="1" value="10"' in (
        page.content.decode()
    )
    client.post(f"/rounds/{bread.pk}/orders/",
                {"member": org.slug, f"quantity-{loaf.pk}": "4", f"tolerance-{loaf.pk}": "0",
                 f"quantity-{milk.pk}": "0", f"tolerance-{milk.pk}": "0"})  # fmt: skip
    assert list(OrderRow.objects.values_list("article__name", "quantity", "tolerance")) == [
        ("Loaf", 4, 0)
    ]


def test_one_bad_row_saves_nothing_and_names_its_article(people, org, bread):
    loaf, milk = _articles(bread)
    services.order_set(actor=people["admin"], article=loaf, member=org, quantity=D(5),
                       tolerance=D(0))  # fmt: skip
    before = list(OrderRow.objects.values_list("pk", "quantity", "tolerance"))
    response = client_for(people["admin"]).post(
        f"/rounds/{bread.pk}/orders/",
        {"member": org.slug, f"quantity-{loaf.pk}": "7", f"tolerance-{loaf.pk}": "0",
         f"quantity-{milk.pk}": "2.5", f"tolerance-{milk.pk}": "0"},
    )  # fmt: skip
    assert response.status_code == 200
    assert list(OrderRow.objects.values_list("pk", "quantity", "tolerance")) == before
    errors = {r[0].article.name: r[2] for r in response.context["rows"]}
    assert errors == {"Loaf": [], "Milk": ["Milk: quantity is a whole number of units"]}
    assert _messages(response) == ["Nothing was saved: correct the rows marked below."]
    with pytest.raises(InvalidValues) as raised:
        services.order_set_many(actor=people["admin"], round=bread, member=org,
                                lines={loaf.pk: (D(7), D(0)), milk.pk: (D(-1), D(0))})  # fmt: skip
    assert raised.value.errors == {f"orders[{milk.pk}].quantity": "Milk: quantity is not negative"}
    assert list(OrderRow.objects.values_list("pk", "quantity", "tolerance")) == before


def test_the_order_form_refuses_others_and_closed_rounds(people, org, bread):
    loaf, _milk = _articles(bread)
    assert client_for(people["member"]).get(f"/rounds/{bread.pk}/orders/").status_code == 404
    with pytest.raises(PermissionDenied):
        services.order_set_many(actor=people["member"], round=bread, member=org,
                                lines={loaf.pk: (D(5), D(0))})  # fmt: skip
    services.round_move(actor=people["coordinator"], round=bread, to="closed")
    with pytest.raises(DomainError):
        services.order_set_many(actor=people["admin"], round=bread, member=org,
                                lines={loaf.pk: (D(5), D(0))})  # fmt: skip
    page = client_for(people["admin"]).get(f"/rounds/{bread.pk}/orders/")
    assert page.context["takes_orders"] is False
    assert "Save the whole order" not in page.content.decode()
    assert not OrderRow.objects.exists()


def test_a_coordinator_has_a_pick_list_per_supplier_after_the_award(people, awarded_goods):
    round, _other = awarded_goods
    client = client_for(people["coordinator"])
    page = client.get(f"/rounds/{round.pk}/pick-list/")
    (picks,) = page.context["lists"]
    assert picks.supplier.name == "Bakers"
    assert [(m.name, [(a.name, q) for a, q in lines]) for m, lines in picks.members] == [
        ("Other Co-op", [("Loaf", 4)]), ("Riverside Bakery Co-op", [("Loaf", 6)]),
    ]  # fmt: skip
    assert [(a.name, q) for a, q in picks.totals] == [("Loaf", 10)]
    assert "data-print" in page.content.decode()
    csv = client.get(f"/rounds/{round.pk}/pick-list.csv").content.decode()
    assert csv.splitlines() == [
        "supplier,member,article,unit,quantity",
        "Bakers,Other Co-op,Loaf,piece,4",
        "Bakers,Riverside Bakery Co-op,Loaf,piece,6",
    ]
    for who in ("admin", "member", "other_coordinator"):
        assert client_for(people[who]).get(f"/rounds/{round.pk}/pick-list/").status_code == 404


def test_no_pick_list_before_the_award_and_the_page_says_why(people, bread):
    response = client_for(people["coordinator"]).get(f"/rounds/{bread.pk}/pick-list/")
    assert response.status_code == 403
    assert "The round is not awarded yet: it has pick lists once it is." in (
        response.content.decode()
    )
    assert client_for(people["admin"]).get(f"/rounds/{bread.pk}/pick-list/").status_code == 404


def test_a_round_is_changed_until_it_closes(people, org, bread):
    loaf, milk = _articles(bread)
    services.order_set(actor=people["admin"], article=loaf, member=org, quantity=D(5),
                       tolerance=D(0))  # fmt: skip
    client = client_for(people["coordinator"])
    response = client.post(
        f"/rounds/{bread.pk}/edit/",
        {"title": "Bread and milk", "category": "food", "strategy": "proportional",
         "transport_split": "units", "description": "Weekly",
         f"name-{loaf.pk}": "Sourdough loaf", f"unit-{loaf.pk}": "loaf", f"case-{loaf.pk}": "6",
         f"price-{loaf.pk}": "4.20", f"name-{milk.pk}": "Milk", f"unit-{milk.pk}": "litre",
         f"case-{milk.pk}": "6", f"price-{milk.pk}": "1.50", f"remove-{milk.pk}": "1",
         "articles": "Butter; kg; 4; 9"},
    )  # fmt: skip
    assert response.status_code == 302
    assert _messages(response) == ["The round is saved."]
    bread.refresh_from_db()
    assert (bread.title, bread.strategy, bread.transport_split, bread.description) == (
        "Bread and milk", "proportional", "units", "Weekly",
    )  # fmt: skip
    assert list(Article.objects.order_by("pk").values_list(
        "name", "unit", "case_size", "reference_price")) == [
        ("Sourdough loaf", "loaf", 6, 420), ("Butter", "kg", 4, 900),
    ]  # fmt: skip
    assert AuditEvent.objects.filter(action="round.update").count() == 1


def test_an_ordered_article_stays_and_a_closed_round_does_not_change(people, org, bread):
    loaf, milk = _articles(bread)
    services.order_set(actor=people["admin"], article=loaf, member=org, quantity=D(5),
                       tolerance=D(0))  # fmt: skip
    with pytest.raises(InvalidValues) as raised:
        services.round_update(actor=people["coordinator"], round=bread, values={},
                              articles=[{"id": milk.pk, "name": "Milk"}])  # fmt: skip
    assert raised.value.errors == {"articles": "Loaf has orders and stays"}
    with pytest.raises(InvalidValues) as raised:
        services.round_update(actor=people["coordinator"], round=bread, values={"currency": "EUR"})
    assert raised.value.errors == {"currency": "cannot change once the round is open"}
    services.round_move(actor=people["coordinator"], round=bread, to="closed")
    with pytest.raises(DomainError):
        services.round_update(actor=people["coordinator"], round=bread, values={"title": "X"})
    response = client_for(people["coordinator"]).get(f"/rounds/{bread.pk}/edit/")
    assert response.status_code == 403
    assert "A round is changed only while it takes orders" in response.content.decode()
    assert Round.objects.get().title == "Bread"
    assert Article.objects.count() == 2


def test_a_delivery_is_corrected_by_a_new_entry(people, org, awarded_goods):
    round, _other = awarded_goods
    loaf = round.articles.get()
    services.delivery_record(actor=people["coordinator"], round=round, received={loaf.pk: D(10)})
    first = Delivery.objects.get()
    invoice_pks = list(Obligation.objects.values_list("pk", flat=True))
    invoices = list(Obligation.objects.values_list("debtor__name", "creditor__name", "amount"))
    assert sorted(invoices) == [
        ("Other Co-op", "Bakers", 1_200),
        ("Riverside Bakery Co-op", "Bakers", 1_800),
    ]
    response = client_for(people["coordinator"]).post(
        f"/rounds/{round.pk}/delivery/correct/",
        {f"received-{loaf.pk}": "5", "transport_cost": "0", "reason": "half arrived stale"},
    )  # fmt: skip
    assert _messages(response) == [
        "Delivery corrected; each member's difference is invoiced or credited."
    ]
    correction = Delivery.objects.exclude(pk=first.pk).get()
    assert (correction.corrects, correction.received, correction.reason) == (
        first, {str(loaf.pk): "5"}, "half arrived stale",
    )  # fmt: skip
    assert first.received == {str(loaf.pk): "10"}  # the first entry is unchanged
    credits = Obligation.objects.exclude(pk__in=invoice_pks)  # first come, first served
    assert sorted(credits.values_list("debtor__name", "creditor__name", "amount")) == [
        ("Bakers", "Other Co-op", 1_200), ("Bakers", "Riverside Bakery Co-op", 300),
    ]  # fmt: skip
    assert round.articles.get().received == 5


def test_only_coordinators_correct_and_a_refusal_changes_nothing(people, awarded_goods):
    round, _other = awarded_goods
    loaf = round.articles.get()
    services.delivery_record(actor=people["coordinator"], round=round, received={loaf.pk: D(10)})
    before = (Delivery.objects.count(), Obligation.objects.count())
    client_for(people["admin"]).post(
        f"/rounds/{round.pk}/delivery/correct/",
        {f"received-{loaf.pk}": "5", "transport_cost": "0", "reason": "x"},
    )
    with pytest.raises(InvalidValues):
        services.delivery_correct(actor=people["coordinator"], round=round,
                                  received={loaf.pk: D(5)}, transport_cost=0, reason=" ")  # fmt: skip
    assert (Delivery.objects.count(), Obligation.objects.count()) == before
    assert round.articles.get().received == 10


def test_the_round_page_confirms_what_cannot_be_undone(people, org, bread, awarded_goods):
    client = client_for(people["coordinator"])
    html = client.get(f"/rounds/{bread.pk}/").content.decode()
    assert 'data-confirm="Close orders? Members can no longer change their orders' in html
    response = client.post(f"/rounds/{bread.pk}/move/", {"to": "closed"})
    assert _messages(response) == ["The round is now: Closed."]
    html = client.get(f"/rounds/{bread.pk}/").content.decode()
    assert 'data-confirm="Invite bids? Orders cannot be reopened after this."' in html
    round, _other = awarded_goods
    html = client.get(f"/rounds/{round.pk}/").content.decode()
    assert 'data-confirm="Record the delivery? Each member is invoiced its part' in html
    services.round_move(actor=system_actor(), round=bread, to="bidding")
    services.bid_submit(actor=system_actor(), round=bread, supplier=round.contract.bid.supplier,
                        values={"mode": "all_units",
                                "article_prices": {a.pk: 300 for a in _articles(bread)}})  # fmt: skip
    html = client.get(f"/rounds/{bread.pk}/").content.decode()
    assert 'data-confirm="Award the round to Bakers? This cannot be undone."' in html
    response = client.post(f"/rounds/{bread.pk}/award/", {
        "bid": bread.bids.get().pk, "starts_on": "2027-01-01", "ends_on": "2027-06-01"})  # fmt: skip
    assert _messages(response) == ["Awarded."]
    assert dt.date(2027, 1, 1) == Round.objects.get(pk=bread.pk).contract.starts_on


def test_the_api_sets_a_whole_order_or_nothing(people, org, bread):
    loaf, milk = _articles(bread)
    client = client_for(people["admin"])
    body = {"member": org.slug, "lines": [{"article": loaf.pk, "quantity": "6", "tolerance": "2"},
                                          {"article": milk.pk, "quantity": "12"}]}  # fmt: skip
    response = client.put(f"/api/v1/rounds/{bread.pk}/order", json.dumps(body),
                          content_type="application/json")  # fmt: skip
    assert response.status_code == 200, response.content
    assert response.json() == [
        {"article": loaf.pk, "quantity": "6.000", "tolerance": "2.000"},
        {"article": milk.pk, "quantity": "12.000", "tolerance": "0.000"},
    ]
    body["lines"] = [{"article": loaf.pk, "quantity": "1"}, {"article": milk.pk, "quantity": "1.5"}]
    response = client.put(f"/api/v1/rounds/{bread.pk}/order", json.dumps(body),
                          content_type="application/json")  # fmt: skip
    assert response.status_code == 400
    assert sorted(OrderRow.objects.values_list("article__name", "quantity")) == [
        ("Loaf", 6), ("Milk", 12),
    ]  # fmt: skip
    outsider = client_for(people["member"]).put(
        f"/api/v1/rounds/{bread.pk}/order", json.dumps(body), content_type="application/json"
    )
    assert outsider.status_code == 403


def test_a_service_round_is_changed_without_articles(people, waste):
    response = client_for(people["coordinator"]).post(
        f"/rounds/{waste.pk}/edit/",
        {"title": "Waste and recycling", "category": "waste", "volume_unit": "lifts/year",
         "strategy": "fifo", "transport_split": "value", "description": "",
         "closes_on": "2099-01-31"},
    )  # fmt: skip
    assert response.status_code == 302
    waste.refresh_from_db()
    assert (waste.title, waste.volume_unit, waste.closes_on) == (
        "Waste and recycling", "lifts/year", dt.date(2099, 1, 31),
    )  # fmt: skip
    assert client_for(people["admin"]).get(f"/rounds/{waste.pk}/edit/").status_code == 404
