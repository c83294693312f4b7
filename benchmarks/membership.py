"""A federation's registers and a coordinator's pathway board: a network of 1,000 member
co-ops with 50,000 members between them. Goals: the register export (every co-op's
register of members as CSV, 50,000 rows) < 5 s; a coordinator's pathway board of a few
thousand open applications p95 < 200 ms (SQLite).

The federation, in a fresh SQLite database: 1,000 co-ops (one of 5,000 members, the
others from 1 to a few hundred, log-normally); each has a member share class (price
1.00–1,000.00, minimum 1 or 10 shares), three in ten also a transferable investor
class; currencies USD, GBP and EUR. Each member subscribed for shares, paid at once or
by monthly instalments (12 or 24, some still running), some also for investor shares;
one in ten subscribed as an applicant (the ledger's entries name only the subscription,
as `registers.subscribe` writes them before the member is entered); one in twenty has
ceased and been repaid (a redemption, with its payout date); a few hundred transfers of
investor shares; some members lent to their co-op. About 270,000 share-ledger entries
(five a member on average: the instalments).
Rows are written with bulk_create (the services would take an hour); the run checks the
register's figures against what was written.

Ten of the co-ops (the largest first) admit worker-owners by a pathway of eight steps
(orientation, course, mentorship, vetting, a probation of 600 hours, the equity buy-in,
agreements, admission), made by `pathways.pathway_create`. The largest has 3,000 open
applications (applicants, candidates, paused; at every step, some overdue) and 1,000
ended ones (admitted, withdrawn, refused); the others 200 and 100. Each application has
its eight step records (due dates as `steps.schedule` sets them), mentorships proposed
and accepted, meetings, hours logged by candidates, buy-in subscriptions of candidates
and the survey answers of new members.

Timed: the export as the CSV download makes it (`views_registers.register_csv`, called
for each co-op by a staff account, its stream read to the end), best and slowest of
three, with the selector alone (`selectors_registers.register_rows`) beside it; one
request of the largest co-op's register.csv by its admin through Django's test client;
the board (`selectors.pathway_board`) and, when the page is wired
(`membership:pathway_board`), its page requested by the co-op's admin, 50 times each."""

import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

SEED = 2026
COOPS, MEMBERS, LARGEST = 1_000, 50_000, 5_000
PATHWAYS, OPEN_LARGEST, ENDED_LARGEST, OPEN_OTHERS, ENDED_OTHERS = 10, 3_000, 1_000, 200, 100
EXPORT_GOAL_S, BOARD_GOAL_MS, REQUESTS = 5.0, 200.0, 50
MENTORS = 120  # members of each pathway's co-op who mentor
BATCH = 5_000

FIRST = ("Ana", "Ben", "Chloé", "Dev", "Eilidh", "Farah", "Gus", "Hana", "Iker", "Jo",
         "Kofi", "Lena", "Mateo", "Nia", "Omar", "Priya", "Quinn", "Rosa", "Sam", "Tariq",
         "Una", "Víctor", "Wen", "Xavi", "Yara", "Zoë")  # fmt: skip
LAST = ("Abbott", "Baptiste", "Chen", "D'Souza", "Evans", "Fernández", "García", "Hughes",
        "Ibrahim", "Jones", "Kowalski", "Lefèvre", "MacLeod", "Nakamura", "O'Brien", "Patel",
        "Quispe", "Rossi", "Singh", "Thompson", "Uddin", "Vargas", "Williams", "Yilmaz")  # fmt: skip
STREETS = ("Mill Lane", "High Street", "Church Road", "Station Road", "Orchard Way",
           "Canal Side", "Rue de la Paix", "Calle Mayor")  # fmt: skip
TOWNS = ("Leeds", "Bristol", "Glasgow", "Cardiff", "Lyon", "Bilbao", "Portland", "Madison")
PRICES = (1_00, 10_00, 25_00, 100_00, 500_00, 1_000_00)
CURRENCIES = ("USD", "USD", "USD", "GBP", "EUR")
# the share of open applications at each step (orientation … admission)
AT_STEP = (0.2, 0.15, 0.15, 0.1, 0.2, 0.1, 0.05, 0.05)
CHECKLIST = ["Interview held", "References checked", "Visit to the workshop"]
DOCUMENTS = ["Membership agreement", "Rules", "Data policy"]


def person(rng: random.Random) -> tuple[str, str, str]:
    """(name, address, e-mail)."""
    first, last = rng.choice(FIRST), rng.choice(LAST)
    address = f"{rng.randrange(1, 300)} {rng.choice(STREETS)}, {rng.choice(TOWNS)}"
    email = f"{first}.{last}{rng.randrange(1000)}@example.org".lower().replace("'", "")
    return f"{first} {last}", address, email


def register_sizes(rng: random.Random) -> list[int]:
    """Members of each co-op: the largest LARGEST, the rest log-normal, MEMBERS in all."""
    weights = [rng.lognormvariate(0, 1.1) for _ in range(COOPS - 1)]
    rest, total = MEMBERS - LARGEST, sum(weights)
    sizes = [max(1, int(rest * w / total)) for w in weights]
    order = sorted(range(len(sizes)), key=lambda i: -weights[i])
    for i in range(rest - sum(sizes)):
        sizes[order[i % len(order)]] += 1
    while sum(sizes) > rest:  # the minimum of 1 took a few too many
        sizes[order[0]] -= 1
    return [LARGEST, *sorted(sizes, reverse=True)]


def months_between(start: dt.date, end: dt.date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day)


def add_months(day: dt.date, n: int) -> dt.date:
    from intercoop.core.months import add_months as add

    return add(day, n)


# the federation ----------------------------------------------------------------------------


def build(today: dt.date) -> dict[str, Any]:
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from intercoop.core.audit import system_actor
    from intercoop.directory import services as directory
    from intercoop.directory.models import NetworkMembership, Organization, OrganizationRole
    from intercoop.membership.models import ShareClass

    rng, now, system = random.Random(SEED), timezone.now(), system_actor()
    user_model = get_user_model()
    network = directory.network_create(actor=system, slug="federation", name="The Federation")
    sizes = register_sizes(rng)
    organizations = Organization.objects.bulk_create(
        Organization(slug=f"coop-{i:04d}", name=f"Co-op {i:04d}", created_at=now,
                     updated_at=now, approval=Organization.Approval.APPROVED)
        for i in range(COOPS)
    )  # fmt: skip
    NetworkMembership.objects.bulk_create(
        NetworkMembership(network=network, organization=o, status=NetworkMembership.Status.MEMBER)
        for o in organizations
    )
    staff = user_model.objects.create_user(username="staff", is_staff=True)
    admins = user_model.objects.bulk_create(
        user_model(username=f"admin-{o.slug}", email=f"admin@{o.slug}.example.org", password="!")
        for o in organizations[:PATHWAYS]
    )
    OrganizationRole.objects.bulk_create(
        OrganizationRole(organization=o, user=u, role=OrganizationRole.Role.ADMIN)
        for o, u in zip(organizations, admins, strict=False)
    )
    classes: dict[int, list[Any]] = {}
    made = []
    for o in organizations:
        price, currency = rng.choice(PRICES), rng.choice(CURRENCIES)
        made.append(ShareClass(organization=o, name="Member share", price=price,
                               currency=currency, minimum=10 if price <= 10_00 else 1,
                               redemption_months=rng.choice((0, 3, 12))))  # fmt: skip
        if rng.random() < 0.3:
            made.append(ShareClass(organization=o, name="Investor share", price=50_00,
                                   currency=currency, minimum=0, transferable=True,
                                   redemption_months=12))  # fmt: skip
    for c in ShareClass.objects.bulk_create(made):
        classes.setdefault(c.organization_id, []).append(c)
    world: dict[str, Any] = {
        "network": network, "organizations": organizations, "sizes": sizes, "staff": staff,
        "admins": admins, "classes": classes, "counts": dict.fromkeys(
            ("members", "subscriptions", "entries", "applications", "records",
             "mentorships", "meetings", "hours"), 0),
    }  # fmt: skip
    with transaction.atomic():
        admitted = build_pathways(world, rng, today)
        build_registers(world, rng, today, admitted)
    return world


def build_pathways(world: dict[str, Any], rng: random.Random, today: dt.date) -> dict[int, list]:
    """Each pathway co-op's pathway, applications, records, mentorships, meetings, hours,
    buy-ins and survey answers; returns co-op id → [(user, application)] of those
    admitted, whom the register enters."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from intercoop.core.models import Profile
    from intercoop.directory.models import OrganizationRole
    from intercoop.membership import pathways
    from intercoop.membership.models import (
        Application,
        Course,
        CourseModule,
        HoursEntry,
        Lesson,
        MentorMeeting,
        MentorOffer,
        Mentorship,
        ShareEntry,
        StepRecord,
        Subscription,
        SurveyResponse,
    )
    from intercoop.membership.steps import schedule

    user_model, now, counts = get_user_model(), timezone.now(), world["counts"]
    Status = Application.Status
    admitted: dict[int, list] = {}
    for n, (org, admin) in enumerate(zip(world["organizations"], world["admins"], strict=False)):
        course = Course.objects.create(
            slug=f"principles-{org.slug}", title="Co-op principles", publisher=org,
            published=True, created_at=now, updated_at=now,
        )  # fmt: skip
        module = CourseModule.objects.create(course=course, position=1, title="The principles")
        Lesson.objects.bulk_create(
            Lesson(module=module, position=i, title=f"Principle {i}", body="…") for i in (1, 2, 3)
        )
        share_class = world["classes"][org.pk][0]
        pathway = pathways.pathway_create(
            actor=admin, organization=org, name="Worker-owner pathway",
            steps=[
                {"kind": "orientation", "title": "Orientation evening", "days_to_complete": 14},
                {"kind": "course", "title": "Co-op principles", "course": course,
                 "days_to_complete": 30},
                {"kind": "mentorship", "title": "Meet your mentor", "settings": {"meetings": 3},
                 "days_to_complete": 30},
                {"kind": "vetting", "title": "Interview", "settings": {"checklist": CHECKLIST},
                 "days_to_complete": 14},
                {"kind": "probation", "title": "Probation",
                 "settings": {"days": 180, "hours": "600", "recent_hours": "300",
                              "recent_months": 6}},
                {"kind": "equity", "title": "Buy-in", "settings": {"share_class": share_class.pk},
                 "days_to_complete": 60},
                {"kind": "agreement", "title": "Sign the agreements",
                 "settings": {"documents": DOCUMENTS}, "days_to_complete": 14},
                {"kind": "admission", "title": "Admission", "settings": {"by_poll": False},
                 "days_to_complete": 14},
            ],
        )  # fmt: skip
        steps = list(pathway.steps.order_by("position"))
        opened, ended = (OPEN_LARGEST, ENDED_LARGEST) if n == 0 else (OPEN_OTHERS, ENDED_OTHERS)
        mentors = user_model.objects.bulk_create(
            user_model(username=f"mentor-{org.slug}-{i}", password="!") for i in range(MENTORS)
        )
        OrganizationRole.objects.bulk_create(
            OrganizationRole(organization=org, user=u, role=OrganizationRole.Role.MEMBER)
            for u in mentors
        )
        MentorOffer.objects.bulk_create(
            MentorOffer(organization=org, user=u, capacity=rng.choice((1, 2, 3))) for u in mentors
        )
        users = user_model.objects.bulk_create(
            user_model(username=f"applicant-{org.slug}-{i}", password="!",
                       email=f"applicant{i}@{org.slug}.example.org")
            for i in range(opened + ended)
        )  # fmt: skip
        names = {u.pk: person(rng)[0] for u in users}
        Profile.objects.bulk_create(
            Profile(user=u, display_name=names[u.pk]) for u in users if rng.random() < 0.6
        )
        plans = []  # (user, status, at step, applied on)
        for i, user in enumerate(users):
            if i < opened:
                at = rng.choices(range(len(steps)), AT_STEP)[0]
                status = Status.APPLICANT if at < 4 else Status.CANDIDATE
                if rng.random() < 0.05:
                    status = Status.PAUSED
                applied = today - dt.timedelta(days=rng.randrange(1, 40 + 60 * at))
            else:
                status = rng.choices((Status.MEMBER, Status.WITHDRAWN, Status.REFUSED),
                                     (0.6, 0.25, 0.15))[0]  # fmt: skip
                at = len(steps) if status == Status.MEMBER else rng.randrange(len(steps))
                applied = today - dt.timedelta(days=rng.randrange(400, 1500))
            plans.append((user, status, at, applied))
        applications = Application.objects.bulk_create(
            Application(
                pathway=pathway, user=user, status=status, applied_at=timezone.make_aware(
                    dt.datetime.combine(applied, dt.time(10))),
                motivation="I want to own the place I work in.",
                candidate_since=applied + dt.timedelta(days=90) if at >= 4 else None,
                member_since=applied + dt.timedelta(days=380) if status == Status.MEMBER else None,
                paused_from=(Status.APPLICANT if at < 4 else Status.CANDIDATE)
                if status == Status.PAUSED else "",
                ended_on=applied + dt.timedelta(days=200)
                if status in (Status.WITHDRAWN, Status.REFUSED) else None,
                reason="Moved away" if status in (Status.WITHDRAWN, Status.REFUSED) else "",
            )
            for user, status, at, applied in plans
        )  # fmt: skip
        records, mentorships, hours, buy_ins = [], [], [], []
        for application, (user, status, at, applied) in zip(applications, plans, strict=True):
            due = schedule(steps, applied)
            for position, step in enumerate(steps):
                done = position < at
                done_at = timezone.make_aware(dt.datetime.combine(
                    (due[step.pk] or applied) - dt.timedelta(days=rng.randrange(3)), dt.time(12)))  # fmt: skip
                records.append(StepRecord(
                    application=application, step=step, due_on=due[step.pk],
                    completed_at=done_at if done else None, completed_by=admin if done else None,
                    data={"sessions": [applied.isoformat()]} if done and position == 0 else {},
                    notes="Strong interview" if done and position == 3 else "",
                ))  # fmt: skip
            if at >= 2 and (at > 2 or rng.random() < 0.8):
                accepted = at > 2 or rng.random() < 0.5
                mentorships.append((Mentorship(
                    application=application, mentor=rng.choice(mentors), reason="Same trade",
                    status=Mentorship.Status.ACCEPTED if accepted else Mentorship.Status.PROPOSED,
                    proposed_at=now - dt.timedelta(days=rng.randrange(1, 200)),
                    answered_at=now if accepted else None,
                ), (3 if at > 2 else rng.randrange(3)) if accepted else 0))  # fmt: skip
            if at >= 4 and status != Status.MEMBER:
                for k in range(rng.randrange(10, 40)):
                    day = today - dt.timedelta(days=k * 4 + 1)
                    hours.append(HoursEntry(application=application, on=day,
                                            hours=Decimal(rng.choice(("7.5", "8", "6", "4"))),
                                            logged_by=user, logged_at=now))  # fmt: skip
            if at >= 5 and status != Status.MEMBER:
                buy_ins.append((application, applied + dt.timedelta(days=270)))
        StepRecord.objects.bulk_create(records, batch_size=BATCH)
        made = Mentorship.objects.bulk_create([m for m, _n in mentorships], batch_size=BATCH)
        meetings = [
            MentorMeeting(mentorship=m, on=today - dt.timedelta(days=30 * (k + 1)),
                          notes="Talked about the rota", logged_by=m.mentor)
            for m, (_m, count) in zip(made, mentorships, strict=True) for k in range(count)
        ]  # fmt: skip
        MentorMeeting.objects.bulk_create(meetings, batch_size=BATCH)
        HoursEntry.objects.bulk_create(hours, batch_size=BATCH)
        # candidates' buy-ins: a subscription of the application (no member yet)
        subscriptions = Subscription.objects.bulk_create(
            Subscription(application=a, share_class=share_class, shares=share_class.minimum,
                         amount=share_class.minimum * share_class.price, instalments=12,
                         first_due_on=first, created_at=now)
            for a, first in buy_ins
        )  # fmt: skip
        entries = []
        for s in subscriptions:
            entries.append(ShareEntry(organization=org, share_class=share_class, subscription=s,
                                      kind="subscription", shares=s.shares, amount=0,
                                      on=s.first_due_on, created_at=now))  # fmt: skip
            paid = 0
            for k in range(min(12, max(0, months_between(s.first_due_on, today) + 1))):
                part = s.amount // 12 if k < 11 else s.amount - paid
                paid += part
                entries.append(ShareEntry(
                    organization=org, share_class=share_class, subscription=s, kind="payment",
                    amount=part, on=add_months(s.first_due_on, k), method="payroll",
                    created_at=now))  # fmt: skip
            s.paid = paid
            s.paid_in_full_on = entries[-1].on if paid == s.amount else None
        Subscription.objects.bulk_update(subscriptions, ["paid", "paid_in_full_on"])
        ShareEntry.objects.bulk_create(entries, batch_size=BATCH)
        members = [(u, a) for a, (u, status, _at, _d) in zip(applications, plans, strict=True)
                   if status == Status.MEMBER]  # fmt: skip
        SurveyResponse.objects.bulk_create(
            SurveyResponse(application=a, when=when, answered_at=now, answers={
                **{k: rng.randrange(2, 6) for k in ("orientation", "course", "mentorship",
                                                    "probation", "equity", "admission")},
                **({"comment": "More evening sessions, please."} if rng.random() < 0.2 else {}),
            })
            for _u, a in members for when in ("admission", "six-months") if rng.random() < 0.7
        )  # fmt: skip
        admitted[org.pk] = [(u, a, names[u.pk]) for u, a in members]
        world.setdefault("pathways", []).append(pathway)
        counts["applications"] += len(applications)
        counts["records"] += len(records)
        counts["mentorships"] += len(made)
        counts["meetings"] += len(meetings)
        counts["hours"] += len(hours)
        counts["entries"] += len(entries)
        counts["subscriptions"] += len(subscriptions)
    return admitted


def _holdings(rng: random.Random, classes: list[Any], today: dt.date, entered: dt.date,
              ceased: dt.date | None) -> list[dict[str, Any]]:  # fmt: skip
    """A member's subscriptions: what they subscribed for and each payment (amount, date)."""
    member_class = classes[0]
    held = []
    shares = member_class.minimum * rng.choice((1, 1, 1, 2, 5))
    instalments = rng.choice((12, 24)) if ceased is None and rng.random() < 0.2 else 1
    held.append({"class": member_class, "shares": shares, "instalments": instalments})
    if len(classes) > 1 and rng.random() < 0.3:
        held.append({"class": classes[1], "shares": rng.randrange(2, 40), "instalments": 1})
    for h in held:
        amount = h["shares"] * h["class"].price
        h["amount"], h["first_due_on"] = amount, entered
        n = h["instalments"]
        due = min(n, max(1, months_between(entered, today) + 1))
        payments: list[tuple[int, dt.date]] = []
        for k in range(due):
            part = amount // n if k < n - 1 else amount - sum(p for p, _d in payments)
            payments.append((part, add_months(entered, k)))
        if ceased is None and n == 1 and rng.random() < 0.03:  # part paid so far
            payments = [(amount // 2, entered)]
        h["payments"] = payments
    return held


def build_registers(world: dict[str, Any], rng: random.Random, today: dt.date,
                    admitted: dict[int, list]) -> None:  # fmt: skip
    """Every co-op's register, its subscriptions and its share ledger, a few co-ops at a
    time; world["expected"]: co-op id → [rows, shares held, amount paid]."""
    from django.utils import timezone

    from intercoop.membership.models import Member, ShareEntry, Subscription

    now, counts = timezone.now(), world["counts"]
    expected: dict[int, list[int]] = {}
    world["expected"], world["sample"] = expected, {}
    organizations, sizes = world["organizations"], world["sizes"]
    for first in range(0, COOPS, 50):
        members, plans = [], []
        for org, size in zip(organizations[first : first + 50], sizes[first : first + 50],
                             strict=True):  # fmt: skip
            linked = admitted.get(org.pk, [])
            for i in range(size):
                name, address, email = person(rng)
                user = application = None
                if i < len(linked):
                    user, application, name = linked[i]
                    entered = application.member_since
                else:
                    entered = today - dt.timedelta(days=rng.randrange(30, 20 * 365))
                ceased = None
                if rng.random() < 0.05 and entered < today - dt.timedelta(days=60):
                    ceased = entered + dt.timedelta(days=rng.randrange(30, (today - entered).days))
                members.append(Member(
                    organization=org, user=user, application=application, name=name,
                    address=address, email=email, entered_on=entered, ceased_on=ceased,
                    ceased_reason="Retired" if ceased else "",
                    loans=rng.randrange(100_00, 5_000_00) if rng.random() < 0.03 else 0,
                ))  # fmt: skip
                classes = world["classes"][org.pk]
                plans.append(_holdings(rng, classes, today, entered, ceased))
        made = Member.objects.bulk_create(members, batch_size=BATCH)
        subscriptions, owners = [], []
        for member, held in zip(made, plans, strict=True):
            for h in held:
                paid = sum(p for p, _d in h["payments"])
                subscriptions.append(Subscription(
                    member=member, share_class=h["class"], shares=h["shares"], amount=h["amount"],
                    instalments=h["instalments"], first_due_on=h["first_due_on"], paid=paid,
                    paid_in_full_on=h["payments"][-1][1] if paid == h["amount"] else None,
                    created_at=now))  # fmt: skip
                owners.append((member, h))
        stored = Subscription.objects.bulk_create(subscriptions, batch_size=BATCH)
        entries = []
        investors: dict[int, list[tuple[Any, Any]]] = {}
        for s, (member, h) in zip(stored, owners, strict=True):
            as_applicant = rng.random() < 0.1  # entries naming only the subscription
            totals = expected.setdefault(member.organization_id, [0, 0, 0])
            common = {"organization_id": member.organization_id, "share_class": h["class"],
                      "subscription": s, "created_at": now}  # fmt: skip
            entries.append(ShareEntry(**common, member=None if as_applicant else member,
                                      kind="subscription", shares=h["shares"], amount=0,
                                      on=h["first_due_on"]))  # fmt: skip
            for k, (part, day) in enumerate(h["payments"]):
                entries.append(ShareEntry(
                    **common, member=None if as_applicant and k == 0 else member,
                    kind="payment", amount=part, on=day,
                    method=rng.choice(("bank", "bank", "payroll", "cash"))))  # fmt: skip
            shares, paid = h["shares"], sum(p for p, _d in h["payments"])
            if member.ceased_on is not None:  # repaid: fully paid shares redeemed
                entries.append(ShareEntry(
                    organization_id=member.organization_id, share_class=h["class"],
                    member=member, kind="redemption", shares=-shares, amount=-paid,
                    on=member.ceased_on, created_at=now,
                    payout_on=add_months(member.ceased_on, h["class"].redemption_months)))  # fmt: skip
                shares = paid = 0
            elif h["class"].transferable and h["shares"] >= 2:
                investors.setdefault(member.organization_id, []).append((member, h["class"]))
            totals[1] += shares
            totals[2] += paid
        for pairs in investors.values():  # some transfer a share to another holder
            for (giver, share_class), (taker, _c) in zip(pairs[::2], pairs[1::2], strict=False):
                if rng.random() < 0.3:
                    on = max(giver.entered_on, taker.entered_on) + dt.timedelta(days=10)
                    common = {"organization_id": giver.organization_id, "share_class": share_class,
                              "on": min(on, today), "created_at": now}  # fmt: skip
                    entries.append(ShareEntry(**common, member=giver, counterparty=taker,
                                              kind="transfer-out", shares=-1,
                                              amount=-share_class.price))  # fmt: skip
                    entries.append(ShareEntry(**common, member=taker, counterparty=giver,
                                              kind="transfer-in", shares=1,
                                              amount=share_class.price))  # fmt: skip
        for member in made:
            expected.setdefault(member.organization_id, [0, 0, 0])[0] += 1
        ShareEntry.objects.bulk_create(entries, batch_size=BATCH)
        counts["members"] += len(made)
        counts["subscriptions"] += len(stored)
        counts["entries"] += len(entries)


def check(world: dict[str, Any]) -> None:
    """The register's figures are those written: per co-op, its rows, the shares held
    and the amount paid (transfers move shares between members, not in or out)."""
    from intercoop.membership import selectors_registers

    for org in world["organizations"]:
        rows = list(selectors_registers.register_rows(org))
        found = [len(rows), sum(r.shares_held for r in rows), sum(r.paid for r in rows)]
        assert found == world["expected"][org.pk], (org.slug, found, world["expected"][org.pk])


# timing ----------------------------------------------------------------------------------


def _quantiles(task: Callable[[], Any], runs: int = REQUESTS) -> tuple[float, float]:
    for _ in range(3):
        task()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        task()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.quantiles(times, n=20)[-1], statistics.median(times)


def _timed(task: Callable[[], Any], times: int = 3) -> tuple[float, float, Any]:
    """(best, slowest) seconds of `times` runs, and the last run's result."""
    spent, result = [], None
    for _ in range(times):
        started = time.perf_counter()
        result = task()
        spent.append(time.perf_counter() - started)
    return min(spent), max(spent), result


def export(world: dict[str, Any]) -> None:
    from django.test import Client, RequestFactory
    from django.urls import reverse

    from intercoop.membership import selectors_registers, views_registers

    organizations, factory, staff = world["organizations"], RequestFactory(), world["staff"]

    def download() -> tuple[int, int]:
        """Every co-op's register.csv as the view streams it: (bytes, lines)."""
        size = lines = 0
        for org in organizations:
            request = factory.get(f"/membership/{org.slug}/register.csv")
            request.user = staff
            response = views_registers.register_csv(request, org.slug)
            for chunk in response.streaming_content:  # type: ignore[union-attr]
                size += len(chunk)
                lines += chunk.count(b"\n")
        return size, lines

    def rows_only() -> int:
        return sum(
            sum(1 for _row in selectors_registers.register_rows(org)) for org in organizations
        )

    best, slowest, (size, lines) = _timed(download)
    assert lines == MEMBERS + COOPS, lines  # a header and a line per member
    print(f"== the register export: {COOPS:,} co-ops' register.csv, {MEMBERS:,} rows, "
          f"{size / 1e6:.1f} MB (view, streamed; best and slowest of 3)")  # fmt: skip
    print(f"  export           {best:6.2f} s  slowest {slowest:5.2f} s   "
          f"goal < {EXPORT_GOAL_S:.0f} s   ratio {best / EXPORT_GOAL_S:.2f}")  # fmt: skip
    best, slowest, count = _timed(rows_only)
    assert count == MEMBERS
    print(f"  register_rows    {best:6.2f} s  slowest {slowest:5.2f} s   (no goal: the selector "
          f"alone, {count / best:,.0f} rows/s)")  # fmt: skip
    largest, admin = organizations[0], world["admins"][0]
    client = Client()
    client.force_login(admin)
    url = reverse("membership:register_csv", args=[largest.slug])

    def request() -> int:
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        return len(b"".join(response.streaming_content))  # type: ignore[attr-defined]

    best, slowest, size = _timed(request)
    pro_rata = EXPORT_GOAL_S * LARGEST / MEMBERS * 1000
    print(f"  GET {url} by its admin ({LARGEST:,} rows, {size / 1e6:.1f} MB; best of 3)")
    print(f"  one register     {best * 1000:6.0f} ms  slowest {slowest * 1000:4.0f} ms   "
          f"goal < {pro_rata:.0f} ms (the export's, pro rata)   "
          f"ratio {best * 1000 / pro_rata:.2f}")  # fmt: skip


def board(world: dict[str, Any]) -> None:
    from django.template import TemplateDoesNotExist
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    from intercoop.membership import selectors

    pathway, admin = world["pathways"][0], world["admins"][0]
    rows = selectors.pathway_board(pathway)
    overdue = sum(r.overdue for r in rows)
    by = statistics.multimode([r.who for r in rows])
    print(f"== the pathway board of {pathway.organization.name}: {len(rows):,} open "
          f"applications ({overdue:,} overdue; most wait on: {', '.join(by)})")  # fmt: skip
    assert len(rows) == OPEN_LARGEST, len(rows)
    tasks: list[tuple[str, Callable[[], Any]]] = [
        ("pathway_board", lambda: selectors.pathway_board(pathway))
    ]
    try:
        url = reverse("membership:pathway_board", args=[pathway.pk])
    except NoReverseMatch:
        print("  (the page membership:pathway_board is not wired yet: the selector alone)")
    else:
        client = Client()
        client.force_login(admin)

        def get() -> None:
            response = client.get(url)
            assert response.status_code == 200, response.status_code

        try:
            get()
        except TemplateDoesNotExist as error:
            print(f"  (the page {url} has no template yet ({error}): the selector alone)")
        else:
            print(f"  the page: GET {url} by the co-op's admin")
            tasks.append(("page", get))
    for label, task in tasks:
        p95, median = _quantiles(task)
        print(f"  {label:<26} p95 {p95:6.1f} ms  median {median:6.1f} ms   "
              f"goal p95 < {BOARD_GOAL_MS:.0f} ms   ratio {p95 / BOARD_GOAL_MS:.2f}")  # fmt: skip


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "intercoop.config.settings")
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connection
        from django.test.utils import override_settings
        from django.utils import timezone

        call_command("migrate", verbosity=0)
        print(f"== a federation of {COOPS:,} co-ops, {MEMBERS:,} members")
        started = time.perf_counter()
        world = build(timezone.localdate())
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        sizes = world["sizes"]
        print(f"  built in {time.perf_counter() - started:.0f} s: "
              + ", ".join(f"{n:,} {what}" for what, n in world["counts"].items()))  # fmt: skip
        print(f"  registers of {sizes[0]:,}, {sizes[1]:,}, {sizes[2]:,} … "
              f"median {statistics.median(sizes):.0f}, smallest {sizes[-1]} members")  # fmt: skip
        check(world)
        storage = {
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
        }
        with override_settings(STORAGES={**settings.STORAGES, **storage}):
            export(world)
            board(world)


if __name__ == "__main__":
    main()
