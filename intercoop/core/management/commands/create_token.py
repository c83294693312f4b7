from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from intercoop.core.audit import system_actor
from intercoop.core.services import api_token_create


class Command(BaseCommand):
    help = "Create a personal API token for a user and print it (shown once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="cli")

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"no user {options['username']!r}")
        _, key = api_token_create(actor=system_actor(), user=user, name=options["name"])
        self.stdout.write(key)
