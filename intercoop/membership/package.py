"""Course packages: a course as a zip file, so co-ops can share courses by file too
(`intercoop export-course SLUG --output course.zip`, `intercoop import-course course.zip`).

The zip holds `course.json` at its root (or inside one top-level folder) and one Markdown
file per lesson, in a folder per module; a lesson's attachments are in a folder named like
its Markdown file without `.md`:

    course.json
    01-what-a-co-op-is/01-the-seven-principles.md
    01-what-a-co-op-is/01-the-seven-principles/handout.pdf
    02-running-a-meeting/01-the-agenda.md

`course.json` (UTF-8):

    {"format": "intercoop-course/1",
     "title": "Co-op principles", "slug": "coop-principles", "summary": "…",
     "language": "en", "licence": "CC-BY-SA-4.0",
     "authors": [{"name": "Ada Obi", "organization": "Riverside Bakery Co-op"}],
     "attribution": "",
     "based-on": null, "translation-of": null,
     "publisher": {"name": "Riverside Bakery Co-op", "slug": "riverside-bakery-co-op"},
     "modules": [{"title": "What a co-op is",
                  "lessons": [{"title": "The seven principles",
                               "file": "01-what-a-co-op-is/01-the-seven-principles.md",
                               "minutes": 15,
                               "attachments": [
                                 "01-what-a-co-op-is/01-the-seven-principles/handout.pdf"]}]}]}

Required: `title`, `language`, `licence` (one of `models.LICENCES`), `authors` (a list of
`{"name", "organization"?, "role"?}` or plain names) and `modules`; a lesson needs `title`
and `file`. `minutes` defaults to 10. A lesson's Markdown file is its text exactly (the
title lives in course.json). `based-on` and `translation-of` are the original's slug (or a
URL ending with it); on import they link to the course of that slug when this instance has
one (the attribution names the original either way). Files the JSON does not name are
ignored.

Import writes a **draft** (unpublished) course of the organisation given, keeping its
authors, licence, language and attribution; its slug is kept when free, else numbered
(`-2`, …). Without an organisation: the package's publisher when one with its slug exists
here, else the only organisation there is. A package is refused as a whole — nothing is
written — when it is not a zip, is bigger than 50 MB packed or 100 MB unpacked, has more
than 2,000 files, has an unsafe name (absolute, `..`, a backslash, a link), or when
course.json is not valid JSON, misses a field or names a file the zip lacks; the error
names the file and the field.
"""

import io
import json
import mimetypes
import re
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from intercoop.core.audit import audit_record
from intercoop.core.bounds import LONG_TEXT, OutOfBounds, check_text
from intercoop.core.errors import DomainError
from intercoop.core.permissions import AnyUser, recorded_user, require
from intercoop.directory.models import Organization
from intercoop.membership import permissions_curriculum as rules
from intercoop.membership.course_values import (
    MAX_FILES,
    MAX_LESSONS,
    MAX_MODULES,
    clean_authors,
    clean_body,
    clean_file_name,
    clean_language,
    clean_licence,
    clean_minutes,
    clean_title,
    unique_slug,
)
from intercoop.membership.models import (
    MAX_FILE_BYTES,
    MAX_LESSON_TEXT,
    Course,
    CourseModule,
    Lesson,
    LessonFile,
)

FORMAT = "intercoop-course/1"
MANIFEST = "course.json"
MAX_PACKAGE_BYTES = 50 * 1024 * 1024
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_PACKAGE_FILES = 2_000
MAX_MANIFEST_BYTES = 2 * 1024 * 1024
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the same bytes for the same course
_LINK = 0o120000
_DRIVE = re.compile(r"[A-Za-z]:")


class PackageError(DomainError):
    """A package refused: `field` names the file (and the field of course.json)."""

    def __init__(self, where: str, reason: str) -> None:
        super().__init__(f"{where}: {reason}", field=where)


# reading a package ------------------------------------------------------------------------


@dataclass
class LessonData:
    title: str
    body: str
    minutes: int
    attachments: list[tuple[str, str, bytes]] = field(default_factory=list)  # name, type, data


@dataclass
class ModuleData:
    title: str
    lessons: list[LessonData] = field(default_factory=list)


@dataclass
class Package:
    title: str
    slug: str
    summary: str
    language: str
    licence: str
    authors: list[dict[str, str]]
    attribution: str
    based_on: str
    translation_of: str
    publisher_slug: str
    modules: list[ModuleData]


def _safe_name(name: str) -> bool:
    if not name or "\\" in name or "\x00" in name or name.startswith("/"):
        return False
    if _DRIVE.match(name):
        return False
    parts = name.rstrip("/").split("/")
    return all(part not in ("", ".", "..") for part in parts)


def _entries(archive: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    """The zip's files by name, once every entry is found safe and within bounds."""
    infos = archive.infolist()
    if len(infos) > MAX_PACKAGE_FILES:
        raise PackageError(
            _("the package"),
            _("has %(count)d files; at most %(most)d are allowed")
            % {"count": len(infos), "most": MAX_PACKAGE_FILES},
        )
    entries: dict[str, zipfile.ZipInfo] = {}
    unpacked = 0
    for info in infos:
        name = info.filename
        if not _safe_name(name):
            raise PackageError(
                name[:200] or _("the package"),
                _("is not a safe name (absolute, with .. or a backslash)"),
            )
        if (info.external_attr >> 16) & 0o170000 == _LINK:
            raise PackageError(name, _("is a link; a package holds only files"))
        if info.flag_bits & 0x1:
            raise PackageError(name, _("is encrypted"))
        if info.is_dir():
            continue
        if name in entries:
            raise PackageError(name, _("is in the package twice"))
        unpacked += info.file_size
        if unpacked > MAX_UNPACKED_BYTES:
            raise PackageError(_("the package"), _("unpacks to more than 100 MB"))
        entries[name] = info
    return entries


def _read(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int, too_big: str) -> bytes:
    if info.file_size > limit:
        raise PackageError(info.filename, too_big)
    try:
        with archive.open(info) as stream:
            data = stream.read(limit + 1)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as error:
        raise PackageError(
            info.filename, _("cannot be read: %(error)s") % {"error": error}
        ) from None
    if len(data) > limit:
        raise PackageError(info.filename, too_big)
    return data


class _Manifest:
    """Reads course.json's fields, naming the one at fault."""

    def __init__(self, data: Any) -> None:
        self.data = data

    def get(self, obj: dict[str, Any], key: str, where: str, *, required: bool = True) -> Any:
        if key not in obj or obj[key] is None:
            if required:
                raise PackageError(f"{MANIFEST}: {where}{key}", _("is required"))
            return None
        return obj[key]

    def checked(self, checker: Callable[..., Any], value: Any, where: str) -> Any:
        try:
            return checker(value, field=where)
        except OutOfBounds as error:
            raise PackageError(f"{MANIFEST}: {error.field or where}", error.message) from None


def _object(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise PackageError(f"{MANIFEST}: {where}" if where else MANIFEST, _("is a JSON object"))
    return value


def _list(value: Any, where: str, most: int) -> list[Any]:
    if not isinstance(value, list):
        raise PackageError(f"{MANIFEST}: {where}", _("is a JSON list"))
    if len(value) > most:
        raise PackageError(f"{MANIFEST}: {where}", _("has at most %(most)d items") % {"most": most})
    return value


def _text(value: Any, *, field: str, max_length: int = LONG_TEXT) -> str:
    if not isinstance(value, str):
        raise OutOfBounds(_("is text"), field=field)
    return check_text(value, field=field, max_length=max_length).strip()


def _original_slug(value: Any, where: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise PackageError(f"{MANIFEST}: {where}", _("is the original course's slug or URL"))
    return slugify(value.strip().rstrip("/").rsplit("/", 1)[-1])[:120]


def read_package(data: bytes) -> Package:
    """Check a package and read it, writing nothing; PackageError names what is wrong."""
    if len(data) > MAX_PACKAGE_BYTES:
        raise PackageError(_("the package"), _("is bigger than 50 MB"))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, EOFError):
        raise PackageError(_("the package"), _("is not a zip file")) from None
    with archive:
        entries = _entries(archive)
        root = ""
        if MANIFEST not in entries:
            nested = [n for n in entries if n.count("/") == 1 and n.endswith("/" + MANIFEST)]
            if len(nested) != 1:
                raise PackageError(MANIFEST, _("is not in the package"))
            root = nested[0][: -len(MANIFEST)]
        raw = _read(archive, entries[root + MANIFEST], MAX_MANIFEST_BYTES, _("is bigger than 2 MB"))
        try:
            manifest = json.loads(raw.decode("utf-8-sig"))
        except UnicodeDecodeError:
            raise PackageError(MANIFEST, _("is not UTF-8 text")) from None
        except json.JSONDecodeError as error:
            raise PackageError(
                MANIFEST,
                _("is not valid JSON: line %(line)d, column %(column)d: %(reason)s")
                % {"line": error.lineno, "column": error.colno, "reason": error.msg},
            ) from None
        return _package(_Manifest(manifest), archive, entries, root)


def _package(
    m: _Manifest, archive: zipfile.ZipFile, entries: dict[str, zipfile.ZipInfo], root: str
) -> Package:
    course = _object(m.data, "")
    publisher = course.get("publisher")
    publisher_slug = publisher.get("slug") if isinstance(publisher, dict) else None
    package = Package(
        title=m.checked(clean_title, m.get(course, "title", ""), "title"),
        slug=slugify(str(course.get("slug") or ""))[:100],
        summary=m.checked(_text, course.get("summary") or "", "summary"),
        language=m.checked(clean_language, m.get(course, "language", ""), "language"),
        licence=m.checked(clean_licence, m.get(course, "licence", ""), "licence"),
        authors=m.checked(clean_authors, m.get(course, "authors", ""), "authors"),
        attribution=m.checked(_text, course.get("attribution") or "", "attribution"),
        based_on=_original_slug(course.get("based-on"), "based-on"),
        translation_of=_original_slug(course.get("translation-of"), "translation-of"),
        publisher_slug=publisher_slug if isinstance(publisher_slug, str) else "",
        modules=[],
    )

    def file(path: Any, where: str) -> zipfile.ZipInfo:
        if not isinstance(path, str) or not path:
            raise PackageError(f"{MANIFEST}: {where}", _("is the path of a file in the package"))
        info = entries.get(root + path)
        if info is None:
            raise PackageError(
                f"{MANIFEST}: {where}", _("%(path)r is not in the package") % {"path": path[:200]}
            )
        return info

    for i, module in enumerate(_list(m.get(course, "modules", ""), "modules", MAX_MODULES)):
        at = f"modules[{i}]."
        module = _object(module, at.rstrip("."))
        data = ModuleData(title=m.checked(clean_title, m.get(module, "title", at), at + "title"))
        for j, lesson in enumerate(
            _list(m.get(module, "lessons", at), at + "lessons", MAX_LESSONS)
        ):
            where = f"{at}lessons[{j}]."
            lesson = _object(lesson, where.rstrip("."))
            title = m.checked(clean_title, m.get(lesson, "title", where), where + "title")
            minutes = lesson.get("minutes", 10)
            minutes = m.checked(clean_minutes, minutes, where + "minutes")
            info = file(m.get(lesson, "file", where), where + "file")
            raw = _read(
                archive,
                info,
                MAX_LESSON_TEXT * 4,
                _("is longer than %(most)d characters") % {"most": MAX_LESSON_TEXT},
            )
            try:
                text = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                raise PackageError(info.filename, _("is not UTF-8 text")) from None
            try:
                body = clean_body(text, field=info.filename)
            except OutOfBounds as error:
                raise PackageError(info.filename, error.message) from None
            item = LessonData(title=title, body=body, minutes=minutes)
            paths = lesson.get("attachments") or []
            for k, path in enumerate(_list(paths, where + "attachments", MAX_FILES)):
                attached = file(path, f"{where}attachments[{k}]")
                name = m.checked(clean_file_name, attached.filename, f"{where}attachments[{k}]")
                if any(name == known for known, _t, _d in item.attachments):
                    raise PackageError(attached.filename, _("another attachment has this name"))
                content = _read(archive, attached, MAX_FILE_BYTES, _("is bigger than 5 MB"))
                if not content:
                    raise PackageError(attached.filename, _("is empty"))
                kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
                item.attachments.append((name, kind, content))
            data.lessons.append(item)
        package.modules.append(data)
    return package


def package_organization(package: Package) -> Organization | None:
    """Where a package goes by default: its publisher, when an organisation of that slug
    is here, else the only organisation there is."""
    if package.publisher_slug:
        found = Organization.objects.filter(slug=package.publisher_slug).first()
        if found is not None:
            return found
    only = list(Organization.objects.order_by("pk")[:2])
    return only[0] if len(only) == 1 else None


def course_import(
    *, actor: AnyUser, data: bytes, organization: Organization | None = None
) -> Course:
    """A draft course of `organization` from a package (see the module's description), in
    one transaction: a refused package writes nothing."""
    if organization is not None:
        require(
            rules.can_create_course(actor, organization),
            _("Only the organisation's admins and editors import courses for it"),
        )
    package = read_package(data)
    if organization is None:
        organization = package_organization(package)
        if organization is None:
            raise DomainError(
                _("Say which organisation publishes the course"), field="organization"
            )
        require(
            rules.can_create_course(actor, organization),
            _("Only the organisation's admins and editors import courses for it"),
        )
    now = timezone.now()
    originals = {
        c.slug: c
        for c in Course.objects.filter(slug__in=[package.based_on, package.translation_of])
    }
    with transaction.atomic():
        course = Course.objects.create(
            slug=unique_slug(package.slug or package.title),
            title=package.title,
            summary=package.summary,
            language=package.language,
            licence=package.licence,
            authors=package.authors,
            attribution=package.attribution,
            publisher=organization,
            based_on=originals.get(package.based_on),
            translation_of=originals.get(package.translation_of),
            published=False,
            created_at=now,
            updated_at=now,
            created_by=recorded_user(actor),
        )
        for i, module in enumerate(package.modules, start=1):
            saved = CourseModule.objects.create(course=course, position=i, title=module.title)
            for j, lesson in enumerate(module.lessons, start=1):
                new = Lesson.objects.create(
                    module=saved,
                    position=j,
                    title=lesson.title,
                    body=lesson.body,
                    minutes=lesson.minutes,
                )
                LessonFile.objects.bulk_create(
                    LessonFile(lesson=new, name=name, content_type=kind, size=len(blob), data=blob)
                    for name, kind, blob in lesson.attachments
                )
        audit_record(
            actor=actor,
            action="course.import",
            target=course,
            summary=course.title,
            organizations=[organization],
        )
    return course


# writing a package ------------------------------------------------------------------------


def _folder(position: int, title: str, fallback: str) -> str:
    return f"{position:02d}-{slugify(title)[:40].strip('-') or fallback}"


def _file_name(name: str) -> str:
    name = name.replace("/", "_").replace("\\", "_").strip()
    return name if name not in ("", ".", "..") else "file"


def course_export(*, actor: AnyUser, course: Course) -> bytes:
    """The course as a package (zip bytes): whoever may read the course."""
    require(rules.can_read_course(actor, course), _("Only those who can read a course export it"))
    modules: list[dict[str, Any]] = []
    files: list[tuple[str, bytes]] = []
    for module in course.modules.order_by("position").prefetch_related("lessons__files"):
        folder = _folder(module.position, module.title, "module")
        lessons: list[dict[str, Any]] = []
        for lesson in module.lessons.all():
            stem = f"{folder}/{_folder(lesson.position, lesson.title, 'lesson')}"
            attached = list(lesson.files.all())
            attachments = [f"{stem}/{_file_name(f.name)}" for f in attached]
            files.append((f"{stem}.md", lesson.body.encode("utf-8")))
            files.extend(
                (path, bytes(f.data)) for path, f in zip(attachments, attached, strict=True)
            )
            entry: dict[str, Any] = {
                "title": lesson.title,
                "file": f"{stem}.md",
                "minutes": lesson.minutes,
            }
            if attachments:
                entry["attachments"] = attachments
            lessons.append(entry)
        modules.append({"title": module.title, "lessons": lessons})
    manifest = {
        "format": FORMAT,
        "title": course.title,
        "slug": course.slug,
        "summary": course.summary,
        "language": course.language,
        "licence": course.licence,
        "authors": course.authors,
        "attribution": course.attribution,
        "based-on": course.based_on.slug if course.based_on else None,
        "translation-of": course.translation_of.slug if course.translation_of else None,
        "publisher": {"name": course.publisher.name, "slug": course.publisher.slug},
        "modules": modules,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        text = json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"
        for name, content in [(MANIFEST, text.encode("utf-8")), *files]:
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, content)
    return buffer.getvalue()
