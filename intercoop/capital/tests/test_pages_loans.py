"""The lending pages through the test client: applying (amounts typed in major units,
uses of funds, the fund's policy beside the form), an application's page (edit, submit,
files, questions, checklist, the committee's decision or its poll), the reviewers' list,
the portfolio, a loan's page (accept, disburse, repay, restructure, write off) and the
statement with its CSV. Each page refuses (403/404) those it is not for, a refused POST
writes nothing, and bad input comes back beside its field, never as a 500."""

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from intercoop.capital import services
from intercoop.capital.models import (
    MAX_ATTACHMENT_BYTES,
    ApplicationMessage,
    Attachment,
    Fund,
    Loan,
    LoanApplication,
    LoanSchedule,
    Repayment,
)
from intercoop.capital.tests.conftest import START, approved_loan, give_cash
from intercoop.conftest import client_for, make_org, make_user
from intercoop.core.audit import system_actor
from intercoop.directory import services as directory_services
from intercoop.directory.models import OrganizationRole
from intercoop.governance.models import Poll

FUND = "/capital/valley-solidarity-fund/"


def text_of(response: Any) -> str:
    return " ".join(response.content.decode().split())


def words_of(response: Any) -> str:
    """The page's text without its markup."""
    return " ".join(re.sub(r"<[^>]*>", " ", response.content.decode()).split())


def app_url(application: LoanApplication, tail: str = "") -> str:
    return f"/capital/applications/{application.pk}/{tail}"


def loan_url(loan: Loan, tail: str = "") -> str:
    return f"/capital/loans/{loan.pk}/{tail}"


def form_data(**values: Any) -> dict[str, Any]:
    data = {
        "purpose": "A second oven for the night shift",
        "amount": "12,000.50",
        "term_months": "24",
        "requested_rate": "4.5",
        "method": "annuity",
        "grace_months": "2",
        "use_1": "Oven",
        "use_1_amount": "9000",
        "use_2": "Installation",
        "use_2_amount": "1500.25",
        "use_3": "",
        "use_3_amount": "",
    }
    return data | values


def draft(fund: Fund, org: Any, people: Any, **values: Any) -> LoanApplication:
    return services.application_create(
        actor=people["admin"], fund=fund, organization=org,
        values={"purpose": "A new oven", "amount": 10_000_00, "term_months": 12,
                "requested_rate": Decimal("6"), "method": "annuity"} | values,
    )  # fmt: skip


def submitted(fund: Fund, org: Any, people: Any) -> LoanApplication:
    application = draft(fund, org, people)
    services.application_submit(actor=people["admin"], application=application)
    return application


def before_committee(fund: Fund, org: Any, people: Any) -> LoanApplication:
    application = submitted(fund, org, people)
    services.application_to_committee(actor=people["coordinator"], application=application)
    application.refresh_from_db()
    return application


@pytest.fixture
def other_admin(network: Any, people: Any) -> Any:
    """The admin of another member co-op of the network."""
    other = make_org(name="Hilltop Grocers Co-op")
    system = system_actor()
    directory_services.network_member_join(actor=system, network=network, organization=other)
    user = make_user("other_admin")
    directory_services.organization_role_assign(
        actor=system, organization=other, user=user, role=OrganizationRole.Role.ADMIN
    )
    user.other_org = other  # type: ignore[attr-defined]
    return user


def offered_loan(fund: Fund, org: Any, people: Any, committee_people: list[Any]) -> Loan:
    application = before_committee(fund, org, people)
    services.application_decide(actor=committee_people[0], application=application, approved=True)
    return Loan.objects.get(application=application)


def active_loan(fund: Fund, org: Any, people: Any, committee_people: list[Any]) -> Loan:
    give_cash(fund)
    loan = approved_loan(fund, org, people, committee_people)
    services.loan_disburse(actor=people["coordinator"], loan=loan, on=START)
    loan.refresh_from_db()
    return loan


# Applying ------------------------------------------------------------------------------------


def test_the_apply_page_shows_the_policy_and_the_methods_in_plain_words(fund, people):
    response = client_for(people["admin"]).get(FUND + "apply/")
    assert response.status_code == 200
    page = text_of(response)
    assert "50,000.00 USD" in page
    assert "6 to 60 months" in page
    assert "0% to 12% a year" in page
    assert "Applying for Riverside Bakery Co-op." in page
    assert "The same payment every month." in page
    assert "the whole loan is repaid with the last payment" in page
    assert 'name="use_3_amount"' in page


def test_the_apply_page_is_for_a_member_co_ops_admins_and_editors(fund, people):
    assert client_for(people["member"]).get(FUND + "apply/").status_code == 403
    assert client_for(people["coordinator"]).get(FUND + "apply/").status_code == 403
    assert client_for(people["outsider"]).get(FUND + "apply/").status_code == 403
    assert client_for(people["other_coordinator"]).get(FUND + "apply/").status_code == 403
    response = client_for(None).get(FUND + "apply/")
    assert response.status_code == 302 and "/login" in response["Location"]
    assert client_for(people["admin"]).get("/capital/nowhere/apply/").status_code == 404


def test_applying_creates_a_draft_in_minor_units_and_shows_it(fund, org, people):
    client = client_for(people["admin"])
    response = client.post(FUND + "apply/", form_data())
    application = LoanApplication.objects.get()
    assert response.status_code == 302
    assert response["Location"] == app_url(application)
    assert application.organization == org
    assert application.status == LoanApplication.Status.DRAFT
    assert application.amount == 12_000_50
    assert application.term_months == 24
    assert application.requested_rate == Decimal("4.5")
    assert application.grace_months == 2
    assert application.uses == [
        {"use": "Oven", "amount": 9_000_00},
        {"use": "Installation", "amount": 1_500_25},
    ]
    page = text_of(client.get(app_url(application)))
    assert "12,000.50 USD" in page and "1,500.25 USD" in page
    assert "This is a draft" in page


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"amount": "twelve"}, "amount", "is not an amount of money"),
        ({"amount": "10.001"}, "amount", "has too many decimals for USD"),
        ({"amount": "60000"}, "amount", "is more than"),
        ({"term_months": "61"}, "term_months", "must be a whole number from 6 to 60"),
        ({"requested_rate": "15"}, "requested_rate", "must be from 0% to 12%"),
        ({"method": "balloon"}, "method", "Select a valid choice"),
        ({"use_2_amount": ""}, "use_2_amount", "How much of the loan goes to this use?"),
        ({"use_1": ""}, "use_1", "What is this amount for?"),
        ({"purpose": ""}, "purpose", "This field is required"),
    ],
)
def test_bad_input_comes_back_beside_its_field(fund, people, values, field, message):
    response = client_for(people["admin"]).post(FUND + "apply/", form_data(**values))
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors[field])
    assert message in errors
    assert LoanApplication.objects.count() == 0


def test_uses_adding_up_to_more_than_the_amount_are_refused_above_the_form(fund, people):
    response = client_for(people["admin"]).post(
        FUND + "apply/", form_data(amount="5000", use_1_amount="4000", use_2_amount="2000")
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Uses of funds: the uses add up to more than the amount asked for"
    ]
    assert LoanApplication.objects.count() == 0


def test_who_speaks_for_several_member_co_ops_chooses_which_applies(fund, org, people, network):
    second = make_org(name="Mill Street Workers Co-op")
    directory_services.network_member_join(
        actor=system_actor(), network=network, organization=second
    )
    directory_services.organization_role_assign(
        actor=system_actor(), organization=second, user=people["admin"],
        role=OrganizationRole.Role.EDITOR,
    )  # fmt: skip
    outside = make_org(name="Not A Member Co-op")
    directory_services.organization_role_assign(
        actor=system_actor(), organization=outside, user=people["admin"],
        role=OrganizationRole.Role.ADMIN,
    )  # fmt: skip
    client = client_for(people["admin"])
    page = text_of(client.get(FUND + "apply/"))
    assert "Mill Street Workers Co-op" in page and "Not A Member Co-op" not in page
    refused = client.post(FUND + "apply/", form_data(organization=str(outside.pk)))
    assert refused.status_code == 200 and "organization" in refused.context["form"].errors
    assert LoanApplication.objects.count() == 0
    client.post(FUND + "apply/", form_data(organization=str(second.pk)))
    assert LoanApplication.objects.get().organization == second


# An application ----------------------------------------------------------------------------


def test_an_application_is_seen_by_its_people_the_reviewers_and_committee_only(
    fund, org, people, committee_people, other_admin
):
    application = submitted(fund, org, people)
    for user in (people["admin"], people["member"], people["coordinator"], committee_people[0]):
        response = client_for(user).get(app_url(application))
        assert response.status_code == 200
        assert "Loan application of Riverside Bakery Co-op" in text_of(response)
    for user in (other_admin, people["outsider"], people["other_coordinator"]):
        assert client_for(user).get(app_url(application)).status_code == 403
    assert client_for(people["admin"]).get("/capital/applications/999999/").status_code == 404
    response = client_for(None).get(app_url(application))
    assert response.status_code == 302 and "/login" in response["Location"]


def test_the_applicant_edits_and_submits_a_draft(fund, org, people):
    application = draft(fund, org, people)
    client = client_for(people["admin"])
    page = client.get(app_url(application))
    assert page.context["edit_form"] is not None
    assert "Submit the application" in text_of(page)
    response = client.post(
        app_url(application), form_data(action="update", amount="9,600", use_2_amount="500")
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert (application.amount, application.term_months) == (9_600_00, 24)
    assert application.uses == [
        {"use": "Oven", "amount": 9_000_00},
        {"use": "Installation", "amount": 500_00},
    ]
    client.post(app_url(application), {"action": "submit"})
    application.refresh_from_db()
    assert application.status == LoanApplication.Status.SUBMITTED


def test_a_bad_change_comes_back_beside_its_field_and_writes_nothing(fund, org, people):
    application = draft(fund, org, people)
    response = client_for(people["admin"]).post(
        app_url(application), form_data(action="update", term_months="3")
    )
    assert response.status_code == 200
    assert "must be a whole number from 6 to 60" in " ".join(
        response.context["edit_form"].errors["term_months"]
    )
    application.refresh_from_db()
    assert application.term_months == 12


def test_only_the_applicants_editors_submit_or_withdraw(fund, org, people, other_admin):
    application = draft(fund, org, people)
    for user in (people["member"], people["coordinator"]):
        assert client_for(user).post(app_url(application), {"action": "submit"}).status_code == 403
        response = client_for(user).post(app_url(application), {"action": "withdraw"})
        assert response.status_code == 403
    assert (
        client_for(other_admin).post(app_url(application), {"action": "submit"}).status_code == 403
    )
    application.refresh_from_db()
    assert application.status == LoanApplication.Status.DRAFT
    client_for(people["admin"]).post(app_url(application), {"action": "withdraw"})
    application.refresh_from_db()
    assert application.status == LoanApplication.Status.WITHDRAWN


def test_an_unknown_action_is_404(fund, org, people):
    application = draft(fund, org, people)
    response = client_for(people["admin"]).post(app_url(application), {"action": "explode"})
    assert response.status_code == 404


def test_files_are_attached_and_downloaded_by_those_who_see_the_application(
    fund, org, people, other_admin
):
    application = draft(fund, org, people)
    upload = SimpleUploadedFile("plan.pdf", b"%PDF-1.4 plan", content_type="application/pdf")
    response = client_for(people["admin"]).post(
        app_url(application), {"action": "attach", "file": upload}
    )
    assert response.status_code == 302
    attached = Attachment.objects.get()
    assert (attached.name, attached.size, bytes(attached.data)) == (
        "plan.pdf",
        13,
        b"%PDF-1.4 plan",
    )
    url = app_url(application, f"files/{attached.pk}/")
    assert "plan.pdf" in text_of(client_for(people["coordinator"]).get(app_url(application)))
    download = client_for(people["coordinator"]).get(url)
    assert download.status_code == 200
    assert download.content == b"%PDF-1.4 plan"
    assert download["Content-Disposition"] == 'attachment; filename="plan.pdf"'
    assert client_for(other_admin).get(url).status_code == 403
    assert client_for(people["outsider"]).get(url).status_code == 403
    other = draft(fund, org, people)
    assert (
        client_for(people["admin"]).get(app_url(other, f"files/{attached.pk}/")).status_code == 404
    )


def test_a_file_over_5_mb_is_refused_beside_the_field(fund, org, people):
    application = draft(fund, org, people)
    upload = SimpleUploadedFile("big.bin", b"x" * (MAX_ATTACHMENT_BYTES + 1))
    response = client_for(people["admin"]).post(
        app_url(application), {"action": "attach", "file": upload}
    )
    assert response.status_code == 200
    assert response.context["attach_form"].errors["file"] == ["A file is at most 5 MB"]
    assert Attachment.objects.count() == 0


def test_nobody_else_attaches_files(fund, org, people, other_admin):
    application = submitted(fund, org, people)
    for user in (people["member"], people["coordinator"]):
        upload = SimpleUploadedFile("x.txt", b"x")
        response = client_for(user).post(app_url(application), {"action": "attach", "file": upload})
        assert response.status_code == 403
    upload = SimpleUploadedFile("x.txt", b"x")
    response = client_for(other_admin).post(
        app_url(application), {"action": "attach", "file": upload}
    )
    assert response.status_code == 403
    assert Attachment.objects.count() == 0


def test_reviewers_ask_and_the_applicant_answers(fund, org, people, other_admin):
    application = submitted(fund, org, people)
    client_for(people["coordinator"]).post(
        app_url(application), {"action": "message", "text": "Two years of accounts, please?"}
    )
    client_for(people["admin"]).post(
        app_url(application), {"action": "message", "text": "Attached today."}
    )
    assert list(ApplicationMessage.objects.values_list("text", "from_applicant")) == [
        ("Two years of accounts, please?", False),
        ("Attached today.", True),
    ]
    page = text_of(client_for(people["member"]).get(app_url(application)))
    assert "coordinator (reviewer)" in page and "admin (applicant)" in page
    empty = client_for(people["admin"]).post(
        app_url(application), {"action": "message", "text": ""}
    )
    assert empty.status_code == 200 and "text" in empty.context["message_form"].errors
    refused = client_for(other_admin).post(
        app_url(application), {"action": "message", "text": "Hello"}
    )
    assert refused.status_code == 403
    assert (
        client_for(people["member"])
        .post(app_url(application), {"action": "message", "text": "Hello"})
        .status_code
        == 403
    )
    assert ApplicationMessage.objects.count() == 2


def test_reviewers_tick_the_checklist_and_put_it_to_the_committee(
    fund, org, people, committee_people
):
    application = submitted(fund, org, people)
    coordinator = client_for(people["coordinator"])
    page = coordinator.get(app_url(application))
    assert "checklist_form" in page.context and "decision_form" not in page.context
    assert "0 of 6 checks done." in text_of(page)
    coordinator.post(
        app_url(application), {"action": "review", "membership": "on", "financials": "on"}
    )
    application.refresh_from_db()
    assert application.status == LoanApplication.Status.IN_REVIEW
    assert application.checklist == {
        "membership": True, "financials": True, "plan": False, "cash_flow": False,
        "security": False, "references": False,
    }  # fmt: skip
    assert "2 of 6 checks done." in text_of(coordinator.get(app_url(application)))
    coordinator.post(app_url(application), {"action": "to_committee"})
    application.refresh_from_db()
    assert application.status == LoanApplication.Status.IN_VOTE
    assert application.poll_id is None
    page = client_for(committee_people[0]).get(app_url(application))
    assert "decision_form" in page.context
    assert "The committee records its decision here." in text_of(page)
    # once before the committee, it is not put to it again: a message, not an error page
    again = coordinator.post(app_url(application), {"action": "to_committee"}, follow=True)
    assert again.status_code == 200
    assert "before the committee already" in text_of(again)


def test_the_applicant_cannot_review(fund, org, people):
    application = submitted(fund, org, people)
    response = client_for(people["admin"]).post(
        app_url(application), {"action": "review", "membership": "on"}
    )
    assert response.status_code == 403
    response = client_for(people["admin"]).post(app_url(application), {"action": "to_committee"})
    assert response.status_code == 403
    application.refresh_from_db()
    assert application.checklist == {}
    assert application.status == LoanApplication.Status.SUBMITTED


def test_the_committee_records_its_decision_with_adjusted_terms(
    fund, org, people, committee_people
):
    application = before_committee(fund, org, people)
    response = client_for(committee_people[1]).post(app_url(application), {
        "action": "decide", "decision": "approve", "note": "Approved at 5%, 18 months.",
        "votes_for": "2", "votes_against": "0", "votes_abstain": "1",
        "amount": "8,000", "requested_rate": "5", "term_months": "18",
    })  # fmt: skip
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == LoanApplication.Status.APPROVED
    assert (application.votes_for, application.votes_against, application.votes_abstain) == (
        2, 0, 1,
    )  # fmt: skip
    loan = Loan.objects.get(application=application)
    assert (loan.principal, loan.annual_rate, loan.term_months) == (8_000_00, Decimal(5), 18)
    page = text_of(client_for(people["admin"]).get(app_url(application)))
    assert "Approved at 5%, 18 months." in page
    assert "Votes: 2 for, 0 against, 1 abstaining." in page
    assert (
        f'href="{loan_url(loan)}"'
        in client_for(people["admin"]).get(app_url(application)).content.decode()
    )


def test_adjusted_terms_outside_the_policy_come_back_beside_the_field(
    fund, org, people, committee_people
):
    application = before_committee(fund, org, people)
    response = client_for(committee_people[0]).post(
        app_url(application), {"action": "decide", "decision": "approve", "amount": "90000"}
    )
    assert response.status_code == 200
    assert "is more than" in " ".join(response.context["decision_form"].errors["amount"])
    application.refresh_from_db()
    assert application.status == LoanApplication.Status.IN_VOTE
    assert Loan.objects.count() == 0


def test_only_the_committee_decides(fund, org, people, other_admin):
    application = before_committee(fund, org, people)
    for user in (people["admin"], people["coordinator"], other_admin):
        response = client_for(user).post(
            app_url(application), {"action": "decide", "decision": "approve"}
        )
        assert response.status_code == 403
    application.refresh_from_db()
    assert application.status == LoanApplication.Status.IN_VOTE
    assert Loan.objects.count() == 0


def test_a_decision_by_poll_links_to_the_poll_and_its_deadline(fund, org, people, committee_people):
    Fund.objects.filter(pk=fund.pk).update(decide_by_poll=True)
    application = submitted(Fund.objects.get(pk=fund.pk), org, people)
    client_for(people["coordinator"]).post(app_url(application), {"action": "to_committee"})
    application.refresh_from_db()
    poll = Poll.objects.get(pk=application.poll_id)
    response = client_for(committee_people[0]).get(app_url(application))
    assert "decision_form" not in response.context
    assert f'href="/decide/polls/{poll.pk}/"' in response.content.decode()
    assert poll.closes_at is not None
    assert poll.closes_at.strftime("%Y-%m-%d") in text_of(response)


# The reviewers' list and the portfolio -------------------------------------------------------


def test_the_applications_list_is_for_managers_and_the_committee(
    fund, org, people, committee_people, other_admin
):
    draft(fund, org, people, purpose="Still a draft")
    application = submitted(fund, org, people)
    for user in (people["coordinator"], committee_people[0]):
        response = client_for(user).get(FUND + "applications/")
        assert response.status_code == 200
        assert [a.pk for a in response.context["paged"].page.object_list] == [application.pk]
        assert "10,000.00 USD" in text_of(response)
    for user in (people["admin"], people["member"], other_admin, people["outsider"]):
        assert client_for(user).get(FUND + "applications/").status_code == 403


def test_the_applications_list_filters_by_status(fund, org, people):
    first = submitted(fund, org, people)
    second = submitted(fund, org, people)
    services.application_withdraw(actor=people["admin"], application=second)
    client = client_for(people["coordinator"])
    listed = lambda query: [  # noqa: E731
        a.pk for a in client.get(FUND + "applications/" + query).context["paged"].page.object_list
    ]
    assert listed("?status=open") == [first.pk]
    assert listed("?status=withdrawn") == [second.pk]
    assert sorted(listed("?status=draft")) == sorted([first.pk, second.pk])  # drafts: not a filter


def test_the_portfolio_shows_each_loan_with_its_ageing(fund, org, people, committee_people):
    loan = active_loan(fund, org, people, committee_people)
    offered = offered_loan(fund, org, people, committee_people)
    client = client_for(people["coordinator"])
    response = client.get(FUND + "loans/")
    assert response.status_code == 200
    [(row, _label)] = response.context["rows"]
    days = (timezone.localdate() - dt.date(2026, 2, 28)).days
    assert (row.loan_id, row.principal_outstanding, row.days_past_due) == (loan.pk, 10_000_00, days)
    page = text_of(response)
    assert "Riverside Bakery Co-op" in page and "10,000.00 USD" in page
    assert [o.pk for o in response.context["others"].page.object_list] == [offered.pk]
    assert client.get(FUND + "loans/?bucket=current").context["rows"] == []
    assert len(client.get(FUND + f"loans/?bucket={row.bucket}").context["rows"]) == 1
    assert client_for(committee_people[0]).get(FUND + "loans/").status_code == 200


def queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_lists_read_a_page_in_as_many_queries_for_one_row_as_for_three(
    fund, org, people, committee_people
):
    coordinator = client_for(people["coordinator"])
    active_loan(fund, org, people, committee_people)
    offered_loan(fund, org, people, committee_people)
    few = (queries(coordinator, FUND + "applications/"), queries(coordinator, FUND + "loans/"))
    for _ in range(2):
        active_loan(fund, org, people, committee_people)
        offered_loan(fund, org, people, committee_people)
    assert LoanApplication.objects.count() == 6
    many = (queries(coordinator, FUND + "applications/"), queries(coordinator, FUND + "loans/"))
    assert many == few


def test_the_portfolio_is_refused_to_borrowers_and_outsiders(fund, org, people, other_admin):
    for user in (people["admin"], other_admin, people["outsider"]):
        assert client_for(user).get(FUND + "loans/").status_code == 403


# A loan ----------------------------------------------------------------------------------------


def test_a_loan_is_seen_by_the_borrower_managers_and_committee_only(
    fund, org, people, committee_people, other_admin
):
    loan = active_loan(fund, org, people, committee_people)
    for user in (people["admin"], people["member"], people["coordinator"], committee_people[0]):
        for tail in ("", "statement/", "statement.csv"):
            assert client_for(user).get(loan_url(loan, tail)).status_code == 200
    for user in (other_admin, people["outsider"], people["other_coordinator"]):
        for tail in ("", "statement/", "statement.csv"):
            assert client_for(user).get(loan_url(loan, tail)).status_code == 403
    assert client_for(people["admin"]).get("/capital/loans/999999/").status_code == 404
    for tail in ("", "statement/", "statement.csv"):
        response = client_for(None).get(loan_url(loan, tail))
        assert response.status_code == 302 and "/login" in response["Location"]


def test_the_borrower_accepts_the_offer(fund, org, people, committee_people, other_admin):
    loan = offered_loan(fund, org, people, committee_people)
    page = client_for(people["admin"]).get(loan_url(loan))
    assert page.context["may_respond"] and "Accept the offer" in text_of(page)
    assert not client_for(people["member"]).get(loan_url(loan)).context["may_respond"]
    for user in (people["member"], people["coordinator"], other_admin):
        assert client_for(user).post(loan_url(loan), {"action": "accept"}).status_code == 403
    loan.refresh_from_db()
    assert loan.status == Loan.Status.OFFERED
    response = client_for(people["admin"]).post(loan_url(loan), {"action": "accept"})
    assert response.status_code == 302
    loan.refresh_from_db()
    assert loan.status == Loan.Status.ACCEPTED


def test_the_borrower_may_decline_the_offer(fund, org, people, committee_people):
    loan = offered_loan(fund, org, people, committee_people)
    client_for(people["admin"]).post(loan_url(loan), {"action": "decline"})
    loan.refresh_from_db()
    assert loan.status == Loan.Status.DECLINED


def test_the_managers_disburse_an_accepted_loan(fund, org, people, committee_people):
    give_cash(fund)
    loan = approved_loan(fund, org, people, committee_people)
    assert (
        client_for(people["admin"])
        .post(loan_url(loan), {"action": "disburse", "on": "2026-01-31"})
        .status_code
        == 403
    )
    client = client_for(people["coordinator"])
    assert "disburse_form" in client.get(loan_url(loan)).context
    future = client.post(loan_url(loan), {"action": "disburse", "on": "2200-01-01"})
    assert future.status_code == 200 and "on" in future.context["disburse_form"].errors
    loan.refresh_from_db()
    assert loan.status == Loan.Status.ACCEPTED and not LoanSchedule.objects.exists()
    response = client.post(
        loan_url(loan), {"action": "disburse", "on": "2026-01-31", "settle_by_clearing": "on"}
    )
    assert response.status_code == 302
    loan.refresh_from_db()
    assert (loan.status, loan.disbursed_on, loan.settle_by_clearing) == (
        Loan.Status.ACTIVE, START, True,
    )  # fmt: skip
    page = text_of(client.get(loan_url(loan)))
    assert "Repayment schedule (version 1, from 2026-01-31)" in page
    assert "888.49 USD" in page and "888.47 USD" in page


def test_a_repayment_recorded_on_the_page_pays_the_first_instalment(
    fund, org, people, committee_people
):
    loan = active_loan(fund, org, people, committee_people)
    client = client_for(people["coordinator"])
    response = client.post(
        loan_url(loan),
        {"action": "repay", "paid_on": "2026-02-27", "amount": "888.49", "reference": "T-1"},
    )
    assert response.status_code == 302
    repayment = Repayment.objects.get()
    assert (repayment.amount, repayment.paid_on, repayment.reference) == (
        888_49, dt.date(2026, 2, 27), "T-1",
    )  # fmt: skip
    response = client.get(loan_url(loan))
    first = response.context["s"].rows[0]
    assert first.is_paid and first.settled_on == dt.date(2026, 2, 27)
    page = text_of(response)
    assert "paid on 2026-02-27" in page and "T-1" in page


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"amount": "lots"}, "amount"),
        ({"amount": "0"}, "amount"),
        ({"amount": "20000"}, "amount"),  # more than the loan's balance
        ({"paid_on": "2025-12-01"}, "paid_on"),  # before the schedule starts
        ({"paid_on": "not a date"}, "paid_on"),
    ],
)
def test_a_bad_repayment_comes_back_beside_its_field(
    fund, org, people, committee_people, values, field
):
    loan = active_loan(fund, org, people, committee_people)
    data = {"action": "repay", "paid_on": "2026-02-27", "amount": "100"} | values
    response = client_for(people["coordinator"]).post(loan_url(loan), data)
    assert response.status_code == 200
    assert field in response.context["repay_form"].errors
    assert Repayment.objects.count() == 0


def test_only_the_managers_record_repayments(fund, org, people, committee_people, other_admin):
    loan = active_loan(fund, org, people, committee_people)
    assert "repay_form" not in client_for(people["admin"]).get(loan_url(loan)).context
    for user in (people["admin"], committee_people[0], other_admin):
        response = client_for(user).post(
            loan_url(loan), {"action": "repay", "paid_on": "2026-02-27", "amount": "100"}
        )
        assert response.status_code == 403
    assert Repayment.objects.count() == 0


def test_restructuring_keeps_the_old_schedule(fund, org, people, committee_people):
    loan = active_loan(fund, org, people, committee_people)
    client = client_for(people["coordinator"])
    bad = client.post(loan_url(loan), {
        "action": "restructure", "start": "2026-06-30", "months": "24", "annual_rate": "6",
        "method": "annuity", "grace_months": "0", "reason": "",
    })  # fmt: skip
    assert bad.status_code == 200 and "reason" in bad.context["restructure_form"].errors
    assert LoanSchedule.objects.count() == 1
    response = client.post(loan_url(loan), {
        "action": "restructure", "start": "2026-06-30", "months": "24", "annual_rate": "6",
        "method": "equal-principal", "grace_months": "3", "reason": "A hard winter",
    })  # fmt: skip
    assert response.status_code == 302
    old, new = LoanSchedule.objects.order_by("version")
    assert (old.current, new.current, new.months, new.method, new.grace_months) == (
        False, True, 24, "equal-principal", 3,
    )  # fmt: skip
    page = text_of(client.get(loan_url(loan)))
    assert "Earlier schedules" in page and "A hard winter" in page
    assert "Repayment schedule (version 2, from 2026-06-30)" in page


def test_a_write_off_needs_a_reason_and_a_confirmation(fund, org, people, committee_people):
    loan = active_loan(fund, org, people, committee_people)
    client = client_for(people["coordinator"])
    unconfirmed = client.post(loan_url(loan), {"action": "write_off", "reason": "Closed down"})
    assert unconfirmed.status_code == 200
    assert "confirm" in unconfirmed.context["write_off_form"].errors
    loan.refresh_from_db()
    assert loan.status == Loan.Status.ACTIVE
    assert (
        client_for(people["admin"])
        .post(loan_url(loan), {"action": "write_off", "reason": "Closed down", "confirm": "on"})
        .status_code
        == 403
    )
    loan.refresh_from_db()
    assert loan.status == Loan.Status.ACTIVE
    client.post(loan_url(loan), {"action": "write_off", "reason": "Closed down", "confirm": "on"})
    loan.refresh_from_db()
    assert loan.status == Loan.Status.WRITTEN_OFF
    page = client.get(loan_url(loan))
    assert "write_off_form" not in page.context and "Written off" in text_of(page)
    # the statement: what was written off, nothing outstanding, nothing late
    statement = client_for(people["admin"]).get(f"/capital/loans/{loan.pk}/statement/")
    text = words_of(statement)
    assert "Written off 10,000.00 USD of principal, on" in text
    assert "Principal outstanding 0.00 USD" in text and "late" not in text


def test_every_field_has_an_id_of_its_own(fund, org, people, committee_people):
    loan = active_loan(fund, org, people, committee_people)
    application = before_committee(fund, org, people)
    pages = [
        (people["coordinator"], loan_url(loan)),
        (people["admin"], app_url(draft(fund, org, people))),
        (people["coordinator"], app_url(submitted(fund, org, people))),
        (committee_people[0], app_url(application)),
    ]
    for user, url in pages:
        page = client_for(user).get(url).content.decode()
        ids = re.findall(r' id="([^"]+)"', page)
        assert len(ids) == len(set(ids)), url


def test_an_offer_is_answered_once(fund, org, people, committee_people):
    loan = offered_loan(fund, org, people, committee_people)
    client = client_for(people["admin"])
    client.post(loan_url(loan), {"action": "accept"})
    # answered: a second answer is refused by the service's rule (403)
    assert client.post(loan_url(loan), {"action": "decline"}).status_code == 403
    loan.refresh_from_db()
    assert loan.status == Loan.Status.ACCEPTED


# The statement -----------------------------------------------------------------------------------


def test_the_statement_prints_and_downloads(fund, org, people, committee_people):
    loan = active_loan(fund, org, people, committee_people)
    services.repayment_record(
        actor=people["coordinator"], loan=loan, amount=888_49, paid_on=dt.date(2026, 2, 27)
    )
    client = client_for(people["admin"])
    response = client.get(loan_url(loan, "statement/"))
    page = text_of(response)
    assert "Loan statement: Riverside Bakery Co-op" in page
    assert "data-print" in page and 'class="no-print"' in page
    words = words_of(response)
    assert "Principal repaid 788.49 USD" in words and "Interest paid 100.00 USD" in words
    assert "Principal outstanding 9,211.51 USD" in words
    download = client.get(loan_url(loan, "statement.csv"))
    assert download["Content-Type"] == "text/csv; charset=utf-8"
    assert download["Content-Disposition"].startswith(f'attachment; filename="loan-{loan.pk}-')
    lines = download.content.decode().splitlines()
    assert lines[0] == (
        "number,due_on,payment,interest,principal,balance,interest_paid,principal_paid,settled_on"
    )
    assert lines[1] == "1,2026-02-28,888.49,100.00,788.49,9211.51,100.00,788.49,2026-02-27"


def test_a_loan_not_paid_out_has_an_empty_statement(fund, org, people, committee_people):
    loan = offered_loan(fund, org, people, committee_people)
    response = client_for(people["admin"]).get(loan_url(loan, "statement/"))
    assert response.status_code == 200
    assert "no schedule" in text_of(response)
