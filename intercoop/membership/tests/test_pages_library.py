"""The library's pages: who sees what (drafts only their publisher's people), the course
page's licence, attribution and progress, the lesson reader's safe Markdown, marking
lessons done until the badge shows on "my learning", the editor for the publisher's
admins and editors only (a refusal changes nothing), adapting, translating, using and
exporting a course, and bad values answered without a server error."""

import ast
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils.html import escape

from intercoop.conftest import client_for, make_org, make_user
from intercoop.core.audit import system_actor
from intercoop.core.models import AuditEvent
from intercoop.directory import services as directory
from intercoop.directory.models import OrganizationRole
from intercoop.membership import curriculum
from intercoop.membership.models import (
    BadgeAssertion,
    Course,
    CourseModule,
    CourseUse,
    Lesson,
    LessonDone,
    LessonFile,
)
from intercoop.membership.tests.courses import build_course, lessons_of

VIEWS = Path(__file__).resolve().parents[1] / "views_library.py"


def _url(course: Course, tail: str = "") -> str:
    return f"/membership/courses/{course.slug}/{tail}"


def _writes() -> tuple[int, ...]:
    return (
        Course.objects.count(),
        CourseModule.objects.count(),
        Lesson.objects.count(),
        LessonFile.objects.count(),
        CourseUse.objects.count(),
        AuditEvent.objects.count(),
    )


@pytest.fixture
def course(people: dict[str, Any], org: Any) -> Course:
    return build_course(org)


@pytest.fixture
def draft(people: dict[str, Any], org: Any) -> Course:
    return build_course(org, title="Our draft", published=False)


@pytest.fixture
def other_org(db: Any) -> Any:
    """Another co-op, whose admin is `other_admin` (an e-mail address: badges)."""
    organization = make_org(name="Hilltop Housing Co-op")
    admin = make_user("other_admin", email="other@example.org")
    directory.organization_role_assign(
        actor=system_actor(), organization=organization, user=admin,
        role=OrganizationRole.Role.ADMIN,
    )  # fmt: skip
    return organization


def _other_admin() -> User:
    return User.objects.get(username="other_admin")


# the library ------------------------------------------------------------------------------


def test_the_library_lists_published_courses_with_their_facts(people, course, draft):
    curriculum.course_use(actor=people["admin"], course=course, organization=course.publisher)
    page = client_for(people["outsider"]).get("/membership/library/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Co-op principles" in html
    assert "CC BY-SA 4.0" in html
    assert "Amara Osei (Riverside Bakery Co-op); Tomás Herrera" in html
    assert "English" in html
    assert "used by 1 organisation" in html
    assert "3 lessons · about 34 minutes · used by 1 organisation" in html
    assert "Our draft" not in html
    assert "Write a course" not in html  # the outsider speaks for no organisation


def test_drafts_show_in_the_library_of_their_publisher_s_people_only(people, draft):
    html = client_for(people["member"]).get("/membership/library/").content.decode()
    assert "Drafts of your organisations" in html and "Our draft" in html
    assert client_for(people["member"]).get(_url(draft)).status_code == 200
    for who in ("outsider", "other_coordinator"):
        client = client_for(people[who])
        assert "Our draft" not in client.get("/membership/library/").content.decode()
        assert client.get(_url(draft)).status_code == 404
        first = lessons_of(draft)[0]
        assert client.get(_url(draft, f"lessons/{first.pk}/")).status_code == 404
        assert client.get(_url(draft, "export.zip")).status_code == 404


def test_the_library_filters_by_language_and_searches_titles(people, org):
    build_course(org, title="Co-op principles")
    build_course(org, title="Principios cooperativos", language="es")
    build_course(org, title="Reading the accounts")
    client = client_for(people["outsider"])
    spanish = client.get("/membership/library/?language=es").content.decode()
    assert "Principios cooperativos" in spanish and "Reading the accounts" not in spanish
    assert "1 course" in spanish
    found = client.get("/membership/library/?q=accounts").content.decode()
    assert "Reading the accounts" in found and "Co-op principles" not in found
    # a language nobody offers is a bad filter: the whole library, no error
    assert client.get("/membership/library/?language=xx&page=abc").status_code == 200


def test_the_library_costs_the_same_queries_for_more_courses(people, org, other_org):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(people["outsider"])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/membership/library/?q=o&language=en").status_code == 200
        return len(captured)

    original = build_course(org, title="One")
    spanish = curriculum.course_translate(
        actor=_other_admin(), course=original, organization=other_org, language="es"
    )
    curriculum.course_publish(actor=_other_admin(), course=spanish)
    few = queries()
    for n in range(4):
        build_course(other_org if n % 2 else org, title=f"Course {n}")
    assert queries() == few


def test_pages_ask_anonymous_visitors_to_sign_in(course):
    client = Client()
    for path in ("/membership/library/", _url(course), "/membership/learning/"):
        response = client.get(path)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_library_shows_the_languages_a_course_is_in(people, course, other_org):
    spanish = curriculum.course_translate(
        actor=_other_admin(), course=course, organization=other_org, language="es",
        title="Principios cooperativos",
    )  # fmt: skip
    curriculum.course_publish(actor=_other_admin(), course=spanish)
    html = client_for(people["outsider"]).get("/membership/library/").content.decode()
    assert f'href="/membership/courses/{spanish.slug}/" lang="es" hreflang="es">Español' in html
    assert "Also in" in html


# a course ------------------------------------------------------------------------------------


def test_the_course_page_shows_outline_licence_authors_and_actions(people, course):
    html = client_for(people["outsider"]).get(_url(course)).content.decode()
    assert "Module 1" in html and "Lesson 1.2" in html and "12 minutes" in html
    assert (
        'href="https://creativecommons.org/licenses/by-sa/4.0/" rel="license">CC BY-SA 4.0' in html
    )
    assert "Amara Osei (Riverside Bakery Co-op)" in html
    assert "0 of 3 lessons done" in html
    first = lessons_of(course)[0]
    assert f'href="{_url(course, f"lessons/{first.pk}/")}">Start' in html
    assert _url(course, "export.zip") in html
    # the outsider speaks for no organisation: no editing, adapting or using
    assert _url(course, "edit/") not in html
    assert _url(course, "adapt/") not in html
    assert _url(course, "use/") not in html
    admin = client_for(people["admin"]).get(_url(course)).content.decode()
    assert _url(course, "edit/") in admin and _url(course, "adapt/") in admin
    assert _url(course, "use/") in admin


def test_an_adaptation_shows_what_it_is_based_on_and_its_attribution(people, course, other_org):
    copy = curriculum.course_adapt(
        actor=_other_admin(), course=course, organization=other_org, title="Principles at Hilltop"
    )
    html = client_for(_other_admin()).get(_url(copy)).content.decode()
    assert "Draft: not in the library" in html
    assert f'<a href="{_url(course)}">Co-op principles</a>' in html
    assert escape("Adapted from “Co-op principles” by Amara Osei, Tomás Herrera") in html
    original = client_for(people["outsider"]).get(_url(course)).content.decode()
    assert "Principles at Hilltop" not in original  # a draft adaptation is not listed
    curriculum.course_publish(actor=_other_admin(), course=copy)
    original = client_for(people["outsider"]).get(_url(course)).content.decode()
    assert "Adaptations" in original and "Principles at Hilltop" in original


# the lesson reader ---------------------------------------------------------------------------


def test_lesson_markdown_is_rendered_and_html_in_it_is_not(people, course):
    lesson = lessons_of(course)[0]
    curriculum.lesson_update(
        actor=people["admin"], lesson=lesson,
        values={"body": "## Why\n\nA *co-op* is **ours**. [ICA](https://ica.coop)\n\n"
                        "- one\n- two\n\n<script>alert('x')</script>\n\n"
                        "<img src=x onerror=alert(1)> [bad](javascript:alert(1))\n"},
    )  # fmt: skip
    html = (
        client_for(people["outsider"]).get(_url(course, f"lessons/{lesson.pk}/")).content.decode()
    )
    assert "<h2>Why</h2>" in html
    assert "A <em>co-op</em> is <strong>ours</strong>." in html
    assert '<a href="https://ica.coop" rel="nofollow noopener">ICA</a>' in html
    assert "<li>one</li>" in html
    assert "<script>alert" not in html and "&lt;script&gt;alert('x')&lt;/script&gt;" in html
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert 'href="javascript:' not in html


def test_the_reader_goes_from_lesson_to_lesson(people, course):
    first, second, third = lessons_of(course)
    client = client_for(people["outsider"])
    html = client.get(_url(course, f"lessons/{second.pk}/")).content.decode()
    assert "Lesson 2 of 3" in html
    assert f'href="{_url(course, f"lessons/{first.pk}/")}" rel="prev"' in html
    assert f'href="{_url(course, f"lessons/{third.pk}/")}" rel="next"' in html
    assert "Mark as done" in html
    # a lesson of another course, or none at all, is a 404
    other = build_course(course.publisher, title="Other")
    assert client.get(_url(course, f"lessons/{lessons_of(other)[0].pk}/")).status_code == 404
    assert client.get(_url(course, "lessons/999999/")).status_code == 404


def test_marking_every_lesson_done_shows_the_badge_on_my_learning(people, course):
    user = people["outsider"]
    user.email = "outsider@example.org"
    user.save()
    client = client_for(user)
    first, second, third = lessons_of(course)
    response = client.post(_url(course, f"lessons/{first.pk}/done/"))
    assert response.status_code == 302
    assert response["Location"] == _url(course, f"lessons/{second.pk}/")
    learning = client.get("/membership/learning/").content.decode()
    assert "1 of 3 lessons done" in learning and "No badges yet" in learning
    client.post(_url(course, f"lessons/{second.pk}/done/"))
    response = client.post(_url(course, f"lessons/{third.pk}/done/"), follow=True)
    badge = BadgeAssertion.objects.get(user=user, course=course)
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == "/membership/learning/"
    assert escape("You completed “Co-op principles” and earned its badge.") in html
    assert f"/badges/assertions/{badge.uid}" in html
    assert f'data-copy="badge-{badge.pk}"' in html
    assert "Badge earned" in html
    page = client.get(_url(course)).content.decode()
    assert "3 of 3 lessons done" in page and "Read again" in page
    # the hosted assertion answers
    assert client.get(f"/badges/assertions/{badge.uid}").status_code == 200


def test_a_lesson_marked_done_can_be_taken_back(people, course):
    user = people["outsider"]
    client = client_for(user)
    first = lessons_of(course)[0]
    client.post(_url(course, f"lessons/{first.pk}/done/"))
    assert "Mark as not done" in client.get(_url(course, f"lessons/{first.pk}/")).content.decode()
    client.post(_url(course, f"lessons/{first.pk}/done/"), {"undo": "1"})
    assert not LessonDone.objects.filter(user=user).exists()


def test_a_course_completed_without_an_e_mail_address_has_its_badge_claimed(people, course):
    user = people["outsider"]  # no e-mail address
    client = client_for(user)
    for lesson in lessons_of(course):
        client.post(_url(course, f"lessons/{lesson.pk}/done/"))
    assert not BadgeAssertion.objects.exists()
    html = client.get(_url(course)).content.decode()
    assert "Claim its badge" in html
    response = client.post(_url(course, "badge/"), follow=True)
    assert "Add an e-mail address to your profile first" in response.content.decode()
    assert not BadgeAssertion.objects.exists()
    user.email = "late@example.org"
    user.save()
    client.post(_url(course, "badge/"))
    assert BadgeAssertion.objects.filter(user=user, course=course).count() == 1


def test_attachments_download_and_never_show_inline(people, course):
    lesson = lessons_of(course)[0]
    attached = curriculum.lesson_file_add(
        actor=people["admin"], lesson=lesson, name="evil.html", content_type="text/html",
        data=b"<script>alert(1)</script>",
    )  # fmt: skip
    client = client_for(people["outsider"])
    assert "evil.html" in client.get(_url(course, f"lessons/{lesson.pk}/")).content.decode()
    response = client.get(_url(course, f"files/{attached.pk}/"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")
    assert response.content == b"<script>alert(1)</script>"
    assert client.get(_url(course, "files/999999/")).status_code == 404


def test_export_downloads_the_package(people, course):
    response = client_for(people["outsider"]).get(_url(course, "export.zip"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == f'attachment; filename="{course.slug}.zip"'
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert "course.json" in names and len([n for n in names if n.endswith(".md")]) == 3


# the editor ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["outsider", "member", "other_coordinator", "coordinator"])
def test_only_the_publisher_s_admins_and_editors_edit_and_a_refusal_changes_nothing(
    people, course, who
):
    client = client_for(people[who])
    lesson = lessons_of(course)[0]
    module = lesson.module
    assert client.get(_url(course, "edit/")).status_code == 403
    assert client.get(_url(course, f"lessons/{lesson.pk}/edit/")).status_code == 403
    before = _writes()
    posts = [
        (_url(course, "edit/"), {"course": "1", "title": "Taken", "language": "en",
                                 "licence": "CC0-1.0"}),
        (_url(course, "edit/"), {"module_add": "1", "module-title": "Mine"}),
        (_url(course, "change/"), {"action": "unpublish"}),
        (_url(course, "change/"), {"action": "module_rename", "module": module.pk,
                                   "title": "Taken"}),
        (_url(course, "change/"), {"action": "module_remove", "module": module.pk}),
        (_url(course, "change/"), {"action": "module_lesson_add", "module": module.pk,
                                   "lesson-title": "Mine"}),
        (_url(course, "change/"), {"action": "lesson_remove", "lesson": lesson.pk}),
        (_url(course, "change/"), {"action": "lesson_down", "lesson": lesson.pk}),
        (_url(course, f"lessons/{lesson.pk}/edit/"), {"lesson": "1", "title": "Taken",
                                                      "minutes": "5", "body": "x"}),
        (_url(course, "adapt/"), {"organization": course.publisher_id, "title": "Mine"}),
        (_url(course, "use/"), {"organization": course.publisher_id}),
    ]  # fmt: skip
    for path, data in posts:
        assert client.post(path, data).status_code == 403, path
    assert _writes() == before
    course.refresh_from_db()
    lesson.refresh_from_db()
    assert course.published and course.title == "Co-op principles"
    assert course.licence == "CC-BY-SA-4.0" and lesson.title == "Lesson 1.1"


def test_the_publisher_s_admin_writes_a_course_through_the_pages(people, org):
    client = client_for(people["admin"])
    assert "Write a course" in client.get("/membership/library/").content.decode()
    response = client.post(
        "/membership/library/new/",
        {"organization": org.pk, "title": "Running a meeting", "summary": "Agendas.",
         "language": "en", "licence": "CC-BY-4.0",
         "authors": "Ada Obi | Riverside Bakery Co-op\nBen Cole", "attribution": ""},
    )  # fmt: skip
    created = Course.objects.get(title="Running a meeting")
    assert response["Location"] == _url(created, "edit/")
    assert not created.published and created.publisher == org
    assert created.authors == [
        {"name": "Ada Obi", "organization": "Riverside Bakery Co-op"},
        {"name": "Ben Cole"},
    ]
    assert (
        "Ada Obi | Riverside Bakery Co-op\nBen Cole"
        in client.get(_url(created, "edit/")).content.decode()
    )
    # publishing without a lesson is refused, with the reason
    refused = client.post(_url(created, "change/"), {"action": "publish"}, follow=True)
    assert "A course needs at least one lesson to be published" in refused.content.decode()
    client.post(_url(created, "edit/"), {"module_add": "1", "module-title": "Before"})
    client.post(_url(created, "edit/"), {"module_add": "1", "module-title": "During"})
    before, during = created.modules.order_by("position")
    client.post(_url(created, "change/"), {"action": "module_lesson_add", "module": before.pk,
                                           "lesson-title": "The agenda"})  # fmt: skip
    client.post(_url(created, "change/"), {"action": "module_lesson_add", "module": before.pk,
                                           "lesson-title": "Papers"})  # fmt: skip
    agenda, papers = Lesson.objects.filter(module=before).order_by("position")
    response = client.post(
        _url(created, f"lessons/{agenda.pk}/edit/"),
        {"lesson": "1", "title": "The agenda", "minutes": "12", "body": "## Items\n\n- one"},
    )
    assert response.status_code == 302
    agenda.refresh_from_db()
    assert (agenda.minutes, agenda.body) == (12, "## Items\n\n- one")
    upload = SimpleUploadedFile("agenda.txt", b"1. Welcome", content_type="text/plain")
    client.post(_url(created, f"lessons/{agenda.pk}/edit/"), {"file_add": "1", "file": upload})
    attached = LessonFile.objects.get(lesson=agenda)
    assert (attached.name, bytes(attached.data)) == ("agenda.txt", b"1. Welcome")
    client.post(_url(created, "change/"), {"action": "lesson_up", "lesson": papers.pk})
    assert list(before.lessons.order_by("position").values_list("title", flat=True)) == [
        "Papers", "The agenda"
    ]  # fmt: skip
    client.post(_url(created, "change/"), {"action": "lesson_to", "lesson": papers.pk,
                                           "to": during.pk})  # fmt: skip
    assert Lesson.objects.get(pk=papers.pk).module == during
    client.post(_url(created, "change/"), {"action": "module_down", "module": before.pk})
    assert list(created.modules.order_by("position").values_list("title", flat=True)) == [
        "During", "Before"
    ]  # fmt: skip
    client.post(_url(created, "change/"), {"action": "module_rename", "module": during.pk,
                                           "title": "In the meeting"})  # fmt: skip
    client.post(_url(created, "change/"), {"action": "file_remove", "file": attached.pk,
                                           "lesson": agenda.pk, "back": "lesson"})  # fmt: skip
    assert not LessonFile.objects.exists()
    client.post(_url(created, "change/"), {"action": "publish"})
    created.refresh_from_db()
    assert created.published
    html = client.get(_url(created, "edit/")).content.decode()
    assert "In the library" in html and "In the meeting" in html
    client.post(_url(created, "change/"), {"action": "lesson_remove", "lesson": papers.pk})
    assert not Lesson.objects.filter(pk=papers.pk).exists()
    client.post(_url(created, "change/"), {"action": "unpublish"})
    created.refresh_from_db()
    assert not created.published


def test_bad_values_in_the_editor_are_answered_without_writing(people, course):
    client = client_for(people["admin"])
    lesson = lessons_of(course)[0]
    before = _writes()
    bad = client.post(
        _url(course, f"lessons/{lesson.pk}/edit/"),
        {"lesson": "1", "title": "", "minutes": "-1", "body": "x"},
    )
    assert bad.status_code == 200 and "has-error" in bad.content.decode()
    bad = client.post(_url(course, "edit/"), {"course": "1", "title": "T", "language": "not a code",
                                               "licence": "CC-BY-SA-4.0"})  # fmt: skip
    assert bad.status_code == 200
    assert "is a language code" in bad.content.decode()
    for data in (
        {"action": "module_up", "module": "x"},
        {"action": "module_up", "module": lesson.module_id},  # already first
        {"action": "lesson_up", "lesson": "99999999999999999999"},
        {"action": "lesson_to", "lesson": lesson.pk, "to": "0"},
        {"action": "module_lesson_add", "module": lesson.module_id, "lesson-title": ""},
        {"action": "nonsense"},
        {},
    ):
        response = client.post(_url(course, "change/"), data)
        assert response.status_code == 302, data
    assert client.post(_url(course, "use/"), {"organization": "abc"}).status_code == 302
    assert _writes() == before


def test_a_copy_keeps_its_attribution_in_the_editor(people, course, other_org):
    copy = curriculum.course_adapt(actor=_other_admin(), course=course, organization=other_org)
    client = client_for(_other_admin())
    html = client.get(_url(copy, "edit/")).content.decode()
    assert "Names the original course; it is kept." in html
    response = client.post(
        _url(copy, "edit/"),
        {"course": "1", "title": "Ours now", "language": "en", "licence": "CC0-1.0",
         "authors": "Me", "attribution": "Nobody"},
    )  # fmt: skip
    assert response.status_code == 200
    copy.refresh_from_db()
    assert copy.title == course.title and copy.licence == "CC-BY-SA-4.0"
    assert copy.attribution.startswith("Adapted from")


# adapting, translating, using ---------------------------------------------------------------


def test_adapt_translate_and_use_through_the_pages(people, course, other_org):
    client = client_for(_other_admin())
    page = client.get(_url(course, "adapt/"))
    assert page.status_code == 200 and "Hilltop Housing Co-op" in page.content.decode()
    response = client.post(
        _url(course, "adapt/"), {"organization": other_org.pk, "title": "Principles at Hilltop"}
    )
    copy = Course.objects.get(based_on=course)
    assert response["Location"] == _url(copy, "edit/")
    assert copy.publisher == other_org and copy.authors[:2] == course.authors
    response = client.post(
        _url(course, "translate/"),
        {"organization": other_org.pk, "language": "es", "title": "Principios",
         "translator": "Inés Caballero"},
    )  # fmt: skip
    spanish = Course.objects.get(translation_of=course)
    assert response["Location"] == _url(spanish, "edit/")
    assert spanish.language == "es" and spanish.authors[-1]["role"] == "translator"
    same = client.post(_url(course, "translate/"), {"organization": other_org.pk,
                                                    "language": "en"})  # fmt: skip
    assert same.status_code == 200 and "is the course&#x27;s own language" in same.content.decode()
    client.post(_url(course, "use/"), {"organization": other_org.pk})
    assert CourseUse.objects.filter(course=course, organization=other_org).exists()
    html = client.get(_url(course)).content.decode()
    assert "Hilltop Housing Co-op uses this course." in html and "1 organisation" in html
    client.post(_url(course, "use/"), {"organization": other_org.pk, "stop": "1"})
    assert not CourseUse.objects.filter(course=course).exists()


def test_a_course_whose_licence_reserves_all_rights_offers_no_adaptation(people, org, other_org):
    reserved = build_course(org, title="Ours alone", licence="all-rights-reserved")
    client = client_for(_other_admin())
    html = client.get(_url(reserved)).content.decode()
    assert _url(reserved, "adapt/") not in html and "All rights reserved" in html
    assert client.get(_url(reserved, "adapt/")).status_code == 403
    assert client.get(_url(reserved, "translate/")).status_code == 403


# layering -----------------------------------------------------------------------------------


def test_the_views_never_check_a_write_themselves():
    tree = ast.parse(VIEWS.read_text())
    problems = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "require":
            problems.append(f"line {node.lineno} calls require()")
        if isinstance(node, ast.FunctionDef) and any(
            "require_POST" in ast.unparse(d) for d in node.decorator_list
        ):
            for inner in ast.walk(node):
                if isinstance(inner, ast.Raise) and "PermissionDenied" in ast.unparse(inner):
                    problems.append(f"{node.name} raises 403")
                if isinstance(inner, ast.Call) and any(k.arg == "for_edit" for k in inner.keywords):
                    problems.append(f"{node.name} checks for_edit")
    assert problems == []
