"""Pathways and applications: defining a pathway, applying, each kind of step and who
completes it, every transition and its permission, who reads an application's notes
(the candidate, its mentors and the coordinators: no one else), the survey."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from intercoop.conftest import make_user
from intercoop.core.errors import DomainError, InvalidValues
from intercoop.core.models import AuditEvent, Notification
from intercoop.directory.models import OrganizationRole
from intercoop.membership import mentors, pathways, permissions, selectors, steps
from intercoop.membership.completion import lesson_done
from intercoop.membership.models import (
    Application,
    Member,
    Mentorship,
    Pathway,
    Step,
    StepRecord,
    SurveyResponse,
)
from intercoop.membership.tests.courses import lessons_of
from intercoop.membership.tests.pathway_world import (
    CHECKLIST,
    DOCUMENTS,
    apply,
    apply_network,
    before_probation,
    build_world,
    buy_in,
    do_course,
    pair,
    ready_for_admission,
    step_of,
)

D = Decimal


@pytest.fixture
def w(network, org, people):
    return build_world(network, org, people)


def today() -> dt.date:
    return timezone.localdate()


def record_of(application: Application, kind: str) -> StepRecord:
    return StepRecord.objects.get(application=application, step__kind=kind)


def done(application: Application) -> list[str]:
    return list(
        StepRecord.objects.filter(application=application, completed_at__isnull=False)
        .order_by("step__position")
        .values_list("step__kind", flat=True)
    )


# the pathway -----------------------------------------------------------------------------


def test_a_pathway_is_made_with_its_steps_in_order(w):
    pathway = w["pathway"]
    assert (pathway.slug, pathway.organization, pathway.network, pathway.open) == (
        "worker-owner-pathway", w["org"], None, True,
    )  # fmt: skip
    rows = list(
        pathway.steps.order_by("position").values_list(
            "position", "kind", "title", "settings", "course_id", "days_to_complete"
        )
    )
    assert rows == [
        (1, "orientation", "Orientation evening", {"sessions": 1}, None, 14),
        (2, "course", "Co-op principles", {}, w["course"].pk, 30),
        (3, "mentorship", "Meet your mentor", {"meetings": 1}, None, None),
        (4, "vetting", "Interview", {"checklist": CHECKLIST}, None, 7),
        (5, "probation", "Probation",
         {"days": 0, "hours": "10.00", "recent_hours": "5.00", "recent_months": 6}, None, None),
        (6, "equity", "Buy-in", {"share_class": w["share_class"].pk}, None, None),
        (7, "agreement", "Sign the agreements", {"documents": DOCUMENTS}, None, None),
        (8, "admission", "Admission", {"by_poll": False}, None, None),
    ]  # fmt: skip
    event = AuditEvent.objects.get(action="pathway.create", object_id=str(pathway.pk))
    assert (event.summary, event.actor_name) == (
        "Worker-owner pathway: 8 steps (Riverside Bakery Co-op)", "admin",
    )  # fmt: skip


def test_bad_steps_name_the_step_and_its_field_and_nothing_is_written(w):
    count = Pathway.objects.count()
    admin, org = w["admin"], w["org"]
    with pytest.raises(InvalidValues) as error:
        pathways.pathway_create(actor=admin, organization=org, name="Bad", steps=[
            {"kind": "orientation", "title": " "},
            {"kind": "party", "title": "Fun"},
            {"kind": "course", "title": "A course"},
            {"kind": "probation", "title": "P", "settings": {"hours": "10", "recent_hours": "11"}},
            {"kind": "orientation", "title": "O", "days_to_complete": 0},
        ])  # fmt: skip
    assert error.value.errors == {
        "steps.1.title": "is required",
        "steps.2.kind": "is not a kind of step",
        "steps.3.course": "Choose the course to complete",
        "steps.4.recent_hours": "is at most the hours in all",
        "steps.5.days_to_complete": "must be a whole number from 1 to 3650",
    }
    with pytest.raises(InvalidValues) as error:
        pathways.pathway_create(actor=admin, organization=org, name="Bad", steps=[
            {"kind": "admission", "title": "In"}, {"kind": "orientation", "title": "O"},
        ])  # fmt: skip
    assert error.value.errors == {"position": "The admission is the pathway's last step"}
    with pytest.raises(InvalidValues) as error:
        pathways.pathway_create(actor=w["coordinator"], network=w["network"], name="Bad",
                                steps=[{"kind": "equity", "title": "Shares"}])  # fmt: skip
    assert error.value.errors == {
        "steps.1.kind": "An equity buy-in is a step of an organisation's pathway"
    }
    with pytest.raises(InvalidValues) as error:
        pathways.pathway_create(actor=admin, organization=org, name="")
    assert error.value.errors == {"name": "is required"}
    assert Pathway.objects.count() == count


def test_steps_are_added_moved_and_removed_and_open_applications_follow(w):
    pathway, admin = w["pathway"], w["admin"]
    application = apply(w)
    added = pathways.step_add(actor=admin, pathway=pathway, kind="orientation",
                              title="Second evening", settings={"sessions": 2})  # fmt: skip
    kinds = list(pathway.steps.order_by("position").values_list("title", flat=True))
    assert kinds[-2:] == ["Second evening", "Admission"]  # before the admission
    assert added.position == 8
    assert StepRecord.objects.filter(application=application, step=added, due_on=None).exists()
    pathways.step_move(actor=admin, step=added, position=1)
    titles = list(pathway.steps.order_by("position").values_list("title", flat=True))
    assert titles[:2] == ["Second evening", "Orientation evening"]
    with pytest.raises(InvalidValues):
        pathways.step_move(actor=admin, step=step_of(pathway, "admission"), position=1)
    pathways.step_update(actor=admin, step=added, values={"title": "Open day"})
    added.refresh_from_db()
    assert (added.title, added.settings) == ("Open day", {"sessions": 2})
    pathways.step_remove(actor=admin, step=added)
    assert list(pathway.steps.order_by("position").values_list("position", "kind"))[:2] == [
        (1, "orientation"), (2, "course"),
    ]  # fmt: skip
    pathways.attendance_record(actor=admin, application=application,
                               step=step_of(pathway, "orientation"), on=today())  # fmt: skip
    with pytest.raises(DomainError, match="completed this step"):
        pathways.step_remove(actor=admin, step=step_of(pathway, "orientation"))
    pathways.pathway_update(actor=admin, pathway=pathway, values={"open": False})
    with pytest.raises(PermissionDenied):
        pathways.application_apply(actor=make_user("late"), pathway=pathway)


# applying ---------------------------------------------------------------------------------


def test_applying_gives_each_step_its_due_date_and_tells_the_coordinators(w):
    application = apply(w)
    assert (application.status, application.user, application.motivation) == (
        "applicant", w["applicant"], "I love bread",
    )  # fmt: skip
    due = dict(
        StepRecord.objects.filter(application=application).values_list("step__kind", "due_on")
    )
    start = today()
    assert due == {
        "orientation": start + dt.timedelta(days=14),
        "course": start + dt.timedelta(days=44),
        "mentorship": None,
        "vetting": start + dt.timedelta(days=51),
        "probation": start + dt.timedelta(days=51),  # 0 days from the vetting's date
        "equity": None,
        "agreement": None,
        "admission": None,
    }
    assert list(Notification.objects.filter(kind="membership").values_list("user__username",
                                                                            "subject")) == [
        ("admin", "applicant applied to Worker-owner pathway"),
    ]  # fmt: skip
    with pytest.raises(DomainError, match="already"):
        apply(w)


def test_a_network_pathway_takes_organisations_from_those_who_speak_for_them(w):
    network_pathway = w["network_pathway"]
    hilltop = w["hilltop"]
    for who in ("hilltop_member", "outsider", "coordinator", "staff"):
        assert not permissions.can_apply(w[who], network_pathway, hilltop)
    # a member co-op does not apply to the network it is in
    assert not permissions.can_apply(w["admin"], network_pathway, w["org"])
    # nor does a person apply for themselves to a network's pathway
    assert not permissions.can_apply(w["hilltop_admin"], network_pathway)
    application = apply_network(w, "hilltop_editor")
    assert (application.organization, application.user, application.status) == (
        hilltop, None, "applicant",
    )  # fmt: skip
    assert permissions.is_candidate(w["hilltop_admin"], application)
    assert not permissions.is_candidate(w["hilltop_member"], application)


# steps -------------------------------------------------------------------------------------


def test_orientation_attendance_is_recorded_by_the_coordinators(w):
    application = apply(w)
    step = step_of(w["pathway"], "orientation")
    for who in ("applicant", "member", "mentor", "coordinator", "staff"):
        with pytest.raises(PermissionDenied):
            pathways.attendance_record(actor=w[who], application=application, step=step,
                                       on=today())  # fmt: skip
    record = pathways.attendance_record(actor=w["admin"], application=application, step=step,
                                        on=today(), notes="Asked good questions")  # fmt: skip
    assert record.data == {"sessions": [today().isoformat()]}
    assert (record.completed_by, record.notes) == (w["admin"], "Asked good questions")
    with pytest.raises(DomainError, match="recorded already"):
        pathways.attendance_record(actor=w["admin"], application=application, step=step,
                                   on=today())  # fmt: skip
    with pytest.raises(InvalidValues):
        pathways.attendance_record(actor=w["admin"], application=application, step=step,
                                   on=today() + dt.timedelta(days=1))  # fmt: skip


def test_a_course_step_completes_when_the_person_completes_the_course(w):
    application = apply(w)
    step = step_of(w["pathway"], "course")
    with pytest.raises(DomainError, match="The course is not completed yet"):
        pathways.step_complete(actor=w["applicant"], application=application, step=step)
    # the candidate follows the course in the curriculum: the last lesson completes it
    for lesson in lessons_of(w["course"]):
        lesson_done(actor=w["applicant"], lesson=lesson)
    record = record_of(application, "course")
    assert record.completed_at is not None and record.completed_by is None
    assert done(application) == ["course"]


def test_a_course_done_before_applying_counts(w):
    do_course(w["applicant"], w["course"])
    application = apply(w)
    assert done(application) == []
    # a transition settles it first: the course is not among the steps still to do…
    with pytest.raises(DomainError) as error:
        pathways.application_make_candidate(actor=w["admin"], application=application)
    assert error.value.message == (
        "Complete these steps first: Orientation evening, Meet your mentor, Interview"
    )
    assert done(application) == []  # …but the refused transition wrote nothing
    assert [r.step.kind for r in pathways.settle(application)] == ["course"]
    assert done(application) == ["course"]


def test_mentorship_completes_by_the_mentor_after_the_meetings(w):
    application = apply(w)
    step = step_of(w["pathway"], "mentorship")
    mentorship = pair(w, application)
    with pytest.raises(DomainError, match="Not enough meetings"):
        pathways.step_complete(actor=w["mentor"], application=application, step=step)
    mentors.meeting_log(actor=w["applicant"], mentorship=mentorship, on=today(), notes="Coffee")
    for who in ("member", "applicant", "coordinator", "staff"):
        with pytest.raises(PermissionDenied):
            pathways.step_complete(actor=w[who], application=application, step=step)
    record = pathways.step_complete(actor=w["mentor"], application=application, step=step,
                                    notes="Ready")  # fmt: skip
    assert (record.completed_by, record.notes) == (w["mentor"], "Ready")
    with pytest.raises(DomainError, match="complete already"):
        pathways.step_complete(actor=w["admin"], application=application, step=step)


def test_vetting_needs_every_check_ticked(w):
    application = apply(w)
    step = step_of(w["pathway"], "vetting")
    with pytest.raises(PermissionDenied):
        pathways.vetting_record(actor=w["applicant"], application=application, step=step,
                                notes="I am great")  # fmt: skip
    pathways.vetting_record(actor=w["admin"], application=application, step=step,
                            notes="Calm and clear", checklist={"Interview held": True},
                            references=[{"name": "Ana", "notes": "Reliable"}])  # fmt: skip
    with pytest.raises(DomainError, match="Tick every item"):
        pathways.step_complete(actor=w["admin"], application=application, step=step)
    with pytest.raises(InvalidValues):
        pathways.vetting_record(actor=w["admin"], application=application, step=step,
                                checklist={"Astrology": True})  # fmt: skip
    record = pathways.vetting_record(actor=w["admin"], application=application, step=step,
                                     checklist={"References checked": True})  # fmt: skip
    assert record.data == {
        "references": [{"name": "Ana", "notes": "Reliable"}],
        "checklist": {"Interview held": True, "References checked": True},
    }
    assert record.notes == "Calm and clear"
    pathways.step_complete(actor=w["admin"], application=application, step=step)
    # the notes stay out of the audit trail, which more people read
    summaries = AuditEvent.objects.filter(action="membership_step.vetting").values_list(
        "summary", flat=True
    )
    assert list(summaries) == ["applicant: vetting recorded"] * 2


def test_the_candidate_signs_the_agreements_and_coordinators_record_paper(w):
    application = apply(w)
    step = step_of(w["pathway"], "agreement")
    with pytest.raises(PermissionDenied):
        pathways.agreement_sign(actor=w["admin"], application=application, step=step)
    pathways.agreement_sign(actor=w["applicant"], application=application, step=step,
                            documents=["Rules"])  # fmt: skip
    assert done(application) == []
    with pytest.raises(DomainError, match="signed already"):
        pathways.agreement_sign(actor=w["applicant"], application=application, step=step,
                                documents=["Rules"])  # fmt: skip
    record = pathways.agreement_sign(actor=w["applicant"], application=application, step=step)
    assert sorted(record.data["signed"]) == sorted(DOCUMENTS)
    assert record.data["signed"]["Rules"]["by"] == "applicant"
    assert done(application) == ["agreement"]
    # on paper: the coordinators complete it for another applicant
    other = pathways.application_apply(actor=w["outsider"], pathway=w["pathway"])
    with pytest.raises(PermissionDenied):
        pathways.step_complete(actor=w["outsider"], application=other, step=step)
    pathways.step_complete(actor=w["admin"], application=other, step=step, notes="Signed on paper")
    assert done(other) == ["agreement"]


def test_probation_completes_from_its_days_and_hours_corrections_included(w):
    application = apply(w)
    before_probation(w, application)
    pathways.application_make_candidate(actor=w["admin"], application=application)
    step = step_of(w["pathway"], "probation")
    with pytest.raises(DomainError, match="time or hours"):
        pathways.step_complete(actor=w["admin"], application=application, step=step)
    pathways.hours_log(actor=w["applicant"], application=application, on=today(), hours="6")
    pathways.hours_log(actor=w["admin"], application=application, on=today(), hours="-0.50",
                       note="Counted twice")  # fmt: skip
    assert "probation" not in done(application)  # 5.50 hours
    pathways.hours_log(actor=w["admin"], application=application, on=today(), hours="4.5")
    assert "probation" in done(application)  # 10.00 hours exactly: the hours log settles it
    check = selectors.hours_summary(application)
    assert (check.total_logged, check.recent_logged, check.met) == (D("10.00"), D("10.00"), True)
    for bad in ("0", "1001", "1.234", "many"):
        with pytest.raises(InvalidValues):
            pathways.hours_log(actor=w["applicant"], application=application, on=today(),
                               hours=bad)  # fmt: skip
    for who in ("member", "mentor", "coordinator", "staff"):
        with pytest.raises(PermissionDenied):
            pathways.hours_log(actor=w[who], application=application, on=today(), hours="1")


def test_the_equity_step_completes_when_the_minimum_is_paid(w):
    application = apply(w)
    buy_in(w, application)
    step = step_of(w["pathway"], "equity")
    record = pathways.step_complete(actor=w["admin"], application=application, step=step)
    assert record.completed_by == w["admin"]


def test_nobody_completes_the_admission_as_a_step(w):
    application = ready_for_admission(w, apply(w))
    step = step_of(w["pathway"], "admission")
    for who in ("admin", "applicant", "mentor", "staff", "system"):
        with pytest.raises(PermissionDenied):
            pathways.step_complete(actor=w[who], application=application, step=step)


# transitions -----------------------------------------------------------------------------------


def test_becoming_a_candidate_needs_the_steps_before_probation(w):
    application = apply(w)
    with pytest.raises(DomainError) as error:
        pathways.application_make_candidate(actor=w["admin"], application=application)
    assert error.value.message == (
        "Complete these steps first: Orientation evening, Co-op principles, Meet your mentor, "
        "Interview"
    )
    before_probation(w, application)
    for who in ("applicant", "mentor", "member", "coordinator", "staff"):
        with pytest.raises(PermissionDenied):
            pathways.application_make_candidate(actor=w[who], application=application)
    pathways.application_make_candidate(actor=w["admin"], application=application)
    application.refresh_from_db()
    assert (application.status, application.candidate_since) == ("candidate", today())
    assert record_of(application, "probation").due_on == today()  # 0 days from today
    assert Notification.objects.filter(
        user=w["applicant"], subject="You are a candidate on Worker-owner pathway"
    ).exists()
    with pytest.raises(PermissionDenied):  # only an applicant becomes a candidate
        pathways.application_make_candidate(actor=w["admin"], application=application)


def test_the_candidate_withdraws_and_the_coordinators_hear_of_it(w):
    application = apply(w)
    mentorship = pair(w, application)
    for who in ("admin", "mentor", "member", "staff", "outsider"):
        with pytest.raises(PermissionDenied):
            pathways.application_withdraw(actor=w[who], application=application)
    pathways.application_withdraw(actor=w["applicant"], application=application,
                                  reason="Moving away")  # fmt: skip
    application.refresh_from_db()
    assert (application.status, application.ended_on, application.reason) == (
        "withdrawn", today(), "Moving away",
    )  # fmt: skip
    mentorship.refresh_from_db()
    assert mentorship.status == "ended"
    assert Notification.objects.filter(
        user=w["admin"], subject="applicant withdrew from Worker-owner pathway"
    ).exists()
    with pytest.raises(PermissionDenied):  # not open any more
        pathways.application_withdraw(actor=w["applicant"], application=application)


def test_the_coordinators_refuse_with_a_reason(w):
    application = apply(w)
    for who in ("applicant", "mentor", "member", "coordinator", "staff"):
        with pytest.raises(PermissionDenied):
            pathways.application_refuse(actor=w[who], application=application, reason="No")
    with pytest.raises(InvalidValues) as error:
        pathways.application_refuse(actor=w["admin"], application=application, reason="  ")
    assert error.value.errors == {"reason": "Say why the application is refused"}
    pathways.application_refuse(actor=w["admin"], application=application,
                                reason="We are not hiring this year")  # fmt: skip
    application.refresh_from_db()
    assert (application.status, application.reason) == ("refused", "We are not hiring this year")
    note = Notification.objects.get(user=w["applicant"], kind="membership",
                                    subject__startswith="Your application")  # fmt: skip
    assert (note.subject, note.body) == (
        "Your application to Riverside Bakery Co-op was refused",
        "The reason given: We are not hiring this year",
    )


def test_an_application_pauses_and_resumes_where_it_was(w):
    application = apply(w)
    for who in ("mentor", "member", "coordinator", "staff"):
        with pytest.raises(PermissionDenied):
            pathways.application_pause(actor=w[who], application=application)
    pathways.application_pause(actor=w["applicant"], application=application)
    assert (application.status, application.paused_from) == ("paused", "applicant")
    # nothing moves while it is paused
    with pytest.raises(PermissionDenied):
        pathways.attendance_record(actor=w["admin"], application=application,
                                   step=step_of(w["pathway"], "orientation"), on=today())  # fmt: skip
    with pytest.raises(PermissionDenied):
        pathways.application_make_candidate(actor=w["admin"], application=application)
    pathways.application_resume(actor=w["admin"], application=application)
    application.refresh_from_db()
    assert (application.status, application.paused_from) == ("applicant", "")
    with pytest.raises(PermissionDenied):
        pathways.application_resume(actor=w["applicant"], application=application)


def test_resuming_moves_the_due_dates_of_the_steps_left_by_the_days_paused(w):
    application = apply(w)
    orientation = step_of(w["pathway"], "orientation")
    records = StepRecord.objects.filter(application=application)
    StepRecord.objects.filter(application=application, step=orientation).update(
        completed_at=timezone.now()
    )
    before = dict(records.values_list("step_id", "due_on"))
    assert any(before.values())
    pathways.application_pause(actor=w["applicant"], application=application)
    assert application.paused_on == today()
    Application.objects.filter(pk=application.pk).update(paused_on=today() - dt.timedelta(days=10))
    application.refresh_from_db()
    pathways.application_resume(actor=w["applicant"], application=application)
    after = dict(records.values_list("step_id", "due_on"))
    assert after == {
        pk: (due if due is None or pk == orientation.pk else due + dt.timedelta(days=10))
        for pk, due in before.items()
    }
    application.refresh_from_db()
    assert (application.status, application.paused_on) == ("applicant", None)
    # paused and resumed the same day: nothing moves
    pathways.application_pause(actor=w["applicant"], application=application)
    pathways.application_resume(actor=w["applicant"], application=application)
    assert dict(records.values_list("step_id", "due_on")) == after
    # a second pause adds up with the first
    pathways.application_pause(actor=w["applicant"], application=application)
    Application.objects.filter(pk=application.pk).update(paused_on=today() - dt.timedelta(days=4))
    application.refresh_from_db()
    pathways.application_resume(actor=w["applicant"], application=application)
    application.refresh_from_db()
    assert application.days_paused == 14
    # withdrawn while paused: no longer paused
    pathways.application_pause(actor=w["applicant"], application=application)
    pathways.application_withdraw(actor=w["applicant"], application=application)
    application.refresh_from_db()
    assert (application.status, application.paused_on) == ("withdrawn", None)


def test_a_probation_runs_longer_by_the_days_paused(w):
    application = apply(w)
    before_probation(w, application)
    pathways.application_make_candidate(actor=w["admin"], application=application)
    pathways.hours_log(actor=w["applicant"], application=application, on=today(), hours="10")
    application.refresh_from_db()
    probation = step_of(w["pathway"], "probation")  # no days, 10 hours: met today
    assert steps.probation_done(application, probation, today())
    application.days_paused = 30  # it was paused for 30 days: it runs 30 days more
    assert not steps.probation_done(application, probation, today() + dt.timedelta(days=29))
    assert steps.probation_done(application, probation, today() + dt.timedelta(days=30))


def test_a_member_leaves_the_register_says_when_and_the_role_goes(w):
    application = ready_for_admission(w, apply(w))
    pathways.application_admit(actor=w["admin"], application=application)
    applicant = w["applicant"]
    assert OrganizationRole.objects.get(organization=w["org"], user=applicant).role == "member"
    for who in ("mentor", "member", "coordinator", "staff", "outsider"):
        with pytest.raises(PermissionDenied):
            pathways.application_leave(actor=w[who], application=application, on=today(),
                                       reason="Retiring")  # fmt: skip
    with pytest.raises(InvalidValues) as error:
        pathways.application_leave(actor=applicant, application=application, on=today(),
                                   reason="")  # fmt: skip
    assert error.value.errors == {"reason": "Say why the member leaves"}
    with pytest.raises(InvalidValues):
        pathways.application_leave(actor=applicant, application=application,
                                   on=today() - dt.timedelta(days=1), reason="Retiring")  # fmt: skip
    pathways.application_leave(actor=applicant, application=application, on=today(),
                               reason="Retiring")  # fmt: skip
    application.refresh_from_db()
    assert (application.status, application.ended_on, application.reason) == (
        "left", today(), "Retiring",
    )  # fmt: skip
    member = Member.objects.get(application=application)
    assert (member.ceased_on, member.ceased_reason) == (today(), "Retiring")
    assert not OrganizationRole.objects.filter(organization=w["org"], user=applicant).exists()


# notes ----------------------------------------------------------------------------------------


NOTES_READERS = {"applicant", "mentor", "admin", "system"}


def test_only_the_candidate_its_mentor_and_the_coordinators_read_the_notes(w):
    application = apply(w)
    before_probation(w, application)
    declined = make_user("declined_mentor")
    OrganizationRole.objects.create(organization=w["org"], user=declined, role="member")
    mentors.mentor_offer_set(actor=declined, organization=w["org"], capacity=1)
    proposal = mentors.mentorship_propose(actor=w["admin"], application=application,
                                          mentor=declined)  # fmt: skip
    mentors.mentorship_answer(actor=declined, mentorship=proposal, accept=False)
    w = w | {"declined_mentor": declined, "anonymous": AnonymousUser(), "nobody": None}
    # the organisation's other member, the network's coordinator and other people, an
    # applicant on another pathway, staff, a mentor who declined, outsiders: no
    others = ["member", "coordinator", "other_coordinator", "hilltop_admin", "staff",
              "outsider", "declined_mentor", "anonymous", "nobody"]  # fmt: skip
    for who in sorted(NOTES_READERS):
        assert permissions.can_view_notes(w[who], application), who
        notes = selectors.application_notes(w[who], application)
        assert [(n.step.kind, n.notes, n.references) for n in notes.steps] == [
            ("vetting", "Strong interview", [{"name": "Ana", "notes": "Reliable"}]),
        ]
        assert [m.notes for m in notes.meetings] == ["Met at the oven"]
    for who in others:
        assert not permissions.can_view_notes(w[who], application), who
        with pytest.raises(PermissionDenied):
            selectors.application_notes(w[who], application)
    # staff see the application (not its notes); the others see nothing of it
    viewers = {who for who in others if permissions.can_view_application(w[who], application)}
    assert viewers == {"staff"}


def test_a_network_applications_notes_are_for_its_speakers_mentor_and_coordinators(w):
    application = apply_network(w)
    step = step_of(w["network_pathway"], "vetting")
    pathways.vetting_record(actor=w["coordinator"], application=application, step=step,
                            notes="Visited their bakery")  # fmt: skip
    pair(w, application, mentor="network_mentor", coordinator="coordinator")
    readers = {"hilltop_admin", "hilltop_editor", "network_mentor", "coordinator", "system"}
    everyone = readers | {"hilltop_member", "admin", "mentor", "other_coordinator", "staff",
                          "outsider", "applicant"}  # fmt: skip
    seen = {who for who in everyone if permissions.can_view_notes(w[who], application)}
    assert seen == readers
    assert selectors.application_notes(w["hilltop_editor"], application).steps[0].notes == (
        "Visited their bakery"
    )


# the survey ----------------------------------------------------------------------------------


def test_new_members_answer_the_survey_once_and_coordinators_see_a_summary(w):
    application = ready_for_admission(w, apply(w))
    with pytest.raises(PermissionDenied):  # not a member yet
        pathways.survey_answer(actor=w["applicant"], application=application,
                               when="admission", answers={"orientation": 5})  # fmt: skip
    pathways.application_admit(actor=w["admin"], application=application)
    with pytest.raises(PermissionDenied):
        pathways.survey_answer(actor=w["admin"], application=application, when="admission",
                               answers={"orientation": 5})  # fmt: skip
    with pytest.raises(InvalidValues) as error:
        pathways.survey_answer(actor=w["applicant"], application=application, when="admission",
                               answers={"orientation": 6, "vibes": 5, "course": True})  # fmt: skip
    assert error.value.errors == {
        "orientation": "is a rating from 1 to 5",
        "vibes": "is not a question of the survey",
        "course": "is a rating from 1 to 5",
    }
    pathways.survey_answer(actor=w["applicant"], application=application, when="admission",
                           answers={"orientation": 5, "course": 4, "mentorship": 5,
                                    "comment": "More baking, please"})  # fmt: skip
    with pytest.raises(DomainError, match="answered already"):
        pathways.survey_answer(actor=w["applicant"], application=application, when="admission",
                               answers={"orientation": 1})  # fmt: skip
    with pytest.raises(DomainError, match="six months after"):
        pathways.survey_answer(actor=w["applicant"], application=application, when="six-months",
                               answers={"orientation": 1})  # fmt: skip
    # six months on
    Application.objects.filter(pk=application.pk).update(
        member_since=today() - dt.timedelta(days=200)
    )
    application.refresh_from_db()
    pathways.survey_answer(actor=w["applicant"], application=application, when="six-months",
                           answers={"orientation": 2, "course": 3})  # fmt: skip
    assert SurveyResponse.objects.filter(application=application).count() == 2
    summary = selectors.survey_summary(w["pathway"])
    means = {q.key: (q.count, q.mean) for q in summary.questions}
    assert means["orientation"] == (2, D("3.50"))
    assert means["course"] == (2, D("3.50"))
    assert means["mentorship"] == (1, D("5.00"))
    assert means["admission"] == (0, None)
    assert (summary.comments, summary.responses) == (["More baking, please"], 2)
    assert not permissions.can_view_survey_summary(w["applicant"], w["pathway"])
    assert permissions.can_view_survey_summary(w["admin"], w["pathway"])


def test_the_applications_steps_show_their_progress(w):
    application = apply(w)
    pathways.vetting_record(actor=w["admin"], application=application,
                            step=step_of(w["pathway"], "vetting"),
                            checklist={"Interview held": True})  # fmt: skip
    pathways.hours_log(actor=w["applicant"], application=application, on=today(), hours="3.5")
    views = selectors.application_steps(application)
    assert [(v.step.kind, v.complete, v.current, v.progress) for v in views] == [
        ("orientation", False, True, "0 of 1 sessions"),
        ("course", False, False, ""),
        ("mentorship", False, False, "0 of 1 meetings"),
        ("vetting", False, False, "1 of 2 checks"),
        ("probation", False, False, "3.50 of 10.00 hours"),
        ("equity", False, False, ""),
        ("agreement", False, False, "0 of 2 documents signed"),
        ("admission", False, False, ""),
    ]
    mine = selectors.my_applications(w["applicant"])
    assert [(v.application, v.step.kind, v.who) for v in mine] == [
        (application, "orientation", "coordinators")
    ]
    assert Mentorship.objects.count() == 0
    assert Step.objects.filter(pathway=w["pathway"]).count() == 8


def test_an_organisations_pathway_adopts_its_courses_in_the_library(w):
    from intercoop.membership.models import CourseUse

    assert list(CourseUse.objects.values_list("course", "organization")) == [
        (w["course"].pk, w["org"].pk)
    ]
