"""Who may make each write of the pathways and mentors, asked of the services themselves
(pages and the API repeat no rule). A refusal is PermissionDenied and leaves nothing
behind: no row, no notification, no audit event. An allowed write records exactly one
audit event of its action, naming its actor (a write that enters a register or admits
to a network adds those services' own events).

The world (pathway_world): Riverside's worker-owner pathway, coordinated by its `admin`;
`applicant` has applied and `mentor` mentors them; `member` is another of Riverside's
people (offering to mentor too); the Valley Network's pathway, coordinated by
`coordinator`, for which `hilltop_admin` speaks for Hilltop Co-op; other_coordinator
runs another network; staff manage pathways but do not act on applications."""

import inspect
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from intercoop.core.audit import system_actor
from intercoop.core.models import AuditEvent, AuditSubject, Notification
from intercoop.directory.models import NetworkMembership, OrganizationRole
from intercoop.governance.models import Body, Poll, Voter
from intercoop.membership import mentors, pathways, permissions, selectors, transitions
from intercoop.membership.models import (
    Application,
    HoursEntry,
    Member,
    MentorMeeting,
    MentorOffer,
    Mentorship,
    Pathway,
    ShareEntry,
    Step,
    StepRecord,
    Subscription,
    SurveyResponse,
)
from intercoop.membership.tests.pathway_world import (
    CHECKLIST,
    apply,
    build_world,
    buy_in,
    do_course,
    pair,
    step_of,
)

WHO = ["anonymous", "outsider", "member", "admin", "coordinator", "other_coordinator",
       "staff", "applicant", "mentor", "hilltop_admin"]  # fmt: skip
MODELS: list[Any] = [Pathway, Step, Application, StepRecord, MentorOffer, Mentorship,
                     MentorMeeting, HoursEntry, SurveyResponse, Member, Subscription, ShareEntry,
                     OrganizationRole, NetworkMembership, Body, Poll, Voter, Notification,
                     AuditEvent, AuditSubject]  # fmt: skip


def snapshot() -> list[Any]:
    return [list(model.objects.order_by("pk").values()) for model in MODELS]


@pytest.fixture
def world(network, org, people) -> dict[str, Any]:
    w = build_world(network, org, people)
    application = apply(w)
    return w | {"application": application, "mentorship": pair(w, application)}


def actor_of(world: dict[str, Any], who: str) -> Any:
    return AnonymousUser() if who == "anonymous" else world[who]


def today() -> Any:
    return timezone.localdate()


# the states each write acts on, made by the system and the people of the world -------------


def _before_probation(w: dict[str, Any]) -> Application:
    system, application, pathway = system_actor(), w["application"], w["pathway"]
    pathways.attendance_record(actor=system, application=application,
                               step=step_of(pathway, "orientation"), on=today())  # fmt: skip
    do_course(w["applicant"], w["course"])
    mentors.meeting_log(actor=w["mentor"], mentorship=w["mentorship"], on=today())
    pathways.step_complete(actor=system, application=application,
                           step=step_of(pathway, "mentorship"))  # fmt: skip
    vetting = step_of(pathway, "vetting")
    pathways.vetting_record(actor=system, application=application, step=vetting,
                            checklist=dict.fromkeys(CHECKLIST, True))  # fmt: skip
    pathways.step_complete(actor=system, application=application, step=vetting)
    return application


def _ready(w: dict[str, Any]) -> Application:
    system = system_actor()
    application = _before_probation(w)
    pathways.application_make_candidate(actor=system, application=application)
    pathways.hours_log(actor=system, application=application, on=today(), hours="10")
    buy_in(w, application)
    pathways.step_complete(actor=system, application=application,
                           step=step_of(w["pathway"], "agreement"))  # on paper  # fmt: skip
    return application


def _member(w: dict[str, Any]) -> Application:
    return pathways.application_admit(actor=system_actor(), application=_ready(w))


Setup = Callable[[dict[str, Any]], Callable[[Any], Any]]


def pathway_create(w):
    return lambda a: pathways.pathway_create(actor=a, organization=w["org"], name="Second way",
                                             steps=[{"kind": "orientation", "title": "Hello"}])  # fmt: skip


def pathway_update(w):
    return lambda a: pathways.pathway_update(actor=a, pathway=w["pathway"],
                                             values={"name": "The way in"})  # fmt: skip


def step_add(w):
    return lambda a: pathways.step_add(actor=a, pathway=w["pathway"], kind="orientation",
                                       title="Open day")  # fmt: skip


def step_update(w):
    step = step_of(w["pathway"], "orientation")
    return lambda a: pathways.step_update(actor=a, step=step, values={"title": "Welcome"})


def step_move(w):
    step = step_of(w["pathway"], "course")
    return lambda a: pathways.step_move(actor=a, step=step, position=1)


def step_remove(w):
    step = pathways.step_add(actor=system_actor(), pathway=w["pathway"], kind="orientation",
                             title="Open day")  # fmt: skip
    return lambda a: pathways.step_remove(actor=a, step=step)


def application_apply(w):
    other = pathways.pathway_create(actor=system_actor(), organization=w["org"], name="Consumers",
                                    steps=[{"kind": "agreement", "title": "Sign",
                                            "settings": {"documents": ["Rules"]}}])  # fmt: skip
    return lambda a: pathways.application_apply(actor=a, pathway=other)


def application_apply_network(w):
    return lambda a: pathways.application_apply(actor=a, pathway=w["network_pathway"],
                                                organization=w["hilltop"])  # fmt: skip


def step_complete(w):
    system, application = system_actor(), w["application"]
    vetting = step_of(w["pathway"], "vetting")
    pathways.vetting_record(actor=system, application=application, step=vetting,
                            checklist=dict.fromkeys(CHECKLIST, True))  # fmt: skip
    return lambda a: pathways.step_complete(actor=a, application=application, step=vetting)


def step_complete_mentorship(w):
    mentors.meeting_log(actor=w["mentor"], mentorship=w["mentorship"], on=today())
    step = step_of(w["pathway"], "mentorship")
    return lambda a: pathways.step_complete(actor=a, application=w["application"], step=step)


def step_complete_course(w):
    do_course(w["applicant"], w["course"])
    step = step_of(w["pathway"], "course")
    return lambda a: pathways.step_complete(actor=a, application=w["application"], step=step)


def attendance_record(w):
    step = step_of(w["pathway"], "orientation")
    return lambda a: pathways.attendance_record(actor=a, application=w["application"], step=step,
                                                on=today())  # fmt: skip


def vetting_record(w):
    step = step_of(w["pathway"], "vetting")
    return lambda a: pathways.vetting_record(actor=a, application=w["application"], step=step,
                                             notes="Kind and careful")  # fmt: skip


def agreement_sign(w):
    step = step_of(w["pathway"], "agreement")
    return lambda a: pathways.agreement_sign(actor=a, application=w["application"], step=step)


def hours_log(w):
    return lambda a: pathways.hours_log(actor=a, application=w["application"], on=today(),
                                        hours="7.5")  # fmt: skip


def application_make_candidate(w):
    application = _before_probation(w)
    return lambda a: pathways.application_make_candidate(actor=a, application=application)


def admission_to_vote(w):
    admission = step_of(w["pathway"], "admission")
    pathways.step_update(
        actor=system_actor(), step=admission, values={"settings": {"by_poll": True}}
    )
    application = _ready(w)
    return lambda a: pathways.admission_to_vote(actor=a, application=application)


def application_admit(w):
    application = _ready(w)
    return lambda a: pathways.application_admit(actor=a, application=application)


def application_withdraw(w):
    return lambda a: pathways.application_withdraw(actor=a, application=w["application"])


def application_refuse(w):
    return lambda a: pathways.application_refuse(actor=a, application=w["application"],
                                                 reason="Not this year")  # fmt: skip


def application_pause(w):
    return lambda a: pathways.application_pause(actor=a, application=w["application"])


def application_resume(w):
    application = pathways.application_pause(actor=system_actor(), application=w["application"])
    return lambda a: pathways.application_resume(actor=a, application=application)


def application_leave(w):
    application = _member(w)
    return lambda a: pathways.application_leave(actor=a, application=application, on=today(),
                                                 reason="Moving away")  # fmt: skip


def survey_answer(w):
    application = _member(w)
    return lambda a: pathways.survey_answer(actor=a, application=application, when="admission",
                                            answers={"orientation": 4})  # fmt: skip


def mentor_offer_set(w):
    return lambda a: mentors.mentor_offer_set(actor=a, organization=w["org"], capacity=3)


def mentorship_propose(w):
    return lambda a: mentors.mentorship_propose(actor=a, application=w["application"],
                                                mentor=w["member"])  # fmt: skip


def mentorship_answer(w):
    proposal = mentors.mentorship_propose(actor=system_actor(), application=w["application"],
                                          mentor=w["member"])  # fmt: skip
    return lambda a: mentors.mentorship_answer(actor=a, mentorship=proposal, accept=True)


def meeting_log(w):
    return lambda a: mentors.meeting_log(actor=a, mentorship=w["mentorship"], on=today(),
                                         notes="Talked about shifts")  # fmt: skip


MANAGERS = {"admin", "staff"}  # define the pathway: its coordinators and staff
COORDINATORS = {"admin"}  # act on its applications: its coordinators only
EVERYONE = set(WHO) - {"anonymous"}

# each write: (set-up returning the call, who may make it, the audit action it records)
MATRIX: dict[Setup, tuple[set[str], str]] = {
    pathway_create: (MANAGERS, "pathway.create"),
    pathway_update: (MANAGERS, "pathway.update"),
    step_add: (MANAGERS, "pathway.step_add"),
    step_update: (MANAGERS, "pathway.step_update"),
    step_move: (MANAGERS, "pathway.step_move"),
    step_remove: (MANAGERS, "pathway.step_remove"),
    # anyone signed in applies for themselves to an organisation's open pathway…
    application_apply: (EVERYONE, "membership_application.apply"),
    # …and those who speak for a co-op apply for it to a network it is not in
    application_apply_network: ({"hilltop_admin"}, "membership_application.apply"),
    step_complete: (COORDINATORS, "membership_step.complete"),
    step_complete_mentorship: (COORDINATORS | {"mentor"}, "membership_step.complete"),
    step_complete_course: (COORDINATORS | {"applicant"}, "membership_step.complete"),
    attendance_record: (COORDINATORS, "membership_step.attendance"),
    vetting_record: (COORDINATORS, "membership_step.vetting"),
    agreement_sign: ({"applicant"}, "membership_step.sign"),
    hours_log: (COORDINATORS | {"applicant"}, "membership_application.hours"),
    application_make_candidate: (COORDINATORS, "membership_application.candidate"),
    admission_to_vote: (COORDINATORS, "membership_application.to_vote"),
    application_admit: (COORDINATORS, "membership_application.admit"),
    application_withdraw: ({"applicant"}, "membership_application.withdraw"),
    application_refuse: (COORDINATORS, "membership_application.refuse"),
    application_pause: (COORDINATORS | {"applicant"}, "membership_application.pause"),
    application_resume: (COORDINATORS | {"applicant"}, "membership_application.resume"),
    application_leave: (COORDINATORS | {"applicant"}, "membership_application.leave"),
    survey_answer: ({"applicant"}, "membership_application.survey"),
    # Riverside's people offer to mentor for it
    mentor_offer_set: ({"member", "admin", "mentor"}, "mentor_offer.set"),
    mentorship_propose: (COORDINATORS, "mentorship.propose"),
    mentorship_answer: ({"member"}, "mentorship.accept"),  # the proposed mentor only
    meeting_log: ({"mentor", "applicant"}, "mentorship.meeting"),
}
# the set-ups that are variants of one service
SERVICE_OF = {
    "application_apply_network": "application_apply",
    "step_complete_mentorship": "step_complete",
    "step_complete_course": "step_complete",
}


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("write", list(MATRIX), ids=lambda f: f.__name__)
def test_who_may_make_each_write(world, write, who):
    allowed, action = MATRIX[write]
    call = write(world)
    actor = actor_of(world, who)
    before = snapshot()
    last = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    if who not in allowed:
        with pytest.raises(PermissionDenied):
            call(actor)
        assert snapshot() == before
        return
    call(actor)
    events = AuditEvent.objects.filter(pk__gt=last).order_by("pk")
    assert list(events.filter(action=action).values_list("actor_name", "actor_id")) == [
        (actor.username, actor.pk)
    ]
    # the registers' and the directory's own events, by the actor or (for those the
    # actor does not keep) the system
    assert set(events.values_list("actor_name", flat=True)) <= {actor.username, "intercoop-system"}


@pytest.mark.parametrize("write", list(MATRIX), ids=lambda f: f.__name__)
def test_a_service_called_without_a_user_refuses(world, write):
    call = write(world)
    before = snapshot()
    with pytest.raises(PermissionDenied):
        call(None)
    assert snapshot() == before


# who sees what ---------------------------------------------------------------------------------

READS = {
    # an application: its candidate, its mentor, the coordinators and staff
    "application": ({"applicant", "mentor", "admin", "staff"},
                    permissions.can_view_application, permissions.access_application),
    # its notes: the candidate, its mentor and the coordinators, no one else
    "notes": ({"applicant", "mentor", "admin"}, permissions.can_view_notes,
              selectors.application_notes),
    # the board: the coordinators and staff
    "board": (MANAGERS, permissions.can_view_board, permissions.access_board),
    "survey": (MANAGERS, permissions.can_view_survey_summary, permissions.access_survey_summary),
}  # fmt: skip


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("read", list(READS))
def test_who_sees_what(world, read, who):
    allowed, can, access = READS[read]
    target = world["pathway"] if read in ("board", "survey") else world["application"]
    actor = actor_of(world, who)
    assert can(actor, target) is (who in allowed)
    if who in allowed:
        access(actor, target)
    else:
        with pytest.raises(PermissionDenied):
            access(actor, target)


def test_a_network_application_is_seen_by_its_co_op_and_the_network_coordinators(world):
    application = pathways.application_apply(actor=world["hilltop_admin"],
                                             pathway=world["network_pathway"],
                                             organization=world["hilltop"])  # fmt: skip
    seen = {who for who in WHO if permissions.can_view_application(actor_of(world, who),
                                                                    application)}  # fmt: skip
    assert seen == {"hilltop_admin", "coordinator", "staff"}
    notes = {who for who in WHO if permissions.can_view_notes(actor_of(world, who), application)}
    assert notes == {"hilltop_admin", "coordinator"}


def _writes(module: Any) -> set[str]:
    return {
        name
        for name, f in vars(module).items()
        if inspect.isfunction(f)
        and f.__module__ == module.__name__
        and not name.startswith("_")
        and _takes_actor(f)
    }


def _takes_actor(function: Any) -> bool:
    """A write takes its actor as a keyword (reads such as `mentor_suggestions` do not)."""
    actor = inspect.signature(function).parameters.get("actor")
    return actor is not None and actor.kind is inspect.Parameter.KEYWORD_ONLY


def test_the_matrix_covers_every_write_service():
    """A new write service (one that takes `actor=`) must join the matrix."""
    covered = {SERVICE_OF.get(f.__name__, f.__name__) for f in MATRIX}
    assert _writes(pathways) | _writes(transitions) | _writes(mentors) == covered
    others = {
        name
        for module in (pathways, transitions, mentors)
        for name, f in vars(module).items()
        if inspect.isfunction(f) and f.__module__ == module.__name__
        and not name.startswith("_") and name not in covered
    }  # fmt: skip
    # reads, and what other apps' events call (no actor)
    assert others == {"settle", "course_completed", "offers_for", "used_capacity",
                      "mentor_suggestions", "alike"}  # fmt: skip
