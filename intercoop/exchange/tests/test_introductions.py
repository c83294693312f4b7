"""Introductions: request, answer, contacts after accept, the informal tie, the inbox and
e-mail, rate limits and blocking, and who may do what."""

import pytest
from django.core import mail

from intercoop.conftest import client_for, make_org, make_user
from intercoop.core.audit import system_actor
from intercoop.core.models import Notification
from intercoop.directory import services as directory_services
from intercoop.directory.models import OrganizationRole
from intercoop.exchange.models import Block, Introduction
from intercoop.network.models import Relationship


@pytest.fixture
def other(people):
    """A second organisation with its own admin (who has an e-mail address)."""
    school = make_org(
        name="Valley School", slug="valley-school", is_cooperative=False,
        email="office@school.example", phone="+44 1", website="https://school.example",
    )  # fmt: skip
    head = make_user("head", email="head@school.example", first_name="Hana")
    directory_services.organization_role_assign(
        actor=system_actor(), organization=school, user=head, role=OrganizationRole.Role.ADMIN
    )
    return school, head


def ask(user, recipient_slug, message="We buy bread for 300 pupils. Can we talk?", **data):
    return client_for(user).post(f"/orgs/{recipient_slug}/introduce/", {"message": message, **data})


def test_request_notifies_the_other_side_in_app_and_by_mail(
    people, org, other, django_capture_on_commit_callbacks
):
    school, head = other
    with django_capture_on_commit_callbacks(execute=True):
        response = ask(head, org.slug)
    assert response.status_code == 302
    intro = Introduction.objects.get()
    assert (intro.requester, intro.recipient, intro.status) == (school, org, "pending")
    admin = people["admin"]
    note = Notification.objects.get(user=admin)
    assert note.subject == "Valley School would like to meet you"
    assert note.url == f"/introductions/{intro.pk}/"
    assert client_for(admin).get("/").context["unread"] == 1
    # the admin has no e-mail address; the message goes to the inbox only
    assert mail.outbox == []
    # accepting notifies the requester's admin, who has an address
    with django_capture_on_commit_callbacks(execute=True):
        client_for(admin).post(f"/introductions/{intro.pk}/accept/")
    assert [m.to for m in mail.outbox] == [["head@school.example"]]
    assert "accepted" in mail.outbox[0].subject
    assert f"/introductions/{intro.pk}/" in mail.outbox[0].body


def test_contacts_are_shown_only_after_accept(people, org, other):
    school, head = other
    ask(head, org.slug)
    intro = Introduction.objects.get()
    page = client_for(people["admin"]).get(f"/introductions/{intro.pk}/")
    assert page.status_code == 200 and "office@school.example" not in page.content.decode()
    assert page.context["contacts"] == {}
    client_for(people["admin"]).post(f"/introductions/{intro.pk}/accept/")
    for user, theirs in [
        (people["admin"], "office@school.example"),
        (head, "hello@riverside.example"),
    ]:
        html = client_for(user).get(f"/introductions/{intro.pk}/").content.decode()
        assert theirs in html
    # private contact fields stay private elsewhere
    assert (
        "office@school.example"
        not in client_for(people["admin"]).get(f"/orgs/{school.slug}/").content.decode()
    )


def test_accept_records_an_informal_tie_confirmed_by_both(people, org, other):
    school, head = other
    ask(head, org.slug)
    intro = Introduction.objects.get()
    client_for(people["admin"]).post(f"/introductions/{intro.pk}/accept/")
    tie = Relationship.objects.get()
    assert (tie.source, tie.target, tie.kind, tie.status, tie.claimed_by) == (
        school, org, "informal", "confirmed", school,
    )  # fmt: skip
    intro.refresh_from_db()
    assert intro.relationship == tie and intro.decided_by == people["admin"]
    assert tie.recorded_by == head  # claimed by the person who asked
    graph = client_for(head).get(f"/api/v1/organizations/{school.slug}/graph").json()
    edges = [(e["source"], e["target"], e["status"]) for e in graph["edges"]]
    assert edges == [(school.slug, org.slug, "confirmed")]


def test_decline_shares_nothing_and_records_nothing(people, org, other):
    _school, head = other
    ask(head, org.slug)
    intro = Introduction.objects.get()
    client_for(people["admin"]).post(f"/introductions/{intro.pk}/decline/")
    intro.refresh_from_db()
    assert intro.status == "declined" and not Relationship.objects.exists()
    assert client_for(head).get(f"/introductions/{intro.pk}/").context["contacts"] == {}
    # answered once only
    client_for(people["admin"]).post(f"/introductions/{intro.pk}/accept/")
    intro.refresh_from_db()
    assert intro.status == "declined" and not Relationship.objects.exists()


@pytest.mark.parametrize("who", ["outsider", "member", "coordinator", "other_coordinator"])
def test_only_the_recipients_speakers_answer_and_only_parties_see(people, org, other, who):
    _school, head = other
    ask(head, org.slug)
    intro = Introduction.objects.get()
    client = client_for(people[who])
    assert client.post(f"/introductions/{intro.pk}/accept/").status_code == 404
    assert client.get(f"/introductions/{intro.pk}/").status_code == 404
    intro.refresh_from_db()
    assert intro.status == "pending"


def test_the_requester_cannot_accept_its_own_request(people, org, other):
    _school, head = other
    ask(head, org.slug)
    intro = Introduction.objects.get()
    assert client_for(head).post(f"/introductions/{intro.pk}/accept/").status_code == 403
    assert Introduction.objects.get().status == "pending"


def test_anonymous_and_people_without_an_organisation_cannot_ask(people, org):
    assert ask(None, org.slug).status_code == 302  # to the log-in page
    assert ask(people["outsider"], org.slug).status_code == 403
    assert ask(people["member"], "valley-school").status_code == 404
    assert not Introduction.objects.exists()


def test_one_waiting_request_per_pair_and_a_daily_limit(people, org, other, settings):
    school, head = other
    ask(head, org.slug)
    response = ask(head, org.slug)
    assert "already waiting" in response.content.decode()
    # nor the other way round while one waits
    response = ask(people["admin"], school.slug)
    assert "already waiting" in response.content.decode()
    assert Introduction.objects.count() == 1
    settings.INTRODUCTIONS_PER_DAY = 2
    for n in range(3):
        make_org(name=f"Target {n}", slug=f"target-{n}")
    assert ask(head, "target-0").status_code == 302
    response = ask(head, "target-1")
    assert response.status_code == 200
    assert "daily limit" in response.content.decode()
    assert Introduction.objects.filter(requester=school).count() == 2


def test_blocking_declines_waiting_requests_and_refuses_new_ones(people, org, other):
    school, head = other
    ask(head, org.slug)
    intro = Introduction.objects.get()
    client_for(people["admin"]).post(f"/introductions/{intro.pk}/block/")
    assert Block.objects.filter(organization=org, blocked=school).exists()
    assert Introduction.objects.get().status == "declined"
    response = ask(head, org.slug)
    assert "does not accept requests" in response.content.decode()
    assert Introduction.objects.count() == 1


def test_a_message_is_required_and_nothing_is_written_without_it(people, org, other):
    _school, head = other
    response = ask(head, org.slug, message="   ")
    assert response.status_code == 200 and response.context["form"].errors
    assert not Introduction.objects.exists() and not Notification.objects.exists()


def test_inbox_lists_and_marks_read(people, org, other):
    _school, head = other
    ask(head, org.slug)
    client = client_for(people["admin"])
    page = client.get("/accounts/inbox/")
    assert "Valley School would like to meet you" in page.content.decode()
    client.post("/accounts/inbox/")
    assert not Notification.objects.filter(read_at__isnull=True).exists()
    assert client_for(None).get("/accounts/inbox/").status_code == 302


def test_lists_of_sent_and_received(people, org, other):
    _school, head = other
    ask(head, org.slug)
    received = client_for(people["admin"]).get("/introductions/").context["received"]
    sent = client_for(head).get("/introductions/").context["sent"]
    assert len(received) == len(sent) == 1
    assert not client_for(people["outsider"]).get("/introductions/").context["received"]
