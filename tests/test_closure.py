"""The closure algorithm and its bracket graph."""

import networkx as nx
import pytest

from lieflow.algebra import PolyRing, VectorField, bracket, rank_qq
from lieflow.closure import closure, random_point
from lieflow.dynamics import gradient_flow
from lieflow.errors import BadArgumentError, IncompatibleRingError
from lieflow.models import linear, relu

R = PolyRing.get(("x", "y", "z", "w"))
x, y, z, w = R.gens


def test_heisenberg_like_chain_needs_depth_three():
    X1 = VectorField(R, {"x": 1})
    X2 = VectorField(R, {"y": x, "z": x**2, "w": x**3})
    c = closure([X1, X2], seed=3)
    assert c.rank == 4 and c.reason == "full"
    assert c.kept_words == ("X1", "X2", "[X1,X2]", "[X1,[X1,X2]]")
    # the kept fields really are the brackets their words name
    kept = dict(c.kept)
    assert kept["[X1,[X1,X2]]"] == bracket(X1, bracket(X1, X2))


def test_commuting_fields_close_immediately():
    c = closure([VectorField(R, {"x": 1}), VectorField(R, {"y": 1})])
    assert (c.rank, c.reason, c.rounds) == (2, "closed", 2)


def test_graph_structure():
    c = closure(gradient_flow(linear([2, 2, 2])).generators)
    G = c.graph
    assert isinstance(G, nx.DiGraph) and nx.is_directed_acyclic_graph(G)
    for word, data in G.nodes(data=True):
        assert set(data) >= {"depth", "kept", "zero"}
        if data["depth"] > 1:
            assert G.in_degree(word) == 2
    assert sum(1 for _, d in G.nodes(data=True) if d["kept"]) == c.rank


def test_rank_equals_exact_rank_of_kept_values():
    s = gradient_flow(relu([2, 3, 2], bias=True))
    c = closure(s.generators, seed=5)
    vals = [f.evaluate(c.point) for _, f in c.kept]
    assert rank_qq(vals) == c.rank == 15 - 3  # D = 2*3 + 3*2 + 3 biases; 3 hidden neurons


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_deterministic_and_seed_independent_rank(seed):
    s = gradient_flow(linear([3, 2, 3]))
    a = closure(s.generators, seed=seed)
    b = closure(s.generators, seed=seed)
    assert a.kept_words == b.kept_words and a.point == b.point
    assert a.rank == 12 - 3


def test_target_rank_stops_early_and_limits_keep_partial_results():
    s = gradient_flow(linear([4, 4, 4]))
    full = closure(s.generators)
    assert full.rank == 32 - 10 and full.reason == "closed"
    early = closure(s.generators, target_rank=22)
    assert early.rank == 22 and early.reason == "target"
    assert early.stats["brackets_evaluated"] < full.stats["brackets_evaluated"]
    limited = closure(s.generators, max_brackets=2)
    assert limited.reason == "limit" and 16 <= limited.rank < 22
    assert not limited.complete


def test_bad_input():
    with pytest.raises(BadArgumentError, match="generators"):
        closure([])
    with pytest.raises(BadArgumentError, match="point"):
        closure([VectorField(R, {"x": 1})], point=(1, 2))
    with pytest.raises(BadArgumentError, match="max_brackets"):
        closure([VectorField(R, {"x": 1})], max_brackets=0)
    other = PolyRing.get(("p", "q"))
    with pytest.raises(IncompatibleRingError):
        closure([VectorField(R, {"x": 1}), VectorField(other, {"p": 1})])
    with pytest.raises(BadArgumentError, match="seed"):
        random_point(3, seed="a")


def test_interrupt_keeps_what_was_found(monkeypatch):
    from lieflow.algebra import PointEvaluator

    s = gradient_flow(linear([3, 3, 3]))
    real = PointEvaluator.bracket_value
    calls = {"n": 0}

    def flaky(self, A, B):
        calls["n"] += 1
        if calls["n"] > 3:
            raise KeyboardInterrupt
        return real(self, A, B)

    monkeypatch.setattr(PointEvaluator, "bracket_value", flaky)
    c = closure(s.generators)
    assert c.reason == "interrupted" and not c.complete
    # the 4th evaluation was interrupted; the 9 generators and the 3 brackets before it are kept
    assert c.stats["brackets_evaluated"] == 4 and c.rank == len(c.kept) == 9 + 3


def test_time_limit():
    s = gradient_flow(linear([3, 3, 3]))
    c = closure(s.generators, time_limit=1e-9)
    assert c.reason == "limit" and c.rank == 9  # the generators are always evaluated


def test_time_limit_applies_to_the_generators_too():
    s = gradient_flow(relu([5, 5, 5, 5]))  # 625 generators
    c = closure(s.generators, time_limit=1e-9)
    assert c.reason == "limit" and c.rank < 65 and c.graph.number_of_nodes() == 625
    assert closure(s.generators).rank == 65  # D - 10 = 75 - 10
