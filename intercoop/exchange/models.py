from django.db import models
from django.utils.translation import gettext_lazy as _

from intercoop.directory.models import Organization
from intercoop.exchange.taxonomy import CATEGORIES, CHALLENGES


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
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    # offers
    unit = models.CharField(_("unit"), max_length=50, blank=True)
    price_hint = models.CharField(_("price hint"), max_length=100, blank=True)
    service_radius_km = models.PositiveIntegerField(_("service radius (km)"), null=True, blank=True)
    service_regions = models.CharField(_("service regions"), max_length=300, blank=True)
    coop_discount = models.PositiveSmallIntegerField(_("discount for co-ops (%)"), default=0)
    # needs: estimated annual spend in minor units
    annual_spend = models.BigIntegerField(_("estimated annual spend"), null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
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
