"""The trust flow (claim, confirm, dispute) through the API, and who may do each."""

import pytest

from intercoop.conftest import client_for, make_org, make_user
from intercoop.core.audit import system_actor
from intercoop.directory import services as directory
from intercoop.network.models import Relationship


@pytest.fixture
def pair(people, network, org):
    """`org` (admin: people["admin"]) and a bakery with its own admin, both in `network`."""
    bakery = make_org(name="Bakery")
    directory.network_member_join(actor=system_actor(), network=network, organization=bakery)
    baker = make_user("baker")
    directory.organization_role_assign(
        actor=system_actor(), organization=bakery, user=baker, role="admin"
    )
    return {"org": org, "bakery": bakery, "baker": baker}


def post(user, url, body):
    return client_for(user).post(url, body, content_type="application/json")


def claim(people, pair, **extra):
    body = {
        "source": pair["org"].slug,
        "target": pair["bakery"].slug,
        "kind": "supplies",
        "on_behalf_of": pair["org"].slug,
        "formality": "contract",
        "annual_value": 1200000,
        "currency": "gbp",
    } | extra
    return post(people["admin"], "/api/v1/relationships", body)


def test_claim_then_the_other_side_confirms(people, pair):
    response = claim(people, pair)
    assert response.status_code == 201, response.content
    tie = response.json()
    assert (tie["status"], tie["claimed_by"], tie["currency"], tie["annual_value"]) == (
        "claimed",
        pair["org"].slug,
        "GBP",
        1200000,
    )
    same_side = post(
        people["admin"], f"/api/v1/relationships/{tie['id']}/confirm", {"by": pair["org"].slug}
    )
    assert same_side.status_code == 400
    assert same_side.json()["detail"] == "The other side confirms a claimed tie"
    other = post(
        pair["baker"], f"/api/v1/relationships/{tie['id']}/confirm", {"by": pair["bakery"].slug}
    )
    assert other.status_code == 200 and other.json()["status"] == "confirmed"


def test_either_side_disputes_with_a_reason(people, pair):
    tie = claim(people, pair).json()
    url = f"/api/v1/relationships/{tie['id']}/dispute"
    assert post(pair["baker"], url, {"by": pair["bakery"].slug}).status_code == 400
    disputed = post(pair["baker"], url, {"by": pair["bakery"].slug, "reason": "Ended in 2024"})
    assert disputed.json()["status"] == "disputed"
    assert Relationship.objects.get().dispute_reason == "Ended in 2024"


@pytest.mark.parametrize(
    "who", ["anonymous", "outsider", "member", "coordinator", "other_coordinator"]
)
def test_only_an_organisations_admins_and_editors_claim_for_it(people, pair, who):
    response = post(
        people[who],
        "/api/v1/relationships",
        {
            "source": pair["org"].slug,
            "target": pair["bakery"].slug,
            "kind": "supplies",
            "on_behalf_of": pair["org"].slug,
        },
    )
    assert response.status_code == (401 if who == "anonymous" else 403)
    assert not Relationship.objects.exists()


@pytest.mark.parametrize("who", ["outsider", "member", "admin", "other_coordinator"])
def test_only_the_networks_coordinators_record_survey_ties(people, pair, network, who):
    response = post(
        people[who],
        "/api/v1/relationships",
        {
            "source": pair["org"].slug,
            "target": pair["bakery"].slug,
            "kind": "informal",
            "survey_network": network.slug,
        },
    )
    assert response.status_code == 403
    assert not Relationship.objects.exists()
    ok = post(
        people["coordinator"],
        "/api/v1/relationships",
        {
            "source": pair["org"].slug,
            "target": pair["bakery"].slug,
            "kind": "informal",
            "survey_network": network.slug,
        },
    )
    assert ok.status_code == 201 and ok.json()["status"] == "survey"


@pytest.mark.parametrize("who", ["outsider", "member", "coordinator"])
def test_a_third_party_cannot_confirm_or_dispute(people, pair, who):
    tie = claim(people, pair).json()
    for action in ("confirm", "dispute"):
        response = post(
            people[who],
            f"/api/v1/relationships/{tie['id']}/{action}",
            {"by": pair["bakery"].slug, "reason": "x"},
        )
        # the outsider does not even see this network-visible tie
        assert response.status_code == (404 if who == "outsider" else 403)
    assert Relationship.objects.get().status == "claimed"


@pytest.mark.parametrize(
    ("extra", "field", "status"),
    [
        ({"kind": "friendship"}, "kind", 400),
        ({"formality": "handshake"}, "formality", 400),
        ({"annual_value": -5}, "annual_value", 422),
        ({"currency": "POUNDS"}, "currency", 422),
        ({"currency": None}, "currency", 400),
        ({"started_on": "2024-05-01", "ended_on": "2023-01-01"}, "ended_on", 400),
        ({"target": "riverside-bakery-co-op"}, "target", 400),
    ],
)
def test_bad_ties_are_refused_naming_the_field(people, pair, extra, field, status):
    response = claim(people, pair, **extra)
    assert response.status_code == status, response.content
    assert response.json()["field"] == field
    assert not Relationship.objects.exists()


def test_visibility(people, pair):
    for visibility in ("public", "network", "parties"):
        claim(people, pair, visibility=visibility, notes=visibility)

    def seen(user):
        response = client_for(user).get("/api/v1/relationships")
        return sorted(t["notes"] for t in response.json()["results"])

    assert seen(None) == ["public"]
    assert seen(people["outsider"]) == ["public"]
    assert seen(people["coordinator"]) == ["network", "public"]
    assert seen(people["member"]) == ["network", "parties", "public"]
    assert seen(people["staff"]) == ["network", "parties", "public"]


def test_record_confirm_and_dispute_from_the_pages(people, pair):
    page = client_for(people["admin"]).post(
        f"/orgs/{pair['org'].slug}/relationships/",
        {
            "other": "Bakery",
            "direction": "in",
            "kind": "supplies",
            "formality": "contract",
            "annual_value": "1500.25",
            "currency": "eur",
            "visibility": "public",
        },
    )
    assert page.status_code == 302
    tie = Relationship.objects.get()
    assert (tie.source, tie.target, tie.annual_value, tie.currency, tie.claimed_by) == (
        pair["bakery"],
        pair["org"],
        150025,
        "EUR",
        pair["org"],
    )
    listing = client_for(pair["baker"]).get(f"/orgs/{pair['bakery'].slug}/relationships/")
    assert b"Confirm" in listing.content
    client_for(pair["baker"]).post(f"/relationships/{tie.pk}/confirm/", {"by": pair["bakery"].slug})
    tie.refresh_from_db()
    assert tie.status == "confirmed"
    client_for(people["admin"]).post(
        f"/relationships/{tie.pk}/dispute/", {"by": pair["org"].slug, "reason": "Ended"}
    )
    tie.refresh_from_db()
    assert (tie.status, tie.dispute_reason) == ("disputed", "Ended")


def test_the_form_names_an_unknown_organisation_and_outsiders_cannot_record(people, pair):
    page = client_for(people["admin"]).post(
        f"/orgs/{pair['org'].slug}/relationships/",
        {
            "other": "Nobody Co-op",
            "direction": "out",
            "kind": "supplies",
            "formality": "informal",
            "visibility": "public",
        },
    )
    assert page.context["form"].errors == {
        "other": ["no organisation has the slug, identifier or name 'Nobody Co-op'"]
    }
    denied = client_for(people["outsider"]).post(
        f"/orgs/{pair['org'].slug}/relationships/",
        {
            "other": "Bakery",
            "direction": "out",
            "kind": "supplies",
            "formality": "informal",
            "visibility": "public",
        },
    )
    assert denied.status_code == 403
    assert not Relationship.objects.exists()
    assert client_for(None).get(f"/orgs/{pair['org'].slug}/relationships/").status_code == 200


def test_the_claimant_withdraws_an_unconfirmed_claim(people, pair):
    tie = claim(people, pair).json()
    url = f"/api/v1/relationships/{tie['id']}/withdraw"
    assert client_for(pair["baker"]).post(url).status_code == 403  # the other side disputes
    assert client_for(people["admin"]).post(url).status_code == 204
    assert not Relationship.objects.exists()
    second = claim(people, pair).json()
    listing = client_for(people["admin"]).get(f"/orgs/{pair['org'].slug}/relationships/")
    assert b"Withdraw" in listing.content
    page = client_for(people["admin"]).post(
        f"/relationships/{second['id']}/withdraw/", {"by": pair["org"].slug}
    )
    assert page.status_code == 302 and not Relationship.objects.exists()
