"""Where other apps take part in joint purchasing's decisions, wired by the composition
root (purchasing imports no other app): governance, when a network ratifies purchasing
awards by a poll of the round's members, puts each award to a vote.

- An award listener `(contract) -> bool` is called, in the award's transaction, when a
  coordinator awards a round; it returns True when it put the award to a ratification
  vote (the contract then awaits the vote's result before deliveries or bills).
"""

from collections.abc import Callable
from typing import Any

AwardListener = Callable[[Any], bool]
AWARD_LISTENERS: list[AwardListener] = []


def register_award_listener(listener: AwardListener) -> None:
    if listener not in AWARD_LISTENERS:
        AWARD_LISTENERS.append(listener)


def award_made(contract: Any) -> bool:
    """Tell every listener of the award; whether any put it to a ratification vote."""
    put_to_vote = False
    for listener in AWARD_LISTENERS:
        put_to_vote = listener(contract) or put_to_vote
    return put_to_vote
