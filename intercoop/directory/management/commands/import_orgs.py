import io
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from intercoop.core.audit import system_actor
from intercoop.core.commands import existing_file
from intercoop.core.csvfiles import decode_upload
from intercoop.core.errors import ImportFailed, report_row_errors
from intercoop.core.progress import progress_bar
from intercoop.directory.commands import network_named
from intercoop.directory.importers import FORMATS
from intercoop.directory.imports import organizations_import


def _count_records(path: Path, format: str) -> int | None:
    if format == "murmurations":
        return None
    with path.open("rb") as stream:
        return max(sum(1 for _ in stream) - 1, 0)  # lines; a bar estimate only


class Command(BaseCommand):
    help = "Import organisations from a CSV (SEA standard or plain layout) or Murmurations JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--format", choices=sorted(FORMATS), required=True)
        parser.add_argument("--network", help="slug of a network to admit every imported one to")
        parser.add_argument(
            "--skip-bad-rows",
            action="store_true",
            help="import the good rows and report the bad ones (default: all or nothing)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = existing_file(options["file"])
        network = network_named(options["network"]) if options["network"] else None
        parse = FORMATS[options["format"]]
        try:
            # Read bytes and decode them once: a file in another encoding (latin-1, UTF-16)
            # or not text at all is named as such, never a traceback.
            text = decode_upload(path.read_bytes())
            with progress_bar(
                total=_count_records(path, options["format"]), description="Importing"
            ) as advance:
                report = organizations_import(
                    records=parse(io.StringIO(text, newline="")),
                    format=options["format"],
                    filename=path.name,
                    network=network,
                    skip_bad_rows=options["skip_bad_rows"],
                    actor=system_actor(),
                    advance=advance,
                )
        except ImportFailed as failure:
            report_row_errors(self.stderr.write, failure.errors)
            raise CommandError(f"{failure.message} ({path.name})") from None
        if report.skipped:
            report_row_errors(self.stderr.write, report.skipped)
        self.stdout.write(
            f"{report.created} created, {report.updated} updated, {report.unchanged} unchanged, "
            f"{len({e.line for e in report.skipped})} bad row(s) skipped"
        )
