"""The ``lieflow sweep`` and ``lieflow store`` commands (added to the parser of :mod:`lieflow.cli`).

``lieflow sweep MODEL SPEC [SPEC ...] [options]``: each SPEC is an integer or an inclusive range
``a..b``; comma-separated values of an option sweep it.  Exit status 0 (also when some censuses
failed or timed out: they are rows with their reason), 1 when ``--expect`` has a counterexample,
2 on bad usage, 130 on Ctrl-C (the rows finished so far are printed and kept in the store).

``lieflow store ls|show KEY|export --csv|verify [KEY ...]`` inspects a results store.
"""

from __future__ import annotations

import json
import os
import sys

from ..errors import BadArgumentError

__all__ = ["add_sweep_commands", "run_sweep_command"]

_LIST = "comma-separated values sweep"


def add_sweep_commands(sub) -> None:
    """Add ``sweep`` and ``store`` to the subcommands ``sub`` of the ``lieflow`` parser."""
    s = sub.add_parser("sweep", help="census a family of models (grids of widths and options) on a results store")
    s.add_argument("model", nargs="?", default=None, help="a catalog model (linear, relu, nmf, icnn, ...)")
    s.add_argument("specs", nargs="*", metavar="SPEC", help="one per width: an integer or an inclusive range a..b")
    s.add_argument("--grid", default=None, metavar="FILE", help="a TOML or JSON grid file (families), instead of MODEL SPEC...")
    s.add_argument("--names", default=None, help="names of the width positions (default n,r,m for three widths, else n0,n1,...)")
    s.add_argument("--bias", action="store_true", help="hidden biases (relu, icnn)")
    s.add_argument("--metric", default=None, help=f"euclidean|mirror ({_LIST})")
    s.add_argument("--heads", default=None, help=f"attention heads ({_LIST})")
    s.add_argument("--shared-softmax", action="store_true", help="attention: heads share one softmax")
    s.add_argument("--blocks", default=None, help=f"resnet blocks ({_LIST})")
    s.add_argument("--activation", default=None, help=f"resnet activation linear|relu ({_LIST})")
    s.add_argument("--flow", default=None, help=f"gradient|momentum ({_LIST})")
    s.add_argument("--damping", default=None, help=f"heavy-ball|nesterov|none ({_LIST}; momentum only)")
    s.add_argument("--tau", default=None, help=f"heavy-ball friction, rational ({_LIST})")
    s.add_argument("--alpha", default=None, help=f"Nesterov-type alpha ({_LIST})")
    s.add_argument("--degree", default=None, help=f"max degree of explicit laws, default 2 ({_LIST})")
    s.add_argument("--time-degree", default=None, help=f"max degree in the time coordinate ({_LIST})")
    s.add_argument("--seed", default=None, help=f"seed of the certificate point, default 0 ({_LIST})")
    s.add_argument("--confirm", action="store_true", help="also close at a second independent point")
    s.add_argument("--prime", default=None, help="prime for the modular ranks")
    s.add_argument("--max-brackets", default=None, help="stop each closure after this many brackets")
    s.add_argument("--store", default=None, metavar="PATH", help="results store (default ./lieflow-results.sqlite)")
    s.add_argument("--no-store", action="store_true", help="keep nothing: compute every census")
    s.add_argument("--jobs", default=None, help="worker processes (default: the number of cores)")
    s.add_argument("--scheduler", default=None, metavar="ADDRESS", help="run on a dask.distributed scheduler (tcp://host:port)")
    s.add_argument("--dask", action="store_true", help="run on a dask LocalCluster of --jobs workers")
    s.add_argument("--time-limit", default=None, metavar="S", help="seconds per census (a census cut by it keeps valid bounds)")
    s.add_argument("--total-time-limit", default=None, metavar="S", help="seconds for the whole sweep (finished rows are kept)")
    s.add_argument("--fit", action="store_true", help="fit the proven counts by the simplest polynomial in the swept widths")
    s.add_argument("--max-degree", default="4", help="highest degree --fit tries (default 4)")
    s.add_argument("--expect", default=None, metavar="FORMULA", help="check #laws = FORMULA (in the width names) on every row")
    s.add_argument("--format", choices=("text", "json", "csv"), default="text")
    s.add_argument("--plot", default=None, metavar="FILE", help="draw the counts against the swept width (needs matplotlib)")
    s.add_argument("--progress", choices=("auto", "always", "never"), default="auto",
                   help="progress on stderr: auto = only on a terminal (default)")

    st = sub.add_parser("store", help="inspect a results store: ls, show KEY, export --csv, verify [KEY ...]")
    st.add_argument("action", choices=("ls", "show", "export", "verify"))
    st.add_argument("keys", nargs="*", metavar="KEY", help="row keys (a unique prefix is enough)")
    st.add_argument("--store", default=None, metavar="PATH", help="results store (default ./lieflow-results.sqlite)")
    st.add_argument("--csv", action="store_true", help="export: CSV (the only export format)")
    st.add_argument("--format", choices=("text", "json"), default="text", help="ls/show/verify output")


def _positive_int(name, text):
    if text is None:
        return None
    t = str(text).strip()
    if not t.isascii() or not t.isdigit() or len(t) > 9 or int(t) < 1:
        raise BadArgumentError(name, text, "expected an integer >= 1")
    return int(t)


def _seconds(name, text):
    if text is None:
        return None
    try:
        v = float(text)
    except ValueError:
        raise BadArgumentError(name, text, "expected a number of seconds") from None
    if not v > 0 or v == float("inf"):
        raise BadArgumentError(name, text, "expected a positive number of seconds")
    return v


_OPTIONS = ("bias", "metric", "heads", "shared_softmax", "blocks", "activation", "flow", "damping", "tau", "alpha",
            "degree", "time_degree", "seed", "confirm", "prime", "max_brackets")


def _grid(args):
    from .grid import grid, grid_from_file

    options = {k: getattr(args, k) for k in _OPTIONS if getattr(args, k) not in (None, False)}
    if args.grid is not None:
        if args.model is not None or args.specs or options or args.names:
            raise BadArgumentError("--grid", args.grid, "give either a grid file or MODEL SPEC... and options, not both")
        return grid_from_file(args.grid)
    if args.model is None:
        raise BadArgumentError("MODEL", None, "a model and its width specs (or --grid FILE) are required")
    if not args.specs:
        raise BadArgumentError("SPEC", args.model, "at least one width spec is needed (e.g. 2 1..10 2)")
    names = None if args.names is None else [n.strip() for n in args.names.split(",")]
    return grid(args.model, args.specs, names=names, **options)


def _executor(args, jobs):
    """A context manager giving ``(executor or None, description)``."""
    import contextlib

    if args.scheduler is None and not args.dask:
        return contextlib.nullcontext(None)
    if args.scheduler is not None and args.dask:
        raise BadArgumentError("--dask", True, "give either --scheduler ADDRESS or --dask, not both")
    from .dask import dask_executor

    return dask_executor(args.scheduler, workers=jobs)


def _run_sweep(args) -> int:
    from ..cli import _is_terminal
    from .execute import sweep
    from .fit import check_formula
    from .report import SweepProgress, plot_counts, summary_table, to_csv
    from .store import DEFAULT_PATH

    g = _grid(args)
    jobs = _positive_int("--jobs", args.jobs)
    time_limit = _seconds("--time-limit", args.time_limit)
    total = _seconds("--total-time-limit", args.total_time_limit)
    max_degree = _positive_int("--max-degree", args.max_degree)
    if args.no_store and args.store is not None:
        raise BadArgumentError("--no-store", True, "give either --store PATH or --no-store")
    store = None if args.no_store else (args.store or DEFAULT_PATH)
    if args.plot is not None:
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            raise BadArgumentError("--plot", args.plot, "needs matplotlib (pip install 'lieflow[plot]')") from None
    expect_parsed = None
    if args.expect is not None:  # refuse a bad formula before any work
        from ..algebra.parse import parse_expression

        expect_parsed = parse_expression(args.expect, name="--expect")
        unknown = [n for n in expect_parsed.names if n not in g.width_names]
        if unknown:
            raise BadArgumentError("--expect", args.expect, f"uses {unknown}; the formula may use the widths {list(g.width_names)}")
    show = args.progress == "always" or (args.progress == "auto" and _is_terminal(sys.stderr))
    progress = SweepProgress(sys.stderr, in_place=_is_terminal(sys.stderr), bar=_is_terminal(sys.stderr)) if show else None
    try:
        with _executor(args, jobs) as executor:
            res = sweep(g, store=store, executor=executor, jobs=jobs, time_limit=time_limit,
                        total_time_limit=total, progress=progress)
    finally:
        if progress is not None:
            progress.close()
    fit = res.fit(max_degree=max_degree) if args.fit else None
    expect = check_formula(res, args.expect) if expect_parsed is not None else None
    if args.format == "json":
        print(res.to_json(fit=fit, expect=expect))
    elif args.format == "csv":
        print(to_csv(res), end="")
    else:
        print(summary_table(res))
        print(f"{len(res.rows)} censuses: {res.computed} computed, {res.from_store} from the store"
              + (f" ({res.store})" if res.store else "") + f"; {res.seconds:.1f} s")
        if fit is not None:
            print(fit.to_text())
        if expect is not None:
            print(expect.to_text())
    if args.plot is not None:
        ax = plot_counts(res)
        ax.figure.savefig(args.plot, bbox_inches="tight")
    if res.interrupted:
        print(f"lieflow: interrupted; {sum(r.status != 'not run' for r in res.rows)} rows finished"
              + (" and kept in the store" if res.store else ""), file=sys.stderr)
        return 130
    if res.stopped:
        print(f"lieflow: {res.stopped}: {sum(r.status == 'not run' for r in res.rows)} rows not run", file=sys.stderr)
    return 1 if expect is not None and not expect.holds else 0


def _run_store(args) -> int:
    from .store import DEFAULT_PATH, Store

    path = args.store or DEFAULT_PATH
    if not os.path.exists(path):
        raise BadArgumentError("--store", path, "does not exist (a sweep creates it)")
    if args.action == "export" and not args.csv:
        raise BadArgumentError("export", "--csv", "only CSV export is supported: add --csv")
    if args.action in ("ls", "export") and args.keys:
        raise BadArgumentError("KEY", args.keys, f"store {args.action} takes no keys")
    if args.action == "show" and len(args.keys) != 1:
        raise BadArgumentError("KEY", args.keys, "store show takes one key (or unique prefix)")
    with Store(path) as db:
        if args.action == "ls":
            rows = db.rows()
            if args.format == "json":
                print(json.dumps([_summary(r) for r in rows]))
            else:
                for r in rows:
                    laws = "-" if r.laws_upper is None else (str(r.laws_upper) if r.proven else f"{r.laws_lower}..{r.laws_upper}")
                    print(f"{r.key[:12]}  {r.status:7}  D={r.ambient_dim if r.ambient_dim is not None else '-':<4} "
                          f"laws={laws:<6} {'proven' if r.proven else '      '}  {r.label}")
                print(f"{len(rows)} rows in {path}")
            return 0
        if args.action == "show":
            r = db.find(args.keys[0])
            if args.format == "json":
                print(json.dumps({**_summary(r), "census": r.census_dict()}))
            else:
                print(f"key {r.key}\nlabel {r.label}\nstatus {r.status}" + (f" ({r.reason})" if r.reason else "")
                      + f"\nlieflow {r.version}; options {r.options}")
                if r.census is not None:
                    from ..io import census_from_json

                    print(census_from_json(r.census).to_text())
            return 0
        if args.action == "export":
            _export_csv(db)
            return 0
        rows = [db.find(k) for k in args.keys] if args.keys else [r for r in db.rows() if r.census is not None]
        failed = 0
        for r in rows:
            problem = db.verify(r)
            failed += problem is not None
            print(f"{r.key[:12]}  {'verified' if problem is None else 'NOT VERIFIED: ' + problem}  {r.label}")
        print(f"{len(rows) - failed}/{len(rows)} stored censuses verified")
        return 1 if failed else 0


def _summary(r) -> dict:
    return {"key": r.key, "label": r.label, "status": r.status, "reason": r.reason, "version": r.version,
            "ambient_dim": r.ambient_dim, "laws_lower": r.laws_lower, "laws_upper": r.laws_upper,
            "proven": r.proven, "count_proof": r.count_proof, "seconds": r.seconds,
            "options": json.loads(r.options)}


def _export_csv(db) -> None:
    import csv

    w = csv.writer(sys.stdout, lineterminator="\n")
    cols = ["key", "label", "model", "widths", "options", "version", "status", "ambient_dim", "laws_lower",
            "laws_upper", "proven", "count_proof", "seconds", "reason"]
    w.writerow(cols)
    for r in db.rows():
        spec = json.loads(r.spec)
        w.writerow([r.key, r.label, spec.get("kind"), " ".join(map(str, spec.get("widths", []))), r.options, r.version,
                    r.status, r.ambient_dim, r.laws_lower, r.laws_upper, r.proven, r.count_proof,
                    None if r.seconds is None else round(r.seconds, 4), r.reason])


def run_sweep_command(args) -> int:
    """Run ``lieflow sweep`` or ``lieflow store`` from parsed arguments; return the exit status.

    Raises
    ------
    BadArgumentError, StoreError
        for bad usage (the caller turns them into one line and exit status 2 / 1).
    """
    if args.command == "sweep":
        return _run_sweep(args)
    return _run_store(args)
