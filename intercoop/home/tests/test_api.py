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
         "delivery": "weekly", "deliveries": {"bids": "off"}},
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
    response = client_for(user).put(
        "/api/v1/me/profile", {"display_name": "Jon"} | change, content_type="application/json"
    )
    assert response.status_code == status
    assert not Profile.objects.filter(user=user, display_name="Jon").exists()
    assert not AuditEvent.objects.filter(action="profile.update").exists()


def test_anonymous_callers_are_refused():
    assert client_for(None).get("/api/v1/me/profile").status_code == 401
