"""Census: every closed form of DESIGN §2 reproduced and proven, checked independently."""

import itertools
import json
from fractions import Fraction

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from lieflow import census
from lieflow.algebra import PolyRing, rank_qq
from lieflow.errors import BadArgumentError, VerificationError
from lieflow.laws import normalize_law, verify_law
from lieflow.models import bias_names, custom, linear, nmf, relu, resnet, weight_names
from lieflow.testing import assert_conserved, assert_law_count


def _mat(names):
    return sympy.Matrix([[sympy.Symbol(n) for n in row] for row in names])


def _normalized(exprs, ring):
    return {str(normalize_law(ring.from_sympy(e))) for e in exprs if e != 0}


def _same_span(ps, qs):
    monos = sorted({m for p in ps + qs for m, _ in p.items()})
    vec = lambda p: [p.coeff(m) for m in monos]
    a, b = rank_qq([vec(p) for p in ps]), rank_qq([vec(q) for q in qs])
    return a == b == rank_qq([vec(p) for p in ps + qs])


def _independent_rank(exprs, ring, seed=7):
    """Rank of the gradients of sympy expressions at a random rational point (plain sympy)."""
    import random

    rng = random.Random(seed)
    syms = ring.sympy_symbols()
    pt = {s: sympy.Rational(rng.randint(-50, 50), rng.randint(1, 9)) for s in syms}
    rows = [[sympy.diff(e, s).xreplace(pt) for s in syms] for e in exprs]
    return sympy.Matrix(rows).rank() if rows else 0


@pytest.mark.parametrize("n, r, m", [(1, 1, 1), (2, 2, 2), (2, 3, 2), (3, 2, 4), (2, 4, 2), (4, 3, 4)])
def test_two_layer_linear(n, r, m):
    assert r <= n + m
    c = census(linear([n, r, m]))
    assert c.proven and c.laws_lower == c.laws_upper == r * (r + 1) // 2
    W = weight_names([n, r, m])
    U1, U2 = _mat(W[0]), _mat(W[1])
    entries = [e for i, row in enumerate((U1.T * U1 - U2 * U2.T).tolist()) for e in row[i:]]
    ring = c.system.ring
    for e in entries:
        assert verify_law(ring.from_sympy(e), c.system.generators)
    assert _independent_rank(entries, ring) == r * (r + 1) // 2
    if r <= max(n, m):  # then the degree-2 laws are exactly the entries
        assert {str(h.poly) for h in c.laws} == _normalized(entries, ring)
    assert c.verify()


@pytest.mark.parametrize("widths", [[2, 2, 2, 2], [2, 3, 2, 2], [2, 2, 2, 1], [3, 2, 3, 2], [2, 2, 2, 2, 2]])
def test_deep_linear(widths):
    c = census(linear(widths))
    W = weight_names(widths)
    mats = [_mat(w) for w in W]
    entries = []
    for A, B in zip(mats, mats[1:]):
        M = A.T * A - B * B.T
        entries += [M[i, j] for i in range(M.rows) for j in range(i, M.cols)]
    expected = _independent_rank(entries, c.system.ring)
    assert c.proven and c.laws_lower == expected
    assert all(verify_law(c.system.ring.from_sympy(e), c.system.generators) for e in entries)
    assert c.verify()


def test_scalar_deep_linear_has_a_non_polynomial_law():
    # one generator: its Lie algebra is 1-dimensional, so D - 1 = 7 laws; the polynomial ones
    # (the entries above) give only 6: the count is proven, but not every law is written out
    c = census(linear([1, 2, 2, 1]), degree=3)
    assert (c.lie_rank, c.laws_lower, c.laws_upper) == (1, 6, 7)
    assert c.proven and c.count_proof == "one generator" and not c.laws_complete
    text = c.to_text()
    assert "PROVEN (one generator): #laws = 7" in text and "the number of laws is exactly 7" in text
    assert "1 of them is not polynomial of degree <= 3" in text
    assert c.verify()


def _weights(widths):
    return sum(a * b for a, b in zip(widths, widths[1:]))


@pytest.mark.parametrize(
    "model, D",
    [
        (linear([1, 2, 3, 1]), _weights([1, 2, 3, 1])),
        (nmf([1, 3, 1]), _weights([1, 3, 1])),
        (resnet(1, blocks=3), 3 * 2),  # each block x -> x + x v u: one v and one u
    ],
)
def test_one_scalar_output_is_proven_by_one_generator(model, D):
    # a scalar φ gives a single field (its gradient, times the metric): its Lie algebra has
    # generic rank 1, so exactly D - 1 laws by the flow-box theorem, polynomial or not; when the
    # explicit laws (with logarithms, for nmf and resnet) reach D - 1, they prove the count first
    assert len(model.phi) == 1
    c = census(model)
    assert (c.ambient_dim, c.lie_rank, c.laws_upper) == (D, 1, D - 1)
    kind = "explicit laws" if c.laws_lower == D - 1 else "one generator"
    assert c.proven and c.count_proof == kind and c.laws_complete == (c.laws_lower == D - 1)
    assert f"PROVEN ({kind}): #laws = {D - 1}" in c.to_text()
    assert c.verify()


@pytest.mark.parametrize(
    "args, count, kind",
    [
        (["linear", "1", "2", "3", "1"], 10, "one generator"),
        (["nmf", "1", "3", "1"], 5, "explicit laws"),  # 3 polynomial laws and 2 with logarithms
        (["resnet", "1", "1", "--blocks", "3"], 5, "explicit laws"),
    ],
)
def test_cli_prints_the_proven_count(args, count, kind, capsys):
    from lieflow.cli import main

    assert main(["census", *args]) == 0
    out = capsys.readouterr().out
    assert f"PROVEN ({kind}): #laws = {count}" in out
    assert main(["census", *args, "--format", "json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert (d["proven"], d["count_proof"], d["laws_upper"]) == (True, kind, count)
    assert d["laws_complete"] == (d["laws_lower"] == count) and "count_exact" not in d


def test_count_proof_kinds():
    c = census(relu([2, 2, 2]))
    assert (c.count_proof, c.proven, c.laws_complete) == ("explicit laws", True, True)
    c = census(relu([2, 2, 2]), flow="momentum")
    assert (c.count_proof, c.proven, c.laws_upper, c.laws_complete) == ("full rank", True, 0, True)
    # two generators and no law of degree 1: the involutive closure proves the count anyway
    c = census(custom(["x*y", "x*z"]), degree=1)
    assert (c.laws_lower, c.laws_upper, c.count_proof, c.proven, c.laws_complete) == (
        0, 1, "involutive closure", True, False
    )
    assert c.verify()
    # a closure cut short proves nothing: only bounds
    c = census(linear([2, 2, 2]), degree=1, max_brackets=1)
    assert (c.laws_lower, c.count_proof, c.proven, c.laws_complete) == (0, None, False, False)
    assert c.laws_upper >= 3 and c.count_certificate is None and c.verify()


def _neuron_laws(widths, bias):
    W = weight_names(widths)
    B = bias_names(widths)
    out = []
    for l in range(1, len(widths) - 1):
        for k in range(widths[l]):
            incoming = sum(sympy.Symbol(W[l - 1][i][k]) ** 2 for i in range(widths[l - 1]))
            if bias:
                incoming += sympy.Symbol(B[l - 1][k]) ** 2
            outgoing = sum(sympy.Symbol(W[l][k][j]) ** 2 for j in range(widths[l + 1]))
            out.append(incoming - outgoing)
    return out


@pytest.mark.parametrize("bias", [False, True])
@pytest.mark.parametrize("widths", [[2, 2, 2], [3, 3, 3], [2, 4, 1], [2, 2, 5, 3], [3, 2, 3, 2], [1, 2, 2, 2, 1]])
def test_relu_one_law_per_hidden_neuron(widths, bias):
    hidden = sum(widths[1:-1])
    c = assert_law_count(relu(widths, bias=bias), hidden)
    assert c.laws_lower == hidden
    expected = _neuron_laws(widths, bias)
    ring = c.system.ring
    for e in expected:
        assert_conserved(e, c)
    assert _independent_rank(expected, ring) == hidden
    if c.law_space_dim == hidden:  # no other degree-2 law: the basis is exactly the neuron laws
        assert {str(h.poly) for h in c.laws} == _normalized(expected, ring)
    assert c.verify()


def test_x1x2x3():
    c = census(custom(["x1*x2*x3"]))
    assert c.proven and c.laws_upper == 2
    ring = c.system.ring
    expected = [ring.from_sympy(e) for e in ("x2**2 - x1**2", "x3**2 - x1**2")]
    assert _same_span([h.poly for h in c.laws], expected)
    assert all(len(h.poly) == 2 for h in c.laws)
    assert c.verify()


@settings(max_examples=10)
@given(st.permutations(["x1", "x2", "x3", "x4"]), st.integers(0, 10**6))
def test_count_invariant_under_renaming_permutation_and_seed(order, seed):
    phi = ["x1*x2 + x3*x4", "x1*x3"]
    base = census(custom(phi, params=["x1", "x2", "x3", "x4"]))
    renamed = [p.replace("x", "y") for p in phi]
    other = census(custom(renamed, params=[o.replace("x", "y") for o in order]), seed=seed)
    assert (other.laws_lower, other.laws_upper, other.proven) == (base.laws_lower, base.laws_upper, base.proven)


def test_not_proven_is_reported_honestly():
    # phi = x**2 + y**3 on the plane: its law log|x|/2 + 1/(3y) is neither polynomial nor a
    # polynomial plus logarithms, so nothing is found, but a single generator proves the count anyway
    c = census(custom(["x**2 + y**3"]), degree=1)
    assert (c.laws_lower, c.laws_upper, c.proven, c.laws_complete) == (0, 1, True, False)
    assert "PROVEN (one generator): #laws = 1" in c.to_text()
    assert "1 of them is not polynomial of degree <= 1" in c.to_text()
    # a closure cut short by a limit proves only the bounds, and says so
    c = census(linear([2, 2, 2]), degree=1, max_brackets=1)
    assert (c.laws_lower, c.proven, c.closure_reason) == (0, False, "limit")
    assert f"0 found <= #laws <= {c.laws_upper}  not proven" in c.to_text()
    assert "the closure stopped early (limit)" in c.to_text()
    assert r"\text{not proven}" in c.to_latex()
    c2 = census(custom(["x*y"]), degree=2)
    assert c2.proven and c2.laws_complete and str(c2.laws[0]) == "x**2 - y**2"


def test_confirm_and_full_closure():
    c = census(linear([3, 3, 3]), confirm=True, early_stop=False)
    assert c.proven and c.stats["confirm_rank"] == c.lie_rank == 18 - 6
    assert c.closure_reason == "closed"


def test_verify_catches_tampering():
    from dataclasses import replace

    from lieflow.certificates import OneGenerator

    c = census(relu([2, 2, 2]))
    with pytest.raises(VerificationError, match="lie rank"):
        replace(c, lie_rank=c.lie_rank + 1, laws_upper=c.laws_upper - 1).verify()
    bogus = replace(c.laws[0], poly=c.laws[0].poly + c.system.ring.gens[0])
    with pytest.raises(VerificationError, match="not annihilated"):
        replace(c, laws=(bogus,) + c.laws[1:]).verify()
    with pytest.raises(VerificationError, match="lie rank"):
        replace(c, certificate=replace(c.certificate, brackets=c.certificate.brackets[:-1])).verify()
    open_count = census(custom(["x*y", "x*z"]), degree=1)
    with pytest.raises(VerificationError, match="count proof") as err:
        replace(open_count, count_proof="one generator", proven=True).verify()
    assert err.value.check == "count proof"
    with pytest.raises(VerificationError, match="'one generator' does not hold"):
        replace(open_count, count_proof="one generator", proven=True, count_certificate=OneGenerator()).verify()
    with pytest.raises(VerificationError, match="laws_complete"):
        replace(c, laws_complete=False).verify()


@pytest.mark.parametrize(
    "kwargs, msg",
    [({"degree": 0}, "degree"), ({"seed": "x"}, "seed"), ({"flow": "heat"}, "flow"), ({"tau": 1}, "tau")],
)
def test_bad_options(kwargs, msg):
    with pytest.raises(BadArgumentError, match=msg):
        census(linear([2, 2, 2]), **kwargs)
    with pytest.raises(BadArgumentError, match="model"):
        census("relu")


def test_a_system_fixes_its_flow():
    from lieflow.dynamics import gradient_flow

    with pytest.raises(BadArgumentError, match="damping"):
        census(gradient_flow(linear([2, 2, 2])), damping="nesterov")
    with pytest.raises(BadArgumentError, match="prime"):
        census(linear([2, 2, 2]), prime=2**31 - 3)


def test_a_law_search_over_the_limit_still_gives_the_upper_bound():
    c = census(linear([6, 6, 6]), degree=5)  # C(77, 5) = 19M unknowns > max_unknowns
    assert c.laws == () and c.laws_lower == 0
    assert c.laws_upper == 21 and c.closure_reason == "closed"  # 72 - 51: the closure ran in full
    # no law written, yet the count is proven (6 * 7 / 2 = 21, the closed form of linear [6, 6, 6])
    assert c.proven and c.count_proof == "involutive closure" and not c.laws_complete
    assert "max_unknowns" in c.stats["law_search_skipped"]
    assert "explicit law search skipped" in c.to_text()
