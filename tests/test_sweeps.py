"""Sweeps: grids, executors, fits and expected formulas (the store has its own file)."""

import concurrent.futures as cf
import json
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lieflow.errors import BadArgumentError, InexactValueError, LieflowError, NotPolynomialError
from lieflow.sweeps import Point, SweepRow, check_formula, grid, grid_from_file, parse_spec, sweep
from lieflow.sweeps.execute import SweepResult
from lieflow.sweeps.fit import fit_points


# -- grids ---------------------------------------------------------------------------------------
def test_parse_spec():
    assert parse_spec("1..4") == (1, 2, 3, 4)
    assert parse_spec(" 7 ") == (7,)
    assert parse_spec("3..3") == (3,)
    for bad in ("4..1", "a", "1...3", "1..", "-1", "1.5", ""):
        with pytest.raises(BadArgumentError, match="SPEC"):
            parse_spec(bad)
    with pytest.raises(InexactValueError):
        parse_spec(1.5)


def test_grid_product_and_normalization():
    g = grid("linear", [2, "1..3", 2], flow=["gradient", "momentum"], damping="heavy-ball,none")
    # gradient points ignore the damping: 3 widths x (1 gradient + 2 momentum)
    assert len(g) == 9
    assert g.swept == ("r", "flow", "damping")
    grads = [c for p, c in g if c["flow"] == "gradient"]
    assert len(grads) == 3 and all(c["damping"] is None for c in grads)
    opts = [dict(p.options) for p in g.points]
    assert all("tau" in o for o in opts if o.get("damping") == "heavy-ball")
    assert all("damping" not in o for o in opts if o["flow"] == "gradient")
    # the first coordinate varies slowest
    assert [c["r"] for c in g.coordinates] == [1, 1, 1, 2, 2, 2, 3, 3, 3]


def test_grid_bad_input_names_the_argument():
    with pytest.raises(BadArgumentError, match="--damping"):
        grid("linear", [2, 2, 2], flow="momentum", damping="heavy")
    with pytest.raises(BadArgumentError, match="MODEL"):
        grid("custom", [2])
    with pytest.raises(BadArgumentError, match="colour"):
        grid("linear", [2, 2, 2], colour="red")
    with pytest.raises(InexactValueError):
        grid("linear", [2, 2, 2], flow="momentum", tau=0.5)
    with pytest.raises(BadArgumentError, match="names"):
        grid("linear", [2, 2, 2], names=["a", "a", "b"])


def test_grid_from_toml_file(tmp_path):
    path = tmp_path / "g.toml"
    path.write_text('[[family]]\nmodel = "linear"\nwidths = [2, "1..2", 2]\nflow = ["gradient", "momentum"]\n\n'
                    '[[family]]\nmodel = "relu"\nwidths = [2, 2, 2]\nbias = true\n')
    g = grid_from_file(path)
    assert [p.label() for p in g.points] == [
        "linear[2, 1, 2] gradient", "linear[2, 1, 2] momentum heavy-ball",
        "linear[2, 2, 2] gradient", "linear[2, 2, 2] momentum heavy-ball", "relu[2, 2, 2] bias gradient"]
    assert g.swept[0] == "model"
    bad = tmp_path / "bad.toml"
    bad.write_text("[[family]\n")
    with pytest.raises(BadArgumentError, match="TOML"):
        grid_from_file(bad)
    with pytest.raises(BadArgumentError, match="cannot be read"):
        grid_from_file(tmp_path / "missing.json")
    (tmp_path / "f.json").write_text(json.dumps({"family": [{"model": "linear", "widths": [2, "3..1", 2]}]}))
    with pytest.raises(BadArgumentError, match=r"family\[0\]"):
        grid_from_file(tmp_path / "f.json")


# -- running -------------------------------------------------------------------------------------
def _family():
    return grid("linear", [2, "1..3", 2], flow=["gradient", "momentum"]) + grid("relu", [2, 2, 2])


def _results(res):
    return [r.result() for r in res.rows]


def test_executors_give_identical_rows():
    g = _family()
    inline = sweep(g, store=None, jobs=1)
    pool = sweep(g, store=None, jobs=2)
    with cf.ThreadPoolExecutor(2) as ex:
        threads = sweep(g, store=None, executor=ex)
    assert _results(inline) == _results(pool) == _results(threads)
    assert [r.point for r in pool.rows] == list(g.points)  # grid order, whatever the completion order
    assert all(r.status == "ok" and r.source == "computed" for r in pool.rows)


@pytest.mark.slow  # a LocalCluster of worker processes takes several seconds to start
def test_dask_local_cluster_gives_identical_rows():
    pytest.importorskip("distributed")
    from lieflow.sweeps.dask import dask_executor

    g = _family()
    with dask_executor(workers=1) as ex:  # a real LocalCluster: worker processes, pickled tasks
        dask_rows = sweep(g, store=None, executor=ex)
    assert _results(dask_rows) == _results(sweep(g, store=None, jobs=1))


def test_closed_forms_across_a_family():
    # DESIGN §2: two-factor linear nets have r(r+1)/2 laws for r <= n + m; relu one per hidden neuron
    res = sweep("linear", [3, "1..6", 3], store=None, jobs=1)
    assert [r.laws_upper for r in res.rows] == [r * (r + 1) // 2 for r in range(1, 7)]
    assert all(r.proven for r in res.rows)
    res = sweep("relu", [2, "1..4", 2], store=None, jobs=2)
    assert [(r.coordinates["r"], r.laws_upper, r.proven) for r in res.rows] == [(r, r, True) for r in range(1, 5)]


def test_failing_and_timed_out_tasks_are_rows():
    res = sweep(grid("linear", [2, 2, 2], prime=[4, 2147483647]) + grid("relu", [8, 8, 8], flow="momentum"),
                store=None, jobs=2, time_limit=1.5)  # the momentum census takes seconds; linear ms
    bad, good, slow = res.rows
    assert bad.status == "error" and "prime" in bad.reason and bad.census is None
    assert good.status == "ok" and good.laws_upper == 3
    assert slow.status == "timeout" and "stopped" in slow.reason
    assert slow.laws_lower <= slow.laws_upper  # bounds kept, still valid


def test_failed_future_is_recorded():
    class Flaky(cf.ThreadPoolExecutor):
        def submit(self, fn, *args, **kwargs):
            if args[0]["point"]["widths"][1] == 2:
                fut = cf.Future()
                fut.set_exception(RuntimeError("worker lost"))
                return fut
            return super().submit(fn, *args, **kwargs)

    with Flaky(1) as ex:
        res = sweep("linear", [2, "1..3", 2], store=None, executor=ex)
    assert [r.status for r in res.rows] == ["ok", "error", "ok"]
    assert res.rows[1].reason == "RuntimeError: worker lost"


def test_sweep_bad_arguments():
    with pytest.raises(BadArgumentError, match="jobs"):
        sweep("linear", [2, 2, 2], store=None, jobs=0)
    with pytest.raises(BadArgumentError, match="time_limit"):
        sweep("linear", [2, 2, 2], store=None, time_limit=-1)
    with pytest.raises(BadArgumentError, match="WIDTH|widths"):
        sweep("linear", [2, 0, 2], store=None)
    with pytest.raises(BadArgumentError, match="family"):
        sweep(42, store=None)


# -- fits ----------------------------------------------------------------------------------------
def _poly_value(coeffs, x):
    return sum(Fraction(c) * x ** i for i, c in enumerate(coeffs))


@settings(max_examples=30, deadline=None)
@given(st.lists(st.fractions(min_value=-5, max_value=5, max_denominator=3), min_size=1, max_size=4))
def test_fit_recovers_planted_polynomials(coeffs):
    while len(coeffs) > 1 and coeffs[-1] == 0:
        coeffs = coeffs[:-1]
    degree = len(coeffs) - 1
    pts = [((x,), _poly_value(coeffs, x)) for x in range(1, degree + 4)]
    f = fit_points(pts, ("r",))
    assert f is not None and f.degree == degree
    assert len(f.checked_on) >= 1 and len(f.fitted_on) == degree + 1
    # the same polynomial: it agrees beyond the data too (degree + 1 points determine it)
    assert all(f.value((x,)) == _poly_value(coeffs, x) for x in range(-3, 20))


def test_fit_two_variables_and_least_degree():
    pts = [((n, m), n * m - n + 2) for n in range(1, 4) for m in range(1, 5)]
    f = fit_points(pts, ("n", "m"))
    assert f.degree == 2 and all(f.value(x) == y for x, y in pts)
    # a constant is found as degree 0, a line as degree 1
    assert fit_points([((x,), 7) for x in range(1, 4)], ("r",)).formula == "7"
    assert fit_points([((x,), 3 * x - 1) for x in range(1, 4)], ("r",)).degree == 1


def test_fit_never_reports_an_unchecked_formula():
    assert fit_points([((1,), 1), ((2,), 4)], ("r",)) is None  # a line through 2 points checks nothing
    # 6 points of a degree-5 polynomial: degree <= 4 fails and degree 5 leaves nothing to check
    assert fit_points([((x,), x ** 5) for x in range(1, 7)], ("r",)) is None


def _fake(points, *, names=("n", "r", "m")):
    """A SweepResult made of rows with given bounds (no census computed)."""
    from lieflow.sweeps.grid import Grid

    rows, pts, coords = [], [], []
    for (n, r, m), lo, hi, proven in points:
        p = Point("linear", (n, r, m))
        c = {"r": r}
        rows.append(SweepRow(p, c, f"k{r}", "ok", None, {"laws_lower": lo, "laws_upper": hi, "proven": proven}))
        pts.append(p)
        coords.append(c)
    return SweepResult(Grid(tuple(pts), tuple(coords), ("r",), names), tuple(rows))


def test_regimes_and_where_the_formula_breaks():
    # r(r+1)/2 up to r = 4, then 4r - 6 (planted, independent of lieflow)
    counts = {r: r * (r + 1) // 2 if r <= 4 else 4 * r - 6 for r in range(1, 10)}
    res = _fake([((2, r, 2), y, y, True) for r, y in counts.items()] + [((2, 10, 2), 20, 34, False)])
    fit = res.fit()
    assert fit.formula is None
    (g,) = fit.groups
    first, second = g.pieces
    assert first.condition == "1 <= r <= 4" and first.degree == 2
    assert all(first.value((r,)) == r * (r + 1) // 2 for r in range(1, 12))
    assert first.breaks_at == {"point": {"r": 5}, "count": 14, "formula_gives": "15"}
    assert second.condition == "5 <= r <= 9" and all(second.value((r,)) == 4 * r - 6 for r in range(5, 12))
    assert g.unproven == ({"r": 10},)


def test_expect_lists_every_counterexample():
    counts = {r: r * (r + 1) // 2 if r <= 4 else 4 * r - 6 for r in range(1, 8)}
    rows = [((2, r, 2), y, y, True) for r, y in counts.items()]
    rows += [((2, 8, 2), 30, 40, False), ((2, 9, 2), 40, 50, False)]  # 36 inside, 45 inside
    rows += [((2, 10, 2), 1, 2, False)]  # 55 outside the proven bounds: a counterexample
    exp = check_formula(_fake(rows), "r*(r + 1)/2")
    assert not exp.holds and exp.checked == 4
    assert [c["point"]["r"] for c in exp.counterexamples] == [5, 6, 7, 10]
    assert exp.counterexamples[0] == {"point": {"r": 5}, "count": 14, "formula_gives": "15"}
    assert exp.counterexamples[-1]["bounds"] == [1, 2]
    assert [u["point"]["r"] for u in exp.undecided] == [8, 9]
    assert check_formula(_fake(rows[:4]), "n*r*(r+1)/4").holds  # n = 2


def test_expect_bad_formulas():
    res = _fake([((2, 1, 2), 1, 1, True)])
    with pytest.raises(BadArgumentError, match="--expect"):
        check_formula(res, "q**2")
    with pytest.raises(NotPolynomialError):
        check_formula(res, "exp(r)")
    with pytest.raises(InexactValueError):
        check_formula(res, "0.5*r")
    assert issubclass(NotPolynomialError, LieflowError)


def test_fit_on_a_real_sweep_with_flows():
    res = sweep("linear", [2, "1..5", 2], flow=["gradient", "momentum"], damping="heavy-ball", store=None, jobs=2)
    fit = res.fit()
    by_flow = {g.group["flow"]: g for g in fit.groups}
    # momentum: the antisymmetric laws e^{τt} A, r(r-1)/2 of them (DESIGN §3) on these widths
    mom = by_flow["momentum"]
    assert mom.single and all(mom.pieces[0].value((r,)) == r * (r - 1) // 2 for r in range(1, 6))
    grad = by_flow["gradient"]
    assert grad.pieces[0].condition.startswith("1 <= r <= 4")
    assert all(grad.pieces[0].value((r,)) == r * (r + 1) // 2 for r in range(1, 5))


def test_regime_range_runs_to_its_first_break():
    # r(r-1)/2 up to r = 9, then a different value at r = 10 (the shape of [2, r, 2] under momentum)
    counts = {r: r * (r - 1) // 2 for r in range(1, 10)}
    counts[10] = 44
    (g,) = _fake([((2, r, 2), y, y, True) for r, y in counts.items()]).fit().groups
    first = g.pieces[0]
    assert first.formula == "r*(r - 1)/2" and first.condition == "1 <= r <= 9"
    assert first.breaks_at == {"point": {"r": 10}, "count": 44, "formula_gives": "45"}
    last = g.pieces[-1]
    assert last.condition.endswith("r <= 10") and last.value((10,)) == 44


def test_regimes_with_a_boundary_in_the_other_widths():
    # DESIGN §2 for r <= n + m, and r(n + m) - k(k - 1)/2 with k = n + m beyond (planted)
    from lieflow.sweeps.grid import Grid

    def count(n, r, m):
        k = n + m
        return r * (r + 1) // 2 if r <= k else r * k - k * (k - 1) // 2

    rows, pts, coords = [], [], []
    for n in range(1, 4):
        for r in range(1, 8):
            for m in range(1, 4):
                p, c = Point("linear", (n, r, m)), {"n": n, "r": r, "m": m}
                y = count(n, r, m)
                rows.append(SweepRow(p, c, f"{n}{r}{m}", "ok", None, {"laws_lower": y, "laws_upper": y, "proven": True}))
                pts.append(p)
                coords.append(c)
    res = SweepResult(Grid(tuple(pts), tuple(coords), ("n", "r", "m"), ("n", "r", "m")), tuple(rows))
    (g,) = res.fit().groups
    left, right = g.pieces
    assert (left.condition, right.condition) == ("r <= m + n", "r > m + n")
    assert left.formula == "r*(r + 1)/2"
    for n in range(1, 6):
        for m in range(1, 6):
            for r in range(1, 15):
                piece = left if r <= n + m else right
                assert piece.value((n, r, m)) == count(n, r, m)
    assert left.breaks_at["point"] == {"n": 1, "r": 3, "m": 1}


def test_unexpected_exception_in_a_census_is_a_row(monkeypatch):
    import sys

    module = sys.modules["lieflow.census"]  # the attribute lieflow.census is the function
    real = module.census

    def flaky(model, **kw):
        if model.widths == (2, 2, 2):
            raise KeyError("unexpected")
        return real(model, **kw)

    monkeypatch.setattr(module, "census", flaky)
    res = sweep("linear", [2, "1..3", 2], store=None, jobs=1)
    assert [r.status for r in res.rows] == ["ok", "error", "ok"]
    assert res.rows[1].reason == "KeyError: 'unexpected'"


def test_plot_marks_unproven_points():
    pytest.importorskip("matplotlib")
    from lieflow.sweeps.report import plot_counts, summary_table

    res = _fake([((2, 1, 2), 1, 1, True), ((2, 2, 2), 3, 3, True), ((2, 3, 2), 4, 6, False)])
    ax = plot_counts(res)
    (line,) = [ln for ln in ax.get_lines() if len(ln.get_xdata()) == 3]
    assert [int(y) for y in line.get_ydata()] == [1, 3, 6]  # the proven upper bound is drawn
    assert len(ax.containers) == 1  # one error bar: the unproven point, from 4 to 6
    (seg,) = ax.containers[0].lines[2][0].get_segments()
    assert [tuple(map(float, p)) for p in seg] == [(3.0, 4.0), (3.0, 6.0)]
    assert "4..6" in summary_table(res)
