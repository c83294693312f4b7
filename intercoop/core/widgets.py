"""Form widgets every app uses for dates: the browser's date and datetime-local boxes
read and write ISO values only, so the markup carries ISO whatever the language (a
Spanish page would otherwise put "01/11/1972" in the box, the browser would reject it
and saving the form unchanged would erase the date). Parsing is unaffected: Django
always accepts ISO input besides the language's own formats."""

from typing import Any

from django import forms

ISO_DATE = "%Y-%m-%d"
ISO_DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format=ISO_DATE)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format=ISO_DATETIME_LOCAL)
