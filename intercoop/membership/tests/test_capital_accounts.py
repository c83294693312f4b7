"""Worker-owners' internal capital accounts: the patronage a purchasing network retained
for the co-op, allocated among those who were members in its period by hours or wages
(to the cent, the parts adding up to what was retained), once; payouts never above the
balance; who may do either (a refusal writes nothing); the pages, CSV and API."""

import datetime as dt
import inspect
import json
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from intercoop.conftest import client_for
from intercoop.core.errors import DomainError, InvalidValues
from intercoop.core.models import AuditEvent
from intercoop.membership import capital_accounts, registers
from intercoop.membership import selectors_accounts as selectors
from intercoop.membership.models import CapitalAccountEntry, CapitalAllocation, Member
from intercoop.purchasing.models import Patronage, PatronageAllocation

D = dt.date
MADE_AT = dt.datetime(2025, 4, 15, 12, tzinfo=dt.UTC)  # the distribution, after its period


@pytest.fixture
def admin(people: Any) -> Any:
    return people["admin"]


@pytest.fixture
def line(org: Any, network: Any) -> PatronageAllocation:
    """$80.00 of a $100.00 patronage share retained for the co-op, for purchases in the
    first quarter of 2025."""
    patronage = Patronage.objects.create(
        network=network, title="Produce rebate 2025", currency="USD", surplus=500_00,
        cash_percent=20, period_start=D(2025, 1, 1), period_end=D(2025, 3, 31),
        made_at=MADE_AT,
    )  # fmt: skip
    return PatronageAllocation.objects.create(
        patronage=patronage, member=org, purchases=1_000_00, share=100_00, cash=20_00,
        retained=80_00,
    )  # fmt: skip


@pytest.fixture
def crew(org: Any, admin: Any) -> dict[str, Member]:
    """Ana and Ben, members throughout; Eve, who left in the period; Cy, who joined after
    it; Dee, who left before it."""

    def enter(name: str, on: D, ceased: D | None = None) -> Member:
        member = registers.member_enter(actor=admin, organization=org, name=name, entered_on=on)
        if ceased is not None:
            registers.member_cease(actor=admin, member=member, on=ceased, reason="moved away")
        return member

    return {
        "ana": enter("Ana", D(2020, 3, 1)),
        "ben": enter("Ben", D(2021, 3, 1)),
        "eve": enter("Eve", D(2022, 3, 1), ceased=D(2025, 2, 15)),
        "cy": enter("Cy", D(2025, 4, 1)),
        "dee": enter("Dee", D(2019, 3, 1), ceased=D(2024, 12, 31)),
    }


def allocate(actor: Any, line: Any, weights: dict[Member, Any], **extra: Any) -> Any:
    return capital_accounts.patronage_allocate(
        actor=actor, source=line, basis=extra.pop("basis", "hours"),
        weights={m.pk: w for m, w in weights.items()}, on=extra.pop("on", D(2025, 4, 30)),
    )  # fmt: skip


def parts(allocation: CapitalAllocation) -> list[tuple[str, str, int]]:
    return [
        (e.member.name, str(e.basis), e.amount)
        for e in allocation.entries.select_related("member").order_by("member__name")
    ]


def written() -> tuple[int, int, int]:
    return (
        CapitalAllocation.objects.count(),
        CapitalAccountEntry.objects.count(),
        AuditEvent.objects.count(),
    )


def test_retained_patronage_is_split_by_hours_to_the_cent(org, admin, line, crew):
    allocation = allocate(admin, line, {crew["ana"]: 152, crew["ben"]: 120, crew["eve"]: 40})
    # 8000 × 152/312 = 3897.44, × 120/312 = 3076.92, × 40/312 = 1025.64: the two cents
    # left by rounding down go to the largest remainders (Ben's .92, Eve's .64)
    assert parts(allocation) == [("Ana", "152.00", 3897), ("Ben", "120.00", 3077),
                                 ("Eve", "40.00", 1026)]  # fmt: skip
    assert (allocation.amount, allocation.currency, allocation.basis) == (8000, "USD", "hours")
    assert sum(e.amount for e in allocation.entries.all()) == line.retained
    event = AuditEvent.objects.filter(action="membership.patronage_allocate").get()
    assert (event.actor, event.summary) == (
        admin,
        "Valley Network, Produce rebate 2025: 80.00 USD by hours, 3 members",
    )
    assert [(r.member.name, r.currency, r.credited, r.paid_out, r.balance)
            for r in selectors.accounts(org)] == [
        ("Ana", "USD", 3897, 0, 3897), ("Ben", "USD", 3077, 0, 3077), ("Eve", "USD", 1026, 0, 1026)
    ]  # fmt: skip


def test_equal_weights_give_the_spare_cents_in_the_register_s_order(org, admin, line, crew):
    line.retained = 100
    line.save()
    allocation = allocate(admin, line, {crew["ana"]: 1, crew["ben"]: 1, crew["eve"]: 1})
    assert parts(allocation) == [("Ana", "1.00", 34), ("Ben", "1.00", 33), ("Eve", "1.00", 33)]


def test_wages_as_decimal_strings_and_members_weighing_zero_get_nothing(org, admin, line, crew):
    allocation = allocate(
        admin, line, {crew["ana"]: "2400.50", crew["ben"]: Decimal("1200.25"), crew["eve"]: 0},
        basis="wages",
    )  # fmt: skip
    assert parts(allocation) == [("Ana", "2400.50", 5333), ("Ben", "1200.25", 2667)]
    assert [(r.member.name, r.balance) for r in selectors.accounts(org)] == [
        ("Ana", 5333),
        ("Ben", 2667),
    ]


def test_a_line_is_allocated_once(org, admin, line, crew):
    allocate(admin, line, {crew["ana"]: 1})
    before = written()
    with pytest.raises(DomainError, match="already been allocated"):
        allocate(admin, line, {crew["ben"]: 1})
    assert written() == before
    found = selectors.patronage_lines(org)
    assert [(x.line.pk, x.allocation is not None, x.can_allocate) for x in found] == [
        (line.pk, True, False)
    ]


@pytest.mark.parametrize(
    ("weights", "extra", "field"),
    [
        ({"cy": 10, "ana": 10}, {}, "weight_cy"),  # joined after the period
        ({"dee": 10, "ana": 10}, {}, "weight_dee"),  # left before it
        ({"ana": -1}, {}, "weight_ana"),
        ({"ana": "seven"}, {}, "weight_ana"),
        ({"ana": "NaN"}, {}, "weight_ana"),
        ({"ana": 10**12 + 1}, {}, "weight_ana"),
        ({"ana": 0, "ben": "0.00"}, {}, "weights"),
        ({}, {}, "weights"),
        ({"ana": 1}, {"basis": "shares"}, "basis"),
        ({"ana": 1}, {"on": D(2025, 3, 30)}, "on"),  # before the period ends
        ({"ana": 1}, {"on": D(2025, 4, 14)}, "on"),  # before the distribution was made
        ({"ana": "1.005"}, {}, "weight_ana"),  # never rounded silently
        ({"ana": 1}, {"on": D(2999, 1, 1)}, "on"),
    ],
)
def test_bad_allocations_name_the_field_and_write_nothing(
    org, admin, line, crew, weights, extra, field
):
    before = written()
    with pytest.raises(InvalidValues) as refused:
        allocate(admin, line, {crew[k]: w for k, w in weights.items()}, **extra)
    named = {"weight_cy": f"weight_{crew['cy'].pk}", "weight_dee": f"weight_{crew['dee'].pk}",
             "weight_ana": f"weight_{crew['ana'].pk}"}  # fmt: skip
    assert named.get(field, field) in refused.value.errors
    assert written() == before


def test_a_line_with_nothing_retained_is_not_allocated(org, admin, line, crew):
    line.retained = 0
    line.save()
    with pytest.raises(DomainError, match="Nothing was retained"):
        allocate(admin, line, {crew["ana"]: 1})
    assert written() == (0, 0, AuditEvent.objects.count())


def test_payouts_never_exceed_the_balance(org, admin, line, crew):
    allocate(admin, line, {crew["ana"]: 1, crew["ben"]: 1})
    ana = crew["ana"]
    entry = capital_accounts.capital_account_payout(
        actor=admin, member=ana, currency="USD", amount=1500, on=D(2025, 6, 1), note="revolving"
    )
    assert (entry.kind, entry.amount, entry.currency, entry.note) == ("payout", -1500, "USD",
                                                                      "revolving")  # fmt: skip
    assert selectors.balances_of([ana.pk], "USD") == {ana.pk: 2500}
    before = written()
    with pytest.raises(DomainError) as refused:
        capital_accounts.capital_account_payout(
            actor=admin, member=ana, currency="USD", amount=2501, on=D(2025, 6, 2)
        )
    assert (refused.value.field, refused.value.message) == (
        "amount",
        "is more than the account's balance, 25.00 USD",
    )
    for amount, currency, field in ((0, "USD", "amount"), (-5, "USD", "amount"),
                                    (1, "XYZ", "currency")):  # fmt: skip
        with pytest.raises(InvalidValues) as bad:
            capital_accounts.capital_account_payout(
                actor=admin, member=ana, currency=currency, amount=amount, on=D(2025, 6, 2)
            )
        assert field in bad.value.errors
    with pytest.raises(DomainError) as no_euros:
        capital_accounts.capital_account_payout(
            actor=admin, member=ana, currency="EUR", amount=1, on=D(2025, 6, 2)
        )
    assert no_euros.value.field == "currency"
    with pytest.raises(DomainError) as backdated:  # before the account's last entry
        capital_accounts.capital_account_payout(
            actor=admin, member=ana, currency="USD", amount=1, on=D(2025, 5, 31)
        )
    assert (backdated.value.field, backdated.value.message) == (
        "on",
        "is on or after the account's last entry, 2025-06-01",
    )
    assert written() == before
    account = selectors.account_of(ana)
    assert [(e.kind, e.amount) for e in account.entries] == [("allocation", 4000),
                                                              ("payout", -1500)]  # fmt: skip
    assert account.balances == {"USD": 2500}
    assert [(r.member.name, r.credited, r.paid_out, r.balance) for r in selectors.accounts(org)] == [
        ("Ana", 4000, 1500, 2500), ("Ben", 4000, 0, 4000)
    ]  # fmt: skip


@pytest.mark.parametrize("who", ["anonymous", "outsider", "member", "coordinator",
                                 "other_coordinator"])  # fmt: skip
def test_only_the_organisation_s_admins_and_staff_keep_the_accounts(
    org, people, admin, line, crew, who
):
    allocate(admin, line, {crew["ana"]: 1})
    # a second distribution's line, still to allocate
    second = Patronage.objects.create(
        network=line.patronage.network, title="Second", currency="USD", surplus=1, cash_percent=20,
        period_start=D(2025, 1, 1), period_end=D(2025, 3, 31), made_at=MADE_AT,
    )  # fmt: skip
    fresh = PatronageAllocation.objects.create(
        patronage=second, member=org, purchases=1, share=10, cash=2, retained=8
    )
    before = written()
    with pytest.raises(PermissionDenied):
        allocate(people[who], fresh, {crew["ana"]: 1})
    with pytest.raises(PermissionDenied):
        capital_accounts.capital_account_payout(
            actor=people[who], member=crew["ana"], currency="USD", amount=1, on=D(2025, 6, 1)
        )
    with pytest.raises(PermissionDenied):
        capital_accounts.patronage_allocation_reverse(
            actor=people[who], allocation=CapitalAllocation.objects.get(source=line), reason="x"
        )
    assert written() == before
    allocate(people["staff"], fresh, {crew["ana"]: 1})
    assert (
        AuditEvent.objects.filter(action="membership.patronage_allocate").latest("pk").actor
        == (people["staff"])
    )


def test_every_write_of_the_accounts_is_covered_here():
    writes = {
        name
        for name, f in vars(capital_accounts).items()
        if inspect.isfunction(f)
        and f.__module__ == capital_accounts.__name__
        and "actor" in inspect.signature(f).parameters
    }
    assert writes == {
        "patronage_allocate",
        "patronage_allocation_reverse",
        "capital_account_payout",
    }


# pages, CSV and API ----------------------------------------------------------------------


def url(org: Any, page: str) -> str:
    return f"/membership/{org.slug}/{page}"


def test_the_admin_allocates_on_the_page_and_reads_the_accounts(org, people, line, crew):
    client = client_for(people["admin"])
    page = client.get(url(org, "capital-accounts/")).content.decode()
    assert "Produce rebate 2025" in page and "80.00 USD" in page
    form = client.get(url(org, f"capital-accounts/patronage/{line.pk}/")).content.decode()
    # the members of the period, not Cy (joined after) nor Dee (left before)
    assert all(f'name="weight_{crew[k].pk}"' in form for k in ("ana", "ben", "eve"))
    assert f'name="weight_{crew["cy"].pk}"' not in form
    assert f'name="weight_{crew["dee"].pk}"' not in form
    refused = client.post(url(org, f"capital-accounts/patronage/{line.pk}/"),
                          {"basis": "hours", "on": "2025-04-30"})  # fmt: skip
    assert refused.status_code == 200 and written()[0] == 0
    assert "give at least one member hours or wages above zero" in refused.content.decode()
    done = client.post(url(org, f"capital-accounts/patronage/{line.pk}/"), {
        "basis": "hours", "on": "2025-04-30", f"weight_{crew['ana'].pk}": "30",
        f"weight_{crew['ben'].pk}": "10", f"weight_{crew['eve'].pk}": "",
    })  # fmt: skip
    assert done.status_code == 302
    allocation = CapitalAllocation.objects.get()
    assert parts(allocation) == [("Ana", "30.00", 6000), ("Ben", "10.00", 2000)]
    shown = client.get(url(org, f"capital-accounts/patronage/{line.pk}/")).content.decode()
    assert "60.00 USD" in shown and "20.00 USD" in shown and "weight_" not in shown
    key = f"{crew['ana'].pk}-USD"
    over = client.post(url(org, "capital-accounts/"),
                       {"account": key, "amount": "60.01", "on": "2025-06-01"})  # fmt: skip
    assert "is more than the account&#x27;s balance, 60.00 USD" in over.content.decode()
    paid = client.post(url(org, "capital-accounts/"),
                       {"account": key, "amount": "10", "on": "2025-06-01", "note": "revolving"})  # fmt: skip
    assert paid.status_code == 302
    csv = b"".join(client.get(url(org, "capital-accounts.csv")).streaming_content).decode()
    assert csv.splitlines() == [
        "member,currency,credited,paid_out,balance",
        "Ana,USD,60.00,10.00,50.00",
        "Ben,USD,20.00,0.00,20.00",
    ]
    member_page = client.get(url(org, f"register/{crew['ana'].pk}/")).content.decode()
    assert "Internal capital account" in member_page and "50.00 USD" in member_page


@pytest.mark.parametrize("who", ["outsider", "member", "coordinator"])
def test_others_get_403_on_the_pages_and_404_from_the_api_and_write_nothing(
    org, people, admin, line, crew, who
):
    allocate(admin, line, {crew["ana"]: 1})
    client = client_for(people[who])
    for page in ("capital-accounts/", "capital-accounts.csv",
                 f"capital-accounts/patronage/{line.pk}/"):  # fmt: skip
        assert client.get(url(org, page)).status_code == 403
    before = written()
    response = client.post(url(org, "capital-accounts/"),
                           {"account": f"{crew['ana'].pk}-USD", "amount": "1", "on": "2025-06-01"})  # fmt: skip
    assert response.status_code == 403
    base = f"/api/v1/organizations/{org.slug}"
    # the API tells a member on the register from no one: both are 404 to them
    for path, body in (
        (f"/capital-accounts/{crew['ana'].pk}/payouts",
         {"currency": "USD", "amount": 1, "on": "2025-06-01"}),
        ("/capital-accounts/999999/payouts", {"currency": "USD", "amount": 1, "on": "2025-06-01"}),
        (f"/patronage/{line.pk}/reverse", {"allocation": 1, "reason": "x"}),
        (f"/patronage/{line.pk}/allocate", {"basis": "hours", "weights": []}),
        ("/patronage/999999/allocate", {"basis": "hours", "weights": []}),
    ):  # fmt: skip
        answer = client.post(base + path, json.dumps(body), content_type="application/json")
        assert answer.status_code == 404, path
    for path in ("/capital-accounts", "/patronage"):
        assert client.get(base + path).status_code == 404
    assert written() == before


def test_a_member_sees_their_own_account_with_their_shares(org, people, admin, line, network):
    me = registers.member_enter(actor=admin, organization=org, name="Member Person",
                                user=people["member"], entered_on=D(2020, 1, 1))  # fmt: skip
    allocate(admin, line, {me: 1})
    page = client_for(people["member"]).get(url(org, "my-shares/")).content.decode()
    assert "Internal capital account" in page and "80.00 USD" in page


def test_the_api_lists_allocates_and_pays_out(org, people, line, crew):
    client = client_for(people["admin"])
    base = f"/api/v1/organizations/{org.slug}"

    def post(path: str, body: dict[str, Any]) -> Any:
        return client.post(base + path, json.dumps(body), content_type="application/json")

    listed = client.get(base + "/patronage").json()
    assert [(x["id"], x["retained"], x["cash"], x["allocated_on"]) for x in listed] == [
        (line.pk, 8000, 2000, None)
    ]
    twice = post(
        f"/patronage/{line.pk}/allocate",
        {
            "basis": "hours",
            "weights": [
                {"member": crew["ana"].pk, "weight": 1},
                {"member": crew["ana"].pk, "weight": 3},
            ],
        },
    )
    assert (twice.status_code, twice.json()["field"]) == (400, "weights[1].member")
    bad = post(f"/patronage/{line.pk}/allocate",
               {"basis": "hours", "weights": [{"member": crew["cy"].pk, "weight": "5"}]})  # fmt: skip
    assert bad.status_code == 400 and written()[0] == 0
    made = post(f"/patronage/{line.pk}/allocate", {
        "basis": "hours", "on": "2025-04-30",
        "weights": [{"member": crew["ana"].pk, "weight": "7.5"},
                    {"member": crew["ben"].pk, "weight": 2.5}],
    })  # fmt: skip
    assert made.status_code == 201
    assert [(p["name"], p["basis"], p["amount"]) for p in made.json()["parts"]] == [
        ("Ana", "7.50", 6000),
        ("Ben", "2.50", 2000),
    ]
    assert (
        post(f"/patronage/{line.pk}/allocate", {"basis": "hours", "weights": []}).status_code == 400
    )
    assert post("/patronage/999999/allocate", {"basis": "hours", "weights": []}).status_code == 404

    def pay(body: dict[str, Any], key: str) -> Any:
        return client.post(base + f"/capital-accounts/{crew['ben'].pk}/payouts",
                           json.dumps(body), content_type="application/json",
                           headers={"Idempotency-Key": key})  # fmt: skip

    paid = pay({"currency": "USD", "amount": 500, "on": "2025-06-01"}, "june")
    assert (paid.status_code, paid.json()["amount"]) == (201, -500)
    again = pay({"currency": "USD", "amount": 500, "on": "2025-06-01"}, "june")
    assert (again.status_code, again.json()["id"]) == (201, paid.json()["id"])
    over = post(f"/capital-accounts/{crew['ben'].pk}/payouts",
                {"currency": "USD", "amount": 1501, "on": "2025-06-01"})  # fmt: skip
    assert over.status_code == 400
    allocation_id = made.json()["allocation"]
    reversed_ = post(f"/patronage/{line.pk}/reverse", {"allocation": allocation_id, "reason": ""})
    assert (reversed_.status_code, reversed_.json()["field"]) == (400, "reason")
    assert post(f"/patronage/{line.pk}/reverse",
                {"allocation": True, "reason": "x"}).status_code == 422  # fmt: skip
    assert post(f"/capital-accounts/{crew['ben'].pk}/payouts",
                {"currency": "USD", "amount": True, "on": "2025-06-01"}).status_code == 422  # fmt: skip
    named = post(f"/patronage/{line.pk}/allocate",
                 {"basis": "hours", "weights": [{"member": crew["ana"].pk, "weight": "x"}]})  # fmt: skip
    assert (named.status_code, named.json()["field"]) == (400, "weights[0].weight")
    accounts = client.get(base + "/capital-accounts").json()
    assert [(a["name"], a["credited"], a["paid_out"], a["balance"]) for a in accounts] == [
        ("Ana", 6000, 0, 6000),
        ("Ben", 2000, 500, 1500),
    ]


def test_ties_follow_the_register_whatever_order_the_weights_come_in(org, admin, line, crew):
    line.retained = 100
    line.save()
    allocation = allocate(admin, line, {crew["eve"]: 1, crew["ben"]: 1, crew["ana"]: 1})
    assert parts(allocation) == [("Ana", "1.00", 34), ("Ben", "1.00", 33), ("Eve", "1.00", 33)]


def test_an_allocation_made_in_error_is_reversed_and_made_again(org, admin, line, crew):
    first = allocate(admin, line, {crew["ana"]: 3, crew["ben"]: 1})
    with pytest.raises(InvalidValues) as no_reason:
        capital_accounts.patronage_allocation_reverse(actor=admin, allocation=first, reason=" ")
    assert "reason" in no_reason.value.errors
    undone = capital_accounts.patronage_allocation_reverse(
        actor=admin, allocation=first, reason="Eve's hours were left out"
    )
    assert undone.reversed_at is not None and undone.reversal_reason == "Eve's hours were left out"
    assert [(e.kind, e.amount) for e in selectors.account_of(crew["ana"]).entries] == [
        ("allocation", 6000), ("reversal", -6000)
    ]  # fmt: skip
    assert selectors.accounts(org)[0].balance == 0
    with pytest.raises(DomainError, match="already been reversed"):
        capital_accounts.patronage_allocation_reverse(actor=admin, allocation=first, reason="x")
    second = allocate(admin, line, {crew["ana"]: 3, crew["ben"]: 1, crew["eve"]: 4})
    assert parts(second) == [("Ana", "3.00", 3000), ("Ben", "1.00", 1000), ("Eve", "4.00", 4000)]
    assert [(r.member.name, r.credited, r.balance) for r in selectors.accounts(org)] == [
        ("Ana", 3000, 3000), ("Ben", 1000, 1000), ("Eve", 4000, 4000)
    ]  # fmt: skip
    found = selectors.patronage_line(org, line.pk)
    assert found is not None and found.allocation == second
    assert selectors.reversed_allocations(line) == [first]
    # once part of it is paid out, an allocation is not reversed
    capital_accounts.capital_account_payout(
        actor=admin, member=crew["eve"], currency="USD", amount=1, on=timezone.localdate()
    )
    before = written()
    with pytest.raises(DomainError, match="Eve has been paid out part of it"):
        capital_accounts.patronage_allocation_reverse(actor=admin, allocation=second, reason="x")
    assert written() == before
    assert [e.action for e in AuditEvent.objects.filter(action__startswith="membership.patronage")
            .order_by("pk")] == ["membership.patronage_allocate",
                                 "membership.patronage_allocation_reverse",
                                 "membership.patronage_allocate"]  # fmt: skip


def test_a_retried_payout_with_its_key_is_recorded_once(org, admin, line, crew):
    allocate(admin, line, {crew["ana"]: 1})

    def pay(amount: int = 1000) -> Any:
        return capital_accounts.capital_account_payout(
            actor=admin, member=crew["ana"], currency="USD", amount=amount, on=D(2025, 6, 1),
            idempotency_key="payroll-2025-06",
        )  # fmt: skip

    first = pay()
    assert pay() == first
    with pytest.raises(DomainError) as other:
        pay(999)
    assert other.value.field == "idempotency_key"
    assert selectors.balances_of([crew["ana"].pk], "USD") == {crew["ana"].pk: 7000}
    assert AuditEvent.objects.filter(action="membership.capital_account_payout").count() == 1


def test_accounts_in_two_currencies_and_a_member_who_left_is_paid_out(
    org, admin, line, crew, network
):
    allocate(admin, line, {crew["ana"]: 1, crew["eve"]: 1})
    euros = Patronage.objects.create(
        network=network, title="Bakery supplies rebate", currency="EUR", surplus=90_00,
        cash_percent=20, period_start=D(2025, 1, 1), period_end=D(2025, 2, 28), made_at=MADE_AT,
    )  # fmt: skip
    euro_line = PatronageAllocation.objects.create(
        patronage=euros, member=org, purchases=1, share=30_00, cash=6_00, retained=24_00
    )
    allocate(admin, euro_line, {crew["ana"]: 1, crew["eve"]: 1})
    capital_accounts.capital_account_payout(
        actor=admin, member=crew["eve"], currency="USD", amount=40_00, on=D(2025, 6, 1),
        note="Eve left: paid out",
    )  # fmt: skip
    event = AuditEvent.objects.filter(action="membership.capital_account_payout").get()
    assert event.summary == "Eve: 40.00 USD"
    assert [(r.member.name, r.currency, r.credited, r.paid_out, r.balance)
            for r in selectors.accounts(org)] == [
        ("Ana", "EUR", 1200, 0, 1200), ("Ana", "USD", 4000, 0, 4000),
        ("Eve", "EUR", 1200, 0, 1200), ("Eve", "USD", 4000, 4000, 0),
    ]  # fmt: skip
    assert selectors.account_of(crew["eve"]).balances == {"USD": 0, "EUR": 1200}


def test_the_accounts_page_and_api_read_the_same_few_queries_for_more_lines_and_members(
    org, people, admin, line, network, django_assert_max_num_queries
):
    members = [
        registers.member_enter(actor=admin, organization=org, name=f"M{n:02}", entered_on=D(2020, 1, 1))
        for n in range(20)
    ]  # fmt: skip
    for n in range(6):
        patronage = Patronage.objects.create(
            network=network, title=f"Rebate {n}", currency="USD", surplus=1, cash_percent=20,
            period_start=D(2025, 1, 1), period_end=D(2025, 3, 31), made_at=MADE_AT,
        )  # fmt: skip
        source = PatronageAllocation.objects.create(
            patronage=patronage, member=org, purchases=1, share=10_00, cash=2_00, retained=8_00
        )
        allocate(admin, source, dict.fromkeys(members, 1))
    client = client_for(people["admin"])
    with django_assert_max_num_queries(11):
        assert client.get(url(org, "capital-accounts/")).status_code == 200
    with django_assert_max_num_queries(7):
        listed = client.get(f"/api/v1/organizations/{org.slug}/patronage").json()
    assert len(listed) == 7 and sum(len(x["parts"]) for x in listed) == 120


def test_a_stale_page_never_reverses_a_newer_allocation(org, people, admin, line, crew):
    first = allocate(admin, line, {crew["ana"]: 1})
    capital_accounts.patronage_allocation_reverse(actor=admin, allocation=first, reason="wrong")
    second = allocate(admin, line, {crew["ben"]: 1})
    client = client_for(people["admin"])
    stale = client.post(url(org, f"capital-accounts/patronage/{line.pk}/"),
                        {"allocation": first.pk, "reason": "again"})  # fmt: skip
    assert "This allocation has already been reversed" in stale.content.decode()
    second.refresh_from_db()
    assert second.reversed_at is None
    api = client.post(f"/api/v1/organizations/{org.slug}/patronage/{line.pk}/reverse",
                      json.dumps({"allocation": first.pk, "reason": "again"}),
                      content_type="application/json")  # fmt: skip
    assert api.status_code == 400
    done = client.post(url(org, f"capital-accounts/patronage/{line.pk}/"),
                       {"allocation": second.pk, "reason": "Ben's hours were wrong"})  # fmt: skip
    assert done.status_code == 302
    second.refresh_from_db()
    assert second.reversal_reason == "Ben's hours were wrong"


def test_a_replayed_payout_key_with_other_values_is_refused(org, admin, line, crew):
    allocate(admin, line, {crew["ana"]: 1})

    def pay(on: D, note: str) -> Any:
        return capital_accounts.capital_account_payout(
            actor=admin, member=crew["ana"], currency="USD", amount=10_00, on=on, note=note,
            idempotency_key="k1",
        )  # fmt: skip

    first = pay(D(2025, 6, 1), "June")
    assert pay(D(2025, 6, 1), "June") == first
    for on, note in ((D(2025, 7, 1), "June"), (D(2025, 6, 1), "July")):
        with pytest.raises(DomainError) as refused:
            pay(on, note)
        assert refused.value.field == "idempotency_key"
