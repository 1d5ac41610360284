"""Sweeps on dask.distributed (the optional extra ``lieflow[distributed]``).

A ``distributed.Client`` gives a :class:`concurrent.futures.Executor`
(``client.get_executor()``) that :func:`lieflow.sweeps.sweep` uses like any other: the censuses
run on the cluster's workers, and the finished rows are written to the results store by the
process that runs the sweep.  Workers need lieflow importable (same version).
"""

from __future__ import annotations

import contextlib

from ..errors import BadArgumentError

__all__ = ["dask_executor"]


@contextlib.contextmanager
def dask_executor(scheduler: str | None = None, *, workers: int | None = None):
    """A dask.distributed executor: on the scheduler at ``scheduler`` (``tcp://host:port``), or
    on a new ``LocalCluster`` of ``workers`` single-threaded worker processes (closed on exit).

    Parameters
    ----------
    scheduler : str, optional
        Address of a running scheduler; ``None`` starts a LocalCluster.
    workers : int, optional
        LocalCluster only: number of worker processes (default: the number of cores).

    Yields
    ------
    concurrent.futures.Executor

    Raises
    ------
    BadArgumentError
        if dask.distributed is not installed, or the scheduler cannot be reached.

    Examples
    --------
    >>> from lieflow.sweeps import sweep
    >>> with dask_executor(workers=1) as ex:  # doctest: +SKIP
    ...     res = sweep("linear", [2, "1..3", 2], executor=ex, store=None)
    """
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise BadArgumentError("--dask" if scheduler is None else "--scheduler", scheduler or True,
                               "needs dask.distributed: pip install 'lieflow[distributed]'") from None
    if scheduler is None:
        import os

        cluster = LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1, processes=True,
                               dashboard_address=None)
        client = Client(cluster)
    else:
        cluster = None
        try:
            client = Client(scheduler, timeout=10)
        except (OSError, TimeoutError, ValueError) as exc:
            raise BadArgumentError("--scheduler", scheduler, f"cannot be reached ({type(exc).__name__}: {exc})") from None
    try:
        yield client.get_executor()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
