"""The capital-flow report on a small hand-built network: a fund's loan, investment ties,
joint purchasing from a co-op and from a company, invoices between members and to
others; only what is recorded in the report's currency counts."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from intercoop.capital import flows, services
from intercoop.capital.flows import YearFlows
from intercoop.capital.tests.conftest import approved_loan, give_cash
from intercoop.clearing import services as clearing
from intercoop.conftest import client_for, make_org
from intercoop.core.audit import system_actor
from intercoop.directory import services as directory
from intercoop.network import services as network_services
from intercoop.purchasing import services as purchasing

THIS_YEAR = timezone.localdate().year


@pytest.fixture
def world(fund, network, org, holder, people, committee_people):
    """Loan, ties, rounds and invoices of `network` (USD, some EUR to be left out)."""
    system, coordinator = system_actor(), people["coordinator"]
    hill = make_org(name="Hill Co-op")
    directory.network_member_join(actor=system, network=network, organization=hill)
    company = make_org(name="Regional Hauling Inc.", is_cooperative=False)
    far_coop = make_org(name="Far Away Co-op")  # a co-op, not a member

    # a loan of 10,000.00 disbursed in 2025 (contributions are no flow between co-ops)
    give_cash(fund)
    loan = approved_loan(fund, org, people, committee_people)
    services.loan_disburse(actor=coordinator, loan=loan, on=dt.date(2025, 3, 15))

    # investment ties: 2,000.00 a year from mid-2024 to mid-2025 (survey); 500.00 a year
    # since January of this year (confirmed); a claim not confirmed; one in euros
    def tie(source, target, **values):
        values = {"kind": "investment", "currency": "USD"} | values
        return network_services.relationship_survey_record(
            actor=coordinator, network=network, source=source, target=target, values=values
        )

    tie(org, hill, annual_value=2_000_00, started_on=dt.date(2024, 6, 1),
        ended_on=dt.date(2025, 5, 31))  # fmt: skip
    tie(hill, org, annual_value=500_00, started_on=dt.date(THIS_YEAR, 1, 1))
    tie(holder, hill, annual_value=900_00, currency="EUR", started_on=dt.date(2024, 1, 1))
    network_services.relationship_claim(
        actor=system, source=holder, target=org, on_behalf_of=holder,
        values={"kind": "investment", "annual_value": 7_000_00, "currency": "USD",
                "started_on": dt.date(2024, 1, 1)},
    )  # fmt: skip
    tie(org, hill, kind="supplies", annual_value=8_000_00, started_on=dt.date(2024, 1, 1))

    # bread from a bakers' co-op: 6 and 4 loaves at 3.00 (contract from 2025-02-01)
    bread = purchasing.round_create(
        actor=coordinator, network=network,
        values={"title": "Bread", "kind": "goods", "category": "food", "currency": "USD"},
        articles=[{"name": "Loaf", "case_size": 5, "reference_price": Decimal(400)}],
    )  # fmt: skip
    loaf = bread.articles.get()
    for member, quantity in ((org, 6), (hill, 4)):
        purchasing.order_set(actor=system, article=loaf, member=member,
                             quantity=Decimal(quantity), tolerance=Decimal(0))  # fmt: skip
    _to_bidding(bread)
    bid = purchasing.bid_submit(actor=system, round=bread, supplier=make_org(name="Bakers Co-op"),
                                values={"mode": "all_units", "article_prices": {loaf.pk: 300}})  # fmt: skip
    purchasing.round_award(actor=system, round=bread, bid=bid, starts_on=dt.date(2025, 2, 1),
                           ends_on=dt.date(2025, 6, 1))  # fmt: skip

    # waste hauling by a company at 40.00 a pickup: `org` billed twice in 2025, `hill`
    # not billed (its 52 pickups under the award count in the contract's first year)
    waste = purchasing.round_create(
        actor=coordinator, network=network,
        values={"title": "Waste", "kind": "service", "category": "waste", "currency": "USD",
                "volume_unit": "pickups/year"},
    )  # fmt: skip
    for member, volume in ((org, 104), (hill, 52)):
        purchasing.commitment_set(actor=system, round=waste, member=member,
                                  volume=Decimal(volume), current_price=Decimal(5_000))  # fmt: skip
    _to_bidding(waste)
    bid = purchasing.bid_submit(actor=system, round=waste, supplier=company,
                                values={"mode": "all_units", "tiers": [[0, 4_000]]})  # fmt: skip
    purchasing.round_award(actor=system, round=waste, bid=bid, starts_on=dt.date(2025, 1, 1),
                           ends_on=dt.date(2027, 1, 1))  # fmt: skip
    for end in (dt.date(2025, 6, 30), dt.date(2025, 12, 31)):
        purchasing.bill_record(actor=system, round=waste, member=org, period_end=end,
                               volume=Decimal(52), amount=2_080_00)  # fmt: skip

    # a round in euros, left out of the USD report
    euro = purchasing.round_create(
        actor=coordinator, network=network,
        values={"title": "Paper", "kind": "service", "category": "waste", "currency": "EUR",
                "volume_unit": "boxes"},
    )  # fmt: skip
    purchasing.commitment_set(actor=system, round=euro, member=org, volume=Decimal(10),
                              current_price=Decimal(1_000))  # fmt: skip
    _to_bidding(euro)
    bid = purchasing.bid_submit(actor=system, round=euro, supplier=company,
                                values={"mode": "all_units", "tiers": [[0, 900]]})  # fmt: skip
    purchasing.round_award(actor=system, round=euro, bid=bid, starts_on=dt.date(2025, 1, 1),
                           ends_on=dt.date(2026, 1, 1))  # fmt: skip

    # invoices, recorded this year
    def invoice(debtor, creditor, amount, *, confirmed=True, currency="USD"):
        return clearing.obligation_record(
            actor=system, debtor=debtor, creditor=creditor,
            recorded_for=debtor if confirmed else creditor,
            values={"amount": amount, "currency": currency, "reference": "test"},
        )  # fmt: skip

    invoice(org, hill, 1_500_00)  # between members
    invoice(hill, holder, 250_00)  # between members
    invoice(hill, org, 700_00, confirmed=False)  # awaiting its debtor: left out
    disputed = invoice(org, hill, 900_00, confirmed=False)
    clearing.obligation_dispute(actor=system, obligation=disputed, reason="Not ours")
    invoice(org, company, 300_00)  # leaves the co-op economy
    invoice(org, far_coop, 200_00)  # to a co-op that is not a member: neither
    invoice(org, hill, 400_00, currency="EUR")
    return {"hill": hill, "company": company}


def _to_bidding(round):
    purchasing.round_move(actor=system_actor(), round=round, to="closed")
    purchasing.round_move(actor=system_actor(), round=round, to="bidding")


def expected_usd() -> list[YearFlows]:
    rows = {year: YearFlows(year) for year in range(2024, THIS_YEAR + 1)}
    rows[2024].investment_ties = 2_000_00
    rows[2025].fund_loans = 10_000_00
    rows[2025].investment_ties = 2_000_00
    rows[2025].purchasing_coop = 30_00  # 10 loaves at 3.00
    rows[2025].purchasing_other = 2 * 2_080_00 + 52 * 40_00
    rows[THIS_YEAR].investment_ties = 500_00
    rows[THIS_YEAR].invoices_between_members = 1_500_00 + 250_00
    rows[THIS_YEAR].invoices_other = 300_00
    return list(rows.values())


def test_flows_by_year_in_one_currency(world, network):
    rows = flows.capital_flows(network, currency="USD")
    assert rows == expected_usd()
    y2025 = rows[1]
    assert y2025.within_coop_economy == 10_000_00 + 2_000_00 + 30_00
    assert y2025.leaving_coop_economy == 6_240_00
    assert y2025.total == 18_270_00
    assert y2025.within_percent == Decimal("65.8")  # 12,030.00 of 18,270.00
    totals = flows.flow_totals(rows)
    assert totals.within_coop_economy == 2_000_00 + 12_030_00 + 500_00 + 1_750_00
    assert totals.leaving_coop_economy == 6_240_00 + 300_00
    assert flows.flow_currencies(network) == ["USD", "EUR"]
    euros = flows.capital_flows(network, currency="EUR")
    assert [(r.year, r.investment_ties, r.purchasing_other, r.invoices_between_members)
            for r in euros] == [(2024, 900_00, 0, 0), (2025, 900_00, 9_000, 0)] + [
        (year, 900_00, 0, 400_00 if year == THIS_YEAR else 0)
        for year in range(2026, THIS_YEAR + 1)
    ]  # fmt: skip
    assert flows.capital_flows(network, currency="JPY") == []


def test_a_member_that_left_takes_its_ties_and_invoices_out(world, network, org):
    directory.network_member_leave(actor=system_actor(), network=network, organization=org)
    rows = {r.year: r for r in flows.capital_flows(network, currency="USD")}
    assert min(rows) == 2025  # its tie of 2024 is out
    assert rows[THIS_YEAR].invoices_between_members == 250_00  # hill → holder
    assert rows[THIS_YEAR].invoices_other == 0  # `org` is no member now
    assert rows[2025].fund_loans == 10_000_00  # the fund lent to a member then


def test_chart_stacks_within_above_and_leaving_below(world, network):
    chart = flows.flow_chart(flows.capital_flows(network, currency="USD"))
    assert chart["top"] == 12_030_00 and chart["bottom"] == 6_240_00
    bar = chart["bars"][1]
    assert bar["row"].year == 2025
    keys = [s["key"] for s in bar["segments"]]
    assert keys == ["fund_loans", "investment_ties", "purchasing_coop", "purchasing_other"]
    above = [s for s in bar["segments"] if s["key"] != "purchasing_other"]
    assert above[-1]["y"] == flows.PLOT_TOP  # the tallest bar reaches the top
    assert above[0]["y"] + above[0]["height"] == chart["axis"]
    below = bar["segments"][-1]
    assert below["y"] == chart["axis"]
    assert below["y"] + below["height"] == flows.PLOT_TOP + flows.PLOT_HEIGHT
    assert flows.flow_chart([])["bars"] == []


def test_page_and_csv_for_insiders(world, network, people):
    url = reverse("capital:flows", args=[network.slug])
    page = client_for(people["member"]).get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Capital flows of Valley Network" in html
    assert "10,000.00 USD" in html and "65.8%" in html
    assert "only what was recorded in USD is counted" in html
    assert 'href="?currency=EUR"' in html
    assert "<svg" in html
    euro = client_for(people["coordinator"]).get(url, {"currency": "EUR"})
    assert "900.00 EUR" in euro.content.decode()
    for who, status in (("outsider", 403), ("other_coordinator", 403), ("staff", 200)):
        assert client_for(people[who]).get(url).status_code == status, who
    assert client_for(None).get(url).status_code == 302

    csv_url = reverse("capital:flows_csv", args=[network.slug])
    response = client_for(people["admin"]).get(csv_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == (
        "year,fund_loans,investment_ties,purchasing_coop,invoices_between_members,"
        "purchasing_other,invoices_other,within_coop_economy,leaving_coop_economy"
    )
    assert lines[1] == "2024,0.00,2000.00,0.00,0.00,0.00,0.00,2000.00,0.00"
    assert lines[2] == "2025,10000.00,2000.00,30.00,0.00,6240.00,0.00,12030.00,6240.00"
    assert lines[-1] == f"{THIS_YEAR},0.00,500.00,0.00,1750.00,0.00,300.00,2250.00,300.00"
    for line in lines[1:]:  # each row adds up: the flows within, then those leaving
        cells = [Decimal(cell) for cell in line.split(",")[1:]]
        assert sum(cells[:4]) == cells[6] and sum(cells[4:6]) == cells[7], line
    assert client_for(people["outsider"]).get(csv_url).status_code == 403


def test_an_empty_network_says_so(network, people):
    page = client_for(people["coordinator"]).get(reverse("capital:flows", args=[network.slug]))
    assert page.status_code == 200
    assert "No loans, investment ties, joint purchases or invoices" in page.content.decode()
    csv = client_for(people["coordinator"]).get(reverse("capital:flows_csv", args=[network.slug]))
    assert csv.content.decode().splitlines() == [",".join(
        ["year", "fund_loans", "investment_ties", "purchasing_coop", "invoices_between_members",
         "purchasing_other", "invoices_other", "within_coop_economy",
         "leaving_coop_economy"])]  # fmt: skip


def test_the_network_page_links_the_report_for_insiders(network, people):
    url = reverse("directory:network", args=[network.slug])
    link = reverse("capital:flows", args=[network.slug])
    assert link in client_for(people["member"]).get(url).content.decode()
    assert link not in client_for(people["outsider"]).get(url).content.decode()


def test_the_share_kept_within_is_rounded_down():
    assert YearFlows(2025, fund_loans=99_999, purchasing_other=1).within_percent == Decimal("99.9")
    assert YearFlows(2025, fund_loans=5).within_percent == Decimal("100.0")
    assert YearFlows(2025, invoices_other=5).within_percent == Decimal("0.0")
    assert YearFlows(2025).within_percent is None
