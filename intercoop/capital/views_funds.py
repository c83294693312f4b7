"""Placeholder views: being written (the pages helper replaces this module)."""

from typing import Any

from django.http import Http404


def index(request: Any, **kwargs: Any) -> Any:
    raise Http404


def fund_create(request: Any, **kwargs: Any) -> Any:
    raise Http404


def note(request: Any, **kwargs: Any) -> Any:
    raise Http404


def note_csv(request: Any, **kwargs: Any) -> Any:
    raise Http404


def fund(request: Any, **kwargs: Any) -> Any:
    raise Http404


def fund_settings(request: Any, **kwargs: Any) -> Any:
    raise Http404


def capital_in(request: Any, **kwargs: Any) -> Any:
    raise Http404


def notes(request: Any, **kwargs: Any) -> Any:
    raise Http404


def books(request: Any, **kwargs: Any) -> Any:
    raise Http404
