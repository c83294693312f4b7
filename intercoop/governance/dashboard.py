"""What governance has waiting for a user (their dashboard): open polls that need their
vote, for themselves or for an organisation they vote for. One query (plus the cached
roles)."""

from typing import Any

from django.utils.translation import gettext as _

from intercoop.core.dashboard import Task
from intercoop.governance.selectors import polls_needing_vote


def dashboard_tasks(user: Any) -> list[Task]:
    return [
        Task(
            kind="polls",
            label=_("Polls that need your vote"),
            count=polls_needing_vote(user).count(),
            link=("governance:index", []),
        )
    ]
