import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 is stored; the key is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"))
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.user})"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()


class Delivery(models.TextChoices):
    """How a person wants to hear of one kind of event besides the inbox."""

    IMMEDIATELY = "immediately", _("E-mail at once")
    DAILY = "daily", _("Daily digest")
    WEEKLY = "weekly", _("Weekly digest")
    OFF = "off", _("Inbox only, no e-mail")


class Profile(models.Model):
    """What a person chooses for themselves: the name shown, the language of the pages
    and e-mails, and how each kind of notification reaches them. Saved when the person
    first saves their profile page; until then `profile_for` gives the defaults."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    language = models.CharField(
        _("preferred language"), max_length=10, choices=settings.LANGUAGES, blank=True
    )
    delivery = models.CharField(
        _("notifications by default"),
        max_length=12,
        choices=Delivery.choices,
        default=Delivery.IMMEDIATELY,
    )
    # {notification kind: Delivery} where the person chose otherwise than the default
    deliveries = models.JSONField(_("notifications by kind"), default=dict, blank=True)

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self) -> str:
        return self.display_name or str(self.user)

    def delivery_for(self, kind: str) -> str:
        chosen = self.deliveries.get(kind)
        return chosen if chosen in Delivery.values else self.delivery


class Notification(models.Model):
    """A message in a person's in-app inbox; also e-mailed at once, in a digest or not at
    all, as the person chose for its kind (`delivery`, fixed when it is created)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=30, blank=True)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"))
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    delivery = models.CharField(
        _("e-mail"), max_length=12, choices=Delivery.choices, default=Delivery.IMMEDIATELY
    )
    mailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "read_at"], name="notification_unread"),
            models.Index(fields=["delivery", "mailed_at"], name="notification_digest"),
        ]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return self.subject


class AuditEvent(models.Model):
    """Who did what, when: one row per change made through a service. Append-only.

    The network and organisations it concerns are plain ids (core depends on no app), so
    the record outlives what it describes and each history page is one indexed query.
    """

    at = models.DateTimeField(_("when"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    actor_name = models.CharField(_("who"), max_length=150)
    action = models.CharField(_("action"), max_length=60, db_index=True)
    object_type = models.CharField(_("object type"), max_length=60)
    object_id = models.CharField(_("object id"), max_length=64)
    summary = models.CharField(_("what changed"), max_length=500, blank=True)
    request_id = models.CharField(_("request"), max_length=64, blank=True)
    network_id = models.BigIntegerField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_type}"


class AuditSubject(models.Model):
    """An organisation an audit event concerns (an index for its history page)."""

    event = models.ForeignKey(AuditEvent, on_delete=models.CASCADE, related_name="subjects")
    organization_id = models.BigIntegerField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "organization_id"], name="audit_subject_once")
        ]

    def __str__(self) -> str:
        return f"{self.event_id} → {self.organization_id}"


class BackgroundWork(models.Model):
    """What every piece of work done by a background worker shows: its state, what came of
    it, and when it was asked for, started and finished."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    detail = models.CharField(_("result"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("submitted at"))
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-pk"]

    @property
    def is_pending(self) -> bool:
        return self.status in {self.Status.QUEUED, self.Status.RUNNING}

    @property
    def succeeded(self) -> bool:
        return self.status == self.Status.DONE


class ImportJob(BackgroundWork):
    """An uploaded file waiting for, or done with, its import by a background task."""

    format = models.CharField(_("format"), max_length=40)
    network_slug = models.CharField(_("network"), max_length=100, blank=True)
    filename = models.CharField(_("file"), max_length=255)
    data = models.BinaryField()
    skip_bad_rows = models.BooleanField(_("skip bad rows"), default=False)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    errors = models.JSONField(_("row errors"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_jobs"
    )

    class Meta(BackgroundWork.Meta):
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return f"{self.filename} ({self.format}, {self.status})"


class LoginFailure(models.Model):
    """A wrong password for one account from one client: what sign-in throttling counts
    (in the database, so every server process sees the same count)."""

    username = models.CharField(_("username"), max_length=150)  # case-folded
    client = models.CharField(_("client"), max_length=45)  # the client's IP address
    at = models.DateTimeField(_("when"), db_index=True)

    class Meta:
        indexes = [models.Index(fields=["username", "client", "at"], name="login_failure_lookup")]
        verbose_name = _("failed sign-in")
        verbose_name_plural = _("failed sign-ins")

    def __str__(self) -> str:
        return f"{self.username} from {self.client} at {self.at:%Y-%m-%d %H:%M}"


class TaskRun(BackgroundWork):
    """A piece of long work asked for by someone (a clearing run on a big network) and run
    by a background worker; pages and the API show its state."""

    name = models.CharField(_("task"), max_length=60)
    label = models.CharField(_("what"), max_length=200)
    params = models.JSONField(default=dict)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="task_runs"
    )
    link = models.JSONField(default=list, blank=True)  # [url name, [args]] of the result

    class Meta(BackgroundWork.Meta):
        verbose_name = _("background task")
        verbose_name_plural = _("background tasks")

    def __str__(self) -> str:
        return f"{self.label} ({self.status})"


class PeriodicRun(models.Model):
    """When a periodic job (`core.periodic`) last ran, so that the clock neither runs it
    twice after a restart nor forgets it."""

    name = models.CharField(_("job"), max_length=60, unique=True)
    last_run_at = models.DateTimeField(_("last run at"))

    class Meta:
        verbose_name = _("periodic job")
        verbose_name_plural = _("periodic jobs")

    def __str__(self) -> str:
        return f"{self.name} ({self.last_run_at:%Y-%m-%d %H:%M})"
