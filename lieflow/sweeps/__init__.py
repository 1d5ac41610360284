"""Sweeps: families of censuses on a results store, run in parallel, with closed-form fits.

- :mod:`~lieflow.sweeps.grid`: the grid of a model family (width ranges, list-valued options);
- :mod:`~lieflow.sweeps.store`: the SQLite results store (one row per census, resumable);
- :mod:`~lieflow.sweeps.execute`: :func:`sweep`, on a process pool or any executor (dask too);
- :mod:`~lieflow.sweeps.fit`: the simplest polynomial fitting the proven counts, its regimes,
  and the check of an expected formula;
- :mod:`~lieflow.sweeps.report`: summary table, CSV, plot.

>>> from lieflow.sweeps import sweep
>>> res = sweep("linear", [3, "1..6", 3], store=None, jobs=1)
>>> print(res.fit().formula)
r*(r + 1)/2
"""

from .execute import SweepResult, SweepRow, sweep
from .fit import Expectation, Fit, check_formula, fit_counts
from .grid import Grid, Point, grid, grid_from_file, parse_spec
from .store import Row, Store, StoreError

__all__ = [
    "sweep", "SweepResult", "SweepRow", "grid", "grid_from_file", "parse_spec", "Grid", "Point",
    "Store", "Row", "StoreError", "fit_counts", "check_formula", "Fit", "Expectation",
]
