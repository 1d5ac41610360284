"""Exact sparse polynomials over QQ in named variables.

A :class:`PolyRing` is an interned variable list; a :class:`Poly` is an immutable, hashable sparse
polynomial over the rationals in those variables.  A monomial is a sorted tuple of variable indices
with repetition (``x0**2*x2`` is ``(0, 0, 2)``), which keeps every operation proportional to the
number of terms and never to the number of variables.  Coefficients are ``int`` or
:class:`fractions.Fraction` (a ``Fraction`` with denominator 1 is stored as ``int``).

>>> R = PolyRing.get(("x", "y"))
>>> x, y = R.gens
>>> p = (x + y) ** 2 - x * y
>>> p
Poly(x**2 + x*y + y**2)
>>> p.diff(0)
Poly(2*x + y)
>>> p.evaluate({"x": 1, "y": "1/2"})
Fraction(7, 4)
"""

from __future__ import annotations

import re
from fractions import Fraction
from numbers import Rational
from typing import Iterable, Mapping

from ..errors import BadArgumentError, IncompatibleRingError, InexactValueError, InputTooLargeError

__all__ = ["PolyRing", "Poly", "to_rational", "rational_str"]

#: A large prime for modular evaluation (2**31 - 1, a Mersenne prime).
DEFAULT_PRIME = 2147483647


def to_rational(value, name: str = "value"):
    """Convert ``value`` to an exact ``int`` or ``Fraction``.

    Accepts ints, Fractions, sympy Rationals (and integers), and strings such as ``"3"``,
    ``"-2/5"``.  Floats and other inexact numbers raise :class:`InexactValueError`.

    >>> to_rational("3/6")
    Fraction(1, 2)
    >>> to_rational(4)
    4
    >>> to_rational(0.5)
    Traceback (most recent call last):
    ...
    lieflow.errors.InexactValueError: value: inexact value 0.5 (float); lieflow is exact, pass an int, a fractions.Fraction, a sympy Rational or a string such as '1/3'
    """
    if isinstance(value, bool):
        raise BadArgumentError(name, value, "expected a rational number, not a bool")
    if isinstance(value, int):
        return value
    if isinstance(value, Fraction):
        return value.numerator if value.denominator == 1 else value
    if isinstance(value, float):
        raise InexactValueError(name, value)
    if isinstance(value, str):
        return _rational_from_str(value, name)
    # sympy numbers (and anything else exposing p, q or numerator/denominator)
    try:
        import sympy

        if isinstance(value, sympy.Basic):
            if value.is_Rational:
                p, q = int(value.p), int(value.q)
                return p if q == 1 else Fraction(p, q)
            if value.is_Float:
                raise InexactValueError(name, value)
            raise BadArgumentError(name, value, "expected a rational number")
    except ImportError:  # pragma: no cover - sympy is a core dependency
        pass
    if isinstance(value, Rational):
        f = Fraction(int(value.numerator), int(value.denominator))
        return f.numerator if f.denominator == 1 else f
    raise BadArgumentError(name, value, "expected a rational number")


_RATIONAL_RE = re.compile(r"\s*([+-]?[0-9]+)\s*(?:/\s*([0-9]+)\s*)?\Z", re.ASCII)
_DECIMAL_RE = re.compile(r"\s*[+-]?(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+(?=[eE]))(?:[eE][+-]?[0-9]+)?\s*\Z", re.ASCII)


def int_from_digits(digits: str) -> int:
    """``int`` of an ASCII digit string (optionally signed) of any length; Python's ``int`` refuses
    very long strings at once."""
    if len(digits) <= 4000:
        return int(digits)
    sign, digits = (-1, digits[1:]) if digits[0] == "-" else (1, digits.lstrip("+"))
    half = len(digits) // 2
    return sign * (int_from_digits(digits[:half]) * 10 ** (len(digits) - half) + int_from_digits(digits[half:]))


def _rational_from_str(value: str, name: str):
    """``"3"``, ``"-2/5"`` (ASCII digits only, sizes within :mod:`lieflow.limits`) -> int or Fraction."""
    from ..limits import current

    m = _RATIONAL_RE.match(value)
    if m is None:
        if _DECIMAL_RE.match(value):
            raise InexactValueError(name, value)
        shown = value if len(value) <= 80 else value[:77] + "..."
        raise BadArgumentError(name, shown, "expected a rational number such as '3' or '-2/5'")
    bound = current().max_coefficient_digits
    for part in m.groups():
        if part is not None and len(part.lstrip("+-").lstrip("0")) > bound:
            raise InputTooLargeError(name, value[:77] + "...", "number of digits of a coefficient",
                                     len(part.lstrip("+-").lstrip("0")), "max_coefficient_digits", bound)
    num = int_from_digits(m.group(1))
    den = int_from_digits(m.group(2)) if m.group(2) is not None else 1
    if den == 0:
        raise BadArgumentError(name, value, "division by zero")
    f = Fraction(num, den)
    return f.numerator if f.denominator == 1 else f


def rational_str(value) -> str:
    """Exact string of a rational: ``"3"`` or ``"-2/5"``."""
    value = Fraction(value)
    return str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"


def _norm(c):
    if type(c) is Fraction and c.denominator == 1:
        return c.numerator
    return c


class PolyRing:
    """The polynomial ring QQ[x_0, ..., x_{n-1}] over a fixed, named variable list.

    Rings are interned: ``PolyRing.get(names)`` returns the same object for the same names, so
    identity comparison decides compatibility.

    >>> PolyRing.get(("a", "b")) is PolyRing.get(["a", "b"])
    True
    >>> PolyRing.get(("a", "a"))
    Traceback (most recent call last):
    ...
    lieflow.errors.BadArgumentError: names: duplicate variable name 'a', got ('a', 'a')
    """

    _interned: dict = {}

    __slots__ = ("symbols", "index", "ngens", "_gens", "__weakref__")

    def __init__(self, symbols: tuple):
        self.symbols = symbols
        self.index = {s: i for i, s in enumerate(symbols)}
        self.ngens = len(symbols)
        self._gens = None

    @classmethod
    def get(cls, names: Iterable[str]) -> "PolyRing":
        names = tuple(names)
        ring = cls._interned.get(names)
        if ring is not None:
            return ring
        from .parse import check_name

        seen = set()
        for n in names:
            check_name(n, name="names", value=names)
            if n in seen:
                raise BadArgumentError("names", names, f"duplicate variable name {n!r}")
            seen.add(n)
        ring = cls(names)
        cls._interned[names] = ring
        return ring

    def __reduce__(self):
        return (PolyRing.get, (self.symbols,))

    def __repr__(self):
        return f"PolyRing({', '.join(self.symbols)})"

    @property
    def gens(self) -> tuple:
        """The variables as polynomials."""
        if self._gens is None:
            self._gens = tuple(Poly(self, {(i,): 1}) for i in range(self.ngens))
        return self._gens

    def zero(self) -> "Poly":
        return Poly(self, {})

    def constant(self, c) -> "Poly":
        c = to_rational(c, "c")
        return Poly(self, {(): c} if c else {})

    def var_index(self, name) -> int:
        """Index of variable ``name`` (a name or an index)."""
        if isinstance(name, int) and not isinstance(name, bool):
            if 0 <= name < self.ngens:
                return name
            raise BadArgumentError("variable", name, f"index out of range 0..{self.ngens - 1}")
        try:
            return self.index[name]
        except (KeyError, TypeError):
            raise BadArgumentError("variable", name, f"unknown variable; the ring has {self.symbols}") from None

    def sympy_symbols(self):
        import sympy

        return tuple(sympy.Symbol(s) for s in self.symbols)

    def from_sympy(self, expr, name: str = "expr") -> "Poly":
        """Convert a sympy expression (polynomial in this ring's variables) to a :class:`Poly`.

        >>> import sympy
        >>> R = PolyRing.get(("x", "y"))
        >>> R.from_sympy(sympy.sympify("x*(y - 1/2)"))
        Poly(x*y - 1/2*x)
        """
        from .sympy_bridge import poly_from_sympy

        return poly_from_sympy(self, expr, name)

    def from_dict(self, terms: Mapping, name: str = "terms") -> "Poly":
        """Build a polynomial from ``{exponent tuple or monomial: coefficient}``.

        Keys may be exponent vectors of length ``ngens`` (``(2, 0, 1)`` for ``x0**2*x2``), or
        mappings ``{"x": 2, "z": 1}``.  Coefficients must be exact.
        """
        from ..limits import check, check_coefficient

        check("max_terms", len(terms), name, f"({len(terms)} terms)", "number of terms")
        out: dict = {}
        for key, coeff in terms.items():
            c = to_rational(coeff, f"{name}[{key!r}]")
            check_coefficient(c, name, f"{key!r}: {coeff!r}"[:80])
            if isinstance(key, Mapping):
                exps = list(key.items())
                if any(isinstance(e, bool) or not isinstance(e, int) or e < 0 for _, e in exps):
                    raise BadArgumentError(name, key, "exponents must be integers >= 0")
                check("max_degree", sum(e for _, e in exps), name, key, "degree of a term")
                mono = []
                for var, e in exps:
                    mono.extend([self.var_index(var)] * e)
                mono = tuple(sorted(mono))
            else:
                key = tuple(key)
                if len(key) != self.ngens or any(isinstance(e, bool) or not isinstance(e, int) or e < 0 for e in key):
                    raise BadArgumentError(
                        name, key, f"an exponent key must be {self.ngens} integers >= 0"
                    )
                check("max_degree", sum(key), name, key, "degree of a term")
                mono = tuple(i for i, e in enumerate(key) for _ in range(e))
            out[mono] = out.get(mono, 0) + c
        return Poly(self, out)


def _mono_mul(a: tuple, b: tuple) -> tuple:
    if not a:
        return b
    if not b:
        return a
    return tuple(sorted(a + b))


def _mono_diff(m: tuple, i: int):
    """(multiplicity of i in m, m with one i removed) or (0, None)."""
    c = m.count(i)
    if not c:
        return 0, None
    k = m.index(i)
    return c, m[:k] + m[k + 1 :]


class Poly:
    """An immutable sparse polynomial over QQ in the variables of a :class:`PolyRing`.

    Construct through a ring (``ring.gens``, ``ring.from_sympy``, ``ring.from_dict``); the
    constructor canonicalizes (drops zero coefficients, normalizes ``Fraction(n, 1)`` to ``n``).

    >>> R = PolyRing.get(("x", "y"))
    >>> x, y = R.gens
    >>> hash(x * y) == hash(y * x), x * y == y * x
    (True, True)
    >>> (x - x).is_zero
    True
    """

    __slots__ = ("ring", "_terms", "_hash", "_vars")

    def __init__(self, ring: PolyRing, terms: dict, _clean: bool = False):
        self.ring = ring
        if _clean:
            self._terms = terms
        else:
            self._terms = {m: _norm(c) for m, c in terms.items() if c}
        self._hash = None
        self._vars = None

    def __reduce__(self):  # rebuild, so the cached hash is never carried across processes
        return (Poly, (self.ring, dict(self._terms), True))

    # -- inspection ----------------------------------------------------------------------
    @property
    def args(self):
        return (self.ring, dict(self._terms))

    def terms(self):
        """The ``(monomial, coefficient)`` pairs, monomials as sorted index tuples, in canonical order."""
        return sorted(self._terms.items(), key=lambda mc: (-len(mc[0]), mc[0]))

    def items(self):
        """Unordered ``(monomial, coefficient)`` pairs (fast)."""
        return self._terms.items()

    def __len__(self):
        return len(self._terms)

    @property
    def is_zero(self) -> bool:
        return not self._terms

    def __bool__(self):
        return bool(self._terms)

    @property
    def degree(self) -> int:
        """Total degree (``-1`` for the zero polynomial)."""
        return max((len(m) for m in self._terms), default=-1)

    @property
    def variables(self) -> frozenset:
        """Indices of the variables that occur."""
        if self._vars is None:
            self._vars = frozenset(i for m in self._terms for i in m)
        return self._vars

    def coeff(self, monomial) -> object:
        return self._terms.get(tuple(sorted(monomial)), 0)

    def __eq__(self, other):
        if isinstance(other, Poly):
            return self.ring is other.ring and self._terms == other._terms
        if isinstance(other, (int, Fraction)) and not isinstance(other, bool):
            return self._terms == ({(): other} if other else {})
        return NotImplemented

    def __hash__(self):
        if self._hash is None:
            self._hash = hash((id(self.ring), frozenset(self._terms.items())))
        return self._hash

    # -- arithmetic ----------------------------------------------------------------------
    def _check(self, other) -> "Poly":
        if isinstance(other, Poly):
            if other.ring is not self.ring:
                raise IncompatibleRingError(
                    f"cannot combine polynomials over {self.ring!r} and {other.ring!r}"
                )
            return other
        if isinstance(other, (int, Fraction)) and not isinstance(other, bool):
            return Poly(self.ring, {(): other} if other else {}, True)
        if isinstance(other, float):
            raise InexactValueError("other", other)
        return NotImplemented

    def __add__(self, other):
        other = self._check(other)
        if other is NotImplemented:
            return other
        t = dict(self._terms)
        for m, c in other._terms.items():
            v = t.get(m, 0) + c
            if v:
                t[m] = _norm(v)
            else:
                t.pop(m, None)
        return Poly(self.ring, t, True)

    __radd__ = __add__

    def __neg__(self):
        return Poly(self.ring, {m: -c for m, c in self._terms.items()}, True)

    def __sub__(self, other):
        other = self._check(other)
        if other is NotImplemented:
            return other
        return self + (-other)

    def __rsub__(self, other):
        other = self._check(other)
        if other is NotImplemented:
            return other
        return other + (-self)

    def __mul__(self, other):
        if isinstance(other, (int, Fraction)) and not isinstance(other, bool):
            if not other:
                return Poly(self.ring, {}, True)
            return Poly(self.ring, {m: _norm(c * other) for m, c in self._terms.items()}, True)
        other = self._check(other)
        if other is NotImplemented:
            return other
        t: dict = {}
        for m1, c1 in self._terms.items():
            for m2, c2 in other._terms.items():
                m = _mono_mul(m1, m2)
                t[m] = t.get(m, 0) + c1 * c2
        return Poly(self.ring, t)

    __rmul__ = __mul__

    def __pow__(self, n: int):
        if not isinstance(n, int) or n < 0:
            raise BadArgumentError("exponent", n, "exponent must be a non-negative integer")
        result = Poly(self.ring, {(): 1}, True)
        base = self
        while n:
            if n & 1:
                result = result * base
            n >>= 1
            if n:
                base = base * base
        return result

    def diff(self, var) -> "Poly":
        """Partial derivative with respect to a variable (name or index)."""
        i = self.ring.var_index(var)
        t: dict = {}
        for m, c in self._terms.items():
            k, rest = _mono_diff(m, i)
            if k:
                t[rest] = t.get(rest, 0) + k * c
        return Poly(self.ring, t)

    def gradient(self) -> dict:
        """``{variable index: partial derivative}`` for the variables that occur.

        One pass over the terms: removing one copy of ``x_i`` from distinct monomials gives
        distinct monomials, so no term of a partial derivative cancels.

        >>> x, y = PolyRing.get(("x", "y")).gens
        >>> (x * x * y + y).gradient()
        {0: Poly(2*x*y), 1: Poly(x**2 + 1)}
        """
        acc: dict = {}
        for m, c in self._terms.items():
            prev = None
            for pos, i in enumerate(m):
                if i == prev:
                    continue
                prev = i
                d = acc.get(i)
                if d is None:
                    d = acc[i] = {}
                d[m[:pos] + m[pos + 1 :]] = _norm(m.count(i) * c)
        return {i: Poly(self.ring, acc[i], True) for i in sorted(acc)}

    # -- evaluation ----------------------------------------------------------------------
    def _point_list(self, point):
        if isinstance(point, Mapping):
            vals = [None] * self.ring.ngens
            for k, v in point.items():
                vals[self.ring.var_index(k)] = to_rational(v, f"point[{k!r}]")
            for i in self.variables:
                if vals[i] is None:
                    raise BadArgumentError("point", dict(point), f"no value for {self.ring.symbols[i]!r}")
            return vals
        vals = list(point)
        if len(vals) != self.ring.ngens:
            raise BadArgumentError("point", point, f"expected {self.ring.ngens} coordinates")
        return [to_rational(v, "point") for v in vals]

    def evaluate(self, point):
        """Exact value at a rational point (sequence in ring order, or ``{name: value}``)."""
        vals = self._point_list(point)
        total = 0
        for m, c in self._terms.items():
            v = c
            for i in m:
                v *= vals[i]
            total += v
        return _norm(Fraction(total)) if isinstance(total, Fraction) else total

    def evaluate_mod(self, point, prime: int = DEFAULT_PRIME) -> int:
        """Value modulo ``prime`` at a point given as integers (ring order)."""
        total = 0
        for m, c in self._terms.items():
            if type(c) is Fraction:
                if c.denominator % prime == 0:
                    raise BadArgumentError("prime", prime, f"divides the denominator of the coefficient {c}")
                v = c.numerator * pow(c.denominator, -1, prime)
            else:
                v = c
            for i in m:
                v = v * point[i] % prime
            total += v
        return total % prime

    # -- conversion ----------------------------------------------------------------------
    def as_expr(self):
        """The polynomial as a sympy expression."""
        import sympy

        syms = self.ring.sympy_symbols()
        out = []
        for m, c in self.terms():
            term = sympy.Rational(c.numerator, c.denominator) if isinstance(c, Fraction) else sympy.Integer(c)
            for i in m:
                term = term * syms[i]
            out.append(term)
        return sympy.Add(*out)

    def __str__(self):
        if not self._terms:
            return "0"
        pieces = []
        for m, c in self.terms():
            names = []
            j = 0
            while j < len(m):
                k = j
                while k < len(m) and m[k] == m[j]:
                    k += 1
                e = k - j
                s = self.ring.symbols[m[j]]
                names.append(s if e == 1 else f"{s}**{e}")
                j = k
            mono = "*".join(names)
            neg = c < 0
            a = -c if neg else c
            if mono:
                body = mono if a == 1 else f"{rational_str(a)}*{mono}"
            else:
                body = rational_str(a)
            pieces.append(("- " if neg else "+ ") + body)
        s = " ".join(pieces)
        return s[2:] if s.startswith("+ ") else "-" + s[2:]

    def __repr__(self):
        return f"Poly({self})"

    def _sympystr(self, printer):
        return printer._print(self.as_expr())

    def _latex(self, printer):
        return printer._print(self.as_expr())

    def _repr_latex_(self):
        import sympy

        return f"${sympy.latex(self.as_expr())}$"
