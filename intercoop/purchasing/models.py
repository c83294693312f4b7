from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from intercoop.core.bounds import LONG_TEXT, CurrencyField, MoneyField
from intercoop.core.taxonomy import CATEGORIES
from intercoop.directory.models import Network, Organization

# Bounds of purchasing's own numbers, within their columns (14 digits, 3 decimals):
# quantities and volumes in units, prices per unit in minor units (fractions kept).
MAX_UNITS = 10**9
MAX_UNIT_PRICE = 10**10
MAX_CASE_SIZE = 10**6
MAX_ARTICLES = 500
MAX_TIERS = 50


def units_validators() -> list[Any]:
    return [MinValueValidator(0), MaxValueValidator(MAX_UNITS)]


def unit_price_validators() -> list[Any]:
    return [MinValueValidator(0), MaxValueValidator(MAX_UNIT_PRICE)]


class Round(models.Model):
    """A joint purchasing round of a network: members commit demand while it is open; the
    coordinator closes it, invites bids, awards a contract; deliveries or bills follow."""

    class Kind(models.TextChoices):
        GOODS = "goods", _("Goods by the case")
        SERVICE = "service", _("Service contract")

    class Status(models.TextChoices):
        OPEN = "open", _("Open for orders")
        CLOSED = "closed", _("Closed")
        BIDDING = "bidding", _("Taking bids")
        AWARDED = "awarded", _("Awarded")
        DELIVERED = "delivered", _("Delivered")
        ACTIVE = "active", _("Contract running")
        SETTLED = "settled", _("Settled")

    class Strategy(models.TextChoices):
        FIFO = "fifo", _("First come, first served")
        NO_AUTO = "no-auto", _("No automatic distribution")
        PROPORTIONAL = "proportional", _("Tolerance in proportion")

    class Split(models.TextChoices):
        EQUAL = "equal", _("Equally")
        VALUE = "value", _("By value")
        UNITS = "units", _("By units")

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="rounds")
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=LONG_TEXT)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    category = models.CharField(_("category"), max_length=30, choices=CATEGORIES.items())
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    strategy = models.CharField(
        _("allocation"), max_length=12, choices=Strategy.choices, default=Strategy.FIFO
    )
    transport_split = models.CharField(
        _("transport cost split"), max_length=6, choices=Split.choices, default=Split.VALUE
    )
    transport_cost = MoneyField(_("transport cost"), default=0)
    currency = CurrencyField(_("currency"))
    # service rounds: what members commit, e.g. "pickups/week", "kWh/year", "sites"
    volume_unit = models.CharField(_("volume unit"), max_length=40, blank=True)
    closes_on = models.DateField(_("orders close on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("purchasing round")
        verbose_name_plural = _("purchasing rounds")

    def __str__(self) -> str:
        return self.title

    # the round's state as templates and views ask for it (never by its status string)
    @property
    def is_goods(self) -> bool:
        return self.kind == Round.Kind.GOODS

    @property
    def takes_orders(self) -> bool:
        """Members order or commit, and the coordinators change the round."""
        return self.status == Round.Status.OPEN

    @property
    def takes_bids(self) -> bool:
        return self.status == Round.Status.BIDDING

    @property
    def is_awarded(self) -> bool:
        """Awarded and waiting for its delivery or contract to start."""
        return self.status == Round.Status.AWARDED

    @property
    def is_delivered(self) -> bool:
        return self.status == Round.Status.DELIVERED


class Article(models.Model):
    """A good bought in a goods round. Prices are minor units per unit."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="articles")
    name = models.CharField(_("name"), max_length=200)
    unit = models.CharField(_("unit"), max_length=40, default="piece")
    case_size = models.PositiveIntegerField(
        _("case size"), default=1,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_CASE_SIZE)],
    )  # fmt: skip
    minimum = models.DecimalField(
        _("minimum order"), max_digits=14, decimal_places=3, default=0,
        validators=units_validators(),
    )  # fmt: skip
    by_weight = models.BooleanField(_("sold by weight"), default=False)
    # what members pay elsewhere today, per unit: the baseline of their savings
    reference_price = models.DecimalField(
        _("price paid today"), max_digits=14, decimal_places=3, default=0,
        validators=unit_price_validators(),
    )  # fmt: skip
    price = models.DecimalField(
        _("price under the award"), max_digits=14, decimal_places=3, null=True, blank=True,
        validators=unit_price_validators(),
    )  # fmt: skip
    received = models.DecimalField(
        _("received"), max_digits=14, decimal_places=3, null=True, blank=True,
        validators=units_validators(),
    )  # fmt: skip

    class Meta:
        ordering = ["round", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(case_size__gte=1), name="article_case_size")
        ]
        verbose_name = _("article")
        verbose_name_plural = _("articles")

    def __str__(self) -> str:
        return self.name


class OrderRow(models.Model):
    """One row of a goods round's order log: what a member added at one moment. A
    decrease takes units off the member's newest rows (never adds a row)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="order_rows")
    member = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    quantity = models.DecimalField(
        _("quantity"), max_digits=14, decimal_places=3, validators=units_validators()
    )
    tolerance = models.DecimalField(
        _("tolerance"), max_digits=14, decimal_places=3, default=0, validators=units_validators()
    )
    placed_at = models.DateTimeField(_("placed at"))
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["placed_at", "pk"]
        indexes = [models.Index(fields=["article", "member"], name="order_row_member")]
        verbose_name = _("order row")
        verbose_name_plural = _("order rows")

    def __str__(self) -> str:
        return f"{self.member} {self.quantity} (+{self.tolerance}) {self.article}"


class Commitment(models.Model):
    """A member's annual volume in a service round and what it pays per unit today."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="commitments")
    member = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    volume = models.DecimalField(
        _("annual volume"), max_digits=14, decimal_places=3, validators=units_validators()
    )
    current_price = models.DecimalField(
        _("price paid today per unit"), max_digits=14, decimal_places=3,
        validators=unit_price_validators(),
    )  # fmt: skip
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "member"], name="one_commitment")]
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")

    def __str__(self) -> str:
        return f"{self.member}: {self.volume}"


class Bid(models.Model):
    """A supplier's offer for a round: volume tiers (service rounds) or a price per
    article (goods rounds), and the evidence for the social criteria."""

    class Mode(models.TextChoices):
        ALL_UNITS = "all_units", _("All units at the tier reached")
        INCREMENTAL = "incremental", _("Each tier at its own price")

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="bids")
    supplier = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="bids")
    mode = models.CharField(_("tier pricing"), max_length=12, choices=Mode.choices)
    tiers = models.JSONField(_("tiers"), default=list)  # [[from volume, unit price], …]
    article_prices = models.JSONField(_("prices per article"), default=dict)  # {id: price}
    # social criteria scored 0–5 by the coordinator, with the supplier's evidence
    scores = models.JSONField(_("scores"), default=dict)
    evidence = models.TextField(_("evidence"), blank=True, max_length=LONG_TEXT)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("submitted at"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "supplier"], name="one_bid")]
        verbose_name = _("bid")
        verbose_name_plural = _("bids")

    def __str__(self) -> str:
        return f"{self.supplier} for {self.round}"


class Contract(models.Model):
    """The award of a round to one bid, with its term and renewal date. Where the
    network ratifies awards by a poll of the round's members, it awaits that vote before
    anything is delivered or billed under it."""

    class Ratification(models.TextChoices):
        NOT_NEEDED = "", _("Not needed")
        PENDING = "pending", _("Awaiting ratification")
        RATIFIED = "ratified", _("Ratified")

    round = models.OneToOneField(Round, on_delete=models.CASCADE, related_name="contract")
    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="+")
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    renewal_on = models.DateField(_("renewal decision by"))
    awarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    awarded_at = models.DateTimeField(_("awarded at"))
    ratification = models.CharField(
        _("ratification"), max_length=8, choices=Ratification.choices, default="", blank=True
    )

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")

    def __str__(self) -> str:
        return f"{self.round}: {self.bid.supplier}"

    @property
    def awaits_ratification(self) -> bool:
        return self.ratification == self.Ratification.PENDING

    @property
    def is_ratified(self) -> bool:
        return self.ratification == self.Ratification.RATIFIED


class Override(models.Model):
    """A coordinator's hand-made change to one member's allocation of an article,
    recorded and shown beside the computed one."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="overrides")
    member = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    total = models.DecimalField(
        _("allocated"), max_digits=14, decimal_places=3, validators=units_validators()
    )
    reason = models.CharField(_("reason"), max_length=300)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    made_at = models.DateTimeField(_("made at"))

    class Meta:
        ordering = ["made_at"]
        verbose_name = _("override")
        verbose_name_plural = _("overrides")

    def __str__(self) -> str:
        return f"{self.member}: {self.total} ({self.reason})"


class Delivery(models.Model):
    """An entry of a goods round's delivery log: what arrived of each article and the
    transport cost, as recorded. Append-only: a mistake is fixed by a correcting entry
    that names the entry it corrects (and invoices or credits each member the
    difference); the articles hold the latest figures."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="deliveries")
    received = models.JSONField(_("received"), default=dict)  # {article id: units}
    transport_cost = MoneyField(_("transport cost"), default=0)
    corrects = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrections",
        verbose_name=_("corrects"),
    )  # fmt: skip
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        ordering = ["recorded_at", "pk"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")

    def __str__(self) -> str:
        return f"{self.round} {self.recorded_at:%Y-%m-%d}"


class Bill(models.Model):
    """A bill under a service contract: what a member was charged for a period and the
    volume it covered. Bills turn the negotiated saving into a realised one."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="bills")
    member = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    period_end = models.DateField(_("period ending"))
    volume = models.DecimalField(
        _("volume billed"), max_digits=14, decimal_places=3, validators=units_validators()
    )
    amount = MoneyField(_("amount billed"))  # minor units of the round's currency
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        ordering = ["period_end", "pk"]
        verbose_name = _("bill")
        verbose_name_plural = _("bills")

    def __str__(self) -> str:
        return f"{self.member} {self.period_end}: {self.amount}"


class Patronage(models.Model):
    """A rebate or surplus shared among a network's members in proportion to what each
    bought through its awarded rounds in a period: part paid in cash, the rest retained
    in the member's capital account."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="patronage")
    title = models.CharField(_("title"), max_length=200)
    currency = CurrencyField(_("currency"))
    surplus = MoneyField(_("surplus to share"))  # minor units
    cash_percent = models.PositiveSmallIntegerField(
        _("paid in cash (%)"), default=20, validators=[MaxValueValidator(100)]
    )
    period_start = models.DateField(_("purchases from"))
    period_end = models.DateField(_("purchases to"))
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    made_at = models.DateTimeField(_("made at"))

    class Meta:
        ordering = ["-period_end", "-pk"]
        verbose_name = _("patronage distribution")
        verbose_name_plural = _("patronage distributions")

    def __str__(self) -> str:
        return self.title


class PatronageAllocation(models.Model):
    """One member's part of a patronage distribution, recorded as it was computed."""

    patronage = models.ForeignKey(Patronage, on_delete=models.CASCADE, related_name="lines")
    member = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    purchases = MoneyField(_("purchases"))
    share = MoneyField(_("share"))
    cash = MoneyField(_("paid in cash"))
    retained = MoneyField(_("retained in capital account"))

    class Meta:
        ordering = ["-share", "member__name"]
        constraints = [
            models.UniqueConstraint(fields=["patronage", "member"], name="one_patronage_line")
        ]
        verbose_name = _("patronage allocation")
        verbose_name_plural = _("patronage allocations")

    def __str__(self) -> str:
        return f"{self.member}: {self.share}"


class FeedToken(models.Model):
    """A person's private address of a network's contracts feed, for calendar apps that
    fetch it without a session. One live address per person and network: shown again on
    every visit, replaced or revoked on request. The address is a MAC of this row's
    nonce and the person's password hash, so it stops working when the password changes
    (as Django's password-reset links do); the MAC itself is never stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="+")
    nonce = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("created at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "network"],
                condition=models.Q(revoked_at__isnull=True),
                name="one_live_feed_token",
            )
        ]
        verbose_name = _("calendar feed address")
        verbose_name_plural = _("calendar feed addresses")

    def __str__(self) -> str:
        return f"{self.user} / {self.network}"

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None
