"""Clearing's actions that move money ask first, naming what will happen, and say what
happened after; a proposed run is discarded (kept on record), never deleted."""

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied

from intercoop.clearing import services
from intercoop.clearing.models import ClearingRun
from intercoop.clearing.tests.conftest import owe
from intercoop.conftest import client_for
from intercoop.core.models import AuditEvent


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def proposed(network, ring, system):
    owe(ring["a"], ring["b"], 10_000)
    owe(ring["b"], ring["c"], 10_000)
    owe(ring["c"], ring["a"], 10_000)
    return services.clearing_run_propose(actor=system, network=network, currency="USD")


def test_committing_names_how_many_invoices_are_set_off(people, proposed):
    coordinator = client_for(people["coordinator"])
    page = coordinator.get(f"/clearing/runs/{proposed.pk}/").content.decode()
    assert (
        'data-confirm="Commit the clearing run? 3 invoices will be set off, in every ledger."'
        in (page)
    )
    assert 'data-confirm="Discard this run? It stays on record but will never be committed."' in (
        page
    )
    response = coordinator.post(f"/clearing/runs/{proposed.pk}/commit/")
    assert _messages(response) == ["Committed: the set-offs are in every ledger."]
    page = coordinator.get(f"/clearing/runs/{proposed.pk}/").content.decode()
    assert "Reverse this run? Correcting entries restore every invoice it set off." in page


def test_a_proposed_run_is_discarded_not_deleted(people, proposed):
    response = client_for(people["coordinator"]).post(f"/clearing/runs/{proposed.pk}/discard/")
    assert _messages(response) == ["Discarded: the run stays on record and is never committed."]
    assert ClearingRun.objects.get().status == "discarded"
    assert AuditEvent.objects.filter(action="run.discard").count() == 1


def test_others_do_not_discard_and_nothing_changes(people, proposed):
    for who in ("admin", "member", "other_coordinator"):
        with pytest.raises(PermissionDenied):
            services.clearing_run_discard(actor=people[who], run=proposed)
    assert ClearingRun.objects.get().status == "proposed"


def test_confirming_and_disputing_an_invoice_ask_and_say(people, org, ring):
    invoice = owe(org, ring["b"], 12_000, confirmed=False)
    owed = owe(org, ring["c"], 5_000, confirmed=False)
    admin = client_for(people["admin"])
    page = admin.get(f"/obligations/{invoice.pk}/").content.decode()
    assert "Confirm that you owe Beta Co-op 120.00 USD? It can then be set off" in page
    assert 'data-confirm="Dispute this invoice? It leaves clearing until it is replaced."' in page
    response = admin.post(f"/obligations/{invoice.pk}/confirm/")
    assert _messages(response) == ["Confirmed: it can now be cleared."]
    admin.get("/")
    response = admin.post(f"/obligations/{owed.pk}/dispute/", {"reason": "Never delivered"})
    assert _messages(response) == ["Disputed: it is left out of clearing until it is replaced."]
