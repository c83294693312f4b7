import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from intercoop.conftest import client_for, make_org, make_user
from intercoop.core.audit import system_actor
from intercoop.directory.models import NetworkMembership, Organization, OrganizationRole


@pytest.mark.parametrize(
    "url", ["/", "/map/", "/orgs/", "/orgs/?structure=OS60&q=bak", "/networks/", "/embed/map/"]
)
def test_public_pages_render(db, org, url):
    response = client_for(None).get(url)
    assert response.status_code == 200


def test_home_shows_counts(db, org, network):
    make_org(name="Chapel", is_cooperative=False)
    response = client_for(None).get("/")
    assert response.context["counts"] == {
        "organizations": 2,
        "cooperatives": 1,
        "countries": 1,
        "networks": 1,
    }


def test_list_page_query_count_does_not_grow_with_rows(db, network):
    client = client_for(None)
    make_org(name="First")
    with CaptureQueriesContext(connection) as few:
        client.get("/orgs/")
    for n in range(30):
        make_org(name=f"Org {n}")
    with CaptureQueriesContext(connection) as many:
        response = client.get("/orgs/")
    assert len(response.context["page"]) == 25
    assert len(many) == len(few)


def test_list_filters_and_htmx_partial(db, org):
    make_org(name="Canal Homes", organisational_structure="OS70")
    client = client_for(None)
    full = client.get("/orgs/?structure=OS70")
    assert b"Canal Homes" in full.content and b"Riverside Bakery" not in full.content
    partial = client.get("/orgs/?structure=OS70", headers={"HX-Request": "true"})
    assert b"<html" not in partial.content and b"Canal Homes" in partial.content
    bad = client.get("/orgs/?country=XX")
    assert b"country: &#x27;XX&#x27; is not an ISO 3166 country code" in bad.content


def test_detail_page_shows_networks_and_map(db, org, network):
    from intercoop.directory import services

    services.network_member_join(actor=system_actor(), network=network, organization=org)
    response = client_for(None).get(f"/orgs/{org.slug}/")
    assert b"Valley Network" in response.content
    assert b'id="detail-map"' in response.content


def test_embed_map_may_be_framed_and_other_pages_may_not(db):
    client = client_for(None)
    assert "X-Frame-Options" not in client.get("/embed/map/").headers
    assert client.get("/map/").headers["X-Frame-Options"] == "DENY"


def test_add_your_coop_is_pending_until_a_coordinator_approves(people, network):
    client = client_for(people["outsider"])
    response = client.post(
        "/orgs/add/",
        {
            "name": "Tool Library",
            "status": "active",
            "country": "GB",
            "network": network.pk,
            "tags": "tools; lending",
        },
    )
    assert response.status_code == 302
    created = Organization.objects.get(slug="tool-library")
    assert created.approval == "pending" and created.tags == ["tools", "lending"]
    assert OrganizationRole.objects.get(organization=created).user == people["outsider"]
    assert NetworkMembership.objects.get(organization=created).status == "applicant"
    assert client_for(None).get("/orgs/tool-library/").status_code == 404
    client_for(people["coordinator"]).post("/orgs/tool-library/review/", {"decision": "approve"})
    assert client_for(None).get("/orgs/tool-library/").status_code == 200


def test_add_your_coop_needs_an_account(db):
    response = client_for(None).get("/orgs/add/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_form_shows_the_service_error_on_its_field(people, org):
    client = client_for(people["admin"])
    response = client.post(
        f"/orgs/{org.slug}/edit/",
        {"name": "Riverside", "status": "active", "latitude": "50", "country": "GB"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"longitude": ["latitude and longitude go together"]}
    org.refresh_from_db()
    assert org.name == "Riverside Bakery Co-op"


def test_pages_switch_language(db, org):
    client = client_for(None)
    client.post("/i18n/setlang/", {"language": "es", "next": "/"})
    assert "Añade tu cooperativa".encode() in client.get("/").content
    assert b"Cooperativa de trabajo" in client.get(f"/orgs/{org.slug}/").content
    client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    assert "Ajoutez votre coopérative".encode() in client.get("/").content


def test_network_page_lists_members(db, org, network):
    from intercoop.directory import services

    services.network_member_join(actor=system_actor(), network=network, organization=org)
    coordinator = make_user("c")
    services.network_role_assign(
        actor=system_actor(), network=network, user=coordinator, role="coordinator"
    )
    response = client_for(coordinator).get(f"/networks/{network.slug}/")
    assert b"Riverside Bakery Co-op" in response.content
    assert response.context["can_manage"] is True
    assert client_for(None).get("/networks/nowhere/").status_code == 404


def test_an_organisation_applies_and_a_coordinator_admits_it(people, network):
    from intercoop.directory import services

    org = people["admin"].organization_roles.get().organization
    services.network_member_leave(actor=system_actor(), network=network, organization=org)
    page = client_for(people["admin"]).get(f"/orgs/{org.slug}/")
    assert list(page.context["open_networks"]) == list(
        type(network).objects.filter(slug__in=["elsewhere", "valley"]).order_by("name")
    )
    client_for(people["admin"]).post(f"/orgs/{org.slug}/apply/", {"network": network.pk})
    assert NetworkMembership.objects.get(network=network, organization=org).status == "applicant"
    queue = client_for(people["coordinator"]).get(f"/networks/{network.slug}/")
    assert [m.organization for m in queue.context["applicants"]] == [org]
    client_for(people["coordinator"]).post(f"/networks/{network.slug}/members/{org.slug}/admit/")
    assert NetworkMembership.objects.get(network=network, organization=org).status == "member"


@pytest.mark.parametrize("who", ["outsider", "member", "other_coordinator"])
def test_those_without_the_right_cannot_apply_admit_or_remove(people, network, org, who):
    client = client_for(people[who])
    assert client.post(f"/orgs/{org.slug}/apply/", {"network": network.pk}).status_code == 403
    for action in ("admit", "leave"):
        url = f"/networks/{network.slug}/members/{org.slug}/{action}/"
        assert client.post(url).status_code == 403
    assert NetworkMembership.objects.get(network=network, organization=org).status == "member"


def test_an_organisations_admin_may_take_it_out_of_a_network(people, network, org):
    response = client_for(people["admin"]).post(
        f"/networks/{network.slug}/members/{org.slug}/leave/", {"back": "organization"}
    )
    assert response["Location"] == f"/orgs/{org.slug}/"
    assert NetworkMembership.objects.get(network=network, organization=org).status == "left"
    bad_action = f"/networks/{network.slug}/members/{org.slug}/delete/"
    assert client_for(people["coordinator"]).post(bad_action).status_code == 404


def test_an_admin_gives_roles_and_keeps_the_last_admin(people, org):
    from intercoop.directory.models import OrganizationRole

    colleague = make_user("colleague", email="colleague@example.org")
    client = client_for(people["admin"])
    assert client.get(f"/orgs/{org.slug}/people/").status_code == 200
    client.post(f"/orgs/{org.slug}/people/", {"person": "COLLEAGUE@example.org", "role": "editor"})
    assert OrganizationRole.objects.get(organization=org, user=colleague).role == "editor"
    assert client_for(colleague).get(f"/orgs/{org.slug}/edit/").status_code == 200
    page = client.post(
        f"/orgs/{org.slug}/people/", {"person": "nobody", "role": "editor"}, follow=True
    )
    assert "Nobody with this username or e-mail has an account." in page.content.decode()
    refused = client.post(f"/orgs/{org.slug}/people/", {"remove": people["admin"].pk}, follow=True)
    assert "An organisation keeps at least one administrator" in refused.content.decode()
    assert OrganizationRole.objects.filter(organization=org, role="admin").count() == 1
    client.post(f"/orgs/{org.slug}/people/", {"remove": colleague.pk})
    assert not OrganizationRole.objects.filter(organization=org, user=colleague).exists()


@pytest.mark.parametrize("who", ["outsider", "member", "coordinator"])
def test_only_admins_and_staff_manage_people(people, org, who):
    client = client_for(people[who])
    assert client.get(f"/orgs/{org.slug}/people/").status_code == 403
    response = client.post(f"/orgs/{org.slug}/people/", {"person": who, "role": "admin"})
    assert response.status_code == 403
    assert org.roles.filter(role="admin").count() == 1
