"""A network's coordinators act only on organisations that are its members now (applied
and admitted): they cannot take in one that never applied, and their rights end when it
leaves. The page and the API agree on whether a new organisation is approved."""

import pytest

from intercoop.conftest import client_for, make_org
from intercoop.core.audit import system_actor
from intercoop.core.models import AuditEvent
from intercoop.directory import services
from intercoop.directory.models import NetworkMembership, Organization

PRIVATE_EMAIL = b"hello@riverside.example"


@pytest.fixture
def stranger(people):
    """An organisation that never applied to the coordinator's network."""
    return make_org(name="Stranger Co-op", slug="stranger")


def _edits(client, organization) -> tuple[int, int, int]:
    page = client.get(f"/orgs/{organization.slug}/edit/").status_code
    posted = client.post(
        f"/orgs/{organization.slug}/edit/", {"name": "Taken", "status": "active"}
    ).status_code
    api = client.patch(
        f"/api/v1/organizations/{organization.slug}",
        {"name": "Taken"},
        content_type="application/json",
    ).status_code
    return page, posted, api


def test_a_coordinator_cannot_edit_or_see_the_private_fields_of_one_that_never_applied(
    people, network, stranger
):
    client = client_for(people["coordinator"])
    assert _edits(client, stranger) == (403, 403, 403)
    stranger.refresh_from_db()
    assert stranger.name == "Stranger Co-op"
    assert PRIVATE_EMAIL not in client.get("/orgs/stranger/").content
    assert client.get("/api/v1/organizations/stranger").json()["email"] == ""
    export = client.get("/api/v1/organizations/export?format=csv&q=stranger").content
    assert PRIVATE_EMAIL not in export


def test_a_coordinator_cannot_admit_an_organisation_that_did_not_apply(people, network, stranger):
    events = AuditEvent.objects.count()
    client = client_for(people["coordinator"])
    response = client.post(f"/networks/{network.slug}/members/stranger/admit/", follow=True)
    assert response.status_code == 200
    assert "This organisation has not applied to join the network" in response.content.decode()
    assert not NetworkMembership.objects.filter(organization=stranger).exists()
    assert AuditEvent.objects.count() == events
    assert _edits(client, stranger) == (403, 403, 403)


def test_a_coordinator_cannot_apply_on_an_organisations_behalf(people, network, stranger):
    client = client_for(people["coordinator"])
    response = client.post("/orgs/stranger/apply/", {"network": network.pk})
    assert response.status_code == 403
    assert not NetworkMembership.objects.filter(organization=stranger).exists()


def test_a_coordinators_rights_end_when_the_organisation_leaves(people, network, org):
    client = client_for(people["coordinator"])
    assert PRIVATE_EMAIL in client.get(f"/orgs/{org.slug}/").content
    assert client.get(f"/orgs/{org.slug}/edit/").status_code == 200
    services.network_member_leave(actor=people["admin"], network=network, organization=org)
    assert _edits(client, org) == (403, 403, 403)
    assert PRIVATE_EMAIL not in client.get(f"/orgs/{org.slug}/").content
    assert client.get(f"/api/v1/organizations/{org.slug}").json()["email"] == ""
    assert client.get(f"/orgs/{org.slug}/history/").status_code == 403
    # Having left, it must apply again before the coordinator can take it back.
    response = client.post(f"/networks/{network.slug}/members/{org.slug}/admit/", follow=True)
    assert "has not applied" in response.content.decode()
    assert NetworkMembership.objects.get(organization=org, network=network).status == "left"


def test_an_applicant_is_reviewed_but_not_edited_until_admitted(people, network, stranger):
    services.network_member_apply(actor=system_actor(), network=network, organization=stranger)
    client = client_for(people["coordinator"])
    assert _edits(client, stranger) == (403, 403, 403)
    client.post(f"/networks/{network.slug}/members/stranger/admit/")
    assert NetworkMembership.objects.get(organization=stranger).status == "member"
    assert _edits(client, stranger)[1] == 302


def test_approving_admits_only_to_the_reviewers_networks(people, network):
    elsewhere = network.__class__.objects.get(slug="elsewhere")
    pending = services.organization_create(
        actor=people["outsider"], values={"name": "Two Networks Co-op"}, apply_to=network
    )
    services.network_member_apply(actor=people["outsider"], network=elsewhere, organization=pending)
    services.organization_review(actor=people["coordinator"], organization=pending, approve=True)
    statuses = dict(pending.network_memberships.values_list("network__slug", "status"))
    assert statuses == {"valley": "member", "elsewhere": "applicant"}


@pytest.mark.parametrize(
    ("who", "approval", "becomes_admin"),
    [
        ("outsider", "pending", True),
        ("member", "pending", True),
        ("coordinator", "approved", False),
        ("staff", "approved", False),
    ],
)
def test_the_page_and_the_api_give_the_same_approval(people, who, approval, becomes_admin):
    client = client_for(people[who])
    client.post("/orgs/add/", {"name": "From The Page", "status": "active"})
    created = client.post(
        "/api/v1/organizations", {"name": "From The API"}, content_type="application/json"
    )
    assert created.status_code == 201
    assert created.json()["approval"] == approval
    page, api = (
        Organization.objects.get(name="From The Page"),
        Organization.objects.get(name="From The API"),
    )
    assert page.approval == api.approval == approval
    for organization in (page, api):
        admins = list(organization.roles.values_list("user__username", "role"))
        assert admins == ([(who, "admin")] if becomes_admin else [])


def test_a_coordinators_import_cannot_overwrite_an_organisation_outside_the_network(
    people, network, org, stranger
):
    import io

    from intercoop.core.errors import ImportFailed
    from intercoop.directory.importers import FORMATS
    from intercoop.directory.imports import organizations_import

    def run(text, **options):
        return organizations_import(
            records=FORMATS["plain"](io.StringIO(text)),
            format="plain",
            filename="x.csv",
            network=network,
            actor=people["coordinator"],
            **options,
        )

    text = f"slug,name\n{org.slug},Renamed Member\nstranger,Taken Over\nnew-one,New One\n"
    with pytest.raises(ImportFailed) as refused:
        run(text)
    assert [(e.line, e.field, e.reason) for e in refused.value.errors] == [
        (3, "slug", "matches an organisation you may not edit")
    ]
    assert not Organization.objects.filter(slug="new-one").exists()
    report = run(text, skip_bad_rows=True)
    assert (report.created, report.updated, len(report.skipped)) == (1, 1, 1)
    stranger.refresh_from_db()
    assert stranger.name == "Stranger Co-op"
    assert not NetworkMembership.objects.filter(organization=stranger).exists()
    assert Organization.objects.get(slug=org.slug).name == "Renamed Member"
    assert NetworkMembership.objects.get(organization__slug="new-one").status == "member"
