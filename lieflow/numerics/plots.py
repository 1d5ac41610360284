"""Figures: drift curves of laws, and measured orders with their fitted slopes.

Both functions draw on a given matplotlib ``ax`` or, with ``ax=None``, on a new
``matplotlib.figure.Figure`` (no pyplot state, no display); they return the axes.  Save with
``ax.figure.savefig(path)``.

Examples
--------
>>> from lieflow.numerics.orders import fit_order
>>> ax = plot_orders([fit_order([0.1, 0.05], [1e-2, 2.5e-3], label="gd", expected=2)])
>>> ax.get_xscale(), ax.get_legend().get_texts()[0].get_text()
('log', 'gd: slope 2.00 (predicted 2)')
"""

from __future__ import annotations

import numpy as np

__all__ = ["plot_drift", "plot_orders"]

_FLOOR = 1e-17  # relative drifts below this are drawn at this level (log axis)


def _axes(ax):
    if ax is not None:
        return ax
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7, 4.2), layout="constrained")
    return fig.add_subplot()


def _finish(ax, xlabel, ylabel, title):
    """Log y-axis, labels, grid, legend and title shared by the plots."""
    ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize="small", loc="best")
    if title:
        ax.set_title(title)
    return ax


def plot_drift(reports, ax=None, *, title=None, max_curves=12):
    """Relative drift ``|h(t) - h(t_0)| / scale`` of each law against time, on a log axis.

    Parameters
    ----------
    reports : DriftReport or sequence of DriftReport
        Several reports (e.g. gradient-flow laws and the discrete heavy-ball law) share the axes.
    ax : matplotlib axes, optional
    title : str, optional
    max_curves : int
        Draw at most this many curves per report (the ones with the largest drift); the legend
        says how many were left out.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import numpy as np, sympy
    >>> from lieflow.numerics.trajectory import Trajectory
    >>> from lieflow.numerics.laws import law_drift
    >>> t = np.linspace(0, 1, 4)
    >>> tr = Trajectory(t, t[:, None], None, ("x",), "demo")
    >>> ax = plot_drift(law_drift([sympy.Symbol("x")], tr, labels=["x"]))
    >>> ax.get_yscale(), len(ax.get_lines())
    ('log', 1)
    """
    ax = _axes(ax)
    if not isinstance(reports, (list, tuple)):
        reports = [reports]
    for rep in reports:
        curves = np.maximum(rep.curves, _FLOOR)
        order = np.argsort(-rep.rel_drift)[:max_curves]
        start = 1 if len(rep.times) > 1 else 0  # the drift is 0 at t_0 by definition
        for j in order:
            ax.plot(rep.times[start:], curves[start:, j],
                    label=f"{rep.labels[j]} (max {rep.rel_drift[j]:.1e})")
        hidden = len(rep.labels) - len(order)
        if hidden > 0:
            ax.plot([], [], " ", label=f"+{hidden} more laws not drawn")
    return _finish(ax, "time t", "|h(t) - h(0)| / scale", title)


def plot_orders(fits, ax=None, *, title=None):
    """Errors against step size on log-log axes, with the fitted line and slope in the legend.

    Parameters
    ----------
    fits : OrderFit or sequence of OrderFit
    ax : matplotlib axes, optional
    title : str, optional

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = _axes(ax)
    if not isinstance(fits, (list, tuple)):
        fits = [fits]
    for fit in fits:
        text = f"{fit.label}: slope {fit.slope:.2f}"
        if fit.expected is not None:
            text += f" (predicted {fit.expected:g})"
        (line,) = ax.plot(fit.steps, fit.errors, "o", label=text)
        hs = np.geomspace(fit.steps.min(), fit.steps.max(), 20)
        ax.plot(hs, fit.predict(hs), "-", color=line.get_color(), alpha=0.7)
    ax.set_xscale("log")
    return _finish(ax, "step size h", "error", title)
