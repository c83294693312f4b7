"""notify(): the inbox always, e-mail as each recipient chose for the kind, in their
language; digests gather the rest into one e-mail per person and period."""

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.utils.translation import gettext_lazy

from intercoop.core.models import Delivery, Notification, Profile
from intercoop.core.notifications import digests_send
from intercoop.core.services import notify

pytestmark = pytest.mark.django_db


def _user(name: str, **profile: Any) -> User:
    user = User.objects.create_user(username=name, email=f"{name}@example.org")
    if profile:
        Profile.objects.create(user=user, **profile)
    return user


def _notify(users: list[User], kind: str = "invoices", **extra: Any) -> list[Notification]:
    return notify(
        users=users,
        subject=gettext_lazy("%(name)s would like to meet you"),
        params={"name": "Riverside"},
        body=gettext_lazy("Answer from the page"),
        link=("inbox", []),
        kind=kind,
        **extra,
    )


def test_immediately_mails_now_in_the_recipients_language(
    mailoutbox, django_capture_on_commit_callbacks
):
    english, spanish = _user("ann"), _user("bea", language="es")
    with django_capture_on_commit_callbacks(execute=True):
        notes = _notify([english, spanish])
    assert [(n.user.username, n.delivery, n.mailed_at is not None) for n in notes] == [
        ("ann", "immediately", True),
        ("bea", "immediately", True),
    ]
    by_address = {m.to[0]: m for m in mailoutbox}
    assert sorted(by_address) == ["ann@example.org", "bea@example.org"]
    assert by_address["ann@example.org"].subject == "Riverside would like to meet you"
    assert by_address["bea@example.org"].subject == "Riverside quiere conoceros"
    assert Notification.objects.get(user=spanish).subject == "Riverside quiere conoceros"
    assert by_address["ann@example.org"].body == (
        "Answer from the page\n\nhttp://127.0.0.1:8000/accounts/inbox/"
    )


def test_daily_digest_holds_them_and_sends_one_mail(mailoutbox, django_capture_on_commit_callbacks):
    daily = _user("cat", delivery=Delivery.DAILY)
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            _notify([daily])
    assert mailoutbox == []
    assert Notification.objects.filter(user=daily, mailed_at__isnull=True).count() == 3
    assert digests_send(period="weekly") == 0
    assert digests_send(period="daily") == 1
    [mail] = mailoutbox
    assert mail.to == ["cat@example.org"]
    assert mail.subject == "Your daily digest: 3 notifications"
    assert mail.body.count("- Riverside would like to meet you") == 3
    assert Notification.objects.filter(user=daily, mailed_at__isnull=True).count() == 0
    assert digests_send(period="daily") == 0  # nothing twice
    assert len(mailoutbox) == 1


def test_per_kind_choice_overrides_the_default(mailoutbox, django_capture_on_commit_callbacks):
    user = _user("dan", delivery=Delivery.IMMEDIATELY, deliveries={"invoices": "weekly"})
    with django_capture_on_commit_callbacks(execute=True):
        invoice = _notify([user], kind="invoices")
        intro = _notify([user], kind="introductions")
    assert (invoice[0].delivery, intro[0].delivery) == ("weekly", "immediately")
    assert len(mailoutbox) == 1
    call_command("digests", "--period", "weekly")
    assert len(mailoutbox) == 2
    assert mailoutbox[1].subject == "Your weekly digest: 1 notification"


def test_off_means_inbox_only_even_when_urgent(mailoutbox, django_capture_on_commit_callbacks):
    off, weekly = _user("eve", delivery=Delivery.OFF), _user("fay", delivery=Delivery.WEEKLY)
    with django_capture_on_commit_callbacks(execute=True):
        notes = _notify([off, weekly], kind="notices", urgent=True)
    assert [(n.user.username, n.delivery) for n in notes] == [
        ("eve", "off"),
        ("fay", "immediately"),
    ]
    assert [m.to for m in mailoutbox] == [["fay@example.org"]]
    assert digests_send(period="weekly") == 0
    assert Notification.objects.filter(user=off).count() == 1


def test_a_rolled_back_action_mails_nothing(mailoutbox, django_capture_on_commit_callbacks):
    from django.db import transaction

    user = _user("gus")
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                _notify([user])
                raise RuntimeError
        except RuntimeError:
            pass
    assert mailoutbox == []
    assert Notification.objects.count() == 0


def test_closed_accounts_get_no_message_and_no_mail(mailoutbox, django_capture_on_commit_callbacks):
    active, closed = _user("hal"), _user("ida")
    closed.is_active = False
    closed.save()
    with django_capture_on_commit_callbacks(execute=True):
        notes = _notify([active, closed], urgent=True)
    assert [n.user.username for n in notes] == ["hal"]
    assert [m.to for m in mailoutbox] == [["hal@example.org"]]
    assert not Notification.objects.filter(user=closed).exists()


def test_two_digest_runs_at_once_send_each_notification_once(
    mailoutbox, django_capture_on_commit_callbacks, monkeypatch
):
    """A second run starting while the first is mailing (after it read what waits) finds
    the first person's notifications claimed, and takes the second person's: each person
    gets one mail, in all."""
    from intercoop.core import services

    first, second = _user("jay", delivery=Delivery.DAILY), _user("kim", delivery=Delivery.DAILY)
    with django_capture_on_commit_callbacks(execute=True):
        _notify([first, second])
        _notify([first])
    deliver = services.mail_deliver
    concurrent: list[int] = []

    def deliver_while_another_run_starts(**mail: Any) -> int:
        if not concurrent:
            monkeypatch.setattr(services, "mail_deliver", deliver)  # the other run's mail
            concurrent.append(digests_send(period="daily"))
        return deliver(**mail)

    monkeypatch.setattr(services, "mail_deliver", deliver_while_another_run_starts)
    assert digests_send(period="daily") == 1
    assert concurrent == [1]
    assert sorted((m.to[0], m.subject) for m in mailoutbox) == [
        ("jay@example.org", "Your daily digest: 2 notifications"),
        ("kim@example.org", "Your daily digest: 1 notification"),
    ]
    assert not Notification.objects.filter(mailed_at__isnull=True).exists()
    assert digests_send(period="daily") == 0


def test_a_digest_that_could_not_go_is_sent_by_the_next_run(mailoutbox, monkeypatch):
    from intercoop.core import services

    user = _user("lou", delivery=Delivery.WEEKLY)
    _notify([user])
    monkeypatch.setattr(services, "mail_deliver", lambda **mail: 0)
    assert digests_send(period="weekly") == 0
    assert Notification.objects.filter(user=user, mailed_at__isnull=True).count() == 1
    monkeypatch.undo()
    assert digests_send(period="weekly") == 1
    assert [m.to for m in mailoutbox] == [["lou@example.org"]]
