"""Writes to an organisation's registers: share classes, subscriptions (paid at once or
by monthly instalments, payroll deductions included), payments, transfers, redemptions,
and members entered, updated and ceased. Each service takes the acting user, checks its
one rule (permissions_registers: the organisation's admins and staff) itself, writes
and records an audit event, in one transaction; pages, the pathways, the demo and the
CLI call them and repeat no rule.

The share ledger (`ShareEntry`) is append-only; a member's shares and the amount paid on
them are sums of its entries. Rules of the ledger:
- a subscription adds its shares (amount 0); its payments add money, never more than is
  owed on it; `paid` and `paid_in_full_on` are kept at hand on the subscription;
- only fully paid shares are transferred or redeemed, at their price; a transfer is an
  entry out (−shares, −value) and one in (+shares, +value), between two current members
  of the organisation, of a transferable class;
- a redemption is paid out `redemption_months` after it is asked (`payout_on`); while a
  member, one keeps at least the class's minimum; ceasing redeems everything paid up.
- a member's membership becomes effective when the minimum of a class is paid in full
  (`minimum_paid`).
"""

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from intercoop.core.audit import audit_record
from intercoop.core.bounds import (
    MAX_MONEY,
    SHORT_TEXT,
    OutOfBounds,
    check_currency,
    check_money,
    check_text,
)
from intercoop.core.errors import DomainError
from intercoop.core.money import format_money
from intercoop.core.months import add_months
from intercoop.core.permissions import AnyUser, recorded_user, require
from intercoop.core.values import Values, check_day, check_key, check_whole, positive_money
from intercoop.directory.models import Organization
from intercoop.membership import plans
from intercoop.membership.models import Application, Member, ShareClass, ShareEntry, Subscription
from intercoop.membership.permissions_registers import can_keep_registers
from intercoop.membership.selectors_registers import PAYMENT_METHODS, holding_of

MAX_SHARES = 1_000_000_000
MAX_ADDRESS = 1000
MAX_REDEMPTION_MONTHS = 600
ONLY_ADMINS = gettext_lazy("Only the organisation's administrators keep its registers")


def today() -> dt.date:
    return timezone.localdate()


def require_keeper(actor: AnyUser | None, organization: Organization) -> None:
    require(can_keep_registers(actor, organization), str(ONLY_ADMINS))


def _audit(
    actor: AnyUser | None, action: str, target: Any, organization: Organization, summary: str
) -> None:
    audit_record(
        actor=actor,
        action=action,
        target=target,
        summary=summary,
        organizations=[organization],
    )


def _money(amount: int, share_class: ShareClass) -> str:
    return format_money(amount, share_class.currency)


def _lock_class(share_class: ShareClass) -> None:
    """Every ledger write of a class takes this lock first (no-op on SQLite, whose one
    writer serialises the writes)."""
    ShareClass.objects.filter(pk=share_class.pk).select_for_update().values_list("pk").get()


def lock_member(member: Member) -> None:
    """Lock the register's row and read its date ceased again (a cease may race)."""
    row = Member.objects.select_for_update().values("ceased_on").get(pk=member.pk)
    member.ceased_on = row["ceased_on"]


# share classes --------------------------------------------------------------------------


def _clean_class(
    values: Mapping[str, Any], share_class: ShareClass, *, issued: bool
) -> dict[str, Any]:
    v = Values()
    name = v.check("name", check_text, values.get("name", share_class.name), max_length=SHORT_TEXT)
    if name is not None and not name.strip():
        v.fail("name", _("is required"))
    price = positive_money(v, "price", values.get("price", share_class.price))
    v.check("currency", check_currency, values.get("currency", share_class.currency))
    v.check(
        "minimum",
        check_whole,
        values.get("minimum", share_class.minimum),
        low=1,
        high=MAX_SHARES,
    )
    v.check(
        "redemption_months",
        check_whole,
        values.get("redemption_months", share_class.redemption_months),
        low=0,
        high=MAX_REDEMPTION_MONTHS,
    )
    v.clean["transferable"] = bool(values.get("transferable", share_class.transferable))
    if issued:
        # the nominal value of issued shares does not change
        if price and price != share_class.price:
            v.fail("price", _("cannot change once shares of the class are subscribed"))
        if v.clean.get("currency", share_class.currency) != share_class.currency:
            v.fail("currency", _("cannot change once shares of the class are subscribed"))
    others = ShareClass.objects.filter(organization_id=share_class.organization_id).exclude(
        pk=share_class.pk
    )
    other_currency = others.values_list("currency", flat=True).first()
    if other_currency and v.clean.get("currency") not in (None, other_currency):
        v.fail(
            "currency",
            _("is %(currency)s, as the organisation's other share classes")
            % {"currency": other_currency},
        )
    return v.done()


def share_class_create(
    *,
    actor: AnyUser | None,
    organization: Organization,
    name: str,
    price: int,
    currency: str,
    minimum: int = 1,
    transferable: bool = False,
    redemption_months: int = 0,
) -> ShareClass:
    """A class of the organisation's shares: its price (minor units), the shares needed
    to be a member, whether members may transfer them, and the months from a request to
    the payout of a redemption. An organisation's classes share one currency."""
    require_keeper(actor, organization)
    share_class = ShareClass(organization=organization, currency="")
    clean = _clean_class(
        {
            "name": name,
            "price": price,
            "currency": currency,
            "minimum": minimum,
            "transferable": transferable,
            "redemption_months": redemption_months,
        },
        share_class,
        issued=False,
    )
    for key, value in clean.items():
        setattr(share_class, key, value)
    with transaction.atomic():
        share_class.save()
        _audit(
            actor,
            "membership.share_class_create",
            share_class,
            organization,
            f"{share_class.name}: {_money(share_class.price, share_class)}",
        )
    return share_class


def share_class_update(
    *, actor: AnyUser | None, share_class: ShareClass, values: Mapping[str, Any]
) -> ShareClass:
    """Change a class (`values`: any of name, price, currency, minimum, transferable,
    redemption_months). Price and currency are fixed once shares are subscribed."""
    require_keeper(actor, share_class.organization)
    issued = Subscription.objects.filter(share_class=share_class).exists()
    clean = _clean_class(values, share_class, issued=issued)
    with transaction.atomic():
        for key, value in clean.items():
            setattr(share_class, key, value)
        share_class.save()
        _audit(
            actor,
            "membership.share_class_update",
            share_class,
            share_class.organization,
            f"{share_class.name}: {_money(share_class.price, share_class)}",
        )
    return share_class


# subscriptions and payments ---------------------------------------------------------------


def _member_of(application: Application) -> Member | None:
    return Member.objects.filter(application=application).first()


def subscribe(
    *,
    actor: AnyUser | None,
    share_class: ShareClass,
    shares: int,
    instalments: int = 1,
    first_due_on: dt.date,
    member: Member | None = None,
    application: Application | None = None,
    on: dt.date | None = None,
) -> Subscription:
    """A member (or an applicant, by their `application` to the organisation) subscribes
    for `shares` of the class: the amount is shares × price, paid at once or in
    `instalments` monthly payments from `first_due_on` (plans.instalment_plan). The
    ledger gets a subscription entry (+shares, amount 0) dated `on` (today)."""
    organization = share_class.organization
    require_keeper(actor, organization)
    v = Values()
    v.check("shares", check_whole, shares, low=1, high=MAX_SHARES)
    v.check("instalments", check_whole, instalments, low=1, high=plans.MAX_INSTALMENTS)
    v.check("first_due_on", check_day, first_due_on)
    v.check("on", check_day, on if on is not None else today())
    if (member is None) == (application is None):
        v.fail("member", _("name the member or the application"))
    if member is not None:
        if member.organization_id != organization.pk:
            v.fail("member", _("is on the register of the share class's organisation"))
        elif member.ceased_on is not None:
            v.fail("member", _("has ceased to be a member"))
    if application is not None:
        if application.pathway.organization_id != organization.pk:
            v.fail("application", _("is an application to the share class's organisation"))
        elif not (application.is_open or application.status == Application.Status.MEMBER):
            v.fail("application", _("is withdrawn, refused or ended"))
        else:
            member = _member_of(application)
    clean = v.done()
    amount = clean["shares"] * share_class.price
    if amount > MAX_MONEY:
        raise DomainError(_("is more shares than the register can hold"), field="shares")
    with transaction.atomic():
        _lock_class(share_class)
        subscription = Subscription.objects.create(
            member=member,
            application=application,
            share_class=share_class,
            shares=clean["shares"],
            amount=amount,
            instalments=clean["instalments"],
            first_due_on=clean["first_due_on"],
            created_at=timezone.now(),
        )
        ShareEntry.objects.create(
            organization=organization,
            share_class=share_class,
            member=member,
            subscription=subscription,
            kind=ShareEntry.Kind.SUBSCRIPTION,
            shares=clean["shares"],
            amount=0,
            on=clean["on"],
            created_at=timezone.now(),
            created_by=recorded_user(actor),
        )
        _audit(
            actor,
            "membership.subscribe",
            subscription,
            organization,
            f"{clean['shares']} × {share_class.name}: {_money(amount, share_class)}"
            f" / {clean['instalments']}",
        )
    return subscription


def plan_of(subscription: Subscription) -> list[plans.PlanRow]:
    """The subscription's instalment plan."""
    return plans.instalment_plan(
        subscription.amount, subscription.instalments, subscription.first_due_on
    )


def payment_record(
    *,
    actor: AnyUser | None,
    subscription: Subscription,
    amount: int,
    on: dt.date,
    method: str = "",
    idempotency_key: str | None = None,
) -> ShareEntry:
    """A payment on a subscription (a bank transfer, cash, a payroll deduction, …), not
    more than is owed on it; the subscription keeps what is paid and the date it was
    paid in full. With an idempotency key (a payroll run's name for the deduction), a
    retried request returns the first payment."""
    share_class = subscription.share_class
    organization = share_class.organization
    require_keeper(actor, organization)
    v = Values()
    positive_money(v, "amount", amount)
    v.check("on", check_day, on, not_future=True)
    method = str(method or "")
    if method and method not in PAYMENT_METHODS:
        v.fail("method", _("is one of: %(methods)s") % {"methods": ", ".join(PAYMENT_METHODS)})
    key = v.check("idempotency_key", check_key, idempotency_key)
    clean = v.done()
    with transaction.atomic():
        _lock_class(share_class)
        row = (
            Subscription.objects.select_for_update()
            .values("paid", "member_id")
            .get(pk=subscription.pk)
        )
        if key and (done := subscription.entries.filter(idempotency_key=key).first()):
            if (done.amount, done.on, done.method) != (clean["amount"], clean["on"], method):
                raise DomainError(
                    _("This idempotency key was used for another payment"),
                    field="idempotency_key",
                )
            return done
        subscription.paid, subscription.member_id = row["paid"], row["member_id"]
        member = subscription.member
        if member is not None and member.ceased_on is not None:
            raise DomainError(_("The member has ceased to be a member"), field="subscription")
        owed = subscription.amount - subscription.paid
        if owed <= 0:
            raise DomainError(_("The subscription is paid in full"), field="amount")
        if clean["amount"] > owed:
            raise DomainError(
                _("is more than what is owed (%(owed)s)") % {"owed": _money(owed, share_class)},
                field="amount",
            )
        entry = ShareEntry.objects.create(
            organization=organization,
            share_class=share_class,
            member=member,
            subscription=subscription,
            kind=ShareEntry.Kind.PAYMENT,
            shares=0,
            amount=clean["amount"],
            on=clean["on"],
            method=method,
            idempotency_key=key,
            created_at=timezone.now(),
            created_by=recorded_user(actor),
        )
        subscription.paid += clean["amount"]
        payments = ShareEntry.objects.filter(
            subscription=subscription, kind=ShareEntry.Kind.PAYMENT
        ).values_list("on", "amount")
        subscription.paid_in_full_on = plans.paid_in_full_on(subscription.amount, payments)
        subscription.save(update_fields=["paid", "paid_in_full_on"])
        _audit(
            actor,
            "membership.payment",
            entry,
            organization,
            f"{_money(clean['amount'], share_class)} {method}".strip(),
        )
    return entry


# transfers and redemptions -----------------------------------------------------------------


def _keep_minimum(member: Member, share_class: ShareClass, held_after: int) -> None:
    if member.ceased_on is None and held_after < share_class.minimum:
        raise DomainError(
            _("A member keeps at least %(minimum)s shares of %(name)s")
            % {"minimum": share_class.minimum, "name": share_class.name},
            field="shares",
        )


def _fully_paid(member: Member, share_class: ShareClass, shares: int) -> int:
    """The shares the member holds, after checking they hold `shares` fully paid."""
    held, paid = holding_of(member, share_class)
    fully_paid = min(held, paid // share_class.price)
    if shares > fully_paid:
        raise DomainError(
            _("%(name)s holds %(count)s fully paid shares of this class")
            % {"name": member.name, "count": fully_paid},
            field="shares",
        )
    return held


def transfer(
    *,
    actor: AnyUser | None,
    from_member: Member,
    to_member: Member,
    share_class: ShareClass,
    shares: int,
    on: dt.date,
) -> tuple[ShareEntry, ShareEntry]:
    """Fully paid shares of a transferable class pass from one current member of the
    organisation to another, at their price: an entry out and an entry in."""
    organization = share_class.organization
    require_keeper(actor, organization)
    v = Values()
    v.check("shares", check_whole, shares, low=1, high=MAX_SHARES)
    v.check("on", check_day, on, not_future=True)
    if not share_class.transferable:
        v.fail("share_class", _("its shares are not transferable"))
    for name, member in (("from_member", from_member), ("to_member", to_member)):
        if member.organization_id != organization.pk:
            v.fail(name, _("is on the register of the share class's organisation"))
    if from_member.pk == to_member.pk:
        v.fail("to_member", _("is another member"))
    clean = v.done()
    value = clean["shares"] * share_class.price
    with transaction.atomic():
        _lock_class(share_class)
        for name, member in (("from_member", from_member), ("to_member", to_member)):
            lock_member(member)
            if member.ceased_on is not None:
                raise DomainError(_("has ceased to be a member"), field=name)
        held = _fully_paid(from_member, share_class, clean["shares"])
        _keep_minimum(from_member, share_class, held - clean["shares"])
        common = {
            "organization": organization,
            "share_class": share_class,
            "kind": ShareEntry.Kind.TRANSFER_OUT,
            "on": clean["on"],
            "created_at": timezone.now(),
            "created_by": recorded_user(actor),
        }
        out = ShareEntry.objects.create(
            **common,
            member=from_member,
            shares=-clean["shares"],
            amount=-value,
            counterparty=to_member,
        )
        common["kind"] = ShareEntry.Kind.TRANSFER_IN
        into = ShareEntry.objects.create(
            **common,
            member=to_member,
            shares=clean["shares"],
            amount=value,
            counterparty=from_member,
        )
        _audit(
            actor,
            "membership.transfer",
            out,
            organization,
            f"{clean['shares']} × {share_class.name}: {from_member.name} → {to_member.name}",
        )
    return out, into


def _redemption(
    actor: AnyUser | None,
    member: Member,
    share_class: ShareClass,
    shares: int,
    amount: int,
    on: dt.date,
) -> ShareEntry:
    return ShareEntry.objects.create(
        organization=member.organization,
        share_class=share_class,
        member=member,
        kind=ShareEntry.Kind.REDEMPTION,
        shares=-shares,
        amount=-amount,
        on=on,
        payout_on=add_months(on, share_class.redemption_months),
        created_at=timezone.now(),
        created_by=recorded_user(actor),
    )


def redeem(
    *,
    actor: AnyUser | None,
    member: Member,
    share_class: ShareClass,
    shares: int,
    on: dt.date,
) -> ShareEntry:
    """A member's fully paid shares are redeemed at their price, asked on `on` and paid
    out `redemption_months` later (`payout_on`). While a member, one keeps the class's
    minimum."""
    organization = share_class.organization
    require_keeper(actor, organization)
    v = Values()
    v.check("shares", check_whole, shares, low=1, high=MAX_SHARES)
    v.check("on", check_day, on, not_future=True)
    if member.organization_id != organization.pk:
        v.fail("member", _("is on the register of the share class's organisation"))
    clean = v.done()
    with transaction.atomic():
        _lock_class(share_class)
        lock_member(member)
        held = _fully_paid(member, share_class, clean["shares"])
        _keep_minimum(member, share_class, held - clean["shares"])
        value = clean["shares"] * share_class.price
        entry = _redemption(actor, member, share_class, clean["shares"], value, clean["on"])
        _audit(
            actor,
            "membership.redeem",
            entry,
            organization,
            f"{member.name}: {clean['shares']} × {share_class.name},"
            f" {_money(value, share_class)} → {entry.payout_on}",
        )
    return entry


# the register of members -------------------------------------------------------------------


def _check_email(value: Any, *, field: str) -> str:
    text = check_text(value, field=field, max_length=254).strip()
    if text:
        try:
            validate_email(text)
        except ValidationError:
            raise OutOfBounds(_("is not an e-mail address"), field=field) from None
    return text


def _check_name(value: Any, *, field: str) -> str:
    text = check_text(value, field=field, max_length=SHORT_TEXT).strip()
    if not text:
        raise OutOfBounds(_("is required"), field=field)
    return text


def member_enter(
    *,
    actor: AnyUser | None,
    organization: Organization,
    name: str,
    user: Any = None,
    member_organization: Organization | None = None,
    email: str = "",
    address: str = "",
    entered_on: dt.date,
    application: Application | None = None,
) -> Member:
    """Enter a member on the organisation's register: a person (`user`, whose e-mail is
    taken when none is given) or an organisation, or someone without an account. With
    their `application`, its subscriptions become the member's."""
    require_keeper(actor, organization)
    v = Values()
    if not (name or "").strip() and user is not None:
        name = user.get_full_name() or user.username
    v.check("name", _check_name, name)
    if not email and user is not None:
        email = user.email or ""
    v.check("email", _check_email, email)
    v.check("address", check_text, address or "", max_length=MAX_ADDRESS)
    v.check("entered_on", check_day, entered_on, not_future=True)
    if user is not None and member_organization is not None:
        v.fail("user", _("a member is a person or an organisation, not both"))
    if member_organization is not None and member_organization.pk == organization.pk:
        v.fail("member_organization", _("is another organisation"))
    if application is not None:
        if application.pathway.organization_id != organization.pk:
            v.fail("application", _("is an application to this organisation"))
        elif Member.objects.filter(application=application).exists():
            v.fail("application", _("is already on the register"))
    current = Member.objects.filter(organization=organization, ceased_on__isnull=True)
    if user is not None and current.filter(user=user).exists():
        v.fail("user", _("is already on the register"))
    if (
        member_organization is not None
        and current.filter(member_organization=member_organization).exists()
    ):
        v.fail("member_organization", _("is already on the register"))
    clean = v.done()
    with transaction.atomic():
        member = Member.objects.create(
            organization=organization,
            user=user,
            member_organization=member_organization,
            application=application,
            **clean,
        )
        if application is not None:
            Subscription.objects.filter(application=application, member__isnull=True).update(
                member=member
            )
        _audit(actor, "membership.member_enter", member, organization, member.name)
    return member


MEMBER_FIELDS = ("name", "address", "email", "loans")


def member_update(*, actor: AnyUser | None, member: Member, values: Mapping[str, Any]) -> Member:
    """Correct a row of the register (`values`: any of name, address, email, loans — the
    member's loans to the organisation, in minor units)."""
    require_keeper(actor, member.organization)
    v = Values()
    if "name" in values:
        v.check("name", _check_name, values["name"])
    if "email" in values:
        v.check("email", _check_email, values["email"] or "")
    if "address" in values:
        v.check("address", check_text, values["address"] or "", max_length=MAX_ADDRESS)
    if "loans" in values:
        v.check("loans", check_money, values["loans"])
    clean = v.done()
    changed = [key for key in MEMBER_FIELDS if key in clean and clean[key] != getattr(member, key)]
    with transaction.atomic():
        for key in changed:
            setattr(member, key, clean[key])
        if changed:
            member.save(update_fields=changed)
        _audit(
            actor,
            "membership.member_update",
            member,
            member.organization,
            f"{member.name}: {', '.join(changed) or '-'}",
        )
    return member


def member_cease(*, actor: AnyUser | None, member: Member, on: dt.date, reason: str) -> Member:
    """The member ceases on `on` (dated on the register, with why): the equity to repay
    is everything paid up on their shares, redeemed class by class with the payout date
    each class's rules set. Nothing more is paid on their subscriptions."""
    organization = member.organization
    require_keeper(actor, organization)
    v = Values()
    v.check("on", check_day, on, not_future=True)
    v.check("reason", _check_name, reason)
    clean = v.done()
    if clean["on"] < member.entered_on:
        raise DomainError(_("is on or after the date entered"), field="on")
    with transaction.atomic():
        classes = list(ShareClass.objects.filter(organization=organization).order_by("pk"))
        for share_class in classes:
            _lock_class(share_class)
        lock_member(member)
        if member.ceased_on is not None:
            raise DomainError(_("has already ceased to be a member"), field="on")
        member.ceased_on, member.ceased_reason = clean["on"], clean["reason"]
        member.save(update_fields=["ceased_on", "ceased_reason"])
        repaid = 0
        for share_class in classes:
            held, paid = holding_of(member, share_class)
            if held or paid:
                _redemption(actor, member, share_class, held, paid, clean["on"])
                repaid += paid
        currency = classes[0].currency if classes else ""
        _audit(
            actor,
            "membership.member_cease",
            member,
            organization,
            f"{member.name}: {clean['reason']}"
            + (f"; {format_money(repaid, currency)}" if currency else ""),
        )
    return member


# the equity step ----------------------------------------------------------------------------


def minimum_paid(
    application: Application, *, share_class: ShareClass | None = None
) -> dt.date | None:
    """The date the application's subscriptions first had the minimum of a share class
    (`share_class`, else any class they are for) paid in full: payments of that class in
    date order reaching minimum × price. Membership becomes effective then. None while
    no class's minimum is paid."""
    subscriptions = Subscription.objects.filter(
        Q(application=application) | Q(member__application=application)
    )
    if share_class is not None:
        subscriptions = subscriptions.filter(share_class=share_class)
    payments = (
        ShareEntry.objects.filter(subscription__in=subscriptions, kind=ShareEntry.Kind.PAYMENT)
        .select_related("share_class")
        .order_by("on", "pk")
    )
    by_class: dict[int, list[tuple[dt.date, int]]] = {}
    classes: dict[int, ShareClass] = {}
    for entry in payments:
        by_class.setdefault(entry.share_class_id, []).append((entry.on, entry.amount))
        classes[entry.share_class_id] = entry.share_class
    dates = [
        plans.paid_in_full_on(classes[pk].minimum * classes[pk].price, found)
        for pk, found in by_class.items()
    ]
    reached = [d for d in dates if d is not None]
    return min(reached) if reached else None
