"""Benchmark: proven momentum censuses (DESIGN §3) on a grid of linear and ReLU networks.

Run ``python bench/momentum_grid.py`` (options: ``--repeat N`` for the median of N runs,
``--json FILE`` to save the rows, ``--extended`` for larger networks with a 60 s target).  Targets (issue 3): linear [4, 8, 4] (phase dimension 129)
proven within 60 s; every smaller row within 5 s.

Columns: model and widths, damping, phase dimension 2D + 1, number of generators (X0 and the
forcing fields), rank of the Lie closure at the certificate point, lower bound (independent
explicit laws) and upper bound (phase dim − rank), proven, wall seconds (median) split into law
search and closure, brackets evaluated at the point / expanded symbolically.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from lieflow.models import linear, relu  # noqa: E402

ROWS = [
    ("linear", [2, 2, 2]),
    ("linear", [2, 5, 2]),
    ("linear", [3, 4, 3]),
    ("linear", [4, 8, 4]),
    ("relu", [2, 2, 2]),
    ("relu", [3, 3, 3]),
]
#: Larger rows (``--extended``), to find how far a proven census goes within 60 s.
EXTENDED_ROWS = [
    ("linear", [6, 12, 6]),
    ("linear", [8, 16, 8]),
    ("linear", [4, 4, 4, 4]),
    ("relu", [5, 5, 5]),
    ("relu", [3, 4, 3, 2]),
]
DAMPINGS = ("heavy-ball", "none", "nesterov")


def run_one(kind, widths, damping):
    """One census; returns a dict row (uses lieflow.census, else the pieces it is built from)."""
    model = linear(widths) if kind == "linear" else relu(widths)
    t0 = time.perf_counter()
    try:
        from lieflow.census import census
    except ImportError:
        census = None
    if census is not None:
        c = census(model, flow="momentum", damping=damping)
        seconds = time.perf_counter() - t0
        return {
            "model": kind, "widths": widths, "damping": damping, "phase_dim": c.ambient_dim,
            "generators": len(c.system.generators), "lie_rank": c.lie_rank, "lower": c.laws_lower,
            "upper": c.laws_upper, "proven": c.proven, "seconds": seconds,
            "laws_seconds": c.timings.get("laws"), "closure_seconds": c.timings.get("closure"),
            "evaluated": c.stats.get("brackets_evaluated"), "expanded": c.stats.get("brackets_expanded"),
        }
    from lieflow.closure import closure, random_point
    from lieflow.dynamics import make_system
    from lieflow.laws import independent_laws

    system = make_system(model, flow="momentum", damping=damping)
    D = system.ambient_dim
    point = random_point(D, 0)
    t1 = time.perf_counter()
    chosen = independent_laws(system.find_laws(), point)
    t2 = time.perf_counter()
    res = closure(system.generators, names=system.generator_names, point=point, target_rank=D - len(chosen))
    t3 = time.perf_counter()
    return {
        "model": kind, "widths": widths, "damping": damping, "phase_dim": D,
        "generators": len(system.generators), "lie_rank": res.rank, "lower": len(chosen),
        "upper": D - res.rank, "proven": len(chosen) == D - res.rank, "seconds": t3 - t0,
        "laws_seconds": t2 - t1, "closure_seconds": t3 - t2,
        "evaluated": res.stats["brackets_evaluated"], "expanded": res.stats["brackets_expanded"],
    }


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=1, help="median of this many runs (default 1)")
    ap.add_argument("--json", help="also write the rows to this file")
    ap.add_argument("--extended", action="store_true", help="also run larger rows (60 s target each)")
    args = ap.parse_args(argv)
    header = (
        f"{'model':<7}{'widths':<14}{'damping':<11}{'dim':>5}{'gens':>5}{'rank':>6}{'lower':>6}{'upper':>6}"
        f"{'proven':>8}{'seconds':>9}{'laws s':>8}{'clos s':>8}{'eval/exp':>11}"
    )
    print(header)
    print("-" * len(header))
    rows = []
    for kind, widths in ROWS + (EXTENDED_ROWS if args.extended else []):
        for damping in DAMPINGS:
            runs = [run_one(kind, widths, damping) for _ in range(max(1, args.repeat))]
            row = dict(runs[0])
            for key in ("seconds", "laws_seconds", "closure_seconds"):
                row[key] = statistics.median(r[key] for r in runs)
            target = 5.0 if (kind, widths) in ROWS and widths != [4, 8, 4] else 60.0
            row["target_seconds"] = target
            row["met"] = row["proven"] and row["seconds"] <= target
            rows.append(row)
            print(
                f"{kind:<7}{str(widths):<14}{damping:<11}{row['phase_dim']:>5}{row['generators']:>5}"
                f"{row['lie_rank']:>6}{row['lower']:>6}{row['upper']:>6}{str(row['proven']):>8}"
                f"{row['seconds']:>9.3f}{row['laws_seconds']:>8.3f}{row['closure_seconds']:>8.3f}"
                f"{str(row['evaluated']) + '/' + str(row['expanded']):>11}",
                flush=True,
            )
    missed = [r for r in rows if not r["met"]]
    print(f"\n{len(rows) - len(missed)}/{len(rows)} rows proven within target", "" if not missed else f"(missed: {missed})")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(rows, fh, indent=1)
    return 0 if not missed else 1


if __name__ == "__main__":
    sys.exit(main())
