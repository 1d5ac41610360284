"""Exact input/output of census results: JSON (round trip, no eval), text and LaTeX.

JSON keys follow DESIGN §6.  Rationals are ``"p/q"`` strings; laws appear twice: ``laws`` as
strings sympy can parse (written with ``t``), and ``law_terms`` as exact term lists
``[[coefficient, [[name, exponent], ...]], ...]`` over ``variables`` which :func:`census_from_json`
reads back without evaluating any code.  A law with logarithms ``P + Σ_j Q_j log|ℓ_j|`` is stored
as :meth:`lieflow.loglaws.LogLaw.to_terms` gives it, ``{"poly": terms, "log": [[Q_j, ℓ_j], ...]}``
(``laws`` then writes ``log(Abs(...))``); polynomial laws keep the plain term list.

Format 2 (lieflow 0.2): ``proven`` means the count is proven, ``count_proof`` names the proof
(``count_certificate`` holds it), ``laws_complete`` says every independent law is written out, and
``generators`` lists the generator names.  Format 1 files (``count_exact``, and ``proven`` meaning
every law is written out) still load: :func:`upgrade_document` maps them.

>>> from lieflow.census import census
>>> from lieflow.models import linear
>>> c = census(linear([1, 2, 1]))
>>> d = census_from_json(census_to_json(c))
>>> (d.laws_lower, d.proven, d.count_proof, [str(h) for h in d.laws] == [str(h) for h in c.laws])
(3, True, 'explicit laws', True)
"""

from __future__ import annotations

import json
import math
import re
from fractions import Fraction

import networkx as nx
import sympy
from sympy.printing.latex import LatexPrinter

from .algebra import Poly, PolyRing, rational_str, to_rational
from .algebra.parse import check_name
from .errors import BadArgumentError, LieflowError

__all__ = [
    "census_to_dict",
    "census_to_json",
    "census_from_json",
    "census_to_text",
    "census_to_latex",
    "upgrade_document",
    "load_document",
    "count_status",
    "law_latex",
]

FORMAT_VERSION = 2
#: Format versions :func:`census_from_json` and ``lieflow verify`` read.
READABLE_FORMATS = (1, 2)


def _poly_terms(p: Poly) -> list:
    out = []
    for m, c in p.terms():
        powers: dict = {}
        for i in m:
            powers[p.ring.symbols[i]] = powers.get(p.ring.symbols[i], 0) + 1
        out.append([rational_str(c), [[k, e] for k, e in powers.items()]])
    return out


def _poly_from_terms(ring: PolyRing, terms, what: str) -> Poly:
    """A polynomial from a JSON term list, checking types and sizes before building anything."""
    from .limits import check

    if not isinstance(terms, list):
        raise BadArgumentError(what, _short(terms), "expected a list of terms [coefficient, [[name, exponent], ...]]")
    check("max_terms", len(terms), what, "...", "number of terms")
    d: dict = {}
    for term in terms:
        if not isinstance(term, list) or len(term) != 2 or not isinstance(term[1], list):
            raise BadArgumentError(what, _short(term), "malformed term list: a term is [coefficient, [[name, exponent], ...]]")
        coeff, powers = term
        if not isinstance(coeff, str):
            raise BadArgumentError(what, _short(coeff), "coefficients must be 'p/q' strings")
        c = to_rational(coeff, what)
        degree = 0
        mono: list = []
        for pw in powers:
            if not isinstance(pw, list) or len(pw) != 2:
                raise BadArgumentError(what, _short(pw), "malformed term list: a power is [name, exponent]")
            name, e = pw
            if isinstance(e, bool) or not isinstance(e, int) or e < 1:
                raise BadArgumentError(what, _short(e), "exponents must be integers >= 1")
            if not isinstance(name, str) or name not in ring.index:
                raise BadArgumentError(what, _short(name), f"unknown variable (the ring has {ring.ngens} variables)")
            degree += e
            check("max_degree", degree, what, _short(term), "degree of a term")
            mono.extend([ring.index[name]] * e)
        mono = tuple(sorted(mono))
        d[mono] = d.get(mono, 0) + c
    return Poly(ring, d)


def _index(value, size: int, what: str) -> int:
    """A JSON integer that must be an index below ``size``."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < size:
        raise BadArgumentError(what, value, f"must be an integer index in [0, {size})")
    return value


def _short(value, n: int = 60):
    """A value as shown in a message: itself if short, else its beginning as text, so that an error
    stays one short line."""
    if isinstance(value, str):
        return value if len(value) <= n else value[: n - 3] + "..."
    text = json.dumps(value, ensure_ascii=False) if _jsonable(value) else repr(value)
    return value if len(text) <= n else text[: n - 3] + "..."


def _jsonable(value) -> bool:
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return False
    return True


def _int(value, what: str, lo: int = 0) -> int:
    """A JSON integer (not a bool, a float or a string)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < lo:
        raise BadArgumentError(what, _short(value), f"expected an integer >= {lo}")
    return value


def _list(value, what: str, limit: str | None = None) -> list:
    """A JSON list, its length checked against a limit of :mod:`lieflow.limits`."""
    from .limits import check

    if not isinstance(value, list):
        raise BadArgumentError(what, _short(value), "expected a list")
    if limit is not None:
        check(limit, len(value), what, "...", "length")
    return value


def _dict(value, what: str) -> dict:
    if not isinstance(value, dict):
        raise BadArgumentError(what, _short(value), "expected an object")
    return value


def _params(value, what: str = "model_spec.params") -> list:
    names = _list(value, what, "max_params")
    for n in names:
        check_name(n, name=what, value=_short(names))
    if len(set(names)) != len(names):
        raise BadArgumentError(what, _short(names), "duplicate names")
    return names


def _check_word(word, names, what: str) -> str:
    """Check a bracket word (``X1`` or ``[A,B]`` with words ``A``, ``B``) over generator ``names``,
    without recursion; its depth is bounded by the ``max_nesting`` limit."""
    from .limits import current

    if not isinstance(word, str):
        raise BadArgumentError(what, _short(word), "a bracket word must be a string")
    pieces = re.findall(r"[\[\],]|[^\[\],]+", word)
    expect: list = []  # for each open bracket, what must come next after a complete word: "," then "]"
    depth_limit = current().max_nesting
    need_word = True
    for tok in pieces:
        if need_word and tok == "[":
            expect.append("]")
            expect.append(",")
            if expect.count("]") > depth_limit:
                raise BadArgumentError(what, _short(word), f"bracket word deeper than max_nesting={depth_limit}")
        elif need_word:
            if tok in ",]" or tok not in names:
                raise BadArgumentError(what, _short(word), f"malformed bracket word or unknown generator {tok!r}")
            need_word = False
        elif expect and tok == expect[-1]:
            expect.pop()
            need_word = tok == ","
        else:
            raise BadArgumentError(what, _short(word), "malformed bracket word")
    if need_word or expect:
        raise BadArgumentError(what, _short(word), "malformed bracket word")
    return word


def _metric_spec(metric):
    if metric is None or metric.kind == "euclidean":
        return None
    if metric.kind == "mirror":
        return {"kind": "mirror", "params": list(metric.mirrored_names), "label": metric.name}
    entries = sorted(metric.entries().items())
    return {"kind": "matrix", "entries": [[i, j, _poly_terms(p)] for (i, j), p in entries], "label": metric.name}


def _metric_from_spec(spec, params):
    from .dynamics.metrics import mirror

    if spec is None:
        return None
    spec = _dict(spec, "model_spec.metric")
    if spec.get("kind") == "mirror":
        return mirror(params=_params(spec.get("params"), "model_spec.metric.params"))
    if spec.get("kind") == "matrix":
        ring = PolyRing.get(params)
        out = {}
        for entry in _list(spec.get("entries"), "model_spec.metric.entries", "max_terms"):
            if not isinstance(entry, list) or len(entry) != 3:
                raise BadArgumentError("model_spec.metric.entries", _short(entry), "an entry is [i, j, terms]")
            i, j, t = entry
            key = (_int(i, "model_spec.metric.entries"), _int(j, "model_spec.metric.entries"))
            out[key] = _poly_from_terms(ring, t, "model_spec.metric")
        return out
    raise BadArgumentError("model_spec.metric", _short(spec), "unknown metric kind in JSON")


def _model_spec(model) -> dict:
    spec = {"kind": model.kind, "widths": list(model.widths), "bias": model.bias, "params": list(model.parameters)}
    if model.kind == "custom":
        spec["phi"] = [_poly_terms(p) for p in model.phi]
        spec["name"] = model.name
        if model.regions:  # φ is then the union of the regions' components
            spec["regions"] = [[_poly_terms(p) for p in region] for region in model.regions]
    if model.kind not in ("nmf", "icnn"):
        spec["metric"] = _metric_spec(model.metric)
    if model.options:
        spec["options"] = dict(model.options)
    return spec


def _system_spec(system) -> dict:
    """The model's spec; for systems given by their fields, the fields themselves."""
    spec = _model_spec(system.model)
    if system.model.kind == "custom-fields":
        spec["fields"] = [[[k, _poly_terms(p)] for k, p in X.components] for X in system.generators]
        spec["names"] = list(system.generator_names)
        spec["name"] = system.model.name
    return spec


def _fields_system_from_spec(spec: dict, flow: str):
    from .dynamics.generators import from_fields

    params = _params(spec.get("params"))
    ring = PolyRing.get(params)
    fields = []
    for comps in _list(spec.get("fields"), "model_spec.fields", "max_components"):
        field = {}
        for entry in _list(comps, "model_spec.fields", "max_params"):
            if not isinstance(entry, list) or len(entry) != 2:
                raise BadArgumentError("model_spec.fields", _short(entry), "a component is [index, terms]")
            k = _int(entry[0], "model_spec.fields")
            if k >= len(params):
                raise BadArgumentError("model_spec.fields", k, f"component index out of range 0..{len(params) - 1}")
            field[params[k]] = _poly_from_terms(ring, entry[1], "model_spec.fields")
        fields.append(field)
    names = spec.get("names")
    name = spec.get("name")
    if name is not None and not isinstance(name, str):
        raise BadArgumentError("model_spec.name", _short(name), "expected a string")
    system = from_fields(fields, params, names=None if names is None else _list(names, "model_spec.names"), name=name, flow=flow)
    if spec.get("widths") or spec.get("options"):  # e.g. softmax_cross_entropy(n, m): keep its shape
        from dataclasses import replace

        widths = tuple(_int(w, "model_spec.widths", 1) for w in _list(spec.get("widths") or [], "model_spec.widths", "max_params"))
        model = replace(system.model, widths=widths, options=dict(_dict(spec.get("options") or {}, "model_spec.options")))
        system = replace(system, model=model)
    return system


def _model_from_spec(spec: dict):
    from . import models

    kind = spec.get("kind")
    params = _params(spec.get("params"))
    metric = _metric_from_spec(spec.get("metric"), params)
    bias = spec.get("bias", False)
    if not isinstance(bias, bool):
        raise BadArgumentError("model_spec.bias", _short(bias), "expected true or false")
    name = spec.get("name")
    if name is not None and not isinstance(name, str):
        raise BadArgumentError("model_spec.name", _short(name), "expected a string")
    if kind == "custom":
        ring = PolyRing.get(params)
        phi = [_poly_from_terms(ring, t, "model_spec.phi") for t in _list(spec.get("phi"), "model_spec.phi", "max_components")]
        if spec.get("regions") is None:
            return models.custom(phi, params=params, metric=metric, name=name)
        regions = [
            [_poly_from_terms(ring, t, "model_spec.regions") for t in _list(region, "model_spec.regions", "max_components")]
            for region in _list(spec.get("regions"), "model_spec.regions", "max_components")
        ]
        model = models.custom(regions=regions, params=params, metric=metric, name=name)
        if list(model.phi) != phi:
            raise BadArgumentError("model_spec.phi", _short([str(p) for p in phi]), "is not the union of the regions in the JSON spec")
        return model
    widths = [_int(w, "model_spec.widths", 1) for w in _list(spec.get("widths"), "model_spec.widths", "max_params")]
    if kind == "linear":
        return models.linear(widths, metric=metric)
    if kind == "relu":
        return models.relu(widths, bias=bias, metric=metric)
    if kind == "nmf":
        return models.nmf(widths)
    if kind == "icnn":
        return models.icnn(widths, bias=bias)
    opts = _dict(spec.get("options") or {}, "model_spec.options")
    if kind == "conv":
        if len(widths) != 5:
            raise BadArgumentError("model_spec.widths", widths, "conv takes 5 sizes")
        return models.conv(*widths)
    if kind == "attention":
        if len(widths) != 3:
            raise BadArgumentError("model_spec.widths", widths, "attention takes d1, dim, heads")
        d1, dim, heads = widths
        return models.attention(d1, dim, heads, share_softmax=opts.get("share_softmax", False))
    if kind == "resnet":
        return models.resnet(tuple(widths), blocks=opts.get("blocks", 1), activation=opts.get("activation", "linear"))
    raise BadArgumentError("model_spec.kind", _short(kind), "unknown model kind in JSON")


def _input_keys(system) -> dict:
    """The normalized input of a census (DESIGN §6 keys, ``tau``/``alpha``, generator names)."""
    d = system.describe()
    for k in ("tau", "alpha"):
        if getattr(system, k, None) is not None:
            d[k] = rational_str(getattr(system, k))
    d["generators"] = list(system.generator_names)
    return d


def census_to_dict(c) -> dict:
    """The census as a JSON-ready dict (keys of DESIGN §6 and more)."""
    s = c.system
    d = _input_keys(s)
    d.update(
        {
            "ambient_dim": c.ambient_dim,
            "lie_rank": c.lie_rank,
            "laws_upper": c.laws_upper,
            "laws_lower": c.laws_lower,
            "proven": c.proven,
            "count_proof": c.count_proof,
            "laws_complete": c.laws_complete,
            "count_certificate": None if c.count_certificate is None else c.count_certificate.to_dict(),
            "parameters": list(s.ring.symbols),
            "laws": [str(law) for law in c.laws],
            "law_terms": [_poly_terms(law.poly) if law.log_law is None else law.log_law.to_terms() for law in c.laws],
            "law_space_dim": c.law_space_dim,
            "degree": c.degree,
            "time_degree": c.time_degree,
            "certificate": c.certificate.to_dict(),
            "closure": {"reason": c.closure_reason, **c.stats},
            "graph": {
                "nodes": [
                    [w, a.get("depth"), a.get("kept"), a.get("zero")] for w, a in c.graph.nodes(data=True)
                ],
                "edges": [list(e) for e in c.graph.edges()],
            },
            "model_spec": _system_spec(s),
            "seconds": round(c.seconds, 6),
            "format_version": FORMAT_VERSION,
        }
    )
    return d


def census_to_json(c, *, indent: int | None = 2) -> str:
    """The census as a JSON string."""
    return json.dumps(census_to_dict(c), indent=indent)


def upgrade_document(d: dict) -> dict:
    """A census document in the current format: lieflow 0.1 files (format 1) are mapped.

    In format 1, ``count_exact`` named why the count was exact and ``proven`` meant that every law
    was written out; now ``count_proof`` names the proof, ``proven`` means the count is proven,
    and ``laws_complete`` says every law is written out.  Other documents are returned unchanged.

    >>> old = {"format_version": 1, "proven": False, "count_exact": "one generator"}
    >>> new = upgrade_document(old)
    >>> new["count_proof"], new["proven"], new["laws_complete"], "count_exact" in new
    ('one generator', True, False, False)
    """
    if not isinstance(d, dict) or d.get("format_version") != 1 or "count_proof" in d:
        return d
    d = dict(d)
    complete = d.get("proven")
    kind = d.pop("count_exact", None)
    if kind is None and complete is True:  # written before count_exact existed
        kind = "explicit laws"
    d.update(count_proof=kind, proven=kind is not None, laws_complete=complete)
    return d


def load_document(text) -> dict:
    """Parse a saved census: a JSON object of a readable format version, upgraded.

    Raises
    ------
    BadArgumentError
        if ``text`` is not JSON, or not a lieflow census of a format this version reads.

    Examples
    --------
    >>> load_document('{"format_version": 2, "laws": []}')["laws"]
    []
    >>> load_document("[]")
    Traceback (most recent call last):
    ...
    lieflow.errors.BadArgumentError: text: is not a lieflow census (format_version one of [1, 2]), got '[]'
    """
    if not isinstance(text, (str, bytes, bytearray)):
        raise BadArgumentError("text", _short(repr(text)), "expected the JSON text of a census")
    try:
        d = json.loads(text, parse_constant=_refuse_constant)
    except (TypeError, ValueError, RecursionError) as exc:
        if isinstance(exc, LieflowError):
            raise
        raise BadArgumentError("text", _short(str(text)), "is not JSON") from None
    version = d.get("format_version") if isinstance(d, dict) else None
    if isinstance(version, bool) or version not in READABLE_FORMATS:
        raise BadArgumentError(
            "text", str(text)[:60], f"is not a lieflow census (format_version one of {list(READABLE_FORMATS)})"
        )
    return upgrade_document(d)


def _refuse_constant(name):
    raise BadArgumentError("text", name, "NaN and Infinity are not exact values")


def _system_from_doc(d: dict):
    """The system a census document describes, rebuilt from its model spec and flow options."""
    from .dynamics import make_system

    spec = d["model_spec"]
    if spec.get("kind") == "custom-fields":
        return _fields_system_from_spec(spec, d["flow"])
    if d["flow"] == "gradient":
        return make_system(_model_from_spec(spec))
    model = _model_from_spec(spec)
    return make_system(model, flow=d["flow"], damping=d["damping"], tau=d.get("tau"), alpha=d.get("alpha"))


def _count_certificate_from_doc(d: dict):
    """The count proof a document names, or None (a malformed one is left to the verifier)."""
    from .certificates import COUNT_PROOFS
    from .errors import VerificationError

    kind = d.get("count_proof")
    if not isinstance(kind, str) or kind not in COUNT_PROOFS:
        return None
    try:
        return COUNT_PROOFS[kind].from_dict(d.get("count_certificate") or {"kind": kind})
    except VerificationError:
        return None


def _graph_from_doc(d: dict) -> nx.DiGraph:
    from .certificates import fail

    g = d["graph"]
    nodes, edges = g.get("nodes"), g.get("edges")
    if not isinstance(nodes, list) or not isinstance(edges, list):
        fail("bracket graph", "graph must have lists 'nodes' and 'edges'")
    G = nx.DiGraph()
    for i, node in enumerate(nodes):
        if not isinstance(node, list) or len(node) != 4 or not isinstance(node[0], str):
            fail("bracket graph", f"nodes[{i}] must be [word, depth, kept, zero]")
        w, depth, kept, zero = node
        G.add_node(w, depth=depth, kept=kept, zero=zero)
    for i, e in enumerate(edges):
        if not isinstance(e, list) or len(e) != 2 or not all(isinstance(w, str) for w in e):
            fail("bracket graph", f"edges[{i}] must join two nodes")
        G.add_edge(*e)
    return G


def census_from_json(text: str):
    """Rebuild a :class:`~lieflow.census.Census` from :func:`census_to_json` output.

    Nothing is evaluated: the model is rebuilt from its spec, laws from their exact term lists.
    Nothing is trusted either: the census keeps the text it came from, and ``.verify()``
    re-checks that text (and the census object) against the rebuilt model.  Format 1 files
    (lieflow 0.1) are upgraded on the way in (:func:`upgrade_document`).

    Raises
    ------
    BadArgumentError
        if the text is not JSON or not a lieflow census of a readable format.
    VerificationError
        if a part of it cannot be read (a missing key, a spec that does not rebuild, a malformed
        law or certificate); the error names the check, as ``lieflow verify`` would.
    """
    from .certificates import VerificationError, verify_document

    d = load_document(text)
    try:
        return _census_from_doc(d, text)
    except VerificationError:  # report what the verifier would report first, in its order
        verify_document(d).raise_for_failure()
        raise


def _census_from_doc(d: dict, text):
    from .census import Census, Law, _make_law
    from .certificates import RankCertificate, parse_law_terms
    from .certificates.verify import check_format, lieflow_log_law, lieflow_poly, rebuild_system

    d = check_format(d)
    system = rebuild_system(d)
    laws = []
    for i, terms in enumerate(d["law_terms"]):
        h = parse_law_terms(terms, system.ring.index, f"laws[{i}]")
        if isinstance(h, dict):
            p = lieflow_poly(system.ring, h)
            laws.append(Law(p, system.time_expr(p)))
        else:
            laws.append(_make_law(system, lieflow_log_law(system.ring, h, f"laws[{i}]")))
    closure = dict(d["closure"]) if isinstance(d.get("closure"), dict) else {}
    reason = closure.pop("reason", "closed")
    return Census(
        system=system,
        ambient_dim=d["ambient_dim"],
        lie_rank=d["lie_rank"],
        laws_upper=d["laws_upper"],
        laws_lower=d["laws_lower"],
        proven=d["proven"],
        laws=tuple(laws),
        law_space_dim=d["law_space_dim"],
        certificate=RankCertificate.from_dict(d["certificate"]),
        graph=_graph_from_doc(d),
        closure_reason=reason,
        count_proof=d["count_proof"],
        laws_complete=d["laws_complete"],
        count_certificate=_count_certificate_from_doc(d),
        degree=d["degree"],
        time_degree=d["time_degree"],
        seconds=d["seconds"] if isinstance(d.get("seconds"), (int, float)) else 0.0,
        stats=closure,
        source=text,
    )


def _flow_label(c) -> str:
    s = c.system
    if s.flow == "gradient":
        label = "gradient flow"
    else:
        label = f"momentum flow, {s.damping} damping"
        if s.damping == "heavy-ball" and s.tau is not None:
            label += f" (tau = {rational_str(s.tau)})"
        if s.damping == "nesterov" and s.alpha is not None:
            label += f" (alpha/t, alpha = {rational_str(s.alpha)})"
    return f"{label}, {s.metric_name} metric"


def count_status(c) -> str:
    """How the count stands, in one phrase: ``"PROVEN (explicit laws): #laws = 3"`` or ``"not proven"``.

    Used by the text report and the LaTeX output alike.

    >>> from lieflow.census import census
    >>> from lieflow.models import custom
    >>> count_status(census(custom(["x*y"])))
    'PROVEN (explicit laws): #laws = 1'
    >>> count_status(census(custom(["x*y", "x*z"]), degree=1))
    'PROVEN (involutive closure): #laws = 1'
    >>> count_status(census(custom(["x*y + z*w", "x*w"]), degree=1, max_brackets=1))  # closure cut short
    'not proven'
    """
    if not c.proven:
        return "not proven"
    return f"PROVEN ({c.count_proof}): #laws = {c.laws_upper}"


#: A census with more laws than this prints a checked one-line summary instead (when one exists).
SUMMARY_OVER = 8


def census_to_text(c, *, expand: bool = False) -> str:
    """A human-readable report.

    When the laws are many (more than :data:`SUMMARY_OVER`) and are exactly a known closed-form
    family (checked by :func:`lieflow.summaries.law_summary`), the report names the family and
    shows the first three; ``expand=True`` (CLI ``--expand``) lists every law.

    Raises
    ------
    BadArgumentError
        if ``expand`` is not a bool.

    Examples
    --------
    >>> from lieflow.census import census
    >>> from lieflow.models import linear
    >>> print("\\n".join(census_to_text(census(linear([4, 4, 4]))).splitlines()[4:7]))
    independent laws (polynomial, degree <= 2): 10 — the entries on and above the diagonal of U_l^T U_l - U_{l+1} U_{l+1}^T for each hidden layer l (n_l (n_l + 1)/2 per layer, U_l the weights of layer l) (checked: the same space as the laws found)
       1. u1_1_1**2 + u1_2_1**2 + u1_3_1**2 + u1_4_1**2 - u2_1_1**2 - u2_1_2**2 - u2_1_3**2 - u2_1_4**2
       2. u1_1_1*u1_1_2 + u1_2_1*u1_2_2 + u1_3_1*u1_3_2 + u1_4_1*u1_4_2 - u2_1_1*u2_2_1 - u2_1_2*u2_2_2 - u2_1_3*u2_2_3 - u2_1_4*u2_2_4
    """
    if not isinstance(expand, bool):
        raise BadArgumentError("expand", expand, "must be True or False")
    s = c.system
    lines = [
        f"lieflow census: {s.model.name} — {_flow_label(c)}",
        f"variables ({c.ambient_dim}): {', '.join(s.ring.symbols)}",
        f"generators: {len(s.generators)};  Lie algebra rank at the certificate point: {c.lie_rank}",
        f"conservation laws: {c.laws_lower} found <= #laws <= {c.laws_upper}  {count_status(c)}",
    ]
    if "law_search_skipped" in c.stats:
        lines.append(f"explicit law search skipped: {c.stats['law_search_skipped']}")
    if "stopped_by" in c.stats:
        lines.append(f"stopped in the {c.stats.get('stopped_in')}: {c.stats['stopped_by']}; the bounds above are valid")
    if c.laws:
        where = f"degree <= {c.degree}"
        if s.time_variable is not None:
            td = "default" if c.time_degree is None else str(c.time_degree)
            where = f"degree <= {c.degree} in (θ, v), time degree {td}"
        kinds = "polynomial" if all(law.log_law is None for law in c.laws) else "polynomial and logarithmic"
        width = len(str(len(c.laws)))
        summary = None
        if not expand and len(c.laws) > SUMMARY_OVER:
            from .summaries import law_summary

            summary = law_summary(c)
        if summary is None:
            lines.append(f"independent laws ({kinds}, {where}):")
            lines += [f"  {i:>{width}}. {law}" for i, law in enumerate(c.laws, 1)]
        else:
            phrase, n = summary.rsplit(": ", 1)
            lines.append(f"independent laws ({kinds}, {where}): {len(c.laws)} — {phrase} (checked: the same space as the laws found)")
            lines += [f"  {i:>{width}}. {law}" for i, law in enumerate(c.laws[:3], 1)]
            lines.append(f"  {'':>{width}}  ... {len(c.laws) - 3} more (--expand, or Census.to_text(expand=True), lists them)")
    missing = c.laws_upper - c.laws_lower
    nor_logs = " (nor polynomial plus logarithms of linear forms)" if c.stats.get("log_law_search") == "searched" else ""
    if c.proven and missing:
        summary = getattr(c.count_certificate, "summary", "") or c.count_proof
        lines.append(
            f"  the number of laws is exactly {c.laws_upper}: {summary}; {missing} of them "
            f"{'is' if missing == 1 else 'are'} not polynomial of degree <= {c.degree}{nor_logs}"
        )
    elif not c.proven and c.closure_reason in ("limit", "interrupted"):
        lines.append(
            f"  (the closure stopped early ({c.closure_reason}): the upper bound is valid but may not be sharp; "
            f"allow it more time or brackets)"
        )
    elif not c.proven and "law_search_skipped" not in c.stats and c.stats.get("stopped_in") != "law search":
        lines.append(
            f"  (the closure is complete: try a higher --degree, or some laws are not polynomial{nor_logs})"
        )
    if not c.proven and "involutive_check" in c.stats and not c.stats["involutive_check"].startswith("not run: the closure"):
        lines.append(f"  count not proven by the involutive closure check: {c.stats['involutive_check']}")
    cert = c.certificate
    shown = ", ".join(cert.brackets[:8]) + (", ..." if len(cert.brackets) > 8 else "")
    lines.append(f"certificate: seed {cert.seed}, mod {cert.prime}, {len(cert.brackets)} kept fields: {shown}")
    st = c.stats
    lines.append(
        f"work: {st.get('brackets_evaluated', 0)} brackets evaluated, {st.get('brackets_expanded', 0)} expanded; "
        f"{c.seconds:.3f} s"
    )
    return "\n".join(lines)


def census_to_latex(c) -> str:
    r"""LaTeX for notebooks and papers: a header, then the laws in an ``aligned`` block.

    The header (model, flow, bounds and how the count stands — the same phrase as the text
    report —, the number of parameters ``D``, the dimension of the space the flow lives in, and
    the rank) is a ``gathered`` line of its own, outside the alignment; the laws are aligned on
    ``=``.  Symbols follow :func:`latex_symbol`: ``u^{(l)}_{i,j}`` for the weight of layer ``l``
    from unit ``i`` to unit ``j``, ``b^{(l)}_{k}`` for a bias, ``x_{3}`` for ``x3``, and a dot for
    a velocity (``\\dot{u}^{(1)}_{1,2}`` is the velocity of ``u1_1_2``).  Heavy-ball laws are
    written with ``e^{\\tau t}`` (the phase-space coordinate ``s = e^{\\tau t}``).

    Examples
    --------
    >>> from lieflow.census import census
    >>> from lieflow.models import relu
    >>> print(census_to_latex(census(relu([2, 2, 1]))))
    $$\begin{gathered}\text{relu[2, 2, 1]: gradient flow, euclidean metric} \\ 2 \leq \#\text{laws} \leq 2\quad \text{PROVEN (explicit laws):}\ \#\text{laws} = 2 \\ D = 6\ \text{parameters},\ \operatorname{rank} = 4 \\ \begin{aligned}h_{1} &= \left(u^{(1)}_{1,1}\right)^{2} + \left(u^{(1)}_{2,1}\right)^{2} - \left(u^{(2)}_{1,1}\right)^{2} \\ h_{2} &= \left(u^{(1)}_{1,2}\right)^{2} + \left(u^{(1)}_{2,2}\right)^{2} - \left(u^{(2)}_{2,1}\right)^{2}\end{aligned}\end{gathered}$$
    """
    head, laws = census_latex_lines(c)
    body = " \\\\ ".join(head)
    if laws:
        body += " \\\\ \\begin{aligned}" + " \\\\ ".join(f"{lhs} &= {rhs}" for lhs, rhs in laws) + "\\end{aligned}"
    return "$$\\begin{gathered}" + body + "\\end{gathered}$$"


def census_latex_lines(c) -> tuple:
    r"""The pieces of :func:`census_to_latex`: header lines, and ``(lhs, rhs)`` for each law.

    Each piece is plain math (no environment), e.g. for rendering one by one.

    Examples
    --------
    >>> from lieflow.census import census
    >>> from lieflow.models import linear
    >>> head, laws = census_latex_lines(census(linear([2, 2, 2]), flow="momentum"))
    >>> print(head[2])
    D = 8\ \text{parameters; phase space } (\theta, \dot\theta, s = e^{\tau t}),\ \dim = 17,\ \operatorname{rank} = 16
    >>> print(laws[0][1][:39])
    \left(u^{(1)}_{1,1} \dot{u}^{(1)}_{1,2}
    """
    s = c.system
    if c.proven:  # the phrase of count_status, with #laws set as math
        status = rf"\text{{PROVEN ({c.count_proof}):}}\ \#\text{{laws}} = {c.laws_upper}"
    else:
        status = r"\text{not proven}"
    head = [
        r"\text{" + _latex_text(f"{s.model.name}: {_flow_label(c)}") + "}",
        rf"{c.laws_lower} \leq \#\text{{laws}} \leq {c.laws_upper}\quad {status}",
    ]
    n_params = len(s.model.ring.symbols)
    if s.time_variable is None:
        head.append(rf"D = {n_params}\ \text{{parameters}},\ \operatorname{{rank}} = {c.lie_rank}")
    else:
        time = r"s = e^{\tau t}" if s.damping == "heavy-ball" else "t"
        head.append(
            rf"D = {n_params}\ \text{{parameters; phase space }} (\theta, \dot\theta, {time}),\ "
            rf"\dim = {c.ambient_dim},\ \operatorname{{rank}} = {c.lie_rank}"
        )
    names = latex_symbol_names(s)
    laws = [(f"h_{{{i}}}", law_latex(law.time_expr, symbol_names=names)) for i, law in enumerate(c.laws, 1)]
    return head, laws


def _latex_text(text: str) -> str:
    """Escape what ``\\text{...}`` cannot take literally."""
    for ch in "\\#$%&_{}^~":
        text = text.replace(ch, "\\" + ch if ch not in "\\^~" else {"\\": r"\textbackslash{}", "^": r"\^{}", "~": r"\~{}"}[ch])
    return text


_INDEXED_NAME = re.compile(r"([A-Za-z]+)([0-9]+)_([0-9]+(?:_[0-9]+)*)")
_NUMBERED_NAME = re.compile(r"([A-Za-z]+)([0-9]+)")


def latex_symbol(name: str, *, dot: bool = False) -> str:
    r"""LaTeX for a variable name, with the layer as a superscript and unambiguous indices.

    ``u1_2_3`` (layer 1, from unit 2 to unit 3) reads ``u^{(1)}_{2,3}``, ``b2_1`` reads
    ``b^{(2)}_{1}``, ``x3`` reads ``x_{3}``; other names are left to sympy.  ``dot=True`` puts a
    dot on the letter (a velocity).

    Parameters
    ----------
    name : str
    dot : bool

    Returns
    -------
    str

    Raises
    ------
    BadArgumentError
        if ``name`` is not a string.

    Examples
    --------
    >>> latex_symbol("u1_2_3"), latex_symbol("b2_1"), latex_symbol("x3")
    ('u^{(1)}_{2,3}', 'b^{(2)}_{1}', 'x_{3}')
    >>> print(latex_symbol("u1_2_3", dot=True), latex_symbol("alpha", dot=True))
    \dot{u}^{(1)}_{2,3} \dot{\alpha}
    """
    if not isinstance(name, str):
        raise BadArgumentError("name", _short(repr(name)), "expected a variable name")
    m = _INDEXED_NAME.fullmatch(name)
    if m:
        base, sup, sub = m.group(1), f"^{{({m.group(2)})}}", "_{" + m.group(3).replace("_", ",") + "}"
    else:
        m = _NUMBERED_NAME.fullmatch(name)
        if m:
            base, sup, sub = m.group(1), "", f"_{{{m.group(2)}}}"
        else:
            base, sup, sub = sympy.latex(sympy.Symbol(name)), "", ""
    if dot:
        base = rf"\dot{{{base}}}"
    return base + sup + sub


def latex_symbol_names(system) -> dict:
    r"""``{sympy.Symbol: latex}`` for every variable of a system (velocities dotted).

    Examples
    --------
    >>> from lieflow.dynamics import make_system
    >>> from lieflow.models import linear
    >>> names = latex_symbol_names(make_system(linear([1, 1, 1]), flow="momentum"))
    >>> print(names[sympy.Symbol("v_u2_1_1")])
    \dot{u}^{(2)}_{1,1}

    Raises
    ------
    AttributeError
        if ``system`` is not a lieflow System.
    """
    params = set(system.model.ring.symbols)
    out = {}
    for name in system.ring.symbols:
        if name.startswith("v_") and name[2:] in params and system.time_variable is not None:
            out[sympy.Symbol(name)] = latex_symbol(name[2:], dot=True)
        else:
            out[sympy.Symbol(name)] = latex_symbol(name)
    return out


class _LawLatexPrinter(LatexPrinter):
    """sympy's LaTeX, except ``log(Abs(x))``, which reads ``\\log|x|``."""

    def _print_log(self, expr, exp=None):
        (arg,) = expr.args
        if not isinstance(arg, sympy.Abs):
            return super()._print_log(expr, exp)
        text = rf"\log|{self._print(arg.args[0])}|"
        return text if exp is None else rf"\left({text}\right)^{{{exp}}}"


def law_latex(expr, *, symbol_names=None) -> str:
    """LaTeX of a law: as :func:`sympy.latex`, with ``log|x|`` written ``\\log|x|``.

    Parameters
    ----------
    expr : sympy.Expr
    symbol_names : dict, optional
        ``{sympy.Symbol: latex}``, e.g. from :func:`latex_symbol_names`.

    Returns
    -------
    str

    Raises
    ------
    BadArgumentError
        if ``expr`` is not a sympy expression.

    Examples
    --------
    >>> x2, x3 = sympy.symbols("x2 x3")
    >>> print(law_latex(2 * x2**2 - x3**2 - 6 * sympy.log(sympy.Abs(x3))))
    2 x_{2}^{2} - x_{3}^{2} - 6 \\log|x_{3}|
    >>> law_latex(x2**2) == sympy.latex(x2**2)
    True
    """
    if not isinstance(expr, sympy.Basic):
        raise BadArgumentError("expr", _short(repr(expr)), "expected a sympy expression")
    if symbol_names is not None and not isinstance(symbol_names, dict):
        raise BadArgumentError("symbol_names", _short(repr(symbol_names)), "expected a dict of sympy.Symbol to LaTeX")
    return _LawLatexPrinter({"symbol_names": symbol_names or {}}).doprint(expr)
