"""Hypothesis strategies for lieflow: small exact numbers, polynomials, fields, models and flows.

Like ``hypothesis.extra.numpy``, these are building blocks for property-based tests in your own
test suite (and in lieflow's).  Every strategy draws *small* examples — few variables, low degree,
small widths — and shrinks towards the simplest one (fewer layers, narrower layers, fewer terms,
smaller coefficients), so a failing example reads like a hand-written one.  The default sizes are
chosen so that a census of any drawn model takes a fraction of a second.

This module needs hypothesis, which is part of the test extra (``pip install 'lieflow[test]'``);
without it, importing the module raises an :class:`ImportError` that says so.

Examples
--------
>>> from hypothesis import find, given, settings
>>> import lieflow
>>> from lieflow.models import relu
>>> from lieflow.strategies import widths
>>> @settings(max_examples=10, deadline=None)
... @given(widths(min_layers=2, max_layers=3, max_width=3))
... def test_one_law_per_hidden_neuron(ws):
...     assert lieflow.census(relu(ws)).laws_upper == sum(ws[1:-1])
>>> test_one_law_per_hidden_neuron()

Failing examples shrink to small ones (``find`` returns the smallest example satisfying a
condition):

>>> find(widths(min_layers=2, max_layers=2, max_width=5), lambda ws: ws[1] >= 4)
(1, 4, 1)
"""

from __future__ import annotations

try:
    from hypothesis import strategies as st
except ImportError as exc:  # pragma: no cover - exercised in a subprocess by the tests
    raise ImportError(
        "lieflow.strategies needs hypothesis, which comes with the test extra: pip install 'lieflow[test]'"
    ) from exc

from fractions import Fraction

from .algebra import Poly, PolyRing, VectorField
from .errors import BadArgumentError

__all__ = [
    "rationals",
    "rational_points",
    "polys",
    "fields",
    "widths",
    "models",
    "polynomial_phis",
    "metrics",
    "momentum_settings",
    "MODEL_KINDS",
    "DAMPINGS",
]

#: The model kinds :func:`models` can draw.
MODEL_KINDS = ("linear", "relu", "nmf", "icnn", "custom")
#: The damping variants of momentum flows (see :func:`momentum_settings`).
DAMPINGS = ("heavy-ball", "nesterov", "none")

#: Default variable names of :func:`polys` and :func:`fields`.
_XYZ = ("x", "y", "z")


def _int_arg(name, value, lo, hi=None):
    if isinstance(value, bool) or not isinstance(value, int) or value < lo or (hi is not None and value > hi):
        bound = f"an integer >= {lo}" if hi is None else f"an integer in {lo}..{hi}"
        raise BadArgumentError(name, value, f"must be {bound}")
    return value


def _ring(ring, name="ring"):
    if isinstance(ring, PolyRing):
        return ring
    if isinstance(ring, str):
        ring = [s.strip() for s in ring.split(",")]
    try:
        names = tuple(ring)
    except TypeError:
        raise BadArgumentError(name, ring, "expected a PolyRing or a sequence of variable names") from None
    if not names:
        raise BadArgumentError(name, ring, "needs at least one variable")
    return PolyRing.get(names)


# -- numbers and points --------------------------------------------------------------------------
def rationals(*, max_numerator: int = 5, max_denominator: int = 4) -> st.SearchStrategy:
    """Exact rationals ``p/q`` with ``|p| <= max_numerator`` and ``1 <= q <= max_denominator``.

    Draws :class:`fractions.Fraction` values (integers are Fractions with denominator 1); shrinks
    towards 0 and towards integers.

    Parameters
    ----------
    max_numerator : int
        Bound on the absolute value of the numerator (>= 0).
    max_denominator : int
        Bound on the denominator (>= 1).

    Returns
    -------
    SearchStrategy of Fraction

    Raises
    ------
    BadArgumentError
        for a negative ``max_numerator`` or a ``max_denominator`` below 1.

    Examples
    --------
    >>> from hypothesis import find
    >>> find(rationals(max_numerator=3, max_denominator=2), lambda x: 0 < x < 1)
    Fraction(1, 2)
    """
    _int_arg("max_numerator", max_numerator, 0)
    _int_arg("max_denominator", max_denominator, 1)
    return st.builds(
        Fraction, st.integers(-max_numerator, max_numerator), st.integers(1, max_denominator)
    )


def rational_points(n: int, *, bound: int = 20, max_denominator: int = 1) -> st.SearchStrategy:
    """Points of ``QQ^n`` (lists of ``n`` Fractions), e.g. where to evaluate a polynomial exactly.

    Parameters
    ----------
    n : int
        The dimension (>= 1), e.g. ``ring.ngens`` or ``model.dim``.
    bound : int
        Bound on the numerators' absolute values.
    max_denominator : int
        Bound on the denominators; the default 1 draws integer points.

    Returns
    -------
    SearchStrategy of list of Fraction

    Raises
    ------
    BadArgumentError
        for ``n < 1``, a negative ``bound`` or a ``max_denominator`` below 1.

    Examples
    --------
    >>> from hypothesis import find
    >>> find(rational_points(3), lambda p: sum(p) > 2)
    [Fraction(0, 1), Fraction(0, 1), Fraction(3, 1)]
    """
    _int_arg("n", n, 1)
    return st.lists(rationals(max_numerator=_int_arg("bound", bound, 0), max_denominator=max_denominator),
                    min_size=n, max_size=n)


# -- polynomials and vector fields ----------------------------------------------------------------
def polys(ring=_XYZ, *, max_degree: int = 3, max_terms: int = 4, min_degree: int = 0,
          coefficients=None) -> st.SearchStrategy:
    """Sparse polynomials over QQ in the variables of ``ring``.

    Parameters
    ----------
    ring : PolyRing or sequence of str
        The ring, or its variable names (default ``x, y, z``).
    max_degree : int
        Bound on the degree of each term.
    max_terms : int
        Bound on the number of terms.
    min_degree : int
        Lower bound on the degree of each term (``1`` excludes constants).
    coefficients : SearchStrategy, optional
        Exact coefficients; default :func:`rationals`.

    Returns
    -------
    SearchStrategy of Poly

    Raises
    ------
    BadArgumentError
        for a bad ring, bound, or ``min_degree > max_degree``.

    Examples
    --------
    >>> from hypothesis import find
    >>> find(polys(("a", "b")), lambda p: p.degree >= 2 and len(p) >= 2)
    Poly(a**2 + 1)
    """
    ring = _ring(ring)
    _int_arg("max_degree", max_degree, 0, 6)
    _int_arg("max_terms", max_terms, 0)
    _int_arg("min_degree", min_degree, 0, max_degree)
    if coefficients is None:
        coefficients = rationals()
    monomials = st.lists(st.integers(0, ring.ngens - 1), min_size=min_degree, max_size=max_degree).map(
        lambda m: tuple(sorted(m))
    )
    return st.dictionaries(monomials, coefficients, max_size=max_terms).map(lambda terms: Poly(ring, terms))


def fields(ring=_XYZ, *, max_degree: int = 3, max_terms: int = 4) -> st.SearchStrategy:
    """Polynomial vector fields: one :func:`polys` component per variable of ``ring``.

    Parameters
    ----------
    ring : PolyRing or sequence of str
        The ring, or its variable names (default ``x, y, z``).
    max_degree, max_terms : int
        As in :func:`polys`, for each component.

    Returns
    -------
    SearchStrategy of VectorField

    Raises
    ------
    BadArgumentError
        as :func:`polys`.

    Examples
    --------
    >>> from hypothesis import find
    >>> find(fields(("a", "b")), lambda X: X.degree >= 2)
    VectorField(a**2*d/db)
    """
    ring = _ring(ring)
    component = polys(ring, max_degree=max_degree, max_terms=max_terms)
    return st.lists(component, min_size=ring.ngens, max_size=ring.ngens).map(lambda cs: VectorField(ring, cs))


# -- architectures and models ---------------------------------------------------------------------
def _reserve(prev: int, layers_left: int, bias: bool, prev_is_input: bool) -> int:
    """The fewest parameters that ``layers_left`` more layers after a width ``prev`` can add."""
    if layers_left == 0:
        return 0
    first = prev + (prev if bias and not prev_is_input else 0)
    return first + (layers_left - 1) * (2 if bias else 1)


@st.composite
def _widths(draw, min_layers, max_layers, max_width, max_dim, bias):
    """Widths ``[n0, ..., nq]`` with ``min_layers <= q <= max_layers`` and at most ``max_dim``
    parameters (one bias per hidden unit counted when ``bias``).  Each width is drawn below the
    largest value that leaves room for the layers still required, so no draw is ever rejected."""
    top = max(w for w in range(1, max_width + 1) if w == 1 or _reserve(w, min_layers, bias, True) <= max_dim)
    ws = [draw(st.integers(1, top))]
    dim = 0
    while len(ws) - 1 < max_layers:
        done = len(ws) - 1
        if done >= min_layers and not draw(st.booleans()):
            break
        left = max(min_layers - done - 1, 0)
        prev, hidden_cost = ws[-1], (ws[-1] if bias and len(ws) >= 2 else 0)
        fits = [w for w in range(1, max_width + 1)
                if dim + prev * w + hidden_cost + _reserve(w, left, bias, False) <= max_dim]
        if not fits:
            break
        w = draw(st.integers(1, max(fits)))
        dim += prev * w + hidden_cost
        ws.append(w)
    return tuple(ws)


def _check_sizes(min_layers, max_layers, max_width, max_dim, bias=False):
    _int_arg("min_layers", min_layers, 1)
    _int_arg("max_layers", max_layers, min_layers)
    _int_arg("max_width", max_width, 1)
    if max_dim is not None:
        _int_arg("max_dim", max_dim, _reserve(1, min_layers, bias, True))


def widths(*, min_layers: int = 1, max_layers: int = 3, max_width: int = 3, max_dim=None) -> st.SearchStrategy:
    """Architectures in lieflow's factor convention: tuples ``(n0, n1, ..., nq)``.

    ``q`` (the number of weight factors, i.e. layers) is between ``min_layers`` and
    ``max_layers``, every width between 1 and ``max_width``.  Shrinks towards fewer layers and
    narrower ones, ending at ``(1, 1)`` (or ``(1, 1, 1)`` with ``min_layers=2``).

    Parameters
    ----------
    min_layers, max_layers : int
        Bounds on the number of factors ``q`` (``len(widths) - 1``).
    max_width : int
        Bound on every width.
    max_dim : int, optional
        Bound on the number of weights ``Σ n_{l-1} n_l``, so that a census stays fast;
        default ``None`` (only the other bounds apply).

    Returns
    -------
    SearchStrategy of tuple of int

    Raises
    ------
    BadArgumentError
        for ``min_layers < 1``, ``max_layers < min_layers``, ``max_width < 1`` or a ``max_dim``
        below ``min_layers`` (the thinnest network has one weight per layer).

    Examples
    --------
    >>> from hypothesis import find
    >>> ws = find(widths(min_layers=2, max_width=4), lambda ws: max(ws) == 4)
    >>> max(ws), sorted(ws)[:-1] == [1] * (len(ws) - 1)  # shrunk: every other width is 1
    (4, True)
    >>> find(widths(max_dim=6), lambda ws: len(ws) == 4)
    (1, 1, 1, 1)
    >>> widths(max_layers=0)
    Traceback (most recent call last):
    ...
    lieflow.errors.BadArgumentError: max_layers: must be an integer >= 1, got 0
    """
    _check_sizes(min_layers, max_layers, max_width, max_dim)
    bound = max_dim if max_dim is not None else max_layers * max_width * max_width
    return _widths(min_layers, max_layers, max_width, bound, False)


def polynomial_phis(*, n_vars: int = 3, n_components: int = 2, max_degree: int = 3,
                    max_terms: int = 2) -> st.SearchStrategy:
    """Components of a polynomial φ for :func:`lieflow.models.custom`, as readable strings.

    Variables are ``x1..x{n_vars}``; each of the ``1..n_components`` components is a nonconstant
    polynomial with ``1..max_terms`` terms of degree ``1..max_degree`` and small integer
    coefficients.  Pass ``params=`` to ``custom`` to keep every variable even when a drawn φ does
    not use it (``models(kinds=("custom",))`` does).

    Parameters
    ----------
    n_vars : int
        Number of variables (1..26).
    n_components : int
        Maximal number of components (>= 1).
    max_degree : int
        Maximal degree of a term (1..6).
    max_terms : int
        Maximal number of terms of a component (>= 1).

    Returns
    -------
    SearchStrategy of tuple of str

    Raises
    ------
    BadArgumentError
        for a bound out of range.

    Examples
    --------
    >>> from hypothesis import find
    >>> from lieflow.models import custom
    >>> phi = find(polynomial_phis(), lambda phi: len(phi) == 2 and "x3" in phi[1])
    >>> phi
    ('x1', 'x3')
    >>> custom(phi, params="x1,x2,x3").dim
    3
    """
    _int_arg("n_vars", n_vars, 1, 26)
    _int_arg("n_components", n_components, 1)
    _int_arg("max_degree", max_degree, 1, 6)
    _int_arg("max_terms", max_terms, 1)
    names = [f"x{i + 1}" for i in range(n_vars)]
    monomial = st.integers(1, max_degree).flatmap(
        lambda d: st.lists(st.sampled_from(names), min_size=d, max_size=d)
    ).map(lambda vs: tuple(sorted(vs, key=names.index)))
    coefficient = st.sampled_from([1, -1, 2, -2, 3])

    def show(terms):
        parts = []
        for mono, c in sorted(terms.items(), key=lambda mc: (-len(mc[0]), mc[0])):
            powers = []
            for v in dict.fromkeys(mono):
                e = mono.count(v)
                powers.append(v if e == 1 else f"{v}**{e}")
            body = "*".join(powers)
            text = body if c == 1 else f"-{body}" if c == -1 else f"{c}*{body}"
            parts.append(text)
        return " + ".join(parts).replace("+ -", "- ")

    component = st.dictionaries(monomial, coefficient, min_size=1, max_size=max_terms).map(show)
    return st.lists(component, min_size=1, max_size=n_components).map(tuple)


@st.composite
def _models(draw, kinds, max_dim, bias, max_width, max_layers):
    from . import models as catalog

    kind = draw(st.sampled_from(kinds))
    if kind == "custom":
        n = min(3, max_dim)
        phi = draw(polynomial_phis(n_vars=n, n_components=2, max_degree=3))
        return catalog.custom(phi, params=[f"x{i + 1}" for i in range(n)])
    with_bias = draw(st.booleans()) if bias is None and kind in ("relu", "icnn") else bool(bias and kind in ("relu", "icnn"))
    layers = (2, 2) if kind in ("nmf", "icnn") else (1 if kind == "linear" else 2, max_layers)
    ws = draw(_widths(layers[0], max(layers), max_width, max_dim, with_bias))
    if kind == "linear":
        return catalog.linear(ws)
    if kind == "relu":
        return catalog.relu(ws, bias=with_bias)
    if kind == "nmf":
        return catalog.nmf(ws)
    return catalog.icnn(ws, bias=with_bias)


def models(kinds=("linear", "relu"), *, max_dim: int = 12, bias=None, max_width: int = 3,
           max_layers: int = 3) -> st.SearchStrategy:
    """Catalog models of the given kinds, with at most ``max_dim`` parameters.

    Parameters
    ----------
    kinds : sequence of str
        Among ``"linear"``, ``"relu"`` (2 or more layers), ``"nmf"``, ``"icnn"`` (2 layers) and
        ``"custom"`` (a :func:`polynomial_phis` φ in ``x1..x3``).  Shrinks towards the smallest
        model (fewest parameters).
    max_dim : int
        Bound on the number of parameters D (biases included); the default 12 keeps a census
        (gradient or momentum flow) well under a second.
    bias : bool, optional
        Hidden biases for ``relu`` and ``icnn``: always, never, or drawn (``None``).
    max_width, max_layers : int
        Bounds on the widths and on the number of factors.

    Returns
    -------
    SearchStrategy of Model

    Raises
    ------
    BadArgumentError
        for an empty or unknown kind, or bounds that leave no model (``max_dim < 3`` or
        ``max_layers < 2`` with a kind that needs a hidden layer).

    Examples
    --------
    >>> from hypothesis import find
    >>> find(models(kinds=("relu",), bias=True), lambda m: m.dim >= 6).name
    'relu[1, 2, 1]+bias'
    >>> find(models(kinds=("relu",), bias=True), lambda m: len(m.widths) == 4).name
    'relu[1, 1, 1, 1]+bias'
    >>> models(kinds=("mlp",))
    Traceback (most recent call last):
    ...
    lieflow.errors.BadArgumentError: kinds: unknown model kind 'mlp'; expected some of ('linear', 'relu', 'nmf', 'icnn', 'custom'), got ('mlp',)
    """
    if isinstance(kinds, str):
        kinds = (kinds,)
    try:
        kinds = tuple(kinds)
    except TypeError:
        raise BadArgumentError("kinds", kinds, f"expected a sequence of model kinds among {MODEL_KINDS}") from None
    if not kinds:
        raise BadArgumentError("kinds", kinds, "give at least one model kind")
    for k in kinds:
        if k not in MODEL_KINDS:
            raise BadArgumentError("kinds", kinds, f"unknown model kind {k!r}; expected some of {MODEL_KINDS}")
    if bias is not None and not isinstance(bias, bool):
        raise BadArgumentError("bias", bias, "must be True, False or None")
    _int_arg("max_width", max_width, 1)
    _int_arg("max_layers", max_layers, 1)
    two_layers = any(k != "linear" and k != "custom" for k in kinds)
    _int_arg("max_dim", max_dim, 3 if two_layers else 1)
    if two_layers:
        _int_arg("max_layers", max_layers, 2)
    return _models(kinds, max_dim, bias, max_width, max_layers)


# -- flows ----------------------------------------------------------------------------------------
@st.composite
def _metrics(draw, names, kinds):
    kind = draw(st.sampled_from(kinds))
    if kind == "euclidean":
        return None
    if kind == "mirror":
        subset = draw(st.lists(st.sampled_from(names), min_size=1, max_size=len(names), unique=True))
        if len(subset) == len(names):
            return "mirror"
        from .dynamics.metrics import mirror

        return mirror(params=sorted(subset, key=names.index))
    # a diagonal polynomial inverse metric, positive where the parameters are
    diag = {}
    for name in names:
        entry = draw(st.sampled_from(["1", "2", f"{name}**2 + 1", f"{name}", "1/2"]))
        if entry != "1":
            diag[(name, name)] = entry
    for name in names:
        diag.setdefault((name, name), "1")
    return diag


def metrics(parameters, *, kinds=("euclidean", "mirror", "diagonal")) -> st.SearchStrategy:
    """Inverse metrics to pass as ``metric=`` to a model with these ``parameters``.

    Draws ``None`` (Euclidean), ``"mirror"`` or :func:`lieflow.dynamics.metrics.mirror` on a
    subset of the parameters, or a diagonal polynomial matrix ``{(name, name): entry}`` with
    entries such as ``"2"`` or ``"x**2 + 1"``.  Shrinks towards Euclidean.

    Parameters
    ----------
    parameters : sequence of str
        The model's parameter names (e.g. ``model.parameters``).
    kinds : sequence of str
        Among ``"euclidean"``, ``"mirror"`` and ``"diagonal"``.

    Returns
    -------
    SearchStrategy of (None, str, MirrorSpec or dict)

    Raises
    ------
    BadArgumentError
        for no parameters, or an unknown or empty ``kinds``.

    Examples
    --------
    >>> from hypothesis import find
    >>> from lieflow.models import custom
    >>> find(metrics(("x", "y"), kinds=("diagonal",)), lambda spec: True)
    {('x', 'x'): '1', ('y', 'y'): '1'}
    >>> spec = find(metrics(("x", "y")), lambda spec: isinstance(spec, str))
    >>> spec
    'mirror'
    >>> custom(["x*y"], metric=spec).metric.kind
    'mirror'
    """
    if isinstance(parameters, str):
        parameters = [p.strip() for p in parameters.split(",")]
    names = list(parameters)
    if not names or not all(isinstance(n, str) for n in names):
        raise BadArgumentError("parameters", parameters, "expected a non-empty sequence of parameter names")
    kinds = tuple([kinds] if isinstance(kinds, str) else kinds)
    allowed = ("euclidean", "mirror", "diagonal")
    if not kinds or any(k not in allowed for k in kinds):
        raise BadArgumentError("kinds", kinds, f"expected some of {allowed}")
    return _metrics(names, kinds)


@st.composite
def _momentum_settings(draw, dampings):
    damping = draw(st.sampled_from(dampings))
    out = {"flow": "momentum", "damping": damping}
    if damping == "heavy-ball":
        out["tau"] = draw(st.sampled_from([Fraction(1), Fraction(2), Fraction(1, 2), Fraction(3, 2)]))
    elif damping == "nesterov":
        out["alpha"] = draw(st.sampled_from([3, 1, 2]))
    return out


def momentum_settings(*, dampings=DAMPINGS) -> st.SearchStrategy:
    """Momentum flows, as keyword arguments for :func:`lieflow.census` (``**settings``).

    Draws ``{"flow": "momentum", "damping": ...}`` with a friction ``tau`` (a small positive
    Fraction) for heavy ball or an integer ``alpha`` for Nesterov-type ``α/t`` damping.  Shrinks
    towards the setting with fewest options (no damping), then ``tau = 1``.

    Parameters
    ----------
    dampings : sequence of str
        Among ``"heavy-ball"``, ``"nesterov"`` and ``"none"``.

    Returns
    -------
    SearchStrategy of dict

    Raises
    ------
    BadArgumentError
        for an unknown or empty ``dampings``.

    Examples
    --------
    >>> from hypothesis import find
    >>> import lieflow
    >>> from lieflow.models import linear
    >>> find(momentum_settings(), lambda s: True)
    {'flow': 'momentum', 'damping': 'none'}
    >>> find(momentum_settings(), lambda s: "tau" in s)
    {'flow': 'momentum', 'damping': 'heavy-ball', 'tau': Fraction(1, 1)}
    >>> settings = find(momentum_settings(dampings=["nesterov"]), lambda s: True)
    >>> lieflow.census(linear([1, 1, 1]), **settings).ambient_dim
    5
    """
    dampings = tuple([dampings] if isinstance(dampings, str) else dampings)
    if not dampings or any(d not in DAMPINGS for d in dampings):
        raise BadArgumentError("dampings", dampings, f"expected some of {DAMPINGS}")
    return _momentum_settings(dampings)
