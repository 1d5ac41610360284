"""The independent verifier of a saved census: it trusts nothing stored except the model spec.

From the model spec (and the flow options) the system is rebuilt; the generators are rebuilt once
more with plain sympy (``System.generator_exprs``) and from then on handled with the plain exact
arithmetic of :mod:`lieflow.certificates.plain` — nothing from the fast paths (closure, law search,
modular evaluation and echelon forms).  Every stored number is compared with what the rebuild
gives, in this order (the first failure stops the run and is the one reported):

==================  ===============================================================================
check               what must hold
==================  ===============================================================================
format              a JSON object of a readable format, every key present with the right type
model spec          the system can be rebuilt from ``model_spec`` and the flow options
ambient dimension   ``ambient_dim`` is the rebuilt number of variables
parameters          ``parameters`` are the rebuilt variable names, in order
model               ``model``, ``widths``, ``bias`` are the rebuilt model's
flow                ``flow``, ``damping``, ``tau``, ``alpha``, ``time_variable`` are the rebuilt flow's
metric              ``metric`` is the rebuilt metric's name
generators          the generator names are the rebuilt ones; the independent rebuild gives as many
certificate         point, prime, seed and bracket words are well formed; one coordinate per variable
lie rank            the kept words, bracketed by the textbook formula, have rank ``lie_rank`` = their
                    number over QQ at the point
upper bound         ``laws_upper = ambient_dim - lie_rank``
law terms           every law is an exact term list over the variables; one string per law
explicit laws       every generator annihilates every law (exact polynomial identities; for a law
                    with logarithms, its log coefficients too, see :mod:`.explicit`)
law independence    the laws' gradients at the point have rank ``laws_lower`` = their number
                    (fixed rationals standing for the log values a gradient may contain)
law strings         each readable law is what its exact terms print as
law degrees         the laws respect ``degree`` / ``time_degree`` (a logarithm counts as degree 1
                    in the parameters); ``law_space_dim >= laws_lower``
bounds              ``0 <= laws_lower <= laws_upper``
count proof         ``proven``, ``count_proof``, ``count_certificate``, ``laws_complete`` agree with
                    the evidence, and the named proof's own ``check`` passes
bracket graph       well-formed nodes with their depths, an edge from each factor to each bracket
                    and no other; its kept nodes are the kept words
==================  ===============================================================================

>>> from lieflow import census
>>> from lieflow.models import linear
>>> report = verify_document(census(linear([2, 2, 2])).to_dict())
>>> report.verified, len(report.checks), str(report.checks[9])
(True, 19, 'ok      lie rank: the 5 kept brackets have rank 5 over QQ at the certificate point')
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from ..errors import VerificationError
from .base import Evidence, fail
from .counts import SIMPLE_PROOFS
from .explicit import LawCertificate, LogTerms
from .plain import parse_word, poly_degree, poly_from_sympy, word_leaves
from .rank import RankCertificate, bracket_memo

__all__ = [
    "CheckResult",
    "VerificationReport",
    "verify_document",
    "verify_json",
    "verify_census",
    "check_format",
    "rebuild_system",
    "lieflow_poly",
    "lieflow_log_law",
]

#: Guards against model specs too large to rebuild (reported as not verified): verifying costs
#: about as much as the census of the model in the spec, so a forged spec must not name a huge one.
#: (The largest census proven within a minute has 1568 parameters.)
MAX_VARIABLES = 20_000
MAX_WIDTHS = 64


@dataclass(frozen=True)
class CheckResult:
    """One line of a verification: the check's name, whether it passed, what was found."""

    name: str
    ok: bool
    detail: str

    def to_dict(self) -> dict:
        return {"check": self.name, "ok": self.ok, "detail": self.detail}

    def __str__(self):
        return f"{'ok' if self.ok else 'FAILED':<7} {self.name}: {self.detail}"


@dataclass(frozen=True)
class VerificationReport:
    """The checks run on a census document, in order; the last one failed if any did.

    Attributes
    ----------
    checks : tuple of CheckResult
    """

    checks: tuple

    @property
    def verified(self) -> bool:
        """Every check ran and passed."""
        return bool(self.checks) and all(c.ok for c in self.checks)

    @property
    def failure(self):
        """The failed :class:`CheckResult`, or None."""
        return next((c for c in self.checks if not c.ok), None)

    def raise_for_failure(self) -> bool:
        """Return True if verified.

        Raises
        ------
        VerificationError
            naming the failed check (``exc.check``).
        """
        f = self.failure
        if f is not None:
            fail(f.name, f.detail)
        return True

    def summary(self) -> str:
        """One line: ``"verified: 19 checks passed"`` or ``"NOT VERIFIED: <check>: <detail>"``."""
        f = self.failure
        if f is None:
            return f"verified: {len(self.checks)} checks passed"
        return f"NOT VERIFIED: {f.name}: {f.detail}"

    def to_text(self) -> str:
        """One line per check, then the summary."""
        return "\n".join([str(c) for c in self.checks] + [self.summary()])

    def to_dict(self) -> dict:
        f = self.failure
        return {
            "verified": self.verified,
            "failed": None if f is None else f.name,
            "checks": [c.to_dict() for c in self.checks],
        }


class _Run:
    """What the checks have re-established so far (each step reads what earlier ones set)."""

    def __init__(self, doc):
        self.doc = doc
        self.system = None
        self.variables = ()
        self.fields: dict = {}
        self.certificate = None
        self.field_of = None
        self.rank = None
        self.laws: list = []
        self.independent = None


# -- the steps ---------------------------------------------------------------------------------


def _is_int(x) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


_SCHEMA = (
    ("an integer", _is_int, ("ambient_dim", "lie_rank", "laws_upper", "laws_lower", "law_space_dim", "degree")),
    ("a boolean", lambda x: isinstance(x, bool), ("proven", "laws_complete", "bias")),
    ("a string", lambda x: isinstance(x, str), ("model", "flow", "metric")),
    ("a string or null", lambda x: x is None or isinstance(x, str), ("damping", "count_proof")),
    ("an integer or null", lambda x: x is None or _is_int(x), ("time_degree",)),
    ("a list", lambda x: isinstance(x, list), ("parameters", "laws", "law_terms", "widths")),
    ("an object", lambda x: isinstance(x, dict), ("certificate", "model_spec", "graph")),
)


def check_format(d) -> dict:
    """Check a census document's shape: a readable format version, every key, the right types.

    Returns
    -------
    dict
        The document, upgraded to the current format (:func:`lieflow.io.upgrade_document`).

    Raises
    ------
    VerificationError
        (check ``"format"``) for a missing key or a value of the wrong JSON type.

    Examples
    --------
    >>> check_format({"format_version": 2})
    Traceback (most recent call last):
    ...
    lieflow.errors.VerificationError: format: missing key 'ambient_dim'
    """
    from ..io import READABLE_FORMATS, upgrade_document

    if not isinstance(d, dict):
        fail("format", f"expected a JSON object, got {type(d).__name__}")
    version = d.get("format_version")
    if not _is_int(version) or version not in READABLE_FORMATS:
        fail("format", f"format_version must be one of {list(READABLE_FORMATS)}, got {version!r:.40}")
    d = upgrade_document(d)
    for what, ok, keys in _SCHEMA:
        for key in keys:
            if key not in d:
                fail("format", f"missing key {key!r}")
            if not ok(d[key]):
                fail("format", f"{key!r} must be {what}, got {d[key]!r:.60}")
    if version >= 2:  # written by every lieflow 0.2 census
        for key in ("generators", "count_certificate"):
            if key not in d:
                fail("format", f"missing key {key!r}")
    if "generators" in d and not (isinstance(d["generators"], list) and all(isinstance(g, str) for g in d["generators"])):
        fail("format", "'generators' must be a list of names")
    if not (d.get("count_certificate") is None or isinstance(d["count_certificate"], dict)):
        fail("format", "'count_certificate' must be an object or null")
    if not all(isinstance(s, str) for s in d["laws"]):
        fail("format", "'laws' must be a list of strings")
    return d


def _format(run: _Run):
    run.doc = check_format(run.doc)
    return [("format", f"format_version {run.doc['format_version']}, every key present with its type")]


def _check_size(spec) -> None:
    params = spec.get("params")
    if not isinstance(params, list) or len(params) > MAX_VARIABLES:
        fail("model spec", f"params must be a list of at most {MAX_VARIABLES} names")
    widths = spec.get("widths", [])
    if not isinstance(widths, list) or len(widths) > MAX_WIDTHS or not all(_is_int(w) and 0 <= w for w in widths):
        fail("model spec", f"widths must be a list of at most {MAX_WIDTHS} integers >= 0")
    if sum(a * b for a, b in zip(widths, widths[1:])) > MAX_VARIABLES:
        fail("model spec", f"the widths {widths} give more than {MAX_VARIABLES} weights")


def rebuild_system(d: dict):
    """The system a (format-checked) census document describes, from its model spec alone.

    Raises
    ------
    VerificationError
        (check ``"model spec"``) if the spec is too large or the system cannot be rebuilt.

    Examples
    --------
    >>> from lieflow import census
    >>> from lieflow.models import custom
    >>> rebuild_system(census(custom(["x*y"])).to_dict()).generator_names
    ('X1',)
    """
    from ..io import _system_from_doc

    spec = d["model_spec"]
    if not isinstance(spec.get("kind"), str):
        fail("model spec", "model_spec has no 'kind'")
    _check_size(spec)
    try:
        return _system_from_doc(d)
    except Exception as exc:  # untrusted input into the model builders: any failure is a failed check
        fail("model spec", f"cannot rebuild the system ({type(exc).__name__}: {_clip(exc)})")


def lieflow_poly(ring, h: dict):
    """A plain polynomial (non-negative exponents) as a :class:`lieflow.algebra.Poly` over ``ring``.

    >>> from lieflow.algebra import PolyRing
    >>> lieflow_poly(PolyRing.get(("x", "y")), {((0, 2),): 1, ((1, 1),): -3})
    Poly(x**2 - 3*y)
    """
    from ..algebra import Poly

    return Poly(ring, {tuple(v for v, e in m for _ in range(e)): c for m, c in h.items()})


def lieflow_log_law(ring, h: LogTerms, what: str):
    """A plain law with logarithms as a :class:`lieflow.loglaws.LogLaw` over ``ring``.

    Parameters
    ----------
    ring : PolyRing
    h : LogTerms
        As read by :func:`lieflow.certificates.parse_law_terms`.
    what : str
        How to name the law in errors.

    Returns
    -------
    LogLaw

    Raises
    ------
    VerificationError
        (check ``"law terms"``) if the terms do not form a law (e.g. an argument with a constant).

    Examples
    --------
    >>> from lieflow.algebra import PolyRing
    >>> h = LogTerms({((1, 2),): 1}, (({((0, 1),): 1}, {(): -3}),))
    >>> lieflow_log_law(PolyRing.get(("x", "y")), h, "laws[0]")
    LogLaw(y**2 - 3*log(Abs(x)))
    """
    from ..errors import LieflowError
    from ..loglaws import LogLaw

    try:
        return LogLaw(lieflow_poly(ring, h.poly), [(lieflow_poly(ring, ell), lieflow_poly(ring, q)) for ell, q in h.logs])
    except LieflowError as exc:
        fail("law terms", f"{what}: {_clip(exc)}")


def _model_spec(run: _Run):
    run.system = rebuild_system(run.doc)
    run.variables = tuple(run.system.ring.symbols)
    return [("model spec", f"rebuilt {run.system.model.name} ({run.system.flow})")]


def _expected_inputs(run: _Run) -> dict:
    from ..io import _input_keys

    return _input_keys(run.system)


def _same(run: _Run, check: str, keys, expected: dict):
    d = run.doc
    for k in keys:
        if k in expected or k in d:
            if d.get(k) != expected.get(k):
                fail(check, f"{k} is {d.get(k)!r:.60}; the rebuilt system has {expected.get(k)!r:.60}")
    return [(check, ", ".join(f"{k} = {expected.get(k)}" for k in keys if k in expected))]


def _ambient_dim(run: _Run):
    n = run.system.ambient_dim
    if run.doc["ambient_dim"] != n:
        fail("ambient dimension", f"ambient_dim is {run.doc['ambient_dim']}; the rebuilt system has {n} variables")
    return [("ambient dimension", f"{n} variables")]


def _parameters(run: _Run):
    stored = run.doc["parameters"]
    if stored != list(run.variables):
        bad = next((i for i, (a, b) in enumerate(zip(stored, run.variables)) if a != b), min(len(stored), len(run.variables)))
        fail("parameters", f"the stored names differ from the rebuilt ones at position {bad} "
             f"({len(stored)} stored, {len(run.variables)} rebuilt)")
    return [("parameters", f"{len(stored)} names in the rebuilt order")]


def _model(run: _Run):
    return _same(run, "model", ("model", "widths", "bias"), _expected_inputs(run))


def _flow(run: _Run):
    return _same(run, "flow", ("flow", "damping", "tau", "alpha", "time_variable"), _expected_inputs(run))


def _metric(run: _Run):
    return _same(run, "metric", ("metric",), _expected_inputs(run))


def _generators(run: _Run):
    system, d = run.system, run.doc
    names = tuple(system.generator_names)
    if "generators" in d and d["generators"] != list(names):
        fail("generators", f"the census names {len(d['generators'])} generators {d['generators']!r:.60}; "
             f"the rebuilt system has {len(names)}: {list(names)!r:.60}")
    exprs = system.generator_exprs()
    if len(exprs) != len(names):
        fail("generators", f"the independent rebuild gives {len(exprs)} generators, the system {len(names)}")
    syms = system.ring.sympy_symbols()
    index = {s: i for i, s in enumerate(syms)}
    for name, X in zip(names, exprs):
        field = {}
        for k, e in enumerate(X):
            if e != 0:
                p = poly_from_sympy(e, index, f"generator {name}, component {k}")
                if p:
                    field[k] = p
        if not field:
            fail("generators", f"generator {name} is zero in the independent rebuild")
        run.fields[name] = field
    return [("generators", f"{len(names)} rebuilt independently: {_names(names)}")]


def _certificate(run: _Run):
    cert = RankCertificate.from_dict(run.doc["certificate"])
    n = len(run.variables)
    if len(cert.point) != n:
        fail("certificate", f"the point has {len(cert.point)} coordinates; the model has {n} variables")
    for i, w in enumerate(cert.brackets):
        try:
            parse_word(w, run.fields, f"brackets[{i}]")
        except VerificationError as exc:
            fail("certificate", str(exc))
    run.certificate = cert
    return [("certificate", f"{len(cert.brackets)} kept words, a rational point in dimension {n}, prime {cert.prime}")]


def _lie_rank(run: _Run):
    cert, d = run.certificate, run.doc
    run.field_of = bracket_memo(run.fields)
    r = cert.check(run.fields, len(run.variables), field_of=run.field_of)
    if r != d["lie_rank"]:
        fail("lie rank", f"the kept brackets have rank {r} over QQ at the point; the census claims lie_rank = {d['lie_rank']}")
    run.rank = r
    return [("lie rank", f"the {r} kept brackets have rank {r} over QQ at the certificate point")]


def _upper_bound(run: _Run):
    d = run.doc
    n = len(run.variables)
    if d["laws_upper"] != n - run.rank:
        fail("upper bound", f"laws_upper is {d['laws_upper']}; ambient_dim - lie_rank = {n - run.rank}")
    return [("upper bound", f"laws_upper = {n} - {run.rank} = {n - run.rank}")]


def _laws(run: _Run):
    d = run.doc
    if len(d["laws"]) != len(d["law_terms"]):
        fail("law terms", f"{len(d['laws'])} law strings but {len(d['law_terms'])} exact term lists")
    evidence = LawCertificate.from_dict({"law_terms": d["law_terms"]})
    run.laws = evidence.parse(run.variables)
    k = evidence.check(run.variables, run.fields, run.certificate.point)
    if k != d["laws_lower"]:
        fail("law independence", f"{k} independent laws; the census claims laws_lower = {d['laws_lower']}")
    run.independent = k
    return [
        ("law terms", f"{len(run.laws)} exact term lists over the {len(run.variables)} variables"),
        ("explicit laws", f"each annihilated by all {len(run.fields)} generators"),
        ("law independence", f"the gradients have rank {k} = laws_lower at the certificate point"),
    ]


def _law_strings(run: _Run):
    from ..census import Law, _make_law

    system = run.system
    for i, (text, h) in enumerate(zip(run.doc["laws"], run.laws)):
        if isinstance(h, LogTerms):
            printed = str(_make_law(system, lieflow_log_law(system.ring, h, f"laws[{i}]")))
        else:
            p = lieflow_poly(system.ring, h)
            printed = str(Law(p, system.time_expr(p)))
        if text != printed:
            fail("law strings", f"laws[{i}] reads {_around_difference(text, printed)}")
    return [("law strings", f"{len(run.laws)} readable laws printed from their exact terms")]


def _law_degrees(run: _Run):
    d, system = run.doc, run.system
    degree, time_degree = d["degree"], d["time_degree"]
    if degree < 1:
        fail("law degrees", f"degree must be >= 1, got {degree}")
    if system.time_variable is None:
        if time_degree is not None:
            fail("law degrees", f"time_degree is {time_degree} for a flow without a time coordinate")
        inner, max_t = None, None
    else:
        inner = set(range(len(run.variables) - 1))
        max_t = system.default_time_degree() if time_degree is None else time_degree
    for i, h in enumerate(run.laws):
        if _law_degree(h, inner, 1) > degree:
            fail("law degrees", f"laws[{i}] has degree {_law_degree(h, inner, 1)} > degree = {degree}")
        if max_t is not None and _law_degree(h, {len(run.variables) - 1}, 0) > max_t:
            fail("law degrees", f"laws[{i}] has time degree {_law_degree(h, {len(run.variables) - 1}, 0)} > {max_t}")
    if d["law_space_dim"] < d["laws_lower"]:
        fail("law degrees", f"law_space_dim = {d['law_space_dim']} is below laws_lower = {d['laws_lower']}")
    return [("law degrees", f"every law within degree {degree}; law_space_dim = {d['law_space_dim']}")]


def _law_degree(h, variables, log_degree: int) -> int:
    """A law's degree in ``variables``; a logarithm adds ``log_degree`` to its coefficient's."""
    if not isinstance(h, LogTerms):
        return poly_degree(h, variables)
    return max([poly_degree(h.poly, variables)] + [poly_degree(q, variables) + log_degree for _, q in h.logs])


def _bounds(run: _Run):
    lower, upper = run.doc["laws_lower"], run.doc["laws_upper"]
    if not 0 <= lower <= upper:
        fail("bounds", f"laws_lower = {lower} and laws_upper = {upper} do not satisfy 0 <= lower <= upper")
    return [("bounds", f"{lower} <= #laws <= {upper}")]


def _count_proof(run: _Run):
    from . import COUNT_PROOFS

    d = run.doc
    upper = len(run.variables) - run.rank
    evidence = Evidence(
        ambient_dim=len(run.variables), generators=len(run.fields), rank=run.rank, laws_lower=run.independent,
        system=run.system, fields=run.fields, point=run.certificate.point, kept=run.certificate.brackets,
        field_of=run.field_of,
    )
    complete = run.independent == upper
    if d["laws_complete"] != complete:
        fail("count proof", f"laws_complete is {d['laws_complete']}, but {run.independent} laws against the bound {upper}")
    kind, proven = d["count_proof"], d["proven"]
    if kind is None:
        if proven:
            fail("count proof", "proven is true but count_proof is null")
        if d.get("count_certificate") is not None:
            fail("count proof", "count_certificate is given but count_proof is null")
        holding = [cls.kind for cls in SIMPLE_PROOFS if cls.holds(evidence)]
        if holding:
            fail("count proof", f"count_proof is null, but {holding[0]!r} proves the count")
        return [("count proof", f"not proven (none claimed): {run.independent} <= #laws <= {upper}")]
    if kind not in COUNT_PROOFS:
        fail("count proof", f"unknown count_proof {kind!r:.40} (known: {sorted(COUNT_PROOFS)})")
    if not proven:
        fail("count proof", f"count_proof is {kind!r} but proven is false")
    data = d["count_certificate"] if "count_certificate" in d else {"kind": kind}  # format 1 has none
    proof = COUNT_PROOFS[kind].from_dict(data)
    count = proof.check(evidence)
    if count != upper:
        fail("count proof", f"{kind!r} proves {count} laws, not laws_upper = {upper}")
    return [("count proof", f"PROVEN ({kind}): #laws = {count}")]


def _graph(run: _Run):
    g = run.doc["graph"]
    nodes, edges = g.get("nodes"), g.get("edges")
    if not isinstance(nodes, list) or not isinstance(edges, list):
        fail("bracket graph", "graph must have lists 'nodes' and 'edges'")
    words, kept = {}, set()
    for i, node in enumerate(nodes):
        if not isinstance(node, list) or len(node) != 4:
            fail("bracket graph", f"nodes[{i}] must be [word, depth, kept, zero]")
        word, depth, is_kept, zero = node
        try:
            tree = parse_word(word, run.fields, f"nodes[{i}]")
        except VerificationError as exc:
            fail("bracket graph", str(exc))
        if depth != word_leaves(tree):
            fail("bracket graph", f"nodes[{i}] {word!r:.60} has depth {depth!r:.20}, not {word_leaves(tree)}")
        if not isinstance(is_kept, bool) or not (zero is None or isinstance(zero, bool)):
            fail("bracket graph", f"nodes[{i}]: kept must be a boolean and zero a boolean or null")
        if is_kept and zero is not False:
            fail("bracket graph", f"nodes[{i}] {word!r:.60} is kept but not marked nonzero")
        words[word] = tree
        if is_kept:
            kept.add(word)
    if kept != set(run.certificate.brackets):
        fail("bracket graph", f"its {len(kept)} kept nodes are not the {len(run.certificate.brackets)} kept words")
    joined = set()
    for i, e in enumerate(edges):
        if not isinstance(e, list) or len(e) != 2 or not all(isinstance(w, str) and w in words for w in e):
            fail("bracket graph", f"edges[{i}] must join two nodes")
        tree = words[e[1]]
        if isinstance(tree, str) or e[0] not in (_word(tree[0]), _word(tree[1])):
            fail("bracket graph", f"edges[{i}] {e!r:.60} does not go from a factor to its bracket")
        joined.add(tuple(e))
    for word, tree in words.items():
        if not isinstance(tree, str) and not {(_word(tree[0]), word), (_word(tree[1]), word)} <= joined:
            fail("bracket graph", f"the bracket {word!r:.60} lacks an edge from one of its factors")
    return [("bracket graph", f"{len(nodes)} nodes, {len(edges)} edges; the kept nodes are the kept words")]


#: The steps in order, each with the check name it reports under when it fails unexpectedly.
STEPS = (
    ("format", _format),
    ("model spec", _model_spec),
    ("ambient dimension", _ambient_dim),
    ("parameters", _parameters),
    ("model", _model),
    ("flow", _flow),
    ("metric", _metric),
    ("generators", _generators),
    ("certificate", _certificate),
    ("lie rank", _lie_rank),
    ("upper bound", _upper_bound),
    ("law terms", _laws),
    ("law strings", _law_strings),
    ("law degrees", _law_degrees),
    ("bounds", _bounds),
    ("count proof", _count_proof),
    ("bracket graph", _graph),
)


# -- entry points ------------------------------------------------------------------------------


def verify_document(doc) -> VerificationReport:
    """Run every check on a census document (the dict of :func:`lieflow.io.census_to_dict`).

    Never raises for bad content: a malformed or forged document gives a report whose last
    check failed.

    Parameters
    ----------
    doc : dict
        A parsed census JSON (format 1 documents are upgraded first).

    Returns
    -------
    VerificationReport

    Raises
    ------
    Nothing for any content of ``doc``.

    Examples
    --------
    >>> from lieflow import census
    >>> from lieflow.models import custom
    >>> d = census(custom(["x*y"])).to_dict()
    >>> d["ambient_dim"] = 3
    >>> print(verify_document(d).summary())
    NOT VERIFIED: ambient dimension: ambient_dim is 3; the rebuilt system has 2 variables
    """
    run = _Run(doc)
    results = []
    for default, step in STEPS:
        try:
            results += [CheckResult(name, True, detail) for name, detail in step(run)]
        except VerificationError as exc:
            name = getattr(exc, "check", default)
            text = str(exc)
            results.append(CheckResult(name, False, text[len(name) + 2 :] if text.startswith(name + ": ") else text))
            break
        except Exception as exc:  # fail closed: content the checks did not foresee is not verified
            results.append(CheckResult(default, False, f"could not be checked ({type(exc).__name__}: {_clip(exc)})"))
            break
    return VerificationReport(tuple(results))


def verify_json(text) -> VerificationReport:
    """Verify a saved census given as JSON text.

    Returns
    -------
    VerificationReport

    Raises
    ------
    BadArgumentError
        if the text is not JSON or not a lieflow census of a readable format (an unusable file,
        as opposed to one that fails verification).

    Examples
    --------
    >>> from lieflow import census
    >>> from lieflow.models import custom
    >>> verify_json(census(custom(["x*y*z"])).to_json()).summary()
    'verified: 19 checks passed'
    >>> verify_json("[1, 2]")
    Traceback (most recent call last):
    ...
    lieflow.errors.BadArgumentError: text: is not a lieflow census (format_version one of [1, 2]), got '[1, 2]'
    """
    from ..io import load_document

    return verify_document(load_document(text))


def verify_census(c) -> bool:
    """:meth:`lieflow.census.Census.verify`: check the census's document (and its source text).

    A census loaded from JSON first has the text it came from verified; if the census object
    still says the same, that is all; otherwise (it was changed after loading) its own document
    is verified too.

    Returns
    -------
    True

    Raises
    ------
    VerificationError
        naming the first failed check (``exc.check``).

    Examples
    --------
    >>> from lieflow import census
    >>> from lieflow.models import custom
    >>> verify_census(census(custom(["x*y"])))
    True
    """
    from ..io import census_to_dict, load_document

    doc = json.loads(json.dumps(census_to_dict(c)))
    if c.source is not None:
        src = load_document(c.source)
        verify_document(src).raise_for_failure()
        ignored = {"seconds", "closure", "format_version"}
        if all(src.get(k) == doc.get(k) for k in (set(src) | set(doc)) - ignored):
            return True
    return verify_document(doc).raise_for_failure()


def _around_difference(text: str, printed: str) -> str:
    """``'...a...' but its exact terms print as '...b...'``, both cut around the first difference."""
    k = next((i for i, (a, b) in enumerate(zip(text, printed)) if a != b), min(len(text), len(printed)))
    start = max(0, k - 20)

    def cut(x):
        return ("..." if start else "") + x[start : k + 40] + ("..." if len(x) > k + 40 else "")

    return f"{cut(text)!r} but its exact terms print as {cut(printed)!r}"


def _word(tree) -> str:
    return tree if isinstance(tree, str) else f"[{_word(tree[0])},{_word(tree[1])}]"


def _names(names) -> str:
    return ", ".join(names) if len(names) <= 6 else ", ".join(names[:5]) + f", ..., {names[-1]}"


def _clip(exc) -> str:
    text = str(exc)
    return text if len(text) <= 200 else text[:197] + "..."
