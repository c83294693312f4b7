"""Mentors: offers, suggestions ranked by the exchange's peer matching with their reasons,
pairing, capacity (respected under the offer's lock), meetings."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from intercoop.conftest import make_org, make_user
from intercoop.core.audit import system_actor
from intercoop.core.errors import DomainError, InvalidValues
from intercoop.core.geo import distance_km
from intercoop.core.models import Notification, Profile
from intercoop.directory import services as directory
from intercoop.exchange.models import ExchangeItem
from intercoop.membership import mentors, pathways, permissions
from intercoop.membership.models import MentorMeeting, MentorOffer, Mentorship
from intercoop.membership.tests.pathway_world import add_person, apply, apply_network, build_world


@pytest.fixture
def w(network, org, people):
    return build_world(network, org, people)


def today() -> dt.date:
    return timezone.localdate()


def km(a, b) -> int:
    return round(distance_km((a.latitude, a.longitude), (b.latitude, b.longitude)))


# offers -----------------------------------------------------------------------------------


def test_a_person_of_the_organisation_offers_to_mentor_and_takes_it_back(w):
    org = w["org"]
    for who in ("outsider", "coordinator", "staff", "hilltop_admin"):
        with pytest.raises(PermissionDenied):
            mentors.mentor_offer_set(actor=w[who], organization=org, capacity=1)
    offer = mentors.mentor_offer_set(actor=w["admin"], organization=org, capacity=3,
                                     note="Bookkeeping")  # fmt: skip
    assert (offer.capacity, offer.note, offer.user) == (3, "Bookkeeping", w["admin"])
    offer = mentors.mentor_offer_set(actor=w["admin"], organization=org, capacity=2)
    assert MentorOffer.objects.filter(user=w["admin"]).count() == 1
    assert (offer.capacity, offer.note) == (2, "")
    with pytest.raises(InvalidValues):
        mentors.mentor_offer_set(actor=w["admin"], organization=org, capacity=21)
    assert mentors.mentor_offer_set(actor=w["admin"], organization=org, capacity=0) is None
    assert not MentorOffer.objects.filter(user=w["admin"]).exists()
    with pytest.raises(DomainError):
        mentors.mentor_offer_set(actor=w["admin"], organization=org, capacity=0)


# suggestions ---------------------------------------------------------------------------------


def test_suggestions_for_a_person_are_ranked_with_their_reasons(w):
    org = w["org"]
    applicant = w["applicant"]
    leeds = make_org(name="Leeds Bread Co-op", latitude=53.8, longitude=-1.55)
    york = make_org(name="York Bakers Co-op", latitude=53.96, longitude=-1.08)
    add_role = directory.organization_role_assign
    add_role(actor=system_actor(), organization=leeds, user=applicant, role="member")
    ana = add_person(org, "ana")
    add_role(actor=system_actor(), organization=york, user=ana, role="member")
    Profile.objects.create(user=applicant, language="es")
    Profile.objects.create(user=ana, language="es")
    mentors.mentor_offer_set(actor=ana, organization=org, capacity=1, note="accounting and bread")
    # a mentor with no room left, and one who no longer belongs to the co-op
    full = add_person(org, "full")
    mentors.mentor_offer_set(actor=full, organization=org, capacity=1)
    gone = add_person(org, "gone")
    mentors.mentor_offer_set(actor=gone, organization=org, capacity=1)
    directory.organization_role_remove(actor=system_actor(), organization=org, user=gone)
    other = pathways.application_apply(actor=make_user("earlier"), pathway=w["pathway"])
    proposal = mentors.mentorship_propose(actor=w["admin"], application=other, mentor=full)
    mentors.mentorship_answer(actor=full, mentorship=proposal, accept=True)

    application = apply(w)  # "I love bread"
    found = mentors.mentor_suggestions(application)
    distance = km(leeds, york)
    assert [(s.user.username, s.room, s.reason) for s in found] == [
        ("ana", 1, "both work in Service; both are Workers co-operative; "
                   f"{distance} km apart; both speak Spanish; can help with bread; "
                   "room for 1 more"),
        ("mentor", 1, "can help with bread; room for 1 more"),
        ("member", 2, "room for 2 more"),
    ]  # fmt: skip
    scores = [s.score for s in found]
    assert scores == sorted(scores, reverse=True)
    assert scores[1] == 0.2  # 0.3 × 1 of 2 words + 0.05 × all its room
    assert mentors.mentor_suggestions(application, limit=1)[0].user.username == "ana"
    # once proposed (even declined), a person is not suggested again
    proposal = mentors.mentorship_propose(actor=w["admin"], application=application,
                                          mentor=w["mentor"])  # fmt: skip
    mentors.mentorship_answer(actor=w["mentor"], mentorship=proposal, accept=False)
    assert [s.user.username for s in mentors.mentor_suggestions(application)] == ["ana", "member"]


def test_suggestions_for_a_co_op_compare_the_organisations_as_the_exchange_does(w):
    network = w["network"]
    system = system_actor()
    far = make_org(name="Far Credit Union", primary_activity="ICA140",
                   organisational_structure="OS20", latitude=51.5, longitude=-0.12)  # fmt: skip
    directory.network_member_join(actor=system, network=network, organization=far)
    far_mentor = add_person(far, "far_mentor")
    mentors.mentor_offer_set(actor=far_mentor, organization=far, capacity=1)
    # Riverside (the member's co-op) and Hilltop share a challenge
    for organization in (w["org"], w["hilltop"]):
        ExchangeItem.objects.create(organization=organization, kind="challenge",
                                    category="succession", title="Who takes over?",
                                    created_at=timezone.now(), updated_at=timezone.now())  # fmt: skip
    application = apply_network(w)
    found = mentors.mentor_suggestions(application)
    near = km(w["org"], w["hilltop"])
    alike = (f"both work in Service; both work on succession; both are Workers co-operative; "
             f"{near} km apart")  # fmt: skip
    assert [(s.user.username, s.reason) for s in found] == [
        # Riverside's two mentors, alike but for their room (both use all of theirs)
        ("member", f"{alike}; room for 2 more"),
        ("mentor", f"{alike}; room for 1 more"),
        ("far_mentor", f"{km(far, w['hilltop'])} km apart; room for 1 more"),
    ]
    # nobody of the applying co-op mentors it, nor does a co-op outside the network
    assert not permissions.can_mentor(w["hilltop_editor"], application)
    assert not permissions.can_mentor(w["outsider"], application)
    assert permissions.can_mentor(far_mentor, application)


# pairing and capacity ------------------------------------------------------------------------


def test_coordinators_propose_and_only_the_mentor_answers(w):
    application = apply(w)
    for who in ("applicant", "mentor", "member", "coordinator", "staff"):
        with pytest.raises(PermissionDenied):
            mentors.mentorship_propose(actor=w[who], application=application, mentor=w["mentor"])
    with pytest.raises(DomainError, match="may not mentor"):
        mentors.mentorship_propose(actor=w["admin"], application=application, mentor=w["outsider"])
    with pytest.raises(DomainError, match="not offered"):
        mentors.mentorship_propose(actor=w["admin"], application=application, mentor=w["admin"])
    proposal = mentors.mentorship_propose(actor=w["admin"], application=application,
                                          mentor=w["mentor"], reason="Bakes too")  # fmt: skip
    assert (proposal.status, proposal.reason) == ("proposed", "Bakes too")
    assert Notification.objects.filter(user=w["mentor"],
                                       subject="Would you mentor applicant?").exists()  # fmt: skip
    with pytest.raises(DomainError, match="proposed already"):
        mentors.mentorship_propose(actor=w["admin"], application=application, mentor=w["mentor"])
    for who in ("applicant", "admin", "member", "staff"):
        with pytest.raises(PermissionDenied):
            mentors.mentorship_answer(actor=w[who], mentorship=proposal, accept=True)
    mentors.mentorship_answer(actor=w["mentor"], mentorship=proposal, accept=True)
    proposal.refresh_from_db()
    assert proposal.status == "accepted" and proposal.answered_at is not None
    assert permissions.is_mentor(w["mentor"], application)
    told = set(Notification.objects.filter(subject="mentor will mentor applicant")
               .values_list("user__username", flat=True))  # fmt: skip
    assert told == {"admin", "applicant"}
    with pytest.raises(PermissionDenied):  # answered
        mentors.mentorship_answer(actor=w["mentor"], mentorship=proposal, accept=False)


def test_a_mentor_never_takes_more_people_than_offered(w):
    first, second = apply(w), pathways.application_apply(actor=w["outsider"], pathway=w["pathway"])
    mentor = w["mentor"]  # capacity 1
    a = mentors.mentorship_propose(actor=w["admin"], application=first, mentor=mentor)
    b = mentors.mentorship_propose(actor=w["admin"], application=second, mentor=mentor)
    mentors.mentorship_answer(actor=mentor, mentorship=a, accept=True)
    with pytest.raises(DomainError, match="as many people as you offered"):
        mentors.mentorship_answer(actor=mentor, mentorship=b, accept=True)
    b.refresh_from_db()
    assert b.status == "proposed"
    third = pathways.application_apply(actor=make_user("third"), pathway=w["pathway"])
    with pytest.raises(DomainError, match="no room"):
        mentors.mentorship_propose(actor=w["admin"], application=third, mentor=mentor)
    assert mentors.used_capacity([mentor.pk]) == {mentor.pk: 1}
    # a withdrawn application frees its mentor
    pathways.application_withdraw(actor=w["applicant"], application=first)
    assert mentors.used_capacity([mentor.pk]) == {}
    mentors.mentorship_answer(actor=mentor, mentorship=b, accept=True)
    # raising the capacity makes room again
    mentors.mentor_offer_set(actor=mentor, organization=w["org"], capacity=2)
    c = mentors.mentorship_propose(actor=w["admin"], application=third, mentor=mentor)
    mentors.mentorship_answer(actor=mentor, mentorship=c, accept=True)
    rows = Mentorship.objects.filter(mentor=mentor).order_by("pk").values_list("status", flat=True)
    assert list(rows) == ["ended", "accepted", "accepted"]


def test_the_mentor_and_the_candidate_log_meetings(w):
    application = apply(w)
    proposal = mentors.mentorship_propose(actor=w["admin"], application=application,
                                          mentor=w["mentor"])  # fmt: skip
    with pytest.raises(PermissionDenied):  # not accepted yet
        mentors.meeting_log(actor=w["mentor"], mentorship=proposal, on=today())
    mentors.mentorship_answer(actor=w["mentor"], mentorship=proposal, accept=True)
    for who in ("admin", "member", "coordinator", "staff", "outsider"):
        with pytest.raises(PermissionDenied):
            mentors.meeting_log(actor=w[who], mentorship=proposal, on=today())
    with pytest.raises(InvalidValues):
        mentors.meeting_log(actor=w["mentor"], mentorship=proposal,
                            on=today() - dt.timedelta(days=3))  # fmt: skip
    mentors.meeting_log(actor=w["mentor"], mentorship=proposal, on=today(), notes="Kneading")
    mentors.meeting_log(actor=w["applicant"], mentorship=proposal, on=today(), notes="Proofing")
    assert list(MentorMeeting.objects.values_list("logged_by__username", "notes")) == [
        ("mentor", "Kneading"), ("applicant", "Proofing"),
    ]  # fmt: skip
