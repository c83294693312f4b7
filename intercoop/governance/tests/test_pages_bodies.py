"""The body pages: the index of polls waiting and bodies, a body with its voters and
polls, settings, committees, proxies and delegates. Each renders for those who may see
it, answers 404 (or 403) to others, and a refused write leaves nothing behind."""

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from intercoop.conftest import client_for, make_user
from intercoop.core.audit import system_actor
from intercoop.directory import services as directory
from intercoop.directory.models import OrganizationRole
from intercoop.governance import services
from intercoop.governance.models import Body, Delegate, Poll, Proxy, Seat
from intercoop.governance.tests.conftest import open_poll
from intercoop.governance.views_bodies import result_summary

VALLEY = "/decide/networks/valley/"


def _text(response: Any) -> str:
    return " ".join(response.content.decode().split())


def _person_of(org: Any, username: str, role: str = OrganizationRole.Role.MEMBER) -> Any:
    person = make_user(username)
    directory.organization_role_assign(
        actor=system_actor(), organization=org, user=person, role=role
    )
    return person


# The index


def test_the_index_lists_a_poll_needing_my_vote_until_i_vote(coop_network):
    net = coop_network
    poll = open_poll(net)
    client = client_for(net["admin_a"])
    page = client.get("/decide/")
    assert page.status_code == 200
    assert [(p.title, url) for p, url in page.context["needing"]] == [("A proposal", VALLEY)]
    assert f'<time datetime="{poll.closes_at:%Y-%m-%dT%H:%M:%S}' in page.content.decode()
    assert f"{poll.closes_at:%Y-%m-%d %H:%M}" in _text(page)
    assert [(b.name, url, n) for b, url, n in page.context["bodies"]] == [
        ("Valley Network", VALLEY, 1),
        ("Co-op A", f"/decide/organizations/{net['org_a'].slug}/", 0),
    ]
    services.ballot_cast(actor=net["admin_a"], poll=poll, choice={"stance": "agree"})
    page = client.get("/decide/")
    assert page.context["needing"] == []
    assert "No poll is waiting for your vote." in _text(page)
    # Co-op B has not voted yet: its administrator is still asked.
    assert len(client_for(net["admin_b"]).get("/decide/").context["needing"]) == 1


def test_the_index_explains_who_votes_and_offers_committees_to_those_who_run_bodies(
    coop_network,
):
    net = coop_network
    page = client_for(net["coordinator"]).get("/decide/")
    text = _text(page)
    assert (
        "In a network, each member organisation has one vote, cast by its delegate or, when "
        "it has none, by any of its administrators." in text
    )
    assert "In an organisation, each of its people has one vote." in text
    assert "In a committee, each of its named members has one vote." in text
    assert 'href="/decide/committees/new/"' in page.content.decode()
    outsider = client_for(net["outsider"]).get("/decide/")
    assert outsider.status_code == 200 and outsider.context["bodies"] == []
    assert 'href="/decide/committees/new/"' not in outsider.content.decode()
    member = _person_of(net["org_a"], "ana")
    assert (
        'href="/decide/committees/new/"' not in client_for(member).get("/decide/").content.decode()
    )


def test_the_pages_ask_to_sign_in(coop_network, client):
    for url in ("/decide/", VALLEY, VALLEY + "proxies/", "/decide/committees/new/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_signed_in_people_find_decide_in_the_navigation(coop_network, client):
    link = '<a href="/decide/">Decide</a>'
    assert link in client_for(coop_network["outsider"]).get("/").content.decode()
    assert link not in client.get("/").content.decode()
    here = client_for(coop_network["admin_a"]).get("/decide/").content.decode()
    assert '<a href="/decide/" aria-current="page">Decide</a>' in here


# A body's page


def test_a_network_body_shows_its_voters_polls_and_links(coop_network):
    net = coop_network
    ana = _person_of(net["org_a"], "ana")
    services.delegate_set(
        actor=net["admin_a"], network=net["network"], organization=net["org_a"], user=ana
    )
    open_poll(net)
    services.poll_create(actor=net["admin_b"], body=net["body"], kind="proposal", title="B's idea")
    closed = open_poll(net)
    services.ballot_cast(actor=net["admin_c"], poll=closed, choice={"stance": "agree"})
    services.poll_close(actor=net["coordinator"], poll=closed)
    Poll.objects.filter(pk=closed.pk).update(title="Closed one")

    page = client_for(ana).get(VALLEY)  # she votes for Co-op A, not its administrator
    assert page.status_code == 200
    context = page.context
    assert [(v.name, d) for v, d in context["voters"]] == [
        ("Co-op A", "ana"), ("Co-op B", ""), ("Co-op C", ""),
    ]  # fmt: skip
    assert [(p.title, voted) for p, voted in context["open_polls"]] == [("A proposal", False)]
    assert context["drafts"] == []  # B's draft is B's own
    assert [(p.title, s) for p, s in context["closed_polls"]] == [("Closed one", "Passed")]
    html = page.content.decode()
    for link in (
        'href="/decide/networks/valley/polls/new/"',
        'href="/decide/networks/valley/polls/new/?kind=election"',
        'href="/decide/networks/valley/proxies/"',
        'href="/decide/networks/valley/delegates/"',
    ):
        assert link in html
    assert 'href="/decide/networks/valley/settings/"' not in html
    assert "Needs your vote" in html
    not_delegate = client_for(net["admin_a"]).get(VALLEY)
    assert [v for _, v in not_delegate.context["open_polls"]] == [None]

    coordinator = client_for(net["coordinator"]).get(VALLEY)
    assert [p.title for p in coordinator.context["drafts"]] == ["B's idea"]
    assert [v for _, v in coordinator.context["open_polls"]] == [None]
    assert 'href="/decide/networks/valley/settings/"' in coordinator.content.decode()
    assert 'href="/decide/committees/new/?owner=network%3Avalley"' in coordinator.content.decode()


def test_the_body_page_says_when_i_have_voted(coop_network):
    net = coop_network
    poll = open_poll(net)
    services.ballot_cast(actor=net["admin_a"], poll=poll, choice={"stance": "agree"})
    page = client_for(net["admin_a"]).get(VALLEY)
    assert [v for _, v in page.context["open_polls"]] == [True]
    assert "You have voted" in page.content.decode()


def test_closed_polls_are_paged(coop_network):
    net = coop_network
    for n in range(21):
        poll = open_poll(net)
        Poll.objects.filter(pk=poll.pk).update(
            status=Poll.Status.CLOSED, title=f"Poll {n:02}", closed_at=poll.opened_at
        )
    first = client_for(net["coordinator"]).get(VALLEY)
    assert len(first.context["closed_polls"]) == 20
    assert "Page 1 of 2" in _text(first)
    second = client_for(net["coordinator"]).get(VALLEY + "?page=2")
    assert len(second.context["closed_polls"]) == 1


@pytest.mark.parametrize(
    ("kind", "result", "summary"),
    [
        ("proposal", {"passed": True, "quorum_met": True, "voters": 2}, "Passed"),
        ("proposal", {"passed": False, "quorum_met": True, "voters": 2}, "Not passed"),
        ("consent", {"passed": False, "quorum_met": False, "voters": 1},
         "Not passed: quorum not met"),
        ("election", {"passed": None, "quorum_met": True, "voters": 3, "winners": ["Ana", "Ben"]},
         "Elected: Ana, Ben"),
        ("choice", {"passed": None, "quorum_met": True, "voters": 3, "winners": ["Tea"]},
         "Chosen: Tea"),
        ("score", {"passed": None, "quorum_met": True, "voters": 0, "winners": []},
         "No votes cast"),
        ("dot", {"passed": None, "quorum_met": False, "voters": 1, "winners": ["Tea"]},
         "Quorum not met"),
    ],
)  # fmt: skip
def test_a_closed_polls_result_in_a_few_words(kind, result, summary):
    assert result_summary(Poll(kind=kind, status=Poll.Status.CLOSED, result=result)) == summary


def test_an_organisation_without_polls_has_a_page_and_a_start_button(coop_network):
    net = coop_network
    org = net["org_a"]
    bodies = Body.objects.count()
    page = client_for(net["admin_a"]).get(f"/decide/organizations/{org.slug}/")
    assert page.status_code == 200
    assert page.context["open_polls"] == [] and page.context["closed_polls"] == []
    assert [v.name for v, _ in page.context["voters"]] == ["admin_a"]
    assert f'href="/decide/organizations/{org.slug}/polls/new/"' in page.content.decode()
    assert "Start a poll" in page.content.decode()
    assert Body.objects.count() == bodies  # seeing it makes nothing


@pytest.mark.parametrize(
    "url",
    [VALLEY, VALLEY + "proxies/", VALLEY + "delegates/", VALLEY + "settings/",
     "/decide/organizations/co-op-a/", "/decide/networks/nowhere/", "/decide/committees/valley/"],
)  # fmt: skip
def test_outsiders_find_no_body(coop_network, url):
    response = client_for(coop_network["outsider"]).get(url)
    assert response.status_code == 404
    assert "No such decision-making body" in response.content.decode()


def test_only_network_bodies_have_delegates(coop_network):
    org = coop_network["org_a"]
    response = client_for(coop_network["admin_a"]).get(
        f"/decide/organizations/{org.slug}/delegates/"
    )
    assert response.status_code == 404


# Settings


def test_the_coordinator_turns_the_networks_switches_on(coop_network):
    net = coop_network
    client = client_for(net["coordinator"])
    page = client.get(VALLEY + "settings/")
    assert list(page.context["form"].fields) == [
        "description",
        "admission_by_poll",
        "ratify_awards",
    ]
    assert "Admit new member organisations by a poll of the members" in page.content.decode()
    response = client.post(
        VALLEY + "settings/",
        {"description": "Our general assembly", "admission_by_poll": "on", "ratify_awards": "on"},
    )
    assert response.status_code == 302 and response["Location"] == VALLEY
    body = Body.objects.get(pk=net["body"].pk)
    assert (body.description, body.admission_by_poll, body.ratify_awards) == (
        "Our general assembly", True, True,
    )  # fmt: skip
    client.post(VALLEY + "settings/", {"description": "Our general assembly"})
    body.refresh_from_db()
    assert (body.admission_by_poll, body.ratify_awards) == (False, False)


def test_voters_do_not_change_settings(coop_network):
    net = coop_network
    client = client_for(net["admin_a"])
    assert client.get(VALLEY + "settings/").status_code == 403
    response = client.post(VALLEY + "settings/", {"description": "Mine", "admission_by_poll": "on"})
    assert response.status_code == 403
    body = Body.objects.get(pk=net["body"].pk)
    assert (body.description, body.admission_by_poll) == ("", False)


def test_an_organisations_settings_make_its_body(coop_network):
    net = coop_network
    org = net["org_a"]
    url = f"/decide/organizations/{org.slug}/settings/"
    member = _person_of(org, "ana")
    assert client_for(member).post(url, {"description": "x"}).status_code == 403
    assert not Body.objects.filter(organization=org).exists()
    page = client_for(net["admin_a"]).get(url)
    assert list(page.context["form"].fields) == ["description"]
    response = client_for(net["admin_a"]).post(url, {"description": "Our members' meeting"})
    assert response.status_code == 302
    body = Body.objects.get(organization=org)
    assert (body.kind, body.slug, body.description) == (
        "organization",
        org.slug,
        "Our members' meeting",
    )


# Committees


def test_the_coordinator_sets_up_a_committee_and_changes_its_members(coop_network):
    net = coop_network
    client = client_for(net["coordinator"])
    page = client.get("/decide/committees/new/?owner=network:valley")
    assert page.context["form"].fields["owner"].choices == [("network:valley", "Valley Network")]
    assert page.context["form"]["owner"].value() == "network:valley"
    response = client.post(
        "/decide/committees/new/",
        {"name": "Loan committee", "owner": "network:valley", "description": "Loans",
         "users": "admin_a\nadmin_b\n", "organizations": net["org_c"].slug},
    )  # fmt: skip
    assert response.status_code == 302
    assert response["Location"] == "/decide/committees/loan-committee/"
    body = Body.objects.get(kind="committee")
    assert (body.name, body.network, body.description) == (
        "Loan committee",
        net["network"],
        "Loans",
    )
    seats = {(s.user and s.user.username, s.organization) for s in body.seats.all()}
    assert seats == {("admin_a", None), ("admin_b", None), (None, net["org_c"])}

    page = client_for(net["admin_a"]).get("/decide/committees/loan-committee/")
    assert [v.name for v, _ in page.context["voters"]] == ["admin_a", "admin_b", "Co-op C"]
    assert "In a committee, each of its named members has one vote." in _text(page)

    settings = client.get("/decide/committees/loan-committee/settings/")
    assert settings.context["form"]["users"].value() == "admin_a\nadmin_b"
    assert list(settings.context["form"].fields) == ["description", "users", "organizations"]
    response = client.post(
        "/decide/committees/loan-committee/settings/",
        {"description": "Loans", "users": "admin_c", "organizations": ""},
    )
    assert response.status_code == 302
    assert [s.user.username for s in Seat.objects.filter(body=body)] == ["admin_c"]


def test_an_unknown_member_is_named_beside_its_field_and_nothing_is_made(coop_network):
    client = client_for(coop_network["coordinator"])
    response = client.post(
        "/decide/committees/new/",
        {
            "name": "Board",
            "owner": "network:valley",
            "users": "admin_a\nnobody",
            "organizations": "",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"users": ["Unknown user names: nobody"]}
    assert not Body.objects.filter(kind="committee").exists()


def test_an_administrator_sets_up_their_organisations_committee_only(coop_network):
    net = coop_network
    client = client_for(net["admin_a"])
    slug = net["org_a"].slug
    page = client.get("/decide/committees/new/")
    assert page.context["form"].fields["owner"].choices == [(f"organization:{slug}", "Co-op A")]
    refused = client.post("/decide/committees/new/", {"name": "Board", "owner": "network:valley"})
    assert refused.status_code == 200 and "owner" in refused.context["form"].errors
    assert not Body.objects.filter(kind="committee").exists()
    made = client.post(
        "/decide/committees/new/", {"name": "Board", "owner": f"organization:{slug}"}
    )
    assert made.status_code == 302
    assert Body.objects.get(kind="committee").organization == net["org_a"]


def test_people_who_run_nothing_set_up_no_committee(coop_network):
    net = coop_network
    for person in (net["outsider"], _person_of(net["org_a"], "ana")):
        client = client_for(person)
        assert client.get("/decide/committees/new/").status_code == 403
        assert (
            client.post(
                "/decide/committees/new/", {"name": "X", "owner": "network:valley"}
            ).status_code
            == 403
        )
    assert not Body.objects.filter(kind="committee").exists()


# Proxies


def test_giving_and_revoking_a_proxy_through_the_pages(coop_network):
    net = coop_network
    a, b = net["org_a"], net["org_b"]
    client = client_for(net["admin_a"])
    page = client.get(VALLEY + "proxies/")
    form = page.context["form"]
    assert form.fields["giver"].widget.choices == [(f"o{a.pk}", "Co-op A")]
    assert [label for _, label in form.fields["holder"].widget.choices] == [
        "Co-op A", "Co-op B", "Co-op C",
    ]  # fmt: skip
    assert "Each voter holds at most 2 proxies at a time." in _text(page)
    assert "Voting yourself overrides a vote your proxy cast for you" in _text(page)

    response = client.post(
        VALLEY + "proxies/", {"giver": f"o{a.pk}", "holder": f"o{b.pk}", "poll": ""}
    )
    assert response.status_code == 302 and response["Location"] == VALLEY + "proxies/"
    proxy = Proxy.objects.get()
    assert (proxy.giver_organization, proxy.holder_organization, proxy.poll) == (a, b, None)

    page = client.get(VALLEY + "proxies/")
    assert [(r["giver"], r["holder"], r["revocable"]) for r in page.context["proxies"]] == [
        ("Co-op A", "Co-op B", True),
    ]  # fmt: skip
    assert "Every poll, until revoked" in page.content.decode()
    other = client_for(net["admin_b"]).get(VALLEY + "proxies/")
    assert [r["revocable"] for r in other.context["proxies"]] == [False]
    assert f'action="/decide/proxies/{proxy.pk}/revoke/"' not in other.content.decode()

    revoke = f"/decide/proxies/{proxy.pk}/revoke/"
    assert client_for(net["admin_b"]).post(revoke).status_code == 403
    assert client_for(net["outsider"]).post(revoke).status_code == 404
    proxy.refresh_from_db()
    assert proxy.is_active
    response = client.post(revoke)
    assert response.status_code == 302 and response["Location"] == VALLEY + "proxies/"
    proxy.refresh_from_db()
    assert not proxy.is_active
    assert client.get(revoke).status_code == 405


def test_a_holder_at_the_limit_is_refused_beside_the_field(coop_network):
    from intercoop.governance.tests.helpers import add_member

    net = coop_network
    d, _admin_d = add_member(net, "d")
    a, b, c = net["org_a"], net["org_b"], net["org_c"]
    poll = open_poll(net)
    client_for(net["admin_a"]).post(
        VALLEY + "proxies/", {"giver": f"o{a.pk}", "holder": f"o{b.pk}"}
    )
    client_for(net["admin_c"]).post(
        VALLEY + "proxies/", {"giver": f"o{c.pk}", "holder": f"o{b.pk}"}
    )
    assert Proxy.objects.count() == 2
    response = client_for(net["admin_d"]).post(
        VALLEY + "proxies/", {"giver": f"o{d.pk}", "holder": f"o{b.pk}", "poll": str(poll.pk)}
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"holder": ["A voter may hold at most 2 proxies"]}
    assert Proxy.objects.count() == 2


def test_anonymous_polls_take_no_proxies(coop_network):
    net = coop_network
    a, b = net["org_a"], net["org_b"]
    secret = open_poll(net, anonymous=True)
    named = open_poll(net)
    client = client_for(net["admin_a"])
    choices = client.get(VALLEY + "proxies/").context["form"].fields["poll"].widget.choices
    assert choices == [("", "Every poll, until I revoke it"), (str(named.pk), "A proposal")]
    response = client.post(
        VALLEY + "proxies/", {"giver": f"o{a.pk}", "holder": f"o{b.pk}", "poll": str(secret.pk)}
    )
    assert response.context["form"].errors == {"poll": ["Choose an open poll of this body"]}
    assert not Proxy.objects.exists()


def test_only_a_voter_gives_its_own_vote(coop_network):
    net = coop_network
    a, b = net["org_a"], net["org_b"]
    page = client_for(net["coordinator"]).get(VALLEY + "proxies/")
    assert page.context["form"] is None
    assert "You have no vote of your own in this body to give." in page.content.decode()
    posted = {"giver": f"o{a.pk}", "holder": f"o{b.pk}"}
    assert client_for(net["coordinator"]).post(VALLEY + "proxies/", posted).status_code == 403
    assert client_for(net["admin_b"]).post(VALLEY + "proxies/", posted).status_code == 403
    assert client_for(net["outsider"]).post(VALLEY + "proxies/", posted).status_code == 404
    assert not Proxy.objects.exists()


def test_a_person_gives_their_vote_in_their_organisation_which_gets_its_body(coop_network):
    net = coop_network
    org = net["org_a"]
    ana = _person_of(org, "ana")
    url = f"/decide/organizations/{org.slug}/proxies/"
    response = client_for(ana).post(
        url, {"giver": f"u{ana.pk}", "holder": f"u{net['admin_a'].pk}", "poll": ""}
    )
    assert response.status_code == 302
    proxy = Proxy.objects.get()
    assert (proxy.body.organization, proxy.giver_user, proxy.holder_user) == (
        org,
        ana,
        net["admin_a"],
    )
    page = client_for(net["admin_a"]).get(url)
    assert [(r["giver"], r["holder"]) for r in page.context["proxies"]] == [("ana", "admin_a")]


def test_a_refused_proxy_in_an_organisation_leaves_no_body(coop_network):
    net = coop_network
    org = net["org_a"]
    response = client_for(net["admin_a"]).post(
        f"/decide/organizations/{org.slug}/proxies/",
        {"giver": f"u{net['admin_a'].pk}", "holder": f"u{net['admin_b'].pk}"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "holder": ["The holder must be a voter of the same body"]
    }
    assert not Body.objects.filter(organization=org).exists() and not Proxy.objects.exists()


# Delegates


def test_an_administrator_names_and_clears_their_organisations_delegate(coop_network):
    net = coop_network
    a = net["org_a"]
    ana = _person_of(a, "ana")
    client = client_for(net["admin_a"])
    page = client.get(VALLEY + "delegates/")
    ((member, form),) = page.context["forms"]
    assert member.name == "Co-op A"
    assert form.fields["user"].widget.choices == [
        ("", "Any administrator (the first to vote counts)"),
        (str(net["admin_a"].pk), "admin_a"),
        (str(ana.pk), "ana"),
    ]
    assert f'id="id_user_{a.pk}"' in page.content.decode()
    response = client.post(VALLEY + "delegates/", {"organization": a.pk, "user": ana.pk})
    assert response.status_code == 302
    assert Delegate.objects.get(network=net["network"], organization=a).user == ana
    for person in ("admin_b", "coordinator"):  # everyone who sees the body sees the list
        seen = client_for(net[person]).get(VALLEY + "delegates/")
        assert [(m.name, d) for m, d in seen.context["members"]] == [
            ("Co-op A", "ana"), ("Co-op B", ""), ("Co-op C", ""),
        ]  # fmt: skip
        assert [m.name for m, _ in seen.context["forms"]] == (
            ["Co-op B"] if person == "admin_b" else []
        )
    client.post(VALLEY + "delegates/", {"organization": a.pk, "user": ""})
    assert not Delegate.objects.exists()


def test_a_delegate_who_left_the_organisation_is_no_longer_shown(coop_network):
    net = coop_network
    a = net["org_a"]
    ana = _person_of(a, "ana")
    services.delegate_set(actor=net["admin_a"], network=net["network"], organization=a, user=ana)
    directory.organization_role_remove(actor=system_actor(), organization=a, user=ana)
    page = client_for(net["admin_b"]).get(VALLEY + "delegates/")
    assert [(m.name, d) for m, d in page.context["members"]] == [
        ("Co-op A", ""), ("Co-op B", ""), ("Co-op C", ""),
    ]  # fmt: skip


def test_a_delegate_from_outside_the_organisation_is_refused_beside_the_field(coop_network):
    net = coop_network
    a = net["org_a"]
    response = client_for(net["admin_a"]).post(
        VALLEY + "delegates/", {"organization": a.pk, "user": net["outsider"].pk}
    )
    assert response.status_code == 200
    forms = {m.organization_id: f for m, f in response.context["forms"]}
    assert forms[a.pk].errors == {"user": ["The delegate must be one of the organisation's people"]}
    assert not Delegate.objects.exists()


def test_others_do_not_name_an_organisations_delegate(coop_network):
    net = coop_network
    a = net["org_a"]
    posted = {"organization": a.pk, "user": net["admin_a"].pk}
    assert client_for(net["admin_b"]).post(VALLEY + "delegates/", posted).status_code == 403
    assert client_for(net["coordinator"]).post(VALLEY + "delegates/", posted).status_code == 403
    assert client_for(net["outsider"]).post(VALLEY + "delegates/", posted).status_code == 404
    stranger = {"organization": 999_999, "user": net["admin_a"].pk}
    assert client_for(net["admin_a"]).post(VALLEY + "delegates/", stranger).status_code == 404
    assert not Delegate.objects.exists()


def test_a_body_page_asks_the_database_as_often_for_many_polls_as_for_one(coop_network):
    net = coop_network
    client = client_for(net["admin_a"])
    counts = []
    for polls in (1, 5):
        while Poll.objects.filter(status=Poll.Status.OPEN).count() < polls:
            open_poll(net)
            services.poll_close(actor=net["coordinator"], poll=open_poll(net))
            services.poll_create(actor=net["admin_a"], body=net["body"], kind="proposal", title="D")
        with CaptureQueriesContext(connection) as queries:
            page = client.get(VALLEY)
        assert len(page.context["open_polls"]) == len(page.context["drafts"]) == polls
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 17


def test_a_bodys_address_and_who_votes_come_from_one_place(coop_network):
    from intercoop.governance import paths, wording

    net = coop_network
    body = net["body"]
    assert paths.body_url(body) == VALLEY
    assert paths.body_url(body, "governance:proxies") == VALLEY + "proxies/"
    assert {paths.BODY_KINDS[paths.kind_path(Body(kind=k))] for k in Body.Kind} == set(Body.Kind)
    page = client_for(net["admin_a"]).get(VALLEY).context
    api = client_for(net["admin_a"]).get("/api/v1/bodies/network/valley").json()
    assert (
        page["who_votes"]
        == api["who_votes"]
        == wording.who_votes(body)
        == (
            "In a network, each member organisation has one vote, cast by its delegate or, when it "
            "has none, by any of its administrators."
        )
    )
