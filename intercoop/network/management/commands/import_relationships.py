from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from intercoop.core.audit import system_actor
from intercoop.core.commands import existing_file
from intercoop.core.errors import ImportFailed, report_row_errors
from intercoop.directory.commands import network_named
from intercoop.network.imports import read_upload, relationships_import


class Command(BaseCommand):
    help = "Import relationships from a CSV in Kumu's layout (From, To, Type, Formality, ...)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--network", help="slug of the network the survey is for")

    def handle(self, *args: Any, **options: Any) -> None:
        path = existing_file(options["file"])
        network = network_named(options["network"]) if options["network"] else None
        try:
            report = relationships_import(
                actor=system_actor(), stream=read_upload(path.read_bytes()), network=network
            )
        except ImportFailed as failure:
            report_row_errors(self.stderr.write, failure.errors)
            raise CommandError(f"{failure.message} ({path.name})") from None
        self.stdout.write(f"{report.created} created, {report.updated} updated")
