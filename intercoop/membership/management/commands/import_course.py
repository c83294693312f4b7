from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from intercoop.core.audit import system_actor
from intercoop.core.commands import existing_file
from intercoop.core.errors import DomainError
from intercoop.directory.models import Organization
from intercoop.membership.models import Lesson
from intercoop.membership.package import MAX_PACKAGE_BYTES, course_import


class Command(BaseCommand):
    help = "Import a course package (a zip with course.json) as a draft course."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--organization",
            help="slug of the organisation that publishes it (default: the package's "
            "publisher if it is here, else the only organisation)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = existing_file(options["file"])
        organization = None
        if options["organization"]:
            organization = Organization.objects.filter(slug=options["organization"]).first()
            if organization is None:
                raise CommandError(f"no organisation with slug {options['organization']!r}")
        if path.stat().st_size > MAX_PACKAGE_BYTES:
            raise CommandError(f"{path.name}: the package: is bigger than 50 MB")
        try:
            course = course_import(
                actor=system_actor(), data=path.read_bytes(), organization=organization
            )
        except DomainError as error:
            if error.field == "organization":
                raise CommandError(
                    f"{path.name}: name the organisation that publishes it with --organization"
                ) from None
            raise CommandError(f"{path.name}: {error.message}") from None
        lessons = Lesson.objects.filter(module__course=course).count()
        self.stdout.write(
            f"imported {course.slug}: {course.title} ({course.modules.count()} modules, "
            f"{lessons} lessons), a draft of {course.publisher.name}"
        )
