"""The governance API: bodies, polls and their life, ballots, results, ballot lists, the
electorate, comments, proxies and delegates, each with exact values; the denials, each
leaving nothing behind; bad input named by field, never a 500; and an anonymous poll
read through every endpoint by staff and the coordinator without ever joining a voter to
a choice."""

import datetime as dt
from typing import Any

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from intercoop.conftest import client_for, make_user
from intercoop.core.audit import system_actor
from intercoop.core.services import api_token_create
from intercoop.directory import services as directory
from intercoop.directory.models import OrganizationRole
from intercoop.governance import services
from intercoop.governance.models import (
    Ballot,
    Body,
    Comment,
    Delegate,
    Participation,
    Poll,
    Proxy,
)
from intercoop.governance.tests.conftest import open_poll, soon

PAGE_KEYS = {"count", "count_exact", "page", "pages", "page_size", "results"}
VALLEY = {"kind": "network", "slug": "valley", "name": "Valley Network"}


def iso(value: Any) -> Any:
    """A date and time as the API writes it."""
    return DjangoJSONEncoder().default(value) if value is not None else None


def call(user: Any, method: str, path: str, body: Any = None, **headers: Any) -> Any:
    client = client_for(user)
    send = getattr(client, method)
    if method in ("get", "delete") and body is None:
        return send(f"/api/v1{path}", **headers)
    return send(f"/api/v1{path}", body, content_type="application/json", **headers)


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.content
    return response.json()


def refused(response: Any, status: int, field: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["detail"]
    if field is not None:
        assert body["field"] == field, body
    return body


def state(poll: Poll) -> tuple[Any, ...]:
    """What a denied request must leave as it was."""
    poll.refresh_from_db()
    return (
        poll.status,
        poll.title,
        poll.closes_at,
        poll.round,
        Ballot.objects.filter(poll=poll).count(),
        Participation.objects.filter(poll=poll).count(),
        Comment.objects.filter(poll=poll).count(),
        Proxy.objects.count(),
    )


# Bodies


def test_my_bodies_with_what_i_may_do_there(coop_network):
    net = coop_network
    assert ok(call(net["admin_a"], "get", "/bodies")) == [
        VALLEY | {"network": "valley", "organization": None, "saved": True,
                  "can_manage": False, "can_propose": True},
        {"kind": "organization", "slug": "co-op-a", "name": "Co-op A", "network": None,
         "organization": "co-op-a", "saved": False, "can_manage": True, "can_propose": True},
    ]  # fmt: skip
    assert ok(call(net["coordinator"], "get", "/bodies")) == [
        VALLEY | {"network": "valley", "organization": None, "saved": True,
                  "can_manage": True, "can_propose": True},
    ]  # fmt: skip
    assert ok(call(net["outsider"], "get", "/bodies")) == []
    refused(call(None, "get", "/bodies"), 401)


def test_a_body_with_its_rules_of_who_votes(coop_network):
    net = coop_network
    services.delegate_set(
        actor=net["admin_b"], network=net["network"], organization=net["org_b"], user=net["admin_b"]
    )
    detail = ok(call(net["admin_a"], "get", "/bodies/network/valley"))
    assert detail == VALLEY | {
        "network": "valley", "organization": None, "saved": True, "can_manage": False,
        "can_propose": True, "description": "", "admission_by_poll": False,
        "ratify_awards": False,
        "who_votes": "In a network, each member organisation has one vote, cast by its "
                     "delegate or, when it has none, by any of its administrators.",
        "max_proxies_per_holder": 2,
        "voters": [
            {"name": "Co-op A", "user": None, "organization": "co-op-a", "delegate": None},
            {"name": "Co-op B", "user": None, "organization": "co-op-b", "delegate": "admin_b"},
            {"name": "Co-op C", "user": None, "organization": "co-op-c", "delegate": None},
        ],
    }  # fmt: skip
    # an organisation's body before its first poll: its people vote
    organization = ok(call(net["admin_a"], "get", "/bodies/organization/co-op-a"))
    assert (organization["saved"], organization["voters"]) == (
        False,
        [{"name": "admin_a", "user": "admin_a", "organization": None, "delegate": None}],
    )
    for who, path in [
        ("outsider", "/bodies/network/valley"),
        ("admin_b", "/bodies/organization/co-op-a"),
        ("admin_a", "/bodies/committee/valley"),
        ("admin_a", "/bodies/network/nowhere"),
    ]:
        refused(call(net[who], "get", path), 404)
    refused(call(net["admin_a"], "get", "/bodies/council/valley"), 422, "kind")


# Polls


def test_a_draft_is_made_changed_and_opened(coop_network):
    net = coop_network
    closes = (timezone.now() + dt.timedelta(days=3)).replace(microsecond=0)
    made = ok(
        call(net["admin_a"], "post", "/bodies/network/valley/polls", {
            "kind": "choice", "title": "Where do we meet?", "details": "Pick two.",
            "options": ["Hall", "Park", "Online"], "min_choices": 1, "max_choices": 2,
            "quorum": 50, "results_visible": "always", "closes_at": closes.isoformat(),
        }),
        201,
    )  # fmt: skip
    poll = Poll.objects.get()
    assert made == {
        "id": poll.pk, "body": VALLEY, "kind": "choice", "title": "Where do we meet?",
        "status": "draft", "anonymous": False, "round": 1, "created_at": iso(poll.created_at),
        "opened_at": None, "closes_at": iso(closes), "closed_at": None,
        "details": "Pick two.", "options": ["Hall", "Park", "Online"], "rule": "majority",
        "threshold": "2/3", "method": "", "seats": 1, "min_choices": 1, "max_choices": 2,
        "score_max": 5, "dots": 10, "quorum": 50, "results_visible": "always",
        "weighting": "equal", "weights": {}, "proposer": "admin_a", "outcome": "",
        "outcome_at": None, "electorate": 0, "voted": 0, "rounds": [], "my_votes": [],
        "results_shown": False, "can_edit": True, "can_open": True, "can_close": False,
        "can_reopen": False, "can_amend": False, "can_write_outcome": False,
        "can_comment": False, "can_vote": False,
    }  # fmt: skip
    # drafts are their proposer's and the managers'
    refused(call(net["admin_b"], "get", f"/polls/{poll.pk}"), 404)
    assert ok(call(net["admin_b"], "get", "/bodies/network/valley/polls"))["count"] == 0
    changed = ok(call(net["admin_a"], "patch", f"/polls/{poll.pk}",
                      {"title": "Where shall we meet?", "options": ["Hall", "Park"]}))  # fmt: skip
    assert (changed["title"], changed["options"], changed["quorum"]) == (
        "Where shall we meet?", ["Hall", "Park"], 50,
    )  # fmt: skip
    opened = ok(call(net["admin_a"], "post", f"/polls/{poll.pk}/open"))
    poll.refresh_from_db()
    assert {k: opened[k] for k in ("status", "opened_at", "closes_at", "electorate", "voted")} == {
        "status": "open", "opened_at": iso(poll.opened_at), "closes_at": iso(closes),
        "electorate": 3, "voted": 0,
    }  # fmt: skip
    assert opened["my_votes"] == [
        {"voter_id": poll.voters.get(name="Co-op A").pk, "voter": "Co-op A", "by_proxy": False,
         "voted": False, "receipt": None},
    ]  # fmt: skip
    assert (opened["can_edit"], opened["can_vote"], opened["can_close"]) == (False, True, False)
    listed = ok(call(net["admin_b"], "get", "/bodies/network/valley/polls"))
    assert set(listed) == PAGE_KEYS and listed["results"] == [
        {"id": poll.pk, "body": VALLEY, "kind": "choice", "title": "Where shall we meet?",
         "status": "open", "anonymous": False, "round": 1, "created_at": iso(poll.created_at),
         "opened_at": iso(poll.opened_at), "closes_at": iso(closes), "closed_at": None},
    ]  # fmt: skip
    # an open poll's settings are fixed
    refused(call(net["admin_a"], "patch", f"/polls/{poll.pk}", {"title": "Late"}), 403)
    assert Poll.objects.get().title == "Where shall we meet?"


def test_an_organisations_first_poll_makes_its_body(coop_network):
    net = coop_network
    refused(call(net["admin_b"], "post", "/bodies/organization/co-op-a/polls",
                 {"kind": "proposal", "title": "Ours"}), 404)  # fmt: skip
    assert not Body.objects.filter(kind="organization").exists()
    made = ok(call(net["admin_a"], "post", "/bodies/organization/co-op-a/polls",
                   {"kind": "proposal", "title": "Ours"}), 201)  # fmt: skip
    assert made["body"] == {"kind": "organization", "slug": "co-op-a", "name": "Co-op A"}
    assert Body.objects.get(kind="organization").organization == net["org_a"]


def test_polls_are_paged_in_a_fixed_number_of_queries(coop_network):
    net = coop_network

    def listing() -> tuple[int, Any]:
        with CaptureQueriesContext(connection) as queries:
            body = ok(call(net["admin_a"], "get", "/bodies/network/valley/polls?page_size=2"))
        return len(queries), body

    open_poll(net)
    listing()  # the first request of a test warms caches (content types, the session)
    few, _ = listing()
    for _n in range(3):
        open_poll(net)
    many, body = listing()
    assert many == few
    assert (body["count"], body["pages"], body["page_size"], len(body["results"])) == (4, 2, 2, 2)
    assert ok(call(net["admin_a"], "get", "/bodies/network/valley/polls?page=9"))["page"] == 1


def test_a_vote_is_cast_changed_and_counted(coop_network):
    net = coop_network
    poll = open_poll(net, "proposal")
    path = f"/polls/{poll.pk}"
    a = poll.voters.get(name="Co-op A")
    # results after voting: hidden before
    hidden = refused(call(net["admin_a"], "get", f"{path}/results"), 403)
    assert "once you have voted" in hidden["detail"]
    refused(call(net["admin_a"], "get", f"{path}/ballots"), 403)
    cast = ok(call(net["admin_a"], "put", f"{path}/ballot",
                   {"choice": {"stance": "disagree"}, "reason": "Too soon"}))  # fmt: skip
    assert cast == {"voter_id": a.pk, "voter": "Co-op A", "by_proxy": False, "receipt": None,
                    "choice": {"stance": "disagree"}}  # fmt: skip
    changed = ok(call(net["admin_a"], "put", f"{path}/ballot", {"choice": {"stance": "agree"}}))
    assert changed["choice"] == {"stance": "agree"}
    assert ok(call(net["admin_a"], "get", f"{path}/ballot")) == [
        {"voter_id": a.pk, "voter": "Co-op A", "by_proxy": False, "voted": True, "receipt": None,
         "choice": {"stance": "agree"}, "reason": ""},
    ]  # fmt: skip
    assert Ballot.objects.filter(poll=poll).count() == 2  # the first is kept, not current
    assert ok(call(net["admin_a"], "get", f"{path}/results")) == {
        "poll": poll.pk, "status": "open",
        "result": {"kind": "proposal", "voters": 1, "electorate": 3, "electorate_weight": 3,
                   "weight_cast": 1, "quorum": 0, "quorum_met": True, "passed": True,
                   "winners": [], "rule": "majority",
                   "counts": {"agree": 1, "abstain": 0, "disagree": 0, "block": 0},
                   "threshold": "2/3"},
    }  # fmt: skip
    ballot = Ballot.objects.get(poll=poll, current=True)
    assert ok(call(net["admin_a"], "get", f"{path}/ballots")) == {
        "count": 1, "count_exact": True, "page": 1, "pages": 1, "page_size": 50,
        "results": [{"voter": "Co-op A", "weight": 1, "choice": {"stance": "agree"},
                     "reason": "", "by_proxy": False, "cast_at": iso(ballot.cast_at)}],
    }  # fmt: skip
    electorate = ok(call(net["admin_b"], "get", f"{path}/electorate"))["results"]
    assert [(e["name"], e["weight"], e["voted"]) for e in electorate] == [
        ("Co-op A", 1, True), ("Co-op B", 1, False), ("Co-op C", 1, False),
    ]  # fmt: skip
    detail = ok(call(net["admin_b"], "get", path))
    assert (detail["voted"], detail["results_shown"], detail["my_votes"][0]["voted"]) == (
        1, False, False,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("kind", "values", "choice", "stored"),
    [
        ("consent", {}, {"stance": "consent"}, {"stance": "consent"}),
        ("choice", {"max_choices": 2}, {"options": ["Cai", "Ana"]}, {"options": ["Ana", "Cai"]}),
        ("score", {}, {"scores": {"Ana": 5, "Ben": 0}}, {"scores": {"Ana": 5, "Ben": 0}}),
        ("dot", {"dots": 4}, {"dots": {"Ben": 3, "Cai": 1}}, {"dots": {"Ben": 3, "Cai": 1}}),
        ("ranked", {}, {"ranking": ["Ben", "Ana"]}, {"ranking": ["Ben", "Ana"]}),
        ("election", {"seats": 2}, {"ranking": ["Cai"]}, {"ranking": ["Cai"]}),
    ],
)
def test_every_kind_of_ballot(coop_network, kind, values, choice, stored):
    poll = open_poll(coop_network, kind, **values)
    cast = ok(call(coop_network["admin_c"], "put", f"/polls/{poll.pk}/ballot", {"choice": choice}))
    assert cast["choice"] == stored == Ballot.objects.get(poll=poll).choice


def test_a_poll_is_closed_reopened_and_its_outcome_stated(coop_network):
    net = coop_network
    poll = open_poll(net, "proposal")
    path = f"/polls/{poll.pk}"
    services.ballot_cast(actor=net["admin_b"], poll=poll, choice={"stance": "agree"})
    closed = ok(call(net["coordinator"], "post", f"{path}/close"))
    poll.refresh_from_db()
    assert (closed["status"], closed["closed_at"], closed["can_reopen"]) == (
        "closed", iso(poll.closed_at), True,
    )  # fmt: skip
    # after close everyone who sees the poll sees the stored result
    result = ok(call(net["admin_c"], "get", f"{path}/results"))
    assert (result["status"], result["result"]) == ("closed", poll.result)
    refused(call(net["coordinator"], "post", f"{path}/close"), 400, "status")
    stated = ok(call(net["coordinator"], "put", f"{path}/outcome", {"outcome": "Adopted."}))
    poll.refresh_from_db()
    assert (stated["outcome"], stated["outcome_at"]) == ("Adopted.", iso(poll.outcome_at))
    later = (timezone.now() + dt.timedelta(days=2)).replace(microsecond=0)
    reopened = ok(call(net["coordinator"], "post", f"{path}/reopen",
                       {"closes_at": later.isoformat()}))  # fmt: skip
    assert (reopened["status"], reopened["closes_at"], reopened["closed_at"]) == (
        "open", iso(later), None,
    )  # fmt: skip


def test_a_consent_proposal_is_amended_into_a_new_round(coop_network):
    net = coop_network
    poll = open_poll(net, "consent")
    services.ballot_cast(
        actor=net["admin_a"], poll=poll, choice={"stance": "object"}, reason="Too vague"
    )
    later = (timezone.now() + dt.timedelta(days=4)).replace(microsecond=0)
    amended = ok(call(net["coordinator"], "post", f"/polls/{poll.pk}/amend",
                      {"details": "Clearer now.", "closes_at": later.isoformat(),
                       "title": "A clearer consent"}))  # fmt: skip
    kept = poll.rounds.get()
    assert (amended["round"], amended["title"], amended["details"], amended["voted"]) == (
        2, "A clearer consent", "Clearer now.", 0,
    )  # fmt: skip
    assert amended["rounds"] == [
        {"number": 1, "title": "A consent", "details": "", "result": kept.result,
         "closed_at": iso(kept.closed_at)},
    ]  # fmt: skip
    assert kept.result["counts"] == {"consent": 0, "object": 1}


def test_comments(coop_network):
    net = coop_network
    poll = open_poll(net)
    made = ok(call(net["admin_c"], "post", f"/polls/{poll.pk}/comments", {"text": "Agreed."}), 201)
    comment = Comment.objects.get()
    assert made == {"id": comment.pk, "author": "admin_c", "text": "Agreed.",
                    "created_at": iso(comment.created_at)}  # fmt: skip
    listed = ok(call(net["admin_a"], "get", f"/polls/{poll.pk}/comments"))
    assert (listed["count"], listed["results"]) == (1, [made])
    refused(call(net["admin_a"], "post", f"/polls/{poll.pk}/comments", {"text": ""}), 400, "text")
    refused(call(net["outsider"], "post", f"/polls/{poll.pk}/comments", {"text": "Hi"}), 404)
    assert Comment.objects.count() == 1


def test_a_token_reads_the_api(coop_network):
    net = coop_network
    _token, key = api_token_create(actor=system_actor(), user=net["admin_a"], name="t")
    response = client_for(None).get(
        "/api/v1/bodies", HTTP_AUTHORIZATION=f"Token {key}", HTTP_ACCEPT_ENCODING="identity"
    )
    assert [b["slug"] for b in ok(response)] == ["valley", "co-op-a"]


# Denials: each leaves nothing behind


def test_an_outsider_reads_no_polls_and_casts_no_vote(coop_network):
    net = coop_network
    poll = open_poll(net)
    before = state(poll)
    outsider = net["outsider"]
    refused(call(outsider, "get", "/bodies/network/valley/polls"), 404)
    for path in ["", "/results", "/ballots", "/electorate", "/comments", "/ballot"]:
        refused(call(outsider, "get", f"/polls/{poll.pk}{path}"), 404)
    refused(call(outsider, "put", f"/polls/{poll.pk}/ballot", {"choice": {"stance": "agree"}}), 404)
    refused(call(outsider, "post", "/bodies/network/valley/polls",
                 {"kind": "proposal", "title": "Mine"}), 404)  # fmt: skip
    refused(call(None, "put", f"/polls/{poll.pk}/ballot", {"choice": {"stance": "agree"}}), 401)
    assert state(poll) == before and Poll.objects.count() == 1


def test_only_the_electorate_votes(coop_network):
    net = coop_network
    poll = open_poll(net)
    before = state(poll)
    refused(call(net["coordinator"], "put", f"/polls/{poll.pk}/ballot",
                 {"choice": {"stance": "agree"}}), 403)  # fmt: skip
    # another organisation's voter, or one never in the poll
    b = poll.voters.get(name="Co-op B")
    refused(call(net["admin_a"], "put", f"/polls/{poll.pk}/ballot",
                 {"choice": {"stance": "agree"}, "voter_id": b.pk}), 403)  # fmt: skip
    refused(call(net["admin_a"], "put", f"/polls/{poll.pk}/ballot",
                 {"choice": {"stance": "agree"}, "voter_id": 10**9}), 400, "voter_id")  # fmt: skip
    assert state(poll) == before


def test_only_the_coordinators_close_early(coop_network):
    net = coop_network
    poll = open_poll(net)
    before = state(poll)
    for who in ("admin_a", "admin_b"):
        refused(call(net[who], "post", f"/polls/{poll.pk}/close"), 403)
    refused(call(net["admin_a"], "post", f"/polls/{poll.pk}/reopen",
                 {"closes_at": soon().isoformat()}), 403)  # fmt: skip
    refused(call(net["admin_a"], "post", f"/polls/{poll.pk}/amend",
                 {"details": "x", "closes_at": soon().isoformat()}), 403)  # fmt: skip
    refused(call(net["admin_a"], "put", f"/polls/{poll.pk}/outcome", {"outcome": "Mine"}), 403)
    assert state(poll) == before
    assert Poll.objects.get().is_open


def test_results_under_after_close_wait_for_the_close(coop_network):
    net = coop_network
    poll = open_poll(net, results_visible="after-close")
    services.ballot_cast(actor=net["admin_a"], poll=poll, choice={"stance": "agree"})
    hidden = refused(call(net["admin_a"], "get", f"/polls/{poll.pk}/results"), 403)
    assert hidden["detail"] == (
        f"The results show when the poll closes ({poll.closes_at:%Y-%m-%d %H:%M} UTC)"
    )
    refused(call(net["admin_a"], "get", f"/polls/{poll.pk}/ballots"), 403)


# Bad input: 4xx naming the field, nothing written


def test_bad_ballots_name_the_field(coop_network):
    net = coop_network
    poll = open_poll(net)
    before = state(poll)
    path = f"/polls/{poll.pk}/ballot"
    refused(call(net["admin_a"], "put", path, {"choice": {"stance": "perhaps"}}), 422,
            "choice.stance")  # fmt: skip
    refused(call(net["admin_a"], "put", path, {"choice": {"stance": "consent"}}), 400, "stance")
    refused(call(net["admin_a"], "put", path, {"choice": {}}), 400, "stance")
    refused(call(net["admin_a"], "put", path, {"choice": {"stance": "block"}}), 400, "reason")
    refused(call(net["admin_a"], "put", path, {"choice": {"stance": "agree"},
                                               "reason": "x" * 5001}), 422, "reason")  # fmt: skip
    refused(call(net["admin_a"], "put", path, {"choice": "agree"}), 422, "choice")
    assert state(poll) == before


@pytest.mark.parametrize(
    ("values", "status", "field"),
    [
        ({"title": "x" * 201}, 422, "title"),
        ({"title": ""}, 400, "title"),
        ({"closes_at": "2001-01-01T00:00:00Z"}, 400, "closes_at"),
        ({"closes_at": "tomorrow"}, 422, "closes_at"),
        ({"closes_at": "9999-12-31T23:00:00+01:00"}, 422, "closes_at"),
        ({"quorum": 101}, 422, "quorum"),
        ({"quorum": -1}, 422, "quorum"),
        ({"kind": "lottery"}, 422, "kind"),
        ({"kind": "choice", "options": ["Only"]}, 400, "options"),
        ({"kind": "choice", "options": ["x"] * 51}, 422, "options"),
        ({"kind": "election", "options": ["A", "B"], "seats": 2}, 400, "seats"),
        ({"kind": "ranked", "options": ["A", "B"], "method": "scottish-stv"}, 400, "method"),
        ({"anonymous": True, "weighting": "custom"}, 400, "weighting"),
        ({"weights": {"co-op-a": 10**13}}, 422, "weights.co-op-a"),
        ({"results_visible": "never"}, 422, "results_visible"),
        ({"details": "\x00"}, 422, "details"),
    ],
)
def test_bad_polls_name_the_field(coop_network, values, status, field):
    response = call(coop_network["coordinator"], "post", "/bodies/network/valley/polls",
                    {"kind": "proposal", "title": "A fair title"} | values)  # fmt: skip
    refused(response, status, field)
    assert not Poll.objects.exists()


def test_a_time_out_of_bounds_is_refused_in_the_readers_language(coop_network):
    """Fixed: the bound of a closing time was refused in English whatever the language."""
    body = {"kind": "proposal", "title": "A fair title", "closes_at": "9999-12-31T23:00:00Z"}
    response = call(coop_network["coordinator"], "post", "/bodies/network/valley/polls", body,
                    HTTP_ACCEPT_LANGUAGE="es")  # fmt: skip
    detail = refused(response, 422, "closes_at")["detail"]
    assert "debe estar entre 1800-01-01 y 2200-12-31" in detail, detail
    assert not Poll.objects.exists()


def test_bad_changes_name_the_field_and_change_nothing(coop_network):
    net = coop_network
    poll = services.poll_create(actor=net["coordinator"], body=net["body"], kind="proposal",
                                title="Draft")  # fmt: skip
    before = state(poll)
    path = f"/polls/{poll.pk}"
    refused(call(net["coordinator"], "patch", path, {"quorum": 101}), 422, "quorum")
    refused(call(net["coordinator"], "patch", path, {"closes_at": "2001-01-01T00:00:00Z"}), 400,
            "closes_at")  # fmt: skip
    refused(call(net["coordinator"], "post", f"{path}/open", {"closes_at": "2001-01-01T00:00"}),
            400, "closes_at")  # fmt: skip
    refused(call(net["coordinator"], "post", f"{path}/open"), 400, "closes_at")
    # null leaves a setting as it is
    assert ok(call(net["coordinator"], "patch", path, {"anonymous": None}))["anonymous"] is False
    assert state(poll) == before


# Proxies and delegates


def test_a_proxy_is_given_used_and_revoked(coop_network):
    net = coop_network
    poll = open_poll(net)
    body = "/bodies/network/valley/proxies"
    given = ok(call(net["admin_a"], "post", body, {
        "giver": {"organization": "co-op-a"}, "holder": {"organization": "co-op-b"},
        "poll_id": poll.pk,
    }), 201)  # fmt: skip
    proxy = Proxy.objects.get()
    assert given == {
        "id": proxy.pk, "body": VALLEY,
        "giver": {"organization": "co-op-a", "user": None, "name": "Co-op A"},
        "holder": {"organization": "co-op-b", "user": None, "name": "Co-op B"},
        "poll_id": poll.pk, "created_at": iso(proxy.created_at), "revoked_at": None,
    }  # fmt: skip
    assert ok(call(net["admin_c"], "get", body))["results"] == [given]
    a, b = poll.voters.get(name="Co-op A"), poll.voters.get(name="Co-op B")
    mine = ok(call(net["admin_b"], "get", f"/polls/{poll.pk}"))["my_votes"]
    assert [(v["voter_id"], v["by_proxy"]) for v in mine] == [(b.pk, False), (a.pk, True)]
    cast = ok(call(net["admin_b"], "put", f"/polls/{poll.pk}/ballot",
                   {"choice": {"stance": "abstain"}, "voter_id": a.pk}))  # fmt: skip
    assert (cast["voter"], cast["by_proxy"]) == ("Co-op A", True)
    # the giver's own vote overrides the holder's
    own = ok(
        call(net["admin_a"], "put", f"/polls/{poll.pk}/ballot", {"choice": {"stance": "agree"}})
    )
    assert (own["voter"], own["by_proxy"]) == ("Co-op A", False)
    refused(call(net["admin_b"], "put", f"/polls/{poll.pk}/ballot",
                 {"choice": {"stance": "block"}, "reason": "x", "voter_id": a.pk}), 400, "voter")  # fmt: skip
    # only the giver (or a manager) revokes
    refused(call(net["admin_b"], "delete", f"/proxies/{proxy.pk}"), 403)
    refused(call(net["outsider"], "delete", f"/proxies/{proxy.pk}"), 404)
    assert Proxy.objects.get().is_active
    revoked = ok(call(net["admin_a"], "delete", f"/proxies/{proxy.pk}"))
    proxy.refresh_from_db()
    assert revoked["revoked_at"] == iso(proxy.revoked_at) is not None
    assert ok(call(net["admin_a"], "get", body))["count"] == 0


def test_proxies_refused_name_the_field_and_leave_nothing(coop_network):
    net = coop_network
    body = "/bodies/network/valley/proxies"
    a_to_b = {"giver": {"organization": "co-op-a"}, "holder": {"organization": "co-op-b"}}
    refused(call(net["outsider"], "post", body, a_to_b), 404)
    refused(call(net["admin_c"], "post", body, a_to_b), 403)  # not C's vote to give
    refused(call(net["admin_a"], "post", body, a_to_b | {"holder": {}}), 400, "holder")
    refused(call(net["admin_a"], "post", body, a_to_b | {"holder": {"user": "nobody"}}), 400,
            "holder.user")  # fmt: skip
    refused(call(net["admin_a"], "post", body, a_to_b | {"poll_id": 10**9}), 400, "poll_id")
    refused(call(net["admin_a"], "post", body, a_to_b | {"holder": {"organization": "co-op-a"}}),
            400, "holder")  # fmt: skip
    anonymous = open_poll(net, anonymous=True)
    refused(call(net["admin_a"], "post", body, a_to_b | {"poll_id": anonymous.pk}), 400, "poll")
    assert not Proxy.objects.exists()
    # an organisation's body is made by its first proxy, and not by a refused one
    admin_a2 = make_user("admin_a2")
    directory.organization_role_assign(actor=system_actor(), organization=net["org_a"],
                                       user=admin_a2, role=OrganizationRole.Role.MEMBER)  # fmt: skip
    ours = "/bodies/organization/co-op-a/proxies"
    refused(call(net["admin_a"], "post", ours,
                 {"giver": {"user": "admin_a2"}, "holder": {"user": "admin_a"}}), 403)  # fmt: skip
    assert not Body.objects.filter(kind="organization").exists()
    ok(call(net["admin_a"], "post", ours,
            {"giver": {"user": "admin_a"}, "holder": {"user": "admin_a2"}}), 201)  # fmt: skip
    assert Body.objects.filter(kind="organization").count() == 1


def test_an_organisations_administrators_name_its_delegate(coop_network):
    net = coop_network
    ana = make_user("ana")
    directory.organization_role_assign(actor=system_actor(), organization=net["org_a"], user=ana,
                                       role=OrganizationRole.Role.MEMBER)  # fmt: skip
    path = "/networks/valley/delegates/co-op-a"
    assert ok(call(net["admin_a"], "put", path, {"user": "ana"})) == {
        "network": "valley", "organization": "co-op-a", "user": "ana",
    }  # fmt: skip
    assert Delegate.objects.get().user == ana
    for who, status in (("admin_b", 403), ("coordinator", 403), ("outsider", 404)):
        refused(call(net[who], "put", path, {"user": None}), status)
    refused(call(net["admin_a"], "put", path, {"user": "admin_b"}), 400, "user")
    refused(call(net["admin_a"], "put", path, {"user": "nobody"}), 400, "user")
    refused(call(net["admin_a"], "put", "/networks/valley/delegates/nowhere", {"user": None}), 404)
    refused(call(net["admin_a"], "put", path, {}), 422, "user")
    assert Delegate.objects.get().user == ana
    assert ok(call(net["admin_a"], "put", path, {"user": None}))["user"] is None
    assert not Delegate.objects.exists()


# An anonymous poll: nobody, not even staff, sees who voted how


def _objects(value: Any) -> Any:
    """Every JSON object inside a response body."""
    if isinstance(value, dict):
        yield value
        for inner in value.values():
            yield from _objects(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _objects(inner)


def test_nobody_sees_how_an_anonymous_voter_voted(coop_network):
    net = coop_network
    staff = make_user("staff", is_staff=True)
    poll = open_poll(net, anonymous=True)  # its results show once it has closed
    path = f"/polls/{poll.pk}"
    cast = ok(call(net["admin_a"], "put", f"{path}/ballot", {"choice": {"stance": "block"}}))
    receipt = cast["receipt"]
    assert len(receipt) == 11 and cast["voter"] == "Co-op A"
    ok(call(net["admin_b"], "put", f"{path}/ballot", {"choice": {"stance": "agree"}}))
    refused(call(net["admin_c"], "put", f"{path}/ballot",
                {"choice": {"stance": "agree"}, "reason": "Why not"}), 400, "reason")  # fmt: skip
    assert not Ballot.objects.filter(poll=poll, voter__isnull=False).exists()
    names = set(poll.voters.values_list("name", flat=True)) | {"admin_a", "admin_b"}
    reads = ["", "/ballot", "/results", "/ballots", "/electorate", "/comments"]
    hidden = {"/results", "/ballots"}  # until the close

    def read_all(user: Any) -> list[Any]:
        if poll.is_open:
            for end in hidden:
                refused(call(user, "get", f"{path}{end}"), 403)
        bodies = [
            ok(call(user, "get", f"{path}{end}")) if poll.is_closed or end not in hidden else {}
            for end in reads
        ]
        bodies.append(ok(call(user, "get", "/bodies/network/valley/polls")))
        bodies.append(ok(call(user, "get", "/bodies/network/valley/proxies")))
        return bodies

    for moment in ("open", "closed"):
        for who in (staff, net["coordinator"]):
            found = read_all(who)
            for body in found:
                for shown in _objects(body):
                    if {"choice", "stance", "counts"} & set(shown):
                        assert not {"voter", "voter_id", "cast_by"} & set(shown), shown
                        assert not names & {str(v) for v in shown.values()}, shown
            detail, mine = found[0], found[1]
            assert detail["my_votes"] == [] and mine == []
            assert receipt not in str(detail)
            if moment == "closed":
                ballots = found[3]["results"]
                assert sorted(b["choice"]["stance"] for b in ballots) == ["agree", "block"]
                assert all(set(b) == {"receipt", "choice"} for b in ballots)
        # the voter alone finds their receipt beside their voter, and in the list
        mine = ok(call(net["admin_a"], "get", f"{path}/ballot"))
        assert mine == [{"voter_id": poll.voters.get(name="Co-op A").pk, "voter": "Co-op A",
                         "by_proxy": False, "voted": True, "receipt": receipt,
                         "choice": {"stance": "block"}, "reason": None}]  # fmt: skip
        assert ok(call(net["admin_b"], "get", path))["my_votes"][0]["receipt"] not in (
            None, receipt,
        )  # fmt: skip
        if moment == "open":
            refused(call(net["admin_b"], "get", f"{path}/ballots"), 403)
            ok(call(net["coordinator"], "post", f"{path}/close"))
            poll.refresh_from_db()
        else:
            listed = ok(call(net["admin_b"], "get", f"{path}/ballots"))["results"]
            assert {"receipt": receipt, "choice": {"stance": "block"}} in listed
