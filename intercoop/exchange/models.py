from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from intercoop.core.bounds import LONG_TEXT, SHORT_TEXT, CurrencyField, MoneyField
from intercoop.core.taxonomy import CATEGORIES, CHALLENGES
from intercoop.directory.models import Network, Organization


class ExchangeItem(models.Model):
    """An offer, a need or a challenge of an organisation: what it provides, what it buys,
    what its decision-makers work on. One table, so that one import, one list and one
    search serve all three; the fields of one kind are blank for the others."""

    class Kind(models.TextChoices):
        OFFER = "offer", _("Offer")
        NEED = "need", _("Need")
        CHALLENGE = "challenge", _("Challenge")

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="exchange_items"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    # offers and needs: a category of the taxonomy; challenges: a curated topic
    category = models.CharField(
        _("category"), max_length=30, choices=[*CATEGORIES.items(), *CHALLENGES.items()]
    )
    title = models.CharField(_("title"), max_length=SHORT_TEXT)
    description = models.TextField(_("description"), max_length=LONG_TEXT, blank=True)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    # offers
    unit = models.CharField(_("unit"), max_length=50, blank=True)
    price_hint = models.CharField(_("price hint"), max_length=100, blank=True)
    service_radius_km = models.PositiveIntegerField(
        _("service radius (km)"), null=True, blank=True, validators=[MaxValueValidator(20_000)]
    )
    service_regions = models.CharField(_("service regions"), max_length=300, blank=True)
    coop_discount = models.PositiveSmallIntegerField(
        _("discount for co-ops (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    # needs: estimated annual spend in minor units
    annual_spend = MoneyField(_("estimated annual spend"), null=True, blank=True)
    currency = CurrencyField(_("currency"), blank=True)
    supplier_is_cooperative = models.BooleanField(
        _("current supplier is a co-op"), null=True, blank=True
    )
    # challenges
    contact = models.CharField(_("who to talk to"), max_length=200, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        ordering = ["-updated_at"]
        indexes = [models.Index(fields=["kind", "category"], name="exchange_kind_category")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(coop_discount__lte=100), name="exchange_discount_percent"
            )
        ]
        verbose_name = _("offer, need or challenge")
        verbose_name_plural = _("offers, needs and challenges")

    def __str__(self) -> str:
        return f"{self.kind}: {self.title}"


class Introduction(models.Model):
    """One organisation asks to be introduced to another. Contacts are shared, and an
    informal relationship recorded, only when the other side accepts."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    requester = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="introductions_sent"
    )
    recipient = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="introductions_received"
    )
    # the offer, need or challenge that prompted it, if any
    item = models.ForeignKey(
        ExchangeItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    message = models.TextField(_("message"), max_length=LONG_TEXT)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    relationship = models.ForeignKey(
        "network.Relationship", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("requested at"))
    decided_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["requester", "created_at"], name="introduction_rate"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["requester", "recipient"],
                condition=models.Q(status="pending"),
                name="one_pending_introduction",
            ),
        ]
        verbose_name = _("introduction")
        verbose_name_plural = _("introductions")

    def __str__(self) -> str:
        return f"{self.requester} → {self.recipient} ({self.status})"


class Block(models.Model):
    """`organization` accepts no more introduction requests from `blocked`."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    blocked = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(_("blocked at"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "blocked"], name="one_block")
        ]
        verbose_name = _("block")
        verbose_name_plural = _("blocks")

    def __str__(self) -> str:
        return f"{self.organization} blocks {self.blocked}"


class Notice(models.Model):
    """A typed notice on a network's board, shown until it expires."""

    class Kind(models.TextChoices):
        HOUSING = "housing", _("Housing vacancy")
        JOB = "job", _("Job opening")
        TRANSFER = "transfer", _("Job transfer")
        HELP = "help", _("Call for help")
        EVENT = "event", _("Event")
        EQUIPMENT = "equipment", _("Equipment to lend")

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="notices")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), max_length=LONG_TEXT)
    place = models.CharField(_("place"), max_length=200, blank=True)
    latitude = models.FloatField(
        _("latitude"), null=True, blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )  # fmt: skip
    longitude = models.FloatField(
        _("longitude"), null=True, blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )  # fmt: skip
    # calls for help: when the help is needed by; events: when they start
    needed_by = models.DateField(_("needed by"), null=True, blank=True)
    starts_at = models.DateTimeField(_("starts at"), null=True, blank=True)
    expires_on = models.DateField(_("shown until"))
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    withdrawn = models.BooleanField(_("withdrawn"), default=False)
    # calls for help: urgent ones alert the admins of every member organisation at once
    urgent = models.BooleanField(_("urgent"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("posted at"))

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["network", "expires_on"], name="notice_board")]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")

    def __str__(self) -> str:
        return self.title


class Deal(models.Model):
    """A discount an organisation offers to the members of other organisations."""

    class Audience(models.TextChoices):
        COOPERATORS = "cooperators", _("Members of any other co-op")
        NETWORK = "network", _("Members of a network's organisations")
        SOCIAL = "social", _("Volunteers and social-sector workers")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="deals")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("conditions"), max_length=LONG_TEXT, blank=True)
    discount_percent = models.PositiveSmallIntegerField(
        _("discount (%)"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    audience = models.CharField(_("for"), max_length=12, choices=Audience.choices)
    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, null=True, blank=True, related_name="deals"
    )
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(discount_percent__gte=1, discount_percent__lte=100),
                name="deal_discount_percent",
            ),
            models.CheckConstraint(
                condition=~models.Q(audience="network") | models.Q(network__isnull=False),
                name="deal_network_audience",
            ),
        ]
        verbose_name = _("member deal")
        verbose_name_plural = _("member deals")

    def __str__(self) -> str:
        return self.title


class Redemption(models.Model):
    """A deal used once by a card holder; one per card code and deal."""

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="redemptions")
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    holder_organization = models.ForeignKey(
        Organization, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    code_id = models.CharField(max_length=32)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    redeemed_at = models.DateTimeField(_("redeemed at"))

    class Meta:
        ordering = ["-redeemed_at"]
        constraints = [
            models.UniqueConstraint(fields=["deal", "code_id"], name="one_redemption_per_code")
        ]
        verbose_name = _("redemption")
        verbose_name_plural = _("redemptions")

    def __str__(self) -> str:
        return f"{self.deal} at {self.redeemed_at:%Y-%m-%d}"
