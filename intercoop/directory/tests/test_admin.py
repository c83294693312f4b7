from intercoop.conftest import client_for, make_user
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

    pending = services.organization_create(actor=None, values={"name": "P"}, approval="pending")
    client = client_for(make_user("boss", is_staff=True, is_superuser=True))
    client.post(
        "/admin/directory/organization/", {"action": "approve", "_selected_action": [pending.pk]}
    )
    pending.refresh_from_db()
    assert pending.approval == "approved"


def test_non_staff_cannot_enter_the_admin(people):
    response = client_for(people["coordinator"]).get("/admin/directory/organization/")
    assert response.status_code == 302
