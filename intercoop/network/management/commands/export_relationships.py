import datetime as dt
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from intercoop.directory.commands import network_named
from intercoop.network import selectors
from intercoop.network.exporters import FORMATS
from intercoop.network.models import Relationship


class Command(BaseCommand):
    help = "Export relationships as CSV (Kumu layout), GraphML, GEXF or Kumu JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=sorted(FORMATS), required=True)
        parser.add_argument("--network", help="only ties between members of this network")
        parser.add_argument("--output", type=Path, help="file to write (default: stdout)")

    def handle(self, *args: Any, **options: Any) -> None:
        ties = Relationship.objects.select_related("source", "target").order_by("pk")
        if options["network"]:
            network = network_named(options["network"])
            ties = selectors.relationships_of_network(ties, network=network, as_of=dt.date.today())
        writer = FORMATS[options["format"]][0]
        if options["output"]:
            with Path(options["output"]).open("w", encoding="utf-8", newline="") as stream:
                writer(ties, stream)
        else:
            writer(ties, sys.stdout)
