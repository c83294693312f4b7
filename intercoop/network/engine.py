"""Graph metrics of a co-operative network. Pure: plain Python in, plain Python out, no
Django; the CLI, the services and the benchmark call it.

Definitions (the README repeats them):
- the directed graph has one edge per ordered pair that has at least one tie; in- and
  out-degree and PageRank (damping 0.85) are computed on it;
- every other metric uses the undirected simple graph (one edge per pair, no loops);
- betweenness is normalised by (n-1)(n-2)/2, the number of pairs a node can lie between;
- closeness is (r-1)/Σd over the r nodes a node reaches (0 when it reaches none);
- clustering is the local clustering coefficient, 0 below two neighbours;
- communities: Leiden maximising modularity at the given resolution, with a fixed seed;
  numbered from 0, largest first;
- average path length is over connected pairs only; reciprocity is the share of directed
  edges whose reverse also exists; formal share is the share of ties that are not informal.

Up to EXACT_LIMIT nodes every figure is exact. Beyond, the three that need a search from
every node are estimated from k sources drawn with the seed (Brandes and Pich's
estimator; k = SAMPLE_SOURCES up to 20,000 nodes, SAMPLE_SOURCES_LARGE beyond):
betweenness scaled by n/k, closeness and average path length from the distances to those
sources.
"""

import random
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import igraph
import numpy as np

EXACT_LIMIT = 2000
SAMPLE_SOURCES = 256  # up to 20,000 nodes
SAMPLE_SOURCES_LARGE = 64  # beyond: keeps 100,000 nodes under ten seconds

NODE_METRICS = (
    "degree",
    "in_degree",
    "out_degree",
    "betweenness",
    "closeness",
    "pagerank",
    "coreness",
    "clustering",
    "community",
    "articulation_point",
)


N = TypeVar("N", bound=Hashable)


@dataclass
class GraphMetrics(Generic[N]):
    nodes: dict[N, dict[str, Any]]
    network: dict[str, float | int]
    bridges: list[tuple[N, N]] = field(default_factory=list)


def compute(
    nodes: Sequence[N],
    ties: Sequence[tuple[N, N, bool]],
    *,
    resolution: float = 1.0,
    seed: int = 0,
) -> GraphMetrics[N]:
    """Metrics for `nodes` joined by `ties` (source, target, is_formal). Ties to nodes
    outside `nodes` are ignored."""
    index = {node: i for i, node in enumerate(nodes)}
    n = len(nodes)
    kept = [
        (index[s], index[t], formal)
        for s, t, formal in ties
        if s in index and t in index and s != t
    ]
    directed_pairs = sorted({(s, t) for s, t, _ in kept})
    undirected_pairs = sorted({(min(s, t), max(s, t)) for s, t in directed_pairs})
    directed = igraph.Graph(n=n, edges=directed_pairs, directed=True)
    graph = igraph.Graph(n=n, edges=undirected_pairs)

    if n > EXACT_LIMIT:
        betweenness, closeness, average_path = _estimated_paths(graph, seed=seed)
    else:
        betweenness = graph.betweenness(directed=False) if n else []
        closeness = graph.closeness(normalized=True) if n else []
        average_path = (
            graph.average_path_length(directed=False, unconn=True) if undirected_pairs else 0.0
        )
    pairs_between = (n - 1) * (n - 2) / 2
    pagerank = directed.pagerank(damping=0.85) if n else []
    clustering = graph.transitivity_local_undirected(mode="zero") if n else []
    communities = _communities(graph, resolution=resolution, seed=seed)
    articulation = set(graph.articulation_points()) if n else set()
    in_degree, out_degree = directed.indegree(), directed.outdegree()
    degree, coreness = graph.degree(), graph.coreness() if n else []

    node_metrics = {
        node: {
            "degree": degree[i],
            "in_degree": in_degree[i],
            "out_degree": out_degree[i],
            "betweenness": betweenness[i] / pairs_between if pairs_between > 0 else 0.0,
            "closeness": 0.0 if closeness[i] != closeness[i] else closeness[i],  # NaN: alone
            "pagerank": pagerank[i],
            "coreness": coreness[i],
            "clustering": clustering[i],
            "community": communities[i],
            "articulation_point": i in articulation,
        }
        for i, node in enumerate(nodes)
    }
    components = graph.connected_components() if n else []
    network = {
        "size": n,
        "ties": len(undirected_pairs),
        "density": graph.density() if n > 1 else 0.0,
        "components": len(components),
        "average_path_length": average_path,
        "reciprocity": directed.reciprocity() if directed_pairs else 0.0,
        "formal_share": sum(formal for *_, formal in kept) / len(kept) if kept else 0.0,
        "communities": len(set(communities)),
        "articulation_points": len(articulation),
    }
    bridges = (
        [(nodes[graph.es[e].source], nodes[graph.es[e].target]) for e in graph.bridges()]
        if n
        else []
    )
    return GraphMetrics(nodes=node_metrics, network=network, bridges=bridges)


def _estimated_paths(graph: igraph.Graph, *, seed: int) -> tuple[list[float], list[float], float]:
    """Betweenness, closeness and average path length from sampled sources."""
    n = graph.vcount()
    k = min(n, SAMPLE_SOURCES if n <= 20_000 else SAMPLE_SOURCES_LARGE)
    sources = random.Random(seed).sample(range(n), k)
    betweenness = [b * n / k for b in graph.betweenness(directed=False, sources=sources)]
    distances = np.array(graph.distances(source=sources), dtype=float)
    reached = np.isfinite(distances) & (distances > 0)
    counts = reached.sum(axis=0)
    totals = np.where(reached, distances, 0).sum(axis=0)
    closeness = np.divide(counts, totals, out=np.zeros(n), where=totals > 0)
    average = float(totals.sum() / counts.sum()) if counts.sum() else 0.0
    return betweenness, closeness.tolist(), average


def _communities(graph: igraph.Graph, *, resolution: float, seed: int) -> list[int]:
    if graph.vcount() == 0:
        return []
    igraph.set_random_number_generator(random.Random(seed))
    try:
        membership = graph.community_leiden(
            objective_function="modularity",
            resolution=resolution,
            # until stable on small graphs; two passes (most of the gain) on large ones
            n_iterations=-1 if graph.vcount() <= EXACT_LIMIT else 2,
        ).membership
    finally:
        igraph.set_random_number_generator(random)
    # Number communities by size, largest first, ties broken by their first node.
    groups: dict[int, list[int]] = {}
    for vertex, community in enumerate(membership):
        groups.setdefault(community, []).append(vertex)
    order = sorted(groups.values(), key=lambda members: (-len(members), members[0]))
    renumbered = {membership[members[0]]: number for number, members in enumerate(order)}
    return [renumbered[c] for c in membership]
