"""Every form of every app, in every language: dates in the markup are ISO (the browser's
date box accepts nothing else; a Spanish "01/11/1972" would be dropped and saving the
form unchanged would erase the date), and every label is translatable."""

import datetime as dt
import importlib
import inspect
from typing import Any

import pytest
from django import forms
from django.utils import translation
from django.utils.functional import Promise

from intercoop.core import widgets


def every_form() -> list[type[forms.BaseForm]]:
    """The forms of every app of ours (each app's forms.py)."""
    import django

    django.setup()
    from django.apps import apps

    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("intercoop."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.forms")
        except ModuleNotFoundError:
            continue
        found += [
            cls
            for _name, cls in inspect.getmembers(module, inspect.isclass)
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__
        ]
    return found


FORMS = every_form()


def fields_of(form_class: type[forms.BaseForm]) -> dict[str, forms.Field]:
    """The form's fields as a page gets them (labels set in __init__ included), or the
    declared ones when the form needs arguments to be made."""
    try:
        return dict(form_class().fields)
    except TypeError:
        return dict(form_class.base_fields)  # type: ignore[attr-defined]


def test_forms_are_found():
    names = {f.__name__ for f in FORMS}
    assert {"OrganizationForm", "NoticeForm", "ObligationForm", "RoundForm"} <= names


@pytest.mark.django_db
@pytest.mark.parametrize("form_class", FORMS, ids=lambda f: f"{f.__module__}.{f.__name__}")
def test_dates_are_iso_in_the_markup_in_every_language(form_class: Any):
    for name, field in fields_of(form_class).items():
        if isinstance(field, forms.DateTimeField):
            assert isinstance(field.widget, widgets.DateTimeInput), name
            value: Any = dt.datetime(1972, 11, 1, 9, 30)
            expected = 'type="datetime-local"', 'value="1972-11-01T09:30"'
        elif isinstance(field, forms.DateField):
            assert isinstance(field.widget, widgets.DateInput), name
            value, expected = dt.date(1972, 11, 1), ('type="date"', 'value="1972-11-01"')
        else:
            continue
        iso = expected[1].split('"')[1]
        for language in ("en", "es", "fr"):
            with translation.override(language):
                html = field.widget.render(name, value)
                read = field.clean(iso)  # and what the browser sends back is read
            assert all(part in html for part in expected), (language, html)
            assert (
                read.replace(tzinfo=None) == value
                if isinstance(value, dt.datetime)
                else read == value
            )


@pytest.mark.django_db
@pytest.mark.parametrize("form_class", FORMS, ids=lambda f: f"{f.__module__}.{f.__name__}")
def test_every_label_is_translatable(form_class: Any):
    for name, field in fields_of(form_class).items():
        if field.widget.is_hidden:
            continue
        assert isinstance(field.label, Promise), f"{name}: {field.label!r}"
