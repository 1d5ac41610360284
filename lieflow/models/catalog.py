"""The model catalog: linear and ReLU networks (path lifting) and user-defined φ.

Conventions (DESIGN §2).  Widths ``[n0, n1, ..., nq]``: factor ``U_l`` is ``n_{l-1} x n_l``
(``l = 1..q``) and the network maps an input row ``x`` to ``σ(...σ(x U_1 + b_1)...) U_q``.
Parameters are named with 1-based indices and ordered: every weight first, factor by factor, each
row-major — ``u{l}_{i}_{j}`` is ``U_l[i, j]`` — then the hidden biases ``b{l}_{k}`` (the bias of
hidden unit ``k`` of hidden layer ``l``, i.e. of the ``n_l`` units between ``U_l`` and ``U_{l+1}``),
layer by layer.

>>> m = linear([2, 2, 2])
>>> m.parameters[:3], m.dim, len(m.phi)
(('u1_1_1', 'u1_1_2', 'u1_2_1'), 8, 4)
>>> str(m.phi[0])
'u1_1_1*u2_1_1 + u1_1_2*u2_2_1'
>>> r = relu([2, 2, 1], bias=True)
>>> r.parameters
('u1_1_1', 'u1_1_2', 'u1_2_1', 'u1_2_2', 'u2_1_1', 'u2_2_1', 'b1_1', 'b1_2')
>>> [str(p) for p in r.phi]
['u1_1_1*u2_1_1', 'u1_1_2*u2_2_1', 'u1_2_1*u2_1_1', 'u1_2_2*u2_2_1', 'u2_1_1*b1_1', 'u2_2_1*b1_2']
"""

from __future__ import annotations

import itertools
import math
from typing import Mapping

from ..algebra import Poly, PolyRing
from ..algebra.parse import Expression, _short, check_name, parse_expression, split_components
from ..algebra.sympy_bridge import expression_names
from ..errors import BadArgumentError, NotPolynomialError
from ..limits import WorkBudget, check
from .base import Model, check_sizes, check_widths, union_of_regions

__all__ = ["linear", "relu", "custom", "weight_names", "bias_names"]


def weight_names(widths) -> list:
    """Names of the weight matrices' entries: ``[[[u1_1_1, ...], ...], ...]`` (one matrix per factor)."""
    return [
        [[f"u{l}_{i}_{j}" for j in range(1, widths[l] + 1)] for i in range(1, widths[l - 1] + 1)]
        for l in range(1, len(widths))
    ]


def bias_names(widths) -> list:
    """Names of the hidden biases: one list per hidden layer ``l = 1..q-1``."""
    return [[f"b{l}_{k}" for k in range(1, widths[l] + 1)] for l in range(1, len(widths) - 1)]


def _flat(nested):
    return [x for mat in nested for row in mat for x in row]


def linear(widths, *, metric=None) -> Model:
    """Deep linear network ``φ = U_1 U_2 ⋯ U_q`` (the entries of the product).

    No activation, no regions: the network is ``x ↦ x φ`` on every input, so the gradients of
    φ's entries are the real model's generators.

    Parameters
    ----------
    widths : sequence of int
        ``[n0, ..., nq]``, at least two, each >= 1.
    metric : optional
        Inverse metric of the flow (default Euclidean).

    Raises
    ------
    BadArgumentError
        if the widths are not at least two integers >= 1.

    Examples
    --------
    >>> linear([1, 1, 1]).phi
    (Poly(u1_1_1*u2_1_1),)
    """
    widths = check_widths(widths)
    inner = math.prod(widths[1:-1])
    comps = widths[0] * widths[-1]
    check_sizes("widths", widths, components=comps, terms=comps * inner, degree=len(widths) - 1)
    W = weight_names(widths)
    ring = PolyRing.get(_flat(W))
    mats = [[[ring.gens[ring.index[n]] for n in row] for row in mat] for mat in W]
    prod = mats[0]
    for mat in mats[1:]:
        prod = [
            [sum((a[k] * mat[k][j] for k in range(len(mat))), ring.zero()) for j in range(len(mat[0]))]
            for a in prod
        ]
    phi = tuple(p for row in prod for p in row)
    return _with_metric(Model("linear", widths, False, ring, phi, None, f"linear{list(widths)}"), metric)


def relu(widths, *, bias: bool = False, metric=None) -> Model:
    """ReLU network, by its path lifting: the fields of every activation region at once.

    One component per input-output path ``i0 -> i1 -> ... -> iq``: the product
    ``U_1[i0,i1] U_2[i1,i2] ⋯ U_q[i_{q-1},iq]``; with ``bias=True`` also one per path that starts
    at a hidden bias ``b_l[k]`` and continues through ``U_{l+1}, ..., U_q``.

    Why these are the real model's generators.  On one sample, with ``D_l`` the diagonal 0/1
    matrix of the active units of hidden layer ``l``, the network is the affine map
    ``x ↦ x U_1 D_1 U_2 ⋯ D_{q-1} U_q + Σ_l b_l D_l U_{l+1} ⋯ D_{q-1} U_q``.  Its coefficients are
    multilinear in the indicators, and the coefficient of each squarefree monomial (one unit per
    hidden layer from the path's start on) is a single path product.  On the cube of activation
    patterns, Möbius inversion turns the regions' maps into those coefficients and back, so the
    entries of every region's map span exactly the path products.  A law must hold for every
    data set and samples can lie in any region, so the generators are the fields of every region:
    the gradients of the path lifting span them.  (The all-active region alone would be the
    linear network ``U_1 ⋯ U_q`` with its extra cross-neuron laws.)  Every reported law
    therefore holds for the real network and every data set.  The count assumes the data realise
    enough patterns: with one hidden layer, that each unit's hyperplane is crossed with the other
    units fixed, which generic weights allow unless the input is one-dimensional without biases
    (every unit then switches at 0); deeper networks need every combination of patterns.

    Raises
    ------
    BadArgumentError
        if the widths are not at least two integers >= 1, or ``bias`` is not a bool.

    Examples
    --------
    >>> len(relu([2, 2, 5, 3]).phi), relu([2, 2, 5, 3]).dim
    (60, 29)
    """
    widths = check_widths(widths)
    if not isinstance(bias, bool):
        raise BadArgumentError("bias", bias, "must be True or False")
    paths, suffix = math.prod(widths), widths[-1]
    for w in reversed(widths[1:-1]) if bias else ():  # paths from a bias of layer l: Π_{k >= l} n_k
        suffix *= w
        paths += suffix
    params = sum(a * b for a, b in zip(widths, widths[1:])) + (sum(widths[1:-1]) if bias else 0)
    check_sizes("widths", widths, params=params, components=paths, terms=paths, degree=len(widths) - 1)
    W = weight_names(widths)
    B = bias_names(widths) if bias else []
    ring = PolyRing.get(_flat(W) + [b for layer in B for b in layer])
    idx = ring.index
    q = len(widths) - 1
    phi = []

    def path_product(names):
        return Poly(ring, {tuple(sorted(idx[n] for n in names)): 1})

    for path in itertools.product(*(range(n) for n in widths)):
        phi.append(path_product([W[l][path[l]][path[l + 1]] for l in range(q)]))
    for l, layer in enumerate(B, start=1):  # bias of hidden layer l feeds factors l+1..q
        for k in range(widths[l]):
            for rest in itertools.product(*(range(n) for n in widths[l + 1 :])):
                path = (k,) + rest
                names = [layer[k]] + [W[l + s][path[s]][path[s + 1]] for s in range(q - l)]
                phi.append(path_product(names))
    name = f"relu{list(widths)}" + ("+bias" if bias else "")
    return _with_metric(Model("relu", widths, bias, ring, tuple(phi), None, name), metric)


def custom(phi=None, params=None, *, regions=None, metric=None, name: str | None = None) -> Model:
    """A model from user-given polynomial components of φ, on one region or on several.

    The census treats φ as the whole model: the flow moves along the gradients of its components.
    That is the real model when g(θ, x) = f(φ(θ), x) holds for every input with the same φ (no
    activation regions, or φ already spans every region's components, as for a ReLU path
    lifting).  A piecewise model whose φ changes from region to region is declared with
    ``regions``: one list of components per region.  A conservation law must hold for every data
    set and data can put samples in every region, so the generators are the gradients of every
    region's components (duplicates removed); ``Model.phi`` is that union and ``Model.regions``
    records the regions (kept in the JSON spec of a census).  Constant components carry no field:
    leave them out (a region where every unit is dead has nothing to declare).

    Parameters
    ----------
    phi : sequence
        Components of φ: strings (``"x1*x2"``), sympy expressions, :class:`Poly`, or dicts
        ``{exponent tuple or {name: exponent}: coefficient}``.  Coefficients must be exact.  A
        string may hold several components separated by commas (``"x1*x2, x2*x3"`` is two
        components), as on the command line.  Strings are read by lieflow's own parser
        (:mod:`lieflow.algebra.parse`), which evaluates no code: ``+ - * / **`` (``^`` is also
        power), integers, rationals written ``a/b``, parentheses and ASCII names; every name is a
        parameter (``sin``, ``E`` or ``pi`` included), never a function or a constant.
        Omit it when ``regions`` is given.
    params : sequence of str or str, optional
        Parameter names in order (``"x1,x2,x3"`` is accepted).  Default: the names used in
        ``phi`` (in every region), sorted.
    regions : sequence of sequences, optional
        The components of φ region by region, each as for ``phi``.
    metric : optional
        Inverse metric of the flow (default Euclidean).

    Raises
    ------
    BadArgumentError
        for empty φ, duplicate or invalid names, or a component that is constant; for both or
        neither of ``phi`` and ``regions``, or a region that is not a non-empty sequence (the
        error names ``regions[k]``, or ``regions[k][i]`` for one bad component).
    NotPolynomialError
        for a component that is not a polynomial or uses a name not in ``params``.
    InexactValueError
        for a float coefficient.
    InputTooLargeError
        for exponents, coefficients or counts beyond :mod:`lieflow.limits`.

    Examples
    --------
    >>> m = custom(["x1*x2*x3"])
    >>> m.parameters, m.phi
    (('x1', 'x2', 'x3'), (Poly(x1*x2*x3),))
    >>> custom(["x*y"], params="x,y").parameters
    ('x', 'y')
    >>> custom("x1**2*x2, x2*x3**2").phi
    (Poly(x1**2*x2), Poly(x2*x3**2))
    >>> custom(["x*z"], params=["x", "y"])
    Traceback (most recent call last):
    ...
    lieflow.errors.NotPolynomialError: phi[0]: uses unknown names ['z'] (declared: ['x', 'y']), got 'x*z'

    Two regions (e.g. a unit that is off for some samples): the flow has both regions' fields.

    >>> m = custom(regions=[["a*b + c*d"], ["a*b"]])
    >>> m.phi, len(m.regions)
    ((Poly(a*b + c*d), Poly(a*b)), 2)
    """
    if regions is not None:
        if phi is not None:
            raise BadArgumentError("phi", phi, "give either phi or regions, not both")
        return _custom_regions(regions, params, metric=metric, name=name)
    if phi is None:
        raise BadArgumentError("phi", None, "need the components of φ (or regions=[[...], ...])")
    comps = _phi_components(phi)
    if params is not None:
        params = parse_params(params)
    else:
        names = set()
        for i, c in enumerate(comps):
            if isinstance(c, Poly):
                names |= {c.ring.symbols[j] for j in c.variables}
            elif isinstance(c, Mapping):
                raise BadArgumentError("params", None, "required when φ is given as dicts")
            else:
                names |= set(c.names if isinstance(c, Expression) else expression_names(c, f"phi[{i}]"))
        if not names:
            raise BadArgumentError("phi", _short(phi), "no parameters occur in φ")
        params = parse_params(sorted(names))
    ring = PolyRing.get(params)
    polys = []
    budget = WorkBudget()  # one expansion budget for all the components
    for i, c in enumerate(comps):
        nm = f"phi[{i}]"
        if isinstance(c, Poly):
            p = c if c.ring is ring else ring.from_sympy(c.as_expr(), nm)
        elif isinstance(c, Mapping):
            p = ring.from_dict(c, nm)
        elif isinstance(c, Expression):
            p = c.to_poly(ring, budget=budget)
        else:
            p = ring.from_sympy(c, nm)
        if p.degree < 1:
            raise BadArgumentError(nm, str(p), "a component of φ must be a non-constant polynomial")
        polys.append(p)
    check("max_terms", sum(len(p) for p in polys), "phi", "...", "number of terms of φ")
    label = name or "custom(" + ", ".join(str(p) for p in polys) + ")"
    return _with_metric(Model("custom", (), False, ring, tuple(polys), None, label), metric)


def _custom_regions(regions, params, *, metric, name) -> Model:
    """``custom(regions=...)``: each region parsed as a ``phi`` over the common parameters."""
    if isinstance(regions, (str, bytes, Mapping)) or not hasattr(regions, "__iter__"):
        raise BadArgumentError("regions", regions, "expected a sequence of regions, each a sequence of components")
    regions = list(regions)
    if not regions:
        raise BadArgumentError("regions", regions, "need at least one region")
    for k, region in enumerate(regions):
        if isinstance(region, (str, bytes, Mapping, Poly)) or not hasattr(region, "__iter__"):
            raise BadArgumentError(f"regions[{k}]", region, "a region is a sequence of components of φ")
        regions[k] = list(region)
        if not regions[k]:
            raise BadArgumentError(f"regions[{k}]", regions[k], "a region needs at least one component")
    if params is None:  # the free symbols of every region
        names = set()
        for k, region in enumerate(regions):
            names |= set(_region_label(k, custom, region).parameters)
        params = sorted(names)
    parsed = [_region_label(k, custom, region, params=params).phi for k, region in enumerate(regions)]
    ring = PolyRing.get(parse_params(params))
    label = name or "custom(regions: " + " | ".join(", ".join(str(p) for p in r) for r in parsed) + ")"
    model = Model("custom", (), False, ring, union_of_regions(parsed), None, label, regions=tuple(map(tuple, parsed)))
    return _with_metric(model, metric)


def _region_label(k: int, parse, *args, **kwargs):
    """Run ``parse(*args, **kwargs)``; an error about ``phi[i]`` is re-labelled ``regions[k][i]``."""
    from ..errors import LieflowError

    try:
        return parse(*args, **kwargs)
    except LieflowError as exc:
        old = getattr(exc, "name", None)
        if isinstance(old, str) and old.startswith("phi"):
            new = f"regions[{k}]" + old[3:]
            text = str(exc)
            exc.name = new
            exc.args = (new + text[len(old):] if text.startswith(old) else f"{new}: {text}",)
        raise


def _phi_components(phi) -> list:
    """The components of φ as a list: strings parsed (and split at commas), other kinds checked."""
    import sympy

    if isinstance(phi, (str, Mapping, Poly)) or isinstance(phi, sympy.Basic):
        phi = [phi]
    if isinstance(phi, (bytes, bytearray)) or not hasattr(phi, "__iter__"):
        raise BadArgumentError("phi", _short(phi), "expected a sequence of polynomial expressions")
    comps = []
    for c in phi:
        check("max_components", len(comps) + 1, "phi", "...", "number of components of φ")
        if isinstance(c, str):
            comps.extend(split_components(c, name="phi"))
        elif isinstance(c, bool) or c is None or isinstance(c, (float, int, bytes, list, tuple, set)):
            raise NotPolynomialError(
                f"phi[{len(comps)}]", _short(c), "expected a polynomial: a string, a sympy expression, a Poly or a dict"
            )
        else:
            comps.append(c)
    if not comps:
        raise BadArgumentError("phi", [], "need at least one component")
    check("max_components", len(comps), "phi", "...", "number of components of φ")
    return [parse_expression(c, name=f"phi[{i}]") if isinstance(c, str) else c for i, c in enumerate(comps)]


def parse_params(params) -> list:
    """Validate parameter names: a sequence of distinct names, or ``"x1,x2,..."``.

    A name is an ASCII identifier that is not a Python keyword
    (:func:`lieflow.algebra.parse.check_name`).

    Raises
    ------
    BadArgumentError
        for a name that is not valid, an empty name between commas, a duplicate, or no names.
    InputTooLargeError
        for more names than the ``max_params`` limit.

    Examples
    --------
    >>> parse_params("a, b")
    ['a', 'b']
    >>> parse_params("a,a")
    Traceback (most recent call last):
    ...
    lieflow.errors.BadArgumentError: params: duplicate parameter names ['a'], got ['a', 'a']
    """
    if isinstance(params, str):
        text = params
        params = [p.strip() for p in params.split(",")] if params.strip() else []
        if not all(params):
            raise BadArgumentError("params", _short(text), "an empty name between commas (or a comma at an end)")
    if isinstance(params, (bytes, bytearray, Mapping)) or not hasattr(params, "__iter__"):
        raise BadArgumentError("params", _short(params), "expected a sequence of names or 'x1,x2,...'")
    out = []
    for p in params:
        check("max_params", len(out) + 1, "params", "...", "number of parameters")
        out.append(p)
    params = out
    if not params:
        raise BadArgumentError("params", params, "need at least one parameter")
    shown = params if len(params) <= 20 else _short(str(params))
    for p in params:
        check_name(p, name="params", value=shown)
    if len(set(params)) != len(params):
        seen, dup = set(), set()
        for p in params:
            (dup if p in seen else seen).add(p)
        raise BadArgumentError("params", shown, f"duplicate parameter names {sorted(dup)[:10]}")
    return params


def _with_metric(model: Model, metric) -> Model:
    if metric is None:
        return model
    from dataclasses import replace

    from ..dynamics.metrics import as_metric

    m = as_metric(metric, model)
    if m.kind == "euclidean":
        return model
    return replace(model, metric=m, name=model.name + f" ({m.name} metric)" if getattr(m, "name", None) else model.name)
