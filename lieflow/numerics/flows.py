"""Continuous flows, integrated with ``scipy.integrate.solve_ivp``.

- gradient flow ``theta' = -grad L``, and the mirror flow ``theta' = -diag(theta) grad L`` on the
  coordinates that carry the mirror metric (all of an nmf, the output layer of an icnn);
- the momentum ODE ``theta'' + tau(t) theta' = -grad L`` (DESIGN §3) with heavy-ball damping
  ``tau(t) = tau``, no damping, or Nesterov-type damping ``tau(t) = alpha / t`` started at
  ``t0 > 0``; with the mirror metric, ``theta'' + tau theta' = -(tau theta + theta') * grad L``.

All integrations use DOP853 with ``rtol=1e-10``, ``atol=1e-12`` by default.

Examples
--------
>>> from lieflow.numerics.networks import network, initial_parameters
>>> net = network("linear", [2, 2, 1], seed=0)
>>> tr = gradient_flow(net, initial_parameters(net), duration=1.0, n_points=5)
>>> tr.times.tolist()
[0.0, 0.25, 0.5, 0.75, 1.0]
>>> bool(net.loss(tr.final) < net.loss(tr.states[0]))
True
"""

from __future__ import annotations

import numpy as np

from lieflow.errors import BadArgumentError, LieflowError, LimitExceededError
from lieflow.numerics import _checks
from lieflow.numerics.trajectory import Trajectory

__all__ = [
    "DAMPINGS", "METRICS", "integrate", "gradient_flow", "mirror_flow", "damping_function",
    "momentum_flow",
]

DAMPINGS = ("heavy-ball", "none", "nesterov")
METRICS = ("euclidean", "mirror")


def integrate(rhs, y0, t0, t1, *, n_points=201, t_eval=None, rtol=1e-10, atol=1e-12,
              method="DOP853", max_evaluations=200_000):
    """Integrate ``y' = rhs(t, y)`` on ``[t0, t1]``; return ``(times, values)``.

    Steps a ``scipy.integrate`` solver (the one ``solve_ivp`` would use for ``method``) and reads
    the samples from its dense output, so that it can stop after ``max_evaluations`` evaluations
    of ``rhs`` and still hand back what it has.  This matters for ReLU networks: a gradient flow
    can reach an activation kink and slide along it (a Filippov sliding mode), where any explicit
    integrator at tight tolerance crawls.

    Parameters
    ----------
    rhs : callable ``(t, y) -> dy``
    y0 : array_like
    t0, t1 : float
    n_points : int
        Number of equispaced samples on ``[t0, t1]`` (ignored if ``t_eval`` is given).
    t_eval : array_like, optional
        Sample times, increasing, within ``[t0, t1]``.
    rtol, atol : float
    method : str
        A ``solve_ivp`` method name (default ``"DOP853"``).
    max_evaluations : int
        Budget of right-hand-side evaluations.

    Returns
    -------
    times : numpy.ndarray, shape (K,)
    values : numpy.ndarray, shape (K, len(y0))

    Raises
    ------
    LimitExceededError
        When the budget is spent; ``partial`` holds ``(times, values)`` sampled so far.
    LieflowError
        If the solver fails.

    Examples
    --------
    >>> import numpy as np
    >>> t, y = integrate(lambda t, y: -y, np.array([1.0]), 0.0, 1.0, n_points=2)
    >>> abs(float(y[-1, 0]) - float(np.exp(-1.0))) < 1e-10
    True
    """
    import scipy.integrate as si

    solvers = {"DOP853": si.DOP853, "RK45": si.RK45, "RK23": si.RK23, "Radau": si.Radau,
               "BDF": si.BDF, "LSODA": si.LSODA}
    cls = solvers.get(_checks.choice("method", method, tuple(solvers)))
    if t_eval is None:
        t_eval = np.linspace(t0, t1, _checks.count("n_points", n_points, 2))
    t_eval = np.asarray(t_eval, dtype=float)
    y0 = np.asarray(y0, dtype=float)
    solver = cls(rhs, t0, y0, t1, rtol=rtol, atol=atol)
    times, values, i = [], [], 0
    while i < len(t_eval) and t_eval[i] <= t0:
        times.append(t_eval[i])
        values.append(y0.copy())
        i += 1
    while solver.status == "running" and i < len(t_eval):
        message = solver.step()
        if solver.status == "failed":
            raise LieflowError(f"{method} integration failed at t = {solver.t}: {message}")
        if t_eval[i] <= solver.t:
            dense = solver.dense_output()
            while i < len(t_eval) and t_eval[i] <= solver.t:
                times.append(t_eval[i])
                values.append(dense(t_eval[i]))
                i += 1
        if solver.nfev > max_evaluations and i < len(t_eval):
            raise LimitExceededError(
                f"the integration used {solver.nfev} evaluations (max_evaluations) and reached "
                f"t = {solver.t:.6g} of {t1:.6g}; a ReLU flow may be sliding along a kink",
                partial=(np.array(times), np.array(values).reshape(len(times), y0.size)),
            )
    return np.array(times), np.array(values).reshape(len(times), y0.size)


def _run(rhs, y0, t0, t1, make, *, on_limit, **kwargs):
    """Integrate and wrap into a Trajectory via ``make(times, values, extra_options)``."""
    _checks.choice("on_limit", on_limit, ("raise", "truncate"))
    try:
        times, values = integrate(rhs, y0, t0, t1, **kwargs)
    except LimitExceededError as exc:
        times, values = exc.partial
        partial = make(times, values, {"truncated": True, "reason": str(exc)})
        if on_limit == "raise" or len(times) < 2:
            raise LimitExceededError(str(exc), partial=partial) from None
        return partial
    return make(times, values, {})


def _metric(net, metric):
    metric = net.default_metric if metric is None else _checks.choice("metric", metric, METRICS)
    if metric == "mirror" and not np.any(net.mirror_mask):
        raise BadArgumentError(
            "metric", metric, f"a {net.kind} model has no mirror coordinates (use nmf or icnn)"
        )
    return metric


def gradient_flow(net, theta0, *, duration, t0=0.0, metric=None, n_points=201, t_eval=None,
                  rtol=1e-10, atol=1e-12, method="DOP853", max_evaluations=200_000,
                  on_limit="raise") -> Trajectory:
    """Integrate the gradient flow ``theta' = -M(theta)^{-1} grad L(theta)``.

    Parameters
    ----------
    net : Network
        The model (anything with ``gradient``, ``parameters``, ``mirror_mask``).
    theta0 : array_like
        Initial parameters.
    duration : float
        Length of the time interval, which is ``[t0, t0 + duration]``.
    metric : {"euclidean", "mirror"}, optional
        Default: the model's own (mirror for nmf and icnn).
    n_points, t_eval : optional
        Sampling of the output (``n_points`` equispaced times by default).
    rtol, atol, method, max_evaluations : optional
        Passed to :func:`integrate`.
    on_limit : {"raise", "truncate"}
        When ``max_evaluations`` is spent: raise :class:`~lieflow.errors.LimitExceededError`
        (its ``partial`` is the trajectory so far), or return that partial trajectory, marked
        ``options["truncated"] = True``.

    Returns
    -------
    Trajectory
        With ``velocities = theta'`` at the samples.

    Raises
    ------
    BadArgumentError
        For a non-positive duration or a metric the model does not carry.
    LimitExceededError
        If the evaluation budget is spent and ``on_limit="raise"``.
    LieflowError
        If the integrator fails.
    """
    duration = _checks.positive("duration", duration)
    metric = _metric(net, metric)
    mask = net.mirror_mask if metric == "mirror" else None

    def field(theta):
        g = net.gradient(theta)
        return -(np.where(mask, theta, 1.0) * g) if mask is not None else -g

    name = "mirror-flow" if metric == "mirror" else "gradient-flow"

    def make(times, states, extra):
        velocities = np.array([field(x) for x in states]).reshape(states.shape)
        return Trajectory(times, states, velocities, tuple(net.parameters), name,
                          {"metric": metric, "rtol": rtol, "atol": atol, "method": method,
                           "seed": getattr(net, "seed", None), **extra})

    return _run(lambda t, y: field(y), theta0, t0, t0 + duration, make, on_limit=on_limit,
                n_points=n_points, t_eval=t_eval, rtol=rtol, atol=atol, method=method,
                max_evaluations=max_evaluations)


def mirror_flow(net, theta0, **kwargs) -> Trajectory:
    """The mirror flow ``theta' = -diag(theta) grad L`` (on the model's mirror coordinates).

    Same keywords as :func:`gradient_flow` (``metric`` is forced to ``"mirror"``).
    """
    kwargs["metric"] = "mirror"
    return gradient_flow(net, theta0, **kwargs)


def damping_function(damping="heavy-ball", *, tau=1.0, alpha=3.0):
    """The friction coefficient ``tau(t)`` of a damping scheme.

    Examples
    --------
    >>> damping_function("nesterov", alpha=3)(2.0)
    1.5
    >>> damping_function("none")(5.0)
    0.0
    """
    _checks.choice("damping", damping, DAMPINGS)
    if damping == "heavy-ball":
        tau = _checks.nonnegative("tau", tau)
        return lambda t: tau
    if damping == "none":
        return lambda t: 0.0
    alpha = _checks.nonnegative("alpha", alpha)
    return lambda t: alpha / t


def momentum_flow(net, theta0, v0=None, *, duration, damping="heavy-ball", tau=1.0, alpha=3.0,
                  t0=None, metric=None, n_points=201, t_eval=None, rtol=1e-10, atol=1e-12,
                  method="DOP853", max_evaluations=200_000, on_limit="raise") -> Trajectory:
    """Integrate the momentum ODE ``theta'' + tau(t) theta' = -grad L`` in phase space.

    Parameters
    ----------
    net : Network
    theta0, v0 : array_like
        Initial position and velocity (``v0`` defaults to zero).
    duration : float
        The time interval is ``[t0, t0 + duration]``.
    damping : {"heavy-ball", "none", "nesterov"}
        ``tau(t) = tau``, ``0`` or ``alpha / t``.
    tau, alpha : float
        Damping constants (defaults 1 and 3).
    t0 : float, optional
        Start time: 0 by default, 1 for nesterov (which needs ``t0 > 0``).  Time-dependent laws
        (``exp(tau t) A``, ``t**alpha A``) are evaluated with these absolute times.
    metric : {"euclidean", "mirror"}, optional
        With ``"mirror"``, the mirror-momentum ODE
        ``theta'' + tau theta' = -(tau theta + theta') * grad L`` on the mirror coordinates.
    n_points, t_eval, rtol, atol, method, max_evaluations, on_limit : optional
        As for :func:`gradient_flow`.

    Returns
    -------
    Trajectory
        States and velocities at the sample times.

    Raises
    ------
    BadArgumentError
        For an unknown damping, ``t0 <= 0`` with nesterov, a negative constant, or a bad metric.

    Examples
    --------
    >>> from lieflow.numerics.networks import network, initial_parameters
    >>> net = network("linear", [1, 1, 1])
    >>> tr = momentum_flow(net, initial_parameters(net), duration=1.0, damping="nesterov",
    ...                    n_points=3)
    >>> tr.times.tolist()
    [1.0, 1.5, 2.0]
    """
    duration = _checks.positive("duration", duration)
    tau_of = damping_function(damping, tau=tau, alpha=alpha)
    if t0 is None:
        t0 = 1.0 if damping == "nesterov" else 0.0
    if damping == "nesterov":
        t0 = _checks.positive("t0", t0)
    metric = _metric(net, metric)
    mask = net.mirror_mask if metric == "mirror" else None
    theta0 = np.asarray(theta0, dtype=float)
    D = theta0.size
    v0 = np.zeros(D) if v0 is None else np.asarray(v0, dtype=float)
    if v0.shape != theta0.shape:
        raise BadArgumentError("v0", v0.shape, f"must have the shape of theta0 {theta0.shape}")

    def rhs(t, y):
        theta, v = y[:D], y[D:]
        g = net.gradient(theta)
        c = tau_of(t)
        if mask is not None:
            g = np.where(mask, c * theta + v, 1.0) * g
        return np.concatenate([v, -c * v - g])

    def make(times, ys, extra):
        return Trajectory(times, ys[:, :D], ys[:, D:], tuple(net.parameters),
                          f"momentum-{damping}",
                          {"damping": damping, "tau": tau, "alpha": alpha, "t0": t0,
                           "metric": metric, "rtol": rtol, "atol": atol, "method": method,
                           "seed": getattr(net, "seed", None), **extra})

    return _run(rhs, np.concatenate([theta0, v0]), t0, t0 + duration, make, on_limit=on_limit,
                n_points=n_points, t_eval=t_eval, rtol=rtol, atol=atol, method=method,
                max_evaluations=max_evaluations)
