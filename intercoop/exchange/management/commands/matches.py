import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from intercoop.core.csvfiles import SafeDictWriter
from intercoop.directory.models import Organization
from intercoop.exchange.selectors import business_matches_for, peer_matches_for


class Command(BaseCommand):
    help = "An organisation's matches, ranked, with score and explanation (CSV or JSON)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", required=True, help="the organisation's slug")
        parser.add_argument("--kind", choices=["business", "peer"], required=True)
        parser.add_argument("--limit", type=int, default=10)
        parser.add_argument("--format", choices=["csv", "json"], default="csv")

    def handle(self, *args: Any, **options: Any) -> None:
        organization = Organization.objects.filter(slug=options["org"]).first()
        if organization is None:
            raise CommandError(f"no organisation with slug {options['org']!r}")
        find = business_matches_for if options["kind"] == "business" else peer_matches_for
        matches = find(organization=organization, limit=max(1, min(options["limit"], 1000)))
        rows = [
            {"rank": rank, "organization": m.organization, "score": m.score,
             "explanation": m.explanation}
            for rank, m in enumerate(matches, start=1)
        ]  # fmt: skip
        if options["format"] == "json":
            json.dump(rows, self.stdout, ensure_ascii=False, indent=1)
            self.stdout.write("")
            return
        writer = SafeDictWriter(
            self.stdout, ["rank", "organization", "score", "explanation"], lineterminator="\n"
        )
        writer.writeheader()
        for row in rows:  # one by one: DictWriter.writerows bypasses the safe writerow
            writer.writerow(row)
