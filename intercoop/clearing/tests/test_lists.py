"""Long lists page (50 a page on pages, ?page=&page_size= in the API) with their filters
kept and a number of queries that does not grow with the list; CSV statements are safe to
open in a spreadsheet."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from intercoop.clearing import services
from intercoop.clearing.models import Obligation
from intercoop.clearing.tests.conftest import owe
from intercoop.conftest import client_for, make_org
from intercoop.core.audit import system_actor
from intercoop.directory import services as directory_services


def _invoices(debtor, creditor, count, *, currency="USD", start=0):
    now, day = timezone.now(), dt.date(2030, 1, 1)
    Obligation.objects.bulk_create(
        Obligation(debtor=debtor, creditor=creditor, amount=100 + n, remaining=100 + n,
                   currency=currency, source="api", recorded_at=now, reference=f"INV-{n:04d}",
                   due_on=day + dt.timedelta(days=n))
        for n in range(start, start + count)
    )  # fmt: skip


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url)
    assert page.status_code == 200
    return len(queries), page


def test_the_invoices_page_pages_and_its_queries_do_not_grow(people, org, ring):
    admin = client_for(people["admin"])
    url = f"/orgs/{org.slug}/obligations/"
    _invoices(org, ring["b"], 3)
    _invoices(ring["c"], org, 2)
    few, _page = _queries(admin, url)
    _invoices(org, ring["b"], 127, start=3)
    _invoices(ring["c"], org, 70, start=2)
    many, page = _queries(admin, url)
    assert many == few
    payables, receivables = page.context["payables"], page.context["receivables"]
    assert (payables.count, payables.pages, len(payables.page.object_list)) == (130, 3, 50)
    assert (receivables.count, receivables.pages) == (72, 2)
    assert [o.reference for o in payables.page.object_list[:2]] == ["INV-0000", "INV-0001"]
    body = page.content.decode()
    assert "payables_page=2" in body and "receivables_page=2" in body
    last = admin.get(url + "?payables_page=3&receivables_page=2")
    assert [o.reference for o in last.context["payables"].page.object_list][-1] == "INV-0129"
    assert len(last.context["receivables"].page.object_list) == 22


def test_filters_narrow_both_lists_and_are_kept_when_paging(people, org, ring):
    admin = client_for(people["admin"])
    _invoices(org, ring["b"], 60)
    _invoices(org, ring["c"], 5, currency="EUR")
    owe(ring["b"], org, 700, confirmed=False)
    page = admin.get(f"/orgs/{org.slug}/obligations/?currency=eur")
    assert page.context["payables"].count == 5 and page.context["receivables"].count == 0
    page = admin.get(f"/orgs/{org.slug}/obligations/?currency=USD&q=inv-005")
    assert [o.reference for o in page.context["payables"].page.object_list] == [
        f"INV-005{n}" for n in range(10)
    ]
    page = admin.get(f"/orgs/{org.slug}/obligations/?status=unconfirmed")
    assert page.context["payables"].count == 65  # bulk-made invoices await their debtor
    assert page.context["receivables"].count == 1
    page = admin.get(f"/orgs/{org.slug}/obligations/?currency=USD&status=open")
    assert page.context["payables"].count == 60
    assert "?status=open&amp;currency=USD&amp;receivables_page=1&amp;payables_page=2" in (
        page.content.decode()
    )
    assert (
        admin.get(f"/orgs/{org.slug}/obligations/?status=nonsense&currency=XXQ")
        .context["payables"]
        .count
        == 65
    )  # unknown filters are ignored


def test_the_account_ledger_and_the_runs_page(people, network, org, ring, credit):
    system = system_actor()
    for n in range(55):
        services.credit_pay(actor=system, system=credit, payer=ring["a"], payee=ring["b"],
                            amount=1, idempotency_key=f"k-{n}")  # fmt: skip
    coordinator = client_for(people["coordinator"])
    account = credit.accounts.get(organization=ring["a"])
    page = coordinator.get(f"/credit/accounts/{account.pk}/")
    assert (page.context["entries"].count, len(page.context["entries"].page.object_list)) == (
        55,
        50,
    )
    assert len(coordinator.get(f"/credit/accounts/{account.pk}/?page=2").context[
        "entries"].page.object_list) == 5  # fmt: skip
    assert coordinator.get(f"/networks/{network.slug}/clearing/").status_code == 200


def test_statements_csv_neutralises_formulas(people, network, org, ring):
    evil = make_org(name='=HYPERLINK("http://evil.example","click")')
    directory_services.network_member_join(actor=system_actor(), network=network,
                                           organization=evil)  # fmt: skip
    owe(org, evil, 100), owe(evil, org, 100)
    system = system_actor()
    run = services.clearing_run_propose(actor=system, network=network, currency="USD")
    rows = client_for(people["coordinator"]).get(f"/clearing/runs/{run.pk}/statements.csv")
    lines = rows.content.decode().splitlines()
    assert lines[0].startswith("organization,payable_before")
    assert sorted(lines[1:]) == [
        '"\'=HYPERLINK(""http://evil.example"",""click"")",1.00,0.00,1.00,0.00,0.00,1.00,0.00,0.00,USD',
        f"{org.name},1.00,0.00,1.00,0.00,0.00,1.00,0.00,0.00,USD",
    ]
