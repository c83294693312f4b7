"""The loan committee's decision through a governance poll, and instalments falling due.

When a fund has a committee and decides by poll, an application put to the committee
opens a proposal poll of the committee (purpose "loan", closing in the fund's
`decision_days`, with a quorum of more than half of the committee's seats); when it
closes, `on_poll_closed` (a governance poll listener wired in config) approves the loan
if the proposal passed with quorum, and declines it otherwise.
"""

import datetime as dt
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from intercoop.capital import lock_objects as locks
from intercoop.capital.models import Instalment, Loan, LoanApplication, LoanSchedule
from intercoop.capital.writing import plain
from intercoop.core.audit import system_actor
from intercoop.core.bounds import SHORT_TEXT
from intercoop.core.money import format_money
from intercoop.governance.models import Poll


def majority_quorum(seats: int) -> int:
    """The quorum (a whole per cent of the electorate, as polls keep it) that more than half
    of `seats` voters reach and half or fewer do not: the least per cent that more than
    half of the seats make up (exact up to 100 seats; each seat, a person's or an
    organisation's, is one voter of the committee's polls)."""
    more_than_half = seats // 2 + 1
    return min(100, more_than_half * 100 // max(seats, 1))


def open_poll(application: LoanApplication) -> int | None:
    """Open the committee's poll on `application`; its id (None: the committee records its
    decision instead)."""
    fund = application.fund
    if fund.committee is None or not fund.decide_by_poll:
        return None
    from intercoop.governance.services import poll_create, poll_open

    system = system_actor()
    closes_at = timezone.now() + timedelta(days=fund.decision_days)
    amount = format_money(application.amount, fund.currency)
    poll = poll_create(
        actor=system,
        body=fund.committee,
        kind=Poll.Kind.PROPOSAL,
        title=(_("Lend %(amount)s to %(org)s?") % {
            "amount": amount, "org": application.organization.name,
        })[:SHORT_TEXT],
        details=_(
            "%(org)s asks %(fund)s for %(amount)s over %(months)s months at %(rate)s%% a "
            "year. Repayment: %(method)s. Purpose: %(purpose)s\n\nIf the proposal passes, "
            "the loan is offered; otherwise the application is declined."
        ) % {
            "org": application.organization.name, "fund": fund.name, "amount": amount,
            "months": application.term_months, "rate": plain(application.requested_rate),
            "method": application.get_method_display(), "purpose": application.purpose[:1000],
        },
        closes_at=closes_at,
        purpose=Poll.Purpose.LOAN,
        subject_id=application.pk,
        rule=Poll.Rule.MAJORITY,
        quorum=majority_quorum(fund.committee.seats.count()),
    )  # fmt: skip
    poll_open(actor=system, poll=poll, closes_at=closes_at)
    return poll.pk


def close_poll_of_withdrawn(application: LoanApplication) -> None:
    """The committee's poll still open on an application its applicant withdrew closes,
    its count kept and nothing carried out."""
    poll = Poll.objects.filter(pk=application.poll_id or 0, status=Poll.Status.OPEN).first()
    if poll is None:
        return
    from intercoop.governance.services import poll_withdraw

    poll_withdraw(
        actor=system_actor(),
        poll=poll,
        outcome=_("Not carried out: the applicant withdrew before the committee decided"),
    )


def on_poll_closed(poll: Poll) -> None:
    """Carry out a closed committee poll on a loan application still before it."""
    if poll.purpose != Poll.Purpose.LOAN:
        return
    application = (
        LoanApplication.objects.filter(pk=poll.subject_id or 0, poll_id=poll.pk)
        .select_related("fund", "organization")
        .first()
    )
    if application is None or not application.is_in_vote:
        return
    from intercoop.capital.lending import decide

    result = poll.result or {}
    passed = bool(result.get("passed")) and bool(result.get("quorum_met"))
    counts = result.get("counts") or {}
    votes = (
        int(counts.get("agree", 0)),
        int(counts.get("disagree", 0)),
        int(counts.get("abstain", 0)),
    )
    decide(
        actor=system_actor(), application=application, approved=passed,
        note=_("Approved by the loan committee's vote") if passed
        else _("Declined by the loan committee's vote"),
        votes=votes, by_poll=True,
    )  # fmt: skip
    poll.outcome = application.decision_note
    poll.outcome_at = poll.closed_at
    poll.save(update_fields=["outcome", "outcome_at"])


def instalments_fall_due(*, until: dt.date, loan: Loan | None = None) -> int:
    """Post the interest of every instalment of an active loan's current schedule due by
    `until` that is not in the books yet; how many instalments fell due. For a loan
    settled by clearing, each instalment due and unpaid becomes an obligation."""
    from intercoop.capital.clearing_link import obligations_fall_due
    from intercoop.capital.lending import accrue_interest

    rows = Instalment.objects.filter(
        schedule__current=True,
        schedule__loan__status=Loan.Status.ACTIVE,
        due_on__lte=until,
        interest_accrued=False,
    ).select_related("schedule__loan__fund", "schedule__loan__organization")
    if loan is not None:
        rows = rows.filter(schedule__loan=loan)
    by_schedule: dict[int, list[Instalment]] = {}
    for row in rows.order_by("schedule_id", "number"):
        by_schedule.setdefault(row.schedule_id, []).append(row)
    system = system_actor()
    fell_due = 0
    for instalments in by_schedule.values():
        stored: LoanSchedule = instalments[0].schedule
        with transaction.atomic():
            # a repayment (or another tick) may have put their interest in the books since
            # they were read: read them again under the loan's lock
            locks.lock_loan(stored.loan)
            pending = list(
                Instalment.objects.filter(
                    pk__in=[row.pk for row in instalments],
                    interest_accrued=False,
                    schedule__current=True,
                ).order_by("number")
            )
            if stored.loan.is_active and pending:
                accrue_interest(stored.loan, pending, actor=system, on=until)
                fell_due += len(pending)
    obligations_fall_due(until=until, loan=loan)
    return fell_due
