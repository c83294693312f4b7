"""The demo's decisions: a decided proposal, a past board election with its stage sheet,
and an open poll that needs the demo manager's vote."""

import pytest
from django.contrib.auth.models import User

from intercoop.config.demo import demo_region_build
from intercoop.governance.models import Poll
from intercoop.governance.selectors import polls_needing_vote


@pytest.mark.django_db
def test_demo_decisions():
    demo_region_build()
    polls = {p.title: p for p in Poll.objects.all()}
    proposal = polls["Adopt the shared procurement policy"]
    assert proposal.is_closed and proposal.result["passed"] is True
    assert proposal.result["quorum_met"] is True and proposal.outcome.startswith("Adopted.")
    election = polls["Board of the Valley Co-operative Network"]
    assert election.is_closed and len(election.result["winners"]) == 3
    stages = election.result["count"]["stages"]
    assert stages[0]["event"] == "first" and len(stages) > 1
    assert election.outcome.startswith(f"The new board ({', '.join(election.result['winners'])})")
    fair = polls["Where should the 2027 co-op fair be held?"]
    assert fair.is_open
    manager = User.objects.get(username="manager")
    assert list(polls_needing_vote(manager)) == [fair]
    assert list(polls_needing_vote(User.objects.get(username="lucia"))) == []
