"""Every clearing write records one audit event — who, what, on which object, a short
summary, and the organisations and network it concerns — and a write that changes
nothing (a retried payment, a second confirmation) records none."""

from intercoop.clearing import services
from intercoop.clearing.tests.conftest import owe
from intercoop.core.models import AuditEvent


def events():
    return [
        (e.action, e.actor_name, e.summary, e.network_id,
         sorted(e.subjects.values_list("organization_id", flat=True)))
        for e in AuditEvent.objects.filter(action__regex=r"^(obligation|run|credit|limit|account)\.")
        .order_by("pk")
    ]  # fmt: skip


def test_the_history_of_an_invoice_and_its_clearing(people, network, org, ring):
    admin, coordinator = people["admin"], people["coordinator"]
    b = ring["b"]
    invoice = services.obligation_record(
        actor=admin, debtor=b, creditor=org, recorded_for=org,
        values={"amount": 120_000, "currency": "USD", "reference": "INV-1"},
    )  # fmt: skip
    services.obligation_confirm(actor=people["staff"], obligation=invoice)
    services.obligation_confirm(actor=people["staff"], obligation=invoice)  # no change
    owe(org, b, 50_000, actor=admin)
    run = services.clearing_run_propose(actor=coordinator, network=network, currency="USD")
    services.clearing_run_commit(actor=coordinator, run=run)
    parties = sorted([org.pk, b.pk])
    assert events() == [
        ("obligation.record", "admin", "Beta Co-op owes Riverside Bakery Co-op 1,200.00 USD",
         None, parties),
        ("obligation.confirm", "staff", "Beta Co-op confirmed it owes 1,200.00 USD", None,
         parties),
        ("obligation.record", "admin", "Riverside Bakery Co-op owes Beta Co-op 500.00 USD", None,
         parties),
        ("run.propose", "coordinator",
         "1,000.00 USD set off and 0.00 USD in mutual credit of 1,700.00 USD", network.pk,
         parties),
        ("run.commit", "coordinator", "1,000.00 USD cleared of 1,700.00 USD", network.pk,
         parties),
    ]  # fmt: skip
    event = AuditEvent.objects.get(action="run.commit")
    assert (event.object_type, event.object_id) == ("clearing.clearingrun", str(run.pk))


def test_an_import_is_one_event_and_a_retried_payment_none(people, network, org, ring, credit):
    admin = people["admin"]
    text = (f"debtor,creditor,amount,currency\n{org.slug},{ring['b'].slug},1,USD\n"
            f"{ring['c'].slug},{org.slug},2,USD\n")  # fmt: skip
    assert services.obligations_import(actor=admin, organization=org, data=text.encode()) == 2
    for _retry in range(3):
        services.credit_pay(actor=admin, system=credit, payer=org, payee=ring["b"], amount=30,
                            idempotency_key="order-9")  # fmt: skip
    account = credit.accounts.get(organization=org)
    services.credit_limit_set(actor=people["coordinator"], account=account, limit=2_500)
    members = sorted([org.pk, ring["a"].pk, ring["b"].pk, ring["c"].pk])
    assert events() == [
        ("credit.start", "intercoop-system",
         "Valley credit (VAL) started, worth USD, default limit 1.00 USD", network.pk, members),
        ("obligation.import", "admin", "2 invoices imported", None,
         sorted([org.pk, ring["b"].pk, ring["c"].pk])),
        ("credit.pay", "admin", "0.30 USD from Riverside Bakery Co-op to Beta Co-op",
         network.pk, sorted([org.pk, ring["b"].pk])),
        ("limit.set", "coordinator", "limit of Riverside Bakery Co-op from 1.00 USD to 25.00 USD",
         network.pk, [org.pk]),
    ]  # fmt: skip
