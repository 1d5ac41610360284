"""Print a table of measured orders (lieflow.numerics.orders) on a small linear network.

Usage: python bench/numerics_orders.py [--seed S] [--beta B] [--scale S] [--widths 2 2 2]

Rows: GD drift of the gradient-flow laws (predicted order 1); distance of GD/HB/NAG to the
time-rescaled gradient flow (1); to the modified flow of f + c h |grad f|^2 with the derived c (2);
with a wrong c (1); and from rest instead of the slow manifold (1).
"""

from __future__ import annotations

import argparse
import time

from lieflow.numerics.known import gradient_flow_laws
from lieflow.numerics.modified import modified_loss_coefficient
from lieflow.numerics.networks import initial_parameters, network
from lieflow.numerics.orders import flow_distance_order, law_drift_order


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--beta", type=float, default=0.5)
    p.add_argument("--scale", type=float, default=0.5)
    p.add_argument("--duration", type=float, default=2.0)
    p.add_argument("--widths", type=int, nargs="+", default=[2, 2, 2])
    p.add_argument("--hs", type=float, nargs="+", default=[0.0125, 0.00625, 0.003125, 0.0015625])
    a = p.parse_args(argv)
    net = network("linear", a.widths, seed=a.seed)
    theta = initial_parameters(net, seed=a.seed, scale=a.scale)
    b, T, hs = a.beta, a.duration, a.hs
    rows = [("gd: drift of gradient-flow laws", 1, lambda: law_drift_order(
        net, gradient_flow_laws("linear", a.widths), theta, hs=hs, duration=T))]
    for opt in ("gd", "hb", "nag"):
        rows.append((f"{opt}: distance to rescaled gradient flow", 1, lambda opt=opt:
                     flow_distance_order(net, theta, hs=hs, duration=T, optimizer=opt, beta=b)))
    for opt in ("gd", "hb", "nag"):
        c = modified_loss_coefficient(opt, beta=b)
        rows.append((f"{opt}: distance to modified flow, c = {c:.4g}", 2, lambda opt=opt:
                     flow_distance_order(net, theta, hs=hs, duration=T, optimizer=opt, beta=b,
                                         reference="modified")))
    for opt, other in (("hb", "nag"), ("nag", "hb")):
        c = modified_loss_coefficient(other, beta=b)
        rows.append((f"{opt}: modified flow with {other}'s c = {c:.4g}", 1, lambda opt=opt, c=c:
                     flow_distance_order(net, theta, hs=hs, duration=T, optimizer=opt, beta=b,
                                         reference="modified", c=c)))
    rows.append(("gd: modified flow with c = 0", 1, lambda: flow_distance_order(
        net, theta, hs=hs, duration=T, optimizer="gd", reference="modified", c=0.0)))
    rows.append(("hb: modified flow, started at rest", 1, lambda: flow_distance_order(
        net, theta, hs=hs, duration=T, optimizer="hb", beta=b, reference="modified",
        start="rest")))
    print(f"linear {a.widths}, seed {a.seed}, init scale {a.scale}, beta {b}, horizon {T}, "
          f"h in {hs}")
    print(f"{'measurement':<48} {'predicted':>9} {'slope':>7} {'seconds':>8}")
    for label, expected, run in rows:
        t = time.perf_counter()
        fit = run()
        print(f"{label:<48} {expected:>9} {fit.slope:>7.3f} {time.perf_counter() - t:>8.2f}")


if __name__ == "__main__":
    main()
