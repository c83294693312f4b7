import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from intercoop.core.audit import system_actor
from intercoop.core.csvfiles import SafeWriter
from intercoop.core.errors import DomainError
from intercoop.directory.commands import network_named
from intercoop.network.engine import NODE_METRICS
from intercoop.network.services import metrics_snapshot


class Command(BaseCommand):
    help = "Compute a network's graph metrics (kept as a snapshot) and write one CSV row each."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--network", help="network slug (default: the whole directory)")
        parser.add_argument(
            "--as-of", type=dt.date.fromisoformat, help="YYYY-MM-DD (default: today)"
        )
        parser.add_argument("--resolution", type=float, default=1.0, help="community resolution")
        parser.add_argument("--output", type=Path, required=True, help="the CSV file to write")

    def handle(self, *args: Any, **options: Any) -> None:
        network = network_named(options["network"]) if options["network"] else None
        as_of = options["as_of"] or dt.date.today()
        if isinstance(as_of, str):  # given to call_command, argparse's type is not applied
            try:
                as_of = dt.date.fromisoformat(as_of)
            except ValueError:
                raise CommandError(f"--as-of {as_of!r:.30} is not a date (YYYY-MM-DD)") from None
        try:
            snapshot = metrics_snapshot(
                actor=system_actor(),
                network=network,
                as_of=as_of,
                resolution=options["resolution"],
            )
        except DomainError as error:
            raise CommandError(error.message) from None
        rows = snapshot.nodes.select_related("organization").order_by("organization__slug")
        with Path(options["output"]).open("w", newline="", encoding="utf-8") as stream:
            writer = SafeWriter(stream)
            writer.writerow(["organization", "external_id", *NODE_METRICS])
            for row in rows:
                writer.writerow(
                    [row.organization.slug, row.organization.external_id]
                    + [_cell(getattr(row, name)) for name in NODE_METRICS]
                )
        figures = ", ".join(
            f"{k} {v:.4g}" if isinstance(v, float) else f"{k} {v}"
            for k, v in snapshot.figures.items()
        )
        self.stdout.write(f"{rows.count()} organisations on {as_of}: {figures}")


def _cell(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)
