"""The profile's choices carried by the browser: the preferred language (Django's
language cookie, which LocaleMiddleware reads) and the name shown in the header (kept in
the session, so no page asks the database for it)."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from intercoop.core.models import Profile
from intercoop.core.notifications import profile_for

DISPLAY_NAME_KEY = "display_name"
PENDING_LANGUAGE_KEY = "profile_language"


def remember_profile(
    request: HttpRequest, profile: Profile, *, response: HttpResponse | None = None
) -> None:
    """Keep the name shown in the session and apply the preferred language: on `response`
    now, or on the next response (see LanguageFromProfileMiddleware)."""
    request.session[DISPLAY_NAME_KEY] = profile.display_name
    if not profile.language:
        return
    if response is not None:
        _set_cookie(response, profile.language)
    else:
        request.session[PENDING_LANGUAGE_KEY] = profile.language


def _set_cookie(response: HttpResponse, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


def on_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """After sign-in, the pages speak the user's preferred language and greet them by the
    name they chose."""
    if request is not None and hasattr(request, "session"):
        remember_profile(request, profile_for(user))


class LanguageFromProfileMiddleware:
    """Sets the language cookie on the response to a sign-in (the redirect), so the next
    page is in the user's preferred language."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response: HttpResponse = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and PENDING_LANGUAGE_KEY in session:
            _set_cookie(response, session.pop(PENDING_LANGUAGE_KEY))
        return response


def display_name(request: HttpRequest) -> dict[str, Any]:
    """Context processor: `display_name`, the name the header shows for the user."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"display_name": ""}
    session = getattr(request, "session", None)
    chosen = session.get(DISPLAY_NAME_KEY, "") if session is not None else ""
    return {"display_name": chosen or user.get_username()}
