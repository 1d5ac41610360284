"""Momentum flows (DESIGN §3): phase-space lift, time-dependent laws, proven counts."""

from fractions import Fraction

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from lieflow.algebra import VectorField, rank_qq
from lieflow.closure import closure, random_point
from lieflow.dynamics import make_system
from lieflow.dynamics import momentum as momentum_module
from lieflow.dynamics.momentum import MomentumSystem, homogeneity_weights, momentum_flow, momentum_laws
from lieflow.errors import (
    BadArgumentError,
    IncompatibleRingError,
    InexactValueError,
    LimitExceededError,
)
from lieflow.laws import independent_laws, normalize_law, verify_law
from lieflow.models import custom, linear, relu, weight_names
from lieflow.strategies import polynomial_phis

DAMPINGS = ("heavy-ball", "none", "nesterov")


# -- helpers ------------------------------------------------------------------------------------


def _var(ring, name):
    return ring.gens[ring.index[name]]


def _A_laws(system):
    """The laws e^{τt}·A_kl (heavy ball), t^α·A_kl (Nesterov), A_kl (none), k < l, of a linear
    net, one antisymmetric A per hidden layer l: A = U_lᵀU_l' − U_l'ᵀU_l + U_{l+1}U_{l+1}'ᵀ −
    U_{l+1}'U_{l+1}ᵀ (U_l = n_{l-1}×n_l).

    Derivation: d/dt (U_lᵀU_l' − U_l'ᵀU_l) = U_lᵀU_l'' − U_l''ᵀU_l with U_l'' = −τU_l' − ∇_{U_l}L,
    and U_lᵀ∇_{U_l}L = ∇_{U_{l+1}}L U_{l+1}ᵀ (both are Pᵀ G Sᵀ, P the product before the layer and S
    after), so the forcing terms cancel between the two factors, leaving dA/dt = −τ A; hence
    (e^{τt} A)' = 0, and (t^α A)' = 0 for τ = α/t.
    """
    ring = system.ring
    widths = system.model.widths
    W = weight_names(widths)
    g = lambda name: _var(ring, name)  # noqa: E731
    v = lambda name: _var(ring, "v_" + name)  # noqa: E731
    clock = {"heavy-ball": ring.gens[-1], "none": ring.constant(1)}.get(system.damping)
    if clock is None:
        clock = ring.gens[-1] ** system.alpha
    out = []
    for layer in range(1, len(widths) - 1):
        before, after = W[layer - 1], W[layer]
        for k in range(widths[layer]):
            for l in range(k + 1, widths[layer]):
                A = ring.zero()
                for row in before:
                    A = A + g(row[k]) * v(row[l]) - v(row[k]) * g(row[l])
                for a, b in zip(after[k], after[l]):
                    A = A + g(a) * v(b) - v(a) * g(b)
                out.append(normalize_law(clock * A))
    return out


def _same_span(ps, qs):
    monos = sorted({m for p in list(ps) + list(qs) for m, _ in p.items()})
    vec = lambda p: [p.coeff(m) for m in monos]  # noqa: E731
    a = rank_qq([vec(p) for p in ps]) if ps else 0
    b = rank_qq([vec(q) for q in qs]) if qs else 0
    return a == b == (rank_qq([vec(p) for p in list(ps) + list(qs)]) if ps or qs else 0)


def _sandwich(system, seed=0, **kw):
    """(independent laws found, upper bound D − rank of the closure with target) — the pieces
    census is built from."""
    D = system.ambient_dim
    point = random_point(D, seed)
    laws = system.find_laws(**kw)
    chosen = independent_laws(laws, point)
    res = closure(system.generators, names=system.generator_names, point=point, target_rank=D - len(chosen))
    return laws, chosen, D - res.rank, res


# -- the lift -----------------------------------------------------------------------------------


def test_phase_variables_and_drifts():
    model = custom(["x*y"])
    hb = momentum_flow(model, tau="1/2")
    assert isinstance(hb, MomentumSystem) and hb.flow == "momentum"
    assert hb.ring.symbols == ("x", "y", "v_x", "v_y", "s")
    assert hb.ambient_dim == 5 and hb.time_variable == "s" and hb.tau == Fraction(1, 2) and hb.alpha is None
    x, y, vx, vy, s = hb.ring.gens
    half = Fraction(1, 2)
    assert hb.generators[0] == VectorField(hb.ring, {"x": vx, "y": vy, "v_x": vx * -half, "v_y": vy * -half, "s": s * half})
    assert hb.generators[1] == VectorField(hb.ring, {"v_x": y, "v_y": x})
    assert hb.generator_names == ("X0", "Y1")

    none = momentum_flow(model, damping="none")
    x, y, vx, vy, t = none.ring.gens
    assert none.ring.symbols[-1] == "t" and none.tau is None and none.alpha is None
    assert none.generators[0] == VectorField(none.ring, {"x": vx, "y": vy, "t": 1})

    nes = momentum_flow(model, damping="nesterov", alpha=2)
    x, y, vx, vy, t = nes.ring.gens
    assert nes.alpha == 2 and nes.tau is None
    assert nes.generators[0] == VectorField(nes.ring, {"x": t * vx, "y": t * vy, "v_x": vx * -2, "v_y": vy * -2, "t": t})


def test_defaults_and_describe():
    hb = momentum_flow(linear([2, 2, 2]))
    assert hb.damping == "heavy-ball" and hb.tau == 1
    d = hb.describe()
    assert d["flow"] == "momentum" and d["damping"] == "heavy-ball" and d["tau"] == "1" and d["alpha"] is None
    assert d["time_variable"] == "s" and d["widths"] == [2, 2, 2] and d["metric"] == "euclidean"
    nes = momentum_flow(linear([2, 2, 2]), damping="nesterov")
    assert nes.alpha == 3 and nes.describe()["alpha"] == 3 and nes.describe()["tau"] is None
    assert momentum_flow(linear([2, 2, 2]), tau=Fraction(3, 7)).describe()["tau"] == "3/7"
    assert make_system(linear([2, 2, 2]), flow="momentum", tau="1/2").tau == Fraction(1, 2)
    assert make_system(linear([2, 2, 2]), flow="momentum", damping="nesterov", alpha="4").alpha == 4
    assert make_system(linear([2, 2, 2]), flow="momentum", tau=sympy.Rational(2, 3)).tau == Fraction(2, 3)


def test_zero_gradient_components_give_no_forcing_field():
    sys = momentum_flow(custom(["x*y", "x*y*z"], params="x,y,z"))
    assert sys.generator_names == ("X0", "Y1", "Y2")


@pytest.mark.parametrize("damping", DAMPINGS)
def test_generator_exprs_match_fast_path(damping):
    sys = momentum_flow(relu([2, 2, 1], bias=True), damping=damping)
    rebuilt = sys.generator_exprs()
    assert len(rebuilt) == len(sys.generators)
    for X, M in zip(sys.generators, rebuilt):
        assert X.as_matrix() == M


# -- 2-layer linear networks: the laws e^{τt} A, t^α A, A --------------------------------------


@pytest.mark.parametrize("widths", [[2, 2, 2], [2, 3, 2], [3, 2, 2], [3, 3, 3], [3, 4, 3], [2, 4, 2]])
@pytest.mark.parametrize("damping", DAMPINGS)
def test_linear_two_layer_laws_exact_and_proven(widths, damping):
    n, r, m = widths
    assert r <= n + m
    sys = momentum_flow(linear(widths), damping=damping)
    laws, chosen, upper, res = _sandwich(sys)
    expected = _A_laws(sys)
    # every law found is exactly one of the A laws: for these widths nothing else exists
    assert set(laws) == set(expected)
    assert len(chosen) == len(laws) == r * (r - 1) // 2
    assert upper == len(chosen)  # proven: D − rank equals the number of independent laws
    assert all(verify_law(h, sys.generators) for h in expected)


@pytest.mark.parametrize("widths", [[2, 2, 2, 2], [2, 3, 2, 2], [1, 2, 3, 1]])
@pytest.mark.parametrize("damping", DAMPINGS)
def test_deep_linear_one_A_per_hidden_layer(widths, damping):
    sys = momentum_flow(linear(widths), damping=damping)
    laws, chosen, upper, _ = _sandwich(sys)
    assert set(laws) == set(_A_laws(sys))
    assert len(chosen) == upper == sum(n * (n - 1) // 2 for n in widths[1:-1])


@pytest.mark.parametrize("r", [2, 3, 4])
def test_linear_1_r_1_has_twice_as_many_laws(r):
    """[1, r, 1]: φ = ⟨a, b⟩, so p = a + b and q = a − b obey p'' + τp' = −g p, q'' + τq' = g q
    (g scalar): each of p, q keeps the r(r−1)/2 entries of e^{τt}(p ∧ p') — a law space of
    dimension r(r−1), twice that of A.  The entries of a decomposable p ∧ p' satisfy the Plücker
    relations (the cone over Gr(2, r) has dimension 2r − 3), so min(r(r−1)/2, 2r − 3) of them are
    functionally independent, for each of p and q."""
    sys = momentum_flow(linear([1, r, 1]))
    ring = sys.ring
    s = ring.gens[-1]
    a = [_var(ring, f"u1_1_{k + 1}") for k in range(r)]
    b = [_var(ring, f"u2_{k + 1}_1") for k in range(r)]
    va = [_var(ring, f"v_u1_1_{k + 1}") for k in range(r)]
    vb = [_var(ring, f"v_u2_{k + 1}_1") for k in range(r)]
    expected = []
    for sign in (1, -1):
        p = [x + y * sign for x, y in zip(a, b)]
        vp = [x + y * sign for x, y in zip(va, vb)]
        for k in range(r):
            for l in range(k + 1, r):
                expected.append(s * (p[k] * vp[l] - p[l] * vp[k]))
    laws, chosen, upper, _ = _sandwich(sys)
    assert _same_span(laws, expected)
    assert _same_span(laws, _A_laws(sys) + list(laws))  # A is among them
    assert len(laws) == r * (r - 1)
    assert len(chosen) == upper == 2 * min(r * (r - 1) // 2, 2 * r - 3)


@pytest.mark.parametrize("widths", [[2, 5, 2], [2, 6, 2]])
def test_overparameterized_counts_are_proven(widths):
    # r > n + m: the search decides; the A laws must be among the laws found
    sys = momentum_flow(linear(widths))
    laws, chosen, upper, _ = _sandwich(sys)
    assert len(chosen) == upper
    assert _same_span(laws, _A_laws(sys) + list(laws))


@settings(max_examples=15, deadline=None)
@given(p=st.integers(1, 9), q=st.integers(1, 9))
def test_tau_does_not_change_the_laws_in_s(p, q):
    tau = Fraction(p, q)
    sys = momentum_flow(linear([2, 3, 2]), tau=tau)
    laws = sys.find_laws()
    assert set(laws) == set(_A_laws(sys))
    expr = sys.time_expr(laws[0])
    t = sympy.Symbol("t")
    assert expr.has(sympy.exp(sympy.Rational(p, q) * t))
    assert sympy.sympify(str(expr)) == expr


@pytest.mark.parametrize("alpha", [1, 2, 3, 5])
def test_nesterov_alpha(alpha):
    sys = momentum_flow(linear([2, 2, 2]), damping="nesterov", alpha=alpha)
    assert sys.default_time_degree() == alpha
    [law] = sys.find_laws()
    assert law == _A_laws(sys)[0]
    assert sys.find_laws(time_degree=alpha - 1) == ()  # t^j A is a law only for j = α
    assert sys.find_laws(time_degree=alpha + 1) == (law,)
    t = sympy.Symbol("t")
    e = sys.time_expr(law)
    assert e.is_Mul and t**alpha in e.args and not sympy.cancel(e / t**alpha).has(t)
    assert sympy.expand(e) == law.as_expr()


def test_time_expr_forms():
    hb = momentum_flow(linear([2, 2, 2]))
    [law] = hb.find_laws()
    t = sympy.Symbol("t")
    e = hb.time_expr(law)
    assert e.has(sympy.exp(t)) and not e.has(sympy.Symbol("s"))
    assert sympy.expand(e.subs(sympy.exp(t), sympy.Symbol("s"))) == law.as_expr()
    hb2 = momentum_flow(linear([2, 2, 2]), tau=2)
    assert hb2.time_expr(hb2.find_laws()[0]).has(sympy.exp(2 * t))
    # a law mixing powers of s is written power by power
    s = hb.ring.gens[-1]
    assert hb.time_expr(s * s * hb.ring.gens[0] + hb.ring.gens[1]) == sympy.exp(2 * t) * sympy.Symbol("u1_1_1") + sympy.Symbol("u1_1_2")
    nes = momentum_flow(linear([2, 2, 2]), damping="nesterov")
    assert nes.time_expr(nes.find_laws()[0]).has(t**3)
    none = momentum_flow(linear([2, 2, 2]), damping="none")
    assert not none.time_expr(none.find_laws()[0]).has(t)
    with pytest.raises(BadArgumentError, match="law"):
        hb.time_expr(nes.find_laws()[0])


@pytest.mark.parametrize("damping", DAMPINGS)
def test_laws_are_constant_along_the_true_ode_symbolically(damping):
    """Independent check in real time t: d/dt h = ∂_t h + ∇_θh·v + ∇_vh·(−τ(t)v − Σ a_i ∇φ_i) ≡ 0
    for arbitrary coefficients a_i (the phase-space generators are not used)."""
    sys = momentum_flow(linear([2, 3, 1]), damping=damping)
    D = sys.parameter_dim
    syms = sys.ring.sympy_symbols()
    theta, vel = syms[:D], syms[D : 2 * D]
    t = sympy.Symbol("t")
    tau_t = {"heavy-ball": sympy.Integer(1), "none": sympy.Integer(0), "nesterov": 3 / t}[damping]
    a = sympy.symbols(f"a1:{len(sys.model.phi) + 1}")
    force = [sum(ai * sympy.diff(phi, th) for ai, phi in zip(a, sys.model.phi_exprs)) for th in theta]
    laws = sys.find_laws()
    assert len(laws) == 3
    for law in laws:
        h = sys.time_expr(law)
        dh = sympy.diff(h, t)
        dh += sum(sympy.diff(h, th) * v for th, v in zip(theta, vel))
        dh += sum(sympy.diff(h, v) * (-tau_t * v - f) for v, f in zip(vel, force))
        assert sympy.simplify(dh) == 0


# -- no law: ReLU networks ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "widths, bias",
    [([2, 2, 2], False), ([2, 2, 2], True), ([3, 3, 3], False), ([2, 2, 2, 2], False), ([2, 2, 2, 2], True), ([2, 3, 1], True)],
)
@pytest.mark.parametrize("damping", DAMPINGS)
def test_relu_has_no_law_proven(widths, bias, damping):
    sys = momentum_flow(relu(widths, bias=bias), damping=damping)
    laws, chosen, upper, res = _sandwich(sys)
    assert laws == () and upper == 0
    assert res.rank == sys.ambient_dim == 2 * sys.model.dim + 1


# -- seeds, census, verification ----------------------------------------------------------------


@pytest.mark.parametrize("damping", DAMPINGS)
def test_counts_do_not_depend_on_the_seed(damping):
    sys = momentum_flow(linear([2, 4, 2]), damping=damping)
    found = set()
    for seed in (0, 1, 17, 2**20):
        _, chosen, upper, _ = _sandwich(sys, seed=seed)
        found.add((len(chosen), upper))
    assert found == {(6, 6)}
    # the full closure (no target) at independent points reaches the same rank
    ranks = {closure(sys.generators, names=sys.generator_names, seed=s).rank for s in (3, 4)}
    assert ranks == {sys.ambient_dim - 6}


def test_census_through_lieflow():
    census = pytest.importorskip("lieflow.census").census
    c = census(linear([2, 3, 2]), flow="momentum")
    assert (c.ambient_dim, c.lie_rank, c.laws_lower, c.laws_upper, c.proven) == (25, 22, 3, 3, True)
    assert all(str(law.time_expr).endswith("*exp(t)") for law in c.laws)
    assert c.verify()
    c = census(linear([2, 3, 2]), flow="momentum", damping="nesterov", alpha=2)
    assert c.proven and c.laws_lower == 3 and all(law.time_expr.has(sympy.Symbol("t") ** 2) for law in c.laws)
    assert c.verify()
    c = census(relu([2, 2, 1], bias=True), flow="momentum", damping="none", seed=5)
    assert c.proven and c.laws_upper == 0 and c.verify()
    c = census(linear([2, 2, 2]), flow="momentum", tau="1/3", time_degree=0)
    # the law needs the factor e^{t/3}: none of time degree 0, but the count is proven all the same
    assert (c.laws_lower, c.laws_upper, c.proven, c.count_proof) == (0, 1, True, "involutive closure")


# -- the law search -----------------------------------------------------------------------------


def test_homogeneity_weights_of_linear_momentum():
    """Heavy ball on [2, 3, 2]: gradings are the degree in s and, per hidden neuron k, the
    degree in (column k of U1, row k of U2) and their velocities — nothing else."""
    sys = momentum_flow(linear([2, 3, 2]))
    W = homogeneity_weights(sys.generators)
    assert len(W) == 4
    _check_homogeneous(sys.generators, W)
    names = sys.ring.symbols
    span = [[w[i] for i in range(len(names))] for w in W]
    s_deg = [1 if n == "s" else 0 for n in names]
    base = [n[2:] if n.startswith("v_") else n for n in names]
    neuron0 = [1 if (b.startswith("u1_") and b.endswith("_1")) or b.startswith("u2_1_") else 0 for b in base]
    assert rank_qq(span + [s_deg]) == 4 and rank_qq(span + [neuron0]) == 4


def _check_homogeneous(fields, weights):
    for w in weights:
        for X in fields:
            shifts = {sum(w[i] for i in m) - w[k] for k, p in X.components for m, _ in p.items()}
            assert len(shifts) == 1


@settings(max_examples=25, deadline=None)
@given(phi=polynomial_phis(n_components=2, max_terms=3), damping=st.sampled_from(DAMPINGS))
def test_graded_search_equals_unsplit_search(phi, damping):
    """The split into homogeneous blocks loses nothing: the same law space as one big block."""
    try:
        model = custom(phi, params="x1,x2,x3")
    except BadArgumentError:  # a component cancelled to a constant
        return
    try:
        sys = momentum_flow(model, damping=damping, **({"alpha": 1} if damping == "nesterov" else {}))
    except BadArgumentError:
        return
    _check_homogeneous(sys.generators, homogeneity_weights(sys.generators))
    blocked = momentum_laws(sys, degree=2, time_degree=1)
    original = momentum_module.homogeneity_weights
    momentum_module.homogeneity_weights = lambda fields: ()
    try:
        unsplit = momentum_laws(sys, degree=2, time_degree=1)
    finally:
        momentum_module.homogeneity_weights = original
    assert _same_span(blocked, unsplit)
    assert all(verify_law(h, sys.generators) for h in blocked)


def test_search_covers_degree_and_time_degree():
    sys = momentum_flow(linear([2, 2, 2]))
    assert sys.find_laws(degree=1) == ()
    assert sys.find_laws(time_degree=0) == ()
    assert len(sys.find_laws(degree=3, time_degree=2)) == 1  # (s A)^2 has degree 4 in (θ, v)
    assert len(sys.find_laws(degree=4, time_degree=2)) == 2
    with pytest.raises(LimitExceededError, match="max_unknowns"):
        momentum_laws(sys, degree=3, max_unknowns=100)


# -- metrics --------------------------------------------------------------------------------------


def _has_momentum_metrics():
    try:
        from lieflow.dynamics.metrics import Metric
    except ImportError:
        return False
    return hasattr(Metric, "momentum_entries")


@pytest.mark.skipif(not _has_momentum_metrics(), reason="metrics.momentum_entries not available")
@pytest.mark.parametrize("damping", DAMPINGS)
def test_mirror_metric_forcing_fields(damping):
    sys = momentum_flow(custom(["x*y"], metric="mirror"), damping=damping)
    x, y, vx, vy, T = sys.ring.gens
    w = {"heavy-ball": (x + vx, y + vy), "none": (vx, vy), "nesterov": (x * 3 + T * vx, y * 3 + T * vy)}[damping]
    assert sys.generators[1] == VectorField(sys.ring, {"v_x": w[0] * y, "v_y": w[1] * x})
    assert sys.describe()["metric"] == "mirror"
    laws, chosen, upper, _ = _sandwich(sys)
    assert laws == () and upper == 0


@pytest.mark.skipif(not _has_momentum_metrics(), reason="metrics.momentum_entries not available")
def test_metric_errors_propagate():
    class Broken:
        kind = "broken"

        def momentum_entries(self, theta, vel, **kw):
            raise BadArgumentError("metric", "broken", "cannot")

    from dataclasses import replace

    model = replace(custom(["x*y"]), metric=Broken())
    with pytest.raises(BadArgumentError, match="cannot"):
        momentum_flow(model)
    model = replace(custom(["x*y"]), metric=object())
    with pytest.raises(AttributeError):
        momentum_flow(model)


# -- numerics: laws stay constant along integrated trajectories ----------------------------------


@pytest.mark.parametrize("damping", DAMPINGS)
def test_laws_hold_numerically(damping):
    np = pytest.importorskip("numpy")
    solve_ivp = pytest.importorskip("scipy.integrate").solve_ivp
    sys = momentum_flow(linear([2, 3, 2]), damping=damping)
    D = sys.parameter_dim
    theta, vel = sys.ring.sympy_symbols()[:D], sys.ring.sympy_symbols()[D : 2 * D]
    t = sympy.Symbol("t")
    rng = np.random.default_rng(0)
    X, Yd = rng.normal(size=(5, 2)), rng.normal(size=(5, 2))
    phi = sympy.Matrix(2, 2, list(sys.model.phi_exprs))
    loss = sum((sympy.Matrix(X) * phi - sympy.Matrix(Yd)).applyfunc(lambda e: e**2)) / 2  # square loss
    grad = sympy.lambdify([theta], [sympy.diff(loss, th) for th in theta], "numpy")
    tau_of = {"heavy-ball": lambda s: 1.0, "none": lambda s: 0.0, "nesterov": lambda s: 3.0 / s}[damping]

    def rhs(s, z):
        th, v = z[:D], z[D:]
        return np.concatenate([v, -tau_of(s) * v - np.asarray(grad(th), dtype=float)])

    t0 = 1.0 if damping == "nesterov" else 0.0
    z0 = rng.normal(size=2 * D)
    sol = solve_ivp(rhs, (t0, t0 + 2.0), z0, method="DOP853", rtol=1e-11, atol=1e-12, dense_output=True)
    assert sol.success

    def values(expr):
        f = sympy.lambdify([theta, vel, t], expr, "numpy")
        return np.array([f(z[:D], z[D:], s) for s, z in zip(sol.t, sol.y.T)])

    for law in sys.find_laws():
        h = values(sys.time_expr(law))
        assert np.max(np.abs(h - h[0])) <= 1e-8 * max(1.0, abs(h[0]))
    # a gradient-flow law (an entry of U1ᵀU1 − U2U2ᵀ) is not a momentum law: it drifts
    W = weight_names([2, 3, 2])
    U1 = sympy.Matrix([[sympy.Symbol(n) for n in row] for row in W[0]])
    U2 = sympy.Matrix([[sympy.Symbol(n) for n in row] for row in W[1]])
    h = values((U1.T * U1 - U2 * U2.T)[0, 0])
    assert np.max(np.abs(h - h[0])) > 1e-3


# -- bad inputs -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"damping": "heavy_ball"}, BadArgumentError, "damping"),
        ({"damping": None}, BadArgumentError, "damping"),
        ({"tau": 0.5}, InexactValueError, "tau"),
        ({"tau": "0.5"}, InexactValueError, "tau"),
        ({"tau": 0}, BadArgumentError, "tau: must be a positive rational"),
        ({"tau": "-1/2"}, BadArgumentError, "tau: must be a positive rational"),
        ({"tau": "abc"}, BadArgumentError, "tau"),
        ({"tau": True}, BadArgumentError, "tau"),
        ({"damping": "nesterov", "tau": 1}, BadArgumentError, "tau: only applies to damping='heavy-ball'"),
        ({"damping": "none", "tau": 1}, BadArgumentError, "tau: only applies"),
        ({"alpha": 3}, BadArgumentError, "alpha: only applies to damping='nesterov'"),
        ({"damping": "none", "alpha": 3}, BadArgumentError, "alpha: only applies"),
        ({"damping": "nesterov", "alpha": "3/2"}, BadArgumentError, "alpha: must be a positive integer"),
        ({"damping": "nesterov", "alpha": 0}, BadArgumentError, "alpha: must be a positive integer"),
        ({"damping": "nesterov", "alpha": 3.0}, InexactValueError, "alpha"),
    ],
)
def test_bad_options(kwargs, error, match):
    with pytest.raises(error, match=match):
        momentum_flow(linear([1, 2, 1]), **kwargs)


def test_bad_arguments():
    with pytest.raises(BadArgumentError, match="model"):
        momentum_flow("linear")
    with pytest.raises(BadArgumentError, match=r"clash"):
        momentum_flow(custom(["x*v_x"], params="x,v_x"))
    with pytest.raises(BadArgumentError, match=r"clash"):
        momentum_flow(custom(["s*t"], params="s,t"))
    with pytest.raises(BadArgumentError, match=r"clash"):
        momentum_flow(custom(["s*y"], params="s,y"))
    assert momentum_flow(custom(["s*y"], params="s,y"), damping="none").ring.symbols[-1] == "t"
    sys = momentum_flow(linear([1, 2, 1]))
    for kw, name in (({"degree": 0}, "degree"), ({"degree": True}, "degree"), ({"degree": 1.0}, "degree"),
                     ({"time_degree": -1}, "time_degree"), ({"time_degree": False}, "time_degree")):
        with pytest.raises(BadArgumentError, match=name):
            sys.find_laws(**kw)
    with pytest.raises(BadArgumentError, match="system"):
        momentum_laws(make_system(linear([1, 2, 1])))
    with pytest.raises(BadArgumentError, match="fields"):
        homogeneity_weights([])
    with pytest.raises(IncompatibleRingError):
        homogeneity_weights([sys.generators[0], make_system(linear([1, 2, 1])).generators[0]])
    with pytest.raises(BadArgumentError, match="flow"):
        make_system(linear([1, 2, 1]), flow="momentumm")
