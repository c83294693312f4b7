"""Nobody is shown a link that answers 403: every internal link on the demo region's
pages, followed as an anonymous visitor, as a signed-in person of no organisation and as
the demo's `member` persona, answers something else (a page, a redirect to log in, a
404). Pages hide what a visitor may not open by the same rules that refuse it."""

import re
from collections import Counter, deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from intercoop.config.demo import demo_region_build

MAX_PAGES = 400
PER_SHAPE = 5  # pages of one shape (an organisation's page, a round) fetched
SKIP = re.compile(r"^/(i18n/|admin/|static/|embed/|accounts/logout/)|\.(png|svg|ics)$")
SEEDS = ["/", "/map/", "/orgs/", "/networks/", "/catalogue/", "/deals/", "/accounts/login/"]


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.links.append(href)


def shape(path: str) -> str:
    """/orgs/riverside/graph/ → /orgs/*/graph/; /rounds/2/ → /rounds/N/."""
    path = re.sub(r"^/(orgs|networks)/[^/]+", r"/\1/*", path)
    return re.sub(r"/\d+(?=/|\.|$)", "/N", path)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("who", ["anonymous", "no organisation", "member"])
def test_nobody_is_shown_a_link_that_answers_403(who: str) -> None:
    demo_region_build()
    client = Client(raise_request_exception=False)
    if who == "no organisation":
        client.force_login(get_user_model().objects.create_user("newcomer", "n@example.org"))
    elif who == "member":
        client.force_login(get_user_model().objects.get(username="member"))
    seen: set[str] = set()
    shapes: Counter[str] = Counter()
    found_on: dict[str, str] = {}
    queue = deque(SEEDS)
    forbidden: list[str] = []
    while queue and len(seen) < MAX_PAGES:
        url = queue.popleft()
        path = urlsplit(url).path
        if url in seen or SKIP.search(path) or shapes[shape(path)] >= PER_SHAPE:
            continue
        seen.add(url)
        shapes[shape(path)] += 1
        response = client.get(url)
        if response.status_code == 403:
            forbidden.append(f"{url} (linked from {found_on.get(url, 'the seeds')})")
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        parser = Links()
        parser.feed(response.content.decode())
        for link in parser.links:
            parts = urlsplit(urljoin(url, link))
            if parts.scheme in {"", "http"} and parts.netloc in {"", "testserver"}:
                target = parts.path + (f"?{parts.query}" if parts.query else "")
                found_on.setdefault(target, url)
                queue.append(target)
    print(f"{len(seen)} pages")
    assert len(seen) > 50
    assert forbidden == [], "\n".join(forbidden)
