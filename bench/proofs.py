"""Benchmark: the involutive-closure certificate (prove and independent check) on catalog models.

Run:  python bench/proofs.py [--repeat 3] [--families custom,linear,linear4,relu,nmf,resnet,resnet2x1,momentum]
                             [--limit 60] [--method auto|search|cofactors] [--no-check]

For each model: the closure (once), then ``prove_involutive`` and ``check_involutive`` (medians
over the repeats), against the size of K (``r``), the largest degree of a kept field (``deg``),
the number of fields checked (``Y``) and the size of the stored annihilators (``terms``).
Families are listed smallest first; a case that does not finish within ``--limit`` seconds (the
prover's deadline) ends its family, so the last finished row of each family is the largest case
proven within the limit.
"""

from __future__ import annotations

import argparse
import statistics
import time

from lieflow import closure
from lieflow.certificates.involutive import check_involutive, prove_involutive
from lieflow.dynamics import make_system
from lieflow.errors import LimitExceededError
from lieflow.models import custom, linear, nmf, relu, resnet

FAMILIES = {
    "custom": [
        ("log law", lambda: custom(["2*x1 + x2*x3**2 + 3*x2", "x1**2"]), "gradient"),
        ("x1*x2*x3", lambda: custom(["x1*x2*x3"]), "gradient"),
    ],
    "linear": [
        (f"{w}", (lambda w=w: linear(w)), "gradient")
        for w in ([2, 2, 2], [3, 3, 3], [4, 4, 4], [5, 5, 5], [6, 6, 6], [8, 8, 8], [10, 10, 10],
                  [12, 12, 12], [14, 14, 14])
    ],
    "linear4": [(f"{w}", (lambda w=w: linear(w)), "gradient") for w in ([3, 3, 3, 3], [4, 4, 4, 4], [5, 5, 5, 5],
                                                                        [6, 6, 6, 6])],
    "relu": [
        (f"{w}" + ("+bias" if b else ""), (lambda w=w, b=b: relu(w, bias=b)), "gradient")
        for w, b in (([2, 2, 2], False), ([3, 3, 3], False), ([3, 3, 3], True), ([4, 4, 4], False),
                     ([2, 2, 5, 3], False), ([3, 4, 3, 2], False), ([4, 4, 4, 4], False), ([5, 5, 5, 5], False),
                     ([6, 6, 6, 6], False))
    ],
    "nmf": [(f"{w}", (lambda w=w: nmf(w)), "gradient") for w in ([1, 3, 1], [2, 2, 2], [3, 3, 3], [4, 4, 4],
                                                                 [6, 6, 6], [8, 8, 8], [10, 10, 10], [12, 12, 12])],
    "resnet": [(f"1 x {b} blocks", (lambda b=b: resnet(1, blocks=b)), "gradient") for b in (2, 3, 4, 6, 8, 12)],
    "resnet2x1": [(f"2x1 x {b} blocks", (lambda b=b: resnet((2, 1), blocks=b)), "gradient") for b in (1, 2, 3, 4)],
    "momentum": [
        (f"linear {w}", (lambda w=w: linear(w)), "momentum")
        for w in ([2, 2, 1], [2, 2, 2], [3, 3, 3], [3, 4, 3], [4, 4, 4], [5, 5, 5])
    ],
}


def median_time(fn, repeat):
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return out, statistics.median(times)


def run_case(model, flow, args):
    system = make_system(model, flow=flow)
    t = time.perf_counter()
    res = closure(system.generators, names=system.generator_names)
    t_closure = time.perf_counter() - t
    row = {
        "D": system.ambient_dim,
        "gens": len(system.generators),
        "r": res.rank,
        "deg": max(K.degree for _, K in res.kept),
        "closure": t_closure,
    }

    def prove():
        return prove_involutive(system.generators, res.kept, names=system.generator_names, point=res.point,
                                prime=res.prime, deadline=time.perf_counter() + args.limit, method=args.method)

    try:
        cert, row["prove"] = median_time(prove, args.repeat)
    except LimitExceededError as exc:
        row["status"] = f"> {args.limit:g} s" if "out of time" in str(exc) else "search > max_unknowns"
        return row
    if cert is None:
        row["status"] = "not closed"
        return row
    row.update(Y=len(cert.checked), method=cert.method,
               terms=sum(len(p) for omega in cert.annihilators for _, p in omega), status=f"{cert.count} laws")
    if not args.no_check:
        gens = dict(zip(system.generator_names, system.generator_exprs()))
        _, row["check"] = median_time(
            lambda: check_involutive(cert, generators=gens, variables=system.ring.symbols), args.repeat)
    return row


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--families", default=",".join(FAMILIES))
    ap.add_argument("--limit", type=float, default=60.0, help="seconds allowed to one proof")
    ap.add_argument("--method", default="auto", choices=["auto", "search", "cofactors"])
    ap.add_argument("--no-check", action="store_true", help="skip the independent check")
    args = ap.parse_args(argv)
    head = (f"{'family':<10}{'model':<18}{'D':>5}{'gens':>6}{'r':>5}{'deg':>5}{'Y':>7}{'terms':>7}  {'method':<19}"
            f"{'closure':>9}{'prove':>9}{'check':>9}  status")
    print(head)
    print("-" * len(head))
    for family in args.families.split(","):
        for label, build, flow in FAMILIES[family]:
            row = run_case(build(), flow, args)
            fmt = lambda key: f"{row[key]:>9.3f}" if key in row else f"{'-':>9}"
            print(f"{family:<10}{label:<18}{row['D']:>5}{row['gens']:>6}{row['r']:>5}{row['deg']:>5}"
                  f"{row.get('Y', '-'):>7}{row.get('terms', '-'):>7}  {row.get('method', '-'):<19}"
                  f"{fmt('closure')}{fmt('prove')}{fmt('check')}  {row['status']}", flush=True)
            if not row["status"].endswith("laws") or row.get("check", 0) > args.limit:
                break


if __name__ == "__main__":
    main()
