"""Obligations, clearing runs and mutual credit through the services."""

import pytest
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
from intercoop.clearing.tests.conftest import join, owe
from intercoop.core.errors import DomainError, ImportFailed, InvalidValues


def propose(system, network, currency="USD", **options):
    return services.clearing_run_propose(
        actor=system, network=network, currency=currency, **options
    )


def test_a_ring_of_invoices_clears_and_positions_stay(system, network, ring):
    a, b, c = ring["a"], ring["b"], ring["c"]
    ab, bc, ca = owe(a, b, 100_00), owe(b, c, 70_00), owe(c, a, 50_00)
    run = propose(system, network, currency="usd")
    assert (run.total_debt, run.setoff_total) == (220_00, 150_00)
    assert Obligation.objects.get(pk=ab.pk).remaining == 100_00  # nothing applied yet
    services.clearing_run_commit(actor=system, run=run)
    remaining = dict(Obligation.objects.values_list("pk", "remaining"))
    assert remaining == {ab.pk: 50_00, bc.pk: 20_00, ca.pk: 0}
    assert Obligation.objects.get(pk=ca.pk).status == "settled"
    assert Obligation.objects.get(pk=ab.pk).status == "partly"
    by_org = {s.organization: s for s in selectors.statements(run=run)}
    for statement in by_org.values():
        assert statement.net == statement.net_after
    assert by_org[a].cash_saved == 50_00 and by_org[a].payable_after == 50_00
    assert ObligationEntry.objects.aggregate(total=Sum("amount"))["total"] == 150_00


def test_a_run_commits_once_and_not_after_its_obligations_changed(system, network, ring):
    a, b, c = ring["a"], ring["b"], ring["c"]
    owe(a, b, 100), owe(b, c, 100), owe(c, a, 100)
    run = propose(system, network)
    services.clearing_run_commit(actor=system, run=run)
    with pytest.raises(DomainError, match="already committed"):
        services.clearing_run_commit(actor=system, run=run)
    owe(a, b, 10), owe(b, a, 10)
    stale = propose(system, network)
    services.clearing_run_commit(actor=system, run=propose(system, network))
    with pytest.raises(DomainError, match="changed"):
        services.clearing_run_commit(actor=system, run=stale)
    assert ClearingRun.objects.get(pk=stale.pk).status == "proposed"


def test_unconfirmed_disputed_outside_and_other_currency_obligations_stay_out(
    system, network, ring
):
    a, b, c = ring["a"], ring["b"], ring["c"]
    owe(a, b, 100), owe(b, c, 100)
    unconfirmed = owe(c, a, 100, confirmed=False)
    with pytest.raises(DomainError, match="No confirmed"):
        propose(system, network, currency="EUR")
    assert propose(system, network).setoff_total == 0
    services.obligation_confirm(actor=system, obligation=unconfirmed)
    assert propose(system, network).setoff_total == 300
    services.obligation_dispute(actor=system, obligation=unconfirmed, reason="never delivered")
    owe(c, ring["outside"], 100), owe(ring["outside"], a, 100)
    assert propose(system, network).setoff_total == 0


def test_a_committed_run_is_reversed_by_correcting_entries(system, network, ring):
    a, b, c = ring["a"], ring["b"], ring["c"]
    owe(a, b, 100), owe(b, c, 100), owe(c, a, 100)
    run = services.clearing_run_commit(actor=system, run=propose(system, network))
    services.clearing_run_reverse(actor=system, run=run)
    assert set(Obligation.objects.values_list("remaining", "status")) == {(100, "open")}
    kinds = list(ObligationEntry.objects.values_list("kind", "amount"))
    assert kinds.count(("setoff", 100)) == 3 and kinds.count(("correction", -100)) == 3
    with pytest.raises(DomainError):
        services.clearing_run_reverse(actor=system, run=run)


def test_a_proposed_run_is_discarded_and_then_never_committed(system, network, ring):
    a, b = ring["a"], ring["b"]
    owe(a, b, 100), owe(b, a, 40)
    run = propose(system, network)
    services.clearing_run_discard(actor=system, run=run)
    assert ClearingRun.objects.get(pk=run.pk).status == "discarded"
    with pytest.raises(DomainError, match="Only a proposed run is committed"):
        services.clearing_run_commit(actor=system, run=run.pk)
    with pytest.raises(DomainError, match="Only a proposed run is discarded"):
        services.clearing_run_discard(actor=system, run=run.pk)
    assert set(Obligation.objects.values_list("remaining", flat=True)) == {100, 40}


def test_runs_take_ids_so_that_a_background_task_can_run_them(system, network, ring):
    a, b = ring["a"], ring["b"]
    owe(a, b, 100), owe(b, a, 40)
    run = services.clearing_run_propose(actor=system, network=network.pk, currency="USD")
    done = services.clearing_run_commit(actor=system, run=run.pk)
    assert (done.status, done.setoff_total) == ("committed", 80)
    assert sorted(Obligation.objects.values_list("remaining", flat=True)) == [0, 60]


def test_bad_obligations_are_refused_and_imports_are_all_or_nothing(system, ring):
    a, b = ring["a"], ring["b"]
    with pytest.raises(InvalidValues) as refused:
        services.obligation_record(actor=system, debtor=a, creditor=a, recorded_for=a,
                                   values={"amount": 0, "currency": "dollars"})  # fmt: skip
    assert set(refused.value.errors) == {"amount", "currency", "creditor"}
    text = ("debtor,creditor,amount,currency,due_on,reference\n"
            f"{a.slug},{b.slug},12.50,USD,2027-01-31,INV-1\n"
            f"{b.slug},{a.slug},x,USD,,INV-2\n"
            f"nobody,{a.slug},1,USD,,\n"
            f"{b.slug},{ring['c'].slug},1,USD,,\n")  # fmt: skip
    with pytest.raises(ImportFailed) as failed:
        services.obligations_import(actor=system, organization=a, data=text.encode())
    assert [str(e) for e in failed.value.errors] == [
        "line 3, amount: 'x' is not an amount of money",
        "line 4, debtor: 'nobody' is not an organisation",
        f"line 5, debtor: neither side is {a.slug}",
    ]
    assert not Obligation.objects.exists()
    good = "\n".join(text.splitlines()[:2]) + f"\n{b.slug},{a.slug},3,USD,,INV-2\n"
    assert services.obligations_import(actor=system, organization=a, data=good.encode()) == 2
    mine, theirs = Obligation.objects.order_by("pk")
    assert (mine.amount, mine.confirmed_at is not None) == (1250, True)  # a owes: confirmed
    assert (theirs.amount, theirs.confirmed_at) == (300, None)  # b owes a: b confirms


def test_payments_stay_within_limits_and_the_ledger_sums_to_zero(system, credit, ring):
    a, b = ring["a"], ring["b"]
    services.credit_pay(actor=system, system=credit, payer=a, payee=b, amount=60)
    with pytest.raises(DomainError, match="Not enough credit"):
        services.credit_pay(actor=system, system=credit, payer=a, payee=b, amount=41)
    services.credit_pay(actor=system, system=credit, payer=a, payee=b, amount=40)
    balances = dict(CreditAccount.objects.values_list("organization_id", "balance"))
    assert balances == {a.pk: -100, b.pk: 100, ring["c"].pk: 0}
    assert CreditEntry.objects.aggregate(total=Sum("amount"))["total"] == 0
    last = CreditEntry.objects.filter(account__organization=b).last()
    assert last.balance_after == 100
    with pytest.raises(InvalidValues, match="what the account owes"):
        services.credit_limit_set(
            actor=system, account=CreditAccount.objects.get(organization=a), limit=50
        )


def test_a_retried_payment_pays_once(system, credit, ring):
    a, b = ring["a"], ring["b"]
    first = services.credit_pay(actor=system, system=credit, payer=a, payee=b, amount=30,
                                idempotency_key="k-1")  # fmt: skip
    again = services.credit_pay(actor=system, system=credit, payer=a, payee=b, amount=30,
                                idempotency_key="k-1")  # fmt: skip
    assert first.pk == again.pk and CreditTransfer.objects.count() == 1
    with pytest.raises(DomainError, match="another payment"):
        services.credit_pay(actor=system, system=credit, payer=a, payee=b, amount=31,
                            idempotency_key="k-1")  # fmt: skip
    with pytest.raises(DomainError, match="another payment"):
        services.credit_pay(actor=system, system=credit, payer=a, payee=ring["c"], amount=30,
                            idempotency_key="k-1")  # fmt: skip


def test_mutual_credit_settles_what_the_setoff_leaves(system, network, ring, credit):
    a, b, c = ring["a"], ring["b"], ring["c"]
    owe(a, b, 100), owe(b, c, 70), owe(c, a, 50)  # sets off 50 each; leaves a→b 50, b→c 20
    run = propose(system, network, use_credit=True)
    assert (run.setoff_total, run.credit_total) == (150, 70)
    services.clearing_run_commit(actor=system, run=run)
    assert set(Obligation.objects.values_list("remaining", flat=True)) == {0}
    balances = dict(CreditAccount.objects.values_list("organization_id", "balance"))
    assert balances == {a.pk: -50, b.pk: 30, c.pk: 20}
    for statement in selectors.statements(run=run):
        assert statement.net == statement.net_after
    services.clearing_run_reverse(actor=system, run=run)
    assert set(CreditAccount.objects.values_list("balance", flat=True)) == {0}
    assert CreditEntry.objects.aggregate(total=Sum("amount"))["total"] == 0
    for account in CreditAccount.objects.all():
        assert account.balance == sum(account.entries.values_list("amount", flat=True))


def test_a_credit_payment_that_relies_on_credit_received_later_in_the_run_commits(
    system, network, ring, credit
):
    a, b, c = ring["a"], ring["b"], ring["c"]
    services.credit_limit_set(
        actor=system, account=CreditAccount.objects.get(organization=a), limit=0
    )
    first = owe(a, b, 100)  # a has no credit until c pays it, further down the list
    owe(c, a, 100)
    run = propose(system, network, use_credit=True)
    assert run.credit_total == 200
    services.clearing_run_commit(actor=system, run=run)
    assert Obligation.objects.get(pk=first.pk).remaining == 0
    balances = dict(CreditAccount.objects.values_list("organization_id", "balance"))
    assert balances == {a.pk: 0, b.pk: 100, c.pk: -100}


def test_a_run_is_refused_when_balances_changed_since_it_was_proposed(
    system, network, ring, credit
):
    a, b = ring["a"], ring["b"]
    owe(a, b, 100)
    run = propose(system, network, use_credit=True)
    assert run.credit_total == 100
    services.credit_pay(actor=system, system=credit, payer=a, payee=ring["c"], amount=50)
    with pytest.raises(DomainError, match="Balances changed"):
        services.clearing_run_commit(actor=system, run=run)
    assert not ObligationEntry.objects.exists()
    assert CreditTransfer.objects.count() == 1


def test_every_member_has_an_account_and_a_later_one_gets_its_own_on_first_payment(
    system, network, ring, credit
):
    assert set(CreditAccount.objects.values_list("organization_id", flat=True)) == {
        ring[k].pk for k in ("a", "b", "c")
    }
    with pytest.raises(DomainError, match="members hold accounts"):
        services.credit_pay(actor=system, system=credit, payer=ring["a"], payee=ring["outside"],
                            amount=10)  # fmt: skip
    join(network, ring["outside"])
    services.credit_pay(actor=system, system=credit, payer=ring["a"], payee=ring["outside"],
                        amount=10)  # fmt: skip
    assert CreditAccount.objects.get(organization=ring["outside"]).balance == 10


def test_an_account_is_opened_once_for_a_member_only(system, network, ring, credit):
    with pytest.raises(DomainError, match="members hold accounts"):
        services.credit_account_open(actor=system, system=credit, organization=ring["outside"])
    join(network, ring["outside"])
    first = services.credit_account_open(actor=system, system=credit, organization=ring["outside"])
    again = services.credit_account_open(actor=system, system=credit, organization=ring["outside"])
    assert first.pk == again.pk and (first.balance, first.limit) == (0, 100)
