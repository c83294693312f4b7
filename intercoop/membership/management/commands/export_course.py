import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from intercoop.core.audit import system_actor
from intercoop.membership.models import Course, Lesson, LessonFile
from intercoop.membership.package import course_export


class Command(BaseCommand):
    help = "Export a course as a package: a zip of Markdown lessons with course.json."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="the course's slug")
        parser.add_argument("--output", type=Path, help="zip file to write (default: SLUG.zip)")

    def handle(self, *args: Any, **options: Any) -> None:
        slug = options["slug"]
        course = Course.objects.select_related("publisher").filter(slug=slug).first()
        if course is None:
            raise CommandError(f"no course with slug {slug!r}")
        output = Path(options["output"] or f"{course.slug}.zip")
        if not output.parent.is_dir():
            raise CommandError(f"{output.parent}: no such folder")
        data = course_export(actor=system_actor(), course=course)
        # written whole or not at all: a partial file never takes the output's name
        partial = output.with_name(output.name + ".part")
        try:
            partial.write_bytes(data)
            os.replace(partial, output)
        except OSError as error:
            partial.unlink(missing_ok=True)
            raise CommandError(f"{output}: {error.strerror}") from None
        lessons = Lesson.objects.filter(module__course=course).count()
        files = LessonFile.objects.filter(lesson__module__course=course).count()
        self.stdout.write(
            f"{output}: {course.title} ({course.modules.count()} modules, {lessons} lessons, "
            f"{files} files)"
        )
