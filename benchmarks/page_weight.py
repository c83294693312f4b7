"""The weight of the demo network's graph page as a browser receives it from a real server
(gunicorn as `make run` starts it, static files collected and compressed by whitenoise):
the HTML, every stylesheet and script it links, and the graph data its script fetches,
each asked for with "Accept-Encoding: gzip, br" and counted as transferred (the body as
sent, compressed where the server compresses it). The limit is 250 KB.

    python benchmarks/page_weight.py [--page /networks/valley-coop-network/graph/]
"""

import argparse
import os
import subprocess
import sys
import tempfile
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.server import running_server  # noqa: E402 - after the path is set

LIMIT = 250 * 1000  # bytes transferred
NETWORK = "valley-coop-network"


class Assets(HTMLParser):
    """The stylesheets and scripts a page links, and the graph data its script loads."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self._api = False
        self.api = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "link" and a.get("rel") == "stylesheet" and a.get("href"):
            self.urls.append(a["href"])
        elif tag == "script" and a.get("src"):
            self.urls.append(a["src"])
        self._api = tag == "script" and a.get("id") == "graph-api"

    def handle_data(self, data: str) -> None:
        if self._api and data.strip():
            self.api = data.strip().strip('"')
            self._api = False


def transferred(url: str) -> tuple[int, int, str, str]:
    """(bytes sent, bytes once decoded, content encoding, cache-control) of one GET."""
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip, br"})
    with urllib.request.urlopen(request, timeout=30) as response:
        body = response.read()
        encoding = response.headers.get("Content-Encoding", "")
        cache = response.headers.get("Cache-Control", "")
    decoded = len(body)
    if encoding == "gzip":
        import gzip

        decoded = len(gzip.decompress(body))
    return len(body), decoded, encoding or "identity", cache


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--page", default=f"/networks/{NETWORK}/graph/")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, DJANGO_SETTINGS_MODULE="intercoop.config.settings",
                   INTERCOOP_VAR_DIR=tmp, DATABASE_URL=f"sqlite:///{tmp}/weight.sqlite3",
                   DEBUG="false")  # fmt: skip
        for command in (["migrate", "--noinput"], ["demo"]):
            subprocess.run([sys.executable, "-m", "intercoop.cli", *command], env=env, cwd=ROOT,
                           check=True, stdout=subprocess.DEVNULL)  # fmt: skip
        with running_server(env) as (base, _server):
            page = base + args.page
            rows = [(args.page, *transferred(page))]
            with urllib.request.urlopen(page, timeout=30) as response:
                html = response.read().decode()
            assets = Assets()
            assets.feed(html)
            for url in [*assets.urls, *([assets.api] if assets.api else [])]:
                absolute = urljoin(page, url)
                if urlsplit(absolute).netloc == urlsplit(base).netloc:
                    rows.append((urlsplit(absolute).path, *transferred(absolute)))
    total = sum(row[1] for row in rows)
    print(f"Weight of {args.page} as transferred (Accept-Encoding: gzip, br):")
    for path, sent, decoded, encoding, cache in rows:
        print(f"  {sent:>9,} B  {decoded:>9,} B decoded  {encoding:<8}  {path}  [{cache}]")
    print(f"  {total:>9,} B in all: {total / LIMIT:.0%} of the {LIMIT // 1000} KB limit")
    if total > LIMIT:
        sys.exit("over the limit")


if __name__ == "__main__":
    main()
