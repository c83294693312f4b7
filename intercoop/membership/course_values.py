"""The bounded values of the shared curriculum: titles, languages, licences, authors,
lesson texts and minutes, file names and slugs. The services (`curriculum.py`) and the
package reader (`package.py`) check every input with these; each raises `OutOfBounds`
naming the field."""

import re
from collections.abc import Callable, Mapping
from typing import Any

from django.utils.text import slugify
from django.utils.translation import gettext as _

from intercoop.core.bounds import LONG_TEXT, SHORT_TEXT, OutOfBounds, check_text
from intercoop.core.errors import InvalidValues
from intercoop.membership.models import LICENCES, MAX_LESSON_TEXT, Course

DEFAULT_LICENCE = "CC-BY-SA-4.0"
SHARE_ALIKE = {"CC-BY-SA-4.0", "CC-BY-NC-SA-4.0"}
LICENCE_CODES = [code for code, _label in LICENCES]
MAX_MODULES = 50
MAX_LESSONS = 50  # in one module
MAX_FILES = 20  # on one lesson
MAX_AUTHORS = 50
MAX_MINUTES = 600
LANGUAGE = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})?")

Author = dict[str, str]


def clean_title(value: Any, *, field: str = "title") -> str:
    title = check_text(value, field=field, max_length=SHORT_TEXT).strip()
    if not title:
        raise OutOfBounds(_("is required"), field=field)
    return title


def clean_language(value: Any, *, field: str = "language") -> str:
    code = str(value or "").strip()
    if len(code) > 10 or not LANGUAGE.fullmatch(code):
        raise OutOfBounds(_("is a language code, such as en, es or pt-BR"), field=field)
    return code


def clean_licence(value: Any, *, field: str = "licence") -> str:
    if value not in LICENCE_CODES:
        raise OutOfBounds(
            _("%(value)r is not one of %(codes)s")
            % {"value": str(value)[:40], "codes": ", ".join(LICENCE_CODES)},
            field=field,
        )
    return str(value)


def clean_minutes(value: Any, *, field: str = "minutes") -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_MINUTES:
        raise OutOfBounds(
            _("must be a whole number from %(low)s to %(high)s") % {"low": 1, "high": MAX_MINUTES},
            field=field,
        )
    return value


def clean_body(value: Any, *, field: str = "body") -> str:
    return check_text(value or "", field=field, max_length=MAX_LESSON_TEXT)


def long_text(value: Any, *, field: str) -> str:
    return check_text(value or "", field=field, max_length=LONG_TEXT)


def clean_authors(value: Any, *, field: str = "authors") -> list[Author]:
    """A list of {"name", "organization"?, "role"?} (a plain string is a name)."""
    if not isinstance(value, list | tuple):
        raise OutOfBounds(_("is a list of authors"), field=field)
    if len(value) > MAX_AUTHORS:
        raise OutOfBounds(_("has at most %(most)d authors") % {"most": MAX_AUTHORS}, field=field)
    authors: list[Author] = []
    for index, item in enumerate(value):
        where = f"{field}[{index}]"
        if isinstance(item, str):
            item = {"name": item}
        if not isinstance(item, Mapping):
            raise OutOfBounds(_("is an author: a name, or an object with a name"), field=where)
        author = {"name": clean_title(item.get("name"), field=f"{where}.name")}
        for key in ("organization", "role"):
            text = check_text(item.get(key) or "", field=f"{where}.{key}").strip()
            if text:
                author[key] = text
        authors.append(author)
    return authors


class Values:
    """Each field's checked value or its reason, raised together (InvalidValues)."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}
        self.clean: dict[str, Any] = {}

    def check(self, field: str, checker: Callable[..., Any], value: Any) -> None:
        try:
            self.clean[field] = checker(value, field=field)
        except OutOfBounds as error:
            self.errors[error.field or field] = error.message

    def fail(self, field: str, message: str) -> None:
        self.errors.setdefault(field, message)

    def done(self) -> dict[str, Any]:
        if self.errors:
            raise InvalidValues(self.errors)
        return self.clean


def unique_slug(wanted: str, *, exclude: int | None = None) -> str:
    base = slugify(wanted)[:100].strip("-") or "course"
    taken = Course.objects.exclude(pk=exclude) if exclude else Course.objects.all()
    slug, n = base, 1
    while taken.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def clean_file_name(name: Any, *, field: str = "name") -> str:
    """A file's own name: no folders, no leading dot, no control characters."""
    text = str(name or "").replace("\\", "/").rsplit("/", 1)[-1].strip().lstrip(".")
    text = check_text(text, field=field, max_length=SHORT_TEXT)
    if not text:
        raise OutOfBounds(_("is required"), field=field)
    return text
