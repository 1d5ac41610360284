"""Figures: drift curves and order plots return their axes and save without a display."""

import pytest

np = pytest.importorskip("numpy")
pytest.importorskip("scipy")
matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

from lieflow.numerics.flows import gradient_flow  # noqa: E402
from lieflow.numerics.known import gradient_flow_laws  # noqa: E402
from lieflow.numerics.laws import law_drift  # noqa: E402
from lieflow.numerics.networks import initial_parameters, network  # noqa: E402
from lieflow.numerics.optimizers import gradient_descent  # noqa: E402
from lieflow.numerics.orders import fit_order  # noqa: E402
from lieflow.numerics.plots import plot_drift, plot_orders  # noqa: E402


def reports():
    net = network("relu", [2, 3, 1], seed=0)
    theta = initial_parameters(net, seed=0)
    laws = gradient_flow_laws("relu", [2, 3, 1])
    flow = law_drift(laws, gradient_flow(net, theta, duration=1.0, n_points=11))
    gd = law_drift(laws, gradient_descent(net, theta, lr=0.1, steps=10), labels=["a", "b", "c"])
    return flow, gd


def test_plot_drift_new_axes_and_file(tmp_path):
    flow, gd = reports()
    ax = plot_drift([flow, gd], title="relu")
    assert ax.get_yscale() == "log" and ax.get_title() == "relu"
    assert len(ax.get_lines()) == 6
    for line in ax.get_lines():
        assert (line.get_ydata() > 0).all()
    path = tmp_path / "drift.png"
    ax.figure.savefig(path)
    assert path.stat().st_size > 1000


def test_plot_drift_on_given_axes_and_curve_limit():
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    try:
        flow, _ = reports()
        out = plot_drift(flow, ax=ax, max_curves=2)
        assert out is ax
        labels = [t.get_text() for t in ax.get_legend().get_texts()]
        assert len(labels) == 3 and labels[-1] == "+1 more laws not drawn"
    finally:
        plt.close(fig)


def test_plot_orders_legend_has_the_slope():
    fits = [fit_order([0.1, 0.05, 0.025], [1e-2, 5e-3, 2.5e-3], label="gd", expected=1),
            fit_order([0.1, 0.05, 0.025], [1e-2, 2.5e-3, 6.25e-4], label="modified")]
    ax = plot_orders(fits)
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert texts == ["gd: slope 1.00 (predicted 1)", "modified: slope 2.00"]
    assert ax.get_xscale() == "log" and len(ax.get_lines()) == 4
