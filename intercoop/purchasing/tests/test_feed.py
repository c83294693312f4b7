"""The contracts calendar and its private iCal feed: one address per person and network,
shown again (not made anew) on every visit, replaced or revoked on request, and dead once
the person's password changes or they stop belonging to the network."""

import datetime as dt

import pytest

from intercoop.conftest import client_for
from intercoop.core.models import AuditEvent
from intercoop.purchasing import services
from intercoop.purchasing.models import FeedToken


def _page(user, network):
    return client_for(user).get(f"/networks/{network.slug}/contracts/")


def _address(user, network, action="new"):
    """Ask for a new address (or revoke it) from the page; the page's feed URL after."""
    client = client_for(user)
    response = client.post(f"/networks/{network.slug}/contracts/address/", {"action": action})
    assert response.status_code == 302
    return client.get(f"/networks/{network.slug}/contracts/").context["feed"]


def _fetch(url):
    return client_for(None).get(url.removeprefix("http://testserver"))


def test_the_contracts_calendar_and_its_private_ical_feed(people, network, awarded_waste):
    page = _page(people["admin"], network)
    assert page.status_code == 200 and page.context["feed"] == ""  # none until asked for
    dates = [d["day"] for month in page.context["calendar"] for d in month["dates"]]
    assert dates == sorted(dates) and dt.date(2028, 11, 2) in dates  # renewal, 60 days before
    feed = _address(people["admin"], network)
    response = _fetch(feed)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    text = response.content.decode()
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    unfolded = text.replace("\r\n ", "")
    assert "DTSTART;VALUE=DATE:20281102" in unfolded
    assert "SUMMARY:Renewal decision: Waste hauling" in unfolded
    assert f"URL:http://testserver/rounds/{awarded_waste.pk}/" in unfolded
    assert unfolded.count("BEGIN:VEVENT") == 2  # the renewal decision and the end


def test_the_same_address_is_shown_on_every_visit(people, network):
    feed = _address(people["admin"], network)
    assert _page(people["admin"], network).context["feed"] == feed
    assert _page(people["admin"], network).context["feed"] == feed
    assert FeedToken.objects.count() == 1
    assert AuditEvent.objects.filter(action__startswith="feed_token.").count() == 1


def test_a_new_address_ends_the_old_one(people, network):
    old = _address(people["admin"], network)
    new = _address(people["admin"], network)
    assert new != old
    assert _fetch(old).status_code == 404
    assert _fetch(new).status_code == 200
    assert FeedToken.objects.filter(revoked_at=None).count() == 1


def test_a_revoked_address_is_not_found(people, network):
    feed = _address(people["admin"], network)
    assert _address(people["admin"], network, action="revoke") == ""
    assert _fetch(feed).status_code == 404
    assert AuditEvent.objects.filter(action="feed_token.revoke", actor_name="admin").count() == 1


def test_a_new_password_ends_the_address(people, network):
    admin = people["admin"]
    feed = _address(admin, network)
    assert _fetch(feed).status_code == 200
    admin.set_password("a-new-password-2")
    admin.save()
    assert _fetch(feed).status_code == 404
    fresh = _page(admin, network).context["feed"]  # the page shows the address that works
    assert fresh != feed and _fetch(fresh).status_code == 200


def test_another_users_or_networks_address_is_not_found(people, org, network):
    feed = _address(people["admin"], network)
    token = feed.split("token=", 1)[1]
    # the same token on another network's feed
    assert _fetch(f"/networks/elsewhere/contracts.ics?token={token}").status_code == 404
    # another person's address on this network's feed
    other = _address(people["other_coordinator"], type(network).objects.get(slug="elsewhere"))
    stolen = other.split("token=", 1)[1]
    assert _fetch(f"/networks/{network.slug}/contracts.ics?token={stolen}").status_code == 404
    # the admin's row with someone else's MAC, and a forged one
    member_feed = _address(people["member"], network)
    pk = token.split("-", 1)[0]
    mac = member_feed.split("token=", 1)[1].split("-", 1)[1]
    assert _fetch(f"/networks/{network.slug}/contracts.ics?token={pk}-{mac}").status_code == 404
    assert _fetch(feed[:-3] + "abc").status_code == 404
    for junk in ("", "x", "-", "1-", "99999999999999999999999-a", "\x00"):
        assert _fetch(f"/networks/{network.slug}/contracts.ics?token={junk}").status_code == 404


def test_the_address_ends_when_its_person_leaves_the_member(people, org, network):
    feed = _address(people["admin"], network)
    org.roles.all().delete()  # the admin leaves the organisation
    assert _fetch(feed).status_code == 404


@pytest.mark.parametrize("who", ["outsider", "other_coordinator"])
def test_outsiders_get_no_address(people, network, who):
    response = client_for(people[who]).post(
        f"/networks/{network.slug}/contracts/address/", {"action": "new"}
    )
    assert response.status_code == 403
    assert not FeedToken.objects.exists()


def test_a_person_revokes_only_their_own_address(people, network):
    token = services.feed_token_issue(actor=people["admin"], network=network)
    # the member's "revoke" finds no address of its own and changes nothing
    _address(people["member"], network, action="revoke")
    token.refresh_from_db()
    assert token.revoked_at is None
