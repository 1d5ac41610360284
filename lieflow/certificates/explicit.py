"""Evidence from explicit laws: each is annihilated by every generator, and they are independent.

A law ``h`` is conserved by the flow iff ``∇h · X ≡ 0`` for every generator ``X`` (an identity of
polynomials, checked exactly); ``k`` laws whose gradients are linearly independent at one point
are functionally independent, so there are at least ``k`` independent laws.

Laws are stored as exact term lists ``[[coefficient "p/q", [[variable, exponent], ...]], ...]``,
or, for a law with logarithms ``h = P + Σ_j Q_j log|ℓ_j|`` (:mod:`lieflow.loglaws`), as
``{"poly": terms of P, "log": [[Q_j, ℓ_j], ...]}`` with ``Q_j`` a ``"p/q"`` string or a term list
and ``ℓ_j`` a variable name or the term list of a linear form (integer coefficients, gcd 1).
:func:`parse_law_terms` reads both, and :func:`check_law` is the one place that handles a single
law of either kind (annihilation by every generator, gradient value at the point).

**Laws with logarithms.**  Along a field ``X``,
``X h = X(P) + Σ_j Q_j X(ℓ_j)/ℓ_j + Σ_j X(Q_j) log|ℓ_j|``.  So ``X h ≡ 0`` where no ``ℓ_j``
vanishes as soon as (1) ``X(Q_j) ≡ 0`` for every ``j`` and (2)
``L·X(P) + Σ_j Q_j X(ℓ_j) L/ℓ_j ≡ 0`` with ``L = Π_j ℓ_j`` (the sum multiplied by ``L``, so
both are identities of polynomials); these are the checks.  The gradient,
``∂_k h = ∂_k P + Σ_j (Q_j ∂_k ℓ_j / ℓ_j + log|ℓ_j| ∂_k Q_j)``, is rational at a rational point
except for the values ``log|ℓ_j(p)|`` when a ``Q_j`` is not constant.  Those are replaced by
fixed rationals ``Λ_j`` (:func:`log_value`, one per argument, shared by all laws), which still
proves independence: the gradients are the gradients of the polynomials ``P + Σ_j Q_j Λ_j`` in
``(θ, Λ)`` restricted to their ``θ`` part, so a minor of the Jacobian is a polynomial ``M(θ, Λ)``,
and ``M(p, Λ) ≠ 0`` shows ``M ≠ 0``.  As the ``log|ℓ_j|`` (of pairwise non-proportional linear
forms) are algebraically independent over the rational functions (Ostrowski 1946), the function
``M(θ, log|ℓ(θ)|)`` is not identically zero either: the laws are independent on an open dense set.

>>> laws = LawCertificate.from_dict({"law_terms": [[["1", [["x", 2]]], ["-1", [["y", 2]]]]]})
>>> fields = {"X1": {0: {((1, 1),): 1}, 1: {((0, 1),): 1}}}      # y d/dx + x d/dy
>>> laws.check(("x", "y"), fields, (2, 3))
1
>>> scaling = {"X1": {0: {((0, 1),): 1}, 1: {((1, 1),): 2}}}      # x d/dx + 2y d/dy
>>> logs = LawCertificate.from_dict({"law_terms": [{"poly": [], "log": [["2", "x"], ["-1", "y"]]}]})
>>> logs.check(("x", "y"), scaling, (2, 3))                         # 2 log|x| - log|y|
1
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from fractions import Fraction
from math import gcd
from typing import ClassVar, NamedTuple

from ..errors import VerificationError
from .base import fail
from .plain import parse_rational, poly_add, poly_diff, poly_mul, poly_value, poly_variables, rank

__all__ = ["LawCertificate", "LogTerms", "parse_law_terms", "check_law", "log_value", "MAX_EXPONENT"]

#: Largest exponent accepted in a stored law.
MAX_EXPONENT = 1000


def parse_law_terms(terms, index: dict, what: str, *, check: str = "law terms") -> dict:
    """A law's exact term list as a plain polynomial (see :mod:`lieflow.certificates.plain`).

    Parameters
    ----------
    terms : list or dict
        ``[[coefficient "p/q", [[variable name, exponent >= 1], ...]], ...]``; or, for a law with
        logarithms, ``{"poly": terms, "log": [[coefficient, argument], ...]}`` (module docstring).
    index : dict
        Variable name -> index.
    what : str
        How to name the law in errors (``"laws[2]"``).
    check : str
        The check named by a failure (the model spec's polynomials are read with this parser too).

    Returns
    -------
    dict or LogTerms
        A plain polynomial, or for a law with logarithms its :class:`LogTerms`.

    Raises
    ------
    VerificationError
        (check ``"law terms"``) for anything that is not such a list over these variables; for a
        law with logarithms, also for an empty ``log`` list, a zero coefficient, an argument that
        is not a nonzero linear form with coprime integer coefficients, or a repeated argument.

    Examples
    --------
    >>> parse_law_terms([["1", [["x", 2]]], ["-1/2", [["y", 1], ["x", 1]]]], {"x": 0, "y": 1}, "laws[0]")
    {((0, 2),): 1, ((0, 1), (1, 1)): Fraction(-1, 2)}
    >>> parse_law_terms({"poly": [["1", [["y", 1]]]], "log": [["-3", "x"]]}, {"x": 0, "y": 1}, "laws[0]")
    LogTerms(poly={((1, 1),): 1}, logs=(({((0, 1),): 1}, {(): -3}),))
    >>> parse_law_terms({"poly": [], "log": [["1", [["1", [["x", 2]]]]]]}, {"x": 0}, "laws[0]")
    Traceback (most recent call last):
    ...
    lieflow.errors.VerificationError: law terms: laws[0].log[0]: the argument of a logarithm must be a linear form
    """
    if isinstance(terms, dict):
        return _parse_log_law(terms, index, what, check)
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


class LogTerms(NamedTuple):
    """A law ``P + Σ_j Q_j log|ℓ_j|`` in plain form: ``poly`` is ``P``, ``logs`` the pairs
    ``(ℓ_j, Q_j)`` of plain polynomials (see :mod:`lieflow.certificates.plain`)."""

    poly: dict
    logs: tuple


def _parse_log_law(obj: dict, index: dict, what: str, check: str) -> LogTerms:
    if set(obj) != {"poly", "log"}:
        fail(check, f"{what}: a law with logarithms is {{'poly': terms, 'log': [[coefficient, argument], ...]}}, "
             f"got the keys {sorted(map(str, obj))!r:.60}")
    poly = parse_law_terms(obj["poly"], index, f"{what}.poly", check=check)
    items = obj["log"]
    if not isinstance(items, list) or not items:
        fail(check, f"{what}.log: expected a nonempty list of [coefficient, argument] pairs")
    logs = []
    for j, item in enumerate(items):
        where = f"{what}.log[{j}]"
        if not isinstance(item, list) or len(item) != 2:
            fail(check, f"{where}: expected [coefficient, argument]")
        coeff, arg = item
        if isinstance(coeff, str):
            try:
                c = parse_rational(coeff, where)
            except VerificationError as exc:
                fail(check, str(exc))
            q = {(): c.numerator if c.denominator == 1 else c} if c else {}
        else:
            q = parse_law_terms(coeff, index, f"{where} coefficient", check=check)
            if not isinstance(q, dict):
                fail(check, f"{where}: a coefficient is a 'p/q' string or a term list")
        if not q:
            fail(check, f"{where}: the coefficient is zero")
        if isinstance(arg, str):
            if arg not in index:
                fail(check, f"{where}: unknown variable {arg!r:.60}")
            ell = {((index[arg], 1),): 1}
        else:
            ell = parse_law_terms(arg, index, f"{where} argument", check=check)
            if not isinstance(ell, dict):
                fail(check, f"{where}: an argument is a variable name or a term list")
        _check_linear_form(ell, where, check)
        if any(_up_to_sign(ell) == _up_to_sign(other) for other, _ in logs):
            # log|ℓ| = log|−ℓ|: the same function twice would break the independence argument
            fail(check, f"{where}: the argument is repeated (up to sign)")
        logs.append((ell, q))
    return LogTerms(poly, tuple(logs))


def _check_linear_form(ell: dict, where: str, check: str) -> None:
    """A nonzero linear form without constant term, with coprime integer coefficients."""
    if not ell or any(len(m) != 1 or m[0][1] != 1 for m in ell):
        fail(check, f"{where}: the argument of a logarithm must be a linear form")
    g = 0
    for c in ell.values():
        if not isinstance(c, int):
            fail(check, f"{where}: the argument of a logarithm must have integer coefficients")
        g = gcd(g, c)
    if g != 1:
        fail(check, f"{where}: the coefficients of the argument of a logarithm must have gcd 1")


def _up_to_sign(ell: dict) -> dict:
    """``±ℓ`` with a positive coefficient on its first variable."""
    first = min(ell)
    return ell if ell[first] > 0 else {m: -c for m, c in ell.items()}


def log_value(ell: dict) -> int:
    """The verifier's fixed stand-in ``Λ`` for ``log|ℓ(p)|`` (module docstring): a large integer
    determined by the argument ``ℓ`` alone, so every law sees the same value for the same argument.

    >>> log_value({((0, 1),): 1}) == log_value({((0, 1),): 1}) != log_value({((1, 1),): 1})
    True
    """
    return random.Random(repr(sorted(_up_to_sign(ell).items()))).randrange(1, 2**61)


class _FrozenObject(tuple):
    """A JSON object frozen as its sorted ``(key, value)`` pairs (a law with logarithms)."""


def _frozen(x):
    if isinstance(x, dict):
        return _FrozenObject(sorted((k, _frozen(v)) for k, v in x.items()))
    return tuple(_frozen(y) for y in x) if isinstance(x, (list, tuple)) else x


def _thawed(x):
    if isinstance(x, _FrozenObject):
        return {k: _thawed(v) for k, v in x}
    return [_thawed(y) for y in x] if isinstance(x, tuple) else x


def check_law(h, fields: dict, point, n: int, what: str) -> list:
    """One law: annihilated by every generator (exact identities); its gradient at ``point``.

    Parameters
    ----------
    h : dict or LogTerms
        The law: a plain polynomial, or a law with logarithms (module docstring).
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
        The gradient's ``n`` exact values at ``point`` (with :func:`log_value` standing for
        ``log|ℓ_j(p)|`` where a log coefficient ``Q_j`` is not constant).

    Raises
    ------
    VerificationError
        (check ``"explicit laws"``) if a generator does not annihilate ``h``; (check
        ``"law independence"``) if a log argument vanishes at ``point``.

    Examples
    --------
    >>> rotation = {"X1": {0: {((1, 1),): 1}, 1: {((0, 1),): -1}}}       # y d/dx - x d/dy
    >>> check_law({((0, 2),): 1, ((1, 2),): 1}, rotation, (3, 4), 2, "laws[0]")
    [6, 8]
    >>> X = {"X1": {0: {((0, 1),): 1}}}                                 # x d/dx
    >>> check_law(LogTerms({((1, 1),): 1}, (({((0, 1),): 1}, {(): 1}),)), X, (3, 4), 2, "laws[0]")
    Traceback (most recent call last):
    ...
    lieflow.errors.VerificationError: explicit laws: laws[0] is not annihilated by generator X1
    >>> check_law(LogTerms({}, (({((1, 1),): 1}, {(): 1}),)), X, (3, 4), 2, "laws[0]")   # log|y|
    [0, Fraction(1, 4)]
    """
    if isinstance(h, LogTerms):
        return _check_log_law(h, fields, point, n, what)
    grad = {j: poly_diff(h, j) for j in poly_variables(h)}
    for name, X in fields.items():
        if _derivative(grad, X):
            fail("explicit laws", f"{what} is not annihilated by generator {name}")
    return [poly_value(grad[j], point) if j in grad else 0 for j in range(n)]


def _derivative(grad: dict, X: dict) -> dict:
    """``X(f) = Σ_j ∂_j f X^j`` from the gradient ``{j: ∂_j f}``."""
    acc: dict = {}
    for j, g in grad.items():
        if j in X:
            poly_add(acc, poly_mul(g, X[j]))
    return acc


def _check_log_law(h: LogTerms, fields: dict, point, n: int, what: str) -> list:
    grad_p = {j: poly_diff(h.poly, j) for j in poly_variables(h.poly)}
    grad_q = [{j: poly_diff(q, j) for j in poly_variables(q)} for _, q in h.logs]
    others = []  # L / ℓ_j: the product of the other arguments
    for j in range(len(h.logs)):
        prod = {(): 1}
        for k, (ell, _) in enumerate(h.logs):
            if k != j:
                prod = poly_mul(prod, ell)
        others.append(prod)
    full = poly_mul(others[0], h.logs[0][0])
    for name, X in fields.items():
        for j, gq in enumerate(grad_q):
            if _derivative(gq, X):
                fail("explicit laws", f"{what}: the coefficient of log|argument {j}| is not annihilated by generator {name}")
        acc = poly_mul(full, _derivative(grad_p, X))
        for (ell, q), prod in zip(h.logs, others):
            x_ell = _derivative({j: poly_diff(ell, j) for j in poly_variables(ell)}, X)
            poly_add(acc, poly_mul(poly_mul(q, x_ell), prod))
        if acc:
            fail("explicit laws", f"{what} is not annihilated by generator {name}")
    out = [poly_value(grad_p[j], point) if j in grad_p else 0 for j in range(n)]
    for (ell, q), gq in zip(h.logs, grad_q):
        v = poly_value(ell, point)
        if not v:
            fail("law independence", f"{what}: a log argument vanishes at the certificate point")
        qv = Fraction(poly_value(q, point)) / v
        for ((j, _),), a in ell.items():
            out[j] += qv * a
        lam = log_value(ell) if gq else 0
        for j, g in gq.items():
            out[j] += lam * poly_value(g, point)
    return out


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
        return [parse_law_terms(_thawed(t), index, f"laws[{i}]") for i, t in enumerate(self.law_terms)]

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
