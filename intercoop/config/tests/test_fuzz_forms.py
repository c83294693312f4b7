"""Every form, posted with generated values (huge, negative, empty, unicode, control
characters, wrong types): never a server error, and a refused form writes nothing.

The forms are found by crawling the demo region's pages as its coordinator and its
manager, so a new form is covered without being listed here."""

import re
from collections import deque
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intercoop.config.demo import demo_region_build

MAX_PAGES = 160
# Fewer on PostgreSQL, whose suite is the slower half of CI; the same code runs on both.
EXAMPLES = 6 if connection.vendor == "sqlite" else 3
SKIP = re.compile(
    r"^/(accounts/logout|i18n/|admin/|api/|static/|embed/)|\.(csv|ics|json|geojson|atom|png|svg)|/feed|/export"
)

NASTY = st.one_of(
    st.sampled_from(
        ["", "9223372036854775807", "-9223372036854775808", "1e30", "-1", "0", "NaN",
         "inf", "10000000000000000", "1.0000000001", "\x00", "=HYPERLINK(\"x\")", "XXQ",
         "2999-13-45", "0000-00-00", "a" * 6000, "👩🏽‍🌾" * 50, "[]", "{}", "true"]
    ),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.text(max_size=300),
)  # fmt: skip


class Forms(HTMLParser):
    """Links and POST forms (action, field names and default values) of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.forms: list[tuple[str, dict[str, str]]] = []
        self._form: tuple[str, dict[str, str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form" and a.get("method", "get").lower() == "post":
            self._form = (a.get("action", ""), {})
        elif self._form is not None and tag in {"input", "select", "textarea"} and a.get("name"):
            if a.get("type") in {"submit", "button", "file"}:
                return
            if a.get("type") == "checkbox" and "checked" not in a:
                return
            self._form[1].setdefault(a["name"], a.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None


def crawl(client: Client, seeds: list[str]) -> dict[str, dict[str, str]]:
    """action URL → fields, for every POST form within MAX_PAGES pages of the seeds."""
    seen: set[str] = set()
    queue = deque(seeds)
    forms: dict[str, dict[str, str]] = {}
    while queue and len(seen) < MAX_PAGES:
        url = queue.popleft()
        if url in seen or SKIP.search(url):
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code < 500, url
        if "text/html" not in response.get("Content-Type", ""):
            continue
        parser = Forms()
        parser.feed(response.content.decode())
        for action, fields in parser.forms:
            target = urljoin(url, action or url)
            if not SKIP.search(target):
                forms.setdefault(urlsplit(target).path, fields)
        for link in parser.links:
            parts = urlsplit(urljoin(url, link))
            if parts.netloc in {"", "testserver"} and parts.path not in seen:
                queue.append(parts.path)
    return forms


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in {"directory", "network", "exchange", "purchasing", "clearing"}
        or model._meta.label in {"core.AuditEvent", "core.TaskRun", "core.ImportJob"}
    }


def post_bad_values(
    client: Client,
    username: str,
    forms: dict[str, dict[str, str]],
    failures: list[str],
    posts: list[str],
) -> None:
    """Post each form with one field replaced by a generated value, a few times over."""

    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))  # fmt: skip
    @given(data=st.data())
    def post(data: Any) -> None:
        for action, fields in sorted(forms.items()):
            if not fields:
                continue
            posts.append(action)
            name = data.draw(st.sampled_from(sorted(fields)))
            values = dict(fields, **{name: data.draw(NASTY)})
            before = row_counts()
            response = client.post(action, values)
            if response.status_code >= 500:
                failures.append(f"{username} {action} {name}={values[name]!r:.80}: 500")
            elif response.status_code in {200, 400, 403, 404, 422} and row_counts() != before:
                failures.append(f"{username} {action} {name}: refused but wrote")

    post()


@pytest.mark.django_db(transaction=True)
def test_every_form_refuses_bad_values_without_a_server_error(capsys: Any) -> None:
    demo_region_build()
    failures: list[str] = []
    posts: list[str] = []
    found = 0
    for username in ("coordinator", "manager"):
        client = Client(raise_request_exception=False)
        client.force_login(User.objects.get(username=username))
        forms = crawl(client, ["/", "/orgs/", "/networks/", "/catalogue/", "/deals/", "/inbox/",
                               "/orgs/riverside-bakery/", "/imports/"])  # fmt: skip
        assert len(forms) >= 10, forms.keys()
        found += len(forms)
        post_bad_values(client, username, forms, failures, posts)
    with capsys.disabled():
        print(f"\nforms: {found} found, {len(posts)} posts of generated values, "
              f"{len(failures)} failures")  # fmt: skip
    assert failures == []
