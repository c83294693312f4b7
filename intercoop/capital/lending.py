"""Lending: loan applications, the committee's decision, and loans (offer, disbursement,
repayments, restructuring, write-off). Re-exported by `services`, whose rules it follows.
"""

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from intercoop.capital import arrears, books, clearing_link, permissions
from intercoop.capital import lock_objects as locks
from intercoop.capital.models import (
    MAX_ATTACHMENT_BYTES,
    MAX_TERM_MONTHS,
    ApplicationMessage,
    Attachment,
    Fund,
    Instalment,
    LedgerTransaction,
    Loan,
    LoanApplication,
    LoanSchedule,
    Repayment,
)
from intercoop.capital.schedule import METHODS, due_date, schedule
from intercoop.capital.selectors import account_balance
from intercoop.capital.writing import (
    CHECKLIST,
    MAX_ATTACHMENTS,
    MAX_MESSAGES,
    MAX_USES,
    Values,
    audit,
    check_day,
    check_rate,
    check_whole,
    managers,
    money,
    positive_money,
    post,
    today,
)
from intercoop.core.bounds import LONG_TEXT, SHORT_TEXT, check_text
from intercoop.core.errors import DomainError
from intercoop.core.money import format_money
from intercoop.core.notifications import in_their_language
from intercoop.core.permissions import AnyUser, recorded_user, require
from intercoop.core.services import notify
from intercoop.core.values import check_key
from intercoop.directory.models import NetworkMembership, Organization
from intercoop.directory.selectors import speakers_of

# applications -------------------------------------------------------------------------------

# the terms an application asks for (what the committee offers, unless it sets others)
APPLICATION_FIELDS = (
    "purpose",
    "amount",
    "term_months",
    "requested_rate",
    "method",
    "grace_months",
    "uses",
)


def _clean_application(values: Mapping[str, Any], fund: Fund) -> dict[str, Any]:
    v = Values()
    purpose = v.check("purpose", check_text, values.get("purpose") or "", max_length=LONG_TEXT)
    if not (purpose or "").strip():
        v.fail("purpose", _("is required"))
    positive_money(v, "amount", values.get("amount"), high=fund.max_loan, currency=fund.currency)
    v.check(
        "term_months",
        check_whole,
        values.get("term_months"),
        low=fund.min_term_months,
        high=fund.max_term_months,
    )
    v.check(
        "requested_rate",
        check_rate,
        values.get("requested_rate", fund.min_rate),
        low=fund.min_rate,
        high=fund.max_rate,
    )
    method = values.get("method") or "annuity"
    if method not in METHODS:
        v.fail("method", _("is one of %(methods)s") % {"methods": ", ".join(METHODS)})
    v.clean["method"] = method
    term = v.clean.get("term_months") or 1
    v.check(
        "grace_months", check_whole, values.get("grace_months") or 0, low=0, high=max(0, term - 1)
    )
    uses = values.get("uses") or []
    clean_uses: list[dict[str, Any]] = []
    if not isinstance(uses, list) or len(uses) > MAX_USES:
        v.fail("uses", _("list at most %(count)s uses") % {"count": MAX_USES})
    else:
        for n, use in enumerate(uses, start=1):
            use = use if isinstance(use, Mapping) else {}
            label = str(use.get("use") or "").strip()
            amount = use.get("amount")
            if not label or len(label) > SHORT_TEXT:
                v.fail(
                    "uses", _("use %(n)s needs a description of at most 200 characters") % {"n": n}
                )
            elif (
                isinstance(amount, bool)
                or not isinstance(amount, int)
                or not 0 < amount <= fund.max_loan
            ):
                v.fail("uses", _("use %(n)s needs an amount above zero") % {"n": n})
            else:
                clean_uses.append({"use": label, "amount": amount})
    if clean_uses and sum(int(u["amount"]) for u in clean_uses) > (v.clean.get("amount") or 0):
        v.fail("uses", _("the uses add up to more than the amount asked for"))
    v.clean["uses"] = clean_uses
    return v.done()


def check_eligible(fund: Fund, organization: Organization) -> None:
    """The fund lends to co-ops that have been members of its network for at least its
    `min_membership_months` (from the day they joined)."""
    months = fund.min_membership_months
    if not months:
        return
    joined = (
        NetworkMembership.objects.filter(network_id=fund.network_id, organization=organization)
        .values_list("joined_on", flat=True)
        .first()
    )
    if joined is None or due_date(joined, months) > today():
        raise DomainError(
            _("%(fund)s lends to co-ops that have been members for %(months)s months or more")
            % {"fund": fund.name, "months": months},
            field="organization",
        )


def application_create(
    *, actor: AnyUser, fund: Fund, organization: Organization, values: Mapping[str, Any]
) -> LoanApplication:
    """A draft application of a member co-op; it is submitted when ready."""
    require(
        permissions.can_apply(actor, fund, organization),
        _("A member co-op's admins and editors apply for a loan"),
    )
    check_eligible(fund, organization)
    clean = _clean_application(values, fund)
    with transaction.atomic():
        application = LoanApplication.objects.create(
            fund=fund,
            organization=organization,
            created_at=timezone.now(),
            created_by=recorded_user(actor),
            **clean,
        )
        audit(
            actor,
            "loan_application.create",
            application,
            fund,
            f"{organization.name}: {money(application.amount, fund)}",
            [organization],
        )
    return application


def application_update(
    *, actor: AnyUser, application: LoanApplication, values: Mapping[str, Any]
) -> LoanApplication:
    require(
        permissions.can_edit_application(actor, application),
        _("The applicant changes an application until its review starts"),
    )
    current = {f: getattr(application, f) for f in APPLICATION_FIELDS}
    clean = _clean_application(current | dict(values), application.fund)
    with transaction.atomic():
        for field, value in clean.items():
            setattr(application, field, value)
        application.save()
        audit(
            actor,
            "loan_application.update",
            application,
            application.fund,
            application.organization.name,
            [application.organization],
        )
    return application


def application_submit(*, actor: AnyUser, application: LoanApplication) -> LoanApplication:
    require(
        permissions.can_edit_application(actor, application) and application.is_draft,
        _("The applicant submits a draft"),
    )
    fund = application.fund
    check_eligible(fund, application.organization)
    with transaction.atomic():
        application.status = LoanApplication.Status.SUBMITTED
        application.submitted_at = timezone.now()
        application.save(update_fields=["status", "submitted_at"])
        audit(
            actor,
            "loan_application.submit",
            application,
            fund,
            application.organization.name,
            [application.organization],
        )
        notify(
            users=managers(fund),
            subject=gettext_lazy("%(org)s applied to %(fund)s for %(amount)s"),
            params={
                "org": application.organization.name,
                "fund": fund.name,
                "amount": in_their_language(format_money, application.amount, fund.currency),
            },
            link=("capital:application", [application.pk]),
            kind="capital",
        )
    return application


def application_withdraw(*, actor: AnyUser, application: LoanApplication) -> LoanApplication:
    require(
        permissions.can_withdraw_application(actor, application),
        _("The applicant withdraws an open application"),
    )
    with transaction.atomic():
        if application.poll_id is not None:  # the committee's poll first, as its close does
            from intercoop.governance.lock_objects import poll_for_update

            poll_for_update(application.poll_id)
        locks.lock_application(application)  # a decision may have come first
        if not application.is_open:
            raise DomainError(_("The application was decided already"))
        application.status = LoanApplication.Status.WITHDRAWN
        application.save(update_fields=["status"])
        from intercoop.capital import decisions

        decisions.close_poll_of_withdrawn(application)
        audit(
            actor,
            "loan_application.withdraw",
            application,
            application.fund,
            application.organization.name,
            [application.organization],
        )
    return application


def application_review(
    *, actor: AnyUser, application: LoanApplication, checklist: Mapping[str, bool]
) -> LoanApplication:
    """Tick the reviewers' checklist (CHECKLIST's keys); the application is in review."""
    require(permissions.can_review(actor, application), _("The fund's reviewers review it"))
    unknown = set(checklist) - set(CHECKLIST)
    if unknown:
        raise DomainError(
            _("Unknown checklist item: %(item)s") % {"item": sorted(unknown)[0][:40]},
            field="checklist",
        )
    with transaction.atomic():
        application.checklist = {
            key: bool(checklist.get(key, application.checklist.get(key))) for key in CHECKLIST
        }
        if application.status == LoanApplication.Status.SUBMITTED:
            application.status = LoanApplication.Status.IN_REVIEW
        application.save(update_fields=["checklist", "status"])
        done = sum(application.checklist.values())
        audit(
            actor,
            "loan_application.review",
            application,
            application.fund,
            f"{done}/{len(CHECKLIST)}",
            [application.organization],
        )
    return application


def application_message(
    *, actor: AnyUser, application: LoanApplication, text: str
) -> ApplicationMessage:
    """A reviewer's question, or the applicant's answer."""
    reviewer = permissions.can_review(actor, application)
    # staff (who may also act for the applicant) and a coordinator among the applicant's
    # people write as reviewers
    from_applicant = not reviewer and permissions.can_answer(actor, application)
    require(
        from_applicant or reviewer,
        _("The applicant and the reviewers write on a pending application"),
    )
    clean = check_text(text, field="text", max_length=LONG_TEXT)
    if not clean.strip():
        raise DomainError(_("Write something"), field="text")
    if application.messages.count() >= MAX_MESSAGES:
        raise DomainError(_("This application has as many messages as it may"), field="text")
    with transaction.atomic():
        message = ApplicationMessage.objects.create(
            application=application,
            author=recorded_user(actor),
            from_applicant=from_applicant,
            text=clean,
            created_at=timezone.now(),
        )
        if application.status == LoanApplication.Status.SUBMITTED and not from_applicant:
            application.status = LoanApplication.Status.IN_REVIEW
            application.save(update_fields=["status"])
        audit(
            actor,
            "loan_application.message",
            application,
            application.fund,
            clean[:100],
            [application.organization],
        )
        readers = (
            managers(application.fund)
            if from_applicant
            else speakers_of([application.organization_id])
        )
        notify(
            users=[u for u in readers if u.pk != getattr(actor, "pk", None)],
            subject=gettext_lazy("New message on the loan application of %(org)s"),
            params={"org": application.organization.name},
            link=("capital:application", [application.pk]),
            kind="capital",
        )
    return message


def attachment_add(
    *, actor: AnyUser, application: LoanApplication, name: str, content_type: str, data: bytes
) -> Attachment:
    require(
        permissions.can_answer(actor, application)
        or permissions.can_edit_application(actor, application),
        _("The applicant attaches files to an open application"),
    )
    name = check_text(
        (name or "file").replace("/", "_").replace("\\", "_"), field="name", max_length=SHORT_TEXT
    )
    if not data:
        raise DomainError(_("The file is empty"), field="file")
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise DomainError(_("A file is at most 5 MB"), field="file")
    if application.attachments.count() >= MAX_ATTACHMENTS:
        raise DomainError(_("An application has at most 10 files"), field="file")
    with transaction.atomic():
        attachment = Attachment.objects.create(
            application=application,
            name=name,
            content_type=(content_type or "application/octet-stream")[:100],
            size=len(data),
            data=data,
            uploaded_at=timezone.now(),
            uploaded_by=recorded_user(actor),
        )
        audit(
            actor,
            "loan_application.attach",
            application,
            application.fund,
            name,
            [application.organization],
        )
    return attachment


# the committee's decision -----------------------------------------------------------------


def application_to_committee(*, actor: AnyUser, application: LoanApplication) -> LoanApplication:
    """Put a reviewed application before the loan committee: a proposal poll of the
    committee when the fund decides by poll (closing in `decision_days`), else the
    committee records its decision."""
    require(
        permissions.can_review(actor, application),
        _("The fund's reviewers put it to the committee"),
    )
    from intercoop.capital import decisions

    with transaction.atomic():
        locks.lock_application(application)
        if application.is_in_vote:
            raise DomainError(_("The application is before the committee already"))
        if not application.is_pending:
            raise DomainError(_("The application was withdrawn or decided already"))
        application.status = LoanApplication.Status.IN_VOTE
        application.poll_id = decisions.open_poll(application)
        application.save(update_fields=["status", "poll_id"])
        audit(
            actor,
            "loan_application.to_committee",
            application,
            application.fund,
            application.organization.name,
            [application.organization],
        )
    return application


def application_decide(
    *,
    actor: AnyUser,
    application: LoanApplication,
    approved: bool,
    note: str = "",
    votes: tuple[int, int, int] | None = None,
    terms: Mapping[str, Any] | None = None,
) -> LoanApplication:
    """The committee's recorded decision (with its vote count, if given). Approved, the
    loan is offered on the application's terms, or on `terms` the committee set."""
    require(permissions.can_decide(actor, application), _("Only the loan committee decides"))
    return decide(
        actor=actor, application=application, approved=approved, note=note, votes=votes, terms=terms
    )


def decide(
    *,
    actor: AnyUser,
    application: LoanApplication,
    approved: bool,
    note: str,
    votes: tuple[int, int, int] | None = None,
    terms: Mapping[str, Any] | None = None,
    by_poll: bool = False,
) -> LoanApplication:
    """Carry out a decision (the committee's, or its poll's: `decisions.on_poll_closed`),
    without a rule of its own: `application_decide` checks who decides. A poll's decision
    is carried out on the terms the committee voted on, even if the fund's policy changed
    since: it cannot be asked again, and its poll must close."""
    fund = application.fund
    note = check_text(note or "", field="note", max_length=LONG_TEXT)
    asked = {f: getattr(application, f) for f in APPLICATION_FIELDS}
    if not approved:
        offer: dict[str, Any] = {}
    elif by_poll:
        offer = asked
    else:
        offer = _clean_application(asked | dict(terms or {}), fund)
    if votes is not None:
        if not isinstance(votes, tuple | list) or len(votes) != 3:
            raise DomainError(_("Give the votes for, against and abstaining"), field="votes")
        votes = (votes[0], votes[1], votes[2])
        for field, count in zip(
            ("votes_for", "votes_against", "votes_abstain"), votes, strict=True
        ):
            check_whole(count, field=field, low=0, high=10_000)
    with transaction.atomic():
        locks.lock_application(application)
        if not application.is_in_vote:
            raise DomainError(_("The application is not before the committee"))
        application.status = (
            LoanApplication.Status.APPROVED if approved else LoanApplication.Status.DECLINED
        )
        application.decided_at = timezone.now()
        application.decided_by = recorded_user(actor)
        application.decision_note = note
        if votes is not None:
            application.votes_for, application.votes_against, application.votes_abstain = votes
        application.save()
        loan = None
        if approved:
            loan = Loan.objects.create(
                fund=fund,
                application=application,
                organization=application.organization,
                principal=offer["amount"],
                annual_rate=offer["requested_rate"],
                term_months=offer["term_months"],
                method=offer["method"],
                grace_months=offer["grace_months"],
                offered_at=timezone.now(),
            )
        audit(
            actor,
            "loan_application.decide",
            application,
            fund,
            ("approved " if approved else "declined ") + application.organization.name,
            [application.organization],
        )
        notify(
            users=speakers_of([application.organization_id]),
            subject=(
                gettext_lazy("%(fund)s approved your loan of %(amount)s: accept the offer")
                if approved
                else gettext_lazy("%(fund)s declined your loan application")
            ),
            params={
                "fund": fund.name,
                "amount": in_their_language(
                    format_money, loan.principal if loan else application.amount, fund.currency
                ),
            },
            link=("capital:loan", [loan.pk]) if loan else ("capital:application", [application.pk]),
            kind="capital",
        )
    return application


# loans ------------------------------------------------------------------------------------


def loan_respond(*, actor: AnyUser, loan: Loan, accept: bool) -> Loan:
    """The borrower accepts (or declines) the offer."""
    require(permissions.can_accept_offer(actor, loan), _("The borrower answers the offer"))
    with transaction.atomic():
        locks.lock_loan(loan)
        if not loan.is_offered:
            raise DomainError(_("The offer was answered already"))
        loan.status = Loan.Status.ACCEPTED if accept else Loan.Status.DECLINED
        loan.accepted_at = timezone.now() if accept else None
        loan.accepted_by = recorded_user(actor) if accept else None
        loan.save(update_fields=["status", "accepted_at", "accepted_by"])
        audit(
            actor,
            "loan.accept" if accept else "loan.decline",
            loan,
            loan.fund,
            loan.organization.name,
            [loan.organization],
        )
        notify(
            users=managers(loan.fund),
            subject=(
                gettext_lazy("%(org)s accepted its loan: it can be disbursed")
                if accept
                else gettext_lazy("%(org)s declined its loan offer")
            ),
            params={"org": loan.organization.name},
            link=("capital:loan", [loan.pk]),
            kind="capital",
        )
    return loan


def _store_schedule(
    loan: Loan,
    *,
    actor: AnyUser,
    version: int,
    principal: int,
    rate: Decimal,
    months: int,
    method: str,
    grace: int,
    start: dt.date,
    reason: str,
) -> LoanSchedule:
    rows = schedule(
        principal=principal,
        annual_rate=rate,
        months=months,
        method=method,
        start=start,
        grace_months=grace,
    )
    stored = LoanSchedule.objects.create(
        loan=loan,
        version=version,
        principal=principal,
        annual_rate=rate,
        months=months,
        method=method,
        grace_months=grace,
        start=start,
        reason=reason[:SHORT_TEXT],
        created_at=timezone.now(),
        created_by=recorded_user(actor),
    )
    Instalment.objects.bulk_create(
        Instalment(
            schedule=stored,
            number=r.number,
            due_on=r.due_on,
            payment=r.payment,
            interest=r.interest,
            principal=r.principal,
            balance=r.balance,
        )
        for r in rows
    )
    return stored


def current_schedule(loan: Loan) -> LoanSchedule | None:
    return LoanSchedule.objects.filter(loan=loan, current=True).first()


def _refresh(loan: Loan, stored: LoanSchedule) -> None:
    """Keep the loan's paid total, principal outstanding and oldest unpaid due date."""
    rows = list(stored.rows.all())
    paid = sum(Repayment.objects.filter(schedule=stored).values_list("amount", flat=True))
    state = arrears.status_of_total(rows, paid, dt.date.max)
    oldest = arrears.first_unpaid(rows, paid)
    loan.paid_total = paid
    loan.principal_outstanding = state.principal_outstanding
    loan.unpaid_since = oldest.due_on if oldest is not None else None
    fields = ["paid_total", "principal_outstanding", "unpaid_since"]
    if oldest is None and loan.is_active:
        loan.status, loan.closed_on = Loan.Status.REPAID, today()
        fields += ["status", "closed_on"]
    loan.save(update_fields=fields)


# The loss reserve covers the loans outstanding: a disbursement sets `reserve_percent` of
# its principal aside (from the contributions), a loan repaid in full releases what was
# set aside for it, and a write-off charges its loss to the loan's own reserve first, then
# to the rest of the reserve as far as it goes (the rest is a loss), and releases what of
# its own reserve the loss did not take. The reserve is never below zero.


def _reserve_of(loan: Loan) -> int:
    """What is set aside in the loss reserve for the loan (less what it used)."""
    return account_balance(loan.fund, "loss_reserve", loan=loan)


def _release_reserve(loan: Loan, amount: int, *, actor: AnyUser, on: dt.date) -> None:
    post(
        loan.fund,
        LedgerTransaction.Kind.RESERVE,
        books.reserve_release(amount),
        actor=actor,
        on=on,
        loan=loan,
        memo=_("Loss reserve of the loan to %(org)s released") % {"org": loan.organization.name},
    )


def _check_cash(fund: Fund, loan: Loan) -> None:
    """The fund pays a loan out of its cash, less what the other accepted loans will take
    (call it holding the fund's lock)."""
    cash = account_balance(fund, "cash")
    promised = (
        Loan.objects.filter(fund=fund, status=Loan.Status.ACCEPTED)
        .exclude(pk=loan.pk)
        .aggregate(total=Sum("principal"))["total"]
        or 0
    )
    if cash - promised < loan.principal:
        raise DomainError(
            _(
                "The fund has %(cash)s in cash, %(promised)s of it for other accepted loans: "
                "not enough to pay out %(amount)s"
            )
            % {
                "cash": money(cash, fund),
                "promised": money(promised, fund),
                "amount": money(loan.principal, fund),
            }
        )


def loan_disburse(
    *, actor: AnyUser, loan: Loan, on: dt.date, settle_by_clearing: bool = False
) -> Loan:
    """Pay out an accepted loan on `on` from the fund's cash (less what the other accepted
    loans will take): its first schedule starts that day, the loss reserve takes its
    share, and (if asked) each instalment will become an obligation the borrower may
    settle by clearing."""
    require(permissions.can_service_loan(actor, loan), _("Only the fund's managers disburse"))
    on = check_day(on, field="on", not_future=True)
    fund = loan.fund
    with transaction.atomic():
        locks.lock_fund(fund)
        locks.lock_loan(loan)
        if not loan.is_accepted:
            raise DomainError(_("Only an accepted offer is disbursed"))
        _check_cash(fund, loan)
        stored = _store_schedule(
            loan,
            actor=actor,
            version=1,
            principal=loan.principal,
            rate=loan.annual_rate,
            months=loan.term_months,
            method=loan.method,
            grace=loan.grace_months,
            start=on,
            reason=_("Disbursement"),
        )
        loan.status, loan.disbursed_on = Loan.Status.ACTIVE, on
        loan.settle_by_clearing = bool(settle_by_clearing)
        loan.save(update_fields=["status", "disbursed_on", "settle_by_clearing"])
        memo = _("Loan to %(org)s") % {"org": loan.organization.name}
        post(
            fund,
            LedgerTransaction.Kind.DISBURSEMENT,
            books.disbursement(loan.principal),
            actor=actor,
            on=on,
            loan=loan,
            memo=memo,
        )
        reserve = int(
            (Decimal(loan.principal) * fund.reserve_percent / 100).quantize(
                Decimal(1), rounding=ROUND_HALF_EVEN
            )
        )
        post(
            fund,
            LedgerTransaction.Kind.RESERVE,
            books.reserve_set_aside(reserve),
            actor=actor,
            on=on,
            loan=loan,
            memo=memo,
        )
        _refresh(loan, stored)
        audit(
            actor,
            "loan.disburse",
            loan,
            fund,
            f"{loan.organization.name}: {money(loan.principal, fund)}",
            [loan.organization],
        )
        notify(
            users=speakers_of([loan.organization_id]),
            subject=gettext_lazy("%(fund)s disbursed your loan of %(amount)s"),
            params={
                "fund": fund.name,
                "amount": in_their_language(format_money, loan.principal, fund.currency),
            },
            link=("capital:loan", [loan.pk]),
            kind="capital",
        )
    from intercoop.capital import decisions

    decisions.instalments_fall_due(loan=loan, until=today())
    return loan


def accrue_interest(loan: Loan, rows: Sequence[Instalment], *, actor: AnyUser, on: dt.date) -> None:
    """Post the interest of `rows` not yet in the books as receivable income, without a
    rule of its own: the services and the clock's task (`decisions.instalments_fall_due`)
    call it holding the loan's lock."""
    pending = [row for row in rows if not row.interest_accrued]
    if not pending:
        return
    amount = sum(row.interest for row in pending)
    post(
        loan.fund,
        LedgerTransaction.Kind.INTEREST_DUE,
        books.interest_due(amount),
        actor=actor,
        on=on,
        loan=loan,
        memo=_("Interest due from %(org)s") % {"org": loan.organization.name},
    )
    Instalment.objects.filter(pk__in=[row.pk for row in pending]).update(interest_accrued=True)
    for row in pending:
        row.interest_accrued = True


def _same_repayment(done: Repayment, amount: int, paid_on: dt.date) -> Repayment:
    if done.amount != amount or done.paid_on != paid_on:
        raise DomainError(
            _("This idempotency key was used for another repayment"), field="idempotency_key"
        )
    return done


def repayment_record(
    *,
    actor: AnyUser,
    loan: Loan,
    amount: int,
    paid_on: dt.date,
    reference: str = "",
    source: str = Repayment.Source.RECORDED,
    obligation: Any = None,
    idempotency_key: str | None = None,
) -> Repayment:
    """A borrower's payment: it pays the oldest instalment with anything unpaid, interest
    before principal (`arrears`), and the books take what it paid of each; the last one
    releases the loan's loss reserve. With an idempotency key, a retried request returns
    the first repayment instead of recording it again."""
    require(
        permissions.can_service_loan(actor, loan), _("Only the fund's managers record repayments")
    )
    v = Values()
    positive_money(v, "amount", amount)
    paid_on = v.check("paid_on", check_day, paid_on, not_future=True)
    v.check("reference", check_text, reference or "", max_length=SHORT_TEXT)
    key = v.check("idempotency_key", check_key, idempotency_key)
    v.done()
    fund = loan.fund
    with transaction.atomic():
        clearing_link.lock_open_obligations(loan)
        locks.lock_fund(fund)  # the reserve it may release
        locks.lock_loan(loan)
        if key and (done := Repayment.objects.filter(loan=loan, idempotency_key=key).first()):
            return _same_repayment(done, amount, paid_on)
        if not loan.is_active:
            raise DomainError(_("Only a disbursed loan is repaid"))
        stored = current_schedule(loan)
        assert stored is not None
        if paid_on < stored.start:
            raise DomainError(_("A repayment comes after the schedule starts"), field="paid_on")
        rows = list(stored.rows.all())
        before = arrears.status_of_total(rows, loan.paid_total, dt.date.max)
        after = arrears.status_of_total(rows, loan.paid_total + amount, dt.date.max)
        interest = after.interest_paid - before.interest_paid
        principal = after.principal_paid - before.principal_paid
        unapplied = after.unapplied - before.unapplied
        if unapplied:
            raise DomainError(
                _("This is %(extra)s more than the loan's balance of %(left)s")
                % {
                    "extra": money(unapplied, fund),
                    "left": money(sum(r.payment for r in rows) - loan.paid_total, fund),
                },
                field="amount",
            )
        repayment = Repayment.objects.create(
            loan=loan,
            schedule=stored,
            paid_on=paid_on,
            amount=amount,
            source=source,
            obligation=obligation,
            reference=reference,
            idempotency_key=key,
            created_at=timezone.now(),
            created_by=recorded_user(actor),
        )
        # interest paid of instalments not yet due goes into the books as it is paid: the
        # instalments the payments have now reached, wholly or in part
        reached = arrears.unpaid_after(rows, loan.paid_total + amount)
        accrue_interest(
            loan, [row for row, left in reached if left < row.payment], actor=actor, on=paid_on
        )
        post(
            fund,
            LedgerTransaction.Kind.REPAYMENT,
            books.repayment(principal, interest),
            actor=actor,
            on=paid_on,
            loan=loan,
            memo=_("Repayment from %(org)s") % {"org": loan.organization.name},
        )
        _refresh(loan, stored)
        if loan.status == Loan.Status.REPAID:
            reserve = account_balance(fund, "loss_reserve")
            _release_reserve(loan, max(0, min(_reserve_of(loan), reserve)), actor=actor, on=paid_on)
        clearing_link.follow_repayment(loan, stored)  # nothing paid twice
        audit(
            actor,
            "loan.repayment",
            repayment,
            fund,
            f"{loan.organization.name}: {money(amount, fund)}",
            [loan.organization],
        )
    return repayment


def loan_restructure(
    *,
    actor: AnyUser,
    loan: Loan,
    start: dt.date,
    months: int,
    annual_rate: Any,
    method: str,
    grace_months: int = 0,
    reason: str,
    capitalise_interest: bool = True,
) -> LoanSchedule:
    """A new schedule for what is left of the principal, starting on `start`; the old
    schedule is kept. The interest of the old schedule's instalments due by today and
    unpaid is added to the principal (`capitalise_interest`) or forgiven; the interest
    receivable of instalments not yet due (a payment reached them first) is reversed: the
    new schedule charges interest of its own. Nothing stays receivable of the old one."""
    require(permissions.can_service_loan(actor, loan), _("Only the fund's managers restructure"))
    v = Values()
    start = v.check("start", check_day, start)
    v.check("months", check_whole, months, low=1, high=MAX_TERM_MONTHS)
    v.check("annual_rate", check_rate, annual_rate)
    if method not in METHODS:
        v.fail("method", _("is one of %(methods)s") % {"methods": ", ".join(METHODS)})
    term = v.clean.get("months") or 1
    v.check("grace_months", check_whole, grace_months, low=0, high=term - 1)
    v.check("reason", check_text, reason or "", max_length=SHORT_TEXT)
    if not (reason or "").strip():
        v.fail("reason", _("is required"))
    clean = v.done()
    on = today()
    with transaction.atomic():
        clearing_link.lock_open_obligations(loan)
        locks.lock_loan(loan)
        if not loan.is_active:
            raise DomainError(_("Only a disbursed loan is restructured"))
        old = current_schedule(loan)
        assert old is not None
        rows = list(old.rows.all())
        overdue = 0  # the interest of the instalments due by today, unpaid
        for row, left in arrears.unpaid_after(rows, loan.paid_total):
            if row.due_on <= on:
                overdue += arrears.unpaid_parts(row, left)[0]
        capitalised = overdue if capitalise_interest else 0
        principal = loan.principal_outstanding + capitalised
        if principal <= 0:
            raise DomainError(_("Nothing is left to reschedule"))
        # the interest due that the clock has not put in the books yet falls due now
        accrue_interest(loan, [row for row in rows if row.due_on <= on], actor=actor, on=on)
        receivable = account_balance(loan.fund, "interest_receivable", loan=loan)
        LoanSchedule.objects.filter(pk=old.pk).update(current=False)
        clearing_link.release(old)  # the new schedule's instalments are asked for instead
        stored = _store_schedule(
            loan,
            actor=actor,
            version=old.version + 1,
            principal=principal,
            rate=clean["annual_rate"],
            months=months,
            method=method,
            grace=grace_months,
            start=start,
            reason=clean["reason"],
        )
        post(
            loan.fund,
            LedgerTransaction.Kind.RESTRUCTURE,
            books.restructuring(capitalised, receivable - capitalised),
            actor=actor,
            on=on,
            loan=loan,
            memo=clean["reason"],
        )
        loan.paid_total = 0
        _refresh(loan, stored)
        audit(
            actor,
            "loan.restructure",
            stored,
            loan.fund,
            f"{loan.organization.name}: v{stored.version} {clean['reason']}",
            [loan.organization],
        )
    return stored


def loan_write_off(*, actor: AnyUser, loan: Loan, reason: str) -> Loan:
    """Write off what is left: the accrued interest reversed, the principal charged to the
    loan's own loss reserve, then to the rest of the reserve as far as it goes, the rest a
    loss (correcting entries); what of its own reserve is left is released. The loan then
    owes nothing more in the fund's figures (the books and the audit keep what it was)."""
    require(permissions.can_service_loan(actor, loan), _("Only the fund's managers write off"))
    reason = check_text(reason or "", field="reason", max_length=SHORT_TEXT)
    if not reason.strip():
        raise DomainError(_("Say why"), field="reason")
    fund = loan.fund
    with transaction.atomic():
        clearing_link.lock_open_obligations(loan)
        locks.lock_fund(fund)
        locks.lock_loan(loan)
        if not loan.is_active:
            raise DomainError(_("Only a disbursed loan is written off"))
        on, outstanding = today(), loan.principal_outstanding
        reserve = max(0, account_balance(fund, "loss_reserve"))
        own = min(max(0, _reserve_of(loan)), reserve)
        charged = min(outstanding, reserve)  # its own reserve first, then the rest's
        post(
            fund,
            LedgerTransaction.Kind.WRITE_OFF,
            books.write_off(
                outstanding, account_balance(fund, "interest_receivable", loan=loan), charged
            ),
            actor=actor,
            on=on,
            loan=loan,
            memo=reason,
        )
        _release_reserve(loan, max(0, own - charged), actor=actor, on=on)
        loan.status, loan.closed_on = Loan.Status.WRITTEN_OFF, on
        loan.principal_outstanding, loan.unpaid_since = 0, None
        loan.save(update_fields=["status", "closed_on", "principal_outstanding", "unpaid_since"])
        stored = current_schedule(loan)
        if stored is not None:
            clearing_link.release(stored)
        audit(
            actor,
            "loan.write_off",
            loan,
            fund,
            f"{loan.organization.name}: {money(outstanding, fund)} {reason}",
            [loan.organization],
        )
    return loan
