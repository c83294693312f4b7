from typing import Any

from intercoop.governance import services
from intercoop.governance.tests.conftest import open_poll


def test_proposal_flow(coop_network: dict[str, Any]) -> None:
    net = coop_network
    poll = open_poll(net, "proposal")
    assert poll.voters.count() == 3
    services.ballot_cast(actor=net["admin_a"], poll=poll, choice={"stance": "agree"})
    services.ballot_cast(actor=net["admin_b"], poll=poll, choice={"stance": "disagree"}, reason="no")
    services.ballot_cast(actor=net["admin_b"], poll=poll, choice={"stance": "agree"})
    poll = services.poll_close(actor=net["coordinator"], poll=poll)
    assert poll.result["counts"] == {"agree": 2, "abstain": 0, "disagree": 0, "block": 0}
    assert poll.result["passed"] is True
