"""Who may make each write of clearing, asked of the services themselves (the pages and
the API repeat no rule). A refusal is PermissionDenied and leaves nothing behind; an
allowed write records exactly one audit event naming its actor, action and object.

`org` (admin: people["admin"], member: people["member"]) is a member of `network`
(coordinator: people["coordinator"]) with the ring's Beta Co-op; other_coordinator runs
another network; staff may do everything."""

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from intercoop.clearing import services
from intercoop.clearing.models import (
    ClearingRun,
    CreditAccount,
    CreditEntry,
    CreditSystem,
    CreditTransfer,
    Obligation,
    ObligationEntry,
    RunLine,
)
from intercoop.clearing.tests.conftest import owe
from intercoop.core.models import AuditEvent, AuditSubject

PEOPLE = ["anonymous", "outsider", "member", "admin", "coordinator", "other_coordinator", "staff"]
MODELS = [Obligation, ObligationEntry, ClearingRun, RunLine, CreditSystem, CreditAccount,
          CreditTransfer, CreditEntry, AuditEvent, AuditSubject]  # fmt: skip


def counts() -> dict[str, int]:
    return {model.__name__: model._default_manager.count() for model in MODELS}


def _cycle(org, ring):
    b = ring["b"]
    return owe(org, b, 500), owe(b, org, 300)


# each write: (set-up returning the call to make with an actor, the action it records,
# who may make it)
Write = Callable[[Any, Any, Any, Any], Callable[[Any], Any]]


def record(system, network, org, ring):
    return lambda actor: services.obligation_record(
        actor=actor, debtor=org, creditor=ring["b"], recorded_for=org,
        values={"amount": 12_000, "currency": "USD", "reference": "INV-1"},
    )  # fmt: skip


def record_for_no_side(system, network, org, ring):
    return lambda actor: services.obligation_record(
        actor=actor, debtor=org, creditor=ring["b"], recorded_for=None,
        values={"amount": 12_000, "currency": "USD"},
    )  # fmt: skip


def import_file(system, network, org, ring):
    data = f"debtor,creditor,amount,currency\n{org.slug},{ring['b'].slug},12.00,USD\n".encode()
    return lambda actor: services.obligations_import(actor=actor, organization=org, data=data)


def confirm(system, network, org, ring):
    invoice = owe(org, ring["b"], 900, confirmed=False)
    return lambda actor: services.obligation_confirm(actor=actor, obligation=invoice)


def dispute(system, network, org, ring):
    invoice = owe(ring["b"], org, 900, confirmed=False)
    return lambda actor: services.obligation_dispute(actor=actor, obligation=invoice,
                                                     reason="never delivered")  # fmt: skip


def discharge(system, network, org, ring):
    invoice = owe(ring["b"], org, 900)  # org is the creditor
    return lambda actor: services.obligation_discharge(actor=actor, obligation=invoice,
                                                       amount=400, kind="paid")  # fmt: skip


def propose(system, network, org, ring):
    _cycle(org, ring)
    return lambda actor: services.clearing_run_propose(actor=actor, network=network, currency="USD")


def request(system, network, org, ring):
    _cycle(org, ring)
    return lambda actor: services.clearing_run_request(actor=actor, network=network,
                                                       currency="USD")  # fmt: skip


def _proposed(system, network, org, ring):
    _cycle(org, ring)
    return services.clearing_run_propose(actor=system, network=network, currency="USD")


def commit(system, network, org, ring):
    run = _proposed(system, network, org, ring)
    return lambda actor: services.clearing_run_commit(actor=actor, run=run)


def discard(system, network, org, ring):
    run = _proposed(system, network, org, ring)
    return lambda actor: services.clearing_run_discard(actor=actor, run=run)


def reverse(system, network, org, ring):
    run = services.clearing_run_commit(actor=system, run=_proposed(system, network, org, ring))
    return lambda actor: services.clearing_run_reverse(actor=actor, run=run)


def start_credit(system, network, org, ring):
    values = {"code": "VAL", "name": "Valley credit", "currency": "USD", "default_limit": 100}
    return lambda actor: services.credit_system_create(actor=actor, network=network,
                                                       values=values)  # fmt: skip


def _credit(system, network):
    return services.credit_system_create(
        actor=system, network=network, values={"code": "VAL", "currency": "USD",
                                               "default_limit": 1_000}
    )  # fmt: skip


def open_account(system, network, org, ring):
    credit = _credit(system, network)
    CreditAccount.objects.filter(organization=org).delete()  # as if it had joined later
    return lambda actor: services.credit_account_open(actor=actor, system=credit,
                                                      organization=org)  # fmt: skip


def set_limit(system, network, org, ring):
    _credit(system, network)
    account = CreditAccount.objects.get(organization=org)
    return lambda actor: services.credit_limit_set(actor=actor, account=account, limit=5_000)


def pay(system, network, org, ring):
    credit = _credit(system, network)
    return lambda actor: services.credit_pay(actor=actor, system=credit, payer=org,
                                             payee=ring["b"], amount=700,
                                             idempotency_key="order-1")  # fmt: skip


WRITES: dict[str, tuple[Write, str, set[str]]] = {
    "obligation_record": (record, "obligation.record", {"admin", "staff"}),
    "obligation_record for no side": (record_for_no_side, "obligation.record", {"staff"}),
    "obligations_import": (import_file, "obligation.import", {"admin", "staff"}),
    "obligation_confirm": (confirm, "obligation.confirm", {"admin", "staff"}),
    "obligation_dispute": (dispute, "obligation.dispute", {"admin", "staff"}),
    "obligation_discharge": (discharge, "obligation.paid", {"admin", "staff"}),
    "clearing_run_propose": (propose, "run.propose", {"coordinator", "staff"}),
    "clearing_run_request": (request, "task.submit", {"coordinator", "staff"}),
    "clearing_run_commit": (commit, "run.commit", {"coordinator", "staff"}),
    "clearing_run_discard": (discard, "run.discard", {"coordinator", "staff"}),
    "clearing_run_reverse": (reverse, "run.reverse", {"coordinator", "staff"}),
    "credit_system_create": (start_credit, "credit.start", {"coordinator", "staff"}),
    "credit_account_open": (open_account, "account.open", {"admin", "coordinator", "staff"}),
    "credit_limit_set": (set_limit, "limit.set", {"coordinator", "staff"}),
    "credit_pay": (pay, "credit.pay", {"admin", "staff"}),
}


@pytest.mark.parametrize("who", PEOPLE)
@pytest.mark.parametrize("write", list(WRITES))
def test_who_may_make_each_write(write, who, system, people, network, org, ring):
    setup, action, allowed = WRITES[write]
    call = setup(system, network, org, ring)
    actor = people[who] or AnonymousUser()
    before, events = counts(), set(AuditEvent.objects.values_list("pk", flat=True))
    if who not in allowed:
        with pytest.raises(PermissionDenied):
            call(actor)
        assert counts() == before
        return
    made = call(actor)
    new = AuditEvent.objects.exclude(pk__in=events)
    assert [(e.action, e.actor_name, e.actor_id) for e in new] == [
        (action, actor.username, actor.pk)
    ]
    event = new.get()
    target = made if not isinstance(made, int) else org  # an import names the organisation
    assert (event.object_type, event.object_id) == (target._meta.label_lower, str(target.pk))
    if write.startswith(("clearing_run", "credit")):
        assert event.network_id == network.pk
    if write != "clearing_run_request":  # queued for a worker: no organisation yet
        assert org.pk in set(event.subjects.values_list("organization_id", flat=True))


def test_the_matrix_covers_every_write_service():
    public = {name for name in vars(services) if not name.startswith("_")
              and callable(getattr(services, name))
              and getattr(getattr(services, name), "__module__", "") == services.__name__}  # fmt: skip
    covered = {name.split(" ")[0] for name in WRITES}
    jobs = {"clearing_run_propose_job"}  # a worker's call of clearing_run_propose
    assert public - jobs == covered
