"""Measured orders: run a method at several step sizes and fit the log-log slope.

:func:`measure_order` is the generic tool (an error function of ``h`` and a list of ``h``);
:func:`law_drift_order` measures how fast a discrete optimizer breaks (or keeps) laws over a fixed
time horizon, and :func:`flow_distance_order` how fast it approaches a reference flow: the
time-rescaled gradient flow ``x' = -grad f / (1 - beta)`` (first order) or the modified flow of
``f + c h |grad f|^2`` (second order, see :mod:`lieflow.numerics.modified`).

Examples
--------
>>> fit = fit_order([0.1, 0.05, 0.025], [2e-2, 5e-3, 1.25e-3], label="demo", expected=2)
>>> round(fit.slope, 6)
2.0
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lieflow.errors import BadArgumentError
from lieflow.numerics import _checks
from lieflow.numerics.laws import compile_laws
from lieflow.numerics.modified import modified_flow, slow_manifold_velocity
from lieflow.numerics.optimizers import optimize

__all__ = ["OrderFit", "fit_order", "measure_order", "law_drift_order", "flow_distance_order"]


@dataclass(frozen=True, eq=False)
class OrderFit:
    """A least-squares fit ``log(error) = slope * log(h) + intercept``.

    Attributes
    ----------
    steps, errors : numpy.ndarray
        The step sizes ``h`` and the measured errors.
    slope, intercept : float
    label : str
    expected : float or None
        The predicted order, when known.
    """

    steps: np.ndarray
    errors: np.ndarray
    slope: float
    intercept: float
    label: str = ""
    expected: float | None = None

    def predict(self, h):
        """The fitted error at step ``h``."""
        return np.exp(self.intercept) * np.asarray(h, dtype=float) ** self.slope

    def to_dict(self):
        return {"label": self.label, "steps": [float(h) for h in self.steps],
                "errors": [float(e) for e in self.errors], "slope": self.slope,
                "expected": self.expected}


def fit_order(hs, errors, *, label="", expected=None) -> OrderFit:
    """Fit the slope of ``log(errors)`` against ``log(hs)``.

    Raises
    ------
    BadArgumentError
        With fewer than two points, or a non-positive step or error.
    """
    hs = np.asarray(hs, dtype=float)
    errors = np.asarray(errors, dtype=float)
    if hs.shape != errors.shape or hs.size < 2:
        raise BadArgumentError("hs", hs.tolist(), "need at least two steps, one error each")
    if np.any(hs <= 0) or np.any(~(errors > 0)):
        raise BadArgumentError("errors", errors.tolist(), "steps and errors must be positive")
    slope, intercept = np.polyfit(np.log(hs), np.log(errors), 1)
    return OrderFit(hs, errors, float(slope), float(intercept), label, expected)


def measure_order(error, hs, *, label="", expected=None) -> OrderFit:
    """Evaluate ``error(h)`` for every ``h`` in ``hs`` and fit the order.

    Examples
    --------
    >>> import math
    >>> fit = measure_order(lambda h: abs(math.expm1(h) / h - 1), [1e-2, 5e-3, 2.5e-3])
    >>> round(fit.slope, 2)
    1.0
    """
    hs = [float(h) for h in hs]
    return fit_order(hs, [float(error(h)) for h in hs], label=label, expected=expected)


def _steps(duration, h, name="hs"):
    k = int(round(duration / h))
    if k < 1 or abs(k * h - duration) > 1e-9 * max(1.0, duration):
        raise BadArgumentError(name, h, f"every step must divide the horizon {duration}")
    return k


def law_drift_order(net, laws, theta0, *, hs, duration, optimizer="gd", beta=0.0, v0=None,
                    names=None, label=None, expected=None) -> OrderFit:
    """Order in ``h`` of the largest relative drift of ``laws`` over ``[0, duration]``.

    Parameters
    ----------
    net : Network
    laws : CompiledLaws or sequence of sympy expressions
    theta0 : array_like
    hs : sequence of float
        Step sizes; each must divide ``duration``.
    duration : float
        Fixed time horizon (``duration / h`` steps).
    optimizer : {"gd", "hb", "nag", "mirror"}
    beta, v0 : optional
        Momentum and initial velocity (hb, nag).

    Returns
    -------
    OrderFit
        For GD and gradient-flow laws the slope is about 1 (a drift of O(h^2) per step).
    """
    compiled = compile_laws(laws, names)
    duration = _checks.positive("duration", duration)

    def error(h):
        tr = optimize(net, theta0, optimizer, lr=h, steps=_steps(duration, h), beta=beta, v0=v0)
        return float(compiled.drift(tr).rel_drift.max())

    return measure_order(error, hs, label=label or f"{optimizer}: law drift", expected=expected)


def flow_distance_order(net, theta0, *, hs, duration, optimizer="gd", beta=0.0,
                        reference="flow", c=None, start=None, checkpoints=4, label=None,
                        expected=None) -> OrderFit:
    """Order in ``h`` of the distance between the iterates and a reference flow.

    The error at ``h`` is ``max_j |x_{k_j} - x(t_j)|`` over ``checkpoints`` equispaced times
    ``t_j = k_j h`` up to ``duration``.

    Parameters
    ----------
    net : Network
    theta0 : array_like
    hs : sequence of float
        Step sizes; each must divide ``duration / checkpoints``.
    duration : float
    optimizer : {"gd", "hb", "nag"}
    beta : float
    reference : {"flow", "modified"}
        ``"flow"``: the gradient flow run for time ``t / (1 - beta)`` (expected order 1);
        ``"modified"``: the modified flow with coefficient ``c`` (default: the derived one for
        ``optimizer``; expected order 2).
    c : float, optional
        Coefficient of the modified loss (only with ``reference="modified"``).
    start : {"rest", "slow-manifold"}, optional
        Initial velocity of hb/nag: zero, or ``-grad f / (1 - beta)``.  Default: ``"rest"`` for
        the flow reference, ``"slow-manifold"`` for the modified one (which needs it for order 2).
    checkpoints : int

    Returns
    -------
    OrderFit
    """
    _checks.choice("optimizer", optimizer, ("gd", "hb", "nag"))
    _checks.choice("reference", reference, ("flow", "modified"))
    duration = _checks.positive("duration", duration)
    checkpoints = _checks.count("checkpoints", checkpoints, 1)
    beta = 0.0 if optimizer == "gd" else _checks.momentum("beta", beta)
    if start is None:
        start = "slow-manifold" if reference == "modified" else "rest"
    _checks.choice("start", start, ("rest", "slow-manifold"))
    theta0 = np.asarray(theta0, dtype=float)
    v0 = slow_manifold_velocity(net, theta0, beta=beta) if start == "slow-manifold" else None
    t_check = duration * np.arange(1, checkpoints + 1) / checkpoints

    def reference_states(h):
        coef = 0.0 if reference == "flow" else c
        return modified_flow(net, theta0, lr=h, duration=duration, optimizer=optimizer,
                             beta=beta, c=coef, t_eval=t_check).states

    fixed = reference_states(hs[0]) if reference == "flow" else None

    def error(h):
        ks = [_steps(t, h) for t in t_check]
        tr = optimize(net, theta0, optimizer, lr=h, steps=ks[-1], beta=beta, v0=v0)
        ref = fixed if fixed is not None else reference_states(h)
        return float(max(np.linalg.norm(tr.states[k] - r) for k, r in zip(ks, ref)))

    if label is None:
        label = f"{optimizer} vs {'gradient flow' if reference == 'flow' else 'modified flow'}"
    return measure_order(error, hs, label=label, expected=expected)
