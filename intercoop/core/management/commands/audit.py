import json
from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from intercoop.core.selectors import audit_as_dict, audit_events

COLUMNS = ["at", "actor", "action", "object_type", "object_id", "summary", "request_id"]


def _since(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--since: {value!r} is not an ISO 8601 time") from None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_default_timezone())
    return moment


class Command(BaseCommand):
    help = "Print the audit trail: who changed what, when (JSON lines or CSV), oldest first."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--since", help="only events at or after this ISO time")
        parser.add_argument("--actor", help="only events by this username")
        parser.add_argument("--format", choices=["json", "csv"], default="json")

    def handle(self, *args: Any, **options: Any) -> None:
        events = audit_events(
            since=_since(options["since"]) if options["since"] else None,
            actor=options["actor"],
        ).order_by("at", "pk")
        rows = (audit_as_dict(event) for event in events.iterator(chunk_size=2000))
        if options["format"] == "json":
            for row in rows:
                self.stdout.write(json.dumps(row, ensure_ascii=False))
            return
        from intercoop.core.csvfiles import SafeWriter

        writer = SafeWriter(self.stdout)
        writer.writerow(COLUMNS)
        for row in rows:
            writer.writerow([row[c] for c in COLUMNS])
