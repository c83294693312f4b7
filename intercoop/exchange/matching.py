"""Matchmaking, pure: no Django. Business matches pair a need with offers (category, text
similarity, distance within the offer's service area, co-operative preference); peer
matches pair organisations facing the same challenges with similar structure and size.
Each match carries a plain explanation: reasons made of message templates marked for
translation and their values, which `explain` words in any language (the web layer passes
its gettext; here they read in English).

Text similarity is TF-IDF cosine over an inverted index held in NumPy arrays, so a query
touches only the offers that share a word with it."""

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from intercoop.core.geo import EARTH_RADIUS_KM, distance_km

STOPWORDS = frozenset(
    ["a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have", "in",
     "into", "is", "it", "its", "of", "on", "or", "our", "the", "their", "to", "we", "with",
     "who", "will", "your", "you", "y", "el", "la", "los", "las", "de", "del", "en", "para",
     "con", "por", "un", "una", "le", "les", "des", "du", "et", "pour", "avec", "sur"]
)  # fmt: skip
WEIGHTS = {"text": 0.45, "category": 0.30, "distance": 0.15, "cooperative": 0.10}


def gettext_noop(message: str) -> str:
    """Marks a message for translation (makemessages knows the name) and returns it as
    is: this module imports no Django; `explain` translates when the words are shown."""
    return message


Value = str | int | tuple[str, ...]  # a tuple is a list of items, worded "a, b and c"


@dataclass(frozen=True)
class Reason:
    """One reason for a match: an English message with %(name)s placeholders, and values."""

    message: str
    values: Mapping[str, Value] = field(default_factory=dict)


def explain(
    reasons: Iterable[Reason],
    translate: Callable[[str], str] = lambda message: message,
    number: Callable[[int], str] = str,
) -> str:
    """The reasons as one sentence, worded by `translate` (gettext) with numbers written
    by `number` (the locale's format)."""

    def word(value: Value) -> str:
        if isinstance(value, tuple):
            items = list(value)
            if len(items) == 1:
                return items[0]
            return translate(gettext_noop("%(items)s and %(last)s")) % {
                "items": ", ".join(items[:-1]),
                "last": items[-1],
            }
        return number(value) if isinstance(value, int) else value

    return "; ".join(
        translate(r.message) % {k: word(v) for k, v in r.values.items()} for r in reasons
    )


def tokens(text: str) -> list[str]:
    return [t for t in re.findall(r"\w+", text.lower()) if len(t) > 1 and t not in STOPWORDS]


@dataclass(frozen=True)
class Offer:
    id: int
    organization: str
    category: str
    text: str
    location: tuple[float, float] | None = None
    radius_km: float | None = None  # None: no limit stated
    cooperative: bool = False
    coop_discount: int = 0  # per cent


@dataclass(frozen=True)
class Need:
    organization: str
    category: str
    text: str
    location: tuple[float, float] | None = None


@dataclass(frozen=True)
class Match:
    organization: str
    score: float
    explanation: str
    offer: int | None = None
    reasons: tuple[Reason, ...] = field(default=())


class OfferIndex:
    """TF-IDF vectors of every offer's text, as an inverted index."""

    def __init__(self, offers: Sequence[Offer]) -> None:
        self.offers = list(offers)
        counts = [Counter(tokens(o.text)) for o in self.offers]
        document_frequency: Counter[str] = Counter()
        for c in counts:
            document_frequency.update(c.keys())
        n = len(self.offers)
        self.idf = {t: math.log((n + 1) / (df + 1)) + 1 for t, df in document_frequency.items()}
        postings: dict[str, tuple[list[int], list[float]]] = {}
        for i, c in enumerate(counts):
            weights = {t: (1 + math.log(tf)) * self.idf[t] for t, tf in c.items()}
            norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
            for t, w in weights.items():
                ids, values = postings.setdefault(t, ([], []))
                ids.append(i)
                values.append(w / norm)
        self.postings = {
            t: (np.array(ids, dtype=np.int32), np.array(values, dtype=np.float32))
            for t, (ids, values) in postings.items()
        }
        self.categories = np.array([o.category for o in self.offers], dtype=object)
        self.token_sets = [set(c) for c in counts]
        self.organizations = np.array([o.organization for o in self.offers], dtype=object)
        located = [o.location or (np.nan, np.nan) for o in self.offers]
        self.lat = np.radians(np.array([p[0] for p in located], dtype=float))
        self.lon = np.radians(np.array([p[1] for p in located], dtype=float))
        self.radius = np.array(
            [np.nan if o.radius_km is None else o.radius_km for o in self.offers], dtype=float
        )
        self.cooperative = np.array([o.cooperative for o in self.offers], dtype=bool)
        grouped: dict[str, list[int]] = {}
        for i, o in enumerate(self.offers):
            grouped.setdefault(o.category, []).append(i)
        self.by_category = {k: np.array(v, dtype=np.int32) for k, v in grouped.items()}

    def text_scores(self, text: str) -> tuple[np.ndarray, dict[str, float]]:
        """Cosine similarity of `text` with every offer, and the query's term weights."""
        counts = Counter(t for t in tokens(text) if t in self.idf)
        query = {t: (1 + math.log(tf)) * self.idf[t] for t, tf in counts.items()}
        norm = math.sqrt(sum(w * w for w in query.values())) or 1.0
        scores = np.zeros(len(self.offers), dtype=np.float32)
        for t, w in query.items():
            ids, values = self.postings[t]
            scores[ids] += values * (w / norm)
        return scores, query


def business_matches(
    index: OfferIndex,
    needs: Iterable[Need],
    *,
    limit: int = 10,
    category_labels: dict[str, str] | None = None,
) -> list[Match]:
    """The best offer of each other organisation for any of these needs, best first.
    Scores are computed for every offer at once (NumPy); explanations only for the few
    that can make the list."""
    labels = category_labels or {}
    best: dict[str, Match] = {}
    for need in needs:
        text, query = index.text_scores(need.text)
        scores = _vector_scores(index, need, text)
        order = np.argsort(-scores, kind="stable")
        seen: set[str] = set()
        for i in order[: max(limit * 20, 200)]:
            if scores[i] <= 0 or len(seen) >= limit:
                break
            offer = index.offers[i]
            if offer.organization in seen:
                continue
            seen.add(offer.organization)
            match = _score(offer, need, float(text[i]), query, labels, index.token_sets[i])
            if match is not None and (
                offer.organization not in best or match.score > best[offer.organization].score
            ):
                best[offer.organization] = match
    return sorted(best.values(), key=lambda m: (-m.score, m.organization))[:limit]


def _vector_scores(index: OfferIndex, need: Need, text: np.ndarray) -> np.ndarray:
    """Every offer's score for `need`; 0 for offers that cannot match (the need's own
    organisation's, outside their service area, sharing neither category nor words)."""
    category = index.categories == need.category
    distance = np.full(len(index.offers), 0.5)
    inside = np.ones(len(index.offers), dtype=bool)
    if need.location:
        lat, lon = map(math.radians, need.location)
        h = (
            np.sin((index.lat - lat) / 2) ** 2
            + math.cos(lat) * np.cos(index.lat) * np.sin((index.lon - lon) / 2) ** 2
        )
        km = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(h))
        known = ~np.isnan(km)
        limit = np.where(np.isnan(index.radius), 100.0, index.radius)
        distance = np.where(known, np.maximum(0.0, 1 - km / (2 * limit)), 0.5)
        inside = ~known | np.isnan(index.radius) | (km <= index.radius)
    scores = (
        WEIGHTS["text"] * text
        + WEIGHTS["category"] * category
        + WEIGHTS["distance"] * distance
        + WEIGHTS["cooperative"] * index.cooperative
    )
    possible = inside & (category | (text > 0)) & (index.organizations != need.organization)
    return np.where(possible, scores, 0.0)


def _score(
    offer: Offer,
    need: Need,
    text: float,
    query: dict[str, float],
    labels: dict[str, str],
    offered: set[str],
) -> Match | None:
    """The match of one offer with its explanation (the same score as _vector_scores)."""
    reasons: list[Reason] = []
    category = 1.0 if offer.category == need.category else 0.0
    if category:
        reasons.append(
            Reason(
                gettext_noop("same category (%(category)s)"),
                {"category": labels.get(offer.category, offer.category)},
            )
        )
    shared = [t for t in sorted(query, key=lambda t: -query[t]) if t in offered][:3]
    if shared:
        terms = ", ".join(f"“{t}”" for t in shared)
        reasons.append(Reason(gettext_noop("both mention %(terms)s"), {"terms": terms}))
    distance_factor = 0.5  # unknown
    if offer.location and need.location:
        km = distance_km(offer.location, need.location)
        if offer.radius_km is not None and km > offer.radius_km:
            return None  # outside the offer's service area
        limit = offer.radius_km or 100.0
        distance_factor = max(0.0, 1 - km / (2 * limit))
        if offer.radius_km:
            reasons.append(
                Reason(
                    gettext_noop("%(km)s km apart, within its %(radius)s km service area"),
                    {"km": round(km), "radius": round(offer.radius_km)},
                )
            )
        else:
            reasons.append(Reason(gettext_noop("%(km)s km apart"), {"km": round(km)}))
    if offer.cooperative and offer.coop_discount:
        reasons.append(
            Reason(
                gettext_noop("a co-op offering %(discount)s%% to co-ops"),
                {"discount": offer.coop_discount},
            )
        )
    elif offer.cooperative:
        reasons.append(Reason(gettext_noop("a co-op")))
    if not category and text == 0:
        return None
    score = (
        WEIGHTS["text"] * text
        + WEIGHTS["category"] * category
        + WEIGHTS["distance"] * distance_factor
        + WEIGHTS["cooperative"] * (1.0 if offer.cooperative else 0.0)
    )
    return Match(
        offer.organization,
        round(score, 4),
        explain(reasons),
        offer=offer.id,
        reasons=tuple(reasons),
    )


@dataclass(frozen=True)
class Peer:
    organization: str
    challenges: frozenset[str]
    structure: str = ""
    members: int | None = None
    location: tuple[float, float] | None = None


def peer_matches(
    me: Peer, others: Iterable[Peer], *, limit: int = 10, labels: dict[str, str] | None = None
) -> list[Match]:
    """Organisations facing the same challenges, then alike in structure and size."""
    labels = labels or {}
    found: list[Match] = []
    for other in others:
        if other.organization == me.organization:
            continue
        shared = sorted(me.challenges & other.challenges)
        if not shared:
            continue
        union = me.challenges | other.challenges
        reasons = [
            Reason(
                gettext_noop("both work on %(challenges)s"),
                {"challenges": tuple(labels.get(c, c) for c in shared)},
            )
        ]
        score = 0.6 * len(shared) / len(union)
        if me.structure and me.structure == other.structure:
            score += 0.2
            reasons.append(
                Reason(
                    gettext_noop("both are %(structure)s"),
                    {"structure": labels.get(me.structure, me.structure)},
                )
            )
        if me.members and other.members:
            ratio = min(me.members, other.members) / max(me.members, other.members)
            score += 0.1 * ratio
            if ratio >= 0.5:
                reasons.append(
                    Reason(
                        gettext_noop("similar size (%(mine)s and %(theirs)s members)"),
                        {"mine": me.members, "theirs": other.members},
                    )
                )
        if me.location and other.location:
            km = distance_km(me.location, other.location)
            score += 0.1 * max(0.0, 1 - km / 200)
            reasons.append(Reason(gettext_noop("%(km)s km apart"), {"km": round(km)}))
        found.append(
            Match(other.organization, round(score, 4), explain(reasons), reasons=tuple(reasons))
        )
    return sorted(found, key=lambda m: (-m.score, m.organization))[:limit]


def precision_at(k: int, ranked: Sequence[str], relevant: set[str]) -> float:
    return sum(1 for item in ranked[:k] if item in relevant) / k
