"""Long work as background tasks: queued once the asking transaction commits, run by a
worker, followed on a page and in the API."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from intercoop.conftest import client_for, make_user
from intercoop.core import background
from intercoop.core.background import task_run_submit
from intercoop.core.errors import DomainError
from intercoop.core.models import AuditEvent, TaskRun
from intercoop.core.services import notify

pytestmark = pytest.mark.django_db


def _job(*, actor, n):
    if n < 0:
        raise DomainError("n must not be negative")
    if n == 0:
        raise PermissionDenied("not for you")
    return f"counted to {n}", ("inbox", [])


@pytest.fixture(autouse=True)
def _count_job(monkeypatch):
    monkeypatch.setitem(background.JOBS, "test.count", _job)


def _submit(user, n):
    return task_run_submit(actor=user, name="test.count", label=f"Count to {n}", params={"n": n})


def test_a_task_runs_once_committed_and_its_page_opens_the_result(
    django_capture_on_commit_callbacks,
):
    alice = make_user("alice")
    with django_capture_on_commit_callbacks(execute=True):
        run = _submit(alice, 3)
        assert TaskRun.objects.get().status == "queued"
    run.refresh_from_db()
    assert (run.status, run.detail, run.link) == ("done", "counted to 3", ["inbox", []])
    assert AuditEvent.objects.get().action == "task.submit"
    client = client_for(alice)
    response = client.get(f"/tasks/{run.pk}/")
    assert (response.status_code, response["Location"]) == (302, "/accounts/inbox/")
    page = client.get(f"/tasks/{run.pk}/?stay=1").content.decode()
    assert "counted to 3" in page
    times = {"created_at": None, "started_at": None, "finished_at": None}
    assert client.get(f"/api/v1/tasks/{run.pk}").json() | times == {
        "id": run.pk, "name": "test.count", "label": "Count to 3", "status": "done",
        "detail": "counted to 3", "result_url": "/accounts/inbox/", **times,
    }  # fmt: skip


@pytest.mark.parametrize(("n", "detail"), [(-1, "n must not be negative"), (0, "not for you")])
def test_a_refused_task_fails_with_its_reason(n, detail, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run = _submit(make_user("alice"), n)
    run.refresh_from_db()
    assert (run.status, run.detail, run.link) == ("failed", detail, [])


def test_a_pending_task_updates_itself_and_others_cannot_see_it():
    run = _submit(make_user("alice"), 3)  # never committed: still queued
    page = client_for(run.actor).get(f"/tasks/{run.pk}/").content.decode()
    # confirm.js polls the region (a meta refresh would move screen readers' focus)
    assert '<div id="progress" aria-live="polite" data-poll>' in page
    assert 'http-equiv="refresh"' not in page
    assert client_for(make_user("bob")).get(f"/tasks/{run.pk}/").status_code == 404
    assert client_for(make_user("carol")).get(f"/api/v1/tasks/{run.pk}").status_code == 404


def test_mail_goes_by_a_task_after_the_commit(django_capture_on_commit_callbacks):
    alice = make_user("alice", email="alice@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        notify(users=[alice], subject="Hello", body="A message", link=("inbox", []))
        assert mail.outbox == []
    assert [(m.subject, m.to) for m in mail.outbox] == [("Hello", ["alice@example.org"])]
    assert mail.outbox[0].body == "A message\n\nhttp://127.0.0.1:8000/accounts/inbox/"
    assert alice.notifications.get().url == "/accounts/inbox/"
