"""Network benchmark.

1. Every metric of `intercoop.network.engine` on 100,000 nodes and 500,000 ties
   (goal: under 10 s), end to end as `intercoop network-metrics` computes them.
2. The same plan in igraph (ours) and in networkx on a 10,000-node graph, same run, with
   the ratio: degrees, PageRank, k-core, clustering, communities (Leiden / Louvain),
   articulation points, bridges, and betweenness and closeness from 256 sampled sources.
3. The graph page at 5,000 organisations: time to first render (drawn and laid out) in
   Debian's Chromium, served by gunicorn as `make run` serves it (skipped without Chromium).

    python benchmarks/network.py [--nodes 100000] [--ties 500000]
"""

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.server import running_server  # noqa: E402 - after the path is set
from intercoop.network import engine  # noqa: E402

GOAL_SECONDS = 10.0
GOAL_RENDER_SECONDS = 3.0


def random_ties(nodes: int, ties: int, seed: int) -> list[tuple[int, int, bool]]:
    """A scale-free graph (preferential attachment), each tie given a direction and a
    formality at random: the shape of real trade and federation networks."""
    import igraph

    per_node = max(1, round(ties / nodes))
    rng = random.Random(seed)
    edges = igraph.Graph.Barabasi(nodes, per_node, directed=False).get_edgelist()
    return [((a, b) if rng.random() < 0.5 else (b, a)) + (rng.random() < 0.4,) for a, b in edges]


def time_engine(nodes: int, ties: int) -> None:
    edges = random_ties(nodes, ties, seed=1)
    start = time.perf_counter()
    result = engine.compute(list(range(nodes)), edges)
    seconds = time.perf_counter() - start
    print(f"== all metrics on {nodes:,} nodes / {len(edges):,} ties")
    print(
        f"  engine.compute                      {seconds:8.2f} s   goal < {GOAL_SECONDS:g} s"
        f"  ratio {seconds / GOAL_SECONDS:.2f}  {'ok' if seconds < GOAL_SECONDS else 'MISSED'}"
    )
    print(
        f"  (exact up to {engine.EXACT_LIMIT:,} nodes; betweenness, closeness and average path"
        f" length estimated from {engine.SAMPLE_SOURCES_LARGE} sampled sources at this size)"
    )
    print(
        f"  network: {result.network['communities']} communities, "
        f"{result.network['articulation_points']} articulation points, "
        f"{len(result.bridges):,} bridges"
    )


def networkx_plan(nodes: int, edges: list[tuple[int, int, bool]]) -> None:
    """The engine's plan, step for step, in networkx."""
    import networkx as nx

    directed = nx.DiGraph()
    directed.add_nodes_from(range(nodes))
    directed.add_edges_from((s, t) for s, t, _ in edges)
    graph = directed.to_undirected()
    dict(graph.degree()), dict(directed.in_degree()), dict(directed.out_degree())
    nx.pagerank(directed, alpha=0.85)
    nx.core_number(graph)
    nx.clustering(graph)
    nx.community.louvain_communities(graph, seed=0)
    list(nx.articulation_points(graph))
    list(nx.bridges(graph))
    sources = random.Random(0).sample(range(nodes), engine.SAMPLE_SOURCES)  # as at 10,000
    nx.betweenness_centrality_subset(graph, sources=sources, targets=list(graph.nodes))
    for source in sources:
        nx.single_source_shortest_path_length(graph, source)


def compare_with_networkx(nodes: int) -> None:
    edges = random_ties(nodes, nodes * 5, seed=2)
    start = time.perf_counter()
    engine.compute(list(range(nodes)), edges)
    ours = time.perf_counter() - start
    start = time.perf_counter()
    networkx_plan(nodes, edges)
    theirs = time.perf_counter() - start
    print(f"\n== igraph (ours) against networkx on {nodes:,} nodes / {len(edges):,} ties")
    print(
        f"  igraph {ours:.2f} s, networkx {theirs:.2f} s: networkx takes {theirs / ours:.1f}x as long"
    )


def render_time(nodes: int) -> None:
    chromium = shutil.which("chromium")
    print(f"\n== graph page with {nodes:,} organisations")
    if not chromium:
        print("  skipped: Debian's Chromium is not installed (apt-get install -y chromium)")
        return
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(
            os.environ,
            INTERCOOP_VAR_DIR=tmp,
            DATABASE_URL=f"sqlite:///{tmp}/graph.sqlite3",
            DJANGO_SETTINGS_MODULE="intercoop.config.settings",
            MAP_TILE_URL="",
        )
        subprocess.run([sys.executable, __file__, "--fill", str(nodes)], env=env, check=True)
        with running_server(env) as (base, _server):
            seconds = _browser_render(chromium, f"{base}/networks/bench/graph/")
    print(
        f"  first render (data, drawing, layout)   {seconds:6.2f} s   goal < {GOAL_RENDER_SECONDS:g} s"
        f"  ratio {seconds / GOAL_RENDER_SECONDS:.2f}  {'ok' if seconds < GOAL_RENDER_SECONDS else 'MISSED'}"
    )


def _browser_render(chromium: str, url: str) -> float:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(url.replace("/graph/", "/"))  # warm the server and the static files
        start = time.perf_counter()
        page.goto(url)
        page.wait_for_function("window.intercoopGraphReady === true", timeout=120_000)
        seconds = time.perf_counter() - start
        browser.close()
    return seconds


def fill(nodes: int) -> None:
    """An empty database → one network of `nodes` members and twice as many ties."""
    import django

    django.setup()
    import datetime as dt

    from django.core.management import call_command
    from django.utils import timezone

    from intercoop.directory.models import Network, NetworkMembership, Organization
    from intercoop.network.models import Relationship

    call_command("migrate", verbosity=0)
    now = timezone.now()
    network = Network.objects.create(slug="bench", name="Benchmark network", created_at=now)
    Organization.objects.bulk_create(
        [
            Organization(
                slug=f"org-{i}",
                name=f"Organisation {i}",
                organisational_structure="OS60",
                primary_activity="ICA120",
                created_at=now,
                updated_at=now,
            )
            for i in range(nodes)
        ],
        batch_size=1000,
    )
    ids = list(Organization.objects.order_by("pk").values_list("pk", flat=True))
    NetworkMembership.objects.bulk_create(
        [
            NetworkMembership(
                network=network, organization_id=pk, status="member", joined_on=dt.date(2020, 1, 1)
            )
            for pk in ids
        ],
        batch_size=1000,
    )
    ties: list[Any] = [
        Relationship(
            source_id=ids[s],
            target_id=ids[t],
            kind="supplies",
            formality="contract" if formal else "informal",
            visibility="public",
            status="confirmed",
            created_at=now,
            updated_at=now,
        )
        for s, t, formal in random_ties(nodes, nodes * 2, seed=3)
    ]
    Relationship.objects.bulk_create(ties, batch_size=1000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--nodes", type=int, default=100_000)
    parser.add_argument("--ties", type=int, default=500_000)
    parser.add_argument("--compare-nodes", type=int, default=10_000)
    parser.add_argument("--page-nodes", type=int, default=5_000)
    parser.add_argument("--fill", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.fill:
        fill(args.fill)
        return
    time_engine(args.nodes, args.ties)
    compare_with_networkx(args.compare_nodes)
    render_time(args.page_nodes)


if __name__ == "__main__":
    main()
