"""The ``drift`` command: arguments, text and JSON output, figure, errors, lazy imports."""

import argparse
import json
import subprocess
import sys

import pytest

np = pytest.importorskip("numpy")
pytest.importorskip("scipy")

from lieflow.errors import BadArgumentError  # noqa: E402
from lieflow.numerics import cli  # noqa: E402
from lieflow.numerics.networks import parameter_names  # noqa: E402


def parse(*argv):
    return cli.add_drift_arguments(argparse.ArgumentParser(prog="drift")).parse_args(argv)


def real_core():
    lieflow = pytest.importorskip("lieflow")
    if not hasattr(lieflow, "census") or not hasattr(lieflow, "models"):
        pytest.skip("lieflow.census is not available yet")


def test_hb_on_relu_with_figure(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    real_core()
    png = tmp_path / "drift.png"
    args = parse("relu", "2", "3", "2", "--optimizer", "hb", "--lr", "0.01", "--beta", "0.9",
                 "--steps", "300", "--plot", str(png))
    assert cli.run_drift(args) == 0
    out = capsys.readouterr().out
    assert "heavy ball" in out and "seed 0" in out and "laws of the gradient flow" in out
    assert out.count("u1_1_") >= 3 and png.stat().st_size > 5000


def test_json_for_linear_hb_reports_the_discrete_invariant(capsys):
    real_core()
    args = parse("linear", "2", "3", "2", "--optimizer", "hb", "--lr", "0.05", "--beta", "0.8",
                 "--steps", "200", "--seed", "4", "--format", "json")
    assert cli.run_drift(args) == 0
    r = json.loads(capsys.readouterr().out)
    assert r["seed"] == 4 and r["optimizer"] == "hb" and r["beta"] == 0.8
    kinds = {law["kind"] for law in r["laws"]}
    assert kinds == {"gradient-flow", "discrete-heavy-ball"}
    hb = [law for law in r["laws"] if law["kind"] == "discrete-heavy-ball"]
    assert len(hb) == 3 and max(law["rel_drift"] for law in hb) < 1e-10
    assert hb[0]["steps"] == 61  # beta**(-k) <= 1e6
    gf = [law for law in r["laws"] if law["kind"] == "gradient-flow"]
    assert len(gf) == 6 and min(law["rel_drift"] for law in gf) > 1e-4


def test_flow_and_mirror(capsys):
    real_core()
    assert cli.run_drift(parse("relu", "2", "2", "1", "--optimizer", "flow", "--steps", "100",
                               "--format", "json")) == 0
    r = json.loads(capsys.readouterr().out)
    assert max(law["rel_drift"] for law in r["laws"]) < 1e-8
    assert cli.run_drift(parse("nmf", "3", "2", "3", "--optimizer", "mirror", "--lr", "0.05",
                               "--steps", "50")) == 0
    assert "mirror descent" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv,name",
    [
        (["linear", "2", "3", "2", "--optimizer", "mirror"], "--optimizer"),
        (["linear", "2", "3", "2", "--beta", "0.5"], "--beta"),
        (["linear", "2", "3", "2", "--optimizer", "hb", "--beta", "1.5"], "--beta"),
        (["linear", "2", "3", "2", "--lr", "-1"], "--lr"),
        (["linear", "2", "3", "2", "--steps", "0"], "--steps"),
        (["linear", "2", "x"], "WIDTH"),
        (["nmf", "2", "2"], "widths"),
        (["linear", "2", "2", "--bias"], "--bias"),
        (["custom", "2"], "--phi"),
        (["conv", "2", "2"], "MODEL"),
        (["linear", "2", "3", "1", "--optimizer", "hb", "--lr", "50", "--steps", "200"], "--lr"),
    ],
)
def test_bad_arguments_name_the_flag(argv, name):
    real_core()
    with pytest.raises(BadArgumentError) as info:
        cli.run_drift(parse(*argv))
    assert info.value.name == name


class FakeLaw:
    def __init__(self, text):
        import sympy

        self.time_expr = sympy.sympify(text)


class FakeCensus:
    def __init__(self, laws):
        self.laws = tuple(FakeLaw(t) for t in laws)
        self.proven = True


class FakeModels:
    """Stands in for lieflow.models so the command can be tested without the exact core."""

    @staticmethod
    def relu(widths, bias=False):
        return argparse.Namespace(kind="relu", widths=tuple(widths), bias=bias,
                                  parameters=parameter_names(widths, bias=bias))


def test_with_a_fake_core(monkeypatch, capsys):
    def census(model):
        c = FakeCensus(["u1_1_1**2 - u2_1_1**2", "u1_1_2**2 - u2_2_1**2"])
        c.parameters = model.parameters
        return c

    monkeypatch.setattr(cli, "_load_core", lambda: (census, FakeModels))
    assert cli.run_drift(parse("relu", "1", "2", "1", "--optimizer", "flow", "--steps", "50",
                               "--format", "json")) == 0
    r = json.loads(capsys.readouterr().out)
    assert [law["label"] for law in r["laws"]] == ["h1", "h2"]
    assert max(law["rel_drift"] for law in r["laws"]) < 1e-8


def test_importing_the_cli_does_not_import_numpy():
    code = ("import sys; import lieflow.numerics.cli, lieflow.numerics; "
            "assert 'numpy' not in sys.modules, 'numpy imported'; "
            "assert 'matplotlib' not in sys.modules; print('ok')")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr
