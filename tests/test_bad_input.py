"""A sweep of bad inputs across the command line, the Python API and JSON loading.

Every bad input must give one clear line: a :class:`~lieflow.errors.LieflowError` naming the
argument (on the command line: exit status 2, one line on stderr, nothing on stdout), quickly —
never a traceback, a hang, unbounded memory, a wrong answer, or code execution.  Inputs that hung
or ran code before are also run end to end in a subprocess with a timeout and a memory cap.
"""

import copy
import json
import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager

import pytest
import sympy

import lieflow
from lieflow import census, census_from_json, closure, limits, polynomial_laws
from lieflow.algebra import PolyRing, VectorField, to_rational
from lieflow.cli import main
from lieflow.dynamics.generators import from_fields, softmax_cross_entropy
from lieflow.dynamics.metrics import as_metric
from lieflow.errors import (
    BadArgumentError,
    InexactValueError,
    InputTooLargeError,
    LieflowError,
    LimitExceededError,
    NotPolynomialError,
    VerificationError,
)
from lieflow.models import attention, conv, custom, icnn, linear, nmf, relu, resnet

FAST = 5.0  # seconds: every refusal here happens before any expensive work


@contextmanager
def deadline(seconds=20):
    """Fail (instead of hanging the suite) if the block runs longer than ``seconds``."""

    def boom(signum, frame):
        raise TimeoutError(f"no answer within {seconds} s")

    old = signal.signal(signal.SIGALRM, boom)
    signal.alarm(seconds)
    t0 = time.perf_counter()
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    assert time.perf_counter() - t0 < FAST


def one_line(message: str):
    assert "\n" not in message and "Traceback" not in message and len(message) < 600


# -- the command line -------------------------------------------------------------------------

INJECTIONS = [
    "x1*x2 + 0*__import__('os').system('touch f')",
    "exec(\"open('f', 'w')\")",
    "open('f', 'w')",
    "x*y + eval('1')",
    "__builtins__",  # just a (strange) parameter name: no code
]

CLI_BAD = [
    # inputs reported by users
    (["census", "custom", "--phi", INJECTIONS[0]], "phi[0]: is not a polynomial: a name followed by '('"),
    (["census", "custom", "--phi", INJECTIONS[1]], "function calls are not allowed"),
    (["census", "custom", "--phi", INJECTIONS[2]], "function calls are not allowed"),
    (["census", "custom", "--phi", "µ*x", "--phi", "μ*x", "--verify"], "'µ' (U+00B5 MICRO SIGN)"),
    (["census", "custom", "--phi", "ﬁ*x", "--phi", "fi*x"], "U+FB01 LATIN SMALL LIGATURE FI"),
    (["census", "custom", "--phi", "ℌ*x", "--phi", "H*x"], "U+210C BLACK-LETTER CAPITAL H"),
    (["census", "custom", "--phi", "True"], "phi[0]: cannot be parsed: 'True' at position 0 is a Python keyword"),
    (["census", "custom", "--phi", "[x1,x2]"], "phi: '[': lists are not expressions"),
    (["census", "linear", "2", "99999999999999999999", "2"], "widths: number of parameters is 399999999999999999996, over the limit max_params=10000"),
    (["census", "relu", "1000", "1000", "1000"], "over the limit max_params"),
    (["census", "custom", "--phi", "x1**(10**9)*x2"], "phi[0]: exponent is 1000000000, over the limit max_degree=1000"),
    (["census", "attention", "2", "2", "--heads", "1000000"], "d1, dim, heads: number of parameters is 16000000"),
    # expressions
    (["census", "custom", "--phi", ""], "phi[0]: cannot be parsed: expected a number, a name or '(' but found an empty text"),
    (["census", "custom", "--phi", "x*y,"], "phi: component 2 of 2 is empty"),
    (["census", "custom", "--phi", "x*y,,y*z"], "component 2 of 3 is empty"),
    (["census", "custom", "--phi", "2x"], "expected an operator between '2' and 'x'"),
    (["census", "custom", "--phi", "x**-1"], "the exponent at position 1 is -1"),
    (["census", "custom", "--phi", "x/y"], "division by a non-constant (y)"),
    (["census", "custom", "--phi", "1/0*x"], "division by zero"),
    (["census", "custom", "--phi", "x^(1/2)"], "is 1/2, not an integer >= 0"),
    (["census", "custom", "--phi", "x*1.5"], "phi[0]: inexact value '1.5'"),
    (["census", "custom", "--phi", "1e3*x"], "inexact value '1e3'"),
    (["census", "custom", "--phi", "sin(x)"], "phi[0]"),
    (["census", "custom", "--phi", "x == y"], "character '='"),
    (["census", "custom", "--phi", "x; import os"], "character ';'"),
    (["census", "custom", "--phi", "lambda*x"], "Python keyword"),
    (["census", "custom", "--phi", "x − y"], "U+2212 MINUS SIGN"),
    (["census", "custom", "--phi", "x²"], "U+00B2 SUPERSCRIPT TWO"),
    (["census", "custom", "--phi", "(x"], "never closed"),
    (["census", "custom", "--phi", "x - x"], "phi[0]: a component of φ must be a non-constant polynomial"),
    (["census", "custom", "--phi", "3"], "phi: no parameters occur in φ"),
    (["census", "custom", "--phi", "x**1000*y**1000"], "degree is 2000, over the limit max_degree=1000"),
    (["census", "custom", "--phi", "(x+y+z+w+1)**40"], "term products needed to expand the input"),
    (["census", "custom", "--phi", "9" * 1001 + "*x"], "number of digits of a coefficient is 1001"),
    (["census", "custom", "--phi", "(" * 101 + "x" + ")" * 101], "nesting depth is 101, over the limit max_nesting=100"),
    # parameters
    (["census", "custom", "--phi", "x", "--params", "x,x"], "params: duplicate parameter names ['x']"),
    (["census", "custom", "--phi", "x*y", "--params", "x,,y"], "params: an empty name between commas"),
    (["census", "custom", "--phi", "x", "--params", "µ"], "params: name 'µ' is not an ASCII identifier"),
    (["census", "custom", "--phi", "x", "--params", "for"], "Python keyword"),
    (["census", "custom", "--phi", "x*y", "--params", "x"], "phi[0]: uses unknown names ['y'] (declared: ['x'])"),
    (["census", "custom", "--phi", "x", "--params", ""], "params: need at least one parameter"),
    (["census", "custom", "--phi", "exp*x", "--flow", "momentum"], "clash"),
    (["census", "custom", "--phi", "x*v_x", "--flow", "momentum"], "clash with the phase variables"),
    (["census", "custom", "--phi", "x*t", "--flow", "momentum"], "['t'] clash"),
    # widths and sizes
    (["census", "linear", "2", "٣"], "WIDTH: widths must be integers >= 1"),
    (["census", "linear", "2", "1_000"], "WIDTH"),
    (["census", "linear", "2", "2.0"], "WIDTH"),
    (["census", "linear", "2", "-2"], "WIDTH"),
    (["census", "linear", "2", "1" * 40], "WIDTH"),
    (["census", "relu", "40", "40", "40", "40"], "number of components of φ is 2560000, over the limit max_components=1000000"),
    (["census", "relu", "32", "32", "16", "10", "--limit", "max_components=1000"], "number of components of φ is 163840"),
    (["census", "resnet", "1", "--blocks", "1000000"], "widths, blocks: number of parameters is 2000000"),
    (["census", "resnet", "1", "--blocks", "30"], "number of terms of φ is 1073741824, over the limit max_terms"),
    (["census", "conv", "100", "100", "100", "100", "100"], "c0, c1, c2, nv, nu: number of parameters is 2000000"),
    (["census", "softmax-ce", "100000", "100000"], "n, m: number of parameters is 10000000000"),
    (["census", "attention", "2", "2", "--heads", "0"], "heads: must be an integer >= 1"),
    # options
    (["census", "linear", "2", "2", "--degree", "100000"], "degree: degree of the law search is 100000"),
    (["census", "linear", "2", "2", "--degree", "9" * 25], "over the limit max_degree"),
    (["census", "linear", "2", "2", "--flow", "momentum", "--time-degree", "1000000000"], "time_degree"),
    (["census", "linear", "2", "2", "--time-limit", "abc"], "--time-limit"),
    (["census", "linear", "2", "2", "--time-limit", "nan"], "time_limit: must be a positive number of seconds"),
    (["census", "linear", "2", "2", "--time-limit", "-1"], "time_limit"),
    (["census", "linear", "2", "2", "--max-brackets", "0"], "max_brackets: must be an integer >= 1"),
    (["census", "linear", "2", "2", "--seed", "1.5"], "--seed: expected an integer"),
    (["census", "linear", "2", "2", "--seed", "9" * 40], "--seed: expected an integer (at most 30 digits)"),
    (["census", "linear", "2", "2", "--heads", "2"], "--heads: only applies to attention models"),
    (["census", "linear", "2", "2", "--flow", "momentum", "--tau", "1/0"], "tau: division by zero"),
    (["census", "linear", "2", "2", "--flow", "momentum", "--tau", "0.5"], "tau: inexact value '0.5'"),
    (["census", "linear", "2", "2", "--flow", "momentum", "--tau", "abc"], "tau: expected a rational number"),
    (["census", "linear", "2", "2", "--flow", "momentum", "--tau", "9" * 2000], "tau: number of digits of a coefficient is 2000"),
    (["census", "linear", "2", "2", "--flow", "momentum", "--damping", "nesterov", "--alpha", "1/2"], "alpha: must be a positive integer"),
    (["census", "linear", "2", "2", "--limit", "max_params=abc"], "--limit: expected an integer"),
    (["census", "linear", "2", "2", "--limit", "bogus=1"], "--limit: expected NAME=N"),
    (["census", "linear", "2", "2", "--limit", "max_params=0"], "max_params: a limit must be an integer >= 1"),
]


def run(args, capsys):
    t0 = time.perf_counter()
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err, time.perf_counter() - t0


@pytest.mark.parametrize("args, needle", CLI_BAD)
def test_cli_refuses_with_one_line(args, needle, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with deadline():
        code, out, err, _ = run(args, capsys)
    assert code == 2 and out == ""
    assert err.startswith("lieflow: error: ") and err.count("\n") == 1
    one_line(err.rstrip("\n"))
    assert needle in err
    assert not os.listdir(tmp_path)  # nothing was created: no code ran


DRIFT_BAD = [
    (["drift", "custom", "--phi", INJECTIONS[0]], "function calls are not allowed"),
    (["drift", "custom", "--phi", "µ*x"], "U+00B5 MICRO SIGN"),
    (["drift", "relu", "1000", "1000", "1000"], "over the limit max_params"),
    (["drift", "custom", "--phi", "x**(10**9)"], "max_degree"),
    (["drift", "linear", "2", "2", "2", "--lr", "nan"], "--lr: must be a positive number"),
    (["drift", "linear", "2", "2", "2", "--steps", "0"], "--steps"),
    (["drift", "linear", "2", "2", "--limit", "nope=1"], "--limit"),
]


@pytest.mark.parametrize("args, needle", DRIFT_BAD)
def test_drift_refuses_with_one_line(args, needle, capsys, tmp_path, monkeypatch):
    pytest.importorskip("numpy")
    pytest.importorskip("scipy")
    monkeypatch.chdir(tmp_path)
    with deadline():
        code, out, err, _ = run(args, capsys)
    assert code == 2 and out == "" and err.count("\n") == 1 and needle in err
    assert not os.listdir(tmp_path)


def test_commas_separate_components_and_repeating_phi_is_the_same():
    """The former AttributeError: a comma now separates components (documented in --help)."""
    a = custom("x1**2*x2,x2*x3**2")
    b = custom(["x1**2*x2", "x2*x3**2"])
    assert a.phi == b.phi and len(a.phi) == 2
    c = census(a)
    # independent count with plain sympy: h = x1² - 2 x2² + x3² is annihilated by both gradients
    # (so >= 1 law), and the gradients are independent at a point (so <= 3 - 2 = 1 law)
    v = sympy.symbols("x1 x2 x3")
    g = [sympy.Matrix([sympy.diff(f, s) for s in v]) for f in (v[0] ** 2 * v[1], v[1] * v[2] ** 2)]
    h = v[0] ** 2 - 2 * v[1] ** 2 + v[2] ** 2
    dh = sympy.Matrix([sympy.diff(h, s) for s in v])
    assert all(sympy.expand(dh.dot(gi)) == 0 for gi in g)
    assert sympy.Matrix.hstack(*g).subs(dict(zip(v, (2, 3, 5)))).rank() == 2
    assert (c.laws_upper, c.laws_lower, c.proven) == (1, 1, True)


def test_help_documents_commas_and_limits(capsys):
    with pytest.raises(SystemExit):
        main(["census", "--help"])
    out = capsys.readouterr().out
    assert "commas separate several" in out and "--limit NAME=N" in out


def test_raising_a_limit_on_the_command_line_allows_the_input(capsys):
    code, out, err, _ = run(["census", "custom", "--phi", "x**1001*y", "--limit", "max_degree=2000", "--format", "json"], capsys)
    assert code == 0 and err == ""
    d = json.loads(out)
    assert d["parameters"] == ["x", "y"] and d["ambient_dim"] == 2 and d["laws_upper"] == 1


# -- end to end, in a subprocess: inputs that hung, ate memory, or ran code before ---------------

HANGS = [
    ["census", "linear", "2", "99999999999999999999", "2"],
    ["census", "relu", "1000", "1000", "1000"],
    ["census", "custom", "--phi", "x1**(10**9)*x2"],
    ["census", "attention", "2", "2", "--heads", "1000000"],
    ["census", "custom", "--phi", INJECTIONS[0]],
]


def _capped():  # a regression must not take the machine's memory (a 15 GB case was reported)
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (3 * 2**30, 3 * 2**30))


def test_former_hangs_and_injections_end_to_end(tmp_path):
    """All of them in one fresh interpreter (under a timeout and a memory cap), through ``main``."""
    script = (
        "import contextlib, io, json, sys\n"
        "from lieflow.cli import main\n"
        "out = []\n"
        "for args in json.loads(sys.argv[1]):\n"
        "    err = io.StringIO()\n"
        "    with contextlib.redirect_stderr(err):\n"
        "        out.append([main(args), err.getvalue()])\n"
        "print(json.dumps(out))\n"
    )
    t0 = time.perf_counter()
    r = subprocess.run([sys.executable, "-c", script, json.dumps(HANGS)], cwd=tmp_path, capture_output=True,
                       text=True, timeout=120, preexec_fn=_capped)
    assert r.returncode == 0, r.stderr[-2000:]
    for args, (code, err) in zip(HANGS, json.loads(r.stdout)):
        assert code == 2 and err.startswith("lieflow: error: ") and err.count("\n") == 1, (args, err)
    assert time.perf_counter() - t0 < 60 and not os.listdir(tmp_path)


def test_huge_exponent_in_a_small_json_file_end_to_end(tmp_path):
    """A 1.7 KB census JSON with one exponent 10**9 took 15 GB and ignored Ctrl-C."""
    d = json.loads(census(custom(["x*y"])).to_json())
    d["law_terms"][0] = [["1", [["x", 10**9]]]]
    path = tmp_path / "c.json"
    path.write_text(json.dumps(d))
    code = (
        "import sys, lieflow\n"
        "try:\n"
        f"    lieflow.census_from_json(open({str(path)!r}).read())\n"
        "except lieflow.LieflowError as e:\n"
        "    print(e); sys.exit(3)\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, preexec_fn=_capped)
    assert r.returncode == 3 and "exponent of x must be an integer in [1, 1000], got 1000000000" in r.stdout


# -- the Python API ---------------------------------------------------------------------------

R = PolyRing.get(("x", "y", "z"))
X, Y, Z = R.gens
X1, X2, X3 = VectorField(R, {"x": 1}), VectorField(R, {"y": X}), VectorField(R, {"z": X * X})
x, y = sympy.symbols("x y")
XY = custom(["x*y"], params="x,y")

API_BAD = [
    ("census(m, time_limit='5')", lambda: census(XY, time_limit="5"), BadArgumentError, "time_limit: must be a positive number of seconds, got '5'"),
    ("census(m, time_limit=nan)", lambda: census(XY, time_limit=float("nan")), BadArgumentError, "time_limit"),
    ("census(m, degree=10**6)", lambda: census(XY, degree=10**6), InputTooLargeError, "degree: degree of the law search is 1000000"),
    ("census(m, degree=True)", lambda: census(XY, degree=True), BadArgumentError, "degree: must be an integer >= 1"),
    ("census(m, seed='a')", lambda: census(XY, seed="a"), BadArgumentError, "seed"),
    ("census('linear')", lambda: census("linear"), BadArgumentError, "model: expected a lieflow Model"),
    ("census(m, flow='sideways')", lambda: census(XY, flow="sideways"), BadArgumentError, "flow"),
    ("census(m, max_brackets=0)", lambda: census(XY, max_brackets=0), BadArgumentError, "max_brackets"),
    ("census(m, flow='momentum', tau='1/0')", lambda: census(XY, flow="momentum", tau="1/0"), BadArgumentError, "tau: division by zero"),
    ("closure(names=['A','A'])", lambda: closure([X1, X2], names=["A", "A"]), BadArgumentError, "names: generator names must be distinct (duplicated: ['A'])"),
    ("closure(names=['A','B','A'])", lambda: closure([X1, X2, X3], names=["A", "B", "A"]), BadArgumentError, "duplicated: ['A']"),
    ("closure(names='A')", lambda: closure([X1], names="A"), BadArgumentError, "names: expected a sequence"),
    ("closure(names=['A','[B'])", lambda: closure([X1, X2], names=["A", "[B"]), BadArgumentError, "without brackets"),
    ("closure(names=['A'])", lambda: closure([X1, X2], names=["A"]), BadArgumentError, "need 2 names"),
    ("closure([])", lambda: closure([]), BadArgumentError, "generators: need at least one"),
    ("closure(['x'])", lambda: closure(["x"]), BadArgumentError, "every element must be a VectorField"),
    ("closure(time_limit='5')", lambda: closure([X1], time_limit="5"), BadArgumentError, "time_limit"),
    ("polynomial_laws(degree=0)", lambda: polynomial_laws([X1], degree=0), BadArgumentError, "degree"),
    ("polynomial_laws(degree=10**9)", lambda: polynomial_laws([X1], degree=10**9), LimitExceededError, "degree=1000000000"),
    ("polynomial_laws(['x*y'])", lambda: polynomial_laws(["x*y"]), BadArgumentError, "VectorField"),
    ("custom([])", lambda: custom([]), BadArgumentError, "phi: need at least one component"),
    ("custom('')", lambda: custom(""), NotPolynomialError, "phi[0]: cannot be parsed"),
    ("custom(None)", lambda: custom(None), BadArgumentError, "phi: need the components of φ"),
    ("custom(5)", lambda: custom(5), BadArgumentError, "phi: expected a sequence"),
    ("custom([True])", lambda: custom([True]), NotPolynomialError, "phi[0]: expected a polynomial"),
    ("custom([['x1','x2']])", lambda: custom([["x1", "x2"]]), NotPolynomialError, "phi[0]: expected a polynomial"),
    ("custom(['µ*x','μ*x'])", lambda: custom(["µ*x", "μ*x"]), NotPolynomialError, "U+00B5 MICRO SIGN"),
    ("custom([Symbol('µ')*x, Symbol('μ')*x])", lambda: custom([sympy.Symbol("µ") * x, sympy.Symbol("μ") * x]), BadArgumentError, "not an ASCII identifier"),
    ("custom([injection])", lambda: custom([INJECTIONS[0]]), NotPolynomialError, "function calls are not allowed"),
    ("custom(['x**(10**9)*y'])", lambda: custom(["x**(10**9)*y"]), InputTooLargeError, "exponent is 1000000000"),
    ("custom([x**(10**9)*y])", lambda: custom([x ** (10**9) * y]), InputTooLargeError, "exponent is 1000000000"),
    ("custom([sin(x)])", lambda: custom([sympy.sin(x)]), NotPolynomialError, "is not a polynomial (it contains sin(x))"),
    ("custom([exp(x)*y])", lambda: custom([sympy.exp(x) * y]), NotPolynomialError, "contains exp(x)"),
    ("custom([0.5*x])", lambda: custom([0.5 * x]), InexactValueError, "phi[0]: inexact value"),
    ("custom([x*y + Symbol('x', positive=True)])", lambda: custom([x * y + sympy.Symbol("x", positive=True)]), NotPolynomialError, "two different sympy symbols are named 'x'"),
    ("custom([{(10**9,): 1}])", lambda: custom([{(10**9,): 1}], params="x"), InputTooLargeError, "degree of a term is 1000000000"),
    ("custom([{(1,): 0.5}])", lambda: custom([{(1,): 0.5}], params="x"), InexactValueError, "inexact value 0.5"),
    ("custom(params=['x','x'])", lambda: custom(["x"], params=["x", "x"]), BadArgumentError, "params: duplicate parameter names"),
    ("custom(params=['lambda'])", lambda: custom(["x"], params=["lambda"]), BadArgumentError, "Python keyword"),
    ("custom(params=5)", lambda: custom(["x"], params=5), BadArgumentError, "params: expected a sequence"),
    ("custom(11 components, max_components=10)", lambda: _with(dict(max_components=10), custom, ["x"] * 11), InputTooLargeError, "number of components of φ is 11"),
    ("linear([2, 'a'])", lambda: linear([2, "a"]), BadArgumentError, "widths: every width must be an integer >= 1"),
    ("linear([2])", lambda: linear([2]), BadArgumentError, "need at least 2 widths"),
    ("linear([2, True])", lambda: linear([2, True]), BadArgumentError, "widths"),
    ("linear([2, 2.0])", lambda: linear([2, 2.0]), BadArgumentError, "widths"),
    ("linear('22')", lambda: linear("22"), BadArgumentError, "widths: expected a sequence"),
    ("linear([2, 10**30, 2])", lambda: linear([2, 10**30, 2]), InputTooLargeError, "number of parameters is about 10**30"),
    ("linear([2, 10**5000, 2])", lambda: linear([2, 10**5000, 2]), InputTooLargeError, "about 10**5000"),
    ("linear([1]*20000)", lambda: linear([1] * 20000), InputTooLargeError, "(20000 widths)"),
    ("linear([2,40,40,40,40,40,40,2])", lambda: linear([2, 40, 40, 40, 40, 40, 40, 2]), InputTooLargeError, "number of terms of φ is"),
    ("relu(bias='yes')", lambda: relu([2, 2], bias="yes"), BadArgumentError, "bias: must be True or False"),
    ("relu([1000]*3)", lambda: relu([1000, 1000, 1000]), InputTooLargeError, "max_params"),
    ("relu([40]*4)", lambda: relu([40] * 4), InputTooLargeError, "max_components"),
    ("relu([1]*1002)", lambda: relu([1] * 1002), InputTooLargeError, "degree of φ is 1001"),
    ("attention(heads=10**6)", lambda: attention(2, 2, heads=10**6), InputTooLargeError, "number of parameters is 16000000"),
    ("attention(heads=2.0)", lambda: attention(2, 2, heads=2.0), BadArgumentError, "heads"),
    ("resnet(blocks=10**9)", lambda: resnet(1, blocks=10**9), InputTooLargeError, "max_params"),
    ("resnet(blocks=30)", lambda: resnet(1, blocks=30), InputTooLargeError, "number of terms of φ is 1073741824"),
    ("conv(100, ...)", lambda: conv(100, 100, 100, 100, 100), InputTooLargeError, "max_params"),
    ("nmf([2, 3])", lambda: nmf([2, 3]), BadArgumentError, "exactly 3 widths"),
    ("icnn(bias=1)", lambda: icnn([2, 2, 2], bias=1), BadArgumentError, "bias"),
    ("softmax_cross_entropy(10**5, 10**5)", lambda: softmax_cross_entropy(10**5, 10**5), InputTooLargeError, "n, m"),
    ("from_fields(params='x,x')", lambda: from_fields([["x", "y"]], "x,x"), BadArgumentError, "params: duplicate"),
    ("from_fields(names=['A','A'])", lambda: from_fields([["y", "-x"], ["y", "x"]], "x,y", names=["A", "A"]), BadArgumentError, "distinct"),
    ("from_fields([['open(...)','x']])", lambda: from_fields([["open('f','w')", "x"]], "x,y"), NotPolynomialError, "fields[0][0]"),
    ("from_fields([['x**(10**9)','x']])", lambda: from_fields([["x**(10**9)", "x"]], "x,y"), InputTooLargeError, "fields[0][0]: exponent"),
    ("as_metric(injection)", lambda: as_metric([[1, 0], [0, "__import__('os')"]], XY), NotPolynomialError, "metric[1, 1]"),
    ("as_metric('y**(10**9)')", lambda: as_metric([[1, 0], [0, "y**(10**9)"]], XY), InputTooLargeError, "metric[1, 1]: exponent"),
    ("census(custom(['exp*x']), momentum)", lambda: census(custom(["exp*x"]), flow="momentum"), BadArgumentError, "['exp'] clash"),
    ("to_rational('٣')", lambda: to_rational("٣"), BadArgumentError, "expected a rational number"),
    ("to_rational('1_000')", lambda: to_rational("1_000"), BadArgumentError, "expected a rational number"),
    ("to_rational('1/0')", lambda: to_rational("1/0"), BadArgumentError, "division by zero"),
    ("limits.override(max_params=-1)", lambda: _with(dict(max_params=-1), int), BadArgumentError, "a limit must be an integer >= 1"),
    ("limits.override(max_bananas=1)", lambda: _with(dict(max_bananas=1), int), BadArgumentError, "unknown limit name"),
]


def _with(changes, f, *args):
    with limits.override(**changes):
        return f(*args)


@pytest.mark.parametrize("label, call, exc, needle", API_BAD, ids=[row[0] for row in API_BAD])
def test_python_api_refuses_with_one_line(label, call, exc, needle, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with deadline():
        with pytest.raises(exc) as info:
            call()
    assert isinstance(info.value, LieflowError)
    one_line(str(info.value))
    assert needle in str(info.value)
    assert not os.listdir(tmp_path)


def test_duplicate_closure_names_no_longer_lose_a_field():
    """``closure([X1, X2], names=['A', 'A'])`` returned rank 2 where the truth is 3."""
    R4 = PolyRing.get(("p", "q", "r"))
    p, q, r = R4.gens
    A, B = VectorField(R4, {"p": 1}), VectorField(R4, {"q": p, "r": p * p})
    # independent check: A, B and [A, B] = (0, 1, 2p) are independent at every point, so rank 3
    assert closure([A, B], names=["A", "B"]).rank == 3
    with pytest.raises(BadArgumentError, match="distinct"):
        closure([A, B], names=["A", "A"])


def test_no_input_runs_code(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for text in INJECTIONS[:4]:
        with pytest.raises(LieflowError):
            custom([text])
        with pytest.raises(LieflowError):
            from_fields([[text, "x"]], "x,y")
        with pytest.raises(LieflowError):
            as_metric([[1, 0], [0, text]], XY)
    np = pytest.importorskip("numpy")
    from lieflow.numerics.laws import compile_laws
    from lieflow.numerics.networks import network

    for text in INJECTIONS[:4]:
        with pytest.raises(LieflowError):
            compile_laws([text])
        with pytest.raises(LieflowError):
            network("custom", phi=[text])
    assert np is not None and not os.listdir(tmp_path)
    # '__builtins__' is only a name: a parameter like any other
    assert custom([INJECTIONS[4]]).parameters == ("__builtins__",)


# -- JSON loading -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def saved():
    return (json.loads(census(custom(["x*y*z"])).to_json()),
            json.loads(census(linear([1, 2, 1]), flow="momentum").to_json()))


def _set(*path_value, base=0):
    *path, value = path_value

    def mutate(docs):
        d = copy.deepcopy(docs[base])
        o = d
        for k in path[:-1]:
            o = o[k]
        o[path[-1]] = value
        return json.dumps(d, allow_nan=True)

    return mutate


def _del(*path):
    def mutate(docs):
        d = copy.deepcopy(docs[0])
        o = d
        for k in path[:-1]:
            o = o[k]
        del o[path[-1]]
        return json.dumps(d)

    return mutate


def _text(t):
    return lambda docs: t


JSON_BAD = [
    ("not JSON", _text("not json"), BadArgumentError, "text: is not JSON"),
    ("empty object", _text("{}"), BadArgumentError, "is not a lieflow census"),
    ("a list", _text("[1, 2]"), BadArgumentError, "is not a lieflow census"),
    ("bytes garbage", _text(b"\xff\xfe"), BadArgumentError, "is not JSON"),
    ("None", _text(None), BadArgumentError, "expected the JSON text of a census"),
    ("deeply nested", _text("[" * 100000 + "]" * 100000), BadArgumentError, "is not JSON"),
    ("NaN", _set("ambient_dim", float("nan")), BadArgumentError, "NaN and Infinity are not exact values"),
    ("Infinity", _set("seconds", float("inf")), BadArgumentError, "NaN and Infinity"),
    ("format_version 3", _set("format_version", 3), BadArgumentError, "is not a lieflow census"),
    ("missing model_spec", _del("model_spec"), VerificationError, "missing key 'model_spec'"),
    ("missing flow", _del("flow"), VerificationError, "missing key 'flow'"),
    ("missing certificate", _del("certificate"), VerificationError, "missing key 'certificate'"),
    ("missing point", _del("certificate", "point"), VerificationError, "certificate: missing keys ['point']"),
    ("missing law_terms", _del("law_terms"), VerificationError, "missing key 'law_terms'"),
    ("missing graph", _del("graph"), VerificationError, "missing key 'graph'"),
    ("missing parameters", _del("parameters"), VerificationError, "missing key 'parameters'"),
    ("model_spec a string", _set("model_spec", "custom"), VerificationError, "format: 'model_spec' must be an object"),
    ("params a string", _set("model_spec", "params", "x,y,z"), VerificationError, 'model spec: params must be a list'),
    ("params non-ASCII", _set("model_spec", "params", ["µ", "y", "z"]), VerificationError, "U+00B5 MICRO SIGN"),
    ("params duplicate", _set("model_spec", "params", ["x", "x", "z"]), VerificationError, "model_spec.params: duplicate names"),
    ("params 20000 names", _set("model_spec", "params", [f"p{i}" for i in range(20000)]), VerificationError, "max_params"),
    ("phi 1/0", _set("model_spec", "phi", [[["1/0", [["x", 1]]]]]), VerificationError, "model_spec.phi: division by zero"),
    ("phi exponent 10**9", _set("model_spec", "phi", [[["1", [["x", 10**9]]]]]), VerificationError, "degree of a term is 1000000000"),
    ("phi exponents adding up", _set("model_spec", "phi", [[["1", [["x", 600], ["y", 600]]]]]), VerificationError, "degree of a term is 1200"),
    ("phi exponent -1", _set("model_spec", "phi", [[["1", [["x", -1]]]]]), VerificationError, "exponents must be integers >= 1, got -1"),
    ("phi exponent true", _set("model_spec", "phi", [[["1", [["x", True]]]]]), VerificationError, "exponents must be integers"),
    ("phi exponent 2.0", _set("model_spec", "phi", [[["1", [["x", 2.0]]]]]), VerificationError, "exponents must be integers"),
    ("phi unknown name", _set("model_spec", "phi", [[["1", [["w", 1]]]]]), VerificationError, "unknown variable"),
    ("phi float coefficient", _set("model_spec", "phi", [[[0.5, [["x", 1]]]]]), VerificationError, "coefficients must be 'p/q' strings"),
    ("phi '0.5'", _set("model_spec", "phi", [[["0.5", [["x", 1]]]]]), VerificationError, "inexact value '0.5'"),
    ("phi code", _set("model_spec", "phi", [[[INJECTIONS[0], [["x", 1]]]]]), VerificationError, "expected a rational number"),
    ("phi 5000 digits", _set("model_spec", "phi", [[["9" * 5000, [["x", 1]]]]]), VerificationError, "number of digits of a coefficient is 5000"),
    ("phi nested junk", _set("model_spec", "phi", [[[[[[["1"]]]]]]]), VerificationError, "malformed term list"),
    ("phi a dict", _set("model_spec", "phi", {"a": 1}), VerificationError, "model_spec.phi: expected a list"),
    ("law_terms 1/0", _set("law_terms", 0, [["1/0", [["x", 2]]]]), VerificationError, "law terms: laws[0][0]: '1/0' has a zero denominator"),
    ("law_terms exponent 10**9", _set("law_terms", 0, [["1", [["x", 10**9]]]]), VerificationError, "law terms: laws[0][0]: exponent of x must be an integer in [1, 1000]"),
    ("law_terms unknown name", _set("law_terms", 0, [["1", [["nope", 1]]]]), VerificationError, "unknown variable"),
    ("point 1/0", _set("certificate", "point", ["1/0", "1", "2"]), VerificationError, "certificate: point[0]: '1/0' has a zero denominator"),
    ("point too short", _set("certificate", "point", ["1"]), VerificationError, 'certificate: the point has 1 coordinates; the model has 3 variables'),
    ("point floats", _set("certificate", "point", [0.5, 1, 2]), VerificationError, "certificate: point[0]: expected a rational as a 'p/q' string"),
    ("point 'nan'", _set("certificate", "point", ["nan", "1", "2"]), VerificationError, "certificate: point[0]: 'nan' is not a rational"),
    ("prime a string", _set("certificate", "prime", "x"), VerificationError, 'certificate: prime must be an integer'),
    ("prime 1", _set("certificate", "prime", 1), VerificationError, 'certificate: prime must be an integer in [2, 2**64), got 1'),
    ("bracket '[X1'", _set("certificate", "brackets", ["[X1"]), VerificationError, "'[X1' is malformed"),
    ("bracket '[X1,X2]]'", _set("certificate", "brackets", ["[X1,X2]]"]), VerificationError, "'[X1,X2]]' names an unknown generator"),
    ("bracket unknown generator", _set("certificate", "brackets", ["[X1,X9]"]), VerificationError, "unknown generator 'X9'"),
    ("bracket not a string", _set("certificate", "brackets", [1]), VerificationError, 'brackets must be a list of bracket words'),
    ("bracket 5000 deep", _set("certificate", "brackets", ["[X1," * 5000 + "X1" + "]" * 5000]), VerificationError, 'is nested deeper than'),
    ("widths with a bool", _set("model_spec", "widths", [True, 2, 1], base=1), VerificationError, 'model spec: widths must be a list of at most 64 integers'),
    ("widths 10**30", _set("model_spec", "widths", [1, 10**30, 1], base=1), VerificationError, 'give more than 20000 weights'),
    ("widths float", _set("model_spec", "widths", [1, 2.0, 1], base=1), VerificationError, 'model spec: widths must be a list'),
    ("unknown kind", _set("model_spec", "kind", "quantum"), VerificationError, "model_spec.kind: unknown model kind"),
    ("flow unknown", _set("flow", "sideways", base=1), VerificationError, "flow: must be 'gradient' or 'momentum'"),
    ("tau 1/0", _set("tau", "1/0", base=1), VerificationError, "tau: division by zero"),
    ("tau a number", _set("tau", 1, base=1), VerificationError, "flow: tau is 1; the rebuilt system has '1'"),
    ("damping junk", _set("damping", "sticky", base=1), VerificationError, "damping"),
    ("ambient_dim a string", _set("ambient_dim", "3"), VerificationError, "format: 'ambient_dim' must be an integer"),
    ("lie_rank a float", _set("lie_rank", 1.5), VerificationError, "lie_rank"),
    ("proven a string", _set("proven", "yes"), VerificationError, "format: 'proven' must be a boolean"),
    ("graph nodes junk", _set("graph", "nodes", [[1, 2]]), VerificationError, 'bracket graph: nodes[0] must be [word, depth, kept, zero]'),
    ("graph a list", _set("graph", []), VerificationError, "format: 'graph' must be an object"),
    ("metric unknown kind", _set("model_spec", "metric", {"kind": "riemann"}), VerificationError, "unknown metric kind"),
    ("metric mirror non-ASCII", _set("model_spec", "metric", {"kind": "mirror", "params": ["µ"]}), VerificationError, "U+00B5"),
    ("metric matrix junk", _set("model_spec", "metric", {"kind": "matrix", "entries": [[0, 0]]}), VerificationError, "an entry is [i, j, terms]"),
]


@pytest.mark.parametrize("label, mutate, exc, needle", JSON_BAD, ids=[row[0] for row in JSON_BAD])
def test_json_loading_refuses_with_one_line(label, mutate, exc, needle, saved, tmp_path, monkeypatch):
    text = mutate(saved)
    monkeypatch.chdir(tmp_path)
    # refused when the file is read, or (for content the loader keeps as evidence) by verify()
    with deadline():
        with pytest.raises(exc) as info:
            census_from_json(text).verify()
    one_line(str(info.value))
    assert needle in str(info.value)
    assert not os.listdir(tmp_path)


def test_an_untouched_file_still_loads_and_verifies(saved):
    for d in saved:
        assert census_from_json(json.dumps(d)).verify()


def test_the_limits_are_one_documented_object():
    assert {f for f in lieflow.limits.Limits.__dataclass_fields__} == {
        "max_degree", "max_coefficient_digits", "max_params", "max_components", "max_terms", "max_nesting"}



def test_the_largest_network_quoted_stays_allowed_by_default():
    m = relu([32, 32, 16, 10])  # builds in a few seconds
    assert m.dim == 32 * 32 + 32 * 16 + 16 * 10 and len(m.phi) == 32 * 32 * 16 * 10
