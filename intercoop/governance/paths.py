"""A body's address names its kind in the plural (/decide/networks/valley/): the one
mapping between the two, for every page and link."""

from django.urls import reverse

from intercoop.governance.models import Body

BODY_KINDS = {
    "networks": Body.Kind.NETWORK,
    "organizations": Body.Kind.ORGANIZATION,
    "committees": Body.Kind.COMMITTEE,
}
BODY_PATHS = {kind: path for path, kind in BODY_KINDS.items()}


def kind_path(body: Body) -> str:
    """The plural of the body's kind, as its address spells it."""
    return BODY_PATHS[Body.Kind(body.kind)]


def body_url(body: Body, name: str = "governance:body") -> str:
    """The address of one of the body's pages (`governance:body`, `:proxies`, …)."""
    return reverse(name, args=[kind_path(body), body.slug])
