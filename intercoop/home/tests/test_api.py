"""The home in the API: what needs the user, and their profile through the same service."""

import pytest

from intercoop.conftest import client_for, make_user
from intercoop.core.models import AuditEvent, Profile

pytestmark = pytest.mark.django_db


def test_dashboard_lists_the_tasks_with_their_pages(busy):
    response = client_for(busy.manager).get("/api/v1/me/dashboard")
    assert response.status_code == 200
    introductions = [t for t in response.json() if t["kind"] == "introductions"]
    assert introductions == [
        {"kind": "introductions", "label": "Introductions waiting for your answer",
         "count": 2, "url": "/introductions/"},
    ]  # fmt: skip


def test_profile_read_and_change():
    user = make_user("ivy", email="ivy@example.org")
    client = client_for(user)
    assert client.get("/api/v1/me/profile").json() == {
        "username": "ivy", "display_name": "", "email": "ivy@example.org", "language": "",
        "delivery": "immediately", "deliveries": {},
    }  # fmt: skip
    response = client.put(
        "/api/v1/me/profile",
        {"display_name": "Ivy", "email": "ivy@example.net", "language": "fr",
         "delivery": "weekly", "deliveries": {"bids": "off"},
         "current_password": "pw-for-tests-1"},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 200
    assert response.json() == {
        "username": "ivy", "display_name": "Ivy", "email": "ivy@example.net", "language": "fr",
        "delivery": "weekly", "deliveries": {"bids": "off"},
    }  # fmt: skip
    assert AuditEvent.objects.filter(action="profile.update").count() == 1


@pytest.mark.parametrize(
    ("change", "status"),
    [({"language": "de"}, 422), ({"email": "not-an-address"}, 400),
     ({"deliveries": {"unknown": "off"}}, 400), ({"delivery": "hourly"}, 422)],
)  # fmt: skip
def test_bad_profile_values_are_refused_and_change_nothing(change, status):
    user = make_user("jon")
    response = client_for(user).patch(
        "/api/v1/me/profile", {"display_name": "Jon"} | change, content_type="application/json"
    )
    assert response.status_code == status
    assert not Profile.objects.filter(user=user, display_name="Jon").exists()
    assert not AuditEvent.objects.filter(action="profile.update").exists()


def test_anonymous_callers_are_refused():
    assert client_for(None).get("/api/v1/me/profile").status_code == 401


def test_patch_changes_only_the_fields_given():
    user = make_user("max", email="max@example.org")
    client = client_for(user)
    client.patch("/api/v1/me/profile", {"display_name": "Max", "delivery": "daily"},
                 content_type="application/json")  # fmt: skip
    response = client.patch(
        "/api/v1/me/profile", {"language": "es"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json() == {
        "username": "max", "display_name": "Max", "email": "max@example.org", "language": "es",
        "delivery": "daily", "deliveries": {},
    }  # fmt: skip
    user.refresh_from_db()
    assert user.email == "max@example.org"


def test_put_replaces_the_whole_profile_and_needs_every_field():
    user = make_user("ned", email="ned@example.org")
    client = client_for(user)
    response = client.put("/api/v1/me/profile", {"language": "es"}, content_type="application/json")
    assert response.status_code == 422
    user.refresh_from_db()
    assert user.email == "ned@example.org"
    assert not Profile.objects.filter(user=user).exists()
    assert not AuditEvent.objects.filter(action="profile.update").exists()


@pytest.mark.parametrize("password", [None, "", "a-wrong-one"])
def test_a_new_e_mail_needs_the_current_password_and_is_refused_without(password):
    user = make_user("oli", email="oli@example.org")
    body = {"email": "thief@example.org", "display_name": "Oli"}
    if password is not None:
        body["current_password"] = password
    response = client_for(user).patch("/api/v1/me/profile", body, content_type="application/json")
    assert response.status_code == 400
    assert "current_password" in response.json()["detail"]
    user.refresh_from_db()
    assert user.email == "oli@example.org"
    assert not Profile.objects.filter(user=user).exists()
    assert not AuditEvent.objects.filter(action="profile.update").exists()
    response = client_for(user).patch(
        "/api/v1/me/profile", body | {"current_password": "pw-for-tests-1"},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 200
    assert response.json()["email"] == "thief@example.org"
