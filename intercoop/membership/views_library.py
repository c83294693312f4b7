"""The shared curriculum's pages: the library, a course (its outline, licence and
attribution, what it is based on, its languages, the reader's progress), the lesson
reader, the course editor for the publisher's admins and editors, adapting, translating
and using a course, the package download, and "my learning" (courses in progress and
completed, badges).

Pages decide what to show with `permissions_curriculum` (a draft is a 404 to outsiders);
every write is the curriculum service's to allow or refuse (a refusal is the 403 page),
and bad values come back as the form's field errors or a message."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from intercoop.core.errors import DomainError
from intercoop.core.forms import add_domain_errors, id_param
from intercoop.core.pagination import paginate
from intercoop.core.permissions import NotFoundReason, authenticated_user
from intercoop.directory.models import Organization
from intercoop.directory.permissions import acting_organizations
from intercoop.membership import completion, curriculum, package
from intercoop.membership import permissions_curriculum as rules
from intercoop.membership import selectors_curriculum as selectors
from intercoop.membership.badges import assertion_url
from intercoop.membership.forms_library import (
    AdaptForm,
    CourseForm,
    FileForm,
    LessonAddForm,
    LessonForm,
    LibraryFilterForm,
    ModuleForm,
    TranslateForm,
    UseForm,
)
from intercoop.membership.lesson_text import render_lesson
from intercoop.membership.models import (
    LICENCE_URLS,
    Course,
    CourseModule,
    Lesson,
    LessonDone,
    LessonFile,
)

PAGE_SIZE = 30
MAX_LISTED = 100  # courses of each list of "my learning"
UNSAFE_TYPES = ("html", "xml", "javascript", "ecmascript")


def language_label(code: str) -> str:
    """The language's own name ("español"), or its code when Django does not know it."""
    try:
        return str(get_language_info(code)["name_local"]).capitalize()
    except KeyError:
        try:
            return str(get_language_info(code.split("-")[0])["name_local"]).capitalize()
        except KeyError:
            return code


def _course(request: HttpRequest, slug: str, *, for_edit: bool = False) -> Course:
    """The course for those who may read it (a draft of someone else's is a 404); with
    `for_edit`, for its publisher's admins and editors (else 403)."""
    found = (
        Course.objects.select_related("publisher", "based_on", "translation_of")
        .filter(slug=slug)
        .first()
    )
    return rules.access_course(request.user, found, for_edit=for_edit)


def _lesson(course: Course, pk: int) -> Lesson:
    found = (
        Lesson.objects.select_related("module")
        .filter(pk=id_param(pk), module__course=course)
        .first()
    )
    if found is None:
        raise NotFoundReason(_("No such lesson"))
    return found


def _acting(request: HttpRequest) -> list[Organization]:
    """The organisations the user speaks for (admin or editor)."""
    return list(
        Organization.objects.filter(pk__in=acting_organizations(request.user)).order_by("name")
    )


def _adapting(request: HttpRequest, course: Course) -> list[Organization]:
    return [o for o in _acting(request) if rules.can_adapt_course(request.user, course, o)]


def _lessons_in_order(modules: list[CourseModule]) -> list[Lesson]:
    return [lesson for module in modules for lesson in module.lessons.all()]


def _fail(request: HttpRequest, error: DomainError) -> None:
    messages.error(request, error.message)


# the library ---------------------------------------------------------------------------------


@login_required
def library(request: HttpRequest) -> HttpResponse:
    user = request.user
    published = selectors.readable_courses(user).filter(published=True)
    languages = sorted(set(published.values_list("language", flat=True).distinct()))
    filters = LibraryFilterForm(
        request.GET or None, languages=[(code, language_label(code)) for code in languages]
    )
    language = query = ""
    if filters.is_valid():
        language = filters.cleaned_data["language"]
        query = filters.cleaned_data["q"].strip()
    paged = paginate(
        selectors.library(user, language=language, query=query),
        page=request.GET.get("page"),
        page_size=PAGE_SIZE,
    )
    courses: list[Course] = list(paged.page.object_list)
    # the languages each course is available in (the original and its translations)
    groups = {c.translation_of_id or c.pk for c in courses}
    in_group: dict[int, list[Course]] = {}
    for other in published.filter(Q(pk__in=groups) | Q(translation_of_id__in=groups)):
        in_group.setdefault(other.translation_of_id or other.pk, []).append(other)
    for course in courses:
        siblings = in_group.get(course.translation_of_id or course.pk, [])
        course.other_languages = [  # type: ignore[attr-defined]
            (language_label(c.language), c) for c in siblings if c.pk != course.pk
        ]
        course.language_name = language_label(course.language)  # type: ignore[attr-defined]
    minutes = dict(
        Lesson.objects.filter(module__course__in=courses)
        .values("module__course")
        .annotate(total=Sum("minutes"))
        .values_list("module__course", "total")
    )
    for course in courses:
        course.total_minutes = minutes.get(course.pk, 0)  # type: ignore[attr-defined]
    filtered = urlencode({k: v for k, v in (("q", query), ("language", language)) if v})
    return render(
        request,
        "membership/library.html",
        {
            "filters": filters,
            "courses": courses,
            "paged": paged,
            "filtered": filtered,
            "drafts": list(selectors.drafts_of(user)[:MAX_LISTED]),
            "can_write": bool(_acting(request)),
        },
    )


@login_required
def course_create(request: HttpRequest) -> HttpResponse:
    organizations = _acting(request)
    if not organizations:
        raise PermissionDenied(_("Only an organisation's admins and editors write its courses"))
    form = CourseForm(request.POST or None, organizations=organizations)
    if request.method == "POST" and form.is_valid():
        values = form.values()
        try:
            created = curriculum.course_create(
                actor=authenticated_user(request),
                organization=form.cleaned_data["organization"],
                title=values["title"],
                summary=values["summary"],
                language=values["language"],
                licence=values["licence"],
                authors=values["authors"] or None,
                attribution=values["attribution"],
            )
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(
                request, _("The course is written as a draft: add its modules and lessons.")
            )
            return redirect("membership:course_edit", slug=created.slug)
    return render(request, "membership/course_create.html", {"form": form})


# a course ------------------------------------------------------------------------------------


@login_required
def course(request: HttpRequest, slug: str) -> HttpResponse:
    user = request.user
    found = _course(request, slug)
    modules = selectors.outline(found)
    lessons = _lessons_in_order(modules)
    progress = selectors.progress(user, found)
    following = next((x for x in lessons if x.pk not in progress.done_lessons), None)
    badge = selectors.live_badge(user, found)
    acting = _acting(request)
    using = set(found.uses.values_list("organization_id", flat=True))
    readable = selectors.readable_courses(user)
    may_use = [o for o in acting if o.pk not in using and rules.can_use_course(user, found, o)]
    return render(
        request,
        "membership/course.html",
        {
            "course": found,
            "modules": modules,
            "progress": progress,
            "next_lesson": following or (lessons[0] if lessons else None),
            "total_minutes": sum(x.minutes for x in lessons),
            "badge": badge,
            "badge_url": assertion_url(badge) if badge else "",
            "licence_url": LICENCE_URLS.get(found.licence, ""),
            "language_name": language_label(found.language),
            "based_on_readable": bool(
                found.based_on and rules.can_read_course(user, found.based_on)
            ),
            "translation_of_readable": bool(
                found.translation_of and rules.can_read_course(user, found.translation_of)
            ),
            "course_languages": [
                (language_label(c.language), c)
                for c in selectors.languages_of(found).filter(pk__in=readable.values("pk"))
                if c.pk != found.pk
            ],
            "adaptations": list(readable.filter(based_on=found).order_by("title")[:MAX_LISTED]),
            "used_by": len(using),
            "can_edit": rules.can_edit_course(user, found),
            "can_adapt": any(rules.can_adapt_course(user, found, o) for o in acting),
            "use_form": UseForm(organizations=may_use) if may_use else None,
            "using": [o for o in acting if o.pk in using],
            "can_claim": progress.complete and badge is None,
        },
    )


@login_required
def lesson(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    user = request.user
    found = _course(request, slug)
    current = _lesson(found, pk)
    lessons = _lessons_in_order(selectors.outline(found))
    index = next(i for i, x in enumerate(lessons) if x.pk == current.pk)
    progress = selectors.progress(user, found)
    return render(
        request,
        "membership/lesson.html",
        {
            "course": found,
            "lesson": current,
            "text": render_lesson(current.body),
            "files": list(current.files.order_by("name").defer("data")),
            "number": index + 1,
            "count": len(lessons),
            "previous": lessons[index - 1] if index > 0 else None,
            "next": lessons[index + 1] if index + 1 < len(lessons) else None,
            "done": current.pk in progress.done_lessons,
            "progress": progress,
            "can_edit": rules.can_edit_course(user, found),
        },
    )


@login_required
@require_POST
def lesson_done(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Mark the lesson done (then on to the next one), or take that back (`undo`)."""
    found = _course(request, slug)
    current = _lesson(found, pk)
    actor = authenticated_user(request)
    if request.POST.get("undo"):
        completion.lesson_undone(actor=actor, lesson=current)
        return redirect("membership:lesson", slug=found.slug, pk=current.pk)
    had_badge = selectors.live_badge(actor, found) is not None
    badge = completion.lesson_done(actor=actor, lesson=current)
    if badge is not None and not had_badge:
        messages.success(
            request,
            _("You completed “%(title)s” and earned its badge.") % {"title": found.title},
        )
        return redirect("membership:learning")
    if selectors.progress(actor, found).complete and badge is None and not had_badge:
        messages.info(
            request,
            _(
                "You completed the course. Add an e-mail address to your profile, "
                "then claim its badge."
            ),
        )
        return redirect("membership:course", slug=found.slug)
    following = (
        Lesson.objects.filter(module__course=found)
        .exclude(pk__in=LessonDone.objects.filter(user=actor).values("lesson_id"))
        .order_by("module__position", "position")
        .first()
    )
    if following is None:
        return redirect("membership:course", slug=found.slug)
    return redirect("membership:lesson", slug=found.slug, pk=following.pk)


@login_required
def lesson_file(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A lesson's file, downloaded (never shown inline)."""
    found = _course(request, slug)
    attached = LessonFile.objects.filter(pk=id_param(pk), lesson__module__course=found).first()
    if attached is None:
        raise NotFoundReason(_("No such file"))
    content_type = attached.content_type or "application/octet-stream"
    if any(word in content_type.lower() for word in UNSAFE_TYPES):
        content_type = "application/octet-stream"
    response = HttpResponse(bytes(attached.data), content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, attached.name) or ""
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def course_export(request: HttpRequest, slug: str) -> HttpResponse:
    """The course as a package (course.json and Markdown files, zipped)."""
    found = _course(request, slug)
    data = package.course_export(actor=authenticated_user(request), course=found)
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = content_disposition_header(True, f"{found.slug}.zip") or ""
    return response


@login_required
@require_POST
def badge_claim(request: HttpRequest, slug: str) -> HttpResponse:
    """Claim the badge of a course completed without an e-mail address at the time."""
    found = _course(request, slug)
    try:
        completion.badge_issue(actor=authenticated_user(request), course=found)
    except DomainError as error:
        _fail(request, error)
        return redirect("membership:course", slug=found.slug)
    messages.success(request, _("Your badge is issued."))
    return redirect("membership:learning")


# adapting, translating, using ---------------------------------------------------------------


@login_required
def course_adapt(request: HttpRequest, slug: str) -> HttpResponse:
    found = _course(request, slug)
    organizations = _adapting(request, found)
    if not organizations:
        raise PermissionDenied(
            _("Adapt a course for an organisation you speak for, when its licence allows it")
        )
    form = AdaptForm(
        request.POST or None, organizations=organizations, initial={"title": found.title}
    )
    if request.method == "POST" and form.is_valid():
        try:
            copy = curriculum.course_adapt(
                actor=authenticated_user(request),
                course=found,
                organization=form.cleaned_data["organization"],
                title=form.cleaned_data["title"],
            )
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("Your adaptation is a draft: change it, then publish it."))
            return redirect("membership:course_edit", slug=copy.slug)
    return render(
        request, "membership/course_adapt.html", {"course": found, "form": form, "translate": False}
    )


@login_required
def course_translate(request: HttpRequest, slug: str) -> HttpResponse:
    found = _course(request, slug)
    organizations = _adapting(request, found)
    if not organizations:
        raise PermissionDenied(
            _("Translate a course for an organisation you speak for, when its licence allows it")
        )
    form = TranslateForm(request.POST or None, organizations=organizations)
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        try:
            copy = curriculum.course_translate(
                actor=authenticated_user(request),
                course=found,
                organization=values["organization"],
                language=values["language"].strip(),
                title=values["title"],
                translator=values["translator"],
            )
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(
                request, _("Your translation is a draft: translate each lesson, then publish it.")
            )
            return redirect("membership:course_edit", slug=copy.slug)
    return render(
        request, "membership/course_adapt.html", {"course": found, "form": form, "translate": True}
    )


@login_required
@require_POST
def course_use(request: HttpRequest, slug: str) -> HttpResponse:
    """An organisation starts using the course, or (`stop`) no longer does."""
    found = _course(request, slug)
    actor = authenticated_user(request)
    organization = Organization.objects.filter(
        pk=id_param(request.POST.get("organization"))
    ).first()
    if organization is None:
        messages.error(request, _("Choose one of your organisations."))
        return redirect("membership:course", slug=found.slug)
    try:
        if request.POST.get("stop"):
            curriculum.course_unuse(actor=actor, course=found, organization=organization)
            messages.success(
                request, _("%(name)s no longer uses this course.") % {"name": organization.name}
            )
        else:
            curriculum.course_use(actor=actor, course=found, organization=organization)
            messages.success(request, _("%(name)s uses this course.") % {"name": organization.name})
    except DomainError as error:
        _fail(request, error)
    return redirect("membership:course", slug=found.slug)


# the editor ----------------------------------------------------------------------------------


@login_required
def course_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """The course's fields, its modules and lessons (added here, changed by
    `course_change`), publishing."""
    found = _course(request, slug, for_edit=True)
    posted = request.POST if request.method == "POST" else None
    fields = CourseForm(posted if posted and "course" in posted else None, course=found)
    module_form = ModuleForm(posted if posted and "module_add" in posted else None, prefix="module")
    if posted is not None:
        actor = authenticated_user(request)
        try:
            if "course" in posted and fields.is_valid():
                changed = fields.values(found)
                if changed:
                    curriculum.course_update(actor=actor, course=found, values=changed)
                messages.success(request, _("Saved."))
                return redirect("membership:course_edit", slug=found.slug)
            if "module_add" in posted and module_form.is_valid():
                curriculum.module_add(
                    actor=actor, course=found, title=module_form.cleaned_data["title"]
                )
                messages.success(request, _("Module added."))
                return redirect(reverse("membership:course_edit", args=[found.slug]) + "#modules")
        except DomainError as error:
            add_domain_errors(fields if "course" in posted else module_form, error)
        found.refresh_from_db()
    modules = selectors.outline(found)
    return render(
        request,
        "membership/course_edit.html",
        {
            "course": found,
            "fields": fields,
            "module_form": module_form,
            "modules": modules,
            "lesson_form": LessonAddForm(prefix="lesson"),
            "module_count": len(modules),
            "lesson_count": sum(len(m.lessons.all()) for m in modules),
            "licence_url": LICENCE_URLS.get(found.licence, ""),
        },
    )


def _structure_change(request: HttpRequest, course: Course, action: str) -> str:
    """Carry out one change of the editor's lists; returns what to say."""
    actor = authenticated_user(request)
    post = request.POST
    if action == "publish":
        curriculum.course_publish(actor=actor, course=course)
        return _("The course is in the library.")
    if action == "unpublish":
        curriculum.course_unpublish(actor=actor, course=course)
        return _("The course is out of the library.")
    if action.startswith("module_"):
        module = course.modules.filter(pk=id_param(post.get("module"))).first()
        if module is None:
            raise DomainError(_("No such module"))
        if action == "module_rename":
            curriculum.module_update(actor=actor, module=module, title=post.get("title", ""))
            return _("Module renamed.")
        if action in ("module_up", "module_down"):
            step = -1 if action == "module_up" else 1
            curriculum.module_move(actor=actor, module=module, position=module.position + step)
            return _("Module moved.")
        if action == "module_remove":
            curriculum.module_remove(actor=actor, module=module)
            return _("Module removed.")
        if action == "module_lesson_add":
            form = LessonAddForm(post, prefix="lesson")
            if not form.is_valid():
                raise DomainError(_("A lesson needs a title"))
            added = curriculum.lesson_add(
                actor=actor, module=module, title=form.cleaned_data["title"]
            )
            return _("Lesson “%(title)s” added.") % {"title": added.title}
    if action.startswith("lesson_"):
        current = Lesson.objects.filter(
            pk=id_param(post.get("lesson")), module__course=course
        ).first()
        if current is None:
            raise DomainError(_("No such lesson"))
        if action in ("lesson_up", "lesson_down"):
            step = -1 if action == "lesson_up" else 1
            curriculum.lesson_move(actor=actor, lesson=current, position=current.position + step)
            return _("Lesson moved.")
        if action == "lesson_to":
            target = course.modules.filter(pk=id_param(post.get("to"))).first()
            if target is None:
                raise DomainError(_("No such module"))
            curriculum.lesson_move(
                actor=actor, lesson=current, module=target, position=target.lessons.count() + 1
            )
            return _("Lesson moved.")
        if action == "lesson_remove":
            curriculum.lesson_remove(actor=actor, lesson=current)
            return _("Lesson removed.")
    if action == "file_remove":
        attached = LessonFile.objects.filter(
            pk=id_param(post.get("file")), lesson__module__course=course
        ).first()
        if attached is None:
            raise DomainError(_("No such file"))
        curriculum.lesson_file_remove(actor=actor, file=attached)
        return _("File removed.")
    raise DomainError(_("Nothing to do"))


@login_required
@require_POST
def course_change(request: HttpRequest, slug: str) -> HttpResponse:
    """One change of the course's structure: publishing, a module or lesson added, moved,
    renamed or removed, a file removed. The service allows it or refuses it."""
    found = _course(request, slug)
    action = str(request.POST.get("action", ""))[:40]
    try:
        messages.success(request, _structure_change(request, found, action))
    except DomainError as error:
        _fail(request, error)
    back = str(request.POST.get("back", ""))
    lesson_pk = id_param(request.POST.get("lesson"))
    if back == "lesson" and Lesson.objects.filter(pk=lesson_pk, module__course=found).exists():
        return redirect("membership:lesson_edit", slug=found.slug, pk=lesson_pk)
    return redirect(reverse("membership:course_edit", args=[found.slug]) + "#modules")


@login_required
def lesson_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A lesson's title, estimated time and text, and its files."""
    found = _course(request, slug, for_edit=True)
    current = _lesson(found, pk)
    posted = request.POST if request.method == "POST" else None
    form = LessonForm(
        posted if posted and "lesson" in posted else None,
        initial={"title": current.title, "minutes": current.minutes, "body": current.body},
    )
    file_form = FileForm(
        posted if posted and "file_add" in posted else None,
        request.FILES if posted and "file_add" in posted else None,
    )
    if posted is not None:
        actor = authenticated_user(request)
        try:
            if "lesson" in posted and form.is_valid():
                curriculum.lesson_update(actor=actor, lesson=current, values=form.cleaned_data)
                messages.success(request, _("Lesson saved."))
                return redirect("membership:lesson_edit", slug=found.slug, pk=current.pk)
            if "file_add" in posted and file_form.is_valid():
                upload = file_form.cleaned_data["file"]
                curriculum.lesson_file_add(
                    actor=actor,
                    lesson=current,
                    name=upload.name,
                    content_type=upload.content_type or "",
                    data=upload.read(),
                )
                messages.success(request, _("File attached."))
                return redirect("membership:lesson_edit", slug=found.slug, pk=current.pk)
        except DomainError as error:
            add_domain_errors(form if "lesson" in posted else file_form, error)
        current.refresh_from_db()
    return render(
        request,
        "membership/lesson_edit.html",
        {
            "course": found,
            "lesson": current,
            "form": form,
            "file_form": file_form,
            "files": list(current.files.order_by("name").defer("data")),
        },
    )


# my learning ---------------------------------------------------------------------------------


@login_required
def my_learning(request: HttpRequest) -> HttpResponse:
    user = authenticated_user(request)
    started = LessonDone.objects.filter(user=user).values("lesson__module__course")
    followed = list(
        selectors.readable_courses(user).filter(pk__in=started).order_by("title", "pk")[:MAX_LISTED]
    )
    rows: list[dict[str, Any]] = [
        {"course": c, "progress": selectors.progress(user, c)} for c in followed
    ]
    badges = list(selectors.badges_of(user)[:MAX_LISTED])
    badged = {b.course_id for b in badges}
    return render(
        request,
        "membership/library_learning.html",
        {
            "in_progress": [r for r in rows if not r["progress"].complete],
            "completed": [r for r in rows if r["progress"].complete or r["course"].pk in badged],
            "badges": [{"badge": b, "url": assertion_url(b)} for b in badges],
            "badged": badged,
        },
    )
