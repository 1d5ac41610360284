"""Metrics of a flow, as immutable data: Euclidean, mirror ``diag(θ)``, or a user polynomial matrix.

A metric here is always given by its **inverse** ``P(θ)``, a ``D × D`` matrix of polynomials in the
parameters.  The gradient flow it defines is

.. math:: θ' = -P(θ) ∇L_Z(θ),

so the generators whose Lie algebra decides the conservation laws are the fields ``X_i = P ∇φ_i``
(DESIGN §1).  For a symmetric positive definite ``P`` this is the gradient flow of ``L`` for the
Riemannian metric ``M = P^{-1}`` (natural / mirror gradient).  A **non-symmetric** ``P`` is accepted
too: the flow is then simply the ODE ``θ' = -P(θ)∇L`` (not a gradient flow of any metric; only the
symmetric part of ``P`` enters ``dL/dt = -∇L^T P ∇L``, so ``L`` need not decrease), and its laws are
still exactly the functions annihilated by every ``P ∇φ_i``.  A singular ``P`` only restricts the
directions the flow can take (more laws, never fewer).

The kinds of metric:

- ``"euclidean"`` (:class:`EuclideanMetric`): ``P = I``.
- ``"mirror"`` (:class:`MirrorMetric`): ``P = diag(p_k)`` with ``p_k = θ_k`` on a chosen set of
  parameters (all of them by default; :func:`mirror` selects layers or names) and ``p_k = 1``
  elsewhere.  On the positive orthant this is the mirror flow of the entropy, ``(log θ_k)' = -∂_k L``
  (multiplicative updates, NMF).
- ``"matrix"`` (:class:`MatrixMetric`): any polynomial ``D × D`` matrix the user gives.

**Momentum** (DESIGN §3).  With heavy-ball damping ``τ`` the metric enters through the velocity
equation

.. math:: θ'' + τ θ' = -P(τθ + θ') ∇L_Z(θ),

i.e. ``P`` is evaluated at ``w = τθ + v`` (``v = θ'``).  For the mirror metric this is the
equation of DESIGN §3: ``w' = θ'' + τθ' = -diag(w) ∇L``, so ``w`` follows a mirror flow (the momentum
lives in the mirror variable).  For ``P = I`` it is ordinary heavy ball.  The same rule is used for
every metric (it is the only rule that contains both cases), so a user matrix ``P`` gets
``M(θ, v) = P(τθ + v)``; :meth:`Metric.momentum_entries` returns its entries over the phase ring.

- No damping (``τ = 0``): ``M = P(v)``, i.e. ``θ'' = -P(θ')∇L`` (the same rule with ``τ = 0``).
- Nesterov-type damping ``τ(t) = α/t``: ``M = P(αθ/t + v)``, which is not polynomial in ``t``.
  Multiplying a generator by the nonvanishing (on ``t > 0``) function ``t^d`` changes neither which
  functions it annihilates nor the generic rank of the closure (DESIGN §3), so with ``d`` the degree
  of ``P`` the polynomial ``t^d P((αθ + t v)/t)`` is returned instead (each monomial of degree ``e``
  of an entry is multiplied by ``t^{d-e}``); the forcing fields built from it are the true ones
  times ``t^d``.

References: S. Marcotte, R. Gribonval, G. Peyré, *Abide by the Law and Follow the Flow* (NeurIPS
2023) and *Keep the Momentum* (ICML 2024).

Examples
--------
>>> from lieflow.models import custom, linear
>>> m = linear([1, 1, 1], metric="mirror")
>>> m.metric.kind, m.metric.name
('mirror', 'mirror')
>>> from lieflow.dynamics import gradient_flow
>>> gradient_flow(m).generators[0]
VectorField(u1_1_1*u2_1_1*d/du1_1_1 + u1_1_1*u2_1_1*d/du2_1_1)
>>> as_metric([[1, 0], [0, "x"]], custom(["x*y"], params="x,y")).as_sympy_matrix()
Matrix([
[1, 0],
[0, x]])
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from typing import Mapping

from ..algebra import Poly, PolyRing, VectorField
from ..algebra.rings import to_rational
from ..errors import BadArgumentError, IncompatibleRingError, InexactValueError, NotPolynomialError

__all__ = [
    "Metric",
    "EuclideanMetric",
    "MirrorMetric",
    "MatrixMetric",
    "MirrorSpec",
    "mirror",
    "as_metric",
    "METRIC_NAMES",
]

#: The metric names accepted as strings by :func:`as_metric` (and the CLI's ``--metric``).
METRIC_NAMES = ("euclidean", "mirror")


# --------------------------------------------------------------------------------------------------
# the metric objects
# --------------------------------------------------------------------------------------------------


class Metric:
    """Common behaviour of metric objects (an inverse metric ``P(θ)``, ``D × D``, polynomial).

    Subclasses are frozen dataclasses with a ``parameters`` field (the model's parameter names, in
    order) and provide :meth:`entries`; ``apply`` and ``momentum_entries`` have generic versions
    here that the subclasses specialize where it is cheaper.
    """

    kind = "metric"
    parameters: tuple

    @property
    def name(self) -> str:
        """How the metric was selected (``"mirror"``, ``"mirror(layers=[2])"``, ``"matrix"``)."""
        return self.label

    # -- data ------------------------------------------------------------------------------------
    @property
    def ring(self) -> PolyRing:
        """The model's parameter ring (the ring ``P`` lives in)."""
        return PolyRing.get(self.parameters)

    @property
    def dim(self) -> int:
        """``D``, the number of parameters."""
        return len(self.parameters)

    def entries(self) -> dict:
        """The nonzero entries ``{(row, column): Poly}`` of ``P`` (0-based, model ring)."""
        raise NotImplementedError

    @cached_property
    def _rows(self) -> dict:
        rows: dict = {}
        for (i, j), p in sorted(self.entries().items()):
            rows.setdefault(i, []).append((j, p))
        return rows

    @property
    def degree(self) -> int:
        """Maximal total degree of an entry of ``P`` (0 for a constant matrix)."""
        return max((p.degree for p in self.entries().values()), default=0)

    @property
    def symmetric(self) -> bool:
        """Whether ``P`` is symmetric."""
        e = self.entries()
        return all(e.get((j, i)) == p for (i, j), p in e.items())

    def as_sympy_matrix(self):
        """``P`` as a sympy ``D × D`` Matrix in the parameter symbols (built from the names)."""
        import sympy

        D = self.dim
        M = sympy.zeros(D, D)
        for (i, j), p in self.entries().items():
            M[i, j] = p.as_expr()
        return M

    # -- action on fields ------------------------------------------------------------------------
    def _check_field(self, X) -> None:
        if not isinstance(X, VectorField):
            raise BadArgumentError("field", X, "expected a VectorField")
        if X.ring is not self.ring:
            raise IncompatibleRingError(
                f"the metric {self.name!r} is over {self.ring!r}, the field over {X.ring!r}"
            )

    def apply(self, X: VectorField) -> VectorField:
        """The field ``P·X`` (``(P X)^k = Σ_j P_kj X^j``) in the model ring.

        Raises
        ------
        IncompatibleRingError
            if ``X`` is not over the model's parameter ring.
        """
        self._check_field(X)
        comps = dict(X.components)
        out = {}
        for k, row in self._rows.items():
            acc = None
            for j, p in row:
                xj = comps.get(j)
                if xj is not None:
                    acc = p * xj if acc is None else acc + p * xj
            if acc:
                out[k] = acc
        return VectorField(X.ring, out)

    # -- momentum --------------------------------------------------------------------------------
    def momentum_entries(self, theta_polys, velocity_polys, *, tau=None, alpha=None, time=None) -> dict:
        """Entries of the momentum metric over the phase ring (module docstring, DESIGN §3).

        Parameters
        ----------
        theta_polys, velocity_polys : sequence of Poly
            ``theta_polys[k]`` and ``velocity_polys[k]`` are the phase-ring variables of ``θ_k`` and
            ``v_k`` (``D`` each, all over one ring).
        tau : rational, optional
            Heavy-ball damping ``τ`` (``0`` for no damping): the result is ``P(τθ + v)``.
        alpha : rational, optional
            For Nesterov-type damping ``α/t`` (give ``time`` too, and no ``tau``): the result is
            ``t^d P((αθ + t v)/t)`` with ``d`` = :attr:`degree`.
        time : Poly, optional
            The phase-ring time coordinate ``t`` (Nesterov-type damping only).

        Returns
        -------
        dict
            ``{(k, j): Poly}``, the nonzero entries ``M_kj`` over the phase ring; the forcing fields
            are ``Y_i = Σ_{k,j} M_kj ∂_jφ_i(θ) ∂/∂v_k``.

        Raises
        ------
        BadArgumentError
            if neither ``tau`` nor ``alpha`` and ``time`` (or both) are given, or the polynomials
            are not ``D`` phase-ring variables each.
        InexactValueError
            for a float ``tau`` or ``alpha``.

        Examples
        --------
        >>> from lieflow.algebra import PolyRing
        >>> from lieflow.models import custom
        >>> m = custom(["x*y"], params="x,y", metric=mirror(params=["y"]))
        >>> R = PolyRing.get(("x", "y", "v_x", "v_y", "s"))
        >>> x, y, vx, vy, s = R.gens
        >>> m.metric.momentum_entries([x, y], [vx, vy], tau=2)
        {(0, 0): Poly(1), (1, 1): Poly(2*y + v_y)}
        >>> R = PolyRing.get(("x", "y", "v_x", "v_y", "t"))
        >>> x, y, vx, vy, t = R.gens
        >>> m.metric.momentum_entries([x, y], [vx, vy], alpha=3, time=t)
        {(0, 0): Poly(t), (1, 1): Poly(v_y*t + 3*y)}
        """
        thetas, vels, ring, mode, tau, alpha, time = self._momentum_args(theta_polys, velocity_polys, tau, alpha, time)
        if mode == "heavy-ball":
            images = [th * tau + v if tau else v for th, v in zip(thetas, vels)]
            out = {key: _substitute(p, images, ring) for key, p in self.entries().items()}
        else:
            images = [th * alpha + v * time for th, v in zip(thetas, vels)]
            d = self.degree
            out = {key: _substitute(p, images, ring, homogenize=(d, time)) for key, p in self.entries().items()}
        return {key: p for key, p in sorted(out.items()) if p}

    def momentum_sympy_matrix(self, theta_symbols, velocity_symbols, *, tau=None, alpha=None, time=None):
        """The momentum metric rebuilt with plain sympy (an independent check of
        :meth:`momentum_entries`): ``P(τθ + v)``, or ``t^d P(αθ/t + v)`` expanded.

        Parameters are sympy symbols (``time`` a sympy symbol) and exact ``tau`` / ``alpha``.

        Examples
        --------
        >>> import sympy
        >>> from lieflow.models import custom
        >>> m = custom(["x*y"], params="x,y", metric="mirror")
        >>> x, y, vx, vy, t = sympy.symbols("x y v_x v_y t")
        >>> m.metric.momentum_sympy_matrix([x, y], [vx, vy], alpha=3, time=t)
        Matrix([
        [t*v_x + 3*x,           0],
        [          0, t*v_y + 3*y]])
        """
        import sympy

        if (tau is None) == (alpha is None) or (alpha is not None) != (time is not None):
            raise BadArgumentError("tau", tau, "give tau (heavy ball, 0 for none), or alpha and time (alpha/t)")
        P = self.as_sympy_matrix()
        syms = self.ring.sympy_symbols()
        if tau is not None:
            tq = sympy.Rational(str(to_rational(tau, "tau")))
            sub = {s: tq * th + v for s, th, v in zip(syms, theta_symbols, velocity_symbols)}
            return P.xreplace(sub).applyfunc(sympy.expand)
        a = sympy.Rational(str(to_rational(alpha, "alpha")))
        sub = {s: a * th / time + v for s, th, v in zip(syms, theta_symbols, velocity_symbols)}
        return (P.xreplace(sub) * time ** self.degree).applyfunc(lambda e: sympy.expand(sympy.cancel(e)))

    def _momentum_args(self, theta_polys, velocity_polys, tau, alpha, time):
        D = self.dim
        thetas, vels = list(theta_polys), list(velocity_polys)
        if len(thetas) != D or len(vels) != D:
            raise BadArgumentError(
                "theta_polys", (len(thetas), len(vels)), f"need {D} θ and {D} velocity polynomials"
            )
        ring = None
        for p in thetas + vels + ([time] if time is not None else []):
            if not isinstance(p, Poly):
                raise BadArgumentError("theta_polys", p, "every phase variable must be a Poly")
            ring = ring or p.ring
            if p.ring is not ring:
                raise IncompatibleRingError("θ, velocity and time polynomials must be over one phase ring")
        if tau is not None and alpha is None and time is None:
            return thetas, vels, ring, "heavy-ball", to_rational(tau, "tau"), None, None
        if tau is None and alpha is not None and time is not None:
            return thetas, vels, ring, "nesterov", None, to_rational(alpha, "alpha"), time
        raise BadArgumentError(
            "damping",
            {"tau": tau, "alpha": alpha, "time": time},
            f"the momentum form of the {self.name!r} metric needs tau= (heavy ball; 0 for no damping) "
            f"or alpha= and time= (Nesterov-type alpha/t damping), not both",
        )

    # -- printing --------------------------------------------------------------------------------
    def __str__(self):
        return self.name

    def _sympystr(self, printer):
        return self.name


def _substitute(p: Poly, images: list, ring: PolyRing, homogenize=None) -> Poly:
    """``p(images)`` over ``ring``; with ``homogenize=(d, t)`` each degree-``e`` term times ``t^(d-e)``."""
    total = ring.zero()
    powers = {}
    for mono, c in p.items():
        term = ring.constant(c)
        for i in mono:
            term = term * images[i]
        if homogenize is not None:
            d, t = homogenize
            e = d - len(mono)
            if e:
                if e not in powers:
                    powers[e] = t**e
                term = term * powers[e]
        total = total + term
    return total


@dataclass(frozen=True)
class EuclideanMetric(Metric):
    """The identity ``P = I``: the plain gradient flow ``θ' = -∇L``.

    >>> from lieflow.models import linear
    >>> e = as_metric("euclidean", linear([1, 1, 1]))
    >>> e, e.kind, e.as_sympy_matrix()
    (EuclideanMetric(parameters=('u1_1_1', 'u2_1_1')), 'euclidean', Matrix([
    [1, 0],
    [0, 1]]))
    """

    parameters: tuple
    kind = "euclidean"

    @property
    def name(self) -> str:
        return "euclidean"

    def entries(self) -> dict:
        one = self.ring.constant(1)
        return {(k, k): one for k in range(self.dim)}

    def apply(self, X: VectorField) -> VectorField:
        self._check_field(X)
        return X

    def momentum_entries(self, theta_polys, velocity_polys, *, tau=None, alpha=None, time=None) -> dict:
        # P = I is constant: its momentum form is I for every damping (tau, alpha, time unused).
        thetas = list(theta_polys)
        if len(thetas) != self.dim or not all(isinstance(p, Poly) for p in thetas):
            raise BadArgumentError("theta_polys", thetas, f"need {self.dim} phase-ring polynomials")
        one = thetas[0].ring.constant(1) if thetas else None
        return {(k, k): one for k in range(self.dim)}


@dataclass(frozen=True)
class MirrorMetric(Metric):
    """The mirror metric: ``P = diag(p_k)``, ``p_k = θ_k`` for the mirrored parameters, 1 elsewhere.

    Attributes
    ----------
    parameters : tuple of str
        The model's parameter names.
    mirrored : tuple of int
        Sorted indices of the mirrored parameters.
    label : str
        How it was selected (``"mirror"``, ``"mirror(layers=[2])"``); not part of equality.

    Examples
    --------
    >>> from lieflow.models import relu
    >>> m = as_metric(mirror(layers=[2]), relu([1, 2, 1]))
    >>> m.mirrored, m.name
    ((2, 3), 'mirror(layers=[2])')
    >>> m == as_metric(mirror(params=["u2_1_1", "u2_2_1"]), relu([1, 2, 1]))
    True
    """

    parameters: tuple
    mirrored: tuple
    label: str = field(default="mirror", compare=False)
    kind = "mirror"

    @property
    def mirrored_names(self) -> tuple:
        """Names of the mirrored parameters."""
        return tuple(self.parameters[k] for k in self.mirrored)

    @cached_property
    def _mset(self) -> frozenset:
        return frozenset(self.mirrored)

    def entries(self) -> dict:
        ring = self.ring
        one = ring.constant(1)
        gens = ring.gens
        return {(k, k): (gens[k] if k in self._mset else one) for k in range(self.dim)}

    @property
    def degree(self) -> int:
        return 1 if self.mirrored else 0

    @property
    def symmetric(self) -> bool:
        return True

    def as_sympy_matrix(self):
        import sympy

        return sympy.diag(*[sympy.Symbol(n) if k in self._mset else 1 for k, n in enumerate(self.parameters)])

    def apply(self, X: VectorField) -> VectorField:
        self._check_field(X)
        gens = self.ring.gens
        return VectorField(X.ring, {k: (p * gens[k] if k in self._mset else p) for k, p in X.components})

    def momentum_entries(self, theta_polys, velocity_polys, *, tau=None, alpha=None, time=None) -> dict:
        # the explicit form of DESIGN §3: diag(τθ_k + v_k) on the mirrored coordinates, 1 elsewhere
        # (Nesterov α/t, times t: diag(αθ_k + t v_k) and t elsewhere).
        thetas, vels, ring, mode, tau, alpha, time = self._momentum_args(theta_polys, velocity_polys, tau, alpha, time)
        out = {}
        for k in range(self.dim):
            if k in self._mset:
                if mode == "heavy-ball":
                    e = thetas[k] * tau + vels[k] if tau else vels[k]
                else:
                    e = thetas[k] * alpha + vels[k] * time
            else:
                e = ring.constant(1) if mode == "heavy-ball" or not self.mirrored else time
            out[(k, k)] = e
        return out


@dataclass(frozen=True)
class MatrixMetric(Metric):
    """A user-given polynomial inverse metric ``P`` (any square ``D × D`` polynomial matrix).

    Build it with :func:`as_metric` (which checks shape, polynomiality and exactness).

    Attributes
    ----------
    parameters : tuple of str
    data : tuple of ((int, int), Poly)
        The nonzero entries, sorted by position.
    label : str
        Display name (default ``"matrix"``); not part of equality.

    Examples
    --------
    >>> from lieflow.models import custom
    >>> m = custom(["x*y"], params="x,y", metric={(0, 1): "x", (1, 0): 1})
    >>> m.metric.kind, m.metric.symmetric, m.metric.degree
    ('matrix', False, 1)
    >>> from lieflow.dynamics import gradient_flow
    >>> gradient_flow(m).generators
    (VectorField(x**2*d/dx + y*d/dy),)
    """

    parameters: tuple
    data: tuple
    label: str = field(default="matrix", compare=False)
    kind = "matrix"

    def entries(self) -> dict:
        return dict(self.data)


# --------------------------------------------------------------------------------------------------
# selecting mirrored parameters before the model is known
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MirrorSpec:
    """A mirror metric not yet bound to a model: which parameters get ``diag(θ)``.

    Made by :func:`mirror`; :func:`as_metric` binds it to a model's parameters.
    """

    layers: tuple | None = None
    params: tuple | None = None

    @property
    def label(self) -> str:
        parts = []
        if self.layers is not None:
            parts.append(f"layers={list(self.layers)}")
        if self.params is not None:
            parts.append(f"params={list(self.params)}")
        return "mirror" if not parts else "mirror(" + ", ".join(parts) + ")"

    def __str__(self):
        return self.label

    def bind(self, model) -> MirrorMetric:
        """The :class:`MirrorMetric` of this selection on ``model``'s parameters.

        Raises
        ------
        BadArgumentError
            (naming ``metric``) for a layer the model does not have, ``layers=`` on a model without
            widths, or an unknown parameter name.
        """
        names = tuple(model.parameters)
        if self.layers is None and self.params is None:
            return MirrorMetric(names, tuple(range(len(names))), "mirror")
        chosen = set()
        if self.layers is not None:
            widths = tuple(getattr(model, "widths", ()) or ())
            if len(widths) < 2:
                raise BadArgumentError(
                    "metric", self.label, "layers= needs a layered model (linear, relu); use params= for this model"
                )
            q = len(widths) - 1
            for l in self.layers:
                if l > q:
                    raise BadArgumentError("metric", self.label, f"layer {l} does not exist (the model has factors 1..{q})")
                prefix = f"u{l}_"
                chosen |= {k for k, n in enumerate(names) if n.startswith(prefix)}
        if self.params is not None:
            index = {n: k for k, n in enumerate(names)}
            unknown = [p for p in self.params if p not in index]
            if unknown:
                raise BadArgumentError(
                    "metric", self.label, f"unknown parameter names {unknown} (the model has {list(names)})"
                )
            chosen |= {index[p] for p in self.params}
        return MirrorMetric(names, tuple(sorted(chosen)), self.label)


def mirror(*, layers=None, params=None) -> MirrorSpec:
    """The mirror metric ``diag(θ)``, on all parameters or on a chosen subset (identity elsewhere).

    Parameters
    ----------
    layers : sequence of int, optional
        Weight factors ``U_l`` (1-based, as in the parameter names ``u{l}_i_j``) whose entries are
        mirrored.  Biases are never part of a layer here; name them in ``params``.
    params : sequence of str, optional
        Parameter names to mirror (may be combined with ``layers``: the union is mirrored).

    With neither, every parameter is mirrored (the same as ``metric="mirror"``).

    Returns
    -------
    MirrorSpec
        Pass it as ``metric=`` to :func:`~lieflow.models.linear`, ``relu`` or ``custom``.

    Raises
    ------
    BadArgumentError
        for layers that are not integers >= 1, names that are not strings, or an empty selection.

    Examples
    --------
    >>> from lieflow.models import relu
    >>> m = relu([1, 2, 1], bias=True, metric=mirror(layers=[2], params=["b1_1"]))
    >>> m.metric.mirrored_names
    ('u2_1_1', 'u2_2_1', 'b1_1')
    >>> mirror(layers=[0])
    Traceback (most recent call last):
    ...
    lieflow.errors.BadArgumentError: layers: every layer must be an integer >= 1, got [0]
    """
    if layers is not None:
        if isinstance(layers, (str, bytes)) or not hasattr(layers, "__iter__"):
            raise BadArgumentError("layers", layers, "expected a sequence of layer numbers (1-based)")
        layers = list(layers)
        if not layers:
            raise BadArgumentError("layers", layers, "select at least one layer (or omit layers=)")
        if any(isinstance(l, bool) or not isinstance(l, int) or l < 1 for l in layers):
            raise BadArgumentError("layers", layers, "every layer must be an integer >= 1")
        layers = tuple(sorted(set(layers)))
    if params is not None:
        if isinstance(params, str):
            params = [p.strip() for p in params.split(",") if p.strip()]
        if not hasattr(params, "__iter__"):
            raise BadArgumentError("params", params, "expected a sequence of parameter names")
        params = list(params)
        if not params:
            raise BadArgumentError("params", params, "select at least one parameter (or omit params=)")
        if any(not isinstance(p, str) for p in params):
            raise BadArgumentError("params", params, "every parameter name must be a string")
        params = tuple(dict.fromkeys(params))
    return MirrorSpec(layers, params)


# --------------------------------------------------------------------------------------------------
# as_metric
# --------------------------------------------------------------------------------------------------


def as_metric(metric, model) -> Metric:
    """Turn what a user passes as ``metric=`` into a metric object bound to ``model``.

    Parameters
    ----------
    metric : None, str, MirrorSpec, Metric, or matrix
        - ``None`` or ``"euclidean"``: :class:`EuclideanMetric`;
        - ``"mirror"``: :class:`MirrorMetric` on every parameter; :func:`mirror` (``layers=`` /
          ``params=``) for a subset;
        - a metric object already built for the same parameters (returned as is);
        - a polynomial inverse metric ``P``, ``D × D`` in the model's parameter order: a sympy
          Matrix, nested lists/tuples of entries, or a dict ``{(i, j): entry}`` (0-based indices or
          parameter names; missing entries are 0).  Entries are sympy expressions, strings
          (``"x*y - 1/2"``), ints, Fractions or :class:`Poly`; they must be exact polynomials in the
          model's parameters.  ``P`` need not be symmetric (see the module docstring for the flow
          that defines).
    model : Model
        The model (its ``parameters`` / ``ring``).

    Returns
    -------
    Metric

    Raises
    ------
    BadArgumentError
        (naming ``metric``) for an unknown name, a matrix of the wrong shape, a bad index, the zero
        matrix, or a metric object built for other parameters.
    NotPolynomialError
        (naming ``metric[i, j]``) for an entry that is not a polynomial in the model's parameters.
    InexactValueError
        (naming ``metric[i, j]``) for a float entry or coefficient.

    Examples
    --------
    >>> from lieflow.models import custom
    >>> m = custom(["x*y"], params="x,y")
    >>> as_metric("mirror", m)
    MirrorMetric(parameters=('x', 'y'), mirrored=(0, 1), label='mirror')
    >>> as_metric({("y", "y"): "x**2 + 1", (0, 0): 1}, m).as_sympy_matrix()
    Matrix([
    [1,        0],
    [0, x**2 + 1]])
    >>> as_metric([[1, 0], [0, "1/x"]], m)
    Traceback (most recent call last):
    ...
    lieflow.errors.NotPolynomialError: metric[1, 1]: is not a polynomial: division by a non-constant (x) at position 2, got '1/x'
    >>> as_metric([[1, 0]], m)
    Traceback (most recent call last):
    ...
    lieflow.errors.BadArgumentError: metric: must be a 2x2 matrix (one row and one column per parameter x, y); it has 1 rows, got [[1, 0]]
    """
    names = getattr(model, "parameters", None)
    if names is None:
        raise BadArgumentError("model", model, "expected a lieflow Model (see lieflow.models)")
    names = tuple(names)
    ring = PolyRing.get(names)
    if metric is None:
        return EuclideanMetric(names)
    if isinstance(metric, Metric):
        if tuple(metric.parameters) != names:
            raise BadArgumentError(
                "metric", metric.name, f"was built for parameters {list(metric.parameters)}, the model has {list(names)}"
            )
        return metric
    if isinstance(metric, MirrorSpec):
        return metric.bind(model)
    if isinstance(metric, str):
        key = metric.strip().lower()
        if key == "euclidean":
            return EuclideanMetric(names)
        if key == "mirror":
            return MirrorSpec().bind(model)
        raise BadArgumentError(
            "metric", metric, f"unknown metric name; expected one of {list(METRIC_NAMES)}, mirror(layers=...), "
            "or a DxD polynomial matrix"
        )
    data = _matrix_entries(metric, names, ring)
    if not data:
        raise BadArgumentError("metric", metric, "the zero matrix stops every flow; give a nonzero inverse metric")
    return MatrixMetric(names, tuple(sorted(data.items())), "matrix")


def _shape_error(metric, names, what):
    D = len(names)
    return BadArgumentError(
        "metric",
        metric,
        f"must be a {D}x{D} matrix (one row and one column per parameter {', '.join(names)}); {what}",
    )


def _matrix_entries(metric, names, ring) -> dict:
    import sympy

    D = len(names)
    raw = {}
    if isinstance(metric, (bool, int, float, Fraction)) or (
        isinstance(metric, sympy.Basic) and not isinstance(metric, sympy.MatrixBase)
    ):
        raise BadArgumentError(
            "metric", metric, "expected 'euclidean', 'mirror', mirror(...), or a DxD polynomial matrix"
        )
    if isinstance(metric, sympy.MatrixBase):
        if metric.shape != (D, D):
            raise _shape_error(metric, names, f"it has shape {metric.shape[0]}x{metric.shape[1]}")
        for i in range(D):
            for j in range(D):
                raw[(i, j)] = metric[i, j]
    elif isinstance(metric, Mapping):
        index = {n: k for k, n in enumerate(names)}

        def pos(x):
            if isinstance(x, str) and x in index:
                return index[x]
            if isinstance(x, int) and not isinstance(x, bool) and 0 <= x < D:
                return x
            raise BadArgumentError(
                "metric", metric, f"bad position {x!r}: use 0-based indices 0..{D - 1} or parameter names {list(names)}"
            )

        for key, val in metric.items():
            if not isinstance(key, tuple) or len(key) != 2:
                raise BadArgumentError("metric", metric, f"bad key {key!r}: keys are (row, column) pairs")
            ij = (pos(key[0]), pos(key[1]))
            if ij in raw:
                raise BadArgumentError("metric", metric, f"position {ij} is given twice")
            raw[ij] = val
    else:
        rows = metric.tolist() if hasattr(metric, "tolist") else metric
        if isinstance(rows, (str, bytes)) or not hasattr(rows, "__iter__"):
            raise BadArgumentError(
                "metric", metric, "expected 'euclidean', 'mirror', mirror(...), or a DxD polynomial matrix"
            )
        rows = list(rows)
        if len(rows) != D:
            raise _shape_error(metric, names, f"it has {len(rows)} rows")
        for i, row in enumerate(rows):
            if isinstance(row, (str, bytes)) or not hasattr(row, "__iter__"):
                raise _shape_error(metric, names, f"row {i} is not a sequence")
            row = list(row)
            if len(row) != D:
                raise _shape_error(metric, names, f"row {i} has {len(row)} entries")
            for j, val in enumerate(row):
                raw[(i, j)] = val
    out = {}
    for (i, j), val in raw.items():
        p = _entry(val, ring, f"metric[{i}, {j}]")
        if p:
            out[(i, j)] = p
    return out


def _entry(val, ring, name) -> Poly:
    if isinstance(val, Poly):
        if val.ring is ring:
            return val
        return ring.from_sympy(val.as_expr(), name)
    if isinstance(val, float):
        raise InexactValueError(name, val)
    if isinstance(val, (int, Fraction)) and not isinstance(val, bool):
        return ring.constant(val)
    if isinstance(val, bool) or val is None:
        raise NotPolynomialError(name, val, "expected a polynomial entry")
    return ring.from_sympy(val, name)
