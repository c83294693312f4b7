"""Who may make each write of the fund, asked of the services themselves (pages and the
API repeat no rule). A refusal is PermissionDenied and leaves nothing behind: no row, no
ledger entry, no notification, no audit event. An allowed write records exactly one
audit event naming its actor.

The world: the Valley Network's fund (conftest `fund`: a loan committee of lender1 and
lender2, deciding by a recorded decision), held by Valley Fund Co-op; `org` (admin,
member) borrows from it; `other_admin` runs another member co-op, Hilltop; `investor`
holds a note of the fund; `committee` is lender1; other_coordinator runs another
network; staff run everything but the committee's decision."""

import datetime as dt
import inspect
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from intercoop.capital import lending, permissions, services
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
from intercoop.capital.tests.conftest import START
from intercoop.clearing.models import Obligation
from intercoop.conftest import make_org, make_user
from intercoop.core.audit import system_actor
from intercoop.core.models import AuditEvent, AuditSubject, Notification
from intercoop.directory import services as directory
from intercoop.directory.models import OrganizationRole
from intercoop.governance.bodies import committee_seats_set
from intercoop.governance.models import Ballot, Poll, Voter

WHO = ["anonymous", "outsider", "member", "admin", "other_admin", "coordinator",
       "other_coordinator", "staff", "committee", "investor"]  # fmt: skip
MODELS: list[Any] = [Fund, EquityTier, EquityEntry, Pledge, Contribution, InvestorNote,
                     LoanApplication, ApplicationMessage, Attachment, Loan, LoanSchedule,
                     Instalment, Repayment, LedgerTransaction, LedgerEntry, Poll, Voter, Ballot,
                     Obligation, Notification, AuditEvent, AuditSubject]  # fmt: skip


def snapshot() -> list[Any]:
    return [list(model.objects.order_by("pk").values()) for model in MODELS]


@pytest.fixture
def world(fund, org, people, committee_people, holder) -> dict[str, Any]:
    system = system_actor()
    hilltop = make_org(name="Hilltop Co-op")
    directory.network_member_join(actor=system, network=fund.network, organization=hilltop)
    other_admin = make_user("other_admin")
    directory.organization_role_assign(actor=system, organization=hilltop, user=other_admin,
                                       role=OrganizationRole.Role.ADMIN)  # fmt: skip
    investor = make_user("investor")
    note = services.note_record(actor=system, fund=fund, user=investor, amount=5_000_00,
                                rate="1", term_months=24, issued_on=dt.date(2026, 1, 2))  # fmt: skip
    services.contribution_record(actor=system, fund=fund, organization=holder,
                                 amount=100_000_00, received_on=dt.date(2026, 1, 2))  # fmt: skip
    return dict(people) | {
        "fund": fund, "org": org, "holder": holder, "hilltop": hilltop,
        "other_admin": other_admin, "investor": investor, "note": note,
        "committee": committee_people[0], "lenders": committee_people,
    }  # fmt: skip


def actor_of(world: dict[str, Any], who: str) -> Any:
    return AnonymousUser() if who == "anonymous" else world[who]


# the objects each write acts on, made by the system -------------------------------------

TERMS = {"purpose": "A new oven", "amount": 10_000_00, "term_months": 12,
         "requested_rate": "12", "method": "annuity"}  # fmt: skip


def _draft(w: dict[str, Any], org: Any = None) -> LoanApplication:
    return services.application_create(actor=system_actor(), fund=w["fund"],
                                       organization=org or w["org"], values=TERMS)  # fmt: skip


def _submitted(w: dict[str, Any], org: Any = None) -> LoanApplication:
    return services.application_submit(actor=system_actor(), application=_draft(w, org))


def _in_vote(w: dict[str, Any], org: Any = None) -> LoanApplication:
    return services.application_to_committee(actor=system_actor(),
                                             application=_submitted(w, org))  # fmt: skip


def _offered(w: dict[str, Any], org: Any = None) -> Loan:
    application = _in_vote(w, org)
    services.application_decide(actor=w["committee"], application=application, approved=True)
    return Loan.objects.get(application=application)


def _accepted(w: dict[str, Any], org: Any = None) -> Loan:
    return services.loan_respond(actor=system_actor(), loan=_offered(w, org), accept=True)


def _active(w: dict[str, Any], org: Any = None) -> Loan:
    return services.loan_disburse(actor=system_actor(), loan=_accepted(w, org), on=START)


Setup = Callable[[dict[str, Any]], Callable[[Any], Any]]


def fund_create(w):
    return lambda a: services.fund_create(actor=a, network=w["fund"].network, holder=w["holder"],
                                          currency="EUR", values={"name": "Second fund",
                                                                  "max_loan": 100_00})  # fmt: skip


def fund_update(w):
    return lambda a: services.fund_update(actor=a, fund=w["fund"], values={"max_loan": 40_000_00})


def tier_create(w):
    return lambda a: services.tier_create(actor=a, fund=w["fund"], name="Large", description="",
                                          amount=10_000_00)  # fmt: skip


def pledge_make(w):
    return lambda a: services.pledge_make(actor=a, fund=w["fund"], organization=w["org"],
                                          percent_of_surplus="2", first_year=2026, years=3)  # fmt: skip


def contribution_record(w):
    return lambda a: services.contribution_record(actor=a, fund=w["fund"], organization=w["org"],
                                                  amount=1_000_00,
                                                  received_on=dt.date(2026, 3, 1))  # fmt: skip


def equity_record(w):
    return lambda a: services.equity_record(actor=a, fund=w["fund"], organization=w["org"],
                                            amount=500_00, on=dt.date(2026, 3, 1))  # fmt: skip


def note_record(w):
    return lambda a: services.note_record(actor=a, fund=w["fund"], organization=w["hilltop"],
                                          amount=1_000_00, rate="2", term_months=12,
                                          issued_on=dt.date(2026, 3, 1))  # fmt: skip


def note_give_notice(w):
    return lambda a: services.note_give_notice(actor=a, note=w["note"])


def note_repay(w):
    return lambda a: services.note_repay(actor=a, note=w["note"], on=dt.date(2026, 6, 1))


def application_create(w):
    return lambda a: services.application_create(actor=a, fund=w["fund"], organization=w["org"],
                                                 values=TERMS)  # fmt: skip


def application_update(w):
    application = _draft(w)
    return lambda a: services.application_update(actor=a, application=application,
                                                 values={"amount": 9_000_00})  # fmt: skip


def application_submit(w):
    application = _draft(w)
    return lambda a: services.application_submit(actor=a, application=application)


def application_withdraw(w):
    application = _submitted(w)
    return lambda a: services.application_withdraw(actor=a, application=application)


def application_review(w):
    application = _submitted(w)
    return lambda a: services.application_review(actor=a, application=application,
                                                 checklist={"membership": True})  # fmt: skip


def application_message(w):
    application = _submitted(w)
    return lambda a: services.application_message(actor=a, application=application,
                                                  text="When do you open?")  # fmt: skip


def attachment_add(w):
    application = _submitted(w)
    return lambda a: services.attachment_add(actor=a, application=application, name="plan.pdf",
                                             content_type="application/pdf", data=b"%PDF")  # fmt: skip


def application_to_committee(w):
    application = _submitted(w)
    return lambda a: services.application_to_committee(actor=a, application=application)


def application_decide(w):
    application = _in_vote(w)
    return lambda a: services.application_decide(actor=a, application=application,
                                                 approved=True, votes=(2, 0, 0))  # fmt: skip


def loan_respond(w):
    loan = _offered(w)
    return lambda a: services.loan_respond(actor=a, loan=loan, accept=True)


def loan_disburse(w):
    loan = _accepted(w)
    return lambda a: services.loan_disburse(actor=a, loan=loan, on=START)


def repayment_record(w):
    loan = _active(w)
    return lambda a: services.repayment_record(actor=a, loan=loan, amount=888_49,
                                               paid_on=dt.date(2026, 2, 28))  # fmt: skip


def loan_restructure(w):
    loan = _active(w)
    return lambda a: services.loan_restructure(actor=a, loan=loan, start=dt.date(2026, 12, 1),
                                               months=24, annual_rate="6", method="annuity",
                                               reason="A hard winter")  # fmt: skip


def loan_write_off(w):
    loan = _active(w)
    return lambda a: services.loan_write_off(actor=a, loan=loan, reason="Closed down")


MANAGERS = {"coordinator", "staff"}  # the network's coordinators run the fund
BORROWER = {"admin", "staff"}  # who acts for the borrowing co-op
REVIEWERS = MANAGERS | {"committee"}

# each write: (set-up returning the call, who may make it, the audit action it records)
MATRIX: dict[Setup, tuple[set[str], str]] = {
    fund_create: (MANAGERS, "fund.create"),
    fund_update: (MANAGERS, "fund.update"),
    tier_create: (MANAGERS, "fund.tier"),
    # a member co-op pledges its own surplus; coordinators record a pledge for it
    pledge_make: (BORROWER | MANAGERS, "fund.pledge"),
    contribution_record: (MANAGERS, "fund.contribution"),
    equity_record: (MANAGERS, "fund.equity"),
    note_record: (MANAGERS, "fund.note"),
    # only the investor asks for its money back, not even staff
    note_give_notice: ({"investor"}, "fund.note_notice"),
    note_repay: (MANAGERS, "fund.note_repay"),
    application_create: (BORROWER, "loan_application.create"),
    application_update: (BORROWER, "loan_application.update"),
    application_submit: (BORROWER, "loan_application.submit"),
    application_withdraw: (BORROWER, "loan_application.withdraw"),
    application_review: (REVIEWERS, "loan_application.review"),
    application_message: (BORROWER | REVIEWERS, "loan_application.message"),
    attachment_add: (BORROWER, "loan_application.attach"),
    application_to_committee: (REVIEWERS, "loan_application.to_committee"),
    # only the committee decides: not the coordinators (the fund has a committee), not staff
    application_decide: ({"committee"}, "loan_application.decide"),
    loan_respond: (BORROWER, "loan.accept"),
    loan_disburse: (MANAGERS, "loan.disburse"),
    repayment_record: (MANAGERS, "loan.repayment"),
    loan_restructure: (MANAGERS, "loan.restructure"),
    loan_write_off: (MANAGERS, "loan.write_off"),
}


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("write", list(MATRIX), ids=lambda f: f.__name__)
def test_who_may_make_each_write(world, write, who):
    allowed, action = MATRIX[write]
    call = write(world)
    actor = actor_of(world, who)
    before = snapshot()
    last = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    if who not in allowed:
        with pytest.raises(PermissionDenied):
            call(actor)
        assert snapshot() == before
        return
    call(actor)
    events = AuditEvent.objects.filter(pk__gt=last).order_by("pk")
    assert list(events.values_list("action", "actor_name", "actor_id")) == [
        (action, actor.username, actor.pk)
    ]
    assert events.get().network_id == world["fund"].network_id


@pytest.mark.parametrize("write", list(MATRIX), ids=lambda f: f.__name__)
def test_a_service_called_without_a_user_refuses(world, write):
    call = write(world)
    before = snapshot()
    with pytest.raises(PermissionDenied):
        call(None)
    assert snapshot() == before


# who sees what ------------------------------------------------------------------------------

READS = {
    # the fund's totals: the network's insiders and the committee
    "fund": ({"member", "admin", "other_admin", "coordinator", "staff", "committee"},
             permissions.can_view_fund, permissions.access_fund),
    # a co-op's application and loan: its own people, the committee, the fund's managers
    "application": ({"member", "admin", "coordinator", "staff", "committee"},
                    permissions.can_view_application, permissions.access_application),
    "loan": ({"member", "admin", "coordinator", "staff", "committee"},
             permissions.can_view_loan, permissions.access_loan),
    # an investor's note: the investor and the fund's managers
    "note": ({"investor", "coordinator", "staff"}, permissions.can_view_note,
             permissions.access_note),
}  # fmt: skip


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("read", list(READS))
def test_who_sees_what(world, read, who):
    allowed, can, access = READS[read]
    target = {
        "fund": lambda: world["fund"],
        "application": lambda: _submitted(world),
        "loan": lambda: _active(world),
        "note": lambda: world["note"],
    }[read]()
    actor = actor_of(world, who)
    assert can(actor, target) is (who in allowed)
    if who in allowed:
        assert access(actor, target) == target
    else:
        with pytest.raises(PermissionDenied):
            access(actor, target)


def test_a_borrower_sees_and_answers_only_its_own_loan(world):
    theirs = _offered(world, world["hilltop"])
    pending = _submitted(world, world["hilltop"])
    mine = _active(world)
    admin, other_admin = world["admin"], world["other_admin"]
    assert not permissions.can_view_loan(admin, theirs)
    assert not permissions.can_view_application(admin, pending)
    assert permissions.can_view_loan(other_admin, theirs)
    assert not permissions.can_view_loan(other_admin, mine)
    assert permissions.can_view_loan(admin, mine)
    before = snapshot()
    for call in (
        lambda: services.loan_respond(actor=admin, loan=theirs, accept=True),
        lambda: services.application_withdraw(actor=admin, application=pending),
        lambda: services.application_message(actor=admin, application=pending, text="Hi"),
        lambda: services.attachment_add(actor=admin, application=pending, name="x",
                                        content_type="", data=b"x"),
        lambda: services.repayment_record(actor=other_admin, loan=mine, amount=100,
                                          paid_on=START),
    ):  # fmt: skip
        with pytest.raises(PermissionDenied):
            call()
    assert snapshot() == before


def test_investors_see_only_their_own_notes(world):
    second = make_user("second_investor")
    theirs = services.note_record(actor=system_actor(), fund=world["fund"], user=second,
                                  amount=1_000_00, rate="2", term_months=12,
                                  issued_on=dt.date(2026, 2, 1))  # fmt: skip
    hilltops = services.note_record(actor=system_actor(), fund=world["fund"],
                                    organization=world["hilltop"], amount=2_000_00, rate="0",
                                    term_months=12, issued_on=dt.date(2026, 2, 1))  # fmt: skip
    investor = world["investor"]
    assert permissions.can_view_note(investor, world["note"])
    assert not permissions.can_view_note(investor, theirs)
    assert not permissions.can_view_note(investor, hilltops)
    assert not permissions.can_view_note(second, world["note"])
    # an organisation's note: its people see it, its admins give notice
    assert permissions.can_view_note(world["other_admin"], hilltops)
    assert not permissions.can_view_note(world["admin"], hilltops)
    assert not permissions.can_view_note(world["committee"], hilltops)
    before = snapshot()
    for who, note in ((investor, theirs), (investor, hilltops), (world["admin"], hilltops),
                      (world["staff"], world["note"]), (world["coordinator"], world["note"])):  # fmt: skip
        with pytest.raises(PermissionDenied):
            services.note_give_notice(actor=who, note=note)
    assert snapshot() == before
    services.note_give_notice(actor=world["other_admin"], note=hilltops)


def test_the_committee_decides_and_coordinators_only_without_one(world):
    application = _in_vote(world)
    lender2 = world["lenders"][1]
    assert permissions.can_decide(lender2, application)
    for who in ("coordinator", "staff", "admin", "other_coordinator"):
        assert not permissions.can_decide(world[who], application)
    services.fund_update(actor=system_actor(), fund=world["fund"], values={"committee": None})
    application.fund.refresh_from_db()
    assert permissions.can_decide(world["coordinator"], application)
    assert not permissions.can_decide(lender2, application)
    assert not permissions.can_decide(world["staff"], application)


def test_committee_funds_lists_the_funds_is_committee_member_says(world):
    """The dashboard's query (every fund at once) and the rule (one fund) agree, with a
    committee seated by name or through an organisation, and without a committee."""
    fund = world["fund"]

    def agree() -> None:
        for who in WHO:
            user = actor_of(world, who)
            listed = fund in permissions.committee_funds(user)
            assert listed == permissions.is_committee_member(user, fund), who

    agree()
    committee_seats_set(actor=system_actor(), body=fund.committee, users=[],
                        organizations=[world["hilltop"]])  # fmt: skip
    agree()
    assert fund in permissions.committee_funds(world["other_admin"])
    services.fund_update(actor=system_actor(), fund=fund, values={"committee": None})
    fund.refresh_from_db()
    agree()
    assert fund in permissions.committee_funds(world["coordinator"])


def _writes(module: Any) -> set[str]:
    return {
        name
        for name, f in vars(module).items()
        if inspect.isfunction(f)
        and f.__module__ == module.__name__
        and not name.startswith("_")
        and _takes_actor(f)
    }


def _takes_actor(function: Any) -> bool:
    """A write takes its actor as a keyword (reads such as `current_schedule` do not)."""
    actor = inspect.signature(function).parameters.get("actor")
    return actor is not None and actor.kind is inspect.Parameter.KEYWORD_ONLY


# writes without a rule of their own, carried out for a service or the system that checked
# it: a poll's decision (`decisions.on_poll_closed`), interest falling due (the clock)
INTERNAL = {"decide", "accrue_interest"}


def test_the_matrix_covers_every_write_service():
    """A new write service (one that takes `actor=`) must join the matrix."""
    covered = {f.__name__ for f in MATRIX}
    assert _writes(services) | _writes(lending) == covered | INTERNAL
    others = {
        name
        for module in (services, lending)
        for name, f in vars(module).items()
        if inspect.isfunction(f) and f.__module__ == module.__name__
        and not name.startswith("_") and name not in covered | INTERNAL
    }  # fmt: skip
    assert others == {"current_schedule", "check_eligible"}  # reads and checks, no actor
