"""The imports page and API offer every app's formats, each by its own rule."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from intercoop.conftest import client_for
from intercoop.core.imports import IMPORTERS, importers_for
from intercoop.directory.models import Organization

pytestmark = pytest.mark.django_db


def test_every_format_is_registered():
    assert sorted(IMPORTERS) == [
        "economy",
        "exchange",
        "murmurations",
        "plain",
        "relationships",
        "sea",
    ]


def test_a_coordinator_imports_organisations_into_their_network(
    people, network, django_capture_on_commit_callbacks
):
    coordinator = people["coordinator"]
    assert {i.format for i in importers_for(coordinator)} >= {"plain", "relationships"}
    assert importers_for(people["outsider"]) == []
    client = client_for(coordinator)
    upload = SimpleUploadedFile("orgs.csv", b"name,locality\nHill Farm Co-op,Otley\n")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/imports", {"file": upload, "format": "plain", "network": network.slug}
        )
    assert response.status_code == 202, response.content
    status = client.get(f"/api/v1/imports/{response.json()['id']}").json()
    assert (status["status"], status["counts"]) == (
        "done",
        {"created": 1, "updated": 0, "unchanged": 0, "skipped": 0},
    )
    assert Organization.objects.filter(name="Hill Farm Co-op").exists()


def test_a_coordinator_may_not_import_into_another_network(people):
    client = client_for(people["other_coordinator"])
    upload = SimpleUploadedFile("orgs.csv", b"name\nHill Farm Co-op\n")
    response = client.post(
        "/api/v1/imports", {"file": upload, "format": "plain", "network": "valley"}
    )
    assert response.status_code == 403
    assert not Organization.objects.filter(name="Hill Farm Co-op").exists()
