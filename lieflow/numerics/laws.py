"""Conservation laws evaluated along numerical trajectories.

Exact laws (sympy expressions in parameter names, velocity names ``v_<name>`` and the time ``t``)
are turned into numpy functions with ``sympy.lambdify`` and evaluated along a
:class:`~lieflow.numerics.trajectory.Trajectory`: ``<name>`` reads the states, ``v_<name>`` the
velocities and ``t`` the sample times, so time-dependent laws (``exp(t) * A``, ``t**3 * A``,
``beta**(-t/h) * A``) are evaluated with their time factor.

**Drift and its scale.**  For a law ``h = sum_i term_i`` (the terms of its expanded form) sampled at
``t_0..t_K``, the absolute drift is ``max_k |h(t_k) - h(t_0)|`` and the relative drift divides it by
::

    scale = max(|h(t_0)|, max_k mean_i |term_i(t_k)|, tiny)

i.e. by the typical size of the law's terms along the trajectory.  This is the size of the
floating-point round-off one can expect when the terms are summed, so a conserved quantity shows a
relative drift near machine precision even when its value is 0 or when its terms cancel, and it is
well defined when the terms grow (``exp(t)``, ``beta**(-k)`` factors).  ``tiny`` is the smallest
positive double.

Examples
--------
>>> import numpy as np, sympy
>>> from lieflow.numerics.trajectory import Trajectory
>>> x, y = sympy.symbols("x y")
>>> t = np.linspace(0, 1, 5)
>>> tr = Trajectory(t, np.stack([np.cos(t), np.sin(t)], axis=1), None, ("x", "y"), "circle")
>>> rep = law_drift([x**2 + y**2, x], tr, labels=["radius", "abscissa"])
>>> bool(rep.rel_drift[0] < 1e-15), bool(rep.rel_drift[1] > 0.4)
(True, True)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from lieflow.errors import BadArgumentError

__all__ = [
    "CompiledLaws",
    "DriftReport",
    "compile_laws",
    "evaluate_laws",
    "law_drift",
    "laws_from_census",
    "census_drift",
]

TIME = "t"


class CompiledLaws:
    """Laws compiled to numpy functions of a trajectory.

    Parameters
    ----------
    exprs : sequence of sympy expressions (or strings)
        The laws.
    names : sequence of str, optional
        The variables the laws may use (e.g. ``Census.parameters``); the time ``t`` is always
        allowed.  Default: whatever the expressions use.
    labels : sequence of str, optional
        Display names (default ``h1, h2, ...``).

    Raises
    ------
    BadArgumentError
        If a law uses a variable outside ``names`` or ``labels`` has the wrong length.
    """

    def __init__(self, exprs, names=None, *, labels=None):
        import sympy

        from lieflow.algebra.sympy_bridge import sympify_strict

        # strings are read by lieflow's parser (no code runs); they may use exp(...) for time factors
        exprs = tuple(sympify_strict(e, f"laws[{i}]", functions=("exp",)) for i, e in enumerate(exprs))
        used = sorted({s.name for e in exprs for s in e.free_symbols})
        if names is not None:
            allowed = set(names) | {TIME}
            bad = [n for n in used if n not in allowed]
            if bad:
                raise BadArgumentError("laws", bad, "use variables outside the given names")
        canon = {n: sympy.Symbol(n) for n in used}
        exprs = tuple(e.xreplace({s: canon[s.name] for s in e.free_symbols}) for e in exprs)
        if labels is None:
            labels = [f"h{i + 1}" for i in range(len(exprs))]
        labels = tuple(str(x) for x in labels)
        if len(labels) != len(exprs):
            raise BadArgumentError("labels", list(labels), f"need one label per law ({len(exprs)})")
        self.exprs = exprs
        self.labels = labels
        self.variables = tuple(used)
        terms = [sympy.Add.make_args(sympy.expand(e)) for e in exprs]
        self._counts = [len(ts) for ts in terms]
        flat = [term for ts in terms for term in ts]
        self._fn = sympy.lambdify([canon[n] for n in used], flat, modules="numpy")

    def __len__(self):
        return len(self.exprs)

    def __repr__(self):
        return f"CompiledLaws({[str(e) for e in self.exprs]!r})"

    def _columns(self, trajectory):
        index = {n: i for i, n in enumerate(trajectory.parameters)}
        cols = []
        for n in self.variables:
            if n in index:
                cols.append(trajectory.states[:, index[n]])
            elif n == TIME:
                cols.append(np.asarray(trajectory.times, dtype=float))
            elif n.startswith("v_") and n[2:] in index:
                if trajectory.velocities is None:
                    raise BadArgumentError("trajectory", trajectory.method,
                                           f"has no velocities, which law variable {n} needs")
                cols.append(trajectory.velocities[:, index[n[2:]]])
            else:
                raise BadArgumentError("laws", n, "is not a parameter, velocity or t of the "
                                                  "trajectory")
        return cols

    def terms(self, trajectory):
        """Every term of every law at every sample: a list (one per law) of ``(K, n_terms)``."""
        K = len(trajectory.times)
        with np.errstate(over="ignore", invalid="ignore"):
            flat = self._fn(*self._columns(trajectory))
        flat = [np.broadcast_to(np.asarray(v, dtype=float), (K,)) for v in flat]
        out, pos = [], 0
        for c in self._counts:
            out.append(np.stack(flat[pos : pos + c], axis=1))
            pos += c
        return out

    def values(self, trajectory):
        """The laws along the trajectory, shape ``(K, n_laws)``."""
        return np.stack([t.sum(axis=1) for t in self.terms(trajectory)], axis=1)

    def drift(self, trajectory) -> "DriftReport":
        """Evaluate and summarize the drift of every law (see the module notes for the scale)."""
        terms = self.terms(trajectory)
        values = np.stack([t.sum(axis=1) for t in terms], axis=1)
        magnitude = np.stack([np.abs(t).mean(axis=1) for t in terms], axis=1)
        initial = values[0]
        tiny = np.finfo(float).tiny
        scale = np.maximum(np.maximum(np.abs(initial), magnitude.max(axis=0)), tiny)
        abs_drift = np.abs(values - initial).max(axis=0)
        return DriftReport(
            labels=self.labels,
            expressions=tuple(str(e) for e in self.exprs),
            times=np.asarray(trajectory.times, dtype=float),
            values=values,
            initial=initial,
            abs_drift=abs_drift,
            scale=scale,
            rel_drift=abs_drift / scale,
            method=trajectory.method,
            options=dict(trajectory.options),
        )


@dataclass(frozen=True, eq=False)
class DriftReport:
    """Drift of several laws along one trajectory.

    Attributes
    ----------
    labels, expressions : tuple of str
    times : numpy.ndarray, shape (K,)
    values : numpy.ndarray, shape (K, n)
        ``h_j(t_k)``.
    initial, abs_drift, scale, rel_drift : numpy.ndarray, shape (n,)
        ``h_j(t_0)``, ``max_k |h_j(t_k) - h_j(t_0)|``, the scale (module notes) and their ratio.
    method : str
        The trajectory's method.
    options : dict
        The trajectory's settings.
    """

    labels: tuple
    expressions: tuple
    times: np.ndarray
    values: np.ndarray
    initial: np.ndarray
    abs_drift: np.ndarray
    scale: np.ndarray
    rel_drift: np.ndarray
    method: str = ""
    options: dict = field(default_factory=dict)

    @property
    def curves(self):
        """``|h_j(t_k) - h_j(t_0)| / scale_j``, shape ``(K, n)``."""
        return np.abs(self.values - self.initial) / self.scale

    def to_dict(self):
        """A JSON-ready list of per-law records."""
        return [
            {"label": lab, "expression": ex, "initial": float(i), "abs_drift": float(a),
             "scale": float(s), "rel_drift": float(r)}
            for lab, ex, i, a, s, r in zip(self.labels, self.expressions, self.initial,
                                           self.abs_drift, self.scale, self.rel_drift)
        ]


def compile_laws(exprs, names=None, *, labels=None) -> CompiledLaws:
    """Compile laws (sympy expressions) for fast evaluation; see :class:`CompiledLaws`."""
    if isinstance(exprs, CompiledLaws):
        return exprs
    return CompiledLaws(exprs, names, labels=labels)


def evaluate_laws(laws, trajectory, names=None):
    """Values of the laws along ``trajectory``, shape ``(K, n_laws)``.

    ``laws`` is a :class:`CompiledLaws` or a sequence of sympy expressions.

    Examples
    --------
    >>> import numpy as np, sympy
    >>> from lieflow.numerics.trajectory import Trajectory
    >>> tr = Trajectory(np.array([0.0, 1.0]), np.array([[1.0], [2.0]]), np.ones((2, 1)),
    ...                 ("a",), "demo")
    >>> evaluate_laws([sympy.sympify("a*v_a + t")], tr).ravel().tolist()
    [1.0, 3.0]
    """
    return compile_laws(laws, names).values(trajectory)


def law_drift(laws, trajectory, *, names=None, labels=None) -> DriftReport:
    """Relative drift of each law along ``trajectory`` (see the module notes for the scale).

    Parameters
    ----------
    laws : CompiledLaws or sequence of sympy expressions
    trajectory : Trajectory
    names : sequence of str, optional
        Allowed variable names (checked).
    labels : sequence of str, optional
        Display names.

    Returns
    -------
    DriftReport
    """
    if isinstance(laws, CompiledLaws):
        return laws.drift(trajectory)
    return CompiledLaws(laws, names, labels=labels).drift(trajectory)


def laws_from_census(census) -> CompiledLaws:
    """Compile the laws of a ``lieflow.Census`` (or any object alike).

    Reads ``census.parameters`` (variable names) and ``census.laws``, each with ``.time_expr``
    (falling back to ``.expr``); labels are ``law.name`` when present, else ``h1, h2, ...``.

    Raises
    ------
    BadArgumentError
        If a law has no expression.
    """
    exprs, labels = [], []
    for i, law in enumerate(census.laws):
        e = getattr(law, "time_expr", None)
        if e is None:
            e = getattr(law, "expr", None)
        if e is None:
            raise BadArgumentError("census.laws", law, "a law needs a time_expr")
        exprs.append(e)
        name = getattr(law, "name", None)
        labels.append(str(name) if name else f"h{i + 1}")
    return CompiledLaws(exprs, tuple(census.parameters), labels=labels)


def census_drift(census, trajectory) -> DriftReport:
    """Drift of a census's laws along a trajectory: ``laws_from_census(census).drift(traj)``."""
    return laws_from_census(census).drift(trajectory)
