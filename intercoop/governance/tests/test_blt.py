"""BLT files: parsing, withdrawn candidates, errors that name the line, round trip."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from intercoop.governance.blt import MAX_CANDIDATES, BltError, Election, parse, write

SAMPLE = """4 2
-2
3 1 3 4 0

1 2 0
2 4 0
0
"Ana Pérez"
"Ben"
"Cai"
"Dee"
"Board 2026"
"""


def test_anything_after_the_title_is_ignored():
    text = '1 1\n1 1 0\n0\n"A"\n"T"\n"Source: ERS"\nFirst Prefs\n'
    assert parse(text).title == "T"


def test_parse_reads_every_part():
    election = parse(SAMPLE)
    assert election.candidates == ["Ana Pérez", "Ben", "Cai", "Dee"]
    assert election.seats == 2
    assert election.withdrawn == {1}
    assert election.ballots == [(3, (0, 2, 3)), (1, (1,)), (2, (3,))]
    assert election.title == "Board 2026"


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("", 1, "empty"),
        ("4\n", 1, "candidates seats"),
        ("2 3\n0\n", 1, "seats must be"),
        ("2 1\n-3\n0\n", 2, "withdrawn candidate -3"),
        ("2 1\n1 1 2\n0\n", 2, "end with 0"),
        ("2 1\n0 1 0\n0\n", 2, "weight 0"),
        ("2 1\n1.5 1 0\n0\n", 2, "not a whole number"),
        ("2 1\n1 1 0\n1 3 0\n0\n", 3, "candidate 3 is not between 1 and 2"),
        ("2 1\n1 1 0\n\n1 2 2 0\n0\n", 4, "appears twice"),
        ("2 1\n1 1 0\n", 3, "ends before"),
        ('2 1\n1 1 0\n0\n"A"\n', 5, "expected 2 candidate names"),
        ('2 1\n1 1 0\n0\n"A"\nB\n"T"\n', 5, "double quotes"),
        ('2 1\n1 1 0\n0\n"A"\n"B"\n', 6, "title"),
        (f"{MAX_CANDIDATES + 1} 1\n0\n", 1, "candidates must be"),
    ],
)
def test_malformed_files_name_the_line(text, line, reason):
    with pytest.raises(BltError) as raised:
        parse(text)
    assert raised.value.line == line
    assert reason in raised.value.reason
    assert str(raised.value).startswith(f"line {line}: ")


names = (
    st.text(
        st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters='"'),
        min_size=1,
        max_size=12,
    )
    .map(str.strip)
    .filter(bool)
)


@st.composite
def elections(draw):
    candidates = draw(st.lists(names, min_size=1, max_size=8))
    n = len(candidates)
    ballots = draw(
        st.lists(
            st.tuples(
                st.integers(1, 1000),
                st.permutations(range(n)).flatmap(
                    lambda p: st.integers(0, n).map(lambda k: tuple(p[:k]))
                ),
            ),
            max_size=20,
        )
    )
    withdrawn = draw(st.sets(st.integers(0, n - 1), max_size=n - 1))
    return Election(candidates, draw(st.integers(1, n)), ballots, draw(names), withdrawn)


@settings(max_examples=150, deadline=None)
@given(elections())
def test_write_then_parse_is_the_same_election(election):
    assert parse(write(election)) == election
