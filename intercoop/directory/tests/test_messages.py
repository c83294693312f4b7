"""The directory's actions on membership and roles ask first when they cannot be undone
and say what happened after."""

from django.contrib.messages import get_messages

from intercoop.conftest import client_for, make_user
from intercoop.core.audit import system_actor
from intercoop.directory import services
from intercoop.directory.models import NetworkMembership, OrganizationRole


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_admitting_and_declining_say_what_happened(people, network, org):
    services.network_member_leave(actor=system_actor(), network=network, organization=org)
    services.network_member_apply(actor=people["admin"], network=network, organization=org)
    coordinator = client_for(people["coordinator"])
    page = coordinator.get(f"/networks/{network.slug}/").content.decode()
    assert f'data-confirm="Decline the application of {org.name}?"' in page
    response = coordinator.post(f"/networks/{network.slug}/members/{org.slug}/admit/")
    assert _messages(response) == [f"{org.name} is a member of Valley Network now."]
    coordinator.get("/")
    page = coordinator.get(f"/networks/{network.slug}/").content.decode()
    assert f'data-confirm="Remove {org.name} from the network?"' in page
    response = coordinator.post(f"/networks/{network.slug}/members/{org.slug}/leave/")
    assert _messages(response) == [f"{org.name} is no longer in Valley Network."]
    assert NetworkMembership.objects.get(network=network, organization=org).status == "left"


def test_giving_and_taking_a_role_say_what_happened(people, org):
    admin = client_for(people["admin"])
    newcomer = make_user("newcomer")
    response = admin.post(f"/orgs/{org.slug}/people/", {"person": "newcomer", "role": "editor"})
    assert _messages(response) == ["The role is given."]
    admin.get("/")
    page = admin.get(f"/orgs/{org.slug}/people/").content.decode()
    assert "Take newcomer's role away?" in page
    response = admin.post(f"/orgs/{org.slug}/people/", {"remove": str(newcomer.pk)})
    assert _messages(response) == ["The role is taken away."]
    assert not OrganizationRole.objects.filter(user=newcomer).exists()
