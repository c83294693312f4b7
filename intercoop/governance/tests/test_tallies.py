"""Tallies of proposals, consent, choice, score and dot votes, with weights and quorum."""

from fractions import Fraction

import pytest

from intercoop.governance.tallies import choice, consent, dot_vote, proposal, quorum_met, score


def test_quorum_counts_ballots_cast_including_abstentions():
    assert quorum_met(5, 10, 50) and not quorum_met(4, 10, 50)
    ballots = [(1, "agree"), (1, "abstain"), (1, "abstain")]
    assert proposal(ballots, electorate=6, quorum=50).quorum_met
    assert not proposal(ballots, electorate=7, quorum=50).quorum_met


def test_a_proposal_that_misses_quorum_does_not_pass():
    result = proposal([(1, "agree")], electorate=10, quorum=20)
    assert not result.quorum_met and result.passed is False


def test_simple_majority_of_votes_cast():
    """agree 3 of cast 5 (abstentions are not votes cast) → passes; 2 of 4 does not."""
    ballots = [(1, "agree")] * 3 + [(1, "disagree")] * 2 + [(1, "abstain")] * 4
    assert proposal(ballots, electorate=9).passed
    assert not proposal([(1, "agree")] * 2 + [(1, "disagree")] * 2, electorate=4).passed


def test_weights_count():
    """One voter of weight 3 agrees, two of weight 1 disagree: 3 of 5."""
    result = proposal([(3, "agree"), (1, "disagree"), (1, "disagree")], electorate=3)
    assert result.passed and result.counts["agree"] == 3


@pytest.mark.parametrize(
    ("agree", "disagree", "rule", "electorate", "passed"),
    [
        (2, 1, "supermajority", 3, True),  # 2 ≥ 2/3 × 3
        (3, 2, "supermajority", 5, False),  # 3 < 2/3 × 5
        (4, 0, "supermajority-eligible", 6, True),  # 4 ≥ 2/3 × 6
        (3, 0, "supermajority-eligible", 6, False),
        (2, 1, "consensus", 3, True),
    ],
)
def test_supermajorities(agree, disagree, rule, electorate, passed):
    ballots = [(1, "agree")] * agree + [(1, "disagree")] * disagree
    result = proposal(ballots, electorate=electorate, rule=rule, threshold=Fraction(2, 3))
    assert result.passed is passed


def test_one_block_stops_consensus():
    ballots = [(1, "agree")] * 9 + [(1, "block")]
    assert not proposal(ballots, electorate=10, rule="consensus").passed
    assert proposal(ballots, electorate=10, rule="majority").passed


def test_consent_passes_without_objection():
    assert consent([(1, "consent")] * 3, electorate=3).passed
    assert not consent([(1, "consent"), (1, "object")], electorate=3).passed


def test_choice_score_and_dots():
    tally = choice(["x", "y", "z"], [(1, ["x"]), (2, ["x", "y"])], electorate=3)
    assert tally.counts == {"x": 3, "y": 2, "z": 0}

    scored = score(["x", "y"], [(1, {"x": 5, "y": 1}), (3, {"x": 1})], electorate=4)
    assert scored.means == {"x": Fraction(8, 4), "y": 1}
    assert scored.distribution["x"] == {5: 1, 1: 3}
    dots = dot_vote(["x", "y"], [(1, {"x": 3, "y": 2}), (2, {"y": 5})], electorate=2, dots=5)
    assert dots.counts == {"x": 3, "y": 12}
    with pytest.raises(ValueError, match="more than 5 dots"):
        dot_vote(["x"], [(1, {"x": 6})], electorate=1, dots=5)
    assert scored.to_json()["means"] == {"x": 2.0, "y": 1.0}


def test_consent_with_no_ballots_does_not_pass():
    """Fixed: nobody objected because nobody voted, and the consent passed."""
    assert consent([], electorate=3).passed is False
    assert consent([(1, "consent")], electorate=3).passed is True
    assert consent([(1, "consent"), (1, "object")], electorate=3).passed is False


@pytest.mark.parametrize("rule", ["majority", "supermajority", "supermajority-eligible",
                                  "consensus"])  # fmt: skip
def test_a_proposal_with_no_ballots_or_only_abstentions_does_not_pass(rule):
    assert proposal([], electorate=3, rule=rule).passed is False
    assert proposal([(1, "abstain")], electorate=3, rule=rule).passed is False
