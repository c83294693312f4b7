"""Every API error has the one documented shape, {detail, field?, errors?}, and appears in
the OpenAPI document; tokens name their user on reads as well as writes."""

import pytest
from django.test import Client

from intercoop.conftest import client_for, make_org, make_user
from intercoop.core.services import api_token_create
from intercoop.directory.models import OrganizationRole

pytestmark = pytest.mark.django_db


def test_a_wrong_type_is_a_422_naming_the_parameter():
    response = Client().get("/api/v1/organizations", {"page": "abc"})
    assert response.status_code == 422
    body = response.json()
    assert body["field"] == "page"
    assert body["detail"].startswith("page: ")
    assert set(body) == {"detail", "field", "errors"}


def test_an_unknown_api_path_is_a_json_404():
    response = Client().get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "Not found"}


def test_an_oversized_body_is_a_json_413(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client = client_for(make_user("alice"))
    response = client.post(
        "/api/v1/organizations",
        data='{"name": "' + "x" * 5000 + '"}',
        content_type="application/json",
    )
    assert response.status_code == 413
    assert response.json()["detail"]


def test_a_server_error_is_json_with_the_request_id(monkeypatch):
    from intercoop.directory import api as directory_api

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(directory_api, "organization_search", broken)
    client = Client(raise_request_exception=False)
    response = client.get("/api/v1/organizations", HTTP_X_REQUEST_ID="abc123")
    assert response.status_code == 500
    assert response.json() == {"detail": "Server error (request abc123)"}
    assert response["X-Request-ID"] == "abc123"


def test_every_operation_documents_the_error_shape():
    schema = Client().get("/api/v1/openapi.json").json()
    assert "ErrorOut" in schema["components"]["schemas"]
    operations = [op for ops in schema["paths"].values() for op in ops.values()]
    assert len(operations) > 30
    for operation in operations:
        for status in ("400", "403", "404", "422", "500"):
            assert status in operation["responses"], (operation["operationId"], status)


def test_a_token_names_its_user_on_public_reads():
    org = make_org()  # its e-mail is private
    alice = make_user("alice")
    OrganizationRole.objects.create(organization=org, user=alice, role="admin")
    _token, key = api_token_create(actor=alice, user=alice, name="script")
    url = f"/api/v1/organizations/{org.slug}"
    assert not Client().get(url).json()["email"]
    with_token = Client().get(url, HTTP_AUTHORIZATION=f"Token {key}")
    assert with_token.json()["email"] == "hello@riverside.example"
    forged = Client().get(url, HTTP_AUTHORIZATION="Token not-a-key")
    assert not forged.json()["email"]
