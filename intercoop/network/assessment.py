"""The five principles of sustainable and resilient co-operative networks: indicators
computed from the directory and the ties that count on a date. Pure functions over plain
records (the selector gathers them), each indicator with the formula it uses."""

import datetime as dt
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_noop  # marks the reading for translation

from intercoop.core.geo import distance_km

PRINCIPLES = (
    "institutionalisation",
    "diversity",
    "intergenerational",
    "self_reliance",
    "embeddedness",
)
OUTCOMES = (
    "pool_resources",
    "reduce_costs",
    "align_strategically",
    "economies_of_scale",
    "public_goods",
    "awareness",
)
# Structures that are shared institutions of a movement: secondary co-ops, federations,
# apexes, co-operative groups.
SHARED_INSTITUTIONS = frozenset({"OS110", "OS180", "OS190", "OS200", "OS210", "OS240"})
SIZE_BANDS = ((10, "under 10"), (50, "10–49"), (250, "50–249"), (math.inf, "250 or more"))
# The formula of each principle's indicators, in English, marked for translation (the
# page translates them; the stored indicators keep the English text).
FORMULAS = {
    "institutionalisation": gettext_noop(
        "share of ties by formality = ties of that formality / all ties that count"
    ),
    "diversity": gettext_noop(
        "Shannon H = −Σ p·ln p; Simpson D = 1 − Σ p², p = share of each category"
    ),
    "intergenerational": gettext_noop(
        "members that are secondary co-ops or federations; shared-service and "
        "incubation ties; spread of members' ages in years"
    ),
    "self_reliance": gettext_noop(
        "known annual supply value between members / known supply value of "
        "members with anyone (one currency, the commonest)"
    ),
    "embeddedness": gettext_noop(
        "ties with a non-co-op ally / all members' ties; distinct localities; "
        "farthest member from the members' centre"
    ),
}
AGE_BANDS = (
    (5, "under 5 years"),
    (15, "5–14 years"),
    (30, "15–29 years"),
    (math.inf, "30 years or more"),
)


@dataclass(frozen=True)
class Member:
    id: int
    structure: str
    activity: str
    members: int | None
    founded_on: dt.date | None
    is_cooperative: bool
    locality: str
    latitude: float | None
    longitude: float | None


@dataclass(frozen=True)
class Tie:
    source: int
    target: int
    kind: str
    formality: str
    value: int | None
    currency: str


def shannon(counts: Iterable[int]) -> float:
    """H = −Σ p·ln p over the shares p of each category."""
    values = [c for c in counts if c]
    total = sum(values)
    return -sum(c / total * math.log(c / total) for c in values) if total else 0.0


def simpson(counts: Iterable[int]) -> float:
    """D = 1 − Σ p² over the shares p of each category."""
    values = [c for c in counts if c]
    total = sum(values)
    return 1 - sum((c / total) ** 2 for c in values) if total else 0.0


def _band(value: float | None, bands: Sequence[tuple[float, str]]) -> str | None:
    if value is None:
        return None
    return next(label for limit, label in bands if value < limit)


def _diversity(labels: list[str | None]) -> dict[str, Any]:
    known = Counter(label for label in labels if label)
    return {
        "shannon": round(shannon(known.values()), 4),
        "simpson": round(simpson(known.values()), 4),
        "categories": len(known),
        "known": sum(known.values()),
        "counts": dict(known.most_common()),
    }


def indicators(
    *, members: Sequence[Member], ties: Sequence[Tie], outside_ties: Sequence[Tie], as_of: dt.date
) -> dict[str, dict[str, Any]]:
    """`ties`: counting ties between members; `outside_ties`: counting ties between a
    member and an organisation outside the network."""
    ids = {m.id for m in members}
    by_id = {m.id: m for m in members}
    formality = Counter(t.formality for t in ties)
    total_ties = len(ties)
    ages = sorted((as_of - m.founded_on).days / 365.25 for m in members if m.founded_on)

    def quartile(q: float) -> float | None:
        if not ages:
            return None
        return round(ages[min(len(ages) - 1, int(q * (len(ages) - 1) + 0.5))], 1)

    currencies = Counter(t.currency for t in [*ties, *outside_ties] if t.value is not None)
    currency = currencies.most_common(1)[0][0] if currencies else ""
    inside = sum(t.value or 0 for t in ties if t.kind == "supplies" and t.currency == currency)
    outside = sum(
        t.value or 0 for t in outside_ties if t.kind == "supplies" and t.currency == currency
    )
    allies_ties = [
        t
        for t in [*ties, *outside_ties]
        if not all(by_id[e].is_cooperative if e in by_id else False for e in (t.source, t.target))
    ]
    all_ties = len(ties) + len(outside_ties)
    located = [
        (m.latitude, m.longitude)
        for m in members
        if m.latitude is not None and m.longitude is not None
    ]
    centre = (
        (sum(p[0] for p in located) / len(located), sum(p[1] for p in located) / len(located))
        if located
        else None
    )
    return {
        "institutionalisation": {
            "ties": total_ties,
            "formality_share": {k: round(v / total_ties, 4) for k, v in formality.items()}
            if total_ties
            else {},
            "formal_share": round(
                sum(v for k, v in formality.items() if k != "informal") / total_ties, 4
            )
            if total_ties
            else 0.0,
            "joint_institutions": formality.get("joint_institution", 0),
            "formula": FORMULAS["institutionalisation"],
        },
        "diversity": {
            "structure": _diversity([m.structure for m in members]),
            "sector": _diversity([m.activity for m in members]),
            "size": _diversity([_band(m.members, SIZE_BANDS) for m in members]),
            "age": _diversity([_band(a, AGE_BANDS) for a in ages]),
            "formula": FORMULAS["diversity"],
        },
        "intergenerational": {
            "shared_institutions": sum(1 for m in members if m.structure in SHARED_INSTITUTIONS),
            "shared_services": sum(1 for t in ties if t.kind == "shared_service"),
            "spin_offs": sum(1 for t in [*ties, *outside_ties] if t.kind == "incubated"),
            "age_youngest": round(ages[0], 1) if ages else None,
            "age_oldest": round(ages[-1], 1) if ages else None,
            "age_interquartile": [quartile(0.25), quartile(0.75)],
            "formula": FORMULAS["intergenerational"],
        },
        "self_reliance": {
            "currency": currency,
            "inside": inside,
            "outside": outside,
            "share_inside": round(inside / (inside + outside), 4) if inside + outside else None,
            "formula": FORMULAS["self_reliance"],
        },
        "embeddedness": {
            "ally_ties": len(allies_ties),
            "ally_share": round(len(allies_ties) / all_ties, 4) if all_ties else 0.0,
            "localities": len({m.locality for m in members if m.locality}),
            "reach_km": round(max((distance_km(centre, p) for p in located), default=0.0), 1)
            if centre
            else 0.0,
            "members_outside_ties": len(
                {e for t in outside_ties for e in (t.source, t.target) if e in ids}
            ),
            "formula": FORMULAS["embeddedness"],
        },
    }


def reading(values: dict[str, dict[str, Any]]) -> dict[str, list[tuple[str, str]]]:
    """A short reading per principle: ("strength" | "gap", sentence) pairs, in English
    (marked for translation; the page translates them)."""
    notes: dict[str, list[tuple[str, str]]] = {p: [] for p in PRINCIPLES}
    inst = values["institutionalisation"]
    if inst["ties"] == 0:
        notes["institutionalisation"].append(("gap", gettext_noop("No ties are recorded yet.")))
    elif inst["formal_share"] >= 0.5:
        notes["institutionalisation"].append(
            (
                "strength",
                gettext_noop("Most ties are written agreements, contracts or joint institutions."),
            )
        )
    else:
        notes["institutionalisation"].append(
            ("gap", gettext_noop("Most ties are informal: formalise the ones that matter."))
        )
    if inst["ties"] and not inst["joint_institutions"]:
        notes["institutionalisation"].append(
            ("gap", gettext_noop("No joint institution binds members together."))
        )
    structure = values["diversity"]["structure"]
    evenness = (
        structure["shannon"] / math.log(structure["categories"])
        if structure["categories"] > 1
        else 0.0
    )
    notes["diversity"].append(
        ("strength", gettext_noop("Members are of many kinds."))
        if evenness >= 0.7 and structure["categories"] >= 4
        else ("gap", gettext_noop("Members are alike: few kinds of organisation dominate."))
    )
    gen = values["intergenerational"]
    notes["intergenerational"].append(
        ("strength", gettext_noop("Shared institutions serve members across generations."))
        if gen["shared_institutions"]
        else ("gap", gettext_noop("No secondary co-op or federation among members."))
    )
    if gen["spin_offs"]:
        notes["intergenerational"].append(
            ("strength", gettext_noop("Members seed new co-operatives."))
        )
    self_reliance = values["self_reliance"]["share_inside"]
    if self_reliance is None:
        notes["self_reliance"].append(("gap", gettext_noop("No trade values are known yet.")))
    else:
        notes["self_reliance"].append(
            ("strength", gettext_noop("Much of members' known trade stays inside the network."))
            if self_reliance >= 0.3
            else ("gap", gettext_noop("Most known trade leaves the network."))
        )
    embedded = values["embeddedness"]
    notes["embeddedness"].append(
        ("strength", gettext_noop("Members work with allies beyond the co-operative movement."))
        if embedded["ally_share"] >= 0.15
        else ("gap", gettext_noop("Few ties reach allies beyond co-operatives."))
    )
    return notes
