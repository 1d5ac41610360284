"""The census_snapshot fixture, run in throw-away projects with pytester.

Each scenario is a user's test file: the first run writes the snapshot, the second passes, an
edited snapshot fails verification, a changed model fails with both certificates side by side, and
``--lieflow-update`` refreshes.  The README's test file is run the same way.
"""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import lieflow
from lieflow.models import relu
from lieflow.pytest_plugin import SNAPSHOT_DIR, side_by_side, snapshot_path

ROOT = Path(__file__).resolve().parents[1]
PLUGIN = ("-p", "lieflow.pytest_plugin", "-p", "no:cacheprovider", "-p", "no:nbmake")

USER_TEST = """
from lieflow.models import relu

WIDTHS = {widths}

def test_net(census_snapshot):
    c = census_snapshot(relu(WIDTHS))
    assert c.proven
"""


def _run(pytester, *args):
    return pytester.runpytest_inprocess(*PLUGIN, *args)


def _snapshot(pytester, name="test_nets__test_net.json"):
    return pytester.path / SNAPSHOT_DIR / name


def test_first_run_writes_second_run_passes(pytester):
    pytester.makepyfile(test_nets=USER_TEST.format(widths=[2, 2, 1]))
    first = _run(pytester)
    first.assert_outcomes(passed=1)
    first.stdout.fnmatch_lines(["*lieflow snapshots*", "1 snapshot(s) written:", f"*{SNAPSHOT_DIR}*test_nets__test_net.json"])
    path = _snapshot(pytester)
    stored = path.read_text()
    doc = json.loads(stored)
    assert doc["widths"] == [2, 2, 1] and doc["laws_upper"] == 2 and doc["proven"] is True
    assert lieflow.census_from_json(stored).verify()  # certified JSON: the verifier accepts it

    second = _run(pytester)
    second.assert_outcomes(passed=1)
    assert "snapshot(s) written" not in second.stdout.str()
    assert path.read_text() == stored  # agreeing snapshots are not rewritten


def test_tampered_snapshot_fails_verification(pytester):
    pytester.makepyfile(test_nets=USER_TEST.format(widths=[2, 2, 1]))
    _run(pytester).assert_outcomes(passed=1)
    path = _snapshot(pytester)
    doc = json.loads(path.read_text())
    doc["laws_upper"] = doc["laws_lower"] = 3  # claim one law more than the closure allows
    path.write_text(json.dumps(doc))
    result = _run(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*lieflow snapshot*test_nets__test_net.json does not verify (edited or corrupted?)*"])
    result.stdout.fnmatch_lines(["*run pytest --lieflow-update*"])


def test_unreadable_snapshot_fails(pytester):
    pytester.makepyfile(test_nets=USER_TEST.format(widths=[2, 2, 1]))
    _run(pytester).assert_outcomes(passed=1)
    _snapshot(pytester).write_text("{not json")
    result = _run(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*lieflow snapshot*test_nets__test_net.json cannot be read*"])


def test_changed_count_prints_both_certificates_and_update_refreshes(pytester):
    pytester.makepyfile(test_nets=USER_TEST.format(widths=[2, 2, 1]))
    _run(pytester).assert_outcomes(passed=1)
    pytester.makepyfile(test_nets=USER_TEST.format(widths=[2, 3, 1]))  # one hidden neuron more
    result = _run(pytester)
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    assert "census of relu[2, 3, 1] differs from lieflow snapshot" in out
    assert "laws_upper: 2 != 3" in out
    # the two text reports, side by side, the changed lines marked
    assert re.search(r"stored \(test_nets__test_net\.json\)\s+\| now", out)
    assert re.search(r"! conservation laws: 2 found <= #laws <= 2 .*\| conservation laws: 3 found <= #laws <= 3", out)

    updated = _run(pytester, "--lieflow-update")
    updated.assert_outcomes(passed=1)
    updated.stdout.fnmatch_lines(["1 snapshot(s) updated:"])
    assert json.loads(_snapshot(pytester).read_text())["laws_upper"] == 3
    _run(pytester).assert_outcomes(passed=1)


def test_update_rewrites_a_tampered_snapshot(pytester):
    pytester.makepyfile(test_nets=USER_TEST.format(widths=[1, 2, 1]))
    _run(pytester).assert_outcomes(passed=1)
    path = _snapshot(pytester)
    doc = json.loads(path.read_text())
    doc["laws"] = doc["laws"][:1]
    path.write_text(json.dumps(doc))
    _run(pytester).assert_outcomes(failed=1)
    _run(pytester, "--lieflow-update").assert_outcomes(passed=1)
    assert lieflow.census_from_json(path.read_text()).verify()
    _run(pytester).assert_outcomes(passed=1)


def test_several_snapshots_per_test_and_parametrized_names(pytester):
    pytester.makepyfile(test_many="""
        import pytest
        from lieflow.models import custom, linear

        @pytest.mark.parametrize("n", [1, 2])
        def test_lin(census_snapshot, n):
            census_snapshot(linear([n, 2, 1]))
            census_snapshot(linear([n, 2, 1]), flow="momentum")
            census_snapshot(custom(["x*y*z"]), name="xyz")
    """)
    _run(pytester).assert_outcomes(passed=2)
    names = sorted(p.name for p in (pytester.path / SNAPSHOT_DIR).iterdir())
    assert names == [
        "test_many__test_lin_1_.json", "test_many__test_lin_1___2.json", "test_many__test_lin_1___xyz.json",
        "test_many__test_lin_2_.json", "test_many__test_lin_2___2.json", "test_many__test_lin_2___xyz.json",
    ]
    flows = {json.loads((pytester.path / SNAPSHOT_DIR / n).read_text())["flow"] for n in names if "__2" in n}
    assert flows == {"momentum"}
    _run(pytester).assert_outcomes(passed=2)


def _readme_test_file() -> str:
    text = (ROOT / "README.md").read_text()
    m = re.search(r"<!-- user test file -->\s*```python\n(.*?)```", text, re.S)
    assert m, "README.md lost its user test file"
    return m.group(1)


def test_readme_user_test_file_runs(pytester):
    code = _readme_test_file()
    assert len([line for line in code.splitlines() if line.strip()]) <= 11
    pytester.makepyfile(test_my_models=code)
    first = _run(pytester)
    first.assert_outcomes(passed=2)
    assert any((pytester.path / SNAPSHOT_DIR).iterdir())
    _run(pytester).assert_outcomes(passed=2)


def test_entry_point_registers_the_plugin(tmp_path):
    """The pytest11 entry point of setup.cfg, installed as package metadata, loads the fixture (also
    next to a conftest that names the plugin too, as lieflow's own tests/conftest.py does)."""
    cfg = (ROOT / "setup.cfg").read_text()
    m = re.search(r"pytest11 =\n\s+(\S+) = (\S+)", cfg)
    assert m and m.group(2) == "lieflow.pytest_plugin"
    dist = tmp_path / "site" / "lieflow_snapshot_ep-0.0.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: lieflow-snapshot-ep\nVersion: 0.0\n")
    (dist / "entry_points.txt").write_text(f"[pytest11]\n{m.group(1)} = {m.group(2)}\n")
    proj = tmp_path / "proj"
    proj.mkdir()
    (proj / "test_ep.py").write_text(USER_TEST.format(widths=[1, 1, 1]))
    (proj / "conftest.py").write_text('pytest_plugins = ["lieflow.pytest_plugin"]\n')
    env = {"PYTHONPATH": f"{tmp_path / 'site'}:{ROOT}", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:nbmake", "test_ep.py"],
        cwd=proj, env=env, capture_output=True, text=True, timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 passed" in run.stdout
    assert (proj / SNAPSHOT_DIR / "test_ep__test_net.json").exists()


# -- helpers, directly ------------------------------------------------------------------------------
def test_snapshot_path_sanitizes():
    p = snapshot_path(Path("a/b/test_x.py"), "test_y[relu-[2, 2]]", "v 1")
    assert p == Path("a/b") / SNAPSHOT_DIR / "test_x__test_y_relu-_2__2____v_1.json"


@pytest.mark.parametrize("args, name", [(("t.py", ""), "test_name"), (("t.py", "t", ""), "name"), (("t.py", "t", 3), "name")])
def test_snapshot_path_bad_arguments(args, name):
    with pytest.raises(lieflow.errors.BadArgumentError, match=f"^{name}: "):
        snapshot_path(*args)


def test_side_by_side_marks_differences():
    table = side_by_side("a\nb\nc", "a\nB", titles=("L", "R"), width=8)
    assert table.splitlines() == ["  L | R", "  a | a", "! b | B", "! c |"]
    assert side_by_side("x" * 20, "y", width=8).splitlines()[1] == "! xxxxx... | y"
    with pytest.raises(lieflow.errors.BadArgumentError, match="^width: "):
        side_by_side("a", "b", width=3)


def test_snapshot_census_given_directly_and_options_refused(tmp_path):
    from lieflow.pytest_plugin import CensusSnapshot

    c = lieflow.census(relu([1, 1, 1]))
    snap = CensusSnapshot(tmp_path / "test_t.py", "test_t")
    assert snap(c) is c
    with pytest.raises(lieflow.errors.BadArgumentError, match="^census_options: "):
        snap(c, degree=3)
