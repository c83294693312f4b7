"""Bringing new members in: pathways (ordered steps) that applicants walk with a mentor
to admission, the registers the law asks for (members and shares, with an append-only
share ledger), and a shared curriculum of courses whose completion earns an Open Badge.

An organisation's pathway admits people (its worker-owners or consumer members); a
network's admits organisations. Ledgers (`ShareEntry`) and the register's history are
append-only: a mistake is corrected by a new entry.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from intercoop.core.bounds import LONG_TEXT, SHORT_TEXT, CurrencyField, MoneyField
from intercoop.core.values import KEY_LENGTH
from intercoop.directory.models import Network, Organization

MAX_LESSON_TEXT = 50_000
MAX_FILE_BYTES = 5 * 1024 * 1024

# (the licences' names are the same in every language; marked so that catalogues say so)
LICENCES = [
    ("CC-BY-SA-4.0", _("CC BY-SA 4.0")),
    ("CC-BY-4.0", _("CC BY 4.0")),
    ("CC-BY-NC-SA-4.0", _("CC BY-NC-SA 4.0")),
    ("CC0-1.0", _("CC0 1.0")),
    ("all-rights-reserved", _("All rights reserved")),
]
LICENCE_URLS = {
    "CC-BY-SA-4.0": "https://creativecommons.org/licenses/by-sa/4.0/",
    "CC-BY-4.0": "https://creativecommons.org/licenses/by/4.0/",
    "CC-BY-NC-SA-4.0": "https://creativecommons.org/licenses/by-nc-sa/4.0/",
    "CC0-1.0": "https://creativecommons.org/publicdomain/zero/1.0/",
    "all-rights-reserved": "",
}


# the shared curriculum ----------------------------------------------------------------


class Course(models.Model):
    """A course of the shared library: modules of lessons in one language, under a
    licence, with its authors. An adaptation (`based_on`) is a copy that keeps the
    original's authors; a translation (`translation_of`) is linked to its original."""

    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    title = models.CharField(_("title"), max_length=SHORT_TEXT)
    summary = models.TextField(_("summary"), max_length=LONG_TEXT, blank=True)
    language = models.CharField(_("language"), max_length=10, default="en")
    licence = models.CharField(
        _("licence"), max_length=24, choices=LICENCES, default="CC-BY-SA-4.0"
    )
    # [{"name": "…", "organization": "…"}]: everyone who wrote it, originals first
    authors = models.JSONField(_("authors"), default=list, blank=True)
    attribution = models.TextField(_("attribution"), max_length=LONG_TEXT, blank=True)
    publisher = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="courses", verbose_name=_("publisher")
    )
    based_on = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="adaptations"
    )
    translation_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="translations"
    )
    published = models.BooleanField(_("published in the library"), default=False)
    created_at = models.DateTimeField(_("created at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        ordering = ["title", "pk"]
        verbose_name = _("course")

    def __str__(self) -> str:
        return self.title


class CourseModule(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="modules")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(_("title"), max_length=SHORT_TEXT)

    class Meta:
        ordering = ["course", "position"]
        constraints = [
            models.UniqueConstraint(fields=["course", "position"], name="membership_module_at")
        ]

    def __str__(self) -> str:
        return self.title


class Lesson(models.Model):
    module = models.ForeignKey(CourseModule, on_delete=models.CASCADE, related_name="lessons")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(_("title"), max_length=SHORT_TEXT)
    body = models.TextField(_("text (Markdown)"), max_length=MAX_LESSON_TEXT, blank=True)
    minutes = models.PositiveSmallIntegerField(_("estimated minutes"), default=10)

    class Meta:
        ordering = ["module", "position"]
        constraints = [
            models.UniqueConstraint(fields=["module", "position"], name="membership_lesson_at")
        ]

    def __str__(self) -> str:
        return self.title


class LessonFile(models.Model):
    """A file attached to a lesson, kept in the database (backed up with it)."""

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="files")
    name = models.CharField(_("file name"), max_length=SHORT_TEXT)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    data = models.BinaryField()

    class Meta:
        ordering = ["lesson", "name"]

    def __str__(self) -> str:
        return self.name


class CourseUse(models.Model):
    """An organisation uses a course (in a pathway, or adopted from the library)."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="uses")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    since = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["course", "organization"], name="membership_one_use")
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} uses {self.course_id}"


class LessonDone(models.Model):
    """A person completed a lesson."""

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    done_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["lesson", "user"], name="membership_lesson_done")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} did {self.lesson_id}"


class BadgeAssertion(models.Model):
    """An Open Badges 2.0 assertion, hosted at a stable URL: a person completed a course.
    The recipient is the salted SHA-256 of their e-mail, never the address itself."""

    uid = models.CharField(max_length=40, unique=True)
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="assertions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recipient_hash = models.CharField(max_length=80)  # "sha256$<hex>"
    salt = models.CharField(max_length=40)
    issued_at = models.DateTimeField()
    revoked = models.BooleanField(default=False)
    revocation_reason = models.CharField(max_length=SHORT_TEXT, blank=True)

    class Meta:
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "user"], condition=Q(revoked=False), name="membership_one_badge"
            )
        ]

    def __str__(self) -> str:
        return self.uid


# pathways ---------------------------------------------------------------------------------


class Pathway(models.Model):
    """The way in: an organisation's for people, or a network's for organisations."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, null=True, blank=True, related_name="pathways"
    )
    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, null=True, blank=True, related_name="pathways"
    )
    slug = models.SlugField(_("slug"), max_length=120)
    name = models.CharField(_("name"), max_length=SHORT_TEXT)
    description = models.TextField(_("description"), max_length=LONG_TEXT, blank=True)
    open = models.BooleanField(_("open to applications"), default=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(organization__isnull=True) ^ Q(network__isnull=True),
                name="membership_pathway_one_owner",
            ),
            models.UniqueConstraint(
                fields=["organization", "slug"], name="membership_pathway_org_slug"
            ),
            models.UniqueConstraint(
                fields=["network", "slug"], name="membership_pathway_network_slug"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def for_organizations(self) -> bool:
        return self.network_id is not None


class Step(models.Model):
    """One step of a pathway. Its settings depend on its kind:
    - orientation: `sessions` (attendances needed, default 1);
    - course: `course` (the course to complete);
    - mentorship: `meetings` (logged meetings needed);
    - probation: `days` (from becoming a candidate), and optionally `hours` of work in
      all with `recent_hours` of them in the last `recent_months`;
    - equity: `share_class` (the minimum of that class paid in full);
    - vetting: `checklist` (items to tick), with interview notes and references;
    - agreement: `documents` (titles of what is signed);
    - admission: by a governance poll of the members (`by_poll`), else a coordinator."""

    class Kind(models.TextChoices):
        ORIENTATION = "orientation", _("Orientation session")
        COURSE = "course", _("Course")
        MENTORSHIP = "mentorship", _("Mentorship")
        PROBATION = "probation", _("Candidacy and probation")
        EQUITY = "equity", _("Equity buy-in")
        VETTING = "vetting", _("Vetting")
        AGREEMENT = "agreement", _("Agreement signed")
        ADMISSION = "admission", _("Admission")

    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=SHORT_TEXT)
    details = models.TextField(_("details"), max_length=LONG_TEXT, blank=True)
    settings = models.JSONField(default=dict, blank=True)
    course = models.ForeignKey(
        Course, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    days_to_complete = models.PositiveSmallIntegerField(
        _("days to complete it"), null=True, blank=True
    )

    class Meta:
        ordering = ["pathway", "position"]
        constraints = [
            models.UniqueConstraint(fields=["pathway", "position"], name="membership_step_at")
        ]

    def __str__(self) -> str:
        return self.title


class Application(models.Model):
    """A person (or, on a network's pathway, an organisation) on the way in."""

    class Status(models.TextChoices):
        APPLICANT = "applicant", _("Applicant")
        CANDIDATE = "candidate", _("Candidate")
        MEMBER = "member", _("Member")
        PAUSED = "paused", _("Paused")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        REFUSED = "refused", _("Refused")
        LEFT = "left", _("Left")

    pathway = models.ForeignKey(Pathway, on_delete=models.PROTECT, related_name="applications")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.APPLICANT
    )
    motivation = models.TextField(_("why they want to join"), max_length=LONG_TEXT, blank=True)
    applied_at = models.DateTimeField()
    candidate_since = models.DateField(null=True, blank=True)
    member_since = models.DateField(null=True, blank=True)
    paused_from = models.CharField(max_length=10, blank=True)  # the status it resumes
    paused_on = models.DateField(null=True, blank=True)  # while paused: since when
    days_paused = models.PositiveIntegerField(default=0)  # a probation runs as much longer
    ended_on = models.DateField(null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=SHORT_TEXT, blank=True)
    poll_id = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-applied_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=True) ^ Q(organization__isnull=True),
                name="membership_application_one_applicant",
            )
        ]
        indexes = [models.Index(fields=["pathway", "status"], name="membership_app_status")]

    def __str__(self) -> str:
        return f"{self.user_id or self.organization_id} → {self.pathway_id}"

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.APPLICANT, self.Status.CANDIDATE, self.Status.PAUSED)


class StepRecord(models.Model):
    """What was done on a step: completed (by whom, when), attendances, checklist ticks,
    interview notes and references (vetting), documents signed (agreement)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="steps")
    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="+")
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    data = models.JSONField(default=dict, blank=True)
    notes = models.TextField(_("notes"), max_length=LONG_TEXT, blank=True)
    due_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["application", "step"], name="membership_one_record")
        ]

    def __str__(self) -> str:
        return f"{self.application_id}/{self.step_id}"


class MentorOffer(models.Model):
    """A member offers to mentor up to `capacity` people on an organisation's pathways."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    capacity = models.PositiveSmallIntegerField(_("people at once"), default=1)
    note = models.CharField(_("what I can help with"), max_length=SHORT_TEXT, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "user"], name="membership_one_offer")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} mentors for {self.organization_id}"


class Mentorship(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        ENDED = "ended", _("Ended")

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="mentorships"
    )
    mentor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    reason = models.CharField(_("why this mentor"), max_length=SHORT_TEXT, blank=True)
    proposed_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-proposed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.mentor_id} for {self.application_id}"


class MentorMeeting(models.Model):
    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="meetings")
    on = models.DateField(_("date"))
    notes = models.TextField(_("notes"), max_length=LONG_TEXT, blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["on", "pk"]

    def __str__(self) -> str:
        return f"{self.mentorship_id} on {self.on}"


class HoursEntry(models.Model):
    """Hours of work a candidate logged (append-only; a correction is negative)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="hours")
    on = models.DateField(_("date"))
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=2)
    note = models.CharField(_("note"), max_length=SHORT_TEXT, blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    logged_at = models.DateTimeField()

    class Meta:
        ordering = ["on", "pk"]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.hours} h on {self.on}"


class SurveyResponse(models.Model):
    """The short feedback survey after admission and after 6 months."""

    class When(models.TextChoices):
        ADMISSION = "admission", _("After admission")
        SIX_MONTHS = "six-months", _("After six months")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="surveys")
    when = models.CharField(max_length=10, choices=When.choices)
    answers = models.JSONField(default=dict)  # question key → 1–5 or text
    answered_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["application", "when"], name="membership_one_survey")
        ]

    def __str__(self) -> str:
        return f"{self.application_id} {self.when}"


# equity and registers -------------------------------------------------------------------


class ShareClass(models.Model):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="share_classes"
    )
    name = models.CharField(_("name"), max_length=SHORT_TEXT)
    price = MoneyField(_("price of a share"))
    currency = CurrencyField(_("currency"))
    minimum = models.PositiveIntegerField(_("shares needed to be a member"), default=1)
    transferable = models.BooleanField(_("transferable"), default=False)
    redemption_months = models.PositiveSmallIntegerField(
        _("months from a request to the payout of a redemption"), default=0
    )

    class Meta:
        ordering = ["organization", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(price__gt=0), name="membership_share_price")
        ]

    def __str__(self) -> str:
        return self.name


class Member(models.Model):
    """A row of the register of members (UK Co-operative and Community Benefit Societies
    Act 2014 s.30: name, address, e-mail, shares held and paid, loans, date entered, date
    ceased). A person (`user`) or an organisation (`member_organization`)."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="register"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    member_organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("name"), max_length=SHORT_TEXT)
    address = models.TextField(_("address"), max_length=1000, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    loans = MoneyField(_("loans to the society"), default=0)
    entered_on = models.DateField(_("date entered"))
    ceased_on = models.DateField(_("date ceased"), null=True, blank=True)
    ceased_reason = models.CharField(_("why"), max_length=SHORT_TEXT, blank=True)
    application = models.OneToOneField(
        Application, on_delete=models.SET_NULL, null=True, blank=True, related_name="member"
    )

    class Meta:
        ordering = ["organization", "name", "pk"]
        indexes = [models.Index(fields=["organization", "name"], name="membership_register")]

    def __str__(self) -> str:
        return self.name


class Subscription(models.Model):
    """Shares a person subscribed for, paid at once or by instalments (`instalments`
    monthly payments of `instalment_amount`, the last one the rest)."""

    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, null=True, blank=True, related_name="subscriptions"
    )
    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, null=True, blank=True, related_name="subscriptions"
    )
    share_class = models.ForeignKey(ShareClass, on_delete=models.PROTECT, related_name="+")
    shares = models.PositiveIntegerField(_("shares"))
    amount = MoneyField(_("amount"))
    instalments = models.PositiveSmallIntegerField(_("monthly instalments"), default=1)
    first_due_on = models.DateField(_("first payment due on"))
    paid = MoneyField(_("paid"), default=0)  # kept at hand: the sum of its payments
    paid_in_full_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["first_due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(paid__lte=models.F("amount")), name="membership_paid_at_most"
            )
        ]

    def __str__(self) -> str:
        return f"{self.shares} × {self.share_class_id}"


class ShareEntry(models.Model):
    """The share ledger (append-only): subscriptions, payments (payroll deductions
    included), transfers out and in, and redemptions with the payout date the rules set."""

    class Kind(models.TextChoices):
        SUBSCRIPTION = "subscription", _("Subscription")
        PAYMENT = "payment", _("Payment")
        TRANSFER_OUT = "transfer-out", _("Transfer out")
        TRANSFER_IN = "transfer-in", _("Transfer in")
        REDEMPTION = "redemption", _("Redemption")

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    share_class = models.ForeignKey(ShareClass, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, null=True, blank=True, related_name="entries"
    )
    subscription = models.ForeignKey(
        Subscription, on_delete=models.PROTECT, null=True, blank=True, related_name="entries"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    shares = models.IntegerField(_("shares"), default=0)  # + held more, − held fewer
    amount = MoneyField(_("amount"), negative=True)  # + paid in, − paid out
    on = models.DateField(_("date"))
    payout_on = models.DateField(_("paid out on"), null=True, blank=True)
    method = models.CharField(_("how"), max_length=40, blank=True)  # "payroll", "bank", …
    idempotency_key = models.CharField(max_length=KEY_LENGTH, null=True, blank=True)  # payments'
    counterparty = models.ForeignKey(
        Member, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["on", "pk"]
        indexes = [models.Index(fields=["organization", "member"], name="membership_ledger")]
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "idempotency_key"], name="membership_one_payment_per_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.shares} {self.amount}"


# worker-owners' internal capital accounts -------------------------------------------------


class CapitalAllocation(models.Model):
    """The co-op's allocation among its members of what a purchasing network retained
    for it from a patronage distribution (`source`: one line of that distribution), in
    proportion to each member's hours worked or wages in the distribution's period. A
    line has one allocation in force; one made in error is reversed (its entries undone
    by new ones) and the line allocated again. Its parts are `CapitalAccountEntry` rows."""

    class Basis(models.TextChoices):
        HOURS = "hours", _("Hours worked")
        WAGES = "wages", _("Wages paid")

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    source = models.ForeignKey(
        "purchasing.PatronageAllocation", on_delete=models.PROTECT, related_name="+"
    )
    basis = models.CharField(_("in proportion to"), max_length=8, choices=Basis.choices)
    amount = MoneyField(_("amount"))
    currency = CurrencyField(_("currency"))
    on = models.DateField(_("date"))
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reversed_at = models.DateTimeField(null=True, blank=True)
    reversed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reversal_reason = models.CharField(_("why"), max_length=SHORT_TEXT, blank=True)

    class Meta:
        ordering = ["-on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["source"],
                condition=Q(reversed_at__isnull=True),
                name="membership_allocated_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.source_id} {self.amount} {self.currency}"


class CapitalAccountEntry(models.Model):
    """A worker-owner's internal capital account (append-only): their part of the
    patronage the co-op retained (+), that part undone when its allocation is reversed
    (−), and what was paid out of it (−). The balance is the sum of the entries, per
    currency."""

    class Kind(models.TextChoices):
        ALLOCATION = "allocation", _("Patronage allocated")
        REVERSAL = "reversal", _("Allocation reversed")
        PAYOUT = "payout", _("Paid out")

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="capital_entries")
    allocation = models.ForeignKey(
        CapitalAllocation, on_delete=models.PROTECT, null=True, blank=True, related_name="entries"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    basis = models.DecimalField(  # the member's hours or wages that weighed their part
        _("hours or wages"), max_digits=15, decimal_places=2, null=True, blank=True
    )
    amount = MoneyField(_("amount"), negative=True)  # + credited, − undone or paid out
    currency = CurrencyField(_("currency"))
    on = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=SHORT_TEXT, blank=True)
    idempotency_key = models.CharField(max_length=KEY_LENGTH, null=True, blank=True)  # payouts'
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["on", "pk"]
        indexes = [
            models.Index(fields=["organization", "member"], name="membership_capital_account")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "idempotency_key"], name="membership_one_payout_per_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount} {self.currency}"
