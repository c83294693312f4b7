from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.test.utils import override_settings

from intercoop.clearing.demo import clearing_build
from intercoop.directory.demo import DEMO_PASSWORD, demo_build
from intercoop.directory.models import Network, Organization
from intercoop.exchange.demo import exchange_build
from intercoop.network.demo import assessments_build, economy_build, relationships_build
from intercoop.purchasing.demo import purchasing_build


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
        summary = demo_build()
        network = Network.objects.get(slug="valley-coop-network")
        ties = relationships_build(
            network=network, alliance=Network.objects.get(slug="valley-purchasing-alliance")
        )
        assessments_build(network=network)
        economy_build(network=network)
        # the demo's introductions notify demo accounts in the app, not by e-mail
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            items = exchange_build()
        rounds = purchasing_build()
        invoices = clearing_build()
        self.stdout.write(
            f"Demo region: {summary.organizations} organisations, {summary.networks} networks, "
            f"{ties} relationships, 2 assessments, {items} offers, needs and challenges, "
            f"notices, member deals and introductions, {rounds} purchasing rounds, "
            f"{invoices} invoices and a committed clearing run. "
            f"Sign in as coordinator, manager or "
            f"member with password {DEMO_PASSWORD!r}."
        )
