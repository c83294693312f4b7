"""Where other apps hear of what clearing settles, wired by the composition root
(clearing imports no other app): capital, whose loan instalments become obligations from
the borrower to the fund, records a repayment for what a clearing run settles of one.

- A settlement listener `(obligation, amount, on_date, actor) -> None` is called, in the
  commit's transaction and after the obligation ledger is written, for each entry a
  committed clearing run writes (a set-off, or a payment in mutual credit) with the
  amount it cleared (minor units, > 0) and the day it was committed. A listener that
  raises refuses the whole commit: nothing of the run is applied.

What the creditor records itself (`obligation_discharge`: paid outside clearing, or
cancelled) is not a settlement by clearing, and is not passed on: whoever discharges an
obligation has recorded the payment already.
"""

import datetime as dt
from collections.abc import Callable
from typing import Any

SettlementListener = Callable[[Any, int, dt.date, Any], None]
SETTLEMENT_LISTENERS: list[SettlementListener] = []


def register_settlement_listener(listener: SettlementListener) -> None:
    if listener not in SETTLEMENT_LISTENERS:
        SETTLEMENT_LISTENERS.append(listener)


def settled(obligation: Any, amount: int, on_date: dt.date, actor: Any) -> None:
    """Tell every listener that clearing settled `amount` of `obligation` on `on_date`."""
    for listener in SETTLEMENT_LISTENERS:
        listener(obligation, amount, on_date, actor)
