from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from intercoop.core.audit import system_actor
from intercoop.core.commands import existing_file
from intercoop.core.errors import ImportFailed, report_row_errors
from intercoop.directory.commands import network_named
from intercoop.network.imports import baselines_import, read_upload


class Command(BaseCommand):
    help = "Import a region's economy (year,businesses,employment,turnover,currency[,source])."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--network", required=True, help="slug of the network")

    def handle(self, *args: Any, **options: Any) -> None:
        path = existing_file(options["file"])
        network = network_named(options["network"])
        try:
            years = baselines_import(
                actor=system_actor(), stream=read_upload(path.read_bytes()), network=network
            )
        except ImportFailed as failure:
            report_row_errors(self.stderr.write, failure.errors)
            raise CommandError(f"{failure.message} ({path.name})") from None
        self.stdout.write(f"{years} year(s) recorded")
