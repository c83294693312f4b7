import datetime as dt

import pytest

from intercoop.conftest import client_for, make_org
from intercoop.core.audit import system_actor
from intercoop.directory import services as directory
from intercoop.network import services


@pytest.fixture
def valley(db, network):
    system = system_actor()
    orgs = [make_org(name=name) for name in ("Mill", "Homes", "Farm", "Late")]
    for org in orgs[:3]:
        directory.network_member_join(
            actor=system_actor(), network=network, organization=org, joined_on=dt.date(2010, 1, 1)
        )
    directory.network_member_join(
        actor=system_actor(), network=network, organization=orgs[3], joined_on=dt.date(2022, 1, 1)
    )
    mill, homes, farm, late = orgs

    def tie(source, target, start, **extra):
        values = {
            "kind": "supplies",
            "formality": "contract",
            "started_on": start,
            "visibility": "public",
        } | extra
        return services.relationship_survey_record(
            actor=system, source=source, target=target, values=values, network=network
        )

    tie(mill, homes, dt.date(2015, 1, 1))
    tie(homes, farm, dt.date(2020, 1, 1), ended_on=dt.date(2021, 1, 1))
    tie(farm, late, dt.date(2022, 6, 1), visibility="network")
    claimed = services.relationship_claim(
        actor=system,
        source=mill,
        target=farm,
        values={"kind": "informal", "visibility": "public"},
        on_behalf_of=mill,
    )
    disputed = tie(late, mill, dt.date(2022, 6, 1))
    services.relationship_dispute(actor=system, relationship=disputed, by=mill, reason="no")
    assert claimed.status == "claimed"
    return network


def graph(client, as_of):
    response = client.get(f"/api/v1/networks/valley/graph?as_of={as_of}")
    assert response.status_code == 200
    data = response.json()
    return {n["name"] for n in data["nodes"]}, {(e["source"], e["target"]) for e in data["edges"]}


def test_the_graph_as_it_was_on_a_date(valley, people):
    client = client_for(people["coordinator"])
    assert graph(client, "2014-01-01") == ({"Mill", "Homes", "Farm"}, set())
    assert graph(client, "2020-06-01")[1] == {("mill", "homes"), ("homes", "farm")}
    # the homes–farm tie ended; Late joined; claimed and disputed ties never count
    nodes, edges = graph(client, "2023-01-01")
    assert nodes == {"Mill", "Homes", "Farm", "Late"}
    assert edges == {("mill", "homes"), ("farm", "late")}


def test_the_graph_shows_a_visitor_only_the_ties_they_may_see(valley):
    assert graph(client_for(None), "2023-01-01")[1] == {("mill", "homes")}


def test_nodes_carry_their_metrics(valley, people):
    data = (
        client_for(people["coordinator"])
        .get("/api/v1/networks/valley/graph?as_of=2020-06-01")
        .json()
    )
    homes = next(n for n in data["nodes"] if n["id"] == "homes")
    assert (homes["degree"], homes["in_degree"], homes["out_degree"]) == (2, 1, 1)
    assert homes["betweenness"] == 1.0 and homes["articulation_point"] is True
    assert data["figures"]["ties"] == 2 and data["figures"]["formal_share"] == 1.0
    assert data["first_date"] == "2015-01-01"


def test_graph_page_renders(valley):
    response = client_for(None).get("/networks/valley/graph/")
    assert response.status_code == 200
    assert b"cytoscape.min.js" in response.content
    assert client_for(None).get("/networks/nowhere/graph/").status_code == 404


def test_the_directory_around_one_organisation(valley, people):
    """The directory's graph counts confirmed ties only: the valley's survey ties count in
    the valley's graph, not here."""
    system = system_actor()
    faraway = make_org(name="Faraway")  # not in the network
    mill, homes = (type(faraway).objects.get(slug=slug) for slug in ("mill", "homes"))
    for source, target in [(mill, homes), (homes, faraway)]:
        claimed = services.relationship_claim(
            actor=system, source=source, target=target,
            values={"kind": "mentorship", "visibility": "public"}, on_behalf_of=source,
        )  # fmt: skip
        services.relationship_confirm(actor=system, relationship=claimed, by=target)
    client = client_for(people["coordinator"])
    one = client.get("/api/v1/organizations/mill/graph?depth=1&as_of=2030-01-01").json()
    assert {n["id"] for n in one["nodes"]} == {"mill", "homes"}
    assert {e["status"] for e in one["edges"]} == {"confirmed"}
    two = client.get("/api/v1/organizations/mill/graph?depth=2&as_of=2030-01-01").json()
    assert {n["id"] for n in two["nodes"]} == {"mill", "homes", "faraway"}
    assert client.get("/orgs/mill/graph/").status_code == 200
    assert client.get("/api/v1/organizations/nobody/graph").status_code == 404


@pytest.mark.parametrize("format", ["csv", "graphml", "gexf", "kumu"])
def test_ties_download_as_the_viewer_may_see_them(valley, people, format):
    url = f"/api/v1/relationships/export?format={format}&network=valley"
    mine = client_for(people["coordinator"]).get(url)
    theirs = client_for(None).get(url)
    assert mine.status_code == theirs.status_code == 200
    assert mine.content.count(b"late") > theirs.content.count(b"late")  # network-only tie hidden
