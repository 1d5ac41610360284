"""The prime of the modular computations: one that sees the system faithfully.

Ranks and evaluations are computed modulo a prime ``p`` below ``2**31``.  Reducing a system of
polynomial fields modulo ``p`` is only meaningful when ``p`` divides no denominator of its
coefficients (otherwise the reduction does not exist), and it is only *faithful* when ``p`` divides
no numerator either (otherwise a term of a generator vanishes mod ``p``: the reduced system is
degenerate and a rank computed from it, while still a valid bound, can be far from sharp —
``τ = 2**31 - 1`` turns the heavy-ball drift ``τ s ∂_s − τ v ∂_v`` into ``0`` modulo ``2**31 - 1``).

:func:`prime_for` picks the largest prime below ``2**31`` that divides no numerator or denominator
of any coefficient of the given fields, or validates a prime the caller chose.

>>> from lieflow.algebra import PolyRing, VectorField
>>> x, y = PolyRing.get(("x", "y")).gens
>>> X = VectorField(PolyRing.get(("x", "y")), {"x": y * 2147483647, "y": x})
>>> prime_for([X])
2147483629
>>> prime_for([X], prime=101)
101
"""

from __future__ import annotations

from fractions import Fraction

from ..errors import BadArgumentError
from .linalg import is_prime
from .rings import DEFAULT_PRIME, Poly

__all__ = ["prime_for", "primes_below", "check_prime", "coefficient_integers", "offending_coefficient"]

#: Every modular computation uses a prime in ``[3, 2**31)`` (see :class:`ModularEchelon`).
MAX_PRIME = 2**31 - 1


def check_prime(prime, name: str = "prime") -> int:
    """``prime`` if it is a prime in ``[3, 2**31)``; otherwise a :class:`BadArgumentError`.

    Parameters
    ----------
    prime : int
    name : str
        The argument's name in the error message.

    Returns
    -------
    int

    Raises
    ------
    BadArgumentError
        for a non-integer, a composite number or a prime out of range.

    Examples
    --------
    >>> check_prime(101)
    101
    >>> check_prime(2**31 - 3)
    Traceback (most recent call last):
    ...
    lieflow.errors.BadArgumentError: prime: must be a prime between 3 and 2**31 - 1, got 2147483645
    """
    if isinstance(prime, bool) or not isinstance(prime, int) or not (2 < prime <= MAX_PRIME) or not is_prime(prime):
        raise BadArgumentError(name, prime, "must be a prime between 3 and 2**31 - 1")
    return prime


def primes_below(start: int = DEFAULT_PRIME):
    """The primes ``p <= start`` (``p >= 3``), in decreasing order (a generator).

    Raises
    ------
    TypeError
        if ``start`` is not an integer.

    Examples
    --------
    >>> it = primes_below(); [next(it) for _ in range(3)]
    [2147483647, 2147483629, 2147483587]
    """
    n = start
    while n > 2:
        if is_prime(n):
            yield n
        n -= 1


def coefficient_integers(fields) -> frozenset:
    """The integers a prime must not divide: ``|numerator|`` and denominator of every coefficient
    (0 and 1 left out).

    Raises
    ------
    AttributeError
        if an element of ``fields`` is not a :class:`VectorField`.

    Examples
    --------
    >>> from lieflow.algebra import PolyRing, VectorField
    >>> x, y = PolyRing.get(("x", "y")).gens
    >>> sorted(coefficient_integers([VectorField(PolyRing.get(("x", "y")), {"x": y * Fraction(-6, 35)})]))
    [6, 35]
    """
    out = set()
    for X in fields:
        out.update(X.coefficient_integers)
    return frozenset(out)


def offending_coefficient(fields, prime: int, names=None):
    """The first coefficient of ``fields`` whose numerator or denominator ``prime`` divides.

    Returns ``None`` when there is none, else ``(field name, variable name, term, which)`` with
    ``which`` in ``{"numerator", "denominator"}`` and ``term`` the offending term as a string.

    Raises
    ------
    AttributeError
        if an element of ``fields`` is not a :class:`VectorField`.

    Examples
    --------
    >>> from lieflow.algebra import PolyRing, VectorField
    >>> R = PolyRing.get(("x", "y"))
    >>> x, y = R.gens
    >>> offending_coefficient([VectorField(R, {"y": x * Fraction(1, 202)})], 101)
    ('X1', 'y', '1/202*x', 'denominator')
    """
    for g, X in enumerate(fields):
        for k, comp in X.components:
            for m, c in comp.terms():
                c = Fraction(c)
                which = "numerator" if c.numerator % prime == 0 else "denominator" if c.denominator % prime == 0 else None
                if which is not None:
                    gname = names[g] if names is not None else f"X{g + 1}"
                    return gname, X.ring.symbols[k], str(Poly(X.ring, {m: c})), which
    return None


def prime_for(fields, prime=None, *, names=None, skip=(), name: str = "prime") -> int:
    """A prime for modular computations with ``fields``: chosen, or checked when given.

    Parameters
    ----------
    fields : sequence of VectorField
        Every field whose coefficients the reduction must respect (the generators of a system).
    prime : int, optional
        The caller's prime: returned if it is a prime in ``[3, 2**31)`` dividing no numerator or
        denominator of a coefficient of ``fields``.  Default: the largest such prime not in
        ``skip`` (``2**31 - 1`` unless a coefficient forbids it).
    names : sequence of str, optional
        Names of the fields, for the error message (default ``X1, X2, ...``).
    skip : collection of int
        Primes not to choose (e.g. one already tried).
    name : str
        The argument's name in error messages.

    Returns
    -------
    int

    Raises
    ------
    BadArgumentError
        if the given ``prime`` is not a prime in range, or divides a coefficient (the message
        names the prime, the field and the term).

    Examples
    --------
    >>> from lieflow.algebra import PolyRing, VectorField
    >>> R = PolyRing.get(("x", "y"))
    >>> x, y = R.gens
    >>> X = VectorField(R, {"x": y * Fraction(1, 2147483647), "y": x})
    >>> prime_for([X])
    2147483629
    >>> prime_for([X], 2147483647)
    Traceback (most recent call last):
    ...
    lieflow.errors.BadArgumentError: prime: divides the denominator of the term 1/2147483647*y of X1 (d/dx component); choose another prime or leave it unset, got 2147483647
    """
    fields = list(fields)
    ints = coefficient_integers(fields)
    if prime is not None:
        check_prime(prime, name)
        bad = None if all(n % prime for n in ints) else offending_coefficient(fields, prime, names)
        if bad is not None:
            gname, var, term, which = bad
            raise BadArgumentError(
                name, prime, f"divides the {which} of the term {term} of {gname} (d/d{var} component); "
                f"choose another prime or leave it unset"
            )
        return prime
    skip = set(skip)
    for p in primes_below(MAX_PRIME):
        if p not in skip and all(n % p for n in ints):
            return p
    raise BadArgumentError(name, None, "no prime below 2**31 avoids every coefficient")  # pragma: no cover
