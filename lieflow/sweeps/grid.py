"""Grids of censuses: a model family crossed with census options.

A :class:`Point` is one census to run, described by plain data (model name, widths, model
options, census options) so that it can be sent to another process or machine and keyed in a
results store.  A :class:`Grid` is an ordered tuple of points, each with its *coordinates*: the
values that vary across the grid (a swept width, a list-valued option), by name.

Widths are named after their position: for three widths ``[n, r, m]`` (the papers' notation for
a two-factor network ``U ∈ R^{n×r}``, ``V ∈ R^{m×r}``), otherwise ``n0, n1, ..., nq``.

>>> g = grid("linear", ["2", "1..3", "2"], flow=["gradient", "momentum"])
>>> len(g), g.swept
(6, ('r', 'flow'))
>>> g.points[0].widths, g.coordinates[0]
((2, 1, 2), {'r': 1, 'flow': 'gradient'})
"""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass, field
from fractions import Fraction

from ..errors import BadArgumentError, InexactValueError

__all__ = ["Point", "Grid", "grid", "grid_from_file", "parse_spec", "width_names", "MODEL_OPTIONS", "CENSUS_OPTIONS"]

#: Options that describe the model (passed to the catalog builder).
MODEL_OPTIONS = ("bias", "metric", "heads", "shared_softmax", "blocks", "activation")
#: Options of :func:`lieflow.census` that change its result (they key the store).
CENSUS_OPTIONS = ("flow", "damping", "tau", "alpha", "degree", "time_degree", "seed", "confirm", "prime", "max_brackets")
#: Options that only apply to momentum flows (dropped for gradient flows).
_MOMENTUM_ONLY = ("damping", "tau", "alpha", "time_degree")
_CHOICES = {
    "flow": ("gradient", "momentum"),
    "damping": ("heavy-ball", "nesterov", "none"),
    "metric": ("euclidean", "mirror"),
    "activation": ("linear", "relu"),
}
_MODELS = ("linear", "relu", "nmf", "icnn", "conv", "attention", "resnet", "softmax-ce")
_SPEC_RE = re.compile(r"\s*([0-9]{1,6})\s*(?:\.\.\s*([0-9]{1,6})\s*)?\Z", re.ASCII)
_MAX_POINTS = 100_000


def parse_spec(spec, *, name: str = "SPEC") -> tuple:
    """The integers a width spec stands for: ``"3"`` or an inclusive range ``"1..10"``.

    Parameters
    ----------
    spec : str or int
        An integer, or ``"a..b"`` with ``a <= b`` (ASCII digits).
    name : str
        The argument named in errors.

    Returns
    -------
    tuple of int

    Raises
    ------
    BadArgumentError
        for anything else (a float, a reversed range, letters).

    Examples
    --------
    >>> parse_spec("1..4"), parse_spec(3)
    ((1, 2, 3, 4), (3,))
    """
    if isinstance(spec, bool):
        raise BadArgumentError(name, spec, "expected an integer or a range a..b")
    if isinstance(spec, int):
        return (spec,)
    if isinstance(spec, float):
        raise InexactValueError(name, spec)
    m = _SPEC_RE.match(str(spec)) if isinstance(spec, str) else None
    if m is None:
        shown = spec if not isinstance(spec, str) or len(spec) <= 40 else spec[:37] + "..."
        raise BadArgumentError(name, shown, "expected an integer or an inclusive range a..b (e.g. 1..10)")
    lo = int(m.group(1))
    hi = lo if m.group(2) is None else int(m.group(2))
    if hi < lo:
        raise BadArgumentError(name, spec, "the range a..b needs a <= b")
    return tuple(range(lo, hi + 1))


def width_names(count: int) -> tuple:
    """Names of the width positions: ``("n", "r", "m")`` for three widths, else ``n0, n1, ...``.

    Raises
    ------
    Nothing.

    Examples
    --------
    >>> width_names(3), width_names(4)
    (('n', 'r', 'm'), ('n0', 'n1', 'n2', 'n3'))
    """
    return ("n", "r", "m") if count == 3 else tuple(f"n{i}" for i in range(count))


@dataclass(frozen=True)
class Point:
    """One census of a grid, as plain (picklable, JSON-able) data.

    Attributes
    ----------
    model : str
        Catalog name (``"linear"``, ``"relu"``, ...).
    widths : tuple of int
    model_options : tuple of (str, object)
        Sorted pairs, defaults left out (see ``MODEL_OPTIONS``).
    options : tuple of (str, object)
        Sorted census options (see ``CENSUS_OPTIONS``), normalized: defaults filled in, options
        that do not apply to the flow dropped, ``tau``/``alpha`` as ``"p/q"`` strings.
    """

    model: str
    widths: tuple
    model_options: tuple = ()
    options: tuple = ()

    def census_options(self) -> dict:
        """The keyword arguments of :func:`lieflow.census` (besides the model)."""
        return dict(self.options)

    def to_dict(self) -> dict:
        """The point as a JSON-ready dict (the inverse of ``Point.from_dict``)."""
        return {"model": self.model, "widths": list(self.widths), "model_options": dict(self.model_options),
                "options": dict(self.options)}

    @classmethod
    def from_dict(cls, d: dict) -> "Point":
        return cls(d["model"], tuple(d["widths"]), tuple(sorted(d["model_options"].items())),
                   tuple(sorted(d["options"].items())))

    def label(self) -> str:
        """A short human-readable name, e.g. ``linear[2, 3, 2] momentum heavy-ball``."""
        parts = [f"{self.model}{list(self.widths)}"]
        parts += [k if v is True else f"{k}={v}" for k, v in self.model_options if v not in (None, False)]
        opts = dict(self.options)
        parts.append(opts.get("flow", "gradient"))
        if opts.get("damping"):
            parts.append(opts["damping"])
        return " ".join(parts)


@dataclass(frozen=True)
class Grid:
    """An ordered family of censuses.

    Attributes
    ----------
    points : tuple of Point
        In grid order (the first swept coordinate varies slowest), without duplicates.
    coordinates : tuple of dict
        For each point, the value of every swept coordinate.
    swept : tuple of str
        Names of the coordinates that vary, in order.
    width_names : tuple of str
        Names of the width positions of the family (empty for a mixed grid file).
    """

    points: tuple
    coordinates: tuple = field(compare=False)
    swept: tuple = ()
    width_names: tuple = ()

    def __len__(self):
        return len(self.points)

    def __iter__(self):
        return iter(zip(self.points, self.coordinates))

    def __add__(self, other: "Grid") -> "Grid":
        return _join([self, other])


def _rational_text(name, value):
    if isinstance(value, float):
        raise InexactValueError(name, value)
    try:
        q = Fraction(str(value).strip())
    except (ValueError, ZeroDivisionError):
        raise BadArgumentError(name, value, "expected a rational number such as 1, 1/2 or -3/4") from None
    return str(q)


def _check_choice(name, value):
    choices = _CHOICES.get(name)
    if choices is not None and value is not None and value not in choices:
        raise BadArgumentError(f"--{name.replace('_', '-')}", value, f"must be one of {', '.join(choices)}")
    return value


def _check_int(name, value, lo):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, float):
            raise InexactValueError(name, value)
        if isinstance(value, str) and re.fullmatch(r"\s*-?[0-9]{1,30}\s*", value, re.ASCII):
            value = int(value)
        else:
            raise BadArgumentError(name, value, "expected an integer")
    if value < lo:
        raise BadArgumentError(name, value, f"must be an integer >= {lo}")
    return value


def _normalize(model: str, widths: tuple, values: dict) -> Point:
    """Fill defaults, drop what does not apply, canonicalize rationals."""
    v = {k: val for k, val in values.items() if val is not None}
    for k in ("flow", "damping", "metric", "activation"):
        _check_choice(k, v.get(k))
    flow = v.get("flow", "gradient")
    opts = {"flow": flow, "degree": _check_int("degree", v.get("degree", 2), 1),
            "seed": _check_int("seed", v.get("seed", 0), 0), "confirm": bool(v.get("confirm", False))}
    for k in ("prime", "max_brackets"):
        if v.get(k) is not None:
            opts[k] = _check_int(k, v[k], 1)
    if flow == "momentum":
        damping = v.get("damping", "heavy-ball")
        opts["damping"] = damping
        if damping == "heavy-ball":
            opts["tau"] = _rational_text("tau", v.get("tau", 1))
        elif damping == "nesterov":
            opts["alpha"] = _rational_text("alpha", v.get("alpha", 3))
        if v.get("time_degree") is not None:
            opts["time_degree"] = _check_int("time_degree", v["time_degree"], 0)
    mopts = {}
    for k in MODEL_OPTIONS:
        val = v.get(k)
        if val is None or val is False:
            continue
        mopts[k] = _check_int(k, val, 1) if k in ("heads", "blocks") else val
    return Point(model, tuple(widths), tuple(sorted(mopts.items())), tuple(sorted(opts.items())))


def _as_list(name, value) -> list:
    if isinstance(value, (list, tuple)):
        if not value:
            raise BadArgumentError(name, value, "an empty list sweeps nothing")
        return list(value)
    if isinstance(value, str) and "," in value:
        return [s.strip() for s in value.split(",")]
    return [value]


def grid(model: str, widths, *, names=None, **options) -> Grid:
    """The grid of a model family: every width spec expanded, list-valued options crossed.

    Parameters
    ----------
    model : str
        A catalog model name (``linear``, ``relu``, ``nmf``, ``icnn``, ``conv``, ``attention``,
        ``resnet``, ``softmax-ce``).
    widths : sequence
        One spec per width position: an integer, a range ``"a..b"``, or a list of integers.
    names : sequence of str, optional
        Names of the width positions (default :func:`width_names`).
    **options
        Census options (``flow``, ``damping``, ``tau``, ``alpha``, ``degree``, ``time_degree``,
        ``seed``, ``confirm``, ``prime``, ``max_brackets``) and model options (``bias``,
        ``metric``, ``heads``, ``shared_softmax``, ``blocks``, ``activation``).  A list value
        (or a comma-separated string) sweeps that option.  Options that only apply to momentum
        flows are dropped for gradient-flow points (duplicates are removed).

    Returns
    -------
    Grid

    Raises
    ------
    BadArgumentError
        naming the option or width spec that is not valid.

    Examples
    --------
    >>> g = grid("linear", [2, "2..3", 2], flow=["gradient", "momentum"], damping="heavy-ball,none")
    >>> [(c["r"], p.label()) for p, c in g][:3]
    [(2, 'linear[2, 2, 2] gradient'), (2, 'linear[2, 2, 2] momentum heavy-ball'), (2, 'linear[2, 2, 2] momentum none')]
    """
    if model not in _MODELS:
        raise BadArgumentError("MODEL", model, f"sweeps take one of {', '.join(_MODELS)} (custom models have no widths)")
    if isinstance(widths, (str, int)):
        widths = [widths]
    widths = list(widths)
    if not widths:
        raise BadArgumentError("SPEC", widths, "at least one width spec is needed")
    names = tuple(names) if names is not None else width_names(len(widths))
    if len(names) != len(widths) or len(set(names)) != len(names):
        raise BadArgumentError("names", list(names), f"expected {len(widths)} distinct names, one per width")
    unknown = sorted(set(options) - set(MODEL_OPTIONS) - set(CENSUS_OPTIONS))
    if unknown:
        raise BadArgumentError(unknown[0], options[unknown[0]], "is not a census or model option")
    axes = []  # (name, values, kind)
    for i, (nm, spec) in enumerate(zip(names, widths)):
        vals = tuple(x for s in (spec if isinstance(spec, (list, tuple)) else [spec]) for x in parse_spec(s, name=f"SPEC {nm}"))
        axes.append((nm, vals, "width"))
    for k, val in options.items():
        axes.append((k, tuple(_as_list(k, val)), "option"))
    size = 1
    for _, vals, _ in axes:
        size *= len(vals)
    if size > _MAX_POINTS:
        raise BadArgumentError("SPEC", widths, f"the grid has {size} points, over {_MAX_POINTS}")
    swept = tuple(nm for nm, vals, _ in axes if len(set(vals)) > 1)
    points, coords, seen = [], [], set()
    for combo in itertools.product(*[vals for _, vals, _ in axes]):
        ws = tuple(combo[: len(widths)])
        opts = {nm: x for (nm, _, kind), x in zip(axes, combo) if kind == "option"}
        p = _normalize(model, ws, opts)
        if p in seen:
            continue
        seen.add(p)
        named = dict(zip((nm for nm, _, _ in axes), combo))
        c = {nm: named[nm] for nm in swept}
        if dict(p.options)["flow"] == "gradient":
            for k in _MOMENTUM_ONLY:
                if k in c:
                    c[k] = None
        points.append(p)
        coords.append(c)
    return Grid(tuple(points), tuple(coords), swept, names)


def _join(grids) -> Grid:
    swept = []
    for g in grids:
        swept += [s for s in g.swept if s not in swept]
    models = {p.model for g in grids for p in g.points}
    if len(models) > 1 and "model" not in swept:
        swept.insert(0, "model")
    names = {g.width_names for g in grids}
    points, coords, seen = [], [], set()
    for g in grids:
        for p, c in g:
            if p in seen:
                continue
            seen.add(p)
            full = {"model": p.model, **c}
            points.append(p)
            coords.append({s: full.get(s) for s in swept})
    return Grid(tuple(points), tuple(coords), tuple(swept), names.pop() if len(names) == 1 else ())


def grid_from_file(path) -> Grid:
    """A grid read from a TOML or JSON file: a list of families, each a :func:`grid`.

    The file holds ``family`` (TOML: ``[[family]]`` tables; JSON: ``{"family": [...]}``), each
    with ``model``, ``widths`` (integers, ``"a..b"`` strings or lists) and any options (a list
    sweeps); optional ``names``.  The families are joined in order (duplicates dropped); the
    model is a coordinate when the families mix models.

    Raises
    ------
    BadArgumentError
        for an unreadable file, a syntax error, or a family :func:`grid` refuses (named by its
        index).

    Examples
    --------
    >>> import json, os, tempfile
    >>> doc = {"family": [{"model": "linear", "widths": [2, "1..2", 2]}, {"model": "relu", "widths": [2, 2, 2]}]}
    >>> with tempfile.TemporaryDirectory() as d:
    ...     path = os.path.join(d, "grid.json")
    ...     _ = open(path, "w").write(json.dumps(doc))
    ...     g = grid_from_file(path)
    >>> [p.label() for p in g.points], g.swept
    (['linear[2, 1, 2] gradient', 'linear[2, 2, 2] gradient', 'relu[2, 2, 2] gradient'], ('model', 'r'))
    """
    path = str(path)
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
    except OSError as exc:
        raise BadArgumentError("--grid", path, f"cannot be read ({exc.strerror or exc})") from None
    try:
        if path.endswith(".toml"):
            import tomllib

            doc = tomllib.loads(raw.decode("utf-8"))
        else:
            doc = json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadArgumentError("--grid", path, f"is not valid {'TOML' if path.endswith('.toml') else 'JSON'} ({exc})") from None
    families = doc.get("family") if isinstance(doc, dict) else None
    if not isinstance(families, list) or not families or not all(isinstance(f, dict) for f in families):
        raise BadArgumentError("--grid", path, "expected a non-empty list of tables named 'family'")
    grids = []
    for i, fam in enumerate(families):
        fam = dict(fam)
        try:
            model = fam.pop("model")
            widths = fam.pop("widths")
        except KeyError as exc:
            raise BadArgumentError(f"--grid family[{i}]", path, f"needs {exc.args[0]!r}") from None
        names = fam.pop("names", None)
        try:
            grids.append(grid(model, widths, names=names, **fam))
        except BadArgumentError as exc:
            raise BadArgumentError(f"--grid family[{i}]", path, str(exc)) from None
    return grids[0] if len(grids) == 1 else _join(grids)
