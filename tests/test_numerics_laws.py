"""Law evaluation along trajectories: variables, time factors, drift scale, census adapter."""

import pytest

np = pytest.importorskip("numpy")
pytest.importorskip("scipy")
sympy = pytest.importorskip("sympy")

from lieflow.errors import BadArgumentError  # noqa: E402
from lieflow.numerics.known import (  # noqa: E402
    discrete_heavy_ball_laws,
    gradient_flow_laws,
    linear_momentum_laws,
    momentum_time_factor,
)
from lieflow.numerics.laws import (  # noqa: E402
    CompiledLaws,
    census_drift,
    compile_laws,
    evaluate_laws,
    law_drift,
    laws_from_census,
)
from lieflow.numerics.trajectory import Trajectory  # noqa: E402


def circle(n=9):
    t = np.linspace(0.0, 2.0, n)
    states = np.stack([np.cos(t), np.sin(t)], axis=1)
    velocities = np.stack([-np.sin(t), np.cos(t)], axis=1)
    return Trajectory(t, states, velocities, ("x", "y"), "circle")


def test_variables_velocities_and_time():
    tr = circle()
    vals = evaluate_laws(["x*v_y - y*v_x", "t", "exp(t)*x", "3"], tr)
    assert np.allclose(vals[:, 0], 1.0)
    assert np.allclose(vals[:, 1], tr.times)
    assert np.allclose(vals[:, 2], np.exp(tr.times) * np.cos(tr.times))
    assert np.allclose(vals[:, 3], 3.0)


def test_drift_and_scale():
    tr = circle()
    rep = law_drift(["x**2 + y**2", "x**2 + y**2 - 1", "x"], tr, labels=["r", "r0", "x"])
    assert rep.labels == ("r", "r0", "x")
    assert rep.rel_drift[0] < 1e-15
    # h = 0 at the start: the scale is the size of its terms, not |h(0)|
    assert rep.scale[1] == pytest.approx(max(np.mean([x * x, y * y, 1.0])
                                             for x, y in tr.states))
    assert rep.rel_drift[1] < 1e-15
    assert rep.rel_drift[2] == pytest.approx(1 - np.cos(2.0))
    assert rep.curves.shape == (9, 3) and rep.curves[0].max() == 0
    d = rep.to_dict()
    assert d[2]["label"] == "x" and d[2]["expression"] == "x"


def test_symbols_with_assumptions_are_matched_by_name():
    x = sympy.Symbol("x", real=True)
    y = sympy.Symbol("y", positive=True)
    assert law_drift([x**2 + y**2], circle()).rel_drift[0] < 1e-15


def test_errors():
    tr = circle()
    with pytest.raises(BadArgumentError):
        evaluate_laws(["z"], tr)
    with pytest.raises(BadArgumentError):
        CompiledLaws(["x*q"], names=("x", "y"))
    with pytest.raises(BadArgumentError):
        CompiledLaws(["x", "y"], labels=["one"])
    no_v = Trajectory(tr.times, tr.states, None, ("x", "y"), "no velocities")
    with pytest.raises(BadArgumentError):
        evaluate_laws(["v_x"], no_v)


def test_compile_once_evaluate_many():
    laws = compile_laws(["x**2 + y**2"])
    assert compile_laws(laws) is laws and len(laws) == 1
    assert laws.drift(circle(5)).rel_drift[0] < 1e-15


class FakeLaw:
    def __init__(self, e):
        self.time_expr = sympy.sympify(e)


class FakeCensus:
    parameters = ("x", "y", "v_x", "v_y", "s")
    laws = (FakeLaw("exp(0)*(x*v_y - y*v_x)"), FakeLaw("x**2 + y**2"))


def test_census_adapter_duck_typed():
    laws = laws_from_census(FakeCensus())
    assert laws.labels == ("h1", "h2")
    assert census_drift(FakeCensus(), circle()).rel_drift.max() < 1e-14


def test_known_laws_text():
    assert [str(e) for e in gradient_flow_laws("linear", [1, 2, 1])] == [
        "u1_1_1**2 - u2_1_1**2", "u1_1_1*u1_1_2 - u2_1_1*u2_2_1", "u1_1_2**2 - u2_2_1**2"]
    assert str(momentum_time_factor("heavy-ball", tau=2)) == "exp(2*t)"
    assert linear_momentum_laws([2, 1, 2]) == []  # one hidden unit: A is 1x1, antisymmetric
    assert len(linear_momentum_laws([2, 3, 2, 2])) == 3 + 1
    with pytest.raises(BadArgumentError):
        discrete_heavy_ball_laws([2, 2, 2], beta=0.0, lr=0.1)
    with pytest.raises(BadArgumentError):
        gradient_flow_laws("nmf", [2, 2])


def test_real_census_laws_along_flows():
    lieflow = pytest.importorskip("lieflow")
    if not hasattr(lieflow, "census") or not hasattr(lieflow, "models"):
        pytest.skip("lieflow.census is not available yet")
    from lieflow.numerics.flows import gradient_flow, momentum_flow
    from lieflow.numerics.networks import initial_parameters, network

    for model in (lieflow.models.relu([2, 2, 1], bias=True), lieflow.models.nmf([2, 2, 2]),
                  lieflow.models.icnn([2, 2, 1], bias=True)):
        cen = lieflow.census(model)
        assert len(cen.laws) == 2
        net = network(model, seed=0)
        tr = gradient_flow(net, initial_parameters(net, seed=0), duration=1.0, n_points=11)
        assert census_drift(cen, tr).rel_drift.max() < 1e-8
    model = lieflow.models.linear([2, 2, 2])
    cen = lieflow.census(model, flow="momentum", damping="heavy-ball", tau=1)
    net = network(model, seed=0)
    v0 = 0.2 * np.random.default_rng(0).standard_normal(net.dim)
    tr = momentum_flow(net, initial_parameters(net, seed=0), v0, duration=2.0, n_points=11)
    rep = census_drift(cen, tr)
    assert len(rep.labels) >= 1 and rep.rel_drift.max() < 1e-8
