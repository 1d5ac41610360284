"""Numerics (optional extra ``lieflow[numerics]``: numpy, scipy, matplotlib).

Real networks with seeded data (:mod:`~lieflow.numerics.networks`), continuous flows integrated
with ``solve_ivp`` (:mod:`~lieflow.numerics.flows`), discrete optimizers
(:mod:`~lieflow.numerics.optimizers`), modified equations (:mod:`~lieflow.numerics.modified`),
laws evaluated along trajectories (:mod:`~lieflow.numerics.laws`, closed forms in
:mod:`~lieflow.numerics.known`), measured orders (:mod:`~lieflow.numerics.orders`), figures
(:mod:`~lieflow.numerics.plots`) and the ``drift`` command (:mod:`~lieflow.numerics.cli`).

Importing this package imports nothing heavy: each name below is loaded from its module on first
use, so ``lieflow.numerics.cli`` can be imported by the ``lieflow`` console script even without
numpy.

Examples
--------
>>> from lieflow.numerics import network, initial_parameters, heavy_ball
>>> net = network("linear", [2, 2, 1], seed=0)
>>> tr = heavy_ball(net, initial_parameters(net), lr=0.05, beta=0.5, steps=10)
>>> tr.states.shape
(11, 6)
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "networks": ["Network", "network", "parameter_names", "initial_parameters",
                 "finite_difference_gradient"],
    "trajectory": ["Trajectory"],
    "flows": ["integrate", "gradient_flow", "mirror_flow", "momentum_flow", "damping_function"],
    "optimizers": ["momentum_descent", "gradient_descent", "heavy_ball", "nesterov",
                   "mirror_descent", "optimize"],
    "modified": ["modified_loss_coefficient", "slow_manifold_velocity", "modified_flow"],
    "laws": ["CompiledLaws", "DriftReport", "compile_laws", "evaluate_laws", "law_drift",
             "laws_from_census", "census_drift"],
    "known": ["gradient_flow_laws", "linear_momentum_laws", "discrete_heavy_ball_laws",
              "momentum_time_factor", "factor_matrices"],
    "orders": ["OrderFit", "fit_order", "measure_order", "law_drift_order", "flow_distance_order"],
    "plots": ["plot_drift", "plot_orders"],
    "cli": ["add_drift_arguments", "run_drift"],
}
_WHERE = {name: mod for mod, names in _EXPORTS.items() for name in names}

__all__ = sorted(_WHERE)


def __getattr__(name):
    mod = _WHERE.get(name)
    if mod is None:
        raise AttributeError(f"module 'lieflow.numerics' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"lieflow.numerics.{mod}"), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))
