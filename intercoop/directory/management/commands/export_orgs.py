import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from intercoop.core.progress import tracked
from intercoop.directory.exporters import FORMATS
from intercoop.directory.models import Organization


class Command(BaseCommand):
    help = "Export approved organisations as CSV, GeoJSON, JSON-LD or Murmurations profiles."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=sorted(FORMATS), required=True)
        parser.add_argument("--output", type=Path, help="file to write (default: stdout)")
        parser.add_argument(
            "--public-only",
            action="store_true",
            help="leave out contact fields marked private (for publishing the file)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        writer, _, _ = FORMATS[options["format"]]
        organizations = Organization.objects.filter(
            approval=Organization.Approval.APPROVED
        ).order_by("pk")
        private_ids: set[int] | None = set() if options["public_only"] else None
        rows = tracked(
            organizations.iterator(chunk_size=2000),
            total=organizations.count(),
            description="Exporting",
        )
        if options["output"]:
            with Path(options["output"]).open("w", encoding="utf-8", newline="") as stream:
                writer(rows, stream, private_ids)
        else:
            writer(rows, sys.stdout, private_ids)
