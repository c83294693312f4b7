"""Counting ranked ballots: Scottish STV, Meek STV, instant-runoff, truncated Borda and
Schulze. Pure functions of an `Election` (see blt.py); no database, no Django.

Rules used:
- Scottish STV: the Scottish Local Government Elections Order 2007, Schedule 1, rules
  45–52. Droop quota ⌊valid/(seats+1)⌋+1. A surplus is transferred by the weighted
  inclusive Gregory method the Order prescribes: *all* the elected candidate's papers
  pass to their next continuing preference, each at value surplus × (its value) / (the
  candidate's total), truncated to five decimals; papers with no next preference are
  non-transferable. Values are exact integers in units of 0.00001. Largest surplus first;
  equal surpluses (and equal lowest candidates, for exclusion) are decided by the most
  recent earlier stage at which the tied candidates' totals were unequal, then by lot.
  An excluded candidate's papers pass on at their current values, in one stage. The count
  stops when every seat is filled or when the continuing candidates are as many as the
  seats left (they are elected).
- Meek STV: keep values iterated until every elected candidate's total is within 10⁻¹⁰
  of the quota, the quota recomputed each iteration as (votes not exhausted)/(seats+1);
  Decimal arithmetic at 40 digits; a candidate is elected on reaching the quota.
- Instant-runoff: one winner, the first to hold more than half the continuing votes.
- Truncated Borda, as Loomio counts ranked choice: with n candidates, the candidate a
  ballot ranks i-th (from 1) gets n − i + 1 points × the ballot's weight; unranked get 0.
- Schulze: pairwise preferences (a ranked candidate beats an unranked one), strongest
  paths by winning votes; candidates are elected in the Schulze order.
Every lot is drawn from `random.Random(seed)`; the seed is in the result to audit it.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Context, Decimal
from typing import Any

from intercoop.governance.blt import Election

SCALE = 100_000  # five decimals
METHODS = ("scottish-stv", "meek-stv", "irv", "borda", "schulze")


@dataclass
class Stage:
    """One stage of a count. `action` describes it in English (the CLI's text); `event`
    (first, surplus, exclusion, redistribution), `candidate`, `value` (a surplus's
    transfer value) and `elected` say the same for pages that word it in their language."""

    action: str
    totals: dict[str, float]
    exhausted: float = 0.0
    event: str = ""
    candidate: str = ""
    value: float | None = None
    elected: list[str] = field(default_factory=list)


@dataclass
class Result:
    title: str
    method: str
    seats: int
    valid: float
    quota: float | None
    elected: list[str]
    stages: list[Stage] = field(default_factory=list)
    seed: int = 0
    lots: list[str] = field(default_factory=list)  # each decision taken by lot

    def to_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "method": self.method,
            "seats": self.seats,
            "valid": _r(self.valid),
            "quota": None if self.quota is None else _r(self.quota),
            "elected": list(self.elected),
            "stages": [
                {
                    "action": s.action,
                    "totals": {k: _r(v) for k, v in s.totals.items()},
                    "exhausted": _r(s.exhausted),
                    "event": s.event,
                    "candidate": s.candidate,
                    "value": s.value,
                    "elected": list(s.elected),
                }
                for s in self.stages
            ],
            "seed": self.seed,
            "lots": list(self.lots),
        }


def _r(value: float) -> float | int:
    rounded = round(float(value), 5)
    return int(rounded) if rounded == int(rounded) else rounded


def _seed(seed: int | None) -> int:
    return secrets.randbelow(2**32) if seed is None else seed


def _papers(election: Election) -> tuple[list[int], dict[tuple[int, ...], int]]:
    """The standing candidates and the ballots without withdrawn candidates, identical
    ballots merged (weights summed); ballots left empty are not valid papers."""
    standing = [c for c in range(len(election.candidates)) if c not in election.withdrawn]
    merged: dict[tuple[int, ...], int] = {}
    gone = election.withdrawn
    for weight, prefs in election.ballots:
        if gone:
            prefs = tuple(p for p in prefs if p not in gone)
        if prefs:
            merged[prefs] = merged.get(prefs, 0) + weight
    return standing, merged


class _Lot:
    def __init__(self, seed: int, names: Sequence[str]) -> None:
        self.random, self.names = random.Random(seed), names
        self.log: list[str] = []

    def pick(self, tied: list[int], why: str) -> int:
        chosen = self.random.choice(sorted(tied))
        self.log.append(f"{why}: {self.names[chosen]} chosen by lot among "
                        + ", ".join(self.names[c] for c in sorted(tied)))  # fmt: skip
        return chosen


def _break_tie(tied: list[int], history: list[dict[int, Any]], highest: bool, lot: _Lot,
               why: str) -> int:  # fmt: skip
    """The candidate among `tied` with the highest (or lowest) total at the most recent
    earlier stage where their totals were unequal (narrowed stage by stage), else by lot."""
    tied = sorted(tied)
    for totals in reversed(history):
        values = [totals[c] for c in tied]
        best = max(values) if highest else min(values)
        narrowed = [c for c in tied if totals[c] == best]
        if len(narrowed) < len(tied):
            tied = narrowed
            if len(tied) == 1:
                return tied[0]
    return tied[0] if len(tied) == 1 else lot.pick(tied, why)


def scottish_stv(election: Election, seats: int | None = None, seed: int | None = None) -> Result:
    seats = seats or election.seats
    seed = _seed(seed)
    names = election.candidates
    lot = _Lot(seed, names)
    standing, merged = _papers(election)
    valid = sum(merged.values())
    quota = valid // (seats + 1) + 1
    quota_v = quota * SCALE
    CONTINUING, ELECTED, EXCLUDED = 0, 1, 2
    status = dict.fromkeys(standing, CONTINUING)
    state = [CONTINUING] * len(names)
    for c in election.withdrawn:
        state[c] = EXCLUDED
    piles: dict[int, list[tuple[tuple[int, ...], int, int, int]]] = {c: [] for c in standing}
    totals = dict.fromkeys(standing, 0)
    for prefs, weight in merged.items():
        piles[prefs[0]].append((prefs, 0, weight, SCALE))
        totals[prefs[0]] += weight * SCALE
    exhausted = 0
    history: list[dict[int, int]] = []
    stages: list[Stage] = []
    elected: list[int] = []
    pending: list[int] = []  # elected with a surplus not yet transferred

    def record(action: str, event: str, candidate: str = "", value: float | None = None) -> None:
        history.append(dict(totals))
        stages.append(Stage(action, {names[c]: totals[c] / SCALE for c in standing},
                            exhausted / SCALE, event, candidate, value))  # fmt: skip

    def transfer(pile: list[tuple[tuple[int, ...], int, int, int]], times: int, over: int) -> None:
        """Each paper to its next continuing preference at value × times / over, truncated
        to five decimals (values are in units of 0.00001)."""
        nonlocal exhausted
        for prefs, pos, weight, value in pile:
            value = value * times // over
            pos += 1
            while pos < len(prefs) and state[prefs[pos]] != CONTINUING:
                pos += 1
            if pos == len(prefs):
                exhausted += weight * value
            else:
                to = prefs[pos]
                piles[to].append((prefs, pos, weight, value))
                totals[to] += weight * value

    def elect_reached() -> None:
        reached = [c for c in standing if status[c] == CONTINUING and totals[c] >= quota_v]
        while reached:  # highest total first
            top = max(totals[c] for c in reached)
            tied = [c for c in reached if totals[c] == top]
            chosen = _break_tie(tied, history[:-1], True, lot, "order of election")
            reached.remove(chosen)
            status[chosen] = state[chosen] = ELECTED
            elected.append(chosen)
            stages[-1].action += f"; {names[chosen]} elected"
            stages[-1].elected.append(names[chosen])
            if totals[chosen] > quota_v:
                pending.append(chosen)

    record("first preferences", "first")
    while True:
        elect_reached()
        if len(elected) >= seats:
            break
        continuing = [c for c in standing if status[c] == CONTINUING]
        if len(continuing) <= seats - len(elected):
            for c in sorted(continuing, key=lambda c: -totals[c]):
                status[c] = state[c] = ELECTED
                elected.append(c)
                stages[-1].elected.append(names[c])
            stages[-1].action += (
                "; "
                + ", ".join(names[c] for c in continuing)
                + (" elected: as many continuing candidates as seats left")
            )
            break
        if pending:
            top = max(totals[c] for c in pending)
            tied = [c for c in pending if totals[c] == top]
            chosen = _break_tie(tied, history[:-1], True, lot, "largest surplus")
            pending.remove(chosen)
            surplus, total = totals[chosen] - quota_v, totals[chosen]
            pile, piles[chosen] = piles[chosen], []
            totals[chosen] = quota_v
            transfer(pile, surplus, total)
            value = surplus * SCALE // total / SCALE
            action = (f"surplus of {names[chosen]} ({surplus / SCALE:.5f}) transferred at "
                      f"{value:.5f} of each paper's value")  # fmt: skip
            record(action, "surplus", names[chosen], value)
        else:
            low = min(totals[c] for c in continuing)
            tied = [c for c in continuing if totals[c] == low]
            chosen = _break_tie(tied, history[:-1], False, lot, "exclusion")
            status[chosen] = state[chosen] = EXCLUDED
            pile, piles[chosen] = piles[chosen], []
            totals[chosen] = 0
            transfer(pile, 1, 1)
            record(f"{names[chosen]} excluded", "exclusion", names[chosen])
    return Result(election.title, "scottish-stv", seats, valid, quota,
                  [names[c] for c in elected], stages, seed, lot.log)  # fmt: skip


MEEK_TOLERANCE = Decimal("1e-10")


def meek_stv(election: Election, seats: int | None = None, seed: int | None = None) -> Result:
    seats = seats or election.seats
    seed = _seed(seed)
    names = election.candidates
    lot = _Lot(seed, names)
    standing, merged = _papers(election)
    ctx = Context(prec=40)
    valid = sum(merged.values())
    keep = {c: Decimal(1) for c in standing}
    hopeful = set(standing)
    elected: list[int] = []
    history: list[dict[int, Decimal]] = []
    stages: list[Stage] = []
    ballots = [(prefs, Decimal(w)) for prefs, w in merged.items()]
    quota = Decimal(valid) / (seats + 1)

    def distribute() -> tuple[dict[int, Decimal], Decimal]:
        votes = dict.fromkeys(standing, Decimal(0))
        excess = Decimal(0)
        for prefs, weight in ballots:
            remain = weight
            for c in prefs:
                k = keep[c]
                if k:
                    votes[c] = ctx.add(votes[c], ctx.multiply(remain, k))
                    remain = ctx.multiply(remain, 1 - k)
                    if not remain:
                        break
            excess = ctx.add(excess, remain)
        return votes, excess

    votes, excess = distribute()
    action, event, candidate = "first preferences", "first", ""
    while True:
        for _ in range(10_000):  # converge
            votes, excess = distribute()
            quota = ctx.divide(Decimal(valid) - excess, seats + 1)
            if any(votes[c] >= quota for c in hopeful):
                break
            if all(abs(votes[c] - quota) < MEEK_TOLERANCE for c in elected):
                break
            for c in elected:
                if votes[c]:
                    keep[c] = ctx.divide(ctx.multiply(keep[c], quota), votes[c])
        history.append(votes)
        reached = sorted((c for c in hopeful if votes[c] >= quota), key=lambda c: -votes[c])
        for c in reached:
            hopeful.discard(c)
            elected.append(c)
        if reached:
            action += "; " + ", ".join(names[c] for c in reached) + " elected"
        stages.append(Stage(action, {names[c]: float(votes[c]) for c in standing},
                            float(excess), event, candidate,
                            elected=[names[c] for c in reached]))  # fmt: skip
        if len(elected) >= seats:
            break
        if len(hopeful) <= seats - len(elected):
            rest = sorted(hopeful, key=lambda c: -votes[c])
            elected += rest
            stages[-1].elected += [names[c] for c in rest]
            stages[-1].action += (
                "; "
                + ", ".join(names[c] for c in rest)
                + (" elected: as many hopeful candidates as seats left")
            )
            break
        if reached:
            action, event, candidate = "surpluses redistributed", "redistribution", ""
            continue
        low = min(votes[c] for c in hopeful)
        tied = [c for c in hopeful if votes[c] == low]
        chosen = _break_tie(tied, history[:-1], False, lot, "exclusion")
        hopeful.discard(chosen)
        keep[chosen] = Decimal(0)
        action, event, candidate = f"{names[chosen]} excluded", "exclusion", names[chosen]
    return Result(election.title, "meek-stv", seats, valid, float(quota),
                  [names[c] for c in elected[:seats]], stages, seed, lot.log)  # fmt: skip


def irv(election: Election, seats: int | None = None, seed: int | None = None) -> Result:
    """Instant-runoff: one winner (seats is always 1)."""
    seed = _seed(seed)
    names = election.candidates
    lot = _Lot(seed, names)
    standing, merged = _papers(election)
    valid = sum(merged.values())
    continuing = set(standing)
    history: list[dict[int, int]] = []
    stages: list[Stage] = []
    action, event, candidate = "first preferences", "first", ""
    winner: int | None = None
    while continuing:
        totals = dict.fromkeys(standing, 0)
        exhausted = 0
        for prefs, weight in merged.items():
            for c in prefs:
                if c in continuing:
                    totals[c] += weight
                    break
            else:
                exhausted += weight
        history.append(totals)
        stages.append(Stage(action, {names[c]: float(totals[c]) for c in standing}, exhausted,
                            event, candidate))  # fmt: skip
        top = max(totals[c] for c in continuing)
        if 2 * top > valid - exhausted or len(continuing) == 1:
            tied = [c for c in continuing if totals[c] == top]
            winner = _break_tie(tied, history[:-1], True, lot, "winner")
            stages[-1].action += f"; {names[winner]} elected"
            stages[-1].elected.append(names[winner])
            break
        low = min(totals[c] for c in continuing)
        tied = [c for c in continuing if totals[c] == low]
        chosen = _break_tie(tied, history[:-1], False, lot, "exclusion")
        continuing.discard(chosen)
        action, event, candidate = f"{names[chosen]} excluded", "exclusion", names[chosen]
    elected = [] if winner is None else [names[winner]]
    return Result(election.title, "irv", 1, valid, None, elected, stages, seed, lot.log)


def _in_order(scores: dict[int, Any], seats: int, lot: _Lot, why: str) -> list[int]:
    """The `seats` candidates with the highest scores, in order; equal scores by lot."""
    order: list[int] = []
    left = dict(scores)
    while left and len(order) < seats:
        top = max(left.values())
        tied = [c for c in left if left[c] == top]
        chosen = tied[0] if len(tied) == 1 else lot.pick(tied, why)
        order.append(chosen)
        del left[chosen]
    return order


def borda(election: Election, seats: int | None = None, seed: int | None = None) -> Result:
    seats = seats or election.seats
    seed = _seed(seed)
    names = election.candidates
    lot = _Lot(seed, names)
    standing, merged = _papers(election)
    n = len(standing)
    points = dict.fromkeys(standing, 0)
    for prefs, weight in merged.items():
        for i, c in enumerate(prefs):
            points[c] += (n - i) * weight
    order = _in_order(points, seats, lot, "equal points")
    stage = Stage(f"points (n − position + 1, n = {n})",
                  {names[c]: float(points[c]) for c in standing}, event="points")  # fmt: skip
    return Result(election.title, "borda", seats, sum(merged.values()), None,
                  [names[c] for c in order], [stage], seed, lot.log)  # fmt: skip


def schulze_paths(election: Election) -> tuple[list[int], dict[tuple[int, int], int]]:
    """The standing candidates and p[a, b], the strength of the strongest path a → b."""
    standing, merged = _papers(election)
    d = {(a, b): 0 for a in standing for b in standing if a != b}
    for prefs, weight in merged.items():
        ranked = set(prefs)
        unranked = [c for c in standing if c not in ranked]
        for i, a in enumerate(prefs):
            for b in prefs[i + 1 :]:
                d[a, b] += weight
            for b in unranked:
                d[a, b] += weight
    p = {(a, b): d[a, b] if d[a, b] > d[b, a] else 0 for (a, b) in d}
    for k in standing:
        for i in standing:
            if i == k:
                continue
            pik = p[i, k]
            if not pik:
                continue
            for j in standing:
                if j != i and j != k:
                    via = min(pik, p[k, j])
                    if via > p[i, j]:
                        p[i, j] = via
    return standing, p


def schulze(election: Election, seats: int | None = None, seed: int | None = None) -> Result:
    seats = seats or election.seats
    seed = _seed(seed)
    names = election.candidates
    lot = _Lot(seed, names)
    standing, p = schulze_paths(election)
    wins = {a: sum(1 for b in standing if b != a and p[a, b] > p[b, a]) for a in standing}
    order: list[int] = []
    left = list(standing)
    while left and len(order) < seats:
        best = [a for a in left if all(p[a, b] >= p[b, a] for b in left if b != a)]
        chosen = best[0] if len(best) == 1 else lot.pick(best, "Schulze tie")
        order.append(chosen)
        left.remove(chosen)
    stage = Stage("candidates beaten on strongest paths",
                  {names[c]: float(wins[c]) for c in standing}, event="paths")  # fmt: skip
    valid = sum(_papers(election)[1].values())
    return Result(election.title, "schulze", seats, valid, None, [names[c] for c in order],
                  [stage], seed, lot.log)  # fmt: skip


COUNT: dict[str, Callable[..., Result]] = {
    "scottish-stv": scottish_stv,
    "meek-stv": meek_stv,
    "irv": irv,
    "borda": borda,
    "schulze": schulze,
}


def count(election: Election, method: str = "scottish-stv", seats: int | None = None,
          seed: int | None = None) -> Result:  # fmt: skip
    return COUNT[method](election, seats=seats, seed=seed)
