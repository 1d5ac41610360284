"""The results store: one SQLite row per census, kept between runs.

A row is keyed by the canonical model spec (the ``model_spec`` a census JSON carries), the
normalized census options and the lieflow version, hashed into ``key`` (SHA-256, hex).  It keeps
the full census JSON, so a stored certificate can be re-verified at any time
(:meth:`Store.verify`), and a summary (dimension, bounds, proven, seconds) for quick listings.

Every finished row is committed at once, in its own transaction, so an interrupted sweep loses
no finished row.  The database runs in WAL mode with a busy timeout, so several processes may
write to one store at the same time.  A finished (``ok``) row is never overwritten by a failed or
timed-out one.

>>> import os, tempfile
>>> with tempfile.TemporaryDirectory() as d:
...     with Store(os.path.join(d, "r.sqlite")) as s:
...         s.put(Row(key="k1", label="demo", spec="{}", options="{}", version="0", status="error",
...                   reason="ValueError: demo"))
...         [(r.key, r.status) for r in s.rows()]
[('k1', 'error')]
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from dataclasses import dataclass, fields

from ..errors import BadArgumentError, LieflowError

__all__ = ["Store", "Row", "StoreError", "DEFAULT_PATH", "APPLICATION_ID"]

#: Default store file, in the working directory.
DEFAULT_PATH = "lieflow-results.sqlite"
#: SQLite ``application_id`` of a lieflow store ("LFLW").
APPLICATION_ID = 0x4C464C57
SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS lieflow_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS censuses (
    key TEXT PRIMARY KEY,
    label TEXT NOT NULL,
    spec TEXT NOT NULL,
    options TEXT NOT NULL,
    version TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('ok', 'timeout', 'error')),
    reason TEXT,
    ambient_dim INTEGER,
    laws_lower INTEGER,
    laws_upper INTEGER,
    proven INTEGER,
    count_proof TEXT,
    seconds REAL,
    time_limit REAL,
    census TEXT,
    created REAL NOT NULL
);
"""


class StoreError(LieflowError, ValueError):
    """A results store cannot be used: corrupt, not a lieflow store, or from a newer schema."""


@dataclass(frozen=True)
class Row:
    """One stored census.

    Attributes
    ----------
    key : str
        SHA-256 of the canonical model spec, options and version.
    label : str
        Human-readable name of the point (``linear[2, 3, 2] momentum heavy-ball``).
    spec, options : str
        Canonical JSON of the model spec and of the census options.
    version : str
        lieflow version that computed it.
    status : {"ok", "timeout", "error"}
        ``timeout``: the census was stopped by its time limit (its bounds are valid but it may be
        unproven); ``error``: it raised (``reason`` says what).
    census : str or None
        The full census JSON (``None`` for errors).
    """

    key: str
    label: str
    spec: str
    options: str
    version: str
    status: str
    reason: str | None = None
    ambient_dim: int | None = None
    laws_lower: int | None = None
    laws_upper: int | None = None
    proven: bool | None = None
    count_proof: str | None = None
    seconds: float | None = None
    time_limit: float | None = None
    census: str | None = None
    created: float = 0.0

    def census_dict(self) -> dict | None:
        """The stored census JSON, parsed (``None`` for errors)."""
        return None if self.census is None else json.loads(self.census)


_COLUMNS = tuple(f.name for f in fields(Row))


class Store:
    """A SQLite results store (created if missing).

    Parameters
    ----------
    path : str or os.PathLike
        The database file (``":memory:"`` for a throw-away store).
    timeout : float
        Seconds to wait for another writer's lock (default 60).

    Raises
    ------
    StoreError
        if the file is not a SQLite database (corrupt), is another application's database, or
        was written by a newer lieflow store schema.
    BadArgumentError
        if the path cannot be opened (a directory, no permission).

    Examples
    --------
    >>> s = Store(":memory:")
    >>> len(s), s.get("nope") is None
    (0, True)
    >>> s.close()
    """

    def __init__(self, path=DEFAULT_PATH, *, timeout: float = 60.0):
        self.path = os.fspath(path)
        if self.path != ":memory:" and os.path.isdir(self.path):
            raise BadArgumentError("--store", self.path, "is a directory, not a store file")
        try:
            self._db = sqlite3.connect(self.path, timeout=timeout, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as exc:
            raise BadArgumentError("--store", self.path, f"cannot be opened ({exc})") from None
        try:
            self._open()
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise StoreError(f"--store: {self.path!r} is not a usable lieflow results store ({exc})") from None
        except BaseException:
            self._db.close()
            raise

    def _open(self):
        db = self._db
        app = db.execute("PRAGMA application_id").fetchone()[0]
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if app not in (0, APPLICATION_ID) or (tables and "lieflow_meta" not in tables):
            raise StoreError(
                f"--store: {self.path!r} is a SQLite database of another application "
                f"(tables {sorted(tables)[:5]}); choose another file"
            )
        if self.path != ":memory:":
            db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        if not tables:
            db.execute("BEGIN IMMEDIATE")
            try:
                db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        db.execute(statement)
                db.execute("INSERT OR IGNORE INTO lieflow_meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
                db.execute("COMMIT")
            except BaseException:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise
        row = db.execute("SELECT value FROM lieflow_meta WHERE name = 'schema'").fetchone()
        if row is None or not row[0].isdigit() or int(row[0]) > SCHEMA_VERSION:
            raise StoreError(
                f"--store: {self.path!r} has store schema {None if row is None else row[0]!r}; "
                f"this lieflow reads schema {SCHEMA_VERSION}"
            )

    # -- context manager ---------------------------------------------------------------------
    def close(self) -> None:
        """Close the connection (rows are already committed)."""
        self._db.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __len__(self):
        return self._db.execute("SELECT COUNT(*) FROM censuses").fetchone()[0]

    # -- rows --------------------------------------------------------------------------------
    def get(self, key: str) -> Row | None:
        """The row with this key, or ``None``.

        Raises
        ------
        sqlite3.Error
            only if the database fails underneath (e.g. the file was deleted).

        Examples
        --------
        >>> with Store(":memory:") as s:
        ...     s.put(Row(key="k", label="x", spec="{}", options="{}", version="0", status="ok"))
        ...     s.get("k").status, s.get("other")
        ('ok', None)
        """
        r = self._db.execute(f"SELECT {', '.join(_COLUMNS)} FROM censuses WHERE key = ?", (key,)).fetchone()
        return None if r is None else _row(r)

    def get_many(self, keys) -> dict:
        """``{key: Row}`` for the keys that are stored (in chunks of 500 keys).

        Raises
        ------
        sqlite3.Error
            only if the database fails underneath.

        Examples
        --------
        >>> with Store(":memory:") as s:
        ...     s.put(Row(key="k", label="x", spec="{}", options="{}", version="0", status="ok"))
        ...     sorted(s.get_many(["k", "z"]))
        ['k']
        """
        keys = list(keys)
        out = {}
        for i in range(0, len(keys), 500):
            chunk = keys[i: i + 500]
            q = f"SELECT {', '.join(_COLUMNS)} FROM censuses WHERE key IN ({', '.join('?' * len(chunk))})"
            for r in self._db.execute(q, chunk):
                row = _row(r)
                out[row.key] = row
        return out

    def put(self, row: Row) -> None:
        """Insert or update a row, committed at once.  An ``ok`` row is never replaced by a
        row that is not ``ok``.

        Raises
        ------
        sqlite3.OperationalError
            if another writer holds the lock for longer than the store's ``timeout``.

        Examples
        --------
        >>> with Store(":memory:") as s:
        ...     base = dict(label="x", spec="{}", options="{}", version="0")
        ...     s.put(Row(key="k", status="ok", laws_upper=3, **base))
        ...     s.put(Row(key="k", status="error", reason="later failure", **base))
        ...     s.get("k").status, s.get("k").laws_upper
        ('ok', 3)
        """
        values = [getattr(row, c) for c in _COLUMNS]
        values[_COLUMNS.index("created")] = row.created or time.time()
        if values[_COLUMNS.index("proven")] is not None:
            values[_COLUMNS.index("proven")] = int(bool(row.proven))
        updates = ", ".join(f"{c} = excluded.{c}" for c in _COLUMNS if c != "key")
        self._db.execute(
            f"INSERT INTO censuses ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))}) "
            f"ON CONFLICT(key) DO UPDATE SET {updates} WHERE censuses.status != 'ok' OR excluded.status = 'ok'",
            values,
        )

    def rows(self, *, prefix: str = "") -> list:
        """Every row (or those whose key starts with ``prefix``), oldest first.

        Raises
        ------
        sqlite3.Error
            only if the database fails underneath.

        Examples
        --------
        >>> with Store(":memory:") as s:
        ...     for k in ("ab1", "ab2", "cd"):
        ...         s.put(Row(key=k, label=k, spec="{}", options="{}", version="0", status="ok"))
        ...     [r.key for r in s.rows(prefix="ab")]
        ['ab1', 'ab2']
        """
        q = f"SELECT {', '.join(_COLUMNS)} FROM censuses WHERE key LIKE ? ORDER BY created, key"
        return [_row(r) for r in self._db.execute(q, (prefix.replace("%", "").replace("_", "") + "%",))]

    def find(self, prefix: str) -> Row:
        """The one row whose key starts with ``prefix``.

        Raises
        ------
        BadArgumentError
            if no row or several rows match.

        Examples
        --------
        >>> with Store(":memory:") as s:
        ...     s.put(Row(key="abc", label="x", spec="{}", options="{}", version="0", status="ok"))
        ...     s.find("ab").key
        'abc'
        """
        found = self.rows(prefix=prefix) if prefix else []
        if len(found) != 1:
            raise BadArgumentError("KEY", prefix, f"matches {len(found)} rows of {self.path} (give a longer prefix)"
                                   if found else f"matches no row of {self.path}")
        return found[0]

    def verify(self, row: Row) -> str | None:
        """Re-verify a stored census from its JSON; ``None`` if it passes, else the failure.

        Raises
        ------
        BadArgumentError
            for a row without a census (an error row).

        Examples
        --------
        >>> from lieflow.sweeps import sweep
        >>> with Store(":memory:") as s:
        ...     _ = sweep("linear", [2, 2, 2], store=s, jobs=1)
        ...     [s.verify(r) for r in s.rows()]
        [None]
        """
        from ..certificates import verify_json

        if row.census is None:
            raise BadArgumentError("KEY", row.key[:12], f"has no census to verify (status {row.status})")
        try:
            report = verify_json(row.census)
        except LieflowError as exc:
            return str(exc)
        return None if report.verified else report.summary()


def _row(values) -> Row:
    d = dict(zip(_COLUMNS, values))
    if d["proven"] is not None:
        d["proven"] = bool(d["proven"])
    return Row(**d)
