"""The curriculum's services: writing courses, modules, lessons and files, publishing,
adapting (attribution kept), translating (linked), organisations using a course."""

import pytest
from django.core.exceptions import PermissionDenied

from intercoop.conftest import make_org, make_user
from intercoop.core.audit import system_actor
from intercoop.core.errors import DomainError, InvalidValues
from intercoop.core.models import AuditEvent
from intercoop.directory import services as directory_services
from intercoop.directory.models import OrganizationRole
from intercoop.membership import curriculum
from intercoop.membership.models import Course, CourseModule, CourseUse, Lesson, LessonFile
from intercoop.membership.selectors_curriculum import library
from intercoop.membership.tests.courses import AUTHORS, build_course, lessons_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def other(people):
    """Another co-op with its own admin ("editor2" is its editor)."""
    organization = make_org(name="Hillside Housing Co-op")
    for username, role in (("admin2", "admin"), ("editor2", "editor")):
        directory_services.organization_role_assign(
            actor=system_actor(),
            organization=organization,
            user=make_user(username),
            role=OrganizationRole.Role(role),
        )
    return organization


def _admin2():
    from django.contrib.auth.models import User

    return User.objects.get(username="admin2")


# writing courses ------------------------------------------------------------------------


def test_an_admin_creates_a_draft_course_with_defaults(people, org):
    course = curriculum.course_create(actor=people["admin"], organization=org, title=" Co-op 101 ")
    assert course.slug == "co-op-101"
    assert course.title == "Co-op 101"
    assert course.licence == "CC-BY-SA-4.0"
    assert course.language == "en"
    assert course.published is False
    assert course.publisher == org
    assert course.authors == [{"name": "admin", "organization": "Riverside Bakery Co-op"}]
    assert course.created_by == people["admin"]
    again = curriculum.course_create(actor=people["admin"], organization=org, title="Co-op 101")
    assert again.slug == "co-op-101-2"
    event = AuditEvent.objects.filter(action="course.create").order_by("pk").first()
    assert (event.actor, event.object_id, event.summary) == (
        people["admin"],
        str(course.pk),
        "Co-op 101",
    )


def test_bad_values_are_named_and_nothing_is_written(people, org):
    with pytest.raises(InvalidValues) as refused:
        curriculum.course_create(
            actor=people["admin"],
            organization=org,
            title="  ",
            language="English",
            licence="GPL",
            authors=[{"organization": "x"}, 3],
        )
    assert refused.value.errors == {
        "title": "is required",
        "language": "is a language code, such as en, es or pt-BR",
        "licence": "'GPL' is not one of CC-BY-SA-4.0, CC-BY-4.0, CC-BY-NC-SA-4.0, CC0-1.0, "
        "all-rights-reserved",
        "authors[0].name": "is required",
    }
    assert Course.objects.count() == 0
    assert not AuditEvent.objects.filter(action__startswith="course.").exists()


@pytest.mark.parametrize(
    "who", ["anonymous", "outsider", "member", "coordinator", "other_coordinator"]
)
def test_only_admins_editors_and_staff_create_courses(people, org, who):
    events = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied):
        curriculum.course_create(actor=people[who], organization=org, title="Co-op 101")
    assert Course.objects.count() == 0
    assert AuditEvent.objects.count() == events


def test_staff_create_courses(people, org):
    course = curriculum.course_create(actor=people["staff"], organization=org, title="X")
    assert course.publisher == org


def test_update_changes_only_the_keys_given(people, org):
    course = build_course(org)
    curriculum.course_update(
        actor=people["admin"], course=course, values={"title": "Principles", "licence": "CC0-1.0"}
    )
    course.refresh_from_db()
    assert (course.title, course.licence, course.summary) == (
        "Principles",
        "CC0-1.0",
        "The seven principles, in short.",
    )
    assert course.slug == "co-op-principles"  # stable: URLs and badges point at it
    with pytest.raises(PermissionDenied):
        curriculum.course_update(actor=people["member"], course=course, values={"title": "Y"})
    course.refresh_from_db()
    assert course.title == "Principles"


def test_publishing_needs_a_lesson(people, org):
    course = build_course(org, published=False, shape=())
    with pytest.raises(DomainError, match="at least one lesson"):
        curriculum.course_publish(actor=people["admin"], course=course)
    module = curriculum.module_add(actor=people["admin"], course=course, title="M")
    curriculum.lesson_add(actor=people["admin"], module=module, title="L")
    with pytest.raises(PermissionDenied):
        curriculum.course_publish(actor=people["member"], course=course)
    assert curriculum.course_publish(actor=people["admin"], course=course).published is True
    assert curriculum.course_unpublish(actor=people["admin"], course=course).published is False
    assert Course.objects.get().published is False


def test_a_draft_is_deleted_but_not_a_published_course(people, org):
    course = build_course(org)
    with pytest.raises(DomainError, match="Unpublish"):
        curriculum.course_delete(actor=people["admin"], course=course)
    curriculum.course_unpublish(actor=people["admin"], course=course)
    with pytest.raises(PermissionDenied):
        curriculum.course_delete(actor=people["member"], course=course)
    curriculum.course_delete(actor=people["admin"], course=course)
    assert Course.objects.count() == 0
    assert Lesson.objects.count() == 0


# modules and lessons --------------------------------------------------------------------


def _titles(course):
    return [
        (m.title, [lesson.title for lesson in m.lessons.order_by("position")])
        for m in course.modules.order_by("position")
    ]


def test_modules_and_lessons_are_added_moved_and_removed_in_order(people, org):
    admin = people["admin"]
    course = build_course(org, shape=(2, 1, 0))
    first, second, third = course.modules.order_by("position")
    curriculum.module_move(actor=admin, module=third, position=1)
    assert _titles(course) == [
        ("Module 3", []),
        ("Module 1", ["Lesson 1.1", "Lesson 1.2"]),
        ("Module 2", ["Lesson 2.1"]),
    ]
    lesson = first.lessons.get(position=2)
    curriculum.lesson_move(actor=admin, lesson=lesson, position=1)
    assert _titles(course)[1] == ("Module 1", ["Lesson 1.2", "Lesson 1.1"])
    curriculum.lesson_move(actor=admin, lesson=lesson, position=2, module=second)
    assert _titles(course)[1:] == [
        ("Module 1", ["Lesson 1.1"]),
        ("Module 2", ["Lesson 2.1", "Lesson 1.2"]),
    ]
    assert list(second.lessons.order_by("position").values_list("position", flat=True)) == [1, 2]
    assert first.lessons.get().position == 1
    curriculum.module_remove(actor=admin, module=third)
    assert list(course.modules.order_by("position").values_list("title", "position")) == [
        ("Module 1", 1),
        ("Module 2", 2),
    ]
    curriculum.lesson_remove(actor=admin, lesson=second.lessons.get(position=1))
    assert list(second.lessons.values_list("title", "position")) == [("Lesson 1.2", 1)]
    curriculum.module_update(actor=admin, module=first, title="Basics")
    curriculum.lesson_update(
        actor=admin, lesson=lesson, values={"title": "Why", "body": "*Why*", "minutes": 30}
    )
    lesson.refresh_from_db()
    assert (lesson.title, lesson.body, lesson.minutes) == ("Why", "*Why*", 30)


def test_positions_and_moves_are_checked(people, org):
    admin = people["admin"]
    course = build_course(org)
    module = course.modules.get(position=1)
    with pytest.raises(InvalidValues) as refused:
        curriculum.module_move(actor=admin, module=module, position=3)
    assert refused.value.errors == {"position": "must be a whole number from 1 to 2"}
    elsewhere = build_course(org, title="Other")
    with pytest.raises(DomainError, match="within its course"):
        curriculum.lesson_move(
            actor=admin,
            lesson=module.lessons.get(position=1),
            position=1,
            module=elsewhere.modules.get(position=1),
        )
    assert _titles(course) == [
        ("Module 1", ["Lesson 1.1", "Lesson 1.2"]),
        ("Module 2", ["Lesson 2.1"]),
    ]


def test_lesson_values_are_bounded(people, org):
    module = build_course(org).modules.get(position=1)
    with pytest.raises(InvalidValues) as refused:
        curriculum.lesson_add(
            actor=people["admin"], module=module, title="Long", body="x" * 50_001, minutes=0
        )
    assert refused.value.errors == {
        "body": "is 50001 characters long; at most 50000 are allowed",
        "minutes": "must be a whole number from 1 to 600",
    }
    assert module.lessons.count() == 2
    with pytest.raises(PermissionDenied):
        curriculum.lesson_add(actor=people["member"], module=module, title="Mine")
    assert module.lessons.count() == 2


def test_files_are_at_most_5_mb_with_a_plain_name(people, org):
    lesson = lessons_of(build_course(org))[0]
    admin = people["admin"]
    attached = curriculum.lesson_file_add(
        actor=admin,
        lesson=lesson,
        name="../../etc/handout.pdf",
        content_type="application/pdf",
        data=b"%PDF",
    )
    assert (attached.name, attached.size, attached.content_type) == (
        "handout.pdf",
        4,
        "application/pdf",
    )
    with pytest.raises(DomainError, match=r"already has a file named handout\.pdf"):
        curriculum.lesson_file_add(
            actor=admin, lesson=lesson, name="handout.pdf", content_type="", data=b"x"
        )
    with pytest.raises(DomainError, match="at most 5 MB"):
        curriculum.lesson_file_add(
            actor=admin,
            lesson=lesson,
            name="big.bin",
            content_type="",
            data=b"x" * (5 * 1024 * 1024 + 1),
        )
    with pytest.raises(DomainError, match="empty"):
        curriculum.lesson_file_add(
            actor=admin, lesson=lesson, name="e.txt", content_type="", data=b""
        )
    with pytest.raises(PermissionDenied):
        curriculum.lesson_file_add(
            actor=people["member"], lesson=lesson, name="m.txt", content_type="", data=b"x"
        )
    assert list(LessonFile.objects.values_list("name", flat=True)) == ["handout.pdf"]
    curriculum.lesson_file_remove(actor=admin, file=attached)
    assert LessonFile.objects.count() == 0


# adapting and translating ---------------------------------------------------------------


def test_an_adaptation_keeps_the_original_authors_first_and_says_what_it_is_based_on(
    people, org, other
):
    original = build_course(org)
    lesson = lessons_of(original)[0]
    curriculum.lesson_file_add(
        actor=people["admin"], lesson=lesson, name="a.txt", content_type="text/plain", data=b"hi"
    )
    copy = curriculum.course_adapt(
        actor=_admin2(), course=original, organization=other, title="Principles for housing"
    )
    assert copy.based_on == original
    assert copy.translation_of is None
    assert copy.publisher == other
    assert copy.published is False
    assert copy.slug == "principles-for-housing"
    assert copy.licence == "CC-BY-SA-4.0"
    assert copy.language == "en"
    assert copy.authors == [*AUTHORS, {"name": "admin2", "organization": "Hillside Housing Co-op"}]
    assert copy.attribution == (
        "Adapted from “Co-op principles” by Amara Osei, Tomás Herrera (Riverside Bakery Co-op), "
        "licensed under CC BY-SA 4.0 (https://creativecommons.org/licenses/by-sa/4.0/)."
    )
    assert _titles(copy) == _titles(original)
    assert [x.body for x in lessons_of(copy)] == [x.body for x in lessons_of(original)]
    assert bytes(LessonFile.objects.get(lesson__module__course=copy).data) == b"hi"
    assert list(original.adaptations.all()) == [copy]
    # an adaptation of the adaptation names both (once it is published: a draft is its
    # publisher's)
    with pytest.raises(PermissionDenied):
        curriculum.course_adapt(actor=people["admin"], course=copy, organization=org)
    curriculum.course_publish(actor=_admin2(), course=copy)
    again = curriculum.course_adapt(
        actor=people["admin"], course=copy, organization=org, authors=[]
    )
    assert again.slug == "principles-for-housing-riverside-bakery-co-op"
    assert again.authors == copy.authors
    assert again.attribution.splitlines() == [
        "Adapted from “Principles for housing” by Amara Osei, Tomás Herrera, admin2 "
        "(Hillside Housing Co-op), licensed under CC BY-SA 4.0 "
        "(https://creativecommons.org/licenses/by-sa/4.0/).",
        copy.attribution,
    ]


def test_an_adaptation_cannot_drop_the_original_authors_attribution_or_sharealike(
    people, org, other
):
    copy = curriculum.course_adapt(actor=_admin2(), course=build_course(org), organization=other)
    with pytest.raises(InvalidValues) as refused:
        curriculum.course_update(
            actor=_admin2(),
            course=copy,
            values={
                "licence": "CC-BY-4.0",
                "authors": [{"name": "admin2"}],
                "attribution": "Ours.",
            },
        )
    assert refused.value.errors == {
        "licence": "an adaptation of a ShareAlike course keeps its licence",
        "authors": "the original's authors stay first",
        "attribution": "says what the course is based on; it is kept",
    }
    copy.refresh_from_db()
    assert (copy.licence, copy.authors[:2]) == ("CC-BY-SA-4.0", AUTHORS)
    more = [*AUTHORS, {"name": "Lee"}]
    curriculum.course_update(
        actor=_admin2(), course=copy, values={"authors": more, "title": "Ours"}
    )
    assert Course.objects.get(pk=copy.pk).authors == more


def test_non_commercial_sharealike_is_carried_over(people, org, other):
    original = build_course(org, licence="CC-BY-NC-SA-4.0")
    copy = curriculum.course_adapt(actor=_admin2(), course=original, organization=other)
    assert copy.licence == "CC-BY-NC-SA-4.0"
    assert copy.attribution.endswith(
        "licensed under CC BY-NC-SA 4.0 (https://creativecommons.org/licenses/by-nc-sa/4.0/)."
    )
    with pytest.raises(InvalidValues):
        curriculum.course_update(actor=_admin2(), course=copy, values={"licence": "CC0-1.0"})
    # an attribution licence lets the adapter choose
    free = curriculum.course_adapt(
        actor=_admin2(),
        course=build_course(org, title="B", licence="CC-BY-4.0"),
        organization=other,
    )
    curriculum.course_update(actor=_admin2(), course=free, values={"licence": "CC-BY-SA-4.0"})
    assert Course.objects.get(pk=free.pk).licence == "CC-BY-SA-4.0"


def test_all_rights_reserved_is_adapted_only_by_its_publisher(people, org, other):
    original = build_course(org, licence="all-rights-reserved")
    courses = Course.objects.count()
    with pytest.raises(PermissionDenied):
        curriculum.course_adapt(actor=_admin2(), course=original, organization=other)
    with pytest.raises(PermissionDenied):
        curriculum.course_translate(
            actor=_admin2(), course=original, organization=other, language="es"
        )
    assert Course.objects.count() == courses
    own = curriculum.course_adapt(
        actor=people["admin"], course=original, organization=org, title="Second edition"
    )
    assert own.licence == "all-rights-reserved"
    assert own.attribution == (
        "Adapted from “Co-op principles” by Amara Osei, Tomás Herrera (Riverside Bakery Co-op), "
        "licensed under All rights reserved."
    )


def test_adapting_needs_to_read_the_course_and_speak_for_the_organisation(people, org, other):
    draft = build_course(org, published=False)
    with pytest.raises(PermissionDenied):  # someone else's draft
        curriculum.course_adapt(actor=_admin2(), course=draft, organization=other)
    published = build_course(org, title="Published")
    with pytest.raises(PermissionDenied):  # not theirs to speak for
        curriculum.course_adapt(actor=people["admin"], course=published, organization=other)
    with pytest.raises(PermissionDenied):
        curriculum.course_adapt(actor=people["member"], course=published, organization=org)
    assert Course.objects.count() == 2
    assert not AuditEvent.objects.filter(action="course.adapt").exists()


def test_a_translation_is_linked_with_the_same_authors_and_the_translator(people, org, other):
    original = build_course(org)
    spanish = curriculum.course_translate(
        actor=_admin2(),
        course=original,
        organization=other,
        language="es",
        title="Principios cooperativos",
    )
    assert spanish.translation_of == original
    assert spanish.based_on is None
    assert (spanish.language, spanish.title, spanish.slug) == (
        "es",
        "Principios cooperativos",
        "principios-cooperativos",
    )
    assert spanish.licence == original.licence
    assert spanish.authors == [
        *AUTHORS,
        {"name": "admin2", "organization": "Hillside Housing Co-op", "role": "translator"},
    ]
    assert spanish.attribution == (
        "Translated from “Co-op principles” by Amara Osei, Tomás Herrera (Riverside Bakery Co-op), "
        "licensed under CC BY-SA 4.0 (https://creativecommons.org/licenses/by-sa/4.0/)."
    )
    assert _titles(spanish) == _titles(original)
    assert list(original.translations.all()) == [spanish]
    # a translation of the (published) translation is linked to the first original
    curriculum.course_publish(actor=_admin2(), course=spanish)
    french = curriculum.course_translate(
        actor=people["admin"],
        course=spanish,
        organization=org,
        language="fr",
        translator="Claire Martin",
    )
    assert french.translation_of == original
    assert french.authors[-1] == {
        "name": "Claire Martin",
        "organization": "Riverside Bakery Co-op",
        "role": "translator",
    }
    assert set(original.translations.all()) == {spanish, french}


def test_a_translation_is_into_another_language(people, org):
    original = build_course(org)
    with pytest.raises(InvalidValues) as refused:
        curriculum.course_translate(
            actor=people["admin"], course=original, organization=org, language="en"
        )
    assert refused.value.errors == {"language": "is the course's own language"}
    with pytest.raises(InvalidValues):
        curriculum.course_translate(
            actor=people["admin"], course=original, organization=org, language=""
        )
    assert Course.objects.count() == 1


# organisations using a course -----------------------------------------------------------


def test_organisations_use_published_courses_and_the_library_counts_them(people, org, other):
    course = build_course(org)
    other_course = build_course(org, title="Governance basics")
    first = curriculum.course_use(actor=_admin2(), course=course, organization=other)
    assert curriculum.course_use(actor=_admin2(), course=course, organization=other) == first
    curriculum.course_use(actor=people["admin"], course=course, organization=org)
    assert AuditEvent.objects.filter(action="course.use").count() == 2
    with pytest.raises(PermissionDenied):
        curriculum.course_use(actor=people["member"], course=other_course, organization=org)
    counts = {c.slug: c.organizations_using for c in library(people["outsider"])}
    assert counts == {"co-op-principles": 2, "governance-basics": 0}
    draft = build_course(org, title="Draft", published=False)
    with pytest.raises(PermissionDenied):
        curriculum.course_use(actor=_admin2(), course=draft, organization=other)
    curriculum.course_unuse(actor=_admin2(), course=course, organization=other)
    assert CourseUse.objects.filter(course=course).count() == 1
    assert "draft" not in {c.slug for c in library(people["admin"])}


def test_module_limits(people, org, monkeypatch):
    monkeypatch.setattr(curriculum, "MAX_MODULES", 2)
    course = build_course(org, published=False, shape=(1, 1))
    with pytest.raises(DomainError, match="at most 2 modules"):
        curriculum.module_add(actor=people["admin"], course=course, title="Third")
    assert CourseModule.objects.filter(course=course).count() == 2
