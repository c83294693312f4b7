"""Sign-in throttling: after LOGIN_FAILURE_LIMIT wrong passwords for one account from one
client within LOGIN_FAILURE_WINDOW seconds, sign-in refuses that account from that client
(even with the right password) until the window has passed since the last of them.

Failures are rows in the database, so every server process and machine counts the same
ones (the cache is per process). Refused attempts are not recorded: the lock ends on time.
"""

import math
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import ngettext

from intercoop.core.models import LoginFailure


def _account(username: str) -> str:
    return username.strip().casefold()[:150]


def client_of(request: HttpRequest | None) -> str:
    """The client's address. Behind a reverse proxy, set CLIENT_ADDRESS_HEADER to the
    header the proxy writes the client's address into (e.g. X-Real-IP); otherwise every
    client would be the proxy, and one attacker could lock everyone out."""
    if request is None:
        return ""
    header = settings.CLIENT_ADDRESS_HEADER
    given = request.headers.get(header, "").split(",")[-1].strip() if header else ""
    return str(given or request.META.get("REMOTE_ADDR") or "")[:45]


def _window() -> timedelta:
    return timedelta(seconds=settings.LOGIN_FAILURE_WINDOW)


def locked_until(*, username: str, client: str, now: datetime | None = None) -> datetime | None:
    """When sign-in opens again for this account from this client; None if it is open."""
    now = now or timezone.now()
    window, limit = _window(), settings.LOGIN_FAILURE_LIMIT
    # A lock that still holds began within one window and counts failures of the window
    # before it: two windows of history decide.
    times = list(
        LoginFailure.objects.filter(
            username=_account(username), client=client, at__gt=now - 2 * window
        )
        .order_by("at")
        .values_list("at", flat=True)
    )
    ends = [
        times[last] + window
        for last in range(limit - 1, len(times))
        if times[last] - times[last - limit + 1] <= window
    ]
    return max(ends) if ends and max(ends) > now else None


def failure_record(*, username: str, client: str) -> None:
    now = timezone.now()
    LoginFailure.objects.create(username=_account(username), client=client, at=now)
    LoginFailure.objects.filter(at__lte=now - 2 * _window()).delete()  # nothing reads them


def failures_clear(*, username: str, client: str) -> None:
    LoginFailure.objects.filter(username=_account(username), client=client).delete()


def throttled_clean(
    form: AuthenticationForm, clean: Callable[[], dict[str, Any]]
) -> dict[str, Any]:
    """`clean` (authentication) unless the account is locked for this client; counts a
    wrong password, and forgets the failures once the right one is given."""
    username = form.cleaned_data.get("username") or ""
    password = form.cleaned_data.get("password") or ""
    client = client_of(form.request)
    if username and (until := locked_until(username=username, client=client)):
        minutes = math.ceil((until - timezone.now()).total_seconds() / 60)
        raise forms.ValidationError(
            ngettext(
                "Too many failed sign-ins for this account. Try again in %(minutes)d minute.",
                "Too many failed sign-ins for this account. Try again in %(minutes)d minutes.",
                minutes,
            ),
            code="throttled",
            params={"minutes": minutes},
        )
    try:
        cleaned = clean()
    except forms.ValidationError:
        if username and password and form.get_user() is None:
            failure_record(username=username, client=client)
        raise
    if username:
        failures_clear(username=username, client=client)
    return cleaned


class ThrottledAuthenticationForm(AuthenticationForm):
    def clean(self) -> dict[str, Any]:
        return throttled_clean(self, super().clean)


class ThrottledAdminAuthenticationForm(AdminAuthenticationForm):
    def clean(self) -> dict[str, Any]:
        return throttled_clean(self, super().clean)


class ThrottledLoginView(LoginView):
    authentication_form = ThrottledAuthenticationForm
