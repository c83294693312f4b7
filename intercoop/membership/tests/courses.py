"""A course to test the curriculum with, written through its services."""

from typing import Any

from intercoop.core.audit import system_actor
from intercoop.membership import curriculum
from intercoop.membership.models import Course, Lesson

AUTHORS = [
    {"name": "Amara Osei", "organization": "Riverside Bakery Co-op"},
    {"name": "Tomás Herrera"},
]


def build_course(
    organization: Any,
    *,
    title: str = "Co-op principles",
    licence: str = "CC-BY-SA-4.0",
    language: str = "en",
    published: bool = True,
    shape: tuple[int, ...] = (2, 1),
) -> Course:
    """A course of `organization`: modules of `shape` lessons ("Module 1", "Lesson 1.1",
    bodies "Text of 1.1 — ¿sí?", 10 + n minutes), by AUTHORS."""
    actor = system_actor()
    course = curriculum.course_create(
        actor=actor,
        organization=organization,
        title=title,
        summary="The seven principles, in short.",
        language=language,
        licence=licence,
        authors=AUTHORS,
    )
    for m, count in enumerate(shape, start=1):
        module = curriculum.module_add(actor=actor, course=course, title=f"Module {m}")
        for n in range(1, count + 1):
            curriculum.lesson_add(
                actor=actor,
                module=module,
                title=f"Lesson {m}.{n}",
                body=f"# Lesson {m}.{n}\n\nText of {m}.{n} — ¿sí?\n",
                minutes=10 + n,
            )
    if published:
        curriculum.course_publish(actor=actor, course=course)
    return course


def lessons_of(course: Course) -> list[Lesson]:
    return list(
        Lesson.objects.filter(module__course=course).order_by("module__position", "position")
    )
