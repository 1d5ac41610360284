"""The involutive-closure certificate: a proof of the number of laws that needs no law.

The closure (:mod:`lieflow.closure`) keeps fields ``K_1..K_r`` (generators and iterated brackets)
whose values at a point ``p`` are independent, so ``D - r`` bounds the number of conservation laws
from above.  This module proves that the bound is the exact count, even when the laws are not
polynomial, by checking one algebraic fact exactly:

    every generator ``X_i`` and every bracket ``[X_i, K_j]`` lies in the span of ``K_1..K_r``
    over the field of rational functions ``QQ(θ)``.

Why that settles the count: call ``M`` the set of combinations ``Σ f_j K_j`` with rational-function
coefficients.  ``[X_i, f K_j] = X_i(f) K_j + f [X_i, K_j]`` lies in ``M`` again, so ``M`` is stable
under every ``ad X_i``; it contains the generators, hence every iterated bracket, hence the whole
Lie algebra ``Lie(X)``.  Conversely every ``K_j`` is itself a bracket of generators.  So the
generic rank of ``Lie(X)`` is exactly ``r``, and (Frobenius) there are exactly ``D - r``
independent conservation laws near every point of the open dense set where ``K_1..K_r`` are
independent.  See ``docs/certificates.md`` for the continuity step and the precise statement.

How membership is decided, exactly.  ``K`` has rank ``r`` over ``QQ(θ)`` (its values at ``p`` are
independent).  The prover finds ``D - r`` polynomial covectors ``ω_1..ω_{D-r}`` ("annihilators")
with ``ω_l · K_j ≡ 0`` for every ``j`` and independent at ``p``; they span the annihilator of
``span K`` over ``QQ(θ)``, whose own annihilator is ``span K`` (dimension count).  Hence ``Y`` lies
in ``span K`` iff ``ω_l · Y ≡ 0`` for every ``l`` — an identity of polynomials, checked by
expansion.  The annihilators are found either by searching polynomial covectors of increasing
degree (an exact sparse null space over QQ, split by the gradings that make the fields homogeneous)
or from cofactors of the ``r × r`` block of ``K`` on the pivot coordinates (fraction-free
Gauss-Jordan elimination over ``QQ[θ]``): ``ω^(i) = q e_i - K_i adj(K_P)`` for each non-pivot
coordinate ``i``, ``q = det K_P``; then ``ω^(i) · Y = q Y_i - Σ_j a_j K_ij`` with ``a = adj(K_P) Y_P``,
which is the identity ``q Y = Σ_j a_j K_j`` read on coordinate ``i``.  Nothing is decided by a
random evaluation: a point is used only to *choose* pivots and to prove ranks from below (a
nonzero minor at one point is a nonzero polynomial).

>>> from lieflow import closure
>>> from lieflow.dynamics import gradient_flow
>>> from lieflow.models import custom
>>> system = gradient_flow(custom(["2*x1 + x2*x3**2 + 3*x2", "x1**2"]))
>>> res = closure(system.generators, names=system.generator_names)
>>> cert = prove_involutive(system.generators, res.kept, names=system.generator_names,
...                         point=res.point, prime=res.prime)
>>> cert.rank, cert.count, cert.checked
(2, 1, ('[X1,X2]',))
>>> cert.annihilators
((('x2', Poly(2*x2*x3)), ('x3', Poly(-x3**2 - 3))),)
>>> check_involutive(cert, generators=dict(zip(system.generator_names, system.generator_exprs())),
...                  variables=system.ring.symbols)
True

References
----------
S. Marcotte, R. Gribonval, G. Peyré, *Abide by the Law and Follow the Flow: Conservation Laws for
Gradient Flows*, NeurIPS 2023 (arXiv 2307.00144), for the counting theorem.
"""

from __future__ import annotations

import itertools
import json
import re
import time
from dataclasses import dataclass
from fractions import Fraction
from math import comb, gcd, lcm

from ..algebra import DEFAULT_PRIME, BracketCache, ModularEchelon, Poly, PointEvaluator, PolyRing, VectorField
from ..algebra import check_fields, rank_qq, rational_str
from ..algebra.linalg import is_prime, nullspace_qq
from ..errors import BadArgumentError, LimitExceededError, VerificationError

__all__ = [
    "InvolutiveCertificate",
    "InvolutiveVerdict",
    "decide_involutive",
    "prove_involutive",
    "check_involutive",
]

KIND = "involutive closure"

#: Default bound on the unknown coefficients of one degree of the annihilator search.
DEFAULT_MAX_UNKNOWNS = 250_000

#: Largest number of kept fields for which ``method="auto"`` falls back to cofactors (their
#: minors grow too fast beyond; ``method="cofactors"`` forces them).
AUTO_COFACTOR_MAX_RANK = 12

_METHODS = ("auto", "search", "cofactors")


# ---------------------------------------------------------------------------------------------
# the certificate and the verdict
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InvolutiveCertificate:
    """A proof that the kept fields span, over ``QQ(θ)``, every bracket with a generator.

    Built by :func:`prove_involutive`; re-checked from scratch by :func:`check_involutive`.

    Attributes
    ----------
    variables : tuple of str
        The ambient coordinates, in ring order (``D`` of them).
    generator_names : tuple of str
        The generators, in order.
    kept : tuple of str
        The kept bracket words ``K_1..K_r``.
    point : tuple of int (or rationals)
        The point at which ``K`` restricted to ``pivots`` is invertible.
    prime : int
        The modulus used to choose the pivots (the checker recomputes ranks over QQ).
    pivots : tuple of str
        ``r`` coordinates: ``K_P(point)`` is an invertible ``r × r`` matrix.
    checked : tuple of str
        The words ``Y`` shown to lie in ``span K``: every generator that is not kept, then every
        bracket ``[X_i, K_j]`` (a bracket of two generators is written once, lower index first).
    annihilators : tuple
        ``D - r`` covectors, each a tuple of ``(coordinate, Poly)`` pairs (zero entries left out),
        with ``ω · K_j ≡ 0`` for every kept field and independent on the non-pivot coordinates.
    method : str
        How the annihilators were found (informative only; the check does not depend on it).

    Examples
    --------
    >>> from lieflow.algebra import PolyRing
    >>> R = PolyRing.get(("x", "y"))
    >>> x, y = R.gens
    >>> cert = InvolutiveCertificate(("x", "y"), ("X1",), ("X1",), (3, 5), DEFAULT_PRIME, ("x",), (),
    ...                              ((("y", R.constant(1)),),), "search (degree 0)")
    >>> cert.kind, cert.rank, cert.count
    ('involutive closure', 1, 1)
    """

    variables: tuple
    generator_names: tuple
    kept: tuple
    point: tuple
    prime: int
    pivots: tuple
    checked: tuple
    annihilators: tuple
    method: str = ""

    kind = KIND

    def __post_init__(self):  # canonical, immutable containers
        for name in ("variables", "generator_names", "kept", "point", "pivots", "checked"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        object.__setattr__(
            self, "annihilators", tuple(tuple((str(k), p) for k, p in omega) for omega in self.annihilators)
        )

    @property
    def ambient_dim(self) -> int:
        """``D``, the number of coordinates."""
        return len(self.variables)

    @property
    def rank(self) -> int:
        """``r``, the generic rank of the Lie algebra (the number of kept fields)."""
        return len(self.kept)

    @property
    def count(self) -> int:
        """``D - r``: the exact number of independent conservation laws."""
        return self.ambient_dim - self.rank

    def to_dict(self) -> dict:
        """The certificate as a JSON-ready dict: exact term lists over variable names, rationals
        as ``"p/q"`` strings.

        Examples
        --------
        >>> from lieflow.algebra import PolyRing
        >>> R = PolyRing.get(("x", "y"))
        >>> cert = InvolutiveCertificate(("x", "y"), ("X1",), ("X1",), (3, 5), 7, ("x",), (),
        ...                              ((("y", R.gens[0] * Fraction(1, 2)),),))
        >>> cert.to_dict()["annihilators"]
        [[['y', [['1/2', [['x', 1]]]]]]]
        """
        return {
            "kind": KIND,
            "variables": list(self.variables),
            "generators": list(self.generator_names),
            "kept": list(self.kept),
            "point": [rational_str(x) for x in self.point],
            "prime": self.prime,
            "pivots": list(self.pivots),
            "checked": list(self.checked),
            "annihilators": [[[k, _poly_terms(p)] for k, p in omega] for omega in self.annihilators],
            "method": self.method,
        }

    @classmethod
    def from_dict(cls, variables, d) -> "InvolutiveCertificate":
        """Rebuild a certificate from :meth:`to_dict` output, without evaluating anything.

        Parameters
        ----------
        variables : PolyRing or sequence of str
            The system's coordinates; the dict must name exactly these, in this order.
        d : dict
            The stored certificate.

        Returns
        -------
        InvolutiveCertificate

        Raises
        ------
        VerificationError
            for anything malformed (each message names the field).

        Examples
        --------
        >>> from lieflow.algebra import PolyRing
        >>> R = PolyRing.get(("x", "y"))
        >>> cert = InvolutiveCertificate(("x", "y"), ("X1",), ("X1",), (3, 5), 7, ("x",), (),
        ...                              ((("y", R.constant(1)),),))
        >>> InvolutiveCertificate.from_dict(R, cert.to_dict()) == cert
        True
        >>> InvolutiveCertificate.from_dict(R, {**cert.to_dict(), "pivots": ["z"]})
        Traceback (most recent call last):
        ...
        lieflow.errors.VerificationError: involutive certificate: pivots: unknown coordinate 'z'
        """
        return _certificate_from_dict(variables, d)

    def check(self, *, generators, variables, field_of=None) -> bool:
        """Re-check this certificate from scratch: :func:`check_involutive` on ``self``.

        Raises
        ------
        VerificationError
            naming the first check that failed.

        Examples
        --------
        >>> import sympy
        >>> from lieflow.algebra import PolyRing
        >>> R = PolyRing.get(("x", "y"))
        >>> cert = InvolutiveCertificate(("x", "y"), ("X1",), ("X1",), (3, 5), 7, ("x",), (),
        ...                              ((("y", R.constant(1)),),))
        >>> cert.check(generators={"X1": sympy.Matrix([1, 0])}, variables=("x", "y"))
        True
        """
        return check_involutive(self, generators=generators, variables=variables, field_of=field_of)


@dataclass(frozen=True)
class InvolutiveVerdict:
    """What :func:`decide_involutive` concluded.

    Attributes
    ----------
    certificate : InvolutiveCertificate or None
        The proof, when every required field lies in ``span K`` over ``QQ(θ)``.
    failed_word : str or None
        Otherwise the first word ``Y`` proven *not* to lie in ``span K``.
    reason : str or None
        Why it is not in the span: ``"independent at the point"`` (``K(p)`` and ``Y(p)`` are
        already independent) or ``"not in the span over QQ(θ)"`` (an annihilator does not vanish
        on it identically).
    """

    certificate: InvolutiveCertificate | None
    failed_word: str | None = None
    reason: str | None = None

    @property
    def proven(self) -> bool:
        return self.certificate is not None


# ---------------------------------------------------------------------------------------------
# the prover
# ---------------------------------------------------------------------------------------------


def prove_involutive(
    generators,
    kept,
    *,
    names,
    point,
    prime: int = DEFAULT_PRIME,
    deadline: float | None = None,
    cache: BracketCache | None = None,
    method: str = "auto",
    max_unknowns: int = DEFAULT_MAX_UNKNOWNS,
) -> InvolutiveCertificate | None:
    """Prove exactly that the kept fields of a *closed* closure span the whole Lie algebra.

    Every non-kept generator and every bracket ``[X_i, K_j]`` is expanded symbolically and shown
    to lie in the span of ``K`` over ``QQ(θ)`` (see the module docstring).  Pass the ``kept``
    fields of a closure that finished with reason ``"closed"`` (or ``"full"``); a closure stopped
    by a target rank or a limit has not bracketed every kept field with every generator, so its
    ``K`` is usually not closed — this function recomputes every bracket anyway, so it then
    simply returns ``None``.

    Parameters
    ----------
    generators : sequence of VectorField
        The system's generators ``X_i`` (one ring).
    kept : sequence of (str, VectorField)
        The closure's ``ClosureResult.kept``: words and fields ``K_1..K_r``.
    names : sequence of str
        The generator names (as in the words).
    point : sequence of int
        The closure's point: ``K(point)`` must have rank ``r`` modulo ``prime``.
    prime : int
        The closure's prime.
    deadline : float, optional
        A ``time.perf_counter()`` value; passing it raises :class:`LimitExceededError`.
    cache : BracketCache, optional
        Memo for the brackets (e.g. the closure's).
    method : {"auto", "search", "cofactors"}
        How to find the annihilators: a degree-by-degree search for polynomial covectors,
        cofactors of the pivot block, or (``"auto"``) cofactors when ``r <= 2`` and otherwise
        the search up to ``max_unknowns`` unknowns per degree, then cofactors if
        ``r <= AUTO_COFACTOR_MAX_RANK`` (12).
    max_unknowns : int
        Largest number of unknown coefficients the search may use for one degree.

    Returns
    -------
    InvolutiveCertificate or None
        ``None`` when some field is proven not to lie in ``span K`` (the count stays unproven);
        :func:`decide_involutive` also tells which field.

    Raises
    ------
    BadArgumentError
        for malformed input, or kept fields that are not independent at ``point``.
    IncompatibleRingError
        if the fields live over different rings.
    LimitExceededError
        when ``deadline`` passes (checked between steps of the work), or when the search would
        need more than ``max_unknowns`` unknowns and cofactors are not to be tried; the count is
        then not proven.

    Examples
    --------
    >>> from lieflow import closure
    >>> from lieflow.dynamics import gradient_flow
    >>> from lieflow.models import custom
    >>> system = gradient_flow(custom(["x1*x2*x3"]))
    >>> res = closure(system.generators, names=system.generator_names)
    >>> cert = prove_involutive(system.generators, res.kept, names=system.generator_names,
    ...                         point=res.point, prime=res.prime)
    >>> cert.count, cert.checked
    (2, ())
    """
    return decide_involutive(
        generators,
        kept,
        names=names,
        point=point,
        prime=prime,
        deadline=deadline,
        cache=cache,
        method=method,
        max_unknowns=max_unknowns,
    ).certificate


def decide_involutive(
    generators,
    kept,
    *,
    names,
    point,
    prime: int = DEFAULT_PRIME,
    deadline: float | None = None,
    cache: BracketCache | None = None,
    method: str = "auto",
    max_unknowns: int = DEFAULT_MAX_UNKNOWNS,
) -> InvolutiveVerdict:
    """Decide exactly whether ``span K`` is closed; the certificate, or the first field outside.

    Same parameters as :func:`prove_involutive`.

    Returns
    -------
    InvolutiveVerdict

    Raises
    ------
    BadArgumentError, IncompatibleRingError, LimitExceededError
        as for :func:`prove_involutive`.

    Examples
    --------
    >>> from lieflow.algebra import PolyRing, VectorField
    >>> R = PolyRing.get(("x", "y", "z"))
    >>> x, y, z = R.gens
    >>> X1, X2 = VectorField(R, {"x": 1}), VectorField(R, {"y": x, "z": x * x})
    >>> v = decide_involutive([X1, X2], [("X1", X1), ("X2", X2)], names=["X1", "X2"], point=[1, 2, 3])
    >>> v.proven, v.failed_word, v.reason
    (False, '[X1,X2]', 'independent at the point')
    """
    gens, kept, names, point, prime = _check_inputs(generators, kept, names, point, prime)
    if method not in _METHODS:
        raise BadArgumentError("method", method, f"must be one of {_METHODS}")
    if isinstance(max_unknowns, bool) or not isinstance(max_unknowns, int) or max_unknowns < 1:
        raise BadArgumentError("max_unknowns", max_unknowns, "must be an integer >= 1")
    if deadline is not None and (isinstance(deadline, bool) or not isinstance(deadline, (int, float))):
        raise BadArgumentError("deadline", deadline, "must be a time.perf_counter() value")
    ring = gens[0].ring
    fields = [K for _, K in kept]
    ev = PointEvaluator(point, prime)
    echelon, pivots = _pivots(fields, [w for w, _ in kept], ev, ring.ngens, prime)
    required = _required_fields(gens, names, kept)
    outside = _screen_at_point(required, echelon, ev, deadline)
    if outside is not None:
        return InvolutiveVerdict(None, outside, "independent at the point")
    omegas, how = _annihilators(ring, fields, pivots, ev, deadline, method, max_unknowns)
    _check_annihilators(omegas, fields, pivots, ev)
    outside = _first_outside(required, omegas, cache if cache is not None else BracketCache(), deadline)
    if outside is not None:
        return InvolutiveVerdict(None, outside, "not in the span over QQ(θ)")
    symbols = ring.symbols
    cert = InvolutiveCertificate(
        variables=symbols,
        generator_names=tuple(names),
        kept=tuple(w for w, _ in kept),
        point=tuple(point),
        prime=prime,
        pivots=tuple(symbols[k] for k in pivots),
        checked=tuple(w for w, _ in required),
        annihilators=tuple(tuple((symbols[k], p) for k, p in sorted(omega.items())) for omega in omegas),
        method=how,
    )
    return InvolutiveVerdict(cert)


def _screen_at_point(required, echelon: ModularEchelon, ev: PointEvaluator, deadline):
    """The first required word whose value at the point is independent of ``K(p)``, or None.

    Such a field is certainly outside ``span K`` over ``QQ(θ)``: some ``(r+1)``-minor of
    ``[K | Y]`` is nonzero at the point, so it is not the zero polynomial.  Brackets are
    evaluated from values and Jacobians, without expanding them.
    """
    for i, (word, spec) in enumerate(required):
        if i % 64 == 0:
            _check_deadline(deadline, "screening the brackets at the point")
        value = ev.dense(spec) if isinstance(spec, VectorField) else ev.bracket_value(*spec)
        if any(echelon.reduce(value)):
            return word
    return None


def _first_outside(required, omegas, cache: BracketCache, deadline):
    """The first required word ``Y`` with ``ω · Y ≢ 0`` for some annihilator, or None."""
    for word, spec in required:
        _check_deadline(deadline, f"checking {word}")
        Y = spec if isinstance(spec, VectorField) else cache.bracket(*spec)
        if not all(_vanishes(omega, Y) for omega in omegas):
            return word
    return None


def _check_deadline(deadline, stage: str) -> None:
    if deadline is not None and time.perf_counter() > deadline:
        raise LimitExceededError(f"not proven: the involutive check ran out of time ({stage})")


def _check_inputs(generators, kept, names, point, prime):
    gens = check_fields(generators, "generators")
    ring = gens[0].ring
    if isinstance(names, str):
        raise BadArgumentError("names", names, "expected a sequence of generator names")
    names = tuple(names)
    if len(names) != len(gens) or len(set(names)) != len(names):
        raise BadArgumentError("names", names, f"need {len(gens)} distinct generator names")
    try:
        kept = tuple((w, K) for w, K in kept)
    except (TypeError, ValueError):
        raise BadArgumentError("kept", kept, "expected (word, VectorField) pairs (ClosureResult.kept)") from None
    for w, K in kept:
        if not isinstance(w, str) or not isinstance(K, VectorField):
            raise BadArgumentError("kept", (w, K), "expected (word, VectorField) pairs (ClosureResult.kept)")
        if K.ring is not ring:
            check_fields([gens[0], K], "kept")
    words = [w for w, _ in kept]
    if len(set(words)) != len(words):
        raise BadArgumentError("kept", words, "kept words must be distinct")
    point = tuple(point)
    if len(point) != ring.ngens or any(isinstance(x, bool) or not isinstance(x, int) for x in point):
        raise BadArgumentError("point", point, f"need {ring.ngens} integer coordinates")
    if isinstance(prime, bool) or not isinstance(prime, int) or not (2 < prime < 2**31) or not is_prime(prime):
        raise BadArgumentError("prime", prime, "must be a prime between 3 and 2**31")
    return gens, kept, names, point, prime


def _pivots(fields, words, ev: PointEvaluator, n: int, prime: int):
    """An echelon form of ``K(p)`` (to screen candidates) and ``r`` pivot coordinates.

    The pivots are chosen greedily, cheapest coordinate first (fewest terms, weighted by degree,
    in that row of ``K``), among the coordinates whose rows of ``K(p)`` are independent: a
    minimum-cost basis of the row matroid, so that cofactors of the pivot block stay small.
    """
    r = len(fields)
    echelon = ModularEchelon(n, prime)
    for j, K in enumerate(fields):
        if not echelon.add(ev.dense(K)):
            raise BadArgumentError("kept", words[j], "the kept fields are not independent at the point")
    cost = [0] * n
    for K in fields:
        for k, comp in K.components:
            cost[k] += len(comp) * (1 + comp.degree)
    rows = ModularEchelon(r, prime)
    values = [ev.value(K) for K in fields]
    pivots = []
    for k in sorted(range(n), key=lambda k: (cost[k] == 0, cost[k], k)):
        if len(pivots) == r:
            break
        if rows.add([v.get(k, 0) for v in values]):
            pivots.append(k)
    return echelon, sorted(pivots)


def _required_fields(gens, names, kept) -> list:
    """``(word, spec)`` for every field that must lie in ``span K``: each generator that is not
    kept (spec: the field), then each bracket ``[X_i, K_j]`` (spec: the pair to bracket)."""
    kept_words = {w for w, _ in kept}
    index = {nm: i for i, nm in enumerate(names)}
    out = [(nm, X) for nm, X in zip(names, gens) if nm not in kept_words]
    for kw, K in kept:
        for i, (gw, X) in enumerate(zip(names, gens)):
            if gw == kw:
                continue
            k = index.get(kw)
            if k is not None:  # a bracket of two generators: once, lower index first
                if gw in kept_words and i > k:
                    continue
                a, b = (i, k) if i < k else (k, i)
                out.append((f"[{names[a]},{names[b]}]", (gens[a], gens[b])))
            else:
                out.append((f"[{gw},{kw}]", (X, K)))
    return out


def _vanishes(omega: dict, Y: VectorField) -> bool:
    """Whether ``ω · Y ≡ 0`` (a covector ``{coordinate: Poly}`` against a field), expanded in
    one accumulator."""
    acc: dict = {}
    for k, comp in Y.components:
        w = omega.get(k)
        if w is None:
            continue
        terms = list(comp.items())
        for m1, c1 in w.items():
            for m2, c2 in terms:
                m = tuple(sorted(m1 + m2)) if m1 and m2 else (m1 or m2)
                acc[m] = acc.get(m, 0) + c1 * c2
    return not any(acc.values())


def _check_annihilators(omegas, fields, pivots, ev: PointEvaluator) -> None:
    """Internal consistency: ``ω · K_j ≡ 0`` and ``ω`` independent on the non-pivot coordinates
    at the point (both guaranteed by construction; a failure is a bug)."""
    n = ev.n
    free = [k for k in range(n) if k not in set(pivots)]
    if len(omegas) != len(free):
        raise VerificationError(f"{len(omegas)} annihilators for {len(free)} non-pivot coordinates")
    for omega in omegas:
        for K in fields:
            if not _vanishes(omega, K):
                raise VerificationError("an annihilator does not vanish on a kept field")
    block = ModularEchelon(len(free), ev.prime)
    for omega in omegas:
        if not block.add([omega[k].evaluate_mod(ev.point, ev.prime) if k in omega else 0 for k in free]):
            raise VerificationError("the annihilators are dependent on the non-pivot coordinates")


# ---------------------------------------------------------------------------------------------
# annihilators: degree-by-degree search, or cofactors of the pivot block
# ---------------------------------------------------------------------------------------------


def _annihilators(ring, fields, pivots, ev, deadline, method, max_unknowns):
    """``(list of covectors {k: Poly}, description)``: ``D - r`` polynomial covectors vanishing
    on every kept field and independent at the point."""
    r = len(fields)
    if method == "cofactors" or (method == "auto" and r <= 2):
        return _cofactor_annihilators(ring, fields, pivots, ev, deadline), "cofactors"
    found = _searched_annihilators(ring, fields, ev, deadline, max_unknowns)
    if found is not None:
        return found
    if method == "auto" and r <= AUTO_COFACTOR_MAX_RANK:
        return _cofactor_annihilators(ring, fields, pivots, ev, deadline), "cofactors"
    raise LimitExceededError(
        f"not proven: the annihilator search needs more than max_unknowns={max_unknowns} unknowns"
        + (f" and r = {r} is too large for cofactors" if method == "auto" else "")
    )


def _cofactor_degree_bound(fields) -> int:
    """An upper bound on the degree of the cofactor annihilators (sum of the fields' degrees)."""
    return sum(max(K.degree, 0) for K in fields)


def _searched_annihilators(ring, fields, ev: PointEvaluator, deadline, max_unknowns):
    """Search polynomial covectors of degree ``0, 1, 2, ...`` vanishing on every kept field, until
    ``D - r`` of them are independent at the point; ``None`` past ``max_unknowns``.

    The search is complete: the cofactor annihilators have degree at most the sum of the fields'
    degrees, so it succeeds by that degree at the latest.
    """
    n, r = ev.n, len(fields)
    need = n - r
    if need == 0:
        return [], "search (degree 0)"
    weights = _gradings(fields, n)
    for d in range(_cofactor_degree_bound(fields) + 1):
        if n * comb(n + d, d) > max_unknowns:
            return None
        _check_deadline(deadline, f"annihilator search, degree {d}")
        candidates = _annihilator_space(ring, fields, d, weights, deadline)
        chosen = _independent_at_point(candidates, ev, need)
        if len(chosen) == need:
            return chosen, f"search (degree {d})"
    return None  # pragma: no cover - unreachable (completeness above)


def _gradings(fields, n: int) -> list:
    """Per variable, its weights under every grading that makes all kept fields homogeneous."""
    if not fields or all(K.is_zero for K in fields):
        return [()] * n
    from ..laws import homogeneity_weights

    W = homogeneity_weights([K for K in fields if not K.is_zero])
    return [tuple(w[i] for w in W) for i in range(n)]


def _annihilator_space(ring, fields, d: int, wvar: list, deadline) -> list:
    """A basis (exact, over QQ) of the covectors of degree ``<= d`` that vanish on every field.

    Unknowns are the coefficients ``c[k, α]`` of ``θ^α dθ_k``.  A grading ``w`` that makes every
    field homogeneous (shift ``δ_j``) gives ``θ^α dθ_k`` the weight ``w·α + w_k``; the product with
    a term of ``K_j`` then has weight ``w·α + w_k + δ_j``, so unknowns of different weights never
    share an equation and each weight class is solved on its own.
    """
    n = ring.ngens
    nw = len(wvar[0]) if wvar else 0
    blocks: dict = {}
    for deg in range(d + 1):
        for alpha in itertools.combinations_with_replacement(range(n), deg):
            wa = [sum(wvar[i][t] for i in alpha) for t in range(nw)]
            for k in range(n):
                key = tuple(wa[t] + wvar[k][t] for t in range(nw))
                blocks.setdefault(key, []).append((k, alpha))
    by_coord: dict = {}  # coordinate k -> [(field index j, terms of K_j^k)]
    for j, K in enumerate(fields):
        for k, comp in K.components:
            by_coord.setdefault(k, []).append((j, list(comp.items())))
    out = []
    for key in sorted(blocks):
        _check_deadline(deadline, f"annihilator search, degree {d}")
        unknowns = blocks[key]
        eqs: dict = {}
        for col, (k, alpha) in enumerate(unknowns):
            for j, terms in by_coord.get(k, ()):
                for m, c in terms:
                    mu = tuple(sorted(alpha + m)) if alpha and m else (alpha or m)
                    row = eqs.get((j, mu))
                    if row is None:
                        row = eqs[(j, mu)] = {}
                    row[col] = row.get(col, 0) + c
        for vec in _null_space(eqs.values(), len(unknowns)):
            out.append(_covector(ring, {unknowns[c]: x for c, x in vec.items()}))
    return out


def _null_space(rows, ncols: int) -> list:
    """Exact null space of sparse rows over QQ, after propagating the unknowns forced to zero.

    A row with one unknown left forces it to 0, which may leave another row with one unknown,
    and so on (a queue, linear time).  Only the other unknowns and rows go to the exact
    elimination; forced unknowns are 0 in every solution, so the null space is the same.
    """
    rows = [{c: v for c, v in row.items() if v} for row in rows]
    live = [len(row) for row in rows]
    containing: dict = {}
    for i, row in enumerate(rows):
        for c in row:
            containing.setdefault(c, []).append(i)
    forced = set()
    queue = [i for i, n in enumerate(live) if n == 1]
    while queue:
        i = queue.pop()
        if live[i] != 1:
            continue
        c = next(c for c in rows[i] if c not in forced)
        forced.add(c)
        for i2 in containing[c]:
            live[i2] -= 1
            if live[i2] == 1:
                queue.append(i2)
    free = [c for c in range(ncols) if c not in forced]
    if not free:
        return []
    index = {c: t for t, c in enumerate(free)}
    reduced = [{index[c]: v for c, v in row.items() if c in index} for row, n in zip(rows, live) if n >= 2]
    return [{free[t]: x for t, x in vec.items()} for vec in nullspace_qq(reduced, len(free))]


def _covector(ring, coeffs: dict) -> dict:
    """``{(k, α): c}`` -> ``{k: Poly}`` scaled to coprime integer coefficients, the leading
    term of the first nonzero entry positive."""
    den = 1
    for c in coeffs.values():
        if type(c) is not int:
            den = lcm(den, Fraction(c).denominator)
    ints = {key: int(Fraction(c) * den) for key, c in coeffs.items()}
    g = 0
    for v in ints.values():
        g = gcd(g, v)
    by_coord: dict = {}
    for (k, alpha), v in ints.items():
        if v:
            by_coord.setdefault(k, {})[alpha] = v // g
    omega = {k: Poly(ring, terms) for k, terms in by_coord.items()}
    if omega and omega[min(omega)].terms()[0][1] < 0:  # canonical sign: leading entry positive
        omega = {k: -p for k, p in omega.items()}
    return omega


def _independent_at_point(candidates, ev: PointEvaluator, need: int) -> list:
    """Up to ``need`` candidates independent at the point, simplest first (degree, then size)."""
    n, prime = ev.n, ev.prime
    echelon = ModularEchelon(n, prime)
    chosen = []
    size = lambda om: (max(p.degree for p in om.values()), sum(len(p) for p in om.values()))
    for omega in sorted(candidates, key=size):
        value = [omega[k].evaluate_mod(ev.point, prime) if k in omega else 0 for k in range(n)]
        if echelon.add(value):
            chosen.append(omega)
            if len(chosen) == need:
                break
    return chosen


def _cofactor_annihilators(ring, fields, pivots, ev: PointEvaluator, deadline) -> list:
    """The covectors ``q e_i - K_i adj(K_P)`` for each non-pivot coordinate ``i``, each divided by
    the gcd of its entries, from a fraction-free Gauss-Jordan elimination over ``QQ[θ]``.

    Rows are the kept fields, columns the coordinates (pivots first).  Step ``k`` picks a row
    whose entry in pivot column ``k`` is nonzero at the point (one exists: ``K_P(p)`` is
    invertible) and sets ``a_ij <- (a_kk a_ij - a_ik a_kj) / (previous pivot)`` for every other
    row ``i``, an exact division (every entry is then a minor of the matrix).  At the end the
    pivot block is ``q I`` and the other columns hold ``q K_P^{-T} K_N^T``.
    """
    from sympy import QQ
    from sympy.polys.rings import ring as sympy_ring

    n, r = ev.n, len(fields)
    free = [k for k in range(n) if k not in set(pivots)]
    if r == 0:
        return [{k: ring.constant(1)} for k in free]
    S = sympy_ring(list(ring.symbols), QQ)[0]
    order = list(pivots) + free
    A = [[_to_sympy_poly(S, K.component(k), n) for k in order] for K in fields]
    prev = S.one
    for k in range(r):
        _check_deadline(deadline, f"cofactor elimination, step {k + 1} of {r}")
        row = next((i for i in range(k, r) if A[i][k] and _sympy_mod(A[i][k], ev) != 0), None)
        if row is None:  # pragma: no cover - impossible: K_P(p) is invertible
            raise VerificationError("singular pivot block in the cofactor elimination")
        A[k], A[row] = A[row], A[k]
        pk = A[k]
        piv = pk[k]
        for i in range(r):
            if i == k:
                continue
            _check_deadline(deadline, f"cofactor elimination, step {k + 1} of {r}")
            ai = A[i]
            f = ai[k]
            for c in range(n):
                if c == k:
                    continue
                x, y = ai[c], pk[c]
                if not x and not (f and y):
                    continue
                ai[c] = (piv * x - f * y).exquo(prev) if prev != S.one else piv * x - f * y
            ai[k] = S.zero
        prev = piv
    q = A[0][0]
    out = []
    for t, i in enumerate(free):
        _check_deadline(deadline, f"cofactor annihilator {t + 1} of {len(free)}")
        entries = {i: q}
        for k in range(r):
            e = A[k][r + t]
            if e:
                entries[pivots[k]] = -e
        g = S.zero
        for e in entries.values():
            g = e if not g else g.gcd(e)
        out.append(_covector_from_sympy(ring, {k: e.exquo(g) for k, e in entries.items()}))
    return out


def _to_sympy_poly(S, p: Poly, n: int):
    from sympy import QQ

    terms = {}
    for m, c in p.items():
        e = [0] * n
        for i in m:
            e[i] += 1
        c = Fraction(c)
        terms[tuple(e)] = QQ(c.numerator, c.denominator)
    return S.from_dict(terms) if terms else S.zero


def _sympy_mod(f, ev: PointEvaluator) -> int:
    """Value of a sympy sparse polynomial at the point, modulo the prime."""
    from sympy import QQ

    prime, pt = ev.prime, ev.point
    total = 0
    for e, c in f.items():
        c = QQ.to_sympy(c)
        v = int(c.p) * pow(int(c.q), -1, prime)
        for i, k in enumerate(e):
            if k:
                v = v * pow(pt[i], k, prime) % prime
        total += v
    return total % prime


def _covector_from_sympy(ring: PolyRing, entries: dict) -> dict:
    from sympy import QQ

    coeffs = {}
    for k, f in entries.items():
        for e, c in f.items():
            c = QQ.to_sympy(c)
            alpha = tuple(i for i, x in enumerate(e) for _ in range(x))
            coeffs[(k, alpha)] = Fraction(int(c.p), int(c.q))
    return _covector(ring, coeffs)


# ---------------------------------------------------------------------------------------------
# JSON: exact term lists, strict loading
# ---------------------------------------------------------------------------------------------


def _poly_terms(p: Poly) -> list:
    """``[[coefficient "p/q", [[name, exponent], ...]], ...]`` (the format of ``lieflow.io``)."""
    out = []
    for m, c in p.terms():
        powers: dict = {}
        for i in m:
            powers[p.ring.symbols[i]] = powers.get(p.ring.symbols[i], 0) + 1
        out.append([rational_str(c), [[k, e] for k, e in powers.items()]])
    return out


_RATIONAL = re.compile(r"-?[0-9]+(/[0-9]+)?")


def _bad(field: str, reason: str):
    return VerificationError(f"involutive certificate: {field}: {reason}")


def _rational(s, field: str):
    if not isinstance(s, str) or not _RATIONAL.fullmatch(s):
        raise _bad(field, f"expected a rational 'p/q' string, got {s!r}")
    value = Fraction(s) if not s.endswith("/0") else None
    if value is None:
        raise _bad(field, f"zero denominator in {s!r}")
    return value.numerator if value.denominator == 1 else value


def _str_list(d: dict, key: str) -> tuple:
    v = d.get(key)
    if not isinstance(v, list) or any(not isinstance(x, str) for x in v):
        raise _bad(key, f"expected a list of strings, got {v!r}")
    return tuple(v)


def _poly_from_terms(ring: PolyRing, terms, field: str) -> Poly:
    if not isinstance(terms, list):
        raise _bad(field, f"expected a term list, got {terms!r}")
    out: dict = {}
    for term in terms:
        if not isinstance(term, list) or len(term) != 2 or not isinstance(term[1], list):
            raise _bad(field, f"malformed term {term!r}")
        c = _rational(term[0], field)
        mono = []
        for power in term[1]:
            if not isinstance(power, list) or len(power) != 2:
                raise _bad(field, f"malformed power {power!r}")
            name, e = power
            if name not in ring.index:
                raise _bad(field, f"unknown variable {name!r}")
            if isinstance(e, bool) or not isinstance(e, int) or e < 1:
                raise _bad(field, f"exponent must be an integer >= 1, got {e!r}")
            mono.extend([ring.index[name]] * e)
        mono = tuple(sorted(mono))
        out[mono] = out.get(mono, 0) + c
    return Poly(ring, out)


def _certificate_from_dict(variables, d) -> InvolutiveCertificate:
    if isinstance(variables, PolyRing):
        ring = variables
    else:
        try:
            ring = PolyRing.get(tuple(variables))
        except (TypeError, BadArgumentError):
            raise BadArgumentError("variables", variables, "expected a PolyRing or variable names") from None
    if not isinstance(d, dict):
        raise _bad("certificate", f"expected a dict, got {type(d).__name__}")
    if d.get("kind") != KIND:
        raise _bad("kind", f"expected {KIND!r}, got {d.get('kind')!r}")
    names = _str_list(d, "variables")
    if names != ring.symbols:
        raise _bad("variables", f"{list(names)} are not the system's {list(ring.symbols)}")
    generators, kept, checked = _str_list(d, "generators"), _str_list(d, "kept"), _str_list(d, "checked")
    pivots = _str_list(d, "pivots")
    for p in pivots:
        if p not in ring.index:
            raise _bad("pivots", f"unknown coordinate {p!r}")
    point = d.get("point")
    if not isinstance(point, list):
        raise _bad("point", f"expected a list of 'p/q' strings, got {point!r}")
    point = tuple(_rational(x, "point") for x in point)
    prime = d.get("prime")
    if isinstance(prime, bool) or not isinstance(prime, int):
        raise _bad("prime", f"expected an integer, got {prime!r}")
    method = d.get("method", "")
    if not isinstance(method, str):
        raise _bad("method", f"expected a string, got {method!r}")
    raw = d.get("annihilators")
    if not isinstance(raw, list):
        raise _bad("annihilators", f"expected a list, got {raw!r}")
    omegas = []
    for l, omega in enumerate(raw):
        field = f"annihilators[{l}]"
        if not isinstance(omega, list):
            raise _bad(field, f"expected a list of [coordinate, terms], got {omega!r}")
        entries = {}
        for entry in omega:
            if not isinstance(entry, list) or len(entry) != 2 or entry[0] not in ring.index:
                raise _bad(field, f"malformed entry {entry!r}")
            if entry[0] in entries:
                raise _bad(field, f"coordinate {entry[0]!r} given twice")
            p = _poly_from_terms(ring, entry[1], field)
            if p:
                entries[entry[0]] = p
        omegas.append(tuple(sorted(entries.items(), key=lambda kp: ring.index[kp[0]])))
    return InvolutiveCertificate(names, generators, kept, point, prime, pivots, checked, tuple(omegas), method)


# ---------------------------------------------------------------------------------------------
# the independent checker (plain sympy)
# ---------------------------------------------------------------------------------------------


def check_involutive(certificate, *, generators, variables, field_of=None) -> bool:
    """Re-check an involutive-closure certificate from scratch with plain sympy.

    Nothing stored is trusted except what is recomputed here, with sympy's own sparse polynomials
    (``sympy.polys.rings``, not lieflow's): the kept fields come from ``field_of`` (or from the
    generators by the textbook bracket), every required field ``Y`` (each generator not kept,
    each ``[X_i, K_j]``) is recomputed from the generators, and

    1. ``K`` restricted to the pivot coordinates is invertible at the point (exact rank over QQ):
       ``K`` has rank ``r`` over ``QQ(θ)``;
    2. there are ``D - r`` annihilators, independent on the other coordinates at the point;
    3. every annihilator vanishes identically on every ``K_j`` (expansion): together with 1 and 2,
       they cut out exactly ``span K`` over ``QQ(θ)``;
    4. the certificate lists exactly the required words, and every annihilator vanishes
       identically on every required ``Y`` (expansion): ``Y`` lies in ``span K``.

    Parameters
    ----------
    certificate : InvolutiveCertificate
    generators : mapping of str to sympy.Matrix
        The generators rebuilt independently (``dict(zip(system.generator_names,
        system.generator_exprs()))``), in generator order: column matrices in ring order.
    variables : sequence of str or sympy.Symbol
        The system's coordinates, in ring order.
    field_of : callable, optional
        ``word -> sympy.Matrix`` for the kept words (e.g. the census verifier's memoized
        rebuild); by default computed here from ``generators`` by the textbook bracket formula
        ``[A, B]^k = Σ_j A^j ∂_j B^k - B^j ∂_j A^k``.

    Returns
    -------
    True

    Raises
    ------
    VerificationError
        naming the first check (and word) that failed.

    Examples
    --------
    >>> import sympy
    >>> from lieflow.algebra import PolyRing
    >>> R = PolyRing.get(("x", "y"))
    >>> x, y = sympy.symbols("x y")
    >>> gens = {"X1": sympy.Matrix([1, 0]), "X2": sympy.Matrix([0, x])}
    >>> cert = InvolutiveCertificate(("x", "y"), ("X1", "X2"), ("X1",), (3, 5), 7, ("x",), (),
    ...                              ((("y", R.constant(1)),),))
    >>> check_involutive(cert, generators=gens, variables=["x", "y"])
    Traceback (most recent call last):
    ...
    lieflow.errors.VerificationError: involutive certificate: checked: the certificate does not list the required word 'X2'
    """
    import sympy
    from sympy import QQ
    from sympy.polys.rings import ring as sympy_ring

    if not isinstance(certificate, InvolutiveCertificate):
        raise VerificationError(f"expected an InvolutiveCertificate, got {type(certificate).__name__}")
    cert = certificate
    syms = [v if isinstance(v, sympy.Symbol) else sympy.Symbol(str(v)) for v in variables]
    exprs = {str(k): sympy.Matrix(v) for k, v in dict(generators).items()}
    _check_shape(cert, syms, exprs)
    S = sympy_ring(syms, QQ)[0]
    gens = {name: _column(S, X, name) for name, X in exprs.items()}
    variables_of = _variables_memo()
    if field_of is None:
        kept = [_textbook_fields(gens, S, variables_of)(w) for w in cert.kept]
    else:
        kept = [_column(S, sympy.Matrix(field_of(w)), w) for w in cert.kept]
    index = {str(s): i for i, s in enumerate(syms)}
    pivots = [index[p] for p in cert.pivots]
    free = [i for i in range(len(syms)) if i not in set(pivots)]
    point = [Fraction(x) for x in cert.point]

    block = [[_value(K[k], point) for K in kept] for k in pivots]
    if (rank_qq(block) if block else 0) != len(kept):
        raise _bad("pivots", "the kept fields restricted to the pivot coordinates are singular at the point")
    dense = [_stored_covector(S, omega, index) for omega in cert.annihilators]
    block = [[_value(om[k], point) for k in free] for om in dense]
    if (rank_qq(block) if block else 0) != len(free):
        raise _bad("annihilators", "they are dependent on the non-pivot coordinates at the point")
    omegas = [[(k, a) for k, a in enumerate(om) if a] for om in dense]
    for w, K in zip(cert.kept, kept):
        if any(_dot(om, K) for om in omegas):
            raise _bad("annihilators", f"one does not vanish on the kept field {w}")

    required = _required_words(list(gens), list(cert.kept))
    for w in required:
        if w not in cert.checked:
            raise _bad("checked", f"the certificate does not list the required word {w!r}")
    for w in cert.checked:
        if w not in required:
            raise _bad("checked", f"{w!r} is not a required word")
    kept_of = dict(zip(cert.kept, kept))
    for w in required:
        Y = gens[w] if w in gens else _textbook_bracket(*_bracket_parts(w, gens, kept_of), S, variables_of)
        if any(_dot(om, Y) for om in omegas):
            raise VerificationError(f"involutive certificate: {w} is not in the span of the kept fields")
    return True


def _check_shape(cert, syms, gens) -> None:
    n = len(syms)
    if tuple(str(s) for s in syms) != tuple(cert.variables):
        raise _bad("variables", f"{list(cert.variables)} are not the system's {[str(s) for s in syms]}")
    if tuple(gens) != tuple(cert.generator_names):
        raise _bad("generators", f"{list(cert.generator_names)} are not the system's {list(gens)}")
    for name, X in gens.items():
        if X.shape != (n, 1):
            raise _bad("generators", f"{name} is not a column of {n} components")
    if len(cert.point) != n:
        raise _bad("point", f"expected {n} coordinates, got {len(cert.point)}")
    if len(set(cert.kept)) != len(cert.kept):
        raise _bad("kept", "repeated word")
    if len(cert.pivots) != len(cert.kept) or len(set(cert.pivots)) != len(cert.pivots):
        raise _bad("pivots", f"need {len(cert.kept)} distinct coordinates, got {list(cert.pivots)}")
    if any(p not in cert.variables for p in cert.pivots):
        raise _bad("pivots", f"unknown coordinate in {list(cert.pivots)}")
    if len(cert.annihilators) != n - len(cert.kept):
        raise _bad("annihilators", f"expected {n - len(cert.kept)}, got {len(cert.annihilators)}")


def _column(S, M, name: str) -> list:
    """A sympy column of polynomial expressions as sympy sparse polynomials."""
    import sympy

    try:
        return [S.from_expr(e) if e != 0 else S.zero for e in M]
    except (ValueError, TypeError, sympy.PolynomialError, sympy.CoercionFailed):
        raise _bad("fields", f"{name} is not a polynomial field in the variables") from None


def _fraction(c) -> Fraction:
    from sympy import QQ

    c = QQ.to_sympy(c)
    return Fraction(int(c.p), int(c.q))


def _value(f, point) -> Fraction:
    """The exact value of a sympy sparse polynomial at a rational point."""
    total = Fraction(0)
    for exps, c in f.items():
        term = _fraction(c)
        for x, e in zip(point, exps):
            if e:
                term *= x**e
        total += term
    return total


def _stored_covector(S, omega, index) -> list:
    """A stored covector as sympy sparse polynomials (ring order), from its exact terms."""
    from sympy import QQ

    n = len(index)
    out = [S.zero] * n
    for name, p in omega:
        terms = {}
        for coeff, powers in _poly_terms(p):
            exps = [0] * n
            for var, e in powers:
                exps[index[var]] += e
            c = Fraction(coeff)
            terms[tuple(exps)] = QQ(c.numerator, c.denominator)
        out[index[name]] = S.from_dict(terms) if terms else S.zero
    return out


def _dot(omega, Y):
    """``ω · Y`` expanded (zero iff the identity holds); ``ω`` as ``[(k, ω_k), ...]``."""
    total = 0
    for k, a in omega:
        if Y[k]:
            total += a * Y[k]
    return total


def _required_words(generator_names, kept_words) -> list:
    """The words a closed ``K`` must span, written independently of the prover."""
    out = [g for g in generator_names if g not in kept_words]
    for kw in kept_words:
        for gw in generator_names:
            if gw == kw:
                continue
            if kw in generator_names:
                i, k = generator_names.index(gw), generator_names.index(kw)
                if gw in kept_words and i > k:
                    continue
                out.append(f"[{generator_names[min(i, k)]},{generator_names[max(i, k)]}]")
            else:
                out.append(f"[{gw},{kw}]")
    return out


def _bracket_parts(word, gens, kept_of):
    """``"[A,B]"`` -> the two fields, each a generator or a kept word."""
    inner = word[1:-1]
    depth = 0
    for pos, ch in enumerate(inner):
        depth += ch == "["
        depth -= ch == "]"
        if ch == "," and depth == 0:
            a, b = inner[:pos], inner[pos + 1 :]
            break
    else:  # pragma: no cover - required words are built here
        raise _bad("checked", f"malformed word {word!r}")
    pick = lambda w: gens[w] if w in gens else kept_of[w]
    return pick(a), pick(b)


def _textbook_bracket(A, B, S, variables_of) -> list:
    """``[A, B]^k = Σ_j A^j ∂_j B^k - B^j ∂_j A^k`` on sympy sparse polynomials;
    ``variables_of(F)`` lists, per component of ``F``, the variables it involves."""
    xs = S.gens
    va, vb = variables_of(A), variables_of(B)
    out = []
    for k in range(len(A)):
        e = S.zero
        for j in vb[k]:
            if A[j]:
                e += A[j] * B[k].diff(xs[j])
        for j in va[k]:
            if B[j]:
                e -= B[j] * A[k].diff(xs[j])
        out.append(e)
    return out


def _variables_memo():
    """``variables_of`` for :func:`_textbook_bracket`, remembering the fields it has seen (the
    generators and kept fields are bracketed many times)."""
    seen: dict = {}

    def variables_of(F) -> list:
        hit = seen.get(id(F))
        if hit is None or hit[0] is not F:
            hit = seen[id(F)] = (F, [{i for exps in f.itermonoms() for i, e in enumerate(exps) if e} for f in F])
        return hit[1]

    return variables_of


def _textbook_fields(gens, S, variables_of):
    """``word -> field`` for bracket words over the generators, memoized."""
    memo: dict = {}

    def parse(word, pos):
        if word.startswith("[", pos):
            a, pos = parse(word, pos + 1)
            if not word.startswith(",", pos):
                raise _bad("kept", f"malformed bracket word {word!r}")
            b, pos = parse(word, pos + 1)
            if not word.startswith("]", pos):
                raise _bad("kept", f"malformed bracket word {word!r}")
            return (a, b), pos + 1
        end = pos
        while end < len(word) and word[end] not in ",]":
            end += 1
        return word[pos:end], end

    def build(tree):
        if isinstance(tree, str):
            if tree not in gens:
                raise _bad("kept", f"unknown generator {tree!r}")
            return gens[tree]
        if tree not in memo:
            memo[tree] = _textbook_bracket(build(tree[0]), build(tree[1]), S, variables_of)
        return memo[tree]

    def field_of(word):
        tree, end = parse(word, 0)
        if end != len(word):
            raise _bad("kept", f"malformed bracket word {word!r}")
        return build(tree)

    return field_of


# ---------------------------------------------------------------------------------------------
# the count proof the census names "involutive closure"
# ---------------------------------------------------------------------------------------------


from typing import ClassVar  # noqa: E402

from .base import fail  # noqa: E402
from .counts import CountProof  # noqa: E402


@dataclass(frozen=True)
class InvolutiveClosure(CountProof):
    """``count_proof = "involutive closure"``: an :class:`InvolutiveCertificate` as a count proof.

    The census builds it from the certificate it proved; a loaded census keeps the stored dict
    (``data``, canonical JSON text) and parses it only when checked, against the coordinates of
    the system the verifier rebuilt from the model spec.

    :meth:`check` trusts nothing in the certificate: it requires the certificate's kept words to
    be the rank certificate's (already re-checked: independent at the point, so ``r`` is their
    rank), then runs :func:`check_involutive` with the generators and kept fields the verifier
    rebuilt itself (plain fields, converted to sympy).  The proven count is ``D - r``.

    Examples
    --------
    >>> from lieflow import census
    >>> from lieflow.models import custom
    >>> c = census(custom(["2*x1 + x2*x3**2 + 3*x2", "x1**2"]), degree=1)
    >>> c.count_proof, c.laws_upper, c.laws_lower
    ('involutive closure', 1, 0)
    >>> proof = InvolutiveClosure.from_dict(c.count_certificate.to_dict())
    >>> proof == c.count_certificate, proof.to_dict()["kept"]
    (True, ['X1', 'X2'])
    """

    kind: ClassVar[str] = KIND
    summary: ClassVar[str] = (
        "the kept fields span every bracket with a generator over the rational functions (Frobenius)"
    )

    #: The certificate as canonical JSON text (what ``to_dict`` gives and ``from_dict`` reads).
    data: str = "{}"

    @classmethod
    def of(cls, certificate: InvolutiveCertificate) -> "InvolutiveClosure":
        """Wrap a certificate made by :func:`prove_involutive`.

        Raises
        ------
        BadArgumentError
            if ``certificate`` is not an :class:`InvolutiveCertificate`.
        """
        if not isinstance(certificate, InvolutiveCertificate):
            raise BadArgumentError("certificate", certificate, "expected an InvolutiveCertificate")
        return cls(json.dumps(certificate.to_dict(), sort_keys=True))

    @classmethod
    def holds(cls, facts) -> bool:
        """Never from the numbers alone: only the certificate's identities prove it."""
        return False

    def to_dict(self) -> dict:
        return json.loads(self.data)

    @classmethod
    def from_dict(cls, data) -> "InvolutiveClosure":
        """Keep a stored certificate (its content is checked by :meth:`check`).

        Raises
        ------
        VerificationError
            (check ``"count proof"``) if ``data`` is not a dict of this kind.
        """
        if not isinstance(data, dict) or data.get("kind") != KIND:
            fail("count proof", f"expected an involutive certificate {{'kind': {KIND!r}, ...}}, got {data!r:.80}")
        try:
            text = json.dumps(data, sort_keys=True)
        except (TypeError, ValueError) as exc:
            fail("count proof", f"the involutive certificate is not plain JSON data ({exc})")
        return cls(text)

    def certificate(self, variables) -> InvolutiveCertificate:
        """The stored certificate, parsed against ``variables`` (a PolyRing or names).

        Raises
        ------
        VerificationError
            for a malformed certificate.
        """
        return InvolutiveCertificate.from_dict(variables, self.to_dict())

    def check(self, evidence) -> int:
        """Re-check the certificate on the verifier's rebuilt system; return ``D - r``.

        Raises
        ------
        VerificationError
            (check ``"count proof"``) naming what failed.
        """
        system = getattr(evidence, "system", None)
        if system is None or evidence.field_of is None:
            fail("count proof", "the involutive certificate needs the rebuilt system and kept fields")
        symbols = tuple(system.ring.symbols)
        try:
            cert = self.certificate(system.ring)
            if tuple(cert.kept) != tuple(evidence.kept):
                fail("count proof", "the involutive certificate's kept words are not the rank certificate's")
            gens = {name: _plain_matrix(X, symbols) for name, X in evidence.fields.items()}
            check_involutive(
                cert, generators=gens, variables=symbols,
                field_of=lambda word: _plain_matrix(evidence.field_of(word), symbols),
            )
        except VerificationError as exc:
            if getattr(exc, "check", None) == "count proof":
                raise
            fail("count proof", str(exc))
        return evidence.ambient_dim - evidence.rank


def _plain_matrix(field: dict, symbols) -> "object":
    """A plain field (:mod:`lieflow.certificates.plain`) as a sympy column matrix."""
    import sympy

    syms = [sympy.Symbol(s) for s in symbols]
    out = [sympy.Integer(0)] * len(syms)
    for k, poly in field.items():
        out[k] = sympy.Add(*[
            sympy.Rational(Fraction(c).numerator, Fraction(c).denominator) * sympy.Mul(*[syms[i] ** e for i, e in mono])
            for mono, c in poly.items()
        ])
    return sympy.Matrix(out)
