"""Metrics on small graphs, against answers computed by hand."""

import pytest

from intercoop.network.engine import compute

# a → b → c → d → e → c: a path into a triangle (c, d, e).
NODES = ["a", "b", "c", "d", "e"]
TIES = [("a", "b", True), ("b", "c", False), ("c", "d", True), ("d", "e", False), ("e", "c", False)]


@pytest.fixture(scope="module")
def metrics():
    return compute(NODES, TIES)


@pytest.mark.parametrize(
    ("metric", "expected"),
    [
        ("degree", {"a": 1, "b": 2, "c": 3, "d": 2, "e": 2}),
        ("in_degree", {"a": 0, "b": 1, "c": 2, "d": 1, "e": 1}),
        ("out_degree", {"a": 1, "b": 1, "c": 1, "d": 1, "e": 1}),
        # b lies between a and {c, d, e}: 3 pairs; c between {a, b} and {d, e}: 4; of 6
        ("betweenness", {"a": 0, "b": 3 / 6, "c": 4 / 6, "d": 0, "e": 0}),
        # a: distances 1, 2, 3, 3 → 4/9; c: 2, 1, 1, 1 → 4/5
        ("closeness", {"a": 4 / 9, "b": 4 / 6, "c": 4 / 5, "d": 4 / 7, "e": 4 / 7}),
        ("coreness", {"a": 1, "b": 1, "c": 2, "d": 2, "e": 2}),
        # c's neighbours b, d, e: only d–e linked → 1/3
        ("clustering", {"a": 0, "b": 0, "c": 1 / 3, "d": 1, "e": 1}),
        ("articulation_point", {"a": False, "b": True, "c": True, "d": False, "e": False}),
    ],
)
def test_node_metrics(metrics, metric, expected):
    assert {node: values[metric] for node, values in metrics.nodes.items()} == pytest.approx(
        expected
    )


def test_pagerank_sums_to_one_and_ranks_the_triangle_first(metrics):
    ranks = {node: values["pagerank"] for node, values in metrics.nodes.items()}
    assert sum(ranks.values()) == pytest.approx(1)
    assert max(ranks, key=ranks.get) == "c"
    assert ranks["a"] == pytest.approx(0.15 / 5)  # nobody points at a: only the teleport


def test_network_metrics(metrics):
    assert metrics.network == pytest.approx(
        {
            "size": 5,
            "ties": 5,
            "density": 0.5,
            "components": 1,
            # distances: a–b 1, a–c 2, a–d 3, a–e 3, b–c 1, b–d 2, b–e 2, c–d 1, c–e 1, d–e 1
            "average_path_length": 17 / 10,
            "reciprocity": 0,
            "formal_share": 2 / 5,
            "communities": metrics.network["communities"],
            "articulation_points": 2,
        }
    )
    assert sorted(tuple(sorted(b)) for b in metrics.bridges) == [("a", "b"), ("b", "c")]


def test_communities_split_two_cliques_joined_by_one_tie():
    left = [(f"l{i}", f"l{j}", False) for i in range(4) for j in range(i + 1, 4)]
    right = [(f"r{i}", f"r{j}", False) for i in range(4) for j in range(i + 1, 4)]
    nodes = [f"l{i}" for i in range(4)] + [f"r{i}" for i in range(4)]
    result = compute(nodes, [*left, *right, ("l0", "r0", True)])
    communities = {node: values["community"] for node, values in result.nodes.items()}
    assert len(set(communities.values())) == 2
    assert len({communities[f"l{i}"] for i in range(4)}) == 1
    assert communities["l0"] != communities["r0"]
    assert compute(nodes, [*left, *right, ("l0", "r0", True)]).nodes == result.nodes  # seeded


def test_duplicates_reciprocity_isolated_nodes_and_outsiders():
    result = compute(
        ["a", "b", "c"], [("a", "b", True), ("a", "b", False), ("b", "a", False), ("a", "z", True)]
    )
    assert result.nodes["a"]["degree"] == 1  # simple graph: one edge per pair
    assert result.network["reciprocity"] == 1  # a→b and b→a
    assert result.nodes["c"]["closeness"] == 0 and result.network["components"] == 2
    assert result.network["formal_share"] == pytest.approx(1 / 3)  # the tie to z is outside


def test_empty_and_single_node_graphs():
    assert compute([], []).nodes == {}
    alone = compute(["a"], [])
    assert alone.nodes["a"]["betweenness"] == 0 and alone.network["density"] == 0


def test_large_graph_estimates_equal_the_exact_figures_when_every_source_is_sampled(monkeypatch):
    exact = compute(NODES, TIES)
    monkeypatch.setattr("intercoop.network.engine.EXACT_LIMIT", 2)
    monkeypatch.setattr("intercoop.network.engine.SAMPLE_SOURCES", len(NODES))
    estimated = compute(NODES, TIES)
    for metric in ("betweenness", "closeness"):
        assert {n: v[metric] for n, v in estimated.nodes.items()} == pytest.approx(
            {n: v[metric] for n, v in exact.nodes.items()}
        )
    assert estimated.network["average_path_length"] == pytest.approx(17 / 10)
