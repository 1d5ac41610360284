"""Explicit conservation laws with logarithms: ``h = P(θ) + Σ_j Q_j(θ) log|ℓ_j(θ)|``.

Polynomial laws (:mod:`lieflow.laws`) miss laws as simple as ``x2² − x3²/2 − 3 log|x3|``: a
logarithm appears as soon as a generator moves a coordinate proportionally to itself.  This
module finds the laws of the form

    h = P + Σ_j Q_j log|ℓ_j|,

with ``P`` and ``Q_j`` polynomials and ``ℓ_j`` linear forms (a variable ``θ_i``, or a binary form
``a θ_i + b θ_j``), exactly, by the same graded null-space solver as the polynomial laws.

**Which arguments can carry a logarithm.**  For a field ``X``,
``X h = X(P) + Σ_j X(Q_j) log|ℓ_j| + Σ_j Q_j X(ℓ_j)/ℓ_j``.  The logarithms of pairwise
non-proportional irreducible polynomials are algebraically independent over the rational
functions (Ostrowski 1946; see also Ax 1971), so ``X h ≡ 0`` holds iff, for every field,

1. ``X(Q_j) ≡ 0``: each coefficient ``Q_j`` is a constant or itself a polynomial law, and
2. ``X(P) + Σ_j Q_j X(ℓ_j)/ℓ_j ≡ 0``.

In 2., the term ``j`` has a pole along ``ℓ_j = 0`` that no other term can cancel, unless
``ℓ_j`` divides ``Q_j X(ℓ_j)``; and a law ``Q_j`` divisible by ``ℓ_j`` is divisible by every
power of it when ``ℓ_j ∤ X(ℓ_j)`` (``X(ℓ^k R) = ℓ^{k−1}(k X(ℓ) R + ℓ X(R))``), so it is zero.
Hence the precise condition: **ℓ can carry a logarithm iff ℓ divides X(ℓ) for every field X**
(ℓ is a *Darboux polynomial* of every generator, with polynomial cofactor ``λ_X = X(ℓ)/ℓ``).
For a variable, ``θ_i`` must divide the ``i``-th component of every field.  The search uses all
variables that pass this test and all binary forms ``θ_i − ρ θ_j`` (``ρ ≠ 0`` rational) that do:
for each pair, ``ρ`` is a common rational root of the coefficients of ``X^i − ρ X^j`` restricted
to ``θ_i = ρ θ_j`` (:func:`log_candidates`).

**The solver.**  Condition 1–2 is the statement that the polynomial
``H = P + Σ_j Q_j Λ_j`` in extra variables ``Λ_j`` is annihilated by the lifted fields
``X̃ = X + Σ_j λ_{X,j} ∂/∂Λ_j`` (``Λ_j`` stands for ``log|ℓ_j|``, whose derivative along ``X``
is ``λ_{X,j}``).  So the laws are the polynomial laws of the lifted fields that are at most linear
in the ``Λ_j``: :func:`lieflow.laws.verified_laws` solves them with the unknown columns
``m Λ_j`` next to the monomials of ``P`` (same gradings, pre-pass and exact null space).

>>> from lieflow.models import custom
>>> from lieflow.dynamics import gradient_flow
>>> fields = gradient_flow(custom(["2*x1 + x2*x3**2 + 3*x2", "x1**2"])).generators
>>> [str(h) for h in log_laws(fields)]
['2*x2**2 - x3**2 - 6*log(Abs(x3))']

References
----------
A. Ostrowski, *Sur les relations algébriques entre les intégrales indéfinies*, Acta Math. 78
(1946).  J. Ax, *On Schanuel's conjectures*, Ann. of Math. 93 (1971).
S. Marcotte, R. Gribonval, G. Peyré, *Abide by the Law and Follow the Flow*, NeurIPS 2023.
"""

from __future__ import annotations

import itertools
import random
import time
from collections.abc import Mapping
from fractions import Fraction
from math import comb, gcd, lcm

from .algebra import DEFAULT_PRIME, ModularEchelon, Poly, PointEvaluator, PolyRing, VectorField, rational_str, to_rational
from .algebra import check_fields as _check_fields
from .algebra.linalg import is_prime
from .errors import BadArgumentError, IncompatibleRingError, LimitExceededError, VerificationError
from .laws import monomial_basis, sparsify, verified_laws

__all__ = [
    "LogLaw",
    "log_candidates",
    "log_laws",
    "momentum_log_laws",
    "independent_log_laws",
    "log_law_time_expr",
    "poly_to_terms",
    "poly_from_terms",
]


# -- small exact helpers --------------------------------------------------------------------------


def _check_deadline(deadline, phase: str) -> None:
    if deadline is not None and time.perf_counter() > deadline:
        raise LimitExceededError(f"log law search: the deadline passed during {phase}")


def _budget_until(deadline):
    """A :class:`lieflow.budget.Budget` that stops the exact solver itself at ``deadline``
    (its :class:`~lieflow.budget.BudgetExceeded` is a ``LimitExceededError``)."""
    if deadline is None:
        return None
    from .budget import Budget

    budget = Budget(time_limit=max(deadline - time.perf_counter(), 1e-6))
    budget.phase_name = "log law search"
    return budget


def _valid_deadline(deadline):
    if deadline is None:
        return None
    if isinstance(deadline, bool) or not isinstance(deadline, (int, float)):
        raise BadArgumentError("deadline", deadline, "must be None or a time.perf_counter() value")
    return deadline


def _divide(f: Poly, ell: Poly):
    """``f / ℓ`` for a linear form ``ℓ`` when the division is exact, else ``None``.

    Division by ``ℓ = a θ_v + r`` (``θ_v`` its first variable, ``r`` free of it): terms are
    removed by decreasing power of ``θ_v``; a remainder free of ``θ_v`` means ``ℓ ∤ f``.
    """
    (lead_m, a), *_ = ell.terms()
    v = lead_m[0]
    if len(ell) == 1:  # a monomial divisor: every term must contain θ_v
        out = {}
        for m, c in f.items():
            k = m.index(v) if v in m else -1
            if k < 0:
                return None
            out[m[:k] + m[k + 1 :]] = Fraction(c) / a
        return Poly(f.ring, out)
    rest = [(m, c) for m, c in ell.items() if m != lead_m]
    rem = dict(f.items())
    quo: dict = {}
    while rem:
        m = max(rem, key=lambda mono: (mono.count(v), mono))
        e = m.count(v)
        if e == 0:
            return None
        c = Fraction(rem.pop(m)) / a
        k = m.index(v)
        q = m[:k] + m[k + 1 :]
        quo[q] = quo.get(q, 0) + c
        for (j,), b in rest:
            t = tuple(sorted(q + (j,)))
            y = rem.get(t, 0) - c * b
            if y:
                rem[t] = y
            else:
                rem.pop(t, None)
    return Poly(f.ring, quo)


def _lift(ring: PolyRing, p: Poly) -> Poly:
    """A polynomial in the first variables of ``ring`` (same indices)."""
    return Poly(ring, dict(p.items()), True)


def poly_to_terms(p: Poly) -> list:
    """An exact, JSON-able term list: ``[["coefficient p/q", [[name, exponent], ...]], ...]``.

    The format of :mod:`lieflow.io` (terms in lieflow's canonical order).

    Parameters
    ----------
    p : Poly

    Returns
    -------
    list

    Raises
    ------
    BadArgumentError
        if ``p`` is not a :class:`~lieflow.algebra.Poly`.

    Examples
    --------
    >>> x, y = PolyRing.get(("x", "y")).gens
    >>> poly_to_terms(x**2 * y - Fraction(1, 2) * y)
    [['1', [['x', 2], ['y', 1]]], ['-1/2', [['y', 1]]]]
    """
    if not isinstance(p, Poly):
        raise BadArgumentError("p", p, "expected a Poly")
    out = []
    for m, c in p.terms():
        powers: dict = {}
        for i in m:
            name = p.ring.symbols[i]
            powers[name] = powers.get(name, 0) + 1
        out.append([rational_str(c), [[k, e] for k, e in powers.items()]])
    return out


def poly_from_terms(ring: PolyRing, terms, what: str = "terms") -> Poly:
    """Read a term list written by :func:`poly_to_terms` (never calls ``eval``).

    Parameters
    ----------
    ring : PolyRing
    terms : list
        ``[["p/q", [[name, exponent >= 1], ...]], ...]``.
    what : str
        The name of the field being read, used in error messages.

    Returns
    -------
    Poly

    Raises
    ------
    BadArgumentError
        naming ``what``, for anything malformed (not a list, a non-string coefficient, an unknown
        variable, an exponent that is not an integer >= 1).

    Examples
    --------
    >>> R = PolyRing.get(("x", "y"))
    >>> poly_from_terms(R, [["-1/2", [["y", 1]]], ["3", []]])
    Poly(-1/2*y + 3)
    >>> poly_from_terms(R, [["1", [["z", 1]]]], "law.poly")
    Traceback (most recent call last):
    ...
    lieflow.errors.BadArgumentError: law.poly: unknown variable 'z' (the ring has ('x', 'y')), got [['1', [['z', 1]]]]
    """
    if not isinstance(terms, list):
        raise BadArgumentError(what, terms, "expected a list of [coefficient, powers] terms")
    out: dict = {}
    for term in terms:
        if not isinstance(term, list) or len(term) != 2:
            raise BadArgumentError(what, terms, "each term must be a [coefficient, powers] pair")
        coeff, powers = term
        if not isinstance(coeff, str):
            raise BadArgumentError(what, terms, f"coefficient {coeff!r} must be a 'p/q' string")
        c = to_rational(coeff, what)
        if not isinstance(powers, list):
            raise BadArgumentError(what, terms, f"powers {powers!r} must be a list of [name, exponent] pairs")
        mono = []
        for pw in powers:
            if not isinstance(pw, list) or len(pw) != 2:
                raise BadArgumentError(what, terms, f"power {pw!r} must be a [name, exponent] pair")
            name, e = pw
            if not isinstance(name, str) or name not in ring.index:
                raise BadArgumentError(what, terms, f"unknown variable {name!r} (the ring has {ring.symbols})")
            if isinstance(e, bool) or not isinstance(e, int) or e < 1:
                raise BadArgumentError(what, terms, f"exponent {e!r} must be an integer >= 1")
            mono.extend([ring.index[name]] * e)
        mono = tuple(sorted(mono))
        out[mono] = out.get(mono, 0) + c
    return Poly(ring, out)


# -- the value class ------------------------------------------------------------------------------


def _log_argument(ring: PolyRing, arg, name: str) -> Poly:
    """A log argument as a canonical linear form: coprime integer coefficients, first one > 0."""
    if isinstance(arg, Poly):
        if arg.ring is not ring:
            raise IncompatibleRingError(f"{name}: argument {arg} is over {arg.ring!r}, the law over {ring!r}")
        ell = arg
    else:
        ell = ring.gens[ring.var_index(arg)]
    if not ell or any(len(m) != 1 for m, _ in ell.items()):
        raise BadArgumentError(name, str(arg), "a log argument must be a nonzero linear form (no constant term)")
    coeffs = [c for _, c in ell.terms()]
    if any(not isinstance(c, int) for c in coeffs) or abs(_gcd_all(coeffs)) != 1:
        raise BadArgumentError(
            name, str(arg),
            "scale the argument to coprime integer coefficients (log|kℓ| = log|ℓ| + log|k|)",
        )
    return -ell if coeffs[0] < 0 else ell  # log|−ℓ| = log|ℓ|


def _gcd_all(values) -> int:
    g = 0
    for v in values:
        g = gcd(g, v)
    return g


def _coefficient(ring: PolyRing, c, name: str) -> Poly:
    if isinstance(c, Poly):
        if c.ring is not ring:
            raise IncompatibleRingError(f"{name}: coefficient {c} is over {c.ring!r}, the law over {ring!r}")
        return c
    return ring.constant(to_rational(c, name))


def _arg_key(ell: Poly) -> tuple:
    return (len(ell), tuple(ell.terms()))


class LogLaw:
    """A function ``h = P + Σ_j Q_j log|ℓ_j|``: polynomial part plus logarithms of linear forms.

    Immutable, canonical and hashable.  The constructor normalizes: the constant term of ``P`` is
    dropped (a law is defined up to an additive constant), logs of the same argument are merged,
    zero coefficients dropped, every argument is a linear form with coprime integer coefficients
    and a positive first one (``log|−ℓ| = log|ℓ|``), and the whole law is scaled so that all the
    coefficients of ``P`` and of the ``Q_j`` are integers with gcd 1, the leading coefficient of
    ``P`` (or, if ``P = 0``, of the first ``Q_j``) positive — as :func:`lieflow.laws.normalize_law`.
    So ``LogLaw(2 h) == LogLaw(h)``.

    Parameters
    ----------
    poly : Poly
        The polynomial part ``P`` (its ring is the law's ring; may be zero).
    logs : mapping or iterable of pairs, optional
        ``{argument: coefficient}`` or ``[(argument, coefficient), ...]``.  An argument is a
        variable (name or index) or a linear form (a :class:`Poly` of degree 1 without constant
        term, coprime integer coefficients); a coefficient is a rational (int, Fraction, "p/q",
        sympy Rational) or a :class:`Poly`.

    Attributes
    ----------
    ring : PolyRing
    poly : Poly
        ``P``, without constant term.
    logs : tuple of (Poly, Poly)
        The pairs ``(ℓ_j, Q_j)``, sorted: variables by index, then the other forms.

    Raises
    ------
    BadArgumentError
        for a zero law, a non-Poly ``poly``, a bad argument or coefficient (the message names it).
    IncompatibleRingError
        if an argument or coefficient is over another ring.
    InexactValueError
        for a float coefficient.

    Examples
    --------
    >>> R = PolyRing.get(("x1", "x2", "x3"))
    >>> x1, x2, x3 = R.gens
    >>> h = LogLaw(x2**2 - Fraction(1, 2) * x3**2, {"x3": -3})
    >>> print(h)
    2*x2**2 - x3**2 - 6*log(Abs(x3))
    >>> h.logs, h.degree, h.is_polynomial
    (((Poly(x3), Poly(-6)),), 2, False)
    >>> LogLaw(R.zero(), [(x1 - x2, x3), (x1, -1)])
    LogLaw(log(Abs(x1)) - x3*log(Abs(x1 - x2)))
    >>> type(h)(*h.args) == h
    True
    """

    __slots__ = ("ring", "poly", "logs", "_hash")

    def __init__(self, poly: Poly, logs=()):
        if not isinstance(poly, Poly):
            raise BadArgumentError("poly", poly, "expected a Poly (use ring.zero() for a pure-log law)")
        ring = poly.ring
        items = logs.items() if isinstance(logs, Mapping) else logs
        merged: dict = {}
        try:
            pairs = list(items)
        except TypeError:
            raise BadArgumentError("logs", logs, "expected a mapping or a list of (argument, coefficient) pairs") from None
        for k, pair in enumerate(pairs):
            if not isinstance(pair, (tuple, list)) or len(pair) != 2:
                raise BadArgumentError(f"logs[{k}]", pair, "expected an (argument, coefficient) pair")
            ell = _log_argument(ring, pair[0], f"logs[{k}]")
            q = _coefficient(ring, pair[1], f"logs[{k}]")
            merged[ell] = merged[ell] + q if ell in merged else q
        p_terms = {m: c for m, c in poly.items() if m}
        log_pairs = sorted(((ell, q) for ell, q in merged.items() if q), key=lambda lq: _arg_key(lq[0]))
        if not p_terms and not log_pairs:
            raise BadArgumentError("law", str(poly), "the zero function (or a constant) is not a law")
        # scale: integer coefficients, gcd 1, leading coefficient positive
        all_coeffs = list(p_terms.values()) + [c for _, q in log_pairs for _, c in q.items()]
        den = 1
        for c in all_coeffs:
            den = lcm(den, Fraction(c).denominator)
        g = _gcd_all(int(Fraction(c) * den) for c in all_coeffs)
        P = Poly(ring, p_terms, True)
        lead = P.terms()[0][1] if p_terms else log_pairs[0][1].terms()[0][1]
        scale = Fraction(den, g) if lead > 0 else Fraction(-den, g)
        object.__setattr__(self, "ring", ring)
        object.__setattr__(self, "poly", P * scale)
        object.__setattr__(self, "logs", tuple((ell, q * scale) for ell, q in log_pairs))
        object.__setattr__(self, "_hash", None)

    def __setattr__(self, name, value):
        raise AttributeError(f"LogLaw is immutable (cannot set {name!r})")

    def __reduce__(self):
        return (LogLaw, self.args)

    @property
    def args(self) -> tuple:
        return (self.poly, self.logs)

    @property
    def is_polynomial(self) -> bool:
        """True when there is no logarithm."""
        return not self.logs

    @property
    def has_constant_log_coefficients(self) -> bool:
        """True when every ``Q_j`` is a constant (then the gradient is rational at rational points)."""
        return all(q.degree == 0 for _, q in self.logs)

    @property
    def degree(self) -> int:
        """Total degree, a logarithm counting as degree 1: ``max(deg P, deg Q_j + 1)``."""
        return max([self.poly.degree] + [q.degree + 1 for _, q in self.logs])

    def __eq__(self, other):
        if not isinstance(other, LogLaw):
            return NotImplemented
        return self.ring is other.ring and self.poly == other.poly and self.logs == other.logs

    def __hash__(self):
        if self._hash is None:
            object.__setattr__(self, "_hash", hash((id(self.ring), self.poly, self.logs)))
        return self._hash

    # -- exact checks -------------------------------------------------------------------------
    def verify(self, fields) -> bool:
        """True iff ``X h ≡ 0`` exactly for every field ``X``.

        Checked as two polynomial identities per field: ``X(Q_j) ≡ 0`` for every coefficient (the
        logarithms are algebraically independent over the rational functions), and, after
        multiplying by ``L = Π_j ℓ_j``, ``L X(P) + Σ_j Q_j X(ℓ_j) L/ℓ_j ≡ 0`` (``L/ℓ_j`` is the
        product of the other arguments: no division is done).

        Parameters
        ----------
        fields : sequence of VectorField
            Over the law's ring.

        Returns
        -------
        bool

        Raises
        ------
        BadArgumentError
            for an empty sequence or a non-field.
        IncompatibleRingError
            if a field is over another ring.

        Examples
        --------
        >>> R = PolyRing.get(("x", "y"))
        >>> x, y = R.gens
        >>> X = VectorField(R, [x, y])                      # x d/dx + y d/dy
        >>> LogLaw(R.zero(), {"x": 1, "y": -1}).verify([X])   # log|x/y|
        True
        >>> LogLaw(R.zero(), {"x": 1}).verify([X])
        False
        """
        fields = _check_fields(fields)
        args = [ell for ell, _ in self.logs]
        others = []
        for j in range(len(args)):
            prod = self.ring.constant(1)
            for k, ell in enumerate(args):
                if k != j:
                    prod = prod * ell
            others.append(prod)
        full = others[0] * args[0] if args else self.ring.constant(1)
        for X in fields:
            if X.ring is not self.ring:
                raise IncompatibleRingError(f"the law is over {self.ring!r}, a field over {X.ring!r}")
            if any(X.apply(q) for _, q in self.logs):
                return False
            total = full * X.apply(self.poly)
            for (ell, q), prod in zip(self.logs, others):
                total = total + q * X.apply(ell) * prod
            if total:
                return False
        return True

    def gradient_value(self, point, prime: int = DEFAULT_PRIME, *, log_values=None) -> list:
        """The gradient of ``h`` at an integer (or rational) point, modulo ``prime``, dense.

        ``∂_k h = ∂_k P + Σ_j (Q_j a_{jk} / ℓ_j + log|ℓ_j| ∂_k Q_j)`` (``a_{jk}`` the coefficients
        of ``ℓ_j``); the divisions use modular inverses.  With non-constant coefficients the
        gradient involves ``log|ℓ_j(p)|``, which is not rational: then ``log_values`` gives the
        value (mod ``prime``) to use for each argument — the gradient of the lifted polynomial
        ``P + Σ Q_j Λ_j`` along the logs, at ``Λ = log_values``.  :func:`independent_log_laws`
        explains why any values give valid independence proofs.

        Parameters
        ----------
        point : sequence of int or rational
            Coordinates in ring order; no argument ``ℓ_j`` may vanish modulo ``prime`` there.
        prime : int
            A prime below ``2**31``.
        log_values : mapping, optional
            ``{argument: int}`` (argument as a variable name or index or a linear-form Poly);
            needed only when some ``Q_j`` is not constant.

        Returns
        -------
        list of int
            ``ring.ngens`` residues.

        Raises
        ------
        BadArgumentError
            for a bad prime, a point of the wrong length or with a denominator divisible by the
            prime, an argument that vanishes modulo the prime at the point, or a missing log value.

        Examples
        --------
        >>> R = PolyRing.get(("x", "y"))
        >>> x, y = R.gens
        >>> h = LogLaw(x * y, {"x": 2})     # xy + 2 log|x|: gradient (y + 2/x, x)
        >>> h.gradient_value([2, 5], 101)
        [6, 2]
        >>> h.gradient_value([101, 5], 101)
        Traceback (most recent call last):
        ...
        lieflow.errors.BadArgumentError: point: the log argument x vanishes modulo 101 at the point; choose another point, got [101, 5]
        """
        if isinstance(prime, bool) or not isinstance(prime, int) or not (2 < prime < 2**31) or not is_prime(prime):
            raise BadArgumentError("prime", prime, "must be a prime between 3 and 2**31")
        pt = _point_mod(point, self.ring.ngens, prime)
        ev = PointEvaluator(pt, prime)
        _, grad = ev.poly_value_and_gradient(self.poly)
        out = [grad.get(k, 0) for k in range(self.ring.ngens)]
        values = None
        for ell, q in self.logs:
            val, _ = ev.poly_value_and_gradient(ell)
            if val == 0:
                raise BadArgumentError(
                    "point", list(point), f"the log argument {ell} vanishes modulo {prime} at the point; choose another point"
                )
            qv, qgrad = ev.poly_value_and_gradient(q)
            inv = pow(val, -1, prime)
            for (k,), a in ell.items():
                out[k] += qv * a * inv
            if qgrad:
                if values is None:
                    values = _log_value_map(self.ring, log_values)
                lam = values.get(ell)
                if lam is None:
                    raise BadArgumentError(
                        "log_values", log_values, f"need a value for log|{ell}| (its coefficient {q} is not constant)"
                    )
                for k, d in qgrad.items():
                    out[k] += lam * d
        return [v % prime for v in out]

    # -- conversion ---------------------------------------------------------------------------
    def as_expr(self):
        """The law as a sympy expression ``P + Σ_j Q_j*log(Abs(ℓ_j))``."""
        import sympy

        parts = [self.poly.as_expr()]
        for ell, q in self.logs:
            parts.append(sympy.Mul(q.as_expr(), sympy.log(sympy.Abs(ell.as_expr()))))
        return sympy.Add(*parts)

    def to_terms(self) -> dict:
        """An exact JSON-able structure: ``{"poly": terms, "log": [[coefficient, argument], ...]}``.

        ``terms`` is a :func:`poly_to_terms` list; a coefficient is a ``"p/q"`` string when
        constant, else a term list; an argument is a variable name, or a term list for a form.

        >>> R = PolyRing.get(("x", "y"))
        >>> x, y = R.gens
        >>> LogLaw(x * y, [("x", 2), (x + y, y)]).to_terms()
        {'poly': [['1', [['x', 1], ['y', 1]]]], 'log': [['2', 'x'], [[['1', [['y', 1]]]], [['1', [['x', 1]]], ['1', [['y', 1]]]]]]}
        """
        logs = []
        for ell, q in self.logs:
            coeff = rational_str(q.coeff(())) if q.degree == 0 else poly_to_terms(q)
            if len(ell) == 1:
                arg = self.ring.symbols[ell.terms()[0][0][0]]
            else:
                arg = poly_to_terms(ell)
            logs.append([coeff, arg])
        return {"poly": poly_to_terms(self.poly), "log": logs}

    @classmethod
    def from_terms(cls, ring, obj) -> "LogLaw":
        """Read :meth:`to_terms` output (never calls ``eval``).

        Parameters
        ----------
        ring : PolyRing or sequence of str
            The ring, or its variable names.
        obj : dict
            ``{"poly": [...], "log": [...]}``.

        Returns
        -------
        LogLaw

        Raises
        ------
        BadArgumentError
            naming the malformed field (``law``, ``law.poly``, ``law.log[k]``).

        Examples
        --------
        >>> R = PolyRing.get(("x", "y"))
        >>> h = LogLaw(R.gens[0], {"y": "-1/2"})
        >>> LogLaw.from_terms(R, h.to_terms()) == h
        True
        >>> LogLaw.from_terms(R, {"poly": [], "log": [["1", "z"]]})
        Traceback (most recent call last):
        ...
        lieflow.errors.BadArgumentError: law.log[0]: unknown variable 'z' (the ring has ('x', 'y')), got ['1', 'z']
        """
        if not isinstance(ring, PolyRing):
            ring = PolyRing.get(ring)
        if not isinstance(obj, dict) or set(obj) != {"poly", "log"}:
            raise BadArgumentError("law", obj, "expected a dict with exactly the keys 'poly' and 'log'")
        poly = poly_from_terms(ring, obj["poly"], "law.poly")
        if not isinstance(obj["log"], list):
            raise BadArgumentError("law.log", obj["log"], "expected a list of [coefficient, argument] pairs")
        logs = []
        for k, item in enumerate(obj["log"]):
            what = f"law.log[{k}]"
            if not isinstance(item, list) or len(item) != 2:
                raise BadArgumentError(what, item, "expected a [coefficient, argument] pair")
            coeff, arg = item
            if isinstance(coeff, str):
                q = ring.constant(to_rational(coeff, what))
            elif isinstance(coeff, list):
                q = poly_from_terms(ring, coeff, what)
            else:
                raise BadArgumentError(what, item, "the coefficient must be a 'p/q' string or a term list")
            if isinstance(arg, str):
                if arg not in ring.index:
                    raise BadArgumentError(what, item, f"unknown variable {arg!r} (the ring has {ring.symbols})")
                ell = ring.gens[ring.index[arg]]
            elif isinstance(arg, list):
                ell = poly_from_terms(ring, arg, what)
            else:
                raise BadArgumentError(what, item, "the argument must be a variable name or a term list")
            logs.append((ell, q))
        try:
            return cls(poly, logs)
        except BadArgumentError as exc:
            raise BadArgumentError("law", obj, exc.reason) from None

    def __str__(self):
        pieces = [str(self.poly)] if self.poly else []
        for ell, q in self.logs:
            arg = str(ell)
            log = f"log(Abs({arg}))"
            if q.degree == 0:
                c = q.coeff(())
                a = -c if c < 0 else c
                body = log if a == 1 else f"{rational_str(a)}*{log}"
                neg = c < 0
            elif len(q) == 1:
                (m, c), = q.terms()
                neg = c < 0
                body = f"{-q if neg else q}*{log}"
            else:
                neg = False
                body = f"({q})*{log}"
            if pieces:
                pieces.append(("- " if neg else "+ ") + body)
            else:
                pieces.append(("-" if neg else "") + body)
        return " ".join(pieces)

    def __repr__(self):
        return f"LogLaw({self})"

    def _sympystr(self, printer):
        return printer._print(self.as_expr())

    def _latex(self, printer):
        return printer._print(self.as_expr())

    def _repr_latex_(self):
        import sympy

        return f"${sympy.latex(self.as_expr())}$"


def _point_mod(point, n: int, prime: int) -> list:
    try:
        vals = list(point)
    except TypeError:
        raise BadArgumentError("point", point, "expected a sequence of coordinates") from None
    if len(vals) != n:
        raise BadArgumentError("point", vals, f"expected {n} coordinates")
    out = []
    for x in vals:
        x = Fraction(to_rational(x, "point"))
        if x.denominator % prime == 0:
            raise BadArgumentError("point", vals, f"a denominator is divisible by the prime {prime}")
        out.append(x.numerator * pow(x.denominator, -1, prime) % prime)
    return out


def _log_value_map(ring: PolyRing, log_values) -> dict:
    if log_values is None:
        return {}
    if not isinstance(log_values, dict):
        raise BadArgumentError("log_values", log_values, "expected a mapping {argument: integer}")
    out = {}
    for arg, v in log_values.items():
        ell = _log_argument(ring, arg, "log_values")
        if isinstance(v, bool) or not isinstance(v, int):
            raise BadArgumentError("log_values", log_values, f"the value for {arg} must be an integer")
        out[ell] = v
    return out


# -- which linear forms can carry a logarithm ----------------------------------------------------


def log_candidates(fields, *, log_variables=None, linear_forms: bool = True, deadline=None) -> tuple:
    """The linear forms ``ℓ`` that divide ``X(ℓ)`` for every field ``X``, with the cofactors.

    Only these can carry a logarithm in a law (module docstring).  Variables: ``θ_i`` qualifies
    iff it divides the ``i``-th component of every field (a variable no field moves is itself a
    polynomial law, and is skipped).  Binary forms ``θ_i − ρ θ_j`` (``ρ ≠ 0``): ``ρ`` must be a
    common rational root of the coefficients (in the other variables) of
    ``X^i − ρ X^j`` at ``θ_i = ρ θ_j``, for every field; each root found on one field is then
    checked on all fields by exact division.  Pairs on which every field satisfies
    ``θ_j X^i ≡ θ_i X^j`` are skipped: there every form in ``span(θ_i, θ_j)`` qualifies, with the
    cofactor of ``θ_i`` and ``θ_j`` (both candidates), and its logarithm adds no law that is not a
    function of the laws found with ``log|θ_i| − log|θ_j|``.

    Parameters
    ----------
    fields : sequence of VectorField
    log_variables : iterable, optional
        Restrict to these variables (names or indices), for both kinds of forms; default all.
    linear_forms : bool
        Also search binary forms (default True).
    deadline : float, optional
        A ``time.perf_counter()`` value; passing it raises :class:`LimitExceededError`.

    Returns
    -------
    tuple of (Poly, tuple of Poly)
        ``(ℓ, (X_1(ℓ)/ℓ, ..., X_d(ℓ)/ℓ))``: variables first, then binary forms.

    Raises
    ------
    BadArgumentError
        for bad fields, an unknown variable or a bad deadline.
    LimitExceededError
        if the deadline passes.

    Examples
    --------
    >>> from lieflow.models import resnet
    >>> from lieflow.dynamics import gradient_flow
    >>> [(str(ell), [str(c) for c in cof]) for ell, cof in log_candidates(gradient_flow(resnet(1, blocks=2)).generators)]
    [('v1_1_1 + u1_1_1', ['v2_1_1*u2_1_1 + 1']), ('v1_1_1 - u1_1_1', ['-v2_1_1*u2_1_1 - 1']), ('v2_1_1 + u2_1_1', ['v1_1_1*u1_1_1 + 1']), ('v2_1_1 - u2_1_1', ['-v1_1_1*u1_1_1 - 1'])]
    """
    fields = _check_fields(fields)
    deadline = _valid_deadline(deadline)
    if not isinstance(linear_forms, bool):
        raise BadArgumentError("linear_forms", linear_forms, "must be True or False")
    ring = fields[0].ring
    n = ring.ngens
    if log_variables is None:
        variables = list(range(n))
    else:
        if isinstance(log_variables, (str, int)):
            log_variables = [log_variables]
        try:
            variables = sorted({ring.var_index(v) for v in log_variables})
        except (BadArgumentError, TypeError):
            raise BadArgumentError(
                "log_variables", log_variables, f"expected variables of {ring.symbols} (names or indices)"
            ) from None
    comps = [dict(X.components) for X in fields]
    moved: dict = {i: [] for i in variables}  # the fields (in order) with a nonzero i-th component
    for g, X in enumerate(fields):
        for k, _ in X.components:
            if k in moved:
                moved[k].append(g)
    out = []
    for i in variables:
        # θ_i | X(θ_i) = X^i iff every monomial of X^i contains θ_i
        if moved[i] and all(i in m for g in moved[i] for m, _ in comps[g][i].items()):
            out.append((ring.gens[i], _cofactors(fields, ring.gens[i])))
    if linear_forms:
        out.extend(_binary_forms(fields, comps, variables, moved, deadline))
    return tuple(out)


def _cofactors(fields, ell: Poly):
    """``(X(ℓ)/ℓ for X in fields)`` if every division is exact, else None."""
    out = []
    for X in fields:
        q = _divide(X.apply(ell), ell)
        if q is None:
            return None
        out.append(q)
    return tuple(out)


def _candidate_pairs(comps, variables, moved, deadline) -> list:
    """The pairs ``i < j`` that the first field moving either of them does not already rule out.

    Let ``g`` be the first field moving ``a`` and not ``b`` (``b`` moved later or never).  Then
    ``X_g(θ_a − ρ θ_b) = X_g^a ≠ 0``, and a nonzero multiple of ``θ_a − ρ θ_b`` (``ρ ≠ 0``)
    involves both ``θ_a`` and ``θ_b``.  So only the pairs moved first by the same field, and the
    pairs whose variables both occur in that component, remain.
    """
    first = {i: moved[i][0] for i in variables if moved[i]}
    allowed = set(variables)
    group: dict = {}  # first field -> the variables it moves first
    for i in variables:
        if i in first:
            group.setdefault(first[i], []).append(i)
    pairs = set()
    for count, (g, members) in enumerate(group.items()):
        if count % 256 == 255:
            _check_deadline(deadline, "the search for binary log arguments")
        pairs.update(itertools.combinations(members, 2))
        for a in members:
            involved = comps[g][a].variables
            if a in involved:
                for b in involved:
                    if b != a and b in allowed and first.get(b, g + 1) > g:
                        pairs.add((a, b) if a < b else (b, a))
    return sorted(pairs)


def _binary_forms(fields, comps, variables, moved, deadline) -> list:
    ring = fields[0].ring
    zero = ring.zero()
    out = []
    for count, (i, j) in enumerate(_candidate_pairs(comps, variables, moved, deadline)):
        if count % 2048 == 2047:
            _check_deadline(deadline, "the search for binary log arguments")
        roots = None
        for g in _merged(moved[i], moved[j]):
            roots = _pair_roots(comps[g].get(i, zero), comps[g].get(j, zero), i, j)
            if roots is not None:
                break
        for rho in roots or ():
            ell = _log_argument_from_ratio(ring, i, j, rho)
            cof = _cofactors(fields, ell)
            if cof is not None and any(cof):  # ℓ with zero cofactors is itself a law
                out.append((ell, cof))
    return out


def _merged(a: list, b: list):
    """The union of two increasing lists, increasing, lazily."""
    x = y = 0
    while x < len(a) or y < len(b):
        if y == len(b) or (x < len(a) and a[x] < b[y]):
            yield a[x]
            x += 1
        elif x == len(a) or b[y] < a[x]:
            yield b[y]
            y += 1
        else:
            yield a[x]
            x += 1
            y += 1


def _log_argument_from_ratio(ring, i, j, rho: Fraction) -> Poly:
    """``θ_i − ρ θ_j`` scaled to coprime integers with a positive first coefficient."""
    gi, gj = ring.gens[i], ring.gens[j]
    return gi * rho.denominator - gj * rho.numerator


def _pair_roots(xi: Poly, xj: Poly, i: int, j: int):
    """Nonzero rationals ``ρ`` with ``X^i − ρ X^j ≡ 0`` on ``θ_i = ρ θ_j``; None if every ``ρ`` works.

    The restriction is ``Σ_key key · c_key(ρ)``; the ``c_key`` are univariate polynomials and
    ``ρ`` must be a common root.  A ``c_key`` with a single term has only the root 0.
    """
    polys: dict = {}
    for comp, shift, sign in ((xi, 0, 1), (xj, 1, -1)):
        for m, c in comp.items():
            e = m.count(i)
            key = tuple(sorted([v for v in m if v != i] + [j] * e)) if e else m
            d = polys.setdefault(key, {})
            p = e + shift
            d[p] = d.get(p, 0) + sign * c
    nonzero = []
    for d in polys.values():
        d = {p: c for p, c in d.items() if c}
        if len(d) == 1:
            return ()
        if d:
            nonzero.append(d)
    if not nonzero:
        return None
    nonzero.sort(key=lambda d: (len(d), max(d) - min(d)))
    roots = _rational_roots(nonzero[0])
    return tuple(r for r in roots if all(_eval_univariate(d, r) == 0 for d in nonzero[1:]))


def _eval_univariate(d: dict, x: Fraction):
    return sum(c * x**p for p, c in d.items())


def _rational_roots(d: dict) -> list:
    """Nonzero rational roots of ``Σ c_p ρ^p`` (at least two terms), sorted."""
    low = min(d)
    d = {p - low: c for p, c in d.items()}
    if len(d) == 2 and max(d) == 1:
        return [Fraction(-d[0]) / d[1]]
    import sympy

    rho = sympy.Symbol("rho")
    expr = sympy.Add(*[sympy.Rational(Fraction(c).numerator, Fraction(c).denominator) * rho**p for p, c in d.items()])
    roots = sympy.Poly(expr, rho, domain="QQ").ground_roots()
    return sorted(Fraction(int(r.p), int(r.q)) for r in roots if r != 0)


# -- the search -----------------------------------------------------------------------------------


def _check_degrees(degree, coefficient_degree):
    if isinstance(degree, bool) or not isinstance(degree, int) or degree < 1:
        raise BadArgumentError("degree", degree, "must be an integer >= 1")
    if coefficient_degree is None:
        return degree - 1
    if isinstance(coefficient_degree, bool) or not isinstance(coefficient_degree, int) or coefficient_degree < 0:
        raise BadArgumentError("coefficient_degree", coefficient_degree, "must be None or an integer >= 0")
    return coefficient_degree


def log_laws(fields, *, degree: int = 2, coefficient_degree: int | None = None, log_variables=None,
             linear_forms: bool = True, deadline=None, max_unknowns: int = 2_000_000) -> tuple:
    """A basis of the laws ``P + Σ_j Q_j log|ℓ_j|`` with ``deg P ≤ degree``, ``deg Q_j ≤ degree − 1``.

    The ``ℓ_j`` range over every argument that can carry a logarithm (:func:`log_candidates`);
    the ``Q_j`` are then constants or polynomial laws (module docstring).  The basis contains a
    basis of the polynomial laws of degree ``≤ degree`` (the same space as
    :func:`lieflow.laws.polynomial_laws`) first, then laws with logarithms, lowest degree first:
    a caller that wants a maximal independent family takes :func:`independent_log_laws` of it.
    Every law is normalized and verified exactly against every field (:meth:`LogLaw.verify`).

    Parameters
    ----------
    fields : sequence of VectorField
        The generators.
    degree : int
        Maximal degree of ``P`` and of ``Q_j log|ℓ_j|`` counting the logarithm as degree 1
        (default 2).
    coefficient_degree : int, optional
        Maximal degree of the ``Q_j`` (default ``degree − 1``; 0 for constant coefficients only).
    log_variables : iterable, optional
        The variables whose logarithms (and binary forms) may occur; default all.
    linear_forms : bool
        Also use binary forms ``a θ_i + b θ_j`` (default True).
    deadline : float, optional
        A ``time.perf_counter()`` value after which :class:`LimitExceededError` is raised.
    max_unknowns : int
        Refuse searches with more unknown coefficients.

    Returns
    -------
    tuple of LogLaw

    Raises
    ------
    BadArgumentError
        for bad fields, degrees, variables or deadline.
    LimitExceededError
        if the unknowns exceed ``max_unknowns`` or the deadline passes.
    VerificationError
        if a computed law fails the exact check (a bug; never expected).

    Examples
    --------
    NMF ``[1, 2, 1]`` (mirror flow): besides the polynomial laws (``u_k − v_k`` and their
    products), a law whose log coefficients are themselves laws:

    >>> from lieflow.models import nmf
    >>> from lieflow.dynamics import gradient_flow
    >>> laws = log_laws(gradient_flow(nmf([1, 2, 1])).generators)
    >>> [str(h) for h in laws if h.degree == 1]
    ['u1_1_1 - u2_1_1', 'u1_1_2 - u2_2_1']
    >>> [h for h in laws if not h.is_polynomial]
    [LogLaw((u1_1_2 - u2_2_1)*log(Abs(u1_1_1)) + (-u1_1_1 + u2_1_1)*log(Abs(u1_1_2)) + (-u1_1_2 + u2_2_1)*log(Abs(u2_1_1)) + (u1_1_1 - u2_1_1)*log(Abs(u2_2_1)))]
    """
    fields = _check_fields(fields)
    q = _check_degrees(degree, coefficient_degree)
    deadline = _valid_deadline(deadline)
    n = fields[0].ring.ngens
    cands = log_candidates(fields, log_variables=log_variables, linear_forms=linear_forms, deadline=deadline)
    _check_unknowns(comb(n + degree, degree) - 1 + len(cands) * comb(n + q, q), max_unknowns)
    return _search(fields, monomial_basis(range(n), degree), monomial_basis(range(n), q, min_degree=0), cands,
                   deadline=deadline)


def _marker_ring(ring: PolyRing, count: int) -> PolyRing:
    """``ring``'s variables followed by ``count`` fresh names for the logarithms."""
    prefix = "_log"
    while any(s.startswith(prefix) for s in ring.symbols):
        prefix = "_" + prefix
    return PolyRing.get(ring.symbols + tuple(f"{prefix}{j}" for j in range(count)))


def _check_unknowns(unknowns: int, max_unknowns) -> None:
    if isinstance(max_unknowns, bool) or not isinstance(max_unknowns, int) or max_unknowns < 1:
        raise BadArgumentError("max_unknowns", max_unknowns, "must be an integer >= 1")
    if unknowns > max_unknowns:
        raise LimitExceededError(f"log law search: {unknowns} unknown coefficients exceed max_unknowns={max_unknowns}")


def _search(fields, p_monos, q_monos, cands, *, deadline) -> tuple:
    """Solve for ``P`` (over ``p_monos``) and ``Q_j`` (over ``q_monos``, for each candidate)."""
    ring = fields[0].ring
    n = ring.ngens
    _check_deadline(deadline, "the setup")
    budget = _budget_until(deadline)
    if not cands:
        laws = [LogLaw(h) for h in verified_laws(fields, p_monos, budget=budget)]
        _check_deadline(deadline, "the null space")
        return tuple(laws)
    ext = _marker_ring(ring, len(cands))
    lifted = []
    for g, X in enumerate(fields):
        comps = {k: _lift(ext, p) for k, p in X.components}
        for j, (_, cof) in enumerate(cands):
            if cof[g]:
                comps[n + j] = _lift(ext, cof[g])
        lifted.append(VectorField(ext, comps))
    monos = list(p_monos) + [m + (n + j,) for j in range(len(cands)) for m in q_monos]
    found = verified_laws(lifted, monos, budget=budget)
    _check_deadline(deadline, "the null space")
    polys, logs = _split_polynomial(found, n)
    out = [LogLaw(Poly(ring, v)) for v in polys]
    mixed = []
    for v in logs:
        P = {m: c for m, c in v.items() if not m or m[-1] < n}
        Q: dict = {}
        for m, c in v.items():
            if m and m[-1] >= n:
                Q.setdefault(m[-1] - n, {})[m[:-1]] = c
        mixed.append(LogLaw(Poly(ring, P), [(cands[j][0], Poly(ring, t)) for j, t in Q.items()]))
    mixed.sort(key=lambda h: (h.degree, len(h.logs)))
    out.extend(mixed)
    for h in out:
        if not h.verify(fields):
            raise VerificationError(f"computed law {h} is not annihilated by every generator")
        _check_deadline(deadline, "the verification")
    return tuple(out)


def _split_polynomial(found, n: int):
    """Re-choose a basis of ``span(found)`` as (polynomial laws, laws with logs).

    The polynomial laws (no monomial with a marker index ``>= n``) then span the whole subspace
    of polynomial laws: every law with logs is reduced against earlier ones on its log part, and a
    reduction to a zero log part is a polynomial law.  Laws with logs are kept as found.
    """
    polys, logs, pivots = [], [], {}

    def is_log(m):
        return bool(m) and m[-1] >= n

    for h in found:
        v = dict(h.items())
        if not any(is_log(m) for m in v):
            polys.append(v)
            continue
        w = dict(v)
        while True:
            lead = min((m for m in w if is_log(m) and m in pivots), default=None)
            if lead is None:
                break
            row = pivots[lead]
            f = Fraction(w[lead]) / row[lead]
            for m, c in row.items():
                y = w.get(m, 0) - f * c
                if y:
                    w[m] = y
                else:
                    w.pop(m, None)
        log_part = [m for m in w if is_log(m)]
        if not log_part:
            polys.append(w)
        else:
            pivots[min(log_part)] = w
            logs.append(v)
    if len(polys) > 1:
        polys = sparsify(polys)
    return polys, logs


# -- momentum systems -----------------------------------------------------------------------------


def momentum_log_laws(system, *, degree: int = 2, time_degree: int | None = None,
                      coefficient_degree: int | None = None, log_variables=None, linear_forms: bool = True,
                      deadline=None, max_unknowns: int = 2_000_000) -> tuple:
    """:func:`log_laws` over phase space: ``P`` and the ``Q_j`` of degree ``≤ time_degree`` in the
    time coordinate, as :func:`lieflow.dynamics.momentum.momentum_laws` for polynomial laws.

    The time coordinate is a log argument whenever it divides its own component of the drift:
    for heavy ball ``s = e^{τt}`` (``log s = τ t``), and ``t`` for the other dampings.

    Parameters
    ----------
    system : MomentumSystem
    degree, coefficient_degree, log_variables, linear_forms, deadline, max_unknowns
        As for :func:`log_laws` (degrees in (θ, v)).
    time_degree : int, optional
        Maximal degree in the time coordinate (default: the system's, see
        :meth:`~lieflow.dynamics.momentum.MomentumSystem.default_time_degree`).

    Returns
    -------
    tuple of LogLaw

    Raises
    ------
    BadArgumentError
        for a bad system or option.
    LimitExceededError
        for too many unknowns or a passed deadline.
    VerificationError
        if a computed law fails the exact check (a bug; never expected).

    Examples
    --------
    Heavy ball on ``φ = x1 y + x2 z``: ``s = e^{τt}`` may carry a log, but the laws stay the
    polynomial ones ``s·A``; NMF with momentum has none at all (the known result):

    >>> from lieflow.models import custom, nmf
    >>> from lieflow.dynamics.momentum import momentum_flow
    >>> sys = momentum_flow(custom(["x1*y + x2*z"]))
    >>> [str(ell) for ell, _ in log_candidates(sys.generators)]
    ['s']
    >>> [str(h) for h in momentum_log_laws(sys)]
    ['x1*v_x2*s - x2*v_x1*s + y*v_z*s - z*v_y*s', 'x1*v_z*s - x2*v_y*s + y*v_x2*s - z*v_x1*s']
    >>> momentum_log_laws(momentum_flow(nmf([1, 2, 1])))
    ()
    """
    from .dynamics.momentum import MomentumSystem, momentum_monomials, momentum_search_degrees

    if not isinstance(system, MomentumSystem):
        raise BadArgumentError("system", system, "expected a MomentumSystem (see momentum_flow)")
    time_degree = momentum_search_degrees(system, degree, time_degree)
    q = _check_degrees(degree, coefficient_degree)
    deadline = _valid_deadline(deadline)
    fields = system.generators
    cands = log_candidates(fields, log_variables=log_variables, linear_forms=linear_forms, deadline=deadline)
    n = system.ring.ngens - 1  # (θ, v); the time coordinate is graded separately
    J = time_degree + 1
    _check_unknowns(comb(n + degree, degree) * J - 1 + len(cands) * comb(n + q, q) * J, max_unknowns)
    p_monos = momentum_monomials(system.ring, degree, time_degree)
    q_monos = momentum_monomials(system.ring, q, time_degree, constant=True)
    return _search(fields, p_monos, q_monos, cands, deadline=deadline)


def log_law_time_expr(system, law):
    """A law as a sympy expression in the model's terms (parameters, velocities and ``t``).

    For gradient flows this is :meth:`LogLaw.as_expr`.  For momentum flows the polynomial parts
    are written by the system's ``time_expr`` (heavy ball: ``s = exp(τ t)``), and ``log|s|`` is
    ``τ t`` (``log|t|`` is ``log(t)``, ``t > 0``).

    Parameters
    ----------
    system : System
    law : LogLaw or Poly

    Returns
    -------
    sympy.Expr

    Raises
    ------
    BadArgumentError
        if the law is not a LogLaw or Poly over the system's ring.

    Examples
    --------
    >>> from lieflow.models import custom
    >>> from lieflow.dynamics.momentum import momentum_flow
    >>> sys = momentum_flow(custom(["x*y"]), tau="1/2")
    >>> s = sys.ring.gens[-1]
    >>> log_law_time_expr(sys, LogLaw(s * sys.ring.gens[0], {"s": 2}))
    t + x*exp(t/2)
    """
    import sympy

    if isinstance(law, Poly):
        law = LogLaw(law)
    if not isinstance(law, LogLaw) or law.ring is not system.ring:
        raise BadArgumentError("law", law, f"expected a LogLaw or Poly over {system.ring!r}")
    if system.flow != "momentum":
        return law.as_expr()
    T = system.ring.ngens - 1
    t = sympy.Symbol("t")
    parts = [system.time_expr(law.poly)] if law.poly else []
    for ell, q in law.logs:
        coeff = system.time_expr(q)
        if ell == system.ring.gens[T]:
            if system.damping == "heavy-ball":
                tau = Fraction(system.tau)
                log = sympy.Rational(tau.numerator, tau.denominator) * t
            else:
                log = sympy.log(t)
        else:
            log = sympy.log(sympy.Abs(system.time_expr(ell)))
        parts.append(coeff * log)
    return sympy.Add(*parts)


# -- independence ---------------------------------------------------------------------------------


def independent_log_laws(laws, point, *, prime: int = DEFAULT_PRIME, seed: int = 0) -> tuple:
    """A maximal functionally independent subfamily of polynomial and log laws (greedy).

    Polynomial laws first, then by degree (a stable sort of the input order); a law is kept when
    its gradient at ``point`` raises the rank modulo ``prime`` of the kept gradients.  The rank
    modulo a prime is a lower bound on the rank over QQ, and for laws whose log coefficients are
    not constant the log values ``Λ_j = log|ℓ_j(p)|`` are replaced by values drawn from ``seed``
    (one per argument, shared by all laws).  This is still a proof of independence: a nonzero
    minor of the Jacobian at ``(p, Λ)`` is a polynomial in ``Λ`` over ``QQ(θ)`` that is not zero,
    and since the ``log|ℓ_j|`` are algebraically independent over ``QQ(θ)``, it does not vanish
    identically at ``Λ = log|ℓ(θ)|``: the laws are independent on an open dense set.

    Parameters
    ----------
    laws : iterable of LogLaw or Poly
        Over one ring.
    point : sequence of int
        A point where no log argument vanishes modulo ``prime``.
    prime : int
    seed : int
        Seed of the substituted log values.

    Returns
    -------
    tuple
        The chosen laws (the input objects), in the order they were chosen.

    Raises
    ------
    BadArgumentError
        for a non-law, a bad point or prime, or a log argument vanishing at the point.
    IncompatibleRingError
        if the laws are over different rings.

    Examples
    --------
    >>> R = PolyRing.get(("x", "y"))
    >>> x, y = R.gens
    >>> laws = [LogLaw(R.zero(), {"x": 1, "y": -1}), x - y, LogLaw(x - y, {"x": 2})]
    >>> [str(h) for h in independent_log_laws(laws, [3, 7])]
    ['x - y', 'log(Abs(x)) - log(Abs(y))']
    """
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise BadArgumentError("seed", seed, "must be an integer")
    laws = list(laws)
    if not laws:
        return ()
    wrapped = []
    for h in laws:
        if isinstance(h, Poly):
            wrapped.append(LogLaw(h))
        elif isinstance(h, LogLaw):
            wrapped.append(h)
        else:
            raise BadArgumentError("laws", h, "every law must be a LogLaw or a Poly")
        if wrapped[-1].ring is not wrapped[0].ring:
            raise IncompatibleRingError("laws: all laws must be over the same ring")
    ring = wrapped[0].ring
    args = sorted({ell for h in wrapped for ell, q in h.logs if q.degree > 0}, key=_arg_key)
    rng = random.Random(seed)
    values = {ell: rng.randrange(1, 2**31) for ell in args}
    ech = ModularEchelon(ring.ngens, prime)
    order = sorted(range(len(laws)), key=lambda k: (not wrapped[k].is_polynomial, wrapped[k].degree))
    chosen = []
    for k in order:
        if ech.rank == ring.ngens:
            break
        if ech.add(wrapped[k].gradient_value(point, prime, log_values=values)):
            chosen.append(laws[k])
    return tuple(chosen)
