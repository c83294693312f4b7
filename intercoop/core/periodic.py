"""A small clock for periodic work: jobs registered here (`register_periodic`) are run
by `intercoop clock` when due. Each job's last run is kept in the database and claimed
with a conditional update, so a restart, or a second clock, never runs it twice.

A job should be quick: it queues a background task (e.g. the digests) and returns.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from intercoop.core.models import PeriodicRun


@dataclass(frozen=True)
class Periodic:
    name: str
    every: timedelta
    run: Callable[[], Any]


PERIODIC: dict[str, Periodic] = {}


def register_periodic(name: str, *, every: timedelta, run: Callable[[], Any]) -> None:
    PERIODIC[name] = Periodic(name=name, every=every, run=run)


def _claim(job: Periodic, now: datetime) -> bool:
    """Whether this clock runs `job` now: it is due and no other clock took it."""
    last = PeriodicRun.objects.filter(name=job.name).values_list("last_run_at", flat=True).first()
    if last is None:
        try:
            with transaction.atomic():
                PeriodicRun.objects.create(name=job.name, last_run_at=now)
        except IntegrityError:
            return False
        return True
    if last + job.every > now:
        return False
    claimed = PeriodicRun.objects.filter(name=job.name, last_run_at=last).update(last_run_at=now)
    return bool(claimed)


def periodic_tick(now: datetime | None = None) -> list[str]:
    """Run every registered job that is due (never run, or last run `every` ago);
    returns their names."""
    now = now or timezone.now()
    ran = []
    for job in PERIODIC.values():
        if _claim(job, now):
            job.run()
            ran.append(job.name)
    return ran
