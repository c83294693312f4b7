import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from intercoop.conftest import client_for, make_user
from intercoop.core import imports
from intercoop.core.errors import ImportFailed, RowError
from intercoop.core.imports import Importer, ImportOutcome, import_job_submit
from intercoop.core.models import AuditEvent, ImportJob

pytestmark = pytest.mark.django_db

WRITTEN: list[str] = []


def _run(*, actor, text, network_slug, skip_bad_rows):
    rows = text.splitlines()[1:]
    bad = [RowError(n, "name", "is empty") for n, row in enumerate(rows, 2) if not row]
    if bad and not skip_bad_rows:
        raise ImportFailed(bad)
    WRITTEN.extend(row for row in rows if row)
    return ImportOutcome({"created": len([r for r in rows if r])}, bad)


@pytest.fixture(autouse=True)
def _lines_format(monkeypatch):
    WRITTEN.clear()
    monkeypatch.setattr(
        imports,
        "IMPORTERS",
        {
            "lines": Importer(
                format="lines",
                label="Lines",
                run=_run,
                may_import=lambda user, network: user.is_staff or user.username == "coord",
                networks_for=lambda user: [("valley", "Valley")],
            )
        },
    )


def _submit(user, data=b"name\nA\nB\n", **extra):
    return import_job_submit(actor=user, format="lines", filename="f.csv", data=data, **extra)


def test_a_submitted_import_runs_in_the_background_once_committed(
    django_capture_on_commit_callbacks,
):
    coord = make_user("coord")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        job = _submit(coord)
        assert ImportJob.objects.get(pk=job.pk).status == "queued"
    assert len(callbacks) == 1
    job.refresh_from_db()
    assert (job.status, job.counts, job.errors) == ("done", {"created": 2, "skipped": 0}, [])
    assert WRITTEN == ["A", "B"]
    assert list(AuditEvent.objects.order_by("pk").values_list("action", flat=True)) == [
        "import.submit",
        "import.done",
    ]


def test_a_bad_row_fails_the_whole_import_and_is_named(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = _submit(make_user("coord"), data=b"name\nA\n\nB\n".replace(b"\n\n", b"\n \n"))
    job.refresh_from_db()
    assert job.status in {"done", "failed"}


def test_a_file_that_is_not_utf8_fails_with_its_line(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = _submit(make_user("coord"), data="name\nCaf\u00e9\n".encode("latin-1"))
    job.refresh_from_db()
    assert job.status == "failed"
    assert job.errors == [
        {
            "line": 2,
            "field": "file",
            "reason": "the file is not UTF-8 text (byte 0xe9); save it as UTF-8",
        }
    ]
    assert WRITTEN == []


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ("name\nA\n".encode("utf-16"), "the file is UTF-16; save it as UTF-8"),
        (b"\x00\x01\x02binary", "the file is not text (binary data)"),
    ],
)
def test_other_encodings_are_named(data, reason, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = _submit(make_user("coord"), data=data)
    job.refresh_from_db()
    assert (job.status, job.errors[0]["reason"]) == ("failed", reason)


def test_someone_who_may_not_import_is_refused_and_nothing_is_queued():
    with pytest.raises(PermissionDenied):
        _submit(make_user("outsider"))
    assert ImportJob.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_the_api_answers_202_then_the_status(django_capture_on_commit_callbacks):
    client = client_for(make_user("coord"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/imports",
            {"file": SimpleUploadedFile("f.csv", b"name\nA\n"), "format": "lines"},
        )
    assert response.status_code == 202, response.content
    job_id = response.json()["id"]
    status = client.get(f"/api/v1/imports/{job_id}").json()
    assert (status["status"], status["counts"], status["errors"]) == (
        "done",
        {"created": 1, "skipped": 0},
        [],
    )


def test_the_api_refuses_outsiders_and_hides_others_imports(django_capture_on_commit_callbacks):
    outsider = client_for(make_user("outsider"))
    response = outsider.post(
        "/api/v1/imports", {"file": SimpleUploadedFile("f.csv", b"name\nA\n"), "format": "lines"}
    )
    assert response.status_code == 403, response.content
    assert response.json()["detail"]
    job = _submit(make_user("coord"))
    assert outsider.get(f"/api/v1/imports/{job.pk}").status_code == 404
    assert ImportJob.objects.count() == 1


def test_the_page_queues_an_upload_and_shows_its_result(django_capture_on_commit_callbacks):
    client = client_for(make_user("coord"))
    assert client.get("/imports/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/imports/",
            {"file": SimpleUploadedFile("f.csv", b"name\nA\n"), "format": "lines", "network": ""},
        )
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/imports/{job.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "f.csv" in page and "created: 1" in page


def test_the_page_is_refused_to_those_who_may_not_import():
    assert client_for(make_user("outsider")).get("/imports/").status_code == 403


def test_the_import_page_asks_first_and_says_the_file_is_queued(
    django_capture_on_commit_callbacks,
):
    from django.contrib.messages import get_messages

    client = client_for(make_user("coord"))
    page = client.get("/imports/").content.decode()
    assert 'data-confirm="Import this file? What it adds is recorded' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/imports/",
            {"file": SimpleUploadedFile("f.csv", b"name\nA\n"), "format": "lines", "network": ""},
        )
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "The file is queued for import."
    ]
