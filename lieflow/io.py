"""Exact input/output of census results: JSON (round trip, no eval), text and LaTeX.

JSON keys follow DESIGN §6.  Rationals are ``"p/q"`` strings; laws appear twice: ``laws`` as
strings sympy can parse (written with ``t``), and ``law_terms`` as exact term lists
``[[coefficient, [[name, exponent], ...]], ...]`` over ``variables`` which :func:`census_from_json`
reads back without evaluating any code.

>>> from lieflow.census import census
>>> from lieflow.models import linear
>>> c = census(linear([1, 2, 1]))
>>> d = census_from_json(census_to_json(c))
>>> (d.laws_lower, d.proven, [str(h) for h in d.laws] == [str(h) for h in c.laws])
(3, True, True)
"""

from __future__ import annotations

import json
from fractions import Fraction

import networkx as nx
import sympy

from .algebra import Poly, PolyRing, rational_str
from .errors import BadArgumentError, LieflowError

__all__ = ["census_to_dict", "census_to_json", "census_from_json", "census_to_text", "census_to_latex"]

FORMAT_VERSION = 1


def _poly_terms(p: Poly) -> list:
    out = []
    for m, c in p.terms():
        powers: dict = {}
        for i in m:
            powers[p.ring.symbols[i]] = powers.get(p.ring.symbols[i], 0) + 1
        out.append([rational_str(c), [[k, e] for k, e in powers.items()]])
    return out


def _poly_from_terms(ring: PolyRing, terms, what: str) -> Poly:
    d = {}
    try:
        for coeff, powers in terms:
            if not isinstance(coeff, str):
                raise BadArgumentError(what, coeff, "coefficients must be 'p/q' strings")
            c = Fraction(coeff)
            mono = []
            for name, e in powers:
                if not isinstance(e, int) or e < 1:
                    raise BadArgumentError(what, e, "exponents must be integers >= 1")
                mono.extend([ring.var_index(name)] * e)
            mono = tuple(sorted(mono))
            d[mono] = d.get(mono, 0) + c
    except (TypeError, ValueError) as exc:
        if isinstance(exc, LieflowError):
            raise
        raise BadArgumentError(what, terms, "malformed term list") from None
    return Poly(ring, d)


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
    if spec.get("kind") == "mirror":
        return mirror(params=spec["params"])
    if spec.get("kind") == "matrix":
        ring = PolyRing.get(params)
        return {(int(i), int(j)): _poly_from_terms(ring, t, "metric") for i, j, t in spec["entries"]}
    raise BadArgumentError("metric", spec, "unknown metric kind in JSON")


def _model_spec(model) -> dict:
    spec = {"kind": model.kind, "widths": list(model.widths), "bias": model.bias, "params": list(model.parameters)}
    if model.kind == "custom":
        spec["phi"] = [_poly_terms(p) for p in model.phi]
        spec["name"] = model.name
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

    params = spec["params"]
    ring = PolyRing.get(params)
    fields = [{params[int(k)]: _poly_from_terms(ring, t, "fields") for k, t in comps} for comps in spec["fields"]]
    return from_fields(fields, params, names=spec.get("names"), name=spec.get("name"), flow=flow)


def _model_from_spec(spec: dict):
    from . import models

    kind = spec.get("kind")
    metric = _metric_from_spec(spec.get("metric"), spec["params"])
    if kind == "custom":
        ring = PolyRing.get(spec["params"])
        phi = [_poly_from_terms(ring, t, "phi") for t in spec["phi"]]
        return models.custom(phi, params=spec["params"], metric=metric, name=spec.get("name"))
    widths = [int(w) for w in spec["widths"]]
    if kind == "linear":
        return models.linear(widths, metric=metric)
    if kind == "relu":
        return models.relu(widths, bias=bool(spec.get("bias")), metric=metric)
    if kind == "nmf":
        return models.nmf(widths)
    if kind == "icnn":
        return models.icnn(widths, bias=bool(spec.get("bias")))
    opts = spec.get("options") or {}
    if kind == "conv":
        return models.conv(*widths)
    if kind == "attention":
        d1, dim, heads = widths
        return models.attention(d1, dim, heads, share_softmax=bool(opts.get("share_softmax", False)))
    if kind == "resnet":
        return models.resnet(tuple(widths), blocks=int(opts.get("blocks", 1)), activation=opts.get("activation", "linear"))
    raise BadArgumentError("model", kind, "unknown model kind in JSON")


def census_to_dict(c) -> dict:
    """The census as a JSON-ready dict (keys of DESIGN §6 and more)."""
    s = c.system
    d = s.describe()
    d.update(
        {
            "ambient_dim": c.ambient_dim,
            "lie_rank": c.lie_rank,
            "laws_upper": c.laws_upper,
            "laws_lower": c.laws_lower,
            "proven": c.proven,
            "count_exact": c.count_exact,
            "parameters": list(s.ring.symbols),
            "laws": [str(law) for law in c.laws],
            "law_terms": [_poly_terms(law.poly) for law in c.laws],
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
    for k in ("tau", "alpha"):
        if getattr(s, k, None) is not None:
            d[k] = rational_str(getattr(s, k))
    return d


def census_to_json(c, *, indent: int | None = 2) -> str:
    """The census as a JSON string."""
    return json.dumps(census_to_dict(c), indent=indent)


def census_from_json(text: str):
    """Rebuild a :class:`~lieflow.census.Census` from :func:`census_to_json` output.

    Nothing is evaluated: the model is rebuilt from its spec, laws from their exact term lists.
    The result can be re-checked with ``.verify()``.

    Raises
    ------
    BadArgumentError
        if the text is not such a JSON object.
    """
    from .census import Census, Certificate, Law
    from .dynamics import make_system

    try:
        d = json.loads(text)
    except (TypeError, ValueError):
        raise BadArgumentError("text", str(text)[:60], "is not JSON") from None
    if not isinstance(d, dict) or d.get("format_version") != FORMAT_VERSION:
        raise BadArgumentError("text", str(text)[:60], f"is not a lieflow census (format {FORMAT_VERSION})")
    try:
        spec = d["model_spec"]
        if spec.get("kind") == "custom-fields":
            system = _fields_system_from_spec(spec, d["flow"])
        elif d["flow"] == "gradient":
            system = make_system(_model_from_spec(spec))
        else:
            model = _model_from_spec(spec)
            system = make_system(model, flow=d["flow"], damping=d["damping"], tau=d.get("tau"), alpha=d.get("alpha"))
        if list(system.ring.symbols) != d["parameters"]:
            raise BadArgumentError("parameters", d["parameters"], "do not match the rebuilt model")
        laws = []
        for terms in d["law_terms"]:
            p = _poly_from_terms(system.ring, terms, "law_terms")
            laws.append(Law(p, system.time_expr(p)))
        cert = d["certificate"]
        certificate = Certificate(
            tuple(int(Fraction(x)) if Fraction(x).denominator == 1 else Fraction(x) for x in cert["point"]),
            int(cert["prime"]),
            tuple(cert["brackets"]),
            cert.get("seed"),
        )
        G = nx.DiGraph()
        for w, depth, kept, zero in d["graph"]["nodes"]:
            G.add_node(w, depth=depth, kept=kept, zero=zero)
        G.add_edges_from(tuple(e) for e in d["graph"]["edges"])
        closure = dict(d.get("closure", {}))
        reason = closure.pop("reason", "closed")
        return Census(
            system=system,
            ambient_dim=int(d["ambient_dim"]),
            lie_rank=int(d["lie_rank"]),
            laws_upper=int(d["laws_upper"]),
            laws_lower=int(d["laws_lower"]),
            proven=bool(d["proven"]),
            laws=tuple(laws),
            law_space_dim=int(d.get("law_space_dim", len(laws))),
            certificate=certificate,
            graph=G,
            closure_reason=reason,
            count_exact=d.get("count_exact"),
            degree=int(d.get("degree", 2)),
            time_degree=d.get("time_degree"),
            seconds=float(d.get("seconds", 0.0)),
            stats=closure,
        )
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, LieflowError):
            raise
        raise BadArgumentError("text", str(text)[:60], f"malformed census JSON ({type(exc).__name__}: {exc})") from None


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


def census_to_text(c) -> str:
    """A human-readable report."""
    s = c.system
    status = "PROVEN" if c.proven else ("count exact; not every law explicit" if c.count_exact else "not proven")
    lines = [
        f"lieflow census: {s.model.name} — {_flow_label(c)}",
        f"variables ({c.ambient_dim}): {', '.join(s.ring.symbols)}",
        f"generators: {len(s.generators)};  Lie algebra rank at the certificate point: {c.lie_rank}",
        f"conservation laws: {c.laws_lower} found <= #laws <= {c.laws_upper}  ({status})",
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
        lines.append(f"independent laws (polynomial, {where}):")
        width = len(str(len(c.laws)))
        lines += [f"  {i:>{width}}. {law}" for i, law in enumerate(c.laws, 1)]
    if not c.proven and c.count_exact == "one generator":
        lines.append(
            f"  the number of laws is exactly {c.laws_upper}: one generator spans its own Lie algebra "
            f"(flow-box theorem); {c.laws_upper - c.laws_lower} of them are not polynomial of degree <= {c.degree}"
        )
    elif not c.proven and c.closure_reason in ("limit", "interrupted"):
        lines.append(
            f"  (the closure stopped early ({c.closure_reason}): the upper bound is valid but may not be sharp; "
            f"allow it more time or brackets)"
        )
    elif not c.proven and "law_search_skipped" not in c.stats and c.stats.get("stopped_in") != "law search":
        lines.append(
            "  (the closure is complete: try a higher --degree, or some laws are not polynomial)"
        )
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
    """LaTeX for notebooks: the bounds and the laws in an ``align*`` environment."""
    status = r"\text{proven}" if c.proven else r"\text{not proven}"
    head = (
        rf"\text{{{c.system.model.name}: }}{c.laws_lower} \le \#\text{{laws}} \le {c.laws_upper}"
        rf"\quad ({status},\ D = {c.ambient_dim},\ \operatorname{{rank}} = {c.lie_rank})"
    )
    rows = [head] + [rf"h_{{{i}}} &= {sympy.latex(law.time_expr)}" for i, law in enumerate(c.laws, 1)]
    return "$$\\begin{aligned}" + r" \\ ".join(rows) + "\\end{aligned}$$"
