import json

from intercoop.conftest import client_for, make_user
from intercoop.core.models import AuditEvent
from intercoop.directory.models import Organization


def test_staff_adds_an_organisation_through_the_service(db):
    staff = make_user("boss", is_staff=True, is_superuser=True)
    client = client_for(staff)
    response = client.post(
        "/admin/directory/organization/add/",
        {
            "slug": "",
            "name": "Admin Co-op",
            "status": "active",
            "is_cooperative": "on",
            "website_public": "on",
            "other_activities": "ICA10 ICA20",
            "languages": '["en"]',
            "tags": '["a"]',
            "roles-TOTAL_FORMS": "0",
            "roles-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    created = Organization.objects.get(name="Admin Co-op")
    assert created.created_by == staff and created.search_text.startswith("Admin Co-op")
    assert created.other_activities == "ICA10 ICA20"


def test_the_admin_form_refuses_what_the_service_refuses(db):
    client = client_for(make_user("boss", is_staff=True, is_superuser=True))
    response = client.post(
        "/admin/directory/organization/add/",
        {
            "name": "Half located",
            "status": "active",
            "latitude": "50",
            "languages": "[]",
            "tags": "[]",
            "roles-TOTAL_FORMS": "0",
            "roles-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "latitude and longitude go together" in response.content.decode()
    assert not Organization.objects.exists()


def test_approve_action(people):
    from intercoop.directory import services

    pending = services.organization_create(actor=make_user("founder"), values={"name": "P"})
    client = client_for(make_user("boss", is_staff=True, is_superuser=True))
    client.post(
        "/admin/directory/organization/", {"action": "approve", "_selected_action": [pending.pk]}
    )
    pending.refresh_from_db()
    assert pending.approval == "approved"


def test_non_staff_cannot_enter_the_admin(people):
    response = client_for(people["coordinator"]).get("/admin/directory/organization/")
    assert response.status_code == 302


def _change_form(org, **extra):
    """The organisation's admin change form as posted back unchanged, plus `extra`."""
    from intercoop.directory.admin import EDITABLE

    data = {"slug": org.slug}
    for name in EDITABLE:
        value = getattr(org, name)
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, list):
            data[name] = json.dumps(value)
        elif value is not None:
            data[name] = str(value)
    roles = list(org.roles.order_by("pk"))
    data |= {"roles-TOTAL_FORMS": str(len(roles)), "roles-INITIAL_FORMS": str(len(roles))}
    for n, role in enumerate(roles):
        data |= {
            f"roles-{n}-id": str(role.pk),
            f"roles-{n}-organization": str(org.pk),
            f"roles-{n}-user": str(role.user_id),
            f"roles-{n}-role": role.role,
        }
    return data | extra


def _row_of(data, user):
    """The form prefix ("roles-1") of the inline row naming `user`."""
    return next(
        key.removesuffix("-user")
        for key, value in data.items()
        if key.endswith("-user") and value == str(user.pk)
    )


def test_the_inline_of_roles_goes_through_the_services(people, org):
    boss = make_user("boss", is_staff=True, is_superuser=True)
    client = client_for(boss)
    newcomer = make_user("newcomer")
    url = f"/admin/directory/organization/{org.pk}/change/"
    data = _change_form(org)
    n = int(data["roles-TOTAL_FORMS"])
    member_row = _row_of(data, people["member"])
    data |= {
        "roles-TOTAL_FORMS": str(n + 1),
        f"roles-{n}-organization": str(org.pk),
        f"roles-{n}-user": str(newcomer.pk),
        f"roles-{n}-role": "editor",
        f"{member_row}-DELETE": "on",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content[:3000]
    assert dict(org.roles.values_list("user__username", "role")) == {
        "admin": "admin",
        "newcomer": "editor",
    }
    events = AuditEvent.objects.filter(actor=boss).order_by("pk")
    assert [(e.action, e.summary) for e in events] == [
        ("organization.update", "changed —"),
        ("organization_role.assign", "newcomer is Editor of Riverside Bakery Co-op"),
        ("organization_role.remove", "member no longer has a role in Riverside Bakery Co-op"),
    ]


def test_removing_the_last_admin_in_the_admin_is_refused_with_a_message(people, org):
    client = client_for(make_user("boss", is_staff=True, is_superuser=True))
    data = _change_form(org)
    admin_row = _row_of(data, people["admin"])
    response = client.post(
        f"/admin/directory/organization/{org.pk}/change/",
        data | {f"{admin_row}-DELETE": "on"},
        follow=True,
    )
    assert "An organisation keeps at least one administrator" in response.content.decode()
    assert org.roles.filter(role="admin").count() == 1


def test_deleting_in_the_admin_goes_through_the_service(people, org):
    boss = make_user("boss", is_staff=True, is_superuser=True)
    client = client_for(boss)
    client.post(f"/admin/directory/organization/{org.pk}/delete/", {"post": "yes"})
    assert not Organization.objects.filter(pk=org.pk).exists()
    event = AuditEvent.objects.get(action="organization.delete")
    assert (event.actor, event.object_id) == (boss, str(org.pk))


def test_networks_change_through_the_services_and_memberships_are_read_only(people, network):
    from intercoop.directory.models import NetworkRole

    boss = make_user("boss", is_staff=True, is_superuser=True)
    client = client_for(boss)
    url = f"/admin/directory/network/{network.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="memberships-0-status"' not in page.content.decode()  # read-only
    role = NetworkRole.objects.get(network=network)
    response = client.post(
        url,
        {
            "name": "Valley Co-op Network",
            "kind": "federation",
            "description": "",
            "website": "",
            "roles-TOTAL_FORMS": "1",
            "roles-INITIAL_FORMS": "1",
            "roles-0-id": str(role.pk),
            "roles-0-network": str(network.pk),
            "roles-0-user": str(role.user_id),
            "roles-0-role": "coordinator",
            "roles-0-DELETE": "on",
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "1",
        },
    )
    assert response.status_code == 302, response.content[:3000]
    network.refresh_from_db()
    assert (network.name, network.kind, network.slug) == (
        "Valley Co-op Network",
        "federation",
        "valley",
    )
    assert not NetworkRole.objects.filter(network=network).exists()
    assert [e.action for e in AuditEvent.objects.filter(actor=boss).order_by("pk")] == [
        "network.update",
        "network_role.remove",
    ]
    assert client.get(f"/admin/directory/network/{network.pk}/delete/").status_code == 403
