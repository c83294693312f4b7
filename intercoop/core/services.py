import secrets
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mass_mail
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from intercoop.core.audit import audit_record
from intercoop.core.bounds import check_text
from intercoop.core.errors import InvalidValues
from intercoop.core.models import ApiToken, Delivery, Notification, Profile
from intercoop.core.notifications import (
    KINDS,
    StrOrPromise,
    language_of,
    profiles_of,
    render,
)
from intercoop.core.permissions import can_change_password, can_edit_profile, is_staff, require


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
    subject: StrOrPromise,
    body: StrOrPromise = "",
    params: dict[str, Any] | None = None,
    link: tuple[str, list[Any]] | None = None,
    kind: str = "",
    urgent: bool = False,
) -> list[Notification]:
    """Put a message in each user's inbox and e-mail it as they chose for its `kind`: at
    once (by a background task queued once the transaction commits, so a rolled-back
    action sends nothing), in their daily or weekly digest, or not at all. `subject` and
    `body` are translatable (lazy) strings with `params`, rendered in each recipient's
    language. `urgent` mails at once even those who chose a digest (never those who chose
    no e-mail). `link` is the page it is about, as (URL name, args). Inactive users are
    left out: no inbox message, no e-mail."""
    url = reverse(link[0], args=link[1]) if link else ""
    now = timezone.now()
    # people whose account is closed hear of nothing
    unique = [user for user in {user.pk: user for user in users}.values() if user.is_active]
    profiles = profiles_of(unique)
    notes: list[Notification] = []
    mails: dict[tuple[str, str], list[str]] = {}
    for user in unique:
        profile = profiles.get(user.pk)
        delivery = profile.delivery_for(kind) if profile else Delivery.IMMEDIATELY
        if urgent and delivery in (Delivery.DAILY, Delivery.WEEKLY):
            delivery = Delivery.IMMEDIATELY
        with translation.override(language_of(profile)):
            title, text = render(subject, params)[:200], render(body, params)
        mailed = delivery == Delivery.IMMEDIATELY and bool(user.email)
        notes.append(
            Notification(
                user=user,
                kind=kind,
                subject=title,
                body=text,
                url=url,
                created_at=now,
                delivery=delivery,
                mailed_at=now if mailed else None,
            )
        )
        if mailed:
            message = text + (f"\n\n{settings.SITE_URL}{url}" if url else "")
            mails.setdefault((title, message), []).append(user.email)
    notes = Notification.objects.bulk_create(notes)
    if mails:
        from intercoop.core.tasks import mail_send

        def send() -> None:
            for (title, message), recipients in mails.items():
                mail_send.enqueue(title, message, recipients)

        transaction.on_commit(send)
    return notes


@transaction.atomic
def profile_update(
    *,
    actor: Any,
    user: Any,
    display_name: str,
    email: str,
    language: str,
    delivery: str,
    deliveries: dict[str, str],
    current_password: str = "",
) -> Profile:
    """Change a person's name shown, e-mail address, preferred language and how each kind
    of notification reaches them (by that person, or staff). A new e-mail address (where
    password resets go) needs the actor's `current_password`: a session left open does
    not let anyone take over the account."""
    require(can_edit_profile(actor, user), _("You may change only your own profile"))
    errors: dict[str, str] = {}
    display_name = check_text(display_name, field="display_name", max_length=100).strip()
    email = check_text(email, field="email", max_length=254).strip()
    if email != user.email and not current_password:
        errors["current_password"] = _("Enter your current password to change your e-mail.")
    elif email != user.email and not actor.check_password(current_password):
        errors["current_password"] = _("This is not your current password.")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = _("is not an e-mail address")
        else:
            others = get_user_model().objects.filter(email__iexact=email).exclude(pk=user.pk)
            if others.exists():
                errors["email"] = _("An account with this e-mail exists.")
    if language not in {"", *(code for code, _name in settings.LANGUAGES)}:
        errors["language"] = _("is not one of the site's languages")
    if delivery not in Delivery.values:
        errors["delivery"] = _("is not a choice")
    for kind, chosen in deliveries.items():
        if kind not in KINDS:
            errors[f"delivery_{kind}"[:60]] = _("is not a kind of notification")
        elif chosen not in Delivery.values:
            errors[f"delivery_{kind}"[:60]] = _("is not a choice")
    if errors:
        raise InvalidValues(errors)
    # made here when the person first saves it (reads never write one)
    profile = Profile.objects.select_for_update().filter(user=user).first() or Profile(user=user)
    profile.display_name, profile.language, profile.delivery = display_name, language, delivery
    # only the kinds chosen otherwise than the default are kept
    profile.deliveries = {k: v for k, v in sorted(deliveries.items()) if v != delivery}
    profile.save()
    if email != user.email:
        user.email = email
        user.save(update_fields=["email"])
    setattr(user, "_profile_cache", profile)  # noqa: B010 - profile_for's cache
    audit_record(
        actor=actor, action="profile.update", target=profile,
        summary=f"{user.get_username()}: {display_name or '-'}, {language or '-'}, {delivery}",
    )  # fmt: skip
    return profile


@transaction.atomic
def password_change(*, actor: Any, user: Any, old: str, new: str) -> None:
    """A person changes their own password, giving the current one; the new one must pass
    the site's password validators. (Staff reset others' passwords in the admin.)"""
    require(can_change_password(actor, user), _("You may change only your own password"))
    if not user.check_password(old):
        raise InvalidValues({"old_password": _("This is not your current password.")})
    try:
        validate_password(new, user=user)
    except ValidationError as error:
        raise InvalidValues({"new_password1": " ".join(error.messages)}) from None
    user.set_password(new)
    user.save(update_fields=["password"])
    audit_record(
        actor=actor, action="user.password_change", target=user,
        summary=f"{user.get_username()}: password changed",
    )  # fmt: skip


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
