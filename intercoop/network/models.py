from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from intercoop.core.bounds import CurrencyField, MoneyField
from intercoop.directory.models import Network, Organization


class Relationship(models.Model):
    """A tie between two organisations. Directed where the kind has a direction (the
    source supplies, is a member of, mentors, invests in or incubated the target)."""

    class Kind(models.TextChoices):
        SUPPLIES = "supplies", _("Supplies / buys from")
        SHARED_SERVICE = "shared_service", _("Shared service")
        MEMBER_OF = "member_of", _("Member of a federation or secondary co-op")
        MENTORSHIP = "mentorship", _("Mentorship")
        INVESTMENT = "investment", _("Investment or loan")
        JOINT_PROJECT = "joint_project", _("Joint project")
        INCUBATED = "incubated", _("Incubated / spun off")
        INFORMAL = "informal", _("Informal collaboration")
        OTHER = "other", _("Other")

    class Formality(models.TextChoices):
        INFORMAL = "informal", _("Informal")
        WRITTEN_AGREEMENT = "written_agreement", _("Written agreement")
        CONTRACT = "contract", _("Contract")
        JOINT_INSTITUTION = "joint_institution", _("Joint institution")

    class Status(models.TextChoices):
        CLAIMED = "claimed", _("Claimed by one side")
        CONFIRMED = "confirmed", _("Confirmed by both sides")
        DISPUTED = "disputed", _("Disputed")
        SURVEY = "survey", _("Recorded by a coordinator from a survey")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Everyone")
        NETWORK = "network", _("Members of a network both belong to")
        PARTIES = "parties", _("Only the two organisations")

    source = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="relationships_out"
    )
    target = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="relationships_in"
    )
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    formality = models.CharField(
        _("formality"), max_length=20, choices=Formality.choices, default=Formality.INFORMAL
    )
    started_on = models.DateField(_("start"), null=True, blank=True)
    ended_on = models.DateField(_("end"), null=True, blank=True)
    # Money: integer minor units with an ISO 4217 code.
    annual_value = MoneyField(_("annual value"), null=True, blank=True)
    currency = CurrencyField(_("currency"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    visibility = models.CharField(
        _("visible to"), max_length=10, choices=Visibility.choices, default=Visibility.NETWORK
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    claimed_by = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    network = models.ForeignKey(
        Network, null=True, blank=True, on_delete=models.SET_NULL, related_name="relationships"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    dispute_reason = models.TextField(_("why it is disputed"), blank=True)
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("relationship")
        verbose_name_plural = _("relationships")
        constraints = [
            models.CheckConstraint(condition=~Q(source=F("target")), name="tie_joins_two"),
            models.CheckConstraint(
                condition=Q(annual_value__isnull=True) | Q(annual_value__gte=0),
                name="tie_value_not_negative",
            ),
        ]
        indexes = [models.Index(fields=["status", "kind"], name="tie_status_kind")]

    def __str__(self) -> str:
        return f"{self.source} → {self.target} ({self.kind})"

    def other_side(self, organization: Organization) -> Organization:
        return self.target if organization.pk == self.source_id else self.source


class MetricSnapshot(models.Model):
    """The metrics of a network (or, without one, the whole directory) on a date."""

    network = models.ForeignKey(
        Network, null=True, blank=True, on_delete=models.CASCADE, related_name="metric_snapshots"
    )
    as_of = models.DateField(_("as of"))
    resolution = models.FloatField(_("community resolution"), default=1.0)
    computed_at = models.DateTimeField(_("computed at"))
    figures = models.JSONField(_("network figures"), default=dict)
    bridges = models.JSONField(_("bridges"), default=list)  # [[slug, slug], ...]

    class Meta:
        ordering = ["-as_of", "-computed_at"]
        verbose_name = _("metric snapshot")
        verbose_name_plural = _("metric snapshots")

    def __str__(self) -> str:
        return f"{self.network or 'directory'} on {self.as_of}"


class NodeMetric(models.Model):
    snapshot = models.ForeignKey(MetricSnapshot, on_delete=models.CASCADE, related_name="nodes")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    degree = models.PositiveIntegerField()
    in_degree = models.PositiveIntegerField()
    out_degree = models.PositiveIntegerField()
    betweenness = models.FloatField()
    closeness = models.FloatField()
    pagerank = models.FloatField()
    coreness = models.PositiveIntegerField()
    clustering = models.FloatField()
    community = models.PositiveIntegerField()
    articulation_point = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "organization"], name="one_metric_row")
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} in {self.snapshot_id}"


class Assessment(models.Model):
    """A network's assessment on a date: the computed indicators of the five principles
    (kept as they were), the coordinator's self-assessment and the outcomes' evidence.
    Assessments are kept; two of them side by side show the trend."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="assessments")
    as_of = models.DateField(_("as of"))
    indicators = models.JSONField(_("indicators"), default=dict)
    # {principle: {"score": 1..5, "evidence": text}}
    ratings = models.JSONField(_("self-assessment"), default=dict)
    # {outcome: evidence text}
    outcomes = models.JSONField(_("outcomes"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["-as_of", "-created_at"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")

    def __str__(self) -> str:
        return f"{self.network} on {self.as_of}"


class EconomyBaseline(models.Model):
    """The region's economy in a year (all businesses, employment, turnover), against
    which the network's co-operatives are measured."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="baselines")
    year = models.PositiveIntegerField(_("year"))
    businesses = models.PositiveIntegerField(_("businesses"))
    employment = models.PositiveIntegerField(_("employment"))
    turnover = MoneyField(_("turnover"))  # minor units
    currency = CurrencyField(_("currency"))
    source = models.CharField(_("source"), max_length=300, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["network", "year"], name="one_baseline_a_year")
        ]
        verbose_name = _("economy baseline")
        verbose_name_plural = _("economy baselines")

    def __str__(self) -> str:
        return f"{self.network} in {self.year}"
