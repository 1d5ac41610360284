"""Immutable polynomial vector fields and their Lie bracket.

A :class:`VectorField` on a :class:`~lieflow.algebra.rings.PolyRing` with variables
``x_0..x_{n-1}`` is ``X = sum_k X^k(x) d/dx_k`` with polynomial components.  It is stored as the
sorted tuple of its nonzero ``(k, X^k)`` pairs, so it is canonical, immutable and hashable.

The bracket is ``[X, Y] = DY.X - DX.Y``, i.e. ``[X, Y]^k = sum_j X^j d_j Y^k - Y^j d_j X^k``; as
derivations on functions, ``[X, Y] f = X(Y f) - Y(X f)``.

>>> from lieflow.algebra.rings import PolyRing
>>> R = PolyRing.get(("x", "y"))
>>> x, y = R.gens
>>> X = VectorField(R, {"x": y})        # y d/dx
>>> Y = VectorField(R, {"y": x})        # x d/dy
>>> bracket(X, Y)
VectorField(-x*d/dx + y*d/dy)
>>> bracket(X, Y) == -bracket(Y, X)
True
"""

from __future__ import annotations

from fractions import Fraction
from typing import Mapping

from ..errors import BadArgumentError, IncompatibleRingError
from .rings import Poly, PolyRing

__all__ = ["VectorField", "bracket", "BracketCache", "gradient_field", "check_fields"]


class VectorField:
    """An immutable polynomial vector field.

    Parameters
    ----------
    ring : PolyRing
    components : mapping or sequence
        ``{variable name or index: Poly}``, or a sequence of ``ngens`` polynomials.
        Zero components are dropped.

    Examples
    --------
    >>> from lieflow.algebra.rings import PolyRing
    >>> R = PolyRing.get(("x", "y"))
    >>> x, y = R.gens
    >>> VectorField(R, [y, -x]).apply(x * x + y * y)
    Poly(0)
    """

    __slots__ = ("ring", "components", "_hash", "_vars", "_support", "_ints", "name")

    def __init__(self, ring: PolyRing, components, name: str | None = None):
        self.ring = ring
        items = components.items() if isinstance(components, Mapping) else enumerate(components)
        comps = {}
        for k, p in items:
            i = ring.var_index(k)
            if isinstance(p, int) and not isinstance(p, bool):
                p = ring.constant(p)
            if not isinstance(p, Poly):
                raise BadArgumentError("components", p, "each component must be a Poly")
            if p.ring is not ring:
                raise IncompatibleRingError(f"component {k!r} is over {p.ring!r}, the field over {ring!r}")
            if p:
                comps[i] = comps[i] + p if i in comps else p
        self.components = tuple(sorted((i, p) for i, p in comps.items() if p))
        self._hash = None
        self._vars = None
        self._support = None
        self._ints = None
        self.name = name

    @classmethod
    def _from_clean(cls, ring, comps: dict, name=None) -> "VectorField":
        obj = cls.__new__(cls)
        obj.ring = ring
        obj.components = tuple(sorted(comps.items()))
        obj._hash = None
        obj._vars = None
        obj._support = None
        obj._ints = None
        obj.name = name
        return obj

    def __reduce__(self):  # rebuild, so the cached hash is never carried across processes
        return (_rebuild_field, (self.ring, dict(self.components), self.name))

    @property
    def args(self):
        return (self.ring, dict(self.components))

    @property
    def is_zero(self) -> bool:
        return not self.components

    def __bool__(self):
        return bool(self.components)

    @property
    def support(self) -> frozenset:
        """Indices ``k`` with a nonzero component."""
        if self._support is None:
            self._support = frozenset(i for i, _ in self.components)
        return self._support

    @property
    def coefficient_integers(self) -> frozenset:
        """``|numerator|`` and denominator of every coefficient, except 0 and 1 (cached): the
        integers a prime must not divide to reduce this field faithfully.

        >>> from lieflow.algebra.rings import PolyRing
        >>> R = PolyRing.get(("x", "y"))
        >>> x, y = R.gens
        >>> sorted(VectorField(R, {"x": y * Fraction(-6, 35), "y": x}).coefficient_integers)
        [6, 35]
        """
        if self._ints is None:
            out = set()
            for _, comp in self.components:
                for c in comp._terms.values():
                    if type(c) is int:
                        out.add(-c if c < 0 else c)
                    else:
                        out.add(abs(c.numerator))
                        out.add(c.denominator)
            out.discard(1)
            self._ints = _intern_ints(frozenset(out))
        return self._ints

    @property
    def variables(self) -> frozenset:
        """Indices of the variables its components depend on."""
        if self._vars is None:
            v = set()
            for _, p in self.components:
                v |= p.variables
            self._vars = frozenset(v)
        return self._vars

    @property
    def degree(self) -> int:
        return max((p.degree for _, p in self.components), default=-1)

    def component(self, k) -> Poly:
        i = self.ring.var_index(k)
        for j, p in self.components:
            if j == i:
                return p
        return self.ring.zero()

    def __eq__(self, other):
        if not isinstance(other, VectorField):
            return NotImplemented
        return self.ring is other.ring and self.components == other.components

    def __hash__(self):
        if self._hash is None:
            self._hash = hash((id(self.ring), self.components))
        return self._hash

    def _check(self, other):
        if not isinstance(other, VectorField):
            raise BadArgumentError("other", other, "expected a VectorField")
        if other.ring is not self.ring:
            raise IncompatibleRingError(f"cannot combine fields over {self.ring!r} and {other.ring!r}")

    def __add__(self, other):
        self._check(other)
        d = dict(self.components)
        for k, p in other.components:
            q = d[k] + p if k in d else p
            if q:
                d[k] = q
            else:
                d.pop(k, None)
        return VectorField._from_clean(self.ring, d)

    def __neg__(self):
        return VectorField._from_clean(self.ring, {k: -p for k, p in self.components})

    def __sub__(self, other):
        return self + (-other)

    def __mul__(self, c):
        """Multiply by a rational number or a polynomial."""
        out = {}
        for k, p in self.components:
            q = p * c
            if q:
                out[k] = q
        return VectorField._from_clean(self.ring, out)

    __rmul__ = __mul__

    def apply(self, f: Poly) -> Poly:
        """The derivative ``X f = sum_k X^k d_k f`` of a polynomial along the field."""
        if f.ring is not self.ring:
            raise IncompatibleRingError(f"cannot apply a field over {self.ring!r} to a polynomial over {f.ring!r}")
        fv = f.variables
        total = self.ring.zero()
        for k, p in self.components:
            if k in fv:
                total = total + p * f.diff(k)
        return total

    def evaluate(self, point) -> tuple:
        """Exact value at a rational point (sequence in ring order or ``{name: value}``)."""
        out = [0] * self.ring.ngens
        for k, p in self.components:
            out[k] = p.evaluate(point)
        return tuple(out)

    def __str__(self):
        if not self.components:
            return "0"
        parts = []
        for k, p in self.components:
            s = str(p)
            if len(p) > 1:
                s = f"({s})"
            parts.append(f"{s}*d/d{self.ring.symbols[k]}")
        return " + ".join(parts).replace("+ -", "- ")

    def __repr__(self):
        text = " + ".join(
            (f"({p})" if len(p) > 1 else str(p)) + f"*d/d{self.ring.symbols[k]}" for k, p in self.components
        )
        text = text.replace(" + -", " - ") if text else "0"
        return f"VectorField({text})"

    def as_matrix(self):
        """The components as a sympy column Matrix."""
        import sympy

        comps = dict(self.components)
        return sympy.Matrix([comps[k].as_expr() if k in comps else 0 for k in range(self.ring.ngens)])

    def _sympystr(self, printer):
        return printer._print(self.as_matrix())

    def _latex(self, printer):
        return printer._print(self.as_matrix())


_COMMON_INTS: dict = {}


def _intern_ints(s: frozenset) -> frozenset:
    """One shared object for the small sets most fields have (``{}``, ``{2}``, ...)."""
    if len(s) > 2:
        return s
    return _COMMON_INTS.setdefault(s, s)


def _rebuild_field(ring, comps, name):
    return VectorField._from_clean(ring, comps, name)


def check_fields(fields, name: str = "fields") -> list:
    """A non-empty list of vector fields over one ring, or a clear error naming ``name``.

    >>> check_fields([])
    Traceback (most recent call last):
    ...
    lieflow.errors.BadArgumentError: fields: need at least one vector field, got []
    """
    fields = list(fields)
    if not fields:
        raise BadArgumentError(name, fields, "need at least one vector field")
    for f in fields:
        if not isinstance(f, VectorField):
            raise BadArgumentError(name, f, "every element must be a VectorField")
        if f.ring is not fields[0].ring:
            raise IncompatibleRingError(f"{name}: all fields must be over the same ring")
    return fields


def gradient_field(f: Poly, name: str | None = None) -> VectorField:
    """The Euclidean gradient of a polynomial, as a field.

    >>> from lieflow.algebra.rings import PolyRing
    >>> R = PolyRing.get(("x", "y"))
    >>> x, y = R.gens
    >>> gradient_field(x * y)
    VectorField(y*d/dx + x*d/dy)
    """
    return VectorField._from_clean(f.ring, {k: d for k, d in f.gradient().items() if d}, name)


def _bracket(X: VectorField, Y: VectorField, budget=None) -> VectorField:
    """Uncached ``DY.X - DX.Y``; differentiates only where the result can be nonzero.

    With a ``budget`` (:class:`lieflow.budget.Budget`), its ``check()`` runs once per component,
    so a huge expansion stops at the budget's deadline or memory cap."""
    ring = X.ring
    xc = dict(X.components)
    yc = dict(Y.components)
    check = budget.check if budget is not None else None
    # (DY.X)^k = sum_{j in supp X and vars Y^k} X^j d_j Y^k
    out: dict = {}
    for k, yk in Y.components:
        if check is not None:
            check()
        for j in yk.variables:
            xj = xc.get(j)
            if xj is not None:
                _accumulate(out, k, xj, yk, j, 1)
    for k, xk in X.components:
        if check is not None:
            check()
        for j in xk.variables:
            yj = yc.get(j)
            if yj is not None:
                _accumulate(out, k, yj, xk, j, -1)
    comps = {}
    for k, terms in out.items():
        terms = {m: c for m, c in terms.items() if c}
        if terms:
            comps[k] = Poly(ring, terms)
    return VectorField._from_clean(ring, comps)


def _accumulate(out: dict, k: int, a: Poly, b: Poly, j: int, sign: int) -> None:
    """out[k] += sign * a * d_j b, on raw term dicts."""
    t = out.get(k)
    if t is None:
        t = out[k] = {}
    da = []
    for m, c in b.items():
        cnt = m.count(j)
        if cnt:
            pos = m.index(j)
            da.append((m[:pos] + m[pos + 1 :], sign * cnt * c))
    for m1, c1 in a.items():
        for m2, c2 in da:
            if not m1:
                m = m2
            elif not m2:
                m = m1
            else:
                m = tuple(sorted(m1 + m2))
            t[m] = t.get(m, 0) + c1 * c2


class BracketCache:
    """Memo of Lie brackets keyed on the (immutable, hashable) pair of fields.

    Attributes ``computed`` and ``hits`` count the brackets expanded and the lookups served from
    the memo.  ``maxsize`` bounds the number of stored brackets (oldest dropped first).

    >>> from lieflow.algebra.rings import PolyRing
    >>> R = PolyRing.get(("x", "y"))
    >>> x, y = R.gens
    >>> cache = BracketCache()
    >>> X, Y = VectorField(R, {"x": y}), VectorField(R, {"y": x})
    >>> _ = cache.bracket(X, Y); _ = cache.bracket(X, Y); _ = cache.bracket(Y, X)
    >>> cache.computed, cache.hits
    (1, 2)
    """

    def __init__(self, maxsize: int = 100_000):
        if not isinstance(maxsize, int) or maxsize < 0:
            raise BadArgumentError("maxsize", maxsize, "must be an integer >= 0")
        self.maxsize = maxsize
        self._memo: dict = {}
        self.computed = 0
        self.hits = 0

    def bracket(self, X: VectorField, Y: VectorField, *, budget=None) -> VectorField:
        """``[X, Y]``, from the memo or expanded (checking ``budget`` along the way, if given)."""
        X._check(Y)
        key = (X, Y)
        r = self._memo.get(key)
        if r is not None:
            self.hits += 1
            return r
        r = self._memo.get((Y, X))
        if r is not None:
            self.hits += 1
            return -r
        r = _bracket(X, Y, budget)
        self.computed += 1
        if self.maxsize:
            if len(self._memo) >= self.maxsize:
                self._memo.pop(next(iter(self._memo)))
            self._memo[key] = r
        return r

    def clear(self) -> None:
        self._memo.clear()

    def __len__(self):
        return len(self._memo)

    def stats(self) -> dict:
        return {"computed": self.computed, "hits": self.hits, "stored": len(self._memo)}


_default_cache = BracketCache()


def bracket(X: VectorField, Y: VectorField, *, cache: BracketCache | None = None) -> VectorField:
    """The Lie bracket ``[X, Y] = DY.X - DX.Y``, memoized.

    Parameters
    ----------
    X, Y : VectorField
        Fields over the same ring.
    cache : BracketCache, optional
        The memo to use; by default a module-wide one (``lieflow.algebra.default_bracket_cache``).

    Raises
    ------
    IncompatibleRingError
        if the fields live over different rings.

    Examples
    --------
    >>> from lieflow.algebra.rings import PolyRing
    >>> R = PolyRing.get(("x", "y"))
    >>> x, y = R.gens
    >>> bracket(VectorField(R, {"x": 1}), VectorField(R, {"y": x**2}))
    VectorField(2*x*d/dy)
    """
    return (cache or _default_cache).bracket(X, Y)
