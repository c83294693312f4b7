"""Anonymous polls keep who voted apart from what was voted: a ballot row names no voter,
caster or time; each voter's receipt (returned when they vote, shown in `my_votes`)
is printed in the published ballot list; no reasons, no weights; the audit trail says
who voted, never how."""

import pytest

from intercoop.core.errors import DomainError
from intercoop.core.models import AuditEvent
from intercoop.governance import services
from intercoop.governance.models import Ballot, Participation
from intercoop.governance.selectors import (
    ballot_list,
    ballots_csv,
    electorate,
    my_votes,
    poll_compute_result,
)
from intercoop.governance.tests.conftest import open_poll
from intercoop.governance.tests.helpers import close, start


def cast(user, poll, **choice):
    return services.ballot_cast(actor=user, poll=poll, choice=choice)


def test_an_anonymous_ballot_names_no_voter_caster_or_time(coop_network):
    net = coop_network
    poll = open_poll(net, "proposal", anonymous=True)
    ballot, receipt = cast(net["admin_a"], poll, stance="disagree")  # no reason needed
    row = Ballot.objects.get(pk=ballot.pk)
    assert (row.voter, row.cast_by, row.cast_at, row.reason, row.weight, row.by_proxy) == (
        None, None, None, "", 1, False,
    )  # fmt: skip
    assert (len(row.seal), row.receipt, row.current) == (64, receipt, True)
    assert len(receipt) == 11 and receipt[5] == "-"
    # who voted is kept apart
    participation = Participation.objects.get(poll=poll)
    assert (participation.voter.name, participation.cast_by) == ("Co-op A", net["admin_a"])
    assert [(v.name, v.voted) for v in electorate(poll)] == [
        ("Co-op A", True), ("Co-op B", False), ("Co-op C", False),
    ]  # fmt: skip


def test_the_receipt_is_in_the_ballot_list_and_in_my_votes(coop_network):
    net = coop_network
    poll = open_poll(net, "proposal", anonymous=True)
    receipts = {
        who: cast(net[who], poll, stance=stance)[1]
        for who, stance in (("admin_a", "agree"), ("admin_b", "block"), ("admin_c", "agree"))
    }
    listed = ballot_list(poll)
    assert sorted(listed, key=lambda b: b["receipt"]) == listed  # in receipt order
    assert {b["receipt"]: b["choice"] for b in listed} == {
        receipts["admin_a"]: {"stance": "agree"},
        receipts["admin_b"]: {"stance": "block"},
        receipts["admin_c"]: {"stance": "agree"},
    }
    assert all(set(b) == {"receipt", "choice"} for b in listed)
    for who, receipt in receipts.items():
        [mine] = my_votes(net[who], poll)
        assert (mine.receipt, mine.ballot.receipt, mine.by_proxy) == (receipt, receipt, False)
    assert "admin" not in ballots_csv(poll) and "Co-op" not in ballots_csv(poll)


def test_a_changed_vote_gets_a_new_receipt_and_the_old_ballot_is_not_current(coop_network):
    net = coop_network
    poll = open_poll(net, "proposal", anonymous=True)
    old_ballot, old = cast(net["admin_a"], poll, stance="agree")
    new_ballot, new = cast(net["admin_a"], poll, stance="disagree")
    assert old != new
    old_ballot.refresh_from_db()
    assert (old_ballot.current, new_ballot.current, old_ballot.seal) == (
        False, True, new_ballot.seal,
    )  # fmt: skip
    assert ballot_list(poll) == [{"receipt": new, "choice": {"stance": "disagree"}}]
    assert my_votes(net["admin_a"], poll)[0].receipt == new
    result = poll_compute_result(poll)
    assert (result["voters"], result["counts"]["agree"], result["counts"]["disagree"]) == (1, 0, 1)


def test_receipts_differ_between_voters_and_rounds(coop_network):
    net = coop_network
    poll = open_poll(net, "consent", anonymous=True)
    _, first = cast(net["admin_a"], poll, stance="object")
    _, other = cast(net["admin_b"], poll, stance="object")
    poll = services.poll_amend(actor=net["coordinator"], poll=poll, details="amended",
                               closes_at=poll.closes_at)  # fmt: skip
    _, again = cast(net["admin_a"], poll, stance="consent")
    assert len({first, other, again}) == 3
    assert ballot_list(poll) == [{"receipt": again, "choice": {"stance": "consent"}}]


def test_an_anonymous_poll_takes_no_reasons(coop_network):
    net = coop_network
    poll = open_poll(net, "proposal", anonymous=True)
    with pytest.raises(DomainError) as refused:
        services.ballot_cast(actor=net["admin_a"], poll=poll, choice={"stance": "block"},
                             reason="I object")  # fmt: skip
    assert refused.value.field == "reason"
    assert Ballot.objects.count() == 0
    assert poll.takes_reasons is False


def test_an_anonymous_poll_takes_no_weights(coop_network):
    net = coop_network
    with pytest.raises(DomainError) as refused:
        services.poll_create(actor=net["coordinator"], body=net["body"], kind="proposal",
                             title="Secret", anonymous=True, weighting="custom",
                             weights={"co-op-a": 3})  # fmt: skip
    assert refused.value.field == "weighting"


def test_the_audit_trail_says_who_voted_never_how(coop_network):
    net = coop_network
    poll = start(net["coordinator"], net["body"], "proposal", title="Secret", anonymous=True)
    cast(net["admin_a"], poll, stance="block")
    cast(net["admin_a"], poll, stance="agree")
    close(net, poll)
    events = AuditEvent.objects.filter(action="ballot.cast")
    assert list(events.values_list("summary", "actor_name")) == [("Secret: Co-op A", "admin_a")] * 2
    everything = " ".join(AuditEvent.objects.values_list("summary", flat=True))
    assert "block" not in everything and "agree" not in everything


def test_nobody_sees_an_anonymous_voters_choice_not_even_staff(coop_network):
    from intercoop.conftest import make_user
    from intercoop.governance import permissions

    net = coop_network
    staff = make_user("staff", is_staff=True)
    poll = open_poll(net, "proposal", anonymous=True)
    _, receipt = cast(net["admin_a"], poll, stance="block")
    poll = close(net, poll)
    permissions.access_ballots(staff, poll)  # staff see the list once it has closed…
    assert ballot_list(poll) == [{"receipt": receipt, "choice": {"stance": "block"}}]
    assert my_votes(staff, poll) == []  # …and no one's receipt but their own (none)
    assert [v.receipt for v in my_votes(net["admin_b"], poll)] == [""]
    assert Ballot.objects.filter(poll=poll, voter__isnull=False).count() == 0


def test_an_anonymous_poll_shows_its_results_only_once_closed(coop_network):
    """Fixed: live counts of an anonymous poll, watched as ballots came in, told who voted
    how one ballot at a time."""
    from intercoop.conftest import client_for
    from intercoop.governance.models import Poll

    net = coop_network
    for shown in ("always", "after-vote"):
        with pytest.raises(DomainError) as refused:
            services.poll_create(actor=net["coordinator"], body=net["body"], kind="proposal",
                                 title="Secret", anonymous=True, results_visible=shown)  # fmt: skip
        assert (refused.value.field, refused.value.message) == (
            "results_visible", "An anonymous poll shows its results only once it has closed",
        )  # fmt: skip
    response = client_for(net["coordinator"]).post(
        "/api/v1/bodies/network/valley/polls",
        {"kind": "proposal", "title": "Secret", "anonymous": True, "results_visible": "always"},
        content_type="application/json",
    )
    assert (response.status_code, response.json()["field"]) == (400, "results_visible")
    assert not Poll.objects.exists()
    # not chosen: set
    poll = open_poll(net, "proposal", anonymous=True)
    assert poll.results_visible == "after-close"
    draft = services.poll_create(actor=net["coordinator"], body=net["body"], kind="proposal",
                                 title="Later secret", results_visible="always")  # fmt: skip
    draft = services.poll_update(actor=net["coordinator"], poll=draft, anonymous=True)
    assert draft.results_visible == "after-close"
    with pytest.raises(DomainError):
        services.poll_update(actor=net["coordinator"], poll=draft, results_visible="always")
    cast(net["admin_a"], poll, stance="agree")
    from intercoop.governance import selectors

    assert selectors.results_visible(net["admin_a"], poll) is False
    assert selectors.results_visible(net["admin_a"], close(net, poll)) is True
