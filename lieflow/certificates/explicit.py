"""Evidence from explicit laws: each is annihilated by every generator, and they are independent.

A law ``h`` is conserved by the flow iff ``∇h · X ≡ 0`` for every generator ``X`` (an identity of
polynomials, checked exactly); ``k`` laws whose gradients are linearly independent at one point
are functionally independent, so there are at least ``k`` independent laws.

Laws are stored as exact term lists ``[[coefficient "p/q", [[variable, exponent], ...]], ...]``.
:func:`check_law` is the one place that handles a single law (exact gradient, annihilation by
every generator, gradient value at the point): a law with new kinds of terms (e.g. ``c log|θ_i|``,
whose gradient ``c/θ_i`` the plain representation already allows) extends it and
:func:`parse_law_terms` there.

>>> laws = LawCertificate.from_dict({"law_terms": [[["1", [["x", 2]]], ["-1", [["y", 2]]]]]})
>>> fields = {"X1": {0: {((1, 1),): 1}, 1: {((0, 1),): 1}}}      # y d/dx + x d/dy
>>> laws.check(("x", "y"), fields, (2, 3))
1
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ..errors import VerificationError
from .base import fail
from .plain import parse_rational, poly_add, poly_diff, poly_mul, poly_value, poly_variables, rank

__all__ = ["LawCertificate", "parse_law_terms", "check_law", "MAX_EXPONENT"]

#: Largest exponent accepted in a stored law.
MAX_EXPONENT = 1000


def parse_law_terms(terms, index: dict, what: str, *, check: str = "law terms") -> dict:
    """A law's exact term list as a plain polynomial (see :mod:`lieflow.certificates.plain`).

    Parameters
    ----------
    terms : list
        ``[[coefficient "p/q", [[variable name, exponent >= 1], ...]], ...]``.
    index : dict
        Variable name -> index.
    what : str
        How to name the law in errors (``"laws[2]"``).
    check : str
        The check named by a failure (the model spec's polynomials are read with this parser too).

    Raises
    ------
    VerificationError
        (check ``"law terms"``) for anything that is not such a list over these variables.

    Examples
    --------
    >>> parse_law_terms([["1", [["x", 2]]], ["-1/2", [["y", 1], ["x", 1]]]], {"x": 0, "y": 1}, "laws[0]")
    {((0, 2),): 1, ((0, 1), (1, 1)): Fraction(-1, 2)}
    """
    if not isinstance(terms, (list, tuple)):
        fail(check, f"{what}: expected a list of terms, got {type(terms).__name__}")
    h: dict = {}
    for t, term in enumerate(terms):
        where = f"{what}[{t}]"
        if not isinstance(term, (list, tuple)) or len(term) != 2 or not isinstance(term[1], (list, tuple)):
            fail(check, f"{where}: expected [coefficient, [[variable, exponent], ...]]")
        try:
            c = parse_rational(term[0], where)
        except VerificationError as exc:
            fail(check, str(exc))
        powers: dict = {}
        for factor in term[1]:
            if not isinstance(factor, (list, tuple)) or len(factor) != 2:
                fail(check, f"{where}: expected [variable, exponent], got {factor!r:.60}")
            name, e = factor
            if not isinstance(name, str) or name not in index:
                fail(check, f"{where}: unknown variable {name!r:.60}")
            if isinstance(e, bool) or not isinstance(e, int) or not 1 <= e <= MAX_EXPONENT:
                fail(check, f"{where}: exponent of {name} must be an integer in [1, {MAX_EXPONENT}], got {e!r:.60}")
            powers[index[name]] = powers.get(index[name], 0) + e
        poly_add(h, {tuple(sorted(powers.items())): c.numerator if c.denominator == 1 else c})
    return h


def _frozen(x):
    return tuple(_frozen(y) for y in x) if isinstance(x, (list, tuple)) else x


def _thawed(x):
    return [_thawed(y) for y in x] if isinstance(x, tuple) else x


def check_law(h: dict, fields: dict, point, n: int, what: str) -> list:
    """One law: its exact gradient, annihilated by every generator; its gradient at ``point``.

    Parameters
    ----------
    h : dict
        The law (plain polynomial).
    fields : dict
        Generator name -> plain field.
    point : sequence
        Exact coordinates.
    n : int
        Number of variables.
    what : str
        How to name the law in errors.

    Returns
    -------
    list
        The gradient's ``n`` exact values at ``point``.

    Raises
    ------
    VerificationError
        (check ``"explicit laws"``) if a generator does not annihilate ``h``.

    Examples
    --------
    >>> rotation = {"X1": {0: {((1, 1),): 1}, 1: {((0, 1),): -1}}}       # y d/dx - x d/dy
    >>> check_law({((0, 2),): 1, ((1, 2),): 1}, rotation, (3, 4), 2, "laws[0]")
    [6, 8]
    """
    grad = {j: poly_diff(h, j) for j in poly_variables(h)}
    for name, X in fields.items():
        acc: dict = {}
        for j, g in grad.items():
            if j in X:
                poly_add(acc, poly_mul(g, X[j]))
        if acc:
            fail("explicit laws", f"{what} is not annihilated by generator {name}")
    return [poly_value(grad[j], point) if j in grad else 0 for j in range(n)]


@dataclass(frozen=True)
class LawCertificate:
    """Explicit laws as exact term lists; their check proves ``#laws ≥`` their number.

    Attributes
    ----------
    law_terms : tuple
        One exact term list per law (as stored in the ``law_terms`` key of a census), frozen into
        nested tuples.
    """

    kind: ClassVar[str] = "laws"

    law_terms: tuple

    def __post_init__(self):
        object.__setattr__(self, "law_terms", _frozen(self.law_terms))

    def to_dict(self) -> dict:
        return {"law_terms": _thawed(self.law_terms)}

    @classmethod
    def from_dict(cls, data) -> "LawCertificate":
        """Read ``{"law_terms": [...]}`` (the term lists are validated by :meth:`check`).

        Raises
        ------
        VerificationError
            (check ``"law terms"``) if ``law_terms`` is not a list.
        """
        if not isinstance(data, dict) or not isinstance(data.get("law_terms"), list):
            fail("law terms", "law_terms must be a list of exact term lists")
        return cls(tuple(data["law_terms"]))

    def parse(self, variables) -> list:
        """The laws as plain polynomials over ``variables`` (names, in order)."""
        index = {name: i for i, name in enumerate(variables)}
        return [parse_law_terms(t, index, f"laws[{i}]") for i, t in enumerate(self.law_terms)]

    def check(self, variables, fields: dict, point) -> int:
        """Check every law and return the rank of their gradients at ``point``.

        Raises
        ------
        VerificationError
            naming ``"law terms"`` (malformed), ``"explicit laws"`` (a law not annihilated) or
            ``"law independence"`` (dependent gradients).
        """
        n = len(variables)
        grads = [check_law(h, fields, point, n, f"laws[{i}]") for i, h in enumerate(self.parse(variables))]
        k = rank(grads)
        if k != len(grads):
            fail("law independence", f"the gradients of the {len(grads)} laws are not shown independent at the "
                 f"certificate point (rank {k} modulo each of the verifier's primes)")
        return k
