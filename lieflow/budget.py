"""Limits of one long computation: a deadline, a memory cap, and progress reports.

A :class:`Budget` is created by :func:`lieflow.census` and handed down to every phase (law
search, closure).  Each phase calls :meth:`Budget.check` at cheap checkpoints inside its loops;
the check raises :class:`BudgetExceeded` once the deadline has passed or the process's resident
memory is above the cap, and now and then hands a progress report to a callback.  The phases catch
it where what they have computed so far is still a valid result, so a census cut short keeps
valid (if unsharp) bounds and says which phase stopped and why.

>>> b = Budget(time_limit=60)
>>> with b.phase("closure"):
...     b.check(rank=3)
>>> b.phase_name
'idle'
>>> parse_memory("4G"), parse_memory("512M"), parse_memory(2**20)
(4294967296, 536870912, 1048576)
"""

from __future__ import annotations

import contextlib
import gc
import math
import os
import time
from numbers import Real

from .errors import BadArgumentError, LimitExceededError

__all__ = [
    "Budget",
    "BudgetExceeded",
    "parse_time_limit",
    "parse_memory",
    "resident_memory",
    "default_max_memory",
    "format_bytes",
    "gc_paused",
    "process_age",
]

_UNITS = {"": 1, "K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}

#: Seconds between two reads of the resident memory (each costs a few microseconds).
MEMORY_INTERVAL = 0.05
#: Seconds between two progress reports handed to the callback.
PROGRESS_INTERVAL = 0.25


class BudgetExceeded(LimitExceededError):
    """A :class:`Budget` limit was reached.

    Attributes
    ----------
    kind : str
        ``"time"`` or ``"memory"``.
    phase : str
        The phase that was running (``"law search"``, ``"closure"``, ...).
    cause : str
        What was reached, e.g. ``"time limit of 10 s reached"`` (the message adds the phase).
    partial : object
        What the phase had fully computed (set by the phase that re-raises it), or ``None``.
    """

    def __init__(self, kind: str, phase: str, cause: str, partial=None):
        self.kind = kind
        self.phase = phase
        self.cause = cause
        super().__init__(f"{cause} during the {phase}", partial)


def parse_time_limit(value, name: str = "time_limit"):
    """``None`` or a positive, finite number of seconds (as a float).

    Raises
    ------
    BadArgumentError
        for a string, a bool, a non-positive or non-finite number.

    Examples
    --------
    >>> parse_time_limit(5), parse_time_limit(None)
    (5.0, None)
    >>> parse_time_limit("5")
    Traceback (most recent call last):
    ...
    lieflow.errors.BadArgumentError: time_limit: must be a positive number of seconds, got '5'
    """
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, Real) or not (0 < float(value) < math.inf):
        raise BadArgumentError(name, value, "must be a positive number of seconds")
    return float(value)


def parse_memory(value, name: str = "max_memory") -> int:
    """A memory size in bytes: an integer, or a string such as ``"512M"``, ``"4G"``, ``"4GiB"``.

    Units are powers of 1024 (``K``, ``M``, ``G``, ``T``, optionally followed by ``B`` or ``iB``).

    Raises
    ------
    BadArgumentError
        for anything that is not a positive size.

    Examples
    --------
    >>> parse_memory("1.5G") == 3 * 2**29, parse_memory("100")
    (True, 100)
    >>> parse_memory("lots")
    Traceback (most recent call last):
    ...
    lieflow.errors.BadArgumentError: max_memory: must be a positive size in bytes such as 4G, 512M or 1000000, got 'lots'
    """
    reason = "must be a positive size in bytes such as 4G, 512M or 1000000"
    if isinstance(value, bool):
        raise BadArgumentError(name, value, reason)
    if isinstance(value, int):
        size = value
    elif isinstance(value, str):
        text = value.strip().upper()
        for suffix in ("IB", "B"):
            if text.endswith(suffix) and len(text) > len(suffix) and text[-len(suffix) - 1] in "KMGT":
                text = text[: -len(suffix)]
                break
        unit = text[-1:] if text[-1:] in "KMGT" else ""
        number = text[: len(text) - len(unit)].strip()
        try:
            scaled = float(number) * _UNITS[unit] if "." in number else int(number) * _UNITS[unit]
        except ValueError:
            raise BadArgumentError(name, value, reason) from None
        if not math.isfinite(scaled):
            raise BadArgumentError(name, value, reason)
        size = int(scaled)
    else:
        raise BadArgumentError(name, value, reason)
    if size <= 0:
        raise BadArgumentError(name, value, reason)
    return size


def format_bytes(n: int) -> str:
    """A size in bytes, readable: ``"1.5 GiB"``.

    Raises
    ------
    TypeError
        if ``n`` is not a number.

    Examples
    --------
    >>> format_bytes(3 * 2**29), format_bytes(1000)
    ('1.5 GiB', '1000 B')
    """
    for unit, size in (("TiB", 2**40), ("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if n >= size:
            return f"{n / size:.1f} {unit}"
    return f"{n} B"


def _meminfo_total():
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def default_max_memory():
    """Half of the machine's physical memory (``MemTotal`` in ``/proc/meminfo``), or ``None``
    where that is unknown.

    Raises
    ------
    Nothing: an unreadable ``/proc`` gives ``None``.

    Examples
    --------
    >>> m = default_max_memory(); m is None or m > 0
    True
    """
    total = _meminfo_total()
    if total is None:
        try:
            total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
        except (ValueError, OSError, AttributeError):
            return None
    return total // 2 if total and total > 0 else None


_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def process_age() -> float:
    """Seconds since this process started (from ``/proc``; 0.0 where that is unavailable).

    A command line that promises a time limit "from the start of the command" counts the
    interpreter's start-up and imports too.

    Raises
    ------
    Nothing: where ``/proc`` cannot be read the age is 0.0.

    Examples
    --------
    >>> 0.0 <= process_age() < 1e6
    True
    """
    try:
        with open("/proc/self/stat") as f:
            # the fields after the command name (which may contain spaces) start after ")"
            start_ticks = int(f.read().rsplit(")", 1)[1].split()[19])
        with open("/proc/uptime") as f:
            uptime = float(f.read().split()[0])
        return max(0.0, uptime - start_ticks / os.sysconf("SC_CLK_TCK"))
    except (OSError, ValueError, IndexError, AttributeError):
        return 0.0


def resident_memory():
    """The resident set size of this process in bytes (``/proc/self/statm``; else the peak from
    :mod:`resource`; else ``None``).

    Raises
    ------
    Nothing: where nothing can be measured the result is ``None``.

    Examples
    --------
    >>> resident_memory() > 0
    True
    """
    try:
        with open("/proc/self/statm", "rb") as f:
            return int(f.read().split()[1]) * _PAGE
    except (OSError, ValueError, IndexError):
        pass
    try:
        import resource
        import sys

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak if sys.platform == "darwin" else peak * 1024
    except (ImportError, OSError, ValueError):  # pragma: no cover - no way to measure
        return None


class Budget:
    """A deadline, a memory cap and a progress callback shared by the phases of a computation.

    Parameters
    ----------
    time_limit : float, optional
        Seconds from creation (or from ``start``) until :meth:`check` raises.
    max_memory : int or str, optional
        Resident memory (bytes, or a size such as ``"4G"``) above which :meth:`check` raises;
        default no cap (:func:`lieflow.census` passes :func:`default_max_memory`).
    progress : callable, optional
        Called with one dict (``phase``, ``elapsed`` and whatever the phase reported, e.g.
        ``rank`` and ``brackets``) at most every :data:`PROGRESS_INTERVAL` seconds and on
        every phase change.
    start : float, optional
        The ``time.perf_counter()`` value the limit counts from (default now).

    Raises
    ------
    BadArgumentError
        for a bad ``time_limit`` or ``max_memory``.

    Examples
    --------
    >>> seen = []
    >>> b = Budget(time_limit=1e-9, progress=seen.append)
    >>> with b.phase("law search"):
    ...     b.check()
    Traceback (most recent call last):
    ...
    lieflow.budget.BudgetExceeded: time limit of 1e-09 s reached during the law search
    >>> seen[0]["phase"]
    'law search'
    """

    def __init__(self, *, time_limit=None, max_memory=None, progress=None, start=None):
        self.time_limit = parse_time_limit(time_limit)
        self.max_memory = None if max_memory is None else parse_memory(max_memory)
        if progress is not None and not callable(progress):
            raise BadArgumentError("progress", progress, "must be a callable taking one dict")
        self.progress = progress
        self.start = time.perf_counter() if start is None else start
        self.deadline = None if self.time_limit is None else self.start + self.time_limit
        self._time_label = None if self.time_limit is None else f"time limit of {self.time_limit:g} s reached"
        self.phase_name = "idle"
        self.info: dict = {}
        self.checks = 0
        self._next_memory = 0.0
        self._next_report = self.start + PROGRESS_INTERVAL
        self._watch = self.max_memory is not None or progress is not None

    # -- the checkpoint --------------------------------------------------------------------
    def check(self, **info) -> None:
        """The checkpoint: raise if a limit is reached; report progress now and then.

        Keyword arguments are progress information (``rank=``, ``brackets=``, ...), kept until
        the phase changes.  The clock is read at every call; the memory at most every
        :data:`MEMORY_INTERVAL` seconds.

        Raises
        ------
        BudgetExceeded
            once the deadline has passed or the resident memory is above the cap.

        Examples
        --------
        >>> b = Budget(max_memory=2**60)
        >>> b.check(rank=2); b.info, b.checks
        ({'rank': 2}, 1)
        """
        self.checks += 1
        if info:
            self.info.update(info)
        if self.deadline is None and not self._watch:
            return
        now = time.perf_counter()
        if self.deadline is not None and now > self.deadline:
            raise BudgetExceeded("time", self.phase_name, self._time_label)
        if self.max_memory is not None and now >= self._next_memory:
            self._next_memory = now + MEMORY_INTERVAL
            rss = resident_memory()
            if rss is not None and rss > self.max_memory:
                raise BudgetExceeded(
                    "memory", self.phase_name,
                    f"memory cap of {format_bytes(self.max_memory)} reached (resident {format_bytes(rss)})",
                )
        if self.progress is not None and now >= self._next_report:
            self._next_report = now + PROGRESS_INTERVAL
            self._report(now)

    def _report(self, now: float) -> None:
        self.progress({"phase": self.phase_name, "elapsed": now - self.start, **self.info})

    def remaining(self):
        """Seconds until the deadline (``None`` without a time limit; may be negative)."""
        return None if self.deadline is None else self.deadline - time.perf_counter()

    def elapsed(self) -> float:
        return time.perf_counter() - self.start

    # -- phases ----------------------------------------------------------------------------
    @contextlib.contextmanager
    def phase(self, name: str, *, share: float | None = None, time_limit: float | None = None):
        """Run a phase named ``name`` (the deadline and name are restored afterwards).

        Parameters
        ----------
        name : str
            Shown in progress reports and limit messages.
        share : float, optional
            The phase gets at most this fraction of the time that remains.
        time_limit : float, optional
            The phase gets at most this many seconds.
        """
        saved = (self.phase_name, self.info, self.deadline, self._time_label)
        self.phase_name, self.info = name, {}
        now = time.perf_counter()
        if share is not None and self.deadline is not None:
            self.deadline = now + max(0.0, self.deadline - now) * share
            self._time_label = f"its share of the time limit ({self.deadline - now:.2g} s of {self.time_limit:g} s) used up"
        if time_limit is not None:
            time_limit = parse_time_limit(time_limit)
            if self.deadline is None or now + time_limit < self.deadline:
                self.deadline = now + time_limit
                self._time_label = f"time limit of {time_limit:g} s reached"
        if self.progress is not None:
            self._report(now)
        try:
            yield self
        finally:
            self.phase_name, self.info, self.deadline, self._time_label = saved

    def __repr__(self):
        return f"Budget(time_limit={self.time_limit}, max_memory={self.max_memory}, phase={self.phase_name!r})"


@contextlib.contextmanager
def gc_paused():
    """Pause Python's cyclic garbage collector for the duration of a block (restored after).

    Building millions of small acyclic objects (polynomials, fields) makes the collector run full
    passes over the whole heap again and again; lieflow creates no reference cycles worth
    collecting while it computes, and reference counting still frees everything else.  On exit,
    the objects that piled up in the youngest generation are handed to the oldest one (through
    ``gc.freeze()``/``gc.unfreeze()``, which move them without looking at them) so that
    re-enabling the collector does not make it walk them all at once.

    Raises
    ------
    Whatever the block raises (the collector's state is restored first).

    Examples
    --------
    >>> import gc
    >>> with gc_paused():
    ...     gc.isenabled()
    False
    >>> gc.isenabled()
    True
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            if gc.get_freeze_count() == 0:  # nobody else froze objects: move ours to the oldest generation
                gc.freeze()
                gc.unfreeze()
            gc.enable()
