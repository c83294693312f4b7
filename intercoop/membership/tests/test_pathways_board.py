"""The coordinators' board (every open application, its current step, who must act and
by when, in three queries whatever their number), a person's dashboard, and reminders of
overdue steps (once)."""

import datetime as dt

import pytest
from django.utils import timezone

from intercoop.conftest import make_user
from intercoop.core.dashboard import tasks_for
from intercoop.core.models import Notification
from intercoop.core.periodic import PERIODIC
from intercoop.membership import mentors, pathways, selectors
from intercoop.membership.dashboard import dashboard_tasks
from intercoop.membership.models import StepRecord
from intercoop.membership.reminders import steps_remind
from intercoop.membership.tasks import reminders_tick
from intercoop.membership.tests.pathway_world import (
    apply,
    build_world,
    do_course,
    pair,
    step_of,
)


@pytest.fixture
def w(network, org, people):
    return build_world(network, org, people)


def today() -> dt.date:
    return timezone.localdate()


def _due(application, kind, on):
    StepRecord.objects.filter(application=application, step__kind=kind).update(due_on=on)


def _board_world(w):
    """A: on the orientation; B: past it and the course, waiting for a mentor; C: its
    orientation overdue; D: paused; E: withdrawn (off the board)."""
    a = apply(w)
    b = pathways.application_apply(actor=w["outsider"], pathway=w["pathway"])
    pathways.attendance_record(actor=w["admin"], application=b,
                               step=step_of(w["pathway"], "orientation"), on=today())  # fmt: skip
    do_course(w["outsider"], w["course"])
    pathways.settle(b)
    c = pathways.application_apply(actor=make_user("carla"), pathway=w["pathway"])
    _due(c, "orientation", today() - dt.timedelta(days=2))
    d = pathways.application_apply(actor=make_user("dani"), pathway=w["pathway"])
    pathways.application_pause(actor=w["admin"], application=d)
    e = pathways.application_apply(actor=make_user("eve"), pathway=w["pathway"])
    pathways.application_withdraw(actor=e.user, application=e)
    return a, b, c, d


def test_the_board_shows_each_open_application_its_step_who_acts_and_by_when(w):
    _a, b, _c, _d = _board_world(w)
    board = selectors.pathway_board(w["pathway"])
    rows = [(r.name, r.status, r.step_kind, r.who, r.due_on, r.overdue) for r in board]
    start = today()
    assert rows == [
        ("carla", "applicant", "orientation", "coordinators", start - dt.timedelta(days=2), True),
        ("applicant", "applicant", "orientation", "coordinators", start + dt.timedelta(days=14),
         False),
        ("dani", "paused", "orientation", "", start + dt.timedelta(days=14), False),
        ("outsider", "applicant", "mentorship", "coordinators", None, False),
    ]  # fmt: skip
    assert board[0].who_label == "The coordinators"
    # a mentor proposed: the mentor acts; accepted: still the mentor, named on the board
    proposal = mentors.mentorship_propose(actor=w["admin"], application=b, mentor=w["mentor"])
    row = next(r for r in selectors.pathway_board(w["pathway"]) if r.application_id == b.pk)
    assert (row.who, row.mentors) == ("mentor", ())
    mentors.mentorship_answer(actor=w["mentor"], mentorship=proposal, accept=True)
    row = next(r for r in selectors.pathway_board(w["pathway"]) if r.application_id == b.pk)
    assert (row.who, row.who_label, row.mentors) == ("mentor", "The mentor", ("mentor",))


def test_the_board_reads_in_four_queries_whatever_the_number(w, django_assert_num_queries):
    _board_world(w)
    with django_assert_num_queries(4):
        assert len(selectors.pathway_board(w["pathway"])) == 4
    for n in range(6):
        pair_with = pathways.application_apply(actor=make_user(f"p{n}"), pathway=w["pathway"])
        if n == 0:
            pair(w, pair_with, mentor="member")
    with django_assert_num_queries(4):
        assert len(selectors.pathway_board(w["pathway"])) == 10


def test_a_persons_applications_and_mentoring(w):
    application = apply(w)
    mentors.mentorship_propose(actor=w["admin"], application=application, mentor=w["mentor"])
    [view] = selectors.my_applications(w["applicant"])
    assert (view.application, view.step.kind, view.who, view.due_on, view.overdue) == (
        application, "orientation", "coordinators", today() + dt.timedelta(days=14), False,
    )  # fmt: skip
    assert selectors.my_applications(w["mentor"]) == []
    [mentoring] = selectors.mentoring(w["mentor"])
    assert (mentoring.name, mentoring.is_proposed, mentoring.meetings) == ("applicant", True, 0)


def test_the_dashboard_lists_what_waits_for_each(w):
    application = apply(w)
    labels = lambda user: [(t.label, t.count) for t in dashboard_tasks(user)]  # noqa: E731
    assert labels(w["applicant"]) == [
        ("Your next step on Worker-owner pathway: Orientation evening", 1)
    ]
    # the orientation waits for the coordinators
    assert labels(w["admin"]) == [
        ("Applications waiting for the coordinators (Worker-owner pathway)", 1)
    ]
    assert labels(w["coordinator"]) == labels(w["outsider"]) == []
    pathways.attendance_record(actor=w["admin"], application=application,
                               step=step_of(w["pathway"], "orientation"), on=today())  # fmt: skip
    assert labels(w["admin"]) == []  # the course waits for the candidate
    do_course(w["applicant"], w["course"])
    pathways.settle(application)
    # a mentorship with no mentor waits for the coordinators again
    assert labels(w["admin"]) == [
        ("Applications waiting for the coordinators (Worker-owner pathway)", 1)
    ]
    proposal = mentors.mentorship_propose(actor=w["admin"], application=application,
                                          mentor=w["mentor"])  # fmt: skip
    assert labels(w["admin"]) == []
    assert labels(w["mentor"]) == [("Requests to mentor a new member, to answer", 1)]
    mentors.mentorship_answer(actor=w["mentor"], mentorship=proposal, accept=True)
    assert labels(w["mentor"]) == [("People you mentor: meet them and log your meetings", 1)]
    # registered for everyone's dashboard
    assert ("Your next step on Worker-owner pathway: Meet your mentor", 1) in [
        (t.label, t.count) for t in tasks_for(w["applicant"])
    ]


def test_overdue_steps_are_reminded_once_to_whoever_must_act(w):
    application = apply(w)
    pair(w, application)
    yesterday = today() - dt.timedelta(days=1)
    for kind in ("orientation", "mentorship", "agreement", "course"):
        _due(application, kind, yesterday)
    do_course(w["applicant"], w["course"])  # done, not yet recorded: completes instead
    Notification.objects.all().delete()
    assert steps_remind(on=today()) == 3
    notes = sorted(Notification.objects.values_list("user__username", "subject"))
    assert notes == [
        ("admin", "Overdue: Orientation evening (applicant)"),
        ("applicant", "Overdue: Sign the agreements (applicant)"),
        ("mentor", "Overdue: Meet your mentor (applicant)"),
    ]
    course = StepRecord.objects.get(application=application, step__kind="course")
    assert course.completed_at is not None
    record = StepRecord.objects.get(application=application, step__kind="orientation")
    assert record.data == {"reminded": today().isoformat()}
    assert steps_remind(on=today()) == 0
    assert Notification.objects.count() == 3
    # a paused application is not reminded of anything
    pathways.application_pause(actor=w["applicant"], application=application)
    _due(application, "vetting", yesterday)
    assert steps_remind(on=today()) == 0


def test_the_reminders_run_as_a_periodic_task(w):
    assert "membership.reminders" in PERIODIC
    application = apply(w)
    _due(application, "orientation", today() - dt.timedelta(days=1))
    result = reminders_tick.enqueue()
    assert result.return_value == {"reminded": 1}
