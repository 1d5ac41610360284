"""Discrete optimizers: update rules, and the exact discrete heavy-ball invariant."""

import pytest

np = pytest.importorskip("numpy")
pytest.importorskip("scipy")

from lieflow.errors import BadArgumentError  # noqa: E402
from lieflow.numerics.known import discrete_heavy_ball_laws, gradient_flow_laws  # noqa: E402
from lieflow.numerics.laws import law_drift  # noqa: E402
from lieflow.numerics.networks import initial_parameters, network  # noqa: E402
from lieflow.numerics.optimizers import (  # noqa: E402
    gradient_descent,
    heavy_ball,
    mirror_descent,
    momentum_descent,
    nesterov,
    optimize,
)


class Quadratic:
    """f(x) = x^T A x / 2 with A = diag(1, 3)."""

    parameters = ("x", "y")
    A = np.diag([1.0, 3.0])

    def gradient(self, x):
        return self.A @ x


def reference(x0, v0, h, beta, a, steps):
    q = Quadratic()
    prev, x, out = x0 - h * v0, x0.copy(), [x0.copy()]
    for _ in range(steps):
        x, prev = x + beta * (x - prev) - h * q.gradient(x + a * (x - prev)), x
        out.append(x)
    return np.array(out)


@pytest.mark.parametrize("method,a", [(heavy_ball, 0.0), (nesterov, 0.6)])
def test_update_rule(method, a):
    x0, v0 = np.array([1.0, -2.0]), np.array([0.5, 0.1])
    tr = method(Quadratic(), x0, lr=0.1, beta=0.6, steps=7, v0=v0)
    assert np.allclose(tr.states, reference(x0, v0, 0.1, 0.6, a, 7), rtol=1e-14)
    assert np.allclose(tr.times, 0.1 * np.arange(8))
    assert np.allclose(tr.velocities[0], v0)
    assert np.allclose(tr.velocities[1:], np.diff(tr.states, axis=0) / 0.1)


def test_gd_is_beta_zero_and_record_every():
    x0 = np.array([1.0, 1.0])
    gd = gradient_descent(Quadratic(), x0, lr=0.1, steps=10)
    assert np.allclose(gd.states, reference(x0, np.zeros(2), 0.1, 0.0, 0.0, 10))
    sub = momentum_descent(Quadratic(), x0, lr=0.1, steps=10, record_every=4)
    assert sub.times.tolist() == pytest.approx([0.0, 0.4, 0.8, 1.0])
    assert np.allclose(sub.states, gd.states[[0, 4, 8, 10]])
    assert optimize(Quadratic(), x0, "gd", lr=0.1, steps=10).method == "gradient-descent"


@pytest.mark.parametrize("widths", [[2, 3, 2], [2, 2, 2, 1]])
def test_heavy_ball_keeps_the_discrete_invariant_nesterov_does_not(widths):
    net = network("linear", widths, seed=3)
    theta0 = initial_parameters(net, seed=1)
    v0 = 0.3 * np.random.default_rng(5).standard_normal(net.dim)
    beta, lr, steps = 0.9, 0.05, 60  # beta**(-60) ~ 5e2: round-off stays small
    laws = discrete_heavy_ball_laws(widths, beta=beta, lr=lr)
    hb = heavy_ball(net, theta0, lr=lr, beta=beta, steps=steps, v0=v0)
    nag = nesterov(net, theta0, lr=lr, beta=beta, steps=steps, v0=v0)
    assert law_drift(laws, hb).rel_drift.max() < 1e-11
    assert law_drift(laws, nag).rel_drift.max() > 1e-4
    # and heavy ball does not keep the gradient-flow laws
    assert law_drift(gradient_flow_laws("linear", widths), hb).rel_drift.max() > 1e-3


def test_discrete_invariant_convention_by_hand():
    """beta^{-k} (W_k^T W_{k+1} - W_{k+1}^T W_k), W = [U1; U2^T], is constant."""
    net = network("linear", [3, 2, 2], seed=0)
    theta0 = initial_parameters(net, seed=0)
    v0 = 0.2 * np.random.default_rng(1).standard_normal(net.dim)
    beta = 0.8
    tr = heavy_ball(net, theta0, lr=0.05, beta=beta, steps=30, v0=v0)

    def W(x):
        (U1, U2), _ = net.unpack(x)
        return np.vstack([U1, U2.T])

    Q = [beta ** -k * (W(a).T @ W(b) - W(b).T @ W(a))
         for k, (a, b) in enumerate(zip(tr.states[:-1], tr.states[1:]))]
    assert abs(Q[0][0, 1]) > 1e-3
    assert max(np.abs(q - Q[0]).max() for q in Q) < 1e-12
    # the same quantity written as beta**(-t/h) A(theta_k, v_k) with backward velocities
    rep = law_drift(discrete_heavy_ball_laws([3, 2, 2], beta=beta, lr=0.05), tr)
    assert rep.values[1:, 0] * 0.05 * beta == pytest.approx(
        [q[0, 1] for q in Q], rel=1e-10)


def test_mirror_descent_is_multiplicative_and_nearly_keeps_nmf_laws():
    net = network("nmf", [3, 2, 3], seed=0)
    theta0 = initial_parameters(net, seed=1)
    tr = mirror_descent(net, theta0, lr=0.05, steps=40)
    assert np.allclose(tr.states[1], theta0 * np.exp(-0.05 * net.gradient(theta0)))
    assert (tr.states > 0).all()
    drift = law_drift(gradient_flow_laws("nmf", [3, 2, 3]), tr).rel_drift.max()
    assert 1e-7 < drift < 1e-2  # a first-order error, not a law
    icnn = network("icnn", [2, 2, 1], seed=0)
    th = initial_parameters(icnn, seed=0)
    step = mirror_descent(icnn, th, lr=0.1, steps=1).states[1]
    g = icnn.gradient(th)
    m = icnn.mirror_mask
    assert np.allclose(step[m], th[m] * np.exp(-0.1 * g[m]))
    assert np.allclose(step[~m], th[~m] - 0.1 * g[~m])


@pytest.mark.parametrize(
    "kwargs",
    [dict(lr=0.0), dict(lr=float("nan")), dict(beta=1.0), dict(beta=-0.1), dict(steps=0),
     dict(steps=2.5), dict(v0=np.zeros(3))],
)
def test_bad_arguments(kwargs):
    args = dict(lr=0.1, beta=0.5, steps=3)
    args.update(kwargs)
    with pytest.raises(BadArgumentError):
        heavy_ball(Quadratic(), np.ones(2), **args)


def test_divergence_names_the_learning_rate():
    with pytest.raises(BadArgumentError, match="lr"):
        gradient_descent(network("linear", [2, 2, 1]), np.ones(6), lr=100.0, steps=50)
    with pytest.raises(BadArgumentError, match="mirror"):
        mirror_descent(network("linear", [2, 2, 1]), np.ones(6), lr=0.1, steps=2)
    with pytest.raises(BadArgumentError):
        optimize(Quadratic(), np.ones(2), "adam", lr=0.1, steps=2)
