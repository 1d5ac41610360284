"""Benchmark: what the log-law search adds to the polynomial one, and what it costs.

Run:  python bench/loglaws_grid.py [--repeat 3]

One row per model: D, the closure's upper bound on the number of laws, the independent
polynomial laws, the independent laws once laws with logarithms are added, the number of log
arguments found, and the median wall times of the polynomial search and of the log search
(which includes the polynomial one).
"""

from __future__ import annotations

import argparse
import statistics
import time

from lieflow import census
from lieflow.closure import random_point
from lieflow.laws import independent_laws, polynomial_laws
from lieflow.loglaws import independent_log_laws, log_candidates
from lieflow.models import custom, icnn, linear, nmf, relu, resnet

GRID = [
    ("custom example", lambda: custom(["2*x1 + x2*x3**2 + 3*x2", "x1**2"]), "gradient"),
    ("nmf [1,3,1]", lambda: nmf([1, 3, 1]), "gradient"),
    ("nmf [1,6,1]", lambda: nmf([1, 6, 1]), "gradient"),
    ("nmf [2,2,2]", lambda: nmf([2, 2, 2]), "gradient"),
    ("nmf [4,4,4]", lambda: nmf([4, 4, 4]), "gradient"),
    ("nmf [2,2,2] momentum", lambda: nmf([2, 2, 2]), "momentum"),
    ("icnn [3,3,3]", lambda: icnn([3, 3, 3]), "gradient"),
    ("resnet 1, 2 blocks", lambda: resnet(1, blocks=2), "gradient"),
    ("resnet 1, 3 blocks", lambda: resnet(1, blocks=3), "gradient"),
    ("resnet (1,2), 2 blocks", lambda: resnet((1, 2), blocks=2), "gradient"),
    ("linear [5,5,5]", lambda: linear([5, 5, 5]), "gradient"),
    ("linear [8,8,8]", lambda: linear([8, 8, 8]), "gradient"),
    ("relu [4,4,4,4]", lambda: relu([4, 4, 4, 4]), "gradient"),
    ("relu [8,8,8]", lambda: relu([8, 8, 8]), "gradient"),
]


def median_time(fn, repeat):
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    head = f"{'model':24} {'D':>4} {'upper':>5} {'poly':>4} {'+log':>4} {'args':>4} {'poly s':>8} {'log s':>8}"
    print(head)
    print("-" * len(head))
    for name, build, flow in GRID:
        c = census(build(), flow=flow)
        system = c.system
        point = random_point(system.ring.ngens, 0)
        if flow == "momentum":
            t_poly, poly = median_time(lambda: system.find_laws(), args.repeat)
        else:
            t_poly, poly = median_time(lambda: polynomial_laws(system.generators), args.repeat)
        t_log, laws = median_time(lambda: system.find_log_laws(), args.repeat)
        n_args = len(log_candidates(system.generators))
        print(
            f"{name:24} {system.ring.ngens:>4} {c.laws_upper:>5} {len(independent_laws(poly, point)):>4} "
            f"{len(independent_log_laws(laws, point)):>4} {n_args:>4} {t_poly:>8.3f} {t_log:>8.3f}"
        )


if __name__ == "__main__":
    main()
