"""Exact JSON round trip (no eval), text and LaTeX output."""

import json

import pytest
import sympy

from lieflow import census, census_from_json
from lieflow.errors import BadArgumentError
from lieflow.models import custom, linear, relu

REQUIRED = {
    "model", "widths", "bias", "flow", "damping", "metric", "ambient_dim", "lie_rank", "laws_upper",
    "laws_lower", "proven", "count_proof", "laws_complete", "parameters", "laws", "certificate", "seconds",
}


@pytest.mark.parametrize("model", [relu([2, 2, 5, 3]), linear([2, 3, 2]), custom(["x*y*z", "x - y"]), relu([2, 2, 2], bias=True)])
def test_round_trip(model):
    c = census(model, seed=11)
    d = json.loads(c.to_json())
    assert REQUIRED <= set(d)
    assert set(d["certificate"]) >= {"point", "brackets", "seed"}
    assert all(isinstance(x, str) for x in d["certificate"]["point"])
    assert "count_exact" not in d and d["count_certificate"] == {"kind": d["count_proof"]}
    back = census_from_json(c.to_json())
    assert (back.laws_lower, back.laws_upper, back.lie_rank, back.proven) == (c.laws_lower, c.laws_upper, c.lie_rank, c.proven)
    assert (back.count_proof, back.laws_complete, back.count_certificate) == (c.count_proof, c.laws_complete, c.count_certificate)
    assert [h.poly for h in back.laws] == [h.poly for h in c.laws]
    assert back.certificate == c.certificate
    assert sorted(back.graph.nodes) == sorted(c.graph.nodes)
    assert back.verify()
    # the law strings parse with sympy to the same polynomials
    syms = {n: sympy.Symbol(n) for n in d["parameters"]}
    for text, law in zip(d["laws"], c.laws):
        assert sympy.expand(sympy.sympify(text, locals=syms) - law.expr) == 0


def test_loader_refuses_garbage_and_never_evaluates():
    from lieflow.errors import VerificationError

    with pytest.raises(BadArgumentError, match="not JSON"):
        census_from_json("not json")
    with pytest.raises(BadArgumentError, match="not a lieflow census"):
        census_from_json(json.dumps({"a": 1}))
    c = census(custom(["x*y"]))
    d = json.loads(c.to_json())
    d["law_terms"] = [[["__import__('os').system('false')", [["x", 2]]]]]
    with pytest.raises(VerificationError, match="law terms: .*not a rational"):
        census_from_json(json.dumps(d))
    d = json.loads(c.to_json())
    d["law_terms"] = [[["1", [["nope", 1]]]]]
    with pytest.raises(VerificationError, match="law terms: .*unknown variable 'nope'"):
        census_from_json(json.dumps(d))
    d = json.loads(c.to_json())
    del d["certificate"]
    with pytest.raises(VerificationError, match="format: missing key 'certificate'"):
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
    assert "2 found <= #laws <= 2  PROVEN (explicit laws): #laws = 2" in text
    assert "u1_1_1**2 + u1_2_1**2 - u2_1_1**2" in text
    tex = c.to_latex()
    assert tex.startswith("$$") and tex.endswith("$$")
    assert r"h_{1} &=" in tex and r"\text{PROVEN (explicit laws):}\ \#\text{laws} = 2" in tex
    assert c._repr_latex_() == tex


def test_text_names_each_count_proof():
    # full rank: ReLU under momentum keeps no law; one generator: phi = x**2*y + z with no
    # explicit law of degree 1 (not even with logarithms)
    c = census(relu([2, 2, 1]), flow="momentum")
    assert "0 found <= #laws <= 0  PROVEN (full rank): #laws = 0" in c.to_text()
    c = census(custom(["x**2*y + z"]), degree=1)
    assert "0 found <= #laws <= 2  PROVEN (one generator): #laws = 2" in c.to_text()
    assert "2 of them are not polynomial of degree <= 1" in c.to_text()
    assert r"\text{PROVEN (one generator):}\ \#\text{laws} = 2" in c.to_latex()


def _as_format_1(d):
    """A lieflow 0.1 file: count_exact, and proven meaning 'every law is written out'."""
    old = {k: v for k, v in d.items() if k not in ("count_proof", "laws_complete", "count_certificate", "generators")}
    old.update(format_version=1, count_exact=d["count_proof"], proven=d["laws_complete"])
    return old


@pytest.mark.parametrize("model, kwargs", [(relu([2, 2, 1]), {}), (custom(["x*y*z"]), {"degree": 1}), (linear([2, 2, 2]), {"degree": 1, "max_brackets": 1})])
def test_format_1_files_still_load_and_verify(model, kwargs):
    c = census(model, **kwargs)
    old = _as_format_1(json.loads(c.to_json()))
    back = census_from_json(json.dumps(old))
    assert (back.proven, back.count_proof, back.laws_complete) == (c.proven, c.count_proof, c.laws_complete)
    assert back.verify()
    if c.count_proof == "one generator":  # 0.1 said proven: false here; 0.2 says the count is proven
        assert old["proven"] is False and back.proven is True
    if "count_exact" in old and old["count_exact"] is None:
        old.pop("count_exact")  # written before count_exact existed
        assert census_from_json(json.dumps(old)).verify()


def test_unknown_format_versions_are_refused():
    d = json.loads(census(custom(["x*y"])).to_json())
    for version in (0, 3, True, "2"):
        d["format_version"] = version
        with pytest.raises(BadArgumentError, match="format_version"):
            census_from_json(json.dumps(d))


def test_round_trip_of_systems_given_by_fields():
    from lieflow.dynamics.generators import from_fields, softmax_cross_entropy

    for system in (softmax_cross_entropy(3, 2), from_fields([["y", "-x", 0], [0, "z", "-y"]], "x,y,z")):
        c = census(system)
        back = census_from_json(c.to_json())
        assert [h.poly for h in back.laws] == [h.poly for h in c.laws]
        assert back.system.generators == c.system.generators and back.verify()
