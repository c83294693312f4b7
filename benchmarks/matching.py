"""Matching benchmark: top-10 business matches for one organisation among 100,000 offers.

Prints the index build time and p50/p95 of a query (an organisation with three needs),
with the ratio to the goal (p95 < 50 ms), measured in the same run.

    python benchmarks/matching.py [--offers 100000]
"""

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from intercoop.exchange.matching import Need, Offer, OfferIndex, business_matches  # noqa: E402

GOAL_MS = 50.0
CATEGORIES = ["energy", "food", "cleaning", "printing", "it", "waste", "building",
              "professional", "transport", "textiles", "furniture", "care", "training",
              "finance", "housing", "other"]  # fmt: skip
# Category words plus a long tail, with Zipf-like weights, as in real descriptions.
WORDS = [f"{c}{i}" for c in CATEGORIES for i in range(40)]
TAIL = [f"w{i}" for i in range(3000)]
TAIL_WEIGHTS = [1 / (r + 1) for r in range(len(TAIL))]


def offers(n: int, rng: random.Random) -> list[Offer]:
    made = []
    for i in range(n):
        category = rng.choice(CATEGORIES)
        own = [w for w in WORDS if w.startswith(category)]
        text = " ".join(rng.sample(own, 4) + rng.choices(TAIL, TAIL_WEIGHTS, k=8))
        made.append(Offer(id=i, organization=f"org-{i % (n // 3)}", category=category, text=text,
                          location=(rng.uniform(36, 58), rng.uniform(-8, 20)),
                          radius_km=rng.choice([None, 50, 100, 300]), cooperative=rng.random() < 0.4,
                          coop_discount=rng.choice([0, 5, 10])))  # fmt: skip
    return made


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--offers", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    rng = random.Random(5)
    catalogue = offers(args.offers, rng)
    start = time.perf_counter()
    index = OfferIndex(catalogue)
    build = time.perf_counter() - start
    timings = []
    for _ in range(args.queries):
        location = (rng.uniform(36, 58), rng.uniform(-8, 20))
        needs = []
        for _n in range(3):
            category = rng.choice(CATEGORIES)
            own = [w for w in WORDS if w.startswith(category)]
            needs.append(
                Need(
                    "buyer",
                    category,
                    " ".join(rng.sample(own, 3) + rng.choices(TAIL, TAIL_WEIGHTS, k=3)),
                    location,
                )
            )
        start = time.perf_counter()
        found = business_matches(index, needs, limit=10)
        timings.append((time.perf_counter() - start) * 1000)
        assert len(found) == 10
    p95 = percentile(timings, 0.95)
    print(f"== top-10 business matches among {args.offers:,} offers")
    print(f"  index build                 {build:8.2f} s")
    print(f"  query p50                   {percentile(timings, 0.5):8.1f} ms")
    print(
        f"  query p95                   {p95:8.1f} ms   goal < {GOAL_MS:g} ms  ratio {p95 / GOAL_MS:.2f}"
        f"  {'ok' if p95 < GOAL_MS else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
