from typing import Any

from django.http import HttpRequest

from intercoop.directory import permissions


def roles(request: HttpRequest) -> dict[str, Any]:
    """What the header needs of the user's roles: whether to link the review queue."""
    user = getattr(request, "user", None)
    return {
        "can_review": bool(
            user and (permissions.is_staff(user) or permissions.is_coordinator(user))
        ),
    }
