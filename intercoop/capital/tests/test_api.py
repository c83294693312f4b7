"""The capital API: a loan from application to repayment, capital in, investor notes; who
may not see (404) or do (403) what, with nothing written; bad input named by its field
(422 for the wrong type or shape, 400 for what the rules refuse), never a 500."""

import json

import pytest

from intercoop.capital.models import (
    Contribution,
    EquityEntry,
    Fund,
    InvestorNote,
    LedgerEntry,
    Loan,
    LoanApplication,
    Pledge,
    Repayment,
)
from intercoop.capital.tests.conftest import START, approved_loan, give_cash
from intercoop.conftest import client_for
from intercoop.core.models import AuditEvent

MODELS = [Fund, Pledge, Contribution, EquityEntry, InvestorNote, LoanApplication, Loan,
          Repayment, LedgerEntry, AuditEvent]  # fmt: skip


def counts() -> dict[str, int]:
    return {model.__name__: model._default_manager.count() for model in MODELS}


def send(client, method, url, body=None):
    return getattr(client, method)(url, json.dumps(body or {}), content_type="application/json")


def post(client, url, body=None):
    return send(client, "post", url, body)


def patch(client, url, body=None):
    return send(client, "patch", url, body)


APPLICATION = {"purpose": "A new oven", "amount": 10_000_00, "term_months": 12,
               "requested_rate": "12", "method": "annuity",
               "uses": [{"use": "oven", "amount": 8_000_00}]}  # fmt: skip


def test_a_loan_from_application_to_repayment(fund, org, people, committee_people):
    admin = client_for(people["admin"])
    coordinator = client_for(people["coordinator"])
    committee = client_for(committee_people[0])
    base = f"/api/v1/funds/{fund.slug}"

    listed = admin.get("/api/v1/funds").json()
    assert [f["slug"] for f in listed["results"]] == [fund.slug]
    assert listed["results"][0]["max_rate"] == "12" and listed["results"][0]["can_manage"] is False

    # money in, so that there is something to lend
    made = post(coordinator, f"{base}/contributions",
                {"organization": fund.holder.slug, "amount": 20_000_00, "received_on": "2026-01-15"})  # fmt: skip
    assert made.status_code == 201, made.json()
    assert (made.json()["amount"], made.json()["currency"]) == (20_000_00, "USD")

    created = post(admin, f"{base}/applications", APPLICATION | {"organization": org.slug})
    assert created.status_code == 201, created.json()
    application = created.json()
    assert (application["status"], application["requested_rate"]) == ("draft", "12")
    assert application["uses"] == [{"use": "oven", "amount": 8_000_00}]
    url = f"/api/v1/loan-applications/{application['id']}"
    changed = patch(admin, url, {"amount": 9_000_00})
    assert (changed.status_code, changed.json()["amount"]) == (200, 9_000_00)
    assert patch(admin, url, {"amount": 10_000_00}).status_code == 200
    assert post(admin, f"{url}/submit").json()["status"] == "submitted"
    # the reviewers see it among the fund's applications; the applicant sees its own
    assert [a["id"] for a in coordinator.get(f"{base}/applications").json()["results"]] == [
        application["id"]
    ]
    assert admin.get(f"{base}/applications?status=submitted").json()["count"] == 1
    reviewed = post(coordinator, f"{url}/review", {"checklist": {"membership": True}})
    assert reviewed.json()["status"] == "review"
    assert reviewed.json()["checklist"]["membership"] is True
    assert (
        post(coordinator, f"{url}/messages", {"text": "Two years of accounts?"}).status_code == 201
    )
    answered = post(admin, f"{url}/messages", {"text": "Attached."}).json()
    assert [(m["from_applicant"], m["text"]) for m in answered["messages"]] == [
        (False, "Two years of accounts?"), (True, "Attached."),
    ]  # fmt: skip
    assert post(coordinator, f"{url}/to-committee").json()["status"] == "vote"
    decided = post(committee, f"{url}/decision",
                   {"approved": True, "note": "Good plan", "votes": {"agree": 2, "disagree": 0}})  # fmt: skip
    assert decided.status_code == 200, decided.json()
    assert (decided.json()["status"], decided.json()["votes_for"]) == ("approved", 2)
    loan_id = decided.json()["loan"]

    loan_url = f"/api/v1/loans/{loan_id}"
    offered = admin.get(loan_url).json()
    assert (offered["status"], offered["can_respond"], offered["schedule"]) == (
        "offered",
        True,
        None,
    )
    assert post(admin, f"{loan_url}/accept").json()["status"] == "accepted"
    disbursed = post(coordinator, f"{loan_url}/disburse", {"on": START.isoformat()})
    assert disbursed.status_code == 200, disbursed.json()
    loan = disbursed.json()
    assert (loan["status"], loan["principal_outstanding"], loan["annual_rate"]) == (
        "active", 10_000_00, "12",
    )  # fmt: skip
    rows = loan["schedule"]["rows"]
    assert len(rows) == 12 and rows[0]["payment"] == 888_49 and rows[-1]["payment"] == 888_47
    assert rows[0]["due_on"] == "2026-02-28" and rows[0]["obligation"] is None

    repaid = post(coordinator, f"{loan_url}/repayments",
                  {"amount": 888_49, "paid_on": "2026-02-27", "reference": "bank 1"})  # fmt: skip
    assert repaid.status_code == 201, repaid.json()
    assert (repaid.json()["amount"], repaid.json()["source"]) == (888_49, "recorded")
    after = admin.get(loan_url).json()
    assert after["principal_outstanding"] == 10_000_00 - 788_49
    assert after["schedule"]["rows"][0]["settled_on"] == "2026-02-27"
    statement = admin.get(f"{loan_url}/statement?on=2026-03-01").json()
    assert (statement["interest_paid"], statement["principal_paid"]) == (100_00, 788_49)
    assert (statement["days_past_due"], statement["bucket"]) == (0, "current")
    assert [r["reference"] for r in statement["repayments"]] == ["bank 1"]

    overview = coordinator.get(base).json()["overview"]
    assert overview["disbursed"] == 10_000_00
    assert overview["principal_outstanding"] == 10_000_00 - 788_49
    assert overview["cash"] == 20_000_00 - 10_000_00 + 888_49
    assert overview["loans_by_status"]["active"] == 1
    assert overview["par30"] == "100.00"  # months behind: the whole loan is at risk
    # a member's people see the totals, not who owes what
    member_view = client_for(people["member"]).get(base).json()["overview"]
    assert member_view["due_soon"] == [] and member_view["disbursed"] == 10_000_00


def test_capital_in_and_an_investor_note(fund, org, people):
    admin = client_for(people["admin"])
    coordinator = client_for(people["coordinator"])
    base = f"/api/v1/funds/{fund.slug}"
    pledged = post(admin, f"{base}/pledges", {"organization": org.slug, "percent_of_surplus": "2",
                                              "first_year": 2026, "years": 3})  # fmt: skip
    assert pledged.status_code == 201, pledged.json()
    assert pledged.json()["percent_of_surplus"] == "2"
    paid = post(coordinator, f"{base}/contributions",
                {"organization": org.slug, "amount": 1_500_00, "received_on": "2026-03-01",
                 "pledge": pledged.json()["id"], "surplus_year": 2025})  # fmt: skip
    assert paid.status_code == 201 and paid.json()["pledge"] == pledged.json()["id"]
    equity = post(coordinator, f"{base}/equity",
                  {"organization": org.slug, "amount": 500_00, "on": "2026-03-01"})  # fmt: skip
    assert equity.status_code == 201
    note = post(coordinator, f"{base}/notes",
                {"organization": org.slug, "amount": 10_000_00, "rate": "1.5",
                 "term_months": 36, "issued_on": "2026-01-01", "notice_days": 60})  # fmt: skip
    assert note.status_code == 201, note.json()
    body = note.json()
    assert (body["rate"], body["matures_on"], body["status"]) == ("1.5", "2029-01-01", "active")
    assert body["years"][0]["year"] == 2026
    # the investor sees its note and gives notice; the fund's managers repay it
    assert [n["id"] for n in admin.get(f"{base}/notes").json()["results"]] == [body["id"]]
    noticed = post(admin, f"/api/v1/notes/{body['id']}/notice")
    assert noticed.json()["status"] == "notice"
    repaid = post(coordinator, f"/api/v1/notes/{body['id']}/repay", {"on": "2026-07-01"})
    assert repaid.json()["status"] == "repaid"
    assert repaid.json()["interest_paid"] == 10_000_00 * 15 * 181 // (1000 * 365)
    overview = coordinator.get(base).json()["overview"]
    assert (overview["contributions"], overview["member_equity"]) == (1_500_00, 500_00)
    # a policy change
    changed = patch(coordinator, base, {"max_rate": "10.5", "decision_days": 5})
    assert (changed.json()["max_rate"], changed.json()["decision_days"]) == ("10.5", 5)
    assert patch(coordinator, base, {"committee": None}).json()["committee"] is None


def test_who_may_not_see_gets_404_and_who_may_not_act_gets_403(fund, org, people, committee_people):
    loan = approved_loan(fund, org, people, committee_people)  # accepted
    base = f"/api/v1/funds/{fund.slug}"
    before = counts()
    for who in ("outsider", "other_coordinator"):
        client = client_for(people[who])
        assert client.get(base).status_code == 404
        assert client.get(f"/api/v1/loans/{loan.pk}").status_code == 404
        assert client.get(f"/api/v1/loan-applications/{loan.application_id}").status_code == 404
        assert (
            post(client, f"/api/v1/loans/{loan.pk}/disburse", {"on": "2026-02-01"}).status_code
            == 404
        )
        assert patch(client, base, {"name": "Mine"}).status_code == 404
        assert post(client, f"{base}/applications",
                    APPLICATION | {"organization": org.slug}).status_code == 404  # fmt: skip
        assert client.get("/api/v1/funds").json()["results"] == []
    anonymous = client_for(None)
    assert anonymous.get(base).status_code == 401
    assert (
        post(anonymous, f"/api/v1/loans/{loan.pk}/disburse", {"on": "2026-02-01"}).status_code
        == 401
    )
    member, admin = client_for(people["member"]), client_for(people["admin"])
    # the borrower's people see their loan; its manager alone disburses it
    assert member.get(f"/api/v1/loans/{loan.pk}").status_code == 200
    assert post(admin, f"/api/v1/loans/{loan.pk}/disburse", {"on": "2026-02-01"}).status_code == 403
    assert post(member, f"{base}/applications",
                APPLICATION | {"organization": org.slug}).status_code == 403  # fmt: skip
    denied = patch(admin, base, {"name": "Ours now"})
    assert denied.status_code == 403 and denied.json()["detail"]
    assert post(admin, f"{base}/contributions",
                {"organization": org.slug, "amount": 100, "received_on": "2026-01-02"}).status_code == 403  # fmt: skip
    assert post(client_for(people["coordinator"]), f"{base}/pledges",
                {"organization": "nobody-here", "yearly_amount": 100, "first_year": 2026,
                 "years": 1}).status_code == 400  # fmt: skip
    assert counts() == before
    fund.refresh_from_db()
    loan.refresh_from_db()
    assert (fund.name, loan.status) == ("Valley Solidarity Fund", Loan.Status.ACCEPTED)


def test_only_the_committee_decides_and_only_the_borrower_accepts(fund, org, people):
    admin, coordinator = client_for(people["admin"]), client_for(people["coordinator"])
    made = post(admin, f"/api/v1/funds/{fund.slug}/applications",
                APPLICATION | {"organization": org.slug}).json()  # fmt: skip
    url = f"/api/v1/loan-applications/{made['id']}"
    post(admin, f"{url}/submit")
    post(coordinator, f"{url}/to-committee")
    before = counts()
    for client in (admin, coordinator):  # the coordinators are not on the committee
        assert post(client, f"{url}/decision", {"approved": True}).status_code == 403
    assert post(admin, f"{url}/review", {"checklist": {"plan": True}}).status_code == 403
    assert counts() == before
    assert LoanApplication.objects.get(pk=made["id"]).status == LoanApplication.Status.IN_VOTE


def test_an_offer_is_answered_by_the_borrower_s_admins_only(fund, org, people, committee_people):
    loan = approved_loan(fund, org, people, committee_people)
    Loan.objects.filter(pk=loan.pk).update(status=Loan.Status.OFFERED, accepted_at=None)
    before = counts()
    for who in ("member", "coordinator"):
        assert post(client_for(people[who]), f"/api/v1/loans/{loan.pk}/accept").status_code == 403
    assert counts() == before
    declined = post(client_for(people["admin"]), f"/api/v1/loans/{loan.pk}/decline")
    assert declined.json()["status"] == "declined"


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"amount": "lots"}, 422, "amount"),
        ({"amount": -5}, 422, "amount"),
        ({"amount": 10**16}, 422, "amount"),
        ({"requested_rate": "12.5%"}, 422, "requested_rate"),
        ({"requested_rate": "50"}, 400, "requested_rate"),
        ({"term_months": 2}, 400, "term_months"),
        ({"term_months": 10**12}, 422, "term_months"),
        ({"method": "balloon"}, 422, "method"),
        ({"amount": 60_000_00}, 400, "amount"),
        ({"organization": "no-such-org"}, 400, "organization"),
        ({"purpose": "x" * 20_000}, 422, "purpose"),
        ({"uses": [{"use": "oven", "amount": 20_000_00}]}, 400, "uses"),
        ({"grace_months": 12}, 400, "grace_months"),
    ],
)
def test_a_bad_application_is_named_by_its_field(fund, org, people, body, status, field):
    before = counts()
    answer = post(client_for(people["admin"]), f"/api/v1/funds/{fund.slug}/applications",
                  APPLICATION | {"organization": org.slug} | body)  # fmt: skip
    assert (answer.status_code, answer.json().get("field")) == (status, field), answer.json()
    assert counts() == before


def test_bad_values_for_a_loan_are_named_and_never_a_500(fund, org, people, committee_people):
    give_cash(fund)
    coordinator = client_for(people["coordinator"])
    loan = approved_loan(fund, org, people, committee_people)
    url = f"/api/v1/loans/{loan.pk}"
    for body, status, field in (
        ({"on": "2999-01-01"}, 400, "on"),
        ({"on": "31/01/2026"}, 422, "on"),
        ({}, 422, "on"),
    ):
        answer = post(coordinator, f"{url}/disburse", body)
        assert (answer.status_code, answer.json().get("field")) == (status, field)
    assert post(coordinator, f"{url}/repayments",
                {"amount": 100, "paid_on": "2026-02-01"}).status_code == 400  # fmt: skip
    assert post(coordinator, f"{url}/disburse", {"on": START.isoformat()}).status_code == 200
    before = counts()
    too_much = post(
        coordinator, f"{url}/repayments", {"amount": 20_000_00, "paid_on": "2026-02-27"}
    )
    assert (too_much.status_code, too_much.json()["field"]) == (400, "amount")
    early = post(coordinator, f"{url}/repayments", {"amount": 100, "paid_on": "2025-12-31"})
    assert (early.status_code, early.json()["field"]) == (400, "paid_on")
    bad_rate = post(coordinator, f"{url}/restructure",
                    {"start": "2026-06-01", "months": 12, "annual_rate": "101",
                     "method": "annuity", "reason": "x"})  # fmt: skip
    assert (bad_rate.status_code, bad_rate.json()["field"]) == (400, "annual_rate")
    no_reason = post(coordinator, f"{url}/write-off", {"reason": " "})
    assert (no_reason.status_code, no_reason.json()["field"]) == (400, "reason")
    assert counts() == before
    for path in ("/api/v1/loans/99999999999999999999999", "/api/v1/notes/0",
                 "/api/v1/loan-applications/-1"):  # fmt: skip
        assert coordinator.get(path).status_code == 422
    assert coordinator.get("/api/v1/loans/999999").status_code == 404
    assert coordinator.get(f"{url}/statement?on=not-a-date").status_code == 422


def test_bad_policy_and_capital_values_are_named(fund, org, people):
    coordinator = client_for(people["coordinator"])
    base = f"/api/v1/funds/{fund.slug}"
    before = counts()
    cases = [
        ("patch", base, {"min_rate": "9", "max_rate": "8"}, 400, "max_rate"),
        ("patch", base, {"committee": "no-such-committee"}, 400, "committee"),
        ("patch", base, {"max_loan": 0}, 400, "max_loan"),
        ("patch", base, {"min_rate": "abc"}, 422, "min_rate"),
        ("post", f"{base}/notes", {"organization": org.slug, "amount": 100, "rate": "3",
                                   "term_months": 12, "issued_on": "2026-01-01"}, 400, "rate"),
        ("post", f"{base}/notes", {"amount": 100, "rate": "1", "term_months": 12,
                                   "issued_on": "2026-01-01"}, 400, "investor"),
        ("post", f"{base}/notes", {"user": "nobody", "amount": 100, "rate": "1",
                                   "term_months": 12, "issued_on": "2026-01-01"}, 400, "user"),
        ("post", f"{base}/equity", {"organization": org.slug, "amount": -100,
                                    "on": "2026-01-01"}, 400, "amount"),
        ("post", f"{base}/equity", {"organization": org.slug, "amount": 100, "on": "2026-01-01",
                                    "tier": 12345}, 400, "tier"),
        ("post", f"{base}/contributions", {"organization": org.slug, "amount": 100,
                                           "received_on": "2026-01-01", "pledge": 999}, 400,
         "pledge"),
        ("post", f"{base}/pledges", {"organization": org.slug, "first_year": 2026,
                                     "years": 1}, 400, "percent_of_surplus"),
    ]  # fmt: skip
    for method, url, body, status, field in cases:
        answer = send(coordinator, method, url, body)
        assert (answer.status_code, answer.json().get("field")) == (status, field), (
            body,
            answer.json(),
        )
    assert counts() == before


def test_money_posted_twice_with_one_idempotency_key_is_recorded_once(fund, org, people,
                                                                     committee_people):  # fmt: skip
    """A client that retries a repayment or a contribution (a timeout, a lost answer) with
    the same Idempotency-Key gets the first answer; nothing is written again."""
    coordinator = client_for(people["coordinator"])
    base = f"/api/v1/funds/{fund.slug}"
    body = {"organization": org.slug, "amount": 20_000_00, "received_on": "2026-01-10"}

    def contribute(key, amount=20_000_00):
        return coordinator.post(f"{base}/contributions", json.dumps(body | {"amount": amount}),
                                content_type="application/json", HTTP_IDEMPOTENCY_KEY=key)  # fmt: skip

    first = contribute("c-1")
    assert first.status_code == 201
    before = counts()
    again = contribute("c-1")
    assert (again.status_code, again.json()) == (201, first.json())
    assert counts() == before
    other = contribute("c-1", amount=1_00)
    assert (other.status_code, other.json()["field"]) == (400, "idempotency_key")
    assert contribute("x" * 101).status_code == 422
    assert counts() == before

    loan = approved_loan(fund, org, people, committee_people)
    assert post(coordinator, f"/api/v1/loans/{loan.pk}/disburse", {"on": START.isoformat()}
                ).status_code == 200  # fmt: skip
    url = f"/api/v1/loans/{loan.pk}/repayments"

    def repay(key):
        return coordinator.post(url, json.dumps({"amount": 888_49, "paid_on": "2026-02-27"}),
                                content_type="application/json", HTTP_IDEMPOTENCY_KEY=key)  # fmt: skip

    paid = repay("r-1")
    assert paid.status_code == 201
    before = counts()
    retried = repay("r-1")
    assert (retried.status_code, retried.json()) == (201, paid.json())
    assert counts() == before
    assert repay("r-2").status_code == 201  # another key: another repayment
    assert Repayment.objects.filter(loan=loan).count() == 2


def test_the_applications_list_reads_as_many_rows_in_as_many_queries(
    fund, org, people, django_assert_num_queries
):
    coordinator = client_for(people["coordinator"])
    url = f"/api/v1/funds/{fund.slug}/applications"

    def apply(times):
        for _ in range(times):
            made = post(client_for(people["admin"]), f"/api/v1/funds/{fund.slug}/applications",
                        APPLICATION | {"organization": org.slug})  # fmt: skip
            post(
                client_for(people["admin"]), f"/api/v1/loan-applications/{made.json()['id']}/submit"
            )

    def queries():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        coordinator.get(url)  # the session and the caches warm
        with CaptureQueriesContext(connection) as captured:
            answer = coordinator.get(url)
        return len(captured), len(answer.json()["results"])

    apply(1)
    one = queries()
    apply(4)
    five = queries()
    assert (one[1], five[1]) == (1, 5)
    assert five[0] == one[0]


def test_a_written_off_loan_shows_as_written_off_not_ageing(fund, org, people, committee_people):
    give_cash(fund)
    coordinator = client_for(people["coordinator"])
    loan = approved_loan(fund, org, people, committee_people)
    post(coordinator, f"/api/v1/loans/{loan.pk}/disburse", {"on": START.isoformat()})
    late = coordinator.get(f"/api/v1/loans/{loan.pk}").json()
    assert late["days_past_due"] > 90 and late["bucket"] == "90+" and late["written_off"] == 0
    gone = post(coordinator, f"/api/v1/loans/{loan.pk}/write-off", {"reason": "Closed"}).json()
    assert (gone["status"], gone["principal_outstanding"], gone["written_off"]) == (
        "written-off", 0, 10_000_00
    )  # fmt: skip
    assert (gone["days_past_due"], gone["bucket"], gone["overdue"], gone["next_due"]) == (
        0, None, 0, None
    )  # fmt: skip
    assert not any(row["late"] for row in gone["schedule"]["rows"])
    statement = coordinator.get(f"/api/v1/loans/{loan.pk}/statement").json()
    assert (statement["outstanding"], statement["written_off"], statement["bucket"]) == (
        0, 10_000_00, None
    )  # fmt: skip
