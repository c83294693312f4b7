import io
import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from intercoop.conftest import make_user
from intercoop.core.audit import SYSTEM_USERNAME, audit_record, system_actor
from intercoop.core.middleware import _request_id
from intercoop.core.models import ApiToken
from intercoop.core.selectors import audit_events

pytestmark = pytest.mark.django_db


def _record(actor, action="token.create", at=None, organizations=(), network=None):
    target = ApiToken.objects.create(
        user=actor,
        name="t",
        key_hash=f"{action}{ApiToken.objects.count()}",
        created_at=timezone.now(),
    )
    with transaction.atomic():
        return audit_record(
            actor=actor,
            action=action,
            target=target,
            summary="made a token",
            organizations=organizations,
            network=network,
            at=at,
        )


def test_an_event_names_actor_action_object_and_request():
    alice = make_user("alice")
    token = _request_id.set("req42")
    try:
        event = _record(alice, organizations=[7, 9, 7], network=3)
    finally:
        _request_id.reset(token)
    assert (event.actor_name, event.action, event.object_type, event.request_id) == (
        "alice",
        "token.create",
        "core.apitoken",
        "req42",
    )
    assert sorted(event.subjects.values_list("organization_id", flat=True)) == [7, 9]
    assert list(audit_events(organization_id=9)) == [event]
    assert list(audit_events(network_id=3)) == [event]
    assert list(audit_events(network_id=4)) == []


@pytest.mark.django_db(transaction=True)
def test_recording_outside_a_transaction_is_a_programming_error():
    alice = make_user("alice")
    target = ApiToken.objects.create(user=alice, name="t", key_hash="x", created_at=timezone.now())
    with pytest.raises(RuntimeError):
        audit_record(actor=alice, action="token.create", target=target)


def test_the_system_actor_is_one_staff_account_that_cannot_sign_in():
    first, second = system_actor(), system_actor()
    assert first.pk == second.pk
    assert first.username == SYSTEM_USERNAME
    assert first.is_staff and not first.is_active and not first.has_usable_password()


def test_intercoop_audit_prints_json_lines_filtered_by_time_and_actor():
    alice, bob = make_user("alice"), make_user("bob")
    now = timezone.now()
    _record(alice, "a.old", at=now - timedelta(days=2))
    _record(alice, "a.new", at=now)
    _record(bob, "b.new", at=now)
    out = io.StringIO()
    since = (now - timedelta(days=1)).isoformat()
    call_command("audit", "--since", since, "--actor", "alice", stdout=out)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [line["action"] for line in lines] == ["a.new"]
    assert set(lines[0]) >= {"at", "actor", "action", "object_type", "object_id"}
    assert lines[0]["actor"] == "alice"


def test_intercoop_audit_as_csv_keeps_formulas_inert():
    alice = make_user("=cmd")
    _record(alice, "token.create")
    out = io.StringIO()
    call_command("audit", "--format", "csv", stdout=out)
    header, row = out.getvalue().splitlines()
    assert header == "at,actor,action,object_type,object_id,summary,request_id"
    assert row.split(",")[1] == "'=cmd"


def test_tokens_are_made_for_oneself_and_recorded():
    from django.core.exceptions import PermissionDenied

    from intercoop.core.services import api_token_create

    alice, bob = make_user("alice"), make_user("bob")
    with pytest.raises(PermissionDenied):
        api_token_create(actor=bob, user=alice, name="stolen")
    assert not ApiToken.objects.exists()
    token, _key = api_token_create(actor=alice, user=alice, name="script")
    event = audit_events().get()
    assert (event.action, event.actor_name, event.object_id) == (
        "token.create",
        "alice",
        str(token.pk),
    )
