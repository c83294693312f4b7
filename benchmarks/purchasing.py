"""Allocation of a joint order for 10,000 members × 1,000 articles (goal < 2 s).

Two order books: every member ordering every article (10,000,000 log rows) and a more
usual one where each member orders one article in ten (about 1,000,000 rows). Case sizes
1–24, quantities 0–12, tolerances 0–3, in random time order. Times the array engine that
rounds and allocates every article (`purchasing.vectorized.allocate_book`), for each
strategy, after the book is built."""

import time

import numpy as np

from intercoop.purchasing.allocation import STRATEGIES
from intercoop.purchasing.vectorized import Book, allocate_book

MEMBERS, ARTICLES, GOAL_S = 10_000, 1_000, 2.0


def book(density: float, rng: np.random.Generator) -> Book:
    if density >= 1:
        article = np.repeat(np.arange(ARTICLES, dtype=np.int64), MEMBERS)
        member = np.tile(np.arange(MEMBERS, dtype=np.int64), ARTICLES)
    else:
        n = int(MEMBERS * ARTICLES * density)
        article = rng.integers(0, ARTICLES, n, dtype=np.int64)
        member = rng.integers(0, MEMBERS, n, dtype=np.int64)
    n = len(article)
    return Book.from_rows(
        article=article,
        member=member,
        quantity=rng.integers(0, 13, n).astype(np.float64),
        tolerance=rng.integers(0, 4, n).astype(np.float64),
        time_rank=rng.permutation(n).astype(np.int64),
        case_size=rng.integers(1, 25, ARTICLES).astype(np.float64),
        minimum=np.where(rng.random(ARTICLES) < 0.1, 50.0, 0.0),
        by_weight=rng.random(ARTICLES) < 0.05,
    )


def main() -> None:
    rng = np.random.default_rng(5)
    print(f"== allocation, {MEMBERS:,} members × {ARTICLES:,} articles")
    for label, density in (("every member, every article", 1.0), ("one article in ten", 0.1)):
        orders = book(density, rng)
        print(f"  {label}: {len(orders.article):,} log rows")
        for strategy in STRATEGIES:
            start = time.perf_counter()
            result = allocate_book(orders, strategy=strategy)
            seconds = time.perf_counter() - start
            verdict = "ok" if seconds < GOAL_S else "SLOW"
            allocated = result.quantity.sum() + result.tolerance.sum()
            print(f"    {strategy:<13} {seconds:6.2f} s   goal < {GOAL_S:.0f} s  "
                  f"ratio {seconds / GOAL_S:.2f}  {verdict}   ({allocated:,.0f} units allocated)")  # fmt: skip


if __name__ == "__main__":
    main()
