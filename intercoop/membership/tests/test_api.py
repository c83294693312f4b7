"""The membership API: the library (a course's outline, lessons done, the badge), applying,
an application's steps, hours and transitions, the registers; who may not see (404) or do
(403) what, with nothing written; bad input named by its field (422 for the wrong type or
shape, 400 for what the rules refuse), never a 500."""

import datetime as dt
import json
from typing import Any

import pytest
from django.utils import timezone

from intercoop.conftest import client_for
from intercoop.core.models import AuditEvent
from intercoop.membership import registers
from intercoop.membership.models import (
    Application,
    BadgeAssertion,
    HoursEntry,
    LessonDone,
    Member,
    ShareEntry,
    StepRecord,
    Subscription,
)
from intercoop.membership.tests.courses import build_course, lessons_of
from intercoop.membership.tests.pathway_world import apply, build_world

MODELS = [Application, StepRecord, HoursEntry, LessonDone, BadgeAssertion, Member, ShareEntry,
          Subscription, AuditEvent]  # fmt: skip
D = dt.date


@pytest.fixture
def w(network, org, people):
    return build_world(network, org, people)


def counts() -> dict[str, int]:
    return {model.__name__: model._default_manager.count() for model in MODELS}


def post(client, url, body=None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def today() -> dt.date:
    return timezone.localdate()


# the library ----------------------------------------------------------------------------


def test_the_library_a_course_and_its_badge(w):
    course = w["course"]
    build_course(w["org"], title="Principios", language="es")
    build_course(w["org"], title="A draft", published=False)
    client = client_for(w["applicant"])

    listed = client.get("/api/v1/courses").json()
    assert [c["title"] for c in listed["results"]] == ["Co-op principles", "Principios"]
    assert listed["results"][0] | {"slug": ""} == {
        "slug": "", "title": "Co-op principles", "summary": "The seven principles, in short.",
        "language": "en", "licence": "CC-BY-SA-4.0", "publisher": w["org"].slug,
        "organizations_using": 1, "lessons": 3,
    }  # fmt: skip
    spanish = client.get("/api/v1/courses?language=es").json()["results"]
    assert [c["title"] for c in spanish] == ["Principios"]

    detail = client.get(f"/api/v1/courses/{course.slug}").json()
    assert [(m["title"], [les["title"] for les in m["lessons"]]) for m in detail["modules"]] == [
        ("Module 1", ["Lesson 1.1", "Lesson 1.2"]),
        ("Module 2", ["Lesson 2.1"]),
    ]
    assert detail["licence_url"] == "https://creativecommons.org/licenses/by-sa/4.0/"
    assert detail["authors"][0] == {"name": "Amara Osei", "organization": "Riverside Bakery Co-op"}
    assert detail["organizations_using"] == [w["org"].slug]
    assert detail["based_on"] is None and detail["translation_of"] is None
    assert detail["progress"] == {"done": 0, "total": 3, "complete": False, "badge": None}

    lessons = lessons_of(course)
    base = f"/api/v1/courses/{course.slug}/lessons"
    for lesson in lessons[:2]:
        answer = post(client, f"{base}/{lesson.pk}/done")
        assert answer.status_code == 200 and answer.json()["progress"]["badge"] is None
    last = post(client, f"{base}/{lessons[2].pk}/done").json()
    badge = BadgeAssertion.objects.get(user=w["applicant"], course=course)
    assert last["progress"]["complete"] is True
    assert last["progress"]["badge"].endswith(f"/badges/assertions/{badge.uid}") or (
        badge.uid in last["progress"]["badge"]
    )
    again = client.get(f"/api/v1/courses/{course.slug}").json()
    assert [les["done"] for m in again["modules"] for les in m["lessons"]] == [True] * 3


def test_a_course_not_there_or_not_readable_is_a_404(w):
    draft = build_course(w["org"], title="A draft", published=False)
    other = build_course(w["org"], title="Another")
    client = client_for(w["applicant"])
    before = counts()
    assert client.get("/api/v1/courses/no-such-course").status_code == 404
    assert client.get(f"/api/v1/courses/{draft.slug}").status_code == 404
    lesson = lessons_of(other)[0]
    course = w["course"]
    answer = post(client, f"/api/v1/courses/{course.slug}/lessons/{lesson.pk}/done")
    assert answer.status_code == 404
    assert post(client, f"/api/v1/courses/{draft.slug}/lessons/1/done").status_code == 404
    assert post(client, f"/api/v1/courses/{course.slug}/lessons/x/done").status_code == 422
    assert counts() == before
    assert client_for(None).get("/api/v1/courses").status_code == 401


# pathways and applications --------------------------------------------------------------


def test_apply_log_hours_and_withdraw(w):
    client = client_for(w["applicant"])
    pathway = w["pathway"]
    listed = client.get(f"/api/v1/pathways?organization={w['org'].slug}").json()
    assert [p["name"] for p in listed["results"]] == ["Worker-owner pathway"]
    assert [s["kind"] for s in listed["results"][0]["steps"]] == [
        "orientation", "course", "mentorship", "vetting", "probation", "equity", "agreement",
        "admission",
    ]  # fmt: skip
    assert listed["results"][0]["steps"][1]["course"] == w["course"].slug
    networks = client.get(f"/api/v1/pathways?network={w['network'].slug}").json()["results"]
    assert [p["name"] for p in networks] == ["Joining the network"]

    made = post(client, f"/api/v1/pathways/{pathway.pk}/applications",
                {"motivation": "I love bread"})  # fmt: skip
    assert made.status_code == 201, made.content
    body = made.json()
    application = Application.objects.get(pk=body["id"])
    assert body["status"] == "applicant" and body["user"] == "applicant"
    assert body["motivation"] == "I love bread" and body["organization"] is None
    first = body["steps"][0]
    assert (first["kind"], first["current"], first["who"], first["complete"]) == (
        "orientation", True, "coordinators", False,
    )  # fmt: skip
    assert first["due_on"] == (today() + dt.timedelta(days=14)).isoformat()
    assert [s["who"] for s in body["steps"][1:]] == [""] * 7
    assert body["notes"] == {"steps": [], "meetings": []}
    assert body["actions"] == ["withdraw", "pause", "hours"]

    again = post(client, f"/api/v1/pathways/{pathway.pk}/applications", {})
    assert again.status_code == 400 and again.json()["field"] == "pathway"

    base = f"/api/v1/membership-applications/{application.pk}"
    before = counts()
    bad = post(client, f"{base}/hours", {"on": today().isoformat(), "hours": "x"})
    assert bad.status_code == 400 and bad.json()["field"] == "hours"
    shape = post(client, f"{base}/hours", {"hours": "2"})
    assert shape.status_code == 422 and shape.json()["field"] == "on"
    assert counts() == before

    logged = post(client, f"{base}/hours",
                  {"on": today().isoformat(), "hours": "2.5", "note": "Bread"})  # fmt: skip
    assert logged.status_code == 201
    assert logged.json() | {"id": 0} == {
        "id": 0, "application": application.pk, "on": today().isoformat(), "hours": "2.50",
        "note": "Bread",
    }  # fmt: skip
    assert HoursEntry.objects.filter(application=application).count() == 1

    withdrawn = post(client, f"{base}/withdraw", {"reason": "Moving away"})
    assert withdrawn.status_code == 200
    assert withdrawn.json()["status"] == "withdrawn"
    assert withdrawn.json()["reason"] == "Moving away" and withdrawn.json()["actions"] == []


def test_another_users_application_is_a_404_and_nothing_changes(w):
    application = apply(w)
    base = f"/api/v1/membership-applications/{application.pk}"
    for who in ("outsider", "member", "hilltop_admin"):
        client = client_for(w[who])
        before = counts()
        assert client.get(base).status_code == 404
        assert post(client, f"{base}/withdraw").status_code == 404
        assert post(client, f"{base}/refuse", {"reason": "No"}).status_code == 404
        hours = post(client, f"{base}/hours", {"on": today().isoformat(), "hours": "1"})
        assert hours.status_code == 404
        assert counts() == before
    assert (
        client_for(w["applicant"]).get("/api/v1/membership-applications/999999").status_code == 404
    )
    application.refresh_from_db()
    assert application.status == "applicant"


def test_the_coordinators_see_the_notes_and_refuse_with_a_reason(w):
    application = apply(w)
    base = f"/api/v1/membership-applications/{application.pk}"
    admin = client_for(w["admin"])
    seen = admin.get(base).json()
    assert seen["notes"] == {"steps": [], "meetings": []}
    assert seen["actions"] == ["candidate", "refuse", "pause", "hours"]

    before = counts()
    refused = post(client_for(w["applicant"]), f"{base}/refuse", {"reason": "No"})
    assert refused.status_code == 403
    empty = post(admin, f"{base}/refuse", {"reason": " "})
    assert empty.status_code == 400 and empty.json()["field"] == "reason"
    assert post(admin, f"{base}/refuse", {}).status_code == 422
    early = post(admin, f"{base}/candidate", {})
    assert early.status_code == 400
    assert counts() == before

    paused = post(admin, f"{base}/pause")
    assert paused.status_code == 200 and paused.json()["status"] == "paused"
    resumed = post(client_for(w["applicant"]), f"{base}/resume")
    assert resumed.status_code == 200 and resumed.json()["status"] == "applicant"
    done = post(admin, f"{base}/refuse", {"reason": "Not now"})
    assert done.status_code == 200
    assert (done.json()["status"], done.json()["reason"]) == ("refused", "Not now")


def test_applying_to_a_network_for_an_organisation(w):
    client = client_for(w["hilltop_admin"])
    url = f"/api/v1/pathways/{w['network_pathway'].pk}/applications"
    before = counts()
    unknown = post(client, url, {"organization": "no-such-co-op"})
    assert unknown.status_code == 400 and unknown.json()["field"] == "organization"
    refused = post(client_for(w["hilltop_member"]), url, {"organization": w["hilltop"].slug})
    assert refused.status_code == 403
    assert post(client, "/api/v1/pathways/999999/applications", {}).status_code == 404
    assert counts() == before
    made = post(client, url, {"organization": w["hilltop"].slug, "motivation": "We bake too"})
    assert made.status_code == 201
    assert (made.json()["organization"], made.json()["user"]) == (w["hilltop"].slug, None)
    assert made.json()["applicant"] == "Hilltop Co-op"


# the registers --------------------------------------------------------------------------


def test_the_registers_for_the_admins_only(w):
    admin, org = w["admin"], w["org"]
    member = registers.member_enter(
        actor=admin, organization=org, name="Ada Baker", email="ada@example.org",
        address="1 Mill Lane", entered_on=today(),
    )  # fmt: skip
    subscription = registers.subscribe(
        actor=admin, share_class=w["share_class"], shares=1, first_due_on=today(), member=member
    )
    registers.payment_record(actor=admin, subscription=subscription, amount=200_00, on=today())

    client = client_for(admin)
    rows = client.get(f"/api/v1/organizations/{org.slug}/register").json()
    assert rows["count"] == 1
    assert rows["results"] == [{
        "member": member.pk, "name": "Ada Baker", "address": "1 Mill Lane",
        "email": "ada@example.org", "shares_held": 1, "shares_paid": 200_00, "loans": 0,
        "currency": "USD", "entered_on": today().isoformat(), "ceased_on": None,
    }]  # fmt: skip
    shares = client.get(f"/api/v1/organizations/{org.slug}/shares").json()
    assert shares["results"] == [{
        "member": member.pk, "name": "Ada Baker", "entered_on": today().isoformat(),
        "ceased_on": None,
        "holdings": [{"share_class": "Worker share", "shares": 1, "amount_paid": 200_00,
                      "amount_unpaid": 300_00, "currency": "USD"}],
    }]  # fmt: skip

    for who in ("member", "outsider", "coordinator"):
        other = client_for(w[who])
        for what in ("register", "shares"):
            answer = other.get(f"/api/v1/organizations/{org.slug}/{what}")
            assert answer.status_code in (403, 404)
            assert "Ada" not in answer.content.decode()
    assert client.get("/api/v1/organizations/no-such-org/register").status_code == 404


def test_a_payroll_system_subscribes_and_posts_deductions_once_each(w):
    admin, org = w["admin"], w["org"]
    member = registers.member_enter(actor=admin, organization=org, name="Ada Baker",
                                    entered_on=D(2025, 1, 1))  # fmt: skip
    client = client_for(admin)
    base = f"/api/v1/organizations/{org.slug}"
    made = post(client, base + "/subscriptions", {
        "member": member.pk, "share_class": w["share_class"].pk, "shares": 1,
        "instalments": 24, "first_due_on": "2025-01-31", "on": "2025-01-15",
    })  # fmt: skip
    assert made.status_code == 201
    subscription = made.json()
    # 500.00 in 24: 23 × 20.83 and a last one of 20.91
    assert (subscription["amount"], subscription["instalments"], subscription["paid"]) == (
        500_00,
        24,
        0,
    )
    path = f"{base}/subscriptions/{subscription['id']}/payments"

    def deduct(on: str, key: str, amount: int = 20_83) -> Any:
        return client.post(path, json.dumps({"amount": amount, "on": on, "method": "payroll"}),
                           content_type="application/json",
                           headers={"Idempotency-Key": key})  # fmt: skip

    first = deduct("2025-01-31", "payroll-2025-01")
    assert (first.status_code, first.json()["paid"]) == (201, 20_83)
    again = deduct("2025-01-31", "payroll-2025-01")  # the run retried
    assert (again.status_code, again.json()["id"]) == (201, first.json()["id"])
    clash = deduct("2025-02-28", "payroll-2025-01")
    assert (clash.status_code, clash.json()["field"]) == (400, "idempotency_key")
    assert deduct("2025-02-28", "payroll-2025-02").json()["paid"] == 41_66
    # a late retry of January's run answers as January's answer did
    late = deduct("2025-01-31", "payroll-2025-01").json()
    assert (late["id"], late["paid"]) == (first.json()["id"], 20_83)
    other_method = client.post(path, json.dumps({"amount": 20_83, "on": "2025-01-31",
                                                 "method": "bank"}),
                               content_type="application/json",
                               headers={"Idempotency-Key": "payroll-2025-01"})  # fmt: skip
    assert (other_method.status_code, other_method.json()["field"]) == (400, "idempotency_key")
    assert post(client, path, {"amount": True, "on": "2025-03-31"}).status_code == 422
    too_much = deduct("2025-03-31", "payroll-2025-03", amount=500_00)
    assert (too_much.status_code, too_much.json()["field"]) == (400, "amount")
    listed = client.get(base + "/subscriptions?open=true").json()["results"]
    assert [(s["id"], s["paid"], s["holder"], s["currency"]) for s in listed] == [
        (subscription["id"], 41_66, "Ada Baker", "USD")
    ]
    assert listed[0]["late"] == listed[0]["due_by_today"] - 41_66 > 0
    assert AuditEvent.objects.filter(action="membership.payment").count() == 2

    # everyone else: 404 for the writes, whatever the ids, and nothing written
    before = counts()
    for who in ("member", "outsider", "coordinator"):
        other = client_for(w[who])
        for url, body in (
            (path, {"amount": 1, "on": "2025-03-31"}),
            (f"{base}/subscriptions/999999/payments", {"amount": 1, "on": "2025-03-31"}),
            (f"{base}/subscriptions", {"member": member.pk, "share_class": w["share_class"].pk,
                                       "shares": 1, "first_due_on": "2025-03-31"}),
        ):  # fmt: skip
            assert post(other, url, body).status_code == 404
        assert other.get(base + "/subscriptions").status_code in (403, 404)
    assert counts() == before
