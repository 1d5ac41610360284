"""Showing a sweep: summary table, CSV, a plot of the counts, and a progress display.

>>> from lieflow.sweeps import sweep
>>> res = sweep("linear", [2, "1..3", 2], store=None, jobs=1)
>>> print(summary_table(res, seconds=False))
r  D   laws  proven  from
1  4   1     yes     computed
2  8   3     yes     computed
3  12  6     yes     computed
"""

from __future__ import annotations

import csv
import io
import sys
import time

from ..errors import BadArgumentError

__all__ = ["summary_table", "to_csv", "plot_counts", "SweepProgress"]


def _laws(row) -> str:
    if row.census is None:
        return row.status
    lo, hi = row.laws_lower, row.laws_upper
    if row.proven:
        return str(hi)
    return f"{lo}..{hi}" if lo != hi else str(hi)


def _coordinate_columns(result) -> list:
    return list(result.grid.swept) or ["census"]


def _coord(row, name):
    if name == "census":
        return row.point.label()
    v = row.coordinates.get(name)
    return "-" if v is None else str(v)


def summary_table(result, *, seconds: bool = True) -> str:
    """The rows of a sweep as an aligned text table: coordinates, D, laws (the count when proven,
    ``lower..upper`` otherwise, or the status of a failed row), proven, seconds, whether the row
    came from the store or was computed, and, when some row is not ``ok``, its status and reason.

    Raises
    ------
    Nothing.

    Examples
    --------
    See the module docstring.
    """
    cols = _coordinate_columns(result)
    status = any(r.status != "ok" for r in result.rows)  # timeouts, errors, rows not run
    head = cols + ["D", "laws", "proven"] + (["seconds"] if seconds else []) + ["from"] + (["status"] if status else [])
    lines = [head]
    for r in result.rows:
        line = [_coord(r, c) for c in cols]
        line += [str(r.ambient_dim) if r.ambient_dim is not None else "-", _laws(r),
                 ("yes" if r.proven else "no") if r.census is not None else "-"]
        if seconds:
            line.append("-" if r.seconds is None else f"{r.seconds:.2f}")
        line.append(r.source or "-")
        if status:
            line.append(r.status if r.reason is None else f"{r.status}: {r.reason}"[:100])
        lines.append(line)
    widths = [max(len(line[i]) for line in lines) for i in range(len(head))]
    return "\n".join("  ".join(x.ljust(w) for x, w in zip(line, widths)).rstrip() for line in lines)


_CSV_FIELDS = ["key", "label", "model", "widths", "status", "ambient_dim", "laws_lower", "laws_upper", "proven",
               "count_proof", "seconds", "source", "reason"]


def to_csv(result) -> str:
    """The rows of a sweep as CSV: key, label, model, widths, the swept coordinates, status,
    dimension, bounds, proven, count proof, seconds, source, reason.

    Raises
    ------
    Nothing.

    Examples
    --------
    >>> from lieflow.sweeps import sweep
    >>> res = sweep("linear", [2, "1..2", 2], store=None, jobs=1)
    >>> print(to_csv(res).splitlines()[0])
    key,label,model,widths,r,status,ambient_dim,laws_lower,laws_upper,proven,count_proof,seconds,source,reason
    >>> print(to_csv(res).splitlines()[1].split(",", 1)[1])  # doctest: +ELLIPSIS
    "linear[2, 1, 2] gradient",linear,2 1 2,1,ok,4,1,1,True,explicit laws,...,computed,
    """
    out = io.StringIO()
    swept = list(result.grid.swept)
    w = csv.writer(out, lineterminator="\n")
    w.writerow(_CSV_FIELDS[:4] + swept + _CSV_FIELDS[4:])
    for r in result.rows:
        base = [r.key, r.point.label(), r.point.model, " ".join(map(str, r.point.widths))]
        coords = ["" if r.coordinates.get(s) is None else r.coordinates.get(s) for s in swept]
        rest = [r.status, r.ambient_dim, r.laws_lower, r.laws_upper, None if r.census is None else r.proven,
                None if r.census is None else r.census.get("count_proof"),
                None if r.seconds is None else round(r.seconds, 4), r.source, r.reason]
        w.writerow(base + coords + ["" if x is None else x for x in rest])
    return out.getvalue()


def plot_counts(result, ax=None, *, axis: str | None = None):
    """Draw the counts against a swept width: one line per value of the other coordinates,
    integer ticks, unproven points as hollow markers with their bounds as a bar.

    Parameters
    ----------
    result : SweepResult
    ax : matplotlib axes, optional
        Default: a new ``matplotlib.figure.Figure`` (no pyplot state).
    axis : str, optional
        The swept width on the horizontal axis (default: the one with most values).

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    BadArgumentError
        if no width is swept, or ``axis`` is not one.

    Examples
    --------
    >>> from lieflow.sweeps import sweep
    >>> ax = plot_counts(sweep("linear", [2, "1..3", 2], store=None, jobs=1))
    >>> [[int(x) for x in line.get_xdata()] for line in ax.get_lines()]
    [[1, 2, 3]]
    """
    from matplotlib.ticker import MaxNLocator

    g = result.grid
    widths = [n for n in g.swept if n in g.width_names]
    if not widths:
        raise BadArgumentError("--plot", list(g.swept), "needs a swept width (e.g. SPEC 1..6)")
    if axis is None:
        axis = max(widths, key=lambda v: (len({r.coordinates[v] for r in result.rows}), -widths.index(v)))
    elif axis not in widths:
        raise BadArgumentError("axis", axis, f"must be one of the swept widths {widths}")
    if ax is None:
        from matplotlib.figure import Figure

        ax = Figure(figsize=(6.4, 4.2)).add_subplot()
    others = [n for n in g.swept if n != axis]
    series: dict = {}
    for r in result.rows:
        if r.census is None:
            continue
        key = tuple((n, r.coordinates.get(n)) for n in others)
        series.setdefault(key, []).append(r)
    for key, rows in series.items():
        rows.sort(key=lambda r: r.coordinates[axis])
        label = ", ".join(f"{n}={v}" for n, v in key if v is not None) or None
        xs = [r.coordinates[axis] for r in rows]
        ys = [r.laws_upper for r in rows]
        (line,) = ax.plot(xs, ys, marker="o", label=label)
        bad = [r for r in rows if not r.proven]
        if bad:
            ax.errorbar([r.coordinates[axis] for r in bad], [r.laws_upper for r in bad],
                        yerr=[[r.laws_upper - r.laws_lower for r in bad], [0] * len(bad)], fmt="o",
                        mfc="white", color=line.get_color(), capsize=3,
                        label=None if label is None else f"{label} (unproven: bounds)")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(axis)
    ax.set_ylabel("number of conservation laws")
    if any(k for k in series):
        ax.legend(fontsize="small")
    return ax


class SweepProgress:
    """Progress of a sweep on a stream: tqdm's bar when tqdm is installed and ``bar`` is true,
    else a plain counter (in place on a terminal, one line per update at most every ``interval``
    seconds otherwise).  Pass it as ``sweep(progress=...)`` and :meth:`close` it at the end.

    Raises
    ------
    Nothing: a stream that fails to write is ignored.

    Examples
    --------
    >>> out = io.StringIO()
    >>> p = SweepProgress(out, in_place=False, bar=False, interval=0)
    >>> p(1, 2, None); p(2, 2, None); p.close()
    >>> print(out.getvalue(), end="")
    lieflow sweep: 1/2 done
    lieflow sweep: 2/2 done
    """

    def __init__(self, stream=None, *, in_place: bool, bar: bool = True, interval: float = 1.0):
        self.stream = sys.stderr if stream is None else stream
        self.in_place, self.interval = in_place, interval
        self._tqdm = None
        self._last = None
        self._from_store = 0
        self._bar = bar

    def __call__(self, done: int, total: int, row) -> None:
        if row is not None and getattr(row, "source", None) == "store":
            self._from_store += 1
        if self._bar and self._tqdm is None:
            try:
                from tqdm import tqdm
            except ImportError:
                self._bar = False
            else:
                self._tqdm = tqdm(total=total, file=self.stream, desc="lieflow sweep", unit="census",
                                  dynamic_ncols=True, leave=False)
        if self._tqdm is not None:
            self._tqdm.update(done - self._tqdm.n)
            return
        now = time.monotonic()
        if done < total and self._last is not None and now - self._last < self.interval:
            return
        self._last = now
        text = f"lieflow sweep: {done}/{total} done" + (f" ({self._from_store} from the store)" if self._from_store else "")
        try:
            self.stream.write("\r" + text + "\x1b[K" if self.in_place else text + "\n")
            self.stream.flush()
        except (OSError, ValueError):
            pass

    def close(self) -> None:
        """End the bar (or erase the in-place line)."""
        if self._tqdm is not None:
            self._tqdm.close()
            self._tqdm = None
        elif self.in_place and self._last is not None:
            try:
                self.stream.write("\r\x1b[K")
                self.stream.flush()
            except (OSError, ValueError):
                pass
