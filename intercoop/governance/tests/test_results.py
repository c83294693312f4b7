"""Each poll kind's result on hand-computed cases, through the services: ballots cast by
`ballot_cast`, the poll closed by `poll_close`, and both `results.poll_result` (through
`selectors.poll_compute_result` while open) and the stored `poll.result` checked.

Committees of named people u1…un give electorates of any size; weights are fixed at
opening from `poll.weights` (user name or organisation slug → weight)."""

import pytest
from django.core.exceptions import PermissionDenied
from hypothesis import given, settings
from hypothesis import strategies as st

from intercoop.core.errors import DomainError
from intercoop.governance import services
from intercoop.governance.models import PollRound
from intercoop.governance.results import (
    CONSENT_STANCES,
    PROPOSAL_STANCES,
    PollRules,
    poll_result,
)
from intercoop.governance.selectors import poll_compute_result, poll_result_of
from intercoop.governance.tallies import quorum_met
from intercoop.governance.tests.conftest import open_poll, soon
from intercoop.governance.tests.helpers import close, committee, stances, start, vote


def proposal_counts(agree=0, abstain=0, disagree=0, block=0):
    return {"agree": agree, "abstain": abstain, "disagree": disagree, "block": block}


def closed_result(net, poll):
    """The result computed while open, then the stored result at close: equal."""
    live = poll_compute_result(poll)
    poll = close(net, poll)
    assert poll.result == live
    assert poll_result_of(poll) == poll.result
    return poll.result


# Proposals


def test_majority_two_agree_one_disagree_passes(coop_network):
    net = coop_network
    poll = open_poll(net, "proposal", rule="majority")
    stances(poll, (net["admin_a"], "agree"), (net["admin_b"], "agree"),
            (net["admin_c"], "disagree"))  # fmt: skip
    result = closed_result(net, poll)
    assert result == {
        "kind": "proposal",
        "voters": 3,
        "electorate": 3,
        "electorate_weight": 3,
        "weight_cast": 3,
        "quorum": 0,
        "quorum_met": True,
        "passed": True,
        "winners": [],
        "rule": "majority",
        "counts": proposal_counts(agree=2, disagree=1),
        "threshold": "2/3",
    }


def test_majority_a_tie_of_votes_cast_fails_and_abstentions_are_not_cast(coop_network):
    net = coop_network
    poll = open_poll(net, "proposal", rule="majority")
    stances(poll, (net["admin_a"], "agree"), (net["admin_b"], "disagree"),
            (net["admin_c"], "abstain"))  # fmt: skip
    result = closed_result(net, poll)
    assert (result["counts"], result["passed"]) == (
        proposal_counts(agree=1, abstain=1, disagree=1),
        False,
    )


def test_supermajority_two_of_three_cast_passes_exactly_at_two_thirds(coop_network):
    net = coop_network
    poll = open_poll(net, "proposal", rule="supermajority", threshold="2/3")
    stances(poll, (net["admin_a"], "agree"), (net["admin_b"], "agree"),
            (net["admin_c"], "disagree"))  # fmt: skip
    result = closed_result(net, poll)
    assert (result["rule"], result["threshold"], result["passed"]) == ("supermajority", "2/3", True)


def test_supermajority_of_three_quarters_fails_with_two_of_three(coop_network):
    net = coop_network
    poll = open_poll(net, "proposal", rule="supermajority", threshold="3/4")
    stances(poll, (net["admin_a"], "agree"), (net["admin_b"], "agree"),
            (net["admin_c"], "disagree"))  # fmt: skip
    assert closed_result(net, poll)["passed"] is False


def test_supermajority_of_eligible_counts_those_who_did_not_vote(coop_network):
    """Five members, two thirds of them: 10/3, so four must agree; three agreeing of three
    cast is not enough."""
    net = coop_network
    body, users = committee(net, 5)
    poll = start(net["coordinator"], body, rule="supermajority-eligible", threshold="2/3")
    stances(poll, *[(u, "agree") for u in users[:3]])
    result = poll_compute_result(poll)
    assert (result["counts"], result["passed"]) == (proposal_counts(agree=3), False)
    vote(users[3], poll, stance="agree")
    result = closed_result(net, poll)
    assert (result["voters"], result["electorate"], result["passed"]) == (4, 5, True)


def test_consensus_fails_on_one_block_and_passes_on_disagreement_at_threshold(coop_network):
    net = coop_network
    body, users = committee(net, 4)
    blocked = start(net["coordinator"], body, rule="consensus", threshold="2/3")
    stances(blocked, *[(u, "agree") for u in users[:3]], (users[3], "block"))
    result = closed_result(net, blocked)
    assert (result["counts"], result["passed"]) == (proposal_counts(agree=3, block=1), False)
    # three of four cast agree (≥ 2/3) and nobody blocks
    disagreed = start(net["coordinator"], body, rule="consensus", threshold="2/3")
    stances(disagreed, *[(u, "agree") for u in users[:3]], (users[3], "disagree"))
    assert closed_result(net, disagreed)["passed"] is True


def test_a_block_or_a_disagreement_needs_a_reason(coop_network):
    net = coop_network
    poll = open_poll(net, "proposal")
    for stance in ("block", "disagree"):
        with pytest.raises(DomainError) as refused:
            vote(net["admin_a"], poll, stance=stance)
        assert refused.value.field == "reason"
    with pytest.raises(DomainError) as refused:
        vote(net["admin_a"], poll, stance="maybe")
    assert refused.value.field == "stance"
    assert poll.ballots.count() == 0


# Quorum


def test_quorum_counts_ballots_cast_abstentions_too(coop_network):
    """50 % of three voters: two ballots. One agreement alone misses it (and does not
    pass); an abstention brings it to quorum."""
    net = coop_network
    poll = open_poll(net, "proposal", quorum=50)
    stances(poll, (net["admin_a"], "agree"))
    short = poll_compute_result(poll)
    assert (short["voters"], short["quorum"], short["quorum_met"], short["passed"]) == (
        1, 50, False, False,
    )  # fmt: skip
    stances(poll, (net["admin_b"], "abstain"))
    result = closed_result(net, poll)
    assert (result["voters"], result["quorum_met"], result["passed"]) == (2, True, True)


def test_a_poll_that_misses_quorum_says_so_for_every_kind(coop_network):
    net = coop_network
    poll = open_poll(net, "choice", quorum=100)
    vote(net["admin_a"], poll, options=["Ana"])
    result = closed_result(net, poll)
    assert (result["quorum_met"], result["passed"], result["counts"]) == (
        False, None, {"Ana": 1, "Ben": 0, "Cai": 0},
    )  # fmt: skip


# Consent


def test_consent_one_objection_fails_and_an_amendment_starts_round_two(coop_network):
    net = coop_network
    poll = open_poll(net, "consent")
    stances(poll, (net["admin_a"], "consent"), (net["admin_b"], "consent"),
            (net["admin_c"], "object"))  # fmt: skip
    poll = close(net, poll)
    first = poll.result
    assert (first["counts"], first["passed"], first["rule"]) == (
        {"consent": 2, "object": 1}, False, "no objection",
    )  # fmt: skip
    poll = services.poll_amend(
        actor=net["coordinator"], poll=poll, details="Now with a review in a year",
        closes_at=soon(),
    )  # fmt: skip
    assert (poll.round, poll.is_open, poll.result, poll.details) == (
        2, True, None, "Now with a review in a year",
    )  # fmt: skip
    kept = PollRound.objects.get(poll=poll)
    assert (kept.number, kept.title, kept.details, kept.result) == (1, "A consent", "", first)
    fresh = poll_compute_result(poll)
    assert (fresh["voters"], fresh["counts"]) == (0, {"consent": 0, "object": 0})
    stances(poll, (net["admin_a"], "consent"), (net["admin_b"], "consent"),
            (net["admin_c"], "consent"))  # fmt: skip
    result = closed_result(net, poll)
    assert (result["counts"], result["passed"]) == ({"consent": 3, "object": 0}, True)
    # round 1's ballots are kept, not current in round 2's count
    assert poll.ballots.filter(round=1).count() == 3
    assert poll.ballots.filter(round=2, current=True).count() == 3


def test_only_consent_polls_are_amended(coop_network):
    net = coop_network
    poll = open_poll(net, "proposal")
    with pytest.raises(PermissionDenied):
        services.poll_amend(actor=net["coordinator"], poll=poll, details="x", closes_at=soon())


# Choice, score, dot


def test_choice_counts_within_fewest_and_most_choices(coop_network):
    net = coop_network
    poll = open_poll(net, "choice", min_choices=1, max_choices=2)
    for bad in ([], ["Ana", "Ben", "Cai"], ["Ana", "Ana"], ["Zed"]):
        with pytest.raises(DomainError) as refused:
            vote(net["admin_a"], poll, options=bad)
        assert refused.value.field == "options"
    vote(net["admin_a"], poll, options=["Ben", "Ana"])
    vote(net["admin_b"], poll, options=["Ana"])
    vote(net["admin_c"], poll, options=["Cai", "Ana"])
    # stored in the options' order
    assert poll.ballots.get(voter__organization=net["org_a"]).choice == {"options": ["Ana", "Ben"]}
    result = closed_result(net, poll)
    assert (result["counts"], result["winners"], result["rule"], result["passed"]) == (
        {"Ana": 3, "Ben": 1, "Cai": 1}, ["Ana"], "most votes", None,
    )  # fmt: skip


def test_a_choice_poll_refuses_impossible_limits(coop_network):
    net = coop_network
    for limits in ({"min_choices": 0}, {"min_choices": 4}, {"min_choices": 2, "max_choices": 1}):
        with pytest.raises(DomainError):
            services.poll_create(actor=net["coordinator"], body=net["body"], kind="choice",
                                 title="Pick", options=["A", "B", "C"], **limits)  # fmt: skip


def test_score_means_and_distribution(coop_network):
    net = coop_network
    poll = open_poll(net, "score", score_max=5)
    with pytest.raises(DomainError):
        vote(net["admin_a"], poll, scores={"Ana": 6})
    vote(net["admin_a"], poll, scores={"Ana": 5, "Ben": 3})
    vote(net["admin_b"], poll, scores={"Ana": 4, "Ben": 1, "Cai": 2})
    vote(net["admin_c"], poll, scores={"Ana": 3})
    result = closed_result(net, poll)
    assert result["counts"] == {"Ana": 12, "Ben": 4, "Cai": 2}
    assert result["means"] == {"Ana": 4.0, "Ben": 2.0, "Cai": 2.0}
    assert result["distribution"] == {
        "Ana": {"5": 1, "4": 1, "3": 1},
        "Ben": {"3": 1, "1": 1},
        "Cai": {"2": 1},
    }
    assert (result["winners"], result["rule"]) == (["Ana"], "highest mean")


def test_dot_vote_sums_dots_within_the_limit(coop_network):
    net = coop_network
    poll = open_poll(net, "dot", dots=10)
    with pytest.raises(DomainError) as refused:
        vote(net["admin_a"], poll, dots={"Ana": 6, "Ben": 5})
    assert refused.value.field == "dots"
    vote(net["admin_a"], poll, dots={"Ana": 6, "Ben": 4})
    vote(net["admin_b"], poll, dots={"Cai": 10})
    vote(net["admin_c"], poll, dots={"Ana": 1, "Ben": 2})
    result = closed_result(net, poll)
    assert (result["counts"], result["winners"], result["rule"]) == (
        {"Ana": 7, "Ben": 6, "Cai": 10}, ["Cai"], "most dots",
    )  # fmt: skip


# Ranked: one profile, three methods. Nine voters: 4 × A>B>C, 3 × C>B>A, 2 × B>A>C.
# IRV: A 4, C 3, B 2; B excluded, its two papers go to A: A 6 of 9, A wins.
# Borda (3, 2, 1 points): A 12+3+4 = 19, B 8+6+6 = 20, C 4+9+2 = 15: B wins.
# Schulze: B beats A 5–4 and C 6–3 (the Condorcet winner); A beats C 6–3.
PROFILE = [["Ana", "Ben", "Cai"]] * 4 + [["Cai", "Ben", "Ana"]] * 3 + [["Ben", "Ana", "Cai"]] * 2


def ranked(net, method):
    body, users = committee(net, 9)
    poll = start(net["coordinator"], body, "ranked", method=method)
    for user, ranking in zip(users, PROFILE, strict=True):
        vote(user, poll, ranking=ranking)
    return closed_result(net, poll)


def test_ranked_instant_runoff(coop_network):
    result = ranked(coop_network, "irv")
    count = result["count"]
    assert (result["rule"], result["winners"], count["valid"], count["quota"]) == (
        "irv", ["Ana"], 9, None,
    )  # fmt: skip
    assert [(s["event"], s["candidate"], s["totals"]) for s in count["stages"]] == [
        ("first", "", {"Ana": 4, "Ben": 2, "Cai": 3}),
        ("exclusion", "Ben", {"Ana": 6, "Ben": 0, "Cai": 3}),
    ]


def test_ranked_borda(coop_network):
    result = ranked(coop_network, "borda")
    assert (result["rule"], result["winners"]) == ("borda", ["Ben"])
    assert result["count"]["stages"][0]["totals"] == {"Ana": 19, "Ben": 20, "Cai": 15}


def test_ranked_borda_gives_unranked_candidates_nothing(coop_network):
    net = coop_network
    poll = open_poll(net, "ranked", method="borda")
    vote(net["admin_a"], poll, ranking=["Cai"])
    vote(net["admin_b"], poll, ranking=["Ben", "Cai"])
    result = closed_result(net, poll)
    assert result["count"]["stages"][0]["totals"] == {"Ana": 0, "Ben": 3, "Cai": 5}
    assert result["winners"] == ["Cai"]


def test_ranked_schulze(coop_network):
    result = ranked(coop_network, "schulze")
    assert (result["rule"], result["winners"]) == ("schulze", ["Ben"])
    # candidates each beats on strongest paths
    assert result["count"]["stages"][0]["totals"] == {"Ana": 1, "Ben": 2, "Cai": 0}


def test_ranking_refuses_repeats_and_strangers(coop_network):
    net = coop_network
    poll = open_poll(net, "ranked")
    for bad in ([], ["Ana", "Ana"], ["Zed"], "Ana"):
        with pytest.raises(DomainError) as refused:
            vote(net["admin_a"], poll, ranking=bad)
        assert refused.value.field == "ranking"


# Election with weights. Weights u1 6, u2 3, u3 2, u4 2, u5 1: 14 valid, 2 seats, quota
# ⌊14/3⌋+1 = 5. First preferences Ana 6 (u1), Ben 3 (u2), Cai 2 (u3), Dee 3 (u4 2 + u5 1).
# Ana elected; her surplus 1 passes on all her papers (u1's, next Ben) at 1/6 truncated
# to 0.16666: Ben 3 + 6 × 0.16666 = 3.99996. Nobody reaches the quota: Cai (2) excluded,
# u3's paper goes to Ben at 1: 5.99996, elected.
ELECTION = {
    "u1": ["Ana", "Ben"],
    "u2": ["Ben", "Cai"],
    "u3": ["Cai", "Ben"],
    "u4": ["Dee", "Cai"],
    "u5": ["Dee", "Ana"],
}
WEIGHTS = {"u1": 6, "u2": 3, "u3": 2, "u4": 2, "u5": 1}


def test_election_scottish_stv_with_weights_fixed_at_opening(coop_network):
    net = coop_network
    body, users = committee(net, 5)
    poll = start(net["coordinator"], body, "election", seats=2,
                 options=["Ana", "Ben", "Cai", "Dee"], weighting="custom", weights=WEIGHTS)  # fmt: skip
    assert poll.method == "scottish-stv"
    assert dict(poll.voters.values_list("name", "weight")) == WEIGHTS
    # the weights are fixed: a changed `weights` (no service allows it) changes nothing
    poll.weights = dict.fromkeys(WEIGHTS, 1)
    poll.save(update_fields=["weights"])
    with pytest.raises(PermissionDenied):
        services.poll_update(actor=net["coordinator"], poll=poll, weights={"u1": 100})
    for user in users:
        vote(user, poll, ranking=ELECTION[user.username])
    assert sorted(poll.ballots.values_list("weight", flat=True)) == [1, 2, 2, 3, 6]
    result = closed_result(net, poll)
    count = result["count"]
    assert (result["electorate"], result["electorate_weight"], result["weight_cast"]) == (5, 14, 14)
    assert (result["rule"], result["winners"], count["valid"], count["quota"], count["seats"]) == (
        "scottish-stv", ["Ana", "Ben"], 14, 5, 2,
    )  # fmt: skip
    assert [
        (s["event"], s["candidate"], s["value"], s["totals"], s["elected"]) for s in count["stages"]
    ] == [
        ("first", "", None, {"Ana": 6, "Ben": 3, "Cai": 2, "Dee": 3}, ["Ana"]),
        ("surplus", "Ana", 0.16666, {"Ana": 5, "Ben": 3.99996, "Cai": 2, "Dee": 3}, []),
        ("exclusion", "Cai", None, {"Ana": 5, "Ben": 5.99996, "Cai": 0, "Dee": 3}, ["Ben"]),
    ]
    assert count["seed"] == poll.seed


def test_the_same_election_with_equal_weights_elects_otherwise(coop_network):
    """Quota ⌊5/3⌋+1 = 2: Dee (2) is elected at once, then Ana, Ben and Cai each have 1;
    the look-back has no earlier stage, so the lot decides which is excluded."""
    net = coop_network
    body, users = committee(net, 5)
    poll = start(net["coordinator"], body, "election", seats=2,
                 options=["Ana", "Ben", "Cai", "Dee"])  # fmt: skip
    for user in users:
        vote(user, poll, ranking=ELECTION[user.username])
    result = closed_result(net, poll)
    assert (result["electorate_weight"], result["weight_cast"]) == (5, 5)
    assert result["count"]["quota"] == 2
    assert result["winners"][0] == "Dee"


def test_custom_weights_show_in_a_proposal(coop_network):
    """Co-op A weighs 3, B and C 1: A's agreement outweighs both disagreements."""
    net = coop_network
    poll = open_poll(net, "proposal", weighting="custom", weights={"co-op-a": 3, "co-op-b": 1})
    assert dict(poll.voters.values_list("name", "weight")) == {
        "Co-op A": 3, "Co-op B": 1, "Co-op C": 1,
    }  # fmt: skip
    stances(poll, (net["admin_a"], "agree"), (net["admin_b"], "disagree"),
            (net["admin_c"], "disagree"))  # fmt: skip
    result = closed_result(net, poll)
    assert (result["counts"], result["electorate_weight"], result["weight_cast"]) == (
        proposal_counts(agree=3, disagree=2), 5, 5,
    )  # fmt: skip
    assert result["passed"] is True


def test_weights_are_whole_numbers_within_bounds(coop_network):
    net = coop_network
    for weights in ({"co-op-a": -1}, {"co-op-a": "lots"}, {"co-op-a": 10**13}, ["co-op-a"]):
        with pytest.raises(DomainError) as refused:
            services.poll_create(actor=net["coordinator"], body=net["body"], kind="proposal",
                                 title="W", weighting="custom", weights=weights)  # fmt: skip
        assert refused.value.field == "weights"


def test_equal_weighting_ignores_weights_given(coop_network):
    poll = open_poll(coop_network, "proposal", weights={"co-op-a": 9})
    assert poll.weights == {}
    assert set(poll.voters.values_list("weight", flat=True)) == {1}


def test_an_electorate_of_weight_zero_says_zero():
    rules = PollRules(kind="proposal", rule="supermajority-eligible", electorate=2,
                      electorate_weight=0)  # fmt: skip
    result = poll_result(rules, [(0, {"stance": "agree"})])
    assert (result["electorate_weight"], result["weight_cast"], result["passed"]) == (0, 0, False)
    assert poll_result(PollRules(kind="proposal", electorate=2), [])["electorate_weight"] == 2


# Invariants, on the pure result of random ballots


NAMES = ["Ana", "Ben", "Cai", "Dee", "Eve"]
KINDS = ["proposal", "consent", "choice", "score", "dot", "ranked", "election"]


def _choices(kind, options):
    """Ballots valid for the kind: what `check_choice` stores."""
    if kind in ("proposal", "consent"):
        stances = PROPOSAL_STANCES if kind == "proposal" else CONSENT_STANCES
        return st.sampled_from(stances).map(lambda s: {"stance": s})
    if kind == "choice":
        return st.lists(st.sampled_from(options), min_size=1, unique=True).map(
            lambda chosen: {"options": [o for o in options if o in chosen]}
        )
    if kind in ("score", "dot"):
        key, most = ("scores", 5) if kind == "score" else ("dots", 2)  # 5 × 2 ≤ 10 dots
        values = st.dictionaries(st.sampled_from(options), st.integers(0, most), min_size=1)
        return values.map(lambda v: {key: v})
    prefixes = st.permutations(options).flatmap(
        lambda p: st.integers(1, len(p)).map(lambda n: list(p[:n]))
    )
    return prefixes.map(lambda r: {"ranking": r})


@st.composite
def polls(draw):
    """(rules, ballots): a random poll of any kind and ballots valid for it."""
    kind = draw(st.sampled_from(KINDS))
    options = NAMES[: draw(st.integers(2, 5))] if kind not in ("proposal", "consent") else []
    rules = PollRules(
        kind=kind,
        options=options,
        rule=draw(
            st.sampled_from(["majority", "supermajority", "supermajority-eligible", "consensus"])
        ),
        threshold=draw(st.sampled_from(["1/2", "2/3", "3/4", "1"])),
        quorum=draw(st.integers(0, 100)),
        seed=draw(st.integers(0, 2**31 - 1)),
        score_max=5,
        dots=10,
    )
    if kind == "election":
        rules.method = draw(st.sampled_from(["scottish-stv", "meek-stv"]))
        rules.seats = draw(st.integers(1, len(options) - 1))
    elif kind == "ranked":
        rules.method = draw(st.sampled_from(["irv", "borda", "schulze"]))
    choice = _choices(kind, options)
    ballots = draw(st.lists(st.tuples(st.integers(1, 5), choice), max_size=25))
    rules.electorate = len(ballots) + draw(st.integers(0, 10))
    rules.electorate_weight = sum(w for w, _ in ballots) + draw(st.integers(0, 20))
    return rules, ballots


@settings(max_examples=300, deadline=None)
@given(data=st.data(), poll=polls())
def test_a_count_never_depends_on_the_order_of_the_ballots(data, poll):
    rules, ballots = poll
    shuffled = data.draw(st.permutations(ballots))
    assert poll_result(rules, shuffled) == poll_result(rules, ballots)


@settings(max_examples=200, deadline=None)
@given(poll=polls())
def test_quorum_met_is_monotone_in_the_voters(poll):
    """More ballots cast never lose the quorum (the same electorate and rules)."""
    rules, ballots = poll
    met = [poll_result(rules, ballots[:n])["quorum_met"] for n in range(len(ballots) + 1)]
    assert met == sorted(met)
    if rules.quorum == 0:
        assert all(met)


@given(electorate=st.integers(0, 500), quorum=st.integers(0, 100), data=st.data())
def test_quorum_met_is_monotone_in_voters_and_exact_at_its_edge(electorate, quorum, data):
    voters = data.draw(st.integers(0, electorate))
    met = quorum_met(voters, electorate, quorum)
    assert met == (voters * 100 >= quorum * electorate)
    if met and voters < electorate:
        assert quorum_met(voters + 1, electorate, quorum)


@pytest.mark.parametrize(
    ("kind", "method"),
    [("ranked", "irv"), ("ranked", "borda"), ("ranked", "schulze"),
     ("election", "scottish-stv"), ("election", "meek-stv")],
)  # fmt: skip
def test_a_ranked_poll_without_ballots_elects_nobody(coop_network, kind, method):
    """Fixed: with no ballots (or only ballots of weight 0) every count elected by lot."""
    net = coop_network
    poll = close(net, open_poll(net, kind, method=method))
    assert (poll.result["winners"], poll.result["count"]["elected"]) == ([], [])
    assert (poll.result["count"]["valid"], poll.result["count"]["stages"]) == (0, [])
    rules = PollRules(kind=kind, options=["Ana", "Ben", "Cai"], method=method, electorate=1)
    zero = poll_result(rules, [(0, {"ranking": ["Ana"]})])
    assert (zero["winners"], zero["voters"]) == ([], 1)


# Custom weights: who sets them, which keys, which bounds (fixed: any voter could start a
# poll weighing itself 1000; unknown keys were silently ignored; weights up to 10^12 and
# weight 0 made an invalid BLT file)


def test_only_the_bodys_managers_give_a_poll_custom_weights(coop_network):
    from intercoop.governance.models import Poll

    net = coop_network
    voter = net["admin_a"]
    with pytest.raises(PermissionDenied, match="custom weights"):
        services.poll_create(actor=voter, body=net["body"], kind="proposal", title="Mine",
                             weighting="custom", weights={"co-op-a": 1000})  # fmt: skip
    assert not Poll.objects.exists()
    draft = services.poll_create(actor=voter, body=net["body"], kind="proposal", title="Mine")
    with pytest.raises(PermissionDenied, match="custom weights"):
        services.poll_update(actor=voter, poll=draft, weighting="custom",
                             weights={"co-op-a": 1000})  # fmt: skip
    draft.refresh_from_db()
    assert (draft.weighting, draft.weights) == ("equal", {})
    # weighted by a coordinator, the voter's own draft is opened by a manager only
    services.poll_update(actor=net["coordinator"], poll=draft, weighting="custom",
                         weights={"co-op-a": 2})  # fmt: skip
    with pytest.raises(PermissionDenied, match="custom weights"):
        services.poll_open(actor=voter, poll=draft, closes_at=soon())
    draft.refresh_from_db()
    assert (draft.is_draft, draft.voters.count()) == (True, 0)
    opened = services.poll_open(actor=net["coordinator"], poll=draft, closes_at=soon())
    assert dict(opened.voters.values_list("name", "weight")) == {
        "Co-op A": 2, "Co-op B": 1, "Co-op C": 1,
    }  # fmt: skip


def test_a_voter_is_not_offered_custom_weights_on_the_page(coop_network):
    from intercoop.conftest import client_for

    net = coop_network
    path = "/decide/networks/valley/polls/new/"
    fields = client_for(net["admin_a"]).get(path).context["form"].fields
    assert "weighting" not in fields and "weights" not in fields
    fields = client_for(net["coordinator"]).get(path).context["form"].fields
    assert "weighting" in fields and "weights" in fields


def test_weights_name_only_the_bodys_voters(coop_network):
    net = coop_network
    with pytest.raises(DomainError) as refused:
        services.poll_create(actor=net["coordinator"], body=net["body"], kind="proposal",
                             title="W", weighting="custom",
                             weights={"co-op-a": 2, "nobody": 3, "admin_a": 5})  # fmt: skip
    assert (refused.value.field, refused.value.message) == (
        "weights", "Not voters of this body: admin_a, nobody",
    )  # fmt: skip
    # in a committee of people, user names
    body, _users = committee(net, 2)
    with pytest.raises(DomainError, match="Not voters of this body: co-op-a, u3"):
        services.poll_create(actor=net["coordinator"], body=body, kind="proposal", title="W",
                             weighting="custom", weights={"u1": 2, "u3": 1, "co-op-a": 1})  # fmt: skip
    poll = services.poll_create(actor=net["coordinator"], body=body, kind="proposal", title="W",
                                weighting="custom", weights={"u1": 2, "u2": 0})  # fmt: skip
    assert poll.weights == {"u1": 2, "u2": 0}


def test_weights_are_bounded_by_what_a_blt_file_carries(coop_network):
    from intercoop.governance import blt
    from intercoop.governance.models import MAX_WEIGHT

    net = coop_network
    assert MAX_WEIGHT == blt.MAX_WEIGHT == 10**9
    with pytest.raises(DomainError, match="from 0 to 1000000000") as refused:
        services.poll_create(actor=net["coordinator"], body=net["body"], kind="proposal",
                             title="W", weighting="custom", weights={"co-op-a": 10**9 + 1})  # fmt: skip
    assert refused.value.field == "weights"
    poll = services.poll_create(actor=net["coordinator"], body=net["body"], kind="proposal",
                                title="W", weighting="custom", weights={"co-op-a": 10**9})  # fmt: skip
    assert poll.weights == {"co-op-a": 10**9}


def test_a_voter_of_weight_zero_counts_for_quorum_and_is_left_out_of_the_blt(coop_network):
    from intercoop.governance.blt import parse
    from intercoop.governance.selectors import ballots_blt

    net = coop_network
    poll = open_poll(net, "ranked", quorum=100, weighting="custom",
                     weights={"co-op-a": 0, "co-op-b": 2})  # fmt: skip
    vote(net["admin_a"], poll, ranking=["Ana", "Ben"])
    vote(net["admin_b"], poll, ranking=["Ben"])
    vote(net["admin_c"], poll, ranking=["Cai", "Ana"])
    election = parse(ballots_blt(poll))
    assert election.ballots == [(1, (2, 0)), (2, (1,))]
    result = closed_result(net, poll)
    assert (result["voters"], result["quorum_met"], result["weight_cast"]) == (3, True, 3)
    assert (result["winners"], result["count"]["valid"]) == (["Ben"], 3)


# No ballot, no pass (fixed: a consent poll nobody voted in passed, nobody having objected)


@pytest.mark.parametrize(
    ("kind", "rule"),
    [("consent", "majority"), ("proposal", "majority"), ("proposal", "supermajority"),
     ("proposal", "supermajority-eligible"), ("proposal", "consensus")],
)  # fmt: skip
def test_a_poll_nobody_voted_in_does_not_pass(coop_network, kind, rule):
    poll = open_poll(coop_network, kind, rule=rule)
    result = closed_result(coop_network, poll)
    assert (result["voters"], result["quorum_met"], result["passed"]) == (0, True, False)
    assert poll_result(PollRules(kind=kind, rule=rule, electorate=3), [])["passed"] is False
