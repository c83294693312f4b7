"""Obligations between organisations, clearing runs that set them off, and mutual credit.
Ledgers (ObligationEntry, CreditEntry) are append-only: a mistake is undone by a
correcting entry, never by editing one."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from intercoop.core.bounds import CurrencyField, MoneyField
from intercoop.directory.models import Network, Organization


class Obligation(models.Model):
    """An invoice: the debtor owes the creditor `amount` (minor units). The debtor confirms
    it before it can be cleared; `remaining` is what is still owed after set-offs and
    mutual-credit payments (the sum of its ledger entries kept at hand)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        PARTLY = "partly", _("Partly set off")
        SETTLED = "settled", _("Settled")
        DISPUTED = "disputed", _("Disputed")

    class Source(models.TextChoices):
        PAGE = "page", _("Recorded on the site")
        IMPORT = "import", _("Imported")
        API = "api", _("API")
        PURCHASING = "purchasing", _("Joint purchasing delivery")
        CAPITAL = "capital", _("Loan instalment")

    debtor = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="payables")
    creditor = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="receivables")
    amount = MoneyField(_("amount"))
    remaining = MoneyField(_("still owed"))
    currency = CurrencyField(_("currency"))
    due_on = models.DateField(_("due on"), null=True, blank=True)
    reference = models.CharField(_("reference"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    round = models.ForeignKey(
        "purchasing.Round", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    dispute_reason = models.CharField(_("why it is disputed"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="obligation_amount"),
            models.CheckConstraint(
                condition=models.Q(remaining__gte=0, remaining__lte=models.F("amount")),
                name="obligation_remaining",
            ),
            models.CheckConstraint(
                condition=~models.Q(debtor=models.F("creditor")), name="obligation_parties"
            ),
        ]
        indexes = [
            models.Index(fields=["currency", "status"], name="obligation_clearable"),
            models.Index(fields=["debtor", "due_on", "id"], name="obligation_payables"),
            models.Index(fields=["creditor", "due_on", "id"], name="obligation_receivables"),
        ]
        verbose_name = _("obligation")
        verbose_name_plural = _("obligations")

    def __str__(self) -> str:
        return f"{self.debtor} → {self.creditor}: {self.amount} {self.currency}"

    @property
    def is_disputed(self) -> bool:
        return self.status == self.Status.DISPUTED

    @property
    def awaits_confirmation(self) -> bool:
        """Its debtor has not confirmed it yet (and nobody disputes it)."""
        return self.confirmed_at is None and not self.is_disputed

    @property
    def may_be_disputed(self) -> bool:
        """Nothing of it was cleared yet, and it is not disputed already."""
        return self.status == self.Status.OPEN and self.remaining == self.amount


class ClearingRun(models.Model):
    """A proposed or committed set-off of a network's confirmed open obligations in one
    currency, optionally followed by payments in the network's mutual credit."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        COMMITTED = "committed", _("Committed")
        REVERSED = "reversed", _("Reversed")
        DISCARDED = "discarded", _("Discarded")

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="clearing_runs")
    currency = CurrencyField(_("currency"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED
    )
    use_credit = models.BooleanField(_("settle what remains in mutual credit"), default=False)
    total_debt = models.BigIntegerField(_("debt in the run"), default=0)
    setoff_total = models.BigIntegerField(_("set off"), default=0)
    credit_total = models.BigIntegerField(_("paid in mutual credit"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("proposed at"))
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    committed_at = models.DateTimeField(_("committed at"), null=True, blank=True)
    reversed_at = models.DateTimeField(_("reversed at"), null=True, blank=True)
    discarded_at = models.DateTimeField(_("discarded at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("clearing run")
        verbose_name_plural = _("clearing runs")

    def __str__(self) -> str:
        return f"{self.network} {self.currency} {self.created_at:%Y-%m-%d}"

    @property
    def is_proposed(self) -> bool:
        return self.status == self.Status.PROPOSED

    @property
    def is_committed(self) -> bool:
        return self.status == self.Status.COMMITTED

    @property
    def cleared(self) -> int:
        return self.setoff_total + self.credit_total

    @property
    def share(self) -> float:
        """The share of the run's debt it clears (0–1)."""
        return self.cleared / self.total_debt if self.total_debt else 0.0


class RunLine(models.Model):
    """One obligation in a run's snapshot: what was owed and what the run clears of it."""

    run = models.ForeignKey(ClearingRun, on_delete=models.CASCADE, related_name="lines")
    obligation = models.ForeignKey(Obligation, on_delete=models.PROTECT, related_name="+")
    owed = MoneyField(_("owed before"))
    setoff = MoneyField(_("set off"))
    credit = MoneyField(_("paid in mutual credit"), default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "obligation"], name="one_run_line")]

    def __str__(self) -> str:
        return f"{self.obligation_id}: {self.setoff} + {self.credit} of {self.owed}"


class ObligationEntry(models.Model):
    """The obligation ledger: each set-off, mutual-credit payment or correction. A positive
    amount reduces what is owed; a correction of a mistake is negative. The creditor may
    also say that part of it was paid by other means, or that it no longer asks for it
    (`obligation_discharge`): such entries have no run."""

    class Kind(models.TextChoices):
        SETOFF = "setoff", _("Set-off")
        CREDIT = "credit", _("Paid in mutual credit")
        CORRECTION = "correction", _("Correction")
        PAID = "paid", _("Paid outside clearing")
        CANCELLED = "cancelled", _("Cancelled by the creditor")

    obligation = models.ForeignKey(Obligation, on_delete=models.PROTECT, related_name="entries")
    run = models.ForeignKey(
        ClearingRun, on_delete=models.PROTECT, null=True, blank=True, related_name="entries"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    amount = MoneyField(_("amount"), negative=True)
    remaining_after = MoneyField(_("still owed after"))
    created_at = models.DateTimeField(_("at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("obligation entry")
        verbose_name_plural = _("obligation entries")

    def __str__(self) -> str:
        return f"{self.kind} {self.amount} on {self.obligation_id}"


class CreditSystem(models.Model):
    """A network's mutual-credit currency, pegged one to one to a currency (as Sardex is
    to the euro): members' accounts start at zero and may go below it to their limit."""

    network = models.OneToOneField(Network, on_delete=models.CASCADE, related_name="credit")
    code = models.CharField(_("code"), max_length=8)
    name = models.CharField(_("name"), max_length=100)
    currency = CurrencyField(_("worth one unit of"))
    default_limit = MoneyField(_("default credit limit"), default=0)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("mutual-credit system")
        verbose_name_plural = _("mutual-credit systems")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class CreditAccount(models.Model):
    """A member's account. `balance` is the running balance of its ledger, kept under a
    row lock; it never goes below −limit."""

    system = models.ForeignKey(CreditSystem, on_delete=models.CASCADE, related_name="accounts")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    limit = MoneyField(_("credit limit"))
    balance = MoneyField(_("balance"), negative=True, default=0)
    opened_at = models.DateTimeField(_("opened at"))

    class Meta:
        ordering = ["organization__name"]
        constraints = [
            models.UniqueConstraint(fields=["system", "organization"], name="one_credit_account"),
            models.CheckConstraint(condition=models.Q(limit__gte=0), name="credit_limit"),
        ]
        verbose_name = _("credit account")
        verbose_name_plural = _("credit accounts")

    def __str__(self) -> str:
        return f"{self.organization}: {self.balance}"

    @property
    def available(self) -> int:
        return self.balance + self.limit


class CreditTransfer(models.Model):
    """A payment between two accounts of a system. A retried request with the same
    idempotency key finds the first transfer instead of paying twice."""

    class Kind(models.TextChoices):
        PAYMENT = "payment", _("Payment")
        CLEARING = "clearing", _("Clearing run")
        CORRECTION = "correction", _("Correction")

    system = models.ForeignKey(CreditSystem, on_delete=models.CASCADE, related_name="transfers")
    payer = models.ForeignKey(CreditAccount, on_delete=models.PROTECT, related_name="+")
    payee = models.ForeignKey(CreditAccount, on_delete=models.PROTECT, related_name="+")
    amount = MoneyField(_("amount"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    memo = models.CharField(_("memo"), max_length=200, blank=True)
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)
    run = models.ForeignKey(
        ClearingRun, on_delete=models.PROTECT, null=True, blank=True, related_name="transfers"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["system", "idempotency_key"], name="one_transfer_per_key"
            ),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="transfer_amount"),
        ]
        verbose_name = _("credit transfer")
        verbose_name_plural = _("credit transfers")

    def __str__(self) -> str:
        return f"{self.payer_id} → {self.payee_id}: {self.amount}"


class CreditEntry(models.Model):
    """The account ledger: one entry per account per transfer, with the running balance."""

    account = models.ForeignKey(CreditAccount, on_delete=models.PROTECT, related_name="entries")
    transfer = models.ForeignKey(CreditTransfer, on_delete=models.PROTECT, related_name="entries")
    amount = MoneyField(_("amount"), negative=True)
    balance_after = MoneyField(_("balance after"), negative=True)
    created_at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("credit entry")
        verbose_name_plural = _("credit entries")

    def __str__(self) -> str:
        return f"{self.account_id}: {self.amount} → {self.balance_after}"
