from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from intercoop.core.commands import existing_file
from intercoop.core.errors import ImportFailed, report_row_errors
from intercoop.exchange.imports import exchange_import


class Command(BaseCommand):
    help = (
        "Import offers, needs and challenges (organization,kind,category,title,description,tags)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")

    def handle(self, *args: Any, **options: Any) -> None:
        path = existing_file(options["file"])
        try:
            with path.open(encoding="utf-8-sig", newline="") as stream:
                count = exchange_import(stream=stream)
        except ImportFailed as failure:
            report_row_errors(self.stderr.write, failure.errors)
            raise CommandError(f"{failure.message} ({path.name})") from None
        self.stdout.write(f"{count} imported")
