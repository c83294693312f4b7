"""Calendar months (pure: no Django): a date some months later, on the same day of the
month or the month's last day when it is shorter (Jan 31 + 1 month = Feb 28 or 29)."""

import calendar
import datetime as dt

_MONTH_DAYS = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def add_months(start: dt.date, months: int) -> dt.date:
    """`months` (may be negative) after `start`, on its day of the month or the month's
    last day."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    day = start.day
    if day > 28:  # every month has the 28th
        day = min(day, 29 if month == 2 and calendar.isleap(year) else _MONTH_DAYS[month])
    return dt.date(year, month, day)
