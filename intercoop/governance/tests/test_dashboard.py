"""The dashboard's "polls that need your vote": open polls where a voter the user casts
for (themselves, or an organisation through its delegate or, without one, its
administrators) has not voted in the current round. Proxies held are not counted. At
most two queries."""

from django.contrib.auth.models import AnonymousUser

from intercoop.core.audit import system_actor
from intercoop.directory import services as directory
from intercoop.governance import services
from intercoop.governance.dashboard import dashboard_tasks
from intercoop.governance.tests.conftest import open_poll, soon
from intercoop.governance.tests.helpers import add_person, fresh, start, vote


def needs(user, django_assert_max_num_queries):
    user = fresh(user)
    with django_assert_max_num_queries(2):
        [task] = dashboard_tasks(user)
    assert (task.kind, task.link) == ("polls", ("governance:index", []))
    return task.count


def test_an_open_poll_needs_the_vote_until_it_is_cast(coop_network, django_assert_max_num_queries):
    net = coop_network
    services.poll_create(actor=net["coordinator"], body=net["body"], kind="proposal",
                         title="Draft", closes_at=soon())  # fmt: skip
    first, second = open_poll(net, "proposal"), open_poll(net, "proposal")
    services.poll_close(actor=net["coordinator"], poll=open_poll(net, "proposal"))
    assert needs(net["admin_a"], django_assert_max_num_queries) == 2
    vote(net["admin_a"], first, stance="agree")
    assert needs(net["admin_a"], django_assert_max_num_queries) == 1
    vote(net["admin_a"], second, stance="abstain")
    assert needs(net["admin_a"], django_assert_max_num_queries) == 0
    # another administrator of Co-op A: its vote is cast
    other = add_person(net["org_a"], "admin_a2", "admin")
    assert needs(other, django_assert_max_num_queries) == 0
    for who in ("outsider", "coordinator"):
        assert needs(net[who], django_assert_max_num_queries) == 0
    assert dashboard_tasks(AnonymousUser())[0].count == 0


def test_a_delegate_is_asked_and_the_administrators_are_not(coop_network,
                                                          django_assert_max_num_queries):  # fmt: skip
    net = coop_network
    delegate = add_person(net["org_a"], "delegate_a")
    services.delegate_set(actor=net["admin_a"], network=net["network"],
                          organization=net["org_a"], user=delegate)  # fmt: skip
    open_poll(net, "proposal")
    assert needs(delegate, django_assert_max_num_queries) == 1
    assert needs(net["admin_a"], django_assert_max_num_queries) == 0


def test_proxies_held_are_not_counted(coop_network, django_assert_max_num_queries):
    net = coop_network
    services.proxy_give(actor=net["admin_a"], body=net["body"],
                        giver_organization=net["org_a"], holder_organization=net["org_b"])  # fmt: skip
    poll = open_poll(net, "proposal")
    assert needs(net["admin_b"], django_assert_max_num_queries) == 1
    vote(net["admin_b"], poll, stance="agree")
    assert needs(net["admin_b"], django_assert_max_num_queries) == 0


def test_a_person_in_an_organisations_body(coop_network, django_assert_max_num_queries):
    net = coop_network
    member = add_person(net["org_a"], "member_a")
    body = services.body_ensure(actor=net["admin_a"], organization=net["org_a"])
    poll = start(net["admin_a"], body)
    assert needs(member, django_assert_max_num_queries) == 1
    vote(member, poll, stance="agree")
    assert needs(member, django_assert_max_num_queries) == 0


def test_a_consent_poll_amended_needs_the_vote_again(coop_network, django_assert_max_num_queries):
    net = coop_network
    poll = open_poll(net, "consent")
    vote(net["admin_a"], poll, stance="consent")
    assert needs(net["admin_a"], django_assert_max_num_queries) == 0
    services.poll_amend(actor=net["coordinator"], poll=poll, details="v2", closes_at=soon())
    assert needs(net["admin_a"], django_assert_max_num_queries) == 1


def test_a_delegate_in_one_network_is_not_asked_for_that_organisation_in_another(
    coop_network, django_assert_max_num_queries
):
    """Fixed: delegations were matched as (any organisation delegated) × (any network
    delegated in), so a delegate for A in one network and for B in another was asked to
    vote for A in the second."""
    net = coop_network
    system = system_actor()
    hill = directory.network_create(actor=system, slug="hill", name="Hill Network")
    for org in (net["org_a"], net["org_b"]):
        directory.network_member_join(actor=system, network=hill, organization=org)
    person = add_person(net["org_a"], "delegate")
    directory.organization_role_assign(actor=system, organization=net["org_b"], user=person,
                                       role="member")  # fmt: skip
    services.delegate_set(actor=net["admin_a"], network=net["network"],
                          organization=net["org_a"], user=person)  # fmt: skip
    services.delegate_set(actor=net["admin_b"], network=hill, organization=net["org_b"],
                          user=person)  # fmt: skip
    body = services.body_ensure(actor=system, network=hill)
    poll = start(system, body)
    assert needs(person, django_assert_max_num_queries) == 1
    vote(fresh(person), poll, stance="agree")  # for Co-op B, its one vote in Hill
    assert poll.ballots.get().voter.organization == net["org_b"]
    assert needs(person, django_assert_max_num_queries) == 0
