import secrets
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from intercoop.core.audit import audit_record
from intercoop.core.bounds import check_text
from intercoop.core.models import ApiToken, Notification
from intercoop.core.permissions import is_staff, require


@transaction.atomic
def api_token_create(*, actor: Any, user: Any, name: str) -> tuple[ApiToken, str]:
    """A new token for `user` (by that user, or by staff and the CLI's system actor);
    returns it with its key, which is not stored."""
    require(
        is_staff(actor) or (actor is not None and actor.pk == user.pk and user.is_active),
        _("You may make API tokens only for yourself"),
    )
    name = check_text(name, field="name", max_length=100)
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, key_hash=ApiToken.hash_key(key), created_at=timezone.now()
    )
    audit_record(actor=actor, action="token.create", target=token, summary=f"{user}: {name}")
    return token, key


def notify(
    *,
    users: Iterable[Any],
    subject: str,
    body: str,
    link: tuple[str, list[Any]] | None = None,
) -> list[Notification]:
    """Put a message in each user's inbox and e-mail it to those with an address, by a
    background task queued once the transaction commits (so a rolled-back action sends
    nothing). `link` is the page it is about, as (URL name, args)."""
    url = reverse(link[0], args=link[1]) if link else ""
    now = timezone.now()
    notes = Notification.objects.bulk_create(
        Notification(user=user, subject=subject, body=body, url=url, created_at=now)
        for user in {user.pk: user for user in users}.values()
    )
    recipients = [note.user.email for note in notes if note.user.email]
    text = body + (f"\n\n{settings.SITE_URL}{url}" if url else "")
    if recipients:
        from intercoop.core.tasks import mail_send

        transaction.on_commit(lambda: mail_send.enqueue(subject, text, recipients))
    return notes


def mail_deliver(*, subject: str, body: str, recipients: list[str]) -> int:
    """Send one message to each address (the mail task's body); returns how many went."""
    messages = [(subject, body, None, [address]) for address in recipients]
    return send_mass_mail(messages, fail_silently=True)


def notifications_mark_read(*, user: Any, ids: Iterable[int] | None = None) -> int:
    """Mark the user's unread messages (or only `ids`) as read; returns how many."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())
