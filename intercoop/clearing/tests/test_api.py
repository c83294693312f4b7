"""The clearing API: obligations, runs and idempotent payments, with their denials."""

import json

from intercoop.clearing import services
from intercoop.clearing.models import CreditTransfer, Obligation
from intercoop.clearing.tests.conftest import owe
from intercoop.conftest import client_for
from intercoop.core.audit import system_actor


def post(client, url, body, **headers):
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


def test_record_confirm_run_and_commit_through_the_api(people, network, org, ring):
    admin = client_for(people["admin"])
    made = post(admin, "/api/v1/obligations",
                {"debtor": org.slug, "creditor": ring["b"].slug, "amount": 900, "currency": "usd"})  # fmt: skip
    assert made.status_code == 201 and made.json()["confirmed"] is True  # org owes: confirmed
    theirs = post(admin, "/api/v1/obligations",
                  {"debtor": ring["b"].slug, "creditor": org.slug, "amount": 400, "currency": "USD"})  # fmt: skip
    assert theirs.json()["confirmed"] is False
    assert post(admin, f"/api/v1/obligations/{theirs.json()['id']}/confirm", {}).status_code == 403
    stranger = post(client_for(people["outsider"]), "/api/v1/obligations",
                    {"debtor": org.slug, "creditor": ring["b"].slug, "amount": 1, "currency": "USD"})  # fmt: skip
    assert stranger.status_code == 403
    services.obligation_confirm(
        actor=system_actor(), obligation=Obligation.objects.get(pk=theirs.json()["id"])
    )
    assert (
        post(
            admin, f"/api/v1/networks/{network.slug}/clearing-runs", {"currency": "USD"}
        ).status_code
        == 403
    )
    coordinator = client_for(people["coordinator"])
    run = post(coordinator, f"/api/v1/networks/{network.slug}/clearing-runs", {"currency": "USD"})
    assert run.status_code == 201 and run.json()["setoff"] == 800
    assert post(admin, f"/api/v1/clearing-runs/{run.json()['id']}/commit", {}).status_code == 403
    done = post(coordinator, f"/api/v1/clearing-runs/{run.json()['id']}/commit", {})
    assert done.json()["status"] == "committed"
    again = post(coordinator, f"/api/v1/clearing-runs/{run.json()['id']}/commit", {})
    assert again.status_code == 400
    mine = admin.get(f"/api/v1/clearing-runs/{run.json()['id']}").json()["statements"]
    assert [s["organization"] for s in mine] == [org.slug] and mine[0]["cash_saved"] == 400
    listed = admin.get("/api/v1/obligations").json()
    assert [o["remaining"] for o in listed["results"]] == [0, 500]
    assert (listed["count"], listed["page"], listed["pages"]) == (2, 1, 1)
    assert client_for(people["outsider"]).get("/api/v1/obligations").json()["results"] == []


def test_a_retried_payment_with_the_same_key_pays_once(people, network, org, ring):
    services.credit_system_create(
        actor=system_actor(),
        network=network,
        values={"code": "VAL", "currency": "USD", "default_limit": 1000},
    )
    admin = client_for(people["admin"])
    body = {"payer": org.slug, "payee": ring["b"].slug, "amount": 700}
    url = f"/api/v1/networks/{network.slug}/credit/payments"
    first = post(admin, url, body, HTTP_IDEMPOTENCY_KEY="order-17")
    second = post(admin, url, body, HTTP_IDEMPOTENCY_KEY="order-17")
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"] and second.json()["payer_balance"] == -700
    assert CreditTransfer.objects.count() == 1
    over = post(admin, url, body, HTTP_IDEMPOTENCY_KEY="order-18")
    assert over.status_code == 400 and over.json()["field"] == "amount"
    forged = post(admin, url, body | {"payer": ring["b"].slug, "payee": org.slug})
    assert forged.status_code in (403, 404)
    listed = admin.get(f"/api/v1/networks/{network.slug}/credit/accounts").json()
    assert [a["organization"] for a in listed["results"]] == [org.slug]
    assert listed["count"] == 1


def test_the_obligations_list_pages(people, org, ring):
    for n in range(7):
        owe(org, ring["b"], 100 + n)
    admin = client_for(people["admin"])
    first = admin.get("/api/v1/obligations?page_size=3").json()
    assert (first["count"], first["count_exact"], first["pages"], first["page_size"]) == (
        7,
        True,
        3,
        3,
    )
    assert [o["amount"] for o in first["results"]] == [106, 105, 104]  # newest first
    last = admin.get("/api/v1/obligations?page=3&page_size=3").json()
    assert [o["amount"] for o in last["results"]] == [100]
    assert admin.get("/api/v1/obligations?page_size=5000").json()["page_size"] == 200


def test_a_coordinator_of_another_network_cannot_run_or_commit_ours(people, network, org, ring):
    owe(org, ring["b"], 100), owe(ring["b"], org, 100)
    other = client_for(people["other_coordinator"])
    refused = post(other, f"/api/v1/networks/{network.slug}/clearing-runs", {"currency": "USD"})
    assert refused.status_code == 403 and "coordinators" in refused.json()["detail"]
    run = post(client_for(people["coordinator"]), f"/api/v1/networks/{network.slug}/clearing-runs",
               {"currency": "USD"}).json()  # fmt: skip
    assert post(other, f"/api/v1/clearing-runs/{run['id']}/commit", {}).status_code == 404
    assert post(client_for(people["admin"]), f"/api/v1/clearing-runs/{run['id']}/discard",
                {}).status_code == 403  # fmt: skip
    done = post(client_for(people["coordinator"]), f"/api/v1/clearing-runs/{run['id']}/discard", {})
    assert done.json()["status"] == "discarded"
