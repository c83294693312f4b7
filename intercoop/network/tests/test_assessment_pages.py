import datetime as dt

import pytest

from intercoop.conftest import client_for
from intercoop.network.models import Assessment

FORM = {
    "as_of": "2026-06-01",
    "institutionalisation_score": "2", "institutionalisation_evidence": "Few contracts",
    "diversity_score": "4", "diversity_evidence": "",
    "intergenerational_score": "", "self_reliance_score": "3", "embeddedness_score": "5",
    "outcome_reduce_costs": "Energy contract saved 14%",
}  # fmt: skip


@pytest.fixture
def assessed(people, network):
    client_for(people["coordinator"]).post(f"/networks/{network.slug}/assessments/", FORM)
    return Assessment.objects.get()


def test_a_coordinator_makes_an_assessment(assessed, network):
    assert assessed.as_of == dt.date(2026, 6, 1)
    assert assessed.ratings["institutionalisation"] == {"score": 2, "evidence": "Few contracts"}
    assert assessed.ratings["intergenerational"]["score"] is None
    assert assessed.outcomes["reduce_costs"] == "Energy contract saved 14%"
    assert assessed.indicators["institutionalisation"]["ties"] == 0  # computed, kept


@pytest.mark.parametrize("who", ["member", "admin", "coordinator", "staff"])
def test_the_report_is_for_the_networks_people(assessed, people, network, who):
    response = client_for(people[who]).get(f"/networks/{network.slug}/assessments/{assessed.pk}/")
    assert response.status_code == 200
    assert "Energy contract saved 14%" in response.content.decode()
    assert "Shannon H = −Σ p·ln p" in response.content.decode()


@pytest.mark.parametrize("who", ["anonymous", "outsider", "other_coordinator"])
def test_others_may_not_read_or_make_assessments(assessed, people, network, who):
    client = client_for(people[who])
    assert client.get(f"/networks/{network.slug}/assessments/{assessed.pk}/").status_code == 403
    assert client.post(f"/networks/{network.slug}/assessments/", FORM).status_code == 403
    assert Assessment.objects.count() == 1


def test_members_read_but_do_not_make_assessments(assessed, people, network):
    client = client_for(people["admin"])
    assert client.post(f"/networks/{network.slug}/assessments/", FORM).status_code == 403
    assert b"New assessment" not in client.get(f"/networks/{network.slug}/assessments/").content


def test_a_bad_score_is_refused(people, network):
    response = client_for(people["coordinator"]).post(
        f"/networks/{network.slug}/assessments/", FORM | {"diversity_score": "9"}
    )
    assert response.status_code == 200
    assert "diversity_score" in response.context["form"].errors
    assert not Assessment.objects.exists()


def test_two_assessments_side_by_side(assessed, people, network):
    client = client_for(people["coordinator"])
    client.post(
        f"/networks/{network.slug}/assessments/",
        FORM | {"as_of": "2026-09-01", "institutionalisation_score": "4"},
    )
    newer = Assessment.objects.get(as_of="2026-09-01")
    response = client.get(
        f"/networks/{network.slug}/assessments/compare/?a={newer.pk}&b={assessed.pk}"
    )
    assert response.status_code == 200
    assert response.context["older"] == assessed and response.context["newer"] == newer
    assert response.context["scores"][0][1:] == (2, 4)
    assert response.content.decode().count('class="then"') == 1
    assert client.get(f"/networks/{network.slug}/assessments/compare/?a=x&b=1").status_code == 404
