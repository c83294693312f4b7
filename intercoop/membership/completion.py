"""Following a course: lessons done, completion and its Open Badge. When every lesson of
a course is done, the course is complete and an Open Badges 2.0 assertion (`badges.py`)
is issued to the person, once: never a second time, not even after a revocation. Other
apps (a pathway's course step) may listen for completions. Re-exported by
`curriculum.py`, where the curriculum's services are reached."""

import secrets
import uuid
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from intercoop.core.audit import audit_record
from intercoop.core.bounds import SHORT_TEXT, check_text
from intercoop.core.errors import DomainError
from intercoop.core.permissions import AnyUser, require
from intercoop.membership import permissions_curriculum as rules
from intercoop.membership.badges import hash_email
from intercoop.membership.models import BadgeAssertion, Course, Lesson, LessonDone

CourseCompletedListener = Callable[..., None]
_completed_listeners: list[CourseCompletedListener] = []


def register_course_completed_listener(listener: CourseCompletedListener) -> None:
    """Call `listener(user=…, course=…, assertion=…)` (assertion None when no badge could
    be issued: the person has no e-mail address) inside the transaction of the lesson done
    that completes a course. Listeners must be idempotent: a course can complete again
    after a lesson is added to it."""
    if listener not in _completed_listeners:
        _completed_listeners.append(listener)


def is_complete(user: Any, course: Course) -> bool:
    """Every lesson of the course is done by `user` (a course without lessons never is)."""
    lessons = Lesson.objects.filter(module__course=course)
    total = lessons.count()
    if not total or user is None or not user.is_authenticated:
        return False
    return LessonDone.objects.filter(user=user, lesson__in=lessons).count() == total


def live_badge(user: Any, course: Course) -> BadgeAssertion | None:
    return BadgeAssertion.objects.filter(course=course, user=user, revoked=False).first()


def _issue(user: Any, course: Course) -> BadgeAssertion | None:
    """The person's badge for the course, issued once: never again after a revocation,
    and not without an e-mail address to hash."""
    existing = BadgeAssertion.objects.filter(course=course, user=user).order_by("revoked").first()
    if existing is not None:
        return None if existing.revoked else existing
    email = (user.email or "").strip()
    if not email:
        return None
    salt = secrets.token_hex(16)
    try:
        with transaction.atomic():  # a savepoint: two requests may complete it at once
            assertion = BadgeAssertion.objects.create(
                uid=uuid.uuid4().hex,
                course=course,
                user=user,
                recipient_hash=hash_email(email, salt),
                salt=salt,
                issued_at=timezone.now(),
            )
    except IntegrityError:
        return live_badge(user, course)
    audit_record(
        actor=user,
        action="badge.issue",
        target=assertion,
        summary=course.title,
        organizations=[course.publisher],
    )
    return assertion


def lesson_done(*, actor: AnyUser, lesson: Lesson) -> BadgeAssertion | None:
    """The acting person did the lesson (idempotent). When that completes the course,
    its badge is issued (once) and returned; while the course is complete, marking a
    lesson again returns the badge; otherwise None."""
    course = lesson.module.course
    require(rules.can_follow_course(actor, course), _("Sign in and open the course first"))
    with transaction.atomic():
        _done, created = LessonDone.objects.get_or_create(
            lesson=lesson, user=actor, defaults={"done_at": timezone.now()}
        )
        if not created:
            return live_badge(actor, course) if is_complete(actor, course) else None
        summary = f"{course.title}: {lesson.title}"
        audit_record(actor=actor, action="course.lesson_done", target=lesson, summary=summary)
        if not is_complete(actor, course):
            return None
        assertion = _issue(actor, course)
        for listener in list(_completed_listeners):
            listener(user=actor, course=course, assertion=assertion)
    return assertion


def lesson_undone(*, actor: AnyUser, lesson: Lesson) -> None:
    """Take back a lesson marked done by mistake (a badge already issued stays)."""
    course = lesson.module.course
    require(rules.can_follow_course(actor, course), _("Sign in and open the course first"))
    with transaction.atomic():
        person: Any = actor
        done = LessonDone.objects.filter(lesson=lesson, user=person).first()
        if done is not None:
            summary = f"{course.title}: {lesson.title}"
            audit_record(actor=actor, action="course.lesson_undone", target=lesson, summary=summary)
            done.delete()


def badge_issue(*, actor: AnyUser, course: Course) -> BadgeAssertion:
    """Claim the badge of a course the acting person completed (for one who had no
    e-mail address when they finished it). Returns the badge already issued, if any."""
    require(rules.can_follow_course(actor, course), _("Sign in and open the course first"))
    if not is_complete(actor, course):
        raise DomainError(_("Finish every lesson of the course first"))
    person: Any = actor
    if BadgeAssertion.objects.filter(course=course, user=person, revoked=True).exists() and (
        live_badge(person, course) is None
    ):
        raise DomainError(_("Your badge for this course was revoked"))
    if not (getattr(actor, "email", "") or "").strip():
        raise DomainError(_("Add an e-mail address to your profile first"), field="email")
    with transaction.atomic():
        assertion = _issue(actor, course)
    assert assertion is not None
    return assertion


def badge_revoke(*, actor: AnyUser, assertion: BadgeAssertion, reason: str = "") -> BadgeAssertion:
    """Revoke a badge (the course publisher's admins): its hosted URL then answers 410
    Gone with the reason, and it is not issued again."""
    require(
        rules.can_revoke_badge(actor, assertion),
        _("Only the course publisher's admins revoke its badges"),
    )
    reason = check_text(reason or "", field="reason", max_length=SHORT_TEXT).strip()
    if assertion.revoked:
        raise DomainError(_("This badge is already revoked"))
    with transaction.atomic():
        assertion.revoked = True
        assertion.revocation_reason = reason
        assertion.save(update_fields=["revoked", "revocation_reason"])
        audit_record(
            actor=actor,
            action="badge.revoke",
            target=assertion,
            summary=reason or assertion.uid,
            organizations=[assertion.course.publisher],
        )
    return assertion
