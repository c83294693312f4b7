"""What clearing tells other apps (settlement listeners), what a creditor records itself
(paid outside clearing, cancelled), and runs that settled loan instalments, which are
never reversed. Clearing alone: no other app's model is used."""

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from intercoop.clearing import hooks, services
from intercoop.clearing.models import ClearingRun, Obligation, ObligationEntry
from intercoop.clearing.tests.conftest import owe
from intercoop.conftest import make_user
from intercoop.core.errors import DomainError, InvalidValues
from intercoop.core.models import AuditEvent
from intercoop.directory import services as directory_services
from intercoop.directory.models import OrganizationRole


def commit(system, network, **options):
    run = services.clearing_run_propose(actor=system, network=network, currency="USD", **options)
    return services.clearing_run_commit(actor=system, run=run)


@pytest.fixture
def heard(monkeypatch):
    """Every settlement the listeners hear of, instead of the registered ones."""
    calls: list[tuple[int, int, object, object]] = []
    monkeypatch.setattr(
        hooks,
        "SETTLEMENT_LISTENERS",
        [lambda o, amount, on, actor: calls.append((o.pk, amount, on, actor))],
    )
    return calls


def test_listeners_hear_each_entry_of_a_committed_run(system, network, ring, credit, heard):
    a, b, c = ring["a"], ring["b"], ring["c"]
    ab, bc, ca = owe(a, b, 100), owe(b, c, 70), owe(c, a, 50)
    commit(system, network, use_credit=True)
    today = timezone.localdate()
    assert sorted(heard, key=lambda h: (h[0], h[1])) == [
        (ab.pk, 50, today, system), (ab.pk, 50, today, system),  # set off, then in credit
        (bc.pk, 20, today, system), (bc.pk, 50, today, system),
        (ca.pk, 50, today, system),
    ]  # fmt: skip


def test_a_listener_that_refuses_undoes_the_commit(system, network, ring, monkeypatch):
    def refuse(*args):
        raise DomainError("no")

    monkeypatch.setattr(hooks, "SETTLEMENT_LISTENERS", [refuse])
    a, b, c = ring["a"], ring["b"], ring["c"]
    owe(a, b, 100), owe(b, c, 100), owe(c, a, 100)
    run = services.clearing_run_propose(actor=system, network=network, currency="USD")
    with pytest.raises(DomainError):
        services.clearing_run_commit(actor=system, run=run)
    assert ClearingRun.objects.get(pk=run.pk).status == ClearingRun.Status.PROPOSED
    assert not ObligationEntry.objects.exists()
    assert set(Obligation.objects.values_list("remaining", flat=True)) == {100}


def test_the_creditor_says_what_was_paid_outside_clearing(system, network, ring, heard):
    a, b = ring["a"], ring["b"]
    obligation = owe(a, b, 100_00)
    creditor_admin, debtor_admin = make_user("b_admin"), make_user("a_admin")
    for organization, user in ((b, creditor_admin), (a, debtor_admin)):
        directory_services.organization_role_assign(
            actor=system, organization=organization, user=user, role=OrganizationRole.Role.ADMIN
        )
    with pytest.raises(PermissionDenied):
        services.obligation_discharge(actor=debtor_admin, obligation=obligation, amount=10_00,
                                      kind="paid")  # fmt: skip
    for amount, kind, field in ((0, "paid", "amount"), (100_01, "paid", "amount"),
                                (10_00, "setoff", "kind")):  # fmt: skip
        with pytest.raises(InvalidValues) as refused:
            services.obligation_discharge(actor=creditor_admin, obligation=obligation,
                                          amount=amount, kind=kind)  # fmt: skip
        assert refused.value.field == field
    assert not obligation.entries.exists()
    services.obligation_discharge(actor=creditor_admin, obligation=obligation, amount=30_00,
                                  kind="paid")  # fmt: skip
    assert (obligation.remaining, obligation.status) == (70_00, Obligation.Status.PARTLY)
    services.obligation_discharge(actor=creditor_admin, obligation=obligation, amount=70_00,
                                  kind="cancelled")  # fmt: skip
    obligation.refresh_from_db()
    assert (obligation.remaining, obligation.status) == (0, Obligation.Status.SETTLED)
    entries = list(obligation.entries.values_list("kind", "amount", "remaining_after", "run"))
    assert entries == [("paid", 30_00, 70_00, None), ("cancelled", 70_00, 0, None)]
    actions = AuditEvent.objects.filter(action__startswith="obligation.").values_list(
        "action", flat=True
    )
    assert sorted(actions) == ["obligation.cancel", "obligation.paid", "obligation.record"]
    assert heard == []  # not a settlement by clearing


def test_a_disputed_obligation_is_not_discharged(system, ring):
    obligation = owe(ring["a"], ring["b"], 100)
    services.obligation_dispute(actor=system, obligation=obligation, reason="never delivered")
    with pytest.raises(DomainError, match="disputed"):
        services.obligation_discharge(actor=system, obligation=obligation, amount=10, kind="paid")
    assert not obligation.entries.exists()


def test_a_run_that_settled_loan_instalments_is_not_reversed(system, network, ring):
    a, b, c = ring["a"], ring["b"], ring["c"]
    instalment = services.obligation_record(
        actor=system, debtor=a, creditor=b, recorded_for=a, source=Obligation.Source.CAPITAL,
        values={"amount": 100, "currency": "USD", "reference": "Loan #1 instalment 1"},
    )  # fmt: skip
    owe(b, c, 100), owe(c, a, 100)
    run = commit(system, network)
    with pytest.raises(DomainError, match="loan instalments"):
        services.clearing_run_reverse(actor=system, run=run)
    assert ClearingRun.objects.get(pk=run.pk).status == ClearingRun.Status.COMMITTED
    assert not ObligationEntry.objects.filter(kind=ObligationEntry.Kind.CORRECTION).exists()
    assert Obligation.objects.get(pk=instalment.pk).remaining == 0
