"""Benchmark: a sweep of 100 random small architectures (D <= 60) with 1 and 2 workers, then again
from the results store.

Run:  python bench/sweep.py [--count 100] [--seed 0] [--max-dim 60] [--jobs 2]

The architectures are drawn the way the original paper's experiments draw them — random depth and
random widths for linear and ReLU networks (with or without biases) — from a seeded generator, so
every run censuses the same 100 networks.  Prints the wall time of the sweep on 1 worker (no
store), on ``--jobs`` workers (into a fresh store), the speed-up, and the time of the same sweep
read back from the store (nothing recomputed).
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time

from lieflow.sweeps import grid, sweep


def architectures(count: int, seed: int, max_dim: int):
    """``count`` distinct (model, widths, bias) with D <= max_dim, drawn from ``seed``."""
    rng = random.Random(seed)
    seen, out = set(), []
    while len(out) < count:
        kind = rng.choice(["linear", "relu"])
        depth = rng.choice([2, 2, 3])
        widths = tuple(rng.randint(1, 6) for _ in range(depth + 1))
        bias = kind == "relu" and rng.random() < 0.3
        dim = sum(a * b for a, b in zip(widths, widths[1:])) + (sum(widths[1:-1]) if bias else 0)
        if dim > max_dim or (kind, widths, bias) in seen:
            continue
        seen.add((kind, widths, bias))
        out.append((kind, widths, bias))
    return out


def family(archs):
    g = None
    for kind, widths, bias in archs:
        one = grid(kind, list(widths), **({"bias": True} if bias else {}))
        g = one if g is None else g + one
    return g


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=100)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--max-dim", type=int, default=60)
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args(argv)
    g = family(architectures(args.count, args.seed, args.max_dim))
    dims = [sum(a * b for a, b in zip(p.widths, p.widths[1:])) for p in g.points]
    print(f"{len(g)} architectures, D from {min(dims)} to {max(dims)} (weights only)")

    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores (other processes slow the workers)")
    t, c = time.perf_counter(), _cpu()
    one = sweep(g, store=None, jobs=1)
    t1, c1 = time.perf_counter() - t, _cpu() - c
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "bench.sqlite")
        t, c = time.perf_counter(), _cpu()
        many = sweep(g, store=path, jobs=args.jobs)
        tn, cn = time.perf_counter() - t, _cpu() - c
        t = time.perf_counter()
        again = sweep(g, store=path, jobs=args.jobs)
        ts = time.perf_counter() - t
    assert [r.result() for r in one.rows] == [r.result() for r in many.rows] == [r.result() for r in again.rows]
    proven = sum(r.proven for r in many.rows)
    print(f"1 worker:             {t1:7.2f} s   (cpu {c1:.2f} s)")
    print(f"{args.jobs} workers:            {tn:7.2f} s   (cpu {cn:.2f} s, all processes)   speed-up {t1 / tn:.2f}x")
    print(f"again from the store: {ts:7.2f} s   ({again.from_store} rows from the store, {again.computed} computed)")
    print(f"proven: {proven}/{len(g)}; identical rows on 1 worker, {args.jobs} workers and from the store")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (the pool's workers)."""
    import resource

    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


if __name__ == "__main__":
    main()
