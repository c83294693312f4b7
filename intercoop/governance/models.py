"""Deciding together: bodies (who decides), polls (what is decided and by which rule),
the electorate fixed when a poll opens, ballots (append-only: a changed vote adds a new
current ballot), proxies, comments, and each consent round's record.

Anonymous polls keep who voted (`Participation`) apart from what was voted (`Ballot`,
with no voter, no caster and no time): nothing in a ballot row names its voter. A voter
finds and replaces their own ballot through a keyed seal only the server can compute.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from intercoop.core.bounds import LONG_TEXT, SHORT_TEXT
from intercoop.governance import blt

# one bound for a voter's weight: what a BLT ballot file carries (weight 0 is allowed: the
# voter counts towards quorum, not in the tally, and its papers are left out of the file)
MAX_WEIGHT = blt.MAX_WEIGHT
MAX_OPTIONS = 50
MAX_SEATS = 50


class Body(models.Model):
    """Who decides: a network (its member organisations, one vote each), an organisation
    (its people), or a committee (named people or organisations) of a network or an
    organisation, whose coordinators or administrators run it."""

    class Kind(models.TextChoices):
        NETWORK = "network", _("Network (one organisation, one vote)")
        ORGANIZATION = "organization", _("Organisation (one person, one vote)")
        COMMITTEE = "committee", _("Committee (named members)")

    slug = models.SlugField(_("slug"), max_length=120)
    name = models.CharField(_("name"), max_length=SHORT_TEXT)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    description = models.TextField(_("description"), max_length=LONG_TEXT, blank=True)
    network = models.ForeignKey(
        "directory.Network", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    organization = models.ForeignKey(
        "directory.Organization",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    admission_by_poll = models.BooleanField(
        _("admit new member organisations by a poll of the members"), default=False
    )
    ratify_awards = models.BooleanField(
        _("ratify purchasing awards by a poll of the round's members"), default=False
    )
    created_at = models.DateTimeField(_("created at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("decision-making body")
        verbose_name_plural = _("decision-making bodies")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(network__isnull=True) | Q(organization__isnull=True),
                name="governance_body_one_owner",
            ),
            models.UniqueConstraint(fields=["kind", "slug"], name="governance_body_slug"),
            models.UniqueConstraint(
                fields=["network"], condition=Q(kind="network"), name="governance_one_network_body"
            ),
            models.UniqueConstraint(
                fields=["organization"],
                condition=Q(kind="organization"),
                name="governance_one_organization_body",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_network(self) -> bool:
        return self.kind == self.Kind.NETWORK

    @property
    def is_committee(self) -> bool:
        return self.kind == self.Kind.COMMITTEE


class Seat(models.Model):
    """A committee's member: a person or an organisation."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="seats")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    organization = models.ForeignKey(
        "directory.Organization", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        verbose_name = _("committee seat")
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=True) ^ Q(organization__isnull=True),
                name="governance_seat_one_holder",
            ),
            models.UniqueConstraint(fields=["body", "user"], name="governance_seat_user"),
            models.UniqueConstraint(
                fields=["body", "organization"], name="governance_seat_organization"
            ),
        ]

    def __str__(self) -> str:
        return str(self.user or self.organization)


class Delegate(models.Model):
    """The one person who votes for an organisation in a network's polls (without one,
    any of its administrators may, the first to vote counting)."""

    network = models.ForeignKey("directory.Network", on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey(
        "directory.Organization", on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("delegate")
        constraints = [
            models.UniqueConstraint(
                fields=["network", "organization"], name="governance_one_delegate"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization}: {self.user}"


class Poll(models.Model):
    class Kind(models.TextChoices):
        PROPOSAL = "proposal", _("Proposal")
        CONSENT = "consent", _("Consent")
        CHOICE = "choice", _("Choice")
        SCORE = "score", _("Score")
        DOT = "dot", _("Dot vote")
        RANKED = "ranked", _("Ranked choice")
        ELECTION = "election", _("Election")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    class Rule(models.TextChoices):
        MAJORITY = "majority", _("Simple majority of votes cast")
        SUPERMAJORITY = "supermajority", _("Supermajority of votes cast")
        SUPERMAJORITY_ELIGIBLE = "supermajority-eligible", _("Supermajority of the electorate")
        CONSENSUS = "consensus", _("Consensus: no block and agreement at the threshold")

    class Threshold(models.TextChoices):
        HALF = "1/2", _("one half")
        THREE_FIFTHS = "3/5", _("three fifths")
        TWO_THIRDS = "2/3", _("two thirds")
        THREE_QUARTERS = "3/4", _("three quarters")
        FOUR_FIFTHS = "4/5", _("four fifths")
        NINE_TENTHS = "9/10", _("nine tenths")
        ALL = "1", _("all")

    class Method(models.TextChoices):
        SCOTTISH_STV = "scottish-stv", _("Single transferable vote (Scottish rules)")
        MEEK_STV = "meek-stv", _("Single transferable vote (Meek)")
        IRV = "irv", _("Instant runoff")
        BORDA = "borda", _("Borda points")
        SCHULZE = "schulze", _("Schulze (Condorcet)")

    class Visibility(models.TextChoices):
        ALWAYS = "always", _("Always")
        AFTER_VOTE = "after-vote", _("Once you have voted")
        AFTER_CLOSE = "after-close", _("Once the poll has closed")

    class Weighting(models.TextChoices):
        EQUAL = "equal", _("Equal: one vote each")
        CUSTOM = "custom", _("Weights set before opening")

    class Purpose(models.TextChoices):
        NONE = "", _("None")
        ADMISSION = "admission", _("Admission of a member organisation")
        AWARD = "award", _("Ratification of a purchasing award")
        LOAN = "loan", _("A loan committee's decision")
        MEMBERSHIP = "membership", _("Admission of a new member")

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="polls")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=SHORT_TEXT)
    details = models.TextField(_("details"), max_length=LONG_TEXT, blank=True)
    status = models.CharField(
        _("status"), max_length=6, choices=Status.choices, default=Status.DRAFT
    )
    rule = models.CharField(
        _("rule"), max_length=24, choices=Rule.choices, default=Rule.MAJORITY, blank=True
    )
    threshold = models.CharField(
        _("threshold"), max_length=4, choices=Threshold.choices, default=Threshold.TWO_THIRDS
    )
    method = models.CharField(
        _("counting method"), max_length=12, choices=Method.choices, blank=True
    )
    seats = models.PositiveSmallIntegerField(_("seats"), default=1)
    min_choices = models.PositiveSmallIntegerField(_("fewest choices"), default=1)
    max_choices = models.PositiveSmallIntegerField(_("most choices"), default=1)
    score_max = models.PositiveSmallIntegerField(_("highest score"), default=5)
    dots = models.PositiveSmallIntegerField(_("dots per voter"), default=10)
    quorum = models.PositiveSmallIntegerField(_("quorum (% of the electorate)"), default=0)
    anonymous = models.BooleanField(_("anonymous"), default=False)
    results_visible = models.CharField(
        _("results shown"), max_length=12, choices=Visibility.choices, default=Visibility.AFTER_VOTE
    )
    weighting = models.CharField(
        _("weights"), max_length=8, choices=Weighting.choices, default=Weighting.EQUAL
    )
    # voter key (organisation slug or user name) → weight, fixed into the electorate at opening
    weights = models.JSONField(_("weights by voter"), default=dict, blank=True)
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    seed = models.BigIntegerField(_("seed of the lot"), default=0)
    purpose = models.CharField(max_length=10, choices=Purpose.choices, default="", blank=True)
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    # when set, the electorate is only these member organisations (an award's
    # ratification: the round's members), fixed at opening like any other
    voter_organizations = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(_("created at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(_("result"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), max_length=LONG_TEXT, blank=True)
    outcome_at = models.DateTimeField(null=True, blank=True)
    outcome_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("poll")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "closes_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED

    @property
    def has_options(self) -> bool:
        return self.kind not in (self.Kind.PROPOSAL, self.Kind.CONSENT)

    @property
    def is_ranked(self) -> bool:
        return self.kind in (self.Kind.RANKED, self.Kind.ELECTION)

    @property
    def is_election(self) -> bool:
        return self.kind == self.Kind.ELECTION

    @property
    def is_proposal(self) -> bool:
        return self.kind == self.Kind.PROPOSAL

    @property
    def is_consent(self) -> bool:
        return self.kind == self.Kind.CONSENT

    @property
    def is_choice(self) -> bool:
        return self.kind == self.Kind.CHOICE

    @property
    def is_score(self) -> bool:
        return self.kind == self.Kind.SCORE

    @property
    def is_dot(self) -> bool:
        return self.kind == self.Kind.DOT

    @property
    def takes_reasons(self) -> bool:
        return not self.anonymous


class Option(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(_("name"), max_length=SHORT_TEXT)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["poll", "position"], name="governance_option_position"),
            models.UniqueConstraint(fields=["poll", "name"], name="governance_option_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Voter(models.Model):
    """One member of a poll's electorate, fixed when the poll opens, with its weight."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="voters")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    organization = models.ForeignKey(
        "directory.Organization", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(_("name"), max_length=SHORT_TEXT)
    weight = models.PositiveBigIntegerField(_("weight"), default=1)

    class Meta:
        verbose_name = _("voter")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["poll", "user"], name="governance_voter_user"),
            models.UniqueConstraint(
                fields=["poll", "organization"], name="governance_voter_organization"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Participation(models.Model):
    """Who voted in a round (and who cast it: the voter's delegate, an administrator, or
    the holder of its proxy); never what was voted."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="participations")
    round = models.PositiveSmallIntegerField(default=1)
    voter = models.ForeignKey(Voter, on_delete=models.CASCADE, related_name="participations")
    cast_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    by_proxy = models.BooleanField(default=False)
    voted_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["poll", "round", "voter"], name="governance_one_participation"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.voter} ({self.poll_id}, round {self.round})"


class Ballot(models.Model):
    """What was voted. Append-only: a changed vote marks the previous ballot not current
    and adds a new one. In an anonymous poll `voter`, `cast_by` and `cast_at` stay empty;
    `seal` (a keyed hash of poll and voter) lets the server find the voter's ballot, and
    `receipt` is the code the voter checks in the published ballot list."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="ballots")
    round = models.PositiveSmallIntegerField(default=1)
    voter = models.ForeignKey(
        Voter, null=True, blank=True, on_delete=models.CASCADE, related_name="ballots"
    )
    seal = models.CharField(max_length=64, blank=True, db_index=True)
    receipt = models.CharField(_("receipt"), max_length=16, blank=True)
    choice = models.JSONField(_("choice"))
    reason = models.TextField(_("reason"), max_length=LONG_TEXT, blank=True)
    weight = models.PositiveBigIntegerField(_("weight"), default=1)
    cast_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    by_proxy = models.BooleanField(default=False)
    cast_at = models.DateTimeField(null=True, blank=True)
    current = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("ballot")
        indexes = [models.Index(fields=["poll", "round", "current"])]

    def __str__(self) -> str:
        return self.receipt or f"ballot {self.pk}"


class Proxy(models.Model):
    """A voter of a body gives its vote to another voter of the same body, for one poll
    or until revoked. Voters are people (organisation bodies, committees) or
    organisations (networks, committees)."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="proxies")
    poll = models.ForeignKey(
        Poll, null=True, blank=True, on_delete=models.CASCADE, related_name="proxies"
    )
    giver_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    giver_organization = models.ForeignKey(
        "directory.Organization", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    holder_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    holder_organization = models.ForeignKey(
        "directory.Organization", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("proxy")
        verbose_name_plural = _("proxies")
        constraints = [
            models.CheckConstraint(
                condition=Q(giver_user__isnull=True) ^ Q(giver_organization__isnull=True),
                name="governance_proxy_one_giver",
            ),
            models.CheckConstraint(
                condition=Q(holder_user__isnull=True) ^ Q(holder_organization__isnull=True),
                name="governance_proxy_one_holder",
            ),
        ]

    def __str__(self) -> str:
        giver = self.giver_user or self.giver_organization
        return f"{giver} → {self.holder_user or self.holder_organization}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class Comment(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("comment"), max_length=LONG_TEXT)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


class PollRound(models.Model):
    """A closed round of a consent poll, kept when the proposer amends and reopens it."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=SHORT_TEXT)
    details = models.TextField(max_length=LONG_TEXT, blank=True)
    result = models.JSONField(null=True)
    closed_at = models.DateTimeField()

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["poll", "number"], name="governance_round_number"),
        ]

    def __str__(self) -> str:
        return f"{self.title} (round {self.number})"
