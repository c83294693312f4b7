"""Request-wide plumbing: a request id for logs and audit events, API tokens on every API
call (reads too), and the security headers (Content Security Policy and friends)."""

import contextvars
import functools
import secrets
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.middleware.gzip import GZipMiddleware
from whitenoise.middleware import WhiteNoiseMiddleware

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")

Handler = Callable[[HttpRequest], HttpResponse]


def current_request_id() -> str:
    """The id of the request being served ('' outside a request: CLI, tasks)."""
    return _request_id.get()


class RequestIdMiddleware:
    """Take the client's `X-Request-ID` (if sane) or make one; echo it on the response."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get("X-Request-ID", "")
        request_id = given if given.isascii() and given.isalnum() and len(given) <= 64 else ""
        token = _request_id.set(request_id or secrets.token_hex(8))
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = _request_id.get()
            return response
        finally:
            _request_id.reset(token)


class TokenAuthenticationMiddleware:
    """A token holder is that user on every API call, public reads included."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        header = request.headers.get("Authorization", "")
        if header.startswith("Token ") and request.path.startswith("/api/"):
            from intercoop.core.tokens import user_for_token

            user = user_for_token(header)
            if user is not None:
                request.user = user
                request.token_user = user  # type: ignore[attr-defined]
                request._dont_enforce_csrf_checks = True  # type: ignore[attr-defined]
        return self.get_response(request)


@functools.cache
def _tile_origin(url: str) -> str:
    """The origin map tiles come from (a wildcard for the {s} subdomains), once per URL."""
    parts = urlsplit(url.replace("{s}", "a"))
    if not parts.scheme or not parts.netloc:
        return ""
    host = parts.netloc.replace("a.", "*.", 1) if "{s}" in url else parts.netloc
    return f"{parts.scheme}://{host}"


def content_security_policy(*, framed: bool) -> str:
    """Scripts only from our own origin (no inline script), images from the tile server."""
    images = " ".join(
        filter(None, ["'self'", "data:", "blob:", _tile_origin(settings.MAP_TILE_URL)])
    )
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self' 'unsafe-inline'",
            f"img-src {images}",
            "connect-src 'self'",
            "font-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            f"frame-ancestors {'*' if framed else chr(39) + 'none' + chr(39)}",
        ]
    )


# Pages that other sites may show in a frame (the embeddable map).
FRAMEABLE_PREFIXES = ("/embed/",)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        framed = request.path.startswith(FRAMEABLE_PREFIXES)
        response.setdefault("Content-Security-Policy", content_security_policy(framed=framed))
        response.setdefault("Referrer-Policy", "same-origin")
        response.setdefault("X-Content-Type-Options", "nosniff")
        response.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        return response


class ApiGZipMiddleware(GZipMiddleware):
    """Compresses the API's JSON (the graph page's data, the map's features) when the
    client accepts gzip. Pages are left alone: they carry CSRF tokens beside what the
    visitor typed, the ingredients of a BREACH attack; the API's answers carry no token."""

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if not request.path.startswith("/api/"):
            return response
        return super().process_response(request, response)


class StaticFilesMiddleware(WhiteNoiseMiddleware):
    """Whitenoise, with files under hashed names cached for a year (its default is ten;
    a year is the most HTTP caches are asked to keep anything, RFC 9111 §5.2.2.1)."""

    FOREVER = 365 * 24 * 60 * 60
