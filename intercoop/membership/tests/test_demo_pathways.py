"""The demo's way in: the bakery's share class and register, its mentors, the pathway
"Becoming a worker-owner" with four applications at their stages (an applicant, a
candidate in probation, a candidate paying the buy-in by payroll over 24 months, a new
member voted in who answered the survey), and the network's pathway. Building it again
adds nothing."""

import datetime as dt
import time
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from intercoop.config import demo as config_demo
from intercoop.config.demo import demo_region_build
from intercoop.conftest import client_for
from intercoop.governance.models import Poll
from intercoop.membership import selectors
from intercoop.membership.demo import build_pathways
from intercoop.membership.models import (
    Application,
    CapitalAllocation,
    Member,
    MentorOffer,
    Mentorship,
    Pathway,
    ShareClass,
    ShareEntry,
    StepRecord,
    Subscription,
    SurveyResponse,
)
from intercoop.membership.selectors_registers import holding_of


def _done(application: Application) -> list[str]:
    return list(
        StepRecord.objects.filter(application=application, completed_at__isnull=False)
        .order_by("step__position")
        .values_list("step__kind", flat=True)
    )


@pytest.mark.django_db
def test_demo_pathways(monkeypatch):
    took: list[float] = []

    def timed() -> int:  # the pathways' part of the demo, on the demo before it
        started = time.monotonic()
        made = build_pathways()
        took.append(time.monotonic() - started)
        return made

    monkeypatch.setattr(config_demo, "build_pathways", timed)
    demo_region_build()
    assert len(took) == 1  # (its time is benchmarks/membership.py's business)
    today = timezone.localdate()
    pathway = Pathway.objects.get(name="Becoming a worker-owner")
    bakery = pathway.organization
    assert bakery is not None and bakery.roles.filter(user__username="manager").exists()
    assert bakery.organisational_structure == "OS60"  # a worker co-operative
    assert [(s.kind, s.settings) for s in pathway.steps.order_by("position")] == [
        ("orientation", {"sessions": 2}),
        ("course", {}),
        ("mentorship", {"meetings": 3}),
        ("probation", {"days": 365, "hours": "600.00", "recent_hours": "300.00",
                       "recent_months": 6}),
        ("equity", {"share_class": ShareClass.objects.get(organization=bakery).pk}),
        ("agreement", {"documents": ["Membership agreement", "Rules of the co-operative",
                                     "Data policy"]}),
        ("admission", {"by_poll": True, "poll_days": 14}),
    ]  # fmt: skip
    assert pathway.steps.get(kind="course").course.slug == "co-operative-principles"
    share_class = ShareClass.objects.get(organization=bakery)
    assert (share_class.name, share_class.price, share_class.currency) == (
        "Member share", 5_000_00, "USD",
    )  # fmt: skip
    assert (share_class.minimum, share_class.transferable, share_class.redemption_months) == (
        1, False, 6,
    )  # fmt: skip
    network_pathway = Pathway.objects.get(network__slug="valley-coop-network")
    assert network_pathway.name == "Joining the network"
    assert list(network_pathway.steps.values_list("kind", flat=True)) == [
        "vetting", "agreement", "admission",
    ]  # fmt: skip

    # the mentors who offered
    offers = {o.user.profile.display_name: o.capacity for o in MentorOffer.objects.all()}
    assert offers == {"Rosa Delgado": 2, "Tendai Moyo": 1, "Sam Lee": 1}

    # the applications at their stages
    by_name = {
        a.user.profile.display_name: a
        for a in Application.objects.filter(pathway=pathway).select_related("user__profile")
    }
    assert {name: a.status for name, a in by_name.items()} == {
        "Nadia Brooks": "applicant", "Leo Martins": "candidate", "Maya Cohen": "candidate",
        "Daniel Okoye": "member",
    }  # fmt: skip
    nadia, leo = by_name["Nadia Brooks"], by_name["Leo Martins"]
    maya, daniel = by_name["Maya Cohen"], by_name["Daniel Okoye"]
    assert timezone.localtime(nadia.applied_at).date() == today - dt.timedelta(days=40)
    assert _done(nadia) == []
    assert Mentorship.objects.get(application=nadia).status == "proposed"
    assert Mentorship.objects.get(application=nadia).mentor.username == "member"

    assert leo.candidate_since == today - dt.timedelta(days=190)
    assert _done(leo) == ["orientation", "course", "mentorship"]
    assert Mentorship.objects.get(application=leo, status="accepted").mentor.username == (
        "rosa-delgado"
    )
    hours = selectors.hours_summary(leo)
    assert hours is not None and hours.total_logged == Decimal(7 * 45) and not hours.met

    assert _done(maya) == ["orientation", "course", "mentorship", "agreement"]
    plan = Subscription.objects.get(application=maya)
    assert (plan.instalments, plan.amount, plan.member) == (24, 5_000_00, None)
    payments = ShareEntry.objects.filter(subscription=plan, kind="payment")
    assert set(payments.values_list("method", flat=True)) == {"payroll"}
    assert 10 <= payments.count() <= 12 and plan.paid == 20833 * payments.count()
    assert plan.paid_in_full_on is None

    assert daniel.member_since == today - dt.timedelta(days=7)
    assert _done(daniel) == [
        "orientation", "course", "mentorship", "probation", "equity", "agreement", "admission",
    ]  # fmt: skip
    poll = Poll.objects.get(pk=daniel.poll_id)
    assert poll.purpose == "membership" and poll.is_closed
    assert poll.outcome == "Admitted by the members' vote"
    assert SurveyResponse.objects.get(application=daniel).answers["mentorship"] == 5
    survey = selectors.survey_summary(pathway, when="admission")
    assert survey.responses == 1 and len(survey.comments) == 1
    assert {q.key: q.mean for q in survey.questions if q.count}["probation"] == Decimal("3.00")

    # the register: eight members entered years ago, and the new member
    register = Member.objects.filter(organization=bakery, ceased_on__isnull=True)
    assert register.count() == 9
    old = register.exclude(application=daniel)
    assert {m.entered_on.year for m in old} <= set(range(2014, 2023))
    assert all(holding_of(m, share_class) == (1, 5_000_00) for m in register)
    assert register.get(application=daniel).entered_on == daniel.member_since
    assert "Mo Okafor" in set(register.values_list("name", flat=True))

    # the produce rebate the network retained for the bakery, allocated among the nine
    # worker-owners by a month's hours (Daniel's logged on his pathway)
    allocation = CapitalAllocation.objects.get(organization=bakery)
    retained = allocation.source.retained
    assert (allocation.basis, allocation.amount, allocation.currency) == ("hours", retained, "USD")
    credited = {e.member.name: e.amount for e in allocation.entries.select_related("member")}
    assert len(credited) == 9 and sum(credited.values()) == retained > 0
    assert credited["Aiko Tanaka"] > credited["Lucía Fernández"]  # 152 hours against 80

    # the board has them, and the register page the members
    board = selectors.pathway_board(pathway)
    assert [(row.name, row.overdue) for row in board] == [
        ("Nadia Brooks", True), ("Maya Cohen", False), ("Leo Martins", False),
    ]  # fmt: skip
    manager = User.objects.get(username="manager")
    client = client_for(manager)
    page = client.get(f"/membership/pathways/{pathway.pk}/board/").content.decode()
    assert "Nadia Brooks" in page and "Maya Cohen" in page
    page = client.get(f"/membership/{bakery.slug}/register/").content.decode()
    assert "Rosa Delgado" in page and "Daniel Okoye" in page

    # building it again adds nothing
    counts = [Application.objects.count(), Member.objects.count(), ShareEntry.objects.count()]
    assert build_pathways() == 0
    assert [Application.objects.count(), Member.objects.count(), ShareEntry.objects.count()] == (
        counts
    )
