"""Closed forms for the counts of a sweep: exact polynomial fits, regimes, expected formulas.

:func:`fit_counts` looks for the simplest formula that the *proven* counts obey: the polynomial
in the swept widths of least total degree, with rational coefficients found by exact linear
algebra over QQ.  The coefficients are determined by a subset of the points (greedily, in grid
order, as many as there are monomials) and the polynomial is then *checked* on every other point;
a formula that was not checked on at least one point is never reported as a fit of a whole grid.
When no single polynomial fits, the points are split along one swept width into the fewest
consecutive regimes that each obey a polynomial, and each regime reports the first point where
its formula breaks.  Points whose count is not proven are left out (and listed).

:func:`check_formula` checks a formula given by the user against every row: a proven count that
differs is a counterexample, and so is an unproven row whose (proven) bounds exclude the value.

>>> from lieflow.sweeps.fit import fit_points
>>> pts = [((r,), r * (r + 1) // 2) for r in range(1, 7)]
>>> f = fit_points(pts, ("r",))
>>> f.formula, f.degree, len(f.fitted_on), len(f.checked_on)
('r*(r + 1)/2', 2, 3, 3)
"""

from __future__ import annotations

import dataclasses
import itertools
from dataclasses import dataclass
from fractions import Fraction

from ..errors import BadArgumentError

__all__ = ["fit_points", "fit_counts", "check_formula", "Piece", "GroupFit", "Fit", "Expectation"]


# -- exact polynomial fitting --------------------------------------------------------------------
def _monomials(nvars: int, degree: int) -> list:
    out = []
    for d in range(degree + 1):
        for combo in itertools.combinations_with_replacement(range(nvars), d):
            e = [0] * nvars
            for i in combo:
                e[i] += 1
            out.append(tuple(e))
    return out


def _row(x, monos) -> list:
    out = []
    for e in monos:
        v = 1
        for xi, ei in zip(x, e):
            v *= xi ** ei
        out.append(Fraction(v))
    return out


def _reduce(basis, vec):
    """Reduce ``vec`` by the echelon ``basis`` (list of (pivot, row)); return the remainder."""
    vec = list(vec)
    for piv, b in basis:
        if vec[piv]:
            f = vec[piv] / b[piv]
            vec = [a - f * c for a, c in zip(vec, b)]
    return vec


def _solve_square(rows, ys) -> list:
    """Exact solution of a nonsingular square system (Gauss–Jordan over QQ)."""
    n = len(rows)
    m = [list(r) + [Fraction(y)] for r, y in zip(rows, ys)]
    for col in range(n):
        piv = next(i for i in range(col, n) if m[i][col] != 0)
        m[col], m[piv] = m[piv], m[col]
        inv = 1 / m[col][col]
        m[col] = [a * inv for a in m[col]]
        for i in range(n):
            if i != col and m[i][col]:
                f = m[i][col]
                m[i] = [a - f * b for a, b in zip(m[i], m[col])]
    return [m[i][n] for i in range(n)]


def _fit_degree(points, degree):
    """``(coefficients, monomials, fit_idx)`` or None when the points do not determine a
    polynomial of this degree."""
    monos = _monomials(len(points[0][0]), degree)
    basis, chosen = [], []
    for i, (x, _) in enumerate(points):
        r = _reduce(basis, _row(x, monos))
        piv = next((j for j, a in enumerate(r) if a), None)
        if piv is not None:
            basis.append((piv, r))
            chosen.append(i)
            if len(chosen) == len(monos):
                break
    if len(chosen) < len(monos):
        return None
    coeffs = _solve_square([_row(points[i][0], monos) for i in chosen], [points[i][1] for i in chosen])
    return coeffs, monos, chosen


_P = 2 ** 31 - 1  # a prime: the quick modular test of a degree before the exact fit


def _mod_status(points, degree) -> str:
    """``"undetermined"`` (rank of the monomial rows < number of monomials, or no point left to
    check), ``"inconsistent"`` (no polynomial of this degree goes through every point) or
    ``"maybe"``, computed modulo a prime.  A polynomial with rational coefficients through every
    point is also one modulo the prime (its denominators divide minors of small integer
    Vandermonde-like matrices, not the prime), so ``"inconsistent"`` is never wrong about a fit
    that exists; ``"maybe"`` is settled by the exact computation."""
    monos = _monomials(len(points[0][0]), degree)
    m = len(monos)
    basis = []  # (pivot, row with row[pivot] == 1, rhs)
    rank = 0
    for x, y in points:
        row = []
        for e in monos:
            v = 1
            for xi, ei in zip(x, e):
                v = v * pow(xi, ei, _P) % _P
            row.append(v)
        y = Fraction(y)
        rhs = y.numerator * pow(y.denominator, -1, _P) % _P
        for piv, b, by in basis:
            f = row[piv]
            if f:
                row = [(a - f * c) % _P for a, c in zip(row, b)]
                rhs = (rhs - f * by) % _P
        piv = next((j for j, a in enumerate(row) if a), None)
        if piv is None:
            if rhs:
                return "inconsistent"
            continue
        inv = pow(row[piv], -1, _P)
        basis.append((piv, [a * inv % _P for a in row], rhs * inv % _P))
        rank += 1
    if rank < m or len(points) <= m:
        return "undetermined"
    return "maybe"


def _value(coeffs, monos, x) -> Fraction:
    return sum((c * v for c, v in zip(coeffs, _row(x, monos))), Fraction(0))


def _expr(coeffs, monos, names):
    import sympy

    syms = [sympy.Symbol(n, integer=True, positive=True) for n in names]
    out = sympy.Integer(0)
    for c, e in zip(coeffs, monos):
        if c:
            term = sympy.Rational(c.numerator, c.denominator)
            for s, k in zip(syms, e):
                term *= s ** k
            out += term
    return out


@dataclass(frozen=True)
class Piece:
    """A polynomial that the counts obey on some points.

    Attributes
    ----------
    formula : str
        The polynomial, factored (``"r*(r + 1)/2"``).
    degree : int
        Its total degree.
    variables : tuple of str
    fitted_on, checked_on : tuple of tuple of int
        Points (values of ``variables``) that determined the coefficients, and the other points,
        where the formula was checked.
    condition : str
        Where it holds: ``"all points"``, or the range of the regime (``"5 <= r <= 10"``).
    breaks_at : dict or None
        The first point after the regime where the formula is wrong: ``point``, ``count`` and
        ``formula_gives``.
    """

    formula: str
    degree: int
    variables: tuple
    fitted_on: tuple
    checked_on: tuple
    condition: str = "all points"
    breaks_at: dict | None = None
    #: The polynomial as ``((exponents, Fraction), ...)`` over ``variables``.
    coefficients: tuple = ()

    def value(self, x) -> Fraction:
        """The formula's exact value at a point (a tuple of ``variables`` values)."""
        total = Fraction(0)
        for e, c in self.coefficients:
            v = c
            for xi, ei in zip(x, e):
                v *= xi ** ei
            total += v
        return total

    def to_dict(self) -> dict:
        return {"formula": self.formula, "degree": self.degree, "variables": list(self.variables),
                "condition": self.condition, "fitted_on": [list(p) for p in self.fitted_on],
                "checked_on": [list(p) for p in self.checked_on], "breaks_at": self.breaks_at}


def fit_points(points, variables, *, max_degree: int = 4) -> Piece | None:
    """The polynomial of least total degree (≤ ``max_degree``) through integer points, checked on
    at least one point that did not determine it; ``None`` if there is none.

    Parameters
    ----------
    points : sequence of (tuple of int, int)
        ``(x, count)`` pairs; ``x`` holds the values of ``variables``.
    variables : sequence of str
    max_degree : int

    Returns
    -------
    Piece or None

    Raises
    ------
    BadArgumentError
        for points of the wrong length or a ``max_degree`` below 0.

    Examples
    --------
    >>> fit_points([((n, m), n * m + 1) for n in range(1, 4) for m in range(1, 4)], ("n", "m")).formula
    'm*n + 1'
    >>> fit_points([((1,), 1), ((2,), 5)], ("r",)) is None  # two points cannot check a line
    True
    """
    import sympy

    variables = tuple(variables)
    if isinstance(max_degree, bool) or not isinstance(max_degree, int) or max_degree < 0:
        raise BadArgumentError("max_degree", max_degree, "must be an integer >= 0")
    pts = [(tuple(x), y) for x, y in points]
    if any(len(x) != len(variables) for x, _ in pts):
        raise BadArgumentError("points", pts[:3], f"every point needs {len(variables)} coordinates")
    if len(pts) < 2:
        return None
    for d in range(max_degree + 1):
        status = _mod_status(pts, d)
        if status == "undetermined":
            break  # not determined by the points, or nothing left to check it on
        if status == "inconsistent":
            continue
        found = _fit_degree(pts, d)
        if found is None or len(found[2]) >= len(pts):
            break  # not determined by the points, or nothing left to check it on
        coeffs, monos, chosen = found
        if all(_value(coeffs, monos, x) == y for x, y in pts):
            taken = set(chosen)
            expr = _expr(coeffs, monos, variables)
            return Piece(str(sympy.factor(expr)), d, variables, tuple(pts[i][0] for i in chosen),
                         tuple(x for i, (x, _) in enumerate(pts) if i not in taken),
                         coefficients=tuple((e, c) for e, c in zip(monos, coeffs) if c))
    return None


def _regimes(pts, variables, max_degree):
    """Fewest consecutive segments of ``pts`` (sorted along the one variable) that each obey a
    polynomial; the first segment as long as possible among the best splits."""
    n = len(pts)
    fits = {}

    def seg(i, j):
        if (i, j) not in fits:
            fits[(i, j)] = fit_points(pts[i:j], variables, max_degree=max_degree)
        return fits[(i, j)]

    best = {n: (0, 0, None)}  # i -> (segments, unchecked points, next j)
    for i in range(n - 1, -1, -1):
        options = []
        for j in range(n, i, -1):
            f = seg(i, j) if j - i >= 2 else None
            tail = best[j]
            if f is not None:
                options.append(((tail[0] + 1, tail[1]), -j, j))
            elif j - i == 1:  # a lone point no polynomial can check
                options.append(((tail[0] + 1, tail[1] + 1), -j, j))
        (segs, lone), _, j = min(options)
        best[i] = (segs, lone, j)
    out, i = [], 0
    while i < n:
        j = best[i][2]
        out.append((i, j, seg(i, j) if j - i >= 2 else None))
        i = j
    return out


def _piece_for_segment(pts, i, j, f, variables, axis_name):
    """The piece of a regime: its formula holds from the segment's first point up to the point
    before its first break (which may lie beyond the segment: neighbouring regimes can agree)."""
    if f is None:  # one point: its count, unchecked
        f = Piece(str(pts[i][1]), 0, variables, (pts[i][0],), (), coefficients=(((0,) * len(variables), Fraction(pts[i][1])),))
    breaks, last = None, j - 1
    for k in range(j, len(pts)):
        x, y = pts[k]
        val = f.value(x)
        if val != y:
            breaks = {"point": {axis_name: x[0]}, "count": y, "formula_gives": str(val)}
            break
        last = k
    lo, hi = pts[i][0][0], pts[last][0][0]
    cond = f"{axis_name} = {lo}" if lo == hi else f"{lo} <= {axis_name} <= {hi}"
    return Piece(f.formula, f.degree, f.variables, f.fitted_on, f.checked_on, cond, breaks, f.coefficients)


def _joint_two_regimes(pts, variables, axis, max_degree):
    """Two regimes ``axis <= b`` and ``axis > b`` with a boundary ``b`` linear in the other swept
    widths (small non-negative integer coefficients, constant in -3..3), each obeying one
    polynomial in all the swept widths, checked; the simplest such split, or ``None``."""
    import sympy

    ai = variables.index(axis)
    rest = [i for i in range(len(variables)) if i != ai]
    tried, best = {}, None
    for const in (0, 1, -1, 2, -2, 3, -3):
        for coeffs in itertools.product(range(3), repeat=len(rest)):
            left = tuple(k for k, (x, _) in enumerate(pts) if x[ai] <= const + sum(c * x[i] for c, i in zip(coeffs, rest)))
            if len(left) < 2 or len(pts) - len(left) < 2:
                continue
            if left not in tried:
                chosen = set(left)
                lp = [p for k, p in enumerate(pts) if k in chosen]
                rp = [p for k, p in enumerate(pts) if k not in chosen]
                fl = fit_points(lp, variables, max_degree=max_degree)
                fr = None if fl is None else fit_points(rp, variables, max_degree=max_degree)
                tried[left] = None if fr is None else (fl, fr, rp)
            found = tried[left]
            if found is None:
                continue
            score = (found[0].degree + found[1].degree, sum(coeffs) + abs(const), -sum(coeffs), const)
            if best is None or score < best[0]:
                best = (score, const, coeffs, found)
    if best is None:
        return None
    _, const, coeffs, (fl, fr, rp) = best
    syms = {v: sympy.Symbol(v, integer=True, positive=True) for v in variables}
    bound = str(const + sum(c * syms[variables[i]] for c, i in zip(coeffs, rest)))
    breaks = None
    for x, y in sorted(rp, key=lambda p: (tuple(p[0][i] for i in rest), p[0][ai])):
        if fl.value(x) != y:
            breaks = {"point": dict(zip(variables, x)), "count": y, "formula_gives": str(fl.value(x))}
            break
    left = Piece(fl.formula, fl.degree, variables, fl.fitted_on, fl.checked_on, f"{axis} <= {bound}", breaks, fl.coefficients)
    right = Piece(fr.formula, fr.degree, variables, fr.fitted_on, fr.checked_on, f"{axis} > {bound}", None, fr.coefficients)
    return left, right


@dataclass(frozen=True)
class GroupFit:
    """The fit of the points that share every other coordinate (``group``).

    Attributes
    ----------
    group : dict
        The fixed coordinates (e.g. ``{"flow": "momentum", "damping": "none"}``).
    pieces : tuple of Piece
        One piece (``condition == "all points"``) when a single polynomial fits; otherwise the
        regimes along one variable, in order.
    unproven : tuple of dict
        Points left out because their count is not proven (or failed).
    """

    group: dict
    pieces: tuple
    unproven: tuple = ()

    @property
    def single(self) -> bool:
        return len(self.pieces) == 1 and self.pieces[0].condition == "all points"

    def to_dict(self) -> dict:
        return {"group": dict(self.group), "single": self.single, "pieces": [p.to_dict() for p in self.pieces],
                "unproven": list(self.unproven)}


@dataclass(frozen=True)
class Fit:
    """Closed forms for the counts of a sweep, one :class:`GroupFit` per group.

    ``formula`` is the formula when the whole sweep obeys one polynomial, else ``None``.
    """

    variables: tuple
    groups: tuple
    max_degree: int = 4

    @property
    def formula(self) -> str | None:
        if len(self.groups) == 1 and self.groups[0].single:
            return self.groups[0].pieces[0].formula
        return None

    def to_dict(self) -> dict:
        return {"variables": list(self.variables), "formula": self.formula, "groups": [g.to_dict() for g in self.groups]}

    def to_text(self) -> str:
        """A few lines per group: formula, degree, points fitted and checked, regimes."""
        lines = []
        for g in self.groups:
            head = ", ".join(f"{k}={v}" for k, v in g.group.items() if v is not None) or "all rows"
            if not g.pieces:
                lines.append(f"fit [{head}]: no proven counts to fit")
                continue
            if g.single:
                p = g.pieces[0]
                lines.append(f"fit [{head}]: #laws = {p.formula}  (degree {p.degree}; fitted on {_pts(p.fitted_on)}, "
                             f"checked on {len(p.checked_on)} more: {_pts(p.checked_on)})")
            else:
                lines.append(f"fit [{head}]: no single polynomial (degree <= {self.max_degree}) fits; {len(g.pieces)} regimes:")
                for p in g.pieces:
                    checked = f"checked on {len(p.checked_on)}" if p.checked_on else "NOT checked (too few points)"
                    brk = ""
                    if p.breaks_at:
                        where = ", ".join(f"{k} = {v}" for k, v in p.breaks_at["point"].items())
                        brk = f"; breaks first at {where} (count {p.breaks_at['count']}, formula {p.breaks_at['formula_gives']})"
                    lines.append(f"  {p.condition}: #laws = {p.formula}  (degree {p.degree}, {checked}){brk}")
            if g.unproven:
                lines.append(f"  left out (count not proven): {len(g.unproven)} point(s)")
        return "\n".join(lines)


def _pts(points, limit=8) -> str:
    shown = ["(" + ", ".join(map(str, p)) + ")" if len(p) > 1 else str(p[0]) for p in points[:limit]]
    return ", ".join(shown) + (", ..." if len(points) > limit else "")


def _width_coordinate_names(result) -> tuple:
    g = result.grid
    return tuple(n for n in g.swept if n in g.width_names)


def fit_counts(result, *, max_degree: int = 4, axis: str | None = None) -> Fit:
    """Fit the proven counts of a sweep by polynomials in its swept widths (see the module).

    Parameters
    ----------
    result : SweepResult
    max_degree : int
        Highest total degree tried (default 4).
    axis : str, optional
        The swept width along which regimes are split (default: the one with most values).

    Returns
    -------
    Fit

    Raises
    ------
    BadArgumentError
        if no width is swept, or ``axis`` is not a swept width.

    Examples
    --------
    >>> from lieflow.sweeps import sweep
    >>> res = sweep("linear", [2, "1..8", 2], store=None, jobs=1)
    >>> print(res.fit().to_text())
    fit [all rows]: no single polynomial (degree <= 4) fits; 2 regimes:
      1 <= r <= 4: #laws = r*(r + 1)/2  (degree 2, checked on 1); breaks first at r = 5 (count 14, formula 15)
      5 <= r <= 8: #laws = 2*(2*r - 3)  (degree 1, checked on 2)
    """
    variables = _width_coordinate_names(result)
    if not variables:
        raise BadArgumentError("fit", list(result.grid.swept), "needs at least one swept width (e.g. SPEC 1..6)")
    if axis is None:
        counts = {v: len({r.coordinates[v] for r in result.rows}) for v in variables}
        axis = max(variables, key=lambda v: (counts[v], -variables.index(v)))
    elif axis not in variables:
        raise BadArgumentError("axis", axis, f"must be one of the swept widths {list(variables)}")
    others = tuple(n for n in result.grid.swept if n not in variables)
    groups: dict = {}
    for r in result.rows:
        gkey = tuple((n, r.coordinates.get(n)) for n in others)
        groups.setdefault(gkey, []).append(r)
    out = []
    for gkey, rows in groups.items():
        pts = [(tuple(r.coordinates[v] for v in variables), r.laws_upper) for r in rows if r.proven]
        unproven = tuple({v: r.coordinates[v] for v in variables} for r in rows if not r.proven)
        whole = fit_points(pts, variables, max_degree=max_degree) if pts else None
        if whole is not None or not pts:
            out.append(GroupFit(dict(gkey), () if whole is None else (whole,), unproven))
            continue
        if len(variables) > 1:  # two regimes split by a boundary in the other widths (r <= n + m)
            joint = _joint_two_regimes(pts, variables, axis, max_degree)
            if joint is not None:
                out.append(GroupFit(dict(gkey), joint, unproven))
                continue
        # regimes along the axis, one series per value of the other swept widths
        rest = [v for v in variables if v != axis]
        series: dict = {}
        for x, y in pts:
            named = dict(zip(variables, x))
            series.setdefault(tuple((v, named[v]) for v in rest), []).append(((named[axis],), y))
        for skey, spts in series.items():
            spts.sort()
            pieces = tuple(_piece_for_segment(spts, i, j, f, (axis,), axis)
                           for i, j, f in _regimes(spts, (axis,), max_degree))
            if len(pieces) == 1 and pieces[0].checked_on:  # this series alone obeys one polynomial
                pieces = (dataclasses.replace(pieces[0], condition="all points"),)
            sub_unproven = tuple(u for u in unproven if all(u[v] == val for v, val in skey))
            out.append(GroupFit({**dict(gkey), **dict(skey)}, pieces, sub_unproven))
    return Fit(variables, tuple(out), max_degree)


# -- expected formulas ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Expectation:
    """The check of a formula against a sweep.

    Attributes
    ----------
    formula : str
    holds : bool
        No counterexample (undecided rows aside).
    counterexamples : tuple of dict
        ``point`` (coordinates), ``count`` (or ``bounds``), ``formula_gives``: every proven count
        that differs, and every unproven row whose proven bounds exclude the value.
    checked : int
        Rows where the formula was confirmed on a proven count.
    undecided : tuple of dict
        Unproven rows whose bounds contain the value.
    """

    formula: str
    holds: bool
    counterexamples: tuple
    checked: int
    undecided: tuple = ()

    def to_dict(self) -> dict:
        return {"formula": self.formula, "holds": self.holds, "checked": self.checked,
                "counterexamples": list(self.counterexamples), "undecided": list(self.undecided)}

    def to_text(self) -> str:
        head = (f"expect #laws = {self.formula}: "
                + ("holds" if self.holds else f"{len(self.counterexamples)} counterexample(s)")
                + f" (confirmed on {self.checked} proven point(s)"
                + (f", {len(self.undecided)} undecided)" if self.undecided else ")"))
        lines = [head]
        for c in self.counterexamples:
            where = ", ".join(f"{k}={v}" for k, v in c["point"].items() if v is not None)
            got = f"count {c['count']}" if "count" in c else f"bounds {c['bounds'][0]}..{c['bounds'][1]}"
            lines.append(f"  counterexample: {where}: {got}, formula gives {c['formula_gives']}")
        return "\n".join(lines)


def check_formula(result, formula: str) -> Expectation:
    """Check ``#laws = formula`` on every row of a sweep; list every counterexample.

    The formula is a polynomial (``+ - * / **``, integers, rationals ``a/b``) in the width
    names of the grid (``n, r, m`` for three widths, else ``n0, n1, ...``), parsed without
    evaluating any code.

    Raises
    ------
    NotPolynomialError, InexactValueError
        for a formula that is not a polynomial expression.
    BadArgumentError
        for a formula that uses a name that is not a width of the grid.

    Examples
    --------
    >>> from lieflow.sweeps import sweep
    >>> res = sweep("linear", [2, "1..6", 2], store=None, jobs=1)
    >>> print(check_formula(res, "r*(r+1)/2").to_text())
    expect #laws = r*(r+1)/2: 2 counterexample(s) (confirmed on 4 proven point(s))
      counterexample: r=5: count 14, formula gives 15
      counterexample: r=6: count 18, formula gives 21
    """
    import sympy

    from ..algebra.parse import parse_expression

    expr = parse_expression(formula, name="--expect")
    names = result.grid.width_names
    unknown = [n for n in expr.names if n not in names]
    if unknown:
        raise BadArgumentError("--expect", formula, f"uses {unknown}; the formula may use the widths {list(names)}")
    sym = expr.to_sympy()
    counter, undecided, checked = [], [], 0
    for r in result.rows:
        if r.census is None or r.laws_upper is None:
            continue
        values = dict(zip(names, r.point.widths))
        val = sympy.Rational(sym.subs({sympy.Symbol(n): values[n] for n in expr.names}))
        point = dict(r.coordinates) or {n: values[n] for n in names}
        if r.proven:
            if val == r.laws_upper:
                checked += 1
            else:
                counter.append({"point": point, "count": r.laws_upper, "formula_gives": str(val)})
        elif not (r.laws_lower <= val <= r.laws_upper):
            counter.append({"point": point, "bounds": [r.laws_lower, r.laws_upper], "formula_gives": str(val)})
        else:
            undecided.append({"point": point, "bounds": [r.laws_lower, r.laws_upper], "formula_gives": str(val)})
    return Expectation(formula, not counter, tuple(counter), checked, tuple(undecided))
