"""Each write of the network records exactly one audit event: its action, who did it,
the object, the organisations it concerns and its network (for their history pages)."""

import datetime as dt
import io

from intercoop.core.models import AuditEvent
from intercoop.network import imports, services
from intercoop.network.models import Assessment, EconomyBaseline, MetricSnapshot, Relationship


def events_after(last: int) -> list[tuple[str, str, str, str, list[int], int | None]]:
    return [
        (e.action, e.actor_name, e.object_type, e.object_id,
         sorted(e.subjects.values_list("organization_id", flat=True)), e.network_id)
        for e in AuditEvent.objects.filter(pk__gt=last).order_by("pk")
    ]  # fmt: skip


def last_event() -> int:
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def test_the_trust_flow_is_recorded(people, sides):
    org, bakery, admin, baker = sides["org"], sides["bakery"], people["admin"], sides["baker"]
    parties = sorted([org.pk, bakery.pk])
    last = last_event()
    tie = services.relationship_claim(
        actor=admin, source=org, target=bakery,
        values={"kind": "supplies", "annual_value": 1_200_050, "currency": "GBP"},
        on_behalf_of=org,
    )  # fmt: skip
    assert events_after(last) == [
        ("relationship.claim", "admin", "network.relationship", str(tie.pk), parties, None)
    ]
    assert AuditEvent.objects.get(pk__gt=last).summary == (
        "Riverside Bakery Co-op claimed Riverside Bakery Co-op → Bakery (supplies, informal), "
        "12,000.50 GBP a year"
    )
    last = last_event()
    services.relationship_confirm(actor=baker, relationship=tie, by=bakery)
    assert events_after(last) == [
        ("relationship.confirm", "baker", "network.relationship", str(tie.pk), parties, None)
    ]
    last = last_event()
    services.relationship_dispute(actor=baker, relationship=tie, by=bakery, reason="Ended")
    assert events_after(last) == [
        ("relationship.dispute", "baker", "network.relationship", str(tie.pk), parties, None)
    ]


def test_survey_ties_and_withdrawals_name_their_network(people, sides):
    network, org, bakery = sides["network"], sides["org"], sides["bakery"]
    parties = sorted([org.pk, bakery.pk])
    last = last_event()
    tie = services.relationship_survey_record(
        actor=people["coordinator"], network=network, source=org, target=bakery,
        values={"kind": "informal"},
    )  # fmt: skip
    assert events_after(last) == [
        ("relationship.record", "coordinator", "network.relationship", str(tie.pk), parties,
         network.pk)
    ]  # fmt: skip
    last = last_event()
    services.relationship_withdraw(actor=people["coordinator"], relationship=tie)
    assert events_after(last) == [
        ("relationship.withdraw", "coordinator", "network.relationship", str(tie.pk), parties,
         network.pk)
    ]  # fmt: skip
    assert not Relationship.objects.exists()


def test_assessments_baselines_and_snapshots_are_recorded(people, sides):
    network, coordinator = sides["network"], people["coordinator"]
    last = last_event()
    made = services.assessment_create(
        actor=coordinator, network=network, as_of=dt.date(2026, 1, 1), ratings={}, outcomes={}
    )
    assert events_after(last) == [
        ("assessment.create", "coordinator", "network.assessment", str(made.pk), [], network.pk)
    ]
    last = last_event()
    baseline = services.baseline_record(
        actor=coordinator,
        network=network,
        values={"year": 2024, "businesses": 4, "employment": 7, "turnover": 1, "currency": "EUR"},
    )
    assert events_after(last) == [
        ("baseline.record", "coordinator", "network.economybaseline", str(baseline.pk), [],
         network.pk)
    ]  # fmt: skip
    last = last_event()
    snapshot = services.metrics_snapshot(
        actor=coordinator, network=network, as_of=dt.date(2026, 1, 1)
    )
    assert events_after(last) == [
        ("metric_snapshot.create", "coordinator", "network.metricsnapshot", str(snapshot.pk), [],
         network.pk)
    ]  # fmt: skip
    assert (Assessment.objects.count(), EconomyBaseline.objects.count()) == (1, 1)
    assert MetricSnapshot.objects.count() == 1


def test_an_import_is_one_event_naming_every_organisation_it_touched(people, sides):
    network, org, bakery = sides["network"], sides["org"], sides["bakery"]
    last = last_event()
    report = imports.relationships_import(
        actor=people["coordinator"],
        stream=io.StringIO(
            f"From,To,Type\n{org.slug},{bakery.slug},informal\n{bakery.slug},{org.slug},supplies\n"
        ),
        network=network,
    )
    assert (report.created, report.updated) == (2, 0)
    assert events_after(last) == [
        ("relationship.import", "coordinator", "directory.network", str(network.pk),
         sorted([org.pk, bakery.pk]), network.pk)
    ]  # fmt: skip
    assert AuditEvent.objects.get(pk__gt=last).summary == "2 survey ties created, 0 updated"
    last = last_event()
    years = imports.baselines_import(
        actor=people["coordinator"],
        stream=io.StringIO(
            "year,businesses,employment,turnover,currency\n2023,4,7,1,GBP\n2024,5,8,2,GBP\n"
        ),
        network=network,
    )
    assert years == 2
    assert events_after(last) == [
        ("baseline.import", "coordinator", "directory.network", str(network.pk), [], network.pk)
    ]
