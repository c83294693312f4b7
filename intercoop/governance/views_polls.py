"""(being written this session)"""

from typing import Any

from django.http import Http404


def poll_create(request: Any, **kwargs: Any) -> Any:
    raise Http404


def poll_detail(request: Any, **kwargs: Any) -> Any:
    raise Http404


def poll_edit(request: Any, **kwargs: Any) -> Any:
    raise Http404


def poll_open(request: Any, **kwargs: Any) -> Any:
    raise Http404


def poll_close(request: Any, **kwargs: Any) -> Any:
    raise Http404


def poll_reopen(request: Any, **kwargs: Any) -> Any:
    raise Http404


def poll_amend(request: Any, **kwargs: Any) -> Any:
    raise Http404


def poll_outcome(request: Any, **kwargs: Any) -> Any:
    raise Http404


def poll_vote(request: Any, **kwargs: Any) -> Any:
    raise Http404


def poll_comment(request: Any, **kwargs: Any) -> Any:
    raise Http404


def poll_stages(request: Any, **kwargs: Any) -> Any:
    raise Http404


def poll_ballots(request: Any, **kwargs: Any) -> Any:
    raise Http404


def ballots_blt(request: Any, **kwargs: Any) -> Any:
    raise Http404


def ballots_csv(request: Any, **kwargs: Any) -> Any:
    raise Http404


def results_csv(request: Any, **kwargs: Any) -> Any:
    raise Http404


def results_json(request: Any, **kwargs: Any) -> Any:
    raise Http404

