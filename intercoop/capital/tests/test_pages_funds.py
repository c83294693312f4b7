"""The fund pages: the index, setting up a fund and its settings, the fund page, capital
in, investor notes and statements, the books, and the dashboard's tasks. Each page
renders for those who may see it and answers 403/404 to others; writes go through the
services, a refused one leaves nothing behind, and bad input comes back as a field
error, never a 500."""

import datetime as dt
import html
import re
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from intercoop.capital import services, views_funds
from intercoop.capital.dashboard import dashboard_tasks
from intercoop.capital.models import (
    Contribution,
    EquityEntry,
    EquityTier,
    Fund,
    InvestorNote,
    LedgerEntry,
    LoanApplication,
    Pledge,
)
from intercoop.capital.tests.conftest import START, approved_loan, give_cash
from intercoop.conftest import client_for, make_org, make_user
from intercoop.core.audit import system_actor
from intercoop.directory import services as directory
from intercoop.governance.bodies import committee_create

DAY = dt.date(2026, 4, 15)  # "today" on the pages that show the fund on a day


@pytest.fixture
def on_day(monkeypatch: Any) -> dt.date:
    monkeypatch.setattr(views_funds, "_today", lambda: DAY)
    return DAY


def _text(response: Any) -> str:
    """The page's words, without markup."""
    words = re.sub(r"<[^>]*>", " ", response.content.decode())
    return " ".join(html.unescape(words).split())


def _url(fund: Fund, page: str = "") -> str:
    return f"/capital/{fund.slug}/{page}"


# the menu and the index --------------------------------------------------------------------


def test_signed_in_people_find_capital_in_the_navigation(people, client):
    link = '<a href="/capital/">Capital</a>'
    assert link in client_for(people["outsider"]).get("/").content.decode()
    assert link not in client.get("/").content.decode()
    here = client_for(people["member"]).get("/capital/").content.decode()
    assert '<a href="/capital/" aria-current="page">Capital</a>' in here


def test_the_index_lists_my_funds_loans_applications_and_notes(fund, org, people,
                                                              committee_people):  # fmt: skip
    loan = approved_loan(fund, org, people, committee_people)
    draft = services.application_create(
        actor=people["admin"], fund=fund, organization=org,
        values={"purpose": "Solar panels", "amount": 5_000_00, "term_months": 24,
                "requested_rate": Decimal(4), "method": "annuity"},
    )  # fmt: skip
    services.note_record(
        actor=people["coordinator"], fund=fund, amount=2_000_00, rate=Decimal(1),
        term_months=24, issued_on=START, organization=org,
    )  # fmt: skip
    page = client_for(people["member"]).get("/capital/")
    assert page.status_code == 200
    assert [f.name for f in page.context["funds"]] == ["Valley Solidarity Fund"]
    assert [x.pk for x in page.context["loans"]] == [loan.pk]
    assert [a.pk for a in page.context["applications"]] == [draft.pk]
    assert [n.organization for n in page.context["notes"]] == [org]
    text = _text(page)
    assert f'href="/capital/loans/{loan.pk}/"' in page.content.decode()
    assert "10,000.00 USD" in text and "2,000.00 USD" in text
    # a stranger has none of it
    page = client_for(people["outsider"]).get("/capital/")
    assert page.context["funds"] == [] and page.context["loans"] == []
    assert page.context["notes"] == [] and page.context["applications"] == []
    assert "None of your networks has a fund yet." in _text(page)


def test_a_coordinator_of_a_network_without_a_fund_is_offered_to_set_one_up(fund, people):
    page = client_for(people["other_coordinator"]).get("/capital/")
    assert 'href="/capital/new/elsewhere/"' in page.content.decode()
    assert "Set up a fund for Elsewhere" in _text(page)
    # the network with a fund is not offered again
    page = client_for(people["coordinator"]).get("/capital/")
    assert "/capital/new/valley/" not in page.content.decode()


def test_the_index_needs_signing_in(client):
    response = client.get("/capital/")
    assert response.status_code == 302 and "/login/" in response["Location"]


# setting up a fund ---------------------------------------------------------------------------


@pytest.fixture
def elsewhere(people: Any) -> dict[str, Any]:
    """The network `other_coordinator` runs, with a member co-op and a committee."""
    from intercoop.directory.models import Network

    network = Network.objects.get(slug="elsewhere")
    holder = make_org(name="Hill Credit Co-op")
    directory.network_member_join(actor=system_actor(), network=network, organization=holder)
    committee = committee_create(
        actor=system_actor(), name="Hill lenders", network=network, users=[people["member"]]
    )
    return {"network": network, "holder": holder, "committee": committee}


def _fund_post(holder_org: Any, body: Any, **changes: Any) -> dict[str, Any]:
    return {
        "name": "Hill Fund", "holder": str(holder_org.pk), "currency": "EUR",
        "description": "For the hills", "max_loan": "25000.00", "min_term_months": "6",
        "max_term_months": "48", "min_rate": "1", "max_rate": "6.5", "eligibility": "",
        "min_membership_months": "12", "investor_min_rate": "0", "investor_max_rate": "2",
        "committee": str(body.pk), "decide": "poll", "decision_days": "10",
        "reserve_percent": "4",
    } | changes  # fmt: skip


def test_a_coordinator_sets_up_the_networks_fund(people, elsewhere):
    client = client_for(people["other_coordinator"])
    page = client.get("/capital/new/elsewhere/")
    assert page.status_code == 200
    form = page.context["form"]
    assert [label for _key, label in form.fields["holder"].choices] == ["—", "Hill Credit Co-op"]
    assert [label for _key, label in form.fields["committee"].choices] == [
        "None: the network's coordinators decide",
        "Hill lenders",
    ]
    assert 'href="/decide/committees/new/?owner=network:elsewhere"' in page.content.decode()
    response = client.post(
        "/capital/new/elsewhere/", _fund_post(elsewhere["holder"], elsewhere["committee"])
    )
    made = Fund.objects.get(network=elsewhere["network"])
    assert response.status_code == 302 and response["Location"] == f"/capital/{made.slug}/"
    assert (made.name, made.slug, made.currency, made.holder) == (
        "Hill Fund", "hill-fund", "EUR", elsewhere["holder"],
    )  # fmt: skip
    assert (made.max_loan, made.min_term_months, made.max_term_months) == (25_000_00, 6, 48)
    assert (made.min_rate, made.max_rate, made.reserve_percent) == (
        Decimal(1), Decimal("6.5"), Decimal(4),
    )  # fmt: skip
    assert (made.committee, made.decide_by_poll, made.decision_days) == (
        elsewhere["committee"], True, 10,
    )  # fmt: skip
    assert made.min_membership_months == 12


@pytest.mark.parametrize("who", ["member", "admin", "coordinator", "outsider"])
def test_only_the_networks_coordinators_set_up_its_fund(people, elsewhere, who):
    client = client_for(people[who])
    assert client.get("/capital/new/elsewhere/").status_code == 403
    response = client.post(
        "/capital/new/elsewhere/", _fund_post(elsewhere["holder"], elsewhere["committee"])
    )
    assert response.status_code == 403
    assert not Fund.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"max_rate": "0.5"}, "max_rate", "is at least the lowest rate"),
        ({"currency": "ZZZ"}, "currency", "'ZZZ' is not an ISO 4217 currency code"),
        ({"currency": "JPY", "max_loan": "100.5"}, "max_loan", "too many decimals for JPY"),
        ({"max_term_months": "601"}, "max_term_months", "must be a whole number from 1 to 600"),
        ({"holder": "999999"}, "holder", "Select a valid choice"),
        ({"committee": "abc"}, "committee", "Select a valid choice"),
        ({"max_loan": "lots"}, "max_loan", "Enter a number."),
        ({"name": ""}, "name", "This field is required."),
    ],
)
def test_bad_values_for_a_fund_show_the_fields_error(people, elsewhere, changes, field, message):
    response = client_for(people["other_coordinator"]).post(
        "/capital/new/elsewhere/",
        _fund_post(elsewhere["holder"], elsewhere["committee"], **changes),
    )
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors.get(field, []))
    assert message in errors
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not Fund.objects.exists()


def test_a_network_that_does_not_exist_has_no_fund_to_set_up(people):
    assert client_for(people["staff"]).get("/capital/new/nowhere/").status_code == 404


# the fund's page -----------------------------------------------------------------------------


@pytest.fixture
def active_loan(fund: Fund, org: Any, people: Any, committee_people: list[Any]) -> Any:
    """A loan of 10,000.00 at 12% over 12 months disbursed on START, the first instalment
    paid (100.00 interest, 788.49 principal): on DAY the second, due 2026-03-31, is 15
    days late."""
    services.contribution_record(
        actor=people["coordinator"], fund=fund, organization=org, amount=20_000_00,
        received_on=dt.date(2026, 1, 10),
    )  # fmt: skip
    loan = approved_loan(fund, org, people, committee_people)
    services.loan_disburse(actor=people["coordinator"], loan=loan, on=START)
    services.repayment_record(
        actor=people["coordinator"], loan=loan, amount=888_49, paid_on=dt.date(2026, 2, 27)
    )
    return loan


def test_the_fund_page_shows_capital_arrears_and_what_falls_due(fund, people, active_loan,
                                                               on_day):  # fmt: skip
    page = client_for(people["coordinator"]).get(_url(fund))
    assert page.status_code == 200
    o = page.context["o"]
    assert (o.contributions, o.disbursed, o.principal_outstanding) == (
        20_000_00, 10_000_00, 10_000_00 - 788_49,
    )  # fmt: skip
    assert o.cash == 20_000_00 - 10_000_00 + 888_49
    assert o.available == o.cash
    assert [(r.bucket, r.loans) for r in o.ageing] == [
        ("current", 0), ("1-30", 1), ("31-60", 0), ("61-90", 0), ("90+", 0),
    ]  # fmt: skip
    text = _text(page)
    assert "Available to lend 10,888.49 USD" in text
    assert "PAR30 0.00%" in text and "PAR90 0.00%" in text
    # the second instalment's principal (796.37) is overdue, of 9,211.51 outstanding
    assert "Arrears rate 8.65%" in text
    assert "only the principal already overdue" in text
    assert "1–30 days late 1 9,211.51 USD" in text
    # the chart: one bar per bucket, the late one full height
    bars = page.context["bars"]
    assert [(b["label"], b["height"]) for b in bars] == [
        ("current", 0), ("1–30", 150), ("31–60", 0), ("61–90", 0), ("90+", 0),
    ]  # fmt: skip
    assert 'aria-label="Principal outstanding by days past due"' in page.content.decode()
    # due in the next 90 days from DAY: the instalments of April, May and June
    assert [(r.due_on, r.amount) for r in o.due_soon] == [
        (dt.date(2026, 4, 30), 888_49), (dt.date(2026, 5, 31), 888_49),
        (dt.date(2026, 6, 30), 888_49),
    ]  # fmt: skip
    assert "Still to be paid on the instalments listed: 2,665.47 USD." in text
    assert f'href="/capital/loans/{active_loan.pk}/"' in page.content.decode()
    for link in ("applications/", "loans/", "capital-in/", "notes/", "books/", "settings/"):
        assert f'href="{_url(fund, link)}"' in page.content.decode()
    assert 'href="/capital/flows/valley/"' in page.content.decode()
    assert 'href="/capital/valley-solidarity-fund/apply/"' not in page.content.decode()


def test_members_see_the_funds_totals_not_each_borrower(fund, people, active_loan, on_day):
    page = client_for(people["member"]).get(_url(fund))
    assert page.status_code == 200
    text = _text(page)
    assert "Still to be paid on the instalments listed: 2,665.47 USD." in text
    assert f"/capital/loans/{active_loan.pk}/" not in page.content.decode()
    for link in ("applications/", "books/", "settings/", "notes/"):
        assert f'href="{_url(fund, link)}"' not in page.content.decode()
    assert f'href="{_url(fund, "capital-in/")}"' in page.content.decode()
    # a plain member may not apply; the co-op's admin may
    assert f'href="{_url(fund, "apply/")}"' not in page.content.decode()
    admin_page = client_for(people["admin"]).get(_url(fund)).content.decode()
    assert f'href="{_url(fund, "apply/")}"' in admin_page


def test_the_committee_sees_applications_and_loans_links_not_the_books(fund, committee_people):
    page = client_for(committee_people[0]).get(_url(fund)).content.decode()
    for link in ("applications/", "loans/"):
        assert f'href="{_url(fund, link)}"' in page
    for link in ("books/", "settings/"):
        assert f'href="{_url(fund, link)}"' not in page


@pytest.mark.parametrize("who", ["outsider", "other_coordinator"])
def test_outsiders_cannot_see_the_fund(fund, people, who):
    for page in ("", "capital-in/", "notes/", "books/", "settings/"):
        assert client_for(people[who]).get(_url(fund, page)).status_code == 403


def test_the_fund_pages_need_signing_in_and_a_fund(fund, client, people):
    response = client.get(_url(fund))
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert client_for(people["staff"]).get("/capital/no-such-fund/").status_code == 404


# settings --------------------------------------------------------------------------------


def _settings_post(fund: Fund, **changes: Any) -> dict[str, Any]:
    return {
        "policy": "1", "name": fund.name, "description": "", "max_loan": "60000",
        "min_term_months": "6", "max_term_months": "60", "min_rate": "0", "max_rate": "10",
        "eligibility": "Member co-ops of the valley", "min_membership_months": "0",
        "investor_min_rate": "0", "investor_max_rate": "3",
        "committee": str(fund.committee_id), "decide": "record", "decision_days": "7",
        "reserve_percent": "5",
    } | changes  # fmt: skip


def test_the_coordinator_changes_the_policy(fund, people):
    client = client_for(people["coordinator"])
    page = client.get(_url(fund, "settings/"))
    assert page.status_code == 200
    assert page.context["policy"]["max_loan"].value() == Decimal("50000.00")
    assert 'href="/decide/committees/new/?owner=network:valley"' in page.content.decode()
    response = client.post(_url(fund, "settings/"), _settings_post(fund))
    assert response.status_code == 302
    fund.refresh_from_db()
    assert (fund.max_loan, fund.max_rate, fund.investor_max_rate) == (
        60_000_00, Decimal(10), Decimal(3),
    )  # fmt: skip
    assert fund.eligibility == "Member co-ops of the valley"
    # no committee: the coordinators decide
    client.post(_url(fund, "settings/"), _settings_post(fund, committee=""))
    fund.refresh_from_db()
    assert fund.committee is None


def test_the_coordinator_adds_an_equity_tier(fund, people):
    client = client_for(people["coordinator"])
    response = client.post(
        _url(fund, "settings/"),
        {"tier": "1", "name": "Small co-op", "description": "Under 10 workers", "amount": "500"},
    )
    assert response.status_code == 302
    tier = EquityTier.objects.get(fund=fund)
    assert (tier.name, tier.description, tier.amount) == ("Small co-op", "Under 10 workers", 500_00)
    assert "Small co-op" in _text(client.get(_url(fund, "settings/")))
    response = client.post(
        _url(fund, "settings/"), {"tier": "1", "name": "Big", "description": "", "amount": "0"}
    )
    assert response.status_code == 200
    assert response.context["tier"].errors["amount"] == ["must be more than zero"]
    assert EquityTier.objects.count() == 1


def test_bad_policy_values_show_the_fields_error(fund, people):
    response = client_for(people["coordinator"]).post(
        _url(fund, "settings/"), _settings_post(fund, investor_max_rate="101")
    )
    assert response.status_code == 200
    assert response.context["policy"].errors["investor_max_rate"] == ["must be from 0% to 100%"]
    fund.refresh_from_db()
    assert fund.investor_max_rate == Decimal(2)


@pytest.mark.parametrize("who", ["member", "admin"])
def test_members_cannot_change_the_settings(fund, people, committee_people, who):
    for user in (people[who], committee_people[0]):
        client = client_for(user)
        assert client.get(_url(fund, "settings/")).status_code == 403
        assert client.post(_url(fund, "settings/"), _settings_post(fund)).status_code == 403
        response = client.post(
            _url(fund, "settings/"), {"tier": "1", "name": "X", "description": "", "amount": "5"}
        )
        assert response.status_code == 403
    fund.refresh_from_db()
    assert fund.max_loan == 50_000_00 and not EquityTier.objects.exists()


# capital in ---------------------------------------------------------------------------------


def test_a_member_coops_admin_pledges_surplus(fund, org, people):
    client = client_for(people["admin"])
    page = client.get(_url(fund, "capital-in/"))
    assert page.status_code == 200
    assert [
        label for _k, label in page.context["pledge_form"].fields["organization"].widget.choices
    ] == ["Riverside Bakery Co-op"]
    assert page.context["records"] is False
    response = client.post(
        _url(fund, "capital-in/"),
        {"record": "pledge", "organization": str(org.pk), "percent_of_surplus": "2",
         "yearly_amount": "", "first_year": "2026", "years": "3", "note": "Board vote 2026"},
    )  # fmt: skip
    assert response.status_code == 302
    pledge = Pledge.objects.get()
    assert (pledge.organization, pledge.percent_of_surplus, pledge.yearly_amount) == (
        org, Decimal(2), None,
    )  # fmt: skip
    assert (pledge.first_year, pledge.years, pledge.note) == (2026, 3, "Board vote 2026")
    text = _text(client.get(_url(fund, "capital-in/")))
    assert "2% of annual surplus" in text and "2026–2028" in text


def test_a_pledge_needs_a_share_or_an_amount(fund, org, people):
    response = client_for(people["admin"]).post(
        _url(fund, "capital-in/"),
        {"record": "pledge", "organization": str(org.pk), "percent_of_surplus": "",
         "yearly_amount": "", "first_year": "2026", "years": "3", "note": ""},
    )  # fmt: skip
    assert response.status_code == 200
    assert response.context["pledge_form"].errors["percent_of_surplus"] == [
        "Give a share of the surplus or an amount a year"
    ]
    response = client_for(people["admin"]).post(
        _url(fund, "capital-in/"),
        {"record": "pledge", "organization": str(org.pk), "percent_of_surplus": "",
         "yearly_amount": "100", "first_year": "1990", "years": "3", "note": ""},
    )  # fmt: skip
    assert response.status_code == 200
    assert "must be a whole number from" in response.context["pledge_form"].errors["first_year"][0]
    assert not Pledge.objects.exists()


def test_a_plain_member_may_not_pledge_nor_record_money(fund, org, people):
    client = client_for(people["member"])
    page = client.get(_url(fund, "capital-in/"))
    assert page.status_code == 200 and page.context["pledge_form"] is None
    assert "Record a contribution" not in _text(page)
    response = client.post(
        _url(fund, "capital-in/"),
        {"record": "pledge", "organization": str(org.pk), "percent_of_surplus": "2",
         "yearly_amount": "", "first_year": "2026", "years": "3", "note": ""},
    )  # fmt: skip
    assert response.status_code == 403
    for user in (people["member"], people["admin"]):
        response = client_for(user).post(
            _url(fund, "capital-in/"),
            {"record": "contribution", "organization": str(org.pk), "pledge": "",
             "amount": "100", "received_on": "2026-01-10", "surplus_year": ""},
        )  # fmt: skip
        assert response.status_code == 403
        response = client_for(user).post(
            _url(fund, "capital-in/"),
            {"record": "equity", "organization": str(org.pk), "direction": "buy", "amount": "100",
             "on": "2026-01-10", "tier": ""},
        )  # fmt: skip
        assert response.status_code == 403
    assert not Pledge.objects.exists() and not Contribution.objects.exists()
    assert not EquityEntry.objects.exists() and not LedgerEntry.objects.exists()


def test_the_coordinator_records_contributions_against_pledges_and_equity(fund, org, people):
    pledge = services.pledge_make(
        actor=people["admin"], fund=fund, organization=org, yearly_amount=1_000_00,
        first_year=2026, years=2,
    )  # fmt: skip
    tier = services.tier_create(
        actor=people["coordinator"], fund=fund, name="Small co-op", description="",
        amount=500_00,
    )  # fmt: skip
    client = client_for(people["coordinator"])
    response = client.post(
        _url(fund, "capital-in/"),
        {"record": "contribution", "organization": str(org.pk), "pledge": str(pledge.pk),
         "amount": "500", "received_on": "2026-01-10", "surplus_year": "2025"},
    )  # fmt: skip
    assert response.status_code == 302
    contribution = Contribution.objects.get()
    assert (contribution.pledge, contribution.amount, contribution.surplus_year) == (
        pledge, 500_00, 2025,
    )  # fmt: skip
    response = client.post(
        _url(fund, "capital-in/"),
        {"record": "equity", "organization": str(org.pk), "direction": "buy", "amount": "500",
         "on": "2026-01-10", "tier": str(tier.pk)},
    )  # fmt: skip
    assert response.status_code == 302
    response = client.post(
        _url(fund, "capital-in/"),
        {"record": "equity", "organization": str(org.pk), "direction": "redeem", "amount": "200",
         "on": "2026-02-10", "tier": ""},
    )  # fmt: skip
    assert response.status_code == 302
    assert sorted(EquityEntry.objects.values_list("amount", flat=True)) == [-200_00, 500_00]
    page = client.get(_url(fund, "capital-in/"))
    [row] = page.context["pledges"]
    assert (row["paid"], row["promised"], row["percent"]) == (500_00, 2_000_00, 25)
    assert page.context["equity"] == [
        {"name": "Riverside Bakery Co-op", "slug": org.slug, "held": 300_00,
         "tiers": ["Small co-op"]},
    ]  # fmt: skip
    text = _text(page)
    assert "1,000.00 USD a year" in text and "25% of 2,000.00 USD" in text
    assert "Riverside Bakery Co-op Small co-op 300.00 USD" in text


def test_redeeming_more_equity_than_held_is_a_field_error(fund, org, people):
    response = client_for(people["coordinator"]).post(
        _url(fund, "capital-in/"),
        {"record": "equity", "organization": str(org.pk), "direction": "redeem", "amount": "1",
         "on": "2026-01-10", "tier": ""},
    )  # fmt: skip
    assert response.status_code == 200
    assert response.context["equity_form"].errors["amount"] == [
        "Riverside Bakery Co-op holds 0.00 USD of equity"
    ]
    assert not EquityEntry.objects.exists()


def test_a_contribution_in_the_future_or_with_too_many_decimals_is_refused(fund, org, people):
    client = client_for(people["coordinator"])
    future = (services.today() + dt.timedelta(days=3)).isoformat()
    for amount, received_on, field in (("100", future, "received_on"),
                                       ("1.005", "2026-01-10", "amount")):  # fmt: skip
        response = client.post(
            _url(fund, "capital-in/"),
            {"record": "contribution", "organization": str(org.pk), "pledge": "",
             "amount": amount, "received_on": received_on, "surplus_year": ""},
        )  # fmt: skip
        assert response.status_code == 200
        assert field in response.context["contribution_form"].errors
    assert not Contribution.objects.exists()


# investor notes -----------------------------------------------------------------------------


def _note_post(**changes: Any) -> dict[str, Any]:
    return {
        "organization": "", "person": "", "amount": "10000", "rate": "2",
        "term_months": "36", "notice_days": "90", "issued_on": "2026-01-01",
    } | changes  # fmt: skip


def test_the_coordinator_records_notes_from_an_organisation_and_a_person(fund, org, people):
    investor = make_user("ines", email="ines@example.org")
    client = client_for(people["coordinator"])
    page = client.get(_url(fund, "notes/"))
    assert page.status_code == 200
    assert "at a rate they choose from 0% to 2% a year" in _text(page)
    assert "The investor chooses from 0% to 2%" in _text(page)
    response = client.post(_url(fund, "notes/"), _note_post(organization=org.slug, rate="1.5"))
    note = InvestorNote.objects.get(organization=org)
    assert response.status_code == 302 and response["Location"] == f"/capital/notes/{note.pk}/"
    assert (note.amount, note.rate, note.term_months, note.matures_on) == (
        10_000_00, Decimal("1.5"), 36, dt.date(2029, 1, 1),
    )  # fmt: skip
    response = client.post(
        _url(fund, "notes/"), _note_post(person="INES@example.org", first_loss="on")
    )
    assert response.status_code == 302
    note = InvestorNote.objects.get(user=investor)
    assert note.first_loss is True
    text = _text(client.get(_url(fund, "notes/")))
    assert "ines" in text and "Riverside Bakery Co-op" in text and "1.5%" in text
    assert "Outstanding 20,000.00 USD" in text


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"rate": "2.5", "organization": "x"}, "organization",
         "No organisation has this address name"),
        ({"person": "nobody"}, "person", "No one has this user name or e-mail"),
        ({"rate": "2.5", "person": "ines"}, "rate", "must be from 0% to 2%"),
        ({"amount": "0", "person": "ines"}, "amount", "must be more than zero"),
        ({}, "__all__", "Name one investor: an organisation or a person"),
        ({"person": "ines", "term_months": "0"}, "term_months",
         "must be a whole number from 1 to 600"),
    ],
)  # fmt: skip
def test_bad_notes_show_the_fields_error(fund, people, changes, field, message):
    make_user("ines", email="ines@example.org")
    response = client_for(people["coordinator"]).post(_url(fund, "notes/"), _note_post(**changes))
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert not InvestorNote.objects.exists()


def test_only_managers_see_and_record_notes(fund, org, people, committee_people):
    for user in (people["member"], people["admin"], committee_people[0]):
        client = client_for(user)
        assert client.get(_url(fund, "notes/")).status_code == 403
        response = client.post(_url(fund, "notes/"), _note_post(organization=org.slug))
        assert response.status_code == 403
    assert not InvestorNote.objects.exists()


@pytest.fixture
def person_note(fund: Fund, people: Any) -> InvestorNote:
    investor = make_user("ines", email="ines@example.org")
    return services.note_record(
        actor=people["coordinator"], fund=fund, amount=10_000_00, rate=Decimal(2),
        term_months=36, issued_on=dt.date(2026, 1, 1), user=investor,
    )  # fmt: skip


def test_the_investor_reads_the_statement(person_note, on_day):
    client = client_for(person_note.user)
    page = client.get(f"/capital/notes/{person_note.pk}/")
    assert page.status_code == 200
    s = page.context["s"]
    # 10,000.00 at 2% for the 104 days from 2026-01-01 to DAY
    assert s.interest_accrued == 56_99
    assert [(y.year, y.interest_earned) for y in s.years] == [(2026, 56_99)]
    text = _text(page)
    assert "Interest earned to date 56.99 USD" in text
    assert "2% a year, simple interest" in text
    assert "data-print" in page.content.decode()
    # the investor is not a member of the network: no link to the fund
    assert 'href="/capital/valley-solidarity-fund/"' not in page.content.decode()
    assert page.context["repay"] is None and page.context["may_give_notice"] is True
    csv = client.get(f"/capital/notes/{person_note.pk}/statement.csv")
    assert csv.status_code == 200 and csv["Content-Type"] == "text/csv; charset=utf-8"
    assert f'filename="note-{person_note.pk}.csv"' in csv["Content-Disposition"]
    assert csv.content.decode().splitlines() == [
        "year,principal,interest_earned,interest_paid",
        "2026,10000.00,56.99,0.00",
    ]


def test_an_investor_sees_only_its_own_note(fund, org, people, person_note):
    other = services.note_record(
        actor=people["coordinator"], fund=fund, amount=1_000_00, rate=Decimal(1),
        term_months=12, issued_on=dt.date(2026, 1, 1), organization=org,
    )  # fmt: skip
    investor = client_for(person_note.user)
    assert investor.get(f"/capital/notes/{other.pk}/").status_code == 403
    assert investor.get(f"/capital/notes/{other.pk}/statement.csv").status_code == 403
    # the organisation's people see its note, not the person's
    member = client_for(people["member"])
    assert member.get(f"/capital/notes/{other.pk}/").status_code == 200
    assert member.get(f"/capital/notes/{person_note.pk}/").status_code == 403
    for who in ("outsider", "other_coordinator"):
        assert client_for(people[who]).get(f"/capital/notes/{other.pk}/").status_code == 403
    assert client_for(people["staff"]).get("/capital/notes/999999/").status_code == 404


def test_the_investor_gives_notice_and_the_coordinator_repays(person_note, people, on_day):
    investor = client_for(person_note.user)
    response = investor.post(f"/capital/notes/{person_note.pk}/", {"notice": "1"})
    assert response.status_code == 302
    person_note.refresh_from_db()
    assert person_note.status == InvestorNote.Status.NOTICE
    assert person_note.notice_given_on == services.today()
    page = investor.get(f"/capital/notes/{person_note.pk}/")
    assert page.context["may_give_notice"] is False
    # the investor may not repay itself
    response = investor.post(
        f"/capital/notes/{person_note.pk}/", {"repay": "1", "on": "2026-04-15"}
    )
    assert response.status_code == 403
    person_note.refresh_from_db()
    assert person_note.status == InvestorNote.Status.NOTICE
    coordinator = client_for(people["coordinator"])
    response = coordinator.post(
        f"/capital/notes/{person_note.pk}/", {"repay": "1", "on": "2025-12-31"}
    )
    assert response.status_code == 200
    assert response.context["repay"].errors["on"] == ["A note is repaid after its issue"]
    response = coordinator.post(
        f"/capital/notes/{person_note.pk}/", {"repay": "1", "on": "2026-04-15"}
    )
    assert response.status_code == 302
    person_note.refresh_from_db()
    assert (person_note.status, person_note.repaid_on, person_note.interest_paid) == (
        InvestorNote.Status.REPAID, DAY, 56_99,
    )  # fmt: skip
    text = _text(coordinator.get(f"/capital/notes/{person_note.pk}/"))
    assert "Interest paid 56.99 USD" in text and "repaid on 2026-04-15" in text


def test_only_the_investor_gives_notice(person_note, people):
    response = client_for(people["coordinator"]).post(
        f"/capital/notes/{person_note.pk}/", {"notice": "1"}
    )
    assert response.status_code == 403
    person_note.refresh_from_db()
    assert person_note.status == InvestorNote.Status.ACTIVE


# the books ------------------------------------------------------------------------------------


def test_the_books_balance_and_list_transactions(fund, people, committee_people, active_loan):
    for user in (people["coordinator"], people["staff"]):
        page = client_for(user).get(_url(fund, "books/"))
        assert page.status_code == 200
        assert page.context["debits"] == page.context["credits"] > 0
        text = _text(page)
        assert "Debits equal credits: the books balance." in text
        trial = {str(label): row.balance for row, label in page.context["trial"]}
        assert trial["Cash"] == 20_000_00 - 10_000_00 + 888_49
        assert trial["Loans receivable"] == 10_000_00 - 788_49
        kinds = [t.kind for t, _entries in page.context["transactions"]]
        assert kinds[-1] == "contribution" and "disbursement" in kinds
        assert "Loan disbursed" in text and "Contribution from Riverside Bakery Co-op" in text


def test_the_books_are_for_the_managers_only(fund, people, committee_people, active_loan):
    """They name every investor and borrower: the committee sees the fund, not them."""
    for user in (people["member"], people["admin"], committee_people[0]):
        page = client_for(user).get(_url(fund, "books/"))
        assert page.status_code == 403
        assert "Riverside Bakery Co-op" not in page.content.decode()


def test_the_books_are_paged(fund, org, people):
    for day in range(1, 56):
        services.contribution_record(
            actor=people["coordinator"], fund=fund, organization=org, amount=1_00,
            received_on=dt.date(2026, 1, 1) + dt.timedelta(days=day),
        )  # fmt: skip
    client = client_for(people["coordinator"])
    first = client.get(_url(fund, "books/"))
    assert len(first.context["transactions"]) == 50 and "Page 1 of 2" in _text(first)
    second = client.get(_url(fund, "books/") + "?page=2")
    assert len(second.context["transactions"]) == 5
    assert client.get(_url(fund, "books/") + "?page=x").status_code == 200


# the dashboard ---------------------------------------------------------------------------------


def _tasks(user: Any) -> list[tuple[str, int, str]]:
    return [(t.label, t.count, t.url) for t in dashboard_tasks(user) if t.count]


def test_the_dashboard_asks_each_his_part_of_a_loan(fund, org, people, committee_people,
                                                   monkeypatch):  # fmt: skip
    admin, coordinator, lender = people["admin"], people["coordinator"], committee_people[0]
    application = services.application_create(
        actor=admin, fund=fund, organization=org,
        values={"purpose": "A new oven", "amount": 10_000_00, "term_months": 12,
                "requested_rate": Decimal(12), "method": "annuity"},
    )  # fmt: skip
    assert _tasks(coordinator) == []
    services.application_submit(actor=admin, application=application)
    applications = "/capital/valley-solidarity-fund/applications/"
    assert _tasks(coordinator) == [
        ("Loan applications to review (Valley Solidarity Fund)", 1, applications)
    ]
    services.application_to_committee(actor=coordinator, application=application)
    assert _tasks(coordinator) == []
    for user in committee_people:
        assert _tasks(user) == [
            ("Loan applications awaiting the committee's decision (Valley Solidarity Fund)",
             1, applications),
        ]  # fmt: skip
    assert _tasks(admin) == []
    services.application_decide(actor=lender, application=application, approved=True,
                                votes=(2, 0, 0))  # fmt: skip
    application.refresh_from_db()
    assert application.status == LoanApplication.Status.APPROVED
    assert _tasks(lender) == []
    loan = application.loan
    assert _tasks(admin) == [
        ("A loan offer from Valley Solidarity Fund to answer for Riverside Bakery Co-op", 1,
         f"/capital/loans/{loan.pk}/"),
    ]  # fmt: skip
    assert _tasks(people["member"]) == []  # a plain member does not answer offers
    services.loan_respond(actor=admin, loan=loan, accept=True)
    assert _tasks(coordinator) == [
        ("Accepted loans to disburse (Valley Solidarity Fund)", 1,
         "/capital/valley-solidarity-fund/loans/"),
    ]  # fmt: skip
    give_cash(fund)
    services.loan_disburse(actor=coordinator, loan=loan, on=START)
    assert _tasks(coordinator) == []
    # on 2026-03-20, the instalment of February 28 is overdue and March 31's due within 14 days
    monkeypatch.setattr("intercoop.capital.dashboard.today", lambda: dt.date(2026, 3, 20))
    due = "Instalments due or overdue on the loan of Riverside Bakery Co-op from Valley Solidarity Fund"
    assert _tasks(admin) == [(due, 2, f"/capital/loans/{loan.pk}/")]
    services.repayment_record(actor=coordinator, loan=loan, amount=888_49,
                              paid_on=dt.date(2026, 2, 27))  # fmt: skip
    assert _tasks(admin) == [(due, 1, f"/capital/loans/{loan.pk}/")]
    monkeypatch.setattr("intercoop.capital.dashboard.today", lambda: dt.date(2026, 3, 1))
    assert _tasks(admin) == []
    assert _tasks(people["outsider"]) == [] and dashboard_tasks(AnonymousUser()) == []


def test_the_dashboard_lists_the_capital_tasks(fund, org, people, committee_people):
    approved_loan(fund, org, people, committee_people)
    page = client_for(people["coordinator"]).get("/dashboard/")
    assert page.status_code == 200
    assert "Accepted loans to disburse (Valley Solidarity Fund)" in _text(page)


# nonsense never reaches a 500 -----------------------------------------------------------------

JUNK = ["", "💥", "-1", "1e400", "9" * 40, "NaN", "0x10", "2026-13-45", " "]


@pytest.mark.parametrize("junk", JUNK)
def test_nonsense_in_any_field_is_a_form_error(fund, org, people, person_note, elsewhere, junk):
    coordinator = client_for(people["coordinator"])
    posts = [
        (coordinator, _url(fund, "settings/"), dict.fromkeys(_settings_post(fund), junk) | {"policy": "1"}),
        (coordinator, _url(fund, "settings/"), {"tier": "1", "name": junk, "amount": junk}),
        (coordinator, _url(fund, "capital-in/"),
         {"record": "pledge", "organization": junk, "percent_of_surplus": junk,
          "yearly_amount": junk, "first_year": junk, "years": junk}),
        (coordinator, _url(fund, "capital-in/"),
         {"record": "contribution", "organization": junk, "pledge": junk, "amount": junk,
          "received_on": junk, "surplus_year": junk}),
        (coordinator, _url(fund, "capital-in/"),
         {"record": "equity", "organization": junk, "direction": junk, "amount": junk,
          "on": junk, "tier": junk}),
        (coordinator, _url(fund, "notes/"), dict.fromkeys(_note_post(), junk)),
        (coordinator, f"/capital/notes/{person_note.pk}/", {"repay": "1", "on": junk}),
        (client_for(people["other_coordinator"]), "/capital/new/elsewhere/",
         dict.fromkeys(_fund_post(elsewhere["holder"], elsewhere["committee"]), junk)),
    ]  # fmt: skip
    for client, url, data in posts:
        assert client.post(url, data).status_code == 200, url
    assert Fund.objects.count() == 1 and not EquityTier.objects.exists()
    assert not Pledge.objects.exists() and not Contribution.objects.exists()
    assert not EquityEntry.objects.exists() and InvestorNote.objects.count() == 1
    person_note.refresh_from_db()
    assert person_note.status == InvestorNote.Status.ACTIVE


def _capital_rows(fund: Fund, org: Any, people: Any, year: int) -> None:
    pledge = services.pledge_make(actor=people["admin"], fund=fund, organization=org,
                                  yearly_amount=100_00, first_year=year, years=2)  # fmt: skip
    services.contribution_record(actor=people["coordinator"], fund=fund, organization=org,
                                 amount=50_00, received_on=START, pledge=pledge)  # fmt: skip
    services.equity_record(actor=people["coordinator"], fund=fund, organization=org,
                           amount=10_00, on=START)  # fmt: skip
    services.note_record(actor=people["coordinator"], fund=fund, amount=100_00,
                         rate=Decimal(1), term_months=12, issued_on=START, organization=org)  # fmt: skip


def test_the_lists_ask_the_database_as_often_for_many_rows_as_for_one(fund, org, people):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(people["coordinator"])
    urls = ["/capital/", _url(fund), _url(fund, "capital-in/"), _url(fund, "notes/"),
            _url(fund, "books/")]  # fmt: skip

    def counts() -> list[int]:
        found = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            found.append(len(queries))
        return found

    _capital_rows(fund, org, people, 2020)
    one = counts()
    for year in range(2021, 2026):
        _capital_rows(fund, org, people, year)
    assert counts() == one
    assert max(one) <= 30
