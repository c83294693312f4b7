"""Three co-ops of one network that owe each other in a ring, and a fourth outside it."""

import pytest

from intercoop.clearing import services
from intercoop.conftest import make_org
from intercoop.core.audit import system_actor
from intercoop.directory import services as directory_services


def join(network, organization):
    """Make `organization` a member of `network` (it applies, and is admitted)."""
    directory_services.network_member_join(
        actor=system_actor(), network=network, organization=organization
    )


def owe(debtor, creditor, amount, *, confirmed=True, currency="USD", actor=None):
    """An invoice, recorded for the debtor (confirmed) or for the creditor (not yet)."""
    return services.obligation_record(
        actor=actor or system_actor(), debtor=debtor, creditor=creditor,
        recorded_for=debtor if confirmed else creditor,
        values={"amount": amount, "currency": currency, "reference": f"{debtor}-{creditor}"},
    )  # fmt: skip


@pytest.fixture
def system(db):
    return system_actor()


@pytest.fixture
def ring(network):
    made = {}
    for key, name in (("a", "Alpha Co-op"), ("b", "Beta Co-op"), ("c", "Gamma Co-op")):
        made[key] = make_org(name=name)
        join(network, made[key])
    made["outside"] = make_org(name="Outside Ltd")
    return made


@pytest.fixture
def credit(network, ring, system):
    return services.credit_system_create(
        actor=system, network=network,
        values={"code": "VAL", "name": "Valley credit", "currency": "USD", "default_limit": 100},
    )  # fmt: skip
