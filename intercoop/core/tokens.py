"""Personal API tokens: `Authorization: Token <key>` names a user on every API call."""

from typing import Any

from django.utils import timezone

from intercoop.core.models import ApiToken


def user_for_token(header: str | None) -> Any:
    """The active user whose token the header carries, or None."""
    if not header or not header.startswith("Token "):
        return None
    key = header.removeprefix("Token ").strip()
    if not key or len(key) > 200:
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=ApiToken.hash_key(key)).first()
    if token is None or not token.user.is_active:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user
