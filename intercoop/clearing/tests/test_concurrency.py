"""Row locks under real concurrency (PostgreSQL; SQLite serialises writers and skips these):
payments in opposite directions and a run's mutual-credit phase at once never deadlock
and lose no write; retries with one idempotency key all answer the first payment."""

import json
import random
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.db.models import Sum

from intercoop.clearing import services
from intercoop.clearing.models import (
    ClearingRun,
    CreditAccount,
    CreditEntry,
    CreditTransfer,
    Obligation,
    ObligationEntry,
)
from intercoop.clearing.tests.conftest import join, owe
from intercoop.conftest import client_for, in_parallel, make_org, make_user
from intercoop.core.audit import system_actor
from intercoop.core.errors import DomainError
from intercoop.directory import services as directory_services
from intercoop.directory.models import OrganizationRole

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks under concurrency need PostgreSQL (CI runs it)")


def assert_ledgers_hold() -> None:
    """No lost write: the credit ledger sums to zero, each balance is the sum of its
    entries, and each obligation owes its amount less its entries."""
    assert CreditEntry.objects.aggregate(total=Sum("amount"))["total"] in (0, None)
    assert CreditAccount.objects.aggregate(total=Sum("balance"))["total"] == 0
    for account in CreditAccount.objects.all():
        assert account.balance == sum(account.entries.values_list("amount", flat=True))
    for transfer in CreditTransfer.objects.all():
        assert sorted(transfer.entries.values_list("amount", flat=True)) == [
            -transfer.amount,
            transfer.amount,
        ]
    for obligation in Obligation.objects.all():
        cleared = sum(obligation.entries.values_list("amount", flat=True))
        assert obligation.remaining == obligation.amount - cleared


def test_parallel_payments_never_pass_the_limit(network, ring, credit):
    a, b, c = ring["a"], ring["b"], ring["c"]
    system = system_actor()

    def pay(payee: Any, key: str) -> Callable[[], str]:
        def job() -> str:
            try:
                services.credit_pay(actor=system, system=credit, payer=a, payee=payee,
                                    amount=30, idempotency_key=key)  # fmt: skip
            except DomainError:
                return "refused"
            return "paid"

        return job

    # ten different payments of 30 against a limit of 100, and five retries of one of them
    jobs = [pay(b if i % 2 else c, f"p-{i}") for i in range(10)]
    jobs += [pay(b, "p-1") for _ in range(5)]
    outcomes = in_parallel(jobs)
    assert CreditAccount.objects.get(organization=a).balance == -90  # three fit under 100
    assert CreditTransfer.objects.count() == 3
    assert set(outcomes) <= {"paid", "refused"} and outcomes.count("paid") >= 3, outcomes
    assert_ledgers_hold()


def test_opposite_payments_and_a_credit_run_commit_at_once(network, ring):
    """Payments both ways between every pair of members while a run pays what its set-off
    leaves in mutual credit: each line's pair of accounts is also a pair the payments lock.
    Before the run locked all its accounts in one order, this deadlocked."""
    system = system_actor()
    members = [ring["a"], ring["b"], ring["c"]]
    for n in range(5):
        members.append(make_org(name=f"Member {n} Co-op"))
        join(network, members[-1])
    credit = services.credit_system_create(
        actor=system, network=network,
        values={"code": "VAL", "currency": "USD", "default_limit": 10**9},
    )  # fmt: skip
    rng = random.Random(11)
    for _ in range(240):  # chains and cycles: set-off, then credit for what remains
        debtor, creditor = rng.sample(members, 2)
        owe(debtor, creditor, rng.randrange(100, 10_000))
    run = services.clearing_run_propose(actor=system, network=network, currency="USD",
                                        use_credit=True)  # fmt: skip
    assert run.credit_total > 0

    def payments(worker: int) -> Callable[[], int]:
        def job() -> int:
            local = random.Random(worker)
            for n in range(25):
                payer, payee = local.sample(members, 2)
                services.credit_pay(actor=system, system=credit, payer=payer, payee=payee,
                                    amount=local.randrange(1, 500),
                                    idempotency_key=f"w{worker}-{n}")  # fmt: skip
            return 25

        return job

    jobs: list[Callable[[], Any]] = [payments(w) for w in range(6)]
    jobs.append(lambda: services.clearing_run_commit(actor=system, run=run.pk).status)
    results = in_parallel(jobs)
    assert results == [25] * 6 + ["committed"], results  # no deadlock, no refusal
    assert ClearingRun.objects.get(pk=run.pk).status == "committed"
    assert CreditTransfer.objects.filter(kind="payment").count() == 150
    assert (
        CreditTransfer.objects.filter(kind="clearing").aggregate(total=Sum("amount"))["total"]
        == run.credit_total
    )
    assert ObligationEntry.objects.aggregate(total=Sum("amount"))["total"] == run.cleared
    assert_ledgers_hold()


def test_retries_with_one_key_at_once_all_answer_the_first_payment(people, network, org, ring):
    """A client retrying after a time-out sends the same key while the first request is
    still being served: every answer is 201 with the one transfer (the payment uses the
    whole limit, so a second payment would be refused for want of credit)."""
    services.credit_system_create(
        actor=system_actor(), network=network,
        values={"code": "VAL", "currency": "USD", "default_limit": 1_000},
    )  # fmt: skip
    body = json.dumps({"payer": org.slug, "payee": ring["b"].slug, "amount": 1_000})
    url = f"/api/v1/networks/{network.slug}/credit/payments"
    admin = people["admin"]
    second = make_user("second-admin")
    directory_services.organization_role_assign(
        actor=system_actor(), organization=org, user=second, role=OrganizationRole.Role.ADMIN
    )

    def request(user: Any) -> Callable[[], tuple[int, Any]]:
        client = client_for(user)

        def job() -> tuple[int, Any]:
            answer = client.post(url, body, content_type="application/json",
                                 HTTP_IDEMPOTENCY_KEY="order-17")  # fmt: skip
            return answer.status_code, answer.json().get("id")

        return job

    results = in_parallel([request(admin if n % 2 else second) for n in range(8)])
    transfer = CreditTransfer.objects.get()
    assert results == [(201, transfer.pk)] * 8
    assert CreditAccount.objects.get(organization=org).balance == -1_000
    assert_ledgers_hold()
