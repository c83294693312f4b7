"""(being written this session)"""

from typing import Any

from django.http import Http404


def index(request: Any, **kwargs: Any) -> Any:
    raise Http404


def committee_create(request: Any, **kwargs: Any) -> Any:
    raise Http404


def body_detail(request: Any, **kwargs: Any) -> Any:
    raise Http404


def body_settings(request: Any, **kwargs: Any) -> Any:
    raise Http404


def proxies(request: Any, **kwargs: Any) -> Any:
    raise Http404


def delegates(request: Any, **kwargs: Any) -> Any:
    raise Http404


def proxy_revoke(request: Any, **kwargs: Any) -> Any:
    raise Http404

