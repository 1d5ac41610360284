"""Conversion from sympy expressions to exact :class:`~lieflow.algebra.rings.Poly` objects."""

from __future__ import annotations

import sympy

from ..errors import InexactValueError, NotPolynomialError
from .rings import Poly, to_rational

__all__ = ["poly_from_sympy", "sympify_strict"]


def sympify_strict(expr, name: str, names=()):
    """``sympify`` a string or expression with the given names as plain symbols.

    Strings are parsed by sympy's parser with every declared name mapped to a Symbol, so names
    such as ``beta`` or ``S`` are not confused with sympy functions or singletons.
    """
    if isinstance(expr, sympy.Basic):
        return expr
    if isinstance(expr, bool):
        raise NotPolynomialError(name, expr, "expected a polynomial expression")
    if isinstance(expr, float):
        raise InexactValueError(name, expr)
    if isinstance(expr, int):
        return sympy.Integer(expr)
    if isinstance(expr, str):
        from sympy.parsing.sympy_parser import parse_expr, standard_transformations

        local = {n: sympy.Symbol(n) for n in names}
        try:
            return parse_expr(expr, local_dict=local, transformations=standard_transformations, evaluate=True)
        except Exception as exc:  # sympy raises many kinds for malformed strings
            raise NotPolynomialError(name, expr, f"cannot be parsed ({type(exc).__name__})") from None
    try:
        return sympy.sympify(expr, strict=True)
    except (sympy.SympifyError, TypeError):
        raise NotPolynomialError(name, expr, "expected a sympy expression or a string") from None


def poly_from_sympy(ring, expr, name: str = "expr") -> Poly:
    """Exact polynomial in ``ring`` from a sympy expression (or string).

    Raises
    ------
    InexactValueError
        if the expression contains a float.
    NotPolynomialError
        if it is not a polynomial, or uses a symbol that is not a ring variable.
    """
    e = sympify_strict(expr, name, ring.symbols)
    if e.atoms(sympy.Float):
        raise InexactValueError(name, expr)
    syms = ring.sympy_symbols()
    extra = e.free_symbols - set(syms)
    if extra:
        raise NotPolynomialError(
            name, expr, f"uses unknown names {sorted(str(s) for s in extra)} (declared: {list(ring.symbols)})"
        )
    if not syms:
        if e.is_Rational:
            return ring.constant(to_rational(e, name))
        raise NotPolynomialError(name, expr, "is not a rational constant")
    try:
        p = sympy.Poly(e, *syms, domain="QQ")
    except (sympy.PolynomialError, sympy.CoercionFailed, sympy.GeneratorsNeeded, ValueError):
        raise NotPolynomialError(name, expr) from None
    terms = {}
    for exps, coeff in p.as_dict(native=False).items():
        terms[tuple(i for i, k in enumerate(exps) for _ in range(k))] = to_rational(coeff, name)
    return Poly(ring, terms)
