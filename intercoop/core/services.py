import secrets
from typing import Any

from django.utils import timezone

from intercoop.core.models import ApiToken


def api_token_create(*, user: Any, name: str) -> tuple[ApiToken, str]:
    """A new token for `user`; returns it with its key, which is not stored."""
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, key_hash=ApiToken.hash_key(key), created_at=timezone.now()
    )
    return token, key
