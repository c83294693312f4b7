"""Choosing an organisation (the autocomplete's endpoint and widget) and finding a place
on the map (the offline gazetteer plus the directory's own localities)."""

import socket

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template

from intercoop.conftest import client_for, make_org, make_user
from intercoop.core.audit import system_actor
from intercoop.directory import services
from intercoop.directory.models import Organization, OrganizationRole
from intercoop.directory.places import city_search, fold
from intercoop.directory.selectors import SUGGESTION_LIMIT, organization_suggestions
from intercoop.directory.widgets import OrganizationPicker
from intercoop.network.forms import RelationshipForm


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a connection fails the test."""

    def refuse(*args, **kwargs):
        raise AssertionError("the server tried to call out")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


@pytest.fixture
def directory(db):
    return {
        "bakery": make_org(
            name="Riverside Bakery", locality="Leeds", latitude=53.80, longitude=-1.55
        ),
        "homes": make_org(name="Canal Homes", locality="Bradford", latitude=53.79, longitude=-1.75),
        "bread": make_org(
            name="Bread and Roses", locality="Leeds", latitude=53.82, longitude=-1.57
        ),
        "hidden": make_org(
            name="Riverside Pending", locality="Leeds", latitude=53.8, longitude=-1.5
        ),
    }


def _pending(organization):
    Organization.objects.filter(pk=organization.pk).update(approval=Organization.Approval.PENDING)


def _suggest(client, **params):
    response = client.get("/api/v1/suggest/organizations", params)
    assert response.status_code == 200
    return response.json()


def test_suggestions_match_name_and_place_names_first(directory, no_network):
    _pending(directory["hidden"])
    data = _suggest(client_for(None), q="river")
    assert data == {
        "results": [
            {
                "slug": "riverside-bakery",
                "name": "Riverside Bakery",
                "locality": "Leeds",
                "country": "GB",
            }
        ],
        "more": False,
    }
    by_place = _suggest(client_for(None), q="leeds")["results"]
    assert [r["slug"] for r in by_place] == ["bread-and-roses", "riverside-bakery"]


def test_the_exact_slug_comes_first(directory):
    data = _suggest(client_for(None), q="canal-homes")
    assert [r["slug"] for r in data["results"]] == ["canal-homes"]


def test_pending_organisations_only_to_their_people(directory):
    _pending(directory["hidden"])
    assert _suggest(client_for(None), q="pending")["results"] == []
    assert _suggest(client_for(make_user("outsider")), q="pending")["results"] == []
    insider = make_user("insider")
    services.organization_role_assign(
        actor=system_actor(),
        organization=directory["hidden"],
        user=insider,
        role=OrganizationRole.Role.ADMIN,
    )
    assert [r["slug"] for r in _suggest(client_for(insider), q="pending")["results"]] == [
        "riverside-pending"
    ]


def test_suggestions_are_bounded_and_say_there_are_more(db):
    for n in range(SUGGESTION_LIMIT + 2):
        make_org(name=f"Valley Farm {n:02d}", latitude=None, longitude=None)
    data = _suggest(client_for(None), q="valley")
    assert len(data["results"]) == SUGGESTION_LIMIT
    assert data["more"] is True
    assert data["results"][0]["name"] == "Valley Farm 00"


def test_suggestions_of_one_network(directory, network):
    services.network_member_join(
        actor=system_actor(), network=network, organization=directory["homes"]
    )
    data = _suggest(client_for(None), q="leeds", network="valley")
    assert data["results"] == []
    data = _suggest(client_for(None), q="canal", network="valley")
    assert [r["slug"] for r in data["results"]] == ["canal-homes"]


@pytest.mark.parametrize("q", ["", "   ", "!!", "x" * 100])
def test_suggestions_of_nothing_are_empty(directory, q):
    assert _suggest(client_for(None), q=q) == {"results": [], "more": False}


def test_an_overlong_query_is_refused(db):
    response = client_for(None).get("/api/v1/suggest/organizations", {"q": "x" * 101})
    assert response.status_code == 422


def test_the_widget_renders_a_combobox():
    html = str(RelationshipForm()["other"])
    for attribute in [
        'role="combobox"',
        'aria-autocomplete="list"',
        'aria-expanded="false"',
        'aria-controls="id_other-listbox"',
        'data-combobox="organization"',
        'data-source="/api/v1/suggest/organizations"',
        'name="other"',
        'autocomplete="off"',
    ]:
        assert attribute in html
    assert '<ul class="combobox-listbox" id="id_other-listbox" role="listbox"' in html
    assert 'role="status" aria-live="polite"' in html


def test_the_widget_may_be_limited_to_a_network():
    html = OrganizationPicker(network="valley").render("payee", "", {"id": "id_payee"})
    assert 'data-source="/api/v1/suggest/organizations?network=valley"' in html


def test_a_form_still_takes_an_exact_slug(directory):
    form = RelationshipForm(
        data={
            "other": "canal-homes",
            "direction": "out",
            "kind": "supplier",
            "formality": "contract",
            "visibility": "public",
        }
    )
    form.is_valid()
    assert "other" not in form.errors
    assert form.cleaned_data["other"] == "canal-homes"


def test_the_gazetteer_finds_cities_offline(no_network):
    (leeds,) = city_search("Leeds", limit=1)
    assert (leeds.name, leeds.country) == ("Leeds", "GB")
    assert (round(leeds.latitude, 2), round(leeds.longitude, 2)) == (53.8, -1.55)
    assert leeds.population > 400_000
    # accents folded; big cities found by their other names
    assert city_search("zurich", limit=1)[0].name == "Zürich"
    assert city_search("Londres", limit=1)[0].name == "London"
    assert fold(" Évora ") == "evora"
    assert city_search("") == []


def test_places_join_the_directory_localities_and_the_gazetteer(directory, no_network):
    _pending(directory["hidden"])
    response = client_for(None).get("/api/v1/places", {"q": "Leeds"})
    assert response.status_code == 200
    places = response.json()
    assert places[0] == {
        "name": "Leeds",
        "region": "",
        "country": "GB",
        "country_name": "United Kingdom",
        "latitude": 53.81,
        "longitude": -1.56,
        "population": None,
        "organizations": 2,
        "source": "directory",
    }
    # the GeoNames Leeds is the same place: not listed twice
    assert [(p["name"], p["country"]) for p in places].count(("Leeds", "GB")) == 1
    paris = client_for(None).get("/api/v1/places", {"q": "paris"}).json()[0]
    assert (paris["name"], paris["country"], paris["source"]) == ("Paris", "FR", "geonames")
    assert paris["population"] > 2_000_000
    assert (round(paris["latitude"]), round(paris["longitude"])) == (49, 2)


def test_places_are_bounded(db):
    places = client_for(None).get("/api/v1/places", {"q": "san"}).json()
    assert len(places) == SUGGESTION_LIMIT
    assert client_for(None).get("/api/v1/places", {"q": ""}).json() == []
    assert client_for(None).get("/api/v1/places", {"q": "x" * 101}).status_code == 422


def test_the_template_tag_renders_a_picker_of_one_network():
    html = Template(
        "{% load organization_pickers %}"
        '{% organization_picker "member" network="valley" label="Member" id="override-member" %}'
    ).render(Context())
    assert (
        '<input type="text" name="member" id="override-member" aria-label="Member" required' in html
    )
    assert 'data-source="/api/v1/suggest/organizations?network=valley"' in html
    assert 'aria-controls="override-member-listbox"' in html


def test_suggestions_take_two_queries(directory, django_assert_num_queries):
    with django_assert_num_queries(2):
        rows, more = organization_suggestions(user=AnonymousUser(), q="leeds")
    assert (len(rows), more) == (3, False)
