"""Three co-ops of one network that owe each other in a ring, and a fourth outside it."""

import pytest

from intercoop.conftest import make_org
from intercoop.directory import services as directory_services


@pytest.fixture
def ring(network):
    made = {}
    for key, name in (("a", "Alpha Co-op"), ("b", "Beta Co-op"), ("c", "Gamma Co-op")):
        made[key] = make_org(name=name)
        directory_services.network_member_admit(network=network, organization=made[key])
    made["outside"] = make_org(name="Outside Ltd")
    return made
