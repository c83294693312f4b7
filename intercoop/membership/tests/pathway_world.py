"""The world the pathway tests walk (builders, not fixtures: each test module makes its
own fixture of them).

Riverside Bakery Co-op (`org`, a member of the Valley Network) admits worker-owners by
its "Worker-owner pathway": orientation, a course, mentorship, vetting, a probation (10
hours, 5 of them in the last 6 months), the equity buy-in (one 500.00 USD share),
agreements, and an admission. `admin` is its administrator (so a coordinator of the
pathway), `member` another of its people, `mentor` a member who offers to mentor;
`applicant` applies. The Valley Network admits co-ops by its "Joining the network"
pathway: vetting, mentorship and an admission; Hilltop Co-op (its `hilltop_admin`, its
editor and its plain member) applies; `coordinator` coordinates the network.
"""

import datetime as dt
from typing import Any

from django.utils import timezone

from intercoop.conftest import make_org, make_user
from intercoop.core.audit import system_actor
from intercoop.directory import services as directory
from intercoop.directory.models import OrganizationRole
from intercoop.membership import mentors, pathways, registers
from intercoop.membership.models import Application, LessonDone, Pathway, Step
from intercoop.membership.tests.courses import build_course, lessons_of

CHECKLIST = ["Interview held", "References checked"]
DOCUMENTS = ["Membership agreement", "Rules"]


def worker_steps(course: Any, share_class: Any = None, *, by_poll: bool = False) -> list[dict]:
    equity = {"share_class": share_class.pk} if share_class is not None else {}
    return [
        {"kind": "orientation", "title": "Orientation evening", "days_to_complete": 14},
        {"kind": "course", "title": "Co-op principles", "course": course, "days_to_complete": 30},
        {"kind": "mentorship", "title": "Meet your mentor", "settings": {"meetings": 1}},
        {"kind": "vetting", "title": "Interview", "settings": {"checklist": CHECKLIST},
         "days_to_complete": 7},
        {"kind": "probation", "title": "Probation",
         "settings": {"days": 0, "hours": "10", "recent_hours": "5", "recent_months": 6}},
        {"kind": "equity", "title": "Buy-in", "settings": equity},
        {"kind": "agreement", "title": "Sign the agreements", "settings": {"documents": DOCUMENTS}},
        {"kind": "admission", "title": "Admission", "settings": {"by_poll": by_poll}},
    ]  # fmt: skip


def add_person(organization: Any, username: str, role: str = OrganizationRole.Role.MEMBER) -> Any:
    user = make_user(username, email=f"{username}@example.org")
    directory.organization_role_assign(
        actor=system_actor(), organization=organization, user=user, role=role
    )
    return user


def build_world(network: Any, org: Any, people: dict[str, Any], *, by_poll: bool = False,
                network_by_poll: bool = False) -> dict[str, Any]:  # fmt: skip
    system = system_actor()
    admin = people["admin"]
    course = build_course(org)
    share_class = registers.share_class_create(
        actor=admin, organization=org, name="Worker share", price=500_00, currency="USD"
    )
    pathway = pathways.pathway_create(
        actor=admin, organization=org, name="Worker-owner pathway",
        description="How we become worker-owners.",
        steps=worker_steps(course, share_class, by_poll=by_poll),
    )  # fmt: skip
    mentor = add_person(org, "mentor")
    mentors.mentor_offer_set(actor=mentor, organization=org, capacity=1, note="bread baking")
    hilltop = make_org(name="Hilltop Co-op", locality="Bradford", latitude=53.79, longitude=-1.75)
    hilltop_admin = add_person(hilltop, "hilltop_admin", OrganizationRole.Role.ADMIN)
    hilltop_editor = add_person(hilltop, "hilltop_editor", OrganizationRole.Role.EDITOR)
    hilltop_member = add_person(hilltop, "hilltop_member")
    network_pathway = pathways.pathway_create(
        actor=people["coordinator"], network=network, name="Joining the network",
        steps=[
            {"kind": "vetting", "title": "Vetting", "settings": {"checklist": ["Visit"]}},
            {"kind": "mentorship", "title": "A mentor co-op", "settings": {"meetings": 0}},
            {"kind": "admission", "title": "Admission",
             "settings": {"by_poll": network_by_poll}},
        ],
    )  # fmt: skip
    # a mentor for co-ops: a member co-op's person
    network_mentor = people["member"]
    mentors.mentor_offer_set(actor=network_mentor, organization=org, capacity=2)
    return dict(people) | {
        "system": system, "org": org, "network": network, "course": course,
        "share_class": share_class, "pathway": pathway, "mentor": mentor,
        "applicant": make_user("applicant", email="applicant@example.org"),
        "hilltop": hilltop, "hilltop_admin": hilltop_admin, "hilltop_editor": hilltop_editor,
        "hilltop_member": hilltop_member, "network_pathway": network_pathway,
        "network_mentor": network_mentor,
    }  # fmt: skip


def step_of(pathway: Pathway, kind: str) -> Step:
    return pathway.steps.get(kind=kind)


def apply(w: dict[str, Any], who: str = "applicant") -> Application:
    return pathways.application_apply(actor=w[who], pathway=w["pathway"], motivation="I love bread")


def apply_network(w: dict[str, Any], who: str = "hilltop_admin") -> Application:
    return pathways.application_apply(
        actor=w[who], pathway=w["network_pathway"], organization=w["hilltop"],
        motivation="We bake too",
    )  # fmt: skip


def do_course(user: Any, course: Any) -> None:
    now = timezone.now()
    LessonDone.objects.bulk_create(
        LessonDone(lesson=lesson, user=user, done_at=now) for lesson in lessons_of(course)
    )


def pair(w: dict[str, Any], application: Application, mentor: str = "mentor",
         coordinator: str = "admin") -> Any:  # fmt: skip
    mentorship = mentors.mentorship_propose(
        actor=w[coordinator], application=application, mentor=w[mentor], reason="Bakes too"
    )
    return mentors.mentorship_answer(actor=w[mentor], mentorship=mentorship, accept=True)


def before_probation(w: dict[str, Any], application: Application) -> Any:
    """Orientation, course, mentorship (a meeting) and vetting done; returns the
    mentorship."""
    admin, pathway = w["admin"], w["pathway"]
    today = timezone.localdate()
    pathways.attendance_record(actor=admin, application=application,
                               step=step_of(pathway, "orientation"), on=today)  # fmt: skip
    do_course(w["applicant"], w["course"])
    mentorship = pair(w, application)
    mentors.meeting_log(actor=w["mentor"], mentorship=mentorship, on=today, notes="Met at the oven")
    pathways.step_complete(actor=w["mentor"], application=application,
                           step=step_of(pathway, "mentorship"))  # fmt: skip
    vetting = step_of(pathway, "vetting")
    pathways.vetting_record(actor=admin, application=application, step=vetting,
                            notes="Strong interview", checklist=dict.fromkeys(CHECKLIST, True),
                            references=[{"name": "Ana", "notes": "Reliable"}])  # fmt: skip
    pathways.step_complete(actor=admin, application=application, step=vetting)
    return mentorship


def buy_in(w: dict[str, Any], application: Application, on: dt.date | None = None) -> None:
    on = on or timezone.localdate()
    subscription = registers.subscribe(
        actor=w["admin"], share_class=w["share_class"], shares=1, first_due_on=on,
        application=application,
    )  # fmt: skip
    registers.payment_record(actor=w["admin"], subscription=subscription, amount=500_00, on=on)


def ready_for_admission(w: dict[str, Any], application: Application) -> Application:
    """Every step before the admission done: a candidate with hours, equity and the
    agreements signed."""
    before_probation(w, application)
    pathways.application_make_candidate(actor=w["admin"], application=application)
    today = timezone.localdate()
    pathways.hours_log(actor=w["applicant"], application=application, on=today, hours="10")
    buy_in(w, application)
    pathways.agreement_sign(actor=w["applicant"], application=application,
                            step=step_of(w["pathway"], "agreement"))  # fmt: skip
    application.refresh_from_db()
    return application
