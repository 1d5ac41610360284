"""Metrics as data (lieflow.dynamics.metrics): construction, checks, action on fields, momentum form."""

import dataclasses
from fractions import Fraction

import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

from lieflow.algebra import PolyRing, VectorField, gradient_field
from lieflow.closure import closure, random_point
from lieflow.dynamics import gradient_flow
from lieflow.dynamics.metrics import (
    EuclideanMetric,
    MatrixMetric,
    MirrorMetric,
    MirrorSpec,
    as_metric,
    mirror,
)
from lieflow.errors import (
    BadArgumentError,
    IncompatibleRingError,
    InexactValueError,
    LieflowError,
    NotPolynomialError,
)
from lieflow.laws import independent_laws, polynomial_laws
from lieflow.models import custom, linear, relu

XY = custom(["x*y"], params="x,y")


def identity(D):
    return [[1 if i == j else 0 for j in range(D)] for i in range(D)]


def proven_count(model):
    """(upper, lower) with the closure stopped at D - #independent laws, as census does."""
    s = gradient_flow(model)
    D = s.ambient_dim
    laws = independent_laws(polynomial_laws(s.generators, degree=2), random_point(D, 0))
    c = closure(s.generators, names=s.generator_names, seed=0, target_rank=D - len(laws))
    return D - c.rank, len(laws), laws


# -- what as_metric accepts ------------------------------------------------------------------


def test_names_and_kinds():
    m = linear([2, 2, 2])
    assert as_metric(None, m) == as_metric("euclidean", m) == EuclideanMetric(m.parameters)
    assert as_metric("euclidean", m).kind == "euclidean"
    mm = as_metric("mirror", m)
    assert isinstance(mm, MirrorMetric) and mm.kind == "mirror" and mm.name == "mirror"
    assert mm.mirrored == tuple(range(8))
    assert as_metric(" Mirror ", m) == mm
    assert as_metric(mirror(), m) == mm
    mat = as_metric(identity(8), m)
    assert isinstance(mat, MatrixMetric) and mat.kind == "matrix" and mat.name == "matrix"


def test_mirror_selections():
    r = relu([2, 2, 1], bias=True)
    out = as_metric(mirror(layers=[2]), r)
    assert out.mirrored_names == ("u2_1_1", "u2_2_1")
    assert out.name == "mirror(layers=[2])"
    assert as_metric(mirror(layers=[1]), r).mirrored_names == ("u1_1_1", "u1_1_2", "u1_2_1", "u1_2_2")
    # selections by name and by layer are the same metric (the label is not part of equality)
    assert out == as_metric(mirror(params=["u2_2_1", "u2_1_1"]), r)
    assert hash(out) == hash(as_metric(mirror(params="u2_1_1, u2_2_1"), r))
    union = as_metric(mirror(layers=[2], params=["b1_2"]), r)
    assert union.mirrored_names == ("u2_1_1", "u2_2_1", "b1_2")
    assert as_metric(mirror(layers=[1, 2], params=["b1_1", "b1_2"]), r) == as_metric("mirror", r)
    assert as_metric(mirror(params=["y"]), XY).mirrored_names == ("y",)


def test_matrix_forms_agree():
    P_list = [[1, "x"], [0, "y**2 - 1/2"]]
    P_sym = sympy.Matrix([[1, sympy.Symbol("x")], [0, sympy.Symbol("y") ** 2 - sympy.Rational(1, 2)]])
    P_dict = {(0, 0): 1, ("x", "y"): "x", ("y", "y"): "y**2 - 1/2"}
    P_mixed = [[Fraction(2, 2), XY.ring.gens[0]], (0, sympy.sympify("y**2") - sympy.Rational(1, 2))]
    metrics = [as_metric(P, XY) for P in (P_list, P_sym, P_dict, P_mixed, sympy.ImmutableMatrix(P_sym))]
    assert all(m == metrics[0] for m in metrics)
    assert len({hash(m) for m in metrics}) == 1
    assert metrics[0].as_sympy_matrix() == P_sym
    assert not metrics[0].symmetric and metrics[0].degree == 2


def test_metric_object_passes_through():
    m = linear([1, 2, 1])
    mm = as_metric("mirror", m)
    assert as_metric(mm, m) is mm
    with pytest.raises(BadArgumentError, match="metric: was built for parameters"):
        as_metric(mm, linear([1, 1, 1]))


def test_model_carries_metric():
    m = linear([2, 2, 2], metric="mirror")
    assert m.metric.kind == "mirror" and "mirror" in m.name
    r = relu([2, 2, 1], bias=True, metric=mirror(layers=[2]))
    assert r.metric.mirrored_names == ("u2_1_1", "u2_2_1")
    c = custom(["x*y"], params="x,y", metric=[[1, 0], [0, "x"]])
    assert c.metric.kind == "matrix"
    assert gradient_flow(c).describe()["metric"] == "matrix"


# -- value semantics ------------------------------------------------------------------------------


def test_frozen_hashable_comparable():
    m = linear([2, 2, 2])
    a, b = as_metric("mirror", m), as_metric("mirror", m)
    assert a == b and hash(a) == hash(b)
    assert a != as_metric("euclidean", m) and a != as_metric(identity(8), m)
    assert as_metric(identity(8), m) != as_metric("euclidean", m)  # same matrix, different kind
    assert len({a, b, as_metric("euclidean", m), as_metric(identity(8), m)}) == 3
    for obj in (a, as_metric("euclidean", m), as_metric(identity(8), m), mirror(layers=[1])):
        with pytest.raises(dataclasses.FrozenInstanceError):
            obj.parameters = ()
    # models with metrics stay hashable and compare by value
    assert linear([2, 2, 2], metric="mirror") == linear([2, 2, 2], metric="mirror")
    assert hash(linear([2, 2, 2], metric="mirror")) == hash(linear([2, 2, 2], metric="mirror"))
    assert linear([2, 2, 2], metric="mirror") != linear([2, 2, 2])
    assert mirror(layers=[2, 1, 2]) == mirror(layers=[1, 2]) == MirrorSpec((1, 2), None)


# -- bad metrics --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad, exc, message",
    [
        ("riemann", BadArgumentError, "metric: unknown metric name"),
        ("", BadArgumentError, "metric: unknown metric name"),
        (3, BadArgumentError, "metric: expected 'euclidean'"),
        (sympy.Symbol("x"), BadArgumentError, "metric: expected 'euclidean'"),
        ([[1, 0]], BadArgumentError, r"metric: must be a 2x2 matrix .*it has 1 rows"),
        ([[1, 0], [0]], BadArgumentError, r"metric: must be a 2x2 matrix .*row 1 has 1 entries"),
        ([[1, 0, 0], [0, 1, 0], [0, 0, 1]], BadArgumentError, "it has 3 rows"),
        ([1, 0], BadArgumentError, "row 0 is not a sequence"),
        (sympy.eye(3), BadArgumentError, "it has shape 3x3"),
        ([[0, 0], [0, 0]], BadArgumentError, "metric: the zero matrix"),
        ({(0, 2): 1}, BadArgumentError, r"metric: bad position 2"),
        ({(0, "z"): 1}, BadArgumentError, r"metric: bad position 'z'"),
        ({0: 1}, BadArgumentError, r"metric: bad key 0"),
        ({(0, 0): 1, ("x", "x"): 2}, BadArgumentError, r"position \(0, 0\) is given twice"),
        ([[1, 0], [0, "1/x"]], NotPolynomialError, r"metric\[1, 1\]: is not a polynomial.*, got '1/x'"),
        ([[sympy.sin(sympy.Symbol("x")), 0], [0, 1]], NotPolynomialError, r"metric\[0, 0\]: is not a polynomial"),
        ([[1, "sqrt(y)"], [0, 1]], NotPolynomialError, r"metric\[0, 1\]"),
        ([[1, 0], [0, "z*x"]], NotPolynomialError, r"metric\[1, 1\]: uses unknown names \['z'\]"),
        ([[1, 0], [0, "x +"]], NotPolynomialError, r"metric\[1, 1\]: cannot be parsed"),
        ([[1, 0], [0, None]], NotPolynomialError, r"metric\[1, 1\]"),
        ([[1.0, 0], [0, 1]], InexactValueError, r"metric\[0, 0\]: inexact value 1.0"),
        ([[1, 0], [0, "0.5*x"]], InexactValueError, r"metric\[1, 1\]: inexact value"),
        ({(1, 1): sympy.Float(2) * sympy.Symbol("x")}, InexactValueError, r"metric\[1, 1\]"),
    ],
)
def test_bad_metrics(bad, exc, message):
    with pytest.raises(exc, match=message) as info:
        as_metric(bad, XY)
    assert isinstance(info.value, LieflowError)
    assert str(info.value).startswith("metric")
    # the catalog constructors raise the same errors
    with pytest.raises(exc, match=message):
        custom(["x*y"], params="x,y", metric=bad)


def test_bad_mirror_selections():
    r = relu([2, 2, 1])
    with pytest.raises(BadArgumentError, match=r"metric: layer 3 does not exist \(the model has factors 1..2\)"):
        as_metric(mirror(layers=[3]), r)
    with pytest.raises(BadArgumentError, match=r"metric: unknown parameter names \['b1_1'\]"):
        as_metric(mirror(params=["b1_1"]), r)
    with pytest.raises(BadArgumentError, match="metric: layers= needs a layered model"):
        as_metric(mirror(layers=[1]), XY)
    with pytest.raises(BadArgumentError, match="layers: every layer must be an integer >= 1"):
        mirror(layers=[0])
    with pytest.raises(BadArgumentError, match="layers: every layer must be an integer >= 1"):
        mirror(layers=[True])
    with pytest.raises(BadArgumentError, match="layers: expected a sequence"):
        mirror(layers=2)
    with pytest.raises(BadArgumentError, match="layers: select at least one layer"):
        mirror(layers=[])
    with pytest.raises(BadArgumentError, match="params: select at least one parameter"):
        mirror(params=[])
    with pytest.raises(BadArgumentError, match="params: every parameter name must be a string"):
        mirror(params=[1])
    with pytest.raises(BadArgumentError, match="model: expected a lieflow Model"):
        as_metric("mirror", "linear")


# -- action on fields -----------------------------------------------------------------------------


def _sympy_apply(metric, X):
    return (metric.as_sympy_matrix() * X.as_matrix()).applyfunc(sympy.expand)


def test_apply_matches_sympy_product():
    m = relu([2, 2, 2], bias=True)
    metrics = [
        as_metric("euclidean", m),
        as_metric("mirror", m),
        as_metric(mirror(layers=[2], params=["b1_1"]), m),
        as_metric({(0, 1): "u1_1_1*b1_2", (1, 0): -1, (5, 5): 3, (9, 2): "u2_2_2**2"}, m),
    ]
    for metric in metrics:
        for phi in m.phi:
            X = gradient_field(phi)
            assert metric.apply(X).as_matrix() == _sympy_apply(metric, X)


@given(st.lists(st.integers(-2, 2), min_size=9, max_size=9), st.integers(0, 2), st.integers(0, 2))
def test_apply_linear_in_field(coeffs, a, b):
    R = PolyRing.get(("x", "y", "z"))
    x, y, z = R.gens
    model = custom(["x*y*z"], params="x,y,z")
    polys = [x, y * z, 1, x * x, 0, y, z, x * y, -1]
    P = [[coeffs[3 * i + j] * polys[3 * i + j] for j in range(3)] for i in range(3)]
    if not any(p for row in P for p in row):
        return
    metric = as_metric(P, model)
    X = VectorField(R, [x * y, z, 1])
    Y = VectorField(R, [0, x, y * y])
    lhs = metric.apply(X * a + Y * b)
    assert lhs == metric.apply(X) * a + metric.apply(Y) * b
    assert lhs.as_matrix() == _sympy_apply(metric, X * a + Y * b)


def test_apply_checks_ring():
    metric = as_metric("mirror", XY)
    other = PolyRing.get(("x", "y", "z"))
    with pytest.raises(IncompatibleRingError):
        metric.apply(VectorField(other, {"x": other.gens[1]}))
    with pytest.raises(IncompatibleRingError):
        as_metric("euclidean", XY).apply(VectorField(other, {"x": other.gens[1]}))
    with pytest.raises(BadArgumentError, match="field: expected a VectorField"):
        metric.apply("x")


# -- laws under user metrics ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "model_fn, expected",
    [
        (lambda metric: linear([2, 2, 2], metric=metric), 3),  # r(r+1)/2 with r = 2
        # one field (x -> A x, A = [[0, I], [I, 0]]): D - 1 = 5 laws; the quadratic ones are the
        # p_i q_j (p = U1 + U2^T, q = U1 - U2^T), whose gradients span the 5-dim rank-1 variety
        (lambda metric: linear([1, 3, 1], metric=metric), 5),
        (lambda metric: relu([2, 2, 1], bias=True, metric=metric), 2),  # one per hidden neuron
        (lambda metric: custom(["x1*x2*x3"], metric=metric), 2),
    ],
)
def test_identity_matrix_reproduces_euclidean(model_fn, expected):
    euclid = model_fn(None)
    same = model_fn(identity(euclid.dim))
    assert same.metric.kind == "matrix"
    assert gradient_flow(same).generators == gradient_flow(euclid).generators
    up_e, low_e, laws_e = proven_count(euclid)
    up_i, low_i, laws_i = proven_count(same)
    assert laws_i == laws_e
    assert up_i == up_e == low_i == low_e == expected


def test_identity_metric_through_census():
    census = pytest.importorskip("lieflow.census", reason="lieflow.census is not in this build").census
    a = census(linear([2, 3, 2]))
    b = census(linear([2, 3, 2], metric=identity(12)))
    assert (a.laws_lower, a.laws_upper, a.proven) == (b.laws_lower, b.laws_upper, b.proven) == (6, 6, True)
    assert [str(h) for h in a.laws] == [str(h) for h in b.laws]
    assert b.verify()


def test_antisymmetric_metric_conserves_phi():
    # θ' = -J ∇L with J antisymmetric: every field J∇φ is Hamiltonian, so φ itself is a law
    m = custom(["x*y"], params="x,y", metric=[[0, 1], [-1, 0]])
    assert not m.metric.symmetric
    (X,) = gradient_flow(m).generators
    assert X == VectorField(m.ring, {"x": m.ring.gens[0], "y": -m.ring.gens[1]})
    up, low, laws = proven_count(m)
    assert up == low == 1 and [str(h) for h in laws] == ["x*y"]


def test_singular_metric_adds_laws():
    # P = diag(1, 0, 1): the flow never moves x2, which becomes a law
    m = custom(["x1*x2*x3"], metric={(0, 0): 1, (2, 2): 1})
    up, low, laws = proven_count(m)
    assert up == low == 2
    assert {str(h) for h in laws} == {"x2", "x1**2 - x3**2"}


def test_mirror_on_all_linear_parameters_is_nmf_law():
    up, low, laws = proven_count(linear([2, 2, 2], metric="mirror"))
    assert up == low == 2
    assert {str(h) for h in laws} == {"u1_1_1 + u1_2_1 - u2_1_1 - u2_1_2", "u1_1_2 + u1_2_2 - u2_2_1 - u2_2_2"}


# -- momentum form --------------------------------------------------------------------------------


def _phase(model, time_name="s"):
    D = model.dim
    names = list(model.parameters) + [f"v_{p}" for p in model.parameters] + [time_name]
    R = PolyRing.get(names)
    return R, list(R.gens[:D]), list(R.gens[D : 2 * D]), R.gens[2 * D]


def test_mirror_momentum_entries():
    r = relu([1, 2, 1], bias=True)
    metric = as_metric(mirror(layers=[2]), r)  # u2_1_1, u2_2_1 (indices 2, 3)
    R, th, v, s = _phase(r)
    tau = Fraction(1, 2)
    out = metric.momentum_entries(th, v, tau=tau)
    assert set(out) == {(k, k) for k in range(6)}
    for k in range(6):
        assert out[(k, k)] == (th[k] * tau + v[k] if k in (2, 3) else R.constant(1))
    none = metric.momentum_entries(th, v, tau=0)
    assert none[(2, 2)] == v[2] and none[(0, 0)] == 1
    R, th, v, t = _phase(r, "t")
    nest = metric.momentum_entries(th, v, alpha=3, time=t)
    assert nest[(3, 3)] == th[3] * 3 + v[3] * t and nest[(0, 0)] == t and nest[(5, 5)] == t


def test_mirror_momentum_equals_generic_rule():
    # the mirror metric's explicit momentum form = the generic rule applied to diag(θ) given as a matrix
    r = relu([2, 2, 1], bias=True)
    mm = as_metric(mirror(layers=[2], params=["b1_1"]), r)
    as_matrix = as_metric(mm.as_sympy_matrix(), r)
    assert isinstance(as_matrix, MatrixMetric)
    R, th, v, s = _phase(r)
    for tau in (0, 1, Fraction(2, 3)):
        assert mm.momentum_entries(th, v, tau=tau) == as_matrix.momentum_entries(th, v, tau=tau)
    R, th, v, t = _phase(r, "t")
    assert mm.momentum_entries(th, v, alpha=3, time=t) == as_matrix.momentum_entries(th, v, alpha=3, time=t)


def test_matrix_momentum_entries_match_sympy_rebuild():
    m = custom(["x*y"], params="x,y", metric=[["x**2", "1/3"], ["y", 0]])
    assert m.metric.degree == 2
    for time_name, kw in (("s", {"tau": 2}), ("s", {"tau": 0}), ("t", {"alpha": 3})):
        R, th, v, T = _phase(m, time_name)
        syms = R.sympy_symbols()
        if "alpha" in kw:
            out = m.metric.momentum_entries(th, v, time=T, **kw)
            ref = m.metric.momentum_sympy_matrix(syms[:2], syms[2:4], time=syms[4], **kw)
        else:
            out = m.metric.momentum_entries(th, v, **kw)
            ref = m.metric.momentum_sympy_matrix(syms[:2], syms[2:4], **kw)
        got = sympy.zeros(2, 2)
        for (i, j), p in out.items():
            got[i, j] = p.as_expr()
        assert got == ref
    # t^2 P((3θ + t v)/t): the constant entry 1/3 becomes t**2/3, the degree-1 entry t*(3y + t v_y)
    R, th, v, t = _phase(m, "t")
    out = m.metric.momentum_entries(th, v, alpha=3, time=t)
    assert out[(0, 1)] == t * t * Fraction(1, 3)
    assert out[(1, 0)] == t * (th[1] * 3 + t * v[1])
    assert out[(0, 0)] == (th[0] * 3 + t * v[0]) ** 2


def test_euclidean_momentum_entries_identity():
    R, th, v, s = _phase(XY)
    e = as_metric("euclidean", XY)
    assert e.momentum_entries(th, v, tau=1) == {(0, 0): R.constant(1), (1, 1): R.constant(1)}
    assert e.momentum_entries(th, v) == e.momentum_entries(th, v, alpha=3, time=s)
    ident = as_metric(identity(2), XY)
    assert ident.momentum_entries(th, v, tau=Fraction(5, 2)) == e.momentum_entries(th, v)
    assert ident.momentum_entries(th, v, alpha=3, time=s) == e.momentum_entries(th, v)


def test_momentum_entries_bad_arguments():
    metric = as_metric("mirror", XY)
    R, th, v, s = _phase(XY)
    with pytest.raises(BadArgumentError, match="damping: the momentum form of the 'mirror' metric needs tau="):
        metric.momentum_entries(th, v)
    with pytest.raises(BadArgumentError, match="damping"):
        metric.momentum_entries(th, v, tau=1, alpha=3, time=s)
    with pytest.raises(BadArgumentError, match="damping"):
        metric.momentum_entries(th, v, alpha=3)
    with pytest.raises(InexactValueError, match="tau: inexact value 0.5"):
        metric.momentum_entries(th, v, tau=0.5)
    with pytest.raises(BadArgumentError, match="theta_polys: need 2"):
        metric.momentum_entries(th[:1], v, tau=1)
    with pytest.raises(BadArgumentError, match="every phase variable must be a Poly"):
        metric.momentum_entries(["x", "y"], v, tau=1)
    other = PolyRing.get(("a", "b")).gens
    with pytest.raises(IncompatibleRingError):
        metric.momentum_entries(list(other), v, tau=1)
    with pytest.raises(BadArgumentError, match="tau:"):
        metric.momentum_sympy_matrix(sympy.symbols("x y"), sympy.symbols("v_x v_y"))


def test_nesterov_form_is_affine_combination_for_degree_one():
    # for metrics of degree <= 1, t·P(αθ/t + v) = t·M(τ=0) + α·(M(τ=1) − M(τ=0))
    r = relu([1, 2, 1], bias=True)
    for metric in (
        as_metric("mirror", r),
        as_metric(mirror(layers=[2]), r),
        as_metric({(0, 1): "u1_1_1 - 2*b1_2", (3, 3): 5, (4, 2): "u2_1_1"}, r),
    ):
        R, th, v, t = _phase(r, "t")
        m0, m1 = metric.momentum_entries(th, v, tau=0), metric.momentum_entries(th, v, tau=1)
        z = R.zero()
        combo = {k: m0.get(k, z) * t + (m1.get(k, z) - m0.get(k, z)) * 3 for k in set(m0) | set(m1)}
        assert {k: p for k, p in combo.items() if p} == metric.momentum_entries(th, v, alpha=3, time=t)
