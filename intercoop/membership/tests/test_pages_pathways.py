"""The pathway pages: an organisation's and a network's membership page (each step with
what it asks, applying), the editor for the coordinators only, the coordinators' board
with its filters and the survey's summary, an application's page (seen by its candidate,
mentors, coordinators and staff; its notes by the candidate, mentors and coordinators
only), every transition and step action through the page, refusals that write nothing,
the hours rule shown, bad values on the forms, "my way in", mentoring and the survey."""

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import timezone

from intercoop.conftest import client_for, make_user
from intercoop.core.bounds import LONG_TEXT
from intercoop.core.models import AuditEvent
from intercoop.core.months import add_months
from intercoop.membership import links, pathways
from intercoop.membership.models import (
    Application,
    HoursEntry,
    Member,
    MentorMeeting,
    MentorOffer,
    Mentorship,
    Pathway,
    Step,
    StepRecord,
    Subscription,
    SurveyResponse,
)
from intercoop.membership.tests.courses import build_course
from intercoop.membership.tests.pathway_world import (
    apply,
    apply_network,
    before_probation,
    build_world,
    do_course,
    ready_for_admission,
    step_of,
)

NOTES = ["Strong interview", "Reliable", "Met at the oven"]


@pytest.fixture
def w(network, org, people):
    return build_world(network, org, people)


def today() -> dt.date:
    return timezone.localdate()


def page(a: Application) -> str:
    return f"/membership/applications/{a.pk}/"


def post(w: dict[str, Any], who: str, a: Application, action: str, key: int = 0, **data: Any):
    return client_for(w[who]).post(page(a), {"action": action, "key": key, **data})


def text(response: Any) -> str:
    return response.content.decode()


def writes() -> tuple[Any, ...]:
    """Everything the pathway pages may write."""
    return (
        list(Application.objects.order_by("pk").values_list(
            "status", "poll_id", "candidate_since", "member_since", "reason", "motivation"
        )),
        list(StepRecord.objects.order_by("pk").values_list("completed_at", "data", "notes")),
        list(Step.objects.order_by("pk").values_list("position", "title", "settings")),
        list(Pathway.objects.order_by("pk").values_list("name", "open")),
        list(Mentorship.objects.order_by("pk").values_list("status", "mentor_id")),
        list(MentorOffer.objects.order_by("pk").values_list("user_id", "capacity")),
        MentorMeeting.objects.count(),
        HoursEntry.objects.count(),
        Subscription.objects.count(),
        SurveyResponse.objects.count(),
        AuditEvent.objects.count(),
    )  # fmt: skip


def tables_wrapped(html: str) -> bool:
    """Every table scrolls inside its .table-wrap (390 px wide phones)."""
    return html.count("<table") == len(re.findall(r'class="table-wrap"[^>]*><table', html))


# the membership page of an organisation or a network ------------------------------------


def test_the_membership_page_says_what_each_step_asks(w):
    response = client_for(None).get(f"/membership/{w['org'].slug}/pathways/")
    assert response.status_code == 200
    html = text(response)
    for said in [
        "Becoming a member of Riverside Bakery Co-op",
        "Worker-owner pathway",
        "How we become worker-owners.",
        "Attend 1 orientation session",
        "Within 14 days",
        'Complete the course: <a href="/membership/courses/co-op-principles/"',
        "Meet your mentor at least 1 time",
        "An interview, and references",
        "Checks: Interview held, References checked",
        "10 hours of work, 5 of them in the last 6 months",
        "Buy 1 share of “Worker share” at 500.00 USD (500.00 USD), paid at once or by "
        "monthly instalments",
        "Sign: Membership agreement, Rules",
        "Admission decided by the coordinators",
        f'href="/membership/pathways/{w["pathway"].pk}/#apply"',
    ]:
        assert said in html, said
    assert "Edit the pathway" not in html and "A new pathway" not in html
    # a network's page: its pathway for organisations
    html = text(client_for(w["outsider"]).get("/membership/valley/pathways/"))
    assert "Becoming a member of Valley Network" in html
    assert "Joining the network" in html and "Checks: Visit" in html
    assert "A mentor accompanies you" in html
    assert client_for(None).get("/membership/nowhere/pathways/").status_code == 404


def test_the_coordinators_find_their_board_editor_and_a_new_pathway_form(w):
    html = text(client_for(w["admin"]).get(f"/membership/{w['org'].slug}/pathways/"))
    pk = w["pathway"].pk
    assert f"/membership/pathways/{pk}/board/" in html
    assert f"/membership/pathways/{pk}/edit/" in html
    assert "A new pathway" in html and "Register of members" in html
    html = text(client_for(w["coordinator"]).get("/membership/valley/pathways/"))
    assert "A new pathway" in html
    assert f"/membership/pathways/{w['network_pathway'].pk}/edit/" in html


def test_a_closed_pathway_is_for_its_coordinators_only(w):
    pathway = w["pathway"]
    pathways.pathway_update(actor=w["admin"], pathway=pathway, values={"open": False})
    for who in ["anonymous", "outsider", "member", "coordinator"]:
        client = client_for(w[who])
        assert "Worker-owner pathway" not in text(
            client.get(f"/membership/{w['org'].slug}/pathways/")
        )
        assert client.get(f"/membership/pathways/{pathway.pk}/").status_code == 404
        assert client.get(f"/membership/pathways/{pathway.pk}/board/").status_code in (302, 404)
    html = text(client_for(w["admin"]).get(f"/membership/pathways/{pathway.pk}/"))
    assert "Closed" in html and "This pathway takes no applications now." in html
    assert client_for(w["staff"]).get(f"/membership/pathways/{pathway.pk}/").status_code == 200


# applying ---------------------------------------------------------------------------------


def test_a_person_applies_through_the_pathway_page(w):
    url = f"/membership/pathways/{w['pathway'].pk}/"
    html = text(client_for(None).get(url))
    assert "Sign in to apply" in html
    response = client_for(None).post(url, {"motivation": "Hi"})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login")
    assert not Application.objects.exists()

    client = client_for(w["applicant"])
    response = client.post(url, {"motivation": "I love bread"})
    application = Application.objects.get()
    assert response.status_code == 302 and response["Location"] == page(application)
    assert (application.user, application.motivation, application.status) == (
        w["applicant"], "I love bread", "applicant",
    )  # fmt: skip
    html = text(client.get(url))
    assert 'name="motivation"' not in html
    assert "The application of applicant: Applicant" in html
    # again: the service's refusal is on the form, nothing written
    before = writes()
    response = client.post(url, {"motivation": "Again"})
    assert response.status_code == 200
    assert "There is an application on this pathway already" in text(response)
    assert writes() == before


def test_a_motivation_too_long_is_refused_on_the_form(w):
    client = client_for(w["outsider"])
    response = client.post(
        f"/membership/pathways/{w['pathway'].pk}/", {"motivation": "x" * (LONG_TEXT + 1)}
    )
    assert response.status_code == 200
    assert "has-error" in text(response) and f"at most {LONG_TEXT} characters" in text(response)
    assert not Application.objects.exists()


def test_an_organisation_applies_to_a_network_through_its_admins_and_editors(w):
    url = f"/membership/pathways/{w['network_pathway'].pk}/"
    html = text(client_for(w["hilltop_editor"]).get(url))
    assert "The organisation that applies" in html and "Hilltop Co-op" in html
    # a plain member of the co-op does not speak for it
    member = client_for(w["hilltop_member"])
    assert 'name="organization"' not in text(member.get(url))
    response = member.post(url, {"organization": w["hilltop"].pk, "motivation": "Us"})
    assert response.status_code == 200 and "has-error" in text(response)
    assert not Application.objects.exists()
    # Riverside's admin: Riverside is a member of the network already
    assert 'name="organization"' not in text(client_for(w["admin"]).get(url))

    response = client_for(w["hilltop_admin"]).post(
        url, {"organization": w["hilltop"].pk, "motivation": "We bake too"}
    )
    application = Application.objects.get()
    assert response["Location"] == page(application)
    assert (application.organization, application.user) == (w["hilltop"], None)


# the editor -------------------------------------------------------------------------------


def test_the_editor_is_for_the_coordinators_only_and_a_refusal_writes_nothing(w):
    pathway = w["pathway"]
    base = f"/membership/pathways/{pathway.pk}/"
    orientation = step_of(pathway, "orientation")
    for who in ["member", "outsider", "coordinator", "mentor", "applicant"]:
        client = client_for(w[who])
        for tail in ["edit/", f"steps/{orientation.pk}/", "steps/new/?kind=course"]:
            assert client.get(base + tail).status_code == 403, (who, tail)
        before = writes()
        assert client.post(base + "edit/", {"name": "Mine"}).status_code == 403
        response = client.post(
            base + "steps/new/", {"kind": "orientation", "title": "More", "sessions": 2}
        )
        assert response.status_code == 403
        response = client.post(base + "steps/change/", {"step": orientation.pk, "action": "remove"})
        assert response.status_code == 403
        response = client.post(
            f"/membership/{w['org'].slug}/pathways/", {"name": "Another", "open": "on"}
        )
        assert response.status_code == 403
        assert writes() == before
    assert client_for(None).get(base + "edit/").status_code == 302
    assert client_for(w["staff"]).get(base + "edit/").status_code == 200


def test_a_coordinator_creates_a_pathway_and_adds_a_step_of_each_kind(w, org):
    admin = client_for(w["admin"])
    response = admin.post(
        f"/membership/{org.slug}/pathways/",
        {"name": "Consumer members", "description": "Buy a share", "open": "on"},
    )
    created = Pathway.objects.get(name="Consumer members")
    assert response["Location"] == f"/membership/pathways/{created.pk}/edit/"
    assert (created.organization, created.network, created.open) == (org, None, True)
    new = f"/membership/pathways/{created.pk}/steps/new/"
    steps = [
        ("orientation", {"sessions": 4, "days_to_complete": 30}),
        ("course", {"course": w["course"].pk}),
        ("mentorship", {"meetings": 3}),
        ("probation", {"days": 365, "hours": "600", "recent_hours": "300",
                       "recent_months": 6}),
        ("equity", {"share_class": w["share_class"].pk}),
        ("vetting", {"checklist": "Interview held\nReferences checked\n"}),
        ("agreement", {"documents": "Membership agreement\nRules\nData policy"}),
        ("admission", {"by_poll": "on", "poll_days": 10}),
    ]  # fmt: skip
    for kind, values in steps:
        response = admin.post(new, {"kind": kind, "title": kind.title(), **values})
        assert response.status_code == 302, text(response)
    got = [(s.kind, s.settings, s.course_id, s.days_to_complete) for s in created.steps.all()]
    assert got == [
        ("orientation", {"sessions": 4}, None, 30),
        ("course", {}, w["course"].pk, None),
        ("mentorship", {"meetings": 3}, None, None),
        ("probation", {"days": 365, "hours": "600.00", "recent_hours": "300.00",
                       "recent_months": 6}, None, None),
        ("equity", {"share_class": w["share_class"].pk}, None, None),
        ("vetting", {"checklist": ["Interview held", "References checked"]}, None, None),
        ("agreement", {"documents": ["Membership agreement", "Rules", "Data policy"]}, None,
         None),
        ("admission", {"by_poll": True, "poll_days": 10}, None, None),
    ]  # fmt: skip
    html = text(client_for(w["outsider"]).get(f"/membership/pathways/{created.pk}/"))
    for said in [
        "Attend 4 orientation sessions",
        "Within 30 days",
        "Meet your mentor at least 3 times",
        "A probation of 365 days as a candidate (about 12 months)",
        "600 hours of work, 300 of them in the last 6 months",
        "Sign: Membership agreement, Rules, Data policy",
        "Admission by a vote of the members, open for 10 days",
    ]:
        assert said in html, said
    # a step added later goes before the admission
    admin.post(new, {"kind": "orientation", "title": "Second evening", "sessions": 1})
    assert list(created.steps.values_list("title", flat=True))[-2:] == [
        "Second evening",
        "Admission",
    ]


def test_the_editor_changes_moves_and_removes_steps(w):
    pathway, admin = w["pathway"], client_for(w["admin"])
    application = apply(w)
    base = f"/membership/pathways/{pathway.pk}/"
    response = admin.post(base + "edit/", {"name": "Worker-owners", "description": "Twelve months"})
    assert response.status_code == 302
    pathway.refresh_from_db()
    assert (pathway.name, pathway.description, pathway.open) == (
        "Worker-owners", "Twelve months", False,
    )  # fmt: skip
    probation = step_of(pathway, "probation")
    response = admin.post(
        base + f"steps/{probation.pk}/",
        {"title": "A year", "days": 365, "hours": "600", "recent_hours": "300",
         "recent_months": 6},
    )  # fmt: skip
    assert response.status_code == 302
    probation.refresh_from_db()
    assert (probation.title, probation.settings) == (
        "A year",
        {"days": 365, "hours": "600.00", "recent_hours": "300.00", "recent_months": 6},
    )
    course = step_of(pathway, "course")
    admin.post(base + "steps/change/", {"step": course.pk, "action": "up"})
    assert list(pathway.steps.values_list("kind", flat=True))[:2] == ["course", "orientation"]
    admin.post(base + "steps/change/", {"step": course.pk, "action": "down"})
    assert list(pathway.steps.values_list("kind", flat=True))[:2] == ["orientation", "course"]
    # the admission stays last: the service refuses, the editor says so
    admission = step_of(pathway, "admission")
    response = admin.post(
        base + "steps/change/", {"step": admission.pk, "action": "up"}, follow=True
    )
    assert "The admission is the pathway&#x27;s last step" in text(response)
    # a step someone completed stays
    pathways.attendance_record(
        actor=w["admin"], application=application, step=step_of(pathway, "orientation"),
        on=today(),
    )  # fmt: skip
    response = admin.post(
        base + "steps/change/",
        {"step": step_of(pathway, "orientation").pk, "action": "remove"},
        follow=True,
    )
    assert "Someone has completed this step: it stays" in text(response)
    response = admin.post(
        base + "steps/change/", {"step": step_of(pathway, "vetting").pk, "action": "remove"}
    )
    assert not pathway.steps.filter(kind="vetting").exists()


@pytest.mark.parametrize(
    ("kind", "values", "field", "message"),
    [
        ("probation", {"days": 0, "hours": "10", "recent_hours": "20"}, "recent_hours",
         "is at most the hours in all"),
        ("probation", {"days": 0}, "kind", "A pathway has at most one probation"),
        ("agreement", {"documents": "\n"}, "documents", "needs at least one item"),
        ("admission", {"by_poll": "on", "poll_days": 90}, "poll_days",
         "less than or equal to 60"),
        ("orientation", {"sessions": 0}, "sessions", "greater than or equal to 1"),
        ("course", {"course": ""}, "course", "This field is required"),
    ],
)  # fmt: skip
def test_bad_step_settings_come_back_on_the_form(w, kind, values, field, message):
    pathway = w["pathway"]
    before = writes()
    response = client_for(w["admin"]).post(
        f"/membership/pathways/{pathway.pk}/steps/new/", {"kind": kind, "title": "X", **values}
    )
    assert response.status_code == 200
    html = text(response)
    assert message in html, html
    if field != "kind":
        assert f'id="id_{field}_error"' in html
    assert writes() == before


def test_a_draft_course_of_another_co_op_is_not_a_step(w):
    draft = build_course(w["hilltop"], title="Their draft", published=False)
    response = client_for(w["admin"]).post(
        f"/membership/pathways/{w['pathway'].pk}/steps/new/",
        {"kind": "course", "title": "Theirs", "course": draft.pk},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in text(response)
    assert not w["pathway"].steps.filter(title="Theirs").exists()


def test_a_network_pathway_has_no_equity_step(w):
    response = client_for(w["coordinator"]).post(
        f"/membership/pathways/{w['network_pathway'].pk}/steps/new/",
        {"kind": "equity", "title": "Shares"},
    )
    assert response.status_code == 200
    assert "An equity buy-in is a step of an organisation&#x27;s pathway" in text(response)


# the board --------------------------------------------------------------------------------


def test_the_board_shows_open_applications_who_acts_and_by_when(w):
    late = apply(w)
    StepRecord.objects.filter(application=late, step__kind="orientation").update(
        due_on=today() - dt.timedelta(days=3)
    )
    resting = pathways.application_apply(actor=make_user("rosa"), pathway=w["pathway"])
    pathways.application_pause(actor=w["admin"], application=resting)
    gone = pathways.application_apply(actor=make_user("gil"), pathway=w["pathway"])
    pathways.application_withdraw(actor=gone.user, application=gone)
    url = f"/membership/pathways/{w['pathway'].pk}/board/"
    response = client_for(w["admin"]).get(url)
    assert response.status_code == 200
    html = text(response)
    assert tables_wrapped(html)
    rows = re.findall(r"<tr( class=\"overdue\")?>\s*<td><a href=\"([^\"]+)\">(\w+)</a>", html)
    assert rows == [
        (' class="overdue"', page(late), "applicant"),
        ("", page(resting), "rosa"),
    ]
    assert "Orientation evening" in html and "The coordinators" in html
    assert (today() - dt.timedelta(days=3)).isoformat() in html
    assert "All open (2)" in html and "Paused (1)" in html and "Overdue (1)" in html
    paused = text(client_for(w["admin"]).get(url + "?status=paused"))
    assert "rosa" in paused and page(late) not in paused
    overdue = text(client_for(w["admin"]).get(url + "?status=overdue"))
    assert page(late) in overdue and "rosa</a>" not in overdue
    assert client_for(w["staff"]).get(url).status_code == 200
    for who in ["member", "outsider", "coordinator", "mentor", "applicant"]:
        assert client_for(w[who]).get(url).status_code == 403, who
    assert client_for(None).get(url).status_code == 302


def test_the_board_summarises_the_survey(w):
    application = ready_for_admission(w, apply(w))
    pathways.application_admit(actor=w["admin"], application=application)
    pathways.survey_answer(
        actor=w["applicant"], application=application, when="admission",
        answers={"mentorship": 5, "orientation": 4, "comment": "More evenings, please"},
    )  # fmt: skip
    html = text(client_for(w["admin"]).get(f"/membership/pathways/{w['pathway'].pk}/board/"))
    assert "1 answered after admission, 0 after six months" in html
    assert re.search(r"How helpful was your mentor\?</td>\s*<td>5.00", html)
    assert re.search(r"How useful were the orientation sessions\?</td>\s*<td>4.00", html)
    assert "How fair was the candidacy" not in html  # nobody rated it
    assert "More evenings, please" in html


# an application: who sees it, who reads its notes -------------------------------------------


def test_an_application_and_its_notes_are_for_its_candidate_mentor_and_coordinators(w):
    application = apply(w)
    before_probation(w, application)
    url = page(application)
    for who in ["applicant", "admin", "mentor"]:
        response = client_for(w[who]).get(url)
        assert response.status_code == 200, who
        assert all(note in text(response) for note in NOTES), who
        assert tables_wrapped(text(response))
    # staff see the application, not its notes
    response = client_for(w["staff"]).get(url)
    assert response.status_code == 200
    assert not any(note in text(response) for note in NOTES)
    assert "I love bread" in text(response)
    for who in ["member", "outsider", "coordinator", "other_coordinator", "hilltop_admin"]:
        response = client_for(w[who]).get(url)
        assert response.status_code == 403, who
        assert not any(note in text(response) for note in NOTES), who
    assert client_for(None).get(url).status_code == 302
    assert client_for(w["admin"]).get("/membership/applications/999999/").status_code == 404


def test_a_co_op_application_is_for_its_admins_editors_and_the_network_coordinators(w):
    application = apply_network(w)
    pathways.vetting_record(
        actor=w["coordinator"], application=application,
        step=step_of(w["network_pathway"], "vetting"), notes="Visited the bakery",
    )  # fmt: skip
    url = page(application)
    for who in ["hilltop_admin", "hilltop_editor", "coordinator"]:
        response = client_for(w[who]).get(url)
        assert response.status_code == 200 and "Visited the bakery" in text(response), who
    for who in ["hilltop_member", "admin", "member", "other_coordinator", "outsider"]:
        response = client_for(w[who]).get(url)
        assert response.status_code == 403, who
        assert "Visited the bakery" not in text(response)


# every transition through the page -------------------------------------------------------------


def test_the_whole_way_in_through_the_pages(w):
    pathway, admin = w["pathway"], w["admin"]
    client_for(w["applicant"]).post(
        f"/membership/pathways/{pathway.pk}/", {"motivation": "I love bread"}
    )
    a = Application.objects.get()
    on = today().isoformat()

    def step(kind: str) -> int:
        return step_of(pathway, kind).pk

    def done(kind: str) -> bool:
        return StepRecord.objects.get(application=a, step__kind=kind).completed_at is not None

    response = post(w, "admin", a, "attend", step("orientation"), on=on, notes="Came early")
    assert response["Location"] == page(a) + f"#step-{step('orientation')}"
    assert done("orientation")
    # the course: the candidate follows it, then marks the step complete
    html = text(client_for(w["applicant"]).get(page(a)))
    assert "Follow the course" in html and "0 of 3 lessons done" in html
    do_course(w["applicant"], w["course"])
    post(w, "applicant", a, "complete", step("course"))
    assert done("course")
    # a mentor: suggested with the reason, asked, accepting on the mentoring page
    html = text(client_for(admin).get(page(a)))
    assert "Suggested mentors" in html and "can help with bread" in html
    response = post(w, "admin", a, "propose", w["mentor"].pk, mentor=w["mentor"].pk,
                    reason="Bakes too")  # fmt: skip
    assert response.status_code == 302
    mentorship = Mentorship.objects.get(application=a)
    assert (mentorship.mentor, mentorship.status, mentorship.reason) == (
        w["mentor"], "proposed", "Bakes too",
    )  # fmt: skip
    html = text(client_for(w["mentor"]).get("/membership/mentoring/"))
    assert "Requests to answer" in html and "Bakes too" in html
    response = client_for(w["mentor"]).post(
        f"/membership/mentorships/{mentorship.pk}/answer/", {"answer": "accept"}
    )
    assert response["Location"] == page(a)
    post(w, "mentor", a, "meeting", mentorship.pk, on=on, notes="Met at the oven")
    assert MentorMeeting.objects.get().notes == "Met at the oven"
    post(w, "mentor", a, "complete", step("mentorship"))
    assert done("mentorship")
    # the vetting
    post(w, "admin", a, "vetting", step("vetting"), notes="Strong interview", check_0="on",
         check_1="on", ref_1_name="Ana", ref_1_notes="Reliable", ref_2_name="",
         ref_2_notes="")  # fmt: skip
    record = StepRecord.objects.get(application=a, step__kind="vetting")
    assert (record.notes, record.data) == (
        "Strong interview",
        {"references": [{"name": "Ana", "notes": "Reliable"}],
         "checklist": {"Interview held": True, "References checked": True}},
    )  # fmt: skip
    post(w, "admin", a, "complete", step("vetting"))
    # a candidate, logging hours
    response = post(w, "admin", a, "candidate", on=on)
    assert response["Location"] == page(a) + "#status"
    a.refresh_from_db()
    assert (a.status, a.candidate_since) == ("candidate", today())
    post(w, "applicant", a, "hours", step("probation"), on=on, hours="10", note="Ovens")
    assert done("probation")
    assert "The hours rule is met" in text(client_for(w["applicant"]).get(page(a)))
    # the buy-in in two instalments, paid in two payments
    post(w, "admin", a, "subscribe", step("equity"), share_class=w["share_class"].pk,
         shares=1, instalments=2, first_due_on=on)  # fmt: skip
    subscription = Subscription.objects.get()
    assert (subscription.application, subscription.amount, subscription.instalments) == (
        a, 500_00, 2,
    )  # fmt: skip
    html = text(client_for(w["applicant"]).get(page(a)))
    assert "The plan: 2 monthly instalments" in html
    assert html.count("250.00 USD</td>") == 2
    assert "/membership/riverside-bakery-co-op/shares/" not in html  # not for the candidate
    assert "/membership/riverside-bakery-co-op/shares/" in text(client_for(admin).get(page(a)))
    post(w, "admin", a, "payment", step("equity"), subscription=subscription.pk,
         amount="250.00", on=on, method="")  # fmt: skip
    assert "paid 250.00 USD, still owed 250.00 USD" in text(client_for(admin).get(page(a)))
    post(w, "admin", a, "payment", step("equity"), subscription=subscription.pk,
         amount="250.00", on=on, method="")  # fmt: skip
    subscription.refresh_from_db()
    assert subscription.paid_in_full_on == today()
    # the agreements, signed by the candidate
    post(w, "applicant", a, "sign", step("agreement"), doc_0="on", doc_1="on")
    assert done("agreement")
    # admitted: on the register
    response = post(w, "admin", a, "admit", on=on)
    assert response.status_code == 302
    a.refresh_from_db()
    assert (a.status, a.member_since) == ("member", today())
    assert Member.objects.get(application=a).entered_on == today()
    assert done("equity")
    # the survey after admission
    html = text(client_for(w["applicant"]).get(page(a)))
    assert f"/membership/applications/{a.pk}/survey/?when=admission" in html
    response = client_for(w["applicant"]).post(
        f"/membership/applications/{a.pk}/survey/",
        {"when": "admission", "mentorship": "5", "course": "4", "comment": "Lovely"},
    )
    assert response["Location"] == "/membership/way-in/"
    assert SurveyResponse.objects.get().answers == {
        "mentorship": 5, "course": 4, "comment": "Lovely",
    }  # fmt: skip
    # leaving: the register says when and why
    response = post(w, "applicant", a, "leave", on=on, reason="Moving away")
    assert response.status_code == 302
    a.refresh_from_db()
    member = Member.objects.get(application=a)
    assert (a.status, a.reason, member.ceased_on, member.ceased_reason) == (
        "left", "Moving away", today(), "Moving away",
    )  # fmt: skip


def test_pause_resume_refuse_and_withdraw_through_the_page(w):
    a = apply(w)
    post(w, "applicant", a, "pause")
    a.refresh_from_db()
    assert (a.status, a.paused_from) == ("paused", "applicant")
    assert "Resume the application" in text(client_for(w["applicant"]).get(page(a)))
    post(w, "admin", a, "resume")
    a.refresh_from_db()
    assert a.status == "applicant"
    # a refusal needs a reason
    before = writes()
    response = post(w, "admin", a, "refuse", reason="")
    assert response.status_code == 200 and "This field is required." in text(response)
    assert writes() == before
    post(w, "admin", a, "refuse", reason="Not a baker")
    a.refresh_from_db()
    assert (a.status, a.reason) == ("refused", "Not a baker")
    html = text(client_for(w["applicant"]).get(page(a)))
    assert "Refused" in html and "Not a baker" in html
    assert "Withdraw the application" not in html
    b = pathways.application_apply(actor=w["outsider"], pathway=w["pathway"])
    post(w, "outsider", b, "withdraw", reason="Found another job")
    b.refresh_from_db()
    assert (b.status, b.reason, b.ended_on) == ("withdrawn", "Found another job", today())


def test_an_admission_by_poll_links_the_poll_and_its_deadline(network, org, people):
    w = build_world(network, org, people, by_poll=True)
    a = ready_for_admission(w, apply(w))
    html = text(client_for(w["admin"]).get(page(a)))
    assert "Put the admission to the members' vote" in html
    assert "Admit as a member" not in html
    response = post(w, "admin", a, "to_vote")
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.poll_id is not None
    from intercoop.governance.models import Poll

    poll = Poll.objects.get(pk=a.poll_id)
    html = text(client_for(w["applicant"]).get(page(a)))
    assert f'href="/decide/polls/{poll.pk}/"' in html
    closes = timezone.localtime(poll.closes_at).strftime("%Y-%m-%d %H:%M")
    assert f"The members vote on this admission until {closes}." in html
    assert "The members (a vote) must act" in html
    # while they vote, nobody admits nor refuses it
    html = text(client_for(w["admin"]).get(page(a)))
    assert "Refuse the application" not in html and "Admit as a member" not in html
    before = writes()
    assert post(w, "admin", a, "admit", on=today().isoformat()).status_code == 403
    assert writes() == before


# refusals write nothing; bad values on the forms --------------------------------------------------


@pytest.mark.parametrize(
    ("who", "action", "kind", "data"),
    [
        ("staff", "attend", "orientation", {"on": "TODAY"}),
        ("applicant", "attend", "orientation", {"on": "TODAY"}),
        ("applicant", "vetting", "vetting", {"notes": "Great me"}),
        ("applicant", "candidate", None, {"on": "TODAY"}),
        ("applicant", "refuse", None, {"reason": "No"}),
        ("applicant", "complete", "admission", {}),
        ("mentor", "candidate", None, {"on": "TODAY"}),
        ("mentor", "refuse", None, {"reason": "No"}),
        ("admin", "sign", "agreement", {"doc_0": "on"}),
        ("admin", "withdraw", None, {"reason": "Bored"}),
        ("staff", "pause", None, {}),
        ("staff", "hours", "probation", {"on": "TODAY", "hours": "3"}),
    ],
)
def test_a_refused_action_is_a_403_and_writes_nothing(w, who, action, kind, data):
    a = apply(w)
    before_probation(w, a)
    key = step_of(w["pathway"], kind).pk if kind else 0
    values = {k: today().isoformat() if v == "TODAY" else v for k, v in data.items()}
    before = writes()
    response = post(w, who, a, action, key, **values)
    assert response.status_code == 403
    assert writes() == before


def test_outsiders_and_other_members_cannot_post_to_an_application(w):
    a = apply(w)
    before = writes()
    for who in ["member", "outsider", "coordinator"]:
        response = post(w, who, a, "withdraw", reason="x")
        assert response.status_code == 403
        response = post(w, who, a, "attend", step_of(w["pathway"], "orientation").pk,
                        on=today().isoformat())  # fmt: skip
        assert response.status_code == 403
        assert "I love bread" not in text(response)
    assert client_for(None).post(page(a), {"action": "withdraw"}).status_code == 302
    assert writes() == before


def test_only_the_proposed_mentor_answers(w):
    a = apply(w)
    proposal = Mentorship.objects.create(
        application=a, mentor=w["mentor"], proposed_at=timezone.now()
    )
    before = writes()
    for who in ["admin", "applicant", "member", "outsider"]:
        response = client_for(w[who]).post(
            f"/membership/mentorships/{proposal.pk}/answer/", {"answer": "accept"}
        )
        assert response.status_code == 403, who
    assert writes() == before
    response = client_for(w["mentor"]).get(f"/membership/mentorships/{proposal.pk}/answer/")
    assert response.status_code == 405
    client_for(w["mentor"]).post(
        f"/membership/mentorships/{proposal.pk}/answer/", {"answer": "decline"}
    )
    proposal.refresh_from_db()
    assert proposal.status == "declined"


def test_bad_values_and_refusals_come_back_on_the_forms(w):
    a = apply(w)
    orientation = step_of(w["pathway"], "orientation").pk
    before = writes()
    tomorrow = (today() + dt.timedelta(days=1)).isoformat()
    response = post(w, "admin", a, "attend", orientation, on=tomorrow)
    assert response.status_code == 200 and 'id="id_on_error"' in text(response)
    response = post(w, "admin", a, "attend", orientation, on="not a date")
    assert response.status_code == 200 and "Enter a valid date." in text(response)
    response = post(w, "admin", a, "complete", step_of(w["pathway"], "equity").pk)
    assert "The minimum equity is not paid in full yet" in text(response)
    response = post(w, "admin", a, "candidate", on=today().isoformat())
    assert "Complete these steps first: Orientation evening, Co-op principles, Meet your " \
        "mentor, Interview" in text(response)  # fmt: skip
    response = post(w, "applicant", a, "hours", step_of(w["pathway"], "probation").pk,
                    on=today().isoformat(), hours="0")  # fmt: skip
    assert "is from -1000 to 1000 hours, not 0" in text(response)
    response = post(w, "applicant", a, "hours", step_of(w["pathway"], "probation").pk,
                    on=today().isoformat(), hours="lots")  # fmt: skip
    assert "Enter a number." in text(response)
    response = post(w, "admin", a, "subscribe", step_of(w["pathway"], "equity").pk,
                    share_class=w["share_class"].pk, shares=1, instalments=500,
                    first_due_on=today().isoformat())  # fmt: skip
    assert response.status_code == 200 and 'id="id_instalments_error"' in text(response)
    assert writes() == before
    assert post(w, "admin", a, "fly").status_code == 404
    assert post(w, "admin", a, "attend", 999999, on=today().isoformat()).status_code == 404


def test_the_hours_rule_is_shown_against_what_was_logged(w):
    a = apply(w)
    before_probation(w, a)
    pathways.application_make_candidate(actor=w["admin"], application=a)
    probation = step_of(w["pathway"], "probation").pk
    long_ago = add_months(today(), -8).isoformat()
    post(w, "applicant", a, "hours", probation, on=long_ago, hours="6")
    post(w, "applicant", a, "hours", probation, on=today().isoformat(), hours="4")
    html = text(client_for(w["applicant"]).get(page(a)))
    assert ("Hours logged: 10 in all (10 needed); 4 in the last 6 months (5 needed).") in html
    assert "The hours rule is not met yet" in html
    assert "10.00 of 10.00 hours" in html
    post(w, "applicant", a, "hours", probation, on=today().isoformat(), hours="1.5")
    html = text(client_for(w["mentor"]).get(page(a)))
    assert "Hours logged: 11.50 in all (10 needed); 5.50 in the last 6 months" in html
    assert "The hours rule is met" in html
    assert StepRecord.objects.get(application=a, step_id=probation).completed_at is not None
    # the entries (with their notes) only for those who read the notes
    assert "Hours logged</summary>" in html
    assert "Hours logged</summary>" not in text(client_for(w["staff"]).get(page(a)))


# my way in, mentoring, the survey ----------------------------------------------------------------


def test_my_way_in_lists_my_applications_and_their_next_step(w):
    a = apply(w)
    apply_network(w, "hilltop_editor")
    html = text(client_for(w["hilltop_editor"]).get("/membership/way-in/"))
    assert "Hilltop Co-op on Joining the network" in html and "Next step: Vetting" in html
    html = text(client_for(w["applicant"]).get("/membership/way-in/"))
    assert f'href="{page(a)}"' in html and "Next step: Orientation evening" in html
    assert "Hilltop" not in html.split("Open pathways")[0]
    assert client_for(None).get("/membership/way-in/").status_code == 302


def test_mentors_offer_their_capacity_on_the_mentoring_page(w, org):
    mentor = client_for(w["mentor"])
    response = mentor.post(
        "/membership/mentoring/", {"organization": org.pk, "capacity": 3, "note": "Sourdough"}
    )
    assert response.status_code == 302
    offer = MentorOffer.objects.get(user=w["mentor"])
    assert (offer.capacity, offer.note) == (3, "Sourdough")
    before = writes()
    response = mentor.post("/membership/mentoring/", {"organization": org.pk, "capacity": 30})
    assert response.status_code == 200 and 'id="id_capacity_error"' in text(response)
    assert writes() == before
    # someone with no organisation has nothing to offer for
    outsider = client_for(w["outsider"])
    assert "Mentors are people of an organisation" in text(outsider.get("/membership/mentoring/"))
    response = outsider.post("/membership/mentoring/", {"organization": org.pk, "capacity": 1})
    assert response.status_code == 403
    assert writes() == before
    mentor.post("/membership/mentoring/", {"organization": org.pk, "capacity": 0})
    assert not MentorOffer.objects.filter(user=w["mentor"]).exists()


def test_the_survey_is_for_the_new_member_once(w):
    a = ready_for_admission(w, apply(w))
    url = f"/membership/applications/{a.pk}/survey/"
    assert client_for(w["applicant"]).get(url).status_code == 403  # not a member yet
    pathways.application_admit(actor=w["admin"], application=a)
    html = text(client_for(w["applicant"]).get(url))
    assert "How helpful was your mentor?" in html and "What would you change" in html
    assert client_for(w["admin"]).get(url).status_code == 403
    assert client_for(w["outsider"]).get(url).status_code == 403
    six = text(client_for(w["applicant"]).get(url + "?when=six-months"))
    assert "This survey opens six months after your admission." in six
    response = client_for(w["applicant"]).post(url, {"when": "admission", "comment": ""})
    assert response.status_code == 200 and "Answer at least one question" in text(response)
    client_for(w["applicant"]).post(url, {"when": "admission", "vetting": "3"})
    html = text(client_for(w["applicant"]).get(url))
    assert "You answered this survey already" in html
    assert client_for(w["applicant"]).get(url + "?when=never").status_code == 404


def test_the_dashboard_and_notifications_link_to_these_pages(w):
    assert links.application_link(7) == ("membership:application", [7])
    assert links.board_link(3) == ("membership:pathway_board", [3])
    assert links.mentoring_link() == ("membership:mentoring", [])


def test_the_organisation_and_network_pages_link_to_their_membership_page(w, org):
    html = text(client_for(None).get(f"/orgs/{org.slug}/"))
    assert f'href="/membership/{org.slug}/pathways/"' in html
    html = text(client_for(None).get("/networks/valley/"))
    assert 'href="/membership/valley/pathways/"' in html
