"""Notifications: what kinds there are, how each person wants to hear of them, digests.

Apps register the kinds of event they notify of (`register_kind`, wired in `config`), the
profile page lists them, and `core.services.notify(kind=...)` puts each message in the
inbox and mails it at once, in a digest later (`digests_send`, run by the clock) or not at
all, as the recipient chose.
"""

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.utils import timezone, translation
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from intercoop.core.models import Delivery, Notification, Profile

StrOrPromise = str | Promise
KINDS: dict[str, StrOrPromise] = {}


def register_kind(key: str, label: StrOrPromise) -> None:
    KINDS[key] = label


def profile_for(user: Any) -> Profile:
    """The user's profile; when they have none yet, an unsaved one with the defaults (a
    read writes nothing: `profile_update` saves it when the person first saves theirs)."""
    profile: Profile | None = getattr(user, "_profile_cache", None)
    if profile is None:
        profile = Profile.objects.filter(user=user).first() or Profile(user=user)
        setattr(user, "_profile_cache", profile)  # noqa: B010 - a per-request cache
    return profile


def profiles_of(users: Iterable[Any]) -> dict[int, Profile]:
    """user id → profile, for those who have one (one query)."""
    return {p.user_id: p for p in Profile.objects.filter(user__in=[u.pk for u in users])}


def language_of(profile: Profile | None) -> str:
    return (profile.language if profile else "") or settings.LANGUAGE_CODE


def in_their_language(function: Any, *args: Any) -> Promise:
    """`function(*args)` computed when the message is rendered, in each recipient's
    language (e.g. money formatted by their locale): a parameter of `notify`."""
    return lazy(function, str)(*args)


def render(text: StrOrPromise, params: dict[str, Any] | None) -> str:
    """A message in the active language: lazy strings and parameters are rendered now."""
    if not params:
        return str(text)
    return str(text) % {key: str(value) for key, value in params.items()}


def display_name(user: Any) -> str:
    """The name shown for a person: their display name, else their username."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    profile = getattr(user, "_profile_cache", None)
    if profile is None:
        profile = Profile.objects.filter(user=user).first()
        if profile is not None:
            setattr(user, "_profile_cache", profile)  # noqa: B010 - a per-request cache
    return (profile.display_name if profile else "") or user.get_username()


def digests_send(*, period: str) -> int:
    """Mail each person one message listing their notifications waiting for the `period`
    digest (daily or weekly); returns how many e-mails went. Each person's notifications
    are claimed (marked mailed) before their mail is sent, so two runs at once never both
    send them; a mail that could not go is released for the next run."""
    from intercoop.core.services import mail_deliver

    if period not in (Delivery.DAILY, Delivery.WEEKLY):
        raise ValueError(f"no {period!r} digest")
    waiting = list(
        Notification.objects.filter(delivery=period, mailed_at__isnull=True)
        .select_related("user", "user__profile")
        .order_by("user_id", "created_at", "pk")
    )
    by_user: dict[int, list[Notification]] = defaultdict(list)
    for note in waiting:
        by_user[note.user_id].append(note)
    sent = 0
    now = timezone.now()
    for notes in by_user.values():
        ids = [note.pk for note in notes]
        claimed = Notification.objects.filter(pk__in=ids, mailed_at__isnull=True).update(
            mailed_at=now
        )
        if claimed < len(notes):  # another run took some: only the rest are this run's
            ours = set(
                Notification.objects.filter(pk__in=ids, mailed_at=now).values_list("pk", flat=True)
            )
            notes = [note for note in notes if note.pk in ours]
        user = notes[0].user if notes else None
        if user is None or not user.email or not user.is_active:
            continue
        profile = getattr(user, "profile", None)
        with translation.override(language_of(profile)):
            subject = (
                ngettext(
                    "Your daily digest: %(n)d notification",
                    "Your daily digest: %(n)d notifications",
                    len(notes),
                )
                if period == Delivery.DAILY
                else ngettext(
                    "Your weekly digest: %(n)d notification",
                    "Your weekly digest: %(n)d notifications",
                    len(notes),
                )
            ) % {"n": len(notes)}
            lines = [_("What happened since your last digest:"), ""]
            for note in notes:
                lines.append(f"- {note.subject}")
                if note.url:
                    lines.append(f"  {settings.SITE_URL}{note.url}")
            lines += ["", _("Choose how you hear from us on your profile page.")]
        went = mail_deliver(subject=subject, body="\n".join(lines), recipients=[user.email])
        if not went:  # released: the next run tries again
            Notification.objects.filter(pk__in=ids, mailed_at=now).update(mailed_at=None)
        sent += went
    return sent
