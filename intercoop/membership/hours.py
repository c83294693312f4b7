"""The hours rule of a probation (pure: no Django): "600 hours, 300 of them in the last 6
months".

The window of "the last `recent_months` months" runs up to and including `as_of`: an
entry counts in it when `add_months(as_of, -recent_months) < on <= as_of`. So on 15 August
the last 6 months are 16 February to 15 August, and on 31 August they are 1 March to
31 August (6 months before 31 August is 28 or 29 February: the day itself is out). Entries
after `as_of` are not counted at all. Corrections are negative entries and count like any
other (a total may go down, even below zero).
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from intercoop.core.months import add_months

ZERO = Decimal("0")


@dataclass(frozen=True)
class HoursCheck:
    total_logged: Decimal  # every entry on or before `as_of`
    recent_logged: Decimal  # those in the window (0 when no window is asked for)
    met: bool


def window_start(as_of: dt.date, recent_months: int) -> dt.date:
    """The last day *before* the window of the `recent_months` months up to `as_of`."""
    return add_months(as_of, -recent_months)


def hours_check(
    entries: Iterable[tuple[dt.date, Decimal]],
    *,
    as_of: dt.date,
    total: Decimal | None,
    recent: Decimal | None = None,
    recent_months: int | None = None,
) -> HoursCheck:
    """Whether `entries` (date, hours) meet `total` hours in all and `recent` of them in the
    last `recent_months` months (see the module's docstring); a requirement given as None
    is met. `recent` needs `recent_months`."""
    if recent is not None and recent_months is None:
        raise ValueError("recent hours need recent_months")
    if recent_months is not None and recent_months < 1:
        raise ValueError("recent_months is at least 1")
    start = window_start(as_of, recent_months) if recent_months is not None else None
    total_logged = recent_logged = ZERO
    for on, hours in entries:
        if on > as_of:
            continue
        total_logged += hours
        if start is not None and on > start:
            recent_logged += hours
    met = (total is None or total_logged >= total) and (recent is None or recent_logged >= recent)
    return HoursCheck(total_logged=total_logged, recent_logged=recent_logged, met=met)
