"""Exact JSON round trip (no eval), text and LaTeX output."""

import json

import pytest
import sympy

from lieflow import census, census_from_json
from lieflow.errors import BadArgumentError
from lieflow.models import custom, linear, relu

REQUIRED = {
    "model", "widths", "bias", "flow", "damping", "metric", "ambient_dim", "lie_rank", "laws_upper",
    "laws_lower", "proven", "parameters", "laws", "certificate", "seconds",
}


@pytest.mark.parametrize("model", [relu([2, 2, 5, 3]), linear([2, 3, 2]), custom(["x*y*z", "x - y"]), relu([2, 2, 2], bias=True)])
def test_round_trip(model):
    c = census(model, seed=11)
    d = json.loads(c.to_json())
    assert REQUIRED <= set(d)
    assert set(d["certificate"]) >= {"point", "brackets", "seed"}
    assert all(isinstance(x, str) for x in d["certificate"]["point"])
    back = census_from_json(c.to_json())
    assert (back.laws_lower, back.laws_upper, back.lie_rank, back.proven) == (c.laws_lower, c.laws_upper, c.lie_rank, c.proven)
    assert [h.poly for h in back.laws] == [h.poly for h in c.laws]
    assert back.certificate == c.certificate
    assert sorted(back.graph.nodes) == sorted(c.graph.nodes)
    assert back.verify()
    # the law strings parse with sympy to the same polynomials
    syms = {n: sympy.Symbol(n) for n in d["parameters"]}
    for text, law in zip(d["laws"], c.laws):
        assert sympy.expand(sympy.sympify(text, locals=syms) - law.expr) == 0


def test_loader_refuses_garbage_and_never_evaluates():
    with pytest.raises(BadArgumentError):
        census_from_json("not json")
    with pytest.raises(BadArgumentError):
        census_from_json(json.dumps({"a": 1}))
    c = census(custom(["x*y"]))
    d = json.loads(c.to_json())
    d["law_terms"] = [[["__import__('os').system('false')", [["x", 2]]]]]
    with pytest.raises(BadArgumentError):
        census_from_json(json.dumps(d))
    d = json.loads(c.to_json())
    d["law_terms"] = [[["1", [["nope", 1]]]]]
    with pytest.raises(BadArgumentError, match="unknown variable"):
        census_from_json(json.dumps(d))


def test_tampered_json_fails_verification():
    from lieflow.errors import VerificationError

    c = census(relu([2, 2, 2]))
    d = json.loads(c.to_json())
    d["law_terms"][0][0][0] = "2"
    with pytest.raises(VerificationError):
        census_from_json(json.dumps(d)).verify()


def test_text_and_latex():
    c = census(relu([2, 2, 1]))
    text = c.to_text()
    assert "2 found <= #laws <= 2  (PROVEN)" in text
    assert "u1_1_1**2 + u1_2_1**2 - u2_1_1**2" in text
    tex = c.to_latex()
    assert tex.startswith("$$") and tex.endswith("$$")
    assert r"h_{1} &=" in tex and "proven" in tex
    assert c._repr_latex_() == tex


def test_round_trip_of_systems_given_by_fields():
    from lieflow.dynamics.generators import from_fields, softmax_cross_entropy

    for system in (softmax_cross_entropy(3, 2), from_fields([["y", "-x", 0], [0, "z", "-y"]], "x,y,z")):
        c = census(system)
        back = census_from_json(c.to_json())
        assert [h.poly for h in back.laws] == [h.poly for h in c.laws]
        assert back.system.generators == c.system.generators and back.verify()
