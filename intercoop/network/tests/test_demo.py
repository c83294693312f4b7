"""The demo's ties, assessments and economy are written through the services by the
system actor, and its survey ties join members of the network that recorded them."""

import pytest

from intercoop.core.audit import SYSTEM_USERNAME
from intercoop.core.models import AuditEvent
from intercoop.directory.demo import demo_build
from intercoop.directory.models import Network, NetworkMembership
from intercoop.network.demo import assessments_build, economy_build, relationships_build
from intercoop.network.models import Relationship


@pytest.mark.django_db
def test_the_demo_network_is_built_through_the_services():
    demo_build()
    network = Network.objects.get(slug="valley-coop-network")
    alliance = Network.objects.get(slug="valley-purchasing-alliance")
    assert relationships_build(network=network, alliance=alliance) == 260
    assert assessments_build(network=network) == 2
    economy_build(network=network)
    surveyed = Relationship.objects.filter(status=Relationship.Status.SURVEY)
    assert surveyed.exists()
    for tie in surveyed:
        members = NetworkMembership.objects.filter(
            network=tie.network, status=NetworkMembership.Status.MEMBER
        ).values_list("organization_id", flat=True)
        assert {tie.source_id, tie.target_id} <= set(members)
    actions = AuditEvent.objects.filter(action__regex=r"^(relationship|assessment|baseline)\.")
    assert set(actions.values_list("actor_name", flat=True)) == {SYSTEM_USERNAME}
    assert actions.filter(action="assessment.create").count() == 2
    assert actions.filter(action="baseline.record").count() == 1
