"""Modified equations of GD, heavy ball and Nesterov (backward error analysis).

With learning rate ``h``, momentum ``beta`` and gradient point ``x_k + a (x_k - x_{k-1})``
(``a = 0`` HB, ``a = beta`` NAG, ``beta = 0`` GD), the iterates follow, to second order in ``h``,
the time-rescaled gradient flow of a modified loss (Kovachki & Stuart 2021, on the attractive
invariant manifold of the momentum method)::

    x' = -(1 / (1 - beta)) grad( f + c h |grad f|^2 ),   t = k h.

**Derivation of c.**  Seek ``x' = F_0 + h F_1 + O(h^2)`` with ``x_k = x(kh)``.  Taylor expansion of
``x_{k+1} - x_k - beta (x_k - x_{k-1})`` gives
``h (1 - beta) x' + h^2 (1 + beta) x'' / 2 + O(h^3)``,
and the gradient point is ``x + a h x' + O(h^2)``, so
``grad f(...) = g + a h H x' + O(h^2)`` (``g = grad f``, ``H`` its Hessian).  At order ``h^0``:
``F_0 = -g / (1 - beta)``, hence ``x'' = DF_0 F_0 = H g / (1 - beta)^2``.  At order ``h^1``::

    (1 - beta) F_1 = -(1 + beta) H g / (2 (1 - beta)^2) + a H g / (1 - beta).

Since ``H g = grad |g|^2 / 2``, ``F_1 = -(2 c / (1 - beta)) H g`` with::

    c = ((1 + beta) - 2 a (1 - beta)) / (4 (1 - beta)^2)

- GD (``beta = 0``): ``c = 1/4``, the classical modified loss ``f + (h/4) |grad f|^2``;
- HB (``a = 0``): ``c = (1 + beta) / (4 (1 - beta)^2)``;
- NAG (``a = beta``): ``c = (1 - beta + 2 beta^2) / (4 (1 - beta)^2)``, smaller than HB's.

The measured orders (``lieflow.numerics.orders``) confirm these: the distance between the
iterates and this flow is O(h^2) over a fixed time, while using the wrong ``c`` (HB's for NAG, or 0)
leaves O(h).  The iteration must start on the slow manifold to the same order:
``x_{-1} = x_0 + h g(x_0) / (1 - beta)``, i.e. initial velocity ``-g(x_0) / (1 - beta)``
(:func:`slow_manifold_velocity`); from rest, the fast mode shifts the slow dynamics by O(h).

Examples
--------
>>> modified_loss_coefficient("gd")
0.25
>>> modified_loss_coefficient("hb", beta=0.5), modified_loss_coefficient("nag", beta=0.5)
(1.5, 1.0)
"""

from __future__ import annotations

import numpy as np

from lieflow.numerics import _checks
from lieflow.numerics.flows import _run
from lieflow.numerics.trajectory import Trajectory

__all__ = ["modified_loss_coefficient", "slow_manifold_velocity", "modified_flow"]


def modified_loss_coefficient(optimizer="gd", *, beta=0.0) -> float:
    """The coefficient ``c`` of the modified loss ``f + c h |grad f|^2`` (module notes).

    Parameters
    ----------
    optimizer : {"gd", "hb", "nag"}
    beta : float
        Momentum (ignored for gd).

    Raises
    ------
    BadArgumentError
        For another optimizer or ``beta`` outside ``[0, 1)``.
    """
    _checks.choice("optimizer", optimizer, ("gd", "hb", "nag"))
    beta = 0.0 if optimizer == "gd" else _checks.momentum("beta", beta)
    a = beta if optimizer == "nag" else 0.0
    return ((1 + beta) - 2 * a * (1 - beta)) / (4 * (1 - beta) ** 2)


def slow_manifold_velocity(net, theta0, *, beta=0.0):
    """Initial velocity ``-grad f(theta0) / (1 - beta)``, on the slow manifold to O(h).

    Pass it as ``v0`` to :func:`~lieflow.numerics.optimizers.heavy_ball` or ``nesterov`` when
    comparing with a (modified) flow at second order.
    """
    beta = _checks.momentum("beta", beta)
    return -np.asarray(net.gradient(np.asarray(theta0, dtype=float))) / (1 - beta)


def modified_flow(net, theta0, *, lr, duration, optimizer="gd", beta=0.0, c=None, n_points=201,
                  t_eval=None, rtol=1e-10, atol=1e-12, method="DOP853",
                  max_evaluations=200_000, on_limit="raise") -> Trajectory:
    """Integrate ``x' = -(grad f + 2 c h H grad f) / (1 - beta)``, the modified flow.

    Parameters
    ----------
    net : Network
        Needs ``gradient`` and ``hvp`` (exact complex-step Hessian-vector products).
    theta0 : array_like
    lr : float
        The learning rate ``h`` of the discrete method being modelled.
    duration : float
        Time horizon (discrete time ``t = k h``).
    optimizer : {"gd", "hb", "nag"}
        Selects ``c`` (unless given) and whether ``beta`` is used.
    beta : float
    c : float, optional
        Override the coefficient (``c = 0`` gives the plain time-rescaled gradient flow
        ``x' = -grad f / (1 - beta)``).

    Returns
    -------
    Trajectory

    Examples
    --------
    >>> from lieflow.numerics.networks import network, initial_parameters
    >>> net = network("linear", [1, 2, 1])
    >>> tr = modified_flow(net, initial_parameters(net), lr=0.1, duration=1.0, n_points=2)
    >>> tr.options["c"]
    0.25
    """
    _checks.choice("optimizer", optimizer, ("gd", "hb", "nag"))
    lr = _checks.positive("lr", lr)
    duration = _checks.positive("duration", duration)
    beta = 0.0 if optimizer == "gd" else _checks.momentum("beta", beta)
    if c is None:
        c = modified_loss_coefficient(optimizer, beta=beta)
    c = float(c)
    scale = 1.0 / (1.0 - beta)

    def field(x):
        g = net.gradient(x)
        if c:
            g = g + 2 * c * lr * net.hvp(x, g)
        return -scale * g

    def make(times, states, extra):
        velocities = np.array([field(x) for x in states]).reshape(states.shape)
        return Trajectory(times, states, velocities, tuple(net.parameters), "modified-flow",
                          {"optimizer": optimizer, "lr": lr, "beta": beta, "c": c,
                           "rtol": rtol, "atol": atol, "method": method,
                           "seed": getattr(net, "seed", None), **extra})

    return _run(lambda t, y: field(y), theta0, 0.0, duration, make, on_limit=on_limit,
                n_points=n_points, t_eval=t_eval, rtol=rtol, atol=atol, method=method,
                max_evaluations=max_evaluations)
