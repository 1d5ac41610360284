"""Running a grid: store look-up, executors, per-task time limits, interruption.

:func:`sweep` keys every point of a grid, takes what the results store already has, and runs the
rest on an executor: inline (``jobs=1``), a local process pool (the default), or any
:class:`concurrent.futures.Executor` (a thread pool, ``distributed.Client.get_executor()``).
Each finished census is written to the store at once, so an interrupted sweep resumes where it
stopped.  Rows come back in grid order whatever the executor and the order of completion.
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import hashlib
import json
import os
import signal
import time
from dataclasses import dataclass, field

from ..errors import BadArgumentError, LieflowError
from .grid import Grid, Point, grid as make_grid
from .store import DEFAULT_PATH, Row, Store

__all__ = ["sweep", "SweepResult", "SweepRow", "point_key", "build_model", "run_task"]


def build_model(point: Point):
    """The catalog model of a grid point, built by the command line's own model builder.

    Raises
    ------
    BadArgumentError
        naming the option or width that does not fit the model.

    Examples
    --------
    >>> build_model(Point("linear", (2, 3, 2))).dim
    12
    """
    from ..cli import model_from_args

    mo = dict(point.model_options)
    ns = argparse.Namespace(
        model=point.model, widths=[str(w) for w in point.widths], bias=bool(mo.get("bias", False)),
        phi=None, params=None, region=None, metric=mo.get("metric"), heads=mo.get("heads"),
        shared_softmax=bool(mo.get("shared_softmax", False)), blocks=mo.get("blocks"),
        activation=mo.get("activation"), flow=dict(point.options).get("flow", "gradient"),
    )
    return model_from_args(ns)


def _canonical_spec(point: Point, model) -> dict:
    try:
        from ..io import _model_spec

        return _model_spec(model)
    except (ImportError, AttributeError, TypeError):  # e.g. softmax-ce, which is a prepared system
        return {"kind": point.model, "widths": list(point.widths), "options": dict(point.model_options)}


def point_key(point: Point, *, model=None) -> tuple:
    """``(key, spec_json, options_json)`` of a point: what the results store is keyed by.

    The key is the SHA-256 of the canonical model spec, the normalized census options and the
    lieflow version.

    Raises
    ------
    BadArgumentError
        if the point's model cannot be built.

    Examples
    --------
    >>> k1, _, _ = point_key(Point("linear", (2, 3, 2), (), (("flow", "gradient"),)))
    >>> k2, _, _ = point_key(Point("linear", (2, 3, 2), (("metric", "euclidean"),), (("flow", "gradient"),)))
    >>> len(k1), k1 == k2
    (64, True)
    """
    from .. import __version__

    model = build_model(point) if model is None else model
    spec = json.dumps(_canonical_spec(point, model), sort_keys=True, separators=(",", ":"))
    options = json.dumps(dict(point.options), sort_keys=True, separators=(",", ":"))
    digest = hashlib.sha256(f"{spec}\n{options}\n{__version__}".encode()).hexdigest()
    return digest, spec, options


def run_task(payload: dict) -> dict:
    """Run one census (in a worker): ``payload`` has ``point`` (``Point.to_dict()``) and
    ``time_limit``; returns ``status`` (ok, timeout, error), ``reason``, ``census`` (JSON text)
    and ``seconds``.  Never raises for a failing census: the failure is the result.

    Raises
    ------
    KeyboardInterrupt
        if the census was interrupted (its partial result is not a result of the sweep).

    Examples
    --------
    >>> out = run_task({"point": Point("linear", (2, 2, 2)).to_dict(), "time_limit": None})
    >>> out["status"], json.loads(out["census"])["laws_upper"]
    ('ok', 3)
    """
    from ..census import census

    t0 = time.perf_counter()
    try:
        point = Point.from_dict(payload["point"])
        model = build_model(point)
        c = census(model, **point.census_options(), time_limit=payload.get("time_limit"))
    except (LieflowError, ArithmeticError, MemoryError, RecursionError, ValueError, TypeError) as exc:
        return {"status": "error", "reason": f"{type(exc).__name__}: {exc}"[:2000], "census": None,
                "seconds": time.perf_counter() - t0}
    stop = c.stats.get("stopped_by")
    if stop == "KeyboardInterrupt":
        raise KeyboardInterrupt
    reason = f"stopped in {c.stats.get('stopped_in')} ({stop})" if stop else None
    return {"status": "timeout" if stop else "ok", "reason": reason, "census": c.to_json(indent=None),
            "seconds": time.perf_counter() - t0}


@dataclass(frozen=True)
class SweepRow:
    """One point of a finished sweep.

    Attributes
    ----------
    point : Point
    coordinates : dict
        Its swept coordinates.
    key : str
        Its results-store key.
    status : {"ok", "timeout", "error", "not run"}
        ``not run``: the sweep was interrupted or hit its own time limit first.
    reason : str or None
    census : dict or None
        The census JSON, parsed.
    source : {"store", "computed"} or None
    seconds : float or None
        Wall time of the census (when it was computed).
    """

    point: Point
    coordinates: dict = field(compare=False)
    key: str
    status: str
    reason: str | None = None
    census: dict | None = field(default=None, compare=False)
    source: str | None = field(default=None, compare=False)
    seconds: float | None = field(default=None, compare=False)

    def _get(self, name):
        return None if self.census is None else self.census.get(name)

    @property
    def ambient_dim(self):
        return self._get("ambient_dim")

    @property
    def laws_lower(self):
        return self._get("laws_lower")

    @property
    def laws_upper(self):
        return self._get("laws_upper")

    @property
    def proven(self) -> bool:
        return bool(self._get("proven"))

    def result(self) -> dict:
        """What does not depend on how or when the row was computed (for comparisons): the
        census JSON without its wall time, and the status."""
        c = None if self.census is None else {k: v for k, v in self.census.items() if k != "seconds"}
        return {"key": self.key, "status": self.status, "census": c}

    def to_dict(self) -> dict:
        """The JSON row: the full census JSON plus ``grid`` (coordinates), ``key``, ``status``,
        ``reason`` and ``source``."""
        base = dict(self.census) if self.census is not None else {
            "model": self.point.model, "widths": list(self.point.widths), **dict(self.point.options)}
        base.update({"grid": dict(self.coordinates), "key": self.key, "status": self.status,
                     "reason": self.reason, "source": self.source})
        return base


@dataclass(frozen=True)
class SweepResult:
    """The rows of a sweep, in grid order.

    Attributes
    ----------
    grid : Grid
    rows : tuple of SweepRow
    interrupted : bool
        Ctrl-C stopped the sweep (finished rows are kept, in the store too).
    stopped : str or None
        Why rows are ``not run`` (``"interrupted"``, ``"sweep time limit"``), or ``None``.
    store : str or None
        Path of the results store used.
    seconds : float
    """

    grid: Grid
    rows: tuple
    interrupted: bool = False
    stopped: str | None = None
    store: str | None = None
    seconds: float = 0.0

    @property
    def computed(self) -> int:
        return sum(r.source == "computed" for r in self.rows)

    @property
    def from_store(self) -> int:
        return sum(r.source == "store" for r in self.rows)

    def fit(self, **kwargs):
        """:func:`lieflow.sweeps.fit.fit_counts` on these rows (same keyword options).

        Raises
        ------
        BadArgumentError
            if no width is swept.

        Examples
        --------
        >>> res = sweep("linear", [2, "1..4", 2], store=None, jobs=1)
        >>> res.fit().formula
        'r*(r + 1)/2'
        """
        from .fit import fit_counts

        return fit_counts(self, **kwargs)

    def expect(self, formula: str):
        """:func:`lieflow.sweeps.fit.check_formula` on these rows.

        Raises
        ------
        NotPolynomialError, BadArgumentError
            for a formula that is not a polynomial in the width names.

        Examples
        --------
        >>> res = sweep("linear", [2, "1..3", 2], store=None, jobs=1)
        >>> res.expect("r**2").counterexamples[-1]
        {'point': {'r': 3}, 'count': 6, 'formula_gives': '9'}
        """
        from .fit import check_formula

        return check_formula(self, formula)

    def to_dict(self, *, fit=None, expect=None) -> dict:
        """The JSON object of ``lieflow sweep --format json``: ``rows`` (each a full census JSON
        with its ``grid`` coordinates), ``swept``, ``store``, counts, and ``fit`` / ``expect``
        when given.

        Raises
        ------
        Nothing.

        Examples
        --------
        >>> res = sweep("linear", [2, "1..2", 2], store=None, jobs=1)
        >>> d = res.to_dict(fit=None)
        >>> [(r["grid"], r["laws_upper"], r["status"]) for r in d["rows"]]
        [({'r': 1}, 1, 'ok'), ({'r': 2}, 3, 'ok')]
        """
        d = {"swept": list(self.grid.swept), "store": self.store, "computed": self.computed,
             "from_store": self.from_store, "stopped": self.stopped, "rows": [r.to_dict() for r in self.rows]}
        if fit is not None:
            d["fit"] = fit.to_dict()
        if expect is not None:
            d["expect"] = expect.to_dict()
        return d

    def to_json(self, *, fit=None, expect=None, indent=None) -> str:
        """:meth:`to_dict` as JSON text (raises nothing)."""
        return json.dumps(self.to_dict(fit=fit, expect=expect), indent=indent)


def _worker_init():  # pragma: no cover - runs in the pool's processes
    # Ctrl-C goes to the whole process group: the parent decides what to do, workers ignore it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class _Inline(cf.Executor):
    """Runs each task when its result is asked for (jobs=1): no pickling, Ctrl-C reaches it."""

    def submit(self, fn, /, *args, **kwargs):
        fut = cf.Future()
        fut._lazy = (fn, args, kwargs)
        return fut


def _run_lazy(fut) -> None:
    """Run an inline task now (a KeyboardInterrupt propagates; other exceptions go in ``fut``)."""
    lazy = getattr(fut, "_lazy", None)
    if lazy is not None and not fut.done():
        fn, args, kwargs = lazy
        try:
            fut.set_result(fn(*args, **kwargs))
        except Exception as exc:  # noqa: BLE001 - recorded as the row's error, like a worker's
            fut.set_exception(exc)


def _result(fut):
    _run_lazy(fut)
    return fut.result()


def _terminate(executor) -> None:
    """Stop a process pool's workers now (a killed worker's task is simply not recorded)."""
    procs = getattr(executor, "_processes", None) or {}
    for p in list(procs.values()):
        try:
            p.terminate()
        except Exception:  # noqa: BLE001 - already gone
            pass
    executor.shutdown(wait=False, cancel_futures=True)


def _reusable(row: Row | None, time_limit) -> bool:
    if row is None:
        return False
    if row.status == "ok":
        return True
    if row.status == "timeout":  # as good as a new run unless this one may run longer
        return time_limit is not None and row.time_limit is not None and time_limit <= row.time_limit
    return False


def _open_store(store):
    if store is None or store is False:
        return None, False
    if isinstance(store, Store):
        return store, False
    return Store(store), True


def sweep(
    family,
    widths=None,
    *,
    store=DEFAULT_PATH,
    executor: cf.Executor | None = None,
    jobs: int | None = None,
    time_limit: float | None = None,
    total_time_limit: float | None = None,
    progress=None,
    **options,
) -> SweepResult:
    """Run every census of a grid, taking what the results store already has.

    Parameters
    ----------
    family : Grid or str
        A :class:`~lieflow.sweeps.grid.Grid`, or a model name, with ``widths`` and ``options``
        passed to :func:`~lieflow.sweeps.grid.grid`.
    widths : sequence, optional
        Width specs (integers, ``"a..b"`` ranges, lists), when ``family`` is a model name.
    store : str, os.PathLike, Store or None
        The results store (default ``lieflow-results.sqlite`` in the working directory);
        ``None`` for none.
    executor : concurrent.futures.Executor, optional
        Where to run the censuses (not shut down here).  By default a process pool of ``jobs``
        workers, or the calling process when ``jobs == 1``.
    jobs : int, optional
        Workers of the default process pool (default: the number of cores).
    time_limit : float, optional
        Seconds per census; a census stopped by it is recorded as ``timeout`` with its (valid)
        bounds, and is recomputed by a later sweep only if that one allows more time.
    total_time_limit : float, optional
        Seconds for the whole sweep: no task starts after it, running ones are abandoned, and
        their rows are ``not run`` (finished rows are kept).
    progress : callable, optional
        Called as ``progress(done, total, row)`` after each row (from the store or computed).
    **options
        Census and model options of :func:`~lieflow.sweeps.grid.grid` (lists sweep).

    Returns
    -------
    SweepResult
        Also when interrupted by Ctrl-C (``interrupted=True``; unfinished rows ``not run``).

    Raises
    ------
    BadArgumentError
        for a bad grid, option, ``jobs`` or time limit (before any census runs).
    StoreError
        if the store file is corrupt or not a lieflow store.

    Examples
    --------
    >>> res = sweep("linear", [2, "1..3", 2], store=None, jobs=1)
    >>> [(r.coordinates["r"], r.laws_upper, r.proven) for r in res.rows]
    [(1, 1, True), (2, 3, True), (3, 6, True)]
    """
    t_start = time.monotonic()
    if isinstance(family, str):
        g = make_grid(family, widths if widths is not None else [], **options)
    elif isinstance(family, Grid):
        if widths is not None or options:
            raise BadArgumentError("widths", widths if widths is not None else options, "only with a model name, not a Grid")
        g = family
    else:
        raise BadArgumentError("family", family, "expected a Grid or a model name")
    if jobs is not None and (isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1):
        raise BadArgumentError("jobs", jobs, "must be an integer >= 1")
    for name, value in (("time_limit", time_limit), ("total_time_limit", total_time_limit)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0):
            raise BadArgumentError(name, value, "must be a positive number of seconds")
    keyed = []
    for p in g.points:
        model = build_model(p)
        keyed.append((point_key(p, model=model), getattr(model, "dim", 0)))
    db, owned = _open_store(store)
    try:
        return _run(g, keyed, db, executor, jobs, time_limit, total_time_limit, progress, t_start)
    finally:
        if owned:
            db.close()


def _run(g, keyed, db, executor, jobs, time_limit, total_time_limit, progress, t_start) -> SweepResult:
    from .. import __version__

    keys = [k for (k, _, _), _ in keyed]
    stored = db.get_many(keys) if db is not None else {}
    rows: list = [None] * len(g.points)
    total, done = len(rows), 0
    todo = []
    for i, ((p, coords), ((key, spec, opts), dim)) in enumerate(zip(g, keyed)):
        row = stored.get(key)
        if _reusable(row, time_limit):
            rows[i] = SweepRow(p, coords, key, row.status, row.reason, row.census_dict(), "store", row.seconds)
            done += 1
            if progress is not None:
                progress(done, total, rows[i])
        else:
            todo.append((i, dim))
    # biggest first: a long census started last would leave the other workers idle
    todo.sort(key=lambda t: -t[1])
    owned = executor is None
    if owned:
        jobs = jobs or os.cpu_count() or 1
        executor = _Inline() if jobs == 1 or len(todo) <= 1 else cf.ProcessPoolExecutor(
            max_workers=min(jobs, len(todo)), initializer=_worker_init)
    futures = {}
    interrupted, stopped = False, None
    try:
        for i, _ in todo:
            payload = {"point": g.points[i].to_dict(), "time_limit": time_limit}
            futures[executor.submit(run_task, payload)] = i
        pending = set(futures)
        lazy = isinstance(executor, _Inline)
        while pending:
            left = None if total_time_limit is None else total_time_limit - (time.monotonic() - t_start)
            if left is not None and left <= 0:
                stopped = "sweep time limit"
                break
            if lazy:
                fut = next(f for f in futures if f in pending)
                _run_lazy(fut)
                finished = [fut]
            else:
                finished, _ = cf.wait(pending, timeout=left, return_when=cf.FIRST_COMPLETED)
            for fut in sorted(finished, key=lambda f: futures[f]):
                pending.discard(fut)
                i = futures[fut]
                rows[i] = _record(g, i, keyed[i][0], fut, db, time_limit, __version__)
                done += 1
                if progress is not None:
                    progress(done, total, rows[i])
    except KeyboardInterrupt:
        interrupted, stopped = True, "interrupted"
    finally:
        if owned and not isinstance(executor, _Inline):
            if stopped is None:
                executor.shutdown(wait=True)
            else:
                _terminate(executor)
        elif stopped is not None:
            for fut in futures:
                fut.cancel()
    for i, r in enumerate(rows):
        if r is None:
            p, coords = g.points[i], g.coordinates[i]
            rows[i] = SweepRow(p, coords, keyed[i][0][0], "not run", stopped)
    return SweepResult(g, tuple(rows), interrupted, stopped, None if db is None else db.path,
                       time.monotonic() - t_start)


def _record(g, i, keyinfo, fut, db, time_limit, version) -> SweepRow:
    key, spec, opts = keyinfo
    p, coords = g.points[i], g.coordinates[i]
    try:
        out = _result(fut)
    except KeyboardInterrupt:
        raise
    except Exception as exc:  # noqa: BLE001 - a worker that died, a failed transfer: recorded
        out = {"status": "error", "reason": f"{type(exc).__name__}: {exc}"[:2000], "census": None, "seconds": None}
    census = None if out["census"] is None else json.loads(out["census"])
    if db is not None:
        db.put(Row(
            key=key, label=p.label(), spec=spec, options=opts, version=version, status=out["status"],
            reason=out["reason"], ambient_dim=None if census is None else census["ambient_dim"],
            laws_lower=None if census is None else census["laws_lower"],
            laws_upper=None if census is None else census["laws_upper"],
            proven=None if census is None else census["proven"],
            count_proof=None if census is None else census.get("count_proof"),
            seconds=out["seconds"], time_limit=time_limit, census=out["census"],
        ))
    return SweepRow(p, coords, key, out["status"], out["reason"], census, "computed", out["seconds"])
