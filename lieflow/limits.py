"""Size limits on inputs, checked up front before any expensive work.

Every size a user controls — an exponent, a coefficient, the number of parameters or of φ
components, the terms a polynomial may expand to, the nesting of an expression — is compared with
a limit before lieflow builds anything, and an input over a limit is refused with
:class:`~lieflow.errors.InputTooLargeError`, whose message names the size, the limit and how to
raise it.  The defaults leave room for every network lieflow can census in minutes (e.g.
``relu([32, 32, 16, 10])``: 1,696 parameters, 163,840 path components).

The limits in force are a :class:`Limits` value; :func:`override` changes some of them inside a
``with`` block (the change is local to the block and to the current thread or task, nothing
global is modified).  On the command line, ``--limit NAME=N`` does the same.

>>> from lieflow import limits
>>> limits.current().max_params
10000
>>> from lieflow.models import linear
>>> linear([2, 3000, 2])
Traceback (most recent call last):
...
lieflow.errors.InputTooLargeError: widths: number of parameters is 12000, over the limit max_params=10000 (raise it with lieflow.limits.override(max_params=...) or --limit max_params=N), got [2, 3000, 2]
>>> with limits.override(max_params=20_000):
...     linear([2, 3000, 2]).dim
12000
"""

from __future__ import annotations

import contextvars
from contextlib import contextmanager
from dataclasses import dataclass, fields, replace

from .errors import BadArgumentError, InputTooLargeError

__all__ = ["Limits", "current", "override", "check", "check_coefficient", "shown_int", "WorkBudget"]


@dataclass(frozen=True)
class Limits:
    """The size limits lieflow checks before building anything.

    Attributes
    ----------
    max_degree : int
        Largest exponent in an expression, and largest total degree of a polynomial built from
        user input (φ components, JSON term lists, the depth of a path lifting).  Default 1000.
    max_coefficient_digits : int
        Largest number of decimal digits in a numerator or denominator.  Default 1000.
    max_params : int
        Largest number of parameters of a model (widths, heads and blocks are bounded through
        it).  Default 10,000.
    max_components : int
        Largest number of components of φ (or of generator fields).  Default 1,000,000.
    max_terms : int
        Largest number of terms of φ as a whole, and of term products formed while the
        expressions of one call are expanded (a budget shared by the components of
        ``custom``).  Default 1,000,000 (a few seconds of expansion at most).
    max_nesting : int
        Deepest nesting of parentheses, signs and powers in an expression.  Default 100.
    """

    max_degree: int = 1000
    max_coefficient_digits: int = 1000
    max_params: int = 10_000
    max_components: int = 1_000_000
    max_terms: int = 1_000_000
    max_nesting: int = 100

    def __post_init__(self):
        for f in fields(self):
            v = getattr(self, f.name)
            if isinstance(v, bool) or not isinstance(v, int) or v < 1:
                raise BadArgumentError(f.name, v, "a limit must be an integer >= 1")


_DEFAULT = Limits()
_current: contextvars.ContextVar = contextvars.ContextVar("lieflow_limits", default=_DEFAULT)


def current() -> Limits:
    """The limits in force (the defaults unless inside :func:`override`).

    Returns
    -------
    Limits

    Raises
    ------
    Nothing.

    Examples
    --------
    >>> current().max_degree
    1000
    """
    return _current.get()


@contextmanager
def override(**changes):
    """Change some limits inside a ``with`` block.

    Parameters
    ----------
    **changes : int
        New values, by attribute name of :class:`Limits` (``max_params=50_000``).

    Raises
    ------
    BadArgumentError
        for an unknown limit name or a value that is not an integer >= 1.

    Examples
    --------
    >>> with override(max_degree=5000):
    ...     current().max_degree
    5000
    >>> current().max_degree
    1000
    >>> with override(max_bananas=3):
    ...     pass
    Traceback (most recent call last):
    ...
    lieflow.errors.BadArgumentError: limit: unknown limit name; known: max_degree, max_coefficient_digits, max_params, max_components, max_terms, max_nesting, got 'max_bananas'
    """
    known = [f.name for f in fields(Limits)]
    for k in changes:
        if k not in known:
            raise BadArgumentError("limit", k, f"unknown limit name; known: {', '.join(known)}")
    token = _current.set(replace(current(), **changes))
    try:
        yield current()
    finally:
        _current.reset(token)


def check(limit: str, size: int, name: str, value, what: str) -> None:
    """Refuse ``size`` if it exceeds the limit ``limit`` in force.

    Parameters
    ----------
    limit : str
        Attribute of :class:`Limits` (``"max_params"``).
    size : int
        The size of the input (computed without building it).
    name : str
        The argument the size comes from, for the message.
    value : object
        The argument's value, for the message.
    what : str
        What ``size`` counts (``"parameters"``).

    Raises
    ------
    InputTooLargeError
        if ``size`` is larger than the limit.

    Examples
    --------
    >>> check("max_components", 10, "phi", "...", "components")
    >>> check("max_degree", 10**9, "phi[0]", "x**(10**9)", "exponent")
    Traceback (most recent call last):
    ...
    lieflow.errors.InputTooLargeError: phi[0]: exponent is 1000000000, over the limit max_degree=1000 (raise it with lieflow.limits.override(max_degree=...) or --limit max_degree=N), got 'x**(10**9)'
    """
    bound = getattr(current(), limit)
    if size > bound:
        raise InputTooLargeError(name, value, what, shown_int(size), limit, bound)


def shown_int(n: int):
    """``n`` itself, or a short description if it is too long to print (Python refuses to write
    integers of more than a few thousand digits, and a message should stay one short line).

    Raises
    ------
    Nothing; anything but an int is returned as it is.

    Examples
    --------
    >>> shown_int(12), shown_int(10**50)
    (12, 'about 10**50')
    """
    if isinstance(n, int) and not isinstance(n, bool) and abs(n).bit_length() > 100:
        return f"about 10**{int(abs(n).bit_length() * 0.30103)}"
    return n


def check_coefficient(c, name: str, value) -> None:
    """Refuse a rational whose numerator or denominator has more digits than allowed.

    The test uses bit lengths, so it costs nothing even for a huge number.

    Raises
    ------
    InputTooLargeError
        if ``c`` has more than ``max_coefficient_digits`` digits.

    Examples
    --------
    >>> check_coefficient(10**999, "c", "10**999")
    >>> check_coefficient(10**1000, "c", "10**1000")
    Traceback (most recent call last):
    ...
    lieflow.errors.InputTooLargeError: c: number of digits of a coefficient is 1001, over the limit max_coefficient_digits=1000 (raise it with lieflow.limits.override(max_coefficient_digits=...) or --limit max_coefficient_digits=N), got '10**1000'
    """
    bound = current().max_coefficient_digits
    for part in (getattr(c, "numerator", c), getattr(c, "denominator", 1)):
        digits = _digits(abs(int(part)), bound)
        if digits > bound:
            raise InputTooLargeError(name, value, "number of digits of a coefficient", digits,
                                     "max_coefficient_digits", bound)


def _digits(n: int, bound: int) -> int:
    """Decimal digits of ``n >= 0``: exact up to ``bound + 1``, estimated from the bit length above
    (the estimate is within one, so the comparison with ``bound`` is always right)."""
    estimate = int(n.bit_length() * 0.30102999566398120) + 1  # digits or digits + 1
    if estimate > bound + 2:
        return estimate
    return estimate - 1 if estimate > 1 and n < 10 ** (estimate - 1) else estimate


class WorkBudget:
    """The term products left for expanding user input: ``max_terms`` at creation, spent by
    every multiplication; one budget may be shared by several expressions (the components of a
    model), so that many small inputs cannot add up to hours of work.

    >>> b = WorkBudget()
    >>> b.spend(10, "phi[0]", "x*y")
    >>> b.left == current().max_terms - 10
    True
    """

    __slots__ = ("total", "left")

    def __init__(self):
        self.total = current().max_terms
        self.left = self.total

    def spend(self, n: int, name: str, value) -> None:
        """Take ``n`` term products from the budget.

        Raises
        ------
        InputTooLargeError
            if fewer than ``n`` are left.
        """
        if n > self.left:
            raise InputTooLargeError(name, value, "number of term products needed to expand the input",
                                     shown_int(self.total - self.left + n), "max_terms", self.total)
        self.left -= n
