"""Obligations, clearing runs and mutual credit through the services."""

import threading

import pytest
from django.db import connection
from django.db.models import Sum

from intercoop.clearing import selectors, services
from intercoop.clearing.models import (
    ClearingRun,
    CreditAccount,
    CreditEntry,
    CreditTransfer,
    Obligation,
    ObligationEntry,
)
from intercoop.core.errors import DomainError, ImportFailed, InvalidValues


def owe(debtor, creditor, amount, *, confirmed=True, currency="USD"):
    return services.obligation_record(
        actor=None, debtor=debtor, creditor=creditor,
        recorded_for=debtor if confirmed else creditor,
        values={"amount": amount, "currency": currency, "reference": f"{debtor}-{creditor}"},
    )  # fmt: skip


def test_a_ring_of_invoices_clears_and_positions_stay(network, ring):
    a, b, c = ring["a"], ring["b"], ring["c"]
    ab, bc, ca = owe(a, b, 100_00), owe(b, c, 70_00), owe(c, a, 50_00)
    run = services.run_propose(actor=None, network=network, currency="usd")
    assert (run.total_debt, run.setoff_total) == (220_00, 150_00)
    assert Obligation.objects.get(pk=ab.pk).remaining == 100_00  # nothing applied yet
    services.run_commit(actor=None, run=run)
    remaining = dict(Obligation.objects.values_list("pk", "remaining"))
    assert remaining == {ab.pk: 50_00, bc.pk: 20_00, ca.pk: 0}
    assert Obligation.objects.get(pk=ca.pk).status == "settled"
    assert Obligation.objects.get(pk=ab.pk).status == "partly"
    by_org = {s.organization: s for s in selectors.statements(run=run)}
    for statement in by_org.values():
        assert statement.net == statement.net_after
    assert by_org[a].cash_saved == 50_00 and by_org[a].payable_after == 50_00
    assert ObligationEntry.objects.aggregate(total=Sum("amount"))["total"] == 150_00


def test_a_run_commits_once_and_not_after_its_obligations_changed(network, ring):
    a, b, c = ring["a"], ring["b"], ring["c"]
    owe(a, b, 100), owe(b, c, 100), owe(c, a, 100)
    run = services.run_propose(actor=None, network=network, currency="USD")
    services.run_commit(actor=None, run=run)
    with pytest.raises(DomainError, match="already committed"):
        services.run_commit(actor=None, run=run)
    owe(a, b, 10), owe(b, a, 10)
    stale = services.run_propose(actor=None, network=network, currency="USD")
    services.run_commit(actor=None, run=services.run_propose(actor=None, network=network,
                                                             currency="USD"))  # fmt: skip
    with pytest.raises(DomainError, match="changed"):
        services.run_commit(actor=None, run=stale)
    assert ClearingRun.objects.get(pk=stale.pk).status == "proposed"


def test_unconfirmed_disputed_outside_and_other_currency_obligations_stay_out(network, ring):
    a, b, c = ring["a"], ring["b"], ring["c"]
    owe(a, b, 100), owe(b, c, 100)
    unconfirmed = owe(c, a, 100, confirmed=False)
    with pytest.raises(DomainError, match="No confirmed"):
        services.run_propose(actor=None, network=network, currency="EUR")
    assert services.run_propose(actor=None, network=network, currency="USD").setoff_total == 0
    services.obligation_confirm(actor=None, obligation=unconfirmed)
    assert services.run_propose(actor=None, network=network, currency="USD").setoff_total == 300
    services.obligation_dispute(actor=None, obligation=unconfirmed, reason="never delivered")
    owe(c, ring["outside"], 100), owe(ring["outside"], a, 100)
    assert services.run_propose(actor=None, network=network, currency="USD").setoff_total == 0


def test_a_committed_run_is_reversed_by_correcting_entries(network, ring):
    a, b, c = ring["a"], ring["b"], ring["c"]
    owe(a, b, 100), owe(b, c, 100), owe(c, a, 100)
    run = services.run_commit(actor=None, run=services.run_propose(actor=None, network=network,
                                                                   currency="USD"))  # fmt: skip
    services.run_reverse(actor=None, run=run)
    assert set(Obligation.objects.values_list("remaining", "status")) == {(100, "open")}
    kinds = list(ObligationEntry.objects.values_list("kind", "amount"))
    assert kinds.count(("setoff", 100)) == 3 and kinds.count(("correction", -100)) == 3
    with pytest.raises(DomainError):
        services.run_reverse(actor=None, run=run)


def test_bad_obligations_are_refused_and_imports_are_all_or_nothing(ring):
    a, b = ring["a"], ring["b"]
    with pytest.raises(InvalidValues) as refused:
        services.obligation_record(actor=None, debtor=a, creditor=a,
                                   values={"amount": 0, "currency": "dollars"})  # fmt: skip
    assert set(refused.value.errors) == {"amount", "currency", "creditor"}
    text = ("debtor,creditor,amount,currency,due_on,reference\n"
            f"{a.slug},{b.slug},12.50,USD,2027-01-31,INV-1\n"
            f"{b.slug},{a.slug},x,USD,,INV-2\n"
            f"nobody,{a.slug},1,USD,,\n"
            f"{b.slug},{ring['c'].slug},1,USD,,\n")  # fmt: skip
    with pytest.raises(ImportFailed) as failed:
        services.obligations_import(actor=None, organization=a, text=text)
    assert [str(e) for e in failed.value.errors] == [
        "line 3, amount: 'x' is not an amount",
        "line 4, debtor: 'nobody' is not an organisation",
        f"line 5, debtor: neither side is {a.slug}",
    ]
    assert not Obligation.objects.exists()
    good = "\n".join(text.splitlines()[:2]) + f"\n{b.slug},{a.slug},3,USD,,INV-2\n"
    assert services.obligations_import(actor=None, organization=a, text=good) == 2
    mine, theirs = Obligation.objects.order_by("pk")
    assert (mine.amount, mine.confirmed_at is not None) == (1250, True)  # a owes: confirmed
    assert theirs.confirmed_at is None  # b owes a: b confirms


@pytest.fixture
def credit(network, ring):
    system = services.credit_system_create(
        network=network, values={"code": "VAL", "name": "Valley credit", "currency": "USD",
                                 "default_limit": 100}
    )  # fmt: skip
    return system


def test_payments_stay_within_limits_and_the_ledger_sums_to_zero(credit, ring):
    a, b = ring["a"], ring["b"]
    services.credit_pay(actor=None, system=credit, payer=a, payee=b, amount=60)
    with pytest.raises(DomainError, match="Not enough credit"):
        services.credit_pay(actor=None, system=credit, payer=a, payee=b, amount=41)
    services.credit_pay(actor=None, system=credit, payer=a, payee=b, amount=40)
    balances = dict(CreditAccount.objects.values_list("organization_id", "balance"))
    assert balances == {a.pk: -100, b.pk: 100, ring["c"].pk: 0}
    assert sum(balances.values()) == 0
    assert CreditEntry.objects.aggregate(total=Sum("amount"))["total"] == 0
    last = CreditEntry.objects.filter(account__organization=b).last()
    assert last.balance_after == 100
    with pytest.raises(InvalidValues):
        services.credit_limit_set(account=CreditAccount.objects.get(organization=a), limit=50)


def test_a_retried_payment_pays_once(credit, ring):
    a, b = ring["a"], ring["b"]
    first = services.credit_pay(actor=None, system=credit, payer=a, payee=b, amount=30,
                                idempotency_key="k-1")  # fmt: skip
    again = services.credit_pay(actor=None, system=credit, payer=a, payee=b, amount=30,
                                idempotency_key="k-1")  # fmt: skip
    assert first.pk == again.pk and CreditTransfer.objects.count() == 1
    with pytest.raises(DomainError, match="another payment"):
        services.credit_pay(actor=None, system=credit, payer=a, payee=b, amount=31,
                            idempotency_key="k-1")  # fmt: skip


def test_mutual_credit_settles_what_the_setoff_leaves(network, ring, credit):
    a, b, c = ring["a"], ring["b"], ring["c"]
    owe(a, b, 100), owe(b, c, 70), owe(c, a, 50)  # sets off 50 each; leaves a→b 50, b→c 20
    run = services.run_propose(actor=None, network=network, currency="USD", use_credit=True)
    assert (run.setoff_total, run.credit_total) == (150, 70)
    services.run_commit(actor=None, run=run)
    assert set(Obligation.objects.values_list("remaining", flat=True)) == {0}
    balances = dict(CreditAccount.objects.values_list("organization_id", "balance"))
    assert balances == {a.pk: -50, b.pk: 30, c.pk: 20}
    for statement in selectors.statements(run=run):
        assert statement.net == statement.net_after
    services.run_reverse(actor=None, run=run)
    assert set(CreditAccount.objects.values_list("balance", flat=True)) == {0}


@pytest.mark.django_db(transaction=True)
def test_parallel_payments_never_pass_the_limit(network, ring, credit):
    if connection.vendor != "postgresql":
        pytest.skip("row locks under concurrency need PostgreSQL (CI runs it)")
    a, b, c = ring["a"], ring["b"], ring["c"]
    outcomes: list[str] = []

    def pay(payee, key):
        from django.db import connection as own

        try:
            services.credit_pay(actor=None, system=credit, payer=a, payee=payee, amount=30,
                                idempotency_key=key)  # fmt: skip
            outcomes.append("paid")
        except DomainError:
            outcomes.append("refused")
        finally:
            own.close()

    # ten different payments of 30 against a limit of 100, and five retries of one of them
    threads = [threading.Thread(target=pay, args=(b if i % 2 else c, f"p-{i}")) for i in range(10)]
    threads += [threading.Thread(target=pay, args=(b, "p-1")) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    account = CreditAccount.objects.get(organization=a)
    assert account.balance == -90  # three payments fit under the limit of 100
    assert CreditTransfer.objects.count() == 3
    assert CreditAccount.objects.aggregate(total=Sum("balance"))["total"] == 0
    assert outcomes.count("refused") == 15 - outcomes.count("paid")


def test_a_credit_payment_that_relies_on_credit_received_later_in_the_run_commits(
    network, ring, credit
):
    a, b, c = ring["a"], ring["b"], ring["c"]
    services.credit_limit_set(account=CreditAccount.objects.get(organization=a), limit=0)
    first = owe(a, b, 100)  # a has no credit until c pays it, further down the list
    owe(c, a, 100)
    run = services.run_propose(actor=None, network=network, currency="USD", use_credit=True)
    assert run.credit_total == 200
    services.run_commit(actor=None, run=run)
    assert Obligation.objects.get(pk=first.pk).remaining == 0
    balances = dict(CreditAccount.objects.values_list("organization_id", "balance"))
    assert balances == {a.pk: 0, b.pk: 100, c.pk: -100}


def test_every_member_has_an_account_and_a_later_one_gets_its_own_on_first_payment(
    network, ring, credit
):
    assert set(CreditAccount.objects.values_list("organization_id", flat=True)) == {
        ring[k].pk for k in ("a", "b", "c")
    }
    with pytest.raises(DomainError, match="members hold accounts"):
        services.credit_pay(actor=None, system=credit, payer=ring["a"], payee=ring["outside"],
                            amount=10)  # fmt: skip
    from intercoop.directory import services as directory_services

    directory_services.network_member_admit(network=network, organization=ring["outside"])
    services.credit_pay(actor=None, system=credit, payer=ring["a"], payee=ring["outside"],
                        amount=10)  # fmt: skip
    assert CreditAccount.objects.get(organization=ring["outside"]).balance == 10
