"""What every app's API router shares: token auth, the one error shape and its handlers.

The NinjaAPI itself is built in `config.api`, which wires the apps' routers; this module
imports no app.
"""

from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig, TooManyFieldsSent
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Header, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import APIKeyHeader, django_auth

from intercoop.core.errors import DomainError
from intercoop.core.middleware import current_request_id
from intercoop.core.tokens import user_for_token
from intercoop.core.values import KEY_LENGTH


class TokenAuth(APIKeyHeader):
    """`Authorization: Token <key>` (a personal token made with `intercoop create-token`)."""

    param_name = "Authorization"
    openapi_description = "Authorization: Token <key>"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if hasattr(request, "token_user"):  # looked up once, by TokenAuthenticationMiddleware
            return request.token_user
        user = user_for_token(key)
        if user is not None:
            request.user = user
        return user


def idempotency_header() -> Any:
    """The optional Idempotency-Key header of a write that records money: a retried
    request with it returns the first answer, recording nothing new."""
    return Header(None, alias="Idempotency-Key", max_length=KEY_LENGTH,
                  description="your name for this request (at most 100 characters)")  # fmt: skip


class ErrorOut(Schema):
    """The one error shape: a message, the field at fault, every field's reason."""

    detail: str
    field: str | None = None
    errors: Any = None


WRITE_AUTH = [TokenAuth(), django_auth]
# Every operation may answer these, each with ErrorOut (added to the OpenAPI document).
ERROR_STATUSES = {
    "400": "The rules refuse the request",
    "401": "Sign in or send a token",
    "403": "Not allowed for this user",
    "404": "No such object",
    "413": "The request body is too large",
    "422": "A parameter or field has the wrong type or shape",
    "500": "Server error",
}


def error_body(detail: str, *, field: str | None = None, errors: Any = None) -> dict[str, Any]:
    body: dict[str, Any] = {"detail": detail}
    if field:
        body["field"] = field
    if errors:
        body["errors"] = errors
    return body


def _location(loc: Any) -> str:
    """A pydantic error location as the field a client sent: ('body', 'payload', 'amount')
    → 'amount'; query and path parameters by their name."""
    parts = [str(part) for part in loc]
    if parts and parts[0] in {"body", "query", "path", "form", "file", "header", "cookie"}:
        parts = parts[1:]
    if len(parts) > 1 and parts[0] in {"data", "payload", "body"}:
        parts = parts[1:]
    return ".".join(parts) or "body"


def install_error_handlers(api: NinjaAPI) -> None:
    """Render every error of `api` as ErrorOut with its status."""

    def respond(request: HttpRequest, status: int, **body: Any) -> HttpResponse:
        return api.create_response(request, error_body(**body), status=status)

    @api.exception_handler(DomainError)
    def domain_error(request: HttpRequest, error: DomainError) -> HttpResponse:
        errors = getattr(error, "errors", None)
        if errors is not None and not isinstance(errors, dict):
            errors = [str(e) for e in errors]
        return respond(request, 400, detail=error.message, field=error.field, errors=errors)

    @api.exception_handler(ValidationError)
    def invalid(request: HttpRequest, error: ValidationError) -> HttpResponse:
        reasons = {_location(e.get("loc", ())): str(e.get("msg", "")) for e in error.errors}
        field, reason = next(iter(reasons.items()), ("body", _("invalid input")))
        return respond(request, 422, detail=f"{field}: {reason}", field=field, errors=reasons)

    @api.exception_handler(PermissionDenied)
    def permission_denied(request: HttpRequest, error: PermissionDenied) -> HttpResponse:
        return respond(request, 403, detail=str(error) or _("Forbidden"))

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
        return respond(request, 401, detail=_("Sign in or send a token"))

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, error: Http404) -> HttpResponse:
        return respond(request, 404, detail=str(error) or _("Not found"))

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
        return respond(request, error.status_code, detail=str(error))

    @api.exception_handler(RequestDataTooBig)
    def too_big(request: HttpRequest, error: RequestDataTooBig) -> HttpResponse:
        return respond(request, 413, detail=_("The request body is too large"))

    @api.exception_handler(TooManyFieldsSent)
    def too_many(request: HttpRequest, error: TooManyFieldsSent) -> HttpResponse:
        return respond(request, 413, detail=_("The request has too many fields"))

    @api.exception_handler(Exception)
    def server_error(request: HttpRequest, error: Exception) -> HttpResponse:
        import logging

        logging.getLogger("intercoop.api").exception("API error %s", current_request_id())
        return respond(
            request,
            500,
            detail=_("Server error (request %(id)s)") % {"id": current_request_id()},
        )


def document_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the error responses (ErrorOut) to every operation of an OpenAPI document."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault("ErrorOut", ErrorOut.model_json_schema())
    reference = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            declared = operation.setdefault("responses", {})
            responses = {str(status): response for status, response in declared.items()}
            for status, description in ERROR_STATUSES.items():
                responses.setdefault(status, {"description": description, "content": reference})
            operation["responses"] = responses
    return schema
