"""Plain exact arithmetic for the certificate checks, written to be read, not to be fast.

Nothing here comes from lieflow's fast paths (no modular echelon, no point evaluator, no bracket
cache): the checks that re-verify a census use only these few functions, Python integers and
:class:`fractions.Fraction`.

Representations
---------------
- a **monomial** is a sorted tuple of ``(variable index, exponent)`` pairs with nonzero exponents
  (``x0**2 * x3`` is ``((0, 2), (3, 1))``; ``()`` is 1).  Negative exponents are allowed, so a
  gradient such as ``c / x_i`` (from a term ``c log|x_i|``) is representable too;
- a **polynomial** is a dict ``{monomial: coefficient}`` without zero coefficients (coefficients
  are ``int`` or ``Fraction``);
- a **field** is a dict ``{component index: polynomial}`` without zero components.

>>> x, y = {((0, 1),): 1}, {((1, 1),): 1}
>>> X = {0: y}                      # y d/dx
>>> Y = {1: x}                      # x d/dy
>>> bracket(X, Y) == {0: {((0, 1),): -1}, 1: {((1, 1),): 1}}    # -x d/dx + y d/dy
True
>>> rank([[1, 2], [2, 4]]), rank([[1, 2], [Fraction(1, 2), 3]])
(1, 2)
"""

from __future__ import annotations

import re
from fractions import Fraction
from math import gcd

from ..errors import VerificationError

__all__ = [
    "mono_mul",
    "poly_add",
    "poly_mul",
    "poly_diff",
    "poly_variables",
    "poly_value",
    "poly_degree",
    "poly_from_sympy",
    "field_value",
    "bracket",
    "rank",
    "parse_rational",
    "parse_word",
    "word_leaves",
    "VERIFIER_PRIMES",
]

#: The verifier's own primes for its full-rank test (the census's stored prime is not used).
VERIFIER_PRIMES = (2**61 - 1, 2**62 - 57, 2**63 - 25)

#: Bounds on what the verifier accepts from a file (it reports larger inputs as not verified
#: rather than spending unbounded time on them).
MAX_DIGITS = 400
MAX_WORD_LENGTH = 100_000
MAX_WORD_DEPTH = 200

_RATIONAL = re.compile(r"[+-]?[0-9]+(/[0-9]+)?")


# -- polynomials ------------------------------------------------------------------------------


def mono_mul(a: tuple, b: tuple) -> tuple:
    """The product of two monomials.

    >>> mono_mul(((0, 1),), ((0, -1), (2, 3)))
    ((2, 3),)
    """
    if not a:
        return b
    if not b:
        return a
    powers = dict(a)
    for i, e in b:
        e += powers.get(i, 0)
        if e:
            powers[i] = e
        else:
            del powers[i]
    return tuple(sorted(powers.items()))


def poly_add(acc: dict, p: dict, scale=1) -> dict:
    """``acc += scale * p`` in place (zero coefficients are dropped); returns ``acc``.

    >>> poly_add({((0, 1),): 1, (): 2}, {((0, 1),): 1}, -1)
    {(): 2}
    """
    for m, c in p.items():
        c = acc.get(m, 0) + scale * c
        if c:
            acc[m] = c
        else:
            acc.pop(m, None)
    return acc


def poly_mul(p: dict, q: dict) -> dict:
    """The product of two polynomials.

    >>> poly_mul({((0, 1),): 1, (): 1}, {((0, 1),): 1, (): -1})      # (x + 1)(x - 1)
    {((0, 2),): 1, (): -1}
    """
    out: dict = {}
    for m1, c1 in p.items():
        for m2, c2 in q.items():
            m = mono_mul(m1, m2)
            c = out.get(m, 0) + c1 * c2
            if c:
                out[m] = c
            else:
                out.pop(m, None)
    return out


def poly_diff(p: dict, j: int) -> dict:
    """The partial derivative with respect to variable ``j``.

    >>> poly_diff({((0, 2), (1, 1)): 3}, 0)
    {((0, 1), (1, 1)): 6}
    """
    out: dict = {}
    for m, c in p.items():
        for k, (i, e) in enumerate(m):
            if i == j:
                rest = m[:k] + ((i, e - 1),) + m[k + 1 :] if e != 1 else m[:k] + m[k + 1 :]
                out[rest] = out.get(rest, 0) + c * e
                break
    return {m: c for m, c in out.items() if c}


def poly_variables(p: dict) -> set:
    """The indices of the variables that occur in ``p``.

    >>> sorted(poly_variables({((0, 2), (3, 1)): 1, ((1, 1),): 5}))
    [0, 1, 3]
    """
    return {i for m in p for i, _ in m}


def poly_degree(p: dict, variables=None) -> int:
    """Total degree (in ``variables`` only, when given; 0 for the zero polynomial).

    >>> poly_degree({((0, 2), (3, 1)): 1}), poly_degree({((0, 2), (3, 1)): 1}, {3})
    (3, 1)
    """
    return max((sum(e for i, e in m if variables is None or i in variables) for m in p), default=0)


def poly_value(p: dict, point) -> Fraction:
    """The value of ``p`` at a rational point (a sequence indexed like the variables).

    >>> poly_value({((0, 2),): 3, ((1, -1),): 1}, [2, 4])                # 3x**2 + 1/y
    Fraction(49, 4)

    Raises
    ------
    VerificationError
        if a variable with a negative exponent is 0 at the point.
    """
    total = 0
    for m, c in p.items():
        term = c
        for i, e in m:
            if e < 0 and not point[i]:
                raise VerificationError(f"a gradient term has variable {i} in a denominator, and it is 0 at the point")
            term = term * Fraction(point[i]) ** e if e < 0 else term * point[i] ** e
        total += term
    return total


def poly_from_sympy(expr, index: dict, what: str) -> dict:
    """A polynomial with rational coefficients given as a sympy expression, in this form.

    ``index`` maps sympy symbols to variable indices.

    >>> import sympy
    >>> x, y = sympy.symbols("x y")
    >>> sorted(poly_from_sympy(x * (y - sympy.Rational(1, 2)), {x: 0, y: 1}, "X1").items())
    [(((0, 1),), Fraction(-1, 2)), (((0, 1), (1, 1)), 1)]

    Raises
    ------
    VerificationError
        for a symbol not in ``index``, an irrational coefficient or a non-polynomial term.
    """
    import sympy

    out: dict = {}
    for term, coeff in sympy.expand(expr).as_coefficients_dict().items():
        if not coeff.is_Rational:
            raise VerificationError(f"{what}: coefficient {coeff} is not rational")
        mono = []
        if term != 1:
            for base, e in term.as_powers_dict().items():
                if base not in index or not e.is_Integer or e < 1:
                    raise VerificationError(f"{what}: {term} is not a monomial in the variables")
                mono.append((index[base], int(e)))
        c = int(coeff.p) if coeff.q == 1 else Fraction(int(coeff.p), int(coeff.q))
        key = tuple(sorted(mono))
        c += out.get(key, 0)
        if c:
            out[key] = c
        else:
            out.pop(key, None)
    return out


# -- vector fields ----------------------------------------------------------------------------


def field_value(X: dict, point, n: int) -> list:
    """The values of a field's ``n`` components at ``point``.

    >>> field_value({1: {((0, 1),): 2}}, [3, 5], 2)                      # 2x d/dy at (3, 5)
    [0, 6]
    """
    return [poly_value(X[k], point) if k in X else 0 for k in range(n)]


def bracket(A: dict, B: dict) -> dict:
    """The Lie bracket by the textbook formula ``[A, B]^k = Σ_j A^j ∂_j B^k − B^j ∂_j A^k``.

    Terms whose derivative vanishes (``B^k`` free of ``x_j``) are skipped; nothing else is clever.

    >>> bracket({0: {(): 1}}, {1: {((0, 2),): 1}})                         # [d/dx, x**2 d/dy]
    {1: {((0, 1),): 2}}
    """
    out: dict = {}
    for k in set(A) | set(B):
        acc: dict = {}
        for F, G, sign in ((A, B, 1), (B, A, -1)):
            g = G.get(k)
            if g is None:
                continue
            for j in poly_variables(g):
                if j in F:
                    poly_add(acc, poly_mul(F[j], poly_diff(g, j)), sign)
        if acc:
            out[k] = acc
    return out


# -- rank over QQ -----------------------------------------------------------------------------


def _integer_rows(rows) -> list:
    out = []
    for r in rows:
        den = 1
        for x in r:
            if not isinstance(x, int):
                d = Fraction(x).denominator
                den = den * d // gcd(den, d)
        out.append([x if isinstance(x, int) and den == 1 else int(Fraction(x) * den) for x in r])
    return out


def _rank_mod(rows: list, p: int) -> int:
    rows = [[x % p for x in r] for r in rows]
    r = 0
    ncols = len(rows[0]) if rows else 0
    for col in range(ncols):
        piv = next((i for i in range(r, len(rows)) if rows[i][col]), None)
        if piv is None:
            continue
        rows[r], rows[piv] = rows[piv], rows[r]
        inv = pow(rows[r][col], -1, p)
        pr = [x * inv % p for x in rows[r]]
        for i in range(r + 1, len(rows)):
            f = rows[i][col]
            if f:
                rows[i] = [(a - f * b) % p for a, b in zip(rows[i], pr)]
        r += 1
    return r


def rank(rows) -> int:
    """The rank over QQ of a matrix of rationals when its rows are independent; else a lower bound.

    Rows are scaled to integers and reduced modulo each of :data:`VERIFIER_PRIMES`.  A rank modulo
    a prime never exceeds the rank over QQ, which never exceeds the number of rows; so as soon as
    one modular rank is the number of rows, that *is* the rank over QQ (the independence is proven).
    Otherwise the largest modular rank is returned: a lower bound, below the number of rows, and the
    rows are reported dependent — a verdict that can only err towards rejecting (when every prime
    divides every maximal minor), never towards accepting.

    >>> rank([[2**61 - 1, 0], [0, 1]])   # singular modulo the first prime only
    2
    """
    rows = _integer_rows(rows)
    best = 0
    for p in VERIFIER_PRIMES:
        best = max(best, _rank_mod(rows, p))
        if best == len(rows):
            break
    return best


# -- parsing stored text ----------------------------------------------------------------------


def parse_rational(text, what: str) -> Fraction:
    """An exact rational from a ``"p/q"`` (or ``"p"``) string; anything else fails the check.

    >>> parse_rational("-3/6", "x")
    Fraction(-1, 2)
    >>> parse_rational("1/0", "point[0]")
    Traceback (most recent call last):
    ...
    lieflow.errors.VerificationError: point[0]: '1/0' has a zero denominator

    Raises
    ------
    VerificationError
        for anything but a ``"p/q"`` or ``"p"`` string of at most :data:`MAX_DIGITS` digits each
        with ``q > 0``.
    """
    if not isinstance(text, str):
        raise VerificationError(f"{what}: expected a rational as a 'p/q' string, got {_short(text)}")
    if len(text) > 2 * MAX_DIGITS + 2:
        raise VerificationError(f"{what}: {_short(text)} has more than {MAX_DIGITS} digits")
    if not _RATIONAL.fullmatch(text):
        raise VerificationError(f"{what}: {_short(text)} is not a rational 'p/q' string")
    num, _, den = text.partition("/")
    if len(num.lstrip("+-")) > MAX_DIGITS or len(den) > MAX_DIGITS:
        raise VerificationError(f"{what}: {_short(text)} has more than {MAX_DIGITS} digits")
    if den and int(den) == 0:
        raise VerificationError(f"{what}: {text!r} has a zero denominator")
    return Fraction(int(num), int(den) if den else 1)


def parse_word(word, names, what: str = "bracket word"):
    """A bracket word (``"[X1,[X2,X3]]"``) as a nested tuple of generator names.

    >>> parse_word("[X1,[X2,X3]]", {"X1", "X2", "X3"})
    ('X1', ('X2', 'X3'))
    >>> parse_word("[X1,X9]", {"X1", "X2"})
    Traceback (most recent call last):
    ...
    lieflow.errors.VerificationError: bracket word: '[X1,X9]' names an unknown generator 'X9'

    Raises
    ------
    VerificationError
        for a malformed word, an unknown name, or a word longer or deeper than the verifier accepts.
    """
    if not isinstance(word, str) or not word:
        raise VerificationError(f"{what}: expected a non-empty string, got {_short(word)}")
    if len(word) > MAX_WORD_LENGTH:
        raise VerificationError(f"{what}: longer than {MAX_WORD_LENGTH} characters")
    pos = 0

    def bad(reason):
        return VerificationError(f"{what}: {_short(word)} {reason}")

    def parse(depth):
        nonlocal pos
        if depth > MAX_WORD_DEPTH:
            raise bad(f"is nested deeper than {MAX_WORD_DEPTH}")
        if pos < len(word) and word[pos] == "[":
            pos += 1
            left = parse(depth + 1)
            if pos >= len(word) or word[pos] != ",":
                raise bad("is malformed (expected ',')")
            pos += 1
            right = parse(depth + 1)
            if pos >= len(word) or word[pos] != "]":
                raise bad("is malformed (expected ']')")
            pos += 1
            return (left, right)
        start = pos
        while pos < len(word) and word[pos] not in "[],":
            pos += 1
        name = word[start:pos]
        if not name:
            raise bad("is malformed (expected a generator name)")
        if name not in names:
            raise bad(f"names an unknown generator {name!r}")
        return name

    tree = parse(0)
    if pos != len(word):
        raise bad("is malformed (text after the word)")
    return tree


def word_leaves(tree) -> int:
    """Number of generators in a parsed word (its depth in the closure's graph).

    >>> word_leaves(("X1", ("X2", "X1")))
    3
    """
    return 1 if isinstance(tree, str) else word_leaves(tree[0]) + word_leaves(tree[1])


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
