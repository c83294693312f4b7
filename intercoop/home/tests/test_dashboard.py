"""The dashboard lists what needs each user, each section counted in a query or two
whatever the number of organisations and things waiting."""

import pytest
from django.urls import reverse

from intercoop.conftest import client_for, make_user
from intercoop.home.selectors import dashboard
from intercoop.home.tests.conftest import populate

pytestmark = pytest.mark.django_db


def _tasks(user):
    return sorted((t.kind, t.label, t.count) for t in dashboard(user=user)["tasks"])


def test_the_manager_sees_what_waits_for_their_organisations(busy):
    assert _tasks(busy.manager) == [
        ("assessments", "New assessments of Valley Network", 1),
        ("bids", "Your bid is invited: Hauling 2027 (Valley Network)", 1),
        ("clearing", "Clearing runs proposed in Valley Network", 1),
        ("introductions", "Introductions waiting for your answer", 2),
        ("invoices", "Invoices to confirm for Mine 0", 1),
        ("invoices", "Invoices to confirm for Mine 1", 1),
        ("notices", "Urgent calls for help on Valley Network's board", 2),
        ("rounds", "Rounds of Valley Network open for orders", 1),
    ]


def test_the_coordinator_sees_reviews_and_applications(busy):
    assert _tasks(busy.coordinator) == [
        ("applications", "Applications to join Valley Network", 2),
        ("assessments", "New assessments of Valley Network", 1),
        ("clearing", "Clearing runs proposed in Valley Network", 1),
        ("reviews", "Organisations waiting for review", 1),
    ]


def test_a_member_without_rights_sees_only_what_concerns_them(busy):
    assert _tasks(busy.member) == [
        ("assessments", "New assessments of Valley Network", 1),
        ("notices", "Urgent calls for help on Valley Network's board", 2),
    ]


def test_the_page_lists_organisations_tasks_and_activity(busy):
    response = client_for(busy.manager).get(reverse("dashboard"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="/introductions/"' in html
    assert 'href="/orgs/mine-0/obligations/"' in html
    assert 'Mine 0</a> <span class="muted">Administrator</span>' in html
    activity = response.context["activity"]
    assert len(activity) == 15
    assert {e.action for e in activity} >= {"obligation.record"}


def test_anonymous_visitors_are_sent_to_sign_in(db):
    response = client_for(None).get(reverse("dashboard"))
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/dashboard/"


def test_a_new_user_is_told_nothing_waits(db):
    response = client_for(make_user("newbie")).get(reverse("dashboard"))
    assert "Nothing is waiting for you." in response.content.decode()


def _queries(user, django_assert_max_num_queries, n):
    client = client_for(user)
    with django_assert_max_num_queries(n) as captured:
        response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    return len(captured)


# The busiest page, the manager's: 8 queries for the page itself (session, user, their
# organisations and networks, the cached organisation roles and coordinated networks, the
# activity, the unread notifications) and 12 for the sections: exchange 2, clearing 2,
# directory 0, purchasing 2, network 1, governance 1, capital 2 (per fund, per loan) and
# membership 2 (the candidate's applications, per pathway). The same whatever the data.
MAX_QUERIES = 20


@pytest.mark.parametrize("who", ["manager", "coordinator", "member"])
def test_query_count_does_not_grow_with_data(network, django_assert_max_num_queries, who):
    small = populate(network, 1, tag="s")
    few = _queries(getattr(small, who), django_assert_max_num_queries, MAX_QUERIES)
    big = populate(network, 5, tag="b")
    many = _queries(getattr(big, who), django_assert_max_num_queries, MAX_QUERIES)
    assert many == few


@pytest.mark.parametrize("who", ["manager", "coordinator", "member"])
def test_each_section_takes_at_most_two_queries(busy, django_assert_max_num_queries, who):
    from intercoop.core.dashboard import PROVIDERS
    from intercoop.directory.permissions import coordinated_network_ids, organization_roles

    user = getattr(busy, who)
    organization_roles(user), coordinated_network_ids(user)  # the request's role cache
    for name, provider in PROVIDERS.items():
        with django_assert_max_num_queries(2, info=name):
            provider(user)
