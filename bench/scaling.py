"""Benchmark: the largest networks proven within a time budget (default 60 s).

Run:  python bench/scaling.py [--budget 60] [--family linear3|relu4|all]

Grows the widths of a family until one proven census takes longer than the budget, and prints
each row (widths, D, laws, proven, seconds, time in laws / closure).
"""

from __future__ import annotations

import argparse
import time

from lieflow import census
from lieflow.errors import LieflowError
from lieflow.models import linear, relu

FAMILIES = {
    "linear3": lambda n: linear([n, n, n]),
    "linear4": lambda n: linear([n, n, n, n]),
    "relu4": lambda n: relu([n, n, n, n], bias=True),
}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--budget", type=float, default=60.0)
    ap.add_argument("--family", default="all", choices=["all", *FAMILIES])
    ap.add_argument("--start", type=int, default=4)
    ap.add_argument("--step", type=int, default=2)
    args = ap.parse_args(argv)
    fams = FAMILIES if args.family == "all" else {args.family: FAMILIES[args.family]}
    print(f"{'family':<9}{'n':>4}{'D':>6}{'laws':>6}{'proven':>8}{'seconds':>9}{'laws s':>8}{'closure s':>10}")
    for name, build in fams.items():
        n, best = args.start, None
        while True:
            t = time.perf_counter()
            try:
                c = census(build(n))
            except LieflowError as exc:  # e.g. the law search's max_unknowns
                print(f"{name:<9}{n:>4}  stopped: {exc}")
                break
            sec = time.perf_counter() - t
            print(f"{name:<9}{n:>4}{c.ambient_dim:>6}{c.laws_lower:>6}{str(c.proven):>8}{sec:>9.2f}"
                  f"{c.timings['laws']:>8.2f}{c.timings['closure']:>10.2f}", flush=True)
            if sec > args.budget or not c.proven:
                break
            best = (n, c.ambient_dim, sec)
            n += args.step
        if best:
            print(f"  largest {name} proven within {args.budget:.0f} s: n = {best[0]} (D = {best[1]}, {best[2]:.1f} s)")


if __name__ == "__main__":
    main()
