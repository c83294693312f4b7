"""Open Badges 2.0 (https://www.imsglobal.org/sites/default/files/Badges/OBv2p0Final/):
the JSON-LD of a hosted Assertion, its BadgeClass and the Issuer profile, and the badge's
SVG image. Completing a course (`curriculum.lesson_done`) issues the assertion.

Every object is served at a stable URL (`views_badges.py`, under `/badges/`) built from
`settings.SITE_URL`, never from a request's Host header: an object's `id` is the URL it is
served at, which is what a backpack checks ("hosted" verification). The issuer's `url` is
its page on this site, so the assertions' origin matches the issuer's, as hosted
verification asks. The recipient is `sha256$` + hex SHA-256 of the e-mail address followed
by the assertion's salt, never the address itself. A revoked assertion answers
410 Gone with `{"revoked": true, "revocationReason": …}`.
"""

import hashlib
import textwrap
from typing import Any
from xml.sax.saxutils import escape

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext as _

from intercoop.directory.models import Organization
from intercoop.membership.models import BadgeAssertion, Course

CONTEXT = "https://w3id.org/openbadges/v2"
CONTENT_TYPE = "application/ld+json"


def hash_email(email: str, salt: str) -> str:
    """The hashed identity of a recipient: "sha256$" + hex SHA-256 of email + salt."""
    return "sha256$" + hashlib.sha256((email + salt).encode("utf-8")).hexdigest()


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def assertion_url(assertion: BadgeAssertion) -> str:
    return absolute(reverse("membership:badge_assertion", args=[assertion.uid]))


def badge_class_url(course: Course) -> str:
    return absolute(reverse("membership:badge_class", args=[course.slug]))


def badge_image_url(course: Course) -> str:
    return absolute(reverse("membership:badge_image", args=[course.slug]))


def issuer_url(organization: Organization) -> str:
    return absolute(reverse("membership:badge_issuer", args=[organization.slug]))


def _page(name: str, slug: str) -> str:
    """The absolute URL of a page, when the page exists."""
    try:
        return absolute(reverse(name, args=[slug]))
    except NoReverseMatch:
        return ""


def assertion_json(assertion: BadgeAssertion) -> dict[str, Any]:
    return {
        "@context": CONTEXT,
        "type": "Assertion",
        "id": assertion_url(assertion),
        "recipient": {
            "type": "email",
            "hashed": True,
            "salt": assertion.salt,
            "identity": assertion.recipient_hash,
        },
        "badge": badge_class_url(assertion.course),
        "verification": {"type": "hosted"},
        "issuedOn": assertion.issued_at.isoformat(),
    }


def revoked_json(assertion: BadgeAssertion) -> dict[str, Any]:
    """What a revoked assertion's URL answers, with status 410."""
    return {
        "@context": CONTEXT,
        "type": "Assertion",
        "id": assertion_url(assertion),
        "revoked": True,
        "revocationReason": assertion.revocation_reason or "",
    }


def criteria_narrative(course: Course) -> str:
    return _("Complete every lesson of the course “%(title)s”.") % {"title": course.title}


def badge_class_json(course: Course) -> dict[str, Any]:
    # in the course's language where we have one, else the site's
    with translation.override(course.language):
        narrative = criteria_narrative(course)
        description = course.summary or narrative
    criteria: dict[str, Any] = {"narrative": narrative}
    page = _page("membership:course", course.slug)
    if page:
        criteria["id"] = page
    return {
        "@context": CONTEXT,
        "type": "BadgeClass",
        "id": badge_class_url(course),
        "name": course.title,
        "description": description,
        "image": badge_image_url(course),
        "criteria": criteria,
        "issuer": issuer_url(course.publisher),
    }


def issuer_json(organization: Organization) -> dict[str, Any]:
    profile: dict[str, Any] = {
        "@context": CONTEXT,
        "type": "Issuer",
        "id": issuer_url(organization),
        "name": organization.name,
        "url": _page("directory:detail", organization.slug) or settings.SITE_URL,
    }
    if organization.email and organization.email_public:
        profile["email"] = organization.email
    return profile


# the image -----------------------------------------------------------------------------

COLOURS = ["#2f6f4f", "#3b5b92", "#8a4b2a", "#6b3f7a", "#276b77", "#7a6a1f"]


def badge_svg(course: Course) -> str:
    """A round badge with the course's title and publisher: self-contained SVG (no fonts,
    images or styles loaded from anywhere)."""
    colour = COLOURS[int(hashlib.sha256(course.slug.encode()).hexdigest(), 16) % len(COLOURS)]
    lines = textwrap.wrap(course.title, width=16, max_lines=4, placeholder="…") or [""]
    top = 128 - (len(lines) - 1) * 11
    title = "".join(
        f'<text x="128" y="{top + 22 * i}" font-size="19" font-weight="bold">{escape(line)}</text>'
        for i, line in enumerate(lines)
    )
    publisher = escape(textwrap.shorten(course.publisher.name, width=22, placeholder="…"))
    label = escape(course.title, {'"': "&quot;"})
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" '
        f'viewBox="0 0 256 256" role="img" aria-label="{label}">'
        f"<title>{escape(course.title)}</title>"
        f'<circle cx="128" cy="128" r="124" fill="{colour}"/>'
        '<circle cx="128" cy="128" r="108" fill="none" stroke="#f4d35e" stroke-width="6"/>'
        '<g fill="#ffffff" font-family="sans-serif" text-anchor="middle">'
        f"{title}"
        f'<text x="128" y="200" font-size="11">{publisher}</text>'
        "</g></svg>"
    )
