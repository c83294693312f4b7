"""What needs a person, for their dashboard: each app offers a provider (`register_tasks`,
wired in `config`) that counts its own waiting work for a user in one or two queries, and
the dashboard lists every provider's tasks. A new app adds its own without editing it."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class Task:
    """`count` things of one kind waiting for the user, at the page `link` (URL name,
    args; the page reverses it). `kind` is the notification kind it belongs to."""

    kind: str
    label: str
    count: int
    link: tuple[str, list[Any]] = field(default=("dashboard", []))

    @property
    def url(self) -> str:
        """The page of `link` ('' when it names no page), for the dashboard and the API."""
        try:
            return reverse(self.link[0], args=self.link[1])
        except NoReverseMatch:
            return ""


Provider = Callable[[Any], list[Task]]
PROVIDERS: dict[str, Provider] = {}


def register_tasks(name: str, provider: Provider) -> None:
    PROVIDERS[name] = provider


def tasks_for(user: Any) -> list[Task]:
    """Every registered provider's tasks for `user` that have something waiting."""
    return [task for provider in PROVIDERS.values() for task in provider(user) if task.count]
