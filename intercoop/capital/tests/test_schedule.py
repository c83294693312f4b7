"""Loan schedules: the issue's worked example, each method, currencies' digits, grace
months and month ends, and (hypothesis) every schedule ending at exactly zero."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from intercoop.capital.cli import main
from intercoop.capital.schedule import METHODS, annuity_payment, due_date, schedule

START = dt.date(2027, 1, 31)


def rows(method="annuity", principal=1_000_000, rate="12", months=12, grace=0, start=START):
    return schedule(principal=principal, annual_rate=Decimal(rate), months=months,
                    method=method, start=start, grace_months=grace)  # fmt: skip


def test_the_worked_example_eleven_payments_of_888_49_and_one_of_888_47():
    found = rows()
    assert [r.payment for r in found] == [88849] * 11 + [88847]
    assert [r.due_on.isoformat() for r in found[:3]] == ["2027-02-28", "2027-03-31", "2027-04-30"]
    assert found[-1].due_on == dt.date(2028, 1, 31) and found[-1].balance == 0
    assert (found[0].interest, found[0].principal, found[0].balance) == (10000, 78849, 921151)


def test_due_dates_keep_the_day_or_take_the_months_last():
    assert due_date(dt.date(2027, 1, 31), 1) == dt.date(2027, 2, 28)
    assert due_date(dt.date(2028, 1, 31), 1) == dt.date(2028, 2, 29)
    assert due_date(dt.date(2027, 1, 31), 3) == dt.date(2027, 4, 30)
    assert due_date(dt.date(2027, 11, 15), 2) == dt.date(2028, 1, 15)


def test_equal_principal_flat_and_interest_only():
    equal = rows("equal-principal", principal=120_000, months=12)
    assert [r.principal for r in equal] == [10_000] * 12
    assert [r.interest for r in equal[:3]] == [1200, 1100, 1000]
    flat = rows("flat", principal=120_000, months=12)
    assert {r.interest for r in flat} == {1200} and sum(r.principal for r in flat) == 120_000
    bullet = rows("interest-only", principal=120_000, months=6)
    assert [r.principal for r in bullet] == [0, 0, 0, 0, 0, 120_000]
    assert [r.payment for r in bullet] == [1200] * 5 + [121_200]


def test_grace_months_pay_interest_only_then_the_annuity_over_the_rest():
    found = rows(grace=3, months=15)
    assert [r.principal for r in found[:3]] == [0, 0, 0]
    assert [r.payment for r in found[:3]] == [10000] * 3
    assert [r.payment for r in found[3:-1]] == [
        annuity_payment(1_000_000, Decimal("0.01"), 12)
    ] * 11
    assert found[-1].balance == 0


def test_zero_rate_annuity_is_the_principal_over_the_months():
    found = rows(rate="0", principal=1000, months=3)
    assert [(r.payment, r.interest) for r in found] == [(333, 0), (333, 0), (334, 0)]


def test_currency_digits_in_the_cli(tmp_path, capsys):
    out = tmp_path / "yen.csv"
    assert main(["--principal", "100000", "--annual-rate", "6", "--months", "2", "--method",
                 "equal-principal", "--start", "2027-01-15", "--currency", "JPY",
                 "--output", str(out)]) == 0  # fmt: skip
    assert out.read_text() == (
        "number,due_on,payment,interest,principal,balance\n"
        "1,2027-02-15,50500,500,50000,50000\n"
        "2,2027-03-15,50250,250,50000,0\n"
    )
    assert main(["--principal", "1000.000", "--annual-rate", "12", "--months", "1", "--method",
                 "annuity", "--start", "2027-01-15", "--currency", "KWD"]) == 0  # fmt: skip
    assert capsys.readouterr().out.splitlines()[1] == "1,2027-02-15,1010.000,10.000,1000.000,0.000"


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (["--principal", "10.001"], "error: --principal: 10.001 has more than 2 decimals for USD"),
        (["--principal", "-5"], "error: --principal: must be more than zero"),
        (["--principal", "1e30"], "error: --principal: 1E+30 is too large"),
        (["--months", "0"], "error: --months: must be from 1 to 1200"),
        (["--months", "1201"], "error: --months: must be from 1 to 1200"),
        (["--grace-months", "12"], "error: --grace-months: must be from 0 to one less than "
                                   "--months"),
        (["--annual-rate", "0.0000000000000000000000001"],
         "error: --annual-rate: 1E-25 has too many decimals: a rate has at most 3 decimals"),
        (["--annual-rate", "4.5001"], "error: --annual-rate: 4.5001 has too many decimals: a "
                                      "rate has at most 3 decimals"),
        (["--annual-rate", "101"], "error: --annual-rate: 101 is not from 0 to 100 (per cent "
                                   "a year)"),
        (["--start", "9999-06-01"], "error: --start/--months: the last instalment would fall "
                                    "after the year 9999"),
        (["--output", "/nonexistent/x.csv"], "error: --output: /nonexistent/x.csv: No such "
                                             "file or directory"),
    ],
)  # fmt: skip
def test_bad_input_is_an_error_naming_its_option_not_a_traceback(args, error, capsys):
    base = {"--principal": "100", "--annual-rate": "5", "--months": "12", "--method": "annuity",
            "--start": "2027-01-01", "--currency": "USD"}  # fmt: skip
    base |= dict(zip(args[::2], args[1::2], strict=True))
    assert main([x for pair in base.items() for x in pair]) == 2
    assert capsys.readouterr().err == error + "\n"


def test_a_rate_with_trailing_zeros_or_an_exponent_is_fine(capsys):
    base = ["--principal", "100", "--months", "12", "--method", "annuity", "--start",
            "2027-01-01", "--currency", "USD"]  # fmt: skip
    assert main([*base, "--annual-rate", "12.000000"]) == 0
    twelve = capsys.readouterr().out
    assert main([*base, "--annual-rate", "1.2E+1"]) == 0
    assert capsys.readouterr().out == twelve


def test_the_engine_takes_rates_of_at_most_3_decimals_and_tiny_rates_do_not_divide_by_zero():
    with pytest.raises(ValueError, match="at most 3 decimals"):
        rows(rate="0.0001")
    assert rows(rate="0.001", principal=1200, months=12)[0].payment == 100
    assert rows(rate="12.000")[0].payment == 888_49
    # the annuity's arithmetic keeps 50 digits: 1 + a tiny rate is not 1
    assert annuity_payment(1200, Decimal("1E-30"), 12) == 100


@given(
    principal=st.integers(1, 10**12),
    rate=st.decimals(0, 100, places=2),
    months=st.integers(1, 360),
    method=st.sampled_from(METHODS),
    grace=st.integers(0, 24),
)
def test_every_schedule_ends_at_zero_and_never_overpays(principal, rate, months, method, grace):
    grace = min(grace, months - 1)
    found = rows(method, principal=principal, rate=rate, months=months, grace=grace)
    assert len(found) == months and found[-1].balance == 0
    assert sum(r.principal for r in found) == principal
    balance = principal
    for r in found:
        assert 0 <= r.principal <= balance and r.payment == r.interest + r.principal
        balance -= r.principal
        assert r.balance == balance
