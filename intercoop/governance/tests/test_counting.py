"""Counting ranked ballots: hand-computed cases for each method (exact values) and
hypothesis invariants."""

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from intercoop.governance.blt import Election
from intercoop.governance.counting import (
    METHODS,
    borda,
    count,
    irv,
    meek_stv,
    schulze,
    schulze_paths,
    scottish_stv,
)


def election(seats, *ballots, withdrawn=()):
    """Ballots as (weight, "ABC") with candidates named by single letters A, B, C…"""
    letters = sorted({c for _, prefs in ballots for c in prefs} | set(withdrawn))
    names = [chr(ord("A") + i) for i in range(ord(max(letters)) - ord("A") + 1)]
    return Election(
        names,
        seats,
        [(w, tuple(names.index(c) for c in prefs)) for w, prefs in ballots],
        "Test",
        {names.index(c) for c in withdrawn},
    )


def totals(result, stage):
    return result.to_json()["stages"][stage - 1]["totals"]


def test_scottish_stv_simultaneous_surpluses_largest_first_truncated_values():
    """3 seats, 33 papers: quota ⌊33/4⌋+1 = 9.
    Stage 1: A 12, B 11 (both elected), C 2, D 3, E 2, F 3.
    Stage 2: A's surplus 3 first (larger than B's 2): value 3/12 = 0.25; 7 A-C papers give
      C 1.75, 5 A-D papers give D 1.25 → C 3.75, D 4.25, A 9.
    Stage 3: B's surplus 2: value 2/11 = 0.181818… truncated to 0.18181; 11 B-C-E papers
      give C 11 × 0.18181 = 1.99991 → C 5.74991 (0.00009 lost to truncation), B 9.
    Stage 4: E (2) excluded, non-transferable 2. Stage 5: F (3) excluded, 5.
    Stage 6: D (4.25) excluded: 5 A-D papers at 0.25 and 3 D papers → non-transferable 9.25;
      C is the one continuing candidate for the one seat left: elected."""
    result = scottish_stv(
        election(3, (7, "AC"), (5, "AD"), (11, "BCE"), (2, "C"), (3, "D"), (2, "E"), (3, "F")),
        seed=1,
    )
    assert result.quota == 9 and result.valid == 33
    assert result.elected == ["A", "B", "C"]
    assert totals(result, 1) == {"A": 12, "B": 11, "C": 2, "D": 3, "E": 2, "F": 3}
    assert totals(result, 2) == {"A": 9, "B": 11, "C": 3.75, "D": 4.25, "E": 2, "F": 3}
    assert totals(result, 3) == {"A": 9, "B": 9, "C": 5.74991, "D": 4.25, "E": 2, "F": 3}
    assert result.stages[1].action.startswith("surplus of A (3.00000) transferred at 0.25000")
    assert result.stages[2].action.startswith("surplus of B (2.00000) transferred at 0.18181")
    assert [s.action.split(";")[0] for s in result.stages[3:]] == [
        "E excluded",
        "F excluded",
        "D excluded",
    ]
    assert result.to_json()["stages"][5]["exhausted"] == 9.25
    assert result.lots == []


def test_scottish_stv_transfers_all_papers_of_a_surplus_from_a_transfer():
    """3 seats, 22 papers: quota ⌊22/4⌋+1 = 6. Stage 1: A 12 (elected), B 3, C 3, D 2, E 2.
    Stage 2: A's surplus 6 at 0.5: B 3 + 8 × 0.5 = 7 (elected, surplus 1), C 3 + 2 = 5.
    Stage 3: B's surplus 1 — *all* B's papers (rule 48), not only the last parcel: the
      3 B-D papers at 1 × 1/7 = 0.14285 give D 0.42855 → 2.42855; the 8 A-B papers at
      0.5 × 1/7 = 0.07142 have no next preference: non-transferable 0.57136."""
    result = scottish_stv(
        election(3, (8, "AB"), (4, "AC"), (3, "BD"), (3, "C"), (2, "D"), (2, "E")), seed=1
    )
    assert result.quota == 6
    assert totals(result, 2) == {"A": 6, "B": 7, "C": 5, "D": 2, "E": 2}
    assert totals(result, 3) == {"A": 6, "B": 6, "C": 5, "D": 2.42855, "E": 2}
    assert result.to_json()["stages"][2]["exhausted"] == 0.57136
    assert result.elected == ["A", "B", "C"]


def test_scottish_stv_breaks_an_exclusion_tie_by_looking_back():
    """1 seat, 15 papers, quota 8. Stage 1: A 5, B 4, C 3, D 2, E 1. Stage 2: E excluded,
    its paper to D: C 3, D 3 tie for lowest. At stage 1 they differed (D 2 < C 3), so D
    is excluded — no lot, whatever the seed. Stage 4: C excluded, 3 papers to B: B 7, A 5.
    Stage 5: A excluded; B the last continuing candidate, elected."""
    for seed in range(10):
        result = scottish_stv(
            election(1, (5, "A"), (4, "B"), (3, "CB"), (2, "D"), (1, "ED")), seed=seed
        )
        assert [s.action.split(";")[0] for s in result.stages[1:4]] == [
            "E excluded",
            "D excluded",
            "C excluded",
        ]
        assert result.lots == [] and result.elected == ["B"]


def test_scottish_stv_orders_an_equal_election_by_looking_back():
    """2 seats, quota ⌊40/3⌋+1 = 14. Stage 1: A 13, B 12, C 10, D 5. Stage 2: D excluded:
    1 D-A paper to A, 2 D-B to B (B 14, elected, no surplus), 2 D-C to C: A 14 elected
    — A and B both on 14, A elected first because at stage 1 A had more (look-back)."""
    result = scottish_stv(
        election(2, (13, "A"), (12, "B"), (10, "C"), (1, "DA"), (2, "DB"), (2, "DC")), seed=7
    )
    assert result.quota == 14
    assert result.elected == ["A", "B"]
    assert result.lots == []


def test_scottish_stv_breaks_a_surplus_tie_by_looking_back():
    """3 seats, 52 papers, quota 14. Stage 1: A 13, B 12, C 10, D 8, E 9; nobody elected.
    Stage 2: D excluded: 3 D-A papers to A, 4 D-B to B, 1 D non-transferable: A 16, B 16,
      both elected with equal surpluses of 2. At stage 1 A had more: A's surplus first.
    Stage 3: A's surplus at 2/16 = 0.125: 13 A-E papers give E 1.625 (E 10.625); 3 D-A
      papers have no next preference: non-transferable 1 + 0.375.
    Stage 4: B's surplus at 0.125: 12 B-C papers give C 1.5 (C 11.5); 4 D-B: 0.5 more
      non-transferable (1.875). Stage 5: E excluded; C, the one continuing, elected."""
    for seed in range(5):
        result = scottish_stv(
            election(3, (13, "AE"), (12, "BC"), (10, "C"), (3, "DA"), (4, "DB"), (1, "D"),
                     (9, "E")),
            seed=seed,
        )  # fmt: skip
        assert result.quota == 14 and result.lots == []
        assert totals(result, 2) == {"A": 16, "B": 16, "C": 10, "D": 0, "E": 9}
        assert result.stages[2].action.startswith("surplus of A (2.00000) transferred at 0.12500")
        assert totals(result, 3) == {"A": 14, "B": 16, "C": 10, "D": 0, "E": 10.625}
        assert totals(result, 4) == {"A": 14, "B": 14, "C": 11.5, "D": 0, "E": 10.625}
        assert result.to_json()["stages"][3]["exhausted"] == 1.875
        assert result.elected == ["A", "B", "C"]


def test_scottish_stv_exact_tie_everywhere_goes_to_a_seeded_lot():
    chosen = set()
    for seed in range(20):
        result = scottish_stv(election(1, (2, "A"), (2, "B"), (1, "C")), seed=seed)
        assert result.seed == seed and len(result.lots) == 1
        assert (
            result.elected
            == scottish_stv(election(1, (2, "A"), (2, "B"), (1, "C")), seed=seed).elected
        )  # the same seed, the same lot
        chosen.add(result.elected[0])
    assert chosen == {"A", "B"}


def test_scottish_stv_honours_withdrawn_candidates():
    """B withdrawn: the 4 B-C papers count for C from the start; 10 papers, 1 seat, quota 6."""
    result = scottish_stv(election(1, (5, "A"), (4, "BC"), (1, "C"), withdrawn="B"), seed=1)
    assert "B" not in totals(result, 1)
    assert totals(result, 1) == {"A": 5, "C": 5}
    assert result.quota == 6


def test_meek_stv_hand_case():
    """2 seats, 10 papers, quota 10/3. A 4 elected; keep value 10/12 passes 4 × 1/6 = 2/3
    to B (2.66667). Nobody else reaches 3.33333: D (1) excluded, its paper to C: C 4, elected."""
    result = meek_stv(election(2, (4, "AB"), (2, "BC"), (3, "C"), (1, "DC")), seed=1)
    assert result.elected == ["A", "C"]
    assert totals(result, 2) == {"A": 3.33333, "B": 2.66667, "C": 3, "D": 1}
    assert totals(result, 3)["C"] == 4
    assert round(result.quota, 5) == 3.33333


def test_irv_hand_case():
    """10 papers. Stage 1: A 4, B 2, C 3, D 1. D excluded → C 4; B excluded (2 B-C) → C 6 > 5."""
    result = irv(election(2, (4, "AB"), (2, "BC"), (3, "C"), (1, "DC")), seed=1)
    assert result.seats == 1 and result.quota is None
    assert result.elected == ["C"]
    assert totals(result, 3) == {"A": 4, "B": 0, "C": 6, "D": 0}


def test_borda_as_loomio_counts_ranked_choice():
    """4 candidates: 1st 4 points, 2nd 3, 3rd 2, 4th 1, unranked 0 (× weight).
    A 4×4 = 16; B 4×3 + 2×4 = 20; C 2×3 + 3×4 + 1×3 = 21; D 1×4 = 4."""
    result = borda(election(2, (4, "AB"), (2, "BC"), (3, "C"), (1, "DC")), seed=1)
    assert totals(result, 1) == {"A": 16, "B": 20, "C": 21, "D": 4}
    assert result.elected == ["C", "B"]


WIKIPEDIA_SCHULZE = [
    (5, "ACBED"),
    (5, "ADECB"),
    (8, "BEDAC"),
    (3, "CABED"),
    (7, "CAEBD"),
    (2, "CBADE"),
    (7, "DCEBA"),
    (8, "EBADC"),
]


def test_schulze_on_the_classic_45_voter_example():
    """The example of Schulze's paper (and Wikipedia): strongest paths give E > A > C > B > D;
    p[A, C] = 28, p[C, A] = 25 (A beats C); p[E, D] = 31."""
    e = election(5, *WIKIPEDIA_SCHULZE)
    result = schulze(e, seed=1)
    assert result.elected == ["E", "A", "C", "B", "D"]
    _, p = schulze_paths(e)
    assert (p[0, 2], p[2, 0], p[4, 3]) == (28, 25, 31)


@st.composite
def random_elections(draw, candidates=(2, 7), seats=None):
    n = draw(st.integers(*candidates))
    ballots = draw(
        st.lists(
            st.tuples(
                st.integers(1, 5),
                st.permutations(range(n)).flatmap(
                    lambda p: st.integers(1, len(p)).map(lambda k: tuple(p[:k]))
                ),
            ),
            min_size=1,
            max_size=25,
        )
    )
    seats = draw(st.integers(1, n)) if seats is None else seats
    return Election([f"C{i}" for i in range(n)], seats, ballots, "Random")


@settings(max_examples=150, deadline=None)
@given(random_elections(), st.sampled_from(["scottish-stv", "meek-stv"]))
def test_stv_elects_exactly_the_seats(e, method):
    result = count(e, method, seed=5)
    assert len(result.elected) == e.seats
    assert len(set(result.elected)) == e.seats


@settings(max_examples=150, deadline=None)
@given(random_elections())
def test_irv_elects_a_first_preference_majority(e):
    first = {}
    for weight, prefs in e.ballots:
        first[prefs[0]] = first.get(prefs[0], 0) + weight
    total = sum(first.values())
    result = irv(e, seed=5)
    for candidate, votes in first.items():
        if 2 * votes > total:
            assert result.elected == [e.candidates[candidate]]
            assert len(result.stages) == 1


@settings(max_examples=150, deadline=None)
@given(random_elections())
def test_a_condorcet_winner_wins_schulze(e):
    n = len(e.candidates)
    d = [[0] * n for _ in range(n)]
    for weight, prefs in e.ballots:
        rank = {c: i for i, c in enumerate(prefs)}
        for a in range(n):
            for b in range(n):
                if a != b and rank.get(a, n) < rank.get(b, n):
                    d[a][b] += weight
    winners = [a for a in range(n) if all(d[a][b] > d[b][a] for b in range(n) if b != a)]
    result = schulze(e, seed=5)
    if winners:
        assert result.elected[0] == e.candidates[winners[0]]


@settings(max_examples=100, deadline=None)
@given(random_elections(), st.sampled_from(METHODS), st.randoms(use_true_random=False))
def test_a_count_never_depends_on_the_order_of_the_ballots(e, method, rnd):
    shuffled = list(e.ballots)
    rnd.shuffle(shuffled)
    again = Election(e.candidates, e.seats, shuffled, e.title)
    assert count(e, method, seed=3).to_json() == count(again, method, seed=3).to_json()


@pytest.mark.parametrize("method", METHODS)
def test_every_method_counts_a_larger_random_election(method):
    rnd = random.Random(1)
    ballots = [(1, tuple(rnd.sample(range(8), rnd.randint(1, 8)))) for _ in range(2000)]
    result = count(Election([f"C{i}" for i in range(8)], 3, ballots, "Big"), method, seed=1)
    assert len(result.elected) == (1 if method == "irv" else 3)
    assert result.valid == 2000


@settings(max_examples=150, deadline=None)
@given(random_elections(), st.sampled_from(METHODS), st.data())
def test_withdrawn_candidates_are_never_elected_nor_counted(e, method, data):
    withdrawn = data.draw(st.sets(st.integers(0, len(e.candidates) - 1)))
    e = Election(e.candidates, e.seats, e.ballots, e.title, withdrawn)
    standing = [name for i, name in enumerate(e.candidates) if i not in withdrawn]
    result = count(e, method, seed=2)
    assert set(result.elected) <= set(standing)
    assert all(set(stage.totals) == set(standing) for stage in result.stages)
    if method.endswith("stv"):
        assert len(result.elected) == min(e.seats, len(standing))
