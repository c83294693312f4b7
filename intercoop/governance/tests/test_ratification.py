"""A coordinator's purchasing award ratified by a poll of the round's members (the
network body's `ratify_awards`, off by default): the award awaits the vote, nothing is
delivered or billed meanwhile, and the vote's result ratifies it or sends the round back
to bidding."""

import datetime as dt
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from intercoop.clearing.models import Obligation
from intercoop.conftest import client_for, make_org, make_user
from intercoop.core.audit import SYSTEM_USERNAME, system_actor
from intercoop.core.errors import DomainError
from intercoop.core.models import AuditEvent
from intercoop.governance import services
from intercoop.governance.models import Poll
from intercoop.governance.tests.conftest import soon
from intercoop.purchasing import services as purchasing
from intercoop.purchasing.models import Bid, Contract, Delivery, Round

PENDING = "The award awaits ratification by the round's members: this waits for their vote"


def _bread(net: dict[str, Any], orders: tuple[str, ...] = ("a", "b")) -> tuple[Round, Bid]:
    """A goods round of the network taking bids, ordered by `orders`, with one bid."""
    round = purchasing.round_create(
        actor=net["coordinator"], network=net["network"],
        values={"title": "Bread", "kind": "goods", "category": "food", "currency": "USD"},
        articles=[{"name": "Loaf", "case_size": 5, "reference_price": Decimal(400)}],
    )  # fmt: skip
    loaf = round.articles.get()
    for key in orders:
        purchasing.order_set(actor=net[f"admin_{key}"], article=loaf, member=net[f"org_{key}"],
                             quantity=Decimal(5), tolerance=Decimal(0))  # fmt: skip
    purchasing.round_move(actor=net["coordinator"], round=round, to="closed")
    purchasing.round_move(actor=net["coordinator"], round=round, to="bidding")
    bid = purchasing.bid_submit(
        actor=system_actor(), round=round, supplier=make_org(name="Bakers"),
        values={"mode": "all_units", "article_prices": {loaf.pk: 300}},
    )  # fmt: skip
    return round, bid


def _award(net: dict[str, Any], round: Round, bid: Bid) -> Contract:
    return purchasing.round_award(
        actor=net["coordinator"], round=round, bid=bid,
        starts_on=dt.date(2027, 1, 1), ends_on=dt.date(2027, 6, 1),
    )  # fmt: skip


def _ratifying(net: dict[str, Any]) -> dict[str, Any]:
    services.body_update(actor=net["coordinator"], body=net["body"], ratify_awards=True)
    return net


def _award_poll(round: Round) -> Poll:
    return Poll.objects.get(purpose=Poll.Purpose.AWARD, subject_id=round.pk, status="open")


def _actions(round: Round) -> list[tuple[str, str, str]]:
    return list(
        AuditEvent.objects.filter(object_type="purchasing.round", object_id=str(round.pk))
        .order_by("pk")
        .values_list("action", "actor_name", "summary")
    )


def test_off_by_default_an_award_stands_at_once_and_no_poll_opens(coop_network: Any) -> None:
    net = coop_network
    round, bid = _bread(net)
    contract = _award(net, round, bid)
    assert (contract.ratification, contract.awaits_ratification) == ("", False)
    assert not Poll.objects.filter(purpose=Poll.Purpose.AWARD).exists()
    purchasing.delivery_record(actor=net["coordinator"], round=round, received={})
    assert Round.objects.get(pk=round.pk).is_delivered


def test_with_the_setting_the_award_awaits_a_poll_of_the_rounds_members(
    coop_network: Any,
) -> None:
    net = _ratifying(coop_network)
    round, bid = _bread(net)  # Co-op C is a member of the network but did not order
    before = timezone.now()
    contract = _award(net, round, bid)
    assert contract.awaits_ratification and not contract.is_ratified
    assert Contract.objects.get(pk=contract.pk).ratification == "pending"
    poll = _award_poll(round)
    assert poll.title == "Ratify the award of Bread to Bakers?"
    assert (poll.kind, poll.rule, poll.body_id) == ("proposal", "majority", net["body"].pk)
    assert poll.created_by is not None and poll.created_by.username == SYSTEM_USERNAME
    assert poll.voter_organizations == sorted([net["org_a"].pk, net["org_b"].pk])
    assert [v.organization for v in poll.voters.order_by("name")] == [net["org_a"], net["org_b"]]
    assert poll.closes_at is not None
    assert before + timedelta(days=7) <= poll.closes_at <= timezone.now() + timedelta(days=7)
    assert _actions(round)[-1] == (
        "round.award",
        "coordinator",
        "Bread awarded to Bakers, 2027-01-01 to 2027-06-01; "
        "awaiting ratification by the round's members",
    )


def test_a_service_rounds_electorate_is_its_committed_members_and_bills_wait(
    coop_network: Any,
) -> None:
    net = _ratifying(coop_network)
    waste = purchasing.round_create(
        actor=net["coordinator"], network=net["network"],
        values={"title": "Waste", "kind": "service", "category": "waste", "currency": "USD",
                "volume_unit": "pickups/year"},
    )  # fmt: skip
    purchasing.commitment_set(actor=net["admin_b"], round=waste, member=net["org_b"],
                              volume=Decimal(52), current_price=Decimal(5_000))  # fmt: skip
    purchasing.commitment_set(actor=net["admin_c"], round=waste, member=net["org_c"],
                              volume=Decimal(0), current_price=Decimal(5_000))  # fmt: skip
    purchasing.round_move(actor=net["coordinator"], round=waste, to="closed")
    purchasing.round_move(actor=net["coordinator"], round=waste, to="bidding")
    bid = purchasing.bid_submit(actor=system_actor(), round=waste, supplier=make_org(name="Haulers"),
                                values={"mode": "all_units", "tiers": [[0, 4_000]]})  # fmt: skip
    _award(net, waste, bid)
    assert [v.organization for v in _award_poll(waste).voters.all()] == [net["org_b"]]
    with pytest.raises(DomainError, match=PENDING):
        purchasing.bill_record(actor=net["admin_b"], round=waste, member=net["org_b"],
                               period_end=dt.date(2027, 3, 31), volume=Decimal(13), amount=52_000)  # fmt: skip
    with pytest.raises(DomainError, match=PENDING):
        purchasing.round_move(actor=net["coordinator"], round=waste, to="active")
    assert not waste.bills.exists()
    assert Round.objects.get(pk=waste.pk).is_awarded


def test_nothing_is_delivered_while_the_award_awaits_ratification(coop_network: Any) -> None:
    net = _ratifying(coop_network)
    round, bid = _bread(net)
    _award(net, round, bid)
    with pytest.raises(DomainError, match=PENDING):
        purchasing.delivery_record(actor=net["coordinator"], round=round, received={})
    with pytest.raises(DomainError, match=PENDING):
        purchasing.round_move(actor=net["coordinator"], round=round, to="delivered")
    assert Round.objects.get(pk=round.pk).is_awarded
    assert not Delivery.objects.exists() and not Obligation.objects.exists()
    page = client_for(net["coordinator"]).get(f"/rounds/{round.pk}/").content.decode()
    assert "Awaiting ratification by the round's members." in page
    assert "Record the delivery" not in page and "Mark delivered" not in page


def test_a_passed_poll_ratifies_the_award(coop_network: Any) -> None:
    net = _ratifying(coop_network)
    round, bid = _bread(net)
    contract = _award(net, round, bid)
    poll = _award_poll(round)
    services.ballot_cast(actor=net["admin_a"], poll=poll, choice={"stance": "agree"})
    services.ballot_cast(actor=net["admin_b"], poll=poll, choice={"stance": "abstain"})
    # closed by the clock at its deadline, as the system
    assert poll.closes_at is not None
    assert services.polls_close_due(now=poll.closes_at + timedelta(seconds=1)) == 1
    poll.refresh_from_db()
    assert poll.result is not None and poll.result["passed"] is True
    assert poll.outcome == "Award ratified by the members' vote"
    assert poll.outcome_at == poll.closed_at
    contract.refresh_from_db()
    assert contract.is_ratified and not contract.awaits_ratification
    assert _actions(round)[-1] == (
        "round.award_ratify",
        SYSTEM_USERNAME,
        "Bread: award to Bakers ratified by the members' vote",
    )
    page = client_for(net["admin_a"]).get(f"/rounds/{round.pk}/").content.decode()
    assert "Ratified by the round's members." in page and "Awaiting" not in page
    purchasing.delivery_record(actor=net["coordinator"], round=round, received={})
    assert Round.objects.get(pk=round.pk).is_delivered


def test_a_failed_poll_sends_the_round_back_to_bidding(coop_network: Any) -> None:
    net = _ratifying(coop_network)
    round, bid = _bread(net)
    _award(net, round, bid)
    poll = _award_poll(round)
    services.ballot_cast(actor=net["admin_a"], poll=poll, choice={"stance": "disagree"},
                         reason="Too dear")  # fmt: skip
    services.poll_close(actor=system_actor(), poll=poll)
    poll.refresh_from_db()
    assert poll.outcome == "Award not ratified by the members' vote: the round takes bids again"
    assert not Contract.objects.filter(round=round).exists()
    fresh = Round.objects.get(pk=round.pk)
    assert fresh.takes_bids
    assert fresh.articles.get().price is None
    assert _actions(round)[-1] == (
        "round.award_undo",
        SYSTEM_USERNAME,
        "Bread: award to Bakers not ratified: back to bidding",
    )
    # the coordinator awards again: a new poll
    again = _award(net, fresh, bid)
    assert again.awaits_ratification
    assert Poll.objects.filter(purpose=Poll.Purpose.AWARD, subject_id=round.pk).count() == 2


def test_a_poll_with_no_votes_does_not_ratify(coop_network: Any) -> None:
    net = _ratifying(coop_network)
    round, bid = _bread(net)
    _award(net, round, bid)
    services.poll_close(actor=system_actor(), poll=_award_poll(round))
    assert Round.objects.get(pk=round.pk).takes_bids
    assert not Contract.objects.filter(round=round).exists()


def test_a_round_without_members_has_nobody_to_ratify_its_award(coop_network: Any) -> None:
    net = _ratifying(coop_network)
    round, bid = _bread(net, orders=())
    contract = _award(net, round, bid)
    assert contract.ratification == ""
    assert not Poll.objects.filter(purpose=Poll.Purpose.AWARD).exists()


def test_only_the_system_or_staff_carry_out_the_vote(coop_network: Any) -> None:
    net = _ratifying(coop_network)
    round, bid = _bread(net)
    contract = _award(net, round, bid)
    for who in ("coordinator", "admin_a"):
        with pytest.raises(PermissionDenied):
            purchasing.award_ratification_record(actor=net[who], round=round, ratified=False)
    contract.refresh_from_db()
    assert contract.awaits_ratification and Round.objects.get(pk=round.pk).is_awarded
    assert _actions(round)[-1][0] == "round.award"
    purchasing.award_ratification_record(actor=system_actor(), round=round, ratified=True)
    with pytest.raises(DomainError, match="This round has no award awaiting ratification"):
        purchasing.award_ratification_record(actor=system_actor(), round=round, ratified=False)
    assert Contract.objects.get(round=round).is_ratified


def test_a_coordinator_cannot_ratify_by_closing_the_poll_early(coop_network: Any) -> None:
    """Fixed: the coordinator who awarded could close the ratification poll early, right
    after a favourable vote, and so ratify their own award; the page and the API offered
    it. Staff (and the clock) may close it; nobody reopens it once carried out."""
    net = _ratifying(coop_network)
    round, bid = _bread(net)
    contract = _award(net, round, bid)
    poll = _award_poll(round)
    services.ballot_cast(actor=net["admin_a"], poll=poll, choice={"stance": "agree"})
    coordinator, staff = net["coordinator"], make_user("staff", is_staff=True)
    with pytest.raises(PermissionDenied, match="Only staff may close early or reopen"):
        services.poll_close(actor=coordinator, poll=poll)
    poll.refresh_from_db()
    contract.refresh_from_db()
    assert (poll.is_open, contract.awaits_ratification) == (True, True)
    page = client_for(coordinator).get(f"/decide/polls/{poll.pk}/").context
    api = client_for(coordinator).get(f"/api/v1/polls/{poll.pk}").json()
    assert (page["may_close"], api["can_close"]) == (False, False)
    assert client_for(staff).get(f"/decide/polls/{poll.pk}/").context["may_close"] is True
    services.poll_close(actor=staff, poll=poll)
    contract.refresh_from_db()
    assert contract.is_ratified
    poll.refresh_from_db()
    for who in (coordinator, staff):
        page = client_for(who).get(f"/decide/polls/{poll.pk}/").context
        api = client_for(who).get(f"/api/v1/polls/{poll.pk}").json()
        assert (page["may_reopen"], api["can_reopen"]) == (False, False)
    with pytest.raises(PermissionDenied):
        services.poll_reopen(actor=coordinator, poll=poll, closes_at=soon())
    with pytest.raises(DomainError, match="carried out"):
        services.poll_reopen(actor=staff, poll=poll, closes_at=soon())
    poll.refresh_from_db()
    assert (poll.is_closed, poll.outcome) == (True, "Award ratified by the members' vote")


def test_the_api_shows_the_awards_ratification(coop_network: Any) -> None:
    net = _ratifying(coop_network)
    round, bid = _bread(net)
    _award(net, round, bid)
    got = client_for(net["coordinator"]).get(f"/api/v1/rounds/{round.pk}").json()
    assert got["contract"]["ratification"] == "pending"
