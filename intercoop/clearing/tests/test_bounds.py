"""Out-of-bounds input gets its field's error and writes nothing, in the services, on the
pages and in the API alike; sums of money never overflow."""

import json

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from intercoop.clearing import services, setoff
from intercoop.clearing.models import ClearingRun, CreditAccount, CreditSystem, Obligation
from intercoop.clearing.tests.conftest import owe
from intercoop.clearing.tests.test_permission_matrix import counts
from intercoop.conftest import client_for
from intercoop.core.errors import DomainError, InvalidValues

HUGE = [10**16, 9223372036854775807, 1e30, -1, -(2**63)]


def _record(system, a, b, **values):
    return services.obligation_record(
        actor=system, debtor=a, creditor=b, recorded_for=a,
        values={"amount": 100, "currency": "USD"} | values,
    )  # fmt: skip


@pytest.mark.parametrize("amount", HUGE)
def test_an_obligation_out_of_bounds_is_refused(system, ring, amount):
    before = counts()
    with pytest.raises(InvalidValues) as refused:
        _record(system, ring["a"], ring["b"], amount=amount)
    assert list(refused.value.errors) == ["amount"]
    assert counts() == before


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("currency", "XXQ", "'XXQ' is not an ISO 4217 currency code"),
        ("currency", "", "'' is not an ISO 4217 currency code"),
        ("reference", "INV\x00-1", "contains a control character"),
        ("reference", "x" * 201, "is 201 characters long; at most 200 are allowed"),
    ],
)
def test_an_obligation_with_a_bad_field_names_it(system, ring, field, value, reason):
    before = counts()
    with pytest.raises(InvalidValues) as refused:
        _record(system, ring["a"], ring["b"], **{field: value})
    assert refused.value.errors == {field: reason}
    assert counts() == before


def test_the_largest_amount_is_accepted_and_the_reference_is_never_cut(system, ring):
    made = _record(system, ring["a"], ring["b"], amount=10**15, reference="x" * 200)
    assert (made.amount, len(made.reference)) == (10**15, 200)


def test_credit_and_runs_refuse_what_is_out_of_bounds(system, network, ring, credit):
    before = counts()
    with pytest.raises(DomainError) as refused:
        services.clearing_run_propose(actor=system, network=network, currency="XXQ")
    assert refused.value.field == "currency"
    with pytest.raises(InvalidValues) as refused:
        services.credit_system_create(
            actor=system, network=network,
            values={"code": "V\x00", "name": "n" * 101, "currency": "XXQ",
                    "default_limit": 10**16},
        )  # fmt: skip
    assert set(refused.value.errors) == {"code", "name", "currency", "default_limit"}
    account = CreditAccount.objects.get(organization=ring["a"])
    for limit in HUGE:
        with pytest.raises(DomainError) as refused:
            services.credit_limit_set(actor=system, account=account, limit=limit)
        assert refused.value.field == "limit"
    for values in ({"amount": 10**16}, {"amount": 1e30}, {"amount": -5}, {"memo": "m" * 201},
                   {"memo": "\x00"}, {"idempotency_key": "k" * 101}):  # fmt: skip
        with pytest.raises(DomainError) as refused:
            services.credit_pay(
                actor=system, system=credit, payer=ring["a"], payee=ring["b"],
                **({"amount": 10} | values),
            )  # fmt: skip
        assert refused.value.field == next(iter(values))
    invoice = owe(ring["a"], ring["b"], 100)
    with pytest.raises(DomainError) as refused:
        services.obligation_dispute(actor=system, obligation=invoice, reason="r" * 301)
    assert refused.value.field == "reason"
    assert counts() == before | {"Obligation": 1, "AuditEvent": before["AuditEvent"] + 1,
                                 "AuditSubject": before["AuditSubject"] + 2}  # fmt: skip


def test_a_payment_never_takes_a_balance_past_the_bound(system, ring, credit):
    CreditAccount.objects.filter(organization=ring["a"]).update(limit=10**15)
    CreditAccount.objects.filter(organization=ring["c"]).update(limit=10**15)
    services.credit_pay(actor=system, system=credit, payer=ring["a"], payee=ring["b"],
                        amount=10**15)  # fmt: skip
    with pytest.raises(DomainError, match="would pass 10\\^15") as refused:
        services.credit_pay(actor=system, system=credit, payer=ring["c"], payee=ring["b"],
                            amount=1)  # fmt: skip
    assert refused.value.field == "amount"


def test_totals_never_wrap_around():
    big = np.array([2**62, 2**62, 2**62], dtype=np.int64)
    assert int(big.sum()) < 0  # what numpy does
    assert setoff.total(big) == 3 * 2**62  # what we do
    with pytest.raises(setoff.TooLarge):
        setoff.setoff(np.array([0, 1, 2]), np.array([1, 2, 0]), big)
    assert setoff.total(np.array([10**15] * 9_000, dtype=np.int64)) == 9 * 10**18


def test_a_run_of_the_largest_amounts_reports_exact_totals(system, network, ring):
    a, b, c = ring["a"], ring["b"], ring["c"]
    for debtor, creditor in ((a, b), (b, c), (c, a)) * 4:
        owe(debtor, creditor, 10**15)
    run = services.clearing_run_propose(actor=system, network=network, currency="USD")
    assert (run.total_debt, run.setoff_total, run.share) == (12 * 10**15, 12 * 10**15, 1.0)


def test_a_run_too_large_to_clear_exactly_is_refused_and_writes_nothing(system, network, ring):
    a, b = ring["a"], ring["b"]
    now = timezone.now()
    Obligation.objects.bulk_create(
        Obligation(debtor=d, creditor=c, amount=10**15, remaining=10**15, currency="USD",
                   source="api", recorded_at=now, confirmed_at=now)
        for d, c in [(a, b), (b, a)] * 2_400
    )  # fmt: skip
    with pytest.raises(DomainError, match="too large"):
        services.clearing_run_propose(actor=system, network=network, currency="USD")
    assert not ClearingRun.objects.exists()


# pages and the API give the same answer --------------------------------------------


def _page_record(client, org, **form):
    data = {"record": "1", "direction": "we_owe", "currency": "USD", "amount": "120.00",
            "reference": "INV-7"} | form  # fmt: skip
    return client.post(f"/orgs/{org.slug}/obligations/", data)


def _api_record(client, debtor, creditor, **body):
    return client.post("/api/v1/obligations", json.dumps(
        {"debtor": debtor.slug, "creditor": creditor.slug, "amount": 12_000,
         "currency": "USD"} | body), content_type="application/json")  # fmt: skip


@pytest.mark.parametrize(
    ("page", "api", "field"),
    [
        ({"amount": "1e30"}, {"amount": 10**30}, "amount"),
        ({"amount": "92233720368547758.07"}, {"amount": 9223372036854775807}, "amount"),
        ({"amount": "100000000000000"}, {"amount": 10**16}, "amount"),
        ({"currency": "XXQ"}, {"currency": "XXQ"}, "currency"),
        ({"reference": "x" * 201}, {"reference": "x" * 201}, "reference"),
        ({"reference": "a\x01b"}, {"reference": "a\x01b"}, "reference"),
    ],
)
def test_the_page_and_the_api_refuse_the_same_values(people, org, ring, page, api, field):
    admin = client_for(people["admin"])
    shown = _page_record(admin, org, other=ring["b"].slug, **page)
    assert shown.status_code == 200 and shown.context["form"].errors[field]
    answered = _api_record(admin, org, ring["b"], **api)
    assert answered.status_code == 422 and answered.json()["field"] == field
    assert not Obligation.objects.exists()


def test_the_page_and_the_api_refuse_the_same_actors(people, org, ring):
    member = client_for(people["member"])
    assert _page_record(member, org, other=ring["b"].slug).status_code == 403
    assert _api_record(member, org, ring["b"]).status_code == 403
    coordinator = client_for(people["coordinator"])  # coordinators do not speak for members
    assert _api_record(coordinator, org, ring["b"]).status_code == 403
    assert not Obligation.objects.exists()


def test_a_start_of_credit_out_of_bounds_is_a_form_error(people, network):
    coordinator = client_for(people["coordinator"])
    url = f"/networks/{network.slug}/credit/"
    start = {"start": "1", "code": "VAL", "name": "Valley", "currency": "USD",
             "default_limit": "1e30"}  # fmt: skip
    page = coordinator.post(url, start)
    assert page.status_code == 200 and page.context["start"].errors["default_limit"]
    page = coordinator.post(url, start | {"default_limit": "10", "currency": "XXQ"})
    assert page.context["start"].errors["currency"] == ["'XXQ' is not an ISO 4217 currency code"]
    assert not CreditSystem.objects.exists()


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("debtor,creditor,amount,currency\n{a},{b},café,USD\n".encode("latin-1"),
         "line 2, file: the file is not UTF-8 text (byte 0xe9); save it as UTF-8"),
        ("debtor,creditor,amount,currency\n{a},{b},1,USD\n".encode("utf-16"),
         "line 1, file: the file is UTF-16; save it as UTF-8"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "line 1, file: the file is not text (binary data)"),
        (b"debtor,creditor,amount,currency\n{a},{b},1,USD,extra\n",
         "line 2, row: has 5 cells, the header has 4"),
        (b'debtor,creditor,amount,currency\n{a},{b},1,"{cell}"\n',
         "line 2, file: unreadable CSV: field larger than field limit (100000)"),
        (b"debtor,creditor,amount,currency\n{a},{b},10000000000000.01,USD\n",
         "line 2, amount: must be between -10^15 and 10^15 minor units"),
        (b"debtor,creditor,amount,currency\n{a},{b},1,XXQ\n",
         "line 2, currency: 'XXQ' is not an ISO 4217 currency code"),
    ],
)  # fmt: skip
def test_a_malformed_upload_names_its_fault_and_writes_nothing(people, org, ring, content, reason):
    content = content.replace(b"{a}", org.slug.encode()).replace(b"{b}", ring["b"].slug.encode())
    content = content.replace(b"{cell}", b"x" * 1_000_000)
    upload = SimpleUploadedFile("invoices.csv", content)
    page = client_for(people["admin"]).post(f"/orgs/{org.slug}/obligations/",
                                            {"import": "1", "file": upload})  # fmt: skip
    assert page.status_code == 200
    assert [str(e) for e in page.context["import_errors"]] == [reason]
    assert not Obligation.objects.exists()
