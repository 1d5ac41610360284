"""The lieflow exception hierarchy.

Every error lieflow raises on purpose derives from :class:`LieflowError`.  Subclasses also derive
from the matching builtin exception, so callers may catch either ``LieflowError`` or, e.g.,
``ValueError``.  Messages name the offending argument and show its value.

>>> from lieflow.errors import BadArgumentError, LieflowError
>>> try:
...     raise BadArgumentError("widths", [2, 0], "every width must be an integer >= 1")
... except ValueError as exc:
...     print(exc)
widths: every width must be an integer >= 1, got [2, 0]
>>> isinstance(BadArgumentError("x", 1, "bad"), LieflowError)
True
"""

from __future__ import annotations

__all__ = [
    "LieflowError",
    "BadArgumentError",
    "InexactValueError",
    "NotPolynomialError",
    "IncompatibleRingError",
    "LimitExceededError",
    "VerificationError",
    "InputTooLargeError",
]


class LieflowError(Exception):
    """Root of every exception lieflow raises on purpose."""


class BadArgumentError(LieflowError, ValueError):
    """An argument has a value lieflow cannot accept.

    Parameters
    ----------
    name : str
        The argument's name, as the caller wrote it.
    value : object
        The value received.
    reason : str
        What is wrong with it (and, where useful, what would be right).
    """

    def __init__(self, name: str, value: object, reason: str):
        self.name = name
        self.value = value
        self.reason = reason
        super().__init__(f"{name}: {reason}, got {value!r}")


class InexactValueError(LieflowError, TypeError):
    """A float (or another inexact number) was given where lieflow computes exactly."""

    def __init__(self, name: str, value: object):
        self.name = name
        self.value = value
        super().__init__(
            f"{name}: inexact value {value!r} ({type(value).__name__}); lieflow is exact, pass an "
            f"int, a fractions.Fraction, a sympy Rational or a string such as '1/3'"
        )


class NotPolynomialError(LieflowError, ValueError):
    """An expression that must be a polynomial (in the declared variables) is not one."""

    def __init__(self, name: str, value: object, reason: str = "is not a polynomial"):
        self.name = name
        self.value = value
        super().__init__(f"{name}: {reason}, got {value!r}")


class IncompatibleRingError(LieflowError, TypeError):
    """Two objects over different polynomial rings (variable lists) were combined."""


class LimitExceededError(LieflowError, RuntimeError):
    """A computation hit a limit the caller set (time, brackets, depth).

    ``partial`` holds whatever was computed before the limit was hit (or ``None``).
    """

    def __init__(self, message: str, partial: object = None):
        self.partial = partial
        super().__init__(message)


class VerificationError(LieflowError, AssertionError):
    """An independent re-check of a result failed."""


class InputTooLargeError(BadArgumentError):
    """An input is larger than a limit of :mod:`lieflow.limits`; it was refused before any work.

    ``size`` is the input's size, ``limit`` the name of the limit and ``bound`` its value.
    """

    def __init__(self, name: str, value: object, what: str, size: int, limit: str, bound: int):
        self.size = size
        self.limit = limit
        self.bound = bound
        super().__init__(
            name,
            value,
            f"{what} is {size}, over the limit {limit}={bound} (raise it with "
            f"lieflow.limits.override({limit}=...) or --limit {limit}=N)",
        )
