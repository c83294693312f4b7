"""Reading an organisation's registers: the register of members (UK Co-operative and
Community Benefit Societies Act 2014 s.30: name, address, e-mail, shares held and the
amount paid on them, loans, date entered, date ceased) and the share register (per
member and share class: shares, amount paid and the ledger's entries).

Every figure is a sum of the append-only share ledger. An entry written while the
holder was still an applicant names no member, only its subscription; once the applicant
is entered on the register the subscription names the member, and the entry counts for
them (`HOLDER`). The register is a few aggregate queries whatever its size, and
`register_rows` streams it for the CSV download.

Who may call these is the pages' business (permissions_registers: the organisation's
admins and staff; a member their own holdings)."""

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy

from intercoop.directory.models import Organization
from intercoop.membership.models import Member, ShareClass, ShareEntry, Subscription
from intercoop.membership.plans import paid_in_full_on

# how a payment was made (ShareEntry.method)
PAYMENT_METHODS = {
    "bank": gettext_lazy("Bank transfer"),
    "cash": gettext_lazy("Cash"),
    "payroll": gettext_lazy("Payroll deduction"),
    "card": gettext_lazy("Card"),
    "other": gettext_lazy("Other"),
}

# the register row an entry counts for: its member, or its subscription's member
HOLDER = Coalesce("member_id", "subscription__member_id")
CHUNK = 2_000


@dataclass(frozen=True)
class RegisterRow:
    member_id: int
    name: str
    address: str
    email: str
    shares_held: int
    paid: int  # minor units of the register's currency
    loans: int  # minor units
    entered_on: dt.date
    ceased_on: dt.date | None

    @property
    def has_ceased(self) -> bool:
        return self.ceased_on is not None


@dataclass
class Holding:
    """A member's shares of one class: how many, the amount paid on them, and (on the
    share register) the ledger's entries."""

    member: Member
    share_class: ShareClass
    shares: int
    paid: int
    entries: list[ShareEntry] = field(default_factory=list)

    @property
    def unpaid(self) -> int:
        """What is still to be paid on the shares held."""
        return max(0, self.shares * self.share_class.price - self.paid)

    @property
    def fully_paid_shares(self) -> int:
        return min(self.shares, self.paid // self.share_class.price)


def register_currency(organization: Organization) -> str:
    """The currency of the organisation's share classes (they share one), in which its
    register shows amounts paid and loans; "" before it has a share class."""
    found = (
        ShareClass.objects.filter(organization=organization)
        .order_by("pk")
        .values_list("currency", flat=True)
        .first()
    )
    return found or ""


def share_classes(organization: Organization) -> list[ShareClass]:
    return list(ShareClass.objects.filter(organization=organization).order_by("name", "pk"))


# the register of members ---------------------------------------------------------------


def register_members(organization: Organization, *, on: dt.date | None = None) -> QuerySet[Member]:
    """The rows of the register, by name: everyone entered (by `on`, when given),
    former members included."""
    members = Member.objects.filter(organization=organization)
    if on is not None:
        members = members.filter(entered_on__lte=on)
    return members.order_by("name", "pk")


def holder_totals(
    organization: Organization,
    *,
    on: dt.date | None = None,
    member_ids: Iterable[int] | None = None,
) -> dict[int, tuple[int, int]]:
    """member id → (shares held, amount paid) from the ledger (up to `on`): one query."""
    entries = ShareEntry.objects.filter(organization=organization)
    if on is not None:
        entries = entries.filter(on__lte=on)
    if member_ids is not None:
        ids = list(member_ids)
        entries = entries.filter(
            Q(member_id__in=ids) | Q(member__isnull=True, subscription__member_id__in=ids)
        )
    rows = (
        entries.annotate(holder=HOLDER)
        .filter(holder__isnull=False)
        .values("holder")
        .annotate(shares=Sum("shares"), paid=Sum("amount"))
        .order_by()
        .values_list("holder", "shares", "paid")
    )
    return {holder: (shares or 0, paid or 0) for holder, shares, paid in rows}


REGISTER_FIELDS = ("pk", "name", "address", "email", "loans", "entered_on", "ceased_on")


def register_rows(
    organization: Organization,
    *,
    on: dt.date | None = None,
    members: QuerySet[Member] | Iterable[Member] | None = None,
) -> Iterator[RegisterRow]:
    """The register's rows, as of `on` (today's when None): a date ceased after `on` is
    not shown yet. `members`: only these rows (a page of them); else every row, read in
    chunks (two queries for the whole register)."""
    if members is None:
        listed: Iterable[Any] = (
            register_members(organization, on=on).values_list(*REGISTER_FIELDS).iterator(CHUNK)
        )
        totals = holder_totals(organization, on=on)
    else:
        rows = [
            (m.pk, m.name, m.address, m.email, m.loans, m.entered_on, m.ceased_on) for m in members
        ]
        listed = rows
        totals = holder_totals(organization, on=on, member_ids=[row[0] for row in rows])
    for pk, name, address, email, loans, entered_on, ceased_on in listed:
        shares, paid = totals.get(pk, (0, 0))
        if on is not None and ceased_on is not None and ceased_on > on:
            ceased_on = None
        yield RegisterRow(
            member_id=pk,
            name=name,
            address=address,
            email=email,
            shares_held=shares,
            paid=paid,
            loans=loans,
            entered_on=entered_on,
            ceased_on=ceased_on,
        )


def register_of_members(
    organization: Organization, *, on: dt.date | None = None
) -> list[RegisterRow]:
    """The whole register of members as of `on` (by name)."""
    return list(register_rows(organization, on=on))


# the share register ----------------------------------------------------------------------


def share_register(
    organization: Organization, *, members: Iterable[Member] | None = None
) -> list[Holding]:
    """Per member (by name) and share class: shares held, the amount paid and the
    ledger's entries (by date). `members`: only theirs (a page of the register). Three
    queries."""
    chosen = list(members) if members is not None else list(register_members(organization))
    by_pk = {m.pk: m for m in chosen}
    classes = {c.pk: c for c in ShareClass.objects.filter(organization=organization)}
    ids = list(by_pk)
    entries = (
        ShareEntry.objects.filter(organization=organization)
        .filter(Q(member_id__in=ids) | Q(member__isnull=True, subscription__member_id__in=ids))
        .annotate(holder=HOLDER)
        .select_related("counterparty")
        .order_by("on", "pk")
    )
    holdings: dict[tuple[int, int], Holding] = {}
    for entry in entries:
        key = (entry.holder, entry.share_class_id)
        holding = holdings.get(key)
        if holding is None:
            holding = holdings[key] = Holding(
                member=by_pk[key[0]], share_class=classes[key[1]], shares=0, paid=0
            )
        holding.shares += entry.shares
        holding.paid += entry.amount
        entry.method_label = PAYMENT_METHODS.get(entry.method, entry.method)  # type: ignore[attr-defined]
        holding.entries.append(entry)
    order = {pk: n for n, pk in enumerate(by_pk)}
    return sorted(
        holdings.values(),
        key=lambda h: (order[h.member.pk], h.share_class.name, h.share_class.pk),
    )


def share_register_rows(organization: Organization) -> Iterator[Holding]:
    """The share register without its entries, per member (by name) and class: for the
    CSV download, two aggregate queries and the register read in chunks."""
    classes = {c.pk: c for c in ShareClass.objects.filter(organization=organization)}
    totals: dict[int, list[tuple[int, int, int]]] = {}
    rows = (
        ShareEntry.objects.filter(organization=organization)
        .annotate(holder=HOLDER)
        .filter(holder__isnull=False)
        .values("holder", "share_class_id")
        .annotate(shares=Sum("shares"), paid=Sum("amount"))
        .order_by()
        .values_list("holder", "share_class_id", "shares", "paid")
    )
    for holder, class_id, shares, paid in rows:
        totals.setdefault(holder, []).append((class_id, shares or 0, paid or 0))
    for member in register_members(organization).iterator(CHUNK):
        found = [
            Holding(member=member, share_class=classes[class_id], shares=shares, paid=paid)
            for class_id, shares, paid in totals.get(member.pk, ())
        ]
        yield from sorted(found, key=lambda h: (h.share_class.name, h.share_class.pk))


def holdings(member: Member) -> list[Holding]:
    """A member's holdings with their entries (for the member's own page and the
    services' checks)."""
    return share_register(member.organization, members=[member])


def holding_of(member: Member, share_class: ShareClass) -> tuple[int, int]:
    """(shares held, amount paid) of one class: one query."""
    totals = (
        ShareEntry.objects.filter(share_class=share_class)
        .filter(Q(member=member) | Q(member__isnull=True, subscription__member=member))
        .aggregate(shares=Sum("shares"), paid=Sum("amount"))
    )
    return totals["shares"] or 0, totals["paid"] or 0


def subscriptions_of(member: Member) -> list[Subscription]:
    return list(
        Subscription.objects.filter(member=member)
        .select_related("share_class")
        .order_by("first_due_on", "pk")
    )


def paid_as_of(payment: ShareEntry) -> tuple[int, dt.date | None]:
    """What was paid on the payment's subscription once it was recorded (its payments up
    to it), and the date that first paid it in full."""
    assert payment.subscription is not None
    payments = list(
        ShareEntry.objects.filter(
            subscription=payment.subscription_id, kind=ShareEntry.Kind.PAYMENT, pk__lte=payment.pk
        ).values_list("on", "amount")
    )
    return sum(amount for _on, amount in payments), paid_in_full_on(
        payment.subscription.amount, payments
    )


def subscriptions(organization: Organization, *, open_only: bool) -> QuerySet[Subscription]:
    """The organisation's subscriptions, first due first (`open_only`: still to pay)."""
    if open_only:
        return open_subscriptions(organization)
    return (
        Subscription.objects.filter(share_class__organization=organization)
        .select_related("share_class", "member", "application__user", "application__organization")
        .order_by("first_due_on", "pk")
    )


def open_subscriptions(organization: Organization) -> QuerySet[Subscription]:
    """Subscriptions still to be paid, of members who have not ceased or of applicants."""
    return (
        Subscription.objects.filter(share_class__organization=organization)
        .filter(paid__lt=F("amount"))
        .filter(Q(member__isnull=True) | Q(member__ceased_on__isnull=True))
        .select_related("share_class", "member", "application__user", "application__organization")
        .order_by("first_due_on", "pk")
    )


def own_members(user: Any, organization: Organization) -> list[Member]:
    """The user's rows on the organisation's register (as a person)."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(Member.objects.filter(organization=organization, user_id=user.pk).order_by("pk"))
