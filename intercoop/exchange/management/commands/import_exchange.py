from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from intercoop.core.audit import system_actor
from intercoop.core.commands import existing_file
from intercoop.core.errors import ImportFailed, report_row_errors
from intercoop.exchange.imports import exchange_import_file


class Command(BaseCommand):
    help = (
        "Import offers, needs and challenges (organization,kind,category,title,description,tags)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument(
            "--skip-bad-rows",
            action="store_true",
            help="import the good rows and list the bad ones (by default nothing is written)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = existing_file(options["file"])
        try:
            imported = exchange_import_file(
                actor=system_actor(),
                data=path.read_bytes(),
                skip_bad_rows=options["skip_bad_rows"],
            )
        except ImportFailed as failure:
            report_row_errors(self.stderr.write, failure.errors)
            raise CommandError(f"{failure.message} ({path.name})") from None
        except PermissionDenied as error:
            raise CommandError(str(error)) from None
        report_row_errors(self.stderr.write, imported.skipped)
        skipped = f", {len(imported.skipped)} bad row(s) skipped" if imported.skipped else ""
        self.stdout.write(f"{imported.count} imported{skipped}")
