"""The ``lieflow`` command line (DESIGN §6).

Exit status: 0 on success, 2 on bad usage (one line naming the bad argument), 1 on other errors,
130 on Ctrl-C (one line on stderr; a census interrupted while it computed still prints what it had
proven, with valid bounds).  Runs longer than about 2 s show their progress on stderr when it is a
terminal (``--progress always`` also when it is not, one line per update).
``lieflow verify FILE``: 0 verified, 1 not verified (naming the first failed check), 2 unusable file.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time

from .errors import BadArgumentError, InexactValueError, LieflowError, NotPolynomialError

__all__ = ["main"]

MODELS = ("linear", "relu", "nmf", "icnn", "conv", "attention", "resnet", "softmax-ce", "custom")


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, no usage dump
        raise UsageError(message)


_INT_RE = re.compile(r"[+-]?[0-9]{1,30}\Z", re.ASCII)


def _int(text):
    """An integer option: ASCII digits only (``int`` would also take ``"١"`` or ``"1_000"``)."""
    if not _INT_RE.match(text.strip()):
        shown = text if len(text) <= 40 else text[:37] + "..."
        raise argparse.ArgumentTypeError(f"expected an integer (at most 30 digits), got {shown!r}")
    return int(text)


def _limit(text):
    """``NAME=N`` for ``--limit``."""
    from .limits import Limits

    name, sep, value = text.partition("=")
    known = list(Limits.__dataclass_fields__)
    if not sep or name.strip() not in known:
        raise argparse.ArgumentTypeError(f"expected NAME=N with NAME one of {', '.join(known)}, got {text!r}")
    return name.strip(), _int(value)


def _seconds(text):
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    return v


#: Seconds a census runs before the command line shows its progress.
PROGRESS_DELAY = 2.0


class Progress:
    """Progress of a long census on a text stream: phase, elapsed time, rank and brackets so far.

    Silent for the first ``delay`` seconds; then at most one update every ``interval`` seconds,
    rewritten in place on a terminal (one line per update otherwise).  Pass it as
    ``census(progress=...)`` and call :meth:`close` at the end.

    Raises
    ------
    Nothing: a stream that fails to write is ignored (progress is optional).

    Examples
    --------
    >>> import io
    >>> out = io.StringIO()
    >>> p = Progress(out, in_place=False, delay=0)
    >>> p({"phase": "closure", "elapsed": 3.2, "rank": 12, "brackets": 40})
    >>> print(out.getvalue(), end="")
    lieflow: closure, 3 s, rank 12, 40 brackets evaluated
    """

    def __init__(self, stream, *, in_place: bool, delay: float = PROGRESS_DELAY, interval: float = 0.25):
        self.stream, self.in_place = stream, in_place
        self.delay, self.interval = delay, interval
        self._last = None
        self._shown = False

    def __call__(self, info: dict) -> None:
        elapsed = info.get("elapsed", 0.0)
        if elapsed < self.delay:
            return
        now = time.monotonic()
        if self._last is not None and now - self._last < self.interval:
            return
        self._last = now
        parts = [f"lieflow: {info.get('phase', '')}", f"{elapsed:.0f} s"]
        if info.get("step"):
            parts.append(str(info["step"]))
        if "rank" in info:
            parts.append(f"rank {info['rank']}")
        if "brackets" in info:
            parts.append(f"{info['brackets']} brackets evaluated")
        text = ", ".join(parts)
        try:
            if self.in_place:
                self.stream.write("\r" + text[:150] + "\x1b[K")
            else:
                self.stream.write(text + "\n")
            self.stream.flush()
            self._shown = True
        except (OSError, ValueError):  # a closed or broken stream: progress is optional
            pass

    def close(self) -> None:
        """Erase the in-place line (if one was shown)."""
        if self._shown and self.in_place:
            try:
                self.stream.write("\r\x1b[K")
                self.stream.flush()
            except (OSError, ValueError):
                pass
        self._shown = False


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="lieflow", description="Proven conservation laws of training dynamics.")
    sub = p.add_subparsers(dest="command", parser_class=_Parser)
    c = sub.add_parser("census", help="count, find and prove the conservation laws of a model's flow")
    c.add_argument("model", help=f"one of {', '.join(MODELS)}")
    c.add_argument("widths", nargs="*", help="layer widths n0 n1 ... nq (factor convention)")
    c.add_argument("--bias", action="store_true", help="hidden biases (relu, icnn)")
    c.add_argument("--phi", action="append", default=None,
                   help="custom: components of φ, polynomials in named parameters; commas separate several "
                        "components and --phi repeats (+ - * / ** ^, integers, a/b, parentheses, ASCII names; "
                        "no code is evaluated and every name is a parameter)")
    c.add_argument("--params", default=None, help="custom: parameter names in order, comma separated")
    c.add_argument("--region", action="append", default=None, metavar="EXPR;EXPR...",
                   help="custom, piecewise: one region's components of φ separated by ';' (repeatable, instead of --phi)")
    c.add_argument("--heads", type=_int, default=None, help="attention: number of heads (default 1)")
    c.add_argument("--shared-softmax", action="store_true", help="attention: heads share one softmax (φ sums heads)")
    c.add_argument("--blocks", type=_int, default=None, help="resnet: number of residual blocks (default 1)")
    c.add_argument("--activation", choices=("linear", "relu"), default=None, help="resnet: branch activation")
    c.add_argument("--flow", choices=("gradient", "momentum"), default="gradient")
    c.add_argument("--damping", choices=("heavy-ball", "nesterov", "none"), default=None)
    c.add_argument("--tau", default=None, help="heavy-ball friction (rational, default 1)")
    c.add_argument("--alpha", default=None, help="Nesterov-type alpha/t damping (integer, default 3)")
    c.add_argument("--metric", choices=("euclidean", "mirror"), default=None)
    c.add_argument("--degree", type=_int, default=2, help="max degree of explicit laws (default 2)")
    c.add_argument("--time-degree", type=_int, default=None, help="max degree in the time coordinate")
    c.add_argument("--seed", type=_int, default=0, help="seed of the certificate point (default 0)")
    c.add_argument("--confirm", action="store_true", help="also close at a second independent point")
    c.add_argument("--time-limit", type=_seconds, default=None, metavar="SECONDS",
                   help="stop the whole census (from the start of the command) after about this long; "
                        "what was proven by then is reported, with valid bounds")
    c.add_argument("--max-memory", default=None, metavar="SIZE",
                   help="stop the census when its resident memory exceeds SIZE (e.g. 4G, 512M; "
                        "default half of the machine's memory)")
    c.add_argument("--prime", type=_int, default=None,
                   help="prime below 2**31 for the modular ranks (default: the largest one dividing no "
                        "coefficient of the system)")
    c.add_argument("--max-brackets", type=_int, default=None, help="stop the closure after this many brackets")
    c.add_argument("--progress", choices=("auto", "always", "never"), default="auto",
                   help="progress on stderr after ~2 s: auto = only on a terminal (default)")
    c.add_argument("--verify", action="store_true", help="re-check the result with the independent routine")
    c.add_argument("--expand", action="store_true",
                   help="list every law (by default many laws of a known family are summarized in one checked line)")
    c.add_argument("--format", choices=("text", "json", "latex"), default="text")
    _add_limit_argument(c)
    v = sub.add_parser("verify", help="re-check a saved census (JSON) against its rebuilt model")
    v.add_argument("file", metavar="FILE", help="a census saved with --format json ('-' reads stdin)")
    v.add_argument("--format", choices=("text", "json"), default="text",
                   help="one line per check and a summary (text), or a JSON report")
    _add_limit_argument(v)
    try:
        from .numerics.cli import add_drift_arguments
    except ImportError:
        add_drift_arguments = None
    if add_drift_arguments is not None:
        d = sub.add_parser("drift", help="integrate flows / run optimizers and measure the laws' drift")
        add_drift_arguments(d)
        _add_limit_argument(d)
    _add_sweep_commands(sub)
    return p


def _add_sweep_commands(sub):
    """``lieflow sweep`` and ``lieflow store`` (see :mod:`lieflow.sweeps.cli`)."""
    from .sweeps.cli import add_sweep_commands

    add_sweep_commands(sub)
    for name in ("sweep", "store"):
        _add_limit_argument(sub.choices[name])


def _add_limit_argument(parser):
    parser.add_argument("--limit", action="append", type=_limit, default=[], metavar="NAME=N",
                        help="raise (or lower) a size limit checked before any work, e.g. max_params=50000 "
                             "(see lieflow.limits: max_degree, max_coefficient_digits, max_params, "
                             "max_components, max_terms, max_nesting); repeatable")


def _widths(args):
    out = []
    for w in args.widths:
        if not re.fullmatch(r"[0-9]{1,30}", w.strip(), re.ASCII):
            shown = w if len(w) <= 40 else w[:37] + "..."
            raise BadArgumentError("WIDTH", shown, "widths must be integers >= 1 (ASCII digits, at most 30)")
        out.append(int(w))
    return out


def model_from_args(args):
    """The catalog model an argparse namespace describes (``model``, ``widths``, ``bias``, ``phi``,
    ``params`` and, when present, ``metric``, ``heads``, ``shared_softmax``, ``blocks``,
    ``activation``); shared by ``census`` and ``drift``.

    Raises
    ------
    BadArgumentError
        naming the option that does not fit the model.
    """
    from . import models

    opt = lambda name: getattr(args, name, None)  # noqa: E731 - options a subcommand may lack

    if args.model == "custom":
        if not args.phi and not opt("region"):
            raise BadArgumentError("--phi", None, "custom models need at least one --phi EXPR")
        if args.widths:
            raise BadArgumentError("WIDTH", args.widths, "custom models take --phi, not widths")
        if args.bias:
            raise BadArgumentError("--bias", True, "does not apply to custom models")
        if opt("region"):
            if args.phi:
                raise BadArgumentError("--region", opt("region"), "give either --phi or --region, not both")
            regions = [[e.strip() for e in r.split(";") if e.strip()] for r in opt("region")]
            return models.custom(regions=regions, params=args.params, metric=opt("metric"))
        return models.custom(args.phi, params=args.params, metric=opt("metric"))
    if args.phi or args.params or opt("region"):
        flag = "--phi" if args.phi else "--params" if args.params else "--region"
        raise BadArgumentError(flag, args.phi or args.params or opt("region"), "only for custom models")
    widths = _widths(args)
    zoo_only = {"--heads": ("attention", opt("heads")), "--shared-softmax": ("attention", opt("shared_softmax") or None),
                "--blocks": ("resnet", opt("blocks")), "--activation": ("resnet", opt("activation"))}
    for flag, (owner, val) in zoo_only.items():
        if val is not None and args.model != owner:
            raise BadArgumentError(flag, val, f"only applies to {owner} models")
    if args.model in ("conv", "attention", "resnet", "softmax-ce"):
        if args.bias:
            raise BadArgumentError("--bias", True, f"does not apply to {args.model}")
        if opt("metric") is not None:
            raise BadArgumentError("--metric", opt("metric"), f"does not apply to {args.model}")
        if args.model == "conv":
            if len(widths) != 5:
                raise BadArgumentError("WIDTH", widths, "conv takes C0 C1 C2 NV NU")
            return models.conv(*widths)
        if args.model == "attention":
            if len(widths) != 2:
                raise BadArgumentError("WIDTH", widths, "attention takes D1 DIM")
            heads = 1 if opt("heads") is None else opt("heads")
            return models.attention(*widths, heads=heads, share_softmax=bool(opt("shared_softmax")))
        if args.model == "resnet":
            if len(widths) not in (1, 2):
                raise BadArgumentError("WIDTH", widths, "resnet takes N [M]")
            w = widths[0] if len(widths) == 1 else tuple(widths)
            blocks = 1 if opt("blocks") is None else opt("blocks")
            return models.resnet(w, blocks=blocks, activation=opt("activation") or "linear")
        from .dynamics.generators import softmax_cross_entropy

        if len(widths) != 2:
            raise BadArgumentError("WIDTH", widths, "softmax-ce takes N M (classes, inputs)")
        if opt("flow") != "gradient":
            raise BadArgumentError("--flow", args.flow, "softmax-ce gives its gradient-space fields directly")
        return softmax_cross_entropy(*widths)
    if args.model == "linear":
        if args.bias:
            raise BadArgumentError("--bias", True, "linear networks have no biases here; use relu --bias")
        return models.linear(widths, metric=opt("metric"))
    if args.model == "relu":
        return models.relu(widths, bias=args.bias, metric=opt("metric"))
    if args.model in ("nmf", "icnn"):
        builder = getattr(models, args.model, None)
        if builder is None:
            raise BadArgumentError("MODEL", args.model, "is not available in this build")
        if opt("metric") not in (None, "mirror"):
            raise BadArgumentError("--metric", opt("metric"), f"{args.model} implies the mirror metric")
        if args.model == "nmf":
            if args.bias:
                raise BadArgumentError("--bias", True, "does not apply to nmf")
            return builder(widths)
        return builder(widths, bias=args.bias)
    raise BadArgumentError("MODEL", args.model, f"must be one of {', '.join(MODELS)}")


def _census(args, t_start: float) -> int:
    from .budget import Budget, default_max_memory, gc_paused
    from .census import census

    in_place = args.progress == "auto"
    show = args.progress == "always" or (in_place and _is_terminal(sys.stderr))
    progress = Progress(sys.stderr, in_place=in_place, delay=PROGRESS_DELAY, interval=0.25 if in_place else 1.0) if show else None
    # the time limit counts from the start of the command, model building included
    budget = Budget(
        time_limit=args.time_limit,
        max_memory=default_max_memory() if args.max_memory is None else args.max_memory,
        progress=progress,
        start=t_start,
    )
    with gc_paused():
        model = model_from_args(args)
    if args.flow == "gradient":
        for flag, val in (("--damping", args.damping), ("--tau", args.tau), ("--alpha", args.alpha), ("--time-degree", args.time_degree)):
            if val is not None:
                raise BadArgumentError(flag, val, "only applies with --flow momentum")
    try:
        c = census(
            model,
            flow=args.flow,
            damping=args.damping,
            tau=args.tau,
            alpha=args.alpha,
            degree=args.degree,
            time_degree=args.time_degree,
            seed=args.seed,
            confirm=args.confirm,
            max_brackets=args.max_brackets,
            prime=args.prime,
            budget=budget,
        )
    finally:
        if progress is not None:
            progress.close()
    if args.verify:
        c.verify()
    if args.format == "json":
        print(c.to_json())
    elif args.format == "latex":
        print(c.to_latex())
    else:
        print(c.to_text(expand=args.expand))
        if args.verify:
            print("verified: independent re-check passed")
    if c.stats.get("stopped_by") == "KeyboardInterrupt":
        print("lieflow: interrupted; the census printed is partial (its bounds are valid)", file=sys.stderr)
        return 130
    return 0


def _verify(args) -> int:
    """``lieflow verify FILE``: exit 0 verified, 1 not verified (the first failed check is named),
    2 unusable file (unreadable, not JSON, not a lieflow census)."""
    from .certificates import verify_json

    try:
        if args.file == "-":
            text = sys.stdin.read()
        else:
            with open(args.file, encoding="utf-8") as fh:
                text = fh.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise BadArgumentError("FILE", args.file, f"cannot be read ({type(exc).__name__}: {exc})") from None
    try:
        report = verify_json(text)
    except BadArgumentError as exc:
        raise BadArgumentError("FILE", args.file, f"is unusable ({exc.reason})") from None
    if args.format == "json":
        print(json.dumps({"file": args.file, **report.to_dict()}))
    else:
        print(report.to_text())
    if report.verified:
        return 0
    print(f"lieflow: not verified: {args.file}: {report.summary()[len('NOT VERIFIED: '):]}", file=sys.stderr)
    return 1


def _is_terminal(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def main(argv=None) -> int:
    """Run the command line; return the exit status."""
    t_start = time.perf_counter()
    if argv is None:  # a real command: its time limit counts from the start of the process
        from .budget import process_age

        t_start -= process_age()
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            raise UsageError("a command is required (census, verify or drift); see lieflow --help")
        from .limits import override

        with override(**dict(args.limit)):
            if args.command == "census":
                return _census(args, t_start)
            if args.command == "verify":
                return _verify(args)
            if args.command in ("sweep", "store"):
                from .sweeps.cli import run_sweep_command

                return run_sweep_command(args)
            from .numerics.cli import run_drift

            return run_drift(args)
    except (UsageError, BadArgumentError, InexactValueError, NotPolynomialError) as exc:
        print(f"lieflow: error: {exc}", file=sys.stderr)
        return 2
    except LieflowError as exc:
        print(f"lieflow: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("lieflow: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `lieflow census ... | head`
        sys.stderr.close()
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
