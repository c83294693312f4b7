"""Placeholder views: being written (the pages helper replaces this module)."""

from typing import Any

from django.http import Http404


def application(request: Any, **kwargs: Any) -> Any:
    raise Http404


def attachment(request: Any, **kwargs: Any) -> Any:
    raise Http404


def loan(request: Any, **kwargs: Any) -> Any:
    raise Http404


def statement(request: Any, **kwargs: Any) -> Any:
    raise Http404


def statement_csv(request: Any, **kwargs: Any) -> Any:
    raise Http404


def apply(request: Any, **kwargs: Any) -> Any:
    raise Http404


def applications(request: Any, **kwargs: Any) -> Any:
    raise Http404


def loans(request: Any, **kwargs: Any) -> Any:
    raise Http404
