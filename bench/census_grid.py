"""Benchmark: full proven census (count + degree-2 laws + certificate) on a grid of networks.

Run:  python bench/census_grid.py [--repeat 3] [--rows linear,relu] [--full]

Prints one row per network with the median wall time over the repeats.  ``--full`` also runs
the closure without early stopping (the whole generic rank, not only up to the proof).
"""

from __future__ import annotations

import argparse
import statistics
import time

from lieflow import census
from lieflow.models import linear, relu

GRID = [
    ("linear", [2, 2, 2], False),
    ("linear", [4, 3, 4], False),
    ("linear", [3, 3, 3, 3], False),
    ("linear", [5, 4, 5], False),
    ("linear", [5, 5, 5], False),
    ("linear", [8, 8, 8], False),
    ("linear", [4, 4, 4, 4], False),
    ("relu", [3, 3, 3], False),
    ("relu", [3, 3, 3], True),
    ("relu", [2, 2, 5, 3], False),
    ("relu", [3, 4, 3, 2], False),
    ("relu", [4, 4, 4], False),
    ("relu", [4, 4, 4, 4], False),
]


def run(kind, widths, bias, repeat, early_stop=True):
    build = linear if kind == "linear" else (lambda w: relu(w, bias=bias))
    times, c = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        c = census(build(widths), early_stop=early_stop)
        times.append(time.perf_counter() - t)
    return c, statistics.median(times)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--rows", default="linear,relu")
    ap.add_argument("--full", action="store_true", help="closure without early stop")
    args = ap.parse_args(argv)
    kinds = set(args.rows.split(","))
    head = f"{'model':<8}{'widths':<16}{'bias':<6}{'D':>5}{'gens':>6}{'rank':>6}{'laws':>6}{'proven':>8}{'seconds':>10}{'expanded':>10}{'evaluated':>10}{'hits':>6}"
    print(head)
    print("-" * len(head))
    for kind, widths, bias in GRID:
        if kind not in kinds:
            continue
        c, med = run(kind, widths, bias, args.repeat, early_stop=not args.full)
        st = c.stats
        print(
            f"{kind:<8}{str(widths):<16}{str(bias):<6}{c.ambient_dim:>5}{len(c.system.generators):>6}"
            f"{c.lie_rank:>6}{c.laws_lower:>6}{str(c.proven):>8}{med:>10.3f}"
            f"{st['brackets_expanded']:>10}{st['brackets_evaluated']:>10}{st['cache_hits']:>6}"
        )


if __name__ == "__main__":
    main()
