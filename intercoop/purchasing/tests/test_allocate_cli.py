"""`intercoop allocate` on files, and the array engine it uses against the reference."""

import subprocess
import sys
from unittest import mock

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from intercoop.cli import main
from intercoop.purchasing import vectorized
from intercoop.purchasing.allocation import Article, Row, allocate
from intercoop.purchasing.vectorized import Book, allocate_book

HEADER = "member,article,case_size,quantity,tolerance,placed_at"


def run(tmp_path, text, *args):
    source, target = tmp_path / "orders.csv", tmp_path / "result.csv"
    source.write_text(text)
    try:
        main(["allocate", "--input", str(source), "--output", str(target), *args])
    except SystemExit as exit:
        return exit.code, None
    return 0, target.read_text().splitlines()


def test_the_worked_example_on_a_file(tmp_path, capsys):
    status, lines = run(
        tmp_path,
        f"""{HEADER}
A,bread,5,2,1,2026-03-01T10:00
B,bread,5,2,0,2026-03-01T11:00
A,bread,5,2,0,2026-03-01T12:00
""",
    )
    assert status == 0
    assert lines == ["member,article,quantity,tolerance,total", "A,bread,3,0,3", "B,bread,2,0,2"]
    assert "1 cases ordered" in capsys.readouterr().err


def test_strategies_minimum_and_by_weight(tmp_path):
    text = f"""{HEADER},minimum,by_weight
A,oil,6,1,3,t1,,
B,oil,6,1,1,t2,,
C,oil,6,1,2,t3,,
A,flour,1,3,7,t1,10,
B,cheese,5,1.25,0,t2,,yes
"""
    _status, fifo = run(tmp_path, text)
    assert fifo[1:] == ["A,oil,1,3,4", "B,oil,1,0,1", "C,oil,1,0,1", "A,flour,3,7,10",
                        "B,cheese,1.25,0,1.25"]  # fmt: skip
    _status, proportional = run(tmp_path, text, "--strategy", "proportional")
    assert proportional[1:4] == ["A,oil,1,2,3", "B,oil,1,0,1", "C,oil,1,1,2"]


def test_bad_rows_are_named_and_nothing_is_written(tmp_path, capsys):
    status, _lines = run(
        tmp_path,
        f"""{HEADER}
Z,bread,5,1,0,t0
A,bread,5,two,0,t1
,bread,5,1,0,t2
B,bread,0,1,0,t3
C,bread,6,1,0,t4
""",
    )
    assert status == 1
    err = capsys.readouterr().err
    assert "line 3, quantity: 'two' is not a whole number ≥ 0" in err
    assert "line 4, member: is required" in err
    assert "line 5, case_size: is at least 1" in err
    assert "line 6, case_size: 'bread' has another case size" in err
    assert not (tmp_path / "result.csv").exists()


def test_a_missing_column_is_named(tmp_path, capsys):
    status, _ = run(tmp_path, "member,article,quantity\nA,b,1\n")
    assert status == 1 and "line 1, case_size: column is missing" in capsys.readouterr().err


def test_it_runs_without_starting_django(tmp_path):
    (tmp_path / "o.csv").write_text(f"{HEADER}\nA,b,1,1,0,t\n")
    code = (
        "import sys; from intercoop.cli import main; "
        f"main(['allocate', '--input', {str(tmp_path / 'o.csv')!r}, '--output', '-']); "
        "assert 'django' not in sys.modules, 'Django was imported'"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[1] == "A,b,1,0,1"


books = st.lists(
    st.tuples(st.integers(0, 3), st.sampled_from("ABCDE"), st.integers(0, 9), st.integers(0, 5)),
    min_size=1,
    max_size=25,
)


@settings(max_examples=300, deadline=None)
@given(raw=books, sizes=st.lists(st.integers(1, 8), min_size=4, max_size=4),
       minimums=st.lists(st.sampled_from([0, 0, 3, 10]), min_size=4, max_size=4),
       strategy=st.sampled_from(["fifo", "no-auto", "proportional"]),
       chunk=st.sampled_from([vectorized.CHUNK, 1, 2, 5]))  # fmt: skip
def test_the_array_engine_agrees_with_the_reference(raw, sizes, minimums, strategy, chunk):
    book = Book.from_rows(
        article=np.array([a for a, *_ in raw], dtype=np.int64),
        member=np.array(["ABCDE".index(m) for _, m, *_ in raw], dtype=np.int64),
        quantity=np.array([q for *_, q, _ in raw], dtype=np.float64),
        tolerance=np.array([t for *_, t in raw], dtype=np.float64),
        time_rank=np.arange(len(raw), dtype=np.int64),
        case_size=np.array(sizes, dtype=np.float64),
        minimum=np.array(minimums, dtype=np.float64),
        by_weight=np.zeros(4, dtype=bool),
    )
    with mock.patch.object(vectorized, "CHUNK", chunk):  # articles a few pairs at a time
        result = allocate_book(book, strategy=strategy)
    got = {
        (int(a), "ABCDE"[m]): (q, t)
        for a, m, q, t in zip(
            result.article, result.member, result.quantity, result.tolerance, strict=True
        )
    }
    expected = {}
    for article in range(4):
        rows = [Row(m, q, t, f"{i:03d}", i) for i, (a, m, q, t) in enumerate(raw) if a == article]
        if not rows:
            continue
        reference = allocate(Article("x", case_size=sizes[article], minimum=minimums[article]),
                             rows, strategy=strategy)  # fmt: skip
        assert result.ordered[article] == reference.ordered
        for member, share in reference.shares.items():
            expected[(article, member)] = (share.quantity, share.tolerance)
    assert got == expected
