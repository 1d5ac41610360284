"""The command line: the contract of DESIGN §6, exit codes, one-line errors."""

import json
import subprocess
import sys

import pytest

from lieflow.cli import main


def run(args, capsys):
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_relu_json_is_proven_with_seven_laws(capsys):
    code, out, err = run(["census", "relu", "2", "2", "5", "3", "--format", "json"], capsys)
    assert code == 0 and err == ""
    d = json.loads(out)
    assert d["proven"] is True and d["laws_lower"] == d["laws_upper"] == 7 and len(d["laws"]) == 7
    assert d["widths"] == [2, 2, 5, 3] and d["model"] == "relu" and d["flow"] == "gradient"


def test_custom_phi(capsys):
    code, out, _ = run(["census", "custom", "--phi", "x1*x2*x3", "--verify"], capsys)
    assert code == 0
    assert "2 found <= #laws <= 2  PROVEN (explicit laws)" in out and "verified" in out


def test_latex(capsys):
    code, out, _ = run(["census", "linear", "2", "2", "2", "--format", "latex"], capsys)
    assert code == 0 and out.startswith("$$")


@pytest.mark.parametrize(
    "args, needle",
    [
        (["census", "relu", "2", "0"], "widths"),
        (["census", "relu", "2", "x"], "WIDTH"),
        (["census", "relu", "2"], "widths"),
        (["census", "linear", "2", "2", "--bogus"], "--bogus"),
        (["census", "linear", "2", "2", "--tau", "1"], "--tau"),
        (["census", "linear", "2", "2", "--bias"], "--bias"),
        (["census", "frob", "2", "2"], "MODEL"),
        (["census", "custom"], "--phi"),
        (["census", "custom", "--phi", "x*1.5"], "phi[0]"),
        (["census", "custom", "--phi", "sin(x)"], "phi[0]"),
        (["census", "relu", "2", "2", "--format", "yaml"], "--format"),
        (["census", "relu", "2", "2", "--degree", "0"], "degree"),
        ([], "command"),
    ],
)
def test_bad_usage_exits_2_with_one_line(args, needle, capsys):
    code, out, err = run(args, capsys)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and needle in err


def test_console_script_and_module():
    r = subprocess.run([sys.executable, "-m", "lieflow", "census", "relu", "2", "2", "1"], capture_output=True, text=True)
    assert r.returncode == 0 and "PROVEN" in r.stdout


@pytest.mark.parametrize(
    "args, lower, upper",
    [
        (["conv", "2", "3", "2", "3", "2"], 3, 3),
        (["attention", "2", "2", "--heads", "2"], 12, 12),
        (["attention", "1", "2", "--heads", "2", "--shared-softmax"], 6, 6),
        (["resnet", "2", "2"], 3, 3),
        (["resnet", "1", "--blocks", "2"], 3, 3),  # the third law has logarithms
        (["resnet", "1", "--blocks", "2", "--activation", "relu"], 2, 2),
        (["softmax-ce", "3", "2"], 2, 2),
        (["nmf", "2", "3", "3"], 3, 3),
        (["icnn", "2", "3", "2", "--bias"], 3, 3),
    ],
)
def test_catalog_models_from_the_command_line(args, lower, upper, capsys):
    code, out, _ = run(["census", *args, "--format", "json"], capsys)
    d = json.loads(out)
    assert code == 0 and (d["laws_lower"], d["laws_upper"]) == (lower, upper)
    assert d["laws_complete"] == (lower == upper) and d["proven"] is True


@pytest.mark.parametrize(
    "args, needle",
    [
        (["census", "relu", "2", "2", "--heads", "2"], "--heads"),
        (["census", "conv", "2", "2"], "WIDTH"),
        (["census", "attention", "2", "2", "--bias"], "--bias"),
        (["census", "nmf", "2", "2", "2", "--metric", "euclidean"], "--metric"),
    ],
)
def test_catalog_bad_usage(args, needle, capsys):
    code, out, err = run(args, capsys)
    assert code == 2 and needle in err


def test_import_lieflow_loads_only_the_core_dependencies():
    code = "import sys, lieflow, lieflow.cli; print(sorted(m for m in ('numpy', 'scipy', 'matplotlib') if m in sys.modules))"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0 and r.stdout.strip() == "[]"


def test_limits_give_valid_but_unproven_bounds(capsys):
    code, out, _ = run(["census", "linear", "4", "4", "4", "--max-brackets", "2", "--format", "json"], capsys)
    d = json.loads(out)
    assert code == 0 and d["closure"]["reason"] == "limit" and d["proven"] is False
    assert d["laws_lower"] == 10 < d["laws_upper"]  # the bound is still a theorem, only less sharp
    code, out, _ = run(["census", "linear", "4", "4", "4", "--max-brackets", "2"], capsys)
    assert "stopped early (limit)" in out
    code, _, err = run(["census", "linear", "2", "2", "2", "--time-limit", "-1"], capsys)
    assert code == 2 and "time_limit" in err


@pytest.mark.parametrize("args, needle", [(["attention", "2", "2", "--heads", "0"], "heads"), (["resnet", "2", "--blocks", "0"], "blocks")])
def test_zero_counts_are_refused_not_defaulted(args, needle, capsys):
    code, _, err = run(["census", *args], capsys)
    assert code == 2 and needle in err
