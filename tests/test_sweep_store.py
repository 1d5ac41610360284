"""The results store: dedup, resume after Ctrl-C or a killed process, concurrent writers, bad files."""

import multiprocessing as mp
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from lieflow.errors import BadArgumentError, LieflowError
from lieflow.sweeps import Row, Store, StoreError, grid, sweep

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _env():
    env = dict(os.environ)
    env["PYTHONPATH"] = ROOT + os.pathsep + env.get("PYTHONPATH", "")
    return env


def test_second_run_recomputes_nothing(tmp_path):
    path = tmp_path / "s.sqlite"
    g = grid("linear", [2, "1..4", 2], flow=["gradient", "momentum"])
    first = sweep(g, store=path, jobs=2)
    assert (first.computed, first.from_store) == (8, 0)
    second = sweep(g, store=path, jobs=2)
    assert (second.computed, second.from_store) == (0, 8)
    assert [r.result() for r in first.rows] == [r.result() for r in second.rows]
    # a bigger grid computes only the new points
    third = sweep(grid("linear", [2, "1..5", 2], flow=["gradient", "momentum"]), store=path, jobs=1)
    assert (third.computed, third.from_store) == (2, 8)
    with Store(path) as db:
        assert len(db) == 10
        assert all(db.verify(r) is None for r in db.rows())


def test_ok_row_is_never_replaced_by_a_failure(tmp_path):
    with Store(tmp_path / "s.sqlite") as db:
        base = dict(label="x", spec="{}", options="{}", version="0")
        db.put(Row(key="a", status="ok", laws_upper=3, census="{}", **base))
        db.put(Row(key="a", status="error", reason="boom", **base))
        assert db.get("a").status == "ok" and db.get("a").laws_upper == 3
        db.put(Row(key="b", status="timeout", time_limit=1.0, **base))
        db.put(Row(key="b", status="ok", laws_upper=5, **base))
        assert db.get("b").status == "ok"


def test_timed_out_rows_are_retried_only_with_more_time(tmp_path):
    path = tmp_path / "s.sqlite"
    g = grid("relu", [6, 6, 6], flow="momentum")
    assert sweep(g, store=path, jobs=1, time_limit=0.05).rows[0].status == "timeout"
    again = sweep(g, store=path, jobs=1, time_limit=0.05)
    assert again.from_store == 1  # the same limit would stop it again
    longer = sweep(g, store=path, jobs=1, time_limit=0.1)
    assert longer.computed == 1


def _writer(path, start, n):
    with Store(path) as db:
        for i in range(start, start + n):
            db.put(Row(key=f"k{i % 60}", label=f"w{start}", spec="{}", options="{}", version="0",
                       status="ok", laws_upper=i % 60, census="{}"))


def test_concurrent_writers(tmp_path):
    path = str(tmp_path / "s.sqlite")
    Store(path).close()
    ctx = mp.get_context("fork")
    procs = [ctx.Process(target=_writer, args=(path, 40 * k, 40)) for k in range(3)]  # overlapping keys
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    with Store(path) as db:
        rows = db.rows()
        assert sorted(r.key for r in rows) == sorted(f"k{i}" for i in range(60))
        assert all(r.laws_upper == int(r.key[1:]) for r in rows)
    assert sqlite3.connect(path).execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_corrupt_and_foreign_files(tmp_path):
    corrupt = tmp_path / "corrupt.sqlite"
    corrupt.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(StoreError, match="not a usable lieflow results store"):
        Store(corrupt)
    foreign = tmp_path / "foreign.sqlite"
    con = sqlite3.connect(foreign)
    con.execute("CREATE TABLE customers (id INTEGER)")
    con.commit()
    con.close()
    with pytest.raises(StoreError, match="another application"):
        Store(foreign)
    with pytest.raises(BadArgumentError, match="directory"):
        Store(tmp_path)
    assert issubclass(StoreError, LieflowError)
    # the command line: one line, exit status 1
    out = subprocess.run([sys.executable, "-m", "lieflow", "sweep", "linear", "2", "2", "2", "--store", str(foreign)],
                         capture_output=True, text=True, env=_env(), cwd=tmp_path)
    assert out.returncode == 1
    assert out.stderr.count("\n") == 1 and "another application" in out.stderr and "Traceback" not in out.stderr


def _start(tmp_path, path, *extra):
    cmd = [sys.executable, "-m", "lieflow", "sweep", "linear", "2", "1..8", "2", "--flow", "momentum",
           "--store", str(path), "--format", "json", *extra]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env(), cwd=tmp_path)


def _wait_for_rows(path, proc, n=1, timeout=60):
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        if os.path.exists(path):
            try:
                with Store(path) as db:
                    if len(db) >= n:
                        return
            except (StoreError, sqlite3.Error):
                pass
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.05)
    raise AssertionError("no row stored in time")


@pytest.fixture(scope="module")
def fresh():
    return sweep("linear", [2, "1..8", 2], flow="momentum", store=None, jobs=2)


@pytest.mark.parametrize("how, jobs", [("kill", "1"), ("ctrl-c", "1"), ("ctrl-c", "2")])
def test_interrupted_sweep_resumes(tmp_path, how, jobs, fresh):
    path = tmp_path / "s.sqlite"
    proc = _start(tmp_path, path, "--jobs", jobs)
    _wait_for_rows(path, proc)
    proc.send_signal(signal.SIGKILL if how == "kill" else signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    if how == "ctrl-c":
        assert proc.returncode == 130, err
        assert "interrupted" in err and "Traceback" not in err
    with Store(path) as db:
        kept = db.rows()
        assert kept and all(r.status == "ok" for r in kept)
        assert all(db.verify(r) is None for r in kept[:2])
    res = sweep("linear", [2, "1..8", 2], flow="momentum", store=path, jobs=2)
    assert res.from_store == len(kept) and res.computed == 8 - len(kept)
    # what was computed before the interruption is what a fresh computation gives
    assert [r.result() for r in res.rows] == [r.result() for r in fresh.rows]
    # the momentum closed form of DESIGN §3 on these widths
    assert all(r.laws_upper == r.coordinates["r"] * (r.coordinates["r"] - 1) // 2 for r in res.rows)


def test_total_time_limit_keeps_finished_rows(tmp_path):
    path = tmp_path / "s.sqlite"
    g = grid("linear", [2, "1..8", 2], flow="momentum")
    cut = sweep(g, store=path, jobs=2, total_time_limit=0.3)
    assert cut.stopped == "sweep time limit" and not cut.interrupted
    done = [r for r in cut.rows if r.status != "not run"]
    assert all(r.status == "ok" for r in done) and len(done) < len(g)
    with Store(path) as db:
        assert len(db) == len(done)
    rest = sweep(g, store=path, jobs=2)
    assert rest.from_store == len(done) and rest.computed == len(g) - len(done)
    assert all(r.status == "ok" for r in rest.rows)


def test_progress_display():
    import io

    from lieflow.sweeps.report import SweepProgress

    out = io.StringIO()
    p = SweepProgress(out, in_place=False, bar=False, interval=0)
    res = sweep("linear", [2, "1..3", 2], store=None, jobs=1, progress=p)
    p.close()
    assert out.getvalue().splitlines() == [f"lieflow sweep: {k}/3 done" for k in (1, 2, 3)]
    assert len(res.rows) == 3
    pytest.importorskip("tqdm")
    out = io.StringIO()
    p = SweepProgress(out, in_place=True, bar=True)
    sweep("linear", [2, "1..3", 2], store=None, jobs=1, progress=p)
    p.close()
    assert "lieflow sweep" in out.getvalue() and "/3 [" in out.getvalue()  # the tqdm bar
