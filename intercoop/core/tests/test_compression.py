"""The API's answers are compressed for clients that accept gzip; pages are not (BREACH)."""

import gzip
import json

from django.test import Client


def test_the_api_answers_gzip_when_asked(db):
    response = Client().get("/api/v1/openapi.json", HTTP_ACCEPT_ENCODING="gzip, br")
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    assert json.loads(gzip.decompress(response.content))["info"]["title"]


def test_the_api_answers_plainly_when_not_asked(db):
    response = Client().get("/api/v1/openapi.json")
    assert not response.has_header("Content-Encoding")
    assert json.loads(response.content)["info"]["title"]


def test_pages_are_never_compressed(db):
    response = Client().get("/", HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert not response.has_header("Content-Encoding")
