"""Who may do each write of the network: every service called with `actor=`, a denied
call raises PermissionDenied and leaves nothing behind (no row, no audit event), an
allowed one records exactly one audit event."""

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from intercoop.core.audit import system_actor
from intercoop.core.models import AuditEvent
from intercoop.network import imports, services
from intercoop.network.tests.conftest import counts

WHO = ["anonymous", "outsider", "member", "admin", "baker", "coordinator",
       "other_coordinator", "staff"]  # fmt: skip
SPEAKERS = {"admin", "staff"}  # who speaks for `org` (its admins and editors; staff)
COORDINATORS = {"coordinator", "staff"}  # who manages `network`


def _claimed(s: dict[str, Any], by: str) -> Any:
    source, target = s["org"], s["bakery"]
    return services.relationship_claim(
        actor=system_actor(), source=source, target=target,
        values={"kind": "supplies"}, on_behalf_of=s[by],
    )  # fmt: skip


def _surveyed(s: dict[str, Any]) -> Any:
    return services.relationship_survey_record(
        actor=system_actor(), network=s["network"], source=s["org"], target=s["bakery"],
        values={"kind": "informal"},
    )  # fmt: skip


def claim(s: dict[str, Any]) -> Callable[[Any], Any]:
    return lambda actor: services.relationship_claim(
        actor=actor, source=s["org"], target=s["bakery"],
        values={"kind": "supplies"}, on_behalf_of=s["org"],
    )  # fmt: skip


def survey_record(s: dict[str, Any]) -> Callable[[Any], Any]:
    return lambda actor: services.relationship_survey_record(
        actor=actor, network=s["network"], source=s["org"], target=s["bakery"],
        values={"kind": "informal"},
    )  # fmt: skip


def confirm(s: dict[str, Any]) -> Callable[[Any], Any]:
    tie = _claimed(s, "bakery")
    return lambda actor: services.relationship_confirm(actor=actor, relationship=tie, by=s["org"])


def dispute(s: dict[str, Any]) -> Callable[[Any], Any]:
    tie = _claimed(s, "bakery")
    return lambda actor: services.relationship_dispute(
        actor=actor, relationship=tie, by=s["org"], reason="We never traded"
    )


def withdraw_claim(s: dict[str, Any]) -> Callable[[Any], Any]:
    tie = _claimed(s, "org")
    return lambda actor: services.relationship_withdraw(actor=actor, relationship=tie)


def withdraw_survey(s: dict[str, Any]) -> Callable[[Any], Any]:
    tie = _surveyed(s)
    return lambda actor: services.relationship_withdraw(actor=actor, relationship=tie)


def assessment_create(s: dict[str, Any]) -> Callable[[Any], Any]:
    return lambda actor: services.assessment_create(
        actor=actor, network=s["network"], as_of=dt.date(2026, 1, 1),
        ratings={"diversity": {"score": 3, "evidence": "Survey"}}, outcomes={},
    )  # fmt: skip


def assessment_update(s: dict[str, Any]) -> Callable[[Any], Any]:
    kept = services.assessment_create(
        actor=system_actor(), network=s["network"], as_of=dt.date(2026, 1, 1), ratings={},
        outcomes={},
    )  # fmt: skip
    return lambda actor: services.assessment_update(
        actor=actor, assessment=kept, ratings={"diversity": {"score": 4, "evidence": "Census"}},
        outcomes={},
    )  # fmt: skip


def baseline_record(s: dict[str, Any]) -> Callable[[Any], Any]:
    values = {"year": 2024, "businesses": 40, "employment": 700, "turnover": 100,
              "currency": "GBP"}  # fmt: skip
    return lambda actor: services.baseline_record(actor=actor, network=s["network"], values=values)


def baselines_import(s: dict[str, Any]) -> Callable[[Any], Any]:
    text = "year,businesses,employment,turnover,currency\n2024,40,700,1.00,GBP\n"
    return lambda actor: imports.baselines_import(
        actor=actor, stream=io.StringIO(text), network=s["network"]
    )


def relationships_import(s: dict[str, Any]) -> Callable[[Any], Any]:
    text = f"From,To,Type\n{s['org'].slug},{s['bakery'].slug},informal\n"
    return lambda actor: imports.relationships_import(
        actor=actor, stream=io.StringIO(text), network=s["network"]
    )


def relationships_import_directory(s: dict[str, Any]) -> Callable[[Any], Any]:
    text = f"From,To,Type\n{s['org'].slug},{s['bakery'].slug},informal\n"
    return lambda actor: imports.relationships_import(
        actor=actor, stream=io.StringIO(text), network=None
    )


def metrics_snapshot(s: dict[str, Any]) -> Callable[[Any], Any]:
    return lambda actor: services.metrics_snapshot(
        actor=actor, network=s["network"], as_of=dt.date(2026, 1, 1)
    )


def metrics_snapshot_directory(s: dict[str, Any]) -> Callable[[Any], Any]:
    return lambda actor: services.metrics_snapshot(
        actor=actor, network=None, as_of=dt.date(2026, 1, 1)
    )


MATRIX = {
    claim: (SPEAKERS, "relationship.claim"),
    survey_record: (COORDINATORS, "relationship.record"),
    confirm: (SPEAKERS, "relationship.confirm"),
    dispute: (SPEAKERS, "relationship.dispute"),
    withdraw_claim: (SPEAKERS, "relationship.withdraw"),
    withdraw_survey: (COORDINATORS, "relationship.withdraw"),
    assessment_create: (COORDINATORS, "assessment.create"),
    assessment_update: (COORDINATORS, "assessment.update"),
    baseline_record: (COORDINATORS, "baseline.record"),
    baselines_import: (COORDINATORS, "baseline.import"),
    relationships_import: (COORDINATORS, "relationship.import"),
    relationships_import_directory: ({"staff"}, "relationship.import"),
    metrics_snapshot: (COORDINATORS, "metric_snapshot.create"),
    metrics_snapshot_directory: ({"staff"}, "metric_snapshot.create"),
}


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("write", list(MATRIX), ids=lambda f: f.__name__)
def test_who_may_do_each_write(people, sides, write, who):
    allowed, action = MATRIX[write]
    act = write(sides)
    actor = sides["baker"] if who == "baker" else people[who]
    before, last = counts(), _last_event()
    if who in allowed:
        act(actor)
        events = AuditEvent.objects.filter(pk__gt=last)
        assert list(events.values_list("action", "actor_name")) == [(action, actor.username)]
    else:
        with pytest.raises(PermissionDenied):
            act(actor)
        assert counts() == before


def _last_event() -> int:
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def test_the_matrix_covers_every_write_service():
    """A new write service must join the matrix."""
    writes = {
        name
        for name in dir(services)
        if name.startswith(("relationship_", "assessment_", "baseline_", "metrics_"))
        and getattr(getattr(services, name), "__module__", "") == services.__name__
    } | {"relationships_import", "baselines_import"}
    covered = {f.__name__.removesuffix("_directory") for f in MATRIX}
    covered = {
        {"claim": "relationship_claim", "survey_record": "relationship_survey_record",
         "confirm": "relationship_confirm", "dispute": "relationship_dispute",
         "withdraw_claim": "relationship_withdraw", "withdraw_survey": "relationship_withdraw",
         }.get(name, name)
        for name in covered
    }  # fmt: skip
    assert writes == covered
