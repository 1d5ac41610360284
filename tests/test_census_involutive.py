"""The census proves counts by the involutive-closure certificate when the laws found fall short.

Independent reasoning: each count proven this way is compared with a count proven by other
means (the explicit laws of a higher degree, or a closed form), and forged certificates in a
saved census are rejected by the independent verifier.
"""

import dataclasses
import json
import subprocess
import sys

import pytest

import lieflow
from lieflow import census, census_from_json
from lieflow.certificates import InvolutiveClosure
from lieflow.errors import VerificationError
from lieflow.models import attention, custom, linear, relu


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "lieflow.cli", *args], capture_output=True, text=True, timeout=300)


# -- the four commands of the issue ------------------------------------------------------------


@pytest.mark.parametrize(
    "argv, count",
    [
        (["linear", "1", "2", "3", "1"], 10),  # one generator in D = 11
        (["nmf", "1", "3", "1"], 5),  # 6 parameters, one generator... and the 5 laws written out
        (["resnet", "1", "1", "--blocks", "3"], 5),
        (["custom", "--phi", "2*x1 + x2*x3**2 + 3*x2", "--phi", "x1**2"], 1),
    ],
)
def test_the_four_commands_print_a_proven_count_and_how(argv, count):
    out = run_cli("census", *argv, "--verify")
    assert out.returncode == 0, out.stderr
    line = next(ln for ln in out.stdout.splitlines() if ln.startswith("conservation laws:"))
    assert line.endswith(f"PROVEN ({line.split('PROVEN (')[1].split(')')[0]}): #laws = {count}")
    assert "verified: independent re-check passed" in out.stdout
    doc = json.loads(run_cli("census", *argv, "--format", "json").stdout)
    assert doc["proven"] is True and doc["laws_upper"] == count
    assert doc["count_proof"] in ("explicit laws", "one generator", "involutive closure", "full rank")
    assert doc["count_certificate"]["kind"] == doc["count_proof"]


# -- counts proven without the laws agree with counts proven by the laws ------------------------


CASES = [
    (linear([2, 2, 2]), {}),
    (linear([3, 3, 3]), {}),
    (relu([2, 3, 2]), {}),
    (attention(2, 2), {}),
    (linear([2, 2, 2]), {"flow": "momentum"}),
    (linear([2, 2, 2]), {"flow": "momentum", "damping": "nesterov"}),
    (linear([1, 2, 1]), {"flow": "momentum", "damping": "none"}),
]


@pytest.mark.parametrize("model, options", CASES, ids=lambda x: getattr(x, "name", str(x)))
def test_involutive_count_equals_the_explicit_laws_count(model, options):
    by_laws = census(model, degree=2, **options)
    assert by_laws.proven and by_laws.count_proof == "explicit laws"
    low = census(model, degree=1, **options)
    assert low.laws_lower < low.laws_upper  # degree 1 does not reach the laws ...
    assert low.proven and low.count_proof == "involutive closure"  # ... the certificate proves the count
    assert low.laws_upper == by_laws.laws_upper
    assert not low.laws_complete
    assert low.verify() is True


def test_closed_form_of_a_linear_net_without_a_single_law():
    # linear [n0, n1, n2]: one law per pair of hidden neurons, n1 (n1 + 1) / 2 (no law of degree 1)
    c = census(linear([3, 4, 2]), degree=1)
    assert (c.laws_lower, c.laws_upper, c.count_proof) == (0, 4 * 5 // 2, "involutive closure")


def test_mirror_metric_too():
    c = census(custom(["x*y*z"], metric="mirror"), degree=1)
    # the mirror metric keeps one generator: D - 1 laws, here by the one-generator proof
    assert c.proven and c.laws_upper == 2
    c = census(custom(["x*y + z", "x*z"], metric="mirror"), degree=1)
    if c.count_proof == "involutive closure":
        assert c.verify() is True
    assert c.proven


# -- never a proof from a set that is not closed -------------------------------------------------


def test_a_closure_that_was_cut_short_is_not_taken_for_closed(monkeypatch):
    real = lieflow.census.__globals__["closure"]

    def truncated(*args, **kwargs):  # forget the last kept field, yet claim the closure is complete
        res = real(*args, **kwargs)
        if len(res.kept) < 2:
            return res
        return dataclasses.replace(res, kept=res.kept[:-1], rank=res.rank - 1, reason="closed")

    monkeypatch.setitem(lieflow.census.__globals__, "closure", truncated)
    c = census(linear([2, 2, 2]), degree=1)
    assert not c.proven and c.count_proof is None
    assert c.stats["involutive_check"].startswith("not proven:")
    assert "not proven by the involutive closure check" in c.to_text()


def test_a_closure_stopped_by_a_limit_is_not_checked():
    c = census(linear([2, 2, 2]), degree=1, max_brackets=1)
    assert c.closure_reason == "limit" and not c.proven
    assert c.stats["involutive_check"].startswith("not run")


def test_a_time_limit_leaves_the_count_unproven_with_a_reason(monkeypatch):
    from lieflow.certificates import involutive

    def too_slow(*args, **kwargs):
        raise lieflow.errors.LimitExceededError("not proven: the involutive check ran out of time (test)")

    monkeypatch.setattr(involutive, "decide_involutive", too_slow)
    c = census(linear([2, 2, 2]), degree=1)
    assert not c.proven
    assert c.stats["involutive_check"] == "not proven: the involutive check ran out of time (test)"


# -- saved certificates are re-checked, forgeries rejected --------------------------------------


@pytest.fixture(scope="module")
def saved():
    c = census(linear([2, 2, 2]), degree=1)
    assert c.count_proof == "involutive closure"
    return c.to_json()


def forged(text, edit):
    d = json.loads(text)
    edit(d)
    return json.dumps(d)


def _scale_annihilator(d):
    omega = d["count_certificate"]["annihilators"][0]
    omega[0][1][0][0] = str(int(omega[0][1][0][0].split("/")[0]) + 1)


def _drop_annihilator(d):
    d["count_certificate"]["annihilators"].pop()


def _drop_checked(d):
    d["count_certificate"]["checked"].pop()


def _repeat_pivot(d):  # (another set of independent pivots would still be a valid proof)
    cert = d["count_certificate"]
    cert["pivots"][1] = cert["pivots"][0]


def _other_kept(d):
    d["count_certificate"]["kept"] = d["count_certificate"]["kept"][:-1]


def _no_certificate(d):
    d["count_certificate"] = None


def _wrong_kind(d):
    d["count_certificate"]["kind"] = "full rank"


def _bad_coefficient(d):
    d["count_certificate"]["annihilators"][0][0][1][0][0] = "1/0"


@pytest.mark.parametrize(
    "edit",
    [_scale_annihilator, _drop_annihilator, _drop_checked, _repeat_pivot, _other_kept, _no_certificate, _wrong_kind,
     _bad_coefficient],
)
def test_forged_involutive_certificates_are_rejected(saved, edit, tmp_path):
    text = forged(saved, edit)
    report = lieflow.certificates.verify_json(text)
    assert not report.verified
    path = tmp_path / "forged.json"
    path.write_text(text)
    out = run_cli("verify", str(path))
    assert out.returncode == 1, (out.returncode, out.stdout, out.stderr)
    assert "not verified" in out.stderr


def test_the_honest_file_verifies_and_loads(saved, tmp_path):
    path = tmp_path / "honest.json"
    path.write_text(saved)
    out = run_cli("verify", str(path))
    assert out.returncode == 0, out.stdout
    assert "count proof: PROVEN (involutive closure): #laws = 3" in out.stdout
    c = census_from_json(saved)
    assert c.count_proof == "involutive closure" and isinstance(c.count_certificate, InvolutiveClosure)
    assert c.verify() is True


def test_a_loaded_forgery_fails_verify(saved):
    text = forged(saved, _scale_annihilator)
    with pytest.raises(VerificationError, match="count proof"):
        census_from_json(text).verify()


# -- hypothesis: a proven count is the generic count of an independent slow computation ----------

from fractions import Fraction  # noqa: E402

from hypothesis import assume, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from lieflow.algebra import Poly, PolyRing  # noqa: E402
from lieflow.dynamics import gradient_flow  # noqa: E402
from test_involutive import _slow_generic_rank  # noqa: E402  (plain sympy, minors over QQ(x, y, z))

XYZ = PolyRing.get(("x", "y", "z"))
_monomials = st.lists(st.integers(0, 2), max_size=3).map(lambda m: tuple(sorted(m)))
_coefficients = st.one_of(st.integers(-4, 4), st.builds(Fraction, st.integers(-4, 4), st.integers(1, 3)))
_polys = st.dictionaries(_monomials, _coefficients, max_size=3).map(lambda terms: Poly(XYZ, terms))


@settings(max_examples=25, deadline=None)
@given(st.lists(_polys, min_size=1, max_size=3), st.integers(0, 10**6), st.sampled_from([1, 2]))
def test_a_proven_count_is_the_generic_count(phi, seed, degree):
    phi = [p for p in phi if p.degree >= 1]
    assume(phi)
    model = custom(phi, params="x,y,z")
    c = census(model, degree=degree, seed=seed)
    system = gradient_flow(model)
    generic = _slow_generic_rank(system.generator_exprs(), list(system.ring.sympy_symbols()))
    assert c.laws_upper >= 3 - generic  # the upper bound holds at any point
    if c.proven:
        assert c.laws_upper == 3 - generic, (c.count_proof, c.laws_upper, generic)
