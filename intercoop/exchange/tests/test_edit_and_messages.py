"""Changing a notice (its poster's people, until it is withdrawn), and the messages and
confirmations of the exchange's main actions."""

import json

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied

from intercoop.conftest import client_for
from intercoop.core.errors import DomainError, InvalidValues
from intercoop.core.models import AuditEvent
from intercoop.exchange import services
from intercoop.exchange.models import Notice
from intercoop.exchange.tests.conftest import snapshot


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_poster_changes_a_notice_from_its_page(world):
    client = client_for(world.people["admin"])
    page = client.get(f"/notices/{world.notice.pk}/").content.decode()
    assert f'href="/notices/{world.notice.pk}/edit/"' in page
    assert 'data-confirm="Withdraw this notice? It is taken off the board and its feeds."' in page
    expires = world.notice.expires_on
    response = client.post(
        f"/notices/{world.notice.pk}/edit/",
        {"kind": "job", "title": "Night baker wanted", "body": "Nights, four a week",
         "place": "Riverside", "contact": "", "needed_by": "", "starts_at": "", "expires_on": ""},
    )  # fmt: skip
    assert response.status_code == 302, response.context["form"].errors
    assert _messages(response) == ["The notice is saved."]
    notice = Notice.objects.get()
    assert (notice.title, notice.body, notice.place, notice.expires_on, notice.urgent) == (
        "Night baker wanted", "Nights, four a week", "Riverside", expires, False,
    )  # fmt: skip
    assert AuditEvent.objects.filter(action="notice.update", actor_name="admin").count() == 1


def test_only_the_posters_people_change_a_notice(world):
    before = snapshot()
    for who in ("coordinator", "other_admin", "member"):
        response = client_for(world.people[who]).post(
            f"/notices/{world.notice.pk}/edit/",
            {"kind": "job", "title": "Hacked", "body": "x"},
        )
        assert response.status_code == 404
        with pytest.raises(PermissionDenied):
            services.notice_update(
                actor=world.people[who], notice=world.notice, values={"title": "Hacked"}
            )
    assert snapshot() == before


def test_a_withdrawn_or_urgent_notice_keeps_what_it_was(world):
    with pytest.raises(InvalidValues) as raised:
        services.notice_update(actor=world.people["admin"], notice=world.notice,
                               values={"urgent": True})  # fmt: skip
    assert raised.value.errors == {"urgent": "stays as posted"}
    services.notice_withdraw(actor=world.people["admin"], notice=world.notice)
    before = snapshot()
    with pytest.raises(DomainError):
        services.notice_update(actor=world.people["admin"], notice=world.notice,
                               values={"title": "Again"})  # fmt: skip
    assert client_for(world.people["admin"]).get(
        f"/notices/{world.notice.pk}/edit/"
    ).status_code == 404  # fmt: skip
    assert snapshot() == before


def test_the_api_changes_a_notice(world):
    response = client_for(world.people["admin"]).patch(
        f"/api/v1/notices/{world.notice.pk}", json.dumps({"title": "Baker, nights"}),
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 200, response.content
    assert (response.json()["title"], response.json()["body"]) == ("Baker, nights", "Nights")
    refused = client_for(world.people["other_admin"]).patch(
        f"/api/v1/notices/{world.notice.pk}", json.dumps({"title": "x"}),
        content_type="application/json",
    )  # fmt: skip
    assert refused.status_code == 403
    assert Notice.objects.get().title == "Baker, nights"


def test_main_actions_say_what_happened(world):
    admin = client_for(world.people["admin"])
    page = admin.get(f"/orgs/{world.org.slug}/exchange/").content.decode()
    assert 'data-confirm="Withdraw “Bread”? It leaves the catalogue and its matches."' in page
    response = admin.post(f"/exchange/items/{world.item.pk}/withdraw/")
    assert _messages(response) == ["Withdrawn."]
    admin.get("/")  # shows (and so clears) the message
    response = admin.post(f"/introductions/{world.introduction.pk}/accept/")
    assert _messages(response) == ["Accepted: each side now sees the other's contact."]
    admin.get("/")
    response = admin.post(f"/notices/{world.notice.pk}/withdraw/")
    assert _messages(response) == ["Withdrawn."]
    page = admin.get(f"/orgs/{world.org.slug}/deals/").content.decode()
    assert (
        'data-confirm="Withdraw the deal “10% off bread”? Card holders can no longer use it."'
        in (page)
    )
