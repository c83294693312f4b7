"""A network's coordinators clear only the invoices of its members of today: not those of
organisations that belong to another network, have only applied, or have left since the
run was proposed."""

import pytest
from django.core.exceptions import PermissionDenied

from intercoop.clearing import services
from intercoop.clearing.models import ClearingRun, CreditAccount, Obligation, ObligationEntry
from intercoop.clearing.tests.conftest import join, owe
from intercoop.clearing.tests.test_permission_matrix import counts
from intercoop.conftest import make_org
from intercoop.core.audit import system_actor
from intercoop.directory import services as directory_services
from intercoop.directory.models import Network


@pytest.fixture
def elsewhere(people):
    """The other coordinator's network, with one member of its own."""
    network = Network.objects.get(slug="elsewhere")
    own = make_org(name="Elsewhere Co-op")
    join(network, own)
    return network


def test_another_networks_coordinator_cannot_clear_invoices_of_non_members(
    people, network, org, ring, elsewhere
):
    """org and Beta are members of `network` only: their cycle of invoices is not in a run
    of `elsewhere`, not even once org has applied to it."""
    owe(org, ring["b"], 500), owe(ring["b"], org, 500)
    other = people["other_coordinator"]
    with pytest.raises(PermissionDenied):
        services.clearing_run_propose(actor=other, network=network, currency="USD")
    with pytest.raises(PermissionDenied):
        services.clearing_run_propose(actor=other, network=network.pk, currency="USD")
    for _step in ("as it is", "once org applied"):
        with pytest.raises(Exception, match="No confirmed open obligations"):
            services.clearing_run_propose(actor=other, network=elsewhere, currency="USD")
        directory_services.network_member_apply(
            actor=system_actor(), network=elsewhere, organization=org
        )
    mine = services.clearing_run_propose(
        actor=people["coordinator"], network=network, currency="USD"
    )
    with pytest.raises(PermissionDenied):
        services.clearing_run_commit(actor=other, run=mine)
    with pytest.raises(PermissionDenied):
        services.clearing_run_discard(actor=other, run=mine.pk)
    assert set(Obligation.objects.values_list("remaining", flat=True)) == {500}


def test_a_run_takes_only_obligations_between_two_members(people, network, org, ring, elsewhere):
    """org is a member of both networks; Beta of `network` only: a run of `elsewhere`
    leaves their invoices alone, and a run of `network` those with an outsider."""
    join(elsewhere, org)
    owe(org, ring["b"], 500), owe(ring["b"], org, 500)
    owe(org, ring["outside"], 70), owe(ring["outside"], org, 70)
    with pytest.raises(Exception, match="No confirmed open obligations"):
        services.clearing_run_propose(
            actor=people["other_coordinator"], network=elsewhere, currency="USD"
        )
    run = services.clearing_run_propose(
        actor=people["coordinator"], network=network, currency="USD"
    )
    assert (run.total_debt, run.setoff_total, run.lines.count()) == (1000, 1000, 2)


def test_a_run_whose_party_left_since_it_was_proposed_is_refused(people, network, org, ring):
    owe(org, ring["b"], 500), owe(ring["b"], org, 500)
    coordinator = people["coordinator"]
    run = services.clearing_run_propose(actor=coordinator, network=network, currency="USD")
    directory_services.network_member_leave(
        actor=system_actor(), network=network, organization=ring["b"]
    )
    before = counts()
    with pytest.raises(Exception, match="No longer members of the network: Beta Co-op"):
        services.clearing_run_commit(actor=coordinator, run=run)
    with pytest.raises(Exception, match="No longer members of the network: Beta Co-op"):
        services.clearing_run_commit(actor=people["staff"], run=run)
    assert counts() == before
    assert ClearingRun.objects.get(pk=run.pk).status == "proposed"
    assert not ObligationEntry.objects.exists()


def test_coordinators_reverse_only_while_every_party_is_a_member(people, network, org, ring):
    owe(org, ring["b"], 500), owe(ring["b"], org, 500)
    coordinator = people["coordinator"]
    run = services.clearing_run_commit(
        actor=coordinator,
        run=services.clearing_run_propose(actor=coordinator, network=network, currency="USD"),
    )
    directory_services.network_member_leave(
        actor=system_actor(), network=network, organization=ring["b"]
    )
    with pytest.raises(PermissionDenied):
        services.clearing_run_reverse(actor=coordinator, run=run)
    assert ClearingRun.objects.get(pk=run.pk).status == "committed"
    services.clearing_run_reverse(actor=people["staff"], run=run)
    assert set(Obligation.objects.values_list("remaining", flat=True)) == {500}


def test_coordinators_set_limits_of_members_of_today_only(people, network, org, ring, credit):
    account = CreditAccount.objects.get(organization=ring["b"])
    directory_services.network_member_leave(
        actor=system_actor(), network=network, organization=ring["b"]
    )
    with pytest.raises(PermissionDenied):
        services.credit_limit_set(actor=people["coordinator"], account=account, limit=5_000)
    with pytest.raises(PermissionDenied):
        services.credit_limit_set(
            actor=people["other_coordinator"],
            account=CreditAccount.objects.get(organization=org), limit=5_000,
        )  # fmt: skip
    account.refresh_from_db()
    assert account.limit == 100
    with pytest.raises(Exception, match="members hold accounts"):
        services.credit_pay(actor=people["staff"], system=credit, payer=org, payee=ring["b"],
                            amount=10)  # fmt: skip


def test_coordinators_do_not_speak_for_their_members(people, network, org, ring, credit):
    invoice = owe(org, ring["b"], 500, confirmed=False)
    coordinator = people["coordinator"]
    with pytest.raises(PermissionDenied):
        services.obligation_confirm(actor=coordinator, obligation=invoice)
    with pytest.raises(PermissionDenied):
        services.obligation_dispute(actor=coordinator, obligation=invoice, reason="no")
    with pytest.raises(PermissionDenied):
        services.credit_pay(actor=coordinator, system=credit, payer=org, payee=ring["b"],
                            amount=10)  # fmt: skip
    invoice.refresh_from_db()
    assert (invoice.confirmed_at, invoice.status) == (None, "open")
