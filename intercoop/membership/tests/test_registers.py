"""The registers' services: share classes, subscriptions by instalments with payroll
deductions and the date membership becomes effective, payments, transfers, redemptions
with their payout dates, members entered, updated and ceased, the register of members
and the share register as of a date, and who may do each (a refusal writes nothing)."""

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from intercoop.conftest import make_org, make_user
from intercoop.core.audit import system_actor
from intercoop.core.errors import DomainError, InvalidValues
from intercoop.core.models import AuditEvent
from intercoop.membership import registers
from intercoop.membership.models import (
    Application,
    Member,
    Pathway,
    ShareClass,
    ShareEntry,
    Subscription,
)
from intercoop.membership.plans import instalment_plan
from intercoop.membership.selectors_registers import (
    RegisterRow,
    holder_totals,
    register_currency,
    register_of_members,
    share_register,
    share_register_rows,
)

D = dt.date
JAN_2 = D(2024, 1, 2)


@pytest.fixture
def admin(people: Any) -> Any:
    return people["admin"]


@pytest.fixture
def worker_share(org: Any, admin: Any) -> ShareClass:
    """The worker co-op's $5,000 buy-in: one share, redeemed 12 months after a request."""
    return registers.share_class_create(
        actor=admin,
        organization=org,
        name="Worker share",
        price=5_000_00,
        currency="usd",
        minimum=1,
        redemption_months=12,
    )


@pytest.fixture
def community_share(org: Any, admin: Any) -> ShareClass:
    """$10 shares, 5 needed, transferable, paid out 6 months after a request."""
    return registers.share_class_create(
        actor=admin,
        organization=org,
        name="Community share",
        price=10_00,
        currency="USD",
        minimum=5,
        transferable=True,
        redemption_months=6,
    )


def enter(org: Any, admin: Any, name: str, on: D = JAN_2, **extra: Any) -> Member:
    return registers.member_enter(actor=admin, organization=org, name=name, entered_on=on, **extra)


def application_for(org: Any, user: Any) -> Application:
    pathway = Pathway.objects.create(
        organization=org, slug="worker-owner", name="Worker-owner", created_at=timezone.now()
    )
    return Application.objects.create(
        pathway=pathway,
        user=user,
        status=Application.Status.CANDIDATE,
        applied_at=timezone.now(),
    )


def paid_member(org: Any, admin: Any, share_class: ShareClass, name: str, shares: int) -> Member:
    member = enter(org, admin, name)
    subscription = registers.subscribe(
        actor=admin, share_class=share_class, shares=shares, first_due_on=D(2024, 1, 2),
        member=member, on=D(2024, 1, 2),
    )  # fmt: skip
    registers.payment_record(
        actor=admin, subscription=subscription, amount=subscription.amount,
        on=D(2024, 1, 2), method="bank",
    )  # fmt: skip
    return member


def ledger(member: Member) -> list[tuple[str, int, int, str, str]]:
    return [
        (e.kind, e.shares, e.amount, e.on.isoformat(), e.payout_on.isoformat() if e.payout_on else "")
        for e in ShareEntry.objects.filter(member=member).order_by("on", "pk")
    ]  # fmt: skip


# share classes ----------------------------------------------------------------------------


def test_share_classes_are_bounded_and_share_one_currency(org, admin, worker_share):
    assert (worker_share.currency, worker_share.price, worker_share.minimum) == ("USD", 500000, 1)
    with pytest.raises(InvalidValues) as refused:
        registers.share_class_create(
            actor=admin, organization=org, name=" ", price=0, currency="XYZ", minimum=0,
            redemption_months=-1,
        )  # fmt: skip
    assert set(refused.value.errors) == {
        "name",
        "price",
        "currency",
        "minimum",
        "redemption_months",
    }
    with pytest.raises(InvalidValues) as refused:
        registers.share_class_create(
            actor=admin, organization=org, name="Euro share", price=100, currency="EUR"
        )
    assert refused.value.errors == {"currency": "is USD, as the organisation's other share classes"}
    assert register_currency(org) == "USD"


def test_price_is_fixed_once_shares_are_subscribed(org, admin, worker_share):
    registers.share_class_update(actor=admin, share_class=worker_share, values={"price": 4_000_00})
    assert ShareClass.objects.get(pk=worker_share.pk).price == 4_000_00
    member = enter(org, admin, "Ana")
    registers.subscribe(
        actor=admin, share_class=worker_share, shares=1, first_due_on=D(2024, 2, 1), member=member
    )
    with pytest.raises(InvalidValues) as refused:
        registers.share_class_update(
            actor=admin, share_class=worker_share, values={"price": 5_000_00}
        )
    assert refused.value.errors == {
        "price": "cannot change once shares of the class are subscribed"
    }
    updated = registers.share_class_update(
        actor=admin,
        share_class=worker_share,
        values={"name": "Worker-owner share", "redemption_months": 24, "transferable": True},
    )
    assert (updated.name, updated.redemption_months, updated.transferable) == (
        "Worker-owner share", 24, True,
    )  # fmt: skip


# the equity buy-in --------------------------------------------------------------------------


def test_a_24_month_buy_in_by_payroll_deduction_makes_membership_effective_when_paid(
    org, admin, people, worker_share
):
    candidate = make_user("rosa", email="rosa@example.org", first_name="Rosa", last_name="Diaz")
    application = application_for(org, candidate)
    subscription = registers.subscribe(
        actor=admin,
        share_class=worker_share,
        shares=1,
        instalments=24,
        first_due_on=D(2024, 1, 31),
        application=application,
        on=D(2024, 1, 15),
    )
    assert (subscription.amount, subscription.instalments, subscription.member) == (
        5_000_00, 24, None,
    )  # fmt: skip
    plan = registers.plan_of(subscription)
    assert plan == instalment_plan(5_000_00, 24, D(2024, 1, 31))
    for row in plan[:23]:
        registers.payment_record(
            actor=admin, subscription=subscription, amount=row.amount, on=row.due_on,
            method="payroll",
        )  # fmt: skip
    subscription.refresh_from_db()
    assert (subscription.paid, subscription.paid_in_full_on) == (23 * 208_33, None)
    assert registers.minimum_paid(application) is None
    # the last deduction, paid early with the 23rd's payroll
    registers.payment_record(
        actor=admin, subscription=subscription, amount=208_41, on=D(2025, 11, 30),
        method="payroll",
    )  # fmt: skip
    subscription.refresh_from_db()
    assert (subscription.paid, subscription.paid_in_full_on) == (5_000_00, D(2025, 11, 30))
    assert registers.minimum_paid(application) == D(2025, 11, 30)
    assert registers.minimum_paid(application, share_class=worker_share) == D(2025, 11, 30)
    payments = ShareEntry.objects.filter(subscription=subscription, kind="payment")
    assert payments.count() == 24 and set(payments.values_list("method", flat=True)) == {"payroll"}
    # nothing more than is owed
    with pytest.raises(DomainError, match="paid in full"):
        registers.payment_record(
            actor=admin, subscription=subscription, amount=1, on=D(2025, 12, 1)
        )
    # admitted: entered on the date the minimum was paid, the subscription becomes theirs
    member = registers.member_enter(
        actor=admin, organization=org, name="", user=candidate,
        entered_on=registers.minimum_paid(application), application=application,
    )  # fmt: skip
    assert (member.name, member.email, member.entered_on) == (
        "Rosa Diaz", "rosa@example.org", D(2025, 11, 30),
    )  # fmt: skip
    assert Subscription.objects.get(pk=subscription.pk).member == member
    assert holder_totals(org) == {member.pk: (1, 5_000_00)}


def test_the_minimum_is_paid_when_minimum_times_price_is_reached_out_of_order(
    org, admin, community_share
):
    application = application_for(org, make_user("sam"))
    subscription = registers.subscribe(
        actor=admin, share_class=community_share, shares=20, instalments=4,
        first_due_on=D(2025, 1, 1), application=application,
    )  # fmt: skip
    assert subscription.amount == 200_00
    pay = registers.payment_record
    pay(actor=admin, subscription=subscription, amount=30_00, on=D(2025, 3, 1), method="cash")
    assert registers.minimum_paid(application) is None
    pay(actor=admin, subscription=subscription, amount=20_00, on=D(2025, 2, 1), method="bank")
    # 5 shares × $10 = $50, reached by the payments of Feb 1 and Mar 1 (recorded backwards)
    assert registers.minimum_paid(application) == D(2025, 3, 1)
    with pytest.raises(DomainError, match=r"is more than what is owed \(150\.00 USD\)"):
        pay(actor=admin, subscription=subscription, amount=150_01, on=D(2025, 4, 1))
    with pytest.raises(InvalidValues) as refused:
        pay(actor=admin, subscription=subscription, amount=0, on=D(2099, 1, 1), method="gold")
    assert set(refused.value.errors) == {"amount", "on", "method"}
    subscription.refresh_from_db()
    assert (subscription.paid, subscription.paid_in_full_on) == (50_00, None)


def test_subscribing_names_a_current_member_or_an_open_application(org, admin, worker_share):
    other = make_org(name="Other Co-op")
    stranger = registers.member_enter(
        actor=system_actor(), organization=other, name="Elsewhere", entered_on=D(2024, 1, 1)
    )  # fmt: skip
    with pytest.raises(InvalidValues) as refused:
        registers.subscribe(
            actor=admin, share_class=worker_share, shares=1, first_due_on=D(2025, 1, 1),
            member=stranger,
        )  # fmt: skip
    assert refused.value.errors == {
        "member": "is on the register of the share class's organisation"
    }
    with pytest.raises(InvalidValues) as refused:
        registers.subscribe(
            actor=admin, share_class=worker_share, shares=0, instalments=121,
            first_due_on=D(2025, 1, 1),
        )  # fmt: skip
    assert set(refused.value.errors) == {"shares", "instalments", "member"}
    application = application_for(org, make_user("gone"))
    application.status = Application.Status.WITHDRAWN
    application.save()
    with pytest.raises(InvalidValues, match="withdrawn"):
        registers.subscribe(
            actor=admin, share_class=worker_share, shares=1, first_due_on=D(2025, 1, 1),
            application=application,
        )  # fmt: skip


# transfers ----------------------------------------------------------------------------------


def test_transfers_move_fully_paid_shares_of_a_transferable_class_between_members(
    org, admin, worker_share, community_share
):
    ana = paid_member(org, admin, community_share, "Ana", 12)
    ben = paid_member(org, admin, community_share, "Ben", 5)
    out, into = registers.transfer(
        actor=admin, from_member=ana, to_member=ben, share_class=community_share, shares=7,
        on=D(2025, 5, 1),
    )  # fmt: skip
    assert (out.kind, out.shares, out.amount, out.counterparty) == ("transfer-out", -7, -70_00, ben)
    assert (into.kind, into.shares, into.amount, into.counterparty) == (
        "transfer-in",
        7,
        70_00,
        ana,
    )
    assert holder_totals(org) == {ana.pk: (5, 50_00), ben.pk: (12, 120_00)}
    # Ana keeps the minimum of 5
    with pytest.raises(DomainError, match="keeps at least 5 shares of Community share"):
        registers.transfer(
            actor=admin, from_member=ana, to_member=ben, share_class=community_share, shares=1,
            on=D(2025, 5, 2),
        )  # fmt: skip
    # more than the fully paid shares held
    with pytest.raises(DomainError, match="Ben holds 12 fully paid shares"):
        registers.transfer(
            actor=admin, from_member=ben, to_member=ana, share_class=community_share,
            shares=13, on=D(2025, 5, 2),
        )  # fmt: skip
    # worker shares are not transferable; nor to oneself
    with pytest.raises(InvalidValues) as refused:
        registers.transfer(
            actor=admin, from_member=ana, to_member=ana, share_class=worker_share, shares=1,
            on=D(2025, 5, 2),
        )  # fmt: skip
    assert refused.value.errors == {
        "share_class": "its shares are not transferable",
        "to_member": "is another member",
    }


def test_partly_paid_shares_and_ceased_members_are_not_transferred(org, admin, community_share):
    ana = enter(org, admin, "Ana")
    subscription = registers.subscribe(
        actor=admin, share_class=community_share, shares=10, instalments=2,
        first_due_on=D(2025, 1, 1), member=ana,
    )  # fmt: skip
    registers.payment_record(actor=admin, subscription=subscription, amount=75_00, on=D(2025, 1, 1))
    ben = paid_member(org, admin, community_share, "Ben", 5)
    with pytest.raises(DomainError, match="Ana holds 7 fully paid shares"):
        registers.transfer(
            actor=admin, from_member=ana, to_member=ben, share_class=community_share, shares=8,
            on=D(2025, 2, 1),
        )  # fmt: skip
    cleo = paid_member(org, admin, community_share, "Cleo", 5)
    registers.member_cease(actor=admin, member=cleo, on=D(2025, 3, 1), reason="Moved away")
    with pytest.raises(DomainError, match="has ceased"):
        registers.transfer(
            actor=admin, from_member=ana, to_member=cleo, share_class=community_share, shares=1,
            on=D(2025, 3, 2),
        )  # fmt: skip
    other = make_org(name="Other Co-op")
    elsewhere = registers.member_enter(
        actor=system_actor(), organization=other, name="Dee", entered_on=D(2024, 1, 1)
    )
    with pytest.raises(InvalidValues) as refused:
        registers.transfer(
            actor=admin, from_member=ana, to_member=elsewhere, share_class=community_share,
            shares=1, on=D(2025, 3, 2),
        )  # fmt: skip
    assert refused.value.errors == {
        "to_member": "is on the register of the share class's organisation"
    }


# redemptions and ceasing ---------------------------------------------------------------------


def test_redemptions_are_paid_out_after_the_months_the_rules_set(org, admin, community_share):
    ana = paid_member(org, admin, community_share, "Ana", 8)
    entry = registers.redeem(
        actor=admin, member=ana, share_class=community_share, shares=3, on=D(2025, 8, 31)
    )
    assert (entry.kind, entry.shares, entry.amount, entry.on, entry.payout_on) == (
        "redemption", -3, -30_00, D(2025, 8, 31), D(2026, 2, 28),
    )  # fmt: skip
    with pytest.raises(DomainError, match="keeps at least 5 shares"):
        registers.redeem(
            actor=admin, member=ana, share_class=community_share, shares=1, on=D(2025, 9, 1)
        )
    with pytest.raises(DomainError, match="Ana holds 5 fully paid shares"):
        registers.redeem(
            actor=admin, member=ana, share_class=community_share, shares=6, on=D(2025, 9, 1)
        )
    assert holder_totals(org) == {ana.pk: (5, 50_00)}


def test_ceasing_redeems_everything_paid_up_with_each_class_s_payout_date(
    org, admin, worker_share, community_share
):
    ana = paid_member(org, admin, community_share, "Ana", 6)
    worker = registers.subscribe(
        actor=admin, share_class=worker_share, shares=1, instalments=24,
        first_due_on=D(2024, 1, 31), member=ana, on=D(2024, 1, 31),
    )  # fmt: skip
    for row in registers.plan_of(worker)[:3]:
        registers.payment_record(
            actor=admin, subscription=worker, amount=row.amount, on=row.due_on, method="payroll"
        )
    ceased = registers.member_cease(actor=admin, member=ana, on=D(2024, 5, 31), reason="Retired")
    assert (ceased.ceased_on, ceased.ceased_reason) == (D(2024, 5, 31), "Retired")
    assert ledger(ana)[-2:] == [
        ("redemption", -1, -624_99, "2024-05-31", "2025-05-31"),  # worker share: 12 months
        ("redemption", -6, -60_00, "2024-05-31", "2024-11-30"),  # community share: 6 months
    ]
    assert holder_totals(org) == {ana.pk: (0, 0)}
    with pytest.raises(DomainError, match="has ceased"):
        registers.payment_record(actor=admin, subscription=worker, amount=208_33, on=D(2024, 6, 1))
    with pytest.raises(DomainError, match="already ceased"):
        registers.member_cease(actor=admin, member=ana, on=D(2024, 6, 1), reason="Again")
    events = AuditEvent.objects.filter(action="membership.member_cease")
    assert [e.summary for e in events] == ["Ana: Retired; 684.99 USD"]


def test_ceasing_before_entering_or_without_a_reason_is_refused(org, admin):
    ana = enter(org, admin, "Ana", on=D(2024, 3, 1))
    with pytest.raises(InvalidValues) as refused:
        registers.member_cease(actor=admin, member=ana, on=D(2099, 1, 1), reason=" ")
    assert set(refused.value.errors) == {"on", "reason"}
    with pytest.raises(DomainError, match="on or after the date entered"):
        registers.member_cease(actor=admin, member=ana, on=D(2024, 2, 1), reason="Mistake")


# the register of members ---------------------------------------------------------------------


def test_the_register_of_members_as_of_a_date(org, admin, community_share):
    ana = paid_member(org, admin, community_share, "Ana", 10)
    ben = enter(
        org, admin, "Ben", on=D(2024, 6, 1), email="ben@example.org", address="1 Mill Lane\nLeeds"
    )
    subscription = registers.subscribe(
        actor=admin, share_class=community_share, shares=5, instalments=5,
        first_due_on=D(2024, 6, 1), member=ben, on=D(2024, 6, 1),
    )  # fmt: skip
    registers.payment_record(
        actor=admin, subscription=subscription, amount=10_00, on=D(2024, 6, 1), method="payroll"
    )
    registers.member_update(
        actor=admin, member=ana, values={"loans": 2_500_00, "email": "ana@example.org"}
    )
    registers.member_cease(actor=admin, member=ana, on=D(2025, 1, 31), reason="Left the area")
    assert register_of_members(org) == [
        RegisterRow(ana.pk, "Ana", "", "ana@example.org", 0, 0, 2_500_00, D(2024, 1, 2),
                    D(2025, 1, 31)),
        RegisterRow(ben.pk, "Ben", "1 Mill Lane\nLeeds", "ben@example.org", 5, 10_00, 0,
                    D(2024, 6, 1), None),
    ]  # fmt: skip
    assert register_of_members(org, on=D(2024, 12, 31)) == [
        RegisterRow(ana.pk, "Ana", "", "ana@example.org", 10, 100_00, 2_500_00, D(2024, 1, 2),
                    None),
        RegisterRow(ben.pk, "Ben", "1 Mill Lane\nLeeds", "ben@example.org", 5, 10_00, 0,
                    D(2024, 6, 1), None),
    ]  # fmt: skip
    assert [r.name for r in register_of_members(org, on=D(2024, 3, 1))] == ["Ana"]


def test_the_share_register_lists_each_holding_with_its_entries(org, admin, community_share):
    ana = paid_member(org, admin, community_share, "Ana", 10)
    ben = paid_member(org, admin, community_share, "Ben", 5)
    registers.transfer(
        actor=admin, from_member=ana, to_member=ben, share_class=community_share, shares=2,
        on=D(2024, 2, 1),
    )  # fmt: skip
    found = share_register(org)
    assert [(h.member.name, h.share_class.name, h.shares, h.paid, h.unpaid) for h in found] == [
        ("Ana", "Community share", 8, 80_00, 0),
        ("Ben", "Community share", 7, 70_00, 0),
    ]
    assert [e.kind for e in found[0].entries] == ["subscription", "payment", "transfer-out"]
    assert [e.method_label for e in found[0].entries][1] == "Bank transfer"
    streamed = list(share_register_rows(org))
    assert [(h.member, h.share_class, h.shares, h.paid, h.entries) for h in streamed] == [
        (h.member, h.share_class, h.shares, h.paid, []) for h in found
    ]


def test_entering_members_checks_values_and_duplicates(org, admin):
    person = make_user("pat", email="pat@example.org")
    enter(org, admin, "Pat", user=person)
    with pytest.raises(InvalidValues) as refused:
        registers.member_enter(
            actor=admin, organization=org, name="Pat again", user=person, email="not an address",
            entered_on=D(2099, 1, 1), member_organization=org,
        )  # fmt: skip
    assert set(refused.value.errors) == {"user", "email", "entered_on", "member_organization"}
    with pytest.raises(InvalidValues) as refused:
        registers.member_update(
            actor=admin, member=Member.objects.get(name="Pat"), values={"loans": -1, "name": ""}
        )
    assert set(refused.value.errors) == {"loans", "name"}


# who may ------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["anonymous", "outsider", "member", "coordinator",
                                 "other_coordinator"])  # fmt: skip
def test_only_the_organisation_s_admins_and_staff_keep_the_registers(
    org, people, admin, community_share, who
):
    ana = paid_member(org, admin, community_share, "Ana", 10)
    ben = paid_member(org, admin, community_share, "Ben", 5)
    subscription = Subscription.objects.filter(member=ana).get()
    actor = people[who]
    entries, members, events = (
        ShareEntry.objects.count(), Member.objects.count(), AuditEvent.objects.count()
    )  # fmt: skip
    attempts = [
        lambda: registers.share_class_create(
            actor=actor, organization=org, name="B", price=1, currency="USD"
        ),
        lambda: registers.share_class_update(
            actor=actor, share_class=community_share, values={"name": "X"}
        ),
        lambda: registers.member_enter(
            actor=actor, organization=org, name="Zed", entered_on=D(2024, 1, 1)
        ),
        lambda: registers.member_update(actor=actor, member=ana, values={"loans": 5}),
        lambda: registers.member_cease(actor=actor, member=ana, on=D(2025, 1, 1), reason="x"),
        lambda: registers.subscribe(
            actor=actor, share_class=community_share, shares=1, first_due_on=D(2025, 1, 1),
            member=ana,
        ),
        lambda: registers.payment_record(
            actor=actor, subscription=subscription, amount=1, on=D(2025, 1, 1)
        ),
        lambda: registers.transfer(
            actor=actor, from_member=ana, to_member=ben, share_class=community_share, shares=1,
            on=D(2025, 1, 1),
        ),
        lambda: registers.redeem(
            actor=actor, member=ana, share_class=community_share, shares=1, on=D(2025, 1, 1)
        ),
    ]  # fmt: skip
    for attempt in attempts:
        with pytest.raises(PermissionDenied):
            attempt()
    assert (ShareEntry.objects.count(), Member.objects.count(), AuditEvent.objects.count()) == (
        entries, members, events,
    )  # fmt: skip
    assert ShareClass.objects.get(pk=community_share.pk).name == "Community share"


def test_staff_keep_the_registers_too(org, people, community_share):
    member = enter(org, people["staff"], "Staff-entered")
    assert member.organization == org
    event = AuditEvent.objects.filter(action="membership.member_enter").latest("pk")
    assert (event.actor, event.summary) == (people["staff"], "Staff-entered")
