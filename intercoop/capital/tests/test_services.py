"""Each write service of the fund, with exact values: what it stores, what it posts to
the books, whom it tells. Every refusal raises a DomainError (InvalidValues for bad
values, naming the field) and leaves nothing written: no row, no ledger entry, no
notification, no audit event."""

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import resolve, reverse

from intercoop.capital import books, schedule, selectors, services
from intercoop.capital.decisions import instalments_fall_due
from intercoop.capital.models import (
    ApplicationMessage,
    Attachment,
    Contribution,
    EquityEntry,
    EquityTier,
    Fund,
    Instalment,
    InvestorNote,
    LedgerEntry,
    LedgerTransaction,
    Loan,
    LoanApplication,
    LoanSchedule,
    Pledge,
    Repayment,
)
from intercoop.capital.tests.conftest import CASH, START, approved_loan, give_cash
from intercoop.conftest import make_org, make_user
from intercoop.core.audit import system_actor
from intercoop.core.errors import DomainError, InvalidValues
from intercoop.core.models import AuditEvent, Notification
from intercoop.directory import services as directory_services
from intercoop.directory.models import OrganizationRole
from intercoop.governance.models import Poll

TODAY = services.today()
MODELS: list[Any] = [Fund, EquityTier, EquityEntry, Pledge, Contribution, InvestorNote,
                     LoanApplication, ApplicationMessage, Attachment, Loan, LoanSchedule,
                     Instalment, Repayment, LedgerTransaction, LedgerEntry, Poll, Notification,
                     AuditEvent]  # fmt: skip


def snapshot() -> list[Any]:
    return [list(model.objects.order_by("pk").values()) for model in MODELS]


def refused(call: Callable[[], Any], field: str | None = None, match: str = "") -> DomainError:
    """`call` raises a DomainError naming `field` (if given) and writes nothing."""
    before = snapshot()
    with pytest.raises(DomainError) as caught:
        call()
    assert snapshot() == before
    if field is not None:
        assert caught.value.field == field, caught.value
        if isinstance(caught.value, InvalidValues):
            assert field in caught.value.errors
    assert match in str(caught.value)
    return caught.value


def denied(call: Callable[[], Any]) -> None:
    before = snapshot()
    with pytest.raises(PermissionDenied):
        call()
    assert snapshot() == before


def postings(kind: str, **filters: Any) -> list[list[tuple[str, int]]]:
    """Each transaction of `kind` as its (account, amount) entries, in order."""
    return [
        list(t.entries.order_by("pk").values_list("account", "amount"))
        for t in LedgerTransaction.objects.filter(kind=kind, **filters).order_by("pk")
    ]


def actions() -> list[str]:
    return list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))


def loan_receivable(loan: Loan) -> int:
    return sum(
        LedgerEntry.objects.filter(transaction__loan=loan, account="interest_receivable")
        .values_list("amount", flat=True)
    )  # fmt: skip


def balanced(fund: Fund) -> dict[str, int]:
    rows = books.trial_balance(selectors.account_sums(fund))
    assert sum(r.debit for r in rows) == sum(r.credit for r in rows)
    return {r.account: r.balance for r in rows}


@pytest.fixture
def coordinator(people):
    return people["coordinator"]


@pytest.fixture
def other_org(fund):
    """Another member co-op of the fund's network, with its admin `other_admin`."""
    other = make_org(name="Hilltop Co-op")
    directory_services.network_member_join(
        actor=system_actor(), network=fund.network, organization=other
    )
    directory_services.organization_role_assign(
        actor=system_actor(), organization=other, user=make_user("other_admin"),
        role=OrganizationRole.Role.ADMIN,
    )  # fmt: skip
    return other


# the fund ----------------------------------------------------------------------------------


def test_a_fund_and_its_policy(fund, coordinator, network, holder):
    assert (fund.slug, fund.currency, fund.max_loan, fund.reserve_percent) == (
        "valley-solidarity-fund",
        "USD",
        50_000_00,
        Decimal(5),
    )
    same = services.fund_create(actor=coordinator, network=network, holder=holder,
                                currency="jpy", values={"name": "Valley Solidarity Fund",
                                                        "max_loan": 1_000_000})  # fmt: skip
    assert (same.slug, same.currency, same.created_by) == (
        "valley-solidarity-fund-2",
        "JPY",
        coordinator,
    )
    services.fund_update(actor=coordinator, fund=fund,
                         values={"max_rate": "10", "decision_days": 3})  # fmt: skip
    fund.refresh_from_db()
    assert (fund.max_rate, fund.decision_days, fund.min_rate) == (Decimal(10), 3, Decimal(0))


def test_a_funds_slug_is_never_a_word_of_the_fixed_addresses(coordinator, network, holder):
    """/capital/new/…, /capital/flows/…, /capital/notes/…, /capital/applications/… and
    /capital/loans/… are other pages: a fund named so takes a suffix."""
    for name in ("New", "Flows", "Notes", "Applications", "Loans"):
        made = services.fund_create(actor=coordinator, network=network, holder=holder,
                                    currency="USD", values={"name": name, "max_loan": 100_00})  # fmt: skip
        assert made.slug == f"{name.lower()}-2"
        assert resolve(reverse("capital:fund_settings", args=[made.slug])).url_name == (
            "fund_settings"
        )
    assert sorted(services.RESERVED_SLUGS) == ["applications", "flows", "loans", "new", "notes"]


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"name": " "}, "name"),
        ({"max_loan": 0}, "max_loan"),
        ({"min_term_months": 70}, "max_term_months"),
        ({"min_rate": "13"}, "max_rate"),
        ({"investor_min_rate": "3"}, "investor_max_rate"),
        ({"reserve_percent": "101"}, "reserve_percent"),
        ({"decision_days": 0}, "decision_days"),
        ({"committee": 7}, "committee"),
    ],
)
def test_a_policy_out_of_bounds_is_refused(fund, coordinator, values, field):
    refused(lambda: services.fund_update(actor=coordinator, fund=fund, values=values), field)


def test_a_fund_is_held_by_a_member_in_a_currency(fund, coordinator, network, holder):
    stranger = make_org(name="Faraway Co-op")
    values = {"name": "Another", "max_loan": 100}
    refused(lambda: services.fund_create(actor=coordinator, network=network, holder=stranger,
                                         currency="USD", values=values), "holder")  # fmt: skip
    refused(lambda: services.fund_create(actor=coordinator, network=network, holder=holder,
                                         currency="XXQ", values=values), "currency")  # fmt: skip
    other_committee = services.fund_create(
        actor=coordinator, network=network, holder=holder, currency="USD", values=values
    )
    assert other_committee.committee is None


# pledges -----------------------------------------------------------------------------------


def test_a_pledge_of_a_share_of_surplus_or_an_amount_a_year(fund, org, people, coordinator):
    share = services.pledge_make(actor=people["admin"], fund=fund, organization=org,
                                 percent_of_surplus="2", first_year=2026, years=3)  # fmt: skip
    share.refresh_from_db()
    assert (share.percent_of_surplus, share.yearly_amount) == (Decimal("2.00"), None)
    assert (share.first_year, share.last_year, share.created_by) == (2026, 2028, people["admin"])
    # a coordinator records one for a member
    amount = services.pledge_make(actor=coordinator, fund=fund, organization=org,
                                  yearly_amount=1_500_00, first_year=2027, years=1,
                                  note="From the bakery's surplus")  # fmt: skip
    amount.refresh_from_db()
    assert (amount.percent_of_surplus, amount.yearly_amount) == (None, 1_500_00)
    assert amount.note == "From the bakery's surplus"
    assert actions()[-2:] == ["fund.pledge", "fund.pledge"]


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({}, "percent_of_surplus"),
        ({"percent_of_surplus": "0"}, "percent_of_surplus"),
        ({"percent_of_surplus": "100.5"}, "percent_of_surplus"),
        ({"percent_of_surplus": "2.125"}, "percent_of_surplus"),  # the field keeps 2 decimals
        ({"percent_of_surplus": "two"}, "percent_of_surplus"),
        ({"yearly_amount": 0}, "yearly_amount"),
        ({"yearly_amount": -5}, "yearly_amount"),
        ({"yearly_amount": 12.5}, "yearly_amount"),
        ({"percent_of_surplus": "2", "first_year": TODAY.year + 11}, "first_year"),
        ({"percent_of_surplus": "2", "first_year": "2026"}, "first_year"),
        ({"percent_of_surplus": "2", "years": 0}, "years"),
        ({"percent_of_surplus": "2", "years": 51}, "years"),
        ({"percent_of_surplus": "2", "note": "x" * 201}, "note"),
    ],
)
def test_a_pledge_out_of_bounds_is_refused(fund, org, people, values, field):
    arguments = {"first_year": TODAY.year, "years": 3} | values
    refused(lambda: services.pledge_make(actor=people["admin"], fund=fund, organization=org,
                                         **arguments), field)  # fmt: skip


def test_only_a_member_of_the_network_pledges(fund, coordinator):
    stranger = make_org(name="Faraway Co-op")
    denied(lambda: services.pledge_make(actor=coordinator, fund=fund, organization=stranger,
                                        percent_of_surplus="1", first_year=2026, years=1))  # fmt: skip


# contributions and equity ------------------------------------------------------------------


def test_a_contribution_is_posted_to_the_books(fund, org, people, coordinator):
    pledge = services.pledge_make(actor=people["admin"], fund=fund, organization=org,
                                  percent_of_surplus="2", first_year=2025, years=3)  # fmt: skip
    made = services.contribution_record(actor=coordinator, fund=fund, organization=org,
                                        amount=2_500_00, received_on=dt.date(2026, 3, 1),
                                        pledge=pledge, surplus_year=2025)  # fmt: skip
    made.refresh_from_db()
    assert (made.amount, made.pledge, made.surplus_year, made.received_on) == (
        2_500_00,
        pledge,
        2025,
        dt.date(2026, 3, 1),
    )
    assert postings("contribution") == [[("cash", 2_500_00), ("contributions", -2_500_00)]]
    posted = LedgerTransaction.objects.get(kind="contribution")
    assert (posted.on, posted.organization, posted.created_by) == (
        dt.date(2026, 3, 1),
        org,
        coordinator,
    )
    event = AuditEvent.objects.get(action="fund.contribution")
    assert event.summary == "Riverside Bakery Co-op: 2,500.00 USD"
    assert event.network_id == fund.network_id
    assert balanced(fund)["cash"] == 2_500_00


def test_a_contribution_retried_with_its_idempotency_key_is_recorded_once(fund, org,
                                                                        coordinator):  # fmt: skip
    def record(amount: int = 2_500_00, key: str | None = "bank-2026-03-01-7") -> Contribution:
        return services.contribution_record(actor=coordinator, fund=fund, organization=org,
                                            amount=amount, received_on=dt.date(2026, 3, 1),
                                            idempotency_key=key)  # fmt: skip

    first = record()
    before = snapshot()
    assert record() == first  # the retry: the first one, nothing new written
    assert snapshot() == before
    assert postings("contribution") == [[("cash", 2_500_00), ("contributions", -2_500_00)]]
    refused(lambda: record(amount=2_400_00), "idempotency_key", match="another contribution")
    refused(lambda: record(key="k" * 101), "idempotency_key")
    # without a key, or with another, each is recorded
    record(key=None)
    record(key="bank-2026-03-01-8")
    assert Contribution.objects.count() == 3
    assert balanced(fund)["cash"] == 3 * 2_500_00


def test_a_contribution_fulfils_a_pledge_of_its_own_organisation_only(fund, org, people,
                                                                       coordinator, other_org):  # fmt: skip
    theirs = services.pledge_make(actor=coordinator, fund=fund, organization=other_org,
                                  percent_of_surplus="1", first_year=2026, years=1)  # fmt: skip
    refused(lambda: services.contribution_record(
        actor=coordinator, fund=fund, organization=org, amount=100_00,
        received_on=dt.date(2026, 3, 1), pledge=theirs,
    ), "pledge")  # fmt: skip


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"amount": 0}, "amount"),
        ({"amount": -100}, "amount"),
        ({"amount": "100"}, "amount"),
        ({"amount": None}, "amount"),
        ({"received_on": TODAY + dt.timedelta(days=1)}, "received_on"),
        ({"received_on": None}, "received_on"),
        ({"received_on": "2026-03-01"}, "received_on"),
        ({"surplus_year": TODAY.year + 1}, "surplus_year"),
    ],
)
def test_a_contribution_out_of_bounds_is_refused(fund, org, coordinator, values, field):
    arguments = {"amount": 100_00, "received_on": dt.date(2026, 3, 1)} | values
    refused(lambda: services.contribution_record(actor=coordinator, fund=fund,
                                                 organization=org, **arguments), field)  # fmt: skip


def test_equity_is_bought_and_redeemed_but_never_more_than_held(fund, org, coordinator):
    tier = services.tier_create(actor=coordinator, fund=fund, name="Small co-ops",
                                description="Under 10 workers", amount=1_000_00)  # fmt: skip
    assert (tier.name, tier.amount) == ("Small co-ops", 1_000_00)
    services.equity_record(actor=coordinator, fund=fund, organization=org, amount=5_000_00,
                           on=dt.date(2026, 2, 1), tier=tier)  # fmt: skip
    services.equity_record(actor=coordinator, fund=fund, organization=org, amount=-2_000_00,
                           on=dt.date(2026, 6, 1))  # fmt: skip
    assert list(EquityEntry.objects.values_list("amount", flat=True)) == [5_000_00, -2_000_00]
    assert postings("equity") == [
        [("cash", 5_000_00), ("member_equity", -5_000_00)],
        [("member_equity", 2_000_00), ("cash", -2_000_00)],
    ]
    error = refused(lambda: services.equity_record(
        actor=coordinator, fund=fund, organization=org, amount=-3_000_01, on=dt.date(2026, 6, 2)
    ), "amount")  # fmt: skip
    assert error.message == "Riverside Bakery Co-op holds 3,000.00 USD of equity"
    services.equity_record(actor=coordinator, fund=fund, organization=org, amount=-3_000_00,
                           on=dt.date(2026, 6, 2))  # fmt: skip
    assert balanced(fund)["member_equity"] == 0


def test_equity_out_of_bounds_is_refused(fund, org, coordinator, network, holder):
    refused(lambda: services.equity_record(actor=coordinator, fund=fund, organization=org,
                                           amount=0, on=dt.date(2026, 2, 1)), "amount")  # fmt: skip
    refused(lambda: services.equity_record(actor=coordinator, fund=fund, organization=org,
                                           amount=10, on=None), "on")  # fmt: skip
    other = services.fund_create(actor=coordinator, network=network, holder=holder,
                                 currency="USD", values={"name": "Second", "max_loan": 100})  # fmt: skip
    elsewhere = services.tier_create(actor=coordinator, fund=other, name="Any", description="",
                                     amount=100)  # fmt: skip
    refused(lambda: services.equity_record(actor=coordinator, fund=fund, organization=org,
                                           amount=10, on=dt.date(2026, 2, 1), tier=elsewhere),
            "tier")  # fmt: skip


# investor notes ----------------------------------------------------------------------------


def _note(fund: Fund, coordinator: Any, investor: Any, **values: Any) -> InvestorNote:
    arguments: dict[str, Any] = {"amount": 10_000_00, "rate": "1.5", "term_months": 24,
                 "issued_on": dt.date(2025, 1, 31)} | values  # fmt: skip
    return services.note_record(actor=coordinator, fund=fund, user=investor, **arguments)


def test_an_investor_note_at_a_rate_the_investor_chose(fund, coordinator):
    investor = make_user("investor")
    note = _note(fund, coordinator, investor, issued_on=dt.date(2024, 1, 31), notice_days=60,
                 first_loss=True)  # fmt: skip
    note.refresh_from_db()
    assert (note.amount, note.rate, note.term_months, note.notice_days, note.first_loss) == (
        10_000_00,
        Decimal("1.5"),
        24,
        60,
        True,
    )
    assert (note.matures_on, note.status, note.user, note.organization) == (
        dt.date(2026, 1, 31),
        "active",
        investor,
        None,
    )
    assert postings("note") == [[("cash", 10_000_00), ("investor_notes", -10_000_00)]]
    assert AuditEvent.objects.get(action="fund.note").summary == "investor: 10,000.00 USD 1.5%"
    # a round rate keeps its digits (not 1E+1)
    services.fund_update(actor=coordinator, fund=fund, values={"investor_max_rate": "10"})
    ten = _note(fund, coordinator, investor, rate="10")
    assert str(ten.rate) == "10"
    assert (
        AuditEvent.objects.filter(action="fund.note").order_by("pk").last().summary.endswith(" 10%")
    )


def test_a_notes_rate_is_within_the_funds_investor_range(fund, coordinator):
    error = refused(lambda: _note(fund, coordinator, make_user("investor"), rate="2.5"), "rate")
    assert error.errors == {"rate": "must be from 0% to 2%"}


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"amount": 0}, "amount"),
        ({"rate": "-0.5"}, "rate"),
        ({"rate": "1.2345"}, "rate"),
        ({"rate": "NaN"}, "rate"),
        ({"rate": None}, "rate"),
        ({"term_months": 0}, "term_months"),
        ({"term_months": "12"}, "term_months"),
        ({"notice_days": -1}, "notice_days"),
        ({"issued_on": TODAY + dt.timedelta(days=1)}, "issued_on"),
        ({"issued_on": None}, "issued_on"),
    ],
)
def test_a_note_out_of_bounds_is_refused(fund, coordinator, values, field):
    investor = make_user("investor")
    refused(lambda: _note(fund, coordinator, investor, **values), field)


def test_a_note_names_one_investor(fund, coordinator, org):
    investor = make_user("investor")
    refused(lambda: _note(fund, coordinator, None), "investor")
    refused(lambda: services.note_record(actor=coordinator, fund=fund, amount=100, rate="1",
                                         term_months=12, issued_on=dt.date(2026, 1, 1),
                                         organization=org, user=investor), "investor")  # fmt: skip


def test_note_interest_is_actual_over_365_rounded_half_even(fund, coordinator):
    note = _note(fund, coordinator, make_user("investor"), issued_on=dt.date(2024, 1, 1))
    assert services.note_interest(note, dt.date(2024, 12, 31)) == 150_00  # 365 days, a leap year
    assert services.note_interest(note, dt.date(2024, 2, 1)) == 1274  # 1,273.97…
    assert services.note_interest(note, dt.date(2023, 12, 1)) == 0  # before its issue
    small = _note(fund, coordinator, make_user("small"), amount=365, rate="1",
                  issued_on=dt.date(2024, 1, 1))  # fmt: skip
    # 365 × 1% × days / 365 = days / 100: the halves go to the even neighbour
    assert [services.note_interest(small, dt.date(2024, 1, 1) + dt.timedelta(days=d))
            for d in (50, 150, 250, 251)] == [0, 2, 2, 3]  # fmt: skip


def test_an_investor_gives_notice_and_the_fund_repays_with_interest(fund, coordinator, people):
    investor = make_user("investor")
    note = _note(fund, coordinator, investor)
    services.note_give_notice(actor=investor, note=note, on=dt.date(2025, 11, 1))
    note.refresh_from_db()
    assert (note.status, note.notice_given_on) == ("notice", dt.date(2025, 11, 1))
    told = Notification.objects.get(user=coordinator)
    assert told.subject == "investor asked to withdraw a note of 10,000.00 USD"
    refused(lambda: services.note_give_notice(actor=investor, note=note), match="already")
    services.note_repay(actor=coordinator, note=note, on=dt.date(2026, 1, 31))  # 365 days
    note.refresh_from_db()
    assert (note.status, note.repaid_on, note.interest_paid) == (
        "repaid",
        dt.date(2026, 1, 31),
        150_00,
    )
    assert postings("note-repayment") == [
        [("investor_notes", 10_000_00), ("interest_expense", 150_00), ("cash", -10_150_00)]
    ]
    # interest stops when it is repaid
    assert services.note_interest(note, dt.date(2026, 6, 30)) == 150_00
    refused(lambda: services.note_repay(actor=coordinator, note=note, on=dt.date(2026, 2, 1)),
            match="repaid already")  # fmt: skip
    denied(lambda: services.note_give_notice(actor=investor, note=note))
    balance = balanced(fund)
    assert (balance["investor_notes"], balance["interest_expense"]) == (0, 150_00)


def test_a_note_is_repaid_after_its_issue_and_not_in_the_future(fund, coordinator):
    note = _note(fund, coordinator, make_user("investor"))
    refused(lambda: services.note_repay(actor=coordinator, note=note, on=dt.date(2025, 1, 30)),
            "on")  # fmt: skip
    refused(lambda: services.note_repay(actor=coordinator, note=note,
                                        on=TODAY + dt.timedelta(days=1)), "on")  # fmt: skip
    refused(lambda: services.note_repay(actor=coordinator, note=note, on=None), "on")
    refused(lambda: services.note_give_notice(actor=note.user, note=note, on="soon"), "on")
    refused(
        lambda: services.note_give_notice(actor=note.user, note=note, on=dt.date(2025, 1, 1)),
        "on",
    )


# applications ------------------------------------------------------------------------------

GOOD = {
    "purpose": "A new oven",
    "amount": 12_000_00,
    "term_months": 24,
    "requested_rate": "4.5",
    "method": "equal-principal",
    "grace_months": 3,
    "uses": [{"use": "Oven", "amount": 10_000_00}, {"use": "Installation", "amount": 2_000_00}],
}


def _apply(fund: Fund, org: Any, people: Any, **values: Any) -> LoanApplication:
    return services.application_create(actor=people["admin"], fund=fund, organization=org,
                                       values=GOOD | values)  # fmt: skip


def test_an_application_keeps_its_terms(fund, org, people):
    application = _apply(fund, org, people)
    application.refresh_from_db()
    assert application.status == "draft"
    assert (application.amount, application.term_months, application.requested_rate) == (
        12_000_00,
        24,
        Decimal("4.5"),
    )
    assert (application.method, application.grace_months, application.uses) == (
        "equal-principal",
        3,
        GOOD["uses"],
    )
    assert (application.created_by, application.submitted_at) == (people["admin"], None)
    assert actions()[-1] == "loan_application.create"


@pytest.mark.parametrize(
    ("values", "field", "reason"),
    [
        ({"amount": 50_000_01}, "amount", "is more than 50,000.00 USD"),
        ({"amount": 0}, "amount", "must be more than zero"),
        ({"amount": "12000"}, "amount", "must be a whole number of minor units"),
        ({"term_months": 5}, "term_months", "must be a whole number from 6 to 60"),
        ({"term_months": 61}, "term_months", "must be a whole number from 6 to 60"),
        ({"requested_rate": "12.5"}, "requested_rate", "must be from 0% to 12%"),
        ({"requested_rate": "-1"}, "requested_rate", "must be from 0% to 12%"),
        ({"grace_months": 24}, "grace_months", "must be a whole number from 0 to 23"),
        ({"method": "balloon"}, "method", "is one of annuity, equal-principal, interest-only, flat"),
        ({"purpose": "  "}, "purpose", "is required"),
        ({"purpose": "x" * 5001}, "purpose", ""),
        ({"uses": [{"use": "Oven", "amount": 12_000_01}]}, "uses",
         "the uses add up to more than the amount asked for"),
        ({"uses": [{"use": "Oven", "amount": 6_000_00}, {"use": "Van", "amount": 6_000_01}]},
         "uses", "the uses add up to more than the amount asked for"),
        ({"uses": [{"use": "", "amount": 100}]}, "uses", ""),
        ({"uses": [{"use": "Oven", "amount": 0}]}, "uses", "use 1 needs an amount above zero"),
        ({"uses": ["Oven"]}, "uses", ""),
        ({"uses": "Oven"}, "uses", ""),
        ({"uses": [{"use": "x", "amount": 1}] * 21}, "uses", "list at most 20 uses"),
    ],
)  # fmt: skip
def test_an_application_out_of_the_funds_policy_is_refused(fund, org, people, values, field,
                                                           reason):  # fmt: skip
    error = refused(lambda: _apply(fund, org, people, **values), field)
    assert isinstance(error, InvalidValues)
    assert reason in error.errors[field]


def test_the_applicant_edits_submits_and_withdraws(fund, org, people, coordinator):
    application = _apply(fund, org, people)
    services.application_update(actor=people["admin"], application=application,
                                values={"amount": 13_000_00})  # fmt: skip
    application.refresh_from_db()
    assert (application.amount, application.term_months) == (13_000_00, 24)
    refused(lambda: services.application_update(actor=people["admin"], application=application,
                                                values={"term_months": 99}), "term_months")  # fmt: skip
    services.application_submit(actor=people["admin"], application=application)
    application.refresh_from_db()
    assert application.status == "submitted" and application.submitted_at is not None
    told = Notification.objects.get(user=coordinator)
    assert told.subject == (
        "Riverside Bakery Co-op applied to Valley Solidarity Fund for 13,000.00 USD"
    )
    assert told.url == f"/capital/applications/{application.pk}/"
    denied(lambda: services.application_submit(actor=people["admin"], application=application))
    services.application_withdraw(actor=people["admin"], application=application)
    application.refresh_from_db()
    assert application.status == "withdrawn"
    denied(lambda: services.application_withdraw(actor=people["admin"], application=application))
    assert actions()[-3:] == [
        "loan_application.update", "loan_application.submit", "loan_application.withdraw"
    ]  # fmt: skip


def _submitted(fund: Fund, org: Any, people: Any, **values: Any) -> LoanApplication:
    application = _apply(fund, org, people, **values)
    return services.application_submit(actor=people["admin"], application=application)


def test_review_questions_and_answers(fund, org, people, coordinator, committee_people):
    application = _submitted(fund, org, people)
    services.application_review(actor=coordinator, application=application,
                                checklist={"membership": True, "plan": True})  # fmt: skip
    application.refresh_from_db()
    assert application.status == "review"
    assert application.checklist == {"membership": True, "financials": False, "plan": True,
                                     "cash_flow": False, "security": False,
                                     "references": False}  # fmt: skip
    assert (
        AuditEvent.objects.filter(action="loan_application.review").order_by("pk").last().summary
        == "2/6"
    )
    # the application is no longer the applicant's to change
    denied(lambda: services.application_update(actor=people["admin"], application=application,
                                               values={"amount": 1_00}))  # fmt: skip
    refused(lambda: services.application_review(actor=coordinator, application=application,
                                                checklist={"horoscope": True}), "checklist")  # fmt: skip
    Notification.objects.all().delete()
    question = services.application_message(actor=committee_people[0], application=application,
                                            text="Who services the oven?")  # fmt: skip
    assert (question.from_applicant, question.author) == (False, committee_people[0])
    assert list(Notification.objects.values_list("user__username", flat=True)) == ["admin"]
    answer = services.application_message(actor=people["admin"], application=application,
                                          text="The maker, for five years.")  # fmt: skip
    assert answer.from_applicant is True
    assert sorted(Notification.objects.values_list("user__username", flat=True)) == [
        "admin",
        "coordinator",
    ]
    refused(lambda: services.application_message(actor=people["admin"], application=application,
                                                 text="   "), "text")  # fmt: skip
    denied(lambda: services.application_message(actor=people["member"], application=application,
                                                text="Hello"))  # fmt: skip


def test_a_reviewers_question_starts_the_review(fund, org, people, coordinator):
    application = _submitted(fund, org, people)
    services.application_message(actor=coordinator, application=application, text="When?")
    application.refresh_from_db()
    assert application.status == "review"


def test_staff_write_as_reviewers(fund, org, people):
    """Staff may act for any co-op, but on an application they are the fund's reviewers."""
    application = _submitted(fund, org, people)
    message = services.application_message(actor=people["staff"], application=application,
                                           text="Your accounts, please")  # fmt: skip
    assert message.from_applicant is False
    application.refresh_from_db()
    assert application.status == "review"
    assert Notification.objects.filter(user=people["admin"],
                                       subject__startswith="New message").exists()  # fmt: skip


def test_attachments_are_at_most_5_mb_and_10_files(fund, org, people):
    application = _submitted(fund, org, people)
    largest = services.attachment_add(actor=people["admin"], application=application,
                                      name="plans/2026.pdf", content_type="application/pdf",
                                      data=b"x" * (5 * 1024 * 1024))  # fmt: skip
    assert (largest.name, largest.size, largest.content_type) == (
        "plans_2026.pdf",
        5 * 1024 * 1024,
        "application/pdf",
    )
    refused(lambda: services.attachment_add(actor=people["admin"], application=application,
                                            name="big.pdf", content_type="application/pdf",
                                            data=b"x" * (5 * 1024 * 1024 + 1)), "file")  # fmt: skip
    refused(lambda: services.attachment_add(actor=people["admin"], application=application,
                                            name="empty.txt", content_type="", data=b""), "file")  # fmt: skip
    for n in range(9):
        services.attachment_add(actor=people["admin"], application=application,
                                name=f"{n}.txt", content_type="", data=b"hi")  # fmt: skip
    assert application.attachments.count() == 10
    assert application.attachments.last().content_type == "application/octet-stream"
    refused(lambda: services.attachment_add(actor=people["admin"], application=application,
                                            name="11.txt", content_type="", data=b"hi"), "file",
            match="at most 10 files")  # fmt: skip


def _before_committee(fund, org, people, **values):
    application = _submitted(fund, org, people, **values)
    return services.application_to_committee(actor=people["coordinator"], application=application)


def test_the_committee_records_its_decision_and_the_loan_is_offered(fund, org, people,
                                                                    committee_people):  # fmt: skip
    application = _before_committee(fund, org, people)
    application.refresh_from_db()
    assert (application.status, application.poll_id) == ("vote", None)
    refused(lambda: services.application_to_committee(actor=people["coordinator"],
                                                      application=application),
            match="before the committee already")  # fmt: skip
    refused(lambda: services.application_decide(actor=committee_people[0],
                                                application=application, approved=True,
                                                votes=(2, 1)), "votes")  # fmt: skip
    refused(lambda: services.application_decide(actor=committee_people[0],
                                                application=application, approved=True,
                                                votes=(2, -1, 0)), "votes_against")  # fmt: skip
    services.application_decide(actor=committee_people[0], application=application,
                                approved=True, note="A sound plan", votes=(2, 1, 0))  # fmt: skip
    application.refresh_from_db()
    assert (application.status, application.decided_by, application.decision_note) == (
        "approved",
        committee_people[0],
        "A sound plan",
    )
    assert (application.votes_for, application.votes_against, application.votes_abstain) == (
        2,
        1,
        0,
    )
    loan = Loan.objects.get(application=application)
    assert (loan.status, loan.organization, loan.principal, loan.annual_rate) == (
        "offered",
        org,
        12_000_00,
        Decimal("4.5"),
    )
    assert (loan.term_months, loan.method, loan.grace_months, loan.disbursed_on) == (
        24,
        "equal-principal",
        3,
        None,
    )
    told = Notification.objects.get(user=people["admin"], subject__contains="approved")
    assert (
        told.subject
        == "Valley Solidarity Fund approved your loan of 12,000.00 USD: accept the offer"
    )
    # decided once
    denied(lambda: services.application_decide(actor=committee_people[1],
                                               application=application, approved=False))  # fmt: skip


def test_the_committee_may_offer_other_terms_within_the_policy(fund, org, people,
                                                               committee_people):  # fmt: skip
    application = _before_committee(fund, org, people)
    refused(lambda: services.application_decide(actor=committee_people[0],
                                                application=application, approved=True,
                                                terms={"amount": 60_000_00}), "amount")  # fmt: skip
    services.application_decide(actor=committee_people[0], application=application,
                                approved=True, terms={"amount": 11_000_00, "requested_rate": "5",
                                                      "uses": []})  # fmt: skip
    loan = Loan.objects.get(application=application)
    assert (loan.principal, loan.annual_rate) == (11_000_00, Decimal(5))
    assert Notification.objects.filter(
        user=people["admin"], subject__contains="your loan of 11,000.00 USD"
    ).exists()


def test_a_declined_application_offers_no_loan(fund, org, people, committee_people):
    application = _before_committee(fund, org, people)
    services.application_decide(actor=committee_people[1], application=application,
                                approved=False, note="Too early")  # fmt: skip
    application.refresh_from_db()
    assert (application.status, application.decision_note) == ("declined", "Too early")
    assert not Loan.objects.exists()
    assert Notification.objects.filter(
        user=people["admin"], subject="Valley Solidarity Fund declined your loan application"
    ).exists()
    denied(lambda: services.application_withdraw(actor=people["admin"], application=application))


def test_the_borrower_accepts_or_declines_the_offer(fund, org, people, committee_people,
                                                    other_org):  # fmt: skip
    loan = approved_loan(fund, org, people, committee_people)
    loan.refresh_from_db()
    assert (loan.status, loan.accepted_by) == ("accepted", people["admin"])
    assert loan.accepted_at is not None
    denied(lambda: services.loan_respond(actor=people["admin"], loan=loan, accept=False))
    application = _before_committee(fund, org, people)
    services.application_decide(actor=committee_people[0], application=application,
                                approved=True)  # fmt: skip
    second = Loan.objects.get(application=application)
    services.loan_respond(actor=people["admin"], loan=second, accept=False)
    second.refresh_from_db()
    assert (second.status, second.accepted_at) == ("declined", None)
    assert actions()[-1] == "loan.decline"


# loans -------------------------------------------------------------------------------------


def test_disbursement_stores_the_schedule_and_sets_the_reserve_aside(fund, org, people,
                                                                     committee_people,
                                                                     coordinator):  # fmt: skip
    # 5% of 10,000.10 is 500.005: half-even, 500.00
    give_cash(fund)
    loan = approved_loan(fund, org, people, committee_people, amount=1_000_010, months=12)
    refused(lambda: services.loan_disburse(actor=coordinator, loan=loan,
                                           on=TODAY + dt.timedelta(days=1)), "on")  # fmt: skip
    refused(lambda: services.loan_disburse(actor=coordinator, loan=loan, on=None), "on")
    services.loan_disburse(actor=coordinator, loan=loan, on=START)
    loan.refresh_from_db()
    assert (loan.status, loan.disbursed_on, loan.principal_outstanding, loan.paid_total) == (
        "active",
        START,
        1_000_010,
        0,
    )
    assert loan.unpaid_since == dt.date(2026, 2, 28)
    stored = LoanSchedule.objects.get(loan=loan)
    assert (stored.version, stored.current, stored.principal, stored.start, stored.months) == (
        1,
        True,
        1_000_010,
        START,
        12,
    )
    expected = schedule.schedule(principal=1_000_010, annual_rate=Decimal(12), months=12,
                                 method="annuity", start=START)  # fmt: skip
    assert [
        schedule.Instalment(r.number, r.due_on, r.payment, r.interest, r.principal, r.balance)
        for r in stored.rows.all()
    ] == expected
    assert postings("disbursement") == [[("loans_receivable", 1_000_010), ("cash", -1_000_010)]]
    assert postings("reserve") == [[("contributions", 500_00), ("loss_reserve", -500_00)]]
    # the interest of every instalment due by today is in the books
    due = [row for row in expected if row.due_on <= TODAY]
    assert postings("interest-due") == [
        [("interest_receivable", sum(r.interest for r in due)),
         ("interest_income", -sum(r.interest for r in due))]
    ]  # fmt: skip
    assert Notification.objects.filter(
        user=people["admin"], subject="Valley Solidarity Fund disbursed your loan of 10,000.10 USD"
    ).exists()
    refused(lambda: services.loan_disburse(actor=coordinator, loan=loan, on=START),
            match="accepted offer")  # fmt: skip


def test_a_loan_is_paid_out_of_the_cash_the_other_accepted_loans_leave(
    fund, org, people, committee_people, coordinator
):
    first = approved_loan(fund, org, people, committee_people, amount=10_000_00)
    second = approved_loan(fund, org, people, committee_people, amount=10_000_00)
    error = refused(lambda: services.loan_disburse(actor=coordinator, loan=first, on=START))
    assert error.field is None and error.message == (
        "The fund has 0.00 USD in cash, 10,000.00 USD of it for other accepted loans: not "
        "enough to pay out 10,000.00 USD"
    )
    give_cash(fund, 15_000_00)
    refused(lambda: services.loan_disburse(actor=coordinator, loan=first, on=START),
            match="15,000.00 USD in cash, 10,000.00 USD of it")  # fmt: skip
    give_cash(fund, 5_000_00)
    services.loan_disburse(actor=coordinator, loan=first, on=START)  # 20,000 less 10,000
    services.loan_disburse(actor=coordinator, loan=second, on=START)  # the 10,000 left
    assert balanced(fund)["cash"] == 0
    third = approved_loan(fund, org, people, committee_people, amount=100_00, months=6)
    refused(lambda: services.loan_disburse(actor=coordinator, loan=third, on=START),
            match="0.00 USD in cash")  # fmt: skip


def test_the_reserve_rounds_half_to_even(fund, org, people, committee_people, coordinator):
    # 5% of 10,000.30 is 500.015: half-even, 500.02
    give_cash(fund)
    loan = approved_loan(fund, org, people, committee_people, amount=1_000_030)
    services.loan_disburse(actor=coordinator, loan=loan, on=START)
    assert postings("reserve") == [[("contributions", 500_02), ("loss_reserve", -500_02)]]


@pytest.fixture
def loan(fund, org, people, committee_people, coordinator):
    """10,000.00 at 12% over 12 months (888.49 a month), disbursed on START (2026-01-31)."""
    give_cash(fund)
    made = approved_loan(fund, org, people, committee_people)
    services.loan_disburse(actor=coordinator, loan=made, on=START)
    made.refresh_from_db()
    return made


def _rows(loan: Loan) -> list[Instalment]:
    return list(loan.schedules.get(current=True).rows.all())


def test_a_repayment_pays_interest_first_and_the_books_follow(loan, fund, coordinator):
    due = [row for row in _rows(loan) if row.due_on <= TODAY]
    accrued = sum(row.interest for row in due)
    assert [row.interest_accrued for row in _rows(loan)] == [row.due_on <= TODAY
                                                             for row in _rows(loan)]  # fmt: skip
    assert loan_receivable(loan) == accrued
    # 50.00: half of the first instalment's interest (100.00)
    services.repayment_record(actor=coordinator, loan=loan, amount=50_00,
                              paid_on=dt.date(2026, 2, 20), reference="Transfer 1")  # fmt: skip
    assert postings("repayment")[-1] == [("cash", 50_00), ("interest_receivable", -50_00)]
    loan.refresh_from_db()
    assert (loan.paid_total, loan.principal_outstanding, loan.unpaid_since) == (
        50_00,
        10_000_00,
        dt.date(2026, 2, 28),
    )
    # 888.49: the other 50.00 of interest, the first instalment's 788.49 of principal, and
    # 50.00 of the second one's interest (92.12)
    services.repayment_record(actor=coordinator, loan=loan, amount=888_49,
                              paid_on=dt.date(2026, 3, 1))  # fmt: skip
    assert postings("repayment")[-1] == [
        ("cash", 888_49),
        ("interest_receivable", -100_00),
        ("loans_receivable", -788_49),
    ]
    loan.refresh_from_db()
    assert (loan.paid_total, loan.principal_outstanding, loan.unpaid_since) == (
        938_49,
        10_000_00 - 788_49,
        dt.date(2026, 3, 31),
    )
    balance = balanced(fund)
    assert balance["loans_receivable"] == 10_000_00 - 788_49
    assert balance["interest_receivable"] == accrued - 150_00
    assert balance["interest_income"] == accrued
    assert balance["cash"] == CASH - 10_000_00 + 938_49
    first = Repayment.objects.order_by("pk").first()
    assert (first.amount, first.reference, first.source, first.schedule.version) == (
        50_00,
        "Transfer 1",
        "recorded",
        1,
    )
    assert first.created_by == coordinator
    assert actions()[-1] == "loan.repayment"


def test_paying_an_instalment_not_yet_due_puts_its_interest_in_the_books_first(
    fund, org, people, committee_people, coordinator
):
    give_cash(fund)
    loan = approved_loan(fund, org, people, committee_people)
    services.loan_disburse(actor=coordinator, loan=loan, on=TODAY)
    assert postings("interest-due") == []  # nothing is due yet
    first = _rows(loan)[0]
    services.repayment_record(actor=coordinator, loan=loan, amount=first.payment + 1,
                              paid_on=TODAY)  # fmt: skip
    second = _rows(loan)[1]
    # the first instalment and the second (reached by 0.01) fell due for the books
    assert postings("interest-due") == [
        [("interest_receivable", first.interest + second.interest),
         ("interest_income", -(first.interest + second.interest))]
    ]  # fmt: skip
    assert postings("repayment") == [
        [("cash", first.payment + 1), ("interest_receivable", -(first.interest + 1)),
         ("loans_receivable", -first.principal)]
    ]  # fmt: skip
    assert [row.interest_accrued for row in _rows(loan)][:3] == [True, True, False]
    # when they fall due, their interest is not posted again
    assert instalments_fall_due(until=_rows(loan)[1].due_on, loan=loan) == 0
    assert instalments_fall_due(until=_rows(loan)[2].due_on, loan=loan) == 1
    assert len(postings("interest-due")) == 2


def test_an_overpayment_is_refused_and_a_full_payment_repays_the_loan(loan, fund, coordinator):
    total = sum(row.payment for row in _rows(loan))
    assert total == 11 * 888_49 + 888_47
    services.repayment_record(actor=coordinator, loan=loan, amount=1_000_00,
                              paid_on=dt.date(2026, 2, 28))  # fmt: skip
    left = total - 1_000_00
    error = refused(lambda: services.repayment_record(actor=coordinator, loan=loan,
                                                      amount=left + 1, paid_on=TODAY), "amount")  # fmt: skip
    assert error.message == (
        f"This is 0.01 USD more than the loan's balance of {left // 100:,}.{left % 100:02} USD"
    )
    refused(lambda: services.repayment_record(actor=coordinator, loan=loan, amount=100,
                                              paid_on=dt.date(2026, 1, 30)), "paid_on")  # fmt: skip
    services.repayment_record(actor=coordinator, loan=loan, amount=left, paid_on=TODAY)
    loan.refresh_from_db()
    assert (loan.status, loan.closed_on, loan.paid_total) == ("repaid", TODAY, total)
    assert (loan.principal_outstanding, loan.unpaid_since) == (0, None)
    assert all(row.interest_accrued for row in _rows(loan))
    assert loan_receivable(loan) == 0
    balance = balanced(fund)
    assert balance["loans_receivable"] == 0
    assert balance["interest_income"] == total - 10_000_00
    # the loan is no longer outstanding: the reserve set aside for it is released
    assert postings("reserve", loan=loan) == [
        [("contributions", 500_00), ("loss_reserve", -500_00)],
        [("loss_reserve", 500_00), ("contributions", -500_00)],
    ]
    assert (balance["loss_reserve"], balance["contributions"]) == (0, CASH)
    refused(lambda: services.repayment_record(actor=coordinator, loan=loan, amount=100,
                                              paid_on=TODAY), match="disbursed loan")  # fmt: skip


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"amount": 0}, "amount"),
        ({"amount": 10.5}, "amount"),
        ({"amount": None}, "amount"),
        ({"paid_on": None}, "paid_on"),
        ({"paid_on": TODAY + dt.timedelta(days=1)}, "paid_on"),
        ({"paid_on": "yesterday"}, "paid_on"),
        ({"reference": "x" * 201}, "reference"),
    ],
)
def test_a_repayment_out_of_bounds_is_refused(loan, coordinator, values, field):
    arguments = {"amount": 100_00, "paid_on": dt.date(2026, 3, 1)} | values
    refused(lambda: services.repayment_record(actor=coordinator, loan=loan, **arguments), field)


def test_a_repayment_retried_with_its_idempotency_key_is_recorded_once(loan, fund, coordinator):
    def repay(amount: int, paid_on: dt.date, key: str) -> Repayment:
        return services.repayment_record(actor=coordinator, loan=loan, amount=amount,
                                         paid_on=paid_on, idempotency_key=key)  # fmt: skip

    first = repay(888_49, dt.date(2026, 2, 27), "transfer-1")
    before = snapshot()
    assert repay(888_49, dt.date(2026, 2, 27), " transfer-1 ") == first
    assert snapshot() == before
    refused(lambda: repay(888_48, dt.date(2026, 2, 27), "transfer-1"), "idempotency_key",
            match="another repayment")  # fmt: skip
    # the last one repays the loan; its retry is still its answer, not a refusal
    left = sum(row.payment for row in _rows(loan)) - 888_49
    last = repay(left, TODAY, "transfer-2")
    loan.refresh_from_db()
    assert loan.status == "repaid"
    before = snapshot()
    assert repay(left, TODAY, "transfer-2") == last
    assert snapshot() == before
    assert Repayment.objects.filter(loan=loan).count() == 2


def test_restructuring_capitalises_the_overdue_interest_and_keeps_the_old_schedule(
    loan, fund, coordinator
):
    services.repayment_record(actor=coordinator, loan=loan, amount=2 * 888_49,
                              paid_on=dt.date(2026, 3, 31))  # fmt: skip
    old_rows = _rows(loan)
    overdue = sum(row.interest for row in old_rows[2:] if row.due_on <= TODAY)
    assert loan_receivable(loan) == overdue
    outstanding = 10_000_00 - 788_49 - 796_37
    loan.refresh_from_db()
    assert loan.principal_outstanding == outstanding
    stored = services.loan_restructure(actor=coordinator, loan=loan, start=dt.date(2026, 12, 1),
                                       months=24, annual_rate="6", method="annuity",
                                       reason="A hard winter")  # fmt: skip
    assert (stored.version, stored.current, stored.principal, stored.reason) == (
        2,
        True,
        outstanding + overdue,
        "A hard winter",
    )
    old = LoanSchedule.objects.get(loan=loan, version=1)
    assert old.current is False
    assert old.rows.count() == 12
    assert list(Repayment.objects.values_list("schedule__version", flat=True)) == [1]
    assert [
        schedule.Instalment(r.number, r.due_on, r.payment, r.interest, r.principal, r.balance)
        for r in stored.rows.all()
    ] == schedule.schedule(principal=outstanding + overdue, annual_rate=Decimal(6), months=24,
                           method="annuity", start=dt.date(2026, 12, 1))  # fmt: skip
    assert postings("restructure") == [
        [("loans_receivable", overdue), ("interest_receivable", -overdue)]
    ]
    loan.refresh_from_db()
    assert (loan.paid_total, loan.principal_outstanding, loan.unpaid_since) == (
        0,
        outstanding + overdue,
        dt.date(2027, 1, 1),
    )
    assert loan_receivable(loan) == 0
    assert balanced(fund)["loans_receivable"] == outstanding + overdue
    # payments now go to the new schedule, from its start
    refused(lambda: services.repayment_record(actor=coordinator, loan=loan, amount=100,
                                              paid_on=dt.date(2026, 11, 30)), "paid_on")  # fmt: skip


def test_restructuring_without_capitalising_forgives_the_overdue_interest(loan, fund,
                                                                          coordinator):  # fmt: skip
    overdue = loan_receivable(loan)
    assert overdue > 0
    stored = services.loan_restructure(actor=coordinator, loan=loan, start=TODAY, months=12,
                                       annual_rate=Decimal(0), method="flat",
                                       reason="Relief", capitalise_interest=False)  # fmt: skip
    assert stored.principal == 10_000_00
    # reversed, so that nothing stays receivable of the old schedule
    assert postings("restructure") == [
        [("interest_income", overdue), ("interest_receivable", -overdue)]
    ]
    assert loan_receivable(loan) == 0
    # repaid in full, the loan owes no interest in the books
    left = sum(row.payment for row in _rows(loan))
    services.repayment_record(actor=coordinator, loan=loan, amount=left, paid_on=TODAY)
    loan.refresh_from_db()
    assert loan.status == "repaid" and loan_receivable(loan) == 0
    balance = balanced(fund)
    assert (balance["interest_receivable"], balance["interest_income"]) == (0, 0)


def test_restructuring_reverses_the_interest_of_instalments_not_yet_due(
    fund, org, people, committee_people, coordinator
):
    """A payment that reaches an instalment before it is due puts its interest in the books;
    a restructuring before it is due capitalises none of it (it was never overdue), and
    reverses what of it is unpaid."""
    give_cash(fund)
    loan = approved_loan(fund, org, people, committee_people)
    services.loan_disburse(actor=coordinator, loan=loan, on=TODAY)
    first = _rows(loan)[0]
    assert first.due_on > TODAY and first.interest == 100_00
    # 10.00 reaches the first instalment: its 100.00 of interest is receivable, 10.00 paid
    services.repayment_record(actor=coordinator, loan=loan, amount=10_00, paid_on=TODAY)
    assert loan_receivable(loan) == 90_00
    stored = services.loan_restructure(actor=coordinator, loan=loan, start=TODAY, months=12,
                                       annual_rate="12", method="annuity", reason="Early")  # fmt: skip
    assert stored.principal == 10_000_00  # nothing capitalised
    assert postings("restructure") == [
        [("interest_income", 90_00), ("interest_receivable", -90_00)]
    ]
    assert loan_receivable(loan) == 0
    assert balanced(fund)["interest_income"] == 10_00  # what was paid of it stays earned


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"start": None}, "start"),
        ({"months": 0}, "months"),
        ({"months": "12"}, "months"),
        ({"months": "x", "grace_months": 2}, "months"),
        ({"annual_rate": "101"}, "annual_rate"),
        ({"method": "balloon"}, "method"),
        ({"grace_months": 12}, "grace_months"),
        ({"reason": ""}, "reason"),
    ],
)
def test_a_restructuring_out_of_bounds_is_refused(loan, coordinator, values, field):
    arguments = {"start": TODAY, "months": 12, "annual_rate": "6", "method": "annuity",
                 "reason": "Relief"} | values  # fmt: skip
    refused(lambda: services.loan_restructure(actor=coordinator, loan=loan, **arguments), field)


def test_a_write_off_reverses_the_interest_uses_the_reserve_and_books_the_loss(
    loan, fund, coordinator
):
    accrued = loan_receivable(loan)
    refused(lambda: services.loan_write_off(actor=coordinator, loan=loan, reason=" "), "reason")
    services.loan_write_off(actor=coordinator, loan=loan, reason="The co-op closed")
    assert postings("write-off") == [
        [("interest_income", accrued), ("interest_receivable", -accrued),
         ("loss_reserve", 500_00), ("loan_losses", 9_500_00),
         ("loans_receivable", -10_000_00)]
    ]  # fmt: skip
    loan.refresh_from_db()
    assert (loan.status, loan.closed_on) == ("written-off", TODAY)
    balance = balanced(fund)
    assert (balance["loans_receivable"], balance["interest_receivable"]) == (0, 0)
    assert (balance["interest_income"], balance["loss_reserve"]) == (0, 0)
    assert balance["loan_losses"] == 9_500_00
    assert AuditEvent.objects.filter(action="loan.write_off").order_by("pk").last().summary == (
        "Riverside Bakery Co-op: 10,000.00 USD The co-op closed"
    )
    refused(lambda: services.loan_write_off(actor=coordinator, loan=loan, reason="Again"),
            match="disbursed loan")  # fmt: skip
    # nothing is due any more
    assert instalments_fall_due(until=dt.date(2027, 12, 31)) == 0


def test_the_reserve_covers_at_most_the_principal_written_off(fund, org, people,
                                                              committee_people, coordinator):  # fmt: skip
    give_cash(fund)
    big = approved_loan(fund, org, people, committee_people, amount=20_000_00)
    services.loan_disburse(actor=coordinator, loan=big, on=TODAY)  # reserve 1,000.00
    small = approved_loan(fund, org, people, committee_people, amount=1_000_00, months=6)
    services.loan_disburse(actor=coordinator, loan=small, on=TODAY)  # reserve 50.00
    rows = _rows(small)
    paid = sum(row.payment for row in rows) - 100_00  # 100.00 of principal left
    services.repayment_record(actor=coordinator, loan=small, amount=paid, paid_on=TODAY)
    small.refresh_from_db()
    assert small.principal_outstanding == 100_00
    services.loan_write_off(actor=coordinator, loan=small, reason="Gone")
    assert postings("write-off") == [[("loss_reserve", 100_00), ("loans_receivable", -100_00)]]
    assert balanced(fund)["loss_reserve"] == 1_050_00 - 100_00


def test_a_write_off_uses_the_loans_own_reserve_and_releases_what_is_left_of_it(
    fund, org, people, committee_people, coordinator
):
    give_cash(fund)
    big = approved_loan(fund, org, people, committee_people, amount=20_000_00)
    services.loan_disburse(actor=coordinator, loan=big, on=TODAY)  # reserve 1,000.00
    small = approved_loan(fund, org, people, committee_people, amount=1_000_00, months=6)
    services.loan_disburse(actor=coordinator, loan=small, on=TODAY)  # reserve 50.00
    paid = sum(row.payment for row in _rows(small)) - 20_00  # 20.00 of principal left
    services.repayment_record(actor=coordinator, loan=small, amount=paid, paid_on=TODAY)
    services.loan_write_off(actor=coordinator, loan=small, reason="Gone")
    # its own reserve of 50.00 takes the 20.00; the other 30.00 of it is released
    assert postings("write-off") == [[("loss_reserve", 20_00), ("loans_receivable", -20_00)]]
    assert postings("reserve", loan=small)[-1] == [("loss_reserve", 30_00),
                                                   ("contributions", -30_00)]  # fmt: skip
    assert balanced(fund)["loss_reserve"] == 1_000_00  # the big loan's, whole


def test_a_written_off_loan_owes_nothing_and_no_longer_ages(loan, fund, coordinator):
    loan.refresh_from_db()
    assert loan.unpaid_since is not None and loan.unpaid_since < TODAY  # it is late
    services.loan_write_off(actor=coordinator, loan=loan, reason="The co-op closed")
    loan.refresh_from_db()
    assert (loan.status, loan.principal_outstanding, loan.unpaid_since) == (
        "written-off", 0, None
    )  # fmt: skip
    # what was written off is in the books and the audit, and on the statement
    assert postings("write-off")[0][-1] == ("loans_receivable", -10_000_00)
    statement = selectors.loan_statement(loan, on=TODAY)
    assert (statement.written_off, statement.outstanding, statement.overdue) == (
        10_000_00, 0, 0
    )  # fmt: skip
    assert (statement.days_past_due, statement.bucket, statement.next_due) == (0, None, None)
    assert statement.is_written_off and not any(row.late for row in statement.rows)
    # the day before, it was late and ageing
    before = selectors.loan_statement(loan, on=TODAY - dt.timedelta(days=1))
    assert before.written_off == 0 and before.days_past_due > 0 and before.bucket != "current"
    assert selectors.portfolio_status(fund, on=TODAY) == []


def test_instalments_fall_due_once(loan, fund):
    due_later = [row for row in _rows(loan) if row.due_on > TODAY]
    before = len(postings("interest-due"))
    until = dt.date(2027, 1, 31)
    assert instalments_fall_due(until=until) == len(due_later)
    assert instalments_fall_due(until=until) == 0
    assert len(postings("interest-due")) == before + (1 if due_later else 0)
    assert all(row.interest_accrued for row in _rows(loan))
    assert balanced(fund)["interest_income"] == sum(row.interest for row in _rows(loan))


def test_only_co_ops_that_have_been_members_long_enough_apply(fund, org, people):
    """With a 12-month rule, a member that joined 11 months ago is refused (naming the
    organisation); one that joined 12 months ago to the day may apply."""
    from intercoop.capital.models import LoanApplication
    from intercoop.capital.schedule import due_date
    from intercoop.directory.models import NetworkMembership

    services.fund_update(
        actor=people["coordinator"], fund=fund, values={"min_membership_months": 12}
    )
    membership = NetworkMembership.objects.get(network=fund.network, organization=org)
    values = {"purpose": "Oven", "amount": 1_000_00, "term_months": 12,
              "requested_rate": "5", "method": "annuity"}  # fmt: skip
    today = services.today()
    membership.joined_on = due_date(today, -11)
    membership.save()
    with pytest.raises(DomainError) as refused:
        services.application_create(
            actor=people["admin"], fund=fund, organization=org, values=values
        )
    assert refused.value.field == "organization"
    assert "12 months" in refused.value.message
    assert not LoanApplication.objects.exists()
    membership.joined_on = due_date(today, -12)
    membership.save()
    made = services.application_create(
        actor=people["admin"], fund=fund, organization=org, values=values
    )
    assert made.is_draft
