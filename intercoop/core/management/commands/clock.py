import logging
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from intercoop.core.periodic import PERIODIC, periodic_tick

log = logging.getLogger("intercoop.clock")


class Command(BaseCommand):
    help = "Run periodic jobs (digests, …) when due, checking every minute."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="check once and stop")
        parser.add_argument("--every", type=float, default=60.0, help="seconds between checks")

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"clock: {len(PERIODIC)} periodic jobs: {', '.join(sorted(PERIODIC))}")
        while True:
            try:
                for name in periodic_tick():
                    self.stdout.write(f"clock: ran {name}")
            except Exception:
                if options["once"]:
                    raise
                # a busy or restarting database: try again at the next tick
                log.exception("clock: a periodic job failed")
            if options["once"]:
                return
            close_old_connections()  # between ticks, as a request would
            time.sleep(max(1.0, options["every"]))
