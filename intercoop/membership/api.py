"""Membership API: the shared curriculum's library (courses, their outline, a person's
progress, a lesson done and the badge it earns), an organisation's registers (of members
and of shares, for its admins), and (`api_pathways`) pathways and applications.

Money is integer minor units with the register's currency. Handlers find what is asked
for (404 for what the caller may not see) and call the service, which checks who may do
it (403) and the values (400 naming the field; a value of the wrong type or shape is a
422)."""

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from intercoop.core.api import WRITE_AUTH
from intercoop.core.pagination import api_page, page_schema, paginate
from intercoop.core.permissions import NotFoundReason, authenticated_user
from intercoop.directory.models import Organization
from intercoop.directory.permissions import can_view_organization
from intercoop.membership import completion
from intercoop.membership import selectors_curriculum as curriculum
from intercoop.membership import selectors_registers as registers
from intercoop.membership.badges import assertion_url
from intercoop.membership.models import LICENCE_URLS, Course, Lesson, Member
from intercoop.membership.permissions_curriculum import can_read_course
from intercoop.membership.permissions_registers import access_registers

router = Router(tags=["membership"])

Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
Language = Annotated[str, Field(max_length=10)]


# the library ----------------------------------------------------------------------------


class CourseOut(Schema):
    slug: str
    title: str
    summary: str
    language: str
    licence: str
    publisher: str = Field(description="the publishing organisation's slug")
    organizations_using: int
    lessons: int


class LessonOut(Schema):
    id: int
    position: int
    title: str
    minutes: int
    done: bool = Field(description="you marked it done")


class ModuleOut(Schema):
    position: int
    title: str
    lessons: list[LessonOut]


class ProgressOut(Schema):
    done: int
    total: int
    complete: bool
    badge: str | None = Field(description="the URL of your badge's assertion, once earned")


class CourseDetailOut(Schema):
    slug: str
    title: str
    summary: str
    language: str
    licence: str
    licence_url: str
    authors: list[dict[str, str]]
    attribution: str
    publisher: str
    published: bool
    based_on: str | None = Field(description="the slug of the course it adapts")
    translation_of: str | None = Field(description="the slug of the course it translates")
    organizations_using: list[str] = Field(description="slugs of the organisations using it")
    modules: list[ModuleOut]
    progress: ProgressOut


class LessonDoneOut(Schema):
    lesson: int
    progress: ProgressOut


def _course(request: HttpRequest, slug: str) -> Course:
    """The course if the user may read it (else 404)."""
    found = (
        Course.objects.select_related("publisher", "based_on", "translation_of")
        .filter(slug=slug)
        .first()
    )
    if found is None or not can_read_course(request.user, found):
        raise NotFoundReason(_("No such course"))
    return found


def _progress(request: HttpRequest, course: Course) -> dict[str, Any]:
    progress = curriculum.progress(request.user, course)
    badge = completion.live_badge(request.user, course) if progress.complete else None
    return {
        "done": progress.done,
        "total": progress.total,
        "complete": progress.complete,
        "badge": assertion_url(badge) if badge is not None else None,
    }


def _authors(course: Course) -> list[dict[str, str]]:
    authors = course.authors if isinstance(course.authors, list) else []
    return [
        {str(k): str(v) for k, v in author.items()}
        for author in authors
        if isinstance(author, dict)
    ]


def _course_detail(request: HttpRequest, course: Course) -> dict[str, Any]:
    done = curriculum.progress(request.user, course).done_lessons
    using = Organization.objects.filter(
        pk__in=course.uses.values_list("organization_id", flat=True)
    ).order_by("name", "pk")
    return {
        "slug": course.slug,
        "title": course.title,
        "summary": course.summary,
        "language": course.language,
        "licence": course.licence,
        "licence_url": LICENCE_URLS.get(course.licence, ""),
        "authors": _authors(course),
        "attribution": course.attribution,
        "publisher": course.publisher.slug,
        "published": course.published,
        "based_on": course.based_on.slug if course.based_on else None,
        "translation_of": course.translation_of.slug if course.translation_of else None,
        "organizations_using": [o.slug for o in using if can_view_organization(request.user, o)],
        "modules": [
            {
                "position": module.position,
                "title": module.title,
                "lessons": [
                    {
                        "id": lesson.pk,
                        "position": lesson.position,
                        "title": lesson.title,
                        "minutes": lesson.minutes,
                        "done": lesson.pk in done,
                    }
                    for lesson in module.lessons.all()
                ],
            }
            for module in curriculum.outline(course)
        ],
        "progress": _progress(request, course),
    }


@router.get("/courses", auth=WRITE_AUTH, response=page_schema(CourseOut),
            summary="The library: the published courses, paged (by title)")  # fmt: skip
def list_courses(
    request: HttpRequest, language: Language = "", page: int = 1, page_size: int = 50
) -> Any:
    courses = curriculum.library(request.user, language=language)
    return api_page(courses, page=page, page_size=page_size, out=lambda c: {
        "slug": c.slug, "title": c.title, "summary": c.summary, "language": c.language,
        "licence": c.licence, "publisher": c.publisher.slug,
        "organizations_using": c.organizations_using, "lessons": c.lesson_count,
    })  # fmt: skip


@router.get("/courses/{slug}", auth=WRITE_AUTH, response=CourseDetailOut,
            summary="A course: its outline (modules, lessons), licence, authors, what it "
                    "adapts or translates, who uses it, and your progress")  # fmt: skip
def course_detail(request: HttpRequest, slug: str) -> Any:
    return _course_detail(request, _course(request, slug))


@router.post("/courses/{slug}/lessons/{lesson_id}/done", auth=WRITE_AUTH,
             response=LessonDoneOut,
             summary="Mark a lesson done (again is harmless); the progress says the URL "
                     "of the badge's assertion once the course is complete")  # fmt: skip
def lesson_done(request: HttpRequest, slug: str, lesson_id: Id) -> Any:
    course = _course(request, slug)
    lesson = (
        Lesson.objects.select_related("module__course")
        .filter(pk=lesson_id, module__course=course)
        .first()
    )
    if lesson is None:
        raise NotFoundReason(_("No such lesson"))
    completion.lesson_done(actor=authenticated_user(request), lesson=lesson)
    return {"lesson": lesson.pk, "progress": _progress(request, course)}


# the registers --------------------------------------------------------------------------


class RegisterRowOut(Schema):
    member: int
    name: str
    address: str
    email: str
    shares_held: int
    shares_paid: int
    loans: int
    currency: str
    entered_on: dt.date
    ceased_on: dt.date | None


class HoldingOut(Schema):
    share_class: str
    shares: int
    amount_paid: int
    amount_unpaid: int
    currency: str


class ShareRowOut(Schema):
    member: int
    name: str
    entered_on: dt.date
    ceased_on: dt.date | None
    holdings: list[HoldingOut]


def _page_of_members(organization: Organization, page: int, page_size: int) -> Any:
    size = max(1, min(int(page_size), 200))
    paged = paginate(registers.register_members(organization), page=page, page_size=size)
    members: list[Member] = list(paged.page.object_list)
    return paged, size, members


def _paged(paged: Any, size: int, results: list[Any]) -> dict[str, Any]:
    return {
        "count": paged.count,
        "count_exact": paged.count_exact,
        "page": paged.page.number,
        "pages": paged.pages,
        "page_size": size,
        "results": results,
    }


@router.get("/organizations/{slug}/register", auth=WRITE_AUTH,
            response=page_schema(RegisterRowOut),
            summary="The register of members (as its CSV: name, address, e-mail, shares "
                    "held and paid, loans, dates entered and ceased), by name, paged (the "
                    "organisation's admins)")  # fmt: skip
def register_of_members(request: HttpRequest, slug: str, page: int = 1, page_size: int = 50) -> Any:
    organization = access_registers(request.user, slug=slug)
    currency = registers.register_currency(organization)
    paged, size, members = _page_of_members(organization, page, page_size)
    rows = registers.register_rows(organization, members=members)
    return _paged(paged, size, [
        {
            "member": row.member_id, "name": row.name, "address": row.address,
            "email": row.email, "shares_held": row.shares_held, "shares_paid": row.paid,
            "loans": row.loans, "currency": currency, "entered_on": row.entered_on,
            "ceased_on": row.ceased_on,
        }
        for row in rows
    ])  # fmt: skip


@router.get("/organizations/{slug}/shares", auth=WRITE_AUTH, response=page_schema(ShareRowOut),
            summary="The share register: per member (by name, paged) their shares of "
                    "each class, amounts paid and unpaid (the organisation's admins)")  # fmt: skip
def share_register(request: HttpRequest, slug: str, page: int = 1, page_size: int = 50) -> Any:
    organization = access_registers(request.user, slug=slug)
    paged, size, members = _page_of_members(organization, page, page_size)
    by_member: dict[int, list[dict[str, Any]]] = {}
    for holding in registers.share_register(organization, members=members):
        by_member.setdefault(holding.member.pk, []).append({
            "share_class": holding.share_class.name, "shares": holding.shares,
            "amount_paid": holding.paid, "amount_unpaid": holding.unpaid,
            "currency": holding.share_class.currency,
        })  # fmt: skip
    return _paged(paged, size, [
        {
            "member": m.pk, "name": m.name, "entered_on": m.entered_on,
            "ceased_on": m.ceased_on, "holdings": by_member.get(m.pk, []),
        }
        for m in members
    ])  # fmt: skip


# pathways and applications: their own module, one router
from intercoop.membership.api_accounts import router as accounts_router  # noqa: E402
from intercoop.membership.api_pathways import router as pathways_router  # noqa: E402
from intercoop.membership.api_shares import router as shares_router  # noqa: E402

router.add_router("", pathways_router)
router.add_router("", accounts_router)
router.add_router("", shares_router)
