"""The machinery every app's access rules share; the rules themselves live in each app's
`permissions.py` (`directory.permissions` holds the roles every other app builds on).

A write's rule is checked by the service that makes the write (`require`), never by its
callers: pages, API, admin, CLI and tasks all raise the same `PermissionDenied`, which each
surface renders once (403 page, API 403 with `{detail}`, CLI message).
"""

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

AnyUser = User | AnonymousUser


class NotFoundReason(Http404):
    """A 404 whose message is written for the visitor (translated, naming no model or
    query): the 404 page shows it. Django's own Http404 messages are never shown."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def authenticated_user(request: HttpRequest) -> User:
    """The signed-in user acting on a request (views behind login_required or API auth)."""
    if not request.user.is_authenticated:
        raise PermissionDenied(_("Sign in first"))
    return request.user


def is_signed_in(user: AnyUser | None) -> bool:
    """Services may be called with no user at all (None): nobody may act then."""
    return user is not None and bool(user.is_authenticated)


def recorded_user(actor: AnyUser | None) -> User | None:
    """The actor as a user row a record points at (None for an anonymous actor)."""
    return actor if isinstance(actor, User) and actor.pk else None


def is_staff(user: AnyUser | None) -> bool:
    return bool(user is not None and user.is_authenticated and getattr(user, "is_staff", False))


def require(allowed: bool, message: str) -> None:
    """Refuse the action unless `allowed`: the one permission error every surface renders."""
    if not allowed:
        raise PermissionDenied(message)


def can_change_password(actor: AnyUser | None, user: User) -> bool:
    """A person's password, changed by that person (staff reset it in the admin)."""
    return is_signed_in(actor) and actor is not None and actor.pk == user.pk and user.is_active


def can_edit_profile(actor: AnyUser | None, user: User) -> bool:
    """A person's profile (name shown, e-mail, language, notifications): theirs, or staff."""
    return is_staff(actor) or (
        is_signed_in(actor) and actor is not None and actor.pk == user.pk and user.is_active
    )
