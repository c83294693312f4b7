"""Volume-tier prices, bid scoring, savings and patronage. Pure; money is integer minor
units, prices are minor units per unit."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from typing import Literal

from intercoop.purchasing.allocation import split

TierMode = Literal["all_units", "incremental"]


@dataclass(frozen=True)
class Tier:
    from_volume: Decimal  # this price applies from this volume up
    unit_price: Decimal  # minor units per unit (may have decimals: 12.5 cents/kWh)


def _round(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def tier_cost(tiers: Sequence[Tier], volume: Decimal, mode: TierMode) -> int:
    """What `volume` units cost under a bid's tiers, in minor units.

    - all_units: every unit at the price of the highest tier reached;
    - incremental: each tier's units at that tier's own price."""
    ordered = sorted(tiers, key=lambda t: t.from_volume)
    if not ordered or ordered[0].from_volume > 0:
        raise ValueError("the first tier starts at volume 0")
    volume = Decimal(volume)
    if mode == "all_units":
        reached = [t for t in ordered if t.from_volume <= volume][-1]
        return _round(reached.unit_price * volume)
    cost = Decimal(0)
    for i, tier in enumerate(ordered):
        upper = ordered[i + 1].from_volume if i + 1 < len(ordered) else None
        if volume <= tier.from_volume:
            break
        units = (min(volume, upper) if upper is not None else volume) - tier.from_volume
        cost += units * tier.unit_price
    return _round(cost)


CRITERIA = ("local", "cooperative", "environment", "labour")


def bid_scores(
    costs: Mapping[str, int],
    social: Mapping[str, Mapping[str, int]],
    weights: Mapping[str, int],
) -> dict[str, float]:
    """Each bid's score out of 100: the price part is the cheapest cost ÷ this cost; each
    social criterion is scored 0–5. Weights are whole numbers (price and each criterion)."""
    total_weight = sum(weights.values())
    if total_weight <= 0 or not costs:
        return dict.fromkeys(costs, 0.0)
    cheapest = min(costs.values())
    scores = {}
    for bid, cost in costs.items():
        points = weights.get("price", 0) * (cheapest / cost if cost else 1.0)
        for criterion in CRITERIA:
            points += weights.get(criterion, 0) * social.get(bid, {}).get(criterion, 0) / 5
        scores[bid] = round(100 * points / total_weight, 2)
    return scores


def saving(baseline_unit_price: Decimal, new_unit_price: Decimal, volume: Decimal) -> int:
    """(baseline − new price) × volume, in minor units (negative when it costs more)."""
    return _round((Decimal(baseline_unit_price) - Decimal(new_unit_price)) * Decimal(volume))


@dataclass(frozen=True)
class PatronageShare:
    member: str
    purchases: int
    share: int
    cash: int
    retained: int


def patronage(
    surplus: int, purchases: Mapping[str, int], *, cash_percent: int = 20
) -> list[PatronageShare]:
    """A rebate or surplus shared in proportion to each member's purchases; at least
    `cash_percent` of each share paid in cash (rounded up), the rest retained in the
    member's capital account. The shares sum to `surplus` exactly."""
    if not 0 <= cash_percent <= 100:
        raise ValueError("the cash part is a percentage")
    shares = split(surplus, dict(purchases))
    result = []
    for member, share in shares.items():
        cash = int(
            (Decimal(share) * cash_percent / 100).quantize(Decimal(1), rounding=ROUND_CEILING)
        )
        result.append(PatronageShare(member, purchases[member], share, cash, share - cash))
    return result
