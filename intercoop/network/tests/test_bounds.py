"""Out-of-bounds input (huge or negative amounts, "XXQ", NUL bytes, over-long text, dates
out of range) is the field's error on pages, in the API and in the services: never a
500, nothing written."""

import datetime as dt

import pytest

from intercoop.conftest import client_for
from intercoop.core.errors import InvalidValues
from intercoop.network import services
from intercoop.network.models import Assessment, EconomyBaseline, Relationship
from intercoop.network.tests.conftest import counts

HUGE = [10**16, 9223372036854775807, 1e30]


def api_claim(people, sides, **extra):
    body = {
        "source": sides["org"].slug,
        "target": sides["bakery"].slug,
        "kind": "supplies",
        "on_behalf_of": sides["org"].slug,
        "annual_value": 100,
        "currency": "GBP",
    } | extra
    return client_for(people["admin"]).post(
        "/api/v1/relationships", body, content_type="application/json"
    )


@pytest.mark.parametrize(
    ("extra", "status", "field"),
    [
        *[({"annual_value": value}, 422, "annual_value") for value in HUGE],
        ({"annual_value": -1}, 422, "annual_value"),
        ({"currency": "XXQ"}, 422, "currency"),
        ({"notes": "bread\x00"}, 422, "notes"),
        ({"notes": "x" * 5001}, 422, "notes"),
        ({"kind": "x" * 201}, 422, "kind"),
        ({"started_on": "1700-01-01"}, 400, "started_on"),
        ({"ended_on": "2300-01-01"}, 400, "ended_on"),
    ],
)
def test_api_refuses_out_of_bounds_values_naming_the_field(people, sides, extra, status, field):
    before = counts()
    response = api_claim(people, sides, **extra)
    assert (response.status_code, response.json()["field"]) == (status, field)
    assert counts() == before


def test_api_takes_the_largest_amount(people, sides):
    response = api_claim(people, sides, annual_value=10**15, notes="x" * 5000)
    assert response.status_code == 201
    assert Relationship.objects.get().annual_value == 10**15


@pytest.mark.parametrize(("reason", "status"), [("no\x00", 422), ("x" * 5001, 422), ("   ", 400)])
def test_a_dispute_reason_is_bounded(people, sides, reason, status):
    tie = api_claim(people, sides).json()
    before = counts()
    response = client_for(sides["baker"]).post(
        f"/api/v1/relationships/{tie['id']}/dispute",
        {"by": sides["bakery"].slug, "reason": reason},
        content_type="application/json",
    )
    assert (response.status_code, response.json()["field"]) == (status, "reason")
    assert counts() == before
    page = client_for(sides["baker"]).post(
        f"/relationships/{tie['id']}/dispute/", {"by": sides["bakery"].slug, "reason": reason}
    )
    assert page.status_code == 302
    assert Relationship.objects.get().status == "claimed"


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (10**16, "must be between 0 and 10^15 minor units"),
        (9223372036854775807, "must be between 0 and 10^15 minor units"),
        (1e30, "must be a whole number of minor units (cents)"),
        (-1, "must not be negative"),
    ],
)
def test_the_service_refuses_huge_and_negative_amounts(people, sides, value, reason):
    before = counts()
    with pytest.raises(InvalidValues) as refused:
        services.relationship_claim(
            actor=people["admin"], source=sides["org"], target=sides["bakery"],
            values={"kind": "supplies", "annual_value": value, "currency": "GBP"},
            on_behalf_of=sides["org"],
        )  # fmt: skip
    assert refused.value.errors == {"annual_value": reason}
    assert counts() == before


FORM = {"other": "Bakery", "direction": "out", "kind": "supplies", "formality": "contract",
        "visibility": "public", "annual_value": "10", "currency": "GBP"}  # fmt: skip


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"annual_value": "1e30"}, "annual_value"),
        ({"annual_value": "10000000000000000"}, "annual_value"),
        ({"annual_value": "9223372036854775807"}, "annual_value"),
        ({"annual_value": "-1"}, "annual_value"),
        ({"currency": "XXQ"}, "currency"),
        ({"notes": "bread\x00"}, "notes"),
        ({"notes": "x" * 5001}, "notes"),
        ({"other": "Bakery\x00"}, "other"),
        ({"started_on": "1700-01-01"}, "started_on"),
    ],
)
def test_the_page_form_refuses_out_of_bounds_values_on_the_field(people, sides, extra, field):
    before = counts()
    page = client_for(people["admin"]).post(f"/orgs/{sides['org'].slug}/relationships/",
                                            FORM | extra)  # fmt: skip
    assert page.status_code == 200
    assert list(page.context["form"].errors) == [field]
    assert counts() == before


def test_page_and_api_agree(people, sides):
    """The same values get the same answer on the page and in the API."""
    page = client_for(people["admin"]).post(
        f"/orgs/{sides['org'].slug}/relationships/", FORM | {"currency": "XXQ"}
    )
    api = api_claim(people, sides, currency="XXQ")
    assert (list(page.context["form"].errors), api.json()["field"]) == (["currency"], "currency")
    # a coordinator does not speak for the organisations of its network
    page = client_for(people["coordinator"]).post(f"/orgs/{sides['org'].slug}/relationships/",
                                                  FORM)  # fmt: skip
    api = client_for(people["coordinator"]).post(
        "/api/v1/relationships",
        {"source": sides["org"].slug, "target": sides["bakery"].slug, "kind": "supplies",
         "on_behalf_of": sides["org"].slug},
        content_type="application/json",
    )  # fmt: skip
    assert (page.status_code, api.status_code) == (403, 403)
    assert not Relationship.objects.exists()


ECONOMY = {"year": "2024", "businesses": "40", "employment": "700", "turnover": "100",
           "currency": "GBP", "source": "ONS"}  # fmt: skip


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"turnover": "1e30"}, "turnover"),
        ({"turnover": "10000000000000000"}, "turnover"),
        ({"turnover": "-5"}, "turnover"),
        ({"businesses": "9223372036854775807"}, "businesses"),
        ({"employment": "-1"}, "employment"),
        ({"year": "1700"}, "year"),
        ({"currency": "XXQ"}, "currency"),
        ({"source": "ONS\x00"}, "source"),
        ({"source": "x" * 301}, "source"),
    ],
)
def test_the_economy_form_refuses_out_of_bounds_values(people, network, extra, field):
    before = counts()
    page = client_for(people["coordinator"]).post("/networks/valley/economy/", ECONOMY | extra)
    assert page.status_code == 200
    assert list(page.context["form"].errors) == [field]
    assert counts() == before


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"turnover": 10**16}, "turnover"),
        ({"turnover": 9223372036854775807}, "turnover"),
        ({"turnover": "1e30"}, "turnover"),
        ({"businesses": 10**16}, "businesses"),
        ({"currency": "XXQ"}, "currency"),
        ({"source": "\x00"}, "source"),
        ({"year": 99999}, "year"),
    ],
)
def test_the_baseline_service_refuses_out_of_bounds_values(people, network, extra, field):
    values = {"year": 2024, "businesses": 40, "employment": 700, "turnover": 100,
              "currency": "GBP"} | extra  # fmt: skip
    with pytest.raises(InvalidValues) as refused:
        services.baseline_record(actor=people["coordinator"], network=network, values=values)
    assert list(refused.value.errors) == [field]
    assert not EconomyBaseline.objects.exists()


ASSESSMENT = {"as_of": "2026-06-01", "diversity_score": "3"}


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"diversity_evidence": "x" * 5001}, "diversity_evidence"),
        ({"diversity_evidence": "survey\x00"}, "diversity_evidence"),
        ({"outcome_awareness": "x" * 5001}, "outcome_awareness"),
        ({"as_of": "1700-01-01"}, "as_of"),
        ({"diversity_score": "99999999999999999999"}, "diversity_score"),
    ],
)
def test_the_assessment_form_refuses_out_of_bounds_values(people, network, extra, field):
    page = client_for(people["coordinator"]).post(
        "/networks/valley/assessments/", ASSESSMENT | extra
    )
    assert page.status_code == 200
    assert list(page.context["form"].errors) == [field]
    assert not Assessment.objects.exists()


def test_the_assessment_service_refuses_control_characters_and_long_evidence(people, network):
    with pytest.raises(InvalidValues) as refused:
        services.assessment_create(
            actor=people["coordinator"], network=network, as_of=dt.date(2026, 1, 1),
            ratings={"diversity": {"score": 3, "evidence": "a\x00"}},
            outcomes={"awareness": "x" * 5001},
        )  # fmt: skip
    assert refused.value.errors == {
        "diversity_evidence": "contains a control character",
        "outcome_awareness": "is 5001 characters long; at most 5000 are allowed",
    }
    assert not Assessment.objects.exists()


def test_query_and_path_parameters_are_bounded(people, sides):
    client = client_for(people["staff"])
    for url in [
        "/api/v1/relationships?kind=%00",
        "/api/v1/relationships?network=" + "x" * 201,
        "/api/v1/relationships/export?organization=a%00b",
        "/api/v1/networks/val%00ley/graph",
        "/api/v1/organizations/a%00/graph",
    ]:
        response = client.get(url)
        assert response.status_code == 422, url
        assert response.json()["field"] in {"kind", "network", "organization", "slug"}


def test_a_decision_for_an_impossible_side_is_not_found(people, sides):
    tie = api_claim(people, sides).json()
    for by in ["bak\x00ery", "x" * 201]:
        page = client_for(sides["baker"]).post(f"/relationships/{tie['id']}/confirm/", {"by": by})
        assert page.status_code == 404
    assert Relationship.objects.get().status == "claimed"
