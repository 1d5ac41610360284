"""lieflow.strategies: bounds hold, drawn objects are valid, closed forms hold on drawn models."""

import importlib
import sys
from fractions import Fraction

import pytest
import sympy
from hypothesis import find, given, settings
from hypothesis import strategies as st

import lieflow
from lieflow.errors import BadArgumentError
from lieflow.models import custom, linear, relu
from lieflow.strategies import (
    fields,
    metrics,
    models,
    momentum_settings,
    polynomial_phis,
    polys,
    rational_points,
    rationals,
    widths,
)
from lieflow.testing import assert_law_count


def _dim(ws, bias=False):
    """Number of parameters, counted directly from the factor convention."""
    weights = sum(a * b for a, b in zip(ws, ws[1:]))
    return weights + (sum(ws[1:-1]) if bias else 0)


@given(widths(min_layers=2, max_layers=4, max_width=3))
def test_widths_respect_bounds(ws):
    assert isinstance(ws, tuple) and 3 <= len(ws) <= 5
    assert all(isinstance(w, int) and 1 <= w <= 3 for w in ws)


@given(st.integers(1, 3), st.integers(0, 2), st.integers(1, 5), st.data())
def test_widths_max_dim(lo, extra, max_width, data):
    max_dim = data.draw(st.integers(lo, 30))
    ws = data.draw(widths(min_layers=lo, max_layers=lo + extra, max_width=max_width, max_dim=max_dim))
    assert lo <= len(ws) - 1 <= lo + extra
    assert _dim(ws) <= max_dim


def test_widths_shrink_to_small_examples():
    assert find(widths(), lambda ws: True) == (1, 1)
    assert find(widths(min_layers=3), lambda ws: True) == (1, 1, 1, 1)
    # shrinking is a heuristic: it reaches a small readable example, not always the smallest one
    ws = find(widths(min_layers=2, max_width=6), lambda ws: max(ws) >= 5)
    assert max(ws) == 5 and sorted(ws)[:-1] == [1] * (len(ws) - 1) and len(ws) <= 4


@settings(max_examples=15, deadline=None)
@given(widths(min_layers=2, max_layers=3, max_width=3))
def test_relu_one_law_per_hidden_neuron_on_drawn_widths(ws):
    # closed form (DESIGN §2): one law per hidden neuron, whatever the depth
    assert_law_count(relu(ws), sum(ws[1:-1]))


@settings(max_examples=10, deadline=None)
@given(widths(min_layers=2, max_layers=2, max_width=3))
def test_two_layer_linear_count_on_drawn_widths(ws):
    n, r, m = ws
    if r <= n + m:  # closed form r(r+1)/2 (Marcotte et al. 2023)
        assert_law_count(linear(ws), r * (r + 1) // 2)


@settings(max_examples=25, deadline=None)
@given(models(kinds=("linear", "relu", "nmf", "icnn", "custom"), max_dim=10), st.data())
def test_models_are_valid_and_small(model, data):
    assert model.kind in ("linear", "relu", "nmf", "icnn", "custom")
    assert model.dim <= 10
    if model.kind != "custom":
        assert model.dim == _dim(model.widths, model.bias)
    if model.kind in ("nmf", "icnn"):
        assert len(model.widths) == 3
    if model.kind == "relu":
        assert len(model.widths) >= 3


@settings(max_examples=8, deadline=None)
@given(models(kinds=("relu",), max_dim=10, bias=True))
def test_relu_with_bias_neuron_laws(model):
    assert model.bias
    assert_law_count(model, sum(model.widths[1:-1]))


def test_models_shrink_to_the_smallest_model():
    assert find(models(kinds=("relu",)), lambda m: True).name == "relu[1, 1, 1]"
    assert find(models(kinds=("relu", "linear")), lambda m: True).dim == 1
    assert find(models(kinds=("linear",)), lambda m: m.dim >= 4).dim == 4


@given(polynomial_phis(n_vars=3, n_components=2, max_degree=3, max_terms=2))
def test_polynomial_phis_are_nonconstant_polynomials_in_x1_x3(phi):
    assert 1 <= len(phi) <= 2
    x = sympy.symbols("x1:4")
    for comp in phi:
        e = sympy.sympify(comp)  # test code: the strings are simple enough for sympy to read
        assert e.free_symbols <= set(x)
        p = sympy.Poly(e, *x)
        assert 1 <= p.total_degree() <= 3 and len(p.terms()) <= 2
        assert p.coeff_monomial(1) == 0
    m = custom(phi, params="x1,x2,x3")
    assert [sympy.expand(e) for e in m.phi_exprs] == [sympy.expand(sympy.sympify(c)) for c in phi]


@settings(max_examples=15, deadline=None)
@given(polynomial_phis(n_vars=2, n_components=2))
def test_census_of_drawn_phi_is_consistent(phi):
    c = lieflow.census(custom(phi, params="x1,x2"))
    assert 0 <= c.laws_lower <= c.laws_upper <= 2
    assert c.verify()


@given(rationals(max_numerator=3, max_denominator=2))
def test_rationals_bounds(q):
    assert isinstance(q, Fraction) and abs(q.numerator) <= 3 and q.denominator <= 2


@given(rational_points(4, bound=5, max_denominator=3))
def test_rational_points(p):
    assert len(p) == 4 and all(isinstance(c, Fraction) and abs(c.numerator) <= 5 and c.denominator <= 3 for c in p)


@given(polys(("a", "b"), max_degree=2, max_terms=3, min_degree=1))
def test_polys_bounds(p):
    assert p.ring.symbols == ("a", "b")
    assert len(p) <= 3 and all(1 <= len(m) <= 2 for m, _ in p.terms())


@given(fields("a,b", max_degree=1))
def test_fields_bounds(X):
    assert X.ring.symbols == ("a", "b") and X.degree <= 1


@settings(max_examples=20, deadline=None)
@given(metrics(("x", "y", "z")))
def test_metrics_build_valid_models(spec):
    m = custom(["x*y", "y*z"], metric=spec)
    P = m.metric.as_sympy_matrix() if m.metric is not None else sympy.eye(3)
    assert P.shape == (3, 3) and P.is_diagonal()
    c = lieflow.census(m)
    assert c.laws_lower <= c.laws_upper and c.verify()


@settings(max_examples=10, deadline=None)
@given(momentum_settings(), models(kinds=("linear",), max_dim=4))
def test_momentum_settings_run(settings_, model):
    assert settings_["flow"] == "momentum"
    c = lieflow.census(model, **settings_)
    assert c.ambient_dim == 2 * model.dim + 1
    assert c.system.damping == settings_["damping"]


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: widths(min_layers=0), "min_layers"),
        (lambda: widths(min_layers=3, max_layers=2), "max_layers"),
        (lambda: widths(max_width=0), "max_width"),
        (lambda: widths(min_layers=3, max_dim=2), "max_dim"),
        (lambda: models(kinds=()), "kinds"),
        (lambda: models(kinds=("mlp",)), "kinds"),
        (lambda: models(bias="yes"), "bias"),
        (lambda: models(kinds=("relu",), max_dim=2), "max_dim"),
        (lambda: models(kinds=("relu",), max_layers=1), "max_layers"),
        (lambda: polynomial_phis(n_vars=0), "n_vars"),
        (lambda: polynomial_phis(max_degree=7), "max_degree"),
        (lambda: polys(max_degree=-1), "max_degree"),
        (lambda: polys(ring=()), "ring"),
        (lambda: polys(min_degree=3, max_degree=2), "min_degree"),
        (lambda: rationals(max_denominator=0), "max_denominator"),
        (lambda: rational_points(0), "n"),
        (lambda: metrics(()), "parameters"),
        (lambda: metrics(("x",), kinds=("riemann",)), "kinds"),
        (lambda: momentum_settings(dampings=("friction",)), "dampings"),
        (lambda: momentum_settings(dampings=()), "dampings"),
    ],
)
def test_bad_arguments_are_named(call, name):
    with pytest.raises(BadArgumentError, match=f"^{name}: "):
        call()


def test_import_without_hypothesis_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "hypothesis", None)  # makes `import hypothesis` fail
    monkeypatch.delitem(sys.modules, "lieflow.strategies")
    with pytest.raises(ImportError, match=r"pip install 'lieflow\[test\]'"):
        importlib.import_module("lieflow.strategies")
