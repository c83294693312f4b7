"""The set-off (pure) and `intercoop clear` on files in the `mtcs` format."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from intercoop.clearing.setoff import net_positions, setoff, settle_with_credit
from intercoop.cli import main

DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "obligations"


def run(tmp_path, text):
    source, target = tmp_path / "obligations.csv", tmp_path / "setoffs.csv"
    source.write_text(text)
    try:
        main(["clear", "--input", str(source), "--output", str(target)])
    except SystemExit as exit:
        return exit.code, None
    return 0, target.read_text().splitlines()


MICRO = "id,debtor,creditor,amount\n1,10,20,100\n2,20,30,100\n3,30,10,200\n4,40,30,100\n"


def test_micro_gives_what_mtcs_gives(tmp_path, capsys):
    text = (DATA / "micro.csv").read_text() if (DATA / "micro.csv").exists() else MICRO
    assert text.replace("\r", "") == MICRO  # the shared file is the one `mtcs` ships
    status, lines = run(tmp_path, text)
    assert status == 0
    assert lines == [
        "debtor,creditor,amount,setoff,remainder",
        "10,20,100,100,0",
        "20,30,100,100,0",
        "30,10,200,100,100",
        "40,30,100,0,100",
    ]
    assert "total debt 500, cleared 300 (60.00%)" in capsys.readouterr().err


def test_names_need_not_be_numbers_and_id_is_optional(tmp_path):
    status, lines = run(tmp_path, 'debtor,creditor,amount\nbakery,"mill, the",70\n'
                                  '"mill, the",farm,50\nfarm,bakery,60\nbakery,farm,5\n')  # fmt: skip
    assert status == 0
    assert lines[1:] == ['bakery,"mill, the",70,50,20', '"mill, the",farm,50,50,0',
                         "farm,bakery,60,55,5", "bakery,farm,5,5,0"]  # fmt: skip


def test_bad_rows_are_named_and_nothing_is_written(tmp_path, capsys):
    status, lines = run(tmp_path, "debtor,creditor,amount\na,b,10\nb,,5\nc,d,1.5\ne,e,3\nf,g,-2\n")
    assert status == 1 and lines is None
    assert not (tmp_path / "setoffs.csv").exists()
    err = capsys.readouterr().err
    for expected in ("line 3, creditor: is required", "line 4, amount: '1.5' is not a whole",
                     "line 5, creditor: is the debtor itself", "line 6, amount: is negative"):  # fmt: skip
        assert expected in err


def test_a_missing_column_is_named(tmp_path, capsys):
    status, _lines = run(tmp_path, "debtor,amount\na,1\n")
    assert status == 1 and "creditor" in capsys.readouterr().err


def test_clear_never_starts_django(tmp_path):
    source = tmp_path / "o.csv"
    source.write_text(MICRO)
    code = (
        "import sys; from intercoop.cli import main; "
        f"main(['clear', '--input', {str(source)!r}, '--output', '-']); "
        "assert 'django' not in sys.modules, 'django was imported'"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[3] == "30,10,200,100,100"


def _lp_optimum(debtor, creditor, amount, nodes):
    """The largest circulation by linear programming (HiGHS), independently of the flow
    solver: maximise Σx with every node balanced and 0 ≤ x ≤ amount."""
    m = len(amount)
    equalities = np.zeros((nodes, m))
    for j, (d, c) in enumerate(zip(debtor, creditor, strict=True)):
        equalities[d, j] -= 1
        equalities[c, j] += 1
    result = linprog(-np.ones(m), A_eq=equalities, b_eq=np.zeros(nodes),
                     bounds=list(zip([0] * m, amount, strict=True)), method="highs")  # fmt: skip
    return -result.fun


networks = st.integers(2, 7).flatmap(
    lambda n: st.lists(
        st.tuples(st.integers(0, n - 1), st.integers(0, n - 1), st.integers(0, 1_000)),
        min_size=1,
        max_size=18,
    ).map(lambda rows: (n, [r for r in rows if r[0] != r[1]]))
)


@settings(max_examples=200, deadline=None)
@given(networks)
def test_setoff_keeps_positions_and_is_optimal(network):
    nodes, rows = network
    if not rows:
        return
    debtor, creditor, amount = (np.array(col, dtype=np.int64) for col in zip(*rows, strict=True))
    cleared = setoff(debtor, creditor, amount, nodes)
    assert ((cleared >= 0) & (cleared <= amount)).all()
    remainder = amount - cleared
    assert (net_positions(debtor, creditor, remainder, nodes)
            == net_positions(debtor, creditor, amount, nodes)).all()  # fmt: skip
    assert cleared.sum() == pytest.approx(_lp_optimum(debtor, creditor, amount, nodes), abs=1e-6)


def test_only_cycles_clear():
    # a chain never clears; a cycle hanging off it does, and the chain stays whole
    debtor, creditor = np.array([0, 1, 2, 3, 4]), np.array([1, 2, 3, 4, 2])
    cleared = setoff(debtor, creditor, np.array([50, 50, 40, 30, 20]))
    assert cleared.tolist() == [0, 0, 20, 20, 20]


def test_mutual_credit_pays_what_remains_within_limits():
    # after the set-off, A owes B 100 and B owes C 80; A may go 60 below zero
    debtor, creditor, remainder = np.array([0, 1]), np.array([1, 2]), np.array([100, 80])
    done = settle_with_credit(debtor, creditor, remainder, balance=np.array([0, 0, 0]),
                              limit=np.array([60, 0, 0]))  # fmt: skip
    assert done.paid.tolist() == [60, 60]  # B passes on what it received
    assert done.balances.tolist() == [-60, 0, 60]
    assert done.balances.sum() == 0


def run_bytes(tmp_path, data):
    source, target = tmp_path / "obligations.csv", tmp_path / "setoffs.csv"
    source.write_bytes(data)
    try:
        main(["clear", "--input", str(source), "--output", str(target)])
    except SystemExit as exit:
        return exit.code, None
    return 0, target.read_text().splitlines()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"debtor,creditor,amount\na,b,1000000000000001\nb,a,5\n",
         "line 2, amount: 1000000000000001 is more than 10^15"),
        (b"debtor,creditor,amount\n1,2,9223372036854775807\n2,1,5\n",
         "line 2, amount: 9223372036854775807 is more than 10^15"),
        (b"debtor,creditor,amount\n1,2,99999999999999999999999\n",
         "line 2, amount: 99999999999999999999999 is more than 10^15"),
        (b"debtor,creditor,amount\n1,2,5\n\n2,1,1e30\n",
         "line 4, amount: '1e30' is not a whole number"),
        (b"debtor,creditor,amount\n1,2,-99999999999999999999999\n", "line 2, amount: is negative"),
        ("debtor,creditor,amount\nbäckerei,mühle,5\n".encode("latin-1"),
         "line 2, file: the file is not UTF-8 text (byte 0xe4); save it as UTF-8"),
        ("debtor,creditor,amount\na,b,5\n".encode("utf-16"),
         "line 1, file: the file is UTF-16; save it as UTF-8"),
        (b"\x7fELF\x02\x01\x01\x00\x00\x00\x00", "line 1, file: the file is not text (binary data)"),
        (b"debtor,creditor,amount\na,b,5\nc," + b"x" * 1_000_000 + b",5\n",
         "line 3, file: unreadable CSV: field larger than field limit (100000)"),
        (b'debtor,creditor,amount,"' + b"y" * 1_000_000 + b'"\na,b,5\n',
         "line 1, header: unreadable CSV: field larger than field limit (100000)"),
    ],
)  # fmt: skip
def test_malformed_files_are_named_without_a_traceback(tmp_path, capsys, data, expected):
    status, lines = run_bytes(tmp_path, data)
    assert status == 1 and lines is None
    err = capsys.readouterr().err
    assert err.splitlines()[0] == expected
    assert "Traceback" not in err
    assert not (tmp_path / "setoffs.csv").exists()


def test_the_largest_amounts_clear_and_the_summary_does_not_wrap(tmp_path, capsys):
    rows = "".join(f"{n},{(n + 1) % 3},{10**15}\n" for n in range(3)) * 3
    status, lines = run(tmp_path, "debtor,creditor,amount\n" + rows)
    assert status == 0 and lines[1] == f"0,1,{10**15},{10**15},0"
    assert f"total debt {9 * 10**15}, cleared {9 * 10**15} (100.00%)" in capsys.readouterr().err


def test_a_total_too_large_to_clear_exactly_is_refused(tmp_path, capsys):
    rows = f"1,2,{10**15}\n2,1,{10**15}\n" * 2_400
    status, _lines = run(tmp_path, "debtor,creditor,amount\n" + rows)
    err = capsys.readouterr().err
    assert status == 1 and "more than 4611686018427387904 minor units; split the file" in err


def test_the_cli_bounds_are_the_applications():
    from intercoop.clearing import cli
    from intercoop.core.bounds import MAX_MONEY
    from intercoop.core.csvfiles import MAX_CELL

    assert (cli.MAX_AMOUNT, cli.MAX_CELL) == (MAX_MONEY, MAX_CELL)


def test_a_malformed_file_ends_the_process_with_a_message(tmp_path):
    source = tmp_path / "o.csv"
    source.write_bytes("debtor,creditor,amount\né,b,1\n".encode("latin-1"))
    done = subprocess.run([sys.executable, "-m", "intercoop.cli", "clear", "--input", str(source),
                           "--output", "-"], capture_output=True, text=True, check=False)  # fmt: skip
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "line 2, file: the file is not UTF-8 text (byte 0xe9)" in done.stderr
