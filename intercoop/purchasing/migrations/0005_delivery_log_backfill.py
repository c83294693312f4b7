"""Give every goods round delivered before the delivery log its first entry: what its
articles record as received and its transport cost, at the time its delivery was
recorded (else marked), so that a later correction names the entry it corrects. Only
adds entries; a round that has one is left alone."""

from decimal import Decimal
from typing import Any

from django.db import migrations
from django.utils import timezone

DONE = ("delivered", "settled")


def plain(value: Any) -> str:
    """A number as plain decimal text, as the delivery log writes it (checks.plain)."""
    return format(Decimal(str(value)).normalize(), "f")


def backfill(apps: Any, schema_editor: Any) -> None:
    Round = apps.get_model("purchasing", "Round")
    Delivery = apps.get_model("purchasing", "Delivery")
    AuditEvent = apps.get_model("core", "AuditEvent")
    rounds = Round.objects.filter(kind="goods", status__in=DONE, deliveries__isnull=True)
    for round in rounds.distinct():
        event = (
            AuditEvent.objects.filter(
                object_type="purchasing.round",
                object_id=str(round.pk),
                action__in=("delivery.record", "round.mark_delivered"),
            )  # fmt: skip
            .order_by("at", "pk")
            .first()
        )
        Delivery.objects.create(
            round=round,
            received={
                str(pk): plain(received)
                for pk, received in round.articles.filter(received__isnull=False)
                .order_by("pk")
                .values_list("pk", "received")
            },
            transport_cost=round.transport_cost,
            recorded_by_id=event.actor_id if event else None,
            recorded_at=event.at if event else timezone.now(),
        )


class Migration(migrations.Migration):
    dependencies = [
        ("purchasing", "0004_delivery_log"),
        ("core", "0003_auditevent_auditsubject"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
