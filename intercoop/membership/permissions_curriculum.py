"""Who may read, write, adapt and follow the shared curriculum's courses. The services of
`curriculum.py` and `package.py` check these rules themselves (`require`); pages ask them
only to decide what to show.

- Anyone signed in reads the library's published courses; a draft is seen only by its
  publisher's people (any role). Staff see and do everything.
- The publisher's admins and editors write a course: its modules, lessons and files,
  publishing it or taking it back.
- An organisation's admins and editors create courses for it, adapt or translate a course
  they can read into a copy of their organisation (not a course whose licence reserves
  all rights, unless it is their own publisher's), and adopt ("use") one.
- Whoever reads a course may follow it (mark lessons done) and so earn its badge; the
  publisher's admins revoke a badge.
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from intercoop.core.permissions import AnyUser, NotFoundReason, is_signed_in, is_staff
from intercoop.directory.models import Organization
from intercoop.directory.permissions import belongs_to, can_act_for, can_manage_people
from intercoop.membership.models import BadgeAssertion, Course

ALL_RIGHTS_RESERVED = "all-rights-reserved"


def can_read_course(user: AnyUser | None, course: Course) -> bool:
    """A published course: anyone signed in; a draft: its publisher's people and staff."""
    if user is None or not is_signed_in(user):
        return False
    return course.published or belongs_to(user, course.publisher)


def can_create_course(user: AnyUser | None, organization: Organization) -> bool:
    """Write a course for an organisation (or import one): its admins and editors."""
    return is_signed_in(user) and user is not None and can_act_for(user, organization)


def can_edit_course(user: AnyUser | None, course: Course) -> bool:
    """Change, publish or unpublish a course: its publisher's admins and editors."""
    return can_create_course(user, course.publisher)


def may_derive(course: Course, organization: Organization) -> bool:
    """The licence allows a copy for `organisation`: anything but "all rights reserved",
    which only its own publisher may copy."""
    return course.licence != ALL_RIGHTS_RESERVED or course.publisher_id == organization.pk


def can_adapt_course(user: AnyUser | None, course: Course, organization: Organization) -> bool:
    """Copy a course the user reads into an organisation it speaks for, when the licence
    allows it. (Translating is adapting into another language: the same rule.)"""
    return (
        can_read_course(user, course)
        and can_create_course(user, organization)
        and may_derive(course, organization)
    )


def can_use_course(user: AnyUser | None, course: Course, organization: Organization) -> bool:
    """Adopt a course for an organisation: its admins and editors, for a published course
    or one of their own."""
    return can_create_course(user, organization) and (
        course.published or course.publisher_id == organization.pk
    )


def can_follow_course(user: AnyUser | None, course: Course) -> bool:
    """Mark its lessons done and earn its badge: whoever reads it."""
    return can_read_course(user, course)


def can_revoke_badge(user: AnyUser | None, assertion: BadgeAssertion) -> bool:
    """The course publisher's admins (and staff) revoke a badge it issued."""
    return (
        is_signed_in(user)
        and user is not None
        and (is_staff(user) or can_manage_people(user, assertion.course.publisher))
    )


def access_course(user: AnyUser | None, course: Course | None, *, for_edit: bool = False) -> Course:
    """The course if the user may read it (a draft of someone else's is a 404, so that
    drafts do not leak; a published one asks an anonymous visitor to sign in); with
    `for_edit`, if the user may change it (else 403)."""
    if course is None or not (course.published or can_read_course(user, course)):
        raise NotFoundReason(_("No such course"))
    if not can_read_course(user, course):
        raise PermissionDenied(_("Sign in to read the library's courses"))
    if for_edit and not can_edit_course(user, course):
        raise PermissionDenied(_("Only the publisher's admins and editors change this course"))
    return course
