"""Admission by poll: with the network body's `admission_by_poll` on, a coordinator puts
an applicant's admission to a proposal of the members (`admission_poll_start`); when it
closes, a pass admits the applicant and anything else declines it."""

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied

from intercoop.conftest import client_for, make_org, make_user
from intercoop.core.audit import system_actor
from intercoop.core.errors import DomainError
from intercoop.core.models import AuditEvent
from intercoop.directory import services as directory
from intercoop.directory.models import NetworkMembership, NetworkRole, OrganizationRole
from intercoop.governance import permissions, services
from intercoop.governance.admission import admission_guard
from intercoop.governance.models import Poll
from intercoop.governance.tests.conftest import soon
from intercoop.governance.tests.helpers import close, stances


def apply(net, name="Newcomer Co-op", username="newcomer"):
    org = make_org(name=name)
    admin = make_user(username)
    directory.organization_role_assign(actor=system_actor(), organization=org, user=admin,
                                       role=OrganizationRole.Role.ADMIN)  # fmt: skip
    directory.network_member_apply(actor=admin, network=net["network"], organization=org)
    return org


@pytest.fixture
def applicant(coop_network):
    """Newcomer Co-op (admin `newcomer`) applied, then the network switched admission by
    poll on (so no poll was opened for it yet)."""
    net = coop_network
    org = apply(net)
    services.body_update(actor=net["coordinator"], body=net["body"], admission_by_poll=True)
    return org


def status(net, org):
    return NetworkMembership.objects.get(network=net["network"], organization=org).status


def close_as_system(poll):
    """An admission poll closes at its deadline, by the system (or early, by staff)."""
    return services.poll_close(actor=system_actor(), poll=poll)


def start(net, org, actor=None):
    return services.admission_poll_start(actor=actor or net["coordinator"],
                                         network=net["network"], organization=org,
                                         closes_at=soon())  # fmt: skip


def test_a_coordinator_puts_an_admission_to_the_members(coop_network, applicant):
    net = coop_network
    poll = start(net, applicant)
    membership = NetworkMembership.objects.get(network=net["network"], organization=applicant)
    assert (poll.kind, poll.title, poll.purpose, poll.subject_id, poll.is_open) == (
        "proposal", "Admit Newcomer Co-op to Valley Network?", "admission", membership.pk, True,
    )  # fmt: skip
    assert list(poll.voters.values_list("name", flat=True)) == ["Co-op A", "Co-op B", "Co-op C"]
    events = AuditEvent.objects.filter(object_type="governance.poll").order_by("pk")
    events = events.values_list("action", flat=True)
    assert list(events) == ["poll.create", "poll.open"]


def test_a_passing_admission_poll_admits_the_applicant(coop_network, applicant):
    net = coop_network
    poll = start(net, applicant)
    stances(poll, (net["admin_a"], "agree"), (net["admin_b"], "agree"),
            (net["admin_c"], "disagree"))  # fmt: skip
    poll = close_as_system(poll)
    assert status(net, applicant) == NetworkMembership.Status.MEMBER
    assert poll.outcome == "Admitted by the members' vote"
    admit = AuditEvent.objects.get(action="network_member.admit",
                                   network_id=net["network"].pk, summary__contains="Newcomer")  # fmt: skip
    assert admit.actor_name == "intercoop-system"


def test_a_failing_admission_poll_declines_the_applicant(coop_network, applicant):
    net = coop_network
    poll = start(net, applicant)
    stances(poll, (net["admin_a"], "agree"), (net["admin_b"], "disagree"),
            (net["admin_c"], "block"))  # fmt: skip
    poll = close_as_system(poll)
    assert status(net, applicant) == NetworkMembership.Status.LEFT
    assert poll.outcome == "Declined by the members' vote"


def test_an_admission_poll_short_of_quorum_declines(coop_network, applicant):
    net = coop_network
    poll = start(net, applicant)
    Poll.objects.filter(pk=poll.pk).update(quorum=100)
    stances(poll, (net["admin_a"], "agree"))
    poll = close_as_system(poll)
    assert (poll.result["quorum_met"], poll.result["passed"]) == (False, False)
    assert status(net, applicant) == NetworkMembership.Status.LEFT


def test_the_clock_carries_out_an_admission_at_the_deadline(coop_network, applicant):
    net = coop_network
    poll = start(net, applicant)
    stances(poll, (net["admin_a"], "agree"))
    assert services.polls_close_due(now=poll.closes_at) == 1
    assert status(net, applicant) == NetworkMembership.Status.MEMBER


def test_admission_by_poll_must_be_switched_on(coop_network):
    net = coop_network
    org = apply(net)
    with pytest.raises(DomainError, match="does not admit members by a poll"):
        start(net, org)
    assert Poll.objects.count() == 0


def test_only_an_applicant_is_put_to_a_vote(coop_network, applicant):
    net = coop_network
    for org in (net["org_a"], make_org(name="Stranger Co-op")):
        with pytest.raises(DomainError, match="has not applied"):
            start(net, org)
    assert Poll.objects.count() == 0


def test_one_admission_poll_at_a_time(coop_network, applicant):
    net = coop_network
    poll = start(net, applicant)
    assert start(net, applicant) == poll  # asked again: the same poll
    membership = NetworkMembership.objects.get(organization=applicant)
    with pytest.raises(DomainError, match="already put to a vote"):
        services.poll_create(actor=net["coordinator"], body=net["body"], kind="proposal",
                             title="Admit?", purpose="admission", subject_id=membership.pk)  # fmt: skip
    assert Poll.objects.count() == 1


def test_with_admission_by_poll_an_application_opens_its_poll(coop_network, applicant):
    """(The directory's hook, wired in config, calls `admission_poll_start`.)"""
    net = coop_network
    org = apply(net, "Second Co-op", "second")
    poll = Poll.objects.get(purpose="admission")
    assert (poll.title, poll.is_open, poll.created_by.username) == (
        "Admit Second Co-op to Valley Network?", True, "intercoop-system",
    )  # fmt: skip
    stances(poll, (net["admin_a"], "agree"))
    close_as_system(poll)
    assert status(net, org) == NetworkMembership.Status.MEMBER


def test_only_coordinators_start_an_admission_poll(coop_network, applicant):
    net = coop_network
    newcomer = User.objects.get(username="newcomer")
    for actor in (net["admin_a"], newcomer, net["outsider"]):
        with pytest.raises(PermissionDenied):
            start(net, applicant, actor=actor)
    assert Poll.objects.count() == 0


def test_a_voter_cannot_start_a_poll_other_apps_carry_out(coop_network, applicant):
    """Fixed: any voter could start a poll with purpose "admission" about an applicant,
    and its close admitted or declined the applicant."""
    net = coop_network
    membership = NetworkMembership.objects.get(organization=applicant)
    with pytest.raises(PermissionDenied):
        services.poll_create(actor=net["admin_a"], body=net["body"], kind="proposal",
                             title="Admit?", purpose="admission", subject_id=membership.pk)  # fmt: skip
    with pytest.raises(DomainError, match="decided by a proposal"):
        services.poll_create(actor=net["coordinator"], body=net["body"], kind="consent",
                             title="Admit?", purpose="admission", subject_id=membership.pk)  # fmt: skip
    assert Poll.objects.count() == 0


def test_a_carried_out_admission_poll_is_not_reopened(coop_network, applicant):
    net = coop_network
    poll = close_as_system(start(net, applicant))
    with pytest.raises(PermissionDenied, match="Only staff"):
        services.poll_reopen(actor=net["coordinator"], poll=poll, closes_at=soon())
    with pytest.raises(DomainError, match="carried out"):
        services.poll_reopen(actor=system_actor(), poll=poll, closes_at=soon())
    assert permissions.can_reopen(system_actor(), poll) is False


def test_a_coordinator_cannot_admit_by_closing_the_poll_early(coop_network, applicant):
    """Fixed: a coordinator could close an admission poll early, right after one member
    agreed, and so admit the applicant against the others; the page offered it too."""
    net = coop_network
    poll = start(net, applicant)
    stances(poll, (net["admin_a"], "agree"))
    for who in ("coordinator", "admin_a"):
        assert permissions.can_close_early(net[who], poll) is False
        with pytest.raises(PermissionDenied):
            services.poll_close(actor=net[who], poll=poll)
    page = client_for(net["coordinator"]).get(f"/decide/polls/{poll.pk}/").context
    assert page["may_close"] is False
    poll.refresh_from_db()
    assert (poll.is_open, status(net, applicant)) == (True, NetworkMembership.Status.APPLICANT)
    assert permissions.can_close_early(system_actor(), poll) is True
    close_as_system(poll)
    assert status(net, applicant) == NetworkMembership.Status.MEMBER


def test_a_network_with_no_members_takes_applications_and_admits_by_hand(db):
    """Fixed: with admission by poll on and no member yet, an application failed (its
    poll had no voters); now it opens no poll and the coordinators admit by hand."""
    system = system_actor()
    network = directory.network_create(actor=system, slug="new", name="New Network")
    coordinator = make_user("coordinator")
    directory.network_role_assign(actor=system, network=network, user=coordinator,
                                  role=NetworkRole.Role.COORDINATOR)  # fmt: skip
    body = services.body_ensure(actor=coordinator, network=network)
    services.body_update(actor=coordinator, body=body, admission_by_poll=True)
    org = make_org(name="First Co-op")
    admin = make_user("first")
    directory.organization_role_assign(actor=system, organization=org, user=admin,
                                       role=OrganizationRole.Role.ADMIN)  # fmt: skip
    directory.network_member_apply(actor=admin, network=network, organization=org)
    assert Poll.objects.count() == 0
    assert NetworkMembership.objects.get(organization=org).status == (
        NetworkMembership.Status.APPLICANT
    )
    assert admission_guard(coordinator, network) == ""
    directory.network_member_admit(actor=coordinator, network=network, organization=org)
    assert NetworkMembership.objects.get(organization=org).status == (
        NetworkMembership.Status.MEMBER
    )
    # with a member, the next application goes to its vote, and no admission by hand
    second = make_org(name="Second Co-op")
    directory.network_member_apply(actor=system, network=network, organization=second)
    assert Poll.objects.get().title == "Admit Second Co-op to New Network?"
    assert admission_guard(coordinator, network) == (
        "This network admits new members by a poll of its members"
    )


def test_an_ordinary_poll_changes_no_membership(coop_network, applicant):
    net = coop_network
    poll = services.poll_create(actor=net["coordinator"], body=net["body"], kind="proposal",
                                title="Admit?", subject_id=1)  # fmt: skip
    assert (poll.purpose, poll.subject_id) == ("", None)
    poll = services.poll_open(actor=net["coordinator"], poll=poll, closes_at=soon())
    close(net, poll)
    assert status(net, applicant) == NetworkMembership.Status.APPLICANT


def test_admission_by_poll_is_a_setting_of_networks_only(coop_network):
    net = coop_network
    body = services.body_ensure(actor=net["admin_a"], organization=net["org_a"])
    with pytest.raises(DomainError):
        services.body_update(actor=net["admin_a"], body=body, admission_by_poll=True)
    with pytest.raises(PermissionDenied):
        services.body_update(actor=net["admin_a"], body=net["body"], admission_by_poll=True)
