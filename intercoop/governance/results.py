"""A poll's result from its current ballots: the bridge from stored choices to the pure
tallies and counts (no Django here). Every result is plain JSON, stored when the poll
closes, so the page, the API and the files show the same figures.

`ballots` are (weight, choice) pairs, where a choice is, by kind:
proposal {"stance": s}, consent {"stance": s}, choice {"options": [names]},
score {"scores": {name: n}}, dot {"dots": {name: n}}, ranked and election
{"ranking": [names in order of preference]}.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from intercoop.governance import counting, tallies
from intercoop.governance.blt import Election

PROPOSAL_STANCES = tallies.STANCES
CONSENT_STANCES = ("consent", "object")


@dataclass
class PollRules:
    kind: str
    options: list[str] = field(default_factory=list)
    rule: str = "majority"
    threshold: str = "2/3"
    method: str = ""
    seats: int = 1
    score_max: int = 5
    dots: int = 10
    quorum: int = 0
    electorate: int = 0
    electorate_weight: int | None = None  # the electorate's total weight; None: one each
    title: str = ""
    seed: int = 0


def _number(value: Fraction) -> float | int:
    rounded = round(float(value), 5)
    return int(rounded) if rounded == int(rounded) else rounded


def _ranked(rules: PollRules, ballots: Sequence[tuple[int, dict[str, Any]]]) -> dict[str, Any]:
    index = {name: i for i, name in enumerate(rules.options)}
    papers = [
        (weight, tuple(index[name] for name in choice["ranking"]))
        for weight, choice in ballots
        if choice.get("ranking")
    ]
    election = Election(list(rules.options), rules.seats, papers, rules.title)
    method = rules.method or ("scottish-stv" if rules.kind == "election" else "irv")
    seats = rules.seats if rules.kind == "election" or method != "irv" else 1
    if not any(weight for weight, _prefs in papers):
        # nothing to count: the counts would elect by lot alone
        empty: dict[str, Any] = {"valid": 0, "quota": None, "elected": [], "stages": [], "lots": []}
        return {"title": rules.title, "method": method, "seats": seats, "seed": rules.seed} | empty
    return counting.count(election, method, seats=seats, seed=rules.seed).to_json()


def poll_result(
    rules: PollRules, ballots: Sequence[tuple[int, dict[str, Any]]], voters: int | None = None
) -> dict[str, Any]:
    """The result of `ballots` under `rules`, as JSON: counts, who voted against how many
    could, whether quorum was met, and for proposals and consent whether it passed; for
    ranked polls and elections also the count's stages, quota and those elected.

    `voters` is how many ballots were cast when identical ones come merged (their weights
    summed, as a large poll's are read); by default each pair is one ballot."""
    voters = len(ballots) if voters is None else voters
    quorum_met = tallies.quorum_met(voters, rules.electorate, rules.quorum)
    electorate_weight = (
        rules.electorate if rules.electorate_weight is None else rules.electorate_weight
    )
    base: dict[str, Any] = {
        "kind": rules.kind,
        "voters": voters,
        "electorate": rules.electorate,
        "electorate_weight": electorate_weight,
        "weight_cast": sum(weight for weight, _ in ballots),
        "quorum": rules.quorum,
        "quorum_met": quorum_met,
        "passed": None,
        "winners": [],
    }
    if rules.kind in ("ranked", "election"):
        count = _ranked(rules, ballots)
        return base | {"rule": count["method"], "count": count, "winners": count["elected"]}
    weighted = [(Fraction(weight), choice) for weight, choice in ballots]
    if rules.kind == "proposal":
        tally = tallies.proposal(
            [(w, c["stance"]) for w, c in weighted],
            rules.electorate,
            rule=rules.rule,
            threshold=Fraction(rules.threshold),
            electorate_weight=electorate_weight,
        )
    elif rules.kind == "consent":
        tally = tallies.consent([(w, c["stance"]) for w, c in weighted], rules.electorate)
    elif rules.kind == "choice":
        tally = tallies.choice(
            rules.options, [(w, c["options"]) for w, c in weighted], rules.electorate
        )
    elif rules.kind == "score":
        tally = tallies.score(
            rules.options,
            [(w, c["scores"]) for w, c in weighted],
            rules.electorate,
            maximum=rules.score_max,
        )
    elif rules.kind == "dot":
        tally = tallies.dot_vote(
            rules.options,
            [(w, c["dots"]) for w, c in weighted],
            rules.electorate,
            rules.dots,
        )
    else:
        raise ValueError(f"unknown poll kind {rules.kind!r}")
    result = tally.to_json()
    base |= {
        "rule": rules.rule if rules.kind == "proposal" else result["rule"],
        "counts": {k: _number(v) for k, v in tally.counts.items()},
        "passed": None if result["passed"] is None else bool(result["passed"] and quorum_met),
    }
    if rules.kind == "proposal":
        base["threshold"] = rules.threshold
    if rules.kind == "score":
        base["means"] = result["means"]
        base["distribution"] = result["distribution"]
    if rules.kind in ("choice", "score", "dot") and voters:
        ranking = tally.means if rules.kind == "score" else tally.counts
        best = max(ranking.values())
        base["winners"] = [name for name in rules.options if ranking[name] == best]
    return base
