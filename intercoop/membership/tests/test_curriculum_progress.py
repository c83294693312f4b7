"""Following a course: lessons done, completion (idempotent) and its badge, issued once;
revocation; listeners for completions."""

import hashlib

import pytest
from django.core.exceptions import PermissionDenied

from intercoop.core.errors import DomainError
from intercoop.core.models import AuditEvent
from intercoop.membership import completion, curriculum
from intercoop.membership.models import BadgeAssertion, LessonDone
from intercoop.membership.selectors_curriculum import badges_of, progress
from intercoop.membership.tests.courses import build_course, lessons_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def learner(people):
    person = people["outsider"]
    person.email = "ada@example.org"
    person.save()
    return person


def test_completing_every_lesson_issues_one_badge(people, org, learner):
    course = build_course(org)
    first, second, third = lessons_of(course)
    assert curriculum.lesson_done(actor=learner, lesson=first) is None
    assert curriculum.lesson_done(actor=learner, lesson=first) is None  # again: nothing new
    assert curriculum.lesson_done(actor=learner, lesson=second) is None
    assert progress(learner, course).done == 2
    assert not progress(learner, course).complete
    assert BadgeAssertion.objects.count() == 0
    badge = curriculum.lesson_done(actor=learner, lesson=third)
    assert badge is not None
    assert progress(learner, course).complete
    assert progress(learner, course).percent == 100
    assert (badge.course, badge.user, badge.revoked) == (course, learner, False)
    assert (
        badge.recipient_hash
        == "sha256$" + hashlib.sha256(("ada@example.org" + badge.salt).encode()).hexdigest()
    )
    assert len(badge.uid) == 32
    # idempotent: marking lessons again returns the same badge and issues no other
    assert curriculum.lesson_done(actor=learner, lesson=third) == badge
    assert curriculum.lesson_done(actor=learner, lesson=first) == badge
    assert BadgeAssertion.objects.count() == 1
    assert LessonDone.objects.filter(user=learner).count() == 3
    assert list(badges_of(learner)) == [badge]
    assert AuditEvent.objects.filter(action="course.lesson_done").count() == 3
    assert AuditEvent.objects.filter(action="badge.issue").count() == 1


def test_a_lesson_added_later_completes_the_course_again_without_a_second_badge(
    people, org, learner
):
    course = build_course(org, shape=(1,))
    (only,) = lessons_of(course)
    badge = curriculum.lesson_done(actor=learner, lesson=only)
    module = course.modules.get()
    added = curriculum.lesson_add(actor=people["admin"], module=module, title="New")
    assert not progress(learner, course).complete
    assert curriculum.lesson_done(actor=learner, lesson=added) == badge
    assert BadgeAssertion.objects.count() == 1


def test_without_an_e_mail_the_badge_is_claimed_later(people, org):
    person = people["outsider"]
    course = build_course(org, shape=(1,))
    assert curriculum.lesson_done(actor=person, lesson=lessons_of(course)[0]) is None
    assert progress(person, course).complete
    with pytest.raises(DomainError, match="Add an e-mail address"):
        curriculum.badge_issue(actor=person, course=course)
    person.email = "later@example.org"
    person.save()
    badge = curriculum.badge_issue(actor=person, course=course)
    assert (
        badge.recipient_hash
        == "sha256$" + hashlib.sha256(("later@example.org" + badge.salt).encode()).hexdigest()
    )
    assert curriculum.badge_issue(actor=person, course=course) == badge
    assert BadgeAssertion.objects.count() == 1


def test_a_badge_is_claimed_only_for_a_complete_course(people, org, learner):
    course = build_course(org)
    curriculum.lesson_done(actor=learner, lesson=lessons_of(course)[0])
    with pytest.raises(DomainError, match="Finish every lesson"):
        curriculum.badge_issue(actor=learner, course=course)
    assert BadgeAssertion.objects.count() == 0


def test_following_needs_to_read_the_course(people, org, learner):
    draft = build_course(org, published=False)
    events = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied):
        curriculum.lesson_done(actor=learner, lesson=lessons_of(draft)[0])
    with pytest.raises(PermissionDenied):
        curriculum.lesson_done(actor=None, lesson=lessons_of(draft)[0])
    assert LessonDone.objects.count() == 0
    assert AuditEvent.objects.count() == events
    # the publisher's own people follow its drafts
    assert curriculum.lesson_done(actor=people["member"], lesson=lessons_of(draft)[0]) is None


def test_undoing_a_lesson_keeps_the_badge(people, org, learner):
    course = build_course(org, shape=(1,))
    (only,) = lessons_of(course)
    badge = curriculum.lesson_done(actor=learner, lesson=only)
    curriculum.lesson_undone(actor=learner, lesson=only)
    assert not progress(learner, course).complete
    assert list(badges_of(learner)) == [badge]


def test_revoking_a_badge(people, org, learner):
    course = build_course(org, shape=(1,))
    (only,) = lessons_of(course)
    badge = curriculum.lesson_done(actor=learner, lesson=only)
    for who in ("member", "outsider", "coordinator", None):
        with pytest.raises(PermissionDenied):
            curriculum.badge_revoke(actor=people[who] if who else None, assertion=badge, reason="x")
    badge.refresh_from_db()
    assert badge.revoked is False
    curriculum.badge_revoke(actor=people["admin"], assertion=badge, reason="Completed by mistake")
    badge.refresh_from_db()
    assert (badge.revoked, badge.revocation_reason) == (True, "Completed by mistake")
    with pytest.raises(DomainError, match="already revoked"):
        curriculum.badge_revoke(actor=people["admin"], assertion=badge)
    # never issued again
    curriculum.lesson_undone(actor=learner, lesson=only)
    assert curriculum.lesson_done(actor=learner, lesson=only) is None
    with pytest.raises(DomainError, match="revoked"):
        curriculum.badge_issue(actor=learner, course=course)
    assert BadgeAssertion.objects.count() == 1
    assert list(badges_of(learner)) == []


def test_listeners_hear_of_completions(people, org, learner, monkeypatch):
    heard = []
    monkeypatch.setattr(completion, "_completed_listeners", [])
    curriculum.register_course_completed_listener(lambda **kw: heard.append(kw))
    course = build_course(org)
    for lesson in lessons_of(course):
        badge = curriculum.lesson_done(actor=learner, lesson=lesson)
    curriculum.lesson_done(actor=learner, lesson=lessons_of(course)[0])
    assert heard == [{"user": learner, "course": course, "assertion": badge}]
