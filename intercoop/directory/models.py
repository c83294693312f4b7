from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from intercoop.core.bounds import CurrencyField, MoneyField
from intercoop.directory import vocab
from intercoop.directory.fields import MAX_COUNT


class ImportRun(models.Model):
    """One run of an import: the provenance of every record it created or updated."""

    format = models.CharField(_("format"), max_length=20)
    filename = models.CharField(_("file name"), max_length=255)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    network = models.ForeignKey("Network", null=True, blank=True, on_delete=models.SET_NULL)
    started_at = models.DateTimeField(_("started at"))
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    skipped_count = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.format} import of {self.filename} at {self.started_at:%Y-%m-%d %H:%M}"


class Organization(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        FORMING = "forming", _("Forming")
        DISSOLVED = "dissolved", _("Dissolved")

    class Approval(models.TextChoices):
        PENDING = "pending", _("Pending approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    is_cooperative = models.BooleanField(_("is a co-operative"), default=True)
    organisational_structure = models.CharField(
        _("organisational structure"), max_length=10, blank=True, db_index=True
    )
    base_membership_type = models.CharField(
        _("base membership type"), max_length=10, blank=True, db_index=True
    )
    primary_activity = models.CharField(
        _("primary activity"), max_length=10, blank=True, db_index=True
    )
    # Space-separated ICA codes: portable across SQLite and PostgreSQL and cheap to filter.
    other_activities = models.CharField(_("other activities"), max_length=200, blank=True)
    legal_form = models.CharField(_("legal form"), max_length=100, blank=True)
    registrar = models.CharField(_("registrar"), max_length=100, blank=True)
    registration_number = models.CharField(_("registration number"), max_length=50, blank=True)
    external_id = models.CharField(_("external identifier"), max_length=200, blank=True)
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    dissolved_on = models.DateField(_("dissolved on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    approval = models.CharField(
        _("approval"), max_length=10, choices=Approval.choices, default=Approval.APPROVED
    )
    number_of_members = models.PositiveIntegerField(
        _("number of members"), null=True, blank=True, validators=[MaxValueValidator(MAX_COUNT)]
    )
    employees = models.PositiveIntegerField(
        _("employees"), null=True, blank=True, validators=[MaxValueValidator(MAX_COUNT)]
    )
    turnover = MoneyField(_("annual turnover"), null=True, blank=True)  # minor units
    turnover_currency = CurrencyField(_("turnover currency"), blank=True)
    website = models.URLField(_("website"), max_length=500, blank=True)
    website_public = models.BooleanField(_("website is public"), default=True)
    email = models.EmailField(_("e-mail"), blank=True)
    email_public = models.BooleanField(_("e-mail is public"), default=False)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    phone_public = models.BooleanField(_("phone is public"), default=False)
    street = models.CharField(_("street address"), max_length=255, blank=True)
    locality = models.CharField(_("locality"), max_length=100, blank=True)
    region = models.CharField(_("region"), max_length=100, blank=True)
    postcode = models.CharField(_("postcode"), max_length=20, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True, db_index=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    # Maintained by the services: what full-text search indexes (FTS5 / tsvector).
    search_text = models.TextField(blank=True, editable=False)
    # Provenance: who or which import supplied the record, and when.
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    import_run = models.ForeignKey(
        ImportRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="organizations"
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        indexes = [
            # Covers the map's viewport and the bbox searches with the common filters
            # without reading the (wide) rows.
            models.Index(
                fields=[
                    "latitude",
                    "longitude",
                    "approval",
                    "organisational_structure",
                    "base_membership_type",
                    "is_cooperative",
                ],
                name="org_lat_lon",
            ),
            models.Index(fields=["approval", "name"], name="org_approval_name"),
            models.Index(fields=["updated_at"], name="org_updated_at"),
            # Covers counting the common filters without reading the (wide) rows.
            models.Index(
                fields=[
                    "approval",
                    "country",
                    "organisational_structure",
                    "base_membership_type",
                    "primary_activity",
                    "is_cooperative",
                    "other_activities",
                ],
                name="org_filters",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["external_id"], condition=~Q(external_id=""), name="org_external_id_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def other_activity_codes(self) -> list[str]:
        return self.other_activities.split()

    @property
    def structure_label(self) -> str:
        return vocab.label("organisational_structure", self.organisational_structure)

    @property
    def membership_type_label(self) -> str:
        return vocab.label("base_membership_type", self.base_membership_type)

    @property
    def primary_activity_label(self) -> str:
        return vocab.label("activity", self.primary_activity)

    @property
    def is_active(self) -> bool:
        return self.status == Organization.Status.ACTIVE

    @property
    def has_location(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class Network(models.Model):
    class Kind(models.TextChoices):
        PURCHASING_ALLIANCE = "purchasing_alliance", _("Purchasing alliance")
        CITY_NETWORK = "city_network", _("City or regional co-op network")
        FEDERATION = "federation", _("Federation")
        SECTOR_NETWORK = "sector_network", _("Sector network")
        OTHER = "other", _("Other")

    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, default=Kind.OTHER)
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("website"), blank=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("network")
        verbose_name_plural = _("networks")

    def __str__(self) -> str:
        return self.name


class NetworkMembership(models.Model):
    class Status(models.TextChoices):
        APPLICANT = "applicant", _("Applicant")
        MEMBER = "member", _("Member")
        LEFT = "left", _("Left")

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="network_memberships"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    applied_on = models.DateField(_("applied on"), null=True, blank=True)
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["network", "organization"], name="one_membership")
        ]
        verbose_name = _("network membership")
        verbose_name_plural = _("network memberships")

    def __str__(self) -> str:
        return f"{self.organization} in {self.network} ({self.status})"

    @property
    def is_applicant(self) -> bool:
        return self.status == NetworkMembership.Status.APPLICANT

    @property
    def is_member(self) -> bool:
        return self.status == NetworkMembership.Status.MEMBER


class OrganizationRole(models.Model):
    class Role(models.TextChoices):
        ADMIN = "admin", _("Administrator")
        EDITOR = "editor", _("Editor")
        MEMBER = "member", _("Member")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="roles")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="organization_roles"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "user"], name="one_org_role")
        ]
        verbose_name = _("organisation role")
        verbose_name_plural = _("organisation roles")

    def __str__(self) -> str:
        return f"{self.user} is {self.role} of {self.organization}"


class NetworkRole(models.Model):
    class Role(models.TextChoices):
        COORDINATOR = "coordinator", _("Coordinator")
        MEMBER = "member", _("Member")

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="roles")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="network_roles"
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["network", "user"], name="one_network_role")]
        verbose_name = _("network role")
        verbose_name_plural = _("network roles")

    def __str__(self) -> str:
        return f"{self.user} is {self.role} of {self.network}"
