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
