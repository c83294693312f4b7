"""Who may change a person's profile, asked of the service itself (the page repeats no
rule): the person and staff. A refusal is PermissionDenied and leaves nothing behind; an
allowed change records exactly one audit event naming its actor."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from intercoop.core import services
from intercoop.core.models import AuditEvent, Profile

PEOPLE = ["anonymous", "outsider", "member", "admin", "coordinator", "other_coordinator", "staff"]
# whose profile: the member's; who may change it
ALLOWED = {"member", "staff"}


@pytest.mark.parametrize("who", PEOPLE)
def test_profile_update(people, who):
    target = people["member"]
    actor = people[who] or AnonymousUser()
    values = {"display_name": "Changed", "email": "changed@example.org", "language": "fr",
              "delivery": "weekly", "deliveries": {"invoices": "off"},
              "current_password": "pw-for-tests-1"}  # fmt: skip
    before = (Profile.objects.count(), AuditEvent.objects.count())
    if who not in ALLOWED:
        with pytest.raises(PermissionDenied):
            services.profile_update(actor=actor, user=target, **values)
        assert (Profile.objects.count(), AuditEvent.objects.count()) == before
        target.refresh_from_db()
        assert target.email == ""
        return
    profile = services.profile_update(actor=actor, user=target, **values)
    assert (profile.display_name, profile.language, profile.deliveries) == (
        "Changed", "fr", {"invoices": "off"},
    )  # fmt: skip
    event = AuditEvent.objects.get(action="profile.update")
    assert (event.actor_name, event.object_type, event.object_id) == (
        actor.username, "core.profile", str(profile.pk),
    )  # fmt: skip


@pytest.mark.parametrize("who", PEOPLE)
def test_password_change(people, who):
    """Only the person changes their own password (staff reset it in the admin)."""
    target = people["member"]
    actor = people[who] or AnonymousUser()
    before = AuditEvent.objects.count()
    if who != "member":
        with pytest.raises(PermissionDenied):
            services.password_change(
                actor=actor, user=target, old="pw-for-tests-1", new="Zz-9-new-pw"
            )
        assert AuditEvent.objects.count() == before
        target.refresh_from_db()
        assert target.check_password("pw-for-tests-1")
        return
    services.password_change(actor=actor, user=target, old="pw-for-tests-1", new="Zz-9-new-pw")
    target.refresh_from_db()
    assert target.check_password("Zz-9-new-pw")
    event = AuditEvent.objects.get(action="user.password_change")
    assert (event.actor_name, event.object_type, event.object_id) == (
        "member", "auth.user", str(target.pk),
    )  # fmt: skip
