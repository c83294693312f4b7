"""Each event of the dashboard notifies the people it needs, with its kind; the urgent
call for help (the bat signal) reaches the admins of every member organisation at once."""

import datetime as dt

import pytest
from django.utils import timezone

from intercoop.clearing import services as clearing
from intercoop.conftest import make_org, make_user
from intercoop.core.audit import system_actor
from intercoop.core.models import Delivery, Notification, Profile
from intercoop.core.money import format_money
from intercoop.directory import services as directory
from intercoop.directory.models import NetworkRole, OrganizationRole
from intercoop.exchange import services as exchange
from intercoop.network import services as network_services
from intercoop.purchasing import services as purchasing

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(network):
    system = system_actor()
    coordinator = make_user("coord", email="coord@example.org")
    directory.network_role_assign(
        actor=system, network=network, user=coordinator, role=NetworkRole.Role.COORDINATOR
    )
    people = {"coordinator": coordinator}
    orgs = {}
    for key in ("a", "b", "c"):
        orgs[key] = make_org(name=f"Co-op {key.upper()}", slug=f"coop-{key}")
        directory.network_member_join(actor=system, network=network, organization=orgs[key])
        for role in ("admin", "member"):
            user = make_user(f"{role}_{key}", email=f"{role}_{key}@example.org")
            directory.organization_role_assign(
                actor=system, organization=orgs[key], user=user, role=role
            )
            people[f"{role}_{key}"] = user
    Notification.objects.all().delete()
    return network, orgs, people


def _got(kind):
    return sorted(Notification.objects.filter(kind=kind).values_list("user__username", "subject"))


def test_invoice_recorded_notifies_the_other_side(world):
    _network, orgs, _people = world
    clearing.obligation_record(
        actor=system_actor(), debtor=orgs["a"], creditor=orgs["b"], recorded_for=orgs["b"],
        values={"amount": 12_50, "currency": "USD"},
    )  # fmt: skip
    amount = format_money(12_50, "USD")
    assert _got("invoices") == [("admin_a", f"Co-op B recorded an invoice of {amount} to confirm")]


def test_organisation_submitted_notifies_the_reviewers(world):
    network, _orgs, _people = world
    make_user("root", is_staff=True)
    directory.organization_create(
        actor=make_user("newbie"), values={"name": "Fresh Co-op", "country": "GB"},
        apply_to=network,
    )  # fmt: skip
    assert _got("reviews") == [
        ("coord", "Fresh Co-op is waiting for review"),
        ("root", "Fresh Co-op is waiting for review"),
    ]


def test_network_application_notifies_the_coordinators(world):
    network, _orgs, _people = world
    outsider = make_org(name="Outsider Co-op", slug="outsider")
    directory.network_member_apply(actor=system_actor(), network=network, organization=outsider)
    assert _got("applications") == [("coord", "Outsider Co-op applied to join Valley Network")]


def test_round_opened_and_bids_invited(world):
    network, _orgs, _people = world
    supplier = make_org(name="Hauler Co-op", slug="hauler")
    hauler = make_user("hauler")
    directory.organization_role_assign(
        actor=system_actor(), organization=supplier, user=hauler, role=OrganizationRole.Role.ADMIN
    )
    exchange.exchange_item_create(
        actor=system_actor(), organization=supplier,
        values={"kind": "offer", "category": "waste", "title": "Hauling"},
    )  # fmt: skip
    made = purchasing.round_create(
        actor=system_actor(), network=network,
        values={"title": "Bins", "kind": "service", "category": "waste", "currency": "USD",
                "volume_unit": "pickups"},
    )  # fmt: skip
    assert _got("rounds") == [
        (f"admin_{k}", "Valley Network opened a purchasing round: Bins") for k in "abc"
    ]
    purchasing.round_move(actor=system_actor(), round=made, to="closed")
    purchasing.round_move(actor=system_actor(), round=made, to="bidding")
    assert _got("bids") == [("hauler", "Bids invited: Bins (Valley Network)")]


def test_clearing_run_proposed_notifies_the_parties(world):
    network, orgs, _people = world
    for debtor, creditor in (("a", "b"), ("b", "a")):
        clearing.obligation_record(
            actor=system_actor(), debtor=orgs[debtor], creditor=orgs[creditor],
            recorded_for=orgs[debtor], values={"amount": 1000, "currency": "USD"},
        )  # fmt: skip
    Notification.objects.all().delete()
    clearing.clearing_run_propose(actor=system_actor(), network=network, currency="USD")
    subject = f"A clearing run of Valley Network is proposed: {format_money(20_00, 'USD')} set off"
    assert _got("clearing") == [("admin_a", subject), ("admin_b", subject)]


def test_assessment_notifies_the_members(world):
    network, _orgs, people = world
    network_services.assessment_create(
        actor=people["coordinator"], network=network, as_of=dt.date(2026, 1, 31), ratings={},
        outcomes={},
    )  # fmt: skip
    assert _got("assessments") == [
        (f"admin_{k}", "A new assessment of Valley Network, as of 2026-01-31") for k in "abc"
    ]


def test_introduction_notifies_with_its_kind(world):
    _network, orgs, _people = world
    exchange.introduction_request(
        actor=system_actor(), requester=orgs["a"], recipient=orgs["b"], message="Hi"
    )
    assert _got("introductions") == [("admin_b", "Co-op A would like to meet you")]


def test_the_bat_signal_reaches_every_member_at_once(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    network, orgs, people = world
    Profile.objects.create(user=people["admin_b"], delivery=Delivery.WEEKLY)
    Profile.objects.create(user=people["admin_c"], delivery=Delivery.OFF)
    with django_capture_on_commit_callbacks(execute=True):
        notice = exchange.notice_post(
            actor=system_actor(), network=network, organization=orgs["a"],
            values={"kind": "help", "title": "Flooded", "body": "Bring sandbags",
                    "urgent": True, "needed_by": timezone.localdate() + dt.timedelta(days=1)},
        )  # fmt: skip
    assert notice.urgent is True
    subject = "Urgent call for help from Co-op A: Flooded"
    assert _got("notices") == [(f"admin_{k}", subject) for k in "abc"]
    assert sorted(m.to[0] for m in mailoutbox) == ["admin_a@example.org", "admin_b@example.org"]
    assert {m.subject for m in mailoutbox} == {subject}


def test_only_a_call_for_help_is_urgent(world):
    from intercoop.core.errors import InvalidValues

    network, orgs, _people = world
    with pytest.raises(InvalidValues) as refused:
        exchange.notice_post(
            actor=system_actor(), network=network, organization=orgs["a"],
            values={"kind": "job", "title": "Baker", "body": "Nights", "urgent": True},
        )  # fmt: skip
    assert refused.value.errors == {"urgent": "only a call for help is urgent"}
    assert not Notification.objects.exists()


def test_the_bat_signal_goes_to_the_admins_only_and_never_to_closed_accounts(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    network, orgs, _people = world
    system = system_actor()
    editor = make_user("editor_b", email="editor_b@example.org")
    directory.organization_role_assign(
        actor=system, organization=orgs["b"], user=editor, role=OrganizationRole.Role.EDITOR
    )
    gone = make_user("gone_c", email="gone_c@example.org", is_active=False)
    directory.organization_role_assign(
        actor=system, organization=orgs["c"], user=gone, role=OrganizationRole.Role.ADMIN
    )
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        exchange.notice_post(
            actor=system, network=network, organization=orgs["a"],
            values={"kind": "help", "title": "Flooded", "body": "Bring sandbags",
                    "urgent": True, "needed_by": timezone.localdate() + dt.timedelta(days=1)},
        )  # fmt: skip
    subject = "Urgent call for help from Co-op A: Flooded"
    assert _got("notices") == [(f"admin_{k}", subject) for k in "abc"]
    assert sorted(m.to[0] for m in mailoutbox) == [f"admin_{k}@example.org" for k in "abc"]


def test_an_introduction_reaches_admins_and_editors_but_not_closed_accounts(world):
    _network, orgs, _people = world
    system = system_actor()
    editor = make_user("editor_b", email="editor_b@example.org")
    gone = make_user("gone_b", email="gone_b@example.org", is_active=False)
    for user, role in ((editor, OrganizationRole.Role.EDITOR), (gone, OrganizationRole.Role.ADMIN)):
        directory.organization_role_assign(
            actor=system, organization=orgs["b"], user=user, role=role
        )
    exchange.introduction_request(actor=system, requester=orgs["a"], recipient=orgs["b"],
                                  message="Hi")  # fmt: skip
    subject = "Co-op A would like to meet you"
    assert _got("introductions") == [("admin_b", subject), ("editor_b", subject)]
