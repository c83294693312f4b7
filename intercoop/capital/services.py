"""Writes to a network's fund. Each service takes the acting user, checks its one rule
(capital.permissions) itself, writes, posts to the books and records an audit event, in
one transaction; pages, the API, the demo and background tasks call them and repeat no
rule.

The books (`books.py`) are append-only and every balance is a sum of their entries; a
loan's `paid_total`, `principal_outstanding` and `unpaid_since` are kept at hand from its
current schedule and repayments by `_refresh` (the arrears engine's rules).
"""

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from intercoop.capital import books, permissions
from intercoop.capital import lock_objects as locks
from intercoop.capital.models import (
    MAX_TERM_MONTHS,
    Contribution,
    EquityEntry,
    EquityTier,
    Fund,
    InvestorNote,
    LedgerTransaction,
    Pledge,
)
from intercoop.capital.schedule import due_date
from intercoop.capital.writing import (
    MAX_RATE,
    Values,
    audit,
    check_day,
    check_rate,
    check_whole,
    managers,
    money,
    note_interest,
    positive_money,
    post,
    today,
)
from intercoop.core.bounds import (
    LONG_TEXT,
    SHORT_TEXT,
    check_currency,
    check_money,
    check_text,
)
from intercoop.core.errors import DomainError
from intercoop.core.money import format_money
from intercoop.core.notifications import in_their_language
from intercoop.core.permissions import AnyUser, recorded_user, require
from intercoop.core.services import notify
from intercoop.core.values import check_key
from intercoop.directory.models import Network, Organization
from intercoop.governance.models import Body

# the fund -----------------------------------------------------------------------------------

# the words of the capital pages' fixed addresses (/capital/new/…, /capital/loans/…): a
# fund named so takes a suffix, so that its pages are never those
RESERVED_SLUGS = frozenset({"new", "flows", "notes", "applications", "loans"})

POLICY_FIELDS = (
    "name",
    "description",
    "max_loan",
    "min_term_months",
    "max_term_months",
    "min_rate",
    "max_rate",
    "eligibility",
    "min_membership_months",
    "investor_min_rate",
    "investor_max_rate",
    "committee",
    "decide_by_poll",
    "decision_days",
    "reserve_percent",
)


def _clean_policy(values: Mapping[str, Any], fund: Fund) -> dict[str, Any]:
    v = Values()
    v.check("name", check_text, values.get("name", fund.name), max_length=SHORT_TEXT)
    if not v.clean.get("name", "x").strip():
        v.fail("name", _("is required"))
    v.check(
        "description",
        check_text,
        values.get("description", fund.description) or "",
        max_length=LONG_TEXT,
    )
    v.check(
        "eligibility",
        check_text,
        values.get("eligibility", fund.eligibility) or "",
        max_length=LONG_TEXT,
    )
    positive_money(v, "max_loan", values.get("max_loan", fund.max_loan))
    for field, low, high in (
        ("min_term_months", 1, MAX_TERM_MONTHS),
        ("max_term_months", 1, MAX_TERM_MONTHS),
        ("min_membership_months", 0, 600),
        ("decision_days", 1, 60),
    ):
        v.check(field, check_whole, values.get(field, getattr(fund, field)), low=low, high=high)
    for field in ("min_rate", "max_rate", "investor_min_rate", "investor_max_rate"):
        v.check(field, check_rate, values.get(field, getattr(fund, field)))
    v.check("reserve_percent", check_rate, values.get("reserve_percent", fund.reserve_percent))
    clean = v.clean
    if clean.get("min_term_months", 0) > clean.get("max_term_months", MAX_TERM_MONTHS):
        v.fail("max_term_months", _("is at least the shortest term"))
    if clean.get("min_rate", 0) > clean.get("max_rate", MAX_RATE):
        v.fail("max_rate", _("is at least the lowest rate"))
    if clean.get("investor_min_rate", 0) > clean.get("investor_max_rate", MAX_RATE):
        v.fail("investor_max_rate", _("is at least the lowest investor rate"))
    committee = values.get("committee", fund.committee)
    if committee is not None and (
        not isinstance(committee, Body)
        or not committee.is_committee
        or committee.network_id != fund.network_id
    ):
        v.fail("committee", _("is a committee of the fund's network"))
    clean["committee"] = committee
    clean["decide_by_poll"] = bool(values.get("decide_by_poll", fund.decide_by_poll))
    return v.done()


def fund_create(
    *,
    actor: AnyUser,
    network: Network,
    holder: Organization,
    currency: str,
    values: Mapping[str, Any],
) -> Fund:
    """A network's fund, held by one of its member organisations, with its policy."""
    require(
        permissions.can_set_up_fund(actor, network),
        _("Only the network's coordinators set up its fund"),
    )
    from intercoop.directory.permissions import is_member_now

    if not is_member_now(network, holder):
        raise DomainError(_("The fund is held by one of the network's members"), field="holder")
    fund = Fund(
        network=network,
        holder=holder,
        currency=check_currency(currency),
        created_at=timezone.now(),
        created_by=recorded_user(actor),
    )
    for field, value in _clean_policy(values, fund).items():
        setattr(fund, field, value)
    base = slugify(fund.name)[:100] or "fund"
    slug, n = base, 1
    while slug in RESERVED_SLUGS or Fund.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    fund.slug = slug
    with transaction.atomic():
        fund.save()
        audit(actor, "fund.create", fund, fund, fund.name, [holder])
    return fund


def fund_update(*, actor: AnyUser, fund: Fund, values: Mapping[str, Any]) -> Fund:
    require(permissions.can_manage_fund(actor, fund), _("Only the fund's managers change it"))
    clean = _clean_policy(values, fund)
    with transaction.atomic():
        for field, value in clean.items():
            setattr(fund, field, value)
        fund.save()
        audit(actor, "fund.update", fund, fund, fund.name)
    return fund


def tier_create(
    *, actor: AnyUser, fund: Fund, name: str, description: str, amount: int
) -> EquityTier:
    require(permissions.can_manage_fund(actor, fund), _("Only the fund's managers change it"))
    v = Values()
    v.check("name", check_text, name, max_length=SHORT_TEXT)
    if not (name or "").strip():
        v.fail("name", _("is required"))
    v.check("description", check_text, description or "", max_length=SHORT_TEXT)
    positive_money(v, "amount", amount)
    clean = v.done()
    with transaction.atomic():
        tier = EquityTier.objects.create(fund=fund, **clean)
        audit(actor, "fund.tier", tier, fund, f"{tier.name}: {money(tier.amount, fund)}")
    return tier


# capital in ---------------------------------------------------------------------------------


def pledge_make(
    *,
    actor: AnyUser,
    fund: Fund,
    organization: Organization,
    percent_of_surplus: Any = None,
    yearly_amount: int | None = None,
    first_year: int,
    years: int,
    note: str = "",
) -> Pledge:
    """A member co-op pledges a share of its annual surplus (or an amount a year)."""
    require(
        permissions.can_pledge(actor, fund, organization),
        _("A member co-op's admins and editors pledge its surplus"),
    )
    v = Values()
    if percent_of_surplus in (None, "") and yearly_amount is None:
        v.fail("percent_of_surplus", _("give a share of the surplus or an amount a year"))
    if percent_of_surplus not in (None, ""):
        percent = v.check("percent_of_surplus", check_rate, percent_of_surplus, high=Decimal(100))
        if percent is not None and percent.as_tuple().exponent < -2:  # the field keeps 2
            v.fail("percent_of_surplus", _("has at most 2 decimals"))
        elif percent is not None and percent <= 0:
            v.fail("percent_of_surplus", _("must be more than zero"))
    if yearly_amount is not None:
        positive_money(v, "yearly_amount", yearly_amount)
    this_year = today().year
    v.check("first_year", check_whole, first_year, low=this_year - 10, high=this_year + 10)
    v.check("years", check_whole, years, low=1, high=50)
    v.check("note", check_text, note or "", max_length=SHORT_TEXT)
    clean = v.done()
    with transaction.atomic():
        pledge = Pledge.objects.create(
            fund=fund,
            organization=organization,
            created_at=timezone.now(),
            created_by=recorded_user(actor),
            **clean,
        )
        audit(actor, "fund.pledge", pledge, fund, str(pledge), [organization])
    return pledge


def contribution_record(
    *,
    actor: AnyUser,
    fund: Fund,
    organization: Organization,
    amount: int,
    received_on: dt.date,
    pledge: Pledge | None = None,
    surplus_year: int | None = None,
    idempotency_key: str | None = None,
) -> Contribution:
    """Money a member co-op paid into the fund (fulfilling `pledge`, if given). With an
    idempotency key, a retried request returns the first contribution instead of
    recording it again."""
    require(permissions.can_record_capital(actor, fund), _("Only the fund's managers record money"))
    v = Values()
    positive_money(v, "amount", amount)
    v.check("received_on", check_day, received_on, not_future=True)
    if pledge is not None and (
        pledge.fund_id != fund.pk or pledge.organization_id != organization.pk
    ):
        v.fail("pledge", _("is a pledge of this organisation to this fund"))
    if surplus_year is not None:
        v.check("surplus_year", check_whole, surplus_year, low=1900, high=today().year)
    v.check("idempotency_key", check_key, idempotency_key)
    clean = v.done()
    with transaction.atomic():
        locks.lock_fund(fund)  # a retry with the same key waits for the first
        key = clean["idempotency_key"]
        if key and (done := Contribution.objects.filter(fund=fund, idempotency_key=key).first()):
            if (done.organization_id, done.amount, done.received_on) != (
                organization.pk,
                clean["amount"],
                clean["received_on"],
            ):
                raise DomainError(
                    _("This idempotency key was used for another contribution"),
                    field="idempotency_key",
                )
            return done
        contribution = Contribution.objects.create(
            fund=fund,
            organization=organization,
            pledge=pledge,
            created_at=timezone.now(),
            created_by=recorded_user(actor),
            **clean,
        )
        post(
            fund,
            LedgerTransaction.Kind.CONTRIBUTION,
            books.contribution(contribution.amount),
            actor=actor,
            on=received_on,
            organization=organization,
            memo=_("Contribution from %(org)s") % {"org": organization.name},
        )
        audit(
            actor,
            "fund.contribution",
            contribution,
            fund,
            f"{organization.name}: {money(contribution.amount, fund)}",
            [organization],
        )
    return contribution


def equity_record(
    *,
    actor: AnyUser,
    fund: Fund,
    organization: Organization,
    amount: int,
    on: dt.date,
    tier: EquityTier | None = None,
) -> EquityEntry:
    """Member equity bought (amount > 0) or redeemed (amount < 0) by a member co-op."""
    require(permissions.can_record_capital(actor, fund), _("Only the fund's managers record money"))
    v = Values()
    v.check("amount", check_money, amount, negative=True)
    if amount == 0:
        v.fail("amount", _("must not be zero"))
    on = v.check("on", check_day, on, not_future=True)
    if tier is not None and tier.fund_id != fund.pk:
        v.fail("tier", _("is one of the fund's tiers"))
    clean = v.done()
    with transaction.atomic():
        locks.lock_fund(fund)
        held = sum(
            EquityEntry.objects.filter(fund=fund, organization=organization).values_list(
                "amount", flat=True
            )
        )
        if held + amount < 0:
            raise DomainError(
                _("%(org)s holds %(held)s of equity")
                % {"org": organization.name, "held": money(held, fund)},
                field="amount",
            )
        entry = EquityEntry.objects.create(
            fund=fund,
            organization=organization,
            tier=tier,
            amount=clean["amount"],
            on=on,
            created_at=timezone.now(),
            created_by=recorded_user(actor),
        )
        posting = books.equity_purchase(amount) if amount > 0 else books.equity_redemption(-amount)
        post(
            fund,
            LedgerTransaction.Kind.EQUITY,
            posting,
            actor=actor,
            on=on,
            organization=organization,
            memo=_("Member equity of %(org)s") % {"org": organization.name},
        )
        audit(
            actor,
            "fund.equity",
            entry,
            fund,
            f"{organization.name}: {money(amount, fund)}",
            [organization],
        )
    return entry


def note_record(
    *,
    actor: AnyUser,
    fund: Fund,
    amount: int,
    rate: Any,
    term_months: int,
    issued_on: dt.date,
    organization: Organization | None = None,
    user: Any = None,
    notice_days: int = 90,
    first_loss: bool = False,
) -> InvestorNote:
    """An investor's note, the money received: at a rate the investor chose within the
    fund's range, for a term, withdrawable on notice."""
    require(permissions.can_record_capital(actor, fund), _("Only the fund's managers record money"))
    v = Values()
    positive_money(v, "amount", amount)
    v.check("rate", check_rate, rate, low=fund.investor_min_rate, high=fund.investor_max_rate)
    v.check("term_months", check_whole, term_months, low=1, high=MAX_TERM_MONTHS)
    v.check("notice_days", check_whole, notice_days, low=0, high=3650)
    issued_on = v.check("issued_on", check_day, issued_on, not_future=True)
    if (organization is None) == (user is None):
        v.fail("investor", _("name one investor: an organisation or a person"))
    clean = v.done()
    with transaction.atomic():
        note = InvestorNote.objects.create(
            fund=fund,
            organization=organization,
            user=user,
            first_loss=bool(first_loss),
            matures_on=due_date(issued_on, term_months),
            created_at=timezone.now(),
            created_by=recorded_user(actor),
            **clean,
        )
        post(
            fund,
            LedgerTransaction.Kind.NOTE,
            books.note_issue(note.amount),
            actor=actor,
            on=issued_on,
            note=note,
            organization=organization,
            memo=_("Note from %(investor)s") % {"investor": note.investor_name},
        )
        audit(
            actor,
            "fund.note",
            note,
            fund,
            f"{note.investor_name}: {money(note.amount, fund)} {note.rate}%",
            [organization],
        )
    return note


def note_give_notice(
    *, actor: AnyUser, note: InvestorNote, on: dt.date | None = None
) -> InvestorNote:
    """The investor asks to withdraw; the fund repays after the note's notice period."""
    require(permissions.can_give_notice(actor, note), _("Only the investor gives notice"))
    on = today() if on is None else check_day(on, field="on", not_future=True)
    if on < note.issued_on:
        raise DomainError(_("Notice is given after the note's issue"), field="on")
    with transaction.atomic():
        locks.lock_note(note)
        if note.status != InvestorNote.Status.ACTIVE:
            raise DomainError(_("Notice was already given"))
        note.status = InvestorNote.Status.NOTICE
        note.notice_given_on = on
        note.save(update_fields=["status", "notice_given_on"])
        audit(actor, "fund.note_notice", note, note.fund, note.investor_name, [note.organization])
        notify(
            users=managers(note.fund),
            subject=gettext_lazy("%(investor)s asked to withdraw a note of %(amount)s"),
            params={
                "investor": note.investor_name,
                "amount": in_their_language(format_money, note.amount, note.fund.currency),
            },
            link=("capital:note", [note.pk]),
            kind="capital",
        )
    return note


def note_repay(*, actor: AnyUser, note: InvestorNote, on: dt.date) -> InvestorNote:
    """Repay a note with the interest it earned to `on`."""
    require(
        permissions.can_record_capital(actor, note.fund), _("Only the fund's managers record money")
    )
    on = check_day(on, field="on", not_future=True)
    if on < note.issued_on:
        raise DomainError(_("A note is repaid after its issue"), field="on")
    with transaction.atomic():
        locks.lock_note(note)  # two repayments may race
        if not note.is_open:
            raise DomainError(_("This note was repaid already"))
        interest = note_interest(note, on)
        note.status, note.repaid_on, note.interest_paid = InvestorNote.Status.REPAID, on, interest
        note.save(update_fields=["status", "repaid_on", "interest_paid"])
        post(
            note.fund,
            LedgerTransaction.Kind.NOTE_REPAYMENT,
            books.note_repayment(note.amount, interest),
            actor=actor,
            on=on,
            note=note,
            organization=note.organization,
            memo=_("Note repaid to %(investor)s") % {"investor": note.investor_name},
        )
        audit(
            actor,
            "fund.note_repay",
            note,
            note.fund,
            f"{note.investor_name}: {money(note.amount + interest, note.fund)}",
            [note.organization],
        )
    return note


from intercoop.capital.lending import (  # noqa: E402, F401 - re-exported
    application_create,
    application_decide,
    application_message,
    application_review,
    application_submit,
    application_to_committee,
    application_update,
    application_withdraw,
    attachment_add,
    current_schedule,
    loan_disburse,
    loan_respond,
    loan_restructure,
    loan_write_off,
    repayment_record,
)
