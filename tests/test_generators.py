"""Custom and loss-aware generators: from_fields and the softmax / cross-entropy layer."""

from fractions import Fraction

import pytest
import sympy

from lieflow import census
from lieflow.algebra import PolyRing, rank_qq
from lieflow.dynamics.generators import FieldSystem, from_fields, softmax_cross_entropy
from lieflow.errors import BadArgumentError, InexactValueError, NotPolynomialError


def _same_span(ps, qs):
    monos = sorted({m for p in ps + qs for m, _ in p.items()})
    vec = lambda p: [p.coeff(m) for m in monos]
    a, b = rank_qq([vec(p) for p in ps]), rank_qq([vec(q) for q in qs])
    return a == b == rank_qq([vec(p) for p in ps + qs])


@pytest.mark.parametrize("n,m", [(2, 1), (2, 3), (3, 2), (4, 3), (3, 4)])
def test_softmax_cross_entropy_column_sums(n, m):
    s = softmax_cross_entropy(n, m)
    assert isinstance(s, FieldSystem) and s.model.kind == "custom-fields" and s.model.phi == ()
    assert s.ambient_dim == n * m and len(s.generators) == n * m
    c = census(s)
    assert c.proven and c.laws_lower == c.laws_upper == m and c.lie_rank == (n - 1) * m
    ring = s.ring
    expected = [ring.from_sympy(" + ".join(f"w{i}_{j}" for i in range(1, n + 1))) for j in range(1, m + 1)]
    assert _same_span([law.poly for law in c.laws], expected)
    assert c.verify()


def test_softmax_fields_are_the_projected_gradients():
    """Independent derivation: X_ij = ∂φ^T P e_ij with φ = θ and P = (I − 11^T/n) ⊗ I_m."""
    n, m = 3, 2
    s = softmax_cross_entropy(n, m)
    P = sympy.kronecker_product(sympy.eye(n) - sympy.ones(n, n) / n, sympy.eye(m))
    for col, X in enumerate(s.generator_exprs()):
        assert X == P[:, col]
    # the gradient of the cross-entropy w.r.t. the logits sums to zero: it lies in range(P)
    z = sympy.symbols("z1:4")
    p = [sympy.exp(zi) / sum(sympy.exp(zj) for zj in z) for zi in z]
    loss = -sympy.log(p[1])
    assert sympy.simplify(sum(sympy.diff(loss, zi) for zi in z)) == 0


def test_from_fields_rotation_and_mapping():
    c = census(from_fields([["y", "-x"]], "x,y"))
    assert c.proven and [str(law) for law in c.laws] == ["x**2 + y**2"]
    assert c.verify()
    s = from_fields([{"x": "y", "y": "-x"}, {"z": 1}], ["x", "y", "z"], names=["R", "T"])
    c2 = census(s)
    assert s.generator_names == ("R", "T") and c2.proven and c2.laws_lower == 1
    assert c2.verify()


@pytest.mark.parametrize("k", [2, 3, 4])
def test_from_fields_matches_gradient_flow_of_a_product(k):
    """The field ∇(x1⋯xk) passed directly: k − 1 laws x_i² − x_1²."""
    names = [f"x{i}" for i in range(1, k + 1)]
    prod = sympy.Mul(*sympy.symbols(names))
    comps = [sympy.diff(prod, sympy.Symbol(x)) for x in names]
    c = census(from_fields([comps], names))
    assert c.proven and c.laws_lower == k - 1
    ring = PolyRing.get(names)
    expected = [ring.from_sympy(f"{x}**2 - x1**2") for x in names[1:]]
    assert _same_span([law.poly for law in c.laws], expected)
    assert c.verify()


def test_from_fields_accepts_polys_and_rationals():
    ring = PolyRing.get(["a", "b"])
    a, b = ring.gens
    s = from_fields([[b, a * Fraction(-1, 2)]], ["a", "b"])
    c = census(s)
    assert c.proven and c.laws_lower == 1 and c.verify()


@pytest.mark.parametrize(
    "call,err,arg",
    [
        (lambda: from_fields([], "x"), BadArgumentError, "fields"),
        (lambda: from_fields("x", "x"), BadArgumentError, "fields"),
        (lambda: from_fields([["x"]], "x,y"), BadArgumentError, "fields[0]"),
        (lambda: from_fields([["0", "0"]], "x,y"), BadArgumentError, "fields[0]"),
        (lambda: from_fields([{"z": 1}], "x,y"), BadArgumentError, "fields[0]"),
        (lambda: from_fields([["sin(x)"]], "x"), NotPolynomialError, "fields[0][0]"),
        (lambda: from_fields([["1/x"]], "x"), NotPolynomialError, "fields[0][0]"),
        (lambda: from_fields([["z"]], "x"), NotPolynomialError, "fields[0][0]"),
        (lambda: from_fields([[0.5]], "x"), InexactValueError, "fields[0][0]"),
        (lambda: from_fields([["x"]], "x,x"), BadArgumentError, "params"),
        (lambda: from_fields([["x"]], []), BadArgumentError, "params"),
        (lambda: from_fields([["x"]], "x", names=["A", "B"]), BadArgumentError, "names"),
        (lambda: from_fields([["x"], ["1"]], "x", names=["A", "A"]), BadArgumentError, "names"),
        (lambda: softmax_cross_entropy(1, 2), BadArgumentError, "n"),
        (lambda: softmax_cross_entropy(2, 0), BadArgumentError, "m"),
    ],
)
def test_bad_inputs(call, err, arg):
    with pytest.raises(err) as info:
        call()
    assert info.value.name == arg
