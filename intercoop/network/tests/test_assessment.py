"""Indicators of the five principles on a small network with answers known by hand."""

import datetime as dt
import math

import pytest

from intercoop.network.assessment import Member, Tie, indicators, reading, shannon, simpson

AS_OF = dt.date(2025, 1, 1)
MEMBERS = [
    Member(1, "OS60", "ICA120", 8, dt.date(2022, 1, 1), True, "Leeds", 53.8, -1.55),
    Member(2, "OS60", "ICA120", 30, dt.date(2010, 1, 1), True, "Leeds", 53.8, -1.45),
    Member(3, "OS70", "ICA210", 120, dt.date(1990, 1, 1), True, "York", 53.96, -1.08),
    Member(4, "OS110", "ICA280", None, None, True, "", None, None),
]
TIES = [
    Tie(1, 2, "supplies", "contract", 300_00, "GBP"),
    Tie(2, 3, "shared_service", "joint_institution", None, ""),
    Tie(3, 1, "informal", "informal", None, ""),
    Tie(4, 1, "incubated", "written_agreement", None, ""),
]
OUTSIDE = [
    Tie(1, 99, "supplies", "contract", 700_00, "GBP"),  # 99: an ally, not in the network
    Tie(98, 2, "supplies", "informal", 50_00, "EUR"),  # another currency: left out
]


@pytest.fixture(scope="module")
def values():
    return indicators(members=MEMBERS, ties=TIES, outside_ties=OUTSIDE, as_of=AS_OF)


def test_diversity_formulas():
    assert shannon([2, 1, 1]) == pytest.approx(-(0.5 * math.log(0.5) + 2 * 0.25 * math.log(0.25)))
    assert simpson([2, 1, 1]) == pytest.approx(1 - (0.25 + 0.0625 * 2))
    assert shannon([5]) == 0 and simpson([]) == 0


def test_institutionalisation(values):
    inst = values["institutionalisation"]
    assert inst["formality_share"] == {
        "contract": 0.25,
        "joint_institution": 0.25,
        "informal": 0.25,
        "written_agreement": 0.25,
    }
    assert (inst["formal_share"], inst["joint_institutions"], inst["ties"]) == (0.75, 1, 4)


def test_diversity(values):
    structure = values["diversity"]["structure"]
    assert structure["counts"] == {"OS60": 2, "OS70": 1, "OS110": 1}
    assert structure["simpson"] == pytest.approx(0.625, abs=1e-4)
    assert values["diversity"]["size"]["counts"] == {"under 10": 1, "10–49": 1, "50–249": 1}
    assert values["diversity"]["age"]["counts"] == {
        "under 5 years": 1,
        "15–29 years": 1,
        "30 years or more": 1,
    }


def test_intergenerational(values):
    gen = values["intergenerational"]
    assert (gen["shared_institutions"], gen["shared_services"], gen["spin_offs"]) == (1, 1, 1)
    assert (gen["age_youngest"], gen["age_oldest"]) == (3.0, 35.0)


def test_self_reliance_in_the_commonest_currency(values):
    self_reliance = values["self_reliance"]
    assert (self_reliance["currency"], self_reliance["inside"], self_reliance["outside"]) == (
        "GBP",
        30000,
        70000,
    )
    assert self_reliance["share_inside"] == 0.3


def test_embeddedness(values):
    embedded = values["embeddedness"]
    # ties with an end that is not a member co-op: the two outside ties
    assert (embedded["ally_ties"], embedded["ally_share"], embedded["localities"]) == (2, 0.3333, 2)
    # centre (53.853, -1.36); York is 11.9 km north and 18.4 km east of it
    assert embedded["reach_km"] == pytest.approx(21.8, abs=0.1)
    assert embedded["members_outside_ties"] == 2


def test_reading_names_strengths_and_gaps(values):
    notes = reading(values)
    assert notes["institutionalisation"] == [
        ("strength", "Most ties are written agreements, contracts or joint institutions.")
    ]
    assert notes["self_reliance"] == [
        ("strength", "Much of members' known trade stays inside the network.")
    ]
    assert ("strength", "Members seed new co-operatives.") in notes["intergenerational"]


def test_an_empty_network():
    empty = indicators(members=[], ties=[], outside_ties=[], as_of=AS_OF)
    assert empty["institutionalisation"]["formal_share"] == 0
    assert empty["self_reliance"]["share_inside"] is None
    assert reading(empty)["institutionalisation"] == [("gap", "No ties are recorded yet.")]
