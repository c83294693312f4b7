"""Course packages: export → import round-trips a course (titles, lesson texts, files,
authors, licence, language, attribution, based-on); unsafe or broken packages are refused
with an error naming the file and field, writing nothing; the CLI's messages and exit
statuses."""

import io
import json
import zipfile

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command

from intercoop.cli import main
from intercoop.conftest import make_org
from intercoop.core.audit import system_actor
from intercoop.core.models import AuditEvent
from intercoop.membership import curriculum, package
from intercoop.membership.models import Course, CourseModule, Lesson, LessonFile
from intercoop.membership.package import PackageError, course_export, course_import, read_package
from intercoop.membership.tests.courses import AUTHORS, build_course, lessons_of

pytestmark = pytest.mark.django_db


def _outline(course):
    return [
        (m.title, [(x.title, x.body, x.minutes, sorted((f.name, bytes(f.data)) for f in x.files.all()))
                   for x in m.lessons.order_by("position")])
        for m in course.modules.order_by("position")
    ]  # fmt: skip


@pytest.fixture
def adapted(people, org):
    """An adaptation (based on another course) with a file, as a bakery co-op wrote it."""
    original = build_course(org, title="Co-op principles")
    copy = curriculum.course_adapt(
        actor=system_actor(), course=original, organization=org, title="Principles at work"
    )
    lesson = lessons_of(copy)[0]
    curriculum.lesson_file_add(
        actor=system_actor(),
        lesson=lesson,
        name="handout.pdf",
        content_type="application/pdf",
        data=b"%PDF-1.4",
    )
    curriculum.lesson_update(
        actor=system_actor(), lesson=lesson, values={"body": "Ünïcode *text*\r\nand\ttabs\n"}
    )
    return copy


def _zip(files: dict[str, bytes | str], **options) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            info = zipfile.ZipInfo(name)
            for key, value in options.get(name, {}).items():
                setattr(info, key, value)
            archive.writestr(info, content)
    return buffer.getvalue()


def _manifest(**changes) -> str:
    data = {
        "title": "Governance basics",
        "language": "en",
        "licence": "CC-BY-4.0",
        "authors": ["Ada Obi"],
        "modules": [{"title": "Meetings", "lessons": [{"title": "Agendas", "file": "01/01.md"}]}],
    }
    return json.dumps(data | changes)


def _refused(data: bytes) -> str:
    with pytest.raises(PackageError) as refused:
        course_import(actor=system_actor(), data=data, organization=None)
    assert Course.objects.count() == 0
    return refused.value.message


# the round trip -------------------------------------------------------------------------


def test_a_package_round_trips(adapted, org):
    data = course_export(actor=system_actor(), course=adapted)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.namelist() == [
            "course.json",
            "01-module-1/01-lesson-11.md",
            "01-module-1/01-lesson-11/handout.pdf",
            "01-module-1/02-lesson-12.md",
            "02-module-2/01-lesson-21.md",
        ]
        manifest = json.loads(archive.read("course.json"))
        assert (
            archive.read("01-module-1/01-lesson-11.md").decode() == "Ünïcode *text*\r\nand\ttabs\n"
        )
    assert manifest["based-on"] == "co-op-principles"
    assert manifest["translation-of"] is None
    assert manifest["licence"] == "CC-BY-SA-4.0"
    assert manifest["publisher"] == {"name": "Riverside Bakery Co-op", "slug": org.slug}
    assert manifest["modules"][0]["lessons"][0] == {
        "title": "Lesson 1.1",
        "file": "01-module-1/01-lesson-11.md",
        "minutes": 11,
        "attachments": ["01-module-1/01-lesson-11/handout.pdf"],
    }
    assert course_export(actor=system_actor(), course=adapted) == data  # the same bytes

    imported = course_import(actor=system_actor(), data=data)
    assert imported.slug == "principles-at-work-2"  # the original's slug is taken here
    assert imported.publisher == org  # the package's publisher is here
    assert imported.published is False
    for field in ("title", "summary", "language", "licence", "authors", "attribution", "based_on"):
        assert getattr(imported, field) == getattr(adapted, field), field
    assert imported.authors[:2] == AUTHORS
    assert imported.based_on.slug == "co-op-principles"
    assert _outline(imported) == _outline(adapted)
    assert LessonFile.objects.get(lesson__module__course=imported).content_type == "application/pdf"
    event = AuditEvent.objects.get(action="course.import")
    assert event.object_id == str(imported.pk)


def test_an_import_elsewhere_keeps_what_it_can(adapted, people):
    data = course_export(actor=system_actor(), course=adapted)
    Course.objects.filter(pk=adapted.pk).update(slug="moved")
    Course.objects.filter(slug="co-op-principles").update(slug="gone")
    other = make_org(name="Hillside Housing Co-op")
    imported = course_import(actor=system_actor(), data=data, organization=other)
    assert imported.slug == "principles-at-work"  # free here
    assert imported.publisher == other
    assert imported.based_on is None  # no course of that slug here
    assert imported.attribution.startswith("Adapted from “Co-op principles” by Amara Osei")


def test_a_translation_link_is_kept(people, org):
    original = build_course(org)
    spanish = curriculum.course_translate(
        actor=system_actor(), course=original, organization=org, language="es"
    )
    imported = course_import(
        actor=system_actor(), data=course_export(actor=system_actor(), course=spanish)
    )
    assert (imported.translation_of, imported.language) == (original, "es")


def test_import_and_export_are_checked(people, org, adapted):
    data = course_export(actor=system_actor(), course=adapted)
    courses, events = Course.objects.count(), AuditEvent.objects.count()
    for who in ("member", "outsider", "coordinator", None):
        with pytest.raises(PermissionDenied):
            course_import(actor=people[who] if who else None, data=data, organization=org)
        with pytest.raises(PermissionDenied):  # the package's publisher is org
            course_import(actor=people[who] if who else None, data=data)
    assert (Course.objects.count(), AuditEvent.objects.count()) == (courses, events)
    assert (
        course_import(actor=people["admin"], data=data, organization=org).created_by
        == people["admin"]
    )
    curriculum.course_unpublish(actor=people["admin"], course=adapted)
    with pytest.raises(PermissionDenied):
        course_export(actor=people["outsider"], course=adapted)
    assert course_export(actor=people["member"], course=adapted) == data


def test_a_package_inside_one_folder_is_read(org):
    data = _zip({"governance/course.json": _manifest(), "governance/01/01.md": "# Agendas\n"})
    course = course_import(actor=system_actor(), data=data)
    assert course.publisher == org  # the only organisation there is
    assert (course.title, course.licence, course.authors) == (
        "Governance basics",
        "CC-BY-4.0",
        [{"name": "Ada Obi"}],
    )
    assert list(Lesson.objects.values_list("title", "body", "minutes")) == [
        ("Agendas", "# Agendas\n", 10)
    ]


def test_with_several_organisations_and_no_publisher_the_organisation_is_asked_for(org):
    make_org(name="Second Co-op")
    data = _zip({"course.json": _manifest(), "01/01.md": "x"})
    with pytest.raises(Exception, match="Say which organisation") as refused:
        course_import(actor=system_actor(), data=data)
    assert refused.value.field == "organization"
    assert Course.objects.count() == 0


# refused packages -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("/etc/passwd", "/etc/passwd: is not a safe name (absolute, with .. or a backslash)"),
        ("../evil.md", "../evil.md: is not a safe name (absolute, with .. or a backslash)"),
        (
            "01/../../evil.md",
            "01/../../evil.md: is not a safe name (absolute, with .. or a backslash)",
        ),
        ("01\\evil.md", "01\\evil.md: is not a safe name (absolute, with .. or a backslash)"),
        ("C:/evil.md", "C:/evil.md: is not a safe name (absolute, with .. or a backslash)"),
    ],
)
def test_unsafe_names_are_refused(org, name, message):
    assert _refused(_zip({"course.json": _manifest(), "01/01.md": "x", name: "x"})) == message


def test_links_and_too_many_or_too_big_files_are_refused(org, monkeypatch):
    link = _zip(
        {"course.json": _manifest(), "01/01.md": "x"},
        **{"01/01.md": {"external_attr": 0o120777 << 16}},
    )
    assert _refused(link) == "01/01.md: is a link; a package holds only files"
    monkeypatch.setattr(package, "MAX_PACKAGE_FILES", 2)
    assert _refused(_zip({"course.json": _manifest(), "01/01.md": "x", "extra.txt": "x"})) == (
        "the package: has 3 files; at most 2 are allowed"
    )
    monkeypatch.setattr(package, "MAX_UNPACKED_BYTES", 1000)
    assert _refused(_zip({"course.json": _manifest(), "01/01.md": "x" * 1000})) == (
        "the package: unpacks to more than 100 MB"
    )
    monkeypatch.setattr(package, "MAX_PACKAGE_BYTES", 10)
    assert _refused(_zip({"course.json": _manifest()})) == "the package: is bigger than 50 MB"


def test_broken_packages_are_refused_naming_the_file_and_field(org, monkeypatch):
    assert _refused(b"not a zip") == "the package: is not a zip file"
    assert _refused(_zip({"01/01.md": "x"})) == "course.json: is not in the package"
    assert _refused(_zip({"course.json": '{"title": "x",}'})) == (
        "course.json: is not valid JSON: line 1, column 15: Expecting property name enclosed in double quotes"
    )
    assert _refused(_zip({"course.json": "[]"})) == "course.json: is a JSON object"
    assert _refused(_zip({"course.json": b"\xff\xfe"})) == "course.json: is not UTF-8 text"
    lesson = {"01/01.md": "x"}
    manifest = json.loads(_manifest())
    del manifest["licence"]
    assert (
        _refused(_zip({"course.json": json.dumps(manifest), **lesson}))
        == "course.json: licence: is required"
    )
    assert _refused(_zip({"course.json": _manifest(licence="GPL"), **lesson})) == (
        "course.json: licence: 'GPL' is not one of CC-BY-SA-4.0, CC-BY-4.0, CC-BY-NC-SA-4.0, CC0-1.0, "
        "all-rights-reserved"
    )
    assert _refused(_zip({"course.json": _manifest(authors=[{"role": "x"}]), **lesson})) == (
        "course.json: authors[0].name: is required"
    )
    assert _refused(_zip({"course.json": _manifest(language="English"), **lesson})) == (
        "course.json: language: is a language code, such as en, es or pt-BR"
    )
    assert _refused(_zip({"course.json": _manifest()})) == (
        "course.json: modules[0].lessons[0].file: '01/01.md' is not in the package"
    )
    modules = [{"title": "M", "lessons": [{"title": "L", "file": "01/01.md", "minutes": 0}]}]
    assert _refused(_zip({"course.json": _manifest(modules=modules), **lesson})) == (
        "course.json: modules[0].lessons[0].minutes: must be a whole number from 1 to 600"
    )
    modules = [{"lessons": []}]
    assert (
        _refused(_zip({"course.json": _manifest(modules=modules)}))
        == "course.json: modules[0].title: is required"
    )
    assert (
        _refused(_zip({"course.json": _manifest(), "01/01.md": b"\xff"}))
        == "01/01.md: is not UTF-8 text"
    )
    assert _refused(_zip({"course.json": _manifest(), "01/01.md": "x" * 50_001})) == (
        "01/01.md: is 50001 characters long; at most 50000 are allowed"
    )
    modules = [
        {
            "title": "M",
            "lessons": [{"title": "L", "file": "01/01.md", "attachments": ["01/missing.pdf"]}],
        }
    ]
    assert _refused(_zip({"course.json": _manifest(modules=modules), **lesson})) == (
        "course.json: modules[0].lessons[0].attachments[0]: '01/missing.pdf' is not in the package"
    )
    modules[0]["lessons"][0]["attachments"] = ["01/big.pdf"]
    monkeypatch.setattr(package, "MAX_FILE_BYTES", 3)
    assert _refused(
        _zip({"course.json": _manifest(modules=modules), **lesson, "01/big.pdf": "1234"})
    ) == ("01/big.pdf: is bigger than 5 MB")
    assert CourseModule.objects.count() == 0
    assert not AuditEvent.objects.filter(action="course.import").exists()


def test_a_failure_half_way_writes_nothing(org, adapted, monkeypatch):
    data = course_export(actor=system_actor(), course=adapted)
    courses, lessons = Course.objects.count(), Lesson.objects.count()

    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(package, "audit_record", broken)
    with pytest.raises(RuntimeError):
        course_import(actor=system_actor(), data=data)
    assert (Course.objects.count(), Lesson.objects.count()) == (courses, lessons)


def test_read_package_writes_nothing_and_reads_everything(adapted):
    read = read_package(course_export(actor=system_actor(), course=adapted))
    assert (read.title, read.based_on, read.publisher_slug) == (
        "Principles at work",
        "co-op-principles",
        adapted.publisher.slug,
    )
    assert [len(m.lessons) for m in read.modules] == [2, 1]
    assert read.modules[0].lessons[0].attachments == [
        ("handout.pdf", "application/pdf", b"%PDF-1.4")
    ]


# the command line -----------------------------------------------------------------------


def test_export_and_import_commands(adapted, tmp_path, capsys):
    output = tmp_path / "course.zip"
    call_command("export_course", adapted.slug, output=str(output))
    assert (
        capsys.readouterr().out == f"{output}: Principles at work (2 modules, 3 lessons, 1 files)\n"
    )
    assert not (tmp_path / "course.zip.part").exists()
    call_command("import_course", str(output))
    imported = Course.objects.get(slug="principles-at-work-2")
    assert capsys.readouterr().out == (
        "imported principles-at-work-2: Principles at work (2 modules, 3 lessons), a draft of "
        "Riverside Bakery Co-op\n"
    )
    assert _outline(imported) == _outline(adapted)
    other = make_org(name="Hillside Housing Co-op")
    call_command("import_course", str(output), organization=other.slug)
    assert Course.objects.filter(publisher=other).count() == 1


def test_command_errors(org, tmp_path):
    with pytest.raises(CommandError, match="no course with slug 'nope'"):
        call_command("export_course", "nope", output=str(tmp_path / "x.zip"))
    course = build_course(org)
    with pytest.raises(CommandError, match="no-such-folder: no such folder"):
        call_command(
            "export_course", course.slug, output=str(tmp_path / "no-such-folder" / "x.zip")
        )
    with pytest.raises(CommandError, match=r"missing\.zip: no such file"):
        call_command("import_course", str(tmp_path / "missing.zip"))
    bad = tmp_path / "bad.zip"
    bad.write_bytes(_zip({"course.json": _manifest(), "../x.md": "x"}))
    with pytest.raises(CommandError) as refused:
        call_command("import_course", str(bad))
    assert (
        str(refused.value)
        == "bad.zip: ../x.md: is not a safe name (absolute, with .. or a backslash)"
    )
    with pytest.raises(CommandError, match="no organisation with slug 'nowhere'"):
        call_command("import_course", str(bad), organization="nowhere")
    make_org(name="Second Co-op")
    good = tmp_path / "good.zip"
    good.write_bytes(_zip({"course.json": _manifest(), "01/01.md": "x"}))
    with pytest.raises(
        CommandError,
        match=r"good\.zip: name the organisation that publishes it with --organization",
    ):
        call_command("import_course", str(good))
    assert Course.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_intercoop_command_line_exit_statuses(tmp_path, capsys):
    """Through `intercoop` itself: 0 on success, 1 with a message on stderr."""
    organization = make_org()
    course = build_course(organization)
    output = tmp_path / "course.zip"
    main(["export-course", course.slug, "--output", str(output)])
    assert output.is_file()
    main(["import-course", str(output), "--organization", organization.slug])
    assert Course.objects.count() == 2
    capsys.readouterr()
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"not a zip")
    with pytest.raises(SystemExit) as exited:
        main(["import-course", str(bad)])
    assert exited.value.code == 1
    assert capsys.readouterr().err == "CommandError: bad.zip: the package: is not a zip file\n"
    with pytest.raises(SystemExit) as exited:
        main(["export-course", "nope"])
    assert exited.value.code == 1
    assert Course.objects.count() == 2
