"""Matchmaking on a labelled synthetic set the test builds: the planted match ranks first,
precision@5 is reported (and held above a floor), explanations say why."""

import random

import pytest

from intercoop.exchange.matching import (
    Need,
    Offer,
    OfferIndex,
    Peer,
    business_matches,
    peer_matches,
    precision_at,
)

LEEDS = (53.80, -1.55)
CATEGORIES = {
    "energy": "solar panels installation renewable electricity supply battery",
    "food": "organic vegetables bread bakery dairy wholesale produce",
    "cleaning": "office cleaning janitorial green cleaning products",
    "print": "printing leaflets posters recycled paper design",
    "it": "software hosting websites support open source",
    "waste": "waste hauling recycling compost collection",
}


def synthetic(seed=3, per_category=30):
    """Offers of every category, words drawn mostly from their own category's vocabulary;
    a need of category c is relevant to every offer of category c."""
    rng = random.Random(seed)
    offers = []
    for c, words in CATEGORIES.items():
        vocabulary = words.split()
        others = " ".join(CATEGORIES.values()).split()
        for i in range(per_category):
            text = " ".join(rng.sample(vocabulary, 3) + rng.sample(others, 2))
            offers.append(Offer(id=len(offers), organization=f"{c}-{i}", category=c, text=text,
                                location=(LEEDS[0] + rng.uniform(-0.5, 0.5), LEEDS[1] + rng.uniform(-0.5, 0.5)),
                                radius_km=80, cooperative=rng.random() < 0.5))  # fmt: skip
    return offers


def test_a_planted_obvious_match_ranks_first():
    offers = synthetic()
    planted = Offer(id=999, organization="valley-solar-coop", category="energy",
                    text="Solar panels installation on any school roof",
                    location=(53.81, -1.56), radius_km=50, cooperative=True, coop_discount=10)  # fmt: skip
    index = OfferIndex([*offers, planted])
    need = Need(organization="st-marys-school", category="energy",
                text="We need solar panels installation on the school roof", location=LEEDS)  # fmt: skip
    matches = business_matches(index, [need], limit=5, category_labels={"energy": "Energy"})
    assert matches[0].organization == "valley-solar-coop"
    explanation = matches[0].explanation
    assert explanation.startswith("same category (Energy); both mention ")
    assert "1 km apart, within its 50 km service area" in explanation
    assert explanation.endswith("a co-op offering 10% to co-ops")


@pytest.mark.parametrize(("with_category", "floor"), [(True, 0.95), (False, 0.8)])
def test_precision_at_5_on_the_labelled_set(with_category, floor):
    """Needs described in three words of their category; without the category the text
    alone must find the right offers."""
    offers = synthetic()
    index = OfferIndex(offers)
    rng = random.Random(9)
    precisions = []
    for c, words in CATEGORIES.items():
        for _ in range(5):
            text = " ".join(rng.sample(words.split(), 3))
            need = Need("buyer", c if with_category else "", text, LEEDS)
            ranked = [m.organization for m in business_matches(index, [need], limit=5)]
            relevant = {o.organization for o in offers if o.category == c}
            precisions.append(precision_at(5, ranked, relevant))
    mean = sum(precisions) / len(precisions)
    print(
        f"precision@5 = {mean:.3f} over {len(precisions)} needs (category given: {with_category})"
    )
    assert mean >= floor


def test_an_offer_outside_its_service_area_is_not_a_match_and_own_offers_are_skipped():
    far = Offer(
        id=1, organization="far", category="food", text="bread", location=(51.5, -0.1), radius_km=20
    )
    mine = Offer(id=2, organization="me", category="food", text="bread")
    near = Offer(id=3, organization="near", category="print", text="bread rolls", location=LEEDS)
    matches = business_matches(OfferIndex([far, mine, near]), [Need("me", "food", "bread", LEEDS)])
    assert [m.organization for m in matches] == ["near"]
    assert matches[0].explanation == "both mention “bread”; 0 km apart"


def test_peer_matches_explain_shared_challenges_structure_and_size():
    me = Peer("homes", frozenset({"succession", "financing"}), "OS70", 120, LEEDS)
    others = [
        Peer("towers", frozenset({"succession", "financing", "hiring"}), "OS70", 95, (53.9, -1.55)),
        Peer("bakery", frozenset({"energy_costs"}), "OS60", 10, LEEDS),
        Peer("farm", frozenset({"succession"}), "OS90", 12, None),
    ]
    labels = {"succession": "succession", "financing": "financing", "OS70": "housing co-ops"}
    matches = peer_matches(me, others, labels=labels)
    assert [m.organization for m in matches] == ["towers", "farm"]
    assert matches[0].explanation == (
        "both work on financing and succession; both are housing co-ops; "
        "similar size (120 and 95 members); 11 km apart"
    )


def test_precision_helper():
    assert precision_at(5, ["a", "b", "x", "c", "y"], {"a", "b", "c"}) == pytest.approx(0.6)
