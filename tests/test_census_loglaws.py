"""The census with laws that contain logarithms: search, proof, JSON, verifier, reports.

The expected laws are checked independently: with sympy derivatives along the generators rebuilt
here from φ (and the metric), never with lieflow's own law code.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import sympy

from lieflow import census, census_from_json
from lieflow.certificates import parse_law_terms, verify_json
from lieflow.dynamics import System
from lieflow.errors import LimitExceededError, VerificationError
from lieflow.laws import independent_laws
from lieflow.models import custom, linear, nmf, relu, resnet

CUSTOM_PHI = ["2*x1 + x2*x3**2 + 3*x2", "x1**2"]


def _fields(phi_exprs, syms, mirror=False):
    """The generators ∇φ_i (times diag(θ) for the mirror metric), with sympy."""
    out = []
    for e in phi_exprs:
        grad = [sympy.diff(e, s) for s in syms]
        out.append([s * g for s, g in zip(syms, grad)] if mirror else grad)
    return out


def _no_abs(h):
    """``log|ℓ|`` as ``log ℓ``: the same derivative, and sympy differentiates it plainly."""
    return h.replace(sympy.Abs, lambda a: a)


def _annihilated(h, fields, syms) -> bool:
    h = _no_abs(h)
    return all(sympy.simplify(sum(sympy.diff(h, s) * x for s, x in zip(syms, X))) == 0 for X in fields)


def _jacobian_rank(laws, syms, point) -> int:
    """Rank of the laws' gradients at a point where every log argument is positive (exact: sympy
    keeps the log values symbolic)."""
    subs = dict(zip(syms, point))
    rows = [[sympy.diff(_no_abs(h), s).subs(subs) for s in syms] for h in laws]
    return sympy.Matrix(rows).rank(simplify=True)


def _verify_cli(path, capsys) -> tuple:
    """``lieflow verify FILE`` in process: (exit status, stdout)."""
    from lieflow.cli import main

    code = main(["verify", str(path)])
    return code, capsys.readouterr().out


# -- the census finds them ------------------------------------------------------------------------


def test_custom_example_has_its_one_law_written_out():
    x1, x2, x3 = sympy.symbols("x1 x2 x3")
    c = census(custom(CUSTOM_PHI))
    assert (c.laws_lower, c.laws_upper, c.proven, c.count_proof, c.laws_complete) == (1, 1, True, "explicit laws", True)
    (law,) = c.laws
    assert not law.is_polynomial and law.degree == 2
    known = x2**2 - x3**2 / 2 - 3 * sympy.log(sympy.Abs(x3))
    ratio = sympy.simplify(law.expr / known)
    assert ratio.is_Rational and ratio != 0  # the same law, up to scale
    assert _annihilated(known, _fields([sympy.sympify(p) for p in CUSTOM_PHI], (x1, x2, x3)), (x1, x2, x3))
    # the printed string parses back (with sympy) to the same function
    assert sympy.simplify(sympy.sympify(str(law)) - law.expr) == 0


def test_nmf_1_3_1_has_five_explicit_laws():
    m = nmf([1, 3, 1])
    c = census(m)
    assert (c.laws_lower, c.laws_upper, c.count_proof, c.laws_complete) == (5, 5, "explicit laws", True)
    assert sum(law.is_polynomial for law in c.laws) == 3
    syms = m.ring.sympy_symbols()
    fields = _fields(m.phi_exprs, syms, mirror=True)
    exprs = [law.expr for law in c.laws]
    assert all(_annihilated(h, fields, syms) for h in exprs)
    assert _jacobian_rank(exprs, syms, [2, 3, 5, 7, 11, 13]) == 5


def test_scalar_linear_resnet_two_blocks_is_complete():
    m = resnet(1, blocks=2)
    c = census(m)
    assert (c.laws_lower, c.laws_upper, c.count_proof, c.laws_complete) == (3, 3, "explicit laws", True)
    syms = m.ring.sympy_symbols()
    fields = _fields(m.phi_exprs, syms)
    (with_logs,) = [law for law in c.laws if not law.is_polynomial]
    assert {str(ell) for ell, _ in with_logs.log_law.logs} == {"v1_1_1 + u1_1_1", "v2_1_1 + u2_1_1"}
    assert _annihilated(with_logs.expr, fields, syms)
    assert _jacobian_rank([law.expr for law in c.laws], syms, [2, 3, 5, 7]) == 3


def test_momentum_without_logarithms_is_unchanged():
    # heavy ball on x1*y + x2*z: the polynomial laws s*A settle the count, no log search runs
    c = census(custom(["x1*y + x2*z"]), flow="momentum")
    expected = independent_laws(c.system.find_laws(degree=2), c.certificate.point)
    assert [str(law) for law in c.laws] == [str(c.system.time_expr(h)) for h in expected]
    assert all(law.is_polynomial for law in c.laws) and "log_law_search" not in c.stats
    assert "independent laws (polynomial, degree <= 2 in (θ, v)" in c.to_text()
    # at degree 1 there is a gap; the log search runs and finds nothing more
    low = census(custom(["x1*y + x2*z"]), flow="momentum", degree=1)
    assert (low.laws_lower, low.laws_upper, low.stats["log_law_search"]) == (0, 2, "searched")
    assert low.verify()


def test_no_log_search_when_polynomial_laws_settle_the_count(monkeypatch):
    def refuse(self, **options):
        raise AssertionError("the log law search must not run")

    monkeypatch.setattr(System, "find_log_laws", refuse)
    c = census(relu([2, 2, 1]))
    assert c.laws_complete and "log_law_search" not in c.stats


def test_a_log_search_over_its_limit_keeps_the_polynomial_laws(monkeypatch):
    def too_big(self, **options):
        raise LimitExceededError("log law search: too many unknowns")

    monkeypatch.setattr(System, "find_log_laws", too_big)
    c = census(nmf([1, 3, 1]))
    assert (c.laws_lower, c.count_proof) == (3, "one generator")
    assert c.stats["log_law_search"].startswith("skipped")
    assert c.verify()


# -- reports --------------------------------------------------------------------------------------


def test_text_and_latex_show_the_logarithms():
    c = census(custom(CUSTOM_PHI))
    text = c.to_text()
    assert "independent laws (polynomial and logarithmic, degree <= 2):" in text
    assert "  1. 2*x2**2 - x3**2 - 6*log(Abs(x3))" in text
    assert r"\log|x_{3}|" in c.to_latex() and r"\log|x_{3}|" in c.laws[0]._repr_latex_()
    assert "independent laws (polynomial, degree <= 2):" in census(relu([2, 2, 1])).to_text()


def test_console_scripts_on_the_custom_example(tmp_path):
    # the real command line, once: census to a file, then verify the file
    args = ["census", "custom", "--phi", CUSTOM_PHI[0], "--phi", CUSTOM_PHI[1]]
    run = subprocess.run([sys.executable, "-m", "lieflow", *args], capture_output=True, text=True)
    assert run.returncode == 0
    assert "1 found <= #laws <= 1  PROVEN (explicit laws): #laws = 1" in run.stdout
    path = tmp_path / "custom.json"
    path.write_text(census(custom(CUSTOM_PHI)).to_json())
    run = subprocess.run([sys.executable, "-m", "lieflow", "verify", str(path)], capture_output=True, text=True)
    assert run.returncode == 0 and "ok      explicit laws" in run.stdout


# -- JSON and the verifier ------------------------------------------------------------------------

CASES = {
    "custom": (lambda: custom(CUSTOM_PHI), {}),
    "nmf": (lambda: nmf([1, 3, 1]), {}),
    "resnet": (lambda: resnet(1, blocks=2), {}),
    "momentum": (lambda: custom(["x1*y + x2*z"]), {"flow": "momentum", "degree": 1}),
}


@pytest.mark.parametrize("name", list(CASES))
def test_json_round_trip_and_verify(name, tmp_path, capsys):
    build, options = CASES[name]
    c = census(build(), **options)
    text = c.to_json()
    d = json.loads(text)
    for law, terms, string in zip(c.laws, d["law_terms"], d["laws"]):
        assert isinstance(terms, dict) != law.is_polynomial  # polynomial laws stay plain term lists
        assert string == str(law)
    back = census_from_json(text)
    assert [str(h) for h in back.laws] == [str(h) for h in c.laws]
    assert [h.log_law for h in back.laws] == [h.log_law for h in c.laws]
    assert back.verify() and c.verify()
    assert verify_json(text).verified
    path = tmp_path / "census.json"
    path.write_text(text)
    code, out = _verify_cli(path, capsys)
    assert code == 0 and out.rstrip().endswith("checks passed")


def _log_law(d):
    return next(i for i, t in enumerate(d["law_terms"]) if isinstance(t, dict))


def _change_coefficient(d):
    i = _log_law(d)
    d["law_terms"][i]["log"][0][0] = "-5"  # was -6


def _change_argument(d):
    i = _log_law(d)
    d["law_terms"][i]["log"][0][1] = "x2"  # was x3


def _drop_log(d):
    i = _log_law(d)
    d["law_terms"][i]["log"] = d["law_terms"][i]["log"][1:]  # its only log term


def _edit_string(d):
    i = _log_law(d)
    d["laws"][i] = d["laws"][i].replace("6*log", "7*log")


def _change_polynomial_part(d):
    i = _log_law(d)
    d["law_terms"][i]["poly"][0][0] = "3"


def _malformed_argument(d):
    i = _log_law(d)
    d["law_terms"][i]["log"][0][1] = [["2", [["x3", 1]]]]  # 2*x3: not coprime


def _quadratic_argument(d):
    i = _log_law(d)
    d["law_terms"][i]["log"][0][1] = [["1", [["x3", 2]]]]


TAMPERED = [
    ("changed log coefficient", _change_coefficient, "explicit laws"),
    ("changed log argument", _change_argument, "explicit laws"),
    ("dropped log term", _drop_log, "law terms"),
    ("edited readable string", _edit_string, "law strings"),
    ("changed polynomial part", _change_polynomial_part, "explicit laws"),
    ("argument not coprime", _malformed_argument, "law terms"),
    ("argument not linear", _quadratic_argument, "law terms"),
]


@pytest.mark.parametrize("what, tamper, check", TAMPERED, ids=[t[0] for t in TAMPERED])
def test_tampered_log_laws_are_rejected(what, tamper, check, tmp_path, capsys):
    d = json.loads(census(custom(CUSTOM_PHI)).to_json())
    tamper(d)
    text = json.dumps(d)
    report = verify_json(text)
    assert not report.verified and report.failure.name == check
    with pytest.raises(VerificationError) as err:
        census_from_json(text).verify()
    assert err.value.check == check
    path = tmp_path / "tampered.json"
    path.write_text(text)
    code, out = _verify_cli(path, capsys)
    assert code == 1 and f"NOT VERIFIED: {check}:" in out


def test_dropping_one_of_several_log_terms_is_rejected():
    d = json.loads(census(resnet(1, blocks=2)).to_json())
    i = _log_law(d)
    d["law_terms"][i]["log"].pop()
    assert verify_json(json.dumps(d)).failure.name == "explicit laws"


def test_a_log_argument_repeated_up_to_sign_is_rejected():
    # Q log|x - y| - Q log|y - x| is the zero function: with two stand-ins for the two "logs"
    # its gradient would look nonzero, so the parser refuses the second argument
    law = {"poly": [], "log": [[[["1", [["z", 1]]]], [["1", [["x", 1]]], ["-1", [["y", 1]]]]],
                               [[["-1", [["z", 1]]]], [["-1", [["x", 1]]], ["1", [["y", 1]]]]]]}
    with pytest.raises(VerificationError, match="repeated"):
        parse_law_terms(law, {"x": 0, "y": 1, "z": 2}, "laws[0]")


def test_log_law_degrees_are_checked():
    d = json.loads(census(custom(CUSTOM_PHI)).to_json())
    d["degree"] = 1  # the law has degree 2 (x2**2)
    assert verify_json(json.dumps(d)).failure.name == "law degrees"


def test_independence_uses_stand_ins_for_log_values():
    # nmf [1, 3, 1]: the two laws with logarithms have non-constant coefficients; the verifier
    # proves them independent of the three polynomial laws with fixed values for the logs, and
    # a law stored twice is caught as dependent
    d = json.loads(census(nmf([1, 3, 1])).to_json())
    assert verify_json(json.dumps(d)).verified
    i = _log_law(d)
    d["law_terms"].append(d["law_terms"][i])
    d["laws"].append(d["laws"][i])
    d["laws_lower"] += 1
    assert verify_json(json.dumps(d)).failure.name == "law independence"


def test_deep_scalar_linear_still_needs_one_generator():
    # linear [1, 2, 3, 1]: 9 polynomial laws, no law with logarithms of degree <= 2, the tenth law
    # exists by the flow-box theorem only
    c = census(linear([1, 2, 3, 1]))
    assert (c.laws_lower, c.laws_upper, c.count_proof, c.stats["log_law_search"]) == (9, 10, "one generator", "searched")
    assert "(nor polynomial plus logarithms of linear forms)" in c.to_text()


def test_a_phase_space_law_with_logarithms_prints_with_t():
    # heavy ball, tau = 1/2: s = exp(t/2), so log|s| is t/2 (the Law reads like the JSON string)
    from lieflow.census import _make_law
    from lieflow.dynamics.momentum import momentum_flow
    from lieflow.loglaws import LogLaw

    system = momentum_flow(custom(["x*y"]), tau="1/2")
    x, s = system.ring.gens[0], system.ring.gens[-1]
    law = _make_law(system, LogLaw(s * x, {"s": 2, "x": 1}))
    t, xs = sympy.symbols("t x")
    assert sympy.simplify(law.time_expr - (xs * sympy.exp(t / 2) + t + sympy.log(sympy.Abs(xs)))) == 0
    assert str(law) == str(law.time_expr) and "exp(t/2)" in str(law)
    assert law.expr == LogLaw(s * x, {"s": 2, "x": 1}).as_expr() and law.degree == 2
