"""Values and first derivatives of polynomial fields at a point, modulo a prime.

The closure algorithm never expands a candidate bracket symbolically just to test it: it uses
``[X, Y](p) = DY(p) X(p) - DX(p) Y(p)``, which needs only the value and the Jacobian of each field
at ``p``.  A :class:`PointEvaluator` computes and caches both, modulo a prime, for the fields it is
shown (keyed on the immutable field).

>>> from lieflow.algebra.rings import PolyRing
>>> from lieflow.algebra.fields import VectorField, bracket
>>> R = PolyRing.get(("x", "y"))
>>> x, y = R.gens
>>> X, Y = VectorField(R, {"x": y}), VectorField(R, {"y": x * x})
>>> ev = PointEvaluator([2, 3], prime=101)
>>> ev.bracket_value(X, Y) == ev.dense(bracket(X, Y))
True
"""

from __future__ import annotations

from fractions import Fraction

from ..errors import BadArgumentError
from .fields import VectorField
from .rings import DEFAULT_PRIME, Poly

__all__ = ["PointEvaluator"]


class PointEvaluator:
    """Evaluate fields (values, Jacobians, bracket values) at an integer point modulo a prime."""

    def __init__(self, point, prime: int = DEFAULT_PRIME):
        self.prime = prime
        self.point = [int(x) % prime for x in point]
        self.n = len(self.point)
        self._values: dict = {}
        self._jacobians: dict = {}
        self.evaluations = 0

    def _coeff(self, c) -> int:
        if type(c) is Fraction:
            if c.denominator % self.prime == 0:
                raise BadArgumentError(
                    "prime", self.prime, f"divides the denominator of the coefficient {c}: no value modulo it"
                )
            return c.numerator * pow(c.denominator, -1, self.prime) % self.prime
        return c % self.prime

    def poly_value_and_gradient(self, f: Poly):
        """``(f(p), {j: d_j f(p)})`` modulo the prime."""
        p = self.prime
        pt = self.point
        val = 0
        grad: dict = {}
        for m, c in f.items():
            c = self._coeff(c)
            k = len(m)
            if k == 0:
                val += c
                continue
            if k == 1:
                val += c * pt[m[0]]
                grad[m[0]] = grad.get(m[0], 0) + c
                continue
            # prefix/suffix products give every partial derivative of the monomial
            pre = [1] * (k + 1)
            for i in range(k):
                pre[i + 1] = pre[i] * pt[m[i]] % p
            val += c * pre[k]
            suf = 1
            for i in range(k - 1, -1, -1):
                j = m[i]
                grad[j] = grad.get(j, 0) + c * pre[i] * suf
                suf = suf * pt[j] % p
        return val % p, {j: g % p for j, g in grad.items() if g % p}

    def _eval(self, X: VectorField):
        vals = {}
        jac = {}
        for k, comp in X.components:
            v, g = self.poly_value_and_gradient(comp)
            if v:
                vals[k] = v
            if g:
                jac[k] = g
        self._values[X] = vals
        self._jacobians[X] = jac
        self.evaluations += 1

    def value(self, X: VectorField) -> dict:
        """Sparse value ``{k: X^k(p)}`` modulo the prime."""
        if X not in self._values:
            self._eval(X)
        return self._values[X]

    def jacobian(self, X: VectorField) -> dict:
        """Sparse Jacobian ``{k: {j: d_j X^k(p)}}`` modulo the prime."""
        if X not in self._jacobians:
            self._eval(X)
        return self._jacobians[X]

    def value_only(self, X: VectorField) -> dict:
        """Sparse value ``{k: X^k(p)}`` modulo the prime, without the Jacobian and uncached
        (for a single pass over many fields; counted in ``evaluations``).

        Raises
        ------
        BadArgumentError
            if the prime divides the denominator of a coefficient.

        Examples
        --------
        >>> from lieflow.algebra.rings import PolyRing
        >>> x, y = PolyRing.get(("x", "y")).gens
        >>> X = VectorField(PolyRing.get(("x", "y")), {"x": y * y, "y": x - 3})
        >>> PointEvaluator([3, 5], prime=7).value_only(X)
        {0: 4}
        """
        known = self._values.get(X)
        if known is not None:
            return known
        p = self.prime
        pt = self.point
        vals = {}
        for k, comp in X.components:
            total = 0
            for m, c in comp.items():
                c = self._coeff(c)
                for i in m:
                    c = c * pt[i] % p
                total += c
            total %= p
            if total:
                vals[k] = total
        self.evaluations += 1
        return vals

    def dense(self, X: VectorField) -> list:
        v = self.value(X)
        return [v.get(k, 0) for k in range(self.n)]

    def bracket_value(self, X: VectorField, Y: VectorField) -> list:
        """Dense ``[X, Y](p) = DY(p) X(p) - DX(p) Y(p)`` modulo the prime, without expanding."""
        p = self.prime
        out = [0] * self.n
        xv, yv = self.value(X), self.value(Y)
        for k, row in self.jacobian(Y).items():
            s = 0
            for j, d in row.items():
                xj = xv.get(j)
                if xj:
                    s += d * xj
            out[k] += s
        for k, row in self.jacobian(X).items():
            s = 0
            for j, d in row.items():
                yj = yv.get(j)
                if yj:
                    s += d * yj
            out[k] -= s
        return [x % p for x in out]

    def forget(self, X: VectorField) -> None:
        self._values.pop(X, None)
        self._jacobians.pop(X, None)
