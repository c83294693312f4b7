"""Changing the self-assessment of a kept assessment (its date and indicators stay), and
the messages and confirmations of the network's actions."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied

from intercoop.conftest import client_for
from intercoop.core.audit import system_actor
from intercoop.core.models import AuditEvent
from intercoop.network import services
from intercoop.network.models import Assessment, Relationship

CHANGED = {
    "institutionalisation_score": "3", "institutionalisation_evidence": "Two new contracts",
    "diversity_score": "4", "diversity_evidence": "", "intergenerational_score": "",
    "self_reliance_score": "", "embeddedness_score": "5",
    "outcome_reduce_costs": "Energy contract saved 16%",
}  # fmt: skip


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def kept(network):
    return services.assessment_create(
        actor=system_actor(), network=network, as_of=dt.date(2026, 6, 1),
        ratings={"institutionalisation": {"score": 2, "evidence": "Few contracts"}},
        outcomes={"reduce_costs": "Energy contract saved 14%"},
    )  # fmt: skip


def test_a_coordinator_changes_the_self_assessment(people, network, kept):
    client = client_for(people["coordinator"])
    report = client.get(f"/networks/{network.slug}/assessments/{kept.pk}/").content.decode()
    assert f'href="/networks/{network.slug}/assessments/{kept.pk}/edit/"' in report
    form = client.get(f"/networks/{network.slug}/assessments/{kept.pk}/edit/")
    assert form.context["form"]["institutionalisation_evidence"].value() == "Few contracts"
    indicators = kept.indicators
    response = client.post(f"/networks/{network.slug}/assessments/{kept.pk}/edit/", CHANGED)
    assert response.status_code == 302
    assert _messages(response) == ["The self-assessment is saved."]
    kept.refresh_from_db()
    assert kept.ratings["institutionalisation"] == {"score": 3, "evidence": "Two new contracts"}
    assert kept.ratings["self_reliance"] == {"score": None, "evidence": ""}
    assert kept.outcomes["reduce_costs"] == "Energy contract saved 16%"
    assert (kept.as_of, kept.indicators) == (dt.date(2026, 6, 1), indicators)
    assert AuditEvent.objects.filter(action="assessment.update").count() == 1


@pytest.mark.parametrize("who", ["member", "admin", "other_coordinator"])
def test_others_do_not_change_it_and_nothing_changes(people, network, kept, who):
    before = (kept.ratings, kept.outcomes)
    response = client_for(people[who]).post(
        f"/networks/{network.slug}/assessments/{kept.pk}/edit/", CHANGED
    )
    assert response.status_code in (403, 404)
    with pytest.raises(PermissionDenied):
        services.assessment_update(actor=people[who], assessment=kept, ratings={}, outcomes={})
    kept = Assessment.objects.get()
    assert (kept.ratings, kept.outcomes) == before
    assert not AuditEvent.objects.filter(action="assessment.update").exists()


def test_withdrawing_a_tie_asks_and_each_decision_says_what_happened(people, sides):
    tie = services.relationship_claim(
        actor=people["admin"], source=sides["org"], target=sides["bakery"],
        values={"kind": "supplies"}, on_behalf_of=sides["org"],
    )  # fmt: skip
    admin = client_for(people["admin"])
    page = admin.get(f"/orgs/{sides['org'].slug}/relationships/").content.decode()
    assert 'data-confirm="Withdraw this tie? It leaves the graph and its metrics."' in page
    baker = client_for(sides["baker"])
    response = baker.post(f"/relationships/{tie.pk}/confirm/", {"by": sides["bakery"].slug})
    assert _messages(response) == ["Confirmed: the tie counts in the network's graph."]
    baker.get("/")
    response = baker.post(
        f"/relationships/{tie.pk}/dispute/", {"by": sides["bakery"].slug, "reason": "Wrong"}
    )
    assert _messages(response) == ["Disputed: the tie no longer counts until it is confirmed."]
    assert Relationship.objects.get().status == "disputed"
