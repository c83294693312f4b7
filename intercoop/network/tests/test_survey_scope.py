"""A coordinator's survey ties count in the network that recorded them, and nowhere
else: not in another network's graph, metrics or assessment, nor in the directory's
graph. And a coordinator records them only between organisations that are members of
the network now."""

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied

from intercoop.conftest import client_for, make_org
from intercoop.core.audit import system_actor
from intercoop.core.errors import ImportFailed, RowError
from intercoop.directory import services as directory
from intercoop.directory.models import Network
from intercoop.network import imports, services
from intercoop.network.models import Relationship
from intercoop.network.tests.conftest import counts

TODAY = dt.date.today()


@pytest.fixture
def both(people, sides):
    """`org` and the bakery are members of the valley and of `elsewhere` (whose
    coordinator is people["other_coordinator"]); the valley's coordinator surveys a
    contract between them."""
    elsewhere = Network.objects.get(slug="elsewhere")
    for organization in (sides["org"], sides["bakery"]):
        directory.network_member_join(
            actor=system_actor(), network=elsewhere, organization=organization
        )
    tie = services.relationship_survey_record(
        actor=people["coordinator"], network=sides["network"], source=sides["org"],
        target=sides["bakery"], values={"kind": "supplies", "formality": "contract",
                                        "visibility": "public"},
    )  # fmt: skip
    return sides | {"elsewhere": elsewhere, "tie": tie}


def edges(user, url):
    response = client_for(user).get(url)
    assert response.status_code == 200
    return [(e["source"], e["target"], e["status"]) for e in response.json()["edges"]]


def test_graphs_count_a_survey_tie_only_in_its_network(people, both):
    org, bakery = both["org"].slug, both["bakery"].slug
    staff = people["staff"]
    assert edges(staff, "/api/v1/networks/valley/graph") == [(org, bakery, "survey")]
    assert edges(staff, "/api/v1/networks/elsewhere/graph") == []
    assert edges(staff, f"/api/v1/organizations/{org}/graph") == []


def test_metrics_and_assessments_count_it_only_in_its_network(people, both):
    staff = people["staff"]
    valley, elsewhere = both["network"], both["elsewhere"]
    figures = {
        name: services.metrics_snapshot(actor=staff, network=net, as_of=TODAY).figures["ties"]
        for name, net in [("valley", valley), ("elsewhere", elsewhere), ("directory", None)]
    }
    assert figures == {"valley": 1, "elsewhere": 0, "directory": 0}
    assessed = {
        net.slug: services.assessment_create(
            actor=staff, network=net, as_of=TODAY, ratings={}, outcomes={}
        ).indicators["institutionalisation"]["ties"]
        for net in (valley, elsewhere)
    }
    assert assessed == {"valley": 1, "elsewhere": 0}


def test_lists_and_exports_of_another_network_leave_it_out(people, both):
    client = client_for(people["staff"])

    def listed(slug):
        return [
            t["id"] for t in client.get(f"/api/v1/relationships?network={slug}").json()["results"]
        ]

    assert listed("valley") == [both["tie"].pk]
    assert listed("elsewhere") == []
    csv = client.get("/api/v1/relationships/export?format=csv&network=elsewhere").content
    assert csv.decode().splitlines()[1:] == []


def test_a_confirmed_tie_counts_everywhere(people, both):
    claimed = services.relationship_claim(
        actor=people["admin"], source=both["bakery"], target=both["org"],
        values={"kind": "mentorship", "visibility": "public"}, on_behalf_of=both["org"],
    )  # fmt: skip
    services.relationship_confirm(actor=both["baker"], relationship=claimed, by=both["bakery"])
    org, bakery = both["org"].slug, both["bakery"].slug
    staff = people["staff"]
    assert edges(staff, "/api/v1/networks/elsewhere/graph") == [(bakery, org, "confirmed")]
    assert edges(staff, f"/api/v1/organizations/{org}/graph") == [(bakery, org, "confirmed")]


def test_a_disputed_survey_tie_confirmed_again_is_a_survey_tie_again(people, both):
    tie = both["tie"]
    services.relationship_dispute(
        actor=people["admin"], relationship=tie, by=both["org"], reason="Not any more"
    )
    assert edges(people["staff"], "/api/v1/networks/valley/graph") == []
    services.relationship_confirm(actor=people["admin"], relationship=tie, by=both["org"])
    tie.refresh_from_db()
    assert (tie.status, tie.network, tie.dispute_reason) == ("survey", both["network"], "")


@pytest.mark.parametrize("state", ["not_member", "applicant", "left"])
def test_coordinators_survey_only_members_of_now(people, sides, state):
    other = make_org(name="Other Co-op")
    system = system_actor()
    if state in {"applicant", "left"}:
        directory.network_member_apply(actor=system, network=sides["network"], organization=other)
    if state == "left":
        directory.network_member_admit(actor=system, network=sides["network"], organization=other)
        directory.network_member_leave(actor=system, network=sides["network"], organization=other)
    before = counts()
    with pytest.raises(PermissionDenied):
        services.relationship_survey_record(
            actor=people["coordinator"], network=sides["network"], source=sides["org"],
            target=other, values={"kind": "informal"},
        )  # fmt: skip
    response = client_for(people["coordinator"]).post(
        "/api/v1/relationships",
        {"source": other.slug, "target": sides["org"].slug, "kind": "informal",
         "survey_network": "valley"},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 403
    assert response.json()["detail"] == (
        "Only the network's coordinators record survey ties, and only between "
        "organisations that are members of the network now"
    )
    with pytest.raises(ImportFailed) as failure:
        imports.relationships_import(
            actor=people["coordinator"],
            stream=io.StringIO(
                f"From,To,Type\n{sides['org'].slug},{sides['bakery'].slug},informal\n"
                f"{sides['org'].slug},{other.slug},informal\n"
            ),
            network=sides["network"],
        )
    assert failure.value.errors == [
        RowError(3, "From", "both organisations must be members of the network now")
    ]
    assert counts() == before
    # staff record survey ties between any two organisations
    services.relationship_survey_record(
        actor=people["staff"], network=sides["network"], source=sides["org"], target=other,
        values={"kind": "informal"},
    )  # fmt: skip
    assert Relationship.objects.count() == 1


def test_a_coordinator_imports_no_survey_for_the_whole_directory(people, sides):
    with pytest.raises(PermissionDenied):
        imports.relationships_import(
            actor=people["coordinator"],
            stream=io.StringIO(f"From,To,Type\n{sides['org'].slug},{sides['bakery'].slug},x\n"),
            network=None,
        )
