"""Audit events of the directory's writes, and the history pages that list them."""

import pytest
from django.utils import timezone

from intercoop.conftest import client_for, make_org, make_user
from intercoop.core.audit import system_actor
from intercoop.core.models import AuditEvent, AuditSubject
from intercoop.directory import services
from intercoop.directory.models import OrganizationRole

WHO = ["anonymous", "outsider", "member", "admin", "coordinator", "other_coordinator", "staff"]
# Organisation history: its people, coordinators of networks it is a member of, staff.
SEES_ORGANIZATION = {"member", "admin", "coordinator", "staff"}
SEES_NETWORK = {"coordinator", "staff"}


def _denied(who: str) -> int:
    return 302 if who == "anonymous" else 403  # anonymous: to the login page


def test_each_write_records_one_event_with_its_actor_object_and_summary(people, org, network):
    admin = people["admin"]
    before = AuditEvent.objects.count()
    services.organization_update(
        actor=admin, organization=org, values={"locality": "York", "name": "Riverside"}
    )
    event = AuditEvent.objects.get(pk__gt=0, action="organization.update")
    assert AuditEvent.objects.count() == before + 1
    assert (event.actor_id, event.actor_name) == (admin.pk, "admin")
    assert (event.object_type, event.object_id) == ("directory.organization", str(org.pk))
    assert event.summary == "changed name, locality"
    assert list(event.subjects.values_list("organization_id", flat=True)) == [org.pk]
    assert event.network_id is None

    services.network_member_leave(actor=people["coordinator"], network=network, organization=org)
    event = AuditEvent.objects.latest("pk")
    assert (event.action, event.actor_name, event.network_id) == (
        "network_member.leave",
        "coordinator",
        network.pk,
    )
    assert event.object_type == "directory.networkmembership"
    assert event.summary == "Riverside left Valley Network"

    newcomer = make_user("newcomer")
    services.organization_role_assign(
        actor=admin, organization=org, user=newcomer, role=OrganizationRole.Role.EDITOR
    )
    event = AuditEvent.objects.latest("pk")
    assert (event.action, event.summary) == (
        "organization_role.assign",
        "newcomer is Editor of Riverside",
    )


def test_a_new_organisation_that_applies_records_the_application_in_one_event(people, network):
    created = services.organization_create(
        actor=people["outsider"], values={"name": "Tool Library"}, apply_to=network
    )
    event = AuditEvent.objects.get(action="organization.create", object_id=str(created.pk))
    assert event.summary == "added Tool Library (Pending approval); applied to Valley Network"
    assert (event.actor_name, event.network_id) == ("outsider", network.pk)


def test_the_cli_and_demo_act_as_the_system(db, network):
    organization = make_org(name="Made By The System")
    event = AuditEvent.objects.get(action="organization.create", object_id=str(organization.pk))
    assert event.actor_name == "intercoop-system"
    assert event.actor == system_actor()


@pytest.mark.parametrize("who", WHO)
def test_who_sees_an_organisations_history(people, org, who):
    client = client_for(people[who])
    response = client.get(f"/orgs/{org.slug}/history/")
    detail = client.get(f"/orgs/{org.slug}/").content.decode()
    link = f'href="/orgs/{org.slug}/history/"'
    if who in SEES_ORGANIZATION:
        assert response.status_code == 200
        actions = [event.action for event in response.context["paged"].page]
        # newest first: the fixture's roles, the admission, the application, the creation;
        # a coordinator sees its record and what happened in the network, not its people
        roles = [] if who == "coordinator" else ["organization_role.assign"] * 2
        assert actions == [
            *roles,
            "network_member.admit",
            "network_member.apply",
            "organization.create",
        ]
        assert link in detail
    else:
        assert response.status_code == _denied(who)
        assert link not in detail


@pytest.mark.parametrize("who", WHO)
def test_who_sees_a_networks_history(people, network, who):
    client = client_for(people[who])
    response = client.get(f"/networks/{network.slug}/history/")
    detail = client.get(f"/networks/{network.slug}/").content.decode()
    link = f'href="/networks/{network.slug}/history/"'
    if who in SEES_NETWORK:
        assert response.status_code == 200
        actions = [event.action for event in response.context["paged"].page]
        assert actions == [
            "network_role.assign",
            "network_member.admit",
            "network_member.apply",
            "network.create",
        ]
        assert "intercoop-system" in response.content.decode()
        assert link in detail
    else:
        assert response.status_code == _denied(who)
        assert link not in detail


def test_history_of_a_hidden_organisation_or_unknown_network_is_not_found(people):
    pending = services.organization_create(actor=make_user("founder"), values={"name": "Hidden"})
    outsider = client_for(people["outsider"])
    assert outsider.get(f"/orgs/{pending.slug}/history/").status_code == 404
    assert outsider.get("/orgs/nowhere/history/").status_code == 404
    assert client_for(people["staff"]).get("/networks/nowhere/history/").status_code == 404


def test_a_coordinator_of_another_network_does_not_see_its_history(people, org):
    client = client_for(people["other_coordinator"])
    assert client.get(f"/orgs/{org.slug}/history/").status_code == 403
    assert client.get("/networks/valley/history/").status_code == 403


def _many_events(org, count: int) -> None:
    now = timezone.now()
    events = AuditEvent.objects.bulk_create(
        AuditEvent(
            at=now,
            actor_name="someone",
            action="organization.update",
            object_type="directory.organization",
            object_id=str(org.pk),
            summary=f"change {n}",
        )
        for n in range(count)
    )
    AuditSubject.objects.bulk_create(
        AuditSubject(event=event, organization_id=org.pk) for event in events
    )


def test_history_pages_by_fifty_with_a_bounded_number_of_queries(
    people, org, django_assert_max_num_queries
):
    client = client_for(people["admin"])
    _many_events(org, 10)
    with django_assert_max_num_queries(12) as few:
        client.get(f"/orgs/{org.slug}/history/")
    _many_events(org, 120)
    with django_assert_max_num_queries(len(few.captured_queries)):
        first = client.get(f"/orgs/{org.slug}/history/")
    assert len(first.context["paged"].page) == 50
    assert first.context["paged"].count == 135
    last = client.get(f"/orgs/{org.slug}/history/?page=3")
    assert len(last.context["paged"].page) == 35
    assert "Page 3 of 3" in last.content.decode()
    assert 'class="table-wrap"' in last.content.decode()


def test_a_coordinator_sees_only_what_happened_in_their_network(people, org, network):
    """An organisation's own dealings (an invoice to another co-op, a private tie) stay
    with its people; its network's coordinator sees what happened in the network."""
    now = timezone.now()

    def event(summary, network_id):
        made = AuditEvent.objects.create(
            at=now, actor_name="someone", action="obligation.record",
            object_type="clearing.obligation", object_id="1", summary=summary,
            network_id=network_id,
        )  # fmt: skip
        AuditSubject.objects.create(event=made, organization_id=org.pk)

    event("owes Ycoop 9,876.54 EUR", None)
    event("admitted to the network", network.pk)
    coordinator = client_for(people["coordinator"]).get(f"/orgs/{org.slug}/history/")
    seen = [e.summary for e in coordinator.context["paged"].page]
    assert "admitted to the network" in seen
    assert "owes Ycoop 9,876.54 EUR" not in seen
    member = client_for(people["member"]).get(f"/orgs/{org.slug}/history/")
    assert {e.summary for e in member.context["paged"].page} >= {
        "owes Ycoop 9,876.54 EUR",
        "admitted to the network",
    }
