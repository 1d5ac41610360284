"""Laws with logarithms: h = P + Σ Q_j log|ℓ_j| (lieflow.loglaws).

Every law is re-checked here by plain sympy against generators rebuilt from φ (and the metric)
without lieflow's fast paths; counts are compared with closed forms and with the closure's upper
bound; the linear system is re-solved by brute force with sympy on tiny cases.
"""

import itertools
import json
import time
from fractions import Fraction

import pytest
import sympy
from hypothesis import example, given, settings
from hypothesis import strategies as st

from lieflow import census
from lieflow.algebra import Poly, PolyRing, VectorField
from lieflow.closure import closure, random_point
from lieflow.dynamics import gradient_flow
from lieflow.dynamics.momentum import momentum_flow, momentum_laws
from lieflow.errors import (
    BadArgumentError,
    IncompatibleRingError,
    InexactValueError,
    LieflowError,
    LimitExceededError,
)
from lieflow.laws import polynomial_laws
from lieflow.loglaws import (
    LogLaw,
    independent_log_laws,
    log_candidates,
    log_law_time_expr,
    log_laws,
    momentum_log_laws,
)
from lieflow.models import custom, icnn, linear, nmf, resnet

R3 = PolyRing.get(("x", "y", "z"))
PRIME = 2147483647

# -- independent sympy machinery --------------------------------------------------------------


def sympy_gradient_fields(phis, params, mirrored=()):
    """X_i = M ∇φ_i with M = diag(θ_k on mirrored parameters, 1 elsewhere), by plain sympy."""
    syms = sympy.symbols(params)
    out = []
    for phi in phis:
        phi = sympy.sympify(phi, locals={str(s): s for s in syms})
        grad = [sympy.diff(phi, s) * (s if str(s) in mirrored else 1) for s in syms]
        grad = [sympy.expand(g) for g in grad]
        if any(g != 0 for g in grad):
            out.append(grad)
    return syms, out


def nmf_phis(n0, n1, n2):
    """φ = U1 U2 of nmf([n0, n1, n2]) with lieflow's parameter names, written by hand."""
    U1 = [[f"u1_{i}_{k}" for k in range(1, n1 + 1)] for i in range(1, n0 + 1)]
    U2 = [[f"u2_{k}_{j}" for j in range(1, n2 + 1)] for k in range(1, n1 + 1)]
    params = [x for row in U1 for x in row] + [x for row in U2 for x in row]
    phis = [" + ".join(f"{U1[i][k]}*{U2[k][j]}" for k in range(n1)) for i in range(n0) for j in range(n2)]
    return phis, params


def annihilated_by_sympy(expr, syms, fields):
    """X h ≡ 0 for every field, with d/dθ log|f| = f'/f (Abs dropped before differentiating)."""
    e = expr.replace(sympy.Abs, lambda a: a)
    grad = [sympy.diff(e, s) for s in syms]
    for X in fields:
        total = sympy.together(sum(g * x for g, x in zip(grad, X) if x != 0 and g != 0))
        num, _ = sympy.fraction(total)
        if sympy.expand(num) != 0:
            return False
    return True


def fields_as_sympy(fields):
    syms = fields[0].ring.sympy_symbols()
    return syms, [list(X.as_matrix()) for X in fields]


def coefficient_vector(h: LogLaw):
    """The law's coefficients, keyed by (argument or None, monomial)."""
    v = {(None, m): Fraction(c) for m, c in h.poly.items()}
    for ell, q in h.logs:
        for m, c in q.items():
            v[(tuple(ell.terms()), m)] = Fraction(c)
    return v


def vector_rank(laws):
    vecs = [coefficient_vector(h) for h in laws]
    keys = sorted({k for v in vecs for k in v}, key=repr)
    return sympy.Matrix([[v.get(k, 0) for k in keys] for v in vecs]).rank() if vecs else 0


def upper_bound(fields):
    """D − (rank of the closure at a random point): no more independent laws exist."""
    n = fields[0].ring.ngens
    return n - closure(fields, point=random_point(n, 7)).rank


# -- the worked examples ------------------------------------------------------------------------


def test_custom_example_has_exactly_the_log_law():
    phis = ["2*x1 + x2*x3**2 + 3*x2", "x1**2"]
    fields = gradient_flow(custom(phis)).generators
    laws = log_laws(fields)
    x1, x2, x3 = fields[0].ring.gens
    # x2² − x3²/2 − 3 ln|x3|, up to scaling
    assert laws == (LogLaw(x2**2 - Fraction(1, 2) * x3**2, {"x3": -3}),)
    assert str(laws[0]) == "2*x2**2 - x3**2 - 6*log(Abs(x3))"
    assert laws[0].verify(fields)
    syms, sfields = sympy_gradient_fields(phis, ["x1", "x2", "x3"])
    assert annihilated_by_sympy(laws[0].as_expr(), syms, sfields)
    assert upper_bound(fields) == 1  # the count (D = 3) is 1: the law is all there is
    assert len(independent_log_laws(laws, random_point(3, 1))) == 1


@pytest.mark.parametrize("r", [2, 3, 4])
def test_nmf_one_by_r_by_one_has_all_its_laws(r):
    # one generator: exactly D − 1 = 2r − 1 laws (flow box); r polynomial ones u_k − v_k
    phis, params = nmf_phis(1, r, 1)
    fields = gradient_flow(nmf([1, r, 1])).generators
    laws = log_laws(fields)
    chosen = independent_log_laws(laws, random_point(2 * r, 3))
    assert len(chosen) == 2 * r - 1
    poly = [h for h in chosen if h.is_polynomial]
    assert sorted(str(h) for h in poly) == [f"u1_1_{k} - u2_{k}_1" for k in range(1, r + 1)]
    assert len(chosen) - len(poly) == r - 1
    syms, sfields = sympy_gradient_fields(phis, params, mirrored=set(params))
    for h in laws:
        assert annihilated_by_sympy(h.as_expr(), syms, sfields), str(h)
    for h in chosen:
        if not h.is_polynomial:  # the coefficients of the logs are themselves laws
            assert all(annihilated_by_sympy(q.as_expr(), syms, sfields) for _, q in h.logs)


def test_nmf_one_three_one_log_laws_by_hand():
    # the law from ∫ du/(u(u − w)) = log|v/u|/w, multiplied by w_1 w_2:
    # (u2 − v2)(log|v1| − log|u1|) − (u1 − v1)(log|v2| − log|u2|)
    fields = gradient_flow(nmf([1, 3, 1])).generators
    R = fields[0].ring
    u1, u2, v1, v2 = (R.gens[R.index[s]] for s in ("u1_1_1", "u1_1_2", "u2_1_1", "u2_2_1"))
    w1, w2 = u1 - v1, u2 - v2
    h = LogLaw(R.zero(), [(v1, w2), (u1, -w2), (v2, -w1), (u2, w1)])
    assert h.verify(fields)
    assert not LogLaw(R.zero(), [(v1, 1), (u1, -1)]).verify(fields)  # constant coefficients fail
    laws = log_laws(fields)
    assert vector_rank(list(laws) + [h]) == vector_rank(laws)  # h is in the span found


def test_nmf_two_two_two_reaches_the_count():
    phis, params = nmf_phis(2, 2, 2)
    fields = gradient_flow(nmf([2, 2, 2])).generators
    laws = log_laws(fields)
    syms, sfields = sympy_gradient_fields(phis, params, mirrored=set(params))
    for h in laws:
        assert annihilated_by_sympy(h.as_expr(), syms, sfields), str(h)
    assert len(independent_log_laws(laws, random_point(8, 5))) == upper_bound(fields) == 2


def test_resnet_scalar_stack_gets_its_transcendental_law():
    m = resnet(1, blocks=2)
    fields = gradient_flow(m).generators
    laws = log_laws(fields)
    chosen = independent_log_laws(laws, random_point(4, 2))
    assert len(chosen) == 3 == upper_bound(fields)  # one generator: D − 1
    assert any(not h.is_polynomial for h in chosen)
    syms = sympy.symbols(m.parameters)
    phi = m.phi[0].as_expr()
    sfields = [[sympy.diff(phi, s) for s in syms]]
    for h in laws:
        assert annihilated_by_sympy(h.as_expr(), syms, sfields), str(h)
    # the docstring's law of lieflow.models.resnet is in the span found
    R = fields[0].ring
    v1, u1, v2, u2 = R.gens
    known = LogLaw(
        (u1**2 + v1**2 - u2**2 - v2**2) * Fraction(1, 4),
        [(u1 + v1, Fraction(1, 2)), (v1 - u1, Fraction(-1, 2)), (u2 + v2, Fraction(-1, 2)), (v2 - u2, Fraction(1, 2))],
    )
    assert known.verify(fields)
    assert vector_rank(list(laws) + [known]) == vector_rank(laws)


def test_a_flow_with_log_candidates_but_no_log_law():
    # NMF with momentum: the Lie algebra has full rank (no law at all), yet s and every
    # θ_k + v_k/τ could carry a logarithm; the search must come back empty
    sys = momentum_flow(nmf([1, 2, 1]))
    assert len(log_candidates(sys.generators)) == 5
    assert upper_bound(sys.generators) == 0
    assert momentum_log_laws(sys) == ()


def test_a_flow_without_any_log_argument():
    fields = gradient_flow(linear([2, 2, 2])).generators
    assert log_candidates(fields) == ()
    laws = log_laws(fields)
    assert all(h.is_polynomial for h in laws)
    assert [h.poly for h in laws] == list(polynomial_laws(fields))


@pytest.mark.parametrize("model", [nmf([1, 3, 1]), nmf([2, 2, 2]), resnet(1, blocks=2), linear([1, 2, 1])])
def test_polynomial_part_spans_the_polynomial_laws(model):
    fields = gradient_flow(model).generators
    laws = log_laws(fields)
    polys = [h for h in laws if h.is_polynomial]
    assert laws[: len(polys)] == tuple(polys)  # polynomial laws first
    reference = [LogLaw(p) for p in polynomial_laws(fields)]
    assert vector_rank(polys) == vector_rank(reference) == vector_rank(polys + reference) == len(polys)


# -- momentum -------------------------------------------------------------------------------------


def test_momentum_polynomial_part_matches_momentum_laws():
    sys = momentum_flow(linear([1, 2, 1]))
    laws = momentum_log_laws(sys)
    ref = [LogLaw(h) for h in momentum_laws(sys)]
    assert vector_rank(list(laws)) == vector_rank(ref) == vector_rank(list(laws) + ref)
    assert sys.find_log_laws() == laws
    assert [str(ell) for ell, _ in log_candidates(sys.generators)] == ["s"]


def test_time_expression_of_a_heavy_ball_log():
    sys = momentum_flow(custom(["x*y"]), tau="1/3")
    x, s = sys.ring.gens[0], sys.ring.gens[-1]
    t = sympy.Symbol("t")
    assert log_law_time_expr(sys, LogLaw(x * s, {"s": 3})) == t + sympy.Symbol("x") * sympy.exp(t / 3)
    nest = momentum_flow(custom(["x*y"]), damping="nesterov")
    assert log_law_time_expr(nest, LogLaw(nest.ring.zero(), {"t": 1})) == sympy.log(t)


def test_gradient_system_hook():
    sys = gradient_flow(custom(["2*x1 + x2*x3**2 + 3*x2", "x1**2"]))
    assert len(sys.find_log_laws()) == 1
    assert sys.find_log_laws(coefficient_degree=0, linear_forms=False) == sys.find_log_laws()
    with pytest.raises(BadArgumentError, match="time_degree"):
        sys.find_log_laws(time_degree=1)


# -- random monomial fields -----------------------------------------------------------------------


@st.composite
def monomial_fields(draw, ring=R3):
    """1–2 fields whose nonzero components are single terms c·x^α (deg α ≤ 3): logs occur."""
    count = draw(st.sampled_from([1, 1, 2]))
    out = []
    for _ in range(count):
        comps = {}
        for k in range(ring.ngens):
            if draw(st.booleans()):
                # x_k divides the k-th component more often than not, so that logs occur
                own = [k] * draw(st.sampled_from([0, 1, 1, 2]))
                rest = draw(st.lists(st.integers(0, ring.ngens - 1), max_size=3 - len(own)))
                mono = tuple(sorted(own + rest))
                comps[k] = Poly(ring, {mono: draw(st.sampled_from([1, -1, 2, -3, Fraction(1, 2)]))})
        X = VectorField(ring, comps)
        if X:
            out.append(X)
    if not out:
        out.append(VectorField(ring, {0: ring.gens[0]}))
    return out


def _pinned_fields():
    """Fields with known log laws: log|y| − 2 log|x|; the worked custom example; NMF-like."""
    x, y, z = R3.gens
    return [
        [VectorField(R3, {"x": x, "y": y * 2})],
        [VectorField(R3, {"x": R3.constant(2), "y": z * z + 3, "z": y * z * 2}), VectorField(R3, {"x": x * 2})],
        [VectorField(R3, {"x": x * y, "y": x * y})],
    ]


PINNED = _pinned_fields()


@settings(max_examples=25, deadline=None)
@example(PINNED[0])
@example(PINNED[1])
@example(PINNED[2])
@given(monomial_fields())
def test_random_monomial_fields_laws_are_laws_and_a_basis(fields):
    laws = log_laws(fields)
    syms, sfields = fields_as_sympy(fields)
    for h in laws:
        assert h.verify(fields)
        assert annihilated_by_sympy(h.as_expr(), syms, sfields), str(h)
    assert vector_rank(laws) == len(laws)  # a basis: linearly independent
    chosen = independent_log_laws(laws, random_point(3, 11))
    assert len(chosen) <= upper_bound(fields)


@settings(max_examples=25, deadline=None)
@given(monomial_fields())
def test_candidates_are_exactly_the_darboux_variables(fields):
    syms, sfields = fields_as_sympy(fields)
    expected = []
    for i, s in enumerate(syms):
        comps = [X[i] for X in sfields]
        if any(c != 0 for c in comps) and all(sympy.div(c, s, *syms)[1] == 0 for c in comps):
            expected.append(i)
    cands = log_candidates(fields, linear_forms=False)
    assert [ell.terms()[0][0][0] for ell, _ in cands] == expected
    for ell, cof in log_candidates(fields):
        e = ell.as_expr()
        for X, c in zip(sfields, cof):
            assert sympy.expand(sum(sympy.diff(e, s) * x for s, x in zip(syms, X)) - c.as_expr() * e) == 0


def brute_force_law_space(fields, degree, coefficient_degree):
    """The space of laws P + Σ_i Q_i log|x_i| (every variable some field moves), by sympy alone.

    Unknown coefficients a (of P) and b (of each Q_i); with L_i standing for log|x_i|,
    X h = X(P) + Σ X(Q_i) L_i + Σ Q_i X^i / x_i; multiplied by Π x_i it must vanish as a
    polynomial in (x, L).  Returns the null space of that linear system.
    """
    syms, sfields = fields_as_sympy(fields)
    n = len(syms)
    moved = [i for i in range(n) if any(X[i] != 0 for X in sfields)]
    Ls = sympy.symbols(f"L0:{n}")

    def monos(lo, hi):
        return [sympy.Mul(*c) for d in range(lo, hi + 1) for c in itertools.combinations_with_replacement(syms, d)]

    unknowns = []
    P = 0
    for m in monos(1, degree):
        a = sympy.Symbol(f"a{len(unknowns)}")
        unknowns.append(a)
        P += a * m
    Q = {}
    for i in moved:
        Q[i] = 0
        for m in monos(0, coefficient_degree):
            b = sympy.Symbol(f"b{len(unknowns)}")
            unknowns.append(b)
            Q[i] += b * m
    prod = sympy.Mul(*[syms[i] for i in moved])
    eqs = []
    for X in sfields:
        def along(f):
            return sum(sympy.diff(f, s) * x for s, x in zip(syms, X))

        expr = along(P) * prod
        for i in moved:
            expr += along(Q[i]) * Ls[i] * prod + Q[i] * X[i] * sympy.cancel(prod / syms[i])
        poly = sympy.Poly(sympy.expand(expr), *syms, *Ls)
        eqs.extend(poly.coeffs())
    A, _ = sympy.linear_eq_to_matrix(eqs, unknowns)
    return A.nullspace(), unknowns, moved


@settings(max_examples=15, deadline=None)
@example(PINNED[0])
@example(PINNED[1])
@example(PINNED[2])
@given(monomial_fields())
def test_brute_force_cross_check(fields):
    null, unknowns, moved = brute_force_law_space(fields, 2, 1)
    laws = log_laws(fields, degree=2, linear_forms=False)
    assert len(laws) == len(null)
    # and every law found solves the brute-force system
    syms = fields[0].ring.sympy_symbols()
    nullmat = sympy.Matrix.hstack(*null) if null else None
    for h in laws:
        coeffs = {}
        for m, c in h.poly.items():
            coeffs[sympy.Mul(*[syms[i] for i in m])] = c
        vec = []
        mono_p = [sympy.Mul(*c) for d in (1, 2) for c in itertools.combinations_with_replacement(syms, d)]
        vec += [coeffs.get(m, 0) for m in mono_p]
        logs = {ell.terms()[0][0][0]: q for ell, q in h.logs}
        mono_q = [sympy.Integer(1)] + list(syms)
        for i in moved:
            q = logs.get(i)
            qc = {} if q is None else {sympy.Mul(*[syms[k] for k in m]): c for m, c in q.items()}
            vec += [qc.get(m, 0) for m in mono_q]
        v = sympy.Matrix([sympy.Rational(Fraction(x).numerator, Fraction(x).denominator) for x in vec])
        assert nullmat is not None and sympy.Matrix.hstack(nullmat, v).rank() == nullmat.shape[1]


# -- the value class ------------------------------------------------------------------------------


def test_canonical_form_and_equality():
    x, y, z = R3.gens
    h = LogLaw(x * y * Fraction(-1, 2) + 7, [("z", Fraction(3, 4)), (z, Fraction(1, 4))])
    assert str(h) == "x*y - 2*log(Abs(z))"  # constant dropped, logs merged, scaled, sign fixed
    assert h == LogLaw(x * y * 2, {"z": -4}) and hash(h) == hash(LogLaw(x * y * 2, {"z": -4}))
    assert LogLaw(R3.zero(), {-x + y: 1}) == LogLaw(R3.zero(), {x - y: 1})  # log|−ℓ| = log|ℓ|
    assert LogLaw(x, {"z": 1, 2: -1}).is_polynomial
    assert type(h)(*h.args) == h
    with pytest.raises(AttributeError):
        h.poly = x


def test_degree_and_flags():
    x, y, z = R3.gens
    assert LogLaw(x**3).degree == 3
    assert LogLaw(x, {"y": z * z}).degree == 3
    assert LogLaw(R3.zero(), {"y": 1}).degree == 1
    assert LogLaw(x, {"y": 2}).has_constant_log_coefficients
    assert not LogLaw(x, {"y": z}).has_constant_log_coefficients


@pytest.mark.parametrize(
    "poly, logs, error, name",
    [
        (None, {}, BadArgumentError, "poly"),
        ("zero", {}, BadArgumentError, "law"),
        ("x", {"w": 1}, BadArgumentError, "variable"),
        ("x", {"x": 0.5}, InexactValueError, "logs"),
        ("x", [("x", 1, 2)], BadArgumentError, "logs"),
        ("x", 5, BadArgumentError, "logs"),
        ("x", {"2x": 1}, BadArgumentError, "logs"),
        ("x", {"xy": 1}, BadArgumentError, "logs"),
        ("x", {"x+1": 1}, BadArgumentError, "logs"),
    ],
)
def test_bad_laws_are_rejected(poly, logs, error, name):
    x, y, _ = R3.gens
    poly = {"x": x, "zero": R3.constant(3)}.get(poly, poly)
    if isinstance(logs, dict):
        logs = {{"2x": x * 2, "xy": x * y, "x+1": x + 1}.get(k, k): v for k, v in logs.items()}
    with pytest.raises(error, match=name):
        LogLaw(poly, logs)


def test_rings_must_match():
    S = PolyRing.get(("p", "q"))
    with pytest.raises(IncompatibleRingError):
        LogLaw(R3.gens[0], {S.gens[0]: 1})
    with pytest.raises(IncompatibleRingError):
        LogLaw(R3.gens[0], {"x": S.gens[0]}).verify([VectorField(R3, [1, 0, 0])])
    with pytest.raises(IncompatibleRingError):
        LogLaw(R3.gens[0]).verify([VectorField(S, [1, 0])])


laws_strategy = st.builds(
    lambda p, logs: LogLaw(p, logs) if (p.items() and any(m for m, _ in p.items())) or logs else LogLaw(R3.gens[0]),
    st.builds(
        lambda t: Poly(R3, t),
        st.dictionaries(
            st.lists(st.integers(0, 2), max_size=3).map(lambda m: tuple(sorted(m))),
            st.integers(-4, 4) | st.builds(Fraction, st.integers(-4, 4), st.integers(1, 3)),
            max_size=3,
        ),
    ),
    st.dictionaries(
        st.sampled_from([R3.gens[0], R3.gens[1], R3.gens[2], R3.gens[0] - R3.gens[1], R3.gens[1] * 2 + R3.gens[2] * 3]),
        st.sampled_from([1, -2, Fraction(1, 3)]) | st.sampled_from(R3.gens),
        max_size=3,
    ),
)


@settings(max_examples=40, deadline=None)
@given(laws_strategy)
def test_json_round_trip_and_parseable_string(h):
    assert LogLaw.from_terms(R3, json.loads(json.dumps(h.to_terms()))) == h
    assert LogLaw.from_terms(["x", "y", "z"], h.to_terms()) == h
    parsed = sympy.sympify(str(h), locals={s: sympy.Symbol(s) for s in "xyz"})
    assert sympy.expand(parsed - h.as_expr()) == 0


@pytest.mark.parametrize(
    "obj, name",
    [
        ([], "law"),
        ({"poly": []}, "law"),
        ({"poly": [], "log": [], "extra": 1}, "law"),
        ({"poly": "x", "log": []}, "law.poly"),
        ({"poly": [["1", [["x", 0]]]], "log": []}, "law.poly"),
        ({"poly": [["1", [["x", True]]]], "log": []}, "law.poly"),
        ({"poly": [[1, [["x", 1]]]], "log": []}, "law.poly"),
        ({"poly": [["1/0", [["x", 1]]]], "log": []}, "law.poly"),
        ({"poly": [["1", [["w", 1]]]], "log": []}, "law.poly"),
        ({"poly": [["1", "x"]], "log": []}, "law.poly"),
        ({"poly": [], "log": "x"}, "law.log"),
        ({"poly": [], "log": [["1"]]}, "law.log\\[0\\]"),
        ({"poly": [], "log": [[1, "x"]]}, "law.log\\[0\\]"),
        ({"poly": [], "log": [["1", 3]]}, "law.log\\[0\\]"),
        ({"poly": [], "log": [["1", "w"]]}, "law.log\\[0\\]"),
        ({"poly": [], "log": [["1", [["2", [["x", 1]]]]]]}, "law"),
        ({"poly": [], "log": [["1", [["1", [["x", 2]]]]]]}, "law"),
        ({"poly": [], "log": [["0", "x"]]}, "law"),
    ],
)
def test_malformed_term_lists_are_rejected(obj, name):
    with pytest.raises(LieflowError, match=name):
        LogLaw.from_terms(R3, obj)


# -- gradients and independence -------------------------------------------------------------------


def _sympy_gradient_mod(h: LogLaw, point, prime, log_values):
    """∂h at the point, mod prime, by sympy: log|ℓ| replaced by the given value after differentiating."""
    syms = R3.sympy_symbols()
    e = h.as_expr().replace(sympy.Abs, lambda a: a)
    subs = dict(zip(syms, point))
    out = []
    for s in syms:
        d = sympy.diff(e, s)
        for ell, _ in h.logs:
            d = d.subs(sympy.log(ell.as_expr()), sympy.Symbol(f"L_{ell}"))
        d = d.subs({sympy.Symbol(f"L_{ell}"): log_values.get(ell, 0) for ell, _ in h.logs})
        val = sympy.Rational(d.subs(subs))
        out.append(int(val.p) * pow(int(val.q), -1, prime) % prime)
    return out


@settings(max_examples=30, deadline=None)
@given(laws_strategy, st.lists(st.integers(1, 40), min_size=3, max_size=3), st.integers(1, 10**6))
def test_gradient_value_matches_sympy(h, point, lam):
    prime = 1000003
    if any(ell.evaluate(point) % prime == 0 for ell, _ in h.logs):
        with pytest.raises(BadArgumentError, match="point"):
            h.gradient_value(point, prime, log_values={ell: lam for ell, _ in h.logs})
        return
    values = {ell: lam + k for k, (ell, _) in enumerate(h.logs)}
    assert h.gradient_value(point, prime, log_values=values) == _sympy_gradient_mod(h, point, prime, values)


def test_gradient_value_errors():
    x, y, z = R3.gens
    h = LogLaw(x, {"y": z})
    with pytest.raises(BadArgumentError, match="log_values"):
        h.gradient_value([1, 2, 3])
    with pytest.raises(BadArgumentError, match="prime"):
        h.gradient_value([1, 2, 3], 100)
    with pytest.raises(BadArgumentError, match="point"):
        h.gradient_value([1, 2])
    with pytest.raises(BadArgumentError, match="point"):
        LogLaw(x, {x - y: 1}).gradient_value([5, 5, 1])
    assert LogLaw(x, {"y": 2}).gradient_value([1, 2, 3], 7) == [1, 1, 0]


def test_independence_prefers_polynomial_laws_and_is_sound():
    x, y, z = R3.gens
    laws = [
        LogLaw(R3.zero(), {"x": 1, "y": -1}),
        LogLaw(x * x - y * y),
        x - y,
        LogLaw(R3.zero(), {x - y: 1}),  # a function of x − y
        LogLaw(x, {"z": x - y}),
    ]
    chosen = independent_log_laws(laws, [3, 7, 11])
    assert chosen[0] is laws[1] or chosen[0] is laws[2]
    assert laws[3] not in chosen
    assert len(chosen) == 3
    # the polynomial-coefficient law is independent of x − y and log|x/y|: check by sympy at
    # Λ = log 11, an exact transcendental value, that the Jacobian has rank 3
    syms = R3.sympy_symbols()
    exprs = [h.as_expr() if isinstance(h, LogLaw) else h.as_expr() for h in chosen]
    J = sympy.Matrix([[sympy.diff(e.replace(sympy.Abs, lambda a: a), s) for s in syms] for e in exprs])
    assert J.subs(dict(zip(syms, [3, 7, 11]))).rank() == 3


def test_independence_errors():
    x, y, _ = R3.gens
    with pytest.raises(BadArgumentError, match="laws"):
        independent_log_laws([x, "x"], [1, 2, 3])
    with pytest.raises(IncompatibleRingError):
        independent_log_laws([x, PolyRing.get(("p",)).gens[0]], [1, 2, 3])
    with pytest.raises(BadArgumentError, match="point"):
        independent_log_laws([LogLaw(R3.zero(), {"x": 1})], [0, 2, 3])
    with pytest.raises(BadArgumentError, match="seed"):
        independent_log_laws([x], [1, 2, 3], seed="1")
    assert independent_log_laws([], [1, 2, 3]) == ()


# -- options and limits ---------------------------------------------------------------------------


def test_options_are_checked():
    fields = gradient_flow(nmf([1, 2, 1])).generators
    for kwargs, name in [
        ({"degree": 0}, "degree"),
        ({"coefficient_degree": -1}, "coefficient_degree"),
        ({"log_variables": ["nope"]}, "log_variables"),
        ({"linear_forms": "yes"}, "linear_forms"),
        ({"deadline": "soon"}, "deadline"),
        ({"max_unknowns": 0}, "max_unknowns"),
    ]:
        with pytest.raises(BadArgumentError, match=name):
            log_laws(fields, **kwargs)
    with pytest.raises(BadArgumentError, match="fields"):
        log_laws([])
    with pytest.raises(BadArgumentError, match="system"):
        momentum_log_laws(gradient_flow(nmf([1, 2, 1])))


def test_limits():
    fields = gradient_flow(nmf([1, 2, 1])).generators
    with pytest.raises(LimitExceededError, match="deadline"):
        log_laws(fields, deadline=time.perf_counter() - 1)
    with pytest.raises(LimitExceededError, match="max_unknowns"):
        log_laws(fields, max_unknowns=10)


def test_restricting_the_log_variables():
    fields = gradient_flow(nmf([1, 2, 1])).generators
    only_u = log_laws(fields, log_variables=["u1_1_1", "u1_1_2"])
    assert all(len(ell) == 1 and str(ell).startswith("u1") for h in only_u for ell, _ in h.logs)
    # the NMF law needs the logs of both factors: without them only polynomial laws remain
    assert all(h.is_polynomial for h in only_u)
    assert all(h.is_polynomial for h in log_laws(fields, coefficient_degree=0))


@pytest.mark.parametrize("model", [nmf([2, 1, 2]), nmf([1, 3, 2]), icnn([2, 2, 1]), resnet((1, 2), blocks=2)])
def test_catalog_models_reach_the_closure_bound(model):
    # mirror metrics (nmf, icnn) and a residual stack: with the log laws the lower bound meets
    # the closure's upper bound (never exceeds it)
    c = census(model)
    laws = c.system.find_log_laws()
    assert len(independent_log_laws(laws, random_point(model.dim, 4))) == c.laws_upper


@st.composite
def binomial_fields(draw, ring=R3):
    """1–2 fields whose components have at most two terms of degree ≤ 2 (binary forms occur)."""
    out = []
    for _ in range(draw(st.sampled_from([1, 1, 2]))):
        comps = {}
        for k in range(ring.ngens):
            terms = draw(
                st.dictionaries(
                    st.lists(st.integers(0, ring.ngens - 1), max_size=2).map(lambda m: tuple(sorted(m))),
                    st.sampled_from([1, -1, 2]),
                    max_size=2,
                )
            )
            comps[k] = Poly(ring, terms)
        X = VectorField(ring, comps)
        if X:
            out.append(X)
    return out or [VectorField(ring, {"x": R3.gens[1], "y": R3.gens[0]})]


def brute_force_binary_forms(fields):
    """Every x_i − ρ x_j (ρ ≠ 0 rational) dividing its derivative along every field, by sympy:
    X^i − ρ X^j must vanish at x_i = ρ x_j; its coefficients in the other variables are
    polynomials in ρ, solved exactly.  Pairs where every ρ works, and laws (zero cofactor), are
    left out as log_candidates documents."""
    syms, sfields = fields_as_sympy(fields)
    rho = sympy.Symbol("rho")
    found = set()
    for i, j in itertools.combinations(range(len(syms)), 2):
        eqs = []
        for X in sfields:
            e = sympy.expand((X[i] - rho * X[j]).subs(syms[i], rho * syms[j]))
            eqs.extend(sympy.Poly(e, *syms).coeffs() if e != 0 else [])
        if not eqs:
            continue  # every ρ works (or the pair is never moved)
        for sol in sympy.solve(eqs, rho, dict=True):
            r = sol[rho]
            if r.is_rational and r != 0:
                form = sympy.expand((syms[i] - r * syms[j]) * r.q)
                if any(sympy.expand(sum(sympy.diff(form, s) * x for s, x in zip(syms, X))) != 0 for X in sfields):
                    found.add(form)
    return found


@settings(max_examples=30, deadline=None)
@example([VectorField(R3, {"x": R3.gens[1], "y": R3.gens[0]})])  # x ± y
@example(gradient_flow(custom(["x*y*z"], params="x,y,z")).generators)
@example([VectorField(R3, {"x": R3.gens[0] - R3.gens[1]}), VectorField(R3, {"x": R3.gens[1], "y": R3.gens[0]})])
@example([VectorField(R3, {"x": R3.gens[0], "y": R3.gens[1]}), VectorField(R3, {"x": R3.gens[1], "y": R3.gens[0]})])
@given(binomial_fields())
def test_binary_forms_are_complete(fields):
    forms = {ell.as_expr() for ell, _ in log_candidates(fields) if len(ell) == 2}
    assert forms == brute_force_binary_forms(fields)
