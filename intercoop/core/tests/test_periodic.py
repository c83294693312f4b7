"""The clock runs each registered periodic job when due, once, whatever the restarts."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from intercoop.core import periodic
from intercoop.core.models import PeriodicRun

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticks(monkeypatch):
    ran: list[str] = []
    monkeypatch.setattr(periodic, "PERIODIC", {})
    periodic.register_periodic("test.hourly", every=dt.timedelta(hours=1),
                               run=lambda: ran.append("hourly"))  # fmt: skip
    return ran


def test_a_job_runs_when_first_seen_then_once_per_period(ticks):
    start = timezone.now()
    assert periodic.periodic_tick(start) == ["test.hourly"]
    assert periodic.periodic_tick(start + dt.timedelta(minutes=59)) == []
    assert periodic.periodic_tick(start + dt.timedelta(minutes=60)) == ["test.hourly"]
    assert ticks == ["hourly", "hourly"]
    assert PeriodicRun.objects.get(name="test.hourly").last_run_at == start + dt.timedelta(
        minutes=60
    )


def test_a_restarted_clock_remembers_the_last_run(ticks):
    start = timezone.now()
    PeriodicRun.objects.create(name="test.hourly", last_run_at=start - dt.timedelta(minutes=10))
    assert periodic.periodic_tick(start) == []
    assert ticks == []


def test_two_clocks_never_both_run_a_job(ticks):
    start = timezone.now()
    PeriodicRun.objects.create(name="test.hourly", last_run_at=start - dt.timedelta(hours=2))
    job = periodic.PERIODIC["test.hourly"]
    assert periodic._claim(job, start) is True
    # the other clock read the old time, but the row changed under it
    assert PeriodicRun.objects.filter(name="test.hourly", last_run_at=start).exists()
    assert periodic._claim(job, start) is False


def test_core_registers_the_digests(mailoutbox):
    assert {"core.digests.daily", "core.digests.weekly"} <= set(periodic.PERIODIC)
    call_command("clock", "--once")
    assert set(PeriodicRun.objects.values_list("name", flat=True)) >= {
        "core.digests.daily",
        "core.digests.weekly",
    }
