"""The exact algebra core: polynomials, fields, brackets (identities checked with hypothesis)."""

from fractions import Fraction

import pytest
import sympy
from hypothesis import example, given
from hypothesis import strategies as st

from lieflow.algebra import BracketCache, PointEvaluator, Poly, PolyRing, VectorField, bracket, gradient_field
from lieflow.errors import BadArgumentError, IncompatibleRingError, InexactValueError, NotPolynomialError
from lieflow.strategies import fields, polys, rational_points, rationals

RING = PolyRing.get(("x", "y", "z"))  # the variables lieflow.strategies draws by default
points = rational_points(3)
rationals = rationals()

X, Y, Z = RING.gens


@given(polys(), polys())
def test_poly_ring_axioms_against_sympy(p, q):
    for ours, theirs in ((p + q, p.as_expr() + q.as_expr()), (p * q, p.as_expr() * q.as_expr()), (p - q, p.as_expr() - q.as_expr())):
        assert sympy.expand(ours.as_expr() - theirs) == 0


@given(polys(), st.integers(0, 2))
def test_diff_matches_sympy(p, i):
    sym = RING.sympy_symbols()[i]
    assert sympy.expand(p.diff(i).as_expr() - sympy.diff(p.as_expr(), sym)) == 0


@given(polys(), points)
def test_evaluate_matches_sympy_and_mod(p, pt):
    syms = RING.sympy_symbols()
    exact = p.evaluate(pt)
    ref = p.as_expr().subs(dict(zip(syms, pt)))
    assert sympy.Rational(exact.numerator if isinstance(exact, Fraction) else exact, exact.denominator if isinstance(exact, Fraction) else 1) == ref
    prime = 1000003
    f = Fraction(exact)
    assert p.evaluate_mod([x % prime for x in pt], prime) == f.numerator * pow(f.denominator, -1, prime) % prime


@given(polys(), polys())
def test_hash_and_equality_are_canonical(p, q):
    r = PolyRing.get(("x", "y", "z"))
    assert r is RING
    if p == q:
        assert hash(p) == hash(q)
    assert (p + q) - q == p
    assert hash((p + q) - q) == hash(p)


@given(fields(), fields())
def test_bracket_antisymmetric(A, B):
    assert bracket(A, B) == -bracket(B, A)


@given(fields(), fields(), fields(), rationals, rationals)
def test_bracket_bilinear(A, B, C, a, b):
    assert bracket(A * a + B * b, C) == bracket(A, C) * a + bracket(B, C) * b


@given(fields(), fields(), fields())
def test_jacobi(A, B, C):
    total = bracket(A, bracket(B, C)) + bracket(B, bracket(C, A)) + bracket(C, bracket(A, B))
    assert total.is_zero


@given(fields(), fields(), polys())
@example(VectorField(RING, {"x": Y}), VectorField(RING, {"y": X}), X * Y)
def test_bracket_is_commutator_of_derivations(A, B, f):
    assert bracket(A, B).apply(f) == A.apply(B.apply(f)) - B.apply(A.apply(f))


@given(fields(), polys(), polys())
def test_leibniz(A, f, g):
    assert A.apply(f * g) == A.apply(f) * g + f * A.apply(g)


@given(fields(), fields(), st.lists(st.integers(0, 10**6), min_size=3, max_size=3))
def test_bracket_value_without_expansion(A, B, pt):
    prime = 1000003
    ev = PointEvaluator(pt, prime)
    assert ev.bracket_value(A, B) == ev.dense(bracket(A, B))


def test_bracket_cache_statistics():
    cache = BracketCache()
    A, B = VectorField(RING, {"x": Y}), VectorField(RING, {"y": X * X})
    r1 = cache.bracket(A, B)
    r2 = cache.bracket(A, B)
    r3 = cache.bracket(B, A)
    assert r1 == r2 == -r3 == VectorField(RING, {"x": -X * X, "y": 2 * X * Y})
    assert (cache.computed, cache.hits) == (1, 2)


def test_gradient_field():
    f = X * X * Y + Z
    assert gradient_field(f) == VectorField(RING, {"x": 2 * X * Y, "y": X * X, "z": 1})


def test_fields_are_immutable_hashable_values():
    A = VectorField(RING, {"x": Y, "y": 0})
    assert A.components == ((0, Y),)
    assert {A: 1}[VectorField(RING, [Y, 0, 0])] == 1
    with pytest.raises(AttributeError):
        A.foo = 1


def test_incompatible_rings():
    other = PolyRing.get(("a", "b"))
    with pytest.raises(IncompatibleRingError):
        X + other.gens[0]
    with pytest.raises(IncompatibleRingError):
        bracket(VectorField(RING, {"x": X}), VectorField(other, {"a": other.gens[0]}))


def test_exactness_errors():
    with pytest.raises(InexactValueError, match="inexact value 0.5"):
        X * 0.5
    with pytest.raises(InexactValueError):
        RING.from_sympy("x + 0.25")
    with pytest.raises(NotPolynomialError, match="unknown names"):
        RING.from_sympy("x*w")
    with pytest.raises(NotPolynomialError):
        RING.from_sympy("1/x")
    with pytest.raises(NotPolynomialError):
        RING.from_sympy("sin(x)")
    with pytest.raises(BadArgumentError, match="exponent must be a non-negative integer, got -1"):
        X ** -1
    with pytest.raises(BadArgumentError, match="duplicate variable name"):
        PolyRing.get(("a", "a"))


def test_from_dict_and_strings():
    p = RING.from_dict({(2, 0, 1): "1/3", (0, 1, 0): 2})
    assert p == X * X * Z * Fraction(1, 3) + Y * 2
    assert RING.from_dict({frozenset(): 0} if False else {(0, 0, 0): 5}) == 5
    assert str(p) == "1/3*x**2*z + 2*y"


@given(fields())
def test_pickle_round_trip_keeps_equality_and_hash(A):
    import pickle

    hash(A)  # fill the cache first
    B = pickle.loads(pickle.dumps(A))
    assert B == A and hash(B) == hash(A) and B.components[0][1].ring is RING if A.components else True
    p = A.components[0][1] if A.components else RING.zero()
    assert pickle.loads(pickle.dumps(p)) == p


def test_printed_field_keeps_every_sign():
    # a component that starts with a minus sign is printed as it is, not negated as a whole
    R = PolyRing.get(("x", "y", "z"))
    x, y, z = R.gens
    X = VectorField(R, {"x": x, "y": -x, "z": y - x})
    text = str(X)
    assert text == "x*d/dx - x*d/dy + (-x + y)*d/dz"
    back = sympy.sympify(text.replace("*d/dx", "*DX").replace("*d/dy", "*DY").replace("*d/dz", "*DZ"))
    sx, sy, DX, DY, DZ = sympy.symbols("x y DX DY DZ")
    assert sympy.expand(back - (sx * DX - sx * DY + (sy - sx) * DZ)) == 0
