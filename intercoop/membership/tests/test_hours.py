"""The probation's hours rule: "600 hours with 300 in the last 6 months" (pure)."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from intercoop.core.months import add_months
from intercoop.membership.hours import HoursCheck, hours_check, window_start

D = Decimal
AUG_31 = dt.date(2026, 8, 31)


def test_600_hours_with_300_in_the_last_6_months():
    entries = [(dt.date(2026, 1, 15), D("300.00")), (dt.date(2026, 6, 1), D("300.00"))]
    check = hours_check(entries, as_of=AUG_31, total=D(600), recent=D(300), recent_months=6)
    assert check == HoursCheck(total_logged=D("600.00"), recent_logged=D("300.00"), met=True)


def test_exactly_600_00_meets_the_total_and_599_99_does_not():
    exactly = [(dt.date(2026, 3, 1), D("599.99")), (dt.date(2026, 3, 2), D("0.01"))]
    assert hours_check(exactly, as_of=AUG_31, total=D("600.00")).met
    short = [(dt.date(2026, 3, 1), D("599.99"))]
    check = hours_check(short, as_of=AUG_31, total=D("600.00"))
    assert (check.total_logged, check.met) == (D("599.99"), False)


def test_the_window_runs_from_the_day_after_six_months_before_to_as_of_itself():
    # on 15 August the last 6 months are 16 February to 15 August
    as_of = dt.date(2026, 8, 15)
    assert window_start(as_of, 6) == dt.date(2026, 2, 15)
    entries = [
        (dt.date(2026, 2, 15), D(100)),  # the day before the window: out
        (dt.date(2026, 2, 16), D(10)),  # its first day: in
        (dt.date(2026, 8, 15), D(1)),  # as_of itself: in
        (dt.date(2026, 8, 16), D(1000)),  # after as_of: not counted at all
    ]
    check = hours_check(entries, as_of=as_of, total=D(111), recent=D(11), recent_months=6)
    assert check == HoursCheck(total_logged=D(111), recent_logged=D(11), met=True)


def test_month_ends_six_months_before_31_august_is_the_end_of_february():
    # 2026 is not a leap year: 31 August − 6 months = 28 February (out), 1 March in
    entries = [(dt.date(2026, 2, 28), D(50)), (dt.date(2026, 3, 1), D(7))]
    check = hours_check(entries, as_of=AUG_31, total=None, recent=D(7), recent_months=6)
    assert (check.total_logged, check.recent_logged, check.met) == (D(57), D(7), True)


def test_leap_years_29_february_is_the_day_before_the_window():
    # 2028 is a leap year: 31 August − 6 months = 29 February 2028 (out)
    as_of = dt.date(2028, 8, 31)
    assert window_start(as_of, 6) == dt.date(2028, 2, 29)
    entries = [(dt.date(2028, 2, 28), D(1)), (dt.date(2028, 2, 29), D(2)),
               (dt.date(2028, 3, 1), D(4))]  # fmt: skip
    check = hours_check(entries, as_of=as_of, total=None, recent=D(4), recent_months=6)
    assert (check.total_logged, check.recent_logged) == (D(7), D(4))
    # and 12 months before 29 February 2028 is 28 February 2027
    assert window_start(dt.date(2028, 2, 29), 12) == dt.date(2027, 2, 28)
    leap = [(dt.date(2027, 2, 28), D(5)), (dt.date(2027, 3, 1), D(6))]
    check = hours_check(leap, as_of=dt.date(2028, 2, 29), total=None, recent=D(6),
                        recent_months=12)  # fmt: skip
    assert check.recent_logged == D(6)


def test_negative_corrections_count_in_the_total_and_in_the_window():
    entries = [
        (dt.date(2026, 1, 10), D("320.00")),
        (dt.date(2026, 7, 1), D("300.00")),
        (dt.date(2026, 7, 2), D("-20.50")),  # logged twice by mistake
    ]
    check = hours_check(entries, as_of=AUG_31, total=D(600), recent=D(300), recent_months=6)
    assert check == HoursCheck(total_logged=D("599.50"), recent_logged=D("279.50"), met=False)


def test_a_correction_may_take_the_total_below_zero():
    check = hours_check([(dt.date(2026, 1, 1), D(-4))], as_of=AUG_31, total=D(0))
    assert (check.total_logged, check.met) == (D(-4), False)


def test_no_requirement_is_met_and_no_window_counts_nothing_recent():
    check = hours_check([], as_of=AUG_31, total=None)
    assert check == HoursCheck(total_logged=D(0), recent_logged=D(0), met=True)
    check = hours_check([(AUG_31, D(3))], as_of=AUG_31, total=D(3))
    assert check == HoursCheck(total_logged=D(3), recent_logged=D(0), met=True)


def test_recent_hours_need_a_window():
    with pytest.raises(ValueError, match="recent hours need recent_months"):
        hours_check([], as_of=AUG_31, total=None, recent=D(1))
    with pytest.raises(ValueError, match="at least 1"):
        hours_check([], as_of=AUG_31, total=None, recent=D(1), recent_months=0)


# invariants -----------------------------------------------------------------------------

days = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2030, 12, 31))
hours = st.decimals(min_value=D("-50"), max_value=D("200"), places=2)
entries_st = st.lists(st.tuples(days, hours), max_size=40)


@given(entries_st, days, st.integers(min_value=1, max_value=36))
def test_the_sums_are_those_of_the_entries_on_or_before_as_of(entries, as_of, months):
    check = hours_check(entries, as_of=as_of, total=None, recent=None, recent_months=months)
    start = add_months(as_of, -months)
    assert check.total_logged == sum((h for on, h in entries if on <= as_of), D(0))
    assert check.recent_logged == sum((h for on, h in entries if start < on <= as_of), D(0))
    assert check.met


@given(entries_st, days, st.integers(min_value=1, max_value=36),
       st.decimals(min_value=D(0), max_value=D(2000), places=2),
       st.decimals(min_value=D(0), max_value=D(500), places=2))  # fmt: skip
def test_met_is_exactly_both_requirements(entries, as_of, months, total, recent):
    check = hours_check(entries, as_of=as_of, total=total, recent=recent, recent_months=months)
    assert check.met == (check.total_logged >= total and check.recent_logged >= recent)


@given(entries_st, days, st.integers(min_value=1, max_value=36), days,
       st.decimals(min_value=D("0.01"), max_value=D(100), places=2))  # fmt: skip
def test_logging_more_hours_never_unmeets_the_rule(entries, as_of, months, on, extra):
    rule = {"total": D(300), "recent": D(100), "recent_months": months}
    before = hours_check(entries, as_of=as_of, **rule)
    after = hours_check([*entries, (on, extra)], as_of=as_of, **rule)
    assert after.total_logged >= before.total_logged
    assert after.recent_logged >= before.recent_logged
    assert after.met or not before.met


@given(st.lists(st.tuples(days, st.decimals(min_value=D(0), max_value=D(100), places=2)),
                max_size=40), days, st.integers(min_value=1, max_value=36))  # fmt: skip
def test_without_corrections_the_recent_hours_are_at_most_the_total(entries, as_of, months):
    check = hours_check(entries, as_of=as_of, total=None, recent_months=months)
    assert D(0) <= check.recent_logged <= check.total_logged


@given(entries_st, days, st.integers(min_value=1, max_value=36))
def test_entries_after_as_of_change_nothing(entries, as_of, months):
    later = [(as_of + dt.timedelta(days=1 + i), D(9)) for i in range(3)]
    rule = {"total": D(10), "recent": D(5), "recent_months": months}
    assert hours_check(entries + later, as_of=as_of, **rule) == hours_check(
        entries, as_of=as_of, **rule
    )
