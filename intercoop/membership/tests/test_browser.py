"""Becoming a worker-owner through the pages (issue 15): a person signs up and applies to
the bakery's pathway "Becoming a worker-owner"; the coordinator (the bakery's admin)
records the orientation evenings and asks a suggested mentor, who accepts and logs their
meetings; the person follows the course in the library (each lesson marked done, then
the badge); the coordinator makes them a candidate and they log their hours; the buy-in
is subscribed over 24 months and paid by payroll deductions until the member share is
paid in full; the person signs the agreement; the members vote them in through the
governance poll page; and they are on the register (page and CSV) and the share
register. Every page is looked at, at 1280 and 390 px."""

import datetime as dt
from typing import Any

import pytest

from intercoop.conftest import make_org, make_user
from intercoop.core.audit import system_actor
from intercoop.core.browser import SCREENSHOTS, browser_page, live_url, log_in
from intercoop.core.models import Delivery
from intercoop.core.services import profile_update
from intercoop.directory import services as directory
from intercoop.directory.models import OrganizationRole
from intercoop.governance.models import Poll
from intercoop.governance.services import poll_close
from intercoop.membership import mentors, pathways, registers
from intercoop.membership.demo import _write, worker_steps
from intercoop.membership.demo_courses import PRINCIPLES
from intercoop.membership.models import Application, Member, Pathway, Step
from intercoop.membership.steps import today

__all__ = ["browser_page", "live_url"]  # fixtures

PASSWORD = "pw-for-tests-1"  # make_user's
NEW_PASSWORD = "a-long-pass-phrase-42"
SHOTS = SCREENSHOTS / "membership"
# what sticks out on the right, when a page scrolls sideways
WIDEST = """Array.from(document.querySelectorAll('main *'))
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
  .slice(0, 12).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"""
PEOPLE = {  # the bakery's worker-owners: username → name, role, year entered
    "rosa": ("Rosa Delgado", OrganizationRole.Role.ADMIN, 2014),
    "tendai": ("Tendai Moyo", OrganizationRole.Role.MEMBER, 2016),
    "priya": ("Priya Natarajan", OrganizationRole.Role.MEMBER, 2019),
}


def _setup() -> dict[str, Any]:
    """Riverside Bakery Co-op (a worker co-op) with its member share, three worker-owners
    on its register, a mentor's offer, the library's "Co-operative principles" and the
    demo's pathway "Becoming a worker-owner"."""
    system = system_actor()
    bakery = make_org(name="Riverside Bakery Co-op")
    federation = make_org(name="Valley Co-op Federation", email="hello@federation.example")
    course = _write(system, PRINCIPLES, federation)
    people = {}
    for username, (name, role, _year) in PEOPLE.items():
        user = make_user(username, email=f"{username}@example.org")
        profile_update(
            actor=system, user=user, display_name=name, email=user.email, language="",
            delivery=Delivery.OFF, deliveries={},
        )  # fmt: skip
        directory.organization_role_assign(actor=system, organization=bakery, user=user, role=role)
        people[username] = user
    rosa = people["rosa"]
    share_class = registers.share_class_create(
        actor=rosa, organization=bakery, name="Member share", price=5_000_00, currency="USD",
        minimum=1, transferable=False, redemption_months=6,
    )  # fmt: skip
    for username, (name, _role, year) in PEOPLE.items():
        entered = dt.date(year, 3, 1)
        member = registers.member_enter(
            actor=rosa, organization=bakery, name=name, user=people[username], entered_on=entered
        )
        subscription = registers.subscribe(
            actor=rosa, share_class=share_class, shares=1, first_due_on=entered,
            member=member, on=entered,
        )  # fmt: skip
        registers.payment_record(
            actor=rosa, subscription=subscription, amount=5_000_00, on=entered, method="bank"
        )
    mentors.mentor_offer_set(
        actor=people["tendai"], organization=bakery, capacity=1,
        note="bookkeeping, payroll and how we decide",
    )  # fmt: skip
    pathway = pathways.pathway_create(
        actor=rosa, organization=bakery, name="Becoming a worker-owner",
        description="A year as a candidate with a mentor, one member share, and the "
        "members' vote.",
        steps=worker_steps(course, share_class),
    )  # fmt: skip
    return {"bakery": bakery, "pathway": pathway, "course": course, **people}


def _look(page: Any, name: str) -> None:
    """Screenshots at both widths; at 390 px nothing scrolls sideways."""
    page.set_viewport_size({"width": 1280, "height": 900})
    page.reload()
    page.screenshot(path=str(SHOTS / f"{name}-1280.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    page.screenshot(path=str(SHOTS / f"{name}-390.png"), full_page=True)
    fits = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert fits, "\n".join([name, *page.evaluate(WIDEST)])
    page.set_viewport_size({"width": 1280, "height": 900})
    page.reload()


def _main(page: Any) -> str:
    return page.inner_text("main")


def _said(page: Any) -> str:
    return page.inner_text(".messages")


def _click(page: Any, name: str, within: Any = None) -> None:
    """Press the button named `name` (confirming if it asks) and wait for the next page."""
    with page.expect_navigation():
        (within or page).get_by_role("button", name=name, exact=True).click()
    page.wait_for_load_state()


def _form(page: Any, step: Step, action: str) -> Any:
    """The form of `action` on the step's row of the application page (opened if it is
    folded away)."""
    form = page.locator(f"#step-{step.pk} form:has(input[name=action][value={action}])")
    form.evaluate("f => { const d = f.closest('details'); if (d) d.open = true; }")
    return form


def _days_ago(n: int) -> str:
    return (today() - dt.timedelta(days=n)).isoformat()


@pytest.mark.browser
def test_a_worker_walks_the_pathway_to_the_register(live_url: str, browser_page: Any) -> None:
    page = browser_page
    page.on("dialog", lambda dialog: dialog.accept())
    SHOTS.mkdir(parents=True, exist_ok=True)
    w = _setup()
    pathway: Pathway = w["pathway"]
    bakery = w["bakery"]
    steps = {s.kind: s for s in pathway.steps.all()}
    pathway_url = f"{live_url}/membership/pathways/{pathway.pk}/"

    # a person signs up, says their name, and applies
    page.goto(f"{live_url}/accounts/signup/")
    page.fill("#id_username", "nadia")
    page.fill("#id_email", "nadia@example.org")
    page.fill("#id_password1", NEW_PASSWORD)
    page.fill("#id_password2", NEW_PASSWORD)
    _click(page, "Sign up")
    page.goto(f"{live_url}/accounts/profile/")
    page.fill("#id_display_name", "Nadia Brooks")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    page.goto(f"{live_url}/membership/{bakery.slug}/pathways/")
    assert "Becoming a member of Riverside Bakery Co-op" in page.inner_text("h1")
    page.get_by_role("link", name="Becoming a worker-owner").first.click()
    page.wait_for_url(pathway_url)
    text = _main(page)
    assert "Attend 2 orientation sessions" in text
    assert "600 hours of work, 300 of them in the last 6 months" in text
    assert "Buy 1 share of “Member share” at 5,000.00 USD (5,000.00 USD)" in text
    assert "Admission by a vote of the members, open for 14 days" in text
    _look(page, "pathway-applicant")
    page.fill("#id_motivation", "I have baked here for a year and want a say in it.")
    _click(page, "Apply")
    application = Application.objects.get(pathway=pathway)
    app_url = f"{live_url}/membership/applications/{application.pk}/"
    assert page.url.startswith(app_url)
    assert "Your application is received" in _said(page)
    assert "Nadia Brooks on Becoming a worker-owner" in page.inner_text("h1")
    assert "Applicant" in page.inner_text("#status")
    _look(page, "application-applicant")
    # she applied thirteen months ago: the walk below happens over that year
    Application.objects.filter(pk=application.pk).update(
        applied_at=application.applied_at - dt.timedelta(days=400)
    )

    # the coordinator records the orientation evenings and asks the suggested mentor
    log_in(page, live_url, "rosa", PASSWORD)
    page.goto(f"{pathway_url}board/")
    assert "Nadia Brooks" in _main(page)
    _look(page, "board-coordinator")
    page.get_by_role("link", name="Nadia Brooks").click()
    page.wait_for_url(app_url)
    for days in (395, 388):
        form = _form(page, steps["orientation"], "attend")
        form.locator("[name=on]").fill(_days_ago(days))
        _click(page, "Record the attendance", form)
        assert "Attendance recorded." in _said(page)
    assert f"Attended on: {_days_ago(395)}, {_days_ago(388)}" in _main(page)
    assert "Complete" in page.inner_text(f"#step-{steps['orientation'].pk} .step-state")
    suggestion = page.locator(f"#step-{steps['mentorship'].pk} .results", has_text="Tendai Moyo")
    assert "room for 1 more" in suggestion.inner_text()
    _click(page, "Ask this mentor", suggestion)
    assert "The mentor is asked." in _said(page)
    assert "Mentor: Tendai Moyo (Proposed)" in _main(page)

    # the mentor accepts and logs their meetings
    log_in(page, live_url, "tendai", PASSWORD)
    page.goto(f"{live_url}/membership/mentoring/")
    requests = page.locator("#proposals + ul")
    assert "Nadia Brooks" in requests.inner_text()
    _look(page, "mentoring-mentor")
    _click(page, "Accept", requests)
    assert "Thank you: you are the mentor now." in _said(page)
    assert page.url.startswith(app_url)
    notes = ["How the rota works.", "The last general meeting.", "The buy-in and payroll."]
    for days, note in zip((385, 375, 365), notes, strict=True):
        form = _form(page, steps["mentorship"], "meeting")
        form.locator("[name=on]").fill(_days_ago(days))
        form.locator("[name=notes]").fill(note)
        _click(page, "Log the meeting", form)
        assert "Meeting logged." in _said(page)
    assert "Mentor: Tendai Moyo (Accepted)" in _main(page)
    _click(page, "Mark complete", _form(page, steps["mentorship"], "complete"))
    assert "“Mentorship” is complete." in _said(page)

    # the person follows the course, lesson by lesson, to its badge
    log_in(page, live_url, "nadia", NEW_PASSWORD)
    page.goto(app_url)
    page.get_by_role("link", name="Follow the course").click()
    page.wait_for_url(f"{live_url}/membership/courses/co-operative-principles/")
    assert "0 of 5 lessons done" in _main(page)
    _look(page, "course-applicant")
    page.get_by_role("link", name="Start", exact=True).click()
    page.wait_for_url("**/lessons/**")
    assert "Lesson 1 of 5" in _main(page)
    _look(page, "lesson-applicant")
    for _n in range(5):
        _click(page, "Mark as done")
    assert "You completed “Co-operative principles” and earned its badge." in _said(page)
    assert page.url == f"{live_url}/membership/learning/"
    page.goto(f"{live_url}/membership/courses/co-operative-principles/")
    assert "Badge earned" in _main(page) and "5 of 5 lessons done" in _main(page)
    page.goto(app_url)
    assert "Complete" in page.inner_text(f"#step-{steps['course'].pk} .step-state")

    # the coordinator makes her a candidate a year and two weeks ago; she logs her hours
    log_in(page, live_url, "rosa", PASSWORD)
    page.goto(app_url)
    transitions = page.locator("#status-actions form:has(input[name=action][value=candidate])")
    transitions.locator("[name=on]").fill(_days_ago(380))
    _click(page, "Make a candidate", transitions)
    assert "The applicant is a candidate." in _said(page)
    assert "Candidate" in page.inner_text("#status")
    log_in(page, live_url, "nadia", NEW_PASSWORD)
    page.goto(app_url)
    for days, hours in ((300, "300"), (60, "300")):
        form = _form(page, steps["probation"], "hours")
        form.locator("[name=on]").fill(_days_ago(days))
        form.locator("[name=hours]").fill(hours)
        form.locator("[name=note]").fill("Shifts on the bakery floor")
        _click(page, "Log the hours", form)
        assert "Hours logged." in _said(page)
    probation = page.inner_text(f"#step-{steps['probation'].pk}")
    assert "Hours logged: 600 in all (600 needed); 300 in the last 6 months (300 needed)" in (
        probation
    )
    assert "The hours rule is met" in probation and "Complete" in probation
    _look(page, "application-candidate")

    # the buy-in: 24 monthly instalments, paid by payroll until the share is paid up
    log_in(page, live_url, "rosa", PASSWORD)
    page.goto(app_url)
    form = _form(page, steps["equity"], "subscribe")
    form.locator("[name=instalments]").fill("24")
    form.locator("[name=first_due_on]").fill(_days_ago(40))
    _click(page, "Record the buy-in", form)
    assert "The buy-in is recorded with its plan." in _said(page)
    for days, amount in ((40, "208.33"), (10, "208.33"), (0, "4583.34")):
        form = _form(page, steps["equity"], "payment")
        form.locator("[name=amount]").fill(amount)
        form.locator("[name=on]").fill(_days_ago(days))
        form.locator("[name=method]").select_option("payroll")
        _click(page, "Record the payment", form)
        assert "Payment recorded." in _said(page)
        if amount == "208.33" and days == 10:
            equity = page.inner_text(f"#step-{steps['equity'].pk}")
            assert "paid 416.66 USD, still owed 4,583.34 USD" in equity
            _look(page, "application-buy-in")
    equity = page.inner_text(f"#step-{steps['equity'].pk}")
    assert f"Paid in full on {_days_ago(0)}" in equity
    assert "The plan: 24 monthly instalments" in equity

    # she signs the agreement
    log_in(page, live_url, "nadia", NEW_PASSWORD)
    page.goto(app_url)
    _click(page, "Sign", _form(page, steps["agreement"], "sign"))
    assert "Signed." in _said(page)
    assert "Complete" in page.inner_text(f"#step-{steps['agreement'].pk} .step-state")

    # the coordinator puts the admission to the members' vote; the members agree
    log_in(page, live_url, "rosa", PASSWORD)
    page.goto(app_url)
    _click(page, "Put the admission to the members' vote")
    assert "The admission is put to the members' vote." in _said(page)
    application.refresh_from_db()
    poll = Poll.objects.get(pk=application.poll_id or 0)
    assert poll.is_open and poll.body.organization_id == bakery.pk
    assert "Put to the vote" in page.inner_text("#status")
    _look(page, "application-in-vote")
    page.get_by_role("link", name="The poll", exact=True).click()
    page.wait_for_url(f"{live_url}/decide/polls/{poll.pk}/")
    title = "Admit Nadia Brooks as a member of Riverside Bakery Co-op?"
    for username in ("rosa", "tendai"):
        log_in(page, live_url, username, PASSWORD)
        page.goto(f"{live_url}/decide/polls/{poll.pk}/")
        assert title in _main(page)
        page.get_by_label("Agree", exact=True).check()
        _click(page, "Cast the vote")
        assert "Current ballot" in _main(page)
    _look(page, "poll-member")
    poll_close(actor=system_actor(), poll=poll)  # the poll's deadline, brought forward
    application.refresh_from_db()
    assert application.status == Application.Status.MEMBER
    assert application.member_since == today()

    # she is a member: her application says so, and the registers have her
    log_in(page, live_url, "nadia", NEW_PASSWORD)
    page.goto(app_url)
    assert page.inner_text("#status") == "Member"
    assert f"The members' vote on this admission closed on {today().isoformat()}." in _main(page)
    assert f"Member since\n{today().isoformat()}" in _main(page)
    assert "Tell us how the way in went" in _main(page)
    _look(page, "application-member")
    log_in(page, live_url, "rosa", PASSWORD)
    page.goto(f"{live_url}/membership/{bakery.slug}/register/")
    row = page.locator("tbody tr", has_text="Nadia Brooks").inner_text()
    assert "nadia@example.org" in row and "5,000.00 USD" in row and today().isoformat() in row
    assert "4 rows" in _main(page)
    _look(page, "register-coordinator")
    csv = page.request.get(f"{live_url}/membership/{bakery.slug}/register.csv").text()
    line = next(line for line in csv.splitlines() if line.startswith("Nadia Brooks"))
    assert "nadia@example.org" in line and "5000.00" in line and today().isoformat() in line
    page.goto(f"{live_url}/membership/{bakery.slug}/shares/")
    assert "Nadia Brooks" in _main(page)
    _look(page, "shares-coordinator")
    member = Member.objects.get(application=application)
    assert (member.name, member.entered_on) == ("Nadia Brooks", today())
