"""Internal capital accounts under real concurrency (PostgreSQL; SQLite serialises
writers and skips these): two admins allocating one patronage line at once write one
allocation; payouts racing for one balance never take more than it."""

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.db.models import Sum

from intercoop.conftest import in_parallel
from intercoop.core.errors import DomainError
from intercoop.membership import capital_accounts, registers
from intercoop.membership.models import CapitalAccountEntry, CapitalAllocation
from intercoop.membership.selectors_accounts import balances_of
from intercoop.purchasing.models import Patronage, PatronageAllocation

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
D = dt.date


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks under concurrency need PostgreSQL (CI runs it)")


@pytest.fixture
def world(org: Any, people: Any, network: Any) -> dict[str, Any]:
    admin = people["admin"]
    patronage = Patronage.objects.create(
        network=network, title="Rebate", currency="USD", surplus=100_00, cash_percent=20,
        period_start=D(2025, 1, 1), period_end=D(2025, 3, 31),
        made_at=dt.datetime(2025, 4, 1, tzinfo=dt.UTC),
    )  # fmt: skip
    line = PatronageAllocation.objects.create(
        patronage=patronage, member=org, purchases=1, share=100_00, cash=20_00, retained=80_00
    )
    members = [
        registers.member_enter(actor=admin, organization=org, name=name, entered_on=D(2020, 1, 1))
        for name in ("Ana", "Ben")
    ]
    return {"admin": admin, "staff": people["staff"], "line": line, "members": members}


def test_two_admins_allocating_one_line_at_once_write_one_allocation(world):
    ana, ben = world["members"]

    def allocate(actor: Any) -> Any:
        return lambda: capital_accounts.patronage_allocate(
            actor=actor, source=world["line"], basis="hours", weights={ana.pk: 1, ben.pk: 1},
            on=D(2025, 4, 30),
        )  # fmt: skip

    results = in_parallel([allocate(world["admin"]), allocate(world["staff"])])
    assert sorted(type(r).__name__ for r in results) == ["CapitalAllocation", "DomainError"]
    assert CapitalAllocation.objects.count() == 1
    assert CapitalAccountEntry.objects.aggregate(total=Sum("amount"))["total"] == 80_00


def test_payouts_racing_for_one_balance_never_take_more_than_it(world):
    ana = world["members"][0]
    capital_accounts.patronage_allocate(
        actor=world["admin"], source=world["line"], basis="hours", weights={ana.pk: 1},
        on=D(2025, 4, 30),
    )  # fmt: skip

    def pay() -> Any:
        return capital_accounts.capital_account_payout(
            actor=world["admin"], member=ana, currency="USD", amount=50_00, on=D(2025, 6, 1)
        )

    results = in_parallel([pay, pay, pay])
    assert sum(isinstance(r, DomainError) for r in results) == 2
    assert balances_of([ana.pk], "USD") == {ana.pk: 30_00}
