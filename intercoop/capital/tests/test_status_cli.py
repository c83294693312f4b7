"""`intercoop loan-status`: the issue's 888.49 schedule end to end, currencies with 0 and
3 decimals, the text format, every kind of bad input named by option, file, line and
column, and that it never starts Django."""

import json
import subprocess
import sys

import pytest

from intercoop.capital import cli as schedule_cli
from intercoop.capital.status_cli import main

EXAMPLE = ["--principal", "10000.00", "--annual-rate", "12", "--months", "12",
           "--method", "annuity", "--start", "2027-01-31", "--currency", "USD"]  # fmt: skip
PAYMENTS = "paid_on,amount\n2027-02-28,888.49\n2027-03-31,888.49\n2027-04-30,500.00\n"


def files(tmp_path, payments=PAYMENTS, schedule_args=EXAMPLE):
    schedule = tmp_path / "schedule.csv"
    assert schedule_cli.main([*schedule_args, "--output", str(schedule)]) == 0
    paid = tmp_path / "payments.csv"
    paid.write_text(payments)
    return schedule, paid


def run(capsys, schedule, payments, as_of, currency="USD", *extra):
    status = main(["--schedule", str(schedule), "--payments", str(payments), "--as-of", as_of,
                   "--currency", currency, *extra])  # fmt: skip
    out, err = capsys.readouterr()
    return status, out, err


def test_the_888_49_example_end_to_end(tmp_path, capsys):
    # Two instalments paid, 500.00 on the third (due 30 April): its interest 84.15 and
    # 415.85 of its principal 804.34; the fourth (due 31 May: 76.11 + 812.38) unpaid.
    schedule, payments = files(tmp_path, PAYMENTS + "2027-06-20,5000.00\n")  # after as-of
    status, out, err = run(capsys, schedule, payments, "2027-06-15")
    assert (status, err) == (0, "")
    found = json.loads(out)
    assert list(found)[:6] == ["days_past_due", "bucket", "par30", "principal_outstanding",
                               "overdue_interest", "overdue_principal"]  # fmt: skip
    assert found == {
        "days_past_due": 46,  # since 30 April
        "bucket": "31-60",
        "par30": True,
        "principal_outstanding": "7999.29",  # 10,000 − 788.49 − 796.37 − 415.85
        "overdue_interest": "76.11",
        "overdue_principal": "1200.87",  # 388.49 + 812.38
        "par90": False,
        "next_due": "2027-06-30",
        "next_due_amount": "888.49",
        "interest_paid": "276.27",  # 100.00 + 92.12 + 84.15
        "principal_paid": "2000.71",
        "unapplied": "0.00",
        "as_of": "2027-06-15",
        "currency": "USD",
    }
    assert out.count("\n") == 1  # one JSON object on one line


def test_payments_after_the_as_of_date_are_ignored(tmp_path, capsys):
    schedule, payments = files(tmp_path, "paid_on,amount\n2027-03-01,888.49\n")
    early = json.loads(run(capsys, schedule, payments, "2027-02-28")[1])
    assert (early["days_past_due"], early["principal_paid"]) == (0, "0.00")  # due that day
    late = json.loads(run(capsys, schedule, payments, "2027-03-01")[1])
    assert (late["days_past_due"], late["principal_paid"]) == (0, "788.49")
    none = json.loads(run(capsys, schedule, payments, "2027-04-01")[1])
    assert (none["days_past_due"], none["bucket"], none["par30"]) == (1, "1-30", False)


def test_an_overpayment_is_shown_as_unapplied(tmp_path, capsys):
    schedule, payments = files(tmp_path, "paid_on,amount\n2027-02-01,11000.00\n")
    found = json.loads(run(capsys, schedule, payments, "2028-06-01")[1])
    assert (found["principal_outstanding"], found["unapplied"]) == ("0.00", "338.14")
    assert found["interest_paid"] == "661.86" and found["next_due"] is None


def test_yen_and_kuwaiti_dinar_amounts(tmp_path, capsys):
    yen = ["--principal", "100000", "--annual-rate", "6", "--months", "2", "--method",
           "equal-principal", "--start", "2027-01-15", "--currency", "JPY"]  # fmt: skip
    schedule, payments = files(tmp_path, "paid_on,amount\n2027-02-15,30000\n", yen)
    found = json.loads(run(capsys, schedule, payments, "2027-03-01", "JPY")[1])
    assert (found["days_past_due"], found["bucket"]) == (14, "1-30")
    assert (found["principal_outstanding"], found["overdue_interest"],
            found["overdue_principal"]) == ("70500", "0", "20500")  # fmt: skip
    payments.write_text("paid_on,amount\n2027-02-15,100.5\n")
    status, _out, err = run(capsys, schedule, payments, "2027-03-01", "JPY")
    assert status == 2
    assert err == (f"error: --payments {payments}, line 2, column amount: "
                   "100.5 has more than 0 decimals for JPY\n")  # fmt: skip

    dinar = ["--principal", "1000.000", "--annual-rate", "12", "--months", "1", "--method",
             "annuity", "--start", "2027-01-15", "--currency", "KWD"]  # fmt: skip
    schedule, payments = files(tmp_path, "paid_on,amount\n2027-02-15,1.234\n", dinar)
    found = json.loads(run(capsys, schedule, payments, "2027-03-01", "KWD")[1])
    assert (found["principal_outstanding"], found["overdue_interest"],
            found["overdue_principal"]) == ("1000.000", "8.766", "1000.000")  # fmt: skip
    assert (found["interest_paid"], found["days_past_due"]) == ("1.234", 14)


def test_text_format(tmp_path, capsys):
    schedule, payments = files(tmp_path)
    status, out, _err = run(capsys, schedule, payments, "2027-06-15", "USD", "--format", "text")
    assert status == 0
    lines = out.splitlines()
    assert lines[1:4] == ["days past due          46", "bucket                 31-60",
                          "PAR30                  yes"]  # fmt: skip
    assert "principal outstanding  7999.29 USD" in lines
    assert lines[-1] == "next due               2027-06-30, 888.49 USD"


def bad(tmp_path, capsys, payments=PAYMENTS, schedule=None, as_of="2027-06-15"):
    schedule_file, payments_file = files(tmp_path, payments)
    if schedule is not None:
        schedule_file.write_text(schedule(schedule_file.read_text()))
    status, out, err = run(capsys, schedule_file, payments_file, as_of)
    assert (status, out) == (2, "")
    assert "Traceback" not in err
    return err, schedule_file, payments_file


@pytest.mark.parametrize(
    ("payments", "message"),
    [
        ("paid_on,value\n2027-02-28,888.49\n",
         "line 1: column amount is missing (expected the columns paid_on,amount)"),
        ("paid_on,amount\n2027-02-30,888.49\n",
         "line 2, column paid_on: '2027-02-30' is not a date (YYYY-MM-DD)"),
        ("paid_on,amount\n2027-02-28,888.49\n2027-03-31,abc\n",
         "line 3, column amount: 'abc' is not a number"),
        ("paid_on,amount\n2027-02-28,888.499\n",
         "line 2, column amount: 888.499 has more than 2 decimals for USD"),
        ("paid_on,amount\n2027-02-28,-5\n", "line 2, column amount: '-5' is negative"),
        ("paid_on,amount\n2027-02-28,0.00\n",
         "line 2, column amount: a payment must be more than zero"),
        ("paid_on,amount\n2027-02-28,\n", "line 2, column amount: is empty"),
        ("paid_on,amount\n2027-02-28,1e30\n", "line 2, column amount: 1E+30 is too large"),
    ],
)  # fmt: skip
def test_bad_payments_name_the_option_file_line_and_column(tmp_path, capsys, payments, message):
    err, _schedule, payments_file = bad(tmp_path, capsys, payments)
    assert err == f"error: --payments {payments_file}, {message}\n"


def test_every_bad_cell_is_reported(tmp_path, capsys):
    err, _s, _p = bad(tmp_path, capsys, "paid_on,amount\nsoon,1\n2027-01-01,x\n")
    assert err.splitlines() == [
        f"error: --payments {tmp_path / 'payments.csv'}, line 2, column paid_on: "
        "'soon' is not a date (YYYY-MM-DD)",
        f"error: --payments {tmp_path / 'payments.csv'}, line 3, column amount: "
        "'x' is not a number",
    ]


def swap_rows_2_and_3(text):
    lines = text.splitlines(keepends=True)
    lines[2], lines[3] = lines[3], lines[2]
    return "".join(lines)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda text: text.splitlines()[0] + "\n", ": the schedule has no instalments"),
        (lambda text: "", ", line 1: columns number, due_on, payment, interest, principal, "
                          "balance are missing (expected the columns "
                          "number,due_on,payment,interest,principal,balance)"),
        (swap_rows_2_and_3, ", line 3, column number: 3 is out of order (expected 2)"),
        (lambda text: text.replace("2027-03-31", "2027-02-01"),
         ", line 3, column due_on: 2027-02-01 is before the row above's 2027-02-28"),
        (lambda text: text.replace("1,2027-02-28,888.49", "1,2027-02-28,888.50"),
         ", line 2, column payment: is not interest + principal"),
        (lambda text: text.replace("9211.51", "9211.50"),
         ", line 3, column balance: is not the balance above less the principal"),
        (lambda text: text.replace("2027-04-30", "30/04/2027"),
         ", line 4, column due_on: '30/04/2027' is not a date (YYYY-MM-DD)"),
        (lambda text: text.replace("\n2,", "\ntwo,"),
         ", line 3, column number: 'two' is not a whole number"),
        (lambda text: text.replace("\n1,2027-02-28,888.49,100.00", "\n1,2027-02-28,888.49,-100.00"),
         ", line 2, column interest: '-100.00' is negative"),
    ],
)  # fmt: skip
def test_bad_schedules_name_the_option_file_line_and_column(tmp_path, capsys, edit, message):
    err, schedule_file, _payments = bad(tmp_path, capsys, schedule=edit)
    assert err.splitlines()[0] == f"error: --schedule {schedule_file}{message}"


def test_missing_and_unreadable_files(tmp_path, capsys):
    schedule, payments = files(tmp_path)
    missing = tmp_path / "nope.csv"
    status, _out, err = run(capsys, schedule, missing, "2027-06-15")
    assert (status, err) == (2, f"error: --payments {missing}: No such file or directory\n")
    payments.write_bytes("paid_on,amount\n2027-02-28,8\xe9\n".encode("latin-1"))
    status, _out, err = run(capsys, schedule, payments, "2027-06-15")
    assert (status, err) == (2, f"error: --payments {payments}, line 2: not UTF-8 text; "
                                "save it as UTF-8\n")  # fmt: skip


def test_bad_options_are_argparse_errors(tmp_path, capsys):
    schedule, payments = files(tmp_path)
    with pytest.raises(SystemExit) as exit_:
        run(capsys, schedule, payments, "2027-13-01")
    assert exit_.value.code == 2
    assert "argument --as-of: '2027-13-01' is not a date (YYYY-MM-DD)" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        run(capsys, schedule, payments, "2027-06-15", "XYZ")
    assert "argument --currency: 'XYZ' is not an ISO 4217 currency code" in capsys.readouterr().err


def test_loan_status_never_starts_django(tmp_path):
    schedule, payments = files(tmp_path)
    code = (
        "import sys; from intercoop.cli import main; "
        f"main(['loan-status', '--schedule', {str(schedule)!r}, '--payments', "
        f"{str(payments)!r}, '--as-of', '2027-06-15', '--currency', 'usd']); "
        "assert 'django' not in sys.modules, 'django was imported'"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["days_past_due"] == 46
    code = "import intercoop.capital.status_cli, sys; assert 'django' not in sys.modules"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
