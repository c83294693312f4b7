"""The demo's membership: the shared library of courses (`build_curriculum`), and the
bakery's way in for worker-owners with its registers (`build_pathways`).

The library: three short courses (co-operative principles, governance basics, reading the
co-op's financial statements) published by organisations of the demo network, a Spanish
translation of the first, and the demo bakery's adaptation of the second for worker
co-ops. A few organisations use each course; the demo member has completed the first
course (and holds its badge) and is part-way through the second.

Everything is written through the curriculum's services. Building it twice adds nothing."""

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any
from unittest import mock

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from intercoop.core.audit import system_actor
from intercoop.core.models import Delivery
from intercoop.core.notifications import display_name
from intercoop.core.services import profile_update
from intercoop.directory import services as directory
from intercoop.directory.models import Network, NetworkMembership, Organization, OrganizationRole
from intercoop.governance import services as governance
from intercoop.governance.models import Poll
from intercoop.membership import (
    capital_accounts,
    completion,
    curriculum,
    mentors,
    pathways,
    registers,
    selectors_accounts,
)
from intercoop.membership.demo_courses import (
    ADAPTATION,
    COURSES,
    PRINCIPLES_ES,
    CourseData,
    TranslationData,
)
from intercoop.membership.models import Application, Course, Lesson, Pathway, Step
from intercoop.membership.steps import today

USES = {
    # slug → how many organisations (besides the publisher) use it
    "co-operative-principles": 3,
    "governance-basics": 2,
    "reading-co-op-financial-statements": 3,
}
LESSONS_STARTED = 2  # of "Governance basics", done by the demo member


def _user(username: str) -> Any:
    return get_user_model().objects.filter(username=username).first()


def _publisher(words: str, fallback: Organization) -> Organization:
    return Organization.objects.filter(name__contains=words).order_by("pk").first() or fallback


def _write(actor: Any, data: CourseData, publisher: Organization) -> Course:
    course = curriculum.course_create(
        actor=actor, organization=publisher, title=data["title"], summary=data["summary"],
        language=data["language"], licence=data["licence"], authors=data["authors"],
        attribution=data["attribution"], slug=data["slug"],
    )  # fmt: skip
    for module_data in data["modules"]:
        module = curriculum.module_add(actor=actor, course=course, title=module_data["title"])
        for lesson in module_data["lessons"]:
            curriculum.lesson_add(
                actor=actor, module=module, title=lesson["title"], body=lesson["body"],
                minutes=lesson["minutes"],
            )  # fmt: skip
    return curriculum.course_publish(actor=actor, course=course)


def _translate(
    actor: Any, original: Course, data: TranslationData, publisher: Organization
) -> Course:
    """The translation: a copy of the original, then its texts replaced, module by module
    and lesson by lesson (the same shape as the original)."""
    course = curriculum.course_translate(
        actor=actor, course=original, organization=publisher, language=data["language"],
        title=data["title"], translator=data["translator"],
    )  # fmt: skip
    curriculum.course_update(actor=actor, course=course, values={"summary": data["summary"]})
    modules = list(course.modules.order_by("position"))
    for module, module_data in zip(modules, data["modules"], strict=True):
        curriculum.module_update(actor=actor, module=module, title=module_data["title"])
        lessons = list(module.lessons.order_by("position"))
        for lesson, lesson_data in zip(lessons, module_data["lessons"], strict=True):
            curriculum.lesson_update(actor=actor, lesson=lesson, values=dict(lesson_data))
    return curriculum.course_publish(actor=actor, course=course)


def _adapt(actor: Any, original: Course, publisher: Organization) -> Course:
    course = curriculum.course_adapt(
        actor=actor, course=original, organization=publisher, title=ADAPTATION["title"],
        authors=[{"name": ADAPTATION["adapter"], "organization": publisher.name}],
    )  # fmt: skip
    curriculum.course_update(actor=actor, course=course, values={"summary": ADAPTATION["summary"]})
    module = course.modules.order_by("position")[ADAPTATION["extra_module"]]
    extra = ADAPTATION["extra_lesson"]
    curriculum.lesson_add(
        actor=actor, module=module, title=extra["title"], body=extra["body"],
        minutes=extra["minutes"],
    )  # fmt: skip
    return curriculum.course_publish(actor=actor, course=course)


def _users_of(network: Network, exclude: set[int], count: int) -> list[Organization]:
    return list(
        Organization.objects.filter(
            network_memberships__network=network,
            network_memberships__status=NetworkMembership.Status.MEMBER,
        )
        .exclude(pk__in=exclude)
        .order_by("pk")[:count]
    )


@transaction.atomic
def build_curriculum() -> int:
    """The demo library; returns how many courses it published."""
    network = Network.objects.filter(slug="valley-coop-network").first()
    bakery = Organization.objects.filter(roles__user__username="manager").order_by("pk").first()
    manager, member = _user("manager"), _user("member")
    if network is None or bakery is None or manager is None or member is None:
        return 0
    if Course.objects.filter(slug__in=[c["slug"] for c in COURSES]).exists():
        return 0
    system = system_actor()
    courses = {
        data["slug"]: _write(system, data, _publisher(data["publisher"], bakery))
        for data in COURSES
    }
    principles = courses[PRINCIPLES_ES["translation_of"]]
    spanish = _translate(
        system, principles, PRINCIPLES_ES, _publisher(PRINCIPLES_ES["publisher"], bakery)
    )
    # the bakery's manager adapts "Governance basics" for the bakery, a worker co-op
    adapted = _adapt(manager, courses[ADAPTATION["based_on"]], bakery)

    # who uses what: the bakery its orientation course and its own adaptation, a few
    # other member co-ops each course, one the Spanish translation
    used_by: set[int] = {bakery.pk}
    curriculum.course_use(actor=manager, course=principles, organization=bakery)
    curriculum.course_use(actor=manager, course=adapted, organization=bakery)
    for slug, count in USES.items():
        course = courses[slug]
        for organization in _users_of(network, used_by | {course.publisher_id}, count):
            curriculum.course_use(actor=system, course=course, organization=organization)
            used_by.add(organization.pk)
    for organization in _users_of(network, used_by, 1):
        curriculum.course_use(actor=system, course=spanish, organization=organization)

    # the demo member finished the first course (its badge) and started the second
    for lesson in Lesson.objects.filter(module__course=principles).order_by(
        "module__position", "position"
    ):
        completion.lesson_done(actor=member, lesson=lesson)
    started = Lesson.objects.filter(module__course=courses["governance-basics"]).order_by(
        "module__position", "position"
    )[:LESSONS_STARTED]
    for lesson in started:
        completion.lesson_done(actor=member, lesson=lesson)
    return len(courses) + 2


# the way in: the bakery's pathway for worker-owners, its registers and applications ------

PATHWAY_NAME = "Becoming a worker-owner"
SHARE_PRICE = 5_000_00  # USD minor units
DOCUMENTS = ["Membership agreement", "Rules of the co-operative", "Data policy"]
# the register before the demo's applications: username, name (demo accounts have
# theirs), the year entered; each holds one member share, paid when they entered
REGISTER = [
    ("manager", "", 2014),
    ("rosa-delgado", "Rosa Delgado", 2014),
    ("tendai-moyo", "Tendai Moyo", 2016),
    ("priya-natarajan", "Priya Natarajan", 2017),
    ("member", "", 2019),
    ("jonah-weller", "Jonah Weller", 2020),
    ("aiko-tanaka", "Aiko Tanaka", 2021),
    ("lucia", "", 2022),
]
OFFERS = [  # username, people at once, what they help with
    ("rosa-delgado", 2, "the ovens, early shifts and the bakery floor"),
    ("tendai-moyo", 1, "bookkeeping and the co-op's finances"),
    ("member", 1, "the first months: meetings and how we decide together"),
]
APPLICANTS = {
    "nadia-brooks": "Nadia Brooks",
    "leo-martins": "Leo Martins",
    "maya-cohen": "Maya Cohen",
    "daniel-okoye": "Daniel Okoye",
}
MEETINGS = [
    "First coffee: how the shifts and the rota work.",
    "Went through the last general meeting's minutes together.",
    "Talked about the buy-in and the payroll deductions.",
]
SURVEY = {
    "orientation": 5, "course": 4, "mentorship": 5, "probation": 3, "equity": 4,
    "agreement": 4, "admission": 5,
    "comment": "A checklist of the first week's shifts would have helped; Rosa was a great "
    "mentor.",
}  # fmt: skip


@contextmanager
def _on(day: dt.date) -> Iterator[None]:
    """Run the services as on `day` (at 10:00): each event of the demo's history happens
    on its own date, so that what the services date themselves (an application, a step
    completed, a badge, a vote) is dated as a person would have seen it."""
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(10)))
    with mock.patch.object(timezone, "now", return_value=moment):
        yield


def _person(username: str, name: str) -> Any:
    """A named person of the demo (an account that cannot sign in)."""
    user = get_user_model().objects.create_user(username=username, email=f"{username}@example.org")
    profile_update(
        actor=system_actor(), user=user, display_name=name, email=user.email, language="",
        delivery=Delivery.OFF, deliveries={},
    )  # fmt: skip
    return user


def _register(manager: Any, bakery: Organization, share_class: Any) -> dict[str, Any]:
    """The members entered over the years, each with a paid member share; username →
    user."""
    people = {}
    for username, name, year in REGISTER:
        user = _user(username) if not name else _person(username, name)
        if user is None:
            continue
        if name:
            directory.organization_role_assign(
                actor=system_actor(), organization=bakery, user=user,
                role=OrganizationRole.Role.MEMBER,
            )  # fmt: skip
        entered = dt.date(year, 3, 1)
        member = registers.member_enter(
            actor=manager, organization=bakery, name=display_name(user), user=user,
            entered_on=entered,
        )  # fmt: skip
        subscription = registers.subscribe(
            actor=manager, share_class=share_class, shares=1, first_due_on=entered,
            member=member, on=entered,
        )  # fmt: skip
        registers.payment_record(
            actor=manager, subscription=subscription, amount=SHARE_PRICE, on=entered, method="bank"
        )
        people[username] = user
    return people


def worker_steps(course: Course, share_class: Any) -> list[dict[str, Any]]:
    """The steps of "Becoming a worker-owner" (the browser test walks them too)."""
    return [
        {"kind": "orientation", "title": "Orientation evenings", "settings": {"sessions": 2},
         "details": "Two evenings at the bakery: how we work, how we decide, and what "
         "membership asks of you.", "days_to_complete": 30},
        {"kind": "course", "title": "Co-operative principles", "course": course,
         "details": "The library's course: mark each lesson done as you go.",
         "days_to_complete": 45},
        {"kind": "mentorship", "title": "Mentorship", "settings": {"meetings": 3},
         "details": "A worker-owner accompanies you; meet at least three times.",
         "days_to_complete": 60},
        {"kind": "probation", "title": "Candidacy and probation",
         "settings": {"days": 365, "hours": "600", "recent_hours": "300", "recent_months": 6},
         "details": "A year working with us as a candidate."},
        {"kind": "equity", "title": "Equity buy-in", "settings": {"share_class": share_class.pk},
         "details": "One member share, paid at once or by payroll deductions over up to 24 "
         "months."},
        {"kind": "agreement", "title": "Membership agreement",
         "settings": {"documents": DOCUMENTS}},
        {"kind": "admission", "title": "Admission by the members",
         "settings": {"by_poll": True, "poll_days": 14},
         "details": "The worker-owners vote on the admission."},
    ]  # fmt: skip


class _Walk:
    """One applicant's history on the bakery's pathway, event by event, on its dates."""

    def __init__(self, pathway: Pathway, manager: Any, user: Any, course: Course) -> None:
        self.pathway, self.manager, self.user, self.course = pathway, manager, user, course
        self.steps = {step.kind: step for step in pathway.steps.all()}
        self.application: Application | None = None

    @property
    def app(self) -> Application:
        assert self.application is not None
        return self.application

    def apply(self, day: dt.date, motivation: str) -> None:
        with _on(day):
            self.application = pathways.application_apply(
                actor=self.user, pathway=self.pathway, motivation=motivation
            )

    def orientation(self, *days: dt.date) -> None:
        for day in days:
            with _on(day):
                pathways.attendance_record(
                    actor=self.manager, application=self.app,
                    step=self.steps[Step.Kind.ORIENTATION], on=day,
                )  # fmt: skip

    def course_done(self, day: dt.date, lessons: int | None = None) -> None:
        found = Lesson.objects.filter(module__course=self.course).order_by(
            "module__position", "position"
        )
        with _on(day):
            for lesson in found[:lessons] if lessons else found:
                completion.lesson_done(actor=self.user, lesson=lesson)

    def mentor(self, day: dt.date, mentor: Any, reason: str, *meetings: dt.date) -> None:
        with _on(day):
            mentorship = mentors.mentorship_propose(
                actor=self.manager, application=self.app, mentor=mentor, reason=reason
            )
            if not meetings:
                return
            mentors.mentorship_answer(actor=mentor, mentorship=mentorship, accept=True)
        for on, notes in zip(meetings, MEETINGS, strict=False):
            with _on(on):
                mentors.meeting_log(actor=mentor, mentorship=mentorship, on=on, notes=notes)
        with _on(meetings[-1]):
            pathways.step_complete(
                actor=mentor, application=self.app, step=self.steps[Step.Kind.MENTORSHIP]
            )

    def candidate(self, day: dt.date) -> None:
        with _on(day):
            pathways.application_make_candidate(actor=self.manager, application=self.app, on=day)

    def hours(self, start: dt.date, end: dt.date, hours: int) -> None:
        """`hours` logged every 30 days from `start` to `end`."""
        day = start
        while day <= end:
            with _on(day):
                pathways.hours_log(
                    actor=self.user, application=self.app, on=day, hours=str(hours),
                    note="Shifts on the bakery floor",
                )  # fmt: skip
            day += dt.timedelta(days=30)

    def buy_in(
        self, share_class: Any, day: dt.date, instalments: int, first_due: dt.date, method: str
    ) -> None:
        """The member share subscribed on `day`, its instalments paid as they fall due."""
        with _on(day):
            subscription = registers.subscribe(
                actor=self.manager, share_class=share_class, shares=1,
                instalments=instalments, first_due_on=first_due, application=self.app,
            )  # fmt: skip
        for row in registers.plan_of(subscription):
            if row.due_on > today():
                break
            with _on(row.due_on):
                registers.payment_record(
                    actor=self.manager, subscription=subscription, amount=row.amount,
                    on=row.due_on, method=method,
                )  # fmt: skip

    def sign(self, day: dt.date) -> None:
        with _on(day):
            pathways.agreement_sign(
                actor=self.user, application=self.app, step=self.steps[Step.Kind.AGREEMENT]
            )


def _voted_in(walk: _Walk, voters: list[Any], day: dt.date) -> None:
    """Put to the members' vote on `day`: the worker-owners agree, the poll closes at its
    deadline (14 days on) and its listener admits the candidate."""
    with _on(day):
        pathways.admission_to_vote(actor=walk.manager, application=walk.app)
    poll = Poll.objects.get(pk=walk.app.poll_id or 0)
    for n, voter in enumerate(voters, start=1):
        with _on(day + dt.timedelta(days=n)):
            governance.ballot_cast(actor=voter, poll=poll, choice={"stance": "agree"})
    with _on(day + dt.timedelta(days=14)):
        governance.poll_close(actor=system_actor(), poll=poll)
    walk.app.refresh_from_db()


def _network_pathway(network: Network, coordinator: Any) -> Pathway:
    return pathways.pathway_create(
        actor=coordinator, network=network, name="Joining the network",
        description="How a co-operative joins the Valley Co-operative Network: a visit and "
        "a look at its books, the network's agreement, and the coordinators' decision.",
        steps=[
            {"kind": "vetting", "title": "Vetting", "settings": {"checklist": [
                "Visit to the co-op", "Two years of accounts received",
                "References from two member co-ops"]}},
            {"kind": "agreement", "title": "The network's agreement",
             "settings": {"documents": ["Network membership agreement",
                                        "Code of co-operation"]}},
            {"kind": "admission", "title": "Admission", "settings": {"by_poll": False}},
        ],
    )  # fmt: skip


@transaction.atomic
def build_pathways() -> int:
    """The bakery's share class and register, its mentors, its pathway "Becoming a
    worker-owner" with four applications at their stages (an applicant, a candidate in
    probation, a candidate paying the buy-in by payroll over 24 months, a new member
    voted in who answered the survey), and the network's pathway. Returns how many
    applications it made."""
    network = Network.objects.filter(slug="valley-coop-network").first()
    bakery = Organization.objects.filter(roles__user__username="manager").order_by("pk").first()
    manager, coordinator = _user("manager"), _user("coordinator")
    course = Course.objects.filter(slug="co-operative-principles").first()
    if network is None or bakery is None or manager is None or coordinator is None:
        return 0
    if course is None or Pathway.objects.filter(organization=bakery).exists():
        return 0
    on = today()
    share_class = registers.share_class_create(
        actor=manager, organization=bakery, name="Member share", price=SHARE_PRICE,
        currency="USD", minimum=1, transferable=False, redemption_months=6,
    )  # fmt: skip
    people = _register(manager, bakery, share_class)
    for username, capacity, note in OFFERS:
        if username in people:
            mentors.mentor_offer_set(
                actor=people[username], organization=bakery, capacity=capacity, note=note
            )
    pathway = pathways.pathway_create(
        actor=manager, organization=bakery, name=PATHWAY_NAME,
        description="How a worker becomes a worker-owner of the bakery: a year as a "
        "candidate with a mentor, one member share, and the members' vote.",
        steps=worker_steps(course, share_class),
    )  # fmt: skip
    _network_pathway(network, coordinator)

    def walk(username: str) -> _Walk:
        return _Walk(pathway, manager, _person(username, APPLICANTS[username]), course)

    def ago(days: int) -> dt.date:
        return on - dt.timedelta(days=days)

    rosa = people["rosa-delgado"]
    # a new member, voted in a week ago, who answered the survey
    daniel = walk("daniel-okoye")
    daniel.apply(ago(470), "I have baked here for a year on contract and want a say in it.")
    daniel.orientation(ago(463), ago(456))
    daniel.course_done(ago(450))
    daniel.mentor(ago(448), rosa, "Both on the early shift", ago(440), ago(425), ago(410))
    daniel.candidate(ago(400))
    daniel.hours(ago(395), ago(25), 50)
    daniel.buy_in(share_class, ago(120), 1, ago(118), "bank")
    daniel.sign(ago(30))
    _voted_in(daniel, [p for k, p in people.items() if k not in ("manager", "member")], ago(21))
    with _on(ago(5)):
        pathways.survey_answer(
            actor=daniel.user, application=daniel.app, when="admission", answers=SURVEY
        )
    # a candidate paying the buy-in by payroll deductions over 24 months
    maya = walk("maya-cohen")
    maya.apply(ago(420), "Owning the place I work in, with the people I work with.")
    maya.orientation(ago(413), ago(406))
    maya.course_done(ago(400))
    maya.mentor(ago(398), people["tendai-moyo"], "Knows the finances and the payroll",
                ago(390), ago(375), ago(362))  # fmt: skip
    maya.candidate(ago(355))
    maya.hours(ago(350), on, 55)
    maya.buy_in(share_class, ago(330), 24, ago(320), "payroll")
    maya.sign(ago(300))
    # a candidate half-way through the probation, with their mentor
    leo = walk("leo-martins")
    leo.apply(ago(260), "I want to help run the bakery, not just work in it.")
    leo.orientation(ago(253), ago(246))
    leo.course_done(ago(240))
    leo.mentor(ago(238), rosa, "Rosa trains the new bakers", ago(230), ago(215), ago(200))
    leo.candidate(ago(190))
    leo.hours(ago(185), on, 45)
    # an applicant: one orientation evening (the second is overdue), two lessons, a mentor
    # asked
    nadia = walk("nadia-brooks")
    nadia.apply(ago(40), "I would like to learn how we decide together, in meetings.")
    nadia.orientation(ago(33))
    nadia.course_done(ago(25), lessons=2)
    if "member" in people:
        nadia.mentor(ago(6), people["member"], "Sam helps people through the first months")
    _capital_accounts(manager, bakery)
    return 4


SHIFT_HOURS = [152, 120, 152, 80, 136, 152, 96]  # a month's hours, member by member


def _capital_accounts(manager: Any, bakery: Organization) -> None:
    """The produce rebate the purchasing network retained for the bakery, allocated
    among its worker-owners by the hours each worked in the period (hours logged on a
    pathway where there are some)."""
    for found in selectors_accounts.patronage_lines(bakery):
        if not found.can_allocate:
            continue
        period = found.line.patronage
        members = list(
            selectors_accounts.members_in_period(bakery, period.period_start, period.period_end)
        )
        logged = selectors_accounts.hours_in_period(members, period.period_start, period.period_end)
        weights = {
            m.pk: logged.get(m.pk, Decimal(SHIFT_HOURS[n % len(SHIFT_HOURS)]))
            for n, m in enumerate(members)
        }
        capital_accounts.patronage_allocate(
            actor=manager, source=found.line, basis="hours", weights=weights
        )
