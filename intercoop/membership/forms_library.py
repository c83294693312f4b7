"""The forms of the library pages: the library's filters, a course's fields, modules,
lessons and files, and adapting, translating and using a course. They only parse; the
curriculum's services check and write (their refusals come back as field errors)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from intercoop.core.bounds import LONG_TEXT, SHORT_TEXT
from intercoop.directory.models import Organization
from intercoop.membership.curriculum import MAX_MINUTES
from intercoop.membership.models import LICENCES, MAX_FILE_BYTES, MAX_LESSON_TEXT, Course

AUTHOR_SEPARATOR = "|"


def authors_text(authors: list[dict[str, str]]) -> str:
    """Authors one a line: "Name | Organisation | role" (empty parts left out at the end)."""
    lines = []
    for author in authors:
        parts = [author.get("name", ""), author.get("organization", ""), author.get("role", "")]
        while parts and not parts[-1]:
            parts.pop()
        lines.append(f" {AUTHOR_SEPARATOR} ".join(parts))
    return "\n".join(lines)


def parse_authors(text: str) -> list[dict[str, str]]:
    authors = []
    for line in text.splitlines():
        parts = [part.strip() for part in line.split(AUTHOR_SEPARATOR)]
        if not any(parts):
            continue
        author = {"name": parts[0]}
        for key, value in zip(("organization", "role"), parts[1:3], strict=False):
            if value:
                author[key] = value
        authors.append(author)
    return authors


class OrganizationChoice(forms.ModelChoiceField):
    """One of the organisations the person speaks for (given by the page)."""

    def __init__(self, organizations: list[Organization], **kwargs: Any) -> None:
        super().__init__(
            queryset=Organization.objects.filter(pk__in=[o.pk for o in organizations]).order_by(
                "name"
            ),
            label=kwargs.pop("label", _("Organisation")),
            empty_label=None,
            **kwargs,
        )


class LibraryFilterForm(forms.Form):
    q = forms.CharField(label=_("Title"), required=False, max_length=SHORT_TEXT)
    language = forms.ChoiceField(label=_("Language"), required=False)

    def __init__(self, *args: Any, languages: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["language"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("All languages")), *languages]


class CourseForm(forms.Form):
    """A course's own fields (and, for a new one, its organisation)."""

    title = forms.CharField(label=_("Title"), max_length=SHORT_TEXT)
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    language = forms.CharField(
        label=_("Language"),
        max_length=10,
        initial="en",
        help_text=_("A code such as en, es or pt-BR."),
    )
    licence = forms.ChoiceField(label=_("Licence"), choices=LICENCES, initial="CC-BY-SA-4.0")
    authors = forms.CharField(
        label=_("Authors"),
        required=False,
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One a line: name | organisation | role (the last two are optional)."),
    )
    attribution = forms.CharField(
        label=_("Attribution"),
        required=False,
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self,
        *args: Any,
        organizations: list[Organization] | None = None,
        course: Course | None = None,
        **kwargs: Any,
    ) -> None:
        if course is not None:
            kwargs.setdefault(
                "initial",
                {
                    "title": course.title,
                    "summary": course.summary,
                    "language": course.language,
                    "licence": course.licence,
                    "authors": authors_text(course.authors),
                    "attribution": course.attribution,
                },
            )
        super().__init__(*args, **kwargs)
        if organizations is not None:
            self.fields = {"organization": OrganizationChoice(organizations), **self.fields}
        if course is not None and (course.based_on_id or course.translation_of_id):
            # a copy's attribution says what it is based on: the service keeps it
            self.fields["attribution"].disabled = True
            self.fields["attribution"].help_text = _("Names the original course; it is kept.")

    def values(self, course: Course | None = None) -> dict[str, Any]:
        """The values to write: for a course, only those that changed."""
        data = self.cleaned_data
        values = {
            "title": data["title"],
            "summary": data["summary"],
            "language": data["language"].strip(),
            "licence": data["licence"],
            "authors": parse_authors(data["authors"]),
            "attribution": data["attribution"],
        }
        if course is None:
            return values
        return {key: value for key, value in values.items() if getattr(course, key) != value}


class ModuleForm(forms.Form):
    title = forms.CharField(label=_("Module title"), max_length=SHORT_TEXT)


class LessonAddForm(forms.Form):
    title = forms.CharField(label=_("Lesson title"), max_length=SHORT_TEXT)


class LessonForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=SHORT_TEXT)
    minutes = forms.IntegerField(label=_("Estimated minutes"), min_value=1, max_value=MAX_MINUTES)
    body = forms.CharField(
        label=_("Text (Markdown)"),
        required=False,
        max_length=MAX_LESSON_TEXT,
        widget=forms.Textarea(attrs={"rows": 18}),
        help_text=_(
            "Paragraphs, ## headings, - lists, *emphasis*, **strong** and [links](https://…). "
            "HTML is shown as text."
        ),
    )


class FileForm(forms.Form):
    file = forms.FileField(label=_("File"), help_text=_("At most 5 MB."))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(_("A file is at most 5 MB"))
        return upload


class AdaptForm(forms.Form):
    title = forms.CharField(label=_("Title of the adaptation"), max_length=SHORT_TEXT)

    def __init__(self, *args: Any, organizations: list[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields = {
            "organization": OrganizationChoice(organizations, label=_("For")),
            **self.fields,
        }


class TranslateForm(forms.Form):
    language = forms.CharField(
        label=_("Language"), max_length=10, help_text=_("A code such as en, es or pt-BR.")
    )
    title = forms.CharField(
        label=_("Title in that language"),
        max_length=SHORT_TEXT,
        required=False,
        help_text=_("You can change it, and translate every lesson, in the editor."),
    )
    translator = forms.CharField(
        label=_("Translator"),
        max_length=SHORT_TEXT,
        required=False,
        help_text=_("By default, you."),
    )

    def __init__(self, *args: Any, organizations: list[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields = {
            "organization": OrganizationChoice(organizations, label=_("For")),
            **self.fields,
        }


class UseForm(forms.Form):
    def __init__(self, *args: Any, organizations: list[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"] = OrganizationChoice(organizations)
