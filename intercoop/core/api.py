"""The JSON API root: one NinjaAPI, session or token auth, one error shape."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import NinjaAPI, Schema
from ninja.security import APIKeyHeader, django_auth

from intercoop.core.errors import DomainError
from intercoop.core.models import ApiToken


class TokenAuth(APIKeyHeader):
    """`Authorization: Token <key>` (a personal token made with `intercoop create-token`)."""

    param_name = "Authorization"
    openapi_description = "Authorization: Token <key>"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if not key or not key.startswith("Token "):
            return None
        token = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=ApiToken.hash_key(key.removeprefix("Token ").strip()))
            .first()
        )
        if token is None or not token.user.is_active:
            return None
        request.user = token.user
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        return token.user


class ErrorOut(Schema):
    """The one error shape: a message, the field at fault, every field's reason."""

    detail: str
    field: str | None = None
    errors: Any = None


api = NinjaAPI(
    title="Intercoop API",
    version="1",
    description="The directory of co-operatives and their allies, as open data.",
    docs_url="/docs",
)
WRITE_AUTH = [TokenAuth(), django_auth]


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, error: DomainError) -> HttpResponse:
    body: dict[str, Any] = {"detail": error.message}
    if error.field:
        body["field"] = error.field
    if errors := getattr(error, "errors", None):
        body["errors"] = errors if isinstance(errors, dict) else [str(e) for e in errors]
    return api.create_response(request, body, status=400)


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, error: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": str(error) or "Forbidden"}, status=403)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, error: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": str(error) or "Not found"}, status=404)


api.add_router("/", "intercoop.directory.api.router")
api.add_router("/", "intercoop.network.api.router")
api.add_router("/", "intercoop.exchange.api.router")
api.add_router("/", "intercoop.purchasing.api.router")
api.add_router("/", "intercoop.clearing.api.router")
