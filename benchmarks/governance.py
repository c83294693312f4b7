"""Counting an election: Scottish STV of 100,000 ballots × 20 candidates × 5 seats (goal
< 2 s), with `intercoop.governance.counting` (identical ballots merged into weights first).

The rankings are random but seeded: candidates drawn by popularity (Plackett–Luce, the
weights falling off geometrically) and ballots of 1 to 20 preferences, most of them short,
as voters write them. Figures: seconds for the count alone (best of three), and for
parsing the BLT text and counting (what `intercoop count-votes` does for one file).

Then a 5,000-voter network poll's tally page (goal p95 < 100 ms): a network of 5,000
member co-ops in a fresh SQLite database, a choice poll opened by the service (the
electorate fixed), 4,000 ballots, and the poll page requested 100 times by its
coordinator through Django's test client (the whole view, template and queries; no
network), open (result computed from the ballots) and closed (result stored)."""

import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from intercoop.governance import blt
from intercoop.governance.counting import scottish_stv

BALLOTS, CANDIDATES, SEATS, GOAL_S, SEED = 100_000, 20, 5, 2.0, 2026
VOTERS, CAST, PAGE_GOAL_MS, REQUESTS = 5_000, 4_000, 100.0, 100


def election(rng: random.Random) -> blt.Election:
    popularity = [0.85**i for i in range(CANDIDATES)]
    ballots = []
    for _ in range(BALLOTS):
        length = min(CANDIDATES, 1 + int(rng.expovariate(1 / 3.5)))
        left, weights, prefs = list(range(CANDIDATES)), list(popularity), []
        for _ in range(length):
            i = rng.choices(range(len(left)), weights)[0]
            prefs.append(left.pop(i))
            weights.pop(i)
        ballots.append((1, tuple(prefs)))
    names = [f"Candidate {i + 1}" for i in range(CANDIDATES)]
    return blt.Election(names, SEATS, ballots, "Benchmark election")


def best_of(task: Callable[[], object], times: int = 3) -> float:
    best = float("inf")
    for _ in range(times):
        started = time.perf_counter()
        task()
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    e = election(random.Random(SEED))
    text = blt.write(e)
    distinct = len({prefs for _, prefs in e.ballots})
    print(f"== Scottish STV, {BALLOTS:,} ballots ({distinct:,} distinct) × {CANDIDATES} "
          f"candidates × {SEATS} seats")  # fmt: skip
    result = scottish_stv(e, seed=SEED)
    print(f"  {len(result.stages)} stages, quota {result.quota}, elected: "
          + ", ".join(result.elected))  # fmt: skip
    for label, task in (
        ("count", lambda: scottish_stv(e, seed=SEED)),
        ("parse + count", lambda: scottish_stv(blt.parse(text), seed=SEED)),
    ):
        seconds = best_of(task)
        print(f"  {label:<14} {seconds:6.2f} s   goal < {GOAL_S:.0f} s   "
              f"ratio {seconds / GOAL_S:.2f}")  # fmt: skip
    tally_page()


def _network_poll() -> tuple[Any, Any]:
    """(coordinator, open poll) of a network of VOTERS member co-ops, CAST of them voted."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from intercoop.core.audit import system_actor
    from intercoop.directory import services as directory
    from intercoop.directory.models import NetworkMembership, NetworkRole, Organization
    from intercoop.governance import services
    from intercoop.governance.models import Ballot, Participation

    system, now = system_actor(), timezone.now()
    network = directory.network_create(actor=system, slug="big", name="Big Network")
    coordinator = get_user_model().objects.create_user(username="coordinator")
    directory.network_role_assign(
        actor=system, network=network, user=coordinator, role=NetworkRole.Role.COORDINATOR
    )
    organizations = Organization.objects.bulk_create(
        Organization(
            slug=f"coop-{i}",
            name=f"Co-op {i:04d}",
            created_at=now,
            updated_at=now,
            approval=Organization.Approval.APPROVED,
        )
        for i in range(VOTERS)
    )
    NetworkMembership.objects.bulk_create(
        NetworkMembership(network=network, organization=o, status=NetworkMembership.Status.MEMBER)
        for o in organizations
    )
    body = services.body_ensure(actor=coordinator, network=network)
    options = ["Riverside Hall", "Market Square", "Farm barns", "Online"]
    poll = services.poll_create(actor=coordinator, body=body, kind="choice", title="Fair venue",
                                options=options, results_visible="always")  # fmt: skip
    started = time.perf_counter()
    poll = services.poll_open(actor=coordinator, poll=poll, closes_at=now + timedelta(days=7))
    print(f"  opening (electorate of {VOTERS:,} fixed): {time.perf_counter() - started:.2f} s")
    rng = random.Random(SEED)
    voters = list(poll.voters.order_by("pk")[:CAST])
    Participation.objects.bulk_create(
        Participation(poll=poll, voter=v, cast_by=coordinator, voted_at=now) for v in voters
    )
    Ballot.objects.bulk_create(
        Ballot(poll=poll, voter=v, choice={"options": [rng.choice(options)]}, cast_at=now)
        for v in voters
    )
    return coordinator, poll


def _p95(request: Callable[[], Any]) -> tuple[float, float]:
    for _ in range(5):
        request()
    times = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        request()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.quantiles(times, n=20)[-1], statistics.median(times)


def tally_page() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "intercoop.config.settings")
        import django

        django.setup()
        from django.core.management import call_command
        from django.test import Client
        from django.test.utils import override_settings
        from django.urls import reverse

        from intercoop.governance import services

        call_command("migrate", verbosity=0)
        print(f"== a {VOTERS:,}-voter network poll's tally page, {CAST:,} ballots")
        coordinator, poll = _network_poll()
        client = Client()
        client.force_login(coordinator)
        url = reverse("governance:poll", args=[poll.pk])
        storage = {
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
        }
        with override_settings(STORAGES={**django.conf.settings.STORAGES, **storage}):
            for label in ("open", "closed"):
                if label == "closed":
                    services.poll_close(actor=coordinator, poll=poll)

                def get() -> None:
                    response = client.get(url)
                    assert response.status_code == 200, response.status_code

                p95, median = _p95(get)
                print(f"  {label:<7} p95 {p95:6.1f} ms  median {median:6.1f} ms   "
                      f"goal p95 < {PAGE_GOAL_MS:.0f} ms   ratio {p95 / PAGE_GOAL_MS:.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
