"""Open Badges 2.0: the hosted Assertion, BadgeClass and Issuer JSON-LD (every required
field), the salted hash of the recipient, and the stable URLs that answer with them (200,
410 once revoked, CORS for backpacks), built from SITE_URL whatever the Host header."""

import datetime as dt
import hashlib
from urllib.parse import urlsplit

import pytest

from intercoop.conftest import client_for
from intercoop.membership import badges, curriculum
from intercoop.membership.tests.courses import build_course, lessons_of

pytestmark = pytest.mark.django_db

CONTEXT = "https://w3id.org/openbadges/v2"
SITE = "https://coops.example.net"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def badge(people, org):
    org.slug = "riverside"
    org.save()
    learner = people["outsider"]
    learner.email = "ada@example.org"
    learner.save()
    course = build_course(org, title='Co-op <principles> & "values"')
    for lesson in lessons_of(course):
        issued = curriculum.lesson_done(actor=learner, lesson=lesson)
    assert issued is not None
    return issued


def _get(url, **headers):
    """GET one of our absolute URLs as a backpack would (from another origin)."""
    assert url.startswith(SITE + "/")
    return client_for(None).get(
        urlsplit(url).path, headers={"Origin": "https://backpack.example", **headers}
    )


def _check_served(url, expected, status=200):
    response = _get(url)
    assert response.status_code == status
    assert response["Content-Type"] == "application/ld+json"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response.json() == expected
    return response.json()


def test_the_assertion_has_every_required_field(badge):
    data = badges.assertion_json(badge)
    assert set(data) == {"@context", "type", "id", "recipient", "badge", "verification", "issuedOn"}
    assert data["@context"] == CONTEXT
    assert data["type"] == "Assertion"
    assert data["id"] == f"{SITE}/badges/assertions/{badge.uid}"
    assert data["badge"] == f"{SITE}/badges/classes/co-op-principles-values"
    assert data["verification"] == {"type": "hosted"}
    recipient = data["recipient"]
    assert recipient == {
        "type": "email",
        "hashed": True,
        "salt": badge.salt,
        "identity": "sha256$"
        + hashlib.sha256(("ada@example.org" + badge.salt).encode()).hexdigest(),
    }
    assert len(recipient["salt"]) == 32
    assert "ada@example.org" not in str(data)
    issued = dt.datetime.fromisoformat(data["issuedOn"])
    assert issued.tzinfo is not None
    assert issued == badge.issued_at


def test_the_assertion_is_hosted_at_its_id(badge):
    data = _check_served(badges.assertion_url(badge), badges.assertion_json(badge))
    # the same id whatever Host the request came with
    response = client_for(None).get(urlsplit(data["id"]).path, HTTP_HOST="127.0.0.1")
    assert response.json()["id"] == data["id"]


def test_the_badge_class_has_every_required_field_and_is_hosted(badge):
    course = badge.course
    data = badges.badge_class_json(course)
    assert data == {
        "@context": CONTEXT,
        "type": "BadgeClass",
        "id": f"{SITE}/badges/classes/co-op-principles-values",
        "name": 'Co-op <principles> & "values"',
        "description": "The seven principles, in short.",
        "image": f"{SITE}/badges/classes/co-op-principles-values/image.svg",
        "criteria": {
            "id": f"{SITE}/membership/courses/co-op-principles-values/",
            "narrative": 'Complete every lesson of the course “Co-op <principles> & "values"”.',
        },
        "issuer": f"{SITE}/badges/issuers/riverside",
    }
    assert _get(badges.assertion_url(badge)).json()["badge"] == data["id"]
    _check_served(data["id"], data)


def test_the_issuer_profile_is_hosted(badge, org):
    data = badges.issuer_json(org)
    assert data == {
        "@context": CONTEXT,
        "type": "Issuer",
        "id": f"{SITE}/badges/issuers/riverside",
        "name": "Riverside Bakery Co-op",
        "url": f"{SITE}/orgs/riverside/",
    }
    _check_served(badges.badge_class_json(badge.course)["issuer"], data)
    org.email_public = True
    org.save()
    assert badges.issuer_json(org)["email"] == "hello@riverside.example"


def test_the_image_is_a_self_contained_svg(badge):
    response = _get(badges.badge_class_json(badge.course)["image"])
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response["Access-Control-Allow-Origin"] == "*"
    svg = response.content.decode()
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    assert '<title>Co-op &lt;principles&gt; &amp; "values"</title>' in svg
    assert 'aria-label="Co-op &lt;principles&gt; &amp; &quot;values&quot;"' in svg
    assert "Riverside Bakery Co-op" in svg
    # nothing loaded from anywhere: the namespace is the only URL
    assert svg.count("http") == 1
    assert "<image" not in svg and "href" not in svg and "@import" not in svg


def test_a_revoked_assertion_answers_410_gone(badge, people):
    curriculum.badge_revoke(actor=people["admin"], assertion=badge, reason="Completed by mistake")
    _check_served(
        badges.assertion_url(badge),
        {
            "@context": CONTEXT,
            "type": "Assertion",
            "id": f"{SITE}/badges/assertions/{badge.uid}",
            "revoked": True,
            "revocationReason": "Completed by mistake",
        },
        status=410,
    )
    # its badge class and issuer still answer (other people hold the badge)
    assert _get(badges.badge_class_url(badge.course)).status_code == 200


def test_what_does_not_exist_or_is_a_draft_answers_404(people, org):
    draft = build_course(org, title="Draft", published=False)
    for path in (
        "/badges/assertions/nope",
        "/badges/classes/nope",
        f"/badges/classes/{draft.slug}",
        f"/badges/classes/{draft.slug}/image.svg",
        "/badges/issuers/nope",
        f"/badges/issuers/{org.slug}",  # publishes nothing yet
    ):
        response = client_for(None).get(path)
        assert response.status_code == 404, path
        assert response["Access-Control-Allow-Origin"] == "*"
    assert client_for(None).post("/badges/classes/nope").status_code == 405


def test_a_course_unpublished_later_still_hosts_its_badges(badge, people):
    curriculum.course_unpublish(actor=people["admin"], course=badge.course)
    assert _get(badges.assertion_url(badge)).status_code == 200
    assert _get(badges.badge_class_url(badge.course)).status_code == 200
    assert _get(badges.issuer_url(badge.course.publisher)).status_code == 200
