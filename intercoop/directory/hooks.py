"""Where other apps take part in the directory's membership decisions, wired by the
composition root (the directory imports no other app): governance, when a network admits
new members by a poll of its members, refuses a coordinator's admission by hand and puts
each new application to a vote.

- An admission guard `(actor, network) -> str` returns why `actor` may not admit by hand
  ("" when they may).
- An application listener `(membership) -> None` is called, in the application's
  transaction, when an organisation applies.
"""

from collections.abc import Callable
from typing import Any

AdmissionGuard = Callable[[Any, Any], str]
ApplicationListener = Callable[[Any], None]
ADMISSION_GUARDS: list[AdmissionGuard] = []
APPLICATION_LISTENERS: list[ApplicationListener] = []


def register_admission_guard(guard: AdmissionGuard) -> None:
    if guard not in ADMISSION_GUARDS:
        ADMISSION_GUARDS.append(guard)


def register_application_listener(listener: ApplicationListener) -> None:
    if listener not in APPLICATION_LISTENERS:
        APPLICATION_LISTENERS.append(listener)


def admission_refused(actor: Any, network: Any) -> str:
    """Why `actor` may not admit an applicant to `network` by hand ("" when they may)."""
    for guard in ADMISSION_GUARDS:
        reason = guard(actor, network)
        if reason:
            return reason
    return ""


def application_made(membership: Any) -> None:
    for listener in APPLICATION_LISTENERS:
        listener(membership)
