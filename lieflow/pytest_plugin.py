"""pytest plugin: snapshot regression tests of censuses (fixture ``census_snapshot``).

Installed with lieflow, it is registered through the ``pytest11`` entry point, so any project
that has lieflow can use the fixture::

    def test_my_network_keeps_its_laws(census_snapshot):
        census_snapshot(relu([2, 2, 5, 3]))

The first run computes the census and stores it as certified JSON (the ``lieflow verify``
format) in ``__lieflow_snapshots__/`` next to the test file.  Later runs

1. re-verify the stored file with lieflow's independent checker (an edited or corrupted
   snapshot fails, naming the check),
2. compute the census again and compare it with the stored one by
   :func:`lieflow.testing.assert_census_equal` (counts, proofs, laws as spaces); a difference
   fails and prints both certificates side by side.

``pytest --lieflow-update`` rewrites the snapshots that differ, fail to verify or cannot be
read (and writes missing ones, as every run does).  Snapshots that agree are left untouched, so
their timings do not churn in version control.

Without the entry point (e.g. a source checkout), enable it with ``-p lieflow.pytest_plugin``
or ``pytest_plugins = ["lieflow.pytest_plugin"]`` in a ``conftest.py``.

Examples
--------
>>> snapshot_path("tests/test_nets.py", "test_relu[widths0]")
PosixPath('tests/__lieflow_snapshots__/test_nets__test_relu_widths0_.json')
>>> print(side_by_side("a\\nsame", "b\\nsame", titles=("stored", "now")))
  stored | now
! a      | b
  same   | same
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

__all__ = ["SNAPSHOT_DIR", "CensusSnapshot", "census_snapshot", "snapshot_path", "side_by_side"]

#: The folder, next to each test file, that holds its snapshots.
SNAPSHOT_DIR = "__lieflow_snapshots__"

_STASH = pytest.StashKey[dict]()


def pytest_addoption(parser):
    group = parser.getgroup("lieflow", "lieflow census snapshots")
    group.addoption(
        "--lieflow-update",
        action="store_true",
        default=False,
        help="rewrite lieflow census snapshots that differ from the current census, do not verify, "
        "or cannot be read",
    )


def pytest_configure(config):
    config.stash[_STASH] = {"written": [], "updated": []}


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    done = config.stash.get(_STASH, None)
    if not done or not (done["written"] or done["updated"]):
        return
    terminalreporter.section("lieflow snapshots")
    for what in ("written", "updated"):
        if done[what]:
            terminalreporter.write_line(f"{len(done[what])} snapshot(s) {what}:")
            for path in done[what]:
                try:
                    path = Path(path).relative_to(config.rootpath)
                except ValueError:
                    pass
                terminalreporter.write_line(f"  {path}")


def snapshot_path(test_file, test_name: str, name: str | None = None) -> Path:
    """Where the snapshot of a test is stored: ``<test dir>/__lieflow_snapshots__/<file>__<test>.json``.

    Parameters
    ----------
    test_file : str or Path
        The test module's path.
    test_name : str
        The test's name (with its parametrization id); characters other than letters, digits,
        ``.``, ``-`` and ``_`` become ``_``.
    name : str, optional
        A suffix that tells several snapshots of one test apart.

    Returns
    -------
    Path

    Raises
    ------
    BadArgumentError
        for an empty ``test_name`` or a ``name`` that is not a non-empty string.

    Examples
    --------
    >>> snapshot_path("tests/test_nets.py", "test_relu", "deep")
    PosixPath('tests/__lieflow_snapshots__/test_nets__test_relu__deep.json')
    """
    from .errors import BadArgumentError

    if not isinstance(test_name, str) or not test_name:
        raise BadArgumentError("test_name", test_name, "must be a non-empty string")
    if name is not None and (not isinstance(name, str) or not name):
        raise BadArgumentError("name", name, "must be a non-empty string")
    test_file = Path(test_file)
    stem = "__".join([test_file.stem, test_name] + ([name] if name else []))
    stem = re.sub(r"[^A-Za-z0-9_.-]", "_", stem)
    return test_file.parent / SNAPSHOT_DIR / f"{stem}.json"


def side_by_side(left: str, right: str, *, titles=("stored", "now"), width: int = 60) -> str:
    """Two texts in two columns; lines that differ are marked with ``!`` in the margin.

    Parameters
    ----------
    left, right : str
        The texts (e.g. ``Census.to_text()`` of the stored and the new census).
    titles : pair of str
        Column titles.
    width : int
        Widest left column; longer lines are cut with ``...``.

    Returns
    -------
    str

    Raises
    ------
    BadArgumentError
        for a ``width`` below 8.

    Examples
    --------
    >>> print(side_by_side("#laws = 3", "#laws = 2"))
      stored    | now
    ! #laws = 3 | #laws = 2
    """
    from .errors import BadArgumentError

    if isinstance(width, bool) or not isinstance(width, int) or width < 8:
        raise BadArgumentError("width", width, "must be an integer >= 8")
    a, b = left.splitlines(), right.splitlines()
    n = max(len(a), len(b))
    a += [""] * (n - len(a))
    b += [""] * (n - len(b))

    def cut(s):
        return s if len(s) <= width else s[: width - 3] + "..."

    w = max([len(cut(s)) for s in a] + [len(titles[0])])
    rows = [f"  {titles[0]:<{w}} | {titles[1]}".rstrip()]
    for x, y in zip(a, b):
        mark = "!" if x != y else " "
        rows.append(f"{mark} {cut(x):<{w}} | {cut(y)}".rstrip())
    return "\n".join(rows)


class CensusSnapshot:
    """The ``census_snapshot`` fixture's value: call it with a model or a census.

    Parameters
    ----------
    test_file : Path
        The test module (snapshots go in ``__lieflow_snapshots__`` beside it).
    test_name : str
        The test's name.
    update : bool
        Rewrite snapshots that differ (``--lieflow-update``).
    record : dict, optional
        Where written and updated paths are collected for the session summary.

    Examples
    --------
    >>> import tempfile
    >>> from lieflow.models import relu
    >>> tmp = Path(tempfile.mkdtemp())
    >>> snap = CensusSnapshot(tmp / "test_nets.py", "test_relu")
    >>> snap(relu([2, 2, 1])).laws_upper          # first run: stored
    2
    >>> [p.name for p in (tmp / SNAPSHOT_DIR).iterdir()]
    ['test_nets__test_relu.json']
    >>> again = CensusSnapshot(tmp / "test_nets.py", "test_relu")
    >>> again(relu([2, 2, 1])).laws_upper         # a later run: verified and compared
    2
    >>> CensusSnapshot(tmp / "test_nets.py", "test_relu")(relu([2, 3, 1]))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    AssertionError: census of relu[2, 3, 1] differs from lieflow snapshot .../test_nets__test_relu.json:
    the censuses differ:
      widths: [2, 2, 1] != [2, 3, 1]
    ...
    """

    def __init__(self, test_file, test_name: str, *, update: bool = False, record=None):
        self.test_file = Path(test_file)
        self.test_name = test_name
        self.update = update
        self.record = record if record is not None else {"written": [], "updated": []}
        self._calls = 0

    def path(self, name: str | None = None) -> Path:
        """The snapshot file for ``name`` (see :func:`snapshot_path`)."""
        return snapshot_path(self.test_file, self.test_name, name)

    def __call__(self, subject, *, name: str | None = None, **census_options):
        """Compare ``subject``'s census with the stored snapshot (storing it on the first run).

        Parameters
        ----------
        subject : Model, System or Census
            A census, or what to run :func:`lieflow.census` on.
        name : str, optional
            Tells several snapshots of one test apart (default: the first call of a test has
            none, the next ones ``2``, ``3``, ...).
        **census_options
            Keyword options of :func:`lieflow.census` (``flow=``, ``degree=``, ...).

        Returns
        -------
        Census
            The census computed now.

        Raises
        ------
        AssertionError
            if the stored snapshot cannot be read, fails verification, or differs from the
            census computed now (both certificates are printed side by side).
        BadArgumentError
            for census options given with a census.
        """
        __tracebackhide__ = True
        from .census import Census, census
        from .errors import BadArgumentError

        self._calls += 1
        if name is None and self._calls > 1:
            name = str(self._calls)
        if isinstance(subject, Census):
            if census_options:
                raise BadArgumentError("census_options", sorted(census_options), "a census is stored as it is")
            current = subject
        else:
            current = census(subject, **census_options)
        path = self.path(name)
        if not path.exists():
            self._write(path, current, "written")
            return current
        problem = self._compare(path, current)
        if problem is None:
            return current
        if self.update:
            self._write(path, current, "updated")
            return current
        raise AssertionError(f"{problem}\n(run pytest --lieflow-update to store the new census)")

    def _write(self, path: Path, current, what: str) -> None:
        current.verify()  # store certified facts only
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(current.to_json() + "\n", encoding="utf-8")
        self.record[what].append(str(path))

    def _compare(self, path: Path, current):
        """None if the stored snapshot verifies and equals ``current``; else what is wrong."""
        from . import census_from_json
        from .errors import LieflowError, VerificationError
        from .testing import assert_census_equal

        text = path.read_text(encoding="utf-8")
        try:
            stored = census_from_json(text)
        except LieflowError as exc:
            return f"lieflow snapshot {path} cannot be read: {exc}"
        try:
            stored.verify()
        except VerificationError as exc:
            return f"lieflow snapshot {path} does not verify (edited or corrupted?): {exc}"
        try:
            assert_census_equal(stored, current)
        except AssertionError as exc:
            table = side_by_side(stored.to_text(), current.to_text(), titles=(f"stored ({path.name})", "now"))
            return f"census of {current.model.name} differs from lieflow snapshot {path}:\n{exc}\n\n{table}"
        return None


@pytest.fixture
def census_snapshot(request) -> CensusSnapshot:
    """Snapshot regression test of a census: ``census_snapshot(model, **census_options)``.

    See :mod:`lieflow.pytest_plugin`.
    """
    record = request.config.stash.get(_STASH, None)
    return CensusSnapshot(
        request.path, request.node.name, update=request.config.getoption("lieflow_update"), record=record
    )
