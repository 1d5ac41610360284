"""Polynomial conservation laws by exact linear algebra.

A polynomial ``h`` is a conservation law of the fields ``X_1..X_d`` iff ``X_i h = ∇h · X_i ≡ 0``
for every ``i`` (orthogonality to the generators implies orthogonality to the Lie algebra they
generate).  Writing ``h = Σ_α c_α θ^α`` over all monomials of degree ``1..k`` turns this into a
sparse linear system over QQ in the ``c_α``; its null space is the space of laws of degree ``≤ k``.

>>> from lieflow.models import linear
>>> from lieflow.dynamics import gradient_flow
>>> sys = gradient_flow(linear([1, 2, 1]))
>>> [str(h) for h in polynomial_laws(sys.generators, degree=2)]
['u1_1_1**2 - u2_1_1**2', 'u1_1_1*u1_1_2 - u2_1_1*u2_2_1', 'u1_1_1*u2_2_1 - u1_1_2*u2_1_1', 'u1_1_2**2 - u2_2_1**2']
"""

from __future__ import annotations

import itertools
from fractions import Fraction
from math import comb, gcd, lcm

from .algebra import ModularEchelon, Poly, PointEvaluator
from .algebra import check_fields as _check_fields
from .algebra.linalg import nullspace_qq, rref_qq
from .algebra.primes import prime_for
from .budget import Budget, BudgetExceeded
from .errors import BadArgumentError, IncompatibleRingError, LimitExceededError, VerificationError

__all__ = [
    "LawSearchInterrupted",
    "polynomial_laws",
    "verified_laws",
    "solve_laws",
    "verify_law",
    "independent_laws",
    "normalize_law",
    "readable_basis",
    "sparsify",
    "monomial_basis",
    "homogeneity_weights",
    "spanning_subset",
]


#: iterations of the inner loops between two budget checkpoints
_CHECK_EVERY = 4096


class LawSearchInterrupted(KeyboardInterrupt):
    """A KeyboardInterrupt during a law search, carrying in ``partial`` the laws that had been
    fully verified against every field (possibly none)."""

    def __init__(self, partial=()):
        self.partial = tuple(partial)
        super().__init__()


def _checker(budget):
    """The budget's checkpoint, or a no-op."""
    if budget is None:
        return _no_check
    if not isinstance(budget, Budget):
        raise BadArgumentError("budget", budget, "expected a lieflow.budget.Budget")
    return budget.check


def _no_check(**info):
    return None


def monomial_basis(variables, degree: int, min_degree: int = 1) -> list:
    """Monomials (sorted index tuples) of degree ``min_degree..degree``, highest degree first,
    then lexicographic — the column order that makes the canonical law basis readable."""
    out = []
    for d in range(degree, min_degree - 1, -1):
        out.extend(itertools.combinations_with_replacement(sorted(variables), d))
    return out


def verify_law(h: Poly, fields) -> bool:
    """True iff ``X h ≡ 0`` (exactly) for every field ``X``.

    >>> from lieflow.algebra import PolyRing, VectorField
    >>> R = PolyRing.get(("x", "y"))
    >>> x, y = R.gens
    >>> verify_law(x * x + y * y, [VectorField(R, [y, -x])])
    True
    """
    grad = None
    for X in _check_fields(fields):
        if X.ring is not h.ring:
            raise IncompatibleRingError("law and fields must be over the same ring")
        if grad is None:
            grad = h.gradient()
        total = h.ring.zero()
        for k, comp in X.components:
            d = grad.get(k)
            if d is not None:
                total = total + comp * d
        if total:
            return False
    return True


def normalize_law(h: Poly) -> Poly:
    """Scale a nonzero polynomial to integer coefficients with gcd 1 and a positive leading one.

    >>> from lieflow.algebra import PolyRing
    >>> x, y = PolyRing.get(("x", "y")).gens
    >>> normalize_law(x * Fraction(-1, 2) + y * Fraction(1, 3))
    Poly(3*x - 2*y)
    """
    terms = h.terms()
    if not terms:
        raise BadArgumentError("h", h, "the zero polynomial is not a law")
    den = 1
    for _, c in terms:
        den = lcm(den, Fraction(c).denominator)
    ints = {m: int(Fraction(c) * den) for m, c in terms}
    g = 0
    for v in ints.values():
        g = gcd(g, v)
    if terms[0][1] < 0:
        g = -g
    return Poly(h.ring, {m: v // g for m, v in ints.items()})


def solve_laws(fields, monomials, *, budget=None) -> list:
    """Basis of the laws in the span of ``monomials`` (sorted index tuples), as coefficient dicts.

    The unknown coefficients are split into independent blocks by every grading that makes all
    generators homogeneous (:func:`homogeneity_weights`): if each generator ``X`` shifts the
    multi-degree by a fixed ``δ_X``, then ``X h = Σ_d X h_d`` with ``X h_d`` in degree ``d + δ_X``,
    distinct for distinct ``d``, so ``X h = 0`` iff ``X h_d = 0`` for every graded piece ``h_d``:
    the law space is the direct sum of the blocks' law spaces.  In each block the equations
    ``X_i h = 0`` (one per generator and output monomial) are simplified (:func:`_reduce_rows`)
    and solved by an exact sparse null space over QQ; the block's basis is made readable by
    :func:`readable_basis`.  Blocks come out in a deterministic order, laws by leading monomial.
    A ``budget`` (:class:`lieflow.budget.Budget`) is checked all along (it raises
    :class:`~lieflow.budget.BudgetExceeded` when a limit is reached).
    """
    fields = _check_fields(fields)
    check = _checker(budget)
    n = fields[0].ring.ngens
    weights = homogeneity_weights(fields, budget=budget)
    wvar = [tuple(w[i] for w in weights) for i in range(n)]
    blocks: dict = {}
    for count, m in enumerate(monomials):
        if count % _CHECK_EVERY == 0:
            check(step="grading")
        key = tuple(sum(wvar[i][a] for i in m) for a in range(len(weights)))
        blocks.setdefault(key, []).append(m)
    # for each variable k: the generators' k-th components, as (generator, term list)
    by_var: dict = {}
    for g, X in enumerate(fields):
        if g % _CHECK_EVERY == 0:
            check()
        for k, comp in X.components:
            by_var.setdefault(k, []).append((g, list(comp.items())))
    alive = _unforced(fields, monomials, check)
    out = []
    for key in sorted(blocks):
        monos = [m for m in blocks[key] if m in alive]
        if not monos:
            continue
        monos.sort(key=lambda m: (-len(m), m))  # readable leading monomials
        eqs: dict = {}
        check(step="building the system")
        for col, m in enumerate(monos):
            if col % 256 == 0:
                check()
            for k in set(m):
                terms = by_var.get(k)
                if not terms:
                    continue
                mult = m.count(k)
                pos = m.index(k)
                rest = m[:pos] + m[pos + 1 :]
                for g, comp in terms:
                    for pm, pc in comp:
                        mu = tuple(sorted(rest + pm)) if rest and pm else (rest or pm)
                        row = eqs.get((g, mu))
                        if row is None:
                            row = eqs[(g, mu)] = {}
                        row[col] = row.get(col, 0) + mult * pc
        check(step="row reduction")
        rows = _reduce_rows(eqs.values(), len(monos))
        if rows is None:  # every unknown of the block is forced to zero
            continue
        check(step="null space")
        null = nullspace_qq(rows, len(monos), budget=budget)
        check(step="sparsify")
        for v in readable_basis(null, len(monos), budget=budget):
            # columns are in (degree descending, lexicographic) order: min(v) is the leading monomial
            out.append((monos[min(v)], len(v), {monos[c]: x for c, x in sorted(v.items())}))
    out.sort(key=lambda item: (-len(item[0]), item[0], item[1]))
    return [terms for _, _, terms in out]


def _unforced(fields, monomials, check=_no_check) -> set:
    """The monomials whose coefficient is not forced to 0 by a one-unknown equation, found cheaply.

    Generator by generator, the products ``X^k · ∂_k θ^α`` of the still-alive unknowns ``α`` are
    tallied by output monomial; an output monomial produced by a single alive unknown (with a
    nonzero total coefficient) is an equation ``c_α = 0``, which kills ``α`` for every later
    generator.  Every kill is a consequence of the full system, so the solution set is unchanged;
    but the full system is then built over the survivors only, which for networks with many
    cross-layer monomials is a small fraction.
    """
    alive = set(monomials)
    size = len(alive)
    containing: dict = {}
    for m in monomials:
        for k in set(m):
            containing.setdefault(k, []).append(m)
    check(step="pre-pass")
    for X in fields:
        check()
        tally: dict = {}  # output monomial -> [producer or None if several, total coefficient]
        for k, comp in X.components:
            ms = containing.get(k)
            if not ms:
                continue
            terms = list(comp.items())
            for m in ms:
                if m not in alive:
                    continue
                mult = m.count(k)
                pos = m.index(k)
                rest = m[:pos] + m[pos + 1 :]
                for pm, pc in terms:
                    mu = tuple(sorted(rest + pm)) if rest and pm else (rest or pm)
                    t = tally.get(mu)
                    if t is None:
                        tally[mu] = [m, mult * pc]
                    elif t[0] == m:
                        t[1] += mult * pc
                    else:
                        t[0] = None
        for m, c in tally.values():
            if m is not None and c:
                alive.discard(m)
        if 4 * len(alive) < 3 * size:  # a quarter died since the lists were built: shrink them
            for k in list(containing):
                containing[k] = [m for m in containing[k] if m in alive]
            size = len(alive)
    return alive


def homogeneity_weights(fields, *, budget=None) -> tuple:
    """A basis of the integer weightings of the variables that make every field homogeneous.

    A weight vector ``w`` grades monomials by ``w·exponent``; a field ``X = Σ_k X^k ∂_k`` is
    homogeneous (of shift ``δ_X``) when every term ``c x^m ∂_k`` has ``w·m − w_k = δ_X``: it then
    maps the degree-``d`` part of a polynomial to degree ``d + δ_X``.  The weightings form a
    lattice; this returns a basis of its rational span, scaled to primitive integer vectors.

    Parameters
    ----------
    fields : sequence of VectorField
        Nonzero fields over one ring.
    budget : Budget, optional
        Checked once per field (see :mod:`lieflow.budget`).

    Returns
    -------
    tuple of tuple of int

    Raises
    ------
    BadArgumentError
        for an empty sequence or a non-field.
    IncompatibleRingError
        if the fields live over different rings.

    Examples
    --------
    >>> from lieflow.algebra import PolyRing, VectorField
    >>> R = PolyRing.get(("x", "y", "z"))
    >>> x, y, z = R.gens
    >>> homogeneity_weights([VectorField(R, {"x": y, "y": x})])   # y d/dx + x d/dy
    ((1, 1, 0), (0, 0, 1))
    """
    fields = _check_fields(fields)
    check = _checker(budget)
    n = fields[0].ring.ngens
    rows = set()
    for g, X in enumerate(fields):
        check()
        for k, comp in X.components:
            for m, _ in comp.items():
                row: dict = {}
                for i in m:
                    row[i] = row.get(i, 0) + 1
                row[k] = row.get(k, 0) - 1
                row[n + g] = -1
                rows.add(tuple(sorted((c, v) for c, v in row.items() if v)))
    null = nullspace_qq([dict(r) for r in rows], n + len(fields), budget=budget)
    piv, _ = rref_qq([{c: v for c, v in vec.items() if c < n} for vec in null])
    out = []
    for p in sorted(piv):
        vec = piv[p]
        den = 1
        for v in vec.values():
            den = lcm(den, Fraction(v).denominator)
        out.append(tuple(int(Fraction(vec.get(i, 0)) * den) for i in range(n)))
    return tuple(out)



def _reduce_rows(rows, ncols: int):
    """Simplify a block's equations before the exact null space; ``None`` if only 0 solves them.

    An equation with a single unknown forces it to zero; it is dropped from every other equation,
    which may force more (repeated until nothing changes).  The forced unknowns are returned as
    one-entry rows, the rest deduplicated up to a scalar factor.  Same solution set, fewer rows.
    """
    live = []
    forced = set()
    for row in rows:
        row = {c: v for c, v in row.items() if v}
        if len(row) == 1:
            forced.update(row)
        elif row:
            live.append(row)
    changed = bool(forced)
    while changed:
        changed = False
        nxt = []
        for row in live:
            if not forced.isdisjoint(row):
                row = {c: v for c, v in row.items() if c not in forced}
                if len(row) == 1:
                    forced.update(row)
                    changed = True
                    continue
                if not row:
                    continue
            nxt.append(row)
        live = nxt
    if len(forced) == ncols:
        return None
    out = {((c, 1),): {c: 1} for c in forced}
    for row in live:
        out[_row_key(row)] = row
    return list(out.values())


def _row_key(row: dict) -> tuple:
    """A key equal for proportional rows: the row scaled to coprime integers, first entry > 0."""
    items = sorted(row.items())
    if all(type(v) is int for _, v in items):
        g = 0
        for _, v in items:
            g = gcd(g, v)
        if items[0][1] < 0:
            g = -g
        return tuple((c, v // g) for c, v in items)
    a = Fraction(items[0][1])
    return tuple((c, Fraction(v) / a) for c, v in items)


def _reduce(v: dict, rows: dict) -> dict:
    """Reduce ``v`` by echelon rows keyed by pivot (= smallest column of the row)."""
    v = dict(v)
    while True:
        c = min((c for c in v if c in rows), default=None)
        if c is None:
            return v
        f = Fraction(v[c]) / rows[c][c]
        for k, x in rows[c].items():
            y = v.get(k, 0) - f * x
            if y:
                v[k] = y
            else:
                v.pop(k, None)


def readable_basis(vectors, ncols: int, *, budget=None) -> list:
    """A sparse basis of the span of ``vectors`` (sparse dicts), deterministic.

    Candidates are the reduced echelon bases for the column order and for its reverse (each keeps
    the laws at one end of a chain intact); the sparsest independent candidates are kept
    (greedy, which is optimal among candidates), then :func:`sparsify` finishes the middle.
    """
    if not vectors:
        return []
    fwd, _ = rref_qq(vectors, budget=budget)
    rev, _ = rref_qq([{ncols - 1 - c: x for c, x in v.items()} for v in vectors], budget=budget)
    pool = [fwd[p] for p in sorted(fwd)] + [{ncols - 1 - c: x for c, x in rev[p].items()} for p in sorted(rev)]
    pool.sort(key=lambda v: (len(v), sorted(v)))
    chosen, rows = [], {}
    for v in pool:
        r = _reduce(v, rows)
        if r:
            rows[min(r)] = r
            chosen.append(v)
            if len(chosen) == len(fwd):
                break
    return sparsify(chosen, budget=budget)


def sparsify(basis, *, max_passes: int = 20, budget=None) -> list:
    """Make a basis of sparse vectors sparser by pairwise elimination (same span, deterministic).

    Repeatedly replaces ``v_i`` by ``v_i + c v_j`` when that cancels a common coordinate and
    shortens ``v_i``.  The reduced echelon form of a chain of laws (e.g. one law per hidden neuron
    of a deep network, consecutive ones sharing the weights between them) mixes the chain; this
    recovers the short laws.

    >>> sparsify([{0: 1, 1: 1, 2: -1}, {1: 1, 2: -1, 3: 1}])
    [{0: 1, 3: -1}, {1: 1, 2: -1, 3: 1}]
    """
    check = _checker(budget)
    basis = [dict(v) for v in basis]
    for _ in range(max_passes):
        improved = False
        for i in range(len(basis)):
            check()
            vi = basis[i]
            for j in range(len(basis)):
                if i == j:
                    continue
                vj = basis[j]
                if len(vj) > len(vi) + len(vi):
                    continue
                for m in sorted(vi.keys() & vj.keys()):
                    c = Fraction(vi[m]) / vj[m]
                    cand = dict(vi)
                    for k, x in vj.items():
                        y = cand.get(k, 0) - c * x
                        if y:
                            cand[k] = y.numerator if y.denominator == 1 else y
                        else:
                            cand.pop(k, None)
                    if len(cand) < len(vi):
                        vi = basis[i] = cand
                        improved = True
                        break
        if not improved:
            break
    return basis


def polynomial_laws(
    fields, *, degree: int = 2, variables=None, max_unknowns: int = 2_000_000, prime=None, budget=None
) -> tuple:
    """All polynomial conservation laws of degree ``≤ degree`` (no constant term): a basis.

    Each law is in normal form (integer coefficients, gcd 1, terms sorted, leading coefficient
    positive) and is verified exactly against every field before it is returned.

    Parameters
    ----------
    fields : sequence of VectorField
        The generators.
    degree : int
        Maximal total degree (default 2).
    variables : iterable, optional
        Restrict the search to polynomials in these variables (names or indices).
    max_unknowns : int
        Refuse searches with more unknown coefficients than this.
    prime : int, optional
        Prime of the modular step that picks the equations to impose (see
        :func:`spanning_subset`); by default one dividing no coefficient of the fields
        (:func:`lieflow.algebra.primes.prime_for`).  The laws do not depend on it.
    budget : Budget, optional
        Deadline, memory cap and progress (:mod:`lieflow.budget`), checked all along.

    Returns
    -------
    tuple of Poly

    Raises
    ------
    BadArgumentError
        for bad fields, degree or prime.
    LimitExceededError
        if the number of unknown coefficients exceeds the limit.
    BudgetExceeded
        when the budget's limit is reached; its ``partial`` holds the laws already verified
        against every field (possibly none).
    LawSearchInterrupted
        (a KeyboardInterrupt) on Ctrl-C, with the laws already verified in ``partial``.
    VerificationError
        if a computed law fails the exact check (a bug; never expected).

    Examples
    --------
    >>> from lieflow.models import custom
    >>> from lieflow.dynamics import gradient_flow
    >>> [str(h) for h in polynomial_laws(gradient_flow(custom(["x1*x2*x3"])).generators)]
    ['x1**2 - x2**2', 'x1**2 - x3**2']
    """
    fields = _check_fields(fields)
    ring = fields[0].ring
    if isinstance(degree, bool) or not isinstance(degree, int) or degree < 1:
        raise BadArgumentError("degree", degree, "must be an integer >= 1")
    vars_ = sorted(range(ring.ngens) if variables is None else {ring.var_index(v) for v in variables})
    if comb(len(vars_) + degree, degree) - 1 > max_unknowns:
        raise LimitExceededError(
            f"degree={degree}: {comb(len(vars_) + degree, degree) - 1} unknown coefficients exceed "
            f"max_unknowns={max_unknowns}"
        )
    return verified_laws(fields, monomial_basis(vars_, degree), prime=prime, budget=budget)


def spanning_subset(fields, *, seed: int = 20261123, prime=None, budget=None) -> list:
    """Fields whose values at a random point span those of all the fields (greedy, in order).

    At a generic point, every other field is then a combination of these with rational-function
    coefficients, so a function they all annihilate is annihilated by every field.  (Only used to
    *find* laws: :func:`verified_laws` still checks each law against every field.)  The values
    are taken modulo ``prime`` (by default one that divides no coefficient of the fields) at a
    point with no coordinate divisible by it.

    Parameters
    ----------
    fields : sequence of VectorField
    seed : int
        Seed of the random point.
    prime : int, optional
        See :func:`lieflow.algebra.primes.prime_for`.
    budget : Budget, optional
        Checked once per field.

    Returns
    -------
    list of VectorField
        Never empty when some field is nonzero at the point.

    Raises
    ------
    BadArgumentError
        for bad fields or a prime dividing a coefficient.
    BudgetExceeded
        when the budget's limit is reached.

    Examples
    --------
    >>> from lieflow.algebra import PolyRing, VectorField
    >>> R = PolyRing.get(("x", "y"))
    >>> x, y = R.gens
    >>> X, Y = VectorField(R, {"x": y}), VectorField(R, {"x": y * 2147483647})
    >>> spanning_subset([X, Y]) == [X]
    True
    """
    from .closure import random_point

    fields = _check_fields(fields)
    check = _checker(budget)
    prime = prime_for(fields, prime)
    n = fields[0].ring.ngens
    ev = PointEvaluator(random_point(n, seed, prime=prime), prime)
    ech = ModularEchelon(n, prime, fingerprints=True)
    out = []
    for X in fields:
        check()
        if ech.rank >= n:
            break
        if ech.add(ev.value_only(X)):
            out.append(X)
    return out


def verified_laws(fields, monomials, *, prime=None, budget=None) -> tuple:
    """A basis of the laws in the span of ``monomials``, normalized and verified against every field.

    The equations are first imposed for a :func:`spanning_subset` of the fields only (far fewer
    when there are many generators, as for ReLU path liftings); if a law found that way fails the
    exact check against all fields (the random point was not generic), the search is redone with
    every field.  The result is the same space either way.

    Raises
    ------
    BudgetExceeded
        when the budget's limit is reached; ``partial`` holds the laws verified so far.
    LawSearchInterrupted
        on Ctrl-C, with the laws verified so far in ``partial``.
    VerificationError
        if a law computed from all the fields fails the exact check (a bug; never expected).

    Examples
    --------
    >>> from lieflow.algebra import PolyRing, VectorField
    >>> R = PolyRing.get(("x", "y"))
    >>> x, y = R.gens
    >>> verified_laws([VectorField(R, [y, -x])], monomial_basis([0, 1], 2))
    (Poly(x**2 + y**2),)
    """
    fields = _check_fields(fields)
    ring = fields[0].ring
    check = _checker(budget)
    subset = spanning_subset(fields, prime=prime, budget=budget) or fields
    attempts = [subset, fields] if len(subset) < len(fields) else [fields]
    for gens in attempts:
        laws = tuple(normalize_law(Poly(ring, t)) for t in solve_laws(gens, monomials, budget=budget))
        check(step="verification")
        verified = []
        try:
            for h in laws:
                if not _verify_checked(h, fields, check):
                    break
                verified.append(h)
            else:
                return laws
        except BudgetExceeded as exc:
            # laws verified against every field are laws, whichever equations found them
            exc.partial = tuple(verified)
            raise
        except KeyboardInterrupt:
            raise LawSearchInterrupted(verified) from None
    bad = next(h for h in laws if not verify_law(h, fields))
    raise VerificationError(f"computed law {bad} is not annihilated by every generator")


def _verify_checked(h: Poly, fields, check) -> bool:
    """:func:`verify_law`, with a budget checkpoint every few hundred fields."""
    step = 512
    for start in range(0, len(fields), step):
        check()
        if not verify_law(h, fields[start : start + step]):
            return False
    return True


def independent_laws(laws, point, *, prime=None, budget=None) -> tuple:
    """A maximal functionally independent subfamily, chosen greedily (lowest degree first).

    Laws are independent when their gradients at ``point`` are linearly independent; the modular
    rank used is a lower bound on the exact rank, so every selected family is truly independent.

    Parameters
    ----------
    laws : sequence of Poly
    point : sequence of int
    prime : int, optional
        Modulus of the rank; by default the largest prime below ``2**31`` dividing no coefficient
        of the laws (a census passes the prime of its certificate).
    budget : Budget, optional
        Checked once per law.

    Returns
    -------
    tuple of Poly

    Raises
    ------
    BadArgumentError
        for a prime that is not a prime below ``2**31`` or divides a denominator.
    BudgetExceeded
        when the budget's limit is reached; ``partial`` holds the family chosen so far (also
        independent).
    LawSearchInterrupted
        on Ctrl-C, with the family chosen so far in ``partial``.

    Examples
    --------
    >>> from lieflow.algebra import PolyRing
    >>> x, y = PolyRing.get(("x", "y")).gens
    >>> [str(h) for h in independent_laws([x - y, (x - y) ** 2], [3, 5])]
    ['x - y']
    """
    laws = list(laws)
    if not laws:
        return ()
    check = _checker(budget)
    ring = laws[0].ring
    if prime is None:
        from .algebra import VectorField

        prime = prime_for([VectorField(ring, {0: h}) for h in laws])
    ev = PointEvaluator(point, prime)
    ech = ModularEchelon(ring.ngens, prime)
    chosen = []
    try:
        for h in sorted(laws, key=lambda h: h.degree):
            check()
            _, grad = ev.poly_value_and_gradient(h)
            if ech.add(grad):
                chosen.append(h)
    except BudgetExceeded as exc:
        exc.partial = tuple(chosen)
        raise
    except KeyboardInterrupt:
        raise LawSearchInterrupted(chosen) from None
    return tuple(chosen)
