"""The demo library: three courses in English, the Spanish translation of the first, the
bakery's adaptation of the second (attribution kept), organisations using each course,
and the demo member's badge. And the demo texts themselves: lessons of 150–400 words."""

import pytest
from django.contrib.auth.models import User
from django.utils.html import escape

from intercoop.config.demo import demo_region_build
from intercoop.conftest import client_for
from intercoop.membership import demo_courses
from intercoop.membership.demo import build_curriculum
from intercoop.membership.models import BadgeAssertion, Course, Lesson, LessonDone
from intercoop.membership.selectors_curriculum import progress


def test_every_demo_lesson_is_150_to_400_words_with_minutes():
    courses = [*demo_courses.COURSES, demo_courses.PRINCIPLES_ES]
    lessons = [lesson for course in courses for lesson in demo_courses.all_lessons(course)]
    lessons.append(demo_courses.ADAPTATION["extra_lesson"])
    assert len(lessons) == 21
    for lesson in lessons:
        assert 150 <= len(lesson["body"].split()) <= 400, lesson["title"]
        assert 5 <= lesson["minutes"] <= 20
    for course in courses:
        assert 2 <= len(course["modules"]) <= 3
        assert all(2 <= len(m["lessons"]) <= 3 for m in course["modules"])


def test_the_translation_has_the_shape_of_its_original():
    original, spanish = demo_courses.PRINCIPLES, demo_courses.PRINCIPLES_ES
    assert [len(m["lessons"]) for m in spanish["modules"]] == [
        len(m["lessons"]) for m in original["modules"]
    ]
    assert [lesson["minutes"] for lesson in demo_courses.all_lessons(spanish)] == [
        lesson["minutes"] for lesson in demo_courses.all_lessons(original)
    ]


@pytest.mark.django_db
def test_demo_library():
    demo_region_build()
    principles = Course.objects.get(slug="co-operative-principles")
    governance = Course.objects.get(slug="governance-basics")
    finances = Course.objects.get(slug="reading-co-op-financial-statements")
    for course in (principles, governance, finances):
        assert course.published and course.language == "en"
        assert course.licence == "CC-BY-SA-4.0"
        assert course.based_on is None and course.translation_of is None
        assert 2 <= course.uses.count() <= 4
    assert [a["name"] for a in principles.authors] == ["Amara Osei", "Tomás Herrera"]
    assert principles.publisher.name.endswith("Valley Co-op Federation")
    assert Lesson.objects.filter(module__course=principles).count() == 5
    assert Lesson.objects.filter(module__course=finances).count() == 5

    spanish = Course.objects.get(translation_of=principles)
    assert spanish.published and spanish.language == "es"
    assert spanish.title == "Principios cooperativos"
    assert spanish.licence == principles.licence
    assert [a["name"] for a in spanish.authors] == ["Amara Osei", "Tomás Herrera", "Inés Caballero"]
    assert spanish.authors[2]["role"] == "translator"
    assert spanish.attribution.startswith("Translated from “Co-operative principles” by Amara")
    titles = list(
        Lesson.objects.filter(module__course=spanish)
        .order_by("module__position", "position")
        .values_list("title", flat=True)
    )
    assert titles == [
        lesson["title"] for lesson in demo_courses.all_lessons(demo_courses.PRINCIPLES_ES)
    ]
    assert "cooperativa" in Lesson.objects.filter(module__course=spanish).first().body
    assert spanish.uses.count() == 1

    adapted = Course.objects.get(based_on=governance)
    bakery = adapted.publisher
    assert bakery.roles.filter(user__username="manager").exists()
    assert adapted.published and adapted.title == "Governance basics for worker co-operatives"
    assert adapted.authors == [
        {"name": "Helen Park", "organization": "Northfield Worker Co-op Academy"},
        {"name": "Mo Okafor", "organization": bakery.name},
    ]
    assert adapted.attribution.startswith("Adapted from “Governance basics” by Helen Park")
    assert "CC BY-SA 4.0 (https://creativecommons.org/licenses/by-sa/4.0/)" in adapted.attribution
    assert Lesson.objects.filter(module__course=adapted).count() == 6
    assert adapted.uses.filter(organization=bakery).exists()
    assert principles.uses.filter(organization=bakery).exists()
    assert Course.objects.count() == 5

    member = User.objects.get(username="member")
    badge = BadgeAssertion.objects.get(user=member)
    assert badge.course == principles and not badge.revoked
    assert progress(member, principles).complete
    assert progress(member, governance).done == 2
    assert LessonDone.objects.filter(user=member).count() == 7

    # building it again adds nothing
    assert build_curriculum() == 0
    assert Course.objects.count() == 5

    # the member sees the badge on their learning page, and the library the five courses
    client = client_for(member)
    learning = client.get("/membership/learning/")
    assert learning.status_code == 200
    assert badge.uid in learning.content.decode()
    library = client.get("/membership/library/").content.decode()
    assert all(escape(c.title) in library for c in Course.objects.all())
