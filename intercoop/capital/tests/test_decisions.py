"""The loan committee decides by a governance poll: putting an application to the
committee opens a proposal poll of the committee; its close approves (a loan is offered,
the votes counted) or declines the application. And instalments fall due once."""

import datetime as dt
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from intercoop.capital import services
from intercoop.capital.decisions import instalments_fall_due, majority_quorum
from intercoop.capital.models import LedgerTransaction, Loan, LoanApplication
from intercoop.capital.tests.conftest import START, approved_loan, give_cash
from intercoop.core.audit import system_actor
from intercoop.core.errors import DomainError
from intercoop.core.models import AuditEvent, Notification
from intercoop.governance import services as governance
from intercoop.governance.bodies import committee_seats_set
from intercoop.governance.models import Ballot, Poll


@pytest.fixture
def by_poll(fund):
    services.fund_update(actor=system_actor(), fund=fund,
                         values={"decide_by_poll": True, "decision_days": 10})  # fmt: skip
    return fund


def _before_committee(fund: Any, org: Any, people: Any) -> LoanApplication:
    application = services.application_create(
        actor=people["admin"], fund=fund, organization=org,
        values={"purpose": "A delivery van", "amount": 20_000_00, "term_months": 36,
                "requested_rate": "5", "method": "annuity", "grace_months": 2},
    )  # fmt: skip
    services.application_submit(actor=people["admin"], application=application)
    return services.application_to_committee(actor=people["coordinator"], application=application)


def vote(user: Any, poll: Poll, stance: str) -> None:
    governance.ballot_cast(actor=user, poll=poll, choice={"stance": stance},
                           reason="" if stance in ("agree", "abstain") else "Too risky")  # fmt: skip


def test_putting_it_to_the_committee_opens_a_poll_of_the_committee(by_poll, org, people,
                                                                   committee_people):  # fmt: skip
    before = timezone.now()
    application = _before_committee(by_poll, org, people)
    application.refresh_from_db()
    poll = Poll.objects.get()
    assert (application.status, application.poll_id) == ("vote", poll.pk)
    assert (poll.purpose, poll.subject_id, poll.body_id) == ("loan", application.pk,
                                                             by_poll.committee_id)  # fmt: skip
    assert (poll.kind, poll.status) == ("proposal", "open")
    assert poll.title == "Lend 20,000.00 USD to Riverside Bakery Co-op?"
    assert before + timedelta(days=10) <= poll.closes_at <= timezone.now() + timedelta(days=10)
    voters = set(poll.voters.values_list("user__username", flat=True))
    assert voters == {"lender1", "lender2"}
    # nobody records a decision the poll makes: not even a committee member
    for who in (committee_people[0], people["coordinator"], people["staff"]):
        with pytest.raises(PermissionDenied):
            services.application_decide(actor=who, application=application, approved=True)
    # the coordinator may not close it early: its close is carried out by the fund
    with pytest.raises(PermissionDenied):
        governance.poll_close(actor=people["coordinator"], poll=poll)


def test_a_majority_of_the_committee_approves_and_the_loan_is_offered(by_poll, org, people,
                                                                      committee_people):  # fmt: skip
    application = _before_committee(by_poll, org, people)
    poll = Poll.objects.get(pk=application.poll_id)
    vote(committee_people[0], poll, "agree")
    vote(committee_people[1], poll, "agree")
    assert Ballot.objects.count() == 2
    with pytest.raises(PermissionDenied):  # only the committee votes
        vote(people["admin"], poll, "agree")
    governance.poll_close(actor=people["staff"], poll=poll)
    application.refresh_from_db()
    assert application.status == "approved"
    assert (application.votes_for, application.votes_against, application.votes_abstain) == (
        2,
        0,
        0,
    )
    assert application.decision_note == "Approved by the loan committee's vote"
    loan = Loan.objects.get(application=application)
    assert (loan.status, loan.principal, loan.term_months, loan.grace_months) == (
        "offered",
        20_000_00,
        36,
        2,
    )
    assert (str(loan.annual_rate.normalize()), loan.method) == ("5", "annuity")
    poll.refresh_from_db()
    assert (poll.status, poll.outcome) == ("closed", "Approved by the loan committee's vote")
    assert poll.outcome_at == poll.closed_at
    assert Notification.objects.filter(
        user=people["admin"],
        subject="Valley Solidarity Fund approved your loan of 20,000.00 USD: accept the offer",
    ).exists()
    event = AuditEvent.objects.get(action="loan_application.decide")
    assert event.summary == "approved Riverside Bakery Co-op"
    # the borrower accepts the offer as usual
    services.loan_respond(actor=people["admin"], loan=loan, accept=True)


def test_a_failing_poll_declines_the_application(by_poll, org, people, committee_people):
    application = _before_committee(by_poll, org, people)
    poll = Poll.objects.get(pk=application.poll_id)
    vote(committee_people[0], poll, "agree")
    vote(committee_people[1], poll, "disagree")  # 1 of 2: no majority
    governance.poll_close(actor=people["staff"], poll=poll)
    application.refresh_from_db()
    assert (application.status, application.decision_note) == (
        "declined",
        "Declined by the loan committee's vote",
    )
    assert (application.votes_for, application.votes_against, application.votes_abstain) == (
        1,
        1,
        0,
    )
    assert not Loan.objects.exists()
    poll.refresh_from_db()
    assert poll.outcome == "Declined by the loan committee's vote"


def test_a_poll_closing_at_its_deadline_decides_too(by_poll, org, people, committee_people):
    application = _before_committee(by_poll, org, people)
    poll = Poll.objects.get(pk=application.poll_id)
    vote(committee_people[0], poll, "agree")
    vote(committee_people[1], poll, "abstain")
    assert governance.polls_close_due(now=timezone.now()) == 0  # not yet
    assert governance.polls_close_due(now=poll.closes_at + timedelta(seconds=1)) == 1
    application.refresh_from_db()
    assert (application.status, application.votes_for, application.votes_abstain) == (
        "approved",
        1,
        1,
    )
    assert Loan.objects.filter(application=application, status="offered").exists()


def test_one_vote_of_a_committee_of_two_does_not_approve(by_poll, org, people,
                                                        committee_people):  # fmt: skip
    """The poll's quorum is more than half of the committee's seats: one member agreeing
    alone, at the deadline, is no decision of the committee."""
    application = _before_committee(by_poll, org, people)
    poll = Poll.objects.get(pk=application.poll_id)
    assert poll.quorum == 100  # 2 of 2 seats
    vote(committee_people[0], poll, "agree")
    assert governance.polls_close_due(now=poll.closes_at + timedelta(seconds=1)) == 1
    application.refresh_from_db()
    assert (application.status, application.votes_for, application.votes_against) == (
        "declined", 1, 0
    )  # fmt: skip
    assert not Loan.objects.exists()
    poll.refresh_from_db()
    assert (poll.result["quorum_met"], poll.outcome) == (
        False, "Declined by the loan committee's vote"
    )  # fmt: skip


def test_the_quorum_is_more_than_half_of_the_seats():
    """Each seat (a person's or an organisation's) is one voter: the quorum is met by more
    than half of them, never by half (exact up to 100 seats)."""
    from intercoop.governance.tallies import quorum_met

    for seats in range(1, 101):
        quorum = majority_quorum(seats)
        assert quorum_met(seats // 2 + 1, seats, quorum), seats
        assert not quorum_met(seats // 2, seats, quorum), seats
    assert [majority_quorum(n) for n in (1, 2, 3, 4, 5, 7)] == [100, 100, 66, 75, 60, 57]


def test_a_seat_held_by_an_organisation_is_one_voter(by_poll, org, people, committee_people,
                                                    holder):  # fmt: skip
    committee_seats_set(actor=system_actor(), body=by_poll.committee, users=committee_people,
                        organizations=[holder])  # fmt: skip
    application = _before_committee(by_poll, org, people)
    poll = Poll.objects.get(pk=application.poll_id)
    assert poll.voters.count() == 3 and poll.quorum == 66  # 2 of 3 seats


def test_nobody_voting_declines_it(by_poll, org, people):
    application = _before_committee(by_poll, org, people)
    poll = Poll.objects.get(pk=application.poll_id)
    governance.polls_close_due(now=poll.closes_at + timedelta(seconds=1))
    application.refresh_from_db()
    assert (application.status, application.votes_for, application.votes_against) == (
        "declined",
        0,
        0,
    )


def test_the_poll_decides_on_the_terms_voted_on_even_if_the_policy_changed(
    by_poll, org, people, committee_people
):
    application = _before_committee(by_poll, org, people)
    poll = Poll.objects.get(pk=application.poll_id)
    vote(committee_people[0], poll, "agree")
    vote(committee_people[1], poll, "agree")
    services.fund_update(actor=people["coordinator"], fund=by_poll, values={"max_loan": 5_000_00})
    # a recorded decision would be refused (the amount is above the new policy), but the
    # poll must still close and carry out its result
    governance.poll_close(actor=people["staff"], poll=poll)
    poll.refresh_from_db()
    assert poll.status == "closed"
    assert Loan.objects.get(application=application).principal == 20_000_00


def test_withdrawing_closes_the_committee_s_poll_and_nothing_is_decided(
    by_poll, org, people, committee_people
):
    application = _before_committee(by_poll, org, people)
    poll = Poll.objects.get(pk=application.poll_id)
    vote(committee_people[0], poll, "agree")
    services.application_withdraw(actor=people["admin"], application=application)
    poll.refresh_from_db()
    application.refresh_from_db()
    assert (application.status, poll.status) == ("withdrawn", "closed")
    assert poll.outcome == "Not carried out: the applicant withdrew before the committee decided"
    assert poll.result["voters"] == 1
    assert not Loan.objects.exists()


def test_without_a_poll_the_committee_records_its_decision(fund, org, people, committee_people):
    application = _before_committee(fund, org, people)  # decide_by_poll is off
    assert application.poll_id is None and not Poll.objects.exists()
    services.application_decide(actor=committee_people[1], application=application,
                                approved=True, votes=(2, 0, 0))  # fmt: skip
    assert Loan.objects.get().principal == 20_000_00


def test_a_fund_without_a_committee_is_decided_by_the_coordinators(by_poll, org, people,
                                                                   committee_people):  # fmt: skip
    services.fund_update(actor=people["coordinator"], fund=by_poll, values={"committee": None})
    application = _before_committee(by_poll, org, people)
    assert application.poll_id is None  # no committee to poll
    with pytest.raises(PermissionDenied):
        services.application_decide(actor=committee_people[0], application=application,
                                    approved=True)  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.application_decide(actor=people["staff"], application=application,
                                    approved=True)  # fmt: skip
    services.application_decide(actor=people["coordinator"], application=application,
                                approved=False)  # fmt: skip
    application.refresh_from_db()
    assert application.status == "declined"


def test_instalments_fall_due_exactly_once(fund, org, people, committee_people):
    give_cash(fund)
    loan = approved_loan(fund, org, people, committee_people)
    coordinator = people["coordinator"]
    services.loan_disburse(actor=coordinator, loan=loan, on=START)
    rows = list(loan.schedules.get().rows.all())
    today = services.today()
    already = [r for r in rows if r.due_on <= today]
    assert all(r.interest_accrued for r in already)
    # nothing more by today, run twice
    assert instalments_fall_due(until=today) == 0
    assert instalments_fall_due(until=today) == 0
    later = [r for r in rows if today < r.due_on <= dt.date(2027, 1, 31)]
    assert instalments_fall_due(until=dt.date(2027, 1, 31)) == len(later)
    assert instalments_fall_due(until=dt.date(2027, 1, 31)) == 0
    posted = LedgerTransaction.objects.filter(kind="interest-due", loan=loan).order_by("pk")
    amounts = [t.entries.get(account="interest_income").amount for t in posted]
    expected = [-sum(r.interest for r in already)]
    if later:
        expected.append(-sum(r.interest for r in later))
    assert amounts == expected
    if later:
        assert posted.last().on == dt.date(2027, 1, 31)
    # every instalment's interest, once: 11 × 888.49 + 888.47 − 10,000.00
    assert -sum(amounts) == sum(r.interest for r in rows) == 661_86


def test_the_task_accrues_only_active_loans(fund, org, people, committee_people):
    give_cash(fund)
    loan = approved_loan(fund, org, people, committee_people)
    services.loan_disburse(actor=people["coordinator"], loan=loan, on=START)
    services.loan_write_off(actor=people["coordinator"], loan=loan, reason="Closed")
    count = LedgerTransaction.objects.count()
    assert instalments_fall_due(until=dt.date(2030, 1, 1)) == 0
    assert LedgerTransaction.objects.count() == count
    with pytest.raises(DomainError):
        services.loan_disburse(actor=people["coordinator"], loan=loan, on=START)
