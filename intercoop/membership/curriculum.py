"""Writes of the shared curriculum: courses → modules → lessons (Markdown) with files,
publishing to the library, adapting and translating (copies that keep the original's
authors and say what they were based on), organisations adopting a course, and people
following one (`completion.py`, re-exported here): when every lesson of a course is done,
the course is complete and an Open Badges 2.0 assertion is issued, once.

Each service takes the acting user first (keyword-only), checks its one rule
(`permissions_curriculum`) itself, bounds its input and writes with an audit event in one
transaction. Positions of modules and lessons count from 1.

Licences: a copy (adaptation or translation) starts under the original's licence; a copy
of a ShareAlike course (CC BY-SA, CC BY-NC-SA) keeps it for good, and a course whose
licence reserves all rights is copied only by its own publisher.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from django.db import models, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from intercoop.core.audit import SYSTEM_USERNAME, audit_record
from intercoop.core.bounds import LONG_TEXT
from intercoop.core.errors import DomainError, InvalidValues
from intercoop.core.notifications import display_name
from intercoop.core.permissions import AnyUser, recorded_user, require
from intercoop.directory.models import Organization
from intercoop.membership import permissions_curriculum as rules
from intercoop.membership.completion import (  # noqa: F401 - re-exported
    badge_issue,
    badge_revoke,
    is_complete,
    lesson_done,
    lesson_undone,
    live_badge,
    register_course_completed_listener,
)
from intercoop.membership.course_values import (  # noqa: F401 - re-exported
    DEFAULT_LICENCE,
    LICENCE_CODES,
    MAX_AUTHORS,
    MAX_FILES,
    MAX_LESSONS,
    MAX_MINUTES,
    MAX_MODULES,
    SHARE_ALIKE,
    Author,
    Values,
    clean_authors,
    clean_body,
    clean_file_name,
    clean_language,
    clean_licence,
    clean_minutes,
    clean_title,
    long_text,
    unique_slug,
)
from intercoop.membership.models import (
    LICENCE_URLS,
    LICENCES,
    MAX_FILE_BYTES,
    Course,
    CourseModule,
    CourseUse,
    Lesson,
    LessonFile,
)

_PARKED = 10_000  # positions are moved out of the way here while renumbering


def _original(course: Course) -> Course | None:
    return course.based_on or course.translation_of


def _licence_allowed(course: Course, licence: str) -> bool:
    """A copy of a ShareAlike course keeps its licence."""
    original = _original(course)
    return original is None or original.licence not in SHARE_ALIKE or licence == original.licence


def _audit(
    actor: AnyUser,
    action: str,
    target: models.Model,
    course: Course,
    summary: str,
    others: Iterable[Organization] = (),
) -> None:
    audit_record(
        actor=actor,
        action=action,
        target=target,
        summary=summary,
        organizations=[course.publisher, *others],
    )


def _author_entry(actor: AnyUser, organization: Organization, role: str = "") -> list[Author]:
    """The acting person as an author (none for the system actor of the CLI and demo)."""
    name = display_name(actor)
    if not name or getattr(actor, "username", "") == SYSTEM_USERNAME:
        return []
    entry = {"name": name, "organization": organization.name}
    return [entry | {"role": role}] if role else [entry]


# courses --------------------------------------------------------------------------------


def course_create(
    *,
    actor: AnyUser,
    organization: Organization,
    title: str,
    summary: str = "",
    language: str = "en",
    licence: str = DEFAULT_LICENCE,
    authors: Sequence[Any] | None = None,
    attribution: str = "",
    slug: str = "",
) -> Course:
    """A draft course of `organization` (its admins and editors). Authors default to the
    acting person of the organisation."""
    require(
        rules.can_create_course(actor, organization),
        _("Only the organisation's admins and editors write its courses"),
    )
    v = Values()
    v.check("title", clean_title, title)
    v.check("summary", long_text, summary)
    v.check("language", clean_language, language)
    v.check("licence", clean_licence, licence)
    default_authors = _author_entry(actor, organization)
    v.check("authors", clean_authors, default_authors if authors is None else list(authors))
    v.check("attribution", long_text, attribution)
    clean = v.done()
    now = timezone.now()
    with transaction.atomic():
        course = Course.objects.create(
            slug=unique_slug(slug or clean["title"]),
            publisher=organization,
            created_at=now,
            updated_at=now,
            created_by=recorded_user(actor),
            **clean,
        )
        _audit(actor, "course.create", course, course, course.title)
    return course


def course_update(*, actor: AnyUser, course: Course, values: Mapping[str, Any]) -> Course:
    """Change a course's title, summary, language, licence, authors or attribution (only
    the keys given). An adaptation or translation keeps the original's authors first and
    its generated attribution; a copy of a ShareAlike course keeps its licence."""
    require(
        rules.can_edit_course(actor, course),
        _("Only the publisher's admins and editors change this course"),
    )
    v = Values()
    checkers: dict[str, Callable[..., Any]] = {
        "title": clean_title,
        "summary": long_text,
        "language": clean_language,
        "licence": clean_licence,
        "authors": clean_authors,
        "attribution": long_text,
    }
    for field, checker in checkers.items():
        if field in values:
            v.check(field, checker, values[field])
    clean = v.clean
    original = _original(course)
    if "licence" in clean and not _licence_allowed(course, clean["licence"]):
        v.fail("licence", _("an adaptation of a ShareAlike course keeps its licence"))
    if original is not None:
        kept = original.authors
        if "authors" in clean and clean["authors"][: len(kept)] != kept:
            v.fail("authors", _("the original's authors stay first"))
        if "attribution" in clean and clean["attribution"] != course.attribution:
            v.fail("attribution", _("says what the course is based on; it is kept"))
    clean = v.done()
    with transaction.atomic():
        for field, value in clean.items():
            setattr(course, field, value)
        course.updated_at = timezone.now()
        course.save()
        _audit(actor, "course.update", course, course, ", ".join(sorted(clean)) or course.title)
    return course


def course_publish(*, actor: AnyUser, course: Course) -> Course:
    """Put a course in the library (it needs a lesson)."""
    require(
        rules.can_edit_course(actor, course),
        _("Only the publisher's admins and editors publish this course"),
    )
    if not Lesson.objects.filter(module__course=course).exists():
        raise DomainError(_("A course needs at least one lesson to be published"))
    with transaction.atomic():
        course.published = True
        course.updated_at = timezone.now()
        course.save(update_fields=["published", "updated_at"])
        _audit(actor, "course.publish", course, course, course.title)
    return course


def course_unpublish(*, actor: AnyUser, course: Course) -> Course:
    """Take a course out of the library (its publisher's people still see it; badges
    already issued stay valid)."""
    require(
        rules.can_edit_course(actor, course),
        _("Only the publisher's admins and editors unpublish this course"),
    )
    with transaction.atomic():
        course.published = False
        course.updated_at = timezone.now()
        course.save(update_fields=["published", "updated_at"])
        _audit(actor, "course.unpublish", course, course, course.title)
    return course


def course_delete(*, actor: AnyUser, course: Course) -> None:
    """Delete a draft nobody has earned a badge for nor put in a pathway."""
    require(
        rules.can_edit_course(actor, course),
        _("Only the publisher's admins and editors delete this course"),
    )
    if course.published:
        raise DomainError(_("Unpublish the course before deleting it"))
    if course.assertions.exists():
        raise DomainError(_("People earned this course's badge: it is kept"))
    title = course.title
    try:
        with transaction.atomic():
            _audit(actor, "course.delete", course, course, title)
            course.delete()
    except ProtectedError:
        raise DomainError(_("A pathway uses this course: it is kept")) from None


# modules and lessons --------------------------------------------------------------------


def _touch(course: Course) -> None:
    course.updated_at = timezone.now()
    course.save(update_fields=["updated_at"])


def _renumber(model: type[models.Model], items: Sequence[Any], fields: Sequence[str] = ()) -> None:
    """Give `items` positions 1, 2, … in order. Two passes: the unique position of each
    module (or lesson) must hold after every row, so they are parked out of the way first."""
    for index, item in enumerate(items):
        item.position = _PARKED + index + 1
    model.objects.bulk_update(items, ["position", *fields])  # type: ignore[attr-defined]
    for index, item in enumerate(items):
        item.position = index + 1
    model.objects.bulk_update(items, ["position"])  # type: ignore[attr-defined]


def _check_position(position: Any, most: int) -> int:
    if isinstance(position, bool) or not isinstance(position, int) or not 1 <= position <= most:
        message = _("must be a whole number from %(low)s to %(high)s") % {"low": 1, "high": most}
        raise InvalidValues({"position": message})
    return position


def module_add(*, actor: AnyUser, course: Course, title: str) -> CourseModule:
    """A module at the end of the course."""
    require(
        rules.can_edit_course(actor, course),
        _("Only the publisher's admins and editors change this course"),
    )
    title = clean_title(title)
    with transaction.atomic():
        count = course.modules.count()
        if count >= MAX_MODULES:
            raise DomainError(_("A course has at most %(most)d modules") % {"most": MAX_MODULES})
        module = CourseModule.objects.create(course=course, position=count + 1, title=title)
        _touch(course)
        _audit(actor, "course.module_add", module, course, title)
    return module


def module_update(*, actor: AnyUser, module: CourseModule, title: str) -> CourseModule:
    course = module.course
    require(
        rules.can_edit_course(actor, course),
        _("Only the publisher's admins and editors change this course"),
    )
    title = clean_title(title)
    with transaction.atomic():
        module.title = title
        module.save(update_fields=["title"])
        _touch(course)
        _audit(actor, "course.module_update", module, course, title)
    return module


def module_move(*, actor: AnyUser, module: CourseModule, position: int) -> CourseModule:
    """Move a module to `position` (1 is first); the others close up."""
    course = module.course
    require(
        rules.can_edit_course(actor, course),
        _("Only the publisher's admins and editors change this course"),
    )
    with transaction.atomic():
        modules = list(course.modules.select_for_update().order_by("position"))
        position = _check_position(position, len(modules))
        modules = [m for m in modules if m.pk != module.pk]
        modules.insert(position - 1, module)
        _renumber(CourseModule, modules)
        _touch(course)
        _audit(actor, "course.module_move", module, course, f"{module.title} → {position}")
    return module


def module_remove(*, actor: AnyUser, module: CourseModule) -> None:
    """Remove a module with its lessons (and the progress people made on them)."""
    course = module.course
    require(
        rules.can_edit_course(actor, course),
        _("Only the publisher's admins and editors change this course"),
    )
    with transaction.atomic():
        _audit(actor, "course.module_remove", module, course, module.title)
        module.delete()
        _renumber(CourseModule, list(course.modules.order_by("position")))
        _touch(course)


def lesson_add(
    *, actor: AnyUser, module: CourseModule, title: str, body: str = "", minutes: int = 10
) -> Lesson:
    """A lesson (Markdown text, estimated minutes) at the end of the module."""
    course = module.course
    require(
        rules.can_edit_course(actor, course),
        _("Only the publisher's admins and editors change this course"),
    )
    v = Values()
    v.check("title", clean_title, title)
    v.check("body", clean_body, body)
    v.check("minutes", clean_minutes, minutes)
    clean = v.done()
    with transaction.atomic():
        count = module.lessons.count()
        if count >= MAX_LESSONS:
            raise DomainError(_("A module has at most %(most)d lessons") % {"most": MAX_LESSONS})
        lesson = Lesson.objects.create(module=module, position=count + 1, **clean)
        _touch(course)
        _audit(actor, "course.lesson_add", lesson, course, lesson.title)
    return lesson


def lesson_update(*, actor: AnyUser, lesson: Lesson, values: Mapping[str, Any]) -> Lesson:
    """Change a lesson's title, body (Markdown) or minutes (only the keys given)."""
    course = lesson.module.course
    require(
        rules.can_edit_course(actor, course),
        _("Only the publisher's admins and editors change this course"),
    )
    v = Values()
    checkers = {"title": clean_title, "body": clean_body, "minutes": clean_minutes}
    for field, checker in checkers.items():
        if field in values:
            v.check(field, checker, values[field])
    clean = v.done()
    with transaction.atomic():
        for field, value in clean.items():
            setattr(lesson, field, value)
        lesson.save()
        _touch(course)
        _audit(actor, "course.lesson_update", lesson, course, lesson.title)
    return lesson


def lesson_move(
    *, actor: AnyUser, lesson: Lesson, position: int, module: CourseModule | None = None
) -> Lesson:
    """Move a lesson to `position` (1 is first) of its module, or of another `module` of
    the same course; the others close up."""
    source = lesson.module
    course = source.course
    require(
        rules.can_edit_course(actor, course),
        _("Only the publisher's admins and editors change this course"),
    )
    target = module or source
    if target.course_id != course.pk:
        raise DomainError(_("A lesson moves within its course"), field="module")
    with transaction.atomic():
        lessons = list(target.lessons.select_for_update().order_by("position"))
        lessons = [x for x in lessons if x.pk != lesson.pk]
        if target.pk != source.pk and len(lessons) >= MAX_LESSONS:
            raise DomainError(_("A module has at most %(most)d lessons") % {"most": MAX_LESSONS})
        position = _check_position(position, len(lessons) + 1)
        lesson.module = target
        lessons.insert(position - 1, lesson)
        _renumber(Lesson, lessons, ["module"])
        if target.pk != source.pk:
            _renumber(Lesson, list(source.lessons.order_by("position")))
        _touch(course)
        _audit(actor, "course.lesson_move", lesson, course, f"{lesson.title} → {position}")
    return lesson


def lesson_remove(*, actor: AnyUser, lesson: Lesson) -> None:
    module = lesson.module
    course = module.course
    require(
        rules.can_edit_course(actor, course),
        _("Only the publisher's admins and editors change this course"),
    )
    with transaction.atomic():
        _audit(actor, "course.lesson_remove", lesson, course, lesson.title)
        lesson.delete()
        _renumber(Lesson, list(module.lessons.order_by("position")))
        _touch(course)


def lesson_file_add(
    *, actor: AnyUser, lesson: Lesson, name: str, content_type: str, data: bytes
) -> LessonFile:
    """Attach a file (at most 5 MB; at most 20 on a lesson; names unique on the lesson)."""
    course = lesson.module.course
    require(
        rules.can_edit_course(actor, course),
        _("Only the publisher's admins and editors change this course"),
    )
    name = clean_file_name(name)
    if not data:
        raise DomainError(_("The file is empty"), field="file")
    if len(data) > MAX_FILE_BYTES:
        raise DomainError(_("A file is at most 5 MB"), field="file")
    with transaction.atomic():
        if lesson.files.count() >= MAX_FILES:
            raise DomainError(
                _("A lesson has at most %(most)d files") % {"most": MAX_FILES}, field="file"
            )
        if lesson.files.filter(name=name).exists():
            raise DomainError(
                _("The lesson already has a file named %(name)s") % {"name": name}, field="name"
            )
        attached = LessonFile.objects.create(
            lesson=lesson,
            name=name,
            content_type=(content_type or "application/octet-stream")[:100],
            size=len(data),
            data=data,
        )
        _touch(course)
        _audit(actor, "course.file_add", attached, course, name)
    return attached


def lesson_file_remove(*, actor: AnyUser, file: LessonFile) -> None:
    course = file.lesson.module.course
    require(
        rules.can_edit_course(actor, course),
        _("Only the publisher's admins and editors change this course"),
    )
    with transaction.atomic():
        _audit(actor, "course.file_remove", file, course, file.name)
        file.delete()
        _touch(course)


# adapting, translating, using -------------------------------------------------------------


def attribution_for(original: Course, *, translation: bool) -> str:
    """'Adapted from “Title” by A, B (Publisher), licensed under CC BY-SA 4.0 (url).'
    followed by the original's own attribution, so a chain of copies names every source."""
    label = str(dict(LICENCES)[original.licence])
    url = LICENCE_URLS.get(original.licence, "")
    params = {
        "title": original.title,
        "authors": ", ".join(a["name"] for a in original.authors) or original.publisher.name,
        "publisher": original.publisher.name,
        "licence": f"{label} ({url})" if url else label,
    }
    if translation:
        text = _(
            "Translated from “%(title)s” by %(authors)s (%(publisher)s), "
            "licensed under %(licence)s."
        )
    else:
        text = _(
            "Adapted from “%(title)s” by %(authors)s (%(publisher)s), licensed under %(licence)s."
        )
    text = text % params
    if original.attribution:
        text = f"{text}\n{original.attribution}"
    return text[:LONG_TEXT]


def _copy_contents(source: Course, copy: Course) -> None:
    for module in source.modules.order_by("position").prefetch_related("lessons__files"):
        new_module = CourseModule.objects.create(
            course=copy, position=module.position, title=module.title
        )
        for lesson in module.lessons.all():
            new_lesson = Lesson.objects.create(
                module=new_module,
                position=lesson.position,
                title=lesson.title,
                body=lesson.body,
                minutes=lesson.minutes,
            )
            LessonFile.objects.bulk_create(
                LessonFile(
                    lesson=new_lesson,
                    name=f.name,
                    content_type=f.content_type,
                    size=f.size,
                    data=f.data,
                )
                for f in lesson.files.all()
            )


def _copy(
    *,
    actor: AnyUser,
    source: Course,
    organization: Organization,
    title: str,
    language: str,
    authors: list[Author],
    attribution: str,
    based_on: Course | None = None,
    translation_of: Course | None = None,
) -> Course:
    now = timezone.now()
    copy = Course.objects.create(
        slug=unique_slug(title if title != source.title else f"{title}-{organization.name}"),
        title=title,
        summary=source.summary,
        language=language,
        licence=source.licence,
        authors=authors,
        attribution=attribution,
        publisher=organization,
        based_on=based_on,
        translation_of=translation_of,
        created_at=now,
        updated_at=now,
        created_by=recorded_user(actor),
    )
    _copy_contents(source, copy)
    return copy


def _with(authors: list[Author], added: list[Author]) -> list[Author]:
    return [*authors, *(a for a in added if a not in authors)][:MAX_AUTHORS]


def course_adapt(
    *,
    actor: AnyUser,
    course: Course,
    organization: Organization,
    title: str = "",
    authors: Sequence[Any] | None = None,
) -> Course:
    """A draft copy of `course` for `organization` to change: `based_on` the original,
    the original's authors first (then `authors`, by default the acting person), an
    attribution naming the original and its licence, and the same licence (kept for good
    when it is ShareAlike). A course whose licence reserves all rights is adapted only by
    its own publisher."""
    require(
        rules.can_adapt_course(actor, course, organization),
        _(
            "Adapt a course you can read, for an organisation you speak for, when its "
            "licence allows it"
        ),
    )
    title = clean_title(title or course.title)
    added = clean_authors(_author_entry(actor, organization) if authors is None else list(authors))
    with transaction.atomic():
        copy = _copy(
            actor=actor,
            source=course,
            organization=organization,
            title=title,
            language=course.language,
            authors=_with(list(course.authors), added),
            attribution=attribution_for(course, translation=False),
            based_on=course,
        )
        _audit(actor, "course.adapt", copy, copy, f"{course.slug} → {copy.slug}", [organization])
    return copy


def course_translate(
    *,
    actor: AnyUser,
    course: Course,
    organization: Organization,
    language: str,
    title: str = "",
    translator: str = "",
) -> Course:
    """A draft copy of `course` in another `language` for `organization` to translate,
    linked as a translation (`translation_of` the original course: a translation of a
    translation is linked to the first original, so the library groups every language),
    with the same authors and the translator added (role "translator"; by default the
    acting person), the same licence and an attribution naming the original."""
    require(
        rules.can_adapt_course(actor, course, organization),
        _(
            "Translate a course you can read, for an organisation you speak for, when its "
            "licence allows it"
        ),
    )
    v = Values()
    v.check("language", clean_language, language)
    v.check("title", clean_title, title or course.title)
    if translator:
        v.check("translator", clean_title, translator)
    clean = v.clean
    if clean.get("language") == course.language:
        v.fail("language", _("is the course's own language"))
    clean = v.done()
    added = (
        [{"name": clean["translator"], "organization": organization.name, "role": "translator"}]
        if translator
        else _author_entry(actor, organization, role="translator")
    )
    with transaction.atomic():
        copy = _copy(
            actor=actor,
            source=course,
            organization=organization,
            title=clean["title"],
            language=clean["language"],
            authors=_with(list(course.authors), added),
            attribution=attribution_for(course, translation=True),
            translation_of=course.translation_of or course,
        )
        _audit(
            actor,
            "course.translate",
            copy,
            copy,
            f"{course.slug} → {copy.slug} ({copy.language})",
            [organization],
        )
    return copy


def course_use(*, actor: AnyUser, course: Course, organization: Organization) -> CourseUse:
    """`organization` adopts the course (idempotent): the library counts the organisations
    using each course."""
    require(
        rules.can_use_course(actor, course, organization),
        _("An organisation's admins and editors adopt a published course"),
    )
    with transaction.atomic():
        use, created = CourseUse.objects.get_or_create(
            course=course, organization=organization, defaults={"since": timezone.now()}
        )
        if created:
            _audit(actor, "course.use", use, course, organization.name, [organization])
    return use


def course_unuse(*, actor: AnyUser, course: Course, organization: Organization) -> None:
    require(
        rules.can_create_course(actor, organization),
        _("An organisation's admins and editors say which courses it uses"),
    )
    with transaction.atomic():
        use = CourseUse.objects.filter(course=course, organization=organization).first()
        if use is not None:
            _audit(actor, "course.unuse", use, course, organization.name, [organization])
            use.delete()
