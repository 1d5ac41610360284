"""lieflow.testing: each assertion passes on closed forms and fails, with its message, otherwise.

Expected residuals are computed here with plain sympy (∇h · P∇φ_i), independently of lieflow's
polynomial arithmetic.
"""

from dataclasses import replace
from fractions import Fraction

import pytest
import sympy
from hypothesis import given, settings

import lieflow
from lieflow.census import Law
from lieflow.errors import BadArgumentError, NotPolynomialError
from lieflow.loglaws import LogLaw
from lieflow.models import custom, linear, nmf, relu, weight_names
from lieflow.strategies import models
from lieflow.testing import (
    Witness,
    assert_census_equal,
    assert_conserved,
    assert_drift_below,
    assert_law_count,
    assert_not_conserved,
)


def _sympy_residuals(h, phi, names):
    """{i: ∇h·∇φ_i} for the Euclidean gradient flow, by sympy alone."""
    syms = sympy.symbols(names)
    h = sympy.sympify(h)
    out = {}
    for i, comp in enumerate(phi):
        comp = sympy.sympify(comp)
        r = sympy.expand(sum(sympy.diff(h, s) * sympy.diff(comp, s) for s in syms))
        if r != 0:
            out[f"X{i + 1}"] = r
    return out


def _linear_two_layer_laws(n, r, m):
    """Entries of U1^T U1 - U2 U2^T (DESIGN §2), upper triangle."""
    W = weight_names([n, r, m])
    U1 = sympy.Matrix(n, r, lambda i, j: sympy.Symbol(W[0][i][j]))
    U2 = sympy.Matrix(r, m, lambda i, j: sympy.Symbol(W[1][i][j]))
    A = U1.T * U1 - U2 * U2.T
    return [A[i, j] for i in range(r) for j in range(i, r)]


# -- assert_conserved ----------------------------------------------------------------------------
@pytest.mark.parametrize("ws", [(2, 2, 2), (2, 3, 1), (1, 2, 3)])
def test_conserved_linear_closed_form(ws):
    for h in _linear_two_layer_laws(*ws):
        assert assert_conserved(h, linear(ws)) is None


def test_conserved_accepts_strings_polys_laws_and_censuses():
    m = custom(["x1*x2*x3"])
    c = lieflow.census(m)
    assert_conserved("x2**2 - x1**2", m)
    assert_conserved(sympy.sympify("x3**2 - x2**2"), c)  # the census fixes the flow
    assert_conserved(c.system.ring.from_sympy("x1**2 - x3**2"), c.system)
    for law in c.laws:
        assert_conserved(law, m)


def test_conserved_nmf_mirror_law():
    # DESIGN §2: one law per hidden unit, Σ_i U_ik − Σ_j V_kj, under the mirror metric
    assert_conserved("u1_1_1 + u1_2_1 - u2_1_1 - u2_1_2", nmf([2, 1, 2]))
    with pytest.raises(AssertionError, match="the gradient flow with the mirror metric of nmf"):
        assert_conserved("u1_1_1**2 - u2_1_1**2", nmf([2, 1, 2]))
    with pytest.raises(AssertionError, match="the gradient flow of linear"):  # not a law without the metric
        assert_conserved("u1_1_1 + u1_2_1 - u2_1_1 - u2_1_2", linear([2, 1, 2]))


@pytest.mark.parametrize("damping, factor", [("heavy-ball", "exp(t)"), ("nesterov", "t**3"), ("heavy-ball", None)])
def test_conserved_momentum_laws(damping, factor):
    # e^{τt} A and t^α A with A = U^T U' − U'^T U + V^T V' − V'^T V (DESIGN §3), linear [1, 2, 1]
    A = "(u1_1_1*v_u1_1_2 - u1_1_2*v_u1_1_1 + u2_1_1*v_u2_2_1 - u2_2_1*v_u2_1_1)"
    m = linear([1, 2, 1])
    if factor is None:  # without its time factor, A is not conserved under friction
        w = assert_not_conserved(A, m, flow="momentum")
        assert w.generator == "X0"
    else:
        assert_conserved(f"{factor}*{A}", m, flow="momentum", damping=damping)


def test_conserved_heavy_ball_with_tau():
    A = "(u1_1_1*v_u1_1_2 - u1_1_2*v_u1_1_1 + u2_1_1*v_u2_2_1 - u2_2_1*v_u2_1_1)"
    assert_conserved(f"exp(t/2)*{A}", linear([1, 2, 1]), flow="momentum", tau="1/2")
    with pytest.raises(AssertionError, match="X0"):
        assert_conserved(f"exp(t)*{A}", linear([1, 2, 1]), flow="momentum", tau="1/2")


def test_conserved_failure_lists_every_failing_generator_with_its_residual():
    phi = ["x1*x2", "x2*x3", "x1*x3"]
    h = "x1**2 - x2**2"
    expected = _sympy_residuals(h, phi, ["x1", "x2", "x3"])
    assert set(expected) == {"X2", "X3"}
    with pytest.raises(AssertionError) as info:
        assert_conserved(h, custom(phi))
    msg = str(info.value)
    assert msg.startswith("h = x1**2 - x2**2 is not conserved by the gradient flow of custom(")
    assert "X(h) != 0 for 2 of its 3 generators:" in msg
    assert "X1(h)" not in msg
    lines = {line.split("(h) = ")[0].strip(): line.split("(h) = ")[1] for line in msg.splitlines()[1:]}
    assert {k: sympy.expand(sympy.sympify(v)) for k, v in lines.items()} == expected


def test_conserved_message_is_cut_after_a_few_generators():
    m = relu([1, 8, 1])  # 8 generators; x**3 of the first weight fails for 1; a sum fails for all
    h = " + ".join(f"u1_1_{k}" for k in range(1, 9))
    with pytest.raises(AssertionError) as info:
        assert_conserved(h, m)
    msg = str(info.value)
    assert "for 8 of its 8 generators" in msg and "... and 2 more" in msg


def test_conserved_log_law():
    m = custom(["2*x1 + x2*x3**2 + 3*x2", "x1**2"])
    c = lieflow.census(m)
    [law] = c.laws
    assert not law.is_polynomial
    assert_conserved(law, m)
    assert_conserved(law.log_law, m)
    assert_conserved(sympy.sympify("x2**2 - x3**2/2 - 3*log(Abs(x3))"), m)  # as printed, rescaled
    assert_conserved(sympy.sympify("2*x2**2 - x3**2 - 6*log(x3)"), m)  # log x3 for x3 > 0: same gradient
    with pytest.raises(AssertionError, match=r"h = 2\*x2\*\*2 - x3\*\*2 - 4\*log\(Abs\(x3\)\)"):
        assert_conserved(sympy.sympify("2*x2**2 - x3**2 - 4*log(Abs(x3))"), m)
    wrong = LogLaw(law.log_law.poly, [("x3", -5)])  # the right coefficient is -6
    with pytest.raises(AssertionError, match=r"X1\(h\) = ") as info:
        assert_conserved(wrong, m)
    # X1 = ∇φ1 = (2, x3², 2 x2 x3 + 3·0...) : check the residual against sympy's own derivative
    x1, x2, x3 = sympy.symbols("x1:4")
    h = 2 * x2**2 - x3**2 - 5 * sympy.log(x3)
    phi1 = 2 * x1 + x2 * x3**2 + 3 * x2
    expected = sympy.cancel(sum(sympy.diff(h, s) * sympy.diff(phi1, s) for s in (x1, x2, x3)))
    shown = str(info.value).split("X1(h) = ")[1].splitlines()[0]
    assert sympy.simplify(sympy.sympify(shown) - expected) == 0


def test_conserved_bad_arguments():
    m = custom(["x*y"])
    with pytest.raises(BadArgumentError, match="^model: "):
        assert_conserved("x", "relu")
    with pytest.raises(NotPolynomialError, match="^h: .*division"):
        assert_conserved("x/y", m)
    with pytest.raises(BadArgumentError, match="^h: .*linear forms"):
        assert_conserved(sympy.sympify("log(x*y)"), m)
    with pytest.raises(NotPolynomialError, match="^h: .*product of logarithms"):
        assert_conserved(sympy.sympify("log(x)*log(y)"), m)
    with pytest.raises(NotPolynomialError, match="^h: "):
        assert_conserved("w*x", m)  # w is not a parameter
    other = lieflow.census(custom(["a*b"])).laws[0]
    with pytest.raises(BadArgumentError, match="^h: .*variables"):
        assert_conserved(other, m)
    c = lieflow.census(m)
    with pytest.raises(BadArgumentError, match="^damping: "):
        assert_conserved("x**2 - y**2", c, damping="nesterov")
    with pytest.raises(BadArgumentError, match="^damping: "):
        assert_conserved("x**2 - y**2", m, damping="nesterov")  # gradient flows take no damping
    with pytest.raises(NotPolynomialError, match="exp"):
        assert_conserved("exp(t/3)*x", m, flow="momentum")


# -- assert_not_conserved ------------------------------------------------------------------------
def test_not_conserved_returns_the_first_witness():
    phi = ["x1*x2", "x2*x3", "x1*x3"]
    w = assert_not_conserved("x1**2 - x2**2", custom(phi))
    assert isinstance(w, Witness) and w.generator == "X2"
    expected = _sympy_residuals("x1**2 - x2**2", phi, ["x1", "x2", "x3"])["X2"]
    assert sympy.expand(w.residual - expected) == 0
    assert str(w).startswith("X2(h) = ")


def test_not_conserved_fails_for_a_law():
    with pytest.raises(AssertionError) as info:
        assert_not_conserved("u1_1_1**2 + u1_2_1**2 - u2_1_1**2", relu([2, 1, 1]))
    assert str(info.value) == (
        "h = u1_1_1**2 + u1_2_1**2 - u2_1_1**2 is conserved by the gradient flow of relu[2, 1, 1]: "
        "every generator annihilates it (X1, X2)"
    )


def test_relu_loses_its_laws_under_momentum():
    # DESIGN §3: no law survives momentum for ReLU networks
    h = "u1_1_1**2 + u1_2_1**2 - u2_1_1**2"
    assert_conserved(h, relu([2, 1, 1]))
    assert_not_conserved(h, relu([2, 1, 1]), flow="momentum")


# -- assert_law_count -----------------------------------------------------------------------------
@pytest.mark.parametrize("ws", [(2, 2, 2), (2, 3, 2), (3, 2, 1)])
def test_law_count_closed_forms(ws):
    r = ws[1]
    c = assert_law_count(linear(ws), r * (r + 1) // 2)
    assert c.proven


def test_law_count_wrong_number():
    with pytest.raises(AssertionError) as info:
        assert_law_count(relu([2, 3, 1]), 2)
    msg = str(info.value)
    assert msg.startswith("the gradient flow of relu[2, 3, 1] has 3 independent laws (proven: explicit laws), not 2")
    assert "u1_1_1**2 + u1_2_1**2 - u2_1_1**2" in msg


def test_law_count_unproven():
    c = lieflow.census(linear([2, 2, 2]), degree=1)  # no degree-1 law: lower bound 0
    fake = replace(c, proven=False, count_proof=None, count_certificate=None)  # whatever proof may exist
    with pytest.raises(AssertionError) as info:
        assert_law_count(fake, 3)
    assert str(info.value) == (
        "the number of laws of the gradient flow of linear[2, 2, 2] is not proven: 0 <= #laws <= 3 "
        "(closure: closed); expected exactly 3"
    )


def test_law_count_passes_options_to_the_census():
    # r(r-1)/2 = 1 law t^α A for r = 2 (DESIGN §3), in phase space of dimension 2D + 1
    c = assert_law_count(linear([2, 2, 2]), 1, flow="momentum", damping="nesterov", seed=3)
    assert c.certificate.seed == 3 and c.ambient_dim == 17


@pytest.mark.parametrize("n", [-1, True, 1.5, "2", None])
def test_law_count_bad_n(n):
    with pytest.raises(BadArgumentError, match="^n: "):
        assert_law_count(linear([1, 1, 1]), n)


def test_law_count_census_with_options_is_refused():
    c = lieflow.census(linear([1, 1, 1]))
    with pytest.raises(BadArgumentError, match="^model: "):
        assert_law_count(c, 1, degree=3)


# -- assert_census_equal --------------------------------------------------------------------------
def _law(c, expr):
    p = c.system.ring.from_sympy(expr)
    return Law(p, p.as_expr())


def test_census_equal_ignores_basis_order_and_scale():
    c = lieflow.census(linear([2, 2, 2]))
    h1, h2, h3 = (law.poly for law in c.laws)
    other = [h3 * Fraction(-1, 2), h1 + h2, h2 * 3 - h1]
    rebased = replace(c, laws=tuple(Law(p, p.as_expr()) for p in other))
    assert_census_equal(c, rebased)
    assert_census_equal(c, lieflow.census_from_json(c.to_json()))
    assert_census_equal(c, lieflow.census(linear([2, 2, 2]), seed=11))


def test_census_equal_reports_a_changed_law():
    c = lieflow.census(relu([2, 2, 1]))
    changed = replace(c, laws=(c.laws[0], _law(c, "u1_1_2**2 - u2_2_1**2")))
    with pytest.raises(AssertionError) as info:
        assert_census_equal(c, changed)
    assert str(info.value) == (
        "the censuses differ:\n"
        "  laws: the spans differ (dimensions 2 and 2)\n"
        "    only in the first:  u1_1_2**2 + u1_2_2**2 - u2_2_1**2\n"
        "    only in the second: u1_1_2**2 - u2_2_1**2"
    )


def test_census_equal_reports_counts_and_flow():
    a = lieflow.census(linear([2, 2, 2]))
    b = lieflow.census(linear([2, 2, 2]), flow="momentum")
    with pytest.raises(AssertionError) as info:
        assert_census_equal(a, b)
    msg = str(info.value)
    for needle in ("flow: 'gradient' != 'momentum'", "damping: None != 'heavy-ball'", "ambient_dim: 8 != 17",
                   "laws_upper: 3 != 1", "tau: None != 1"):
        assert needle in msg


def test_census_equal_bad_arguments():
    c = lieflow.census(linear([1, 1, 1]))
    with pytest.raises(BadArgumentError, match="^b: "):
        assert_census_equal(c, c.to_json())


@settings(max_examples=10, deadline=None)
@given(models(kinds=("linear", "relu", "custom"), max_dim=8))
def test_census_equal_json_round_trip_and_other_seed(model):
    c = lieflow.census(model)
    assert_census_equal(c, lieflow.census_from_json(c.to_json()))
    if c.proven:  # facts do not depend on the certificate point
        assert_census_equal(c, lieflow.census(model, seed=5))


# -- assert_drift_below ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def linear_flow():
    pytest.importorskip("numpy")
    pytest.importorskip("scipy")
    from lieflow.numerics import gradient_flow, initial_parameters, network

    net = network("linear", [2, 2, 1], seed=1)
    return gradient_flow(net, initial_parameters(net, seed=1), duration=2.0, n_points=41)


def test_drift_below_for_proven_laws(linear_flow):
    c = lieflow.census(linear([2, 2, 1]))
    report = assert_drift_below(c, linear_flow, 1e-7)
    assert len(report.labels) == c.laws_lower == 3
    assert_drift_below(c.laws[0], linear_flow, 1e-7)
    assert_drift_below([str(h) for h in c.laws], linear_flow, 1e-7, relative=True)


def test_drift_below_fails_for_a_non_law(linear_flow):
    import numpy as np

    h = "u1_1_1**2 + u1_2_1**2"  # incoming weights only: not conserved
    i, j = (linear_flow.parameters.index(n) for n in ("u1_1_1", "u1_2_1"))
    values = linear_flow.states[:, i] ** 2 + linear_flow.states[:, j] ** 2
    drift = np.max(np.abs(values - values[0]))
    assert drift > 1e-3
    with pytest.raises(AssertionError) as info:
        assert_drift_below(h, linear_flow, 1e-6)
    msg = str(info.value)
    assert msg.startswith(f"h1 = u1_1_1**2 + u1_2_1**2 drifts by {drift:.3g} > tol 1e-06 along gradient-flow")
    k = int(np.argmax(np.abs(values - values[0])))
    assert f"sample {k}/40" in msg
    assert_drift_below(h, linear_flow, 2 * drift)


@pytest.mark.parametrize("tol", [0, -1e-3, True, "1e-6", None])
def test_drift_below_bad_tol(linear_flow, tol):
    with pytest.raises(BadArgumentError, match="^tol: "):
        assert_drift_below("u1_1_1", linear_flow, tol)


def test_drift_below_bad_trajectory():
    with pytest.raises(BadArgumentError, match="^trajectory: "):
        assert_drift_below("u1_1_1", [[0.0]], 1e-6)
