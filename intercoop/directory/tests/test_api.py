import pytest

from intercoop.conftest import client_for, make_org, make_user
from intercoop.core.audit import system_actor
from intercoop.core.services import api_token_create
from intercoop.directory import services
from intercoop.directory.models import Organization, OrganizationRole


@pytest.fixture
def directory(db, network):
    orgs = {
        "bakery": make_org(
            name="Riverside Bakery",
            description="Sourdough and rye",
            tags=["bread"],
            latitude=53.80,
            longitude=-1.55,
        ),
        "homes": make_org(
            name="Canal Homes",
            organisational_structure="OS70",
            base_membership_type="BMT50",
            primary_activity="ICA210",
            locality="Bradford",
            latitude=53.79,
            longitude=-1.75,
        ),
        "farm": make_org(
            name="Dale Growers",
            organisational_structure="OS90",
            primary_activity="ICA10",
            other_activities=["ICA120"],
            country="FR",
            locality="Lyon",
            latitude=45.76,
            longitude=4.83,
        ),
        "church": make_org(
            name="St Mary's Church",
            is_cooperative=False,
            organisational_structure="OS20",
            latitude=None,
            longitude=None,
        ),
    }
    services.network_member_join(actor=system_actor(), network=network, organization=orgs["bakery"])
    services.network_member_join(actor=system_actor(), network=network, organization=orgs["church"])
    return orgs


def names(response):
    assert response.status_code == 200, response.content
    return [row["name"] for row in response.json()["results"]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["Canal Homes", "Dale Growers", "Riverside Bakery", "St Mary's Church"]),
        ("q=sourdough", ["Riverside Bakery"]),
        ("q=brad", ["Canal Homes"]),  # locality, by prefix
        ("q=bread", ["Riverside Bakery"]),  # tags
        ("q=riverside+rye", ["Riverside Bakery"]),
        ("q=nothing-like-this", []),
        ("structure=OS70", ["Canal Homes"]),
        ("structure=Housing+co-operative", ["Canal Homes"]),
        ("activity=ICA120", ["Dale Growers", "Riverside Bakery", "St Mary's Church"]),
        ("activity=ICA10", ["Dale Growers"]),
        ("membership_type=BMT50", ["Canal Homes"]),
        ("country=fr", ["Dale Growers"]),
        ("network=valley", ["Riverside Bakery", "St Mary's Church"]),
        ("is_cooperative=false", ["St Mary's Church"]),
        ("near=53.80,-1.55&radius_km=5", ["Riverside Bakery"]),
        ("near=53.80,-1.55&radius_km=20", ["Riverside Bakery", "Canal Homes"]),  # nearest first
        ("bbox=-2,53,0,54", ["Canal Homes", "Riverside Bakery"]),
        ("bbox=-2,53,0,54&q=canal", ["Canal Homes"]),
    ],
)
def test_list_filters(directory, query, expected):
    assert names(client_for(None).get(f"/api/v1/organizations?{query}")) == expected


def test_near_reports_distance(directory):
    response = client_for(None).get("/api/v1/organizations?near=53.80,-1.55&radius_km=20")
    distances = [row["distance_km"] for row in response.json()["results"]]
    assert distances[0] == pytest.approx(0, abs=0.01)
    assert distances[1] == pytest.approx(13.18, abs=0.01)  # 0.2° of longitude at 53.8°N


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("structure=OS999", "structure"),
        ("country=XX", "country"),
        ("near=53", "near"),
        ("near=100,0", "near"),
        ("near=1,1&radius_km=-1", "radius_km"),
        ("bbox=1,2,3", "bbox"),
        ("bbox=0,60,1,50", "bbox"),
    ],
)
def test_bad_filters_get_an_error_naming_the_parameter(directory, query, field):
    response = client_for(None).get(f"/api/v1/organizations?{query}")
    assert response.status_code == 400
    assert response.json()["field"] == field


def test_paging(directory):
    client = client_for(None)
    first = client.get("/api/v1/organizations?page_size=3").json()
    second = client.get("/api/v1/organizations?page_size=3&page=2").json()
    assert (first["count"], first["pages"], len(first["results"])) == (4, 2, 3)
    assert [r["name"] for r in second["results"]] == ["St Mary's Church"]


def test_detail_and_404(directory):
    client = client_for(None)
    response = client.get("/api/v1/organizations/canal-homes")
    assert response.status_code == 200
    assert response.json()["organisational_structure"] == "OS70"
    assert client.get("/api/v1/organizations/nobody").status_code == 404


def test_private_contacts_leave_the_server_only_for_those_who_may_see_them(directory):
    bakery = directory["bakery"]
    insider = make_user("insider")
    services.organization_role_assign(
        actor=system_actor(), organization=bakery, user=insider, role="member"
    )
    for user, visible in [(None, False), (make_user("stranger"), False), (insider, True)]:
        client = client_for(user)
        detail = client.get("/api/v1/organizations/riverside-bakery").json()
        listed = next(
            row for row in client.get("/api/v1/organizations?q=riverside").json()["results"]
        )
        export = client.get("/api/v1/organizations/export?format=csv&q=riverside").content
        for seen in (detail["email"], listed["email"]):
            assert seen == ("hello@riverside.example" if visible else "")
        assert (b"hello@riverside.example" in export) is visible
        assert detail["website"] == "https://riverside.example"  # public by default


@pytest.mark.parametrize("format", ["csv", "geojson", "jsonld", "murmurations"])
def test_export_endpoint_serves_every_format(directory, format):
    response = client_for(None).get(f"/api/v1/organizations/export?format={format}&country=FR")
    assert response.status_code == 200
    assert b"Dale Growers" in response.content and b"Canal Homes" not in response.content
    assert response["Content-Disposition"].startswith("attachment;")


def test_create_with_a_token_is_pending_and_makes_the_creator_admin(db):
    user = make_user("maker")
    _, key = api_token_create(actor=user, user=user, name="script")
    response = client_for(None).post(
        "/api/v1/organizations",
        {"name": "Tool Library Co-op", "organisational_structure": "OS80", "tags": ["tools"]},
        content_type="application/json",
        headers={"Authorization": f"Token {key}"},
    )
    assert response.status_code == 201, response.content
    created = Organization.objects.get(slug="tool-library-co-op")
    assert created.approval == "pending" and created.created_by == user
    assert OrganizationRole.objects.get(organization=created).user == user


def test_create_refuses_anonymous_bad_tokens_and_bad_values(db):
    client = client_for(None)
    body = {"name": "X"}
    assert (
        client.post("/api/v1/organizations", body, content_type="application/json").status_code
        == 401
    )
    assert (
        client.post(
            "/api/v1/organizations",
            body,
            content_type="application/json",
            headers={"Authorization": "Token wrong"},
        ).status_code
        == 401
    )
    user = make_user("maker")
    bad = client_for(user).post(
        "/api/v1/organizations", {"name": "Y", "country": "XX"}, content_type="application/json"
    )
    assert bad.status_code == 400
    assert bad.json()["field"] == "country"
    assert Organization.objects.count() == 0


def test_session_writes_need_the_csrf_token(db):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("maker"))
    response = client.post("/api/v1/organizations", {"name": "X"}, content_type="application/json")
    assert response.status_code == 403
    assert Organization.objects.count() == 0


def test_map_returns_points_when_few_and_clusters_when_many(directory, settings, monkeypatch):
    client = client_for(None)
    points = client.get("/api/v1/map?zoom=10&bbox=-3,53,0,54").json()
    assert (points["clustered"], points["total"]) == (False, 2)
    assert {f["properties"]["slug"] for f in points["features"]} == {
        "riverside-bakery",
        "canal-homes",
    }
    monkeypatch.setattr("intercoop.directory.selectors.MAP_MAX_POINTS", 1)
    clusters = client.get("/api/v1/map?zoom=3").json()
    assert clusters["clustered"] is True
    assert sorted(f["properties"]["count"] for f in clusters["features"]) == [1, 2]


def test_vocabularies_and_networks(directory):
    client = client_for(None)
    vocabularies = client.get("/api/v1/vocabularies", headers={"Accept-Language": "es"}).json()
    assert {
        "code": "OS70",
        "label": "Cooperativa de vivienda",
        "uri": "https://dev.lod.coop/essglobal/2.1/standard/organisational-structure/OS70",
    } in vocabularies["organisational_structure"]
    networks = client.get("/api/v1/networks").json()
    assert networks == {
        "count": 1,
        "count_exact": True,
        "page": 1,
        "pages": 1,
        "page_size": 50,
        "results": [
            {
                "slug": "valley",
                "name": "Valley Network",
                "kind": "other",
                "description": "",
                "member_count": 2,
            }
        ],
    }


def test_openapi_documents_the_directory(db):
    schema = client_for(None).get("/api/v1/openapi.json").json()
    assert "/api/v1/organizations" in schema["paths"]
    parameters = {p["name"] for p in schema["paths"]["/api/v1/organizations"]["get"]["parameters"]}
    assert {
        "q",
        "structure",
        "activity",
        "membership_type",
        "country",
        "network",
        "near",
        "radius_km",
        "bbox",
        "page",
        "page_size",
    } <= parameters


def test_the_cached_zoomed_out_grid_follows_every_change(directory, monkeypatch):
    monkeypatch.setattr("intercoop.directory.selectors.MAP_MAX_POINTS", 1)
    client = client_for(None)
    europe = "bbox=-10,35,20,60&zoom=3"
    before = client.get(f"/api/v1/map?{europe}").json()
    assert sorted(f["properties"]["count"] for f in before["features"]) == [1, 2]
    services.organization_update(
        actor=system_actor(),
        organization=directory["farm"],
        values={"latitude": 53.8, "longitude": -1.6},
    )
    after = client.get(f"/api/v1/map?{europe}").json()
    assert [f["properties"]["count"] for f in after["features"]] == [3]
    filtered = client.get(f"/api/v1/map?{europe}&structure=OS90").json()
    assert filtered["clustered"] is False and filtered["total"] == 1


def test_errors_speak_the_request_language(db):
    response = client_for(None).get(
        "/api/v1/organizations?country=XX", headers={"Accept-Language": "fr"}
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "'XX' n’est pas un code pays ISO 3166", "field": "country"}


def test_list_query_count_does_not_grow_with_rows(db, django_assert_max_num_queries):
    client = client_for(None)
    for n in range(30):
        make_org(name=f"Org {n}")
    with django_assert_max_num_queries(2):  # the count, then the page
        response = client.get("/api/v1/organizations?page_size=30")
    assert len(response.json()["results"]) == 30
