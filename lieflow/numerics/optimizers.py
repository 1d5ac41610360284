"""Discrete optimizers: gradient descent, heavy ball, Nesterov, mirror descent.

With learning rate ``h`` and momentum ``beta`` in ``[0, 1)`` (DESIGN §4)::

    x_{k+1} = x_k + beta (x_k - x_{k-1}) - h grad f(x_k + a (x_k - x_{k-1}))

with ``a = 0`` for heavy ball (HB), ``a = beta`` for Nesterov (NAG), and ``beta = 0`` for gradient
descent (GD).  The iteration starts from ``x_{-1} = x_0 - h v0`` (``v0 = 0``: at rest).  Time is
``t = k h`` and the recorded velocity is ``(x_k - x_{k-1}) / h``.

Mirror descent (exponentiated gradient, the multiplicative update of NMF) is
``theta_{k+1} = theta_k * exp(-h grad L(theta_k))`` on the mirror coordinates and a plain gradient
step on the others.

Examples
--------
>>> import numpy as np
>>> class Quadratic:          # f(x) = |x|^2 / 2, anything with .gradient works
...     parameters = ("x", "y")
...     def gradient(self, x):
...         return x
>>> tr = heavy_ball(Quadratic(), np.array([1.0, -1.0]), lr=0.1, beta=0.5, steps=2)
>>> np.round(tr.states[:, 0], 4).tolist()
[1.0, 0.9, 0.76]
>>> np.round(tr.times, 12).tolist()
[0.0, 0.1, 0.2]
"""

from __future__ import annotations

import numpy as np

from lieflow.errors import BadArgumentError
from lieflow.numerics import _checks
from lieflow.numerics.trajectory import Trajectory

__all__ = [
    "OPTIMIZERS",
    "momentum_descent",
    "gradient_descent",
    "heavy_ball",
    "nesterov",
    "mirror_descent",
    "optimize",
]

OPTIMIZERS = ("gd", "hb", "nag", "mirror")


def _parameters(net, dim):
    names = getattr(net, "parameters", None)
    return tuple(names) if names is not None else tuple(f"x{i + 1}" for i in range(dim))


def momentum_descent(net, x0, *, lr, beta=0.0, a=0.0, steps, v0=None, record_every=1,
                     name=None) -> Trajectory:
    """Run ``x_{k+1} = x_k + beta (x_k - x_{k-1}) - lr grad f(x_k + a (x_k - x_{k-1}))``.

    Parameters
    ----------
    net : object with ``gradient(x)``
        Usually a :class:`~lieflow.numerics.networks.Network`.
    x0 : array_like
        Initial point.
    lr : float
        Learning rate ``h > 0``.
    beta : float
        Momentum, ``0 <= beta < 1``.
    a : float
        Extrapolation of the gradient point (0: heavy ball, ``beta``: Nesterov).
    steps : int
        Number of iterations.
    v0 : array_like, optional
        Initial velocity; ``x_{-1} = x0 - lr * v0`` (default: at rest).
    record_every : int
        Keep every ``record_every``-th iterate (and the last one).

    Returns
    -------
    Trajectory
        ``times = k * lr``, states ``x_k``, velocities ``(x_k - x_{k-1}) / lr``.

    Raises
    ------
    BadArgumentError
        For a bad ``lr``, ``beta``, ``steps`` or ``v0``, or if the iteration diverges (non-finite
        iterate), naming ``lr``.
    """
    lr = _checks.positive("lr", lr)
    beta = _checks.momentum("beta", beta)
    steps = _checks.count("steps", steps, 1)
    record_every = _checks.count("record_every", record_every, 1)
    x = np.array(x0, dtype=float)
    v = np.zeros_like(x) if v0 is None else np.array(v0, dtype=float)
    if v.shape != x.shape:
        raise BadArgumentError("v0", v.shape, f"must have the shape of x0 {x.shape}")
    if a:
        def step(x, d):
            return x + beta * d - lr * net.gradient(x + a * d)
    else:
        def step(x, d):
            return x + beta * d - lr * net.gradient(x)
    if name is None:
        name = "gradient-descent" if beta == 0 else ("nesterov" if a else "heavy-ball")
    times, xs, vs = _iterate(step, x, lr * v, v, lr=lr, steps=steps, record_every=record_every)
    return Trajectory(times, xs, vs, _parameters(net, x.size), name,
                      {"lr": lr, "beta": beta, "a": a, "steps": steps, "seed": getattr(net, "seed", None)})


def _iterate(step, x, d, v, *, lr, steps, record_every):
    """Run ``x_{k+1} = step(x_k, x_k - x_{k-1})`` from ``x_0 = x``, ``x_0 - x_{-1} = d``.

    Keeps every ``record_every``-th iterate (and the last) with its velocity ``(x_k - x_{k-1})/lr``
    (``v`` at ``k = 0``); returns ``(times, states, velocities)``.  A non-finite iterate is a
    divergence, reported as a bad ``lr``.
    """
    keep, xs, vs = [0], [x.copy()], [v.copy()]
    for k in range(1, steps + 1):
        with np.errstate(over="ignore", invalid="ignore"):
            x_new = step(x, d)
        d = x_new - x
        x = x_new
        if not np.all(np.isfinite(x)):
            raise BadArgumentError("lr", lr, f"the iteration diverged at step {k}; lower it")
        if k % record_every == 0 or k == steps:
            keep.append(k)
            xs.append(x.copy())
            vs.append(d / lr)
    return np.array(keep) * lr, np.array(xs), np.array(vs)


def gradient_descent(net, x0, *, lr, steps, record_every=1) -> Trajectory:
    """Gradient descent ``x_{k+1} = x_k - lr grad f(x_k)``; see :func:`momentum_descent`."""
    return momentum_descent(net, x0, lr=lr, steps=steps, record_every=record_every)


def heavy_ball(net, x0, *, lr, beta, steps, v0=None, record_every=1) -> Trajectory:
    """Heavy ball (Polyak): :func:`momentum_descent` with ``a = 0``."""
    return momentum_descent(net, x0, lr=lr, beta=beta, a=0.0, steps=steps, v0=v0,
                            record_every=record_every, name="heavy-ball")


def nesterov(net, x0, *, lr, beta, steps, v0=None, record_every=1) -> Trajectory:
    """Nesterov's accelerated gradient: :func:`momentum_descent` with ``a = beta``."""
    return momentum_descent(net, x0, lr=lr, beta=beta, a=float(beta), steps=steps, v0=v0,
                            record_every=record_every, name="nesterov")


def mirror_descent(net, theta0, *, lr, steps, record_every=1) -> Trajectory:
    """Mirror descent with the entropy mirror map (exponentiated gradient).

    ``theta_{k+1} = theta_k * exp(-lr grad L(theta_k))`` on ``net.mirror_mask`` (the discrete
    counterpart of ``theta' = -diag(theta) grad L``; for NMF it is a multiplicative update that
    keeps the factors positive), and ``theta_{k+1} = theta_k - lr grad L`` on the other coordinates.

    Raises
    ------
    BadArgumentError
        If the model has no mirror coordinates, or for a bad ``lr``/``steps``.

    Examples
    --------
    >>> from lieflow.numerics.networks import network, initial_parameters
    >>> net = network("nmf", [3, 2, 3])
    >>> tr = mirror_descent(net, initial_parameters(net), lr=0.1, steps=50)
    >>> bool((tr.final > 0).all() and net.loss(tr.final) < net.loss(tr.states[0]))
    True
    """
    lr = _checks.positive("lr", lr)
    steps = _checks.count("steps", steps, 1)
    record_every = _checks.count("record_every", record_every, 1)
    mask = getattr(net, "mirror_mask", None)
    if mask is None or not np.any(mask):
        raise BadArgumentError("optimizer", "mirror",
                               "mirror descent needs a model with a mirror metric (nmf, icnn)")
    x = np.array(theta0, dtype=float)

    def step(x, d):
        g = net.gradient(x)
        return np.where(mask, x * np.exp(-lr * np.where(mask, g, 0.0)), x - lr * g)

    times, xs, vs = _iterate(step, x, np.zeros_like(x), np.zeros_like(x), lr=lr, steps=steps,
                             record_every=record_every)
    return Trajectory(times, xs, vs, _parameters(net, x.size), "mirror-descent",
                      {"lr": lr, "steps": steps, "seed": getattr(net, "seed", None)})


def optimize(net, x0, optimizer, *, lr, steps, beta=0.9, v0=None, record_every=1) -> Trajectory:
    """Run one of :data:`OPTIMIZERS` (``"gd"``, ``"hb"``, ``"nag"``, ``"mirror"``) by name.

    ``beta`` and ``v0`` are used by ``hb`` and ``nag`` only.

    Raises
    ------
    BadArgumentError
        For an unknown optimizer name (or any bad setting).

    Examples
    --------
    >>> import numpy as np
    >>> class Q:
    ...     parameters = ("x",)
    ...     def gradient(self, x):
    ...         return 2 * x
    >>> float(optimize(Q(), np.array([1.0]), "gd", lr=0.25, steps=1).final[0])
    0.5
    """
    _checks.choice("optimizer", optimizer, OPTIMIZERS)
    if optimizer == "gd":
        return gradient_descent(net, x0, lr=lr, steps=steps, record_every=record_every)
    if optimizer == "hb":
        return heavy_ball(net, x0, lr=lr, beta=beta, steps=steps, v0=v0, record_every=record_every)
    if optimizer == "nag":
        return nesterov(net, x0, lr=lr, beta=beta, steps=steps, v0=v0, record_every=record_every)
    return mirror_descent(net, x0, lr=lr, steps=steps, record_every=record_every)
