"""Safe, exact parsing of polynomial expressions typed by users.

Strings such as ``"x1*x2 - 1/2*y**3"`` become exact :class:`~lieflow.algebra.rings.Poly` objects
through a small recursive-descent parser: nothing is evaluated as Python (no ``eval``, no sympy
``parse_expr``, no ``ast``), names are kept exactly as typed (no Unicode normalisation), and every
size is checked against :mod:`lieflow.limits` before the polynomial is expanded.

The language is a polynomial over the rationals::

    expression := term (("+" | "-") term)*
    term       := factor (("*" | "/") factor)*
    factor     := ("+" | "-")* power
    power      := atom [("**" | "^") factor]
    atom       := INTEGER | NAME | "(" expression ")"

- ``INTEGER`` is ASCII digits; rationals are written with ``/`` (``3/4*x``).  Decimal and
  scientific literals (``0.5``, ``1e3``) are refused: lieflow is exact.
- ``NAME`` is ``[A-Za-z_][A-Za-z0-9_]*`` and not a Python keyword.  Any other character (``µ``,
  ``−``, a quote, a bracket) is refused with its code point.  Names such as ``sin``, ``exp``, ``E``,
  ``I``, ``pi`` or ``S`` are plain names (parameters), never functions or constants; a name
  followed by ``(`` is an error.
- ``**`` and ``^`` both mean power (right-associative, binding tighter than a sign on its left,
  as in Python: ``-x**2`` is ``-(x**2)``); the exponent must be a non-negative integer constant.
- ``/`` divides by a nonzero rational constant only (dividing by a variable is not a polynomial).
- Multiplication is explicit: ``2x`` and ``(x+1)(x-1)`` are errors.
- A comma is not part of an expression; :func:`split_components` splits a list of φ components.

>>> from lieflow.algebra import PolyRing
>>> R = PolyRing.get(("x", "y"))
>>> parse_poly("(x + y)^2 - 1/2*x*y", R)
Poly(x**2 + 3/2*x*y + y**2)
>>> parse_expression("sin(x)").names
Traceback (most recent call last):
...
lieflow.errors.NotPolynomialError: expr: is not a polynomial: a name followed by '(' at position 3 (function calls are not allowed; write products with '*'), got 'sin(x)'
"""

from __future__ import annotations

import keyword
import re
import unicodedata
from fractions import Fraction

from .. import limits
from ..errors import BadArgumentError, InexactValueError, InputTooLargeError, NotPolynomialError
from .rings import Poly, PolyRing, int_from_digits

__all__ = ["Expression", "parse_expression", "parse_poly", "split_components", "check_name", "NAME_PATTERN"]

#: What a parameter (variable) name may be: an ASCII identifier (and not a Python keyword).
NAME_PATTERN = "[A-Za-z_][A-Za-z0-9_]*"

_NAME_RE = re.compile(NAME_PATTERN + r"\Z", re.ASCII)
_TOKEN = re.compile(
    r"""
    (?P<space>[ \t\r\n]+)
  | (?P<float>(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|[0-9]+[eE][+-]?[0-9]+)
  | (?P<int>[0-9]+)
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op>\*\*|//|[-+*/^()])
    """,
    re.VERBOSE | re.ASCII,
)
_SHOWN = 80  # characters of an offending text shown in a message


def _short(text):
    """The value shown in a message: long strings are cut, so an error is always one short line."""
    if isinstance(text, str) and len(text) > _SHOWN:
        return text[: _SHOWN - 3] + "..."
    return text


def check_name(n, *, name: str = "names", value=None) -> str:
    """Return ``n`` if it is a valid variable name, else raise.

    A name is an ASCII identifier (``[A-Za-z_][A-Za-z0-9_]*``) that is not a Python keyword:
    laws are printed as expressions in these names, and look-alike Unicode letters (the micro
    sign and the Greek mu) would be merged by Python and sympy parsers.

    Parameters
    ----------
    n : object
        The candidate name.
    name : str
        The argument it comes from (for the message).
    value : object, optional
        The whole argument (for the message; default ``n``).

    Raises
    ------
    BadArgumentError
        if ``n`` is not a string, not an ASCII identifier, or a keyword.

    Examples
    --------
    >>> check_name("x_1")
    'x_1'
    >>> check_name("µ")
    Traceback (most recent call last):
    ...
    lieflow.errors.BadArgumentError: names: name 'µ' is not an ASCII identifier: character 'µ' (U+00B5 MICRO SIGN) is not allowed (names match [A-Za-z_][A-Za-z0-9_]*), got 'µ'
    """
    shown = n if value is None else value
    if not isinstance(n, str):
        raise BadArgumentError(name, _short(shown), f"name {n!r} is not a string")
    if not _NAME_RE.match(n):
        bad = next((ch for ch in n if not (ch.isascii() and (ch.isalnum() or ch == "_"))), None)
        if not n:
            why = "it is empty"
        elif bad is not None:
            why = f"character {_describe(bad)} is not allowed"
        else:
            why = "it starts with a digit"
        raise BadArgumentError(
            name, _short(shown), f"name {_short(n)!r} is not an ASCII identifier: {why} (names match {NAME_PATTERN})"
        )
    if keyword.iskeyword(n):
        raise BadArgumentError(name, _short(shown), f"name {n!r} is a Python keyword and cannot name a variable")
    return n


def _describe(ch: str) -> str:
    if ch.isascii() and ch.isprintable():
        return repr(ch)
    return f"{ch!r} (U+{ord(ch):04X} {unicodedata.name(ch, 'unnamed character')})"


# -- tokens and syntax tree ---------------------------------------------------------------------
# Nodes are tuples: ("int", value), ("name", text, pos), ("sum", ((sign, node), ...)),
# ("prod", ((op, node, pos), ...)), ("neg", node), ("pow", base, exponent, pos).


class _Parser:
    def __init__(self, text: str, name: str, functions=frozenset()):
        self.text = text
        self.name = name
        self.functions = functions
        self.max_nesting = limits.current().max_nesting
        self.max_digits = limits.current().max_coefficient_digits
        self.depth = 0
        self.pos = 0  # where scanning resumes
        self.prev = ("start", "", 0)
        self.current = self._scan()  # one token of look-ahead: errors are reported left to right

    def error(self, reason: str, *, kind: str = "cannot be parsed"):
        return NotPolynomialError(self.name, _short(self.text), f"{kind}: {reason}")

    def _scan(self):
        text = self.text
        while self.pos < len(text):
            pos = self.pos
            m = _TOKEN.match(text, pos)
            if m is None:
                ch = text[pos]
                if ch == ",":
                    raise self.error(
                        f"',' at position {pos}: one expression is expected here (give several "
                        f"components of φ as a list, or as comma-separated --phi text)"
                    )
                if ch in "[]{}":
                    raise self.error(f"{ch!r} at position {pos}: lists are not expressions; give one polynomial")
                raise self.error(
                    f"character {_describe(ch)} at position {pos} is not allowed (a polynomial uses integers, "
                    f"ASCII names, + - * / ** ^ and parentheses)"
                )
            self.pos = m.end()
            kind = m.lastgroup
            if kind == "float":
                raise InexactValueError(self.name, m.group())
            if kind == "op" and m.group() == "//":
                raise self.error(f"'//' at position {pos} (floor division) is not exact; use '/' to divide by a nonzero number",
                                 kind="is not a polynomial")
            if kind != "space":
                return (kind, m.group(), pos)
        return ("end", "", len(text))

    # token helpers
    def peek(self):
        return self.current

    def take(self):
        tok = self.current
        self.prev = tok
        self.current = self._scan() if tok[0] != "end" else tok
        return tok

    def expect_operand(self, tok):
        kind, text, pos = tok
        if kind == "end":
            what = "the end of the text" if self.text.strip() else "an empty text"
            raise self.error(f"expected a number, a name or '(' but found {what}")
        raise self.error(f"expected a number, a name or '(' at position {pos}, found {text!r}")

    def nest(self):
        self.depth += 1
        if self.depth > self.max_nesting:
            raise InputTooLargeError(self.name, _short(self.text), "nesting depth", self.depth, "max_nesting", self.max_nesting)

    # grammar
    def parse(self):
        node = self.expression()
        if self.peek()[0] != "end":
            kind, text, pos = self.peek()
            if text == ")":
                raise self.error(f"unbalanced ')' at position {pos}")
            raise self.unexpected()
        return node

    def unexpected(self):
        """The error for a token that cannot follow a complete operand."""
        kind, text, pos = self.peek()
        prev = self.prev
        if text == "(" and prev[0] == "name":
            return self.error(
                f"a name followed by '(' at position {pos} (function calls are not allowed; write products with '*')",
                kind="is not a polynomial",
            )
        return self.error(
            f"expected an operator between {prev[1]!r} and {text!r} at position {pos} (multiplication is written '*')"
        )

    def expression(self):
        parts = [(1, self.term())]
        while self.peek()[1] in ("+", "-") and self.peek()[0] == "op":
            sign = 1 if self.take()[1] == "+" else -1
            parts.append((sign, self.term()))
        return parts[0][1] if len(parts) == 1 else ("sum", tuple(parts))

    def term(self):
        parts = [("*", self.factor(), self.peek()[2])]
        while self.peek()[1] in ("*", "/") and self.peek()[0] == "op":
            op = self.take()[1]
            pos = self.peek()[2]
            parts.append((op, self.factor(), pos))
        return parts[0][1] if len(parts) == 1 else ("prod", tuple(parts))

    def factor(self):
        negative = False
        signs = 0
        while self.peek()[0] == "op" and self.peek()[1] in ("+", "-"):
            negative ^= self.take()[1] == "-"
            signs += 1
            if signs > self.max_nesting:
                raise InputTooLargeError(self.name, _short(self.text), "number of signs in a row", signs,
                                         "max_nesting", self.max_nesting)
        node = self.power()
        return ("neg", node) if negative else node

    def power(self):
        base = self.atom()
        kind, text, pos = self.peek()
        if kind == "op" and text in ("**", "^"):
            self.take()
            self.nest()
            exponent = self.factor()
            self.depth -= 1
            return ("pow", base, exponent, pos)
        return base

    def atom(self):
        tok = self.take()
        kind, text, pos = tok
        if kind == "int":
            if len(text.lstrip("0")) > self.max_digits:
                raise InputTooLargeError(self.name, _short(self.text), "number of digits of a coefficient",
                                         len(text.lstrip("0")), "max_coefficient_digits", self.max_digits)
            return ("int", int_from_digits(text))
        if kind == "name":
            if keyword.iskeyword(text):
                raise self.error(f"{text!r} at position {pos} is a Python keyword, not a name or a number")
            if text in self.functions and self.peek()[1] == "(" and self.peek()[0] == "op":
                return ("call", text, self.atom(), pos)
            return ("name", text, pos)
        if kind == "op" and text == "(":
            self.nest()
            node = self.expression()
            if self.peek()[0] == "end":
                raise self.error(f"the '(' at position {pos} is never closed")
            if self.peek()[1] != ")":
                raise self.unexpected()
            self.take()
            self.depth -= 1
            return node
        self.expect_operand(tok)


# -- evaluation into an exact polynomial ------------------------------------------------------


class _Evaluator:
    """Evaluate a syntax tree in a ring, checking every size before the work that would create it."""

    def __init__(self, ring: PolyRing, name: str, text: str, budget=None):
        self.ring = ring
        self.name = name
        self.text = _short(text)
        lim = limits.current()
        self.max_degree = lim.max_degree
        self.max_terms = lim.max_terms
        self.budget = budget if budget is not None else limits.WorkBudget()

    def too_large(self, what, size, limit, bound):
        return InputTooLargeError(self.name, self.text, what, size, limit, bound)

    def coefficients(self, p: Poly) -> Poly:
        for _, c in p.items():
            limits.check_coefficient(c, self.name, self.text)
        return p

    def mul(self, a: Poly, b: Poly) -> Poly:
        if a.degree + b.degree > self.max_degree:
            raise self.too_large("degree", a.degree + b.degree, "max_degree", self.max_degree)
        self.budget.spend(len(a) * len(b), self.name, self.text)
        return self.coefficients(a * b)

    def eval(self, node) -> Poly:
        kind = node[0]
        ring = self.ring
        if kind == "int":
            return ring.constant(node[1])
        if kind == "name":
            i = ring.index.get(node[1])
            if i is None:  # unknown names are reported together by the caller before evaluation
                raise NotPolynomialError(self.name, self.text, f"uses unknown name {node[1]!r}")
            return ring.gens[i]
        if kind == "neg":
            return -self.eval(node[1])
        if kind == "sum":
            total: dict = {}
            for sign, sub in node[1]:
                for m, c in self.eval(sub).items():
                    total[m] = total.get(m, 0) + (c if sign > 0 else -c)
                if len(total) > self.max_terms:
                    raise self.too_large("number of terms", len(total), "max_terms", self.max_terms)
            return self.coefficients(Poly(ring, total))
        if kind == "prod":
            acc = None
            for op, sub, pos in node[1]:
                p = self.eval(sub)
                if acc is None:
                    acc = p
                elif op == "*":
                    acc = self.mul(acc, p)
                else:
                    acc = self.coefficients(acc * self.inverse(p, pos))
            return acc
        if kind == "pow":
            return self.power(node)
        if kind == "call":
            raise _CallFound(node[1])
        raise AssertionError(node)  # pragma: no cover

    def inverse(self, p: Poly, pos: int) -> Fraction:
        if p.degree > 0:
            raise NotPolynomialError(self.name, self.text, f"is not a polynomial: division by a non-constant ({p}) at position {pos}")
        if p.is_zero:
            raise NotPolynomialError(self.name, self.text, f"is not a polynomial: division by zero at position {pos}")
        return Fraction(1) / Fraction(p.coeff(()))

    def exponent(self, node, pos: int) -> int:
        e = self.eval(node)
        if e.degree > 0:
            raise NotPolynomialError(
                self.name, self.text, f"is not a polynomial: the exponent at position {pos} ({e}) must be a number"
            )
        n = e.coeff(())
        if not isinstance(n, int) or n < 0:
            raise NotPolynomialError(
                self.name, self.text, f"is not a polynomial: the exponent at position {pos} is {Fraction(n)}, not an integer >= 0"
            )
        if n > self.max_degree:
            raise self.too_large("exponent", n, "max_degree", self.max_degree)
        return n

    def power(self, node) -> Poly:
        _, base_node, exp_node, pos = node
        base = self.eval(base_node)
        n = self.exponent(exp_node, pos)
        if base.degree <= 0:  # a constant: bound the size of the result before computing it
            c = Fraction(base.coeff(()))
            if n and (abs(c.numerator) > 1 or c.denominator > 1):
                bits = max(abs(c.numerator).bit_length(), c.denominator.bit_length())
                digits = int((bits - 1) * n * 0.30103)
                if digits > limits.current().max_coefficient_digits:
                    raise self.too_large("number of digits of a coefficient", digits, "max_coefficient_digits",
                                         limits.current().max_coefficient_digits)
            return self.coefficients(self.ring.constant(c**n))
        if base.degree * n > self.max_degree:
            raise self.too_large("degree", base.degree * n, "max_degree", self.max_degree)
        result, square = None, base
        while n:
            if n & 1:
                result = square if result is None else self.mul(result, square)
            n >>= 1
            if n:
                square = self.mul(square, square)
        return self.ring.constant(1) if result is None else result


class _CallFound(Exception):
    """A function call met while expanding a polynomial (only allowed for sympy output)."""


def _sympy_exp():
    import sympy

    return sympy.exp


_FUNCTIONS = {"exp": _sympy_exp}


class Expression:
    """A parsed polynomial expression: its text, the names it uses, and its syntax tree.

    Immutable; build it with :func:`parse_expression`.  Nothing in it has been expanded yet:
    :meth:`to_poly` does that, inside the limits.

    Attributes
    ----------
    text : str
        The text as given.
    name : str
        The argument it came from (used in error messages).
    names : tuple of str
        The names it uses, in order of first appearance.
    """

    __slots__ = ("text", "name", "names", "_tree")

    def __init__(self, text: str, name: str, tree, names: tuple):
        object.__setattr__(self, "text", text)
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "names", names)
        object.__setattr__(self, "_tree", tree)

    def __setattr__(self, key, value):
        raise AttributeError("Expression is immutable")

    def __repr__(self):
        return f"Expression({self.text!r})"

    def __eq__(self, other):
        return isinstance(other, Expression) and self._tree == other._tree

    def __hash__(self):
        return hash(self._tree)

    def to_poly(self, ring: PolyRing, *, budget=None) -> Poly:
        """The exact polynomial in ``ring``.

        ``budget`` (a :class:`lieflow.limits.WorkBudget`) may be shared by several expressions;
        by default the expression has its own.

        Raises
        ------
        NotPolynomialError
            if the expression uses a name that is not a variable of ``ring``, divides by a
            non-constant or by zero, or has an exponent that is not a non-negative integer.
        InputTooLargeError
            if an exponent, a degree, a coefficient or the number of terms exceeds its limit.

        Examples
        --------
        >>> from lieflow.algebra import PolyRing
        >>> parse_expression("x*z").to_poly(PolyRing.get(("x", "y")))
        Traceback (most recent call last):
        ...
        lieflow.errors.NotPolynomialError: expr: uses unknown names ['z'] (declared: ['x', 'y']), got 'x*z'
        """
        unknown = [n for n in self.names if n not in ring.index]
        if unknown:
            raise NotPolynomialError(
                self.name, _short(self.text), f"uses unknown names {sorted(unknown)} (declared: {list(ring.symbols)})"
            )
        try:
            return _Evaluator(ring, self.name, self.text, budget).eval(self._tree)
        except _CallFound as call:
            raise NotPolynomialError(self.name, _short(self.text), f"is not a polynomial: it calls {call.args[0]}()") from None
        except RecursionError:  # only if max_nesting was raised beyond Python's recursion limit
            raise NotPolynomialError(self.name, _short(self.text), "is nested too deeply for this Python") from None

    def to_sympy(self):
        """The expression as a sympy expression (built from the syntax tree, after checking that
        :meth:`to_poly` succeeds inside the limits, so nothing large is ever built).

        Raises
        ------
        NotPolynomialError, InputTooLargeError
            as :meth:`to_poly` (in the ring of the expression's own names).

        Examples
        --------
        >>> parse_expression("x*(y - 1/2)").to_sympy()
        x*(y - 1/2)
        """
        import sympy

        self._check_sizes(self._tree)
        symbols = {n: sympy.Symbol(n) for n in self.names}

        def build(node):
            kind = node[0]
            if kind == "int":
                return sympy.Integer(node[1])
            if kind == "name":
                return symbols[node[1]]
            if kind == "neg":
                return -build(node[1])
            if kind == "sum":
                return sympy.Add(*[build(s) if sign > 0 else -build(s) for sign, s in node[1]])
            if kind == "prod":
                out = sympy.Integer(1)
                for op, s, _ in node[1]:
                    out = out * build(s) if op == "*" else out / build(s)
                return out
            if kind == "call":
                return _FUNCTIONS[node[1]]()(build(node[2]))
            return sympy.Pow(build(node[1]), build(node[2]))

        return build(self._tree)

    def _check_sizes(self, tree) -> None:
        """Expand ``tree`` once inside the limits (each call's argument on its own, the call itself
        standing for a fresh variable), so that building it in sympy cannot blow up."""
        calls: list = []

        def strip(node):
            kind = node[0]
            if kind == "call":
                calls.append(node[2])
                return ("name", f"call {len(calls)}", node[3])  # not an identifier: cannot clash
            if kind == "neg":
                return ("neg", strip(node[1]))
            if kind == "sum":
                return ("sum", tuple((sign, strip(n)) for sign, n in node[1]))
            if kind == "prod":
                return ("prod", tuple((op, strip(n), pos) for op, n, pos in node[1]))
            if kind == "pow":
                return ("pow", strip(node[1]), strip(node[2]), node[3])
            return node

        plain = strip(tree)
        names = _collect_names(plain)
        ring = PolyRing(names)  # a private ring (not interned): the placeholders are not valid names
        try:
            _Evaluator(ring, self.name, self.text).eval(plain)
        except RecursionError:
            raise NotPolynomialError(self.name, _short(self.text), "is nested too deeply for this Python") from None
        for arg in calls:
            self._check_sizes(arg)


def _collect_names(tree) -> tuple:
    seen: dict = {}
    stack = [tree]
    while stack:
        node = stack.pop()
        kind = node[0]
        if kind == "name":
            seen[node[1]] = min(seen.get(node[1], node[2]), node[2])
        elif kind == "neg":
            stack.append(node[1])
        elif kind == "sum":
            stack.extend(s for _, s in node[1])
        elif kind == "prod":
            stack.extend(s for _, s, _ in node[1])
        elif kind == "pow":
            stack.extend((node[1], node[2]))
        elif kind == "call":
            stack.append(node[2])
    return tuple(sorted(seen, key=seen.get))


def parse_expression(text, *, name: str = "expr", functions=()) -> Expression:
    """Parse a polynomial expression (see the module docstring for the language).

    Parameters
    ----------
    text : str
        The expression.
    name : str
        The argument it comes from, named in every error message (``"phi[0]"``).
    functions : collection of str
        Names that may be called, as in ``exp(t)`` (default none).  Only ``"exp"`` is known, and
        only for :meth:`Expression.to_sympy` (for the time factors of momentum laws in the
        numerical tools); an expression with a call is never a polynomial.

    Returns
    -------
    Expression

    Raises
    ------
    NotPolynomialError
        for text that is not a polynomial expression (the message gives the position).
    InexactValueError
        for a decimal or scientific literal such as ``0.5`` or ``1e3``.
    InputTooLargeError
        for nesting or a number beyond :mod:`lieflow.limits`.
    BadArgumentError
        if ``text`` is not a string.

    Examples
    --------
    >>> parse_expression("b*a + 2*a^3").names
    ('b', 'a')
    >>> parse_expression("x + 0.5", name="phi[0]")
    Traceback (most recent call last):
    ...
    lieflow.errors.InexactValueError: phi[0]: inexact value '0.5' (str); lieflow is exact, pass an int, a fractions.Fraction, a sympy Rational or a string such as '1/3'
    >>> parse_expression("µ*x")
    Traceback (most recent call last):
    ...
    lieflow.errors.NotPolynomialError: expr: cannot be parsed: character 'µ' (U+00B5 MICRO SIGN) at position 0 is not allowed (a polynomial uses integers, ASCII names, + - * / ** ^ and parentheses), got 'µ*x'
    """
    if not isinstance(text, str):
        raise BadArgumentError(name, _short(text), "expected a string")
    try:
        unknown = sorted(set(functions) - set(_FUNCTIONS))
        if unknown:
            raise BadArgumentError("functions", unknown, f"only {sorted(_FUNCTIONS)} can be called")
        tree = _Parser(text, name, frozenset(functions)).parse()
    except RecursionError:  # only if max_nesting was raised beyond Python's recursion limit
        raise NotPolynomialError(name, _short(text), "is nested too deeply for this Python") from None
    return Expression(text, name, tree, _collect_names(tree))


def parse_poly(text, ring: PolyRing, *, name: str = "expr") -> Poly:
    """Parse ``text`` into an exact polynomial over ``ring``.

    Parameters
    ----------
    text : str
        The expression (see the module docstring).
    ring : PolyRing
        The variables it may use.
    name : str
        The argument it comes from (for error messages).

    Returns
    -------
    Poly

    Raises
    ------
    NotPolynomialError
        for a syntax error, an unknown name, a division by a non-constant or a bad exponent.
    InexactValueError
        for a decimal or scientific literal.
    InputTooLargeError
        when an exponent, degree, coefficient, term count or nesting exceeds :mod:`lieflow.limits`.
    BadArgumentError
        if ``text`` is not a string.

    Examples
    --------
    >>> from lieflow.algebra import PolyRing
    >>> R = PolyRing.get(("x", "y"))
    >>> parse_poly("-x**2 + 2^3*y/4", R)
    Poly(-x**2 + 2*y)
    >>> parse_poly("x/y", R)
    Traceback (most recent call last):
    ...
    lieflow.errors.NotPolynomialError: expr: is not a polynomial: division by a non-constant (y) at position 2, got 'x/y'
    >>> parse_poly("x**(10**9)", R)
    Traceback (most recent call last):
    ...
    lieflow.errors.InputTooLargeError: expr: exponent is 1000000000, over the limit max_degree=1000 (raise it with lieflow.limits.override(max_degree=...) or --limit max_degree=N), got 'x**(10**9)'
    """
    return parse_expression(text, name=name).to_poly(ring)


def split_components(text, *, name: str = "phi") -> list:
    """Split comma-separated components of φ (``"x*y, y*z"`` -> ``["x*y", "y*z"]``).

    Parameters
    ----------
    text : str
        One or more expressions separated by commas.
    name : str
        The argument (for error messages).

    Returns
    -------
    list of str
        The components, stripped of surrounding spaces.

    Raises
    ------
    NotPolynomialError
        for an empty component (two commas in a row, or a comma at either end).

    Examples
    --------
    >>> split_components("x1**2*x2, x2*x3**2")
    ['x1**2*x2', 'x2*x3**2']
    >>> split_components("x*y,")
    Traceback (most recent call last):
    ...
    lieflow.errors.NotPolynomialError: phi: component 2 of 2 is empty (two commas in a row, or a comma at an end), got 'x*y,'
    """
    if not isinstance(text, str):
        raise BadArgumentError(name, _short(text), "expected a string")
    bracket = next((ch for ch in "[]{}" if ch in text), None)
    if bracket is not None:
        raise NotPolynomialError(
            name, _short(text), f"{bracket!r}: lists are not expressions; separate components with commas, without brackets"
        )
    pieces = [p.strip() for p in text.split(",")]
    if len(pieces) > 1:
        for k, p in enumerate(pieces):
            if not p:
                raise NotPolynomialError(
                    name, _short(text), f"component {k + 1} of {len(pieces)} is empty (two commas in a row, or a comma at an end)"
                )
    return pieces
