"""The same allocation as `allocation.allocate`, for whole order books at once with NumPy:
every article of a round (or of a file) in a few array passes, for rounds with thousands
of members and articles. Tests check that both give the same shares."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from intercoop.purchasing.allocation import Strategy

F = NDArray[np.float64]
I = NDArray[np.int64]  # noqa: E741


@dataclass
class Book:
    """An order book as arrays, one entry per log row, sorted by article then time."""

    article: I  # article index
    member: I  # member index
    quantity: F
    tolerance: F
    case_size: F  # per article
    minimum: F  # per article
    by_weight: NDArray[np.bool_]  # per article

    @classmethod
    def from_rows(
        cls,
        *,
        article: I,
        member: I,
        quantity: F,
        tolerance: F,
        time_rank: I,
        case_size: F,
        minimum: F,
        by_weight: NDArray[np.bool_],
    ) -> Book:
        order = np.lexsort((time_rank, article))
        return cls(article[order], member[order], quantity[order], tolerance[order],
                   case_size, minimum, by_weight)  # fmt: skip


def _sums(groups: I, values: F, n: int) -> F:
    """The sum of `values` per group number (0 … n − 1)."""
    return np.asarray(np.bincount(groups, weights=values, minlength=n), dtype=np.float64)


def amounts_to_order(q: F, t: F, u: F, m: F, by_weight: NDArray[np.bool_]) -> F:
    """`allocation.amount_to_order` for arrays of articles."""
    safe_u = np.where(u > 1, u, 1)
    full, remainder = np.divmod(q, safe_u)
    cases = full + ((remainder > 0) & (remainder + t >= safe_u))
    amount = np.where(by_weight | (u <= 1), q, cases * safe_u)
    amount = np.where((m > 0) & (q < m) & (q + t >= m), m, amount)
    return np.where((m > 0) & (q + t < m), 0.0, amount)


def _exclusive_group_cumsum(values: F, starts: I, group: I) -> F:
    total = np.cumsum(values)
    before_group = np.where(starts > 0, total[starts - 1], 0.0)
    return total - values - before_group[group]


@dataclass
class Result:
    article: I
    member: I
    quantity: F
    tolerance: F
    ordered: F  # per article


def allocate_book(book: Book, *, strategy: Strategy = "fifo", amount: F | None = None) -> Result:
    n_articles = len(book.case_size)
    q_total = _sums(book.article, book.quantity, n_articles)
    t_total = _sums(book.article, book.tolerance, n_articles)
    if amount is None:
        amount = amounts_to_order(q_total, t_total, book.case_size, book.minimum, book.by_weight)
    starts = np.searchsorted(book.article, np.arange(n_articles))  # rows sorted by article
    if strategy == "no-auto":
        give_q = book.quantity.copy()
    else:
        before = _exclusive_group_cumsum(book.quantity, starts, book.article)
        give_q = np.clip(amount[book.article] - before, 0, book.quantity)
    left = np.maximum(amount - _sums(book.article, give_q, n_articles), 0.0)
    pairs = Pairs.of(book)
    if strategy == "proportional":
        give_t = _proportional(book, pairs, left, t_total)
    else:
        before_t = _exclusive_group_cumsum(book.tolerance, starts, book.article)
        give_t = np.clip(left[book.article] - before_t, 0, book.tolerance)
    # one entry per (article, member), in the order members first appear per article
    return Result(book.article[pairs.first_rows], book.member[pairs.first_rows],
                  pairs.total(give_q), pairs.total(give_t), amount)  # fmt: skip


@dataclass
class Pairs:
    """The (article, member) pairs of a book: for each row, the number of its pair, pairs
    numbered in the order they first appear (rows are sorted by article, then time)."""

    of_row: I
    first_rows: I  # the first row of each pair

    @classmethod
    def of(cls, book: Book) -> Pairs:
        n = len(book.article)
        width = int(book.member.max(initial=0)) + 1
        key = book.article * width + book.member
        cells = (int(book.article.max(initial=0)) + 1) * width
        if cells <= max(4 * n, 1_000_000):  # dense: no sort
            first = np.empty(cells, dtype=np.int64)
            first[key[::-1]] = np.arange(n - 1, -1, -1)  # the last write wins: the first row
            is_first = first[key] == np.arange(n)
            first_rows = np.flatnonzero(is_first)
            number = np.empty(cells, dtype=np.int64)
            number[key[first_rows]] = np.arange(len(first_rows))
            return cls(number[key], first_rows)
        _unique, first_index, inverse = np.unique(key, return_index=True, return_inverse=True)
        order = np.argsort(first_index, kind="stable")
        renumber = np.empty(len(order), dtype=np.int64)
        renumber[order] = np.arange(len(order))
        return cls(renumber[inverse], first_index[order])

    def total(self, values: F) -> F:
        if len(self.first_rows) == len(values):  # one row per pair, in order: nothing to add
            return values
        return _sums(self.of_row, values, len(self.first_rows))


def _proportional(book: Book, pairs: Pairs, left: F, t_total: F) -> F:
    """Tolerance by row: each member's whole-unit share of the tolerance needed, in
    proportion to what it offered, largest remainder first (ties to the earliest), then
    spread over its rows in time order."""
    offered = pairs.total(book.tolerance)
    article = book.article[pairs.first_rows]  # sorted: pairs are numbered in article order
    needed = np.minimum(left, t_total)
    share = np.empty(len(offered))
    bounds = np.searchsorted(article, np.arange(len(left) + 1))  # each article's pairs
    first = 0
    while first < len(left):  # whole articles at a time, about CHUNK pairs: temporaries
        last = max(first + 1, int(np.searchsorted(bounds, bounds[first] + CHUNK, "right")) - 1)
        last = min(last, len(left))  # stay small and are reused, not faulted in anew
        rows = slice(int(bounds[first]), int(bounds[last]))
        share[rows] = _proportional_shares(
            article[rows] - first, offered[rows], needed[first:last], t_total[first:last]
        )
        first = last
    # each pair's share spread over its rows in time order
    if len(pairs.first_rows) == len(book.tolerance):  # one row per pair: nothing to spread
        return share[pairs.of_row]
    by_pair = np.argsort(pairs.of_row, kind="stable")
    pair_of_row = pairs.of_row[by_pair]
    tolerance = book.tolerance[by_pair]
    pair_starts = np.searchsorted(pair_of_row, np.arange(len(offered)))
    before = _exclusive_group_cumsum(tolerance, pair_starts, pair_of_row)
    give = np.empty_like(book.tolerance)
    give[by_pair] = np.clip(share[pair_of_row] - before, 0, tolerance)
    return give


CHUNK = 1 << 20


def _proportional_shares(article: I, offered: F, needed: F, t_total: F) -> F:
    """Each pair's whole units of its article's `needed` tolerance, in proportion to what
    it `offered`; the units left by rounding down go to the largest remainders."""
    # whole units and remainders in exact arithmetic (whole numbers are exact in float64)
    numerator = needed[article] * offered
    denominator = np.where(t_total[article] > 0, t_total[article], 1.0)
    whole = np.floor_divide(numerator, denominator)
    remainder = numerator - whole * denominator
    spare = needed - _sums(article, whole, len(needed))
    # only pairs that offered tolerance in articles with units to spare compete
    competing = np.flatnonzero((offered > 0) & (spare[article] > 0) & (remainder > 0))
    bonus = np.zeros(len(offered))
    bonus[competing] = _largest_remainders(article[competing], remainder[competing], spare)
    return np.minimum(whole + bonus, offered)


def _largest_remainders(article: I, remainder: F, spare: F) -> NDArray[np.bool_]:
    """Which of the competing pairs (given in order of article, then time) get one of
    their article's `spare` units: the largest remainders, the earliest among equals.

    Remainders are usually small whole numbers (below the article's total tolerance), so
    a histogram per article finds each article's threshold without sorting; otherwise the
    pairs are sorted."""
    top = float(remainder.max(initial=0)) + 1
    cells = (int(article.max(initial=0)) + 1) * top
    if (
        len(article)
        and cells <= max(4 * len(article), 2**24)
        and (np.floor(remainder) == remainder).all()
    ):
        width, whole = int(top), remainder.astype(np.int64)
        counts = np.bincount(article * width + whole, minlength=int(cells)).reshape(-1, width)
        at_least = np.cumsum(counts[:, ::-1], axis=1)[:, ::-1]  # pairs with remainder ≥ r
        wanted = spare[: len(at_least)].astype(np.int64)
        threshold = (at_least >= wanted[:, None]).sum(axis=1) - 1
        above = np.where(threshold + 1 < width,
                         at_least[np.arange(len(at_least)), np.minimum(threshold + 1, width - 1)],
                         0)  # fmt: skip
        edge = threshold[article]
        tied = whole == edge
        tie_rank = np.cumsum(tied) - tied
        first = np.searchsorted(article, np.arange(len(at_least)))  # each article's first pair
        tie_rank -= tie_rank[first][article]
        return (whole > edge) | (tied & (tie_rank < (wanted - above)[article]))
    order = _rank_order(article, remainder, np.arange(len(article)))
    ranked = article[order]
    rank = np.arange(len(order)) - np.searchsorted(ranked, ranked)
    chosen = np.zeros(len(article), dtype=bool)
    chosen[order] = rank < spare[ranked]
    return chosen


def _rank_order(article: I, remainder: F, index: I) -> I:
    """The order by article, then largest remainder, then index: one sort of a combined
    whole-number key when it fits in 64 bits, else a lexicographic sort."""
    top = float(remainder.max(initial=0)) + 1
    span = float(len(index) and index.max()) + 1
    if (float(article.max(initial=0)) + 1) * top * span < 2**62 and top == int(top):
        key = (article * int(top) + (int(top) - 1 - remainder.astype(np.int64))) * int(span) + index
        return np.argsort(key)
    return np.lexsort((index, -remainder, article))
