import pytest

from intercoop.conftest import client_for
from intercoop.core.audit import system_actor
from intercoop.exchange.models import ExchangeItem

OFFER = {"kind": "offer", "category": "energy", "title": "Solar panels installation",
         "service_radius_km": 50, "coop_discount": 10, "tags": ["solar"]}  # fmt: skip


def post(user, body):
    return client_for(user).post("/api/v1/exchange/items", body, content_type="application/json")


def test_an_organisations_admin_posts_and_everyone_reads(people, org):
    response = post(people["admin"], OFFER | {"organization": org.slug})
    assert response.status_code == 201, response.content
    assert response.json()["coop_discount"] == 10
    listed = client_for(None).get("/api/v1/exchange/items?kind=offer&q=solar").json()
    assert [i["title"] for i in listed["results"]] == ["Solar panels installation"]
    assert client_for(None).get("/api/v1/exchange/items?kind=need").json()["count"] == 0


@pytest.mark.parametrize("who", ["anonymous", "outsider", "member", "coordinator"])
def test_others_may_not_post_for_the_organisation(people, org, who):
    response = post(people[who], OFFER | {"organization": org.slug})
    assert response.status_code == (401 if who == "anonymous" else 403)
    assert not ExchangeItem.objects.exists()


def test_bad_values_name_the_field(people, org):
    response = post(people["admin"], OFFER | {"organization": org.slug, "category": "jewels"})
    assert response.status_code == 400 and response.json()["field"] == "category"
    assert not ExchangeItem.objects.exists()


def test_matches_endpoint(people, org):
    from intercoop.conftest import make_org

    school = make_org(
        name="School", slug="school", is_cooperative=False, latitude=53.8, longitude=-1.55
    )
    post(people["admin"], OFFER | {"organization": org.slug})
    ExchangeItem.objects.create(organization=school, kind="need", category="energy",
                                title="Solar panels for our roof", created_at=org.created_at,
                                updated_at=org.created_at)  # fmt: skip
    rows = client_for(None).get("/api/v1/organizations/school/matches?kind=business").json()
    assert [r["organization"] for r in rows] == [org.slug]
    assert rows[0]["explanation"].startswith("same category (Energy)")
    assert client_for(None).get("/api/v1/organizations/nobody/matches").status_code == 404


def test_introductions_over_the_api(people, org):
    from django.utils import timezone

    from intercoop.conftest import make_org, make_user
    from intercoop.directory import services as directory_services
    from intercoop.exchange.models import Notice

    school = make_org(name="School", slug="school", is_cooperative=False, email="s@school.example")
    head = make_user("head")
    directory_services.organization_role_assign(
        actor=system_actor(), organization=school, user=head, role="admin"
    )
    api = client_for(head)
    body = {"requester": "school", "recipient": org.slug, "message": "Hello"}
    created = api.post("/api/v1/introductions", body, content_type="application/json")
    assert created.status_code == 201 and created.json()["contacts"] == {}
    pk = created.json()["id"]
    again = api.post("/api/v1/introductions", body, content_type="application/json")
    assert again.status_code == 400 and "already waiting" in again.json()["detail"]
    # for an organisation one does not speak for
    forged = api.post("/api/v1/introductions", body | {"requester": org.slug, "recipient": "school"},
                      content_type="application/json")  # fmt: skip
    assert forged.status_code == 403
    assert client_for(head).post(f"/api/v1/introductions/{pk}/accept").status_code == 403
    assert (
        client_for(people["outsider"]).post(f"/api/v1/introductions/{pk}/accept").status_code == 404
    )
    accepted = client_for(people["admin"]).post(f"/api/v1/introductions/{pk}/accept")
    assert accepted.status_code == 200
    assert accepted.json()["contacts"]["requester"]["email"] == "s@school.example"
    assert [i["status"] for i in api.get("/api/v1/introductions").json()["results"]] == ["accepted"]
    assert client_for(None).get("/api/v1/introductions").status_code == 401
    # notices and deals are public
    Notice.objects.create(network=org.network_memberships.get().network, organization=org,
                          kind="event", title="Open day", body="Come", created_at=timezone.now(),
                          expires_on=timezone.localdate())  # fmt: skip
    notices = client_for(None).get("/api/v1/networks/valley/notices?kind=event").json()
    assert [(n["title"], n["organization"]) for n in notices["results"]] == [("Open day", org.slug)]
    assert client_for(None).get("/api/v1/deals").json()["results"] == []
