"""Reads of the shared curriculum: the library (with how many organisations use each
course), a course's outline, a person's progress and badges, and a course's languages."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from intercoop.core.permissions import AnyUser, is_signed_in, is_staff
from intercoop.directory.permissions import organization_roles
from intercoop.membership.completion import is_complete, live_badge
from intercoop.membership.models import BadgeAssertion, Course, CourseModule, Lesson, LessonDone

__all__ = ["is_complete", "live_badge"]


def readable_courses(user: AnyUser | None) -> QuerySet[Course]:
    """The courses the user may read: published ones, and drafts of the user's
    organisations (all for staff; none for someone not signed in)."""
    courses = Course.objects.select_related("publisher")
    if user is None or not is_signed_in(user):
        return courses.none()
    if is_staff(user):
        return courses
    return courses.filter(Q(published=True) | Q(publisher_id__in=list(organization_roles(user))))


def library(user: AnyUser | None, *, language: str = "", query: str = "") -> QuerySet[Course]:
    """The published courses, each with `organizations_using` (how many organisations use
    it), `lesson_count` and `minutes` (the sum of its lessons' estimates)."""
    courses = readable_courses(user).filter(published=True)
    if language:
        courses = courses.filter(language=language)
    if query:
        courses = courses.filter(Q(title__icontains=query) | Q(summary__icontains=query))
    return courses.annotate(
        organizations_using=Count("uses", distinct=True),
        lesson_count=Count("modules__lessons", distinct=True),
    ).order_by("title", "pk")


def drafts_of(user: AnyUser | None) -> QuerySet[Course]:
    """The unpublished courses of the user's organisations."""
    if user is None or not is_signed_in(user):
        return Course.objects.none()
    return (
        Course.objects.select_related("publisher")
        .filter(published=False, publisher_id__in=list(organization_roles(user)))
        .order_by("title", "pk")
    )


def outline(course: Course) -> list[CourseModule]:
    """The modules in order, each with `lessons` in order (and their files) prefetched."""
    return list(course.modules.order_by("position").prefetch_related("lessons__files"))


@dataclass(frozen=True)
class Progress:
    done: int
    total: int
    done_lessons: frozenset[int]

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.done == self.total

    @property
    def percent(self) -> int:
        return self.done * 100 // self.total if self.total else 0


def progress(user: Any, course: Course) -> Progress:
    """How far a person is through a course."""
    lessons = set(Lesson.objects.filter(module__course=course).values_list("pk", flat=True))
    if user is None or not user.is_authenticated:
        return Progress(0, len(lessons), frozenset())
    done = frozenset(
        LessonDone.objects.filter(user=user, lesson_id__in=lessons).values_list(
            "lesson_id", flat=True
        )
    )
    return Progress(len(done), len(lessons), done)


def badges_of(user: Any) -> QuerySet[BadgeAssertion]:
    """A person's badges that stand (not revoked), newest first."""
    if user is None or not user.is_authenticated:
        return BadgeAssertion.objects.none()
    return BadgeAssertion.objects.select_related("course").filter(user=user, revoked=False)


def issued_badges(course: Course) -> QuerySet[BadgeAssertion]:
    """The badges a course issued (revoked ones too), for its publisher's admins."""
    return course.assertions.select_related("user").order_by("-issued_at", "-pk")


def languages_of(course: Course) -> QuerySet[Course]:
    """The course and its translations: the original and every course translating it."""
    original = course.translation_of or course
    return (
        Course.objects.filter(Q(pk=original.pk) | Q(translation_of=original))
        .select_related("publisher")
        .order_by("language", "pk")
    )
