from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from intercoop.core.notifications import digests_send


class Command(BaseCommand):
    help = "Send the daily or weekly digest e-mails now (the clock sends them by itself)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--period", choices=["daily", "weekly"], required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        sent = digests_send(period=options["period"])
        self.stdout.write(f"{sent} {options['period']} digest e-mails sent")
