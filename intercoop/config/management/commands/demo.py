from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from intercoop.config.demo import demo_region_build
from intercoop.directory.models import Organization


class Command(BaseCommand):
    help = "Build the demo region (about 150 organisations, two networks, their ties, accounts)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing when organisations exist"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if Organization.objects.exists():
            if options["if_empty"]:
                return
            raise CommandError("the directory is not empty; the demo loads into an empty one")
        self.stdout.write(demo_region_build())
