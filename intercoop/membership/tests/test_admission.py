"""Admission: by a coordinator's decision, or by a governance poll of the members (the
organisation's people, a network's member co-ops, or — when a network admits every new
member by its members' poll — through the directory's own admission poll). Admitted, a
person is on the register and has the member role; a co-op is a member of the network."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from intercoop.core.audit import system_actor
from intercoop.core.errors import DomainError
from intercoop.core.models import AuditEvent, Notification
from intercoop.directory import services as directory
from intercoop.directory.models import NetworkMembership, OrganizationRole
from intercoop.governance import services as governance
from intercoop.governance.bodies import body_ensure, body_update
from intercoop.governance.models import Body, Poll
from intercoop.membership import mentors, pathways
from intercoop.membership.models import Member, StepRecord, Subscription
from intercoop.membership.tests.pathway_world import (
    apply,
    apply_network,
    build_world,
    pair,
    ready_for_admission,
    step_of,
)


def today() -> dt.date:
    return timezone.localdate()


def vote(user, poll, stance):
    governance.ballot_cast(actor=user, poll=poll, choice={"stance": stance},
                           reason="" if stance == "agree" else "Not yet")  # fmt: skip


def close(poll):
    governance.poll_close(actor=system_actor(), poll=poll)
    poll.refresh_from_db()
    return poll


# an organisation's pathway ---------------------------------------------------------------


@pytest.fixture
def w(network, org, people):
    return build_world(network, org, people)


@pytest.fixture
def by_poll(network, org, people):
    return build_world(network, org, people, by_poll=True)


def test_the_coordinators_admit_once_every_step_is_complete(w):
    application = apply(w)
    before = ready_for_admission(w, application)
    assert before.status == "candidate"
    for who in ("applicant", "mentor", "member", "coordinator", "staff", "outsider"):
        with pytest.raises(PermissionDenied):
            pathways.application_admit(actor=w[who], application=application)
    with pytest.raises(DomainError, match="coordinators decide"):
        pathways.admission_to_vote(actor=w["admin"], application=application)
    pathways.application_admit(actor=w["admin"], application=application)
    application.refresh_from_db()
    assert (application.status, application.member_since, application.poll_id) == (
        "member", today(), None,
    )  # fmt: skip
    record = StepRecord.objects.get(application=application, step__kind="admission")
    assert record.completed_by == w["admin"]
    member = Member.objects.get(application=application)
    assert (member.organization, member.user, member.name, member.email, member.entered_on) == (
        w["org"], w["applicant"], "applicant", "applicant@example.org", today(),
    )  # fmt: skip
    # the buy-in paid as a candidate is the member's now
    assert list(Subscription.objects.values_list("member_id", "paid")) == [(member.pk, 500_00)]
    assert OrganizationRole.objects.get(organization=w["org"], user=w["applicant"]).role == "member"
    subjects = set(Notification.objects.filter(kind="membership").values_list("user__username",
                                                                               "subject"))  # fmt: skip
    assert ("applicant", "Welcome: you are a member of Riverside Bakery Co-op") in subjects
    assert ("admin", "applicant is now a member of Riverside Bakery Co-op") in subjects
    event = AuditEvent.objects.get(action="membership_application.admit")
    assert (event.actor_name, event.summary) == (
        "admin", f"applicant admitted to Riverside Bakery Co-op on {today().isoformat()}",
    )  # fmt: skip
    with pytest.raises(PermissionDenied):  # a member already
        pathways.application_admit(actor=w["admin"], application=application)


def test_no_admission_before_every_step_is_complete(w):
    application = apply(w)
    from intercoop.membership.tests.pathway_world import before_probation

    before_probation(w, application)
    pathways.application_make_candidate(actor=w["admin"], application=application)
    with pytest.raises(DomainError) as error:
        pathways.application_admit(actor=w["admin"], application=application)
    assert error.value.message == (
        "Complete these steps first: Probation, Buy-in, Sign the agreements"
    )
    assert not Member.objects.exists()


def test_the_members_vote_a_candidate_in(by_poll):
    w = by_poll
    application = ready_for_admission(w, apply(w))
    with pytest.raises(DomainError, match="put it to the vote"):
        pathways.application_admit(actor=w["admin"], application=application)
    for who in ("applicant", "mentor", "member", "coordinator", "staff"):
        with pytest.raises(PermissionDenied):
            pathways.admission_to_vote(actor=w[who], application=application)
    pathways.admission_to_vote(actor=w["admin"], application=application)
    poll = Poll.objects.get(pk=application.poll_id)
    assert (poll.purpose, poll.subject_id, poll.kind, poll.status) == (
        "membership", application.pk, "proposal", "open",
    )  # fmt: skip
    assert poll.body == Body.objects.get(kind="organization", organization=w["org"])
    assert poll.title == "Admit applicant as a member of Riverside Bakery Co-op?"
    voters = set(poll.voters.values_list("user__username", flat=True))
    assert voters == {"admin", "member", "mentor"}  # the co-op's people, not the candidate
    # while the members vote, nobody decides it otherwise
    for call in (
        lambda: pathways.application_admit(actor=w["admin"], application=application),
        lambda: pathways.application_refuse(actor=w["admin"], application=application,
                                            reason="No"),
        lambda: pathways.admission_to_vote(actor=w["admin"], application=application),
        lambda: pathways.application_pause(actor=w["applicant"], application=application),
    ):  # fmt: skip
        with pytest.raises(PermissionDenied):
            call()
    vote(w["admin"], poll, "agree")
    vote(w["mentor"], poll, "agree")
    vote(w["member"], poll, "disagree")
    poll = close(poll)
    application.refresh_from_db()
    assert (application.status, application.member_since) == ("member", today())
    assert poll.outcome == "Admitted by the members' vote"
    member = Member.objects.get(application=application)
    assert member.entered_on == today()
    assert AuditEvent.objects.get(action="membership_application.admit").actor_name == (
        "intercoop-system"
    )
    assert OrganizationRole.objects.get(organization=w["org"], user=w["applicant"]).role == "member"


def test_a_failing_vote_refuses_the_application(by_poll):
    w = by_poll
    application = ready_for_admission(w, apply(w))
    pathways.admission_to_vote(actor=w["admin"], application=application)
    poll = Poll.objects.get(pk=application.poll_id)
    vote(w["admin"], poll, "agree")
    vote(w["member"], poll, "disagree")  # 1 of 2: no majority
    poll = close(poll)
    application.refresh_from_db()
    assert (application.status, application.reason, application.ended_on) == (
        "refused", "Not admitted by the members' vote", today(),
    )  # fmt: skip
    assert poll.outcome == "Refused by the members' vote"
    assert not Member.objects.exists()
    assert not OrganizationRole.objects.filter(user=w["applicant"]).exists()


def test_withdrawing_closes_the_vote_and_nothing_is_carried_out(by_poll):
    w = by_poll
    application = ready_for_admission(w, apply(w))
    pathways.admission_to_vote(actor=w["admin"], application=application)
    poll = Poll.objects.get(pk=application.poll_id)
    vote(w["admin"], poll, "agree")
    pathways.application_withdraw(actor=w["applicant"], application=application)
    poll.refresh_from_db()
    application.refresh_from_db()
    assert (application.status, poll.status) == ("withdrawn", "closed")
    assert poll.outcome == "Not carried out: the applicant withdrew before the vote closed"
    assert poll.result["voters"] == 1  # the count is kept
    assert AuditEvent.objects.filter(action="poll.withdraw", actor_name="intercoop-system").exists()
    assert not Member.objects.exists()
    assert not OrganizationRole.objects.filter(user=w["applicant"], role="member").exists()


# a network's pathway -----------------------------------------------------------------------


def _network_candidate(w):
    application = apply_network(w)
    coordinator = w["coordinator"]
    vetting = step_of(w["network_pathway"], "vetting")
    pathways.vetting_record(actor=coordinator, application=application, step=vetting,
                            checklist={"Visit": True})  # fmt: skip
    pathways.step_complete(actor=coordinator, application=application, step=vetting)
    pair(w, application, mentor="network_mentor", coordinator="coordinator")
    pathways.step_complete(actor=w["network_mentor"], application=application,
                           step=step_of(w["network_pathway"], "mentorship"))  # fmt: skip
    # no probation: every step before the admission is done to become a candidate
    return pathways.application_make_candidate(actor=coordinator, application=application)


def test_a_network_coordinator_admits_a_co_op_to_the_network(w):
    application = _network_candidate(w)
    for who in ("hilltop_admin", "admin", "network_mentor", "other_coordinator", "staff"):
        with pytest.raises(PermissionDenied):
            pathways.application_admit(actor=w[who], application=application)
    pathways.application_admit(actor=w["coordinator"], application=application)
    application.refresh_from_db()
    assert application.status == "member"
    membership = NetworkMembership.objects.get(network=w["network"], organization=w["hilltop"])
    assert (membership.status, membership.joined_on) == ("member", today())
    assert not Member.objects.exists()  # a network keeps no share register here
    # the co-op leaves: the network says so
    pathways.application_leave(actor=w["hilltop_admin"], application=application, on=today(),
                               reason="Merged")  # fmt: skip
    membership.refresh_from_db()
    assert membership.status == "left"


def test_the_network_members_vote_a_co_op_in_when_the_step_says_so(network, org, people):
    w = build_world(network, org, people, network_by_poll=True)
    application = _network_candidate(w)
    with pytest.raises(DomainError, match="put it to the vote"):
        pathways.application_admit(actor=w["coordinator"], application=application)
    pathways.admission_to_vote(actor=w["coordinator"], application=application)
    poll = Poll.objects.get(pk=application.poll_id)
    assert (poll.purpose, poll.body.kind, poll.body.network) == ("membership", "network",
                                                                 w["network"])  # fmt: skip
    assert set(poll.voters.values_list("organization__name", flat=True)) == {
        "Riverside Bakery Co-op"
    }
    vote(w["admin"], poll, "agree")  # Riverside's admin votes for it
    close(poll)
    application.refresh_from_db()
    assert application.status == "member"
    assert NetworkMembership.objects.get(organization=w["hilltop"]).status == "member"


@pytest.mark.parametrize("stance", ["agree", "disagree"])
def test_a_network_that_admits_by_its_members_poll_admits_through_it(w, stance):
    body = body_ensure(actor=system_actor(), network=w["network"])
    body_update(actor=system_actor(), body=body, admission_by_poll=True)
    application = _network_candidate(w)
    # the directory does not let a coordinator admit by hand there, nor does the pathway
    with pytest.raises(DomainError, match="put it to the vote"):
        pathways.application_admit(actor=w["coordinator"], application=application)
    pathways.admission_to_vote(actor=w["coordinator"], application=application)
    poll = Poll.objects.get(pk=application.poll_id)
    membership = NetworkMembership.objects.get(organization=w["hilltop"])
    assert (poll.purpose, poll.subject_id, membership.status) == (
        "admission", membership.pk, "applicant",
    )  # fmt: skip
    assert Poll.objects.count() == 1  # one poll, the directory's
    vote(w["admin"], poll, stance)
    poll = close(poll)
    application.refresh_from_db()
    membership.refresh_from_db()
    if stance == "agree":
        assert (application.status, membership.status) == ("member", "member")
        assert poll.outcome == "Admitted by the members' vote"
    else:
        assert (application.status, membership.status) == ("refused", "left")
        assert poll.outcome == "Refused by the members' vote"


def test_a_co_op_withdrawing_during_the_network_s_vote_is_not_admitted(w):
    body = body_ensure(actor=system_actor(), network=w["network"])
    body_update(actor=system_actor(), body=body, admission_by_poll=True)
    application = _network_candidate(w)
    pathways.admission_to_vote(actor=w["coordinator"], application=application)
    poll = Poll.objects.get(pk=application.poll_id)
    vote(w["admin"], poll, "agree")
    pathways.application_withdraw(actor=w["hilltop_admin"], application=application)
    poll.refresh_from_db()
    application.refresh_from_db()
    membership = NetworkMembership.objects.get(organization=w["hilltop"])
    assert (application.status, membership.status, poll.status) == ("withdrawn", "left", "closed")
    assert poll.outcome == "Not carried out: the applicant withdrew before the vote closed"


def test_a_co_op_leaving_the_directory_during_the_network_s_vote_is_not_admitted(w):
    body = body_ensure(actor=system_actor(), network=w["network"])
    body_update(actor=system_actor(), body=body, admission_by_poll=True)
    application = _network_candidate(w)
    pathways.admission_to_vote(actor=w["coordinator"], application=application)
    poll = Poll.objects.get(pk=application.poll_id)
    vote(w["admin"], poll, "agree")
    # the co-op withdraws in the directory, not on its pathway
    directory.network_member_leave(actor=w["hilltop_admin"], network=w["network"],
                                   organization=w["hilltop"])  # fmt: skip
    poll = close(poll)
    application.refresh_from_db()
    membership = NetworkMembership.objects.get(organization=w["hilltop"])
    assert (application.status, membership.status) == ("withdrawn", "left")
    assert application.reason == "The co-op withdrew its application to the network"
    assert poll.outcome == "Not carried out: the applicant withdrew before the vote closed"


def test_a_mentor_proposed_for_a_network_application_is_a_person_of_a_member(w):
    application = apply_network(w)
    with pytest.raises(DomainError, match="may not mentor"):
        mentors.mentorship_propose(actor=w["coordinator"], application=application,
                                   mentor=w["hilltop_member"])  # fmt: skip
