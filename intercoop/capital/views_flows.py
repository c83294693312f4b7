"""Placeholder views: being written."""

from typing import Any

from django.http import Http404


def flows(request: Any, **kwargs: Any) -> Any:
    raise Http404


def flows_csv(request: Any, **kwargs: Any) -> Any:
    raise Http404
