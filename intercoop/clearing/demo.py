"""Demo clearing: a quarter of invoices among the valley network's co-ops, its mutual
credit, one committed run (set-off, then mutual credit) and invoices since, some
awaiting their debtor's confirmation (among them the manager's bakery's)."""

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from intercoop.clearing import services
from intercoop.clearing.models import Obligation
from intercoop.core.audit import system_actor
from intercoop.directory.models import Network, Organization, OrganizationRole
from intercoop.directory.selectors import network_members

SEED = 1991  # the year Slovenia started clearing trade credit nationally
GOODS = ["bread", "vegetables", "repairs", "bike servicing", "cleaning", "printing",
         "catering", "bookkeeping", "deliveries", "training", "rent", "energy advice"]  # fmt: skip


@transaction.atomic
def clearing_build() -> int:
    """Returns how many invoices it recorded."""
    rng = random.Random(SEED)
    network = Network.objects.get(slug="valley-coop-network")
    actor = system_actor()
    members = list(network_members(network=network).order_by("pk"))
    bakery = (OrganizationRole.objects.filter(user__username="manager").select_related(
        "organization").first())  # fmt: skip
    circle = members[:24]
    if bakery is not None and bakery.organization in members and bakery.organization not in circle:
        circle[0] = bakery.organization
    today = timezone.localdate()
    start = today - dt.timedelta(days=91)
    made = 0

    def invoice(
        debtor: Organization, creditor: Organization, day: dt.date, confirmed: bool = True
    ) -> Obligation:
        nonlocal made
        made += 1
        return services.obligation_record(
            actor=actor, debtor=debtor, creditor=creditor,
            recorded_for=debtor if confirmed else creditor,
            values={"amount": rng.randrange(150, 4_800) * 100, "currency": "USD",
                    "due_on": day + dt.timedelta(days=30),
                    "reference": f"INV-{day:%m%d}-{made:03d} {rng.choice(GOODS)}"},
        )  # fmt: skip

    for _ in range(70):  # trade along a ring of neighbours, and across it
        i = rng.randrange(len(circle))
        j = (i + rng.choice([1, 1, 2, 3, rng.randrange(1, len(circle))])) % len(circle)
        invoice(circle[i], circle[j], start + dt.timedelta(days=rng.randrange(80)))
    disputed = invoice(circle[3], circle[4], start + dt.timedelta(days=40))
    services.obligation_dispute(actor=actor, obligation=disputed, reason="Delivered half of it")

    system = services.credit_system_create(
        actor=actor, network=network,
        values={"code": "VCR", "name": "Valley Credit", "currency": "USD",
                "default_limit": 1_000_00},
    )  # fmt: skip
    for n in range(8):
        payer, payee = rng.sample(circle, 2)
        services.credit_pay(actor=actor, system=system, payer=payer, payee=payee,
                            amount=rng.randrange(50, 600) * 100, memo=f"{rng.choice(GOODS)}",
                            idempotency_key=f"demo-{n}")  # fmt: skip
    run = services.clearing_run_propose(
        actor=actor, network=network, currency="USD", use_credit=True
    )
    services.clearing_run_commit(actor=actor, run=run)

    for _ in range(12):  # since the run: some confirmed, some awaiting their debtor
        i, j = rng.sample(range(len(circle)), 2)
        invoice(circle[i], circle[j], today - dt.timedelta(days=rng.randrange(7)),
                confirmed=rng.random() < 0.5)  # fmt: skip
    if bakery is not None:
        invoice(bakery.organization, circle[5], today, confirmed=False)
    # the produce deliveries invoiced each buyer; most have confirmed
    for obligation in Obligation.objects.filter(source=Obligation.Source.PURCHASING)[::2]:
        services.obligation_confirm(actor=actor, obligation=obligation)
    return made
