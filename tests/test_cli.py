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
    assert "2 found <= #laws <= 2  (PROVEN)" in out and "verified" in out


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
