"""The clearing pages and who may do what: only parties see an obligation, only the
debtor confirms, only the coordinator proposes and commits a run."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from intercoop.clearing import services
from intercoop.clearing.models import ClearingRun, CreditAccount, CreditSystem, Obligation
from intercoop.clearing.tests.conftest import owe
from intercoop.conftest import client_for, make_user
from intercoop.core.audit import system_actor
from intercoop.core.models import TaskRun
from intercoop.directory import services as directory_services
from intercoop.directory.models import OrganizationRole


@pytest.fixture
def parties(people, org, ring):
    """`org` (admin: people['admin']) invoices Beta Co-op, whose admin is 'beta'."""
    beta = make_user("beta")
    directory_services.organization_role_assign(
        actor=system_actor(), organization=ring["b"], user=beta, role=OrganizationRole.Role.ADMIN
    )
    return {"beta": beta}


def _record(client, org, **form):
    data = {"record": "1", "direction": "owed_to_us", "currency": "USD", "amount": "120.00",
            "reference": "INV-7"} | form  # fmt: skip
    return client.post(f"/orgs/{org.slug}/obligations/", data)


def test_the_creditor_records_and_only_the_debtor_confirms(people, org, ring, parties):
    assert _record(client_for(people["admin"]), org, other=ring["b"].slug).status_code == 302
    invoice = Obligation.objects.get()
    assert (invoice.debtor, invoice.creditor, invoice.amount) == (ring["b"], org, 12000)
    assert invoice.confirmed_at is None
    assert (
        client_for(people["admin"]).post(f"/obligations/{invoice.pk}/confirm/").status_code == 403
    )
    assert (
        client_for(people["member"]).post(f"/obligations/{invoice.pk}/confirm/").status_code == 403
    )
    assert (
        client_for(parties["beta"]).post(f"/obligations/{invoice.pk}/confirm/").status_code == 302
    )
    invoice.refresh_from_db()
    assert invoice.confirmed_at is not None


def test_only_parties_see_an_obligation(people, org, ring, parties):
    _record(client_for(people["admin"]), org, other=ring["b"].slug)
    invoice = Obligation.objects.get()
    for who in (people["member"], people["admin"], parties["beta"]):
        assert client_for(who).get(f"/obligations/{invoice.pk}/").status_code == 200
    for who in ("outsider", "coordinator", "other_coordinator"):
        assert client_for(people[who]).get(f"/obligations/{invoice.pk}/").status_code == 404
    assert client_for(people["outsider"]).get(f"/orgs/{org.slug}/obligations/").status_code == 403
    assert client_for(people["member"]).get(f"/orgs/{org.slug}/obligations/").status_code == 200
    assert _record(client_for(people["member"]), org, other=ring["b"].slug).status_code == 403


def test_a_bad_import_names_its_rows_and_writes_nothing(people, org, ring):
    upload = SimpleUploadedFile("i.csv", f"debtor,creditor,amount,currency\n{org.slug},{ring['b'].slug},"
                                         f"zero,USD\n".encode())  # fmt: skip
    page = client_for(people["admin"]).post(f"/orgs/{org.slug}/obligations/",
                                            {"import": "1", "file": upload})  # fmt: skip
    assert "line 2, amount: &#x27;zero&#x27; is not an amount" in page.content.decode()
    assert not Obligation.objects.exists()


def test_only_coordinators_propose_and_commit_and_members_read_their_statement(
    people, network, org, ring, django_capture_on_commit_callbacks
):
    for debtor, creditor in ((org, ring["b"]), (ring["b"], ring["c"]), (ring["c"], org)):
        owe(debtor, creditor, 5000)
    url = f"/networks/{network.slug}/clearing/"
    assert client_for(people["admin"]).post(url, {"currency": "USD"}).status_code == 403
    assert not ClearingRun.objects.exists()
    coordinator = client_for(people["coordinator"])
    with django_capture_on_commit_callbacks(execute=True):  # the run is proposed by a task
        asked = coordinator.post(url, {"currency": "USD"})
    task = TaskRun.objects.get()
    assert asked["Location"] == f"/tasks/{task.pk}/"
    run = ClearingRun.objects.get()
    opened = coordinator.get(asked["Location"])  # done: the task's page opens the run
    assert opened["Location"] == f"/clearing/runs/{run.pk}/"
    assert client_for(people["admin"]).post(f"/clearing/runs/{run.pk}/commit/").status_code == 403
    assert (
        client_for(people["other_coordinator"]).post(f"/clearing/runs/{run.pk}/commit/").status_code
        == 404
    )
    assert coordinator.post(f"/clearing/runs/{run.pk}/commit/").status_code == 302
    run.refresh_from_db()
    assert run.status == "committed" and set(
        Obligation.objects.values_list("remaining", flat=True)
    ) == {0}
    page = client_for(people["admin"]).get(f"/clearing/runs/{run.pk}/")
    assert [s.organization for s in page.context["statements"]] == [org]
    assert len(coordinator.get(f"/clearing/runs/{run.pk}/").context["statements"]) == 3
    statement = client_for(people["admin"]).get(f"/clearing/runs/{run.pk}/statements/{org.slug}/")
    assert statement.status_code == 200 and "50.00 USD" in statement.content.decode()
    assert client_for(people["admin"]).get(
        f"/clearing/runs/{run.pk}/statements/{ring['b'].slug}/").status_code == 404  # fmt: skip
    rows = (
        client_for(people["admin"]).get(f"/clearing/runs/{run.pk}/statements.csv").content.decode()
    )
    assert rows.splitlines()[1].startswith(f"{org.name},50.00,0.00,50.00,0.00,0.00,50.00")
    history = coordinator.get(url).context["history"]
    assert [p["percent"] for p in history] == [100.0]


def test_mutual_credit_pages(people, network, org, ring):
    coordinator = client_for(people["coordinator"])
    url = f"/networks/{network.slug}/credit/"
    start = {"start": "1", "code": "VAL", "name": "Valley credit", "currency": "USD",
             "default_limit": "100"}  # fmt: skip
    assert client_for(people["admin"]).post(url, start).status_code == 403
    assert coordinator.post(url, start).status_code == 302
    system = CreditSystem.objects.get()
    assert CreditAccount.objects.filter(system=system).count() == 4  # org and the ring
    pay = {"pay": "1", "payer": org.slug, "payee": ring["b"].slug, "amount": "60", "key": "abc"}
    admin = client_for(people["admin"])
    assert admin.post(url, pay).status_code == 302
    assert admin.post(url, pay).status_code == 302  # the same form sent twice pays once
    assert CreditAccount.objects.get(organization=org).balance == -6000
    too_much = admin.post(url, pay | {"key": "def", "amount": "50"})
    assert "Not enough credit" in too_much.content.decode()
    assert client_for(people["outsider"]).post(url, pay | {"key": "x"}).status_code == 403
    nobody = admin.post(url, pay | {"key": "y", "payee": "no-such-co-op"})
    assert "No organisation has this address name" in nobody.content.decode()
    mine = admin.get(url).context["accounts"].page.object_list
    assert [a.organization for a in mine] == [org]
    other = CreditAccount.objects.get(organization=ring["b"])
    assert admin.get(f"/credit/accounts/{other.pk}/").status_code == 404


def test_denials_of_disputes_reversals_and_limits(people, network, org, ring, parties):
    _record(client_for(people["admin"]), org, other=ring["b"].slug)
    invoice = Obligation.objects.get()
    for who in (people["member"], people["outsider"]):
        client_for(who).post(f"/obligations/{invoice.pk}/dispute/", {"reason": "no"})
    client_for(parties["beta"]).post(f"/obligations/{invoice.pk}/dispute/", {"reason": " "})
    invoice.refresh_from_db()
    assert invoice.status == "open"  # not by others, and not without a reason
    client_for(parties["beta"]).post(f"/obligations/{invoice.pk}/dispute/", {"reason": "late"})
    invoice.refresh_from_db()
    assert (invoice.status, invoice.dispute_reason) == ("disputed", "late")
    owe(ring["b"], ring["c"], 10), owe(ring["c"], ring["b"], 10)
    system = system_actor()
    run = services.clearing_run_commit(
        actor=system,
        run=services.clearing_run_propose(actor=system, network=network, currency="USD"),
    )
    assert client_for(people["admin"]).post(f"/clearing/runs/{run.pk}/reverse/").status_code == 403
    run.refresh_from_db()
    assert run.status == "committed"
    coordinator = client_for(people["coordinator"])
    start = {"start": "1", "code": "V", "name": "x", "currency": "USD", "default_limit": "1"}
    page = coordinator.post(f"/networks/{network.slug}/credit/", start)
    assert "is 2 to 8 letters or digits" in page.content.decode()
    assert not CreditSystem.objects.exists()
    coordinator.post(f"/networks/{network.slug}/credit/", start | {"code": "VAL"})
    account = CreditAccount.objects.get(organization=org)
    limit = {"account": account.pk, "limit": "500"}
    assert (
        client_for(people["admin"]).post(f"/networks/{network.slug}/credit/", limit).status_code
        == 403
    )
    account.refresh_from_db()
    assert account.limit == 100
