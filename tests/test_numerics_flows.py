"""Continuous flows: proven laws stay constant to integrator accuracy, non-laws drift."""

import pytest

np = pytest.importorskip("numpy")
pytest.importorskip("scipy")
sympy = pytest.importorskip("sympy")

from lieflow.errors import BadArgumentError, LimitExceededError  # noqa: E402
from lieflow.numerics.flows import (  # noqa: E402
    gradient_flow,
    integrate,
    mirror_flow,
    momentum_flow,
)
from lieflow.numerics.known import (  # noqa: E402
    gradient_flow_laws,
    linear_momentum_laws,
    momentum_time_factor,
)
from lieflow.numerics.laws import law_drift  # noqa: E402
from lieflow.numerics.networks import initial_parameters, network  # noqa: E402

LAW_TOL = 1e-8
BROKEN = 1e-3


def sum_of_squares(names):
    return sum(sympy.Symbol(n) ** 2 for n in names)


@pytest.mark.parametrize(
    "kind,widths,bias,loss",
    [
        ("linear", [2, 3, 2], False, "square"),
        ("linear", [2, 2, 2, 1], False, "cross-entropy"),
        ("relu", [2, 3, 2], True, "cross-entropy"),
    ],
)
def test_gradient_flow_keeps_laws_and_moves_a_non_law(kind, widths, bias, loss):
    net = network(kind, widths, bias=bias, loss=loss, seed=1)
    tr = gradient_flow(net, initial_parameters(net, seed=2), duration=2.0, n_points=41)
    laws = law_drift(gradient_flow_laws(kind, widths, bias=bias), tr)
    assert laws.rel_drift.max() < LAW_TOL
    non_law = law_drift([sum_of_squares(net.parameters)], tr)
    assert non_law.rel_drift[0] > BROKEN
    assert net.loss(tr.final) < net.loss(tr.states[0])
    # velocities are the field: theta' = -grad L
    assert np.allclose(tr.velocities[5], -net.gradient(tr.states[5]))


def test_custom_model_flow():
    net = network("custom", phi=["x1*x2*x3"], seed=0)
    tr = gradient_flow(net, np.array([0.7, -0.4, 0.9]), duration=3.0, n_points=31)
    rep = law_drift(["x2**2 - x1**2", "x3**2 - x1**2", "x1*x2"], tr)
    assert rep.rel_drift[:2].max() < LAW_TOL and rep.rel_drift[2] > BROKEN


@pytest.mark.parametrize("kind,widths,bias", [("nmf", [3, 2, 3], False), ("icnn", [2, 2, 1], True)])
def test_mirror_flow_keeps_mirror_laws_not_euclidean_ones(kind, widths, bias):
    net = network(kind, widths, bias=bias, seed=0)
    theta0 = initial_parameters(net, seed=1)
    tr = mirror_flow(net, theta0, duration=2.0, n_points=41)
    assert law_drift(gradient_flow_laws(kind, widths, bias=bias), tr).rel_drift.max() < LAW_TOL
    assert (tr.states[:, net.mirror_mask] > 0).all()
    euclid = gradient_flow_laws("linear" if kind == "nmf" else "relu", widths, bias=bias)
    assert law_drift(euclid, tr).rel_drift.max() > BROKEN
    # with the Euclidean metric the mirror laws break
    tr2 = gradient_flow(net, theta0, duration=2.0, metric="euclidean", n_points=21)
    assert law_drift(gradient_flow_laws(kind, widths, bias=bias), tr2).rel_drift.max() > BROKEN


@pytest.mark.parametrize(
    "damping,kw", [("heavy-ball", {"tau": 1.0}), ("heavy-ball", {"tau": 0.5}), ("none", {}),
                   ("nesterov", {"alpha": 3.0})],
)
@pytest.mark.parametrize("widths", [[2, 3, 2], [1, 2, 2, 1]])
def test_momentum_laws_with_their_time_factor(damping, kw, widths):
    net = network("linear", widths, seed=3)
    rng = np.random.default_rng(0)
    v0 = 0.3 * rng.standard_normal(net.dim)
    tr = momentum_flow(net, initial_parameters(net, seed=1), v0, duration=3.0, damping=damping,
                       n_points=31, **kw)
    if damping == "nesterov":
        assert tr.times[0] == 1.0  # alpha/t damping starts at t0 = 1
    factor = momentum_time_factor(damping, tau=kw.get("tau", 1), alpha=kw.get("alpha", 3))
    assert law_drift(linear_momentum_laws(widths, time_factor=factor), tr).rel_drift.max() < LAW_TOL
    # A alone (no time factor) is not conserved when there is friction; gradient-flow laws break
    if damping != "none":
        assert law_drift(linear_momentum_laws(widths), tr).rel_drift.max() > BROKEN
    assert law_drift(gradient_flow_laws("linear", widths), tr).rel_drift.max() > BROKEN


def test_nmf_mirror_momentum_breaks_the_mirror_laws():
    net = network("nmf", [3, 2, 3], seed=0)
    theta0 = initial_parameters(net, seed=1)
    tr = momentum_flow(net, theta0, 0.1 * theta0, duration=3.0, n_points=31)
    assert tr.options["metric"] == "mirror"
    assert law_drift(gradient_flow_laws("nmf", [3, 2, 3]), tr).rel_drift.max() > BROKEN
    # mirror momentum: theta'' + tau theta' = -(tau theta + theta') * grad L at the start
    eps = 1e-4
    tr2 = momentum_flow(net, theta0, 0.1 * theta0, duration=eps, n_points=2)
    acc = (tr2.velocities[1] - tr2.velocities[0]) / eps
    expected = -0.1 * theta0 - (theta0 + 0.1 * theta0) * net.gradient(theta0)
    assert np.allclose(acc, expected, atol=1e-3)


def test_relu_flow_sliding_on_a_kink_is_reported():
    # with these seeds the flow reaches an activation kink near t = 3 and slides along it
    net = network("icnn", [2, 3, 1], bias=True, seed=2)
    theta0 = initial_parameters(net, seed=2)
    with pytest.raises(LimitExceededError) as info:
        gradient_flow(net, theta0, duration=5.0, max_evaluations=20_000)
    partial = info.value.partial
    assert partial.options["truncated"] and 1.0 < partial.times[-1] < 5.0
    tr = gradient_flow(net, theta0, duration=5.0, max_evaluations=20_000, on_limit="truncate")
    assert tr.options["truncated"] and len(tr) == len(partial)
    assert law_drift(gradient_flow_laws("icnn", [2, 3, 1], bias=True), tr).rel_drift.max() < LAW_TOL


def test_integrate_samples_and_accuracy():
    t, y = integrate(lambda t, y: np.array([y[1], -y[0]]), [1.0, 0.0], 0.0, 2.0, n_points=5)
    assert np.allclose(t, [0, 0.5, 1, 1.5, 2])
    assert np.allclose(y[:, 0], np.cos(t), atol=1e-10)


def test_bad_flow_arguments():
    net = network("linear", [2, 2, 1])
    theta = initial_parameters(net)
    with pytest.raises(BadArgumentError):
        gradient_flow(net, theta, duration=-1.0)
    with pytest.raises(BadArgumentError):
        mirror_flow(net, theta, duration=1.0)  # no mirror coordinates
    with pytest.raises(BadArgumentError):
        momentum_flow(net, theta, duration=1.0, damping="nesterov", t0=0.0)
    with pytest.raises(BadArgumentError):
        momentum_flow(net, theta, duration=1.0, damping="friction")
    with pytest.raises(BadArgumentError):
        momentum_flow(net, theta, np.zeros(2), duration=1.0)


def test_linear_model_with_the_mirror_metric():
    import argparse

    from lieflow.numerics.networks import parameter_names

    model = argparse.Namespace(kind="linear", widths=(2, 2, 2), bias=False, metric="mirror",
                               parameters=parameter_names([2, 2, 2]))
    net = network(model, seed=0)
    assert net.mirror_mask.all() and net.default_metric == "mirror"
    tr = gradient_flow(net, initial_parameters(net, seed=0), duration=2.0, n_points=21)
    assert tr.method == "mirror-flow"
    # per hidden unit, sum_i U1[i,k] - sum_j U2[k,j] (as for nmf)
    assert law_drift(gradient_flow_laws("nmf", [2, 2, 2]), tr).rel_drift.max() < LAW_TOL
    with pytest.raises(BadArgumentError):
        network("nmf", [2, 2, 2], metric="euclidean")
    with pytest.raises(BadArgumentError):
        network("linear", [2, 2], metric="fisher")


def test_metric_object_with_mirrored_indices():
    import argparse

    metric = argparse.Namespace(mirrored=(4, 5))
    net = network("linear", [2, 2, 1], seed=0, metric=metric)
    assert net.mirror_mask.tolist() == [False] * 4 + [True] * 2
    with pytest.raises(BadArgumentError):
        network("linear", [2, 2, 1], metric=argparse.Namespace(mirrored=(9,)))
