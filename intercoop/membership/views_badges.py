"""The hosted Open Badges 2.0 objects (`badges.py`): public JSON-LD that any backpack may
fetch from anywhere (`Access-Control-Allow-Origin: *`), no sign-in. A revoked assertion
answers 410 Gone; what does not exist answers a JSON 404."""

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_safe

from intercoop.directory.models import Organization
from intercoop.membership import badges
from intercoop.membership.models import BadgeAssertion, Course


def _json(data: dict[str, Any], status: int = 200) -> HttpResponse:
    response = JsonResponse(
        data,
        status=status,
        content_type=badges.CONTENT_TYPE,
        json_dumps_params={"ensure_ascii": False, "indent": 2},
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _not_found() -> HttpResponse:
    return _json({"error": "not found"}, status=404)


def _badge_course(slug: str) -> Course | None:
    """A course whose badge is public: published in the library, or with badges issued."""
    course = Course.objects.select_related("publisher").filter(slug=slug).first()
    if course is None or not (course.published or course.assertions.exists()):
        return None
    return course


@require_safe
def assertion(request: HttpRequest, uid: str) -> HttpResponse:
    found = BadgeAssertion.objects.select_related("course").filter(uid=uid).first()
    if found is None:
        return _not_found()
    if found.revoked:
        return _json(badges.revoked_json(found), status=410)
    return _json(badges.assertion_json(found))


@require_safe
def badge_class(request: HttpRequest, slug: str) -> HttpResponse:
    course = _badge_course(slug)
    return _not_found() if course is None else _json(badges.badge_class_json(course))


@require_safe
def badge_image(request: HttpRequest, slug: str) -> HttpResponse:
    course = _badge_course(slug)
    if course is None:
        return _not_found()
    response = HttpResponse(badges.badge_svg(course), content_type="image/svg+xml")
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "public, max-age=3600"
    return response


@require_safe
def issuer(request: HttpRequest, slug: str) -> HttpResponse:
    """An organisation's issuer profile, once it publishes a course or issued a badge."""
    organization = Organization.objects.filter(slug=slug).first()
    if organization is None or not (
        Course.objects.filter(publisher=organization, published=True).exists()
        or BadgeAssertion.objects.filter(course__publisher=organization).exists()
    ):
        return _not_found()
    return _json(badges.issuer_json(organization))
