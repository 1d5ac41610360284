"""The ``lieflow drift`` command: run a flow or an optimizer and print the drift of every law.

::

    lieflow drift MODEL WIDTH... [--bias] [--optimizer gd|hb|nag|flow|mirror] [--lr H]
                  [--beta B] [--steps N] [--seed S] [--loss square|cross-entropy]
                  [--samples N] [--init-scale S] [--v0 S] [--plot FILE.png] [--format text|json]
    lieflow drift custom --phi EXPR [--phi EXPR ...] [--params x,y,...] [same options]

The laws are computed exactly by ``lieflow.census`` for the model's own flow (gradient flow, or the
mirror flow for nmf and icnn).  ``gd``, ``hb``, ``nag`` and ``mirror`` (mirror descent, nmf/icnn)
are iterated ``N`` times with step ``H`` (time ``t = k H``); ``flow`` integrates the model's
continuous flow up to ``t = N H``.  For ``hb`` and ``nag`` on linear networks the discrete
heavy-ball invariant ``beta**(-t/H) A`` (exact for ``hb``, not for ``nag``) is reported too, over
the first steps where ``beta**(-k) <= 1e6`` (beyond that, ``beta**(-k)`` magnifies the round-off
of the iterates past a meaningful level); hb and nag start with a seeded random velocity of size
``--v0`` (default 0.1) since from rest that invariant is identically 0.

This module imports numpy only when the command runs, so the ``lieflow`` console script works
without the optional extra.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import time

from lieflow.errors import BadArgumentError, LieflowError

__all__ = ["add_drift_arguments", "run_drift"]

MODELS = ("linear", "relu", "nmf", "icnn", "custom")
CHOICES = ("gd", "hb", "nag", "flow", "mirror")
AMPLIFICATION = 1e6  # largest beta**(-k) over which the discrete heavy-ball law is evaluated


def add_drift_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Declare the ``drift`` command's arguments on ``parser`` (an argparse parser).

    Examples
    --------
    >>> import argparse
    >>> p = add_drift_arguments(argparse.ArgumentParser(prog="drift"))
    >>> a = p.parse_args(["relu", "2", "3", "2", "--optimizer", "hb", "--lr", "0.01"])
    >>> a.model, a.widths, a.optimizer, a.lr, a.steps
    ('relu', ['2', '3', '2'], 'hb', 0.01, 1000)
    """
    parser.add_argument("model", help=f"one of {', '.join(MODELS)}")
    parser.add_argument("widths", nargs="*", help="layer widths n0 n1 ... nq (factor convention)")
    parser.add_argument("--bias", action="store_true", help="hidden biases (relu, icnn)")
    parser.add_argument("--phi", action="append", default=None,
                        help="custom: components of phi; commas separate several, --phi repeats "
                             "(polynomials: + - * / ** ^, integers, a/b, ASCII names; no code is evaluated)")
    parser.add_argument("--params", default=None, help="custom: parameter names, comma separated")
    parser.add_argument("--optimizer", choices=CHOICES, default="gd",
                        help="gd, hb (heavy ball), nag (Nesterov), flow (the model's continuous "
                             "flow), mirror (mirror descent; nmf, icnn); default gd")
    parser.add_argument("--lr", type=float, default=0.01, help="learning rate / time step (0.01)")
    parser.add_argument("--beta", type=float, default=None, help="momentum of hb/nag (0.9)")
    parser.add_argument("--steps", type=int, default=1000, help="number of steps (1000)")
    parser.add_argument("--seed", type=int, default=0, help="seed of data and initialization (0)")
    parser.add_argument("--loss", choices=("square", "cross-entropy"), default="square")
    parser.add_argument("--samples", type=int, default=10, help="number of data points (10)")
    parser.add_argument("--init-scale", type=float, default=0.5,
                        help="standard deviation of the initial parameters (0.5)")
    parser.add_argument("--v0", type=float, default=None,
                        help="hb/nag: size of the random initial velocity (0.1; 0 = at rest)")
    parser.add_argument("--plot", default=None, metavar="FILE.png", help="write a drift figure")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    return parser


def _load_core():
    """``(census, models)`` from the exact core (a seam for tests)."""
    import lieflow
    from lieflow import models

    return lieflow.census, models


def _need_extra():
    try:
        import numpy  # noqa: F401
        import scipy  # noqa: F401
    except ImportError as exc:
        raise LieflowError(
            f"the drift command needs the optional 'numerics' extra (numpy, scipy, matplotlib): "
            f"pip install 'lieflow[numerics]' ({exc})"
        ) from None


def _model(args, models):
    if args.model not in MODELS:
        raise BadArgumentError("MODEL", args.model, f"must be one of {', '.join(MODELS)}")
    from ..cli import model_from_args

    return model_from_args(args)


def _check(args):
    opt = args.optimizer
    if not (math.isfinite(args.lr) and args.lr > 0):
        raise BadArgumentError("--lr", args.lr, "must be a positive number")
    if args.steps < 1:
        raise BadArgumentError("--steps", args.steps, "must be an integer >= 1")
    if args.samples < 1:
        raise BadArgumentError("--samples", args.samples, "must be an integer >= 1")
    if not (math.isfinite(args.init_scale) and args.init_scale > 0):
        raise BadArgumentError("--init-scale", args.init_scale, "must be a positive number")
    if opt in ("hb", "nag"):
        beta = 0.9 if args.beta is None else args.beta
        if not (0 <= beta < 1):
            raise BadArgumentError("--beta", beta, "momentum must satisfy 0 <= beta < 1")
        v0 = 0.1 if args.v0 is None else args.v0
        if not (math.isfinite(v0) and v0 >= 0):
            raise BadArgumentError("--v0", v0, "must be a number >= 0")
        return beta, v0
    for flag, val in (("--beta", args.beta), ("--v0", args.v0)):
        if val is not None:
            raise BadArgumentError(flag, val, "only applies to --optimizer hb or nag")
    if opt == "mirror" and args.model not in ("nmf", "icnn"):
        raise BadArgumentError("--optimizer", opt,
                               "mirror descent needs a model with a mirror metric (nmf, icnn)")
    return None, None


def run_drift(args) -> int:
    """Run the ``drift`` command on parsed ``args``; print the report; return the exit status.

    Parameters
    ----------
    args : argparse.Namespace
        As declared by :func:`add_drift_arguments`.

    Returns
    -------
    int
        0 on success.

    Raises
    ------
    BadArgumentError
        For a bad model, widths, flag combination or value (named as on the command line), or
        an iteration that diverges (``lr``).
    LieflowError
        If the optional extra is missing, or from the census.
    """
    start = time.perf_counter()
    _need_extra()
    import numpy as np

    from lieflow.numerics.flows import gradient_flow
    from lieflow.numerics.known import discrete_heavy_ball_laws, linear_momentum_laws
    from lieflow.numerics.laws import compile_laws, laws_from_census
    from lieflow.numerics.networks import initial_parameters, network
    from lieflow.numerics.optimizers import optimize
    from lieflow.numerics.trajectory import Trajectory

    beta, v0_size = _check(args)
    census_fn, models = _load_core()
    model = _model(args, models)
    cen = census_fn(model)
    net = network(model, loss=args.loss, n_samples=args.samples, seed=args.seed)
    theta0 = initial_parameters(net, seed=args.seed, scale=args.init_scale)
    opt = args.optimizer
    v0 = None
    if opt in ("hb", "nag") and v0_size:
        rng = np.random.default_rng(np.random.SeedSequence(args.seed, spawn_key=(2,)))
        v0 = v0_size * rng.standard_normal(net.dim)
    if opt == "flow":
        tr = gradient_flow(net, theta0, duration=args.steps * args.lr,
                           n_points=min(args.steps + 1, 1001), on_limit="truncate")
    else:
        try:
            tr = optimize(net, theta0, opt, lr=args.lr, steps=args.steps, beta=beta, v0=v0)
        except BadArgumentError as exc:
            if exc.name != "lr":
                raise
            raise BadArgumentError("--lr", args.lr, exc.reason) from None

    reports = []
    laws = laws_from_census(cen)
    if len(laws):
        reports.append(("gradient-flow" if net.default_metric == "euclidean" else "mirror-flow",
                        laws.drift(tr), len(tr) - 1))
    discrete_steps = None
    if opt in ("hb", "nag") and net.kind == "linear" and len(net.widths) >= 3 and beta > 0:
        hb_laws = discrete_heavy_ball_laws(net.widths, beta=beta, lr=args.lr)
        discrete_steps = min(args.steps, int(math.log(AMPLIFICATION) / -math.log(beta)))
        window = Trajectory(tr.times[: discrete_steps + 1], tr.states[: discrete_steps + 1],
                            tr.velocities[: discrete_steps + 1], tr.parameters, tr.method,
                            tr.options)
        plain = linear_momentum_laws(net.widths)
        labels = [f"q{i + 1}" for i in range(len(hb_laws))]
        rep = compile_laws(hb_laws, labels=labels).drift(window)
        texts = tuple(f"{beta:g}**(-k)*({a})" for a in plain)
        reports.append(("discrete-heavy-ball", dataclasses.replace(rep, expressions=texts),
                        discrete_steps))

    loss0, loss1 = net.loss(tr.states[0]), net.loss(tr.final)
    truncated = bool(tr.options.get("truncated"))
    if args.plot:
        _plot(args, reports, net, tr)
    result = {
        "command": "drift",
        "model": net.kind,
        "widths": list(net.widths) if net.kind != "custom" else [],
        "bias": net.bias,
        "optimizer": opt,
        "lr": args.lr,
        "beta": beta,
        "v0": v0_size,
        "steps": args.steps,
        "duration": float(tr.times[-1]),
        "truncated": truncated,
        "seed": args.seed,
        "loss": args.loss,
        "samples": int(net.X.shape[0]),
        "initial_loss": loss0,
        "final_loss": loss1,
        "parameters": list(net.parameters),
        "laws_proven": bool(getattr(cen, "proven", False)),
        "laws": [dict(rec, kind=kind, steps=n)
                 for kind, rep, n in reports for rec in rep.to_dict()],
        "plot": args.plot,
        "seconds": round(time.perf_counter() - start, 3),
    }
    if args.format == "json":
        print(json.dumps(result))
    else:
        print(_text(result, net))
    return 0


def _text(r, net):
    desc = f"{r['model']} {r['widths']}" + (" with biases" if r["bias"] else "")
    how = {"gd": "gradient descent", "hb": "heavy ball", "nag": "Nesterov",
           "flow": "continuous flow (DOP853)", "mirror": "mirror descent"}[r["optimizer"]]
    settings = f"lr {r['lr']:g}, {r['steps']} steps"
    if r["beta"] is not None:
        settings += f", beta {r['beta']:g}, initial velocity size {r['v0']:g}"
    lines = [
        f"drift of the laws of {desc} under {how} ({settings}; t up to {r['duration']:g}), "
        f"seed {r['seed']}",
        f"{r['loss']} loss on {r['samples']} samples: {r['initial_loss']:.6g} -> "
        f"{r['final_loss']:.6g}",
    ]
    if r["truncated"]:
        lines.append("note: the integration stopped early (a ReLU flow sliding along a kink?)")
    if net.default_metric == "mirror" and r["optimizer"] in ("gd", "hb", "nag"):
        lines.append("note: these are laws of the mirror flow; Euclidean steps need not keep them")
    if not r["laws"]:
        lines.append("no laws (of degree <= 2) to follow")
    kinds = {"gradient-flow": "laws of the gradient flow (exact, from lieflow.census)",
             "mirror-flow": "laws of the mirror flow (exact, from lieflow.census)",
             "discrete-heavy-ball": "discrete heavy-ball invariant beta**(-k) A (exact for hb)"}
    current = None
    for rec in r["laws"]:
        if rec["kind"] != current:
            current = rec["kind"]
            extra = f", first {rec['steps']} steps" if current == "discrete-heavy-ball" else ""
            lines.append(f"{kinds[current]}{extra}:")
            lines.append(f"  {'law':<5} {'rel. drift':>10} {'abs. drift':>10} {'scale':>10}  "
                         f"expression")
        ex = rec["expression"]
        ex = ex if len(ex) <= 70 else ex[:67] + "..."
        lines.append(f"  {rec['label']:<5} {rec['rel_drift']:>10.2e} {rec['abs_drift']:>10.2e} "
                     f"{rec['scale']:>10.2e}  {ex}")
    if r["plot"]:
        lines.append(f"figure written to {r['plot']}")
    return "\n".join(lines)


def _plot(args, reports, net, tr):
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise LieflowError("--plot needs matplotlib: pip install 'lieflow[numerics]'") from None
    from lieflow.numerics.plots import plot_drift

    fig = Figure(figsize=(8, 4.8), layout="constrained")
    ax = fig.add_subplot()
    if reports:
        plot_drift([rep for _, rep, _ in reports], ax=ax)
    title = (f"{net.kind} {list(net.widths) if net.kind != 'custom' else ''}, {args.optimizer}, "
             f"lr {args.lr:g}" + (f", beta {args.beta if args.beta is not None else 0.9:g}"
                                  if args.optimizer in ('hb', 'nag') else "")
             + f", seed {args.seed}")
    ax.set_title(title)
    try:
        fig.savefig(args.plot, dpi=120)
    except (OSError, ValueError) as exc:
        raise BadArgumentError("--plot", args.plot, f"cannot write the figure ({exc})") from None
