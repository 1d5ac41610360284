"""Momentum flows: the phase-space lift (θ, v, time) and its time-dependent conservation laws.

The heavy-ball ODE ``θ'' + τ(t) θ' = −∇L_Z(θ)`` (with a metric: ``−M ∇L_Z``) is a first-order flow
in phase space.  Since ``∇L_Z = Σ_i a_i ∇φ_i`` with data-dependent coefficients ``a_i``, it moves
along ``X0 + Σ_i a_i(t) Y_i`` (DESIGN §3), and the laws are the functions annihilated by the drift
``X0`` and every forcing field ``Y_i``.  Everything is kept polynomial:

============  ===================  ============================================================
damping       time coordinate      drift ``X0``
============  ===================  ============================================================
heavy-ball    ``s`` = e^{τt}       ``τ s ∂_s + Σ v_k ∂_{θ_k} − τ Σ v_k ∂_{v_k}``   (τ > 0 rational)
none          ``t``                ``∂_t + Σ v_k ∂_{θ_k}``
nesterov      ``t``                ``t ∂_t + t Σ v_k ∂_{θ_k} − α Σ v_k ∂_{v_k}``  (τ(t) = α/t, drift × t)
============  ===================  ============================================================

The forcing fields are ``Y_i = Σ_k (M ∇φ_i)_k ∂_{v_k}`` (``M`` the identity for Euclidean models).
Phase variables are ordered θ (the model's parameters), then the velocities ``v_<param>`` in the
same order, then the time coordinate.

Multiplying the Nesterov drift by ``t`` (which does not vanish for ``t > 0``) changes neither the
functions it annihilates nor the generic rank of the closure (``[fX, Y] = f[X, Y] − (Y f) X``).

>>> from lieflow.models import linear
>>> sys = momentum_flow(linear([2, 2, 1]))
>>> sys.ring.symbols[6:]
('v_u1_1_1', 'v_u1_1_2', 'v_u1_2_1', 'v_u1_2_2', 'v_u2_1_1', 'v_u2_2_1', 's')
>>> [law] = sys.find_laws()
>>> law
Poly(u1_1_1*v_u1_1_2*s - u1_1_2*v_u1_1_1*s + u1_2_1*v_u1_2_2*s - u1_2_2*v_u1_2_1*s + u2_1_1*v_u2_2_1*s - u2_2_1*v_u2_1_1*s)
>>> sys.time_expr(law)
(u1_1_1*v_u1_1_2 - u1_1_2*v_u1_1_1 + u1_2_1*v_u1_2_2 - u1_2_2*v_u1_2_1 + u2_1_1*v_u2_2_1 - u2_2_1*v_u2_1_1)*exp(t)

References
----------
S. Marcotte, R. Gribonval, G. Peyré, *Keep the Momentum: Conservation Laws beyond Euclidean
Gradient Flows*, ICML 2024 (arXiv 2405.12888).
"""

from __future__ import annotations

import itertools
from fractions import Fraction
from math import comb

from ..algebra import Poly, PolyRing, VectorField, rational_str, to_rational
from ..errors import BadArgumentError, IncompatibleRingError, LimitExceededError
from ..laws import homogeneity_weights, verified_laws
from ..models.base import Model
from .system import System

__all__ = ["DAMPINGS", "MomentumSystem", "momentum_flow", "momentum_laws", "homogeneity_weights"]

#: The damping schemes, and the name of the time coordinate each uses.
DAMPINGS = {"heavy-ball": "s", "none": "t", "nesterov": "t"}

_DEFAULT_TIME_DEGREE = {"heavy-ball": 1, "none": 0}  # nesterov: alpha


class MomentumSystem(System):
    """The phase-space system of a momentum flow (built by :func:`momentum_flow`).

    Generators are ``X0`` (the drift) then ``Y1..Yd`` (forcing fields; ``Y_i`` keeps the index
    of ``φ_i``, and components with a vanishing gradient give no generator).  ``tau`` is the
    heavy-ball friction (a positive rational, ``None`` otherwise) and ``alpha`` the Nesterov
    constant (a positive integer, ``None`` otherwise).
    """

    @property
    def parameter_dim(self) -> int:
        """D, the number of model parameters (the phase dimension is 2D + 1)."""
        return self.model.dim

    @property
    def velocity_names(self) -> tuple:
        D = self.parameter_dim
        return self.ring.symbols[D : 2 * D]

    def default_time_degree(self) -> int:
        """Degree in the time coordinate searched by default: 1 (heavy ball, laws ``s·A``),
        α (Nesterov, laws ``t^α·A``), 0 (no damping)."""
        return self.alpha if self.damping == "nesterov" else _DEFAULT_TIME_DEGREE[self.damping]

    def find_laws(self, *, degree: int = 2, time_degree: int | None = None, prime=None, budget=None) -> tuple:
        """A basis of the laws of degree ≤ ``time_degree`` in the time coordinate and ≤ ``degree``
        in (θ, v), each verified exactly (see :func:`momentum_laws`)."""
        return momentum_laws(self, degree=degree, time_degree=time_degree, prime=prime, budget=budget)

    def find_log_laws(self, *, degree: int = 2, time_degree: int | None = None, **options) -> tuple:
        """A basis of the laws ``P + Σ Q_j log|ℓ_j|`` (polynomial ones first), each verified exactly
        (see :func:`lieflow.loglaws.momentum_log_laws`, which takes the ``options``)."""
        from ..loglaws import momentum_log_laws

        return momentum_log_laws(self, degree=degree, time_degree=time_degree, **options)

    def time_expr(self, law):
        """The law as a sympy expression in θ, v and ``t``, grouped by powers of the time
        coordinate; for heavy ball ``s`` is written ``exp(τ t)``.

        >>> from lieflow.models import custom
        >>> sys = momentum_flow(custom(["x1*y + x2*z"]), tau="1/2")
        >>> sys.time_expr(sys.find_laws()[0])
        (-v_x1*x2 + v_x2*x1 - v_y*z + v_z*y)*exp(t/2)
        """
        import sympy

        if not isinstance(law, Poly) or law.ring is not self.ring:
            raise BadArgumentError("law", law, f"expected a Poly over {self.ring!r}")
        T = self.ring.ngens - 1
        by_power: dict = {}
        for m, c in law.items():
            j = m.count(T)
            by_power.setdefault(j, {})[m[: len(m) - j]] = c
        t = sympy.Symbol("t")
        clock = sympy.exp(_sympy_rational(self.tau) * t) if self.damping == "heavy-ball" else t
        parts = []
        for j in sorted(by_power):
            body = Poly(self.ring, by_power[j]).as_expr()
            parts.append(body if j == 0 else sympy.Mul(clock**j, body))
        return sympy.Add(*parts)

    def generator_exprs(self) -> list:
        """``X0`` and the ``Y_i`` rebuilt with plain sympy from the model's φ (not from the fast
        path): a list of sympy column matrices in ring order, in generator order."""
        import sympy

        D = self.parameter_dim
        syms = self.ring.sympy_symbols()
        theta, vel, T = syms[:D], syms[D : 2 * D], syms[2 * D]
        zero = sympy.Integer(0)
        if self.damping == "heavy-ball":
            tau = _sympy_rational(self.tau)
            x0 = list(vel) + [-tau * v for v in vel] + [tau * T]
        elif self.damping == "none":
            x0 = list(vel) + [zero] * D + [sympy.Integer(1)]
        else:
            x0 = [T * v for v in vel] + [-sympy.Integer(self.alpha) * v for v in vel] + [T]
        out = [sympy.Matrix(x0)]
        M = None
        metric = self.model.metric
        if metric is not None:
            # the metric's own sympy rebuild when it has one (an independent check of its entries)
            if hasattr(metric, "momentum_sympy_matrix"):
                args = _momentum_args(self.damping, self.tau, self.alpha, T)
                M = metric.momentum_sympy_matrix(list(theta), list(vel), **args)
            else:
                M = sympy.zeros(D, D)
                for (k, j), p in _momentum_matrix(self.model, self.ring, self.damping, self.tau, self.alpha).items():
                    M[k, j] = p.as_expr()
        for phi in self.model.phi_exprs:
            free = phi.free_symbols
            grad = sympy.Matrix([sympy.diff(phi, s) if s in free else 0 for s in theta])
            if M is not None:
                grad = (M * grad).applyfunc(sympy.expand)
            if any(g != 0 for g in grad):
                out.append(sympy.Matrix([zero] * D + list(grad) + [zero]))
        return out

    def describe(self) -> dict:
        """The normalized input, with ``tau`` (exact string, heavy ball), ``alpha`` (Nesterov)
        and the name of the time coordinate."""
        d = super().describe()
        d["tau"] = None if self.tau is None else rational_str(self.tau)
        d["alpha"] = self.alpha
        d["time_variable"] = self.time_variable
        return d


def momentum_flow(model: Model, *, damping: str = "heavy-ball", tau=None, alpha=None) -> MomentumSystem:
    """The phase-space lift of a model trained with momentum.

    Parameters
    ----------
    model : Model
        A catalog or custom model; with ``model.metric`` set, the forcing fields are
        ``Y_i = (0, M ∇φ_i, 0)`` with ``M`` from ``model.metric.momentum_entries``.
    damping : {"heavy-ball", "none", "nesterov"}
        Constant friction τ, no friction, or Nesterov-type friction α/t.
    tau : rational, optional
        Heavy-ball friction, a positive rational (int, Fraction, sympy Rational or a string such
        as ``"1/2"``); default 1.
    alpha : int, optional
        Nesterov constant, a positive integer; default 3.

    Returns
    -------
    MomentumSystem
        Variables θ, ``v_<param>``, then ``s`` (heavy ball, s = e^{τt}) or ``t``; generators
        ``X0, Y1, ..., Yd``.

    Raises
    ------
    BadArgumentError
        for an unknown damping, a non-positive τ or α, a non-integer α, an option that does not
        apply to the damping (``tau`` without heavy ball, ``alpha`` without Nesterov), or a
        parameter name that clashes with a phase variable.
    InexactValueError
        for a float ``tau`` or ``alpha``.

    Examples
    --------
    >>> from lieflow.models import custom
    >>> sys = momentum_flow(custom(["x*y"]), damping="nesterov")
    >>> sys.ring.symbols, sys.generator_names
    (('x', 'y', 'v_x', 'v_y', 't'), ('X0', 'Y1'))
    >>> sys.generators[0]
    VectorField(v_x*t*d/dx + v_y*t*d/dy - 3*v_x*d/dv_x - 3*v_y*d/dv_y + t*d/dt)
    >>> momentum_flow(custom(["x*y"]), tau=0.5)
    Traceback (most recent call last):
    ...
    lieflow.errors.InexactValueError: tau: inexact value 0.5 (float); lieflow is exact, pass an int, a fractions.Fraction, a sympy Rational or a string such as '1/3'
    """
    if not isinstance(model, Model):
        raise BadArgumentError("model", model, "expected a lieflow Model (see lieflow.models)")
    if not isinstance(damping, str) or damping not in DAMPINGS:
        raise BadArgumentError("damping", damping, f"must be one of {sorted(DAMPINGS)}")
    if tau is not None and damping != "heavy-ball":
        raise BadArgumentError("tau", tau, f"only applies to damping='heavy-ball' (damping is {damping!r})")
    if alpha is not None and damping != "nesterov":
        raise BadArgumentError("alpha", alpha, f"only applies to damping='nesterov' (damping is {damping!r})")
    if damping == "heavy-ball":
        tau = 1 if tau is None else to_rational(tau, "tau")
        if tau <= 0:
            raise BadArgumentError("tau", tau, "must be a positive rational (use damping='none' for no friction)")
    if damping == "nesterov":
        alpha = 3 if alpha is None else to_rational(alpha, "alpha")
        if not isinstance(alpha, int) or alpha < 1:
            raise BadArgumentError("alpha", alpha, "must be a positive integer")

    params = model.parameters
    D = len(params)
    time_name = DAMPINGS[damping]
    names = list(params) + [f"v_{p}" for p in params] + [time_name]
    written = {"t", "exp"} if damping == "heavy-ball" else {"t"}  # time_expr writes e^{τt} as exp(tau*t)
    clash = sorted(set(params) & (set(names[D:]) | written))
    if clash:
        raise BadArgumentError(
            "model", model.name,
            f"parameter names {clash} clash with the phase variables v_<param>, {time_name!r}, 't'"
            + (" or with 'exp' (laws are written with exp(tau*t))" if "exp" in clash else ""),
        )
    ring = PolyRing.get(names)
    gens = ring.gens
    vel, T = gens[D : 2 * D], gens[2 * D]

    if damping == "heavy-ball":
        comps = {k: vel[k] for k in range(D)}
        comps.update({D + k: vel[k] * (-tau) for k in range(D)})
        comps[2 * D] = T * tau
    elif damping == "none":
        comps = {k: vel[k] for k in range(D)}
        comps[2 * D] = ring.constant(1)
    else:
        comps = {k: T * vel[k] for k in range(D)}
        comps.update({D + k: vel[k] * (-alpha) for k in range(D)})
        comps[2 * D] = T
    drift = VectorField(ring, comps)

    tau = tau if damping == "heavy-ball" else None
    alpha = alpha if damping == "nesterov" else None
    M = _momentum_matrix(model, ring, damping, tau, alpha) if model.metric is not None else None
    fields, fnames = [drift], ["X0"]
    for i, phi in enumerate(model.phi):
        grad = {j: _lift(ring, phi.diff(j)) for j in sorted(phi.variables)}
        if M is None:
            vc = {D + j: g for j, g in grad.items() if g}
        else:
            vc = {}
            for (k, j), mk in M.items():
                g = grad.get(j)
                if g:
                    vc[D + k] = vc[D + k] + mk * g if D + k in vc else mk * g
        Y = VectorField(ring, vc)
        if Y:
            fields.append(Y)
            fnames.append(f"Y{i + 1}")
    if len(fields) == 1:
        raise BadArgumentError("model", model.name, "every forcing field of the flow vanishes")
    return MomentumSystem(
        model, "momentum", ring, tuple(fields), tuple(fnames),
        damping=damping, tau=tau, alpha=alpha, time_variable=time_name,
    )


def _sympy_rational(q):
    import sympy

    q = Fraction(q)
    return sympy.Rational(q.numerator, q.denominator)


def _lift(ring: PolyRing, p: Poly) -> Poly:
    """A polynomial in θ as a polynomial in phase space (θ are the first variables, same order)."""
    return Poly(ring, dict(p.items()), True)


def _momentum_args(damping: str, tau, alpha, time) -> dict:
    """Keyword arguments of ``Metric.momentum_entries`` / ``momentum_sympy_matrix`` for a damping:
    ``tau=τ`` (heavy ball), ``tau=0`` (no damping), ``alpha=α, time=t`` (Nesterov-type α/t, for
    which the metric returns ``t^d P((αθ + t v)/t)``: the forcing fields times the nonvanishing
    ``t^d``, which changes neither the laws nor the generic rank of the closure)."""
    if damping == "heavy-ball":
        return {"tau": tau}
    if damping == "none":
        return {"tau": 0}
    return {"alpha": alpha, "time": time}


def _momentum_matrix(model: Model, ring: PolyRing, damping: str, tau, alpha) -> dict:
    """``{(k, j): Poly}``: the matrix ``M`` of the forcing fields ``Y_i = M ∇φ_i`` over the phase
    ring, from ``model.metric.momentum_entries`` (whose errors propagate)."""
    metric = model.metric
    D = model.dim
    gens = ring.gens
    raw = metric.momentum_entries(list(gens[:D]), list(gens[D : 2 * D]), **_momentum_args(damping, tau, alpha, gens[2 * D]))
    label = getattr(metric, "name", metric)
    out = {}
    for key, p in dict(raw).items():
        if (
            not isinstance(key, tuple) or len(key) != 2
            or not all(isinstance(x, int) and not isinstance(x, bool) and 0 <= x < D for x in key)
        ):
            raise BadArgumentError("metric", label, f"momentum entry key {key!r} is not a pair of parameter indices")
        if not isinstance(p, Poly):
            raise BadArgumentError("metric", label, f"momentum entry {key!r} is not a Poly")
        if p.ring is not ring:
            raise IncompatibleRingError(f"momentum entry {key!r} is over {p.ring!r}, not the phase ring {ring!r}")
        if p:
            out[key] = p
    return out


# -- gradings -------------------------------------------------------------------------------


# -- law search -----------------------------------------------------------------------------


def momentum_laws(system: MomentumSystem, *, degree: int = 2, time_degree: int | None = None,
                  max_unknowns: int = 2_000_000, prime=None, budget=None) -> tuple:
    """All laws polynomial in the time coordinate (degree ≤ ``time_degree``) and in (θ, v)
    (total degree ≤ ``degree``): a basis, each law normalized and verified exactly.

    The unknown coefficients are split into independent blocks by every grading that makes all
    generators homogeneous (:func:`homogeneity_weights`): if each generator ``X`` shifts the
    multi-degree by a fixed ``δ_X``, then ``X h = Σ_d X h_d`` with ``X h_d`` in degree ``d + δ_X``,
    distinct for distinct ``d``, so ``X h = 0`` iff ``X h_d = 0`` for every graded piece ``h_d``;
    the law space is the direct sum of the law spaces of the blocks.  For heavy ball this splits by
    the degree in ``s`` (``τ s ∂_s`` keeps it and nothing else involves ``s``); for linear and ReLU
    networks also by the degree in each hidden neuron's (θ, v) variables.  (The degree in ``t``
    alone is *not* a grading for Nesterov — ``t v·∂_θ`` raises it — but ``deg_t + deg_θ`` is, and
    is found.)  Each block is an exact sparse null space over QQ.

    Parameters
    ----------
    system : MomentumSystem
    degree : int
        Maximal total degree in (θ, v), at least 1 (default 2).
    time_degree : int, optional
        Maximal degree in the time coordinate (default :meth:`MomentumSystem.default_time_degree`).
    max_unknowns : int
        Refuse searches with more unknown coefficients than this.
    prime : int, optional
        Prime of the modular step that picks the equations imposed first; by default one that
        divides no coefficient of the generators, so that a friction such as ``τ = 2**31 - 1`` or
        ``1/(2**31 - 1)`` is seen faithfully (see :func:`lieflow.algebra.primes.prime_for`).
        The laws found do not depend on it.
    budget : Budget, optional
        Deadline, memory cap and progress (:mod:`lieflow.budget`).

    Returns
    -------
    tuple of Poly
        Sorted by degree, then by monomials.

    Raises
    ------
    BadArgumentError
        for a bad system, degree, time degree or prime.
    LimitExceededError
        if the search has more than ``max_unknowns`` unknowns.
    BudgetExceeded
        when the budget's limit is reached (``partial``: the laws verified so far).
    VerificationError
        if a computed law fails the exact check (a bug; never expected).

    Examples
    --------
    >>> from lieflow.models import custom
    >>> sys = momentum_flow(custom(["x1*y + x2*z"]), damping="none")
    >>> for h in momentum_laws(sys):
    ...     print(h)
    x1*v_x2 - x2*v_x1 + y*v_z - z*v_y
    x1*v_z - x2*v_y + y*v_x2 - z*v_x1
    >>> momentum_laws(sys, degree=1, time_degree=1)
    ()
    """
    time_degree = momentum_search_degrees(system, degree, time_degree)
    ring = system.ring
    n = ring.ngens
    unknowns = comb(n - 1 + degree, degree) * (time_degree + 1) - 1
    if unknowns > max_unknowns:
        raise LimitExceededError(
            f"degree={degree}, time_degree={time_degree}: {unknowns} unknown coefficients exceed "
            f"max_unknowns={max_unknowns}"
        )
    gens = system.generators
    # the shared solver splits the monomials by every grading that makes all generators
    # homogeneous (see solve_laws)
    found = list(verified_laws(gens, momentum_monomials(ring, degree, time_degree), prime=prime, budget=budget))
    found.sort(key=lambda h: (h.degree, [m for m, _ in h.terms()]))
    return tuple(found)


def momentum_search_degrees(system, degree: int, time_degree: int | None) -> int:
    """Check the degrees of a phase-space law search; return the time degree (the system's
    default when ``None``).

    Raises
    ------
    BadArgumentError
        for a system that is not a :class:`MomentumSystem`, ``degree < 1`` or ``time_degree < 0``.

    Examples
    --------
    >>> from lieflow.models import custom
    >>> momentum_search_degrees(momentum_flow(custom(["x*y"]), damping="nesterov"), 2, None)
    3
    """
    if not isinstance(system, MomentumSystem):
        raise BadArgumentError("system", system, "expected a MomentumSystem (see momentum_flow)")
    if isinstance(degree, bool) or not isinstance(degree, int) or degree < 1:
        raise BadArgumentError("degree", degree, "must be an integer >= 1")
    if time_degree is None:
        time_degree = system.default_time_degree()
    if isinstance(time_degree, bool) or not isinstance(time_degree, int) or time_degree < 0:
        raise BadArgumentError("time_degree", time_degree, "must be an integer >= 0")
    return time_degree


def momentum_monomials(ring: PolyRing, degree: int, time_degree: int, *, constant: bool = False) -> list:
    """The monomials ``T^j m`` of a phase-space search: ``m`` of degree ``≤ degree`` in (θ, v)
    (every variable but the last), ``j ≤ time_degree`` in the time coordinate ``T`` (the last
    variable); the constant monomial ``()`` only with ``constant=True``.

    Raises
    ------
    BadArgumentError
        for negative degrees.

    Examples
    --------
    >>> momentum_monomials(PolyRing.get(("x", "v_x", "s")), 1, 1)
    [(0,), (0, 2), (1,), (1, 2), (2,)]
    """
    for name, value in (("degree", degree), ("time_degree", time_degree)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise BadArgumentError(name, value, "must be an integer >= 0")
    T = ring.ngens - 1
    return [
        m + (T,) * j
        for d in range(degree, -1, -1)
        for m in itertools.combinations_with_replacement(range(T), d)
        for j in range(time_degree + 1)
        if d or j or constant
    ]
