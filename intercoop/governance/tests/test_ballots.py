"""Casting and changing ballots: only the latest counts and the history is kept; a
network's organisation votes through its delegate, or else any of its administrators,
the first to vote counting; only the electorate votes."""

import pytest
from django.core.exceptions import PermissionDenied

from intercoop.core.audit import system_actor
from intercoop.core.errors import DomainError
from intercoop.core.models import AuditEvent
from intercoop.directory import services as directory
from intercoop.directory.models import OrganizationRole
from intercoop.governance import services
from intercoop.governance.models import Ballot, Participation
from intercoop.governance.selectors import ballot_list, has_voted, my_votes, poll_compute_result
from intercoop.governance.tests.conftest import open_poll
from intercoop.governance.tests.helpers import add_person, close, fresh, vote, voter


def test_a_changed_vote_keeps_the_history_and_only_the_latest_counts(coop_network):
    net = coop_network
    poll = open_poll(net, "proposal")
    first = vote(net["admin_a"], poll, reason="too soon", stance="disagree")
    second = vote(net["admin_a"], poll, stance="abstain")
    third = vote(net["admin_a"], poll, stance="agree")
    rows = list(Ballot.objects.filter(poll=poll).order_by("pk").values_list(
        "pk", "choice", "reason", "current", "voter__name", "cast_by__username", "by_proxy"))  # fmt: skip
    assert rows == [
        (first.pk, {"stance": "disagree"}, "too soon", False, "Co-op A", "admin_a", False),
        (second.pk, {"stance": "abstain"}, "", False, "Co-op A", "admin_a", False),
        (third.pk, {"stance": "agree"}, "", True, "Co-op A", "admin_a", False),
    ]
    assert Participation.objects.filter(poll=poll).count() == 1
    result = poll_compute_result(poll)
    assert (result["voters"], result["counts"]["agree"], result["counts"]["disagree"]) == (1, 1, 0)
    assert [row["choice"] for row in ballot_list(poll)] == [{"stance": "agree"}]
    assert [v.ballot.pk for v in my_votes(net["admin_a"], poll) if v.ballot] == [third.pk]
    events = AuditEvent.objects.filter(action="ballot.cast").values_list("summary", "actor_name")
    assert list(events) == [("A proposal: Co-op A", "admin_a")] * 3


def test_only_the_electorate_votes(coop_network):
    net = coop_network
    poll = open_poll(net, "proposal")
    for who in ("outsider", "coordinator"):
        with pytest.raises(PermissionDenied):
            vote(net[who], poll, stance="agree")
    staff = fresh(net["outsider"])
    staff.is_staff = True
    staff.save()
    with pytest.raises(PermissionDenied):
        vote(staff, poll, stance="agree")
    # a member (not an administrator) of a member organisation does not vote for it
    member = add_person(net["org_a"], "member_a")
    with pytest.raises(PermissionDenied):
        vote(member, poll, stance="agree")
    assert Ballot.objects.count() == 0


def test_nobody_votes_for_an_organisation_they_do_not_act_for(coop_network):
    net = coop_network
    poll = open_poll(net, "proposal")
    with pytest.raises(PermissionDenied):
        services.ballot_cast(actor=net["admin_b"], poll=poll, choice={"stance": "agree"},
                             voter=voter(poll, org=net["org_a"]))  # fmt: skip
    assert Ballot.objects.count() == 0


def test_the_first_administrator_to_vote_counts_and_may_change(coop_network):
    net = coop_network
    second_admin = add_person(net["org_a"], "admin_a2", OrganizationRole.Role.ADMIN)
    poll = open_poll(net, "proposal")
    vote(net["admin_a"], poll, stance="agree")
    with pytest.raises(DomainError, match="Another administrator has already voted for Co-op A"):
        vote(second_admin, poll, stance="disagree", reason="no")
    vote(net["admin_a"], poll, stance="abstain")
    assert list(Ballot.objects.filter(poll=poll, current=True).values_list(
        "choice", "cast_by__username")) == [({"stance": "abstain"}, "admin_a")]  # fmt: skip


def test_a_delegate_votes_for_the_organisation_and_its_administrators_cannot(coop_network):
    net = coop_network
    delegate = add_person(net["org_a"], "delegate_a")
    services.delegate_set(actor=net["admin_a"], network=net["network"],
                          organization=net["org_a"], user=delegate)  # fmt: skip
    poll = open_poll(net, "proposal")
    with pytest.raises(PermissionDenied):
        vote(fresh(net["admin_a"]), poll, stance="agree")
    vote(delegate, poll, stance="agree")
    assert poll.ballots.get().voter.organization == net["org_a"]
    assert has_voted(delegate, poll) is True


def test_a_delegate_named_later_may_change_the_vote_an_administrator_cast(coop_network):
    net = coop_network
    poll = open_poll(net, "proposal")
    vote(net["admin_a"], poll, stance="agree")
    delegate = add_person(net["org_a"], "delegate_a")
    services.delegate_set(actor=net["admin_a"], network=net["network"],
                          organization=net["org_a"], user=delegate)  # fmt: skip
    vote(delegate, poll, reason="changed our mind", stance="disagree")
    current = poll.ballots.get(current=True)
    assert (current.choice, current.cast_by, current.reason) == (
        {"stance": "disagree"}, delegate, "changed our mind",
    )  # fmt: skip
    assert Participation.objects.get(poll=poll).cast_by == delegate
    # and the administrator, no longer voting for Co-op A, cannot change it back
    with pytest.raises(PermissionDenied):
        vote(fresh(net["admin_a"]), poll, stance="agree")


def test_a_delegate_who_leaves_the_organisation_no_longer_votes_for_it(coop_network):
    """Fixed: a delegate kept voting for an organisation after losing their role in it,
    and its administrators stayed locked out."""
    net = coop_network
    delegate = add_person(net["org_a"], "delegate_a")
    services.delegate_set(actor=net["admin_a"], network=net["network"],
                          organization=net["org_a"], user=delegate)  # fmt: skip
    directory.organization_role_remove(actor=system_actor(), organization=net["org_a"],
                                       user=delegate)  # fmt: skip
    poll = open_poll(net, "proposal")
    with pytest.raises(PermissionDenied):
        vote(fresh(delegate), poll, stance="agree")
    vote(fresh(net["admin_a"]), poll, stance="agree")
    assert poll.ballots.get().cast_by == net["admin_a"]


def test_an_organisation_that_leaves_after_opening_keeps_its_vote(coop_network):
    net = coop_network
    poll = open_poll(net, "proposal")
    directory.network_member_leave(actor=system_actor(), network=net["network"],
                                   organization=net["org_c"])  # fmt: skip
    vote(fresh(net["admin_c"]), poll, stance="agree")
    assert poll_compute_result(poll)["voters"] == 1


def test_a_closed_poll_refuses_ballots(coop_network):
    net = coop_network
    poll = close(net, open_poll(net, "proposal"))
    with pytest.raises(DomainError, match="This poll is not open"):
        vote(net["admin_a"], poll, stance="agree")
    assert Ballot.objects.count() == 0


def test_a_draft_takes_no_ballots(coop_network):
    net = coop_network
    draft = services.poll_create(actor=net["coordinator"], body=net["body"], kind="proposal",
                                 title="Draft")  # fmt: skip
    with pytest.raises(PermissionDenied):
        vote(net["admin_a"], draft, stance="agree")


def test_a_ballot_in_the_wrong_shape_is_refused(coop_network):
    net = coop_network
    poll = open_poll(net, "score")
    for choice in (None, [], "Ana", {"scores": {"Ana": True}}, {"scores": {"Ana": 2.5}},
                   {"scores": {}}, {"scores": {"Zed": 1}}):  # fmt: skip
        with pytest.raises(DomainError):
            services.ballot_cast(actor=net["admin_a"], poll=poll, choice=choice)
    assert Ballot.objects.count() == 0


def test_a_wrong_stance_is_refused_in_the_readers_words(coop_network):
    """Fixed: the error listed the stored codes ("agree, abstain, …"), untranslated."""
    from django.utils import translation

    net = coop_network
    poll = open_poll(net, "proposal")
    with pytest.raises(DomainError) as refused:
        vote(net["admin_a"], poll, stance="maybe")
    assert (refused.value.field, refused.value.message) == (
        "stance", "Choose one of: Agree, Abstain, Disagree, Block",
    )  # fmt: skip
    consent = open_poll(net, "consent")
    with translation.override("es"), pytest.raises(DomainError) as refused:
        vote(net["admin_a"], consent, stance="agree")
    from intercoop.governance.wording import stance_label

    with translation.override("es"):
        labels = f"{stance_label('consent')}, {stance_label('object')}"
        assert refused.value.message == f"Elige una de estas opciones: {labels}"
    assert "consent" not in refused.value.message and Ballot.objects.count() == 0
