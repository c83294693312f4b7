"""A network's solidarity fund: capital in (pledges of surplus and the contributions that
fulfil them, member equity, investor notes), capital out (loan applications decided by
the loan committee, loans with their schedules and repayments), and the fund's
double-entry books (`books.py` says what each event posts).

Ledgers are append-only: `Repayment`, `LedgerTransaction` and `LedgerEntry` rows are
never changed; a restructured loan keeps its old schedule, a write-off is a correcting
transaction.
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from intercoop.capital.schedule import METHODS
from intercoop.core.bounds import LONG_TEXT, SHORT_TEXT, CurrencyField, MoneyField
from intercoop.directory.models import Network, Organization

MAX_TERM_MONTHS = 600
MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
METHOD_CHOICES = [
    ("annuity", _("Equal instalments (annuity)")),
    ("equal-principal", _("Equal principal")),
    ("interest-only", _("Interest only, principal at the end")),
    ("flat", _("Flat interest on the original principal")),
]
assert [code for code, _label in METHOD_CHOICES] == list(METHODS)


class RateField(models.DecimalField):
    """A rate in per cent a year, 0.000–100.000."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 6)
        kwargs.setdefault("decimal_places", 3)
        super().__init__(*args, **kwargs)


class Fund(models.Model):
    """A network's community-owned loan fund, held by one of its organisations (the
    creditor of the obligations its borrowers repay through clearing)."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="funds")
    holder = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("held by"),
        help_text=_("The organisation whose account holds the fund's money."),
    )
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    name = models.CharField(_("name"), max_length=SHORT_TEXT)
    description = models.TextField(_("description"), max_length=LONG_TEXT, blank=True)
    currency = CurrencyField(_("currency"))
    # lending policy
    max_loan = MoneyField(_("largest loan"))
    min_term_months = models.PositiveSmallIntegerField(_("shortest term (months)"), default=6)
    max_term_months = models.PositiveSmallIntegerField(_("longest term (months)"), default=84)
    min_rate = RateField(_("lowest loan rate (% a year)"), default=0)
    max_rate = RateField(_("highest loan rate (% a year)"), default=8)
    eligibility = models.TextField(_("who may borrow"), max_length=LONG_TEXT, blank=True)
    min_membership_months = models.PositiveSmallIntegerField(
        _("months a member before borrowing"), default=0
    )
    investor_min_rate = RateField(_("lowest investor rate (% a year)"), default=0)
    investor_max_rate = RateField(_("highest investor rate (% a year)"), default=2)
    # the loan committee: a committee of the governance app (its people decide; without
    # one, the network's coordinators do); by a poll of it, or a decision it records
    committee = models.ForeignKey(
        "governance.Body",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("loan committee"),
    )
    decide_by_poll = models.BooleanField(
        _("the committee decides each loan by a poll"), default=True
    )
    decision_days = models.PositiveSmallIntegerField(_("days a committee poll is open"), default=7)
    reserve_percent = RateField(_("loss reserve (% of each loan disbursed)"), default=5)
    created_at = models.DateTimeField(_("created at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("fund")
        verbose_name_plural = _("funds")
        constraints = [
            models.CheckConstraint(
                condition=Q(min_rate__lte=models.F("max_rate"))
                & Q(investor_min_rate__lte=models.F("investor_max_rate"))
                & Q(min_term_months__lte=models.F("max_term_months")),
                name="capital_fund_ranges",
            )
        ]

    def __str__(self) -> str:
        return self.name


class EquityTier(models.Model):
    """A class of member equity by the member's size (as Shared Capital's)."""

    fund = models.ForeignKey(Fund, on_delete=models.CASCADE, related_name="tiers")
    name = models.CharField(_("name"), max_length=SHORT_TEXT)
    description = models.CharField(_("who it is for"), max_length=SHORT_TEXT, blank=True)
    amount = MoneyField(_("equity share"))

    class Meta:
        ordering = ["amount", "pk"]
        verbose_name = _("equity tier")

    def __str__(self) -> str:
        return self.name


class EquityEntry(models.Model):
    """Member equity ledger: a purchase (positive) or a redemption (negative)."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="equity")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    tier = models.ForeignKey(EquityTier, on_delete=models.PROTECT, null=True, blank=True)
    amount = MoneyField(_("amount"), negative=True)
    on = models.DateField(_("date"))
    created_at = models.DateTimeField(_("recorded at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["on", "pk"]
        verbose_name = _("equity entry")
        verbose_name_plural = _("equity entries")

    def __str__(self) -> str:
        return f"{self.organization_id}: {self.amount} on {self.on}"


class Pledge(models.Model):
    """A member co-op's promise of surplus: a share of its annual surplus (or a set
    amount a year) for some years; contributions fulfil it."""

    fund = models.ForeignKey(Fund, on_delete=models.CASCADE, related_name="pledges")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    percent_of_surplus = models.DecimalField(
        _("% of annual surplus"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    yearly_amount = MoneyField(_("amount a year"), null=True, blank=True)
    first_year = models.PositiveSmallIntegerField(_("first year"))
    years = models.PositiveSmallIntegerField(_("years"))
    note = models.CharField(_("note"), max_length=SHORT_TEXT, blank=True)
    created_at = models.DateTimeField(_("pledged at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["first_year", "pk"]
        verbose_name = _("pledge")
        constraints = [
            models.CheckConstraint(
                condition=Q(percent_of_surplus__isnull=False) | Q(yearly_amount__isnull=False),
                name="capital_pledge_something",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization} {self.first_year}+{self.years}"

    @property
    def last_year(self) -> int:
        return self.first_year + self.years - 1


class Contribution(models.Model):
    """Money a member co-op paid into the fund, fulfilling a pledge (append-only)."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="contributions")
    pledge = models.ForeignKey(
        Pledge, on_delete=models.PROTECT, null=True, blank=True, related_name="contributions"
    )
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    amount = MoneyField(_("amount"))
    surplus_year = models.PositiveSmallIntegerField(_("from the surplus of"), null=True, blank=True)
    received_on = models.DateField(_("received on"))
    created_at = models.DateTimeField(_("recorded at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # the API client's name for the request that recorded it: a retry finds it
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)

    class Meta:
        ordering = ["received_on", "pk"]
        verbose_name = _("contribution")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="capital_contribution_amount"),
            models.UniqueConstraint(
                fields=["fund", "idempotency_key"], name="capital_contribution_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization_id}: {self.amount} on {self.received_on}"


class InvestorNote(models.Model):
    """An investor's loan to the fund, at a rate the investor chose within the fund's
    range, for a term, withdrawable on notice; optionally first in line for losses."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        NOTICE = "notice", _("Withdrawal requested")
        REPAID = "repaid", _("Repaid")

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="notes")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("individual investor"),
    )
    amount = MoneyField(_("amount"))
    rate = RateField(_("rate (% a year)"))
    term_months = models.PositiveSmallIntegerField(_("term (months)"))
    notice_days = models.PositiveSmallIntegerField(_("notice to withdraw (days)"), default=90)
    first_loss = models.BooleanField(_("first-loss capital"), default=False)
    issued_on = models.DateField(_("issued on"))
    matures_on = models.DateField(_("matures on"))
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.ACTIVE
    )
    notice_given_on = models.DateField(_("notice given on"), null=True, blank=True)
    repaid_on = models.DateField(_("repaid on"), null=True, blank=True)
    interest_paid = MoneyField(_("interest paid"), default=0)
    created_at = models.DateTimeField(_("recorded at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["matures_on", "pk"]
        verbose_name = _("investor note")
        constraints = [
            models.CheckConstraint(
                condition=Q(organization__isnull=True) ^ Q(user__isnull=True),
                name="capital_note_one_investor",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="capital_note_amount"),
        ]

    def __str__(self) -> str:
        return f"{self.investor_name}: {self.amount} {self.fund.currency}"

    @property
    def investor_name(self) -> str:
        if self.organization_id:
            return str(self.organization)
        return self.user.get_full_name() or self.user.username if self.user else ""

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.REPAID


class LoanApplication(models.Model):
    """A member co-op asks the fund for a loan; the committee decides it."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        IN_REVIEW = "review", _("In review")
        IN_VOTE = "vote", _("Before the committee")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="applications")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    purpose = models.TextField(_("purpose"), max_length=LONG_TEXT)
    amount = MoneyField(_("amount"))
    term_months = models.PositiveSmallIntegerField(_("term (months)"))
    requested_rate = RateField(_("requested rate (% a year)"))
    method = models.CharField(
        _("repayment"), max_length=16, choices=METHOD_CHOICES, default="annuity"
    )
    grace_months = models.PositiveSmallIntegerField(_("grace months (interest only)"), default=0)
    # [{"use": "oven", "amount": 1200000}, …]: what the money is for
    uses = models.JSONField(_("uses of funds"), default=list, blank=True)
    # {item key: True/False}: the reviewers' checklist (CHECKLIST in services)
    checklist = models.JSONField(_("review checklist"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    poll_id = models.PositiveBigIntegerField(null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decision_note = models.TextField(_("decision"), max_length=LONG_TEXT, blank=True)
    votes_for = models.PositiveSmallIntegerField(null=True, blank=True)
    votes_against = models.PositiveSmallIntegerField(null=True, blank=True)
    votes_abstain = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("loan application")
        indexes = [models.Index(fields=["fund", "status"], name="capital_application_status")]

    def __str__(self) -> str:
        return f"{self.organization}: {self.amount} {self.fund.currency}"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_pending(self) -> bool:
        """Submitted and not decided yet."""
        return self.status in (self.Status.SUBMITTED, self.Status.IN_REVIEW, self.Status.IN_VOTE)

    @property
    def is_in_vote(self) -> bool:
        return self.status == self.Status.IN_VOTE

    @property
    def is_open(self) -> bool:
        return self.is_draft or self.is_pending


class ApplicationMessage(models.Model):
    """A reviewer's question or the applicant's answer on an application."""

    application = models.ForeignKey(
        LoanApplication, on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    from_applicant = models.BooleanField(default=False)
    text = models.TextField(_("text"), max_length=LONG_TEXT)
    created_at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:50]


class Attachment(models.Model):
    """A file attached to an application (business plan, accounts), kept in the database
    so that the fund's records back up and restore together."""

    application = models.ForeignKey(
        LoanApplication, on_delete=models.CASCADE, related_name="attachments"
    )
    name = models.CharField(_("file name"), max_length=SHORT_TEXT)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    data = models.BinaryField()
    uploaded_at = models.DateTimeField(_("uploaded at"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name


class Loan(models.Model):
    """An approved application's loan: offered, accepted by the borrower, disbursed, then
    repaid, restructured or written off."""

    class Status(models.TextChoices):
        OFFERED = "offered", _("Offered")
        ACCEPTED = "accepted", _("Accepted")
        ACTIVE = "active", _("Disbursed")
        REPAID = "repaid", _("Repaid")
        WRITTEN_OFF = "written-off", _("Written off")
        DECLINED = "declined", _("Offer declined")

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="loans")
    application = models.OneToOneField(
        LoanApplication, on_delete=models.PROTECT, related_name="loan"
    )
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    principal = MoneyField(_("principal"))
    annual_rate = RateField(_("rate (% a year)"))
    term_months = models.PositiveSmallIntegerField(_("term (months)"))
    method = models.CharField(_("repayment"), max_length=16, choices=METHOD_CHOICES)
    grace_months = models.PositiveSmallIntegerField(_("grace months"), default=0)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OFFERED
    )
    offered_at = models.DateTimeField(_("offered at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    disbursed_on = models.DateField(_("disbursed on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    # kept at hand from the current schedule and its repayments (as Obligation.remaining),
    # so that the ageing of thousands of loans is one query: what was paid, the principal
    # still owed, and the due date of the oldest instalment not fully paid (None: none)
    paid_total = MoneyField(_("paid"), default=0)
    principal_outstanding = MoneyField(_("principal outstanding"), default=0)
    unpaid_since = models.DateField(_("oldest unpaid instalment due on"), null=True, blank=True)
    settle_by_clearing = models.BooleanField(
        _("instalments become obligations the borrower may settle by clearing"), default=False
    )

    class Meta:
        ordering = ["-offered_at", "-pk"]
        verbose_name = _("loan")
        indexes = [models.Index(fields=["fund", "status"], name="capital_loan_status")]

    def __str__(self) -> str:
        return f"{self.organization}: {self.principal} {self.fund.currency}"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def is_offered(self) -> bool:
        return self.status == self.Status.OFFERED

    @property
    def is_accepted(self) -> bool:
        return self.status == self.Status.ACCEPTED


class LoanSchedule(models.Model):
    """A loan's repayment schedule; restructuring adds a new one and keeps the old."""

    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="schedules")
    version = models.PositiveSmallIntegerField()
    current = models.BooleanField(default=True)
    principal = MoneyField(_("principal"))
    annual_rate = RateField(_("rate (% a year)"))
    months = models.PositiveSmallIntegerField(_("months"))
    method = models.CharField(_("repayment"), max_length=16, choices=METHOD_CHOICES)
    grace_months = models.PositiveSmallIntegerField(_("grace months"), default=0)
    start = models.DateField(_("start"))
    reason = models.CharField(_("reason"), max_length=SHORT_TEXT, blank=True)
    created_at = models.DateTimeField(_("created at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["loan", "version"]
        constraints = [
            models.UniqueConstraint(fields=["loan", "version"], name="capital_schedule_version"),
            models.UniqueConstraint(
                fields=["loan"], condition=Q(current=True), name="capital_one_current_schedule"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.loan_id} v{self.version}"


class Instalment(models.Model):
    """One row of a schedule. `interest_accrued`: its interest is in the books (posted
    when it falls due, or when a payment reaches it first)."""

    schedule = models.ForeignKey(LoanSchedule, on_delete=models.CASCADE, related_name="rows")
    number = models.PositiveSmallIntegerField()
    due_on = models.DateField(_("due on"))
    payment = MoneyField(_("payment"))
    interest = MoneyField(_("interest"))
    principal = MoneyField(_("principal"))
    balance = MoneyField(_("balance after"))
    interest_accrued = models.BooleanField(default=False)
    obligation = models.ForeignKey(
        "clearing.Obligation", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["schedule", "number"]
        constraints = [
            models.UniqueConstraint(fields=["schedule", "number"], name="capital_instalment_number")
        ]
        indexes = [models.Index(fields=["due_on"], name="capital_instalment_due")]

    def __str__(self) -> str:
        return f"{self.schedule_id} #{self.number}"


class Repayment(models.Model):
    """A borrower's payment (append-only), against the schedule current when it was
    recorded; a payment set off by clearing names its obligation."""

    class Source(models.TextChoices):
        RECORDED = "recorded", _("Recorded by the fund")
        CLEARING = "clearing", _("Settled by clearing")

    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="repayments")
    schedule = models.ForeignKey(LoanSchedule, on_delete=models.PROTECT, related_name="payments")
    paid_on = models.DateField(_("paid on"))
    amount = MoneyField(_("amount"))
    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.RECORDED
    )
    obligation = models.ForeignKey(
        "clearing.Obligation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reference = models.CharField(_("reference"), max_length=SHORT_TEXT, blank=True)
    created_at = models.DateTimeField(_("recorded at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # the API client's name for the request that recorded it: a retry finds it
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)

    class Meta:
        ordering = ["paid_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="capital_repayment_amount"),
            models.UniqueConstraint(
                fields=["loan", "idempotency_key"], name="capital_repayment_key"
            ),
        ]
        indexes = [models.Index(fields=["schedule", "paid_on"], name="capital_repayment_on")]

    def __str__(self) -> str:
        return f"{self.loan_id}: {self.amount} on {self.paid_on}"


class LedgerTransaction(models.Model):
    """One balanced posting of the fund's books (see `books.py`)."""

    class Kind(models.TextChoices):
        CONTRIBUTION = "contribution", _("Contribution")
        EQUITY = "equity", _("Member equity")
        NOTE = "note", _("Investor note")
        NOTE_REPAYMENT = "note-repayment", _("Investor note repaid")
        DISBURSEMENT = "disbursement", _("Loan disbursed")
        INTEREST_DUE = "interest-due", _("Interest due")
        REPAYMENT = "repayment", _("Loan repayment")
        RESTRUCTURE = "restructure", _("Loan restructured")
        RESERVE = "reserve", _("Loss reserve")
        WRITE_OFF = "write-off", _("Write-off")

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="transactions")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    on = models.DateField(_("date"))
    memo = models.CharField(_("memo"), max_length=SHORT_TEXT, blank=True)
    loan = models.ForeignKey(
        Loan, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.ForeignKey(
        InvestorNote, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["on", "pk"]
        indexes = [models.Index(fields=["fund", "on"], name="capital_transaction_on")]

    def __str__(self) -> str:
        return f"{self.kind} {self.on}"


class LedgerEntry(models.Model):
    """A debit (positive) or credit (negative) to one of `books.ACCOUNTS`."""

    transaction = models.ForeignKey(
        LedgerTransaction, on_delete=models.PROTECT, related_name="entries"
    )
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="+")
    account = models.CharField(_("account"), max_length=24)
    amount = MoneyField(_("amount"), negative=True)

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["fund", "account"], name="capital_entry_account")]

    def __str__(self) -> str:
        return f"{self.account} {self.amount}"
