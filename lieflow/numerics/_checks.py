"""Argument checks shared by the numerics modules (private)."""

from __future__ import annotations

import math

from lieflow.errors import BadArgumentError


def positive(name, value):
    """Return ``value`` as a float if it is finite and > 0, else raise ``BadArgumentError``."""
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise BadArgumentError(name, value, "must be a positive number") from None
    if not (math.isfinite(x) and x > 0):
        raise BadArgumentError(name, value, "must be a positive number")
    return x


def nonnegative(name, value):
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise BadArgumentError(name, value, "must be a number >= 0") from None
    if not (math.isfinite(x) and x >= 0):
        raise BadArgumentError(name, value, "must be a number >= 0")
    return x


def momentum(name, value):
    x = nonnegative(name, value)
    if not x < 1:
        raise BadArgumentError(name, value, "momentum must satisfy 0 <= beta < 1")
    return x


def count(name, value, minimum=1):
    try:
        ok = not isinstance(value, bool) and int(value) == value and value >= minimum
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise BadArgumentError(name, value, f"must be an integer >= {minimum}")
    return int(value)


def choice(name, value, options):
    if value not in options:
        raise BadArgumentError(name, value, f"must be one of {', '.join(map(str, options))}")
    return value
