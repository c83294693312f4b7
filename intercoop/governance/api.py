"""Governance API: bodies (addressed by kind and slug, like the pages), their polls and
proxies; a poll's life (open, close, reopen, amend, outcome), ballots, results, the
ballot list, the electorate and comments; a network's delegates.

Handlers find what is asked for (404 for what the caller may not see) and call the
services, which check who may do it. What a person voted in an anonymous poll is never
sent to anyone but that person: the ballot list carries receipts, never voters."""

import datetime as dt
from typing import Annotated, Any, Literal

from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from pydantic import AfterValidator, BaseModel

from intercoop.core.api import WRITE_AUTH
from intercoop.core.bounds import EARLIEST_DATE, LATEST_DATE, LONG_TEXT, SHORT_TEXT, Text
from intercoop.core.errors import DomainError
from intercoop.core.notifications import display_name
from intercoop.core.pagination import MAX_PAGE_SIZE, api_page, page_schema
from intercoop.core.permissions import NotFoundReason
from intercoop.directory.models import Organization
from intercoop.directory.selectors import network_members
from intercoop.governance import permissions, selectors, services, wording
from intercoop.governance.models import (
    MAX_OPTIONS,
    MAX_SEATS,
    MAX_WEIGHT,
    Body,
    Comment,
    Poll,
    Proxy,
)
from intercoop.governance.results import CONSENT_STANCES, PROPOSAL_STANCES

router = Router(tags=["governance"])

BodyKind = Literal["network", "organization", "committee"]
Slug = Text(SHORT_TEXT)
Username = Text(150)
OptionName = Text(SHORT_TEXT)
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]


def _moment(value: dt.datetime) -> dt.datetime:
    """A date and time within the bounds every app uses; without an offset, UTC."""
    if value.tzinfo is None or value.utcoffset() is None:
        value = value.replace(tzinfo=dt.UTC)
    if not EARLIEST_DATE <= value.date() <= LATEST_DATE:
        # the reader's language (the request's, active while the body is validated)
        raise ValueError(
            _("must be between %(low)s and %(high)s")
            % {"low": EARLIEST_DATE.isoformat(), "high": LATEST_DATE.isoformat()}
        )
    return value


Moment = Annotated[dt.datetime, AfterValidator(_moment)]


# Bodies


class BodyRef(Schema):
    kind: str
    slug: str
    name: str


class BodyOut(BodyRef):
    network: str | None
    organization: str | None
    saved: bool
    can_manage: bool
    can_propose: bool


class BodyVoterOut(Schema):
    name: str
    user: str | None
    organization: str | None
    delegate: str | None = Field(None, description="a network member's delegate (username)")


class BodyDetailOut(BodyOut):
    description: str
    admission_by_poll: bool
    ratify_awards: bool
    who_votes: str
    max_proxies_per_holder: int
    voters: list[BodyVoterOut]


def _body_ref(body: Body) -> dict[str, Any]:
    return {"kind": body.kind, "slug": body.slug, "name": body.name}


def _body_out(request: HttpRequest, body: Body) -> dict[str, Any]:
    return _body_ref(body) | {
        "network": body.network.slug if body.network_id and body.network else None,
        "organization": (
            body.organization.slug if body.organization_id and body.organization else None
        ),
        "saved": body.pk is not None,
        "can_manage": permissions.can_manage_body(request.user, body),
        "can_propose": permissions.can_propose(request.user, body),
    }


def _body(request: HttpRequest, kind: str, slug: str) -> Body:
    """The body at kind/slug if the user may see it (else 404)."""
    body = selectors.body_by_path(kind, slug)
    if body is None or not permissions.can_view_body(request.user, body):
        raise NotFoundReason(_("No such decision-making body"))
    return body


@router.get(
    "/bodies",
    auth=WRITE_AUTH,
    response=list[BodyOut],
    summary="The bodies you decide in or run: your networks, organisations and committees",
)
def list_bodies(request: HttpRequest) -> Any:
    return [_body_out(request, body) for body in selectors.bodies_of(request.user)]


@router.get(
    "/bodies/{kind}/{slug}",
    auth=WRITE_AUTH,
    response=BodyDetailOut,
    summary="A body and its rules of who votes, with its voters today",
)
def body_detail(request: HttpRequest, kind: BodyKind, slug: str) -> Any:
    body = _body(request, kind, slug)
    voters = selectors.body_voters(body)
    delegates = selectors.network_delegates(body.network_id) if body.is_network else {}
    users = dict(
        get_user_model()
        .objects.filter(pk__in={v.user_id for v in voters} | set(delegates.values()))
        .values_list("pk", "username")
    )
    slugs = dict(
        Organization.objects.filter(pk__in={v.organization_id for v in voters}).values_list(
            "pk", "slug"
        )
    )
    return _body_out(request, body) | {
        "description": body.description,
        "admission_by_poll": body.admission_by_poll,
        "ratify_awards": body.ratify_awards,
        "who_votes": wording.who_votes(body),
        "max_proxies_per_holder": selectors.max_proxies_per_holder(),
        "voters": [
            {
                "name": v.name,
                "user": users.get(v.user_id) if v.user_id else None,
                "organization": slugs.get(v.organization_id) if v.organization_id else None,
                "delegate": users.get(delegates.get(v.organization_id or 0, 0)),
            }
            for v in voters
        ],
    }


# Polls


class PollOut(Schema):
    id: int
    body: BodyRef
    kind: str
    title: str
    status: str
    anonymous: bool
    round: int
    created_at: dt.datetime
    opened_at: dt.datetime | None
    closes_at: dt.datetime | None
    closed_at: dt.datetime | None


class MyVoteOut(Schema):
    voter_id: int
    voter: str
    by_proxy: bool = Field(description="cast for a voter whose proxy you hold")
    voted: bool
    receipt: str | None = Field(
        None, description="anonymous polls: your receipt, to find in the ballot list"
    )


class RoundOut(Schema):
    number: int
    title: str
    details: str
    result: dict[str, Any] | None
    closed_at: dt.datetime


class PollDetailOut(PollOut):
    details: str
    options: list[str]
    rule: str
    threshold: str
    method: str
    seats: int
    min_choices: int
    max_choices: int
    score_max: int
    dots: int
    quorum: int
    results_visible: str = Field(description="always, after-vote or after-close")
    weighting: str
    weights: dict[str, int]
    proposer: str | None
    outcome: str
    outcome_at: dt.datetime | None
    electorate: int = Field(description="how many voters (fixed when the poll opened)")
    voted: int = Field(description="how many of them have voted in this round")
    rounds: list[RoundOut]
    my_votes: list[MyVoteOut]
    results_shown: bool = Field(description="whether you may see the results now")
    can_edit: bool
    can_open: bool
    can_close: bool
    can_reopen: bool
    can_amend: bool
    can_write_outcome: bool
    can_comment: bool
    can_vote: bool


Weights = Annotated[
    dict[OptionName, Annotated[int, Field(ge=0, le=MAX_WEIGHT)]],  # type: ignore[valid-type]
    Field(max_length=10_000, description="voter (organisation slug or username) → weight"),
]
Options = Annotated[list[OptionName], Field(max_length=MAX_OPTIONS)]  # type: ignore[valid-type]


class PollChangeIn(Schema):
    """The settings of a draft; those left out stay as they are (or take their default)."""

    title: Text(SHORT_TEXT) | None = None  # type: ignore[valid-type]
    details: Text(LONG_TEXT) | None = None  # type: ignore[valid-type]
    options: Options | None = None
    rule: Literal[tuple(Poll.Rule.values)] | None = None  # type: ignore[valid-type]
    threshold: Literal[tuple(Poll.Threshold.values)] | None = None  # type: ignore[valid-type]
    method: Literal[tuple(Poll.Method.values)] | None = None  # type: ignore[valid-type]
    seats: Annotated[int, Field(ge=1, le=MAX_SEATS)] | None = None
    min_choices: Annotated[int, Field(ge=1, le=MAX_OPTIONS)] | None = None
    max_choices: Annotated[int, Field(ge=1, le=MAX_OPTIONS)] | None = None
    score_max: Annotated[int, Field(ge=1, le=100)] | None = None
    dots: Annotated[int, Field(ge=1, le=1000)] | None = None
    quorum: Annotated[int, Field(ge=0, le=100)] | None = Field(
        None, description="% of the electorate that must vote"
    )
    anonymous: bool | None = None
    results_visible: Literal[tuple(Poll.Visibility.values)] | None = None  # type: ignore[valid-type]
    weighting: Literal[tuple(Poll.Weighting.values)] | None = None  # type: ignore[valid-type]
    weights: Weights | None = None
    closes_at: Moment | None = None


class PollIn(PollChangeIn):
    kind: Literal[tuple(Poll.Kind.values)]  # type: ignore[valid-type]
    title: Text(SHORT_TEXT)  # type: ignore[valid-type]


def _poll_out(poll: Poll) -> dict[str, Any]:
    fields = set(PollOut.model_fields) - {"body"}
    return {name: getattr(poll, name) for name in fields} | {"body": _body_ref(poll.body)}


def _poll_detail(request: HttpRequest, poll: Poll) -> dict[str, Any]:
    user = request.user
    settings = (
        "details", "rule", "threshold", "method", "seats", "min_choices", "max_choices",
        "score_max", "dots", "quorum", "results_visible", "weighting", "weights", "outcome",
        "outcome_at",
    )  # fmt: skip
    voted = selectors.voted_ids(poll)
    mine = selectors.my_votes(user, poll)
    return (
        _poll_out(poll)
        | {name: getattr(poll, name) for name in settings}
        | {
            "options": list(poll.options.values_list("name", flat=True)),
            "proposer": poll.created_by.get_username() if poll.created_by else None,
            "electorate": poll.voters.count(),
            "voted": len(voted),
            "rounds": [
                {
                    "number": r.number,
                    "title": r.title,
                    "details": r.details,
                    "result": r.result,
                    "closed_at": r.closed_at,
                }
                for r in poll.rounds.all()
            ],
            "my_votes": [_my_vote(v, voted) for v in mine],
            "results_shown": selectors.results_visible(user, poll),
            "can_edit": permissions.can_edit_draft(user, poll),
            "can_open": permissions.can_open_poll(user, poll),
            "can_close": permissions.can_close_early(user, poll),
            "can_reopen": permissions.can_reopen(user, poll),
            "can_amend": permissions.can_amend(user, poll),
            "can_write_outcome": permissions.can_write_outcome(user, poll),
            "can_comment": permissions.can_comment(user, poll),
            "can_vote": poll.is_open and bool(mine),
        }
    )


def _my_vote(mine: selectors.MyVote, voted: set[int]) -> dict[str, Any]:
    return {
        "voter_id": mine.voter.pk,
        "voter": mine.voter.name,
        "by_proxy": mine.by_proxy,
        "voted": mine.voter.pk in voted,
        "receipt": mine.receipt or None,
    }


def _poll(request: HttpRequest, pk: int) -> Poll:
    """The poll if the user may see it (else 404)."""
    poll = (
        Poll.objects.select_related("body__network", "body__organization", "created_by")
        .filter(pk=pk)
        .first()
    )
    if poll is None or not permissions.can_view_poll(request.user, poll):
        raise NotFoundReason(_("No such poll"))
    return poll


def _settings(payload: PollChangeIn, *exclude: str) -> dict[str, Any]:
    """The settings sent (null: left as they are)."""
    return payload.dict(exclude_none=True, exclude={"options", "closes_at", *exclude})


@router.get(
    "/bodies/{kind}/{slug}/polls",
    auth=WRITE_AUTH,
    response=page_schema(PollOut),
    summary="A body's polls you may see (drafts: your own; all, for its managers), paged",
)
def list_polls(
    request: HttpRequest, kind: BodyKind, slug: str, page: int = 1, page_size: int = 50
) -> Any:
    body = _body(request, kind, slug)
    polls = selectors.body_polls(request.user, body).select_related("body")
    return api_page(polls, page=page, page_size=page_size, out=_poll_out)


@router.post(
    "/bodies/{kind}/{slug}/polls",
    auth=WRITE_AUTH,
    response={201: PollDetailOut},
    summary="Start a draft poll in a body (its voters and managers); open it to vote",
)
def create_poll(
    request: HttpRequest, kind: BodyKind, slug: str, payload: PollIn
) -> tuple[int, Any]:
    body = _body(request, kind, slug)
    poll = services.poll_create(
        actor=request.user,
        body=body,
        kind=payload.kind,
        options=payload.options or (),
        closes_at=payload.closes_at,
        **_settings(payload, "kind"),
    )
    return 201, _poll_detail(request, _poll(request, poll.pk))


@router.get(
    "/polls/{pk}",
    auth=WRITE_AUTH,
    response=PollDetailOut,
    summary="A poll: its settings, life, electorate size and the votes you cast",
)
def poll_detail(request: HttpRequest, pk: int) -> Any:
    return _poll_detail(request, _poll(request, pk))


@router.patch(
    "/polls/{pk}",
    auth=WRITE_AUTH,
    response=PollDetailOut,
    summary="Change a draft (its proposer or the body's managers; the settings sent)",
)
def update_poll(request: HttpRequest, pk: int, payload: PollChangeIn) -> Any:
    services.poll_update(
        actor=request.user,
        poll=_poll(request, pk),
        options=payload.options,
        closes_at=payload.closes_at,
        **_settings(payload),
    )
    return _poll_detail(request, _poll(request, pk))


class OpenIn(Schema):
    closes_at: Moment | None = Field(None, description="the draft's closing time if left out")


class ReopenIn(Schema):
    closes_at: Moment


class AmendIn(Schema):
    details: Text(LONG_TEXT)  # type: ignore[valid-type]
    closes_at: Moment
    title: Text(SHORT_TEXT) | None = None  # type: ignore[valid-type]


class OutcomeIn(Schema):
    outcome: Text(LONG_TEXT)  # type: ignore[valid-type]


@router.post(
    "/polls/{pk}/open",
    auth=WRITE_AUTH,
    response=PollDetailOut,
    summary="Open a draft: its electorate is fixed now and told",
)
def open_poll(request: HttpRequest, pk: int, payload: OpenIn | None = None) -> Any:
    closes_at = payload.closes_at if payload else None
    services.poll_open(actor=request.user, poll=_poll(request, pk), closes_at=closes_at)
    return _poll_detail(request, _poll(request, pk))


@router.post(
    "/polls/{pk}/close",
    auth=WRITE_AUTH,
    response=PollDetailOut,
    summary="Close an open poll before its deadline (the body's coordinators)",
)
def close_poll(request: HttpRequest, pk: int) -> Any:
    services.poll_close(actor=request.user, poll=_poll(request, pk))
    return _poll_detail(request, _poll(request, pk))


@router.post(
    "/polls/{pk}/reopen",
    auth=WRITE_AUTH,
    response=PollDetailOut,
    summary="Reopen a closed poll with a new deadline (the body's coordinators)",
)
def reopen_poll(request: HttpRequest, pk: int, payload: ReopenIn) -> Any:
    services.poll_reopen(actor=request.user, poll=_poll(request, pk), closes_at=payload.closes_at)
    return _poll_detail(request, _poll(request, pk))


@router.post(
    "/polls/{pk}/amend",
    auth=WRITE_AUTH,
    response=PollDetailOut,
    summary="Amend a consent proposal and put it again (a new round; the last one is kept)",
)
def amend_poll(request: HttpRequest, pk: int, payload: AmendIn) -> Any:
    services.poll_amend(
        actor=request.user,
        poll=_poll(request, pk),
        details=payload.details,
        closes_at=payload.closes_at,
        title=payload.title,
    )
    return _poll_detail(request, _poll(request, pk))


@router.put(
    "/polls/{pk}/outcome",
    auth=WRITE_AUTH,
    response=PollDetailOut,
    summary="State the outcome of a closed poll (its proposer or the body's coordinators)",
)
def set_outcome(request: HttpRequest, pk: int, payload: OutcomeIn) -> Any:
    services.poll_outcome_set(actor=request.user, poll=_poll(request, pk), outcome=payload.outcome)
    return _poll_detail(request, _poll(request, pk))


# Ballots


Score = Annotated[int, Field(ge=0, le=1000)]


class ChoiceIn(BaseModel):  # not Schema: a nested value must be an object
    """What is voted, by the poll's kind: `stance` (proposal: agree, abstain, disagree,
    block; consent: consent, object), `options` (choice), `scores` (score), `dots` (dot
    vote) or `ranking` (ranked and election: options in order of preference)."""

    stance: Literal[tuple(dict.fromkeys(PROPOSAL_STANCES + CONSENT_STANCES))] | None = None  # type: ignore[valid-type]
    options: Options | None = None
    scores: Annotated[dict[OptionName, Score], Field(max_length=MAX_OPTIONS)] | None = None  # type: ignore[valid-type]
    dots: Annotated[dict[OptionName, Score], Field(max_length=MAX_OPTIONS)] | None = None  # type: ignore[valid-type]
    ranking: Options | None = None


class BallotIn(Schema):
    choice: ChoiceIn
    reason: Text(LONG_TEXT) = Field(  # type: ignore[valid-type]
        "", description="named polls only; needed to disagree, block or object"
    )
    voter_id: Id | None = Field(None, description="vote for this voter (a proxy you hold)")


class BallotCastOut(Schema):
    voter_id: int
    voter: str
    by_proxy: bool
    receipt: str | None = Field(None, description="anonymous polls: your receipt")
    choice: dict[str, Any]


class MyBallotOut(MyVoteOut):
    choice: dict[str, Any] | None
    reason: str | None = Field(None, description="named polls only")


@router.put(
    "/polls/{pk}/ballot",
    auth=WRITE_AUTH,
    response=BallotCastOut,
    summary="Cast or change your vote (or, with voter_id, the vote of a proxy you hold)",
)
def cast_ballot(request: HttpRequest, pk: int, payload: BallotIn) -> Any:
    poll = _poll(request, pk)
    voter = None
    if payload.voter_id is not None:
        voter = poll.voters.filter(pk=payload.voter_id).first()
        if voter is None:
            raise DomainError(_("Not a voter in this poll"), field="voter_id")
    ballot, receipt = services.ballot_cast(
        actor=request.user,
        poll=poll,
        choice=payload.choice.model_dump(exclude_none=True),
        reason=payload.reason,
        voter=voter,
    )
    own = permissions.voters_acting_for(request.user, poll)
    cast_for = voter or own[0]  # as the service chose: the one voter the user acts for
    return {
        "voter_id": cast_for.pk,
        "voter": cast_for.name,
        "by_proxy": cast_for not in own,
        "receipt": receipt or None,
        "choice": ballot.choice,
    }


@router.get(
    "/polls/{pk}/ballot",
    auth=WRITE_AUTH,
    response=list[MyBallotOut],
    summary="Your current ballots in a poll: your own, then those of proxies you hold",
)
def my_ballots(request: HttpRequest, pk: int) -> Any:
    poll = _poll(request, pk)
    voted = selectors.voted_ids(poll)
    return [
        _my_vote(mine, voted)
        | {
            "choice": mine.ballot.choice if mine.ballot else None,
            "reason": None if poll.anonymous or not mine.ballot else mine.ballot.reason,
        }
        for mine in selectors.my_votes(request.user, poll)
    ]


class ResultsOut(Schema):
    poll: int
    status: str
    result: dict[str, Any] = Field(description="as stored at close; while open, the count so far")


@router.get(
    "/polls/{pk}/results",
    auth=WRITE_AUTH,
    response=ResultsOut,
    summary="A poll's results (shown always, once you have voted, or once closed: its setting)",
)
def poll_results(request: HttpRequest, pk: int) -> Any:
    poll = _poll(request, pk)
    permissions.access_results(request.user, poll)
    return {"poll": poll.pk, "status": poll.status, "result": selectors.poll_result_of(poll) or {}}


class BallotOut(Schema):
    """A published ballot: in an anonymous poll its receipt and choice only; otherwise its
    voter, weight, reason and who cast it."""

    choice: dict[str, Any]
    receipt: str | None = None
    voter: str | None = None
    weight: int | None = None
    reason: str | None = None
    by_proxy: bool | None = None
    cast_at: dt.datetime | None = None


def _rows_page(rows: Any, *, page: int, page_size: int) -> dict[str, Any]:
    """One page of a list (or a queryset), in the API's paged shape."""
    size = max(1, min(page_size, MAX_PAGE_SIZE))
    paginator = Paginator(rows, size)
    number = min(max(page, 1), paginator.num_pages)
    return {
        "count": paginator.count,
        "count_exact": True,
        "page": number,
        "pages": paginator.num_pages,
        "page_size": size,
        "results": list(paginator.page(number).object_list),
    }


@router.get(
    "/polls/{pk}/ballots",
    auth=WRITE_AUTH,
    response=page_schema(BallotOut),
    exclude_none=True,
    summary="The published ballots of the current round (anonymous polls: by receipt), paged",
)
def poll_ballots(request: HttpRequest, pk: int, page: int = 1, page_size: int = 50) -> Any:
    poll = _poll(request, pk)
    permissions.access_ballots(request.user, poll)
    return _rows_page(selectors.ballot_list(poll), page=page, page_size=page_size)


class ElectorOut(Schema):
    id: int
    name: str
    weight: int
    voted: bool = Field(description="whether they voted in this round (never how)")


@router.get(
    "/polls/{pk}/electorate",
    auth=WRITE_AUTH,
    response=page_schema(ElectorOut),
    summary="A poll's electorate: each voter's name, weight and whether they voted, paged",
)
def poll_electorate(request: HttpRequest, pk: int, page: int = 1, page_size: int = 50) -> Any:
    poll = _poll(request, pk)
    return _rows_page(selectors.electorate(poll), page=page, page_size=page_size)


# Comments


class CommentOut(Schema):
    id: int
    author: str
    text: str
    created_at: dt.datetime


class CommentIn(Schema):
    text: Text(LONG_TEXT)  # type: ignore[valid-type]


def _comment_out(comment: Comment) -> dict[str, Any]:
    return {
        "id": comment.pk,
        "author": display_name(comment.author),
        "text": comment.text,
        "created_at": comment.created_at,
    }


@router.get(
    "/polls/{pk}/comments",
    auth=WRITE_AUTH,
    response=page_schema(CommentOut),
    summary="A poll's discussion, oldest first, paged",
)
def list_comments(request: HttpRequest, pk: int, page: int = 1, page_size: int = 50) -> Any:
    poll = _poll(request, pk)
    return api_page(selectors.poll_comments(poll), page=page, page_size=page_size, out=_comment_out)


@router.post(
    "/polls/{pk}/comments",
    auth=WRITE_AUTH,
    response={201: CommentOut},
    summary="Comment on an open or closed poll (the body's people)",
)
def add_comment(request: HttpRequest, pk: int, payload: CommentIn) -> tuple[int, Any]:
    comment = services.comment_add(actor=request.user, poll=_poll(request, pk), text=payload.text)
    return 201, _comment_out(comment)


# Proxies


class PartyIn(BaseModel):  # not Schema: a nested value must be an object
    """A voter of the body: an organisation (by slug) or a person (by username)."""

    organization: Slug | None = None  # type: ignore[valid-type]
    user: Username | None = None  # type: ignore[valid-type]


class PartyOut(Schema):
    organization: str | None
    user: str | None
    name: str


class ProxyIn(Schema):
    giver: PartyIn
    holder: PartyIn
    poll_id: Id | None = Field(None, description="for this poll only (else until revoked)")


class ProxyOut(Schema):
    id: int
    body: BodyRef
    giver: PartyOut
    holder: PartyOut
    poll_id: int | None
    created_at: dt.datetime
    revoked_at: dt.datetime | None


def _party_out(user: Any, organization: Organization | None) -> dict[str, Any]:
    if user is not None:
        return {"organization": None, "user": user.get_username(), "name": display_name(user)}
    assert organization is not None
    return {"organization": organization.slug, "user": None, "name": organization.name}


def _proxy_out(proxy: Proxy) -> dict[str, Any]:
    return {
        "id": proxy.pk,
        "body": _body_ref(proxy.body),
        "giver": _party_out(proxy.giver_user, proxy.giver_organization),
        "holder": _party_out(proxy.holder_user, proxy.holder_organization),
        "poll_id": proxy.poll_id,
        "created_at": proxy.created_at,
        "revoked_at": proxy.revoked_at,
    }


def _party(party: PartyIn, field: str) -> tuple[Any, Organization | None]:
    """(user, organisation) named by a party; exactly one of them."""
    if (party.organization is None) == (party.user is None):
        raise DomainError(_("Name one person or one organisation"), field=field)
    if party.organization is not None:
        organization = Organization.objects.filter(slug=party.organization).first()
        if organization is None:
            raise DomainError(_("No such organisation"), field=f"{field}.organization")
        return None, organization
    user = get_user_model().objects.filter(username=party.user, is_active=True).first()
    if user is None:
        raise DomainError(_("No such person"), field=f"{field}.user")
    return user, None


@router.get(
    "/bodies/{kind}/{slug}/proxies",
    auth=WRITE_AUTH,
    response=page_schema(ProxyOut),
    summary="A body's proxies in force: who gave their vote to whom, paged",
)
def list_proxies(
    request: HttpRequest, kind: BodyKind, slug: str, page: int = 1, page_size: int = 50
) -> Any:
    body = _body(request, kind, slug)
    proxies = selectors.proxies_of(body).select_related("body")
    return api_page(proxies, page=page, page_size=page_size, out=_proxy_out)


@router.post(
    "/bodies/{kind}/{slug}/proxies",
    auth=WRITE_AUTH,
    response={201: ProxyOut},
    summary="Give your vote (or an organisation's you vote for) to another voter",
)
def give_proxy(
    request: HttpRequest, kind: BodyKind, slug: str, payload: ProxyIn
) -> tuple[int, Any]:
    body = _body(request, kind, slug)
    giver_user, giver_organization = _party(payload.giver, "giver")
    holder_user, holder_organization = _party(payload.holder, "holder")
    poll = None
    if payload.poll_id is not None:
        poll = Poll.objects.filter(pk=payload.poll_id, body_id=body.pk or 0).first()
        if poll is None:
            raise DomainError(_("Choose an open poll of this body"), field="poll_id")
    with transaction.atomic():  # a refused proxy leaves no new body behind
        proxy = services.proxy_give(
            actor=request.user,
            body=services.body_saved(actor=request.user, body=body),
            giver_user=giver_user,
            giver_organization=giver_organization,
            holder_user=holder_user,
            holder_organization=holder_organization,
            poll=poll,
        )
    return 201, _proxy_out(proxy)


@router.delete(
    "/proxies/{pk}",
    auth=WRITE_AUTH,
    response=ProxyOut,
    summary="Revoke a proxy (its giver, or the body's managers)",
)
def revoke_proxy(request: HttpRequest, pk: int) -> Any:
    proxy = Proxy.objects.select_related("body").filter(pk=pk).first()
    if proxy is None or not permissions.can_view_body(request.user, proxy.body):
        raise NotFoundReason(_("No such proxy"))
    return _proxy_out(services.proxy_revoke(actor=request.user, proxy=proxy))


# Delegates


class DelegateIn(Schema):
    user: Username | None = Field(  # type: ignore[valid-type]
        description="the username of one of the organisation's people; null: any of its "
        "administrators, the first to vote counting"
    )


class DelegateOut(Schema):
    network: str
    organization: str
    user: str | None


@router.put(
    "/networks/{slug}/delegates/{organization_slug}",
    auth=WRITE_AUTH,
    response=DelegateOut,
    summary="Name who votes for a member organisation in a network's polls (its admins)",
)
def set_delegate(
    request: HttpRequest, slug: str, organization_slug: str, payload: DelegateIn
) -> Any:
    network = _body(request, Body.Kind.NETWORK, slug).network
    assert network is not None
    organization = network_members(network=network).filter(slug=organization_slug).first()
    if organization is None:
        raise NotFoundReason(_("No such member organisation"))
    user = None
    if payload.user is not None:
        user = get_user_model().objects.filter(username=payload.user, is_active=True).first()
        if user is None:
            raise DomainError(
                _("The delegate must be one of the organisation's people"), field="user"
            )
    delegate = services.delegate_set(
        actor=request.user, network=network, organization=organization, user=user
    )
    return {
        "network": network.slug,
        "organization": organization.slug,
        "user": delegate.user.get_username() if delegate else None,
    }
