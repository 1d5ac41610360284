"""``lieflow sweep`` and ``lieflow store`` from the command line."""

import csv
import io
import json

import pytest

from lieflow.cli import main


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_fit_target_linear_3_r_3(capsys, tmp_path):
    code, out, err = run(capsys, "sweep", "linear", "3", "1..6", "3", "--fit", "--jobs", "2")
    assert code == 0, err
    assert "#laws = r*(r + 1)/2" in out
    assert "checked on 3 more: 4, 5, 6" in out
    assert (tmp_path / "lieflow-results.sqlite").exists()  # the default store, in the working directory
    code, out2, _ = run(capsys, "sweep", "linear", "3", "1..6", "3", "--fit")
    assert "6 censuses: 0 computed, 6 from the store" in out2


def test_json_rows_carry_full_censuses_and_coordinates(capsys):
    code, out, err = run(capsys, "sweep", "linear", "2", "1..3", "2", "--flow", "gradient,momentum",
                         "--damping", "heavy-ball,none", "--no-store", "--format", "json", "--fit", "--jobs", "1")
    assert code == 0, err
    doc = json.loads(out)
    assert len(doc["rows"]) == 9 and doc["swept"] == ["r", "flow", "damping"]
    for row in doc["rows"]:
        assert {"ambient_dim", "laws_upper", "laws_lower", "proven", "certificate", "model_spec"} <= set(row)
        assert row["widths"][1] == row["grid"]["r"] and row["flow"] == row["grid"]["flow"]
        assert row["damping"] == row["grid"]["damping"]
    assert {g["group"]["damping"] for g in doc["fit"]["groups"]} == {None, "heavy-ball", "none"}


def test_expect_exit_status_and_counterexamples(capsys):
    code, out, _ = run(capsys, "sweep", "linear", "2", "1..4", "2", "--expect", "r*(r+1)/2", "--no-store", "--jobs", "1")
    assert code == 0 and "holds" in out
    # a planted wrong formula: off by one everywhere, so every point is a counterexample
    code, out, _ = run(capsys, "sweep", "linear", "2", "1..4", "2", "--expect", "r*(r+1)/2 + 1", "--no-store", "--jobs", "1")
    assert code == 1
    assert out.count("counterexample: r=") == 4 and "4 counterexample(s)" in out


def test_csv_and_plot(capsys, tmp_path):
    pytest.importorskip("matplotlib")
    code, out, err = run(capsys, "sweep", "relu", "2", "1..3", "2", "--format", "csv", "--plot", "counts.png",
                         "--no-store", "--jobs", "1")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["r"], r["laws_upper"], r["proven"]) for r in rows] == [("1", "1", "True"), ("2", "2", "True"), ("3", "3", "True")]
    assert (tmp_path / "counts.png").stat().st_size > 1000


@pytest.mark.parametrize("argv, needle", [
    (["sweep", "linear", "2", "3..1", "2"], "a <= b"),
    (["sweep", "linear", "2", "x", "2"], "SPEC"),
    (["sweep", "linear", "2", "2", "2", "--flow", "momentum", "--damping", "heavy"], "--damping"),
    (["sweep", "linear", "2", "0..2", "2"], "widths"),
    (["sweep", "linear"], "SPEC"),
    (["sweep"], "MODEL"),
    (["sweep", "linear", "2", "2", "2", "--jobs", "0"], "--jobs"),
    (["sweep", "linear", "2", "2", "2", "--time-limit", "soon"], "--time-limit"),
    (["sweep", "linear", "2", "2", "2", "--expect", "q + 1"], "--expect"),
    (["sweep", "linear", "2", "2", "2", "--store", "a", "--no-store"], "--no-store"),
    (["store", "ls", "--store", "missing.sqlite"], "does not exist"),
])
def test_bad_usage_is_one_line_exit_2(capsys, argv, needle):
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert err.count("\n") == 1 and needle in err and "Traceback" not in err


def test_store_commands(capsys):
    assert run(capsys, "sweep", "linear", "2", "1..2", "2", "--jobs", "1")[0] == 0
    code, out, _ = run(capsys, "store", "ls")
    assert code == 0 and "2 rows in lieflow-results.sqlite" in out and "linear[2, 2, 2] gradient" in out
    key = out.splitlines()[0].split()[0]
    code, out, _ = run(capsys, "store", "show", key[:8])
    assert code == 0 and "PROVEN" in out
    code, out, _ = run(capsys, "store", "verify")
    assert code == 0 and "2/2 stored censuses verified" in out
    code, out, _ = run(capsys, "store", "export", "--csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert sorted(r["widths"] for r in rows) == ["2 1 2", "2 2 2"]
    code, _, err = run(capsys, "store", "show", "zzzz")
    assert code == 2 and "matches no row" in err


def test_store_verify_detects_tampering(capsys, tmp_path):
    import sqlite3

    assert run(capsys, "sweep", "linear", "2", "2", "2", "--jobs", "1")[0] == 0
    con = sqlite3.connect(tmp_path / "lieflow-results.sqlite")
    (text,) = con.execute("SELECT census FROM censuses").fetchone()
    doc = json.loads(text)
    doc["laws_upper"] += 1
    doc["lie_rank"] -= 1
    con.execute("UPDATE censuses SET census = ?", (json.dumps(doc),))
    con.commit()
    con.close()
    code, out, _ = run(capsys, "store", "verify")
    assert code == 1 and "NOT VERIFIED" in out and "0/1" in out


def test_grid_file(capsys, tmp_path):
    (tmp_path / "g.toml").write_text('[[family]]\nmodel = "linear"\nwidths = [2, "1..2", 2]\n\n'
                                     '[[family]]\nmodel = "relu"\nwidths = [2, 2, 2]\n')
    code, out, err = run(capsys, "sweep", "--grid", "g.toml", "--no-store", "--jobs", "1", "--format", "json")
    assert code == 0, err
    rows = json.loads(out)["rows"]
    assert [(r["grid"]["model"], r["laws_upper"]) for r in rows] == [("linear", 1), ("linear", 3), ("relu", 2)]
    code, _, err = run(capsys, "sweep", "linear", "2", "--grid", "g.toml")
    assert code == 2 and "--grid" in err
