"""The register pages: only the organisation's admins and staff open them (members,
outsiders and coordinators get 403, and a refused POST writes nothing); the CSV files
with their exact header and rows; entering, correcting and ceasing members, and
subscribing, paying, transferring and redeeming through the forms; bad input as field
errors; a member's own holdings; the patronage retained for the co-op; query counts."""

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from intercoop.conftest import client_for, make_user
from intercoop.core.models import AuditEvent
from intercoop.membership import registers
from intercoop.membership.models import Member, ShareClass, ShareEntry, Subscription

D = dt.date
PAGES = [
    "register/",
    "register.csv",
    "shares/",
    "shares.csv",
    "register/{member}/",
    "shares/classes/{share_class}/",
]


@pytest.fixture
def admin(people: Any) -> Any:
    return people["admin"]


@pytest.fixture
def community_share(org: Any, admin: Any) -> ShareClass:
    return registers.share_class_create(
        actor=admin, organization=org, name="Community share", price=10_00, currency="GBP",
        minimum=5, transferable=True, redemption_months=6,
    )  # fmt: skip


def paid_member(org: Any, admin: Any, share_class: ShareClass, name: str, shares: int,
                **extra: Any) -> Member:  # fmt: skip
    member = registers.member_enter(
        actor=admin, organization=org, name=name, entered_on=D(2024, 1, 2), **extra
    )
    subscription = registers.subscribe(
        actor=admin, share_class=share_class, shares=shares, first_due_on=D(2024, 1, 2),
        member=member, on=D(2024, 1, 2),
    )  # fmt: skip
    registers.payment_record(
        actor=admin, subscription=subscription, amount=subscription.amount, on=D(2024, 1, 2)
    )
    return member


@pytest.fixture
def ana(org: Any, admin: Any, community_share: ShareClass) -> Member:
    member = paid_member(
        org, admin, community_share, "Ana Ortiz", 10, email="ana@example.org",
        address="1 Mill Lane\nLeeds",
    )  # fmt: skip
    registers.member_update(actor=admin, member=member, values={"loans": 2_500_00})
    return member


def url(org: Any, page: str, **ids: Any) -> str:
    return f"/membership/{org.slug}/{page.format(**ids)}"


def body(response: Any) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def counts() -> tuple[int, int, int, int, int]:
    return (
        Member.objects.count(), Subscription.objects.count(), ShareEntry.objects.count(),
        ShareClass.objects.count(), AuditEvent.objects.count(),
    )  # fmt: skip


# who may -------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["admin", "staff"])
def test_the_organisation_s_admins_and_staff_open_every_register_page(
    org, people, ana, community_share, who
):
    client = client_for(people[who])
    for page in PAGES:
        response = client.get(url(org, page, member=ana.pk, share_class=community_share.pk))
        assert response.status_code == 200, page


@pytest.mark.parametrize("who", ["member", "outsider", "coordinator", "other_coordinator"])
def test_members_outsiders_and_coordinators_get_403(org, people, ana, community_share, who):
    client = client_for(people[who])
    for page in PAGES:
        response = client.get(url(org, page, member=ana.pk, share_class=community_share.pk))
        assert response.status_code == 403, page


def test_anonymous_visitors_are_sent_to_log_in_and_unknown_rows_are_404(org, people, ana, client):
    response = client.get(url(org, "register/"))
    assert response.status_code == 302 and "/login" in response["Location"]
    admin = client_for(people["admin"])
    assert admin.get("/membership/no-such-co-op/register/").status_code == 404
    assert admin.get(url(org, "register/999999/")).status_code == 404
    assert admin.get(url(org, "shares/classes/999999/")).status_code == 404


@pytest.mark.parametrize("who", ["member", "outsider", "coordinator"])
def test_a_refused_post_writes_nothing(org, people, ana, community_share, who):
    client = client_for(people[who])
    before = counts()
    subscription = Subscription.objects.get(member=ana)
    posts = [
        ("register/", {"name": "Zed", "entered_on": "2025-01-01"}),
        ("register/{member}/", {"record": "cease", "on": "2025-01-01", "reason": "x"}),
        ("register/{member}/", {"record": "update", "name": "X", "loans": "1"}),
        ("shares/", {"record": "share_class", "name": "B", "price": "1", "currency": "GBP",
                     "minimum": "1", "redemption_months": "0"}),
        ("shares/", {"record": "subscribe", "member": ana.pk, "share_class": community_share.pk,
                     "shares": "1", "instalments": "1", "first_due_on": "2025-01-01"}),
        ("shares/", {"record": "payment", "subscription": subscription.pk, "amount": "1",
                     "on": "2025-01-01"}),
        ("shares/", {"record": "redeem", "member": ana.pk, "share_class": community_share.pk,
                     "shares": "1", "on": "2025-01-01"}),
        ("shares/classes/{share_class}/", {"name": "Renamed", "price": "10", "currency": "GBP",
                                           "minimum": "5", "redemption_months": "6"}),
    ]  # fmt: skip
    for page, data in posts:
        response = client.post(url(org, page, member=ana.pk, share_class=community_share.pk), data)
        assert response.status_code == 403, page
    assert counts() == before
    ana.refresh_from_db()
    assert (ana.name, ana.ceased_on, ana.loans) == ("Ana Ortiz", None, 2_500_00)


# the CSV files ---------------------------------------------------------------------------------


def test_the_register_csv_has_the_s30_columns_and_exact_rows(org, people, admin, ana,
                                                             community_share):  # fmt: skip
    ben = paid_member(org, admin, community_share, "=Ben", 5)
    registers.member_cease(actor=admin, member=ben, on=D(2025, 3, 31), reason="Moved away")
    response = client_for(people["admin"]).get(url(org, "register.csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        response["Content-Disposition"]
        == 'attachment; filename="register-riverside-bakery-co-op.csv"'
    )
    assert body(response) == (
        "name,address,email,shares_held,shares_paid,loans,entered_on,ceased_on\n"
        "'=Ben,,,0,0.00,0.00,2024-01-02,2025-03-31\n"
        'Ana Ortiz,"1 Mill Lane\nLeeds",ana@example.org,10,100.00,2500.00,2024-01-02,\n'
    )  # fmt: skip
    as_of = client_for(people["admin"]).get(url(org, "register.csv") + "?on=2024-12-31")
    assert body(as_of).splitlines()[1] == "'=Ben,,,5,50.00,0.00,2024-01-02,"


def test_the_shares_csv_has_a_line_per_member_and_class(org, people, admin, ana,
                                                        community_share):  # fmt: skip
    ben = registers.member_enter(
        actor=admin, organization=org, name="Ben", entered_on=D(2024, 2, 1)
    )
    subscription = registers.subscribe(
        actor=admin, share_class=community_share, shares=6, instalments=3,
        first_due_on=D(2024, 2, 1), member=ben, on=D(2024, 2, 1),
    )  # fmt: skip
    registers.payment_record(
        actor=admin, subscription=subscription, amount=20_00, on=D(2024, 2, 1), method="payroll"
    )
    response = client_for(people["admin"]).get(url(org, "shares.csv"))
    assert body(response) == (
        "member,share_class,shares,amount_paid,amount_unpaid,currency,entered_on,ceased_on\n"
        "Ana Ortiz,Community share,10,100.00,0.00,GBP,2024-01-02,\n"
        "Ben,Community share,6,20.00,40.00,GBP,2024-02-01,\n"
    )


# the pages and their forms ---------------------------------------------------------------------


def test_the_register_page_shows_rows_as_of_a_date_and_prints(org, people, ana):
    client = client_for(people["admin"])
    page = body(client.get(url(org, "register/")))
    assert "Ana Ortiz" in page and "1 Mill Lane<br>Leeds" in page
    assert "100.00 GBP" in page
    assert "data-print" in page and 'class="table-wrap"' in page
    assert 'href="/membership/riverside-bakery-co-op/register.csv"' in page
    empty = client.get(url(org, "register/") + "?on=2023-12-31")
    assert empty.context["rows"] == [] and empty.context["on"] == D(2023, 12, 31)
    nonsense = client.get(url(org, "register/") + "?on=yesterday&page=x")
    assert nonsense.status_code == 200 and nonsense.context["on"] is None


def test_admins_enter_correct_and_cease_members_through_the_pages(org, people, ana):
    client = client_for(people["admin"])
    response = client.post(
        url(org, "register/"),
        {"name": "Cleo", "email": "cleo@example.org", "address": "", "entered_on": "2025-02-01"},
    )
    cleo = Member.objects.get(name="Cleo")
    assert response.status_code == 302
    assert response["Location"] == url(org, "register/{pk}/", pk=cleo.pk)
    bad = client.post(url(org, "register/"), {"name": "Zed", "entered_on": "2199-01-01"})
    assert bad.status_code == 200
    assert bad.context["form"].errors == {"entered_on": ["cannot be in the future"]}
    client.post(
        url(org, "register/{pk}/", pk=cleo.pk),
        {"record": "update", "name": "Cleo Park", "email": "cleo@example.org",
         "address": "2 Mill Lane", "loans": "150.50"},
    )  # fmt: skip
    cleo.refresh_from_db()
    assert (cleo.name, cleo.address, cleo.loans) == ("Cleo Park", "2 Mill Lane", 150_50)
    response = client.post(
        url(org, "register/{pk}/", pk=ana.pk),
        {"record": "cease", "on": "2025-06-30", "reason": "Retired"},
    )
    assert response.status_code == 302
    redemption = ShareEntry.objects.get(member=ana, kind="redemption")
    assert (redemption.shares, redemption.amount, redemption.payout_on) == (
        -10, -100_00, D(2025, 12, 30),
    )  # fmt: skip
    page = client.get(url(org, "register/{pk}/", pk=ana.pk))
    assert page.context["cease"] is None and "Retired" in body(page)


def test_admins_keep_the_share_ledger_through_the_shares_page(org, people, ana, community_share):
    client = client_for(people["admin"])
    ben = registers.member_enter(
        actor=people["admin"], organization=org, name="Ben", entered_on=D(2024, 2, 1)
    )
    shares = url(org, "shares/")
    response = client.post(shares, {
        "record": "subscribe", "member": ben.pk, "share_class": community_share.pk,
        "shares": "24", "instalments": "24", "first_due_on": "2024-03-31",
    })  # fmt: skip
    assert response.status_code == 302
    subscription = Subscription.objects.get(member=ben)
    assert (subscription.amount, subscription.instalments) == (240_00, 24)
    response = client.post(shares, {
        "record": "payment", "subscription": subscription.pk, "amount": "10", "on": "2024-03-31",
        "method": "payroll",
    })  # fmt: skip
    assert response.status_code == 302
    too_much = client.post(shares, {
        "record": "payment", "subscription": subscription.pk, "amount": "230.01",
        "on": "2024-04-30", "method": "payroll",
    })  # fmt: skip
    assert too_much.status_code == 200
    assert too_much.context["payment_form"].errors == {
        "amount": ["is more than what is owed (230.00 GBP)"]
    }
    response = client.post(shares, {
        "record": "transfer", "from_member": ana.pk, "to_member": ben.pk,
        "share_class": community_share.pk, "shares": "3", "on": "2024-05-01",
    })  # fmt: skip
    assert response.status_code == 302
    response = client.post(shares, {
        "record": "redeem", "member": ana.pk, "share_class": community_share.pk, "shares": "2",
        "on": "2024-08-31",
    })  # fmt: skip
    assert response.status_code == 302
    assert [(e.kind, e.shares, e.amount, e.payout_on) for e in
            ShareEntry.objects.filter(member=ana).order_by("on", "pk")] == [
        ("subscription", 10, 0, None),
        ("payment", 0, 100_00, None),
        ("transfer-out", -3, -30_00, None),
        ("redemption", -2, -20_00, D(2025, 2, 28)),
    ]  # fmt: skip
    below = client.post(shares, {
        "record": "redeem", "member": ana.pk, "share_class": community_share.pk, "shares": "1",
        "on": "2024-09-01",
    })  # fmt: skip
    assert below.context["redeem_form"].errors == {
        "shares": ["A member keeps at least 5 shares of Community share"]
    }
    stranger = client.post(shares, {
        "record": "redeem", "member": "999999", "share_class": "x", "shares": "-1", "on": "no",
    })  # fmt: skip
    assert stranger.status_code == 200
    assert set(stranger.context["redeem_form"].errors) == {"member", "share_class", "shares", "on"}
    page = body(client.get(shares))
    assert "Ana Ortiz" in page and "Ben" in page and "Transfer out" in page


def test_share_classes_are_added_and_edited_on_the_pages(org, people, community_share):
    client = client_for(people["admin"])
    response = client.post(url(org, "shares/"), {
        "record": "share_class", "name": "Investor share", "price": "250", "currency": "GBP",
        "minimum": "1", "redemption_months": "36",
    })  # fmt: skip
    assert response.status_code == 302
    investor = ShareClass.objects.get(name="Investor share")
    assert (investor.price, investor.redemption_months, investor.transferable) == (
        250_00,
        36,
        False,
    )
    wrong = client.post(url(org, "shares/"), {
        "record": "share_class", "name": "Euro", "price": "1", "currency": "EUR",
        "minimum": "1", "redemption_months": "0",
    })  # fmt: skip
    assert wrong.context["share_class_form"].errors == {
        "currency": ["is GBP, as the organisation's other share classes"]
    }
    response = client.post(url(org, "shares/classes/{pk}/", pk=investor.pk), {
        "name": "Investor share", "price": "300", "currency": "GBP", "minimum": "2",
        "transferable": "on", "redemption_months": "12",
    })  # fmt: skip
    assert response.status_code == 302
    investor.refresh_from_db()
    assert (investor.price, investor.minimum, investor.transferable) == (300_00, 2, True)


def test_a_member_sees_their_own_holdings_and_nobody_else_s(org, people, admin, community_share):
    person = make_user("dana", email="dana@example.org")
    paid_member(org, admin, community_share, "Dana", 7, user=person)
    page = client_for(person).get(url(org, "my-shares/"))
    assert page.status_code == 200
    assert "My shares in Riverside Bakery Co-op" in body(page)
    assert [(h.share_class.name, h.shares, h.paid) for h in page.context["members"][0]["holdings"]] == [
        ("Community share", 7, 70_00)
    ]  # fmt: skip
    assert client_for(people["member"]).get(url(org, "my-shares/")).status_code == 404


def test_the_shares_page_leads_to_the_internal_capital_accounts(
    org, people, network, community_share
):
    from intercoop.purchasing.models import Patronage, PatronageAllocation

    patronage = Patronage.objects.create(
        network=network, title="2025 rebate", currency="USD", surplus=1_000_00, cash_percent=20,
        period_start=D(2025, 1, 1), period_end=D(2025, 12, 31), made_at=timezone.now(),
    )  # fmt: skip
    line = PatronageAllocation.objects.create(
        patronage=patronage, member=org, purchases=10_000_00, share=400_00, cash=80_00,
        retained=320_00,
    )  # fmt: skip
    client = client_for(people["admin"])
    assert url(org, "capital-accounts/") in body(client.get(url(org, "shares/")))
    page = client.get(url(org, "capital-accounts/"))
    assert [(x.line, x.allocation, x.can_allocate) for x in page.context["lines"]] == [
        (line, None, True)
    ]
    assert url(org, f"capital-accounts/patronage/{line.pk}/") in body(page)


def test_the_register_pages_read_the_same_few_queries_for_many_members(
    org, people, admin, community_share, django_assert_max_num_queries
):
    for n in range(30):
        paid_member(org, admin, community_share, f"Member {n:02}", 5)
    client = client_for(people["admin"])
    with django_assert_max_num_queries(20):
        assert client.get(url(org, "register/")).status_code == 200
    with django_assert_max_num_queries(25):
        assert client.get(url(org, "shares/")).status_code == 200
    with django_assert_max_num_queries(12):
        assert len(body(client.get(url(org, "register.csv"))).splitlines()) == 31
