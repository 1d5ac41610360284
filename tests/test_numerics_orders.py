"""Measured orders: GD breaks laws at O(h); HB/NAG follow the rescaled gradient flow at O(h)
and the flow of the modified loss f + c h |grad f|^2 at O(h^2), with c derived per method."""

import pytest

np = pytest.importorskip("numpy")
pytest.importorskip("scipy")

from lieflow.errors import BadArgumentError  # noqa: E402
from lieflow.numerics.known import gradient_flow_laws  # noqa: E402
from lieflow.numerics.modified import modified_flow, modified_loss_coefficient  # noqa: E402
from lieflow.numerics.networks import initial_parameters, network  # noqa: E402
from lieflow.numerics.orders import (  # noqa: E402
    fit_order,
    flow_distance_order,
    law_drift_order,
    measure_order,
)

HS = [0.0125, 0.00625, 0.003125, 0.0015625]  # small enough to be in the asymptotic regime
TOL = 0.25


@pytest.fixture(scope="module")
def setup():
    net = network("linear", [2, 2, 2], seed=1)
    return net, initial_parameters(net, seed=1, scale=0.5)


def test_fit_order_recovers_a_power_law():
    fit = fit_order([0.1, 0.05, 0.025], [3 * 0.1**1.5, 3 * 0.05**1.5, 3 * 0.025**1.5])
    assert fit.slope == pytest.approx(1.5) and fit.predict(0.2) == pytest.approx(3 * 0.2**1.5)
    assert measure_order(lambda h: h**2, [0.1, 0.2], expected=2).to_dict()["slope"] == \
        pytest.approx(2)
    with pytest.raises(BadArgumentError):
        fit_order([0.1], [1.0])
    with pytest.raises(BadArgumentError):
        fit_order([0.1, 0.2], [0.0, 1.0])


def test_modified_loss_coefficients():
    assert modified_loss_coefficient("gd") == 0.25
    for beta in (0.0, 0.3, 0.9):
        assert modified_loss_coefficient("hb", beta=beta) == pytest.approx(
            (1 + beta) / (4 * (1 - beta) ** 2))
        assert modified_loss_coefficient("nag", beta=beta) == pytest.approx(
            (1 - beta + 2 * beta**2) / (4 * (1 - beta) ** 2))
    assert modified_loss_coefficient("hb", beta=0.0) == modified_loss_coefficient("gd")
    with pytest.raises(BadArgumentError):
        modified_loss_coefficient("adam")


def test_modified_flow_field(setup):
    net, theta = setup
    tr = modified_flow(net, theta, lr=0.1, duration=0.5, optimizer="hb", beta=0.5, n_points=2)
    g = net.gradient(theta)
    expected = -(g + 2 * 1.5 * 0.1 * net.hvp(theta, g)) / 0.5
    assert np.allclose(tr.velocities[0], expected)


def test_gd_breaks_gradient_flow_laws_at_first_order(setup):
    net, theta = setup
    fit = law_drift_order(net, gradient_flow_laws("linear", [2, 2, 2]), theta, hs=HS,
                          duration=2.0, optimizer="gd")
    assert abs(fit.slope - 1) < TOL, fit


@pytest.mark.parametrize("optimizer", ["gd", "hb", "nag"])
def test_iterates_follow_the_rescaled_gradient_flow_at_first_order(setup, optimizer):
    net, theta = setup
    fit = flow_distance_order(net, theta, hs=HS, duration=2.0, optimizer=optimizer, beta=0.5)
    assert abs(fit.slope - 1) < TOL, fit


@pytest.mark.parametrize("optimizer,beta", [("gd", 0.0), ("hb", 0.5), ("nag", 0.5)])
def test_modified_flow_is_followed_at_second_order(setup, optimizer, beta):
    net, theta = setup
    fit = flow_distance_order(net, theta, hs=HS, duration=2.0, optimizer=optimizer, beta=beta,
                              reference="modified")
    assert abs(fit.slope - 2) < TOL, fit


def test_heavy_ball_with_large_momentum_at_second_order(setup):
    net, theta = setup
    fit = flow_distance_order(net, theta, hs=HS[:3], duration=1.0,
                              optimizer="hb", beta=0.8, reference="modified")
    assert abs(fit.slope - 2) < TOL, fit


@pytest.mark.parametrize("optimizer,wrong", [("nag", "hb"), ("hb", "nag"), ("gd", None)])
def test_a_wrong_coefficient_leaves_first_order(setup, optimizer, wrong):
    net, theta = setup
    c = 0.0 if wrong is None else modified_loss_coefficient(wrong, beta=0.5)
    fit = flow_distance_order(net, theta, hs=HS, duration=2.0, optimizer=optimizer, beta=0.5,
                              reference="modified", c=c)
    assert abs(fit.slope - 1) < TOL, fit


def test_starting_at_rest_leaves_first_order(setup):
    net, theta = setup
    fit = flow_distance_order(net, theta, hs=HS, duration=2.0, optimizer="hb", beta=0.5,
                              reference="modified", start="rest")
    assert abs(fit.slope - 1) < TOL, fit


def test_steps_must_divide_the_horizon(setup):
    net, theta = setup
    with pytest.raises(BadArgumentError):
        flow_distance_order(net, theta, hs=[0.03, 0.015], duration=1.0)
