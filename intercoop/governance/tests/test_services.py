"""Bodies, committees, delegates, drafts, and the electorate fixed when a poll opens: a
network's member organisations at opening, an organisation's people, a committee's
seats."""

import pytest
from django.core.exceptions import PermissionDenied

from intercoop.conftest import make_user
from intercoop.core.audit import system_actor
from intercoop.core.errors import DomainError
from intercoop.core.models import AuditEvent
from intercoop.directory import services as directory
from intercoop.governance import services
from intercoop.governance.models import Body, Delegate, Poll, Seat
from intercoop.governance.selectors import electorate, people_of_voters
from intercoop.governance.tests.conftest import open_poll
from intercoop.governance.tests.helpers import add_member, add_person, fresh, start, vote


def names(poll):
    return list(poll.voters.order_by("name").values_list("name", flat=True))


# Bodies and committees


def test_a_body_is_made_once_by_one_of_its_people(coop_network):
    net = coop_network
    with pytest.raises(PermissionDenied):
        services.body_ensure(actor=net["admin_b"], organization=net["org_a"])
    body = services.body_ensure(actor=net["admin_a"], organization=net["org_a"])
    assert (body.kind, body.slug, body.name, body.created_by) == (
        "organization", "co-op-a", "Co-op A", net["admin_a"],
    )  # fmt: skip
    assert services.body_ensure(actor=net["admin_a"], organization=net["org_a"]) == body
    assert AuditEvent.objects.filter(action="body.create", object_id=str(body.pk)).count() == 1
    with pytest.raises(DomainError):
        services.body_ensure(actor=net["admin_a"], network=net["network"],
                             organization=net["org_a"])  # fmt: skip


def test_a_committee_has_named_members(coop_network):
    net = coop_network
    body = services.committee_create(
        actor=net["coordinator"], name="Loan committee", network=net["network"],
        users=[net["admin_a"], net["admin_a"]], organizations=[net["org_b"]],
    )  # fmt: skip
    assert (body.kind, body.slug, body.is_committee) == ("committee", "loan-committee", True)
    assert sorted(Seat.objects.filter(body=body).values_list("user__username", "organization__name"),
                  key=str) == [("admin_a", None), (None, "Co-op B")]  # fmt: skip
    again = services.committee_create(actor=net["coordinator"], name="Loan committee",
                                      network=net["network"])  # fmt: skip
    assert again.slug == "loan-committee-2"
    services.committee_seats_set(actor=net["coordinator"], body=body, users=[net["admin_c"]],
                                 organizations=[])  # fmt: skip
    assert list(body.seats.values_list("user__username", flat=True)) == ["admin_c"]
    with pytest.raises(DomainError):
        services.committee_create(actor=net["coordinator"], name="", network=net["network"])
    with pytest.raises(PermissionDenied):
        services.committee_seats_set(actor=net["coordinator"], body=net["body"], users=[],
                                     organizations=[])  # fmt: skip


# Delegates


def test_an_organisations_delegate_is_one_of_its_people(coop_network):
    net = coop_network
    with pytest.raises(DomainError) as refused:
        services.delegate_set(actor=net["admin_a"], network=net["network"],
                              organization=net["org_a"], user=net["admin_b"])  # fmt: skip
    assert refused.value.field == "user"
    person = add_person(net["org_a"], "member_a")
    delegate = services.delegate_set(actor=net["admin_a"], network=net["network"],
                                     organization=net["org_a"], user=person)  # fmt: skip
    assert (delegate.organization, delegate.user) == (net["org_a"], person)
    assert services.delegate_set(actor=net["admin_a"], network=net["network"],
                                 organization=net["org_a"], user=None) is None  # fmt: skip
    assert Delegate.objects.count() == 0
    assert list(AuditEvent.objects.filter(action="delegate.set").values_list("summary", flat=True)
                .order_by("pk")) == ["Valley Network: member_a", "Valley Network: -"]  # fmt: skip


# The electorate


def test_a_network_votes_by_its_members_at_opening(coop_network):
    net = coop_network
    poll = open_poll(net, "proposal")
    _, late_admin = add_member(net, "d")  # joins after opening: not a voter
    directory.network_member_leave(actor=system_actor(), network=net["network"],
                                   organization=net["org_c"])  # fmt: skip
    assert names(poll) == ["Co-op A", "Co-op B", "Co-op C"]
    with pytest.raises(PermissionDenied):
        vote(late_admin, poll, stance="agree")
    vote(fresh(net["admin_c"]), poll, stance="agree")  # left, keeps its vote
    assert [(v.name, v.weight, v.voted) for v in electorate(poll)] == [
        ("Co-op A", 1, False), ("Co-op B", 1, False), ("Co-op C", 1, True),
    ]  # fmt: skip
    assert names(open_poll(net, "proposal")) == ["Co-op A", "Co-op B", "Co-op D"]


def test_an_applicant_is_not_a_voter(coop_network):
    from intercoop.conftest import make_org

    net = coop_network
    org = make_org(name="Applicant Co-op")
    directory.network_member_apply(actor=system_actor(), network=net["network"], organization=org)
    assert names(open_poll(net, "proposal")) == ["Co-op A", "Co-op B", "Co-op C"]


def test_an_organisation_votes_by_its_active_people(coop_network):
    net = coop_network
    org = net["org_a"]
    member, editor = add_person(org, "member_a"), add_person(org, "editor_a", "editor")
    gone = add_person(org, "gone_a")
    gone.is_active = False
    gone.save()
    body = services.body_ensure(actor=net["admin_a"], organization=org)
    poll = start(net["admin_a"], body)
    assert sorted(poll.voters.values_list("user__username", flat=True)) == [
        "admin_a", "editor_a", "member_a",
    ]  # fmt: skip
    assert poll.voters.filter(organization__isnull=False).count() == 0
    vote(member, poll, stance="agree")
    vote(editor, poll, stance="abstain")
    with pytest.raises(PermissionDenied):
        vote(net["admin_b"], poll, stance="agree")
    assert sorted(u.username for u in people_of_voters(poll.voters.all())) == [
        "admin_a", "editor_a", "member_a",
    ]  # fmt: skip


def test_a_committee_votes_by_its_seats(coop_network):
    net = coop_network
    chair = make_user("chair")
    body = services.committee_create(actor=net["coordinator"], name="Board",
                                     network=net["network"], users=[chair],
                                     organizations=[net["org_b"]])  # fmt: skip
    poll = start(net["coordinator"], body)
    assert names(poll) == ["Co-op B", "chair"]
    vote(chair, poll, stance="agree")
    vote(net["admin_b"], poll, stance="agree")  # the seated organisation, by its admin
    for who in ("admin_a", "coordinator"):
        with pytest.raises(PermissionDenied):
            vote(net[who], poll, stance="agree")
    services.committee_seats_set(actor=net["coordinator"], body=body, users=[],
                                 organizations=[])  # fmt: skip
    assert names(poll) == ["Co-op B", "chair"]  # fixed at opening


def test_a_body_without_voters_cannot_open_a_poll(coop_network):
    net = coop_network
    body = services.committee_create(actor=net["coordinator"], name="Empty",
                                     network=net["network"])  # fmt: skip
    poll = services.poll_create(actor=net["coordinator"], body=body, kind="proposal", title="X")
    with pytest.raises(DomainError, match="no voters"):
        services.poll_open(actor=net["coordinator"], poll=poll,
                           closes_at=open_poll(net).closes_at)  # fmt: skip
    poll.refresh_from_db()
    assert (poll.is_draft, poll.voters.count()) == (True, 0)


# Drafts


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"kind": "referendum"}, "kind"),
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"kind": "choice", "options": ["Only"]}, "options"),
        ({"kind": "choice", "options": ["Same", "Same"]}, "options"),
        ({"kind": "choice", "options": [f"o{i}" for i in range(51)]}, "options"),
        ({"kind": "election", "options": ["A", "B"], "seats": 2}, "seats"),
        ({"kind": "election", "options": ["A", "B"], "method": "irv"}, "method"),
        ({"kind": "ranked", "options": ["A", "B"], "method": "meek-stv"}, "method"),
        ({"quorum": 101}, "quorum"),
        ({"quorum": "half"}, "quorum"),
        ({"threshold": "2/5"}, "threshold"),
        ({"rule": "unanimity"}, "rule"),
        ({"results_visible": "never"}, "results_visible"),
        ({"purpose": "coup"}, "purpose"),
    ],
)
def test_a_draft_with_bad_settings_is_refused_naming_the_field(coop_network, values, field):
    net = coop_network
    values = {"kind": "proposal", "title": "T"} | values
    with pytest.raises(DomainError) as refused:
        services.poll_create(actor=net["coordinator"], body=net["body"], **values)
    assert refused.value.field == field
    assert Poll.objects.count() == 0


def test_a_draft_keeps_only_the_settings_its_kind_uses(coop_network):
    net = coop_network
    proposal = services.poll_create(actor=net["coordinator"], body=net["body"], kind="proposal",
                                    title="T", options=["A", "B"], method="irv", seats=3)  # fmt: skip
    assert (proposal.options.count(), proposal.method, proposal.seats) == (0, "", 1)
    election = services.poll_create(actor=net["coordinator"], body=net["body"], kind="election",
                                    title="Board", options=["A", "B", "C"], seats=2)  # fmt: skip
    assert (election.method, election.seats) == ("scottish-stv", 2)
    ranked = services.poll_create(actor=net["coordinator"], body=net["body"], kind="ranked",
                                  title="Pick", options=["A", "B", "C"], seats=2)  # fmt: skip
    assert (ranked.method, ranked.seats) == ("irv", 1)


def test_an_unsaved_body_is_made_by_its_first_poll(coop_network):
    net = coop_network
    unsaved = Body(kind=Body.Kind.ORGANIZATION, slug="co-op-b", name="Co-op B",
                   organization=net["org_b"])  # fmt: skip
    poll = services.poll_create(actor=net["admin_b"], body=unsaved, kind="proposal", title="T")
    assert (poll.body.pk is not None, poll.body.organization) == (True, net["org_b"])


def test_the_audit_of_a_body_update_says_what_changed(coop_network):
    """Fixed: every update was audited as the body's name alone."""
    net = coop_network
    body, coordinator = net["body"], net["coordinator"]
    services.body_update(actor=coordinator, body=body, admission_by_poll=True, ratify_awards=False)
    services.body_update(actor=coordinator, body=body, description="We decide",
                         admission_by_poll=False, ratify_awards=True)  # fmt: skip
    services.body_update(actor=coordinator, body=body, description="We decide")
    summaries = AuditEvent.objects.filter(action="body.update").order_by("pk")
    assert list(summaries.values_list("summary", flat=True)) == [
        "Valley Network: admission by poll: on",
        "Valley Network: description changed, admission by poll: off, awards ratified by poll: on",
        "Valley Network: no change",
    ]


def test_an_unsaved_body_is_saved_on_its_first_write_by_one_function(coop_network):
    net = coop_network
    unsaved = Body(kind=Body.Kind.ORGANIZATION, slug=net["org_a"].slug, name="Co-op A",
                   organization=net["org_a"])  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.body_saved(actor=net["admin_b"], body=unsaved)
    saved = services.body_saved(actor=net["admin_a"], body=unsaved)
    assert (saved.pk is not None, saved.organization, saved.kind) == (
        True,
        net["org_a"],
        "organization",
    )
    assert services.body_saved(actor=net["outsider"], body=saved) is saved  # already saved
    assert Body.objects.filter(kind="organization").count() == 1
