from unittest import mock

from django.db.utils import OperationalError
from django.test import Client, override_settings


def test_healthz_answers_ok_when_the_database_answers(db):
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert (body["status"], body["database"]) == ("ok", "ok")
    assert body["version"] and body["time"]
    assert "no-cache" in response["Cache-Control"]
    assert "sessionid" not in response.cookies


def test_healthz_answers_503_when_the_database_does_not(db):
    with mock.patch(
        "django.db.backends.utils.CursorWrapper.execute",
        side_effect=OperationalError("connection refused"),
    ):
        response = Client().get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert (body["status"], body["database"]) == ("error", "error")


@override_settings(SECURE_SSL_REDIRECT=True)
def test_healthz_is_not_redirected_to_https(db):
    assert Client().get("/healthz").status_code == 200
    assert Client().get("/").status_code == 301  # every other page is


def test_healthz_only_reads(db):
    assert Client().post("/healthz").status_code == 405
