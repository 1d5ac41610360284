"""Conversion of user input (strings, sympy expressions, numbers) to exact :class:`Poly` objects.

Strings are read by lieflow's own parser (:mod:`lieflow.algebra.parse`): nothing is evaluated as
Python and names are kept exactly as typed.  sympy expressions are walked node by node (``Add``,
``Mul``, ``Pow`` with a non-negative integer exponent, symbols, rationals) with the same size
limits (:mod:`lieflow.limits`), so ``x**(10**9)`` is refused before anything is expanded.

>>> import sympy
>>> from lieflow.algebra import PolyRing
>>> R = PolyRing.get(("x", "y"))
>>> poly_from_sympy(R, "x*(y - 1/2)")
Poly(x*y - 1/2*x)
>>> poly_from_sympy(R, sympy.exp(sympy.Symbol("x")))
Traceback (most recent call last):
...
lieflow.errors.NotPolynomialError: expr: is not a polynomial (it contains exp(x)), got exp(x)
"""

from __future__ import annotations

from fractions import Fraction

import sympy

from .. import limits
from ..errors import InexactValueError, InputTooLargeError, NotPolynomialError
from .parse import _short, check_name, parse_expression
from .rings import Poly, PolyRing, to_rational

__all__ = ["poly_from_sympy", "sympify_strict", "expression_names"]


def sympify_strict(expr, name: str, names=(), *, functions=()):
    """A sympy expression from a string, a number or a sympy expression, evaluating no code.

    Strings are parsed by :func:`lieflow.algebra.parse.parse_expression` (so ``beta``, ``S``,
    ``E``, ``sin`` are plain symbols and ``sin(x)`` is an error) and rebuilt as a sympy
    expression; sympy expressions are returned as they are.  ``names`` is accepted for
    compatibility (every name is a plain symbol anyway); ``functions=("exp",)`` lets a string
    call ``exp`` (see :func:`~lieflow.algebra.parse.parse_expression`).

    Raises
    ------
    NotPolynomialError
        for a string that is not a polynomial expression, a bool, or an object sympy cannot take.
    InexactValueError
        for a float, or a decimal literal in a string.
    InputTooLargeError
        for a string beyond :mod:`lieflow.limits`.

    Examples
    --------
    >>> sympify_strict("S*beta + E", "phi[0]")
    E + S*beta
    >>> sympify_strict("__import__('os')", "phi[0]")
    Traceback (most recent call last):
    ...
    lieflow.errors.NotPolynomialError: phi[0]: is not a polynomial: a name followed by '(' at position 10 (function calls are not allowed; write products with '*'), got "__import__('os')"
    """
    if isinstance(expr, sympy.Basic):
        return expr
    if isinstance(expr, bool):
        raise NotPolynomialError(name, expr, "expected a polynomial expression")
    if isinstance(expr, float):
        raise InexactValueError(name, expr)
    if isinstance(expr, int):
        return sympy.Integer(expr)
    if isinstance(expr, Fraction):
        return sympy.Rational(expr.numerator, expr.denominator)
    if isinstance(expr, str):
        return parse_expression(expr, name=name, functions=functions).to_sympy()
    if isinstance(expr, (bytes, list, tuple, set, dict)) or expr is None:
        raise NotPolynomialError(name, _short(expr), "expected a polynomial (a string, a sympy expression or a number)")
    try:
        return sympy.sympify(expr, strict=True)
    except (sympy.SympifyError, TypeError, ValueError):
        raise NotPolynomialError(name, _short(expr), "expected a sympy expression or a string") from None


def expression_names(expr, name: str = "expr") -> tuple:
    """The variable names a string or sympy expression uses (strings: in order of appearance;
    sympy: sorted), each checked to be a valid name.

    Raises
    ------
    NotPolynomialError
        if two different sympy symbols share one name (``Symbol('x')`` and
        ``Symbol('x', positive=True)``), or the string does not parse.
    BadArgumentError
        for a symbol name that is not an ASCII identifier.

    Examples
    --------
    >>> expression_names("y*x + y")
    ('y', 'x')
    >>> import sympy
    >>> expression_names(sympy.Symbol("x") + sympy.Symbol("x", positive=True))
    Traceback (most recent call last):
    ...
    lieflow.errors.NotPolynomialError: expr: two different sympy symbols are named 'x' (e.g. with different assumptions), got x + x
    """
    if isinstance(expr, str):
        return parse_expression(expr, name=name).names
    e = sympify_strict(expr, name)
    by_name: dict = {}
    for s in e.free_symbols:
        other = by_name.setdefault(s.name, s)
        if other is not s and other != s:
            raise NotPolynomialError(name, e, f"two different sympy symbols are named {s.name!r} (e.g. with different assumptions)")
    for n in by_name:
        check_name(n, name=name, value=e)
    return tuple(sorted(by_name))


def poly_from_sympy(ring: PolyRing, expr, name: str = "expr") -> Poly:
    """Exact polynomial in ``ring`` from a string, a number or a sympy expression.

    Parameters
    ----------
    ring : PolyRing
        The variables the expression may use.
    expr : str, int, Fraction or sympy expression
    name : str
        The argument it comes from, named in error messages.

    Raises
    ------
    InexactValueError
        if the expression contains a float.
    NotPolynomialError
        if it is not a polynomial, or uses a name that is not a ring variable.
    InputTooLargeError
        if an exponent, degree, coefficient or the number of terms exceeds :mod:`lieflow.limits`.

    Examples
    --------
    >>> import sympy
    >>> R = PolyRing.get(("x",))
    >>> poly_from_sympy(R, sympy.Symbol("x") ** 2 / 3)
    Poly(1/3*x**2)
    """
    if isinstance(expr, str):
        return parse_expression(expr, name=name).to_poly(ring)
    if isinstance(expr, bool):
        raise NotPolynomialError(name, expr, "expected a polynomial expression")
    if isinstance(expr, (int, Fraction)):
        limits.check_coefficient(expr, name, expr)
        return ring.constant(expr)
    e = sympify_strict(expr, name)
    if e.atoms(sympy.Float):
        raise InexactValueError(name, _short(expr))
    names = expression_names(e, name)
    extra = [n for n in names if n not in ring.index]
    if extra:
        raise NotPolynomialError(name, _short(expr), f"uses unknown names {extra} (declared: {list(ring.symbols)})")
    return _SympyWalker(ring, name, expr).walk(e, 0)


class _SympyWalker:
    """Convert a sympy tree to a Poly, with the parser's size checks at every step."""

    def __init__(self, ring, name, expr):
        self.ring = ring
        self.name = name
        self.shown = _short(expr)
        lim = limits.current()
        self.max_degree, self.max_terms, self.max_nesting = lim.max_degree, lim.max_terms, lim.max_nesting
        self.budget = limits.WorkBudget()

    def too_large(self, what, size, limit, bound):
        return InputTooLargeError(self.name, self.shown, what, size, limit, bound)

    def not_poly(self, sub):
        return NotPolynomialError(self.name, self.shown, f"is not a polynomial (it contains {_short(str(sub))})")

    def checked(self, p: Poly) -> Poly:
        if len(p) > self.max_terms:
            raise self.too_large("number of terms", len(p), "max_terms", self.max_terms)
        for _, c in p.items():
            limits.check_coefficient(c, self.name, self.shown)
        return p

    def mul(self, a: Poly, b: Poly) -> Poly:
        if a.degree + b.degree > self.max_degree:
            raise self.too_large("degree", a.degree + b.degree, "max_degree", self.max_degree)
        self.budget.spend(len(a) * len(b), self.name, self.shown)
        return self.checked(a * b)

    def walk(self, e, depth: int) -> Poly:
        if depth > self.max_nesting:
            raise self.too_large("nesting depth", depth, "max_nesting", self.max_nesting)
        ring = self.ring
        if e.is_Symbol:
            return ring.gens[ring.index[e.name]]
        if e.is_Rational:
            c = to_rational(e, self.name)
            limits.check_coefficient(c, self.name, self.shown)
            return ring.constant(c)
        if e.is_Add:
            total: dict = {}
            for a in e.args:
                for m, c in self.walk(a, depth + 1).items():
                    total[m] = total.get(m, 0) + c
            return self.checked(Poly(ring, total))
        if e.is_Mul:
            acc = ring.constant(1)
            for a in e.args:
                acc = self.mul(acc, self.walk(a, depth + 1))
            return acc
        if e.is_Pow:
            base, n = e.args
            if not (n.is_Integer and n >= 0):
                raise self.not_poly(e)
            n = int(n)
            if n > self.max_degree:
                raise self.too_large("exponent", n, "max_degree", self.max_degree)
            b = self.walk(base, depth + 1)
            if b.degree * n > self.max_degree:
                raise self.too_large("degree", b.degree * n, "max_degree", self.max_degree)
            result, square = None, b
            while n:
                if n & 1:
                    result = square if result is None else self.mul(result, square)
                n >>= 1
                if n:
                    square = self.mul(square, square)
            return ring.constant(1) if result is None else result
        if isinstance(e, sympy.Poly):
            return self.walk(e.as_expr(), depth + 1)
        raise self.not_poly(e)

