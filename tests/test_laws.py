"""Explicit polynomial laws: exact null space, normal form, verification, independence."""

import pytest
from hypothesis import given, settings

from lieflow.algebra import PolyRing, VectorField
from lieflow.dynamics import gradient_flow
from lieflow.errors import BadArgumentError
from lieflow.laws import independent_laws, normalize_law, polynomial_laws, sparsify, verify_law
from lieflow.models import custom, linear
from lieflow.strategies import fields

RING = PolyRing.get(("x", "y", "z"))  # the variables lieflow.strategies draws by default


@settings(max_examples=25)
@given(fields(), fields())
def test_every_returned_law_annihilates_every_generator(A, B):
    gens = [f for f in (A, B) if f]
    if not gens:
        return
    for h in polynomial_laws(gens, degree=2):
        for X in gens:
            assert X.apply(h).is_zero
        assert h.terms()[0][1] > 0


def test_rotation_has_the_radius_law():
    x, y, z = RING.gens
    rot = VectorField(RING, {"x": y, "y": -x})
    laws = polynomial_laws([rot], degree=2)
    assert [str(h) for h in laws] == ["x**2 + y**2", "z**2", "z"]
    assert [str(h) for h in independent_laws(laws, [2, 3, 5])] == ["z", "x**2 + y**2"]


def test_verify_law_rejects_non_laws():
    x, y, z = RING.gens
    assert not verify_law(x, [VectorField(RING, {"x": 1})])
    assert verify_law(y, [VectorField(RING, {"x": 1})])


def test_normal_form():
    R = PolyRing.get(("a", "b"))
    a, b = R.gens
    assert str(normalize_law(a * -4 + b * 6)) == "2*a - 3*b"


def test_sparsify_recovers_chain():
    # rows: (l1 + l2), l2 where l1 = e0 - e3, l2 = e1 - e2 + e3
    assert sparsify([{0: 1, 1: 1, 2: -1}, {1: 1, 2: -1, 3: 1}]) == [{0: 1, 3: -1}, {1: 1, 2: -1, 3: 1}]


def test_degree_one_laws_come_with_their_products():
    m = custom(["x1 + x2", "x3"])  # x1 - x2 is the only law in these variables
    laws = polynomial_laws(gradient_flow(m).generators, degree=2)
    assert "x1 - x2" in [str(h) for h in laws]
    assert len(independent_laws(laws, [3, 7, 11])) == 1


def test_bad_degree():
    with pytest.raises(BadArgumentError, match="degree"):
        polynomial_laws(gradient_flow(linear([1, 1, 1])).generators, degree=0)


def _naive_law_space_rank_and_members(fields, degree):
    """Reference: the law space by brute force (Poly arithmetic, one unknown per monomial)."""
    from lieflow.algebra import Poly, nullspace_qq, rank_qq
    from lieflow.laws import monomial_basis

    ring = fields[0].ring
    monos = monomial_basis(range(ring.ngens), degree)
    rows = {}
    for col, m in enumerate(monos):
        h = Poly(ring, {m: 1})
        for g, X in enumerate(fields):
            for mu, c in X.apply(h).items():
                rows.setdefault((g, mu), {})[col] = c
    null = nullspace_qq(list(rows.values()), len(monos))
    return monos, null


@settings(max_examples=30)
@given(fields(), fields())
def test_optimized_search_matches_brute_force(A, B):
    from lieflow.algebra import rank_qq

    gens = [f for f in (A, B) if f]
    if not gens:
        return
    monos, null = _naive_law_space_rank_and_members(gens, 2)
    fast = polynomial_laws(gens, degree=2)
    vec = lambda p: [p.coeff(m) for m in monos]
    ref = [[v.get(i, 0) for i in range(len(monos))] for v in null]
    ours = [vec(h) for h in fast]
    assert len(ours) == len(ref)
    if ref:
        assert rank_qq(ref + ours) == len(ref) == rank_qq(ours)
