"""The pages that notifications and dashboard entries about pathways point at, as
(URL name, args)."""

from typing import Any

Link = tuple[str, list[Any]]


def application_link(application_id: int) -> Link:
    return ("membership:application", [application_id])


def board_link(pathway_id: int) -> Link:
    return ("membership:pathway_board", [pathway_id])


def mentoring_link() -> Link:
    return ("membership:mentoring", [])
