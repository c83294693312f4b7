"""Case rounding and fair allocation of a joint order. Pure: no Django, no database, so
`intercoop allocate` runs on a file without starting the web application.

An order is a log of rows in time order, one per change a member made: an increase is a
new row, a decrease comes off the member's newest rows first (`services.order_set`), so
early orderers keep their place. Quantities are whole units for pieces; by-weight articles
are not rounded to cases (and may be fractional)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Literal

Strategy = Literal["fifo", "no-auto", "proportional"]
STRATEGIES: tuple[Strategy, ...] = ("fifo", "no-auto", "proportional")
Number = int | Decimal


@dataclass(frozen=True)
class Article:
    name: str
    case_size: int = 1
    minimum: Number = 0  # minimum order quantity, in units; 0 = none
    by_weight: bool = False


@dataclass(frozen=True)
class Row:
    """One row of the order log: what a member added at one moment."""

    member: str
    quantity: Number
    tolerance: Number = 0
    placed_at: str = ""  # any sortable text (ISO 8601); ties keep input order
    seq: int = 0  # input order, to break ties in placed_at


@dataclass
class Share:
    """What one member gets of one article."""

    member: str
    quantity: Number = 0  # from what it ordered
    tolerance: Number = 0  # from the extra it said it would take

    @property
    def total(self) -> Number:
        return self.quantity + self.tolerance


@dataclass
class Allocation:
    article: Article
    ordered: Number  # units to order (or received, when reallocating a delivery)
    demand: Number  # total quantity asked
    tolerance: Number  # total tolerance offered
    shares: dict[str, Share] = field(default_factory=dict)

    @property
    def allocated(self) -> Number:
        return sum((s.total for s in self.shares.values()), start=0)

    @property
    def cases(self) -> int:
        if self.article.by_weight or not self.article.case_size:
            return 0
        return int(self.ordered // self.article.case_size)


def amount_to_order(article: Article, quantity: Number, tolerance: Number) -> Number:
    """Units to order for a total `quantity` Q and total `tolerance` T.

    With case size u: the full cases of Q, plus one more only when Q leaves a remainder
    and remainder + T ≥ u (never a case from tolerance alone; tolerance adds at most one
    case). With a minimum m: 0 when Q + T < m; exactly m when Q < m ≤ Q + T. By-weight
    articles are not rounded."""
    if quantity < 0 or tolerance < 0:
        raise ValueError("quantities and tolerances are not negative")
    m = article.minimum
    if m:
        if quantity + tolerance < m:
            return 0
        if quantity < m:
            return m
    if article.by_weight or article.case_size <= 1:
        return quantity
    u = article.case_size
    full, remainder = divmod(quantity, u)
    cases = full + (1 if remainder and remainder + tolerance >= u else 0)
    return cases * u


def _in_time_order(rows: Iterable[Row]) -> list[Row]:
    return sorted(rows, key=lambda r: (r.placed_at, r.seq))


def allocate(
    article: Article,
    rows: Iterable[Row],
    *,
    strategy: Strategy = "fifo",
    amount: Number | None = None,
) -> Allocation:
    """Share out `amount` (default: what `amount_to_order` orders; after delivery, what
    was received) among the rows.

    - fifo: walk the rows in time order giving each as much of its quantity as is left;
      then walk again handing out tolerance in time order.
    - no-auto: everyone gets its quantity, even when short (the coordinator settles it by
      hand); tolerance only fills up what is left, in time order.
    - proportional: quantities as fifo; the tolerance needed is spread across members in
      proportion to the tolerance each offered, in whole units, largest remainder first
      (ties to the earliest)."""
    ordered_rows = _in_time_order(rows)
    demand = sum((r.quantity for r in ordered_rows), start=0)
    offered = sum((r.tolerance for r in ordered_rows), start=0)
    if amount is None:
        amount = amount_to_order(article, demand, offered)
    result = Allocation(article=article, ordered=amount, demand=demand, tolerance=offered)
    shares = result.shares
    for row in ordered_rows:
        shares.setdefault(row.member, Share(row.member))
    left = amount
    for row in ordered_rows:
        give = row.quantity if strategy == "no-auto" else min(row.quantity, max(left, 0))
        shares[row.member].quantity += give
        left -= give
    if left <= 0:
        return result
    if strategy == "proportional":
        _proportional_tolerance(ordered_rows, shares, left)
    else:
        for row in ordered_rows:
            give = min(row.tolerance, left)
            shares[row.member].tolerance += give
            left -= give
            if left <= 0:
                break
    return result


def _proportional_tolerance(rows: list[Row], shares: dict[str, Share], needed: Number) -> None:
    offered: dict[str, Number] = defaultdict(int)
    first_seen: dict[str, int] = {}
    for i, row in enumerate(rows):
        first_seen.setdefault(row.member, i)
        if row.tolerance > 0:
            offered[row.member] += row.tolerance
    total = sum(offered.values(), start=0)
    if total <= 0:
        return
    needed = min(needed, total)
    whole: dict[str, int] = {}
    remainders = []
    for member, tolerance in offered.items():
        exact = Fraction(needed) * Fraction(tolerance) / Fraction(total)  # exact: ties stay ties
        whole[member] = int(exact)
        remainders.append((-(exact - whole[member]), first_seen[member], member))
    spare = int(needed) - sum(whole.values())
    for _remainder, _seen, member in sorted(remainders)[:spare]:
        whole[member] += 1
    for member, units in whole.items():
        shares[member].tolerance += min(units, offered[member])


def split(total: int, weights: dict[str, Number]) -> dict[str, int]:
    """`total` minor units split in proportion to `weights`, in whole units, largest
    remainder first (ties to the first key): the parts always sum to `total`."""
    keys = [k for k, w in weights.items() if w > 0]
    weight_sum = sum((weights[k] for k in keys), start=0)
    if not keys or weight_sum <= 0:
        return dict.fromkeys(weights, 0)
    exact = {k: Fraction(total) * Fraction(weights[k]) / Fraction(weight_sum) for k in keys}
    parts = {k: int(exact[k]) for k in keys}
    spare = total - sum(parts.values())
    order = sorted(keys, key=lambda k: (-(exact[k] - parts[k]), keys.index(k)))
    for k in order[:spare]:
        parts[k] += 1
    return {k: parts.get(k, 0) for k in weights}
