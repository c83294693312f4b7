"""Tallies of the simple poll kinds: proposal, consent, choice, score and dot vote.

Each ballot is (weight, what was voted); weights are 1 unless the poll fixed per-voter
weights at opening. `electorate` is the number of voters in the electorate snapshot and
`electorate_weight` their total weight (default: `electorate`).

Rules:
- Quorum: at least `quorum` per cent of the electorate's voters cast a ballot (a ballot
  that abstains counts; a voter who did not vote does not). Counted on voters, not weights.
- Proposal (agree / abstain / disagree / block). Votes cast = agree + disagree + block
  (abstentions count for quorum only). "majority": agree > half the votes cast;
  "supermajority": agree ≥ threshold × votes cast; "supermajority-eligible": agree ≥
  threshold × electorate_weight; "consensus": no block and agree ≥ threshold × votes cast.
  With no ballot (or only abstentions) no rule passes: agree must be more than zero.
- Consent (consent / object): passes when at least one ballot is cast and nobody objects.
- Choice: the weighted count of each option; a ballot is a list of options (one for a
  single choice).
- Score: each option's weighted mean and the distribution of scores (weight per score).
- Dot vote: each option's weighted sum of dots.
A poll that misses quorum does not pass, whatever its counts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

STANCES = ("agree", "abstain", "disagree", "block")
RULES = ("majority", "supermajority", "supermajority-eligible", "consensus")


@dataclass
class Tally:
    kind: str
    counts: dict[str, Fraction]
    voters: int  # ballots cast (heads)
    electorate: int
    quorum_met: bool
    passed: bool | None = None  # proposals and consent
    rule: str = ""
    means: dict[str, Fraction] = field(default_factory=dict)
    distribution: dict[str, dict[int, Fraction]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "rule": self.rule,
            "counts": {k: float(v) for k, v in self.counts.items()},
            "voters": self.voters,
            "electorate": self.electorate,
            "quorum_met": self.quorum_met,
            "passed": self.passed,
            "means": {k: round(float(v), 5) for k, v in self.means.items()},
            "distribution": {
                k: {str(s): float(w) for s, w in d.items()} for k, d in self.distribution.items()
            },
        }


def quorum_met(voters: int, electorate: int, quorum: float | Fraction) -> bool:
    """Whether `voters` ballots are at least `quorum` per cent of the electorate."""
    return voters * 100 >= Fraction(quorum) * electorate


def proposal(ballots: Sequence[tuple[int | Fraction, str]], electorate: int,
             rule: str = "majority", threshold: Fraction = Fraction(2, 3),
             quorum: float | Fraction = 0,
             electorate_weight: int | Fraction | None = None) -> Tally:  # fmt: skip
    if rule not in RULES:
        raise ValueError(f"unknown rule {rule!r}; one of {', '.join(RULES)}")
    counts = dict.fromkeys(STANCES, Fraction(0))
    for weight, stance in ballots:
        if stance not in counts:
            raise ValueError(f"unknown stance {stance!r}")
        counts[stance] += Fraction(weight)
    cast = counts["agree"] + counts["disagree"] + counts["block"]
    agree = counts["agree"]
    if rule == "majority":
        passed = 2 * agree > cast
    elif rule == "supermajority":
        passed = cast > 0 and agree >= threshold * cast
    elif rule == "supermajority-eligible":
        eligible = Fraction(electorate if electorate_weight is None else electorate_weight)
        passed = agree > 0 and agree >= threshold * eligible
    else:
        passed = counts["block"] == 0 and cast > 0 and agree >= threshold * cast
    met = quorum_met(len(ballots), electorate, quorum)
    return Tally("proposal", counts, len(ballots), electorate, met, bool(passed and met), rule)


def consent(ballots: Sequence[tuple[int | Fraction, str]], electorate: int,
            quorum: float | Fraction = 0) -> Tally:  # fmt: skip
    counts = {"consent": Fraction(0), "object": Fraction(0)}
    for weight, stance in ballots:
        if stance not in counts:
            raise ValueError(f"unknown stance {stance!r}")
        counts[stance] += Fraction(weight)
    met = quorum_met(len(ballots), electorate, quorum)
    # nobody objected because nobody voted is no consent
    passed = met and bool(ballots) and counts["object"] == 0
    return Tally("consent", counts, len(ballots), electorate, met, passed, "no objection")


def choice(options: Sequence[str], ballots: Sequence[tuple[int | Fraction, Sequence[str]]],
           electorate: int, quorum: float | Fraction = 0) -> Tally:  # fmt: skip
    counts = dict.fromkeys(options, Fraction(0))
    for weight, chosen in ballots:
        if len(set(chosen)) != len(chosen):
            raise ValueError("an option is chosen twice on one ballot")
        for option in chosen:
            counts[_known(counts, option)] += Fraction(weight)
    met = quorum_met(len(ballots), electorate, quorum)
    return Tally("choice", counts, len(ballots), electorate, met, rule="most votes")


def score(options: Sequence[str], ballots: Sequence[tuple[int | Fraction, Mapping[str, int]]],
          electorate: int, quorum: float | Fraction = 0, maximum: int = 5) -> Tally:  # fmt: skip
    counts = dict.fromkeys(options, Fraction(0))
    weights = dict.fromkeys(options, Fraction(0))
    distribution: dict[str, dict[int, Fraction]] = {o: {} for o in options}
    for weight, scores in ballots:
        for option, value in scores.items():
            _known(counts, option)
            if not 0 <= value <= maximum:
                raise ValueError(f"score {value} is not between 0 and {maximum}")
            counts[option] += Fraction(weight) * value
            weights[option] += Fraction(weight)
            spread = distribution[option]
            spread[value] = spread.get(value, Fraction(0)) + Fraction(weight)
    means = {o: counts[o] / weights[o] if weights[o] else Fraction(0) for o in options}
    met = quorum_met(len(ballots), electorate, quorum)
    return Tally("score", counts, len(ballots), electorate, met, rule="highest mean",
                 means=means, distribution=distribution)  # fmt: skip


def dot_vote(options: Sequence[str], ballots: Sequence[tuple[int | Fraction, Mapping[str, int]]],
             electorate: int, dots: int, quorum: float | Fraction = 0) -> Tally:  # fmt: skip
    counts = dict.fromkeys(options, Fraction(0))
    for weight, placed in ballots:
        if any(n < 0 for n in placed.values()) or sum(placed.values()) > dots:
            raise ValueError(f"a ballot places more than {dots} dots, or a negative number")
        for option, n in placed.items():
            counts[_known(counts, option)] += Fraction(weight) * n
    met = quorum_met(len(ballots), electorate, quorum)
    return Tally("dot vote", counts, len(ballots), electorate, met, rule="most dots")


def _known(counts: Mapping[str, Any], option: str) -> str:
    if option not in counts:
        raise ValueError(f"unknown option {option!r}")
    return option
