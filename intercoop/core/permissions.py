"""The machinery every app's access rules share; the rules themselves live in each app's
`permissions.py` (`directory.permissions` holds the roles every other app builds on).

A write's rule is checked by the service that makes the write (`require`), never by its
callers: pages, API, admin, CLI and tasks all raise the same `PermissionDenied`, which each
surface renders once (403 page, API 403 with `{detail}`, CLI message).
"""

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _

AnyUser = User | AnonymousUser


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


def can_edit_profile(actor: AnyUser | None, user: User) -> bool:
    """A person's profile (name shown, e-mail, language, notifications): theirs, or staff."""
    return is_staff(actor) or (
        is_signed_in(actor) and actor is not None and actor.pk == user.pk and user.is_active
    )
