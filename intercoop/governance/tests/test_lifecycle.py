"""The life of a poll: draft → open (electorate fixed, seed drawn, the electorate told)
→ closed at its deadline by the clock's task (result stored) → outcome; the reminder
24 hours before close; early close and reopen by the body's coordinators; deadlines."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from intercoop.core.errors import DomainError
from intercoop.core.models import AuditEvent, Notification
from intercoop.governance import permissions, services
from intercoop.governance.models import Ballot, Poll
from intercoop.governance.tasks import polls_tick
from intercoop.governance.tests.conftest import open_poll, soon
from intercoop.governance.tests.helpers import add_person, close, stances, vote


def inbox(subject_start: str) -> list[tuple[str, str, str]]:
    return sorted(
        Notification.objects.filter(subject__startswith=subject_start).values_list(
            "user__username", "kind", "subject"
        )
    )


def draft(net, **values):
    return services.poll_create(actor=net["coordinator"], body=net["body"], kind="proposal",
                                title="Share a van", **values)  # fmt: skip


def test_opening_fixes_the_electorate_draws_a_seed_and_tells_the_voters(coop_network):
    net = coop_network
    add_person(net["org_a"], "member_a")  # not an administrator: not told
    poll = draft(net)
    assert (poll.is_draft, poll.voters.count(), poll.seed, poll.opened_at) == (True, 0, 0, None)
    deadline = soon(72)
    poll = services.poll_open(actor=net["coordinator"], poll=poll, closes_at=deadline)
    assert (poll.is_open, poll.closes_at, poll.opened_at is not None) == (True, deadline, True)
    assert list(poll.voters.values_list("name", "weight")) == [
        ("Co-op A", 1), ("Co-op B", 1), ("Co-op C", 1),
    ]  # fmt: skip
    assert 0 <= poll.seed < 2**31
    assert inbox("New poll") == [
        ("admin_a", "polls", "New poll: Share a van"),
        ("admin_b", "polls", "New poll: Share a van"),
        ("admin_c", "polls", "New poll: Share a van"),
    ]
    note = Notification.objects.filter(subject__startswith="New poll").first()
    assert note.url == reverse("governance:poll", args=[poll.pk])
    event = AuditEvent.objects.get(action="poll.open")
    assert event.summary.startswith(f"Share a van: 3 voters, seed {poll.seed}, closes ")


def test_the_clock_closes_a_poll_at_its_deadline_and_not_before(coop_network):
    net = coop_network
    poll = open_poll(net, "proposal")
    stances(poll, (net["admin_a"], "agree"), (net["admin_b"], "agree"))
    assert services.polls_close_due(now=poll.closes_at - timedelta(seconds=1)) == 0
    poll.refresh_from_db()
    assert (poll.is_open, poll.result) == (True, None)
    assert services.polls_close_due(now=poll.closes_at) == 1
    poll.refresh_from_db()
    assert (poll.is_closed, poll.result["voters"], poll.result["passed"]) == (True, 2, True)
    assert AuditEvent.objects.get(action="poll.close_due").actor_name == "intercoop-system"
    assert [row[0] for row in inbox("Poll closed")] == ["admin_a", "admin_b", "admin_c"]
    assert services.polls_close_due(now=poll.closes_at + timedelta(days=1)) == 0


def test_the_periodic_task_closes_due_polls(coop_network):
    net = coop_network
    due, later = open_poll(net, "proposal"), open_poll(net, "proposal")
    Poll.objects.filter(pk=due.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    assert polls_tick.call() == {"closed": 1, "reminded": 0}
    due.refresh_from_db(), later.refresh_from_db()
    assert (due.is_closed, later.is_open) == (True, True)


def test_one_poll_that_cannot_close_does_not_keep_the_others_open(coop_network, monkeypatch):
    """Fixed: the first failure stopped the loop, so every later due poll stayed open at
    every tick."""
    net = coop_network
    broken, fine = open_poll(net, "proposal"), open_poll(net, "proposal")
    Poll.objects.update(closes_at=timezone.now() - timedelta(minutes=1))
    Poll.objects.filter(pk=broken.pk).update(closes_at=timezone.now() - timedelta(minutes=2))
    real = services.poll_compute_result

    def compute(poll):
        if poll.pk == broken.pk:
            raise RuntimeError("broken")
        return real(poll)

    monkeypatch.setattr(services, "poll_compute_result", compute)
    assert services.polls_close_due() == 1
    broken.refresh_from_db(), fine.refresh_from_db()
    assert (broken.is_open, fine.is_closed) == (True, True)


def test_the_reminder_goes_once_a_day_before_close_to_those_who_have_not_voted(coop_network):
    net = coop_network
    poll = open_poll(net, "proposal")  # closes in 48 hours
    vote(net["admin_a"], poll, stance="agree")
    now = timezone.now()
    assert services.polls_remind(now=now) == 0
    day_before = poll.closes_at - timedelta(hours=24)
    assert services.polls_remind(now=day_before - timedelta(minutes=1)) == 0
    assert services.polls_remind(now=day_before) == 1
    assert inbox("Reminder") == [
        ("admin_b", "polls", "Reminder: A proposal closes soon"),
        ("admin_c", "polls", "Reminder: A proposal closes soon"),
    ]
    assert services.polls_remind(now=day_before + timedelta(hours=1)) == 0
    assert len(inbox("Reminder")) == 2
    poll.refresh_from_db()
    assert poll.reminded_at == day_before


def test_only_the_bodys_coordinators_close_early(coop_network):
    net = coop_network
    poll = open_poll(net, "proposal")
    for who in ("admin_a", "outsider"):
        with pytest.raises(PermissionDenied):
            services.poll_close(actor=net[who], poll=poll)
    poll = close(net, poll)
    assert (poll.is_closed, poll.closed_at is not None) == (True, True)
    with pytest.raises(DomainError, match="This poll is not open"):
        close(net, poll)


def test_reopen_with_a_new_deadline_keeps_the_ballots(coop_network):
    net = coop_network
    poll = open_poll(net, "proposal")
    vote(net["admin_a"], poll, stance="agree")
    poll = close(net, poll)
    with pytest.raises(PermissionDenied):
        services.poll_reopen(actor=net["admin_a"], poll=poll, closes_at=soon(24))
    with pytest.raises(DomainError):
        services.poll_reopen(actor=net["coordinator"], poll=poll,
                             closes_at=timezone.now() - timedelta(hours=1))  # fmt: skip
    deadline = soon(24)
    poll = services.poll_reopen(actor=net["coordinator"], poll=poll, closes_at=deadline)
    assert (poll.is_open, poll.closes_at, poll.result, poll.closed_at) == (
        True, deadline, None, None,
    )  # fmt: skip
    vote(net["admin_b"], poll, stance="agree")
    poll = close(net, poll)
    assert poll.result["voters"] == 2
    with pytest.raises(DomainError, match="Only a closed poll can be reopened"):
        services.poll_reopen(
            actor=net["coordinator"],
            poll=services.poll_reopen(actor=net["coordinator"], poll=poll, closes_at=deadline),
            closes_at=deadline,
        )


def test_the_outcome_is_written_by_the_proposer_or_a_coordinator_and_told(coop_network):
    net = coop_network
    poll = services.poll_create(actor=net["admin_a"], body=net["body"], kind="proposal",
                                title="Share a van")  # fmt: skip
    poll = services.poll_open(actor=net["admin_a"], poll=poll, closes_at=soon())
    with pytest.raises(DomainError, match="once the poll has closed"):
        services.poll_outcome_set(actor=net["admin_a"], poll=poll, outcome="We buy it")
    poll = close(net, poll)
    for who in ("admin_b", "outsider"):
        with pytest.raises(PermissionDenied):
            services.poll_outcome_set(actor=net[who], poll=poll, outcome="No")
    with pytest.raises(DomainError):
        services.poll_outcome_set(actor=net["admin_a"], poll=poll, outcome="")
    poll = services.poll_outcome_set(actor=net["admin_a"], poll=poll, outcome="We buy it")
    assert (poll.outcome, poll.outcome_by, poll.outcome_at is not None) == (
        "We buy it", net["admin_a"], True,
    )  # fmt: skip
    assert inbox("Outcome") == [(f"admin_{k}", "polls", "Outcome: Share a van") for k in "abc"]
    assert Notification.objects.filter(subject="Outcome: Share a van").first().body == "We buy it"
    services.poll_outcome_set(actor=net["coordinator"], poll=poll, outcome="We buy two")
    poll.refresh_from_db()
    assert (poll.outcome, poll.outcome_by) == ("We buy two", net["coordinator"])


@pytest.mark.parametrize(
    ("closes_in", "allowed"),
    [
        (timedelta(minutes=-1), False),
        (timedelta(0), False),
        (timedelta(minutes=5), True),
        (timedelta(days=365), True),
        (timedelta(days=367), False),
    ],
)
def test_deadlines_are_in_the_future_and_within_a_year(coop_network, closes_in, allowed):
    net = coop_network
    poll = draft(net)
    closes_at = timezone.now() + closes_in
    if allowed:
        assert services.poll_open(actor=net["coordinator"], poll=poll, closes_at=closes_at).is_open
        return
    with pytest.raises(DomainError) as refused:
        services.poll_open(actor=net["coordinator"], poll=poll, closes_at=closes_at)
    assert refused.value.field == "closes_at"
    poll.refresh_from_db()
    assert (poll.is_draft, poll.voters.count()) == (True, 0)
    with pytest.raises(DomainError):
        draft(net, closes_at=closes_at)


def test_a_poll_needs_a_deadline_and_options_to_open(coop_network):
    net = coop_network
    with pytest.raises(DomainError, match="Give the poll a closing time"):
        services.poll_open(actor=net["coordinator"], poll=draft(net))
    poll = draft(net, closes_at=soon())
    assert services.poll_open(actor=net["coordinator"], poll=poll).closes_at == poll.closes_at


def test_a_draft_is_changed_by_its_proposer_and_fixed_once_open(coop_network):
    net = coop_network
    poll = services.poll_create(actor=net["admin_a"], body=net["body"], kind="choice",
                                title="Pick", options=["A", "B"])  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.poll_update(actor=net["admin_b"], poll=poll, title="Mine")
    poll = services.poll_update(actor=net["admin_a"], poll=poll, title="Pick one",
                                options=["A", "B", "C"], max_choices=2)  # fmt: skip
    assert (poll.title, list(poll.options.values_list("name", flat=True)), poll.max_choices) == (
        "Pick one", ["A", "B", "C"], 2,
    )  # fmt: skip
    poll = services.poll_open(actor=net["admin_a"], poll=poll, closes_at=soon())
    for who in ("admin_a", "coordinator"):
        with pytest.raises(PermissionDenied):
            services.poll_update(actor=net[who], poll=poll, title="Changed")
    with pytest.raises(DomainError, match="Unknown setting"):
        services.poll_create(actor=net["admin_a"], body=net["body"], kind="proposal",
                             title="X", status="open")  # fmt: skip


def test_comments_on_open_polls_by_the_bodys_people(coop_network):
    net = coop_network
    poll = open_poll(net, "proposal")
    comment = services.comment_add(actor=net["admin_b"], poll=poll, text="Good idea")
    assert (comment.author, comment.text) == (net["admin_b"], "Good idea")
    with pytest.raises(PermissionDenied):
        services.comment_add(actor=net["outsider"], poll=poll, text="Spam")
    with pytest.raises(DomainError):
        services.comment_add(actor=net["admin_b"], poll=poll, text="")
    assert Ballot.objects.count() == 0


def test_a_deadline_is_kept_in_utc_and_a_time_without_zone_is_local(coop_network, settings):
    """Fixed: a deadline given in another zone was printed with "UTC" in the messages, and
    one without a zone (as an API might send) failed with a TypeError."""
    from datetime import UTC
    from zoneinfo import ZoneInfo

    net = coop_network
    madrid = ZoneInfo("Europe/Madrid")
    local = (timezone.now() + timedelta(days=2)).astimezone(madrid).replace(microsecond=0)
    poll = services.poll_open(actor=net["coordinator"], poll=draft(net), closes_at=local)
    assert (poll.closes_at, poll.closes_at.tzinfo) == (local, UTC)
    assert f"closes {poll.closes_at:%Y-%m-%d %H:%M}" in AuditEvent.objects.get(
        action="poll.open").summary  # fmt: skip
    settings.TIME_ZONE = "Europe/Madrid"
    naive = local.replace(tzinfo=None)
    second = services.poll_open(actor=net["coordinator"], poll=draft(net), closes_at=naive)
    assert second.closes_at == local
    with pytest.raises(DomainError):
        services.poll_open(actor=net["coordinator"], poll=draft(net), closes_at="tomorrow")


def test_results_show_as_chosen_at_creation(coop_network):
    net = coop_network
    after_vote = open_poll(net, "proposal")  # the default: once you have voted
    with pytest.raises(PermissionDenied, match="once you have voted"):
        permissions.access_results(net["admin_a"], after_vote)
    vote(net["admin_a"], after_vote, stance="agree")
    permissions.access_results(net["admin_a"], after_vote)
    with pytest.raises(PermissionDenied, match="You may not see this poll"):
        permissions.access_results(net["outsider"], after_vote)
    after_close = open_poll(net, "proposal", results_visible="after-close")
    vote(net["admin_a"], after_close, stance="agree")
    with pytest.raises(PermissionDenied, match="when the poll closes"):
        permissions.access_ballots(net["admin_a"], after_close)
    after_close = close(net, after_close)
    permissions.access_ballots(net["admin_a"], after_close)
    always = open_poll(net, "proposal", results_visible="always")
    permissions.access_results(net["admin_b"], always)
    with pytest.raises(PermissionDenied, match="A draft has no results"):
        permissions.access_results(net["coordinator"], draft(net))


def test_one_poll_whose_reminder_fails_does_not_keep_the_others_silent(coop_network, monkeypatch):
    """Fixed: the first failing reminder stopped the loop (and its transaction), so every
    later poll went unreminded at every tick."""
    net = coop_network
    broken, fine = open_poll(net, "proposal"), open_poll(net, "proposal")
    Poll.objects.filter(pk=broken.pk).update(closes_at=fine.closes_at - timedelta(minutes=1))
    real = services.people_of_voters

    def people(voters):
        voters = list(voters)
        if voters and voters[0].poll_id == broken.pk:
            raise RuntimeError("broken")
        return real(voters)

    monkeypatch.setattr(services, "people_of_voters", people)
    assert services.polls_remind(now=fine.closes_at - timedelta(hours=1)) == 1
    broken.refresh_from_db(), fine.refresh_from_db()
    assert (broken.reminded_at, fine.reminded_at is not None) == (None, True)
    assert len(inbox("Reminder")) == 3


def test_reopening_clears_the_outcome_stated_for_the_close_undone(coop_network):
    """Fixed: a reopened poll kept the outcome of its earlier close, shown as decided."""
    net = coop_network
    poll = close(net, open_poll(net, "proposal"))
    services.poll_outcome_set(actor=net["coordinator"], poll=poll, outcome="We buy it")
    poll = services.poll_reopen(actor=net["coordinator"], poll=poll, closes_at=soon(24))
    poll.refresh_from_db()
    assert (poll.outcome, poll.outcome_at, poll.outcome_by) == ("", None, None)
    assert AuditEvent.objects.filter(action="poll.outcome").count() == 1  # kept there


def test_amending_keeps_the_rounds_outcome_with_its_result_and_clears_it(coop_network):
    from intercoop.conftest import client_for

    net = coop_network
    poll = open_poll(net, "consent")
    stances(poll, (net["admin_a"], "object"))
    poll = close(net, poll)
    services.poll_outcome_set(actor=net["coordinator"], poll=poll, outcome="We rewrite it")
    stored = dict(poll.result)
    poll = services.poll_amend(actor=net["coordinator"], poll=poll, details="Rewritten",
                               closes_at=soon())  # fmt: skip
    poll.refresh_from_db()
    assert (poll.outcome, poll.outcome_at, poll.outcome_by, poll.round) == ("", None, None, 2)
    kept = poll.rounds.get()
    assert kept.result == stored | {"outcome": "We rewrite it"}
    page = client_for(net["admin_a"]).get(reverse("governance:poll", args=[poll.pk]))
    assert "<p>We rewrite it</p>" in page.content.decode()
    assert page.context["may_state_outcome"] is False


@pytest.mark.parametrize("moment", ["draft", "open", "closed"])
def test_the_page_and_the_api_offer_the_same_actions(coop_network, moment):
    """Fixed: the page offered reopening a poll the API (and the service) refused."""
    from intercoop.conftest import client_for

    net = coop_network
    poll = services.poll_create(actor=net["admin_a"], body=net["body"], kind="consent",
                                title="Van", closes_at=soon())  # fmt: skip
    if moment != "draft":
        poll = services.poll_open(actor=net["admin_a"], poll=poll)
    if moment == "closed":
        poll = close(net, poll)
    pairs = {"may_close": "can_close", "may_reopen": "can_reopen", "may_amend": "can_amend",
             "may_state_outcome": "can_write_outcome"}  # fmt: skip
    for who in ("admin_a", "admin_b", "coordinator"):
        page = client_for(net[who]).get(reverse("governance:poll", args=[poll.pk]))
        api = client_for(net[who]).get(f"/api/v1/polls/{poll.pk}")
        if page.status_code == 404:  # another's draft
            assert (moment, who, api.status_code) == ("draft", "admin_b", 404)
            continue
        assert {key: page.context[key] for key in pairs} == {
            key: api.json()[name] for key, name in pairs.items()
        }
    page = client_for(net["coordinator"]).get(reverse("governance:poll", args=[poll.pk])).context
    assert [key for key in pairs if page[key]] == {
        "draft": [], "open": ["may_close", "may_amend"],
        "closed": ["may_reopen", "may_amend", "may_state_outcome"],
    }[moment]  # fmt: skip
