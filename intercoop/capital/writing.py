"""What the fund's write services share: checking values, posting to the books, the
audit record and who hears of what. Each service keeps its own rule (permissions)."""

import datetime as dt
from collections.abc import Sequence
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from intercoop.capital import books
from intercoop.capital.models import Fund, InvestorNote, LedgerEntry, LedgerTransaction, Loan
from intercoop.core.audit import audit_record
from intercoop.core.bounds import SHORT_TEXT, OutOfBounds
from intercoop.core.money import format_money
from intercoop.core.permissions import AnyUser, recorded_user

# the record checks capital's services use, from core (re-exported for them)
from intercoop.core.values import (  # noqa: F401
    Values,
    check_day,
    check_whole,
    positive_money,
)
from intercoop.directory.models import Organization
from intercoop.directory.selectors import coordinators_of

MAX_RATE = Decimal(100)
MAX_USES = 20
MAX_MESSAGES = 200
MAX_ATTACHMENTS = 10

# The reviewers' checklist: key → what it asks (in the reader's language).
CHECKLIST = {
    "membership": gettext_lazy("A member in good standing"),
    "financials": gettext_lazy("Financial statements received (two years)"),
    "plan": gettext_lazy("Business plan and uses of funds reviewed"),
    "cash_flow": gettext_lazy("Cash-flow forecast covers the repayments"),
    "security": gettext_lazy("Security or guarantee agreed"),
    "references": gettext_lazy("References from other co-ops checked"),
}


def today() -> dt.date:
    return timezone.localdate()


# checking values ------------------------------------------------------------------------


def check_rate(
    value: Any, *, field: str, low: Decimal = Decimal(0), high: Decimal = MAX_RATE
) -> Decimal:
    """A rate in per cent a year with at most 3 decimals, within [low, high]."""
    try:
        rate = Decimal(str(value)).normalize() if value not in (None, "") else None
    except (InvalidOperation, ValueError):
        rate = None
    if rate is None or not rate.is_finite():
        raise OutOfBounds(_("is a rate in per cent a year, such as 4.5"), field=field)
    if rate.as_tuple().exponent < -3:  # type: ignore[operator]
        raise OutOfBounds(_("has at most 3 decimals"), field=field)
    rate = plain(rate)
    if not low <= rate <= high:
        raise OutOfBounds(
            _("must be from %(low)s%% to %(high)s%%") % {"low": plain(low), "high": plain(high)},
            field=field,
        )
    return rate


def plain(number: Decimal) -> Decimal:
    """Without trailing zeros nor an exponent: 2.000 is 2, 10 is 10 (not 1E+1)."""
    number = Decimal(number).normalize() + 0  # -0 is 0
    if number.as_tuple().exponent > 0:  # type: ignore[operator]
        number = number.quantize(Decimal(1))
    return number


def rate_text(value: Decimal) -> str:
    """A rate as plain text, the same in every language (the API's, CSV files', texts
    stored): 4.500 is "4.5", 10.000 is "10". Pages show `forms_funds.localized_rate`."""
    return str(plain(value))


def note_interest(note: InvestorNote, until: dt.date) -> int:
    """Simple interest a note has earned from its issue to `until` (actual/365), in minor
    units, rounded half-even (for its repayment and its statement)."""
    end = min(until, note.repaid_on or until)
    days = max(0, (end - note.issued_on).days)
    value = Decimal(note.amount) * note.rate / 100 * days / 365
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


# the books ---------------------------------------------------------------------------------


def post(
    fund: Fund,
    kind: str,
    entries: Sequence[books.Entry],
    *,
    actor: AnyUser,
    on: dt.date,
    memo: str = "",
    loan: Loan | None = None,
    note: InvestorNote | None = None,
    organization: Organization | None = None,
) -> LedgerTransaction | None:
    """One balanced transaction in the fund's books (nothing when every amount is 0)."""
    entries = books.transaction(*entries)
    if not entries:
        return None
    posted = LedgerTransaction.objects.create(
        fund=fund,
        kind=kind,
        on=on,
        memo=memo[:SHORT_TEXT],
        loan=loan,
        note=note,
        organization=organization or (loan.organization if loan else None),
        created_at=timezone.now(),
        created_by=recorded_user(actor),
    )
    LedgerEntry.objects.bulk_create(
        LedgerEntry(transaction=posted, fund=fund, account=account, amount=amount)
        for account, amount in entries
    )
    return posted


def money(amount: int, fund: Fund) -> str:
    return format_money(amount, fund.currency)


def audit(
    actor: AnyUser,
    action: str,
    target: Any,
    fund: Fund,
    summary: str,
    organizations: Sequence[Organization | None] = (),
) -> None:
    audit_record(
        actor=actor,
        action=action,
        target=target,
        summary=summary,
        organizations=[o for o in organizations if o is not None],
        network=fund.network_id,
    )


def managers(fund: Fund) -> list[Any]:
    return list(coordinators_of([fund.network_id]))
