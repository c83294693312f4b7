"""Notice boards: who may post, expiry, filters, the map data and the Atom feeds."""

import datetime as dt
from xml.etree import ElementTree

import pytest
from django.utils import timezone

from intercoop.conftest import client_for, make_org
from intercoop.core.audit import system_actor
from intercoop.exchange.models import Notice

TODAY = timezone.localdate()


def post(user, network_slug="valley", **values):
    data = {"kind": "housing", "title": "Two-bed flat free from March",
            "body": "For a family of members.", "place": "Leeds"} | values  # fmt: skip
    return client_for(user).post(f"/networks/{network_slug}/notices/new/", data)


def test_a_member_organisations_admin_posts_and_everyone_reads(people, org):
    response = post(people["admin"])
    assert response.status_code == 302, response.context and response.context["form"].errors
    notice = Notice.objects.get()
    assert (notice.organization, notice.network.slug) == (org, "valley")
    assert notice.expires_on == TODAY + dt.timedelta(days=30)  # the default
    assert (notice.latitude, notice.longitude) == (org.latitude, org.longitude)
    board = client_for(None).get("/networks/valley/notices/")
    assert "Two-bed flat free from March" in board.content.decode()
    assert board.context["geojson"]["features"][0]["properties"]["kind"] == "housing"


@pytest.mark.parametrize("who", ["outsider", "member", "coordinator", "other_coordinator"])
def test_others_may_not_post(people, who):
    assert post(people[who]).status_code == 403
    assert not Notice.objects.exists()


def test_anonymous_is_sent_to_log_in(people):
    assert post(None).status_code == 302
    assert not Notice.objects.exists()


def test_an_organisation_that_is_not_a_member_may_not_post(people, org):
    # the admin's organisation is a member of "valley", not of "elsewhere"
    assert post(people["admin"], network_slug="elsewhere").status_code == 403
    assert not Notice.objects.exists()


def test_a_call_for_help_needs_its_date_and_expires_with_it(people):
    response = post(people["admin"], kind="help", title="Volunteers to move a warehouse")
    assert response.status_code == 200
    assert "needed_by" in response.context["form"].errors
    assert not Notice.objects.exists()
    needed_by = TODAY + dt.timedelta(days=3)
    post(people["admin"], kind="help", title="Volunteers", needed_by=needed_by.isoformat())
    assert Notice.objects.get().expires_on == needed_by


def test_an_event_needs_its_start(people):
    response = post(people["admin"], kind="event", title="Open day")
    assert "starts_at" in response.context["form"].errors
    assert not Notice.objects.exists()


def test_expiry_in_the_past_is_refused_and_expired_notices_leave_the_board(people, org):
    response = post(people["admin"], expires_on=(TODAY - dt.timedelta(days=1)).isoformat())
    assert "expires_on" in response.context["form"].errors
    post(people["admin"], expires_on=TODAY.isoformat(), title="Last day")
    Notice.objects.create(
        network=org.network_memberships.get().network, organization=org, kind="job",
        title="Old job", body="gone", expires_on=TODAY - dt.timedelta(days=2),
        created_at=timezone.now(),
    )  # fmt: skip
    titles = [n.title for n in client_for(None).get("/networks/valley/notices/").context["notices"]]
    assert titles == ["Last day"]
    old = Notice.objects.get(title="Old job")
    assert client_for(None).get(f"/notices/{old.pk}/").context["expired"] is True


def test_filters_by_type_and_words(people):
    post(people["admin"], kind="job", title="Baker wanted", body="Night shifts")
    post(people["admin"], kind="equipment", title="Van to lend", body="Weekends")
    board = client_for(None).get("/networks/valley/notices/?kind=job")
    assert [n.title for n in board.context["notices"]] == ["Baker wanted"]
    board = client_for(None).get("/networks/valley/notices/?q=weekends")
    assert [n.title for n in board.context["notices"]] == ["Van to lend"]


ATOM = "{http://www.w3.org/2005/Atom}"


def test_atom_feeds_per_network_and_type(people):
    post(people["admin"], kind="job", title="Baker wanted")
    post(people["admin"], kind="transfer", title="Two bakers could move to you")
    feed = client_for(None).get("/networks/valley/notices/feed/")
    assert feed["Content-Type"].startswith("application/atom+xml")
    root = ElementTree.fromstring(feed.content)
    titles = sorted(e.find(f"{ATOM}title").text for e in root.iter(f"{ATOM}entry"))
    assert titles == ["Job opening: Baker wanted", "Job transfer: Two bakers could move to you"]
    root = ElementTree.fromstring(
        client_for(None).get("/networks/valley/notices/feed/job/").content
    )
    assert [e.find(f"{ATOM}title").text for e in root.iter(f"{ATOM}entry")] == [
        "Job opening: Baker wanted"
    ]
    assert client_for(None).get("/networks/valley/notices/feed/jewels/").status_code == 404
    assert client_for(None).get("/networks/nowhere/notices/feed/").status_code == 404


def test_withdraw_by_the_poster_or_the_coordinator_only(people):
    post(people["admin"])
    notice = Notice.objects.get()
    for who in ["outsider", "member", "other_coordinator"]:
        assert client_for(people[who]).post(f"/notices/{notice.pk}/withdraw/").status_code == 403
    assert not Notice.objects.get().withdrawn
    client_for(people["coordinator"]).post(f"/notices/{notice.pk}/withdraw/")
    assert Notice.objects.get().withdrawn
    assert client_for(None).get(f"/notices/{notice.pk}/").status_code == 404
    assert not client_for(None).get("/networks/valley/notices/").context["notices"]


def test_a_member_posts_for_its_own_organisation_only(people, network, org):
    from intercoop.directory import services

    other = make_org(name="Other Co-op", slug="other")
    services.network_member_join(actor=system_actor(), network=network, organization=other)
    # the service refuses a notice for an organisation the user does not speak for
    assert post(people["admin"], organization="other").status_code == 403
    assert not Notice.objects.exists()
    assert post(people["admin"], organization=org.slug).status_code == 302
    assert Notice.objects.get().organization == org


def test_a_notice_whose_date_has_passed_is_saved_again_but_a_changed_date_is_checked(people):
    from intercoop.core.errors import InvalidValues
    from intercoop.exchange import services

    post(people["admin"], kind="help", title="Volunteers",
         needed_by=(TODAY + dt.timedelta(days=3)).isoformat())  # fmt: skip
    notice = Notice.objects.get()
    yesterday = TODAY - dt.timedelta(days=1)
    Notice.objects.filter(pk=notice.pk).update(needed_by=yesterday)  # time has passed
    notice.refresh_from_db()
    saved = services.notice_update(
        actor=people["admin"], notice=notice,
        values={"title": "Volunteers, thank you", "needed_by": yesterday},
    )  # fmt: skip
    assert (saved.title, saved.needed_by) == ("Volunteers, thank you", yesterday)
    with pytest.raises(InvalidValues) as raised:
        services.notice_update(actor=people["admin"], notice=notice,
                               values={"needed_by": TODAY - dt.timedelta(days=2)})  # fmt: skip
    assert list(raised.value.errors) == ["needed_by"]
    assert Notice.objects.get().needed_by == yesterday


def test_an_emptied_expiry_falls_back_as_when_posted(people):
    from intercoop.exchange import services

    post(people["admin"], expires_on=(TODAY + dt.timedelta(days=5)).isoformat())
    notice = Notice.objects.get()
    saved = services.notice_update(actor=people["admin"], notice=notice,
                                   values={"expires_on": None})  # fmt: skip
    assert saved.expires_on == TODAY + dt.timedelta(days=30)
    assert Notice.objects.get().expires_on == TODAY + dt.timedelta(days=30)
