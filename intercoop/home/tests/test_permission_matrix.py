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
              "delivery": "weekly", "deliveries": {"invoices": "off"}}  # fmt: skip
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
