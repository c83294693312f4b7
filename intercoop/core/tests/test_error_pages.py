"""Error pages in the site's layout: what happened, why where it is safe to say, where to
go; in the visitor's language. (The API answers the same errors as JSON:
test_api_errors.)"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.test import Client, RequestFactory
from django.utils import translation
from django.utils.translation import gettext

from intercoop.conftest import make_user
from intercoop.core.views import not_found, server_error


def spanish(message: str) -> str:
    """The Spanish of a message; it must have one."""
    with translation.override("es"):
        translated = gettext(message)
    assert translated != message, f"not translated into Spanish: {message!r}"
    return translated


def in_layout(html: str) -> bool:
    return 'class="site-header"' in html and 'id="main"' in html and "core/site" in html


def test_404_in_the_layout_says_what_and_where_to_go(db):
    response = Client().get("/no-such-page/", HTTP_REFERER="http://testserver/orgs/")
    html = response.content.decode()
    assert response.status_code == 404
    assert in_layout(html)
    assert '<h1 id="error-title">Page not found</h1>' in html
    assert "We could not find the page or the item you asked for." in html
    assert '<a href="http://testserver/orgs/">Back to the previous page</a>' in html
    assert '<a href="/">The home page</a>' in html
    assert "/dashboard/" not in html  # not signed in


def test_404_never_shows_what_django_says_of_the_query(db):
    request = RequestFactory().get("/orgs/")
    request.user = AnonymousUser()
    raised = Http404("No Organization matches the given query.")
    html = not_found(request, raised).content.decode()
    assert "matches the given query" not in html
    assert "We could not find the page or the item you asked for." in html


def test_404_says_why_when_the_view_gives_a_reason_for_the_visitor(db):
    response = Client().get("/networks/nowhere/")
    html = response.content.decode()
    assert response.status_code == 404
    assert '<h1 id="error-title">Page not found</h1>' in html
    assert '<p class="lead">No such network</p>' in html
    assert "We could not find the page or the item you asked for." not in html
    with translation.override("es"):
        html = Client(HTTP_ACCEPT_LANGUAGE="es").get("/networks/nowhere/").content.decode()
    assert f'<p class="lead">{spanish("No such network")}</p>' in html


def test_an_error_page_for_a_host_we_do_not_serve_with_a_referer_is_no_500(db):
    client = Client(raise_request_exception=False)
    response = client.get("/", HTTP_HOST="evil.example", HTTP_REFERER="http://evil.example/x")
    html = response.content.decode()
    assert response.status_code == 400
    assert '<h1 id="error-title">The request could not be understood</h1>' in html
    assert "Back to the previous page" not in html


def test_404_offers_the_dashboard_to_a_signed_in_user_and_a_back_link_only_from_here(db):
    client = Client()
    client.force_login(make_user("someone"))
    html = client.get("/orgs/no-such-co-op/", HTTP_REFERER="https://elsewhere.example/").content
    assert b'<a href="/dashboard/">Your dashboard</a>' in html
    assert b"elsewhere.example" not in html


def test_403_says_why_and_offers_to_log_in(network):
    response = Client().get(f"/networks/{network.slug}/assessments/")
    html = response.content.decode()
    assert response.status_code == 403
    assert in_layout(html)
    assert '<h1 id="error-title">Not allowed</h1>' in html
    assert "This is for the network&#x27;s members and coordinators" in html
    assert f'href="/accounts/login/?next=/networks/{network.slug}/assessments/"' in html


def test_403_signed_in_says_why_without_the_log_in_link(network):
    client = Client()
    client.force_login(make_user("outsider"))
    html = client.get(f"/networks/{network.slug}/assessments/").content.decode()
    assert "This is for the network&#x27;s members and coordinators" in html
    assert "You may need to log in first." not in html


def test_400_in_the_layout(db):
    response = Client().get("/", HTTP_HOST="evil.example")
    html = response.content.decode()
    assert response.status_code == 400
    assert in_layout(html)
    assert '<h1 id="error-title">The request could not be understood</h1>' in html
    assert "Nothing was changed. Check what you entered and try again." in html


def test_500_needs_no_database_and_links_the_stylesheet(db, django_assert_num_queries):
    request = RequestFactory().get("/orgs/")
    request.user = AnonymousUser()
    with django_assert_num_queries(0):
        response = server_error(request)
    html = response.content.decode()
    assert response.status_code == 500
    assert '<link rel="stylesheet" href="/static/core/site.css">' in html
    assert '<h1 id="error-title">Something went wrong on our side</h1>' in html
    assert "Nothing was changed. Try again in a moment." in html
    assert '<a href="/">The home page</a>' in html


@pytest.mark.parametrize(
    ("path", "host", "status", "title", "detail"),
    [
        ("/no-such-page/", "testserver", 404, "Page not found",
         "We could not find the page or the item you asked for."),
        ("/networks/valley/assessments/", "testserver", 403, "Not allowed",
         "This is for the network's members and coordinators"),
        ("/", "evil.example", 400, "The request could not be understood",
         "Nothing was changed. Check what you entered and try again."),
    ],
)  # fmt: skip
def test_error_pages_speak_spanish(network, path, host, status, title, detail):
    client = Client(HTTP_ACCEPT_LANGUAGE="es")
    response = client.get(path, HTTP_HOST=host)
    html = response.content.decode().replace("&#x27;", "'")
    assert response.status_code == status
    assert '<html lang="es">' in html
    assert f'<h1 id="error-title">{spanish(title)}</h1>' in html
    assert spanish(detail) in html
    assert spanish("Where to go from here") in html


def test_500_speaks_spanish(db):
    request = RequestFactory().get("/orgs/")
    with translation.override("es"):
        html = server_error(request).content.decode()
    assert '<html lang="es">' in html
    assert spanish("Something went wrong on our side") in html
    assert spanish("Nothing was changed. Try again in a moment.") in html


def test_a_stale_form_gets_the_403_page_saying_why(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "a", "password": "b"})
    html = response.content.decode()
    assert response.status_code == 403
    assert in_layout(html)
    assert "The form had expired or came from another site." in html
