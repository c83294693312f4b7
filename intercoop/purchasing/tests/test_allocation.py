"""Case rounding, allocation strategies, tier prices, savings and patronage (pure)."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from intercoop.purchasing.allocation import Article, Row, allocate, amount_to_order, split
from intercoop.purchasing.pricing import Tier, bid_scores, patronage, saving, tier_cost


@pytest.mark.parametrize(
    ("u", "q", "t", "cases"),
    [(4, 0, 2, 0), (4, 0, 5, 0), (4, 2, 2, 1), (4, 4, 2, 1), (4, 4, 4, 1), (4, 5, 3, 2),
     (4, 5, 4, 2)],
)  # fmt: skip
def test_the_rounding_table(u, q, t, cases):
    assert amount_to_order(Article("a", case_size=u), q, t) == cases * u


def test_tolerance_never_orders_a_case_alone_and_adds_at_most_one():
    article = Article("a", case_size=4)
    assert amount_to_order(article, 1, 100) == 4  # remainder 1 + 100 ≥ 4: one case
    assert amount_to_order(article, 0, 100) == 0
    assert amount_to_order(article, 8, 100) == 8  # no remainder: no extra case


@pytest.mark.parametrize(
    ("q", "t", "ordered"),
    [(3, 2, 0),  # Q + T < m
     (6, 4, 10),  # Q < m ≤ Q + T: exactly m
     (8, 0, 0),  # Q < m and no tolerance
     (12, 0, 12),  # Q ≥ m: the usual rounding (case of 1)
     ],
)  # fmt: skip
def test_minimum_order_quantity(q, t, ordered):
    assert amount_to_order(Article("a", minimum=10), q, t) == ordered


def test_minimum_with_cases():
    article = Article("a", case_size=5, minimum=10)
    assert amount_to_order(article, 7, 3) == 10
    assert amount_to_order(article, 12, 1) == 10  # Q ≥ m: 2 full cases, remainder 2 + 1 < 5


def test_by_weight_articles_are_not_rounded():
    article = Article("cheese", case_size=5, by_weight=True)
    assert amount_to_order(article, Decimal("2.35"), 1) == Decimal("2.35")


def test_the_worked_example():
    """Case of 5; A orders 2 with tolerance 1, then B orders 2, then A adds 2."""
    rows = [Row("A", 2, 1, "t1"), Row("B", 2, 0, "t2"), Row("A", 2, 0, "t3")]
    result = allocate(Article("bread", case_size=5), rows)
    assert result.ordered == 5
    assert {m: s.total for m, s in result.shares.items()} == {"A": 3, "B": 2}


def test_tolerance_fills_the_last_case_in_time_order():
    rows = [Row("A", 3, 2, "t1"), Row("B", 3, 2, "t2"), Row("C", 1, 0, "t3")]
    result = allocate(Article("a", case_size=4), rows)  # Q 7, T 4 → 2 cases
    got = {m: (s.quantity, s.tolerance) for m, s in result.shares.items()}
    assert got == {"A": (3, 1), "B": (3, 0), "C": (1, 0)}


def test_proportional_tolerance_largest_remainder():
    rows = [Row("A", 1, 3, "t1"), Row("B", 1, 1, "t2"), Row("C", 1, 2, "t3")]
    # Q 3, T 6, case 6 → one case; 3 units of tolerance needed, offered 3:1:2
    result = allocate(Article("a", case_size=6), rows, strategy="proportional")
    got = {m: s.tolerance for m, s in result.shares.items()}
    assert got == {"A": 2, "B": 0, "C": 1}  # exact 1.5, 0.5, 1.0 → 1, 0, 1 + one to A
    assert result.allocated == 6
    fifo = allocate(Article("a", case_size=6), rows)
    assert {m: s.tolerance for m, s in fifo.shares.items()} == {"A": 3, "B": 0, "C": 0}


def test_equal_remainders_go_to_the_earliest_exactly():
    """4/6 and 1/6 of 2 units leave the same remainder, 1/3; decimal arithmetic used to
    make them differ in the 28th digit and hand the spare unit to the later member."""
    rows = [Row("A", 1, 2, "t1"), Row("A", 2, 2, "t2"), Row("B", 3, 1, "t3"), Row("C", 0, 1, "t4")]
    result = allocate(Article("a", case_size=4), rows, strategy="proportional")
    assert {m: s.tolerance for m, s in result.shares.items()} == {"A": 2, "B": 0, "C": 0}


def test_no_auto_gives_everyone_its_quantity_even_when_short():
    rows = [Row("A", 3, 2, "t1"), Row("B", 3, 0, "t2")]
    result = allocate(Article("a", case_size=4), rows, strategy="no-auto", amount=4)
    assert {m: s.total for m, s in result.shares.items()} == {"A": 3, "B": 3}
    result = allocate(Article("a", case_size=4), rows, strategy="no-auto")  # 8 ordered
    assert {m: s.total for m, s in result.shares.items()} == {"A": 5, "B": 3}


def test_delivery_shortfall_reallocated_by_the_same_rule():
    rows = [Row("A", 2, 1, "t1"), Row("B", 2, 0, "t2"), Row("A", 2, 0, "t3")]
    received = allocate(Article("bread", case_size=5), rows, amount=3)
    assert {m: s.total for m, s in received.shares.items()} == {"A": 2, "B": 1}


def test_split_sums_exactly():
    assert split(100, {"a": 1, "b": 1, "c": 1}) == {"a": 34, "b": 33, "c": 33}
    assert split(10, {"a": 0, "b": 0}) == {"a": 0, "b": 0}


rows_strategy = st.lists(
    st.tuples(st.sampled_from("ABCDE"), st.integers(0, 12), st.integers(0, 6)),
    min_size=1,
    max_size=12,
)


def _rows(raw):
    return [Row(m, q, t, f"t{i:03d}", i) for i, (m, q, t) in enumerate(raw)]


@settings(max_examples=200, deadline=None)
@given(raw=rows_strategy, u=st.integers(1, 12), strategy=st.sampled_from(["fifo", "proportional"]))
def test_invariants(raw, u, strategy):
    rows = _rows(raw)
    result = allocate(Article("a", case_size=u), rows, strategy=strategy)
    asked = {}
    for r in rows:
        q, t = asked.get(r.member, (0, 0))
        asked[r.member] = (q + r.quantity, t + r.tolerance)
    for member, share in result.shares.items():
        assert 0 <= share.quantity <= asked[member][0]
        assert 0 <= share.tolerance <= asked[member][1]
    total_demand = result.demand + result.tolerance
    assert result.allocated == min(result.ordered, total_demand)


@settings(max_examples=200, deadline=None)
@given(raw=rows_strategy, u=st.integers(1, 12), extra=st.integers(1, 10), data=st.data())
def test_increasing_your_order_never_lowers_what_you_get_under_fifo(raw, u, extra, data):
    rows = _rows(raw)
    member = data.draw(st.sampled_from(sorted({r.member for r in rows})))
    before = allocate(Article("a", case_size=u), rows).shares[member].total
    more = [*rows, Row(member, extra, 0, "t999", 999)]
    after = allocate(Article("a", case_size=u), more).shares[member].total
    assert after >= before


TIERS = [Tier(Decimal(0), Decimal(100)), Tier(Decimal(100), Decimal(90)),
         Tier(Decimal(500), Decimal(80))]  # fmt: skip


@pytest.mark.parametrize(
    ("volume", "all_units", "incremental"),
    [(50, 5_000, 5_000), (100, 9_000, 10_000), (250, 22_500, 23_500),
     (600, 48_000, 100 * 100 + 400 * 90 + 100 * 80)],
)  # fmt: skip
def test_tier_pricing_both_ways(volume, all_units, incremental):
    assert tier_cost(TIERS, Decimal(volume), "all_units") == all_units
    assert tier_cost(TIERS, Decimal(volume), "incremental") == incremental


def test_tiers_start_at_zero():
    with pytest.raises(ValueError, match="volume 0"):
        tier_cost([Tier(Decimal(10), Decimal(1))], Decimal(5), "all_units")


def test_bid_scores_weigh_price_and_social_criteria():
    scores = bid_scores(
        {"cheap": 1000, "coop": 1250},
        {"coop": {"cooperative": 5, "local": 5}},
        {"price": 60, "cooperative": 20, "local": 20},
    )
    assert scores == {"cheap": 60.0, "coop": 88.0}


def test_savings_and_patronage_sums():
    assert saving(Decimal(120), Decimal(100), Decimal(1000)) == 20_000
    assert saving(Decimal(100), Decimal(110), Decimal(10)) == -100
    shares = patronage(100_001, {"a": 500, "b": 300, "c": 200}, cash_percent=20)
    assert sum(s.share for s in shares) == 100_001
    assert [s.share for s in shares] == [50_001, 30_000, 20_000]
    for s in shares:
        assert s.cash + s.retained == s.share and s.cash * 5 >= s.share
    assert shares[0].cash == 10_001  # 20% rounded up
