"""Assertions for tests about conservation laws, in the spirit of ``numpy.testing``.

Each ``assert_*`` function returns quietly (with something useful) when the claim holds and raises
:class:`AssertionError` with a readable explanation when it does not: which generator a law fails
for and what is left, which bounds a count has, which fields of two censuses differ.  Use them in
your own test suite to pin the conservation laws of your models; lieflow's tests use them too.

- :func:`assert_conserved` / :func:`assert_not_conserved`: exact checks of one function against
  every generator of a flow (``∇h·X ≡ 0`` as a polynomial identity, no sampling).
- :func:`assert_law_count`: the census proves exactly ``n`` independent laws.
- :func:`assert_census_equal`: two censuses agree on the model, the counts, the proofs and the
  laws — compared as linear spaces, so a change of basis, order or scale is not a difference.
- :func:`assert_drift_below`: numerically, along a trajectory of :mod:`lieflow.numerics` (the
  ``numerics`` extra).

Errors in the *arguments* (a model that is not a model, a float tolerance that is negative, a law
in other variables) raise :class:`~lieflow.errors.LieflowError` subclasses, never
``AssertionError``, so a broken test is not mistaken for a broken law.

Examples
--------
>>> from lieflow.models import relu
>>> from lieflow.testing import assert_conserved, assert_law_count
>>> m = relu([2, 2, 1])
>>> assert_conserved("u1_1_1**2 + u1_2_1**2 - u2_1_1**2", m)
>>> c = assert_law_count(m, 2)
>>> assert_conserved("u1_1_1**2", m)
Traceback (most recent call last):
...
AssertionError: h = u1_1_1**2 is not conserved by the gradient flow of relu[2, 2, 1]: X(h) != 0 for 1 of its 4 generators:
  X1(h) = 2*u1_1_1*u2_1_1
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from .errors import BadArgumentError, NotPolynomialError

__all__ = [
    "Witness",
    "assert_conserved",
    "assert_not_conserved",
    "assert_law_count",
    "assert_census_equal",
    "assert_drift_below",
]

#: Longest expression printed in a message (characters); longer ones are cut with "...".
_SHOW = 240
#: Most generators listed in a failure message.
_MAX_LISTED = 6


def _show(obj) -> str:
    text = str(obj)
    return text if len(text) <= _SHOW else text[: _SHOW - 3] + "..."


@dataclass(frozen=True)
class Witness:
    """A generator that does not annihilate a function, returned by :func:`assert_not_conserved`.

    Attributes
    ----------
    generator : str
        The generator's name (``X1``, ``Y2``, ``X0``, ...).
    residual : sympy.Expr
        ``X(h)``, a nonzero expression (a polynomial, or for a law with logarithms a rational
        function of the variables and logarithms).
    """

    generator: str
    residual: object

    def __str__(self):
        return f"{self.generator}(h) = {_show(self.residual)}"


# -- flows and laws ---------------------------------------------------------------------------------
def _system(model, flow, damping, tau, alpha):
    """The System whose generators decide conservation, from a Model, System or Census."""
    from .census import Census
    from .dynamics import System, make_system
    from .models.base import Model

    given = {"damping": damping, "tau": tau, "alpha": alpha}
    if isinstance(model, Census):
        model = model.system
    if isinstance(model, System):
        if flow not in (None, model.flow):
            raise BadArgumentError("flow", flow, f"the system given already has the {model.flow} flow")
        for name, value in given.items():
            if value is not None:
                raise BadArgumentError(name, value, "a System or Census already fixes its flow; pass the Model instead")
        return model
    if not isinstance(model, Model):
        raise BadArgumentError("model", model, "expected a lieflow Model (see lieflow.models), System or Census")
    return make_system(model, flow=flow or "gradient", damping=damping, tau=tau, alpha=alpha)


def _flow_words(system) -> str:
    words = f"the {system.flow} flow"
    if system.flow == "momentum":
        words += f" ({system.damping}"
        if system.tau is not None:
            words += f", tau={system.tau}"
        if system.alpha is not None:
            words += f", alpha={system.alpha}"
        words += ")"
    metric = system.metric_name
    if metric != "euclidean":
        words += f" with the {metric} metric"
    return f"{words} of {system.model.name}"


def _heavy_ball_time(expr, system):
    """Write ``exp(k*tau*t)`` (how laws print with heavy ball) as ``s**k``, the ring's variable."""
    import sympy

    if system.time_variable != "s" or not expr.has(sympy.exp):
        return expr
    t, s = sympy.Symbol("t"), sympy.Symbol("s")
    tau = sympy.Rational(str(system.tau))

    def power(arg):
        k = sympy.nsimplify(arg / (tau * t))
        if k.is_Integer and k >= 0:
            return s**k
        raise NotPolynomialError("h", expr, f"has exp({arg}), which is not a power of exp(tau*t) with tau={tau}")

    return expr.replace(sympy.exp, power)


def _as_law(h, system):
    """The law as a Poly or LogLaw over the system's ring, and how to print it."""
    from .algebra import Poly
    from .algebra.sympy_bridge import sympify_strict
    from .census import Law
    from .loglaws import LogLaw

    if isinstance(h, Law):
        h = h.log_law if h.log_law is not None else h.poly
    if isinstance(h, (Poly, LogLaw)):
        if h.ring is not system.ring:
            raise BadArgumentError(
                "h", _show(h), f"is over the variables {list(h.ring.symbols)}, the flow's are {list(system.ring.symbols)}"
            )
        return h
    import sympy

    expr = _heavy_ball_time(sympify_strict(h, "h", functions=("exp",)), system)
    if isinstance(expr, sympy.Basic) and expr.has(sympy.log):
        return _log_law_from_sympy(expr, system)
    return system.ring.from_sympy(expr, "h")


def _log_law_from_sympy(expr, system):
    """``P + Σ_j Q_j log|ℓ_j|`` written with sympy (``log(Abs(ℓ))`` or ``log(ℓ)``) as a LogLaw."""
    import sympy

    from .loglaws import LogLaw

    ring = system.ring
    poly_part, logs = sympy.Integer(0), []
    for term in sympy.Add.make_args(sympy.expand(expr)):
        factors = sympy.Mul.make_args(term)
        found = [f for f in factors if isinstance(f, sympy.log)]
        if not found:
            poly_part += term
            continue
        if len(found) > 1:
            raise NotPolynomialError("h", expr, f"the term {term} has a product of logarithms")
        arg = found[0].args[0]
        arg = arg.args[0] if isinstance(arg, sympy.Abs) else arg
        coeff = sympy.Mul(*[f for f in factors if f is not found[0]])
        logs.append((ring.from_sympy(arg, "h"), ring.from_sympy(coeff, "h")))
    try:
        return LogLaw(ring.from_sympy(poly_part, "h"), logs)
    except BadArgumentError as exc:
        raise BadArgumentError("h", expr, f"is not a law P + sum_j Q_j log|l_j| with linear forms l_j ({exc})") from None


def _residuals(h, system):
    """``[(name, X(h))]`` for every generator X that does not annihilate h, as sympy expressions."""
    from .algebra import Poly

    out = []
    for name, X in zip(system.generator_names, system.generators):
        if isinstance(h, Poly):
            r = X.apply(h)
            if r:
                out.append((name, r.as_expr()))
        elif not h.verify([X]):
            out.append((name, _log_residual(h, X)))
    return out


def _log_residual(h, X):
    """``X(h)`` for ``h = P + Σ Q_j log|ℓ_j|``: ``X(P) + Σ X(Q_j) log|ℓ_j| + Q_j X(ℓ_j)/ℓ_j``."""
    import sympy

    total = X.apply(h.poly).as_expr()
    for ell, q in h.logs:
        total += X.apply(q).as_expr() * sympy.log(sympy.Abs(ell.as_expr()))
        total += q.as_expr() * X.apply(ell).as_expr() / ell.as_expr()
    return sympy.cancel(sympy.together(total))


def _law_text(h) -> str:
    return _show(h)


# -- exact checks -----------------------------------------------------------------------------------
def assert_conserved(h, model, *, flow=None, damping=None, tau=None, alpha=None) -> None:
    """Assert that ``h`` is a conservation law: ``∇h·X ≡ 0`` exactly, for every generator ``X``.

    The check is a polynomial identity per generator (for a law with logarithms, the identities
    of :meth:`lieflow.loglaws.LogLaw.verify`), so it proves the law for every data set and loss;
    nothing is sampled.

    Parameters
    ----------
    h : str, sympy expression, Poly, Law or LogLaw
        The function.  Strings and sympy expressions must be polynomials in the flow's variables
        (for momentum flows: the parameters, the velocities ``v_<name>`` and the time coordinate;
        with heavy ball, ``exp(tau*t)`` may be written for the coordinate ``s``, as census laws
        print).  A law with logarithms ``P + Σ_j Q_j log|ℓ_j|`` (linear forms ``ℓ_j``) is a census
        :class:`~lieflow.census.Law`, a :class:`~lieflow.loglaws.LogLaw`, or written with
        ``log(Abs(ℓ))`` as census laws print.
    model : Model, System or Census
        The model (with ``flow``/``damping``/``tau``/``alpha`` as for :func:`lieflow.census`), or
        a system or census that already fixes its flow.
    flow, damping, tau, alpha : optional
        The flow, as for :func:`lieflow.census` (default: gradient flow).

    Returns
    -------
    None

    Raises
    ------
    AssertionError
        if some generator does not annihilate ``h``; the message lists them with ``X(h)``.
    BadArgumentError
        for a model that is not one, options that do not apply, or ``h`` over other variables.
    NotPolynomialError
        for a string or expression that is not a polynomial (or a law with logarithms of linear
        forms) in the flow's variables.

    Examples
    --------
    >>> from lieflow.models import custom, linear
    >>> assert_conserved("x1**2 - x2**2", custom(["x1*x2*x3"]))
    >>> import sympy
    >>> assert_conserved(sympy.sympify("2*x2**2 - x3**2 - 6*log(Abs(x3))"), custom(["2*x1 + x2*x3**2 + 3*x2", "x1**2"]))
    >>> A = "u1_1_1*v_u1_1_2 - u1_1_2*v_u1_1_1 + u2_1_1*v_u2_2_1 - u2_2_1*v_u2_1_1"
    >>> assert_conserved(f"exp(t)*({A})", linear([1, 2, 1]), flow="momentum")
    >>> assert_conserved(f"t**3*({A})", linear([1, 2, 1]), flow="momentum", damping="nesterov")
    >>> assert_conserved("x1 - x2", custom(["x1*x2"]))
    Traceback (most recent call last):
    ...
    AssertionError: h = x1 - x2 is not conserved by the gradient flow of custom(x1*x2): X(h) != 0 for 1 of its 1 generator:
      X1(h) = -x1 + x2
    """
    system = _system(model, flow, damping, tau, alpha)
    law = _as_law(h, system)
    bad = _residuals(law, system)
    if not bad:
        return None
    n = len(system.generators)
    lines = [
        f"h = {_law_text(law)} is not conserved by {_flow_words(system)}: "
        f"X(h) != 0 for {len(bad)} of its {n} generator{'s' if n != 1 else ''}:"
    ]
    lines += [f"  {name}(h) = {_show(r)}" for name, r in bad[:_MAX_LISTED]]
    if len(bad) > _MAX_LISTED:
        lines.append(f"  ... and {len(bad) - _MAX_LISTED} more")
    raise AssertionError("\n".join(lines))


def assert_not_conserved(h, model, *, flow=None, damping=None, tau=None, alpha=None) -> Witness:
    """Assert that ``h`` is *not* a conservation law, and return a generator that moves it.

    Parameters
    ----------
    h : str, sympy expression, Poly, Law or LogLaw
        As in :func:`assert_conserved`.
    model : Model, System or Census
    flow, damping, tau, alpha : optional
        As in :func:`assert_conserved`.

    Returns
    -------
    Witness
        The first generator ``X`` (in the system's order) with ``X(h) ≢ 0``, and ``X(h)``.

    Raises
    ------
    AssertionError
        if every generator annihilates ``h`` (it is a law).
    BadArgumentError, NotPolynomialError
        as in :func:`assert_conserved`.

    Examples
    --------
    >>> from lieflow.models import custom
    >>> w = assert_not_conserved("x1", custom(["x1*x2*x3"]))
    >>> w.generator, w.residual
    ('X1', x2*x3)
    >>> assert_not_conserved("x1**2 - x3**2", custom(["x1*x2*x3"]))
    Traceback (most recent call last):
    ...
    AssertionError: h = x1**2 - x3**2 is conserved by the gradient flow of custom(x1*x2*x3): every generator annihilates it (X1)
    """
    system = _system(model, flow, damping, tau, alpha)
    law = _as_law(h, system)
    bad = _residuals(law, system)
    if bad:
        return Witness(*bad[0])
    names = ", ".join(system.generator_names[:_MAX_LISTED])
    if len(system.generator_names) > _MAX_LISTED:
        names += ", ..."
    raise AssertionError(
        f"h = {_law_text(law)} is conserved by {_flow_words(system)}: every generator annihilates it ({names})"
    )


def assert_law_count(model, n, *, flow=None, damping=None, tau=None, alpha=None, **census_options):
    """Assert that the flow has exactly ``n`` independent conservation laws, and that this is proven.

    Runs :func:`lieflow.census` (unless a census is given) and requires ``proven`` with
    ``laws_upper == n``: a count that is only bounded fails, with its bounds in the message.

    Parameters
    ----------
    model : Model, System or Census
        What to count (a census is checked as it is).
    n : int
        The expected number of independent laws.
    flow, damping, tau, alpha : optional
        The flow, as for :func:`lieflow.census`.
    **census_options
        Other keyword options of :func:`lieflow.census` (``degree``, ``seed``, ``time_limit``...).

    Returns
    -------
    Census
        The census that proves the count.

    Raises
    ------
    AssertionError
        if the count is not proven or differs from ``n``.
    BadArgumentError
        for ``n`` that is not an integer >= 0, or bad census options.

    Examples
    --------
    >>> from lieflow.models import linear
    >>> assert_law_count(linear([2, 2, 2]), 3).count_proof
    'explicit laws'
    >>> assert_law_count(linear([2, 2, 2]), 2)
    Traceback (most recent call last):
    ...
    AssertionError: the gradient flow of linear[2, 2, 2] has 3 independent laws (proven: explicit laws), not 2
      laws: u1_1_1**2 + u1_2_1**2 - u2_1_1**2 - u2_1_2**2; u1_1_1*u1_1_2 + u1_2_1*u1_2_2 - u2_1_1*u2_2_1 - u2_1_2*u2_2_2; u1_1_2**2 + u1_2_2**2 - u2_2_1**2 - u2_2_2**2
    """
    from .census import Census, census

    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise BadArgumentError("n", n, "the expected number of laws must be an integer >= 0")
    if isinstance(model, Census):
        if census_options or any(v is not None for v in (flow, damping, tau, alpha)):
            raise BadArgumentError("model", "Census", "a census is checked as it is; pass the Model to set options")
        c = model
    else:
        system = _system(model, flow, damping, tau, alpha)
        c = census(system, **census_options)
    where = _flow_words(c.system)
    if not c.proven:
        raise AssertionError(
            f"the number of laws of {where} is not proven: {c.laws_lower} <= #laws <= {c.laws_upper} "
            f"(closure: {c.closure_reason}); expected exactly {n}"
        )
    if c.laws_upper != n:
        laws = "; ".join(str(h) for h in c.laws[:3]) + (" ..." if len(c.laws) > 3 else "")
        raise AssertionError(
            f"{where} has {c.laws_upper} independent laws (proven: {c.count_proof}), not {n}\n  laws: {_show(laws)}"
        )
    return c


# -- comparing censuses -----------------------------------------------------------------------------
def _law_vector(law) -> dict:
    """A law as a sparse vector over QQ, keyed by variable names (so rings need not be shared)."""
    if law.log_law is None:
        parts = [("", law.poly)]
    else:
        parts = [("", law.log_law.poly)] + [(str(ell), q) for ell, q in law.log_law.logs]
    out = {}
    for tag, p in parts:
        names = p.ring.symbols
        for mono, coeff in p.terms():
            out[(tag, tuple(names[i] for i in mono))] = Fraction(coeff)
    return out


def _reduce(vec: dict, rows: list) -> dict:
    """Reduce ``vec`` by echelon ``rows`` (pairs pivot key, row with 1 at the pivot)."""
    v = dict(vec)
    for pivot, row in rows:
        c = v.get(pivot)
        if c:
            for k, x in row.items():
                y = v.get(k, 0) - c * x
                if y:
                    v[k] = y
                else:
                    v.pop(k, None)
    return v


def _echelon(vectors) -> list:
    rows = []
    for vec in vectors:
        v = _reduce(vec, rows)
        if v:
            pivot = min(v)
            c = v[pivot]
            row = {k: x / c for k, x in v.items()}
            rows = [(p, _reduce(r, [(pivot, row)])) for p, r in rows] + [(pivot, row)]
    return rows


def _outside(laws, other_laws) -> list:
    """The laws of ``laws`` that are not linear combinations of ``other_laws``."""
    rows = _echelon(_law_vector(h) for h in other_laws)
    return [h for h in laws if _reduce(_law_vector(h), rows)]


_COMPARED = ("ambient_dim", "lie_rank", "laws_lower", "laws_upper", "proven", "count_proof", "laws_complete")


def _census_differences(a, b) -> list:
    diffs = []
    spec_a, spec_b = a.system.describe(), b.system.describe()
    for key in spec_a:
        if spec_a[key] != spec_b.get(key):
            diffs.append(f"{key}: {spec_a[key]!r} != {spec_b.get(key)!r}")
    for key in ("tau", "alpha"):
        va, vb = getattr(a.system, key, None), getattr(b.system, key, None)
        if va != vb:
            diffs.append(f"{key}: {va} != {vb}")
    if tuple(a.parameters) != tuple(b.parameters):
        diffs.append(f"parameters: {_show(list(a.parameters))} != {_show(list(b.parameters))}")
    for key in _COMPARED:
        va, vb = getattr(a, key), getattr(b, key)
        if va != vb:
            diffs.append(f"{key}: {va!r} != {vb!r}")
    only_a, only_b = _outside(a.laws, b.laws), _outside(b.laws, a.laws)
    if only_a or only_b:
        diffs.append(f"laws: the spans differ (dimensions {len(_echelon(map(_law_vector, a.laws)))} and "
                     f"{len(_echelon(map(_law_vector, b.laws)))})")
        diffs += [f"  only in the first:  {_show(h)}" for h in only_a[:_MAX_LISTED]]
        diffs += [f"  only in the second: {_show(h)}" for h in only_b[:_MAX_LISTED]]
    return diffs


def assert_census_equal(a, b) -> None:
    """Assert that two censuses say the same thing: model, flow, counts, proofs and laws.

    Compared: the model and flow (kind, widths, bias, flow, damping, metric, ``tau``, ``alpha``,
    parameter names), ``ambient_dim``, ``lie_rank``, ``laws_lower``, ``laws_upper``, ``proven``,
    ``count_proof`` and ``laws_complete``, and the laws **as spaces**: every law of each census
    must be a linear combination (over QQ) of the laws of the other.  So laws written in another
    basis, order or scale are equal; a lost, gained or changed law is not.  Timings, statistics,
    the certificate point and the kept bracket words are not compared (they may change with the
    algorithm while the facts stay the same).

    Parameters
    ----------
    a, b : Census
        E.g. a census computed now and one loaded with :func:`lieflow.census_from_json`.

    Returns
    -------
    None

    Raises
    ------
    AssertionError
        listing every difference, ``field: first != second``.
    BadArgumentError
        if ``a`` or ``b`` is not a Census.

    Examples
    --------
    >>> import lieflow
    >>> from lieflow.models import linear
    >>> c = lieflow.census(linear([2, 2, 2]))
    >>> assert_census_equal(c, lieflow.census_from_json(c.to_json()))
    >>> assert_census_equal(c, lieflow.census(linear([2, 2, 2]), degree=1))
    Traceback (most recent call last):
    ...
    AssertionError: the censuses differ:
      laws_lower: 3 != 0
      count_proof: 'explicit laws' != 'involutive closure'
      laws_complete: True != False
      laws: the spans differ (dimensions 3 and 0)
        only in the first:  u1_1_1**2 + u1_2_1**2 - u2_1_1**2 - u2_1_2**2
        only in the first:  u1_1_1*u1_1_2 + u1_2_1*u1_2_2 - u2_1_1*u2_2_1 - u2_1_2*u2_2_2
        only in the first:  u1_1_2**2 + u1_2_2**2 - u2_2_1**2 - u2_2_2**2
    """
    from .census import Census

    for name, value in (("a", a), ("b", b)):
        if not isinstance(value, Census):
            raise BadArgumentError(name, value, "expected a lieflow Census")
    diffs = _census_differences(a, b)
    if diffs:
        raise AssertionError("the censuses differ:\n" + "\n".join("  " + d for d in diffs))


# -- numerics ---------------------------------------------------------------------------------------
def _drift_exprs(h):
    """Sympy expressions (in parameters, ``v_`` velocities and ``t``) and labels of ``h``."""
    from .algebra import Poly
    from .census import Census, Law
    from .loglaws import LogLaw

    if isinstance(h, Census):
        laws = list(h.laws)
        if not laws:
            raise BadArgumentError("h", h.model.name, "the census has no explicit law to check")
    elif isinstance(h, (list, tuple)):
        laws = list(h)
        if not laws:
            raise BadArgumentError("h", h, "give at least one law")
    else:
        laws = [h]
    exprs = []
    for law in laws:
        if isinstance(law, Law):
            exprs.append(law.time_expr)
        elif isinstance(law, (Poly, LogLaw)):
            exprs.append(law.as_expr())
        else:
            exprs.append(law)
    return exprs


def assert_drift_below(h, trajectory, tol, *, relative: bool = False):
    """Assert that laws stay constant along a numerical trajectory, up to ``tol``.

    The drift of a law is ``max_k |h(t_k) − h(t_0)|`` over the samples of the trajectory
    (with ``relative=True``: divided by the scale of :mod:`lieflow.numerics.laws`).  Needs the
    ``numerics`` extra (numpy, scipy).

    Parameters
    ----------
    h : Census, Law, str, sympy expression, Poly, or a sequence of them
        The laws (every law of a census).  Expressions use the parameter names, ``v_<name>``
        for velocities and ``t`` for time (how census laws print).
    trajectory : lieflow.numerics.Trajectory
        From :func:`lieflow.numerics.integrate`, an optimizer, ...
    tol : float
        The largest drift accepted (a number > 0; numerics are floating point).
    relative : bool
        Compare the relative drift instead of the absolute one.

    Returns
    -------
    DriftReport
        The drift of every law (see :class:`lieflow.numerics.DriftReport`).

    Raises
    ------
    AssertionError
        if some law drifts by more than ``tol``; the message names it, the drift and where.
    BadArgumentError
        for a ``tol`` that is not a positive number, a trajectory that is not a Trajectory, or a
        law using variables the trajectory does not have.
    ImportError
        without numpy (install ``lieflow[numerics]``).

    Examples
    --------
    >>> import lieflow
    >>> from lieflow.models import linear
    >>> from lieflow.numerics import gradient_flow, initial_parameters, network
    >>> net = network("linear", [1, 1, 1], seed=0)
    >>> tr = gradient_flow(net, initial_parameters(net, seed=0), duration=1.0, n_points=11)
    >>> report = assert_drift_below(lieflow.census(linear([1, 1, 1])), tr, 1e-6)
    >>> assert_drift_below("u1_1_1**2", tr, 1e-6)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    AssertionError: h1 = u1_1_1**2 drifts by ... > tol 1e-06 along gradient-flow (largest at t = ..., sample .../...; h(t0) = ...)
    """
    from numbers import Real

    from .numerics.laws import law_drift
    from .numerics.trajectory import Trajectory

    if isinstance(tol, bool) or not isinstance(tol, Real) or not tol > 0:
        raise BadArgumentError("tol", tol, "must be a positive number")
    if not isinstance(trajectory, Trajectory):
        raise BadArgumentError("trajectory", trajectory, "expected a lieflow.numerics.Trajectory")
    import numpy as np

    report = law_drift(_drift_exprs(h), trajectory)
    drift = report.rel_drift if relative else report.abs_drift
    lines = []
    for j, d in enumerate(drift):
        if not d <= tol:  # NaN drifts fail too
            dev = np.abs(report.values[:, j] - report.initial[j])
            k = int(np.nanargmax(dev)) if np.any(np.isfinite(dev)) else 0
            what = "relative drift" if relative else "drifts by"
            lines.append(
                f"{report.labels[j]} = {_show(report.expressions[j])} {what} {d:.3g} > tol {tol:g} along "
                f"{trajectory.method} (largest at t = {report.times[k]:.4g}, sample {k}/{len(report.times) - 1}; "
                f"h(t0) = {report.initial[j]:.6g})"
            )
    if lines:
        raise AssertionError("\n".join(lines))
    return report
