"""The involutive-closure certificate: proofs of counts without every law, and their checker."""

import dataclasses
import doctest
import itertools
import json
import pathlib
import time
from fractions import Fraction

import pytest
import sympy
from hypothesis import assume, given
from hypothesis import strategies as st

import lieflow
from lieflow.algebra import PolyRing, VectorField
from lieflow.certificates.involutive import (
    InvolutiveCertificate,
    check_involutive,
    decide_involutive,
    prove_involutive,
)
from lieflow.dynamics import gradient_flow, make_system
from lieflow.errors import BadArgumentError, LimitExceededError, VerificationError
from lieflow.models import custom, linear, nmf, relu, resnet

from lieflow.strategies import polys

RING = PolyRing.get(("x", "y", "z"))  # the variables lieflow.strategies draws by default

ROOT = pathlib.Path(__file__).resolve().parents[1]


def closed(system, **kw):
    res = lieflow.closure(system.generators, names=system.generator_names, **kw)
    assert res.reason in ("closed", "full")
    return res


def prove(system, res=None, **kw):
    res = res or closed(system)
    return prove_involutive(system.generators, res.kept, names=system.generator_names, point=res.point,
                            prime=res.prime, **kw)


def check(cert, system, **kw):
    gens = dict(zip(system.generator_names, system.generator_exprs()))
    return check_involutive(cert, generators=gens, variables=system.ring.symbols, **kw)


def rank_at(columns, subs):
    """Exact rank over QQ of sympy column vectors evaluated at a point (plain sympy)."""
    return sympy.Matrix.hstack(*[c.xreplace(subs) for c in columns]).rank()


# -- counts proven without every law ------------------------------------------------------------


def test_custom_example_with_a_logarithmic_law():
    system = gradient_flow(custom(["2*x1 + x2*x3**2 + 3*x2", "x1**2"]))
    cert = prove(system)
    assert cert is not None and cert.kind == "involutive closure"
    assert (cert.ambient_dim, cert.rank, cert.count) == (3, 2, 1)
    assert check(cert, system)
    # independent evidence of the count: a transcendental law exists (>= 1) and two generators
    # are independent at a point (<= 1)
    x1, x2, x3 = sympy.symbols("x1 x2 x3")
    h = x2**2 - x3**2 / 2 - 3 * sympy.log(x3)
    X1, X2 = system.generator_exprs()
    for X in (X1, X2):
        assert sympy.simplify(sum(X[k] * sympy.diff(h, s) for k, s in enumerate((x1, x2, x3)))) == 0
    assert rank_at([X1, X2], {x1: 1, x2: 2, x3: 3}) == 2
    # no polynomial law of degree <= 4: the explicit-law proof cannot give this count
    assert lieflow.polynomial_laws(system.generators, degree=4) == ()


def test_one_generator():
    system = gradient_flow(custom(["x1*x2*x3"]))
    cert = prove(system)
    assert (cert.rank, cert.count, cert.checked) == (1, 2, ())
    assert check(cert, system)


def test_linear_222_matches_closed_form():
    system = gradient_flow(linear([2, 2, 2]))
    cert = prove(system)
    r = 2  # hidden width: r(r+1)/2 laws (entries of U1^T U1 - U2 U2^T)
    assert cert.count == r * (r + 1) // 2 == 3
    assert "[X1,X2]" in cert.kept and "[X3,[X1,X2]]" in cert.checked
    assert check(cert, system)


def test_linear_222_both_methods_agree():
    system = gradient_flow(linear([2, 2, 2]))
    res = closed(system)
    a, b = prove(system, res, method="search"), prove(system, res, method="cofactors")
    assert a.method.startswith("search") and b.method == "cofactors"
    assert (a.count, a.pivots, a.checked) == (b.count, b.pivots, b.checked)
    assert check(a, system) and check(b, system)


def test_momentum_linear_221():
    system = make_system(linear([2, 2, 1]), flow="momentum")
    cert = prove(system)
    # hidden width 2: r(r-1)/2 = 1 law (e^{τt} times the antisymmetric part of U^T U' + ...)
    assert (cert.ambient_dim, cert.count) == (13, 1)
    assert cert.variables[-1] == "s" and "X0" in cert.kept
    assert check(cert, system)


def test_nmf_131_mirror_metric():
    system = make_system(nmf([1, 3, 1]))
    assert len(system.generators) == 1  # φ is one number: one field, D - 1 laws (flow box)
    cert = prove(system)
    assert (cert.ambient_dim, cert.count) == (6, 5)
    assert check(cert, system)


def test_resnet_three_scalar_blocks():
    system = make_system(resnet(1, blocks=3))
    assert len(system.generators) == 1
    for method in ("search", "cofactors"):
        cert = prove(system, method=method)
        assert (cert.ambient_dim, cert.count) == (6, 5)
        assert check(cert, system)


@pytest.mark.parametrize(
    "model, flow, damping, expected",
    [
        (lambda: relu([2, 3, 1], bias=True), "gradient", None, 3),  # one law per hidden neuron
        (lambda: nmf([2, 2, 2]), "gradient", None, 2),  # one law per hidden unit
        (lambda: linear([2, 2, 1]), "momentum", "nesterov", 1),  # t^α A, hidden width 2
    ],
)
def test_closed_forms_and_explicit_laws_agree(model, flow, damping, expected):
    model = model()
    system = make_system(model, flow=flow, damping=damping)
    cert = prove(system)
    assert cert.count == expected
    assert check(cert, system)
    c = lieflow.census(model, flow=flow, damping=damping)  # the explicit-law proof, independently
    assert c.proven and c.laws_lower == expected


def test_full_rank_needs_no_annihilator():
    R = PolyRing.get(("x", "y"))
    x, y = R.gens
    X1, X2 = VectorField(R, {"x": 1}), VectorField(R, {"y": x})
    cert = prove_involutive([X1, X2], [("X1", X1), ("X2", X2)], names=["X1", "X2"], point=[2, 3])
    assert (cert.count, cert.annihilators, cert.checked) == (0, (), ("[X1,X2]",))


# -- cases that must not be certified -----------------------------------------------------------


@pytest.mark.parametrize("drop", [1, 2])
def test_dropping_kept_fields_is_not_closed(drop):
    for system in (gradient_flow(linear([2, 2, 2])), gradient_flow(custom(["2*x1 + x2*x3**2 + 3*x2", "x1**2"]))):
        res = closed(system)
        kept = res.kept[:-drop]
        args = dict(names=system.generator_names, point=res.point, prime=res.prime)
        assert prove_involutive(system.generators, kept, **args) is None
        verdict = decide_involutive(system.generators, kept, **args)
        assert not verdict.proven and verdict.failed_word is not None


def test_non_generic_point_is_decided_exactly():
    # at x = 0, X2 = x^2 d/dy and [X1, X2] = 2x d/dy vanish: the closure keeps only X1 = d/dx,
    # and the screen at the point passes; the exact check finds X2 outside span{X1}
    R = PolyRing.get(("x", "y"))
    x, y = R.gens
    X1, X2 = VectorField(R, {"x": 1}), VectorField(R, {"y": x * x})
    res = lieflow.closure([X1, X2], point=[0, 5])
    assert res.reason == "closed" and res.kept_words == ("X1",)
    verdict = decide_involutive([X1, X2], res.kept, names=["X1", "X2"], point=res.point)
    assert (verdict.proven, verdict.failed_word, verdict.reason) == (False, "X2", "not in the span over QQ(θ)")


def test_deadline_raises():
    system = gradient_flow(linear([2, 2, 2]))
    res = closed(system)
    with pytest.raises(LimitExceededError, match="ran out of time"):
        prove(system, res, deadline=time.perf_counter() - 1)


def test_bad_arguments():
    system = gradient_flow(linear([2, 2, 2]))
    res = closed(system)
    gens, names = system.generators, system.generator_names
    ok = dict(names=names, point=res.point, prime=res.prime)
    with pytest.raises(BadArgumentError, match="names"):
        prove_involutive(gens, res.kept, **{**ok, "names": names[:-1]})
    with pytest.raises(BadArgumentError, match="point"):
        prove_involutive(gens, res.kept, **{**ok, "point": res.point[:-1]})
    with pytest.raises(BadArgumentError, match="point"):
        prove_involutive(gens, res.kept, **{**ok, "point": (0.5,) * len(res.point)})
    with pytest.raises(BadArgumentError, match="prime"):
        prove_involutive(gens, res.kept, **{**ok, "prime": 100})
    with pytest.raises(BadArgumentError, match="method"):
        prove_involutive(gens, res.kept, **ok, method="guess")
    with pytest.raises(BadArgumentError, match="kept"):
        prove_involutive(gens, [w for w, _ in res.kept], **ok)
    with pytest.raises(BadArgumentError, match="not independent"):
        prove_involutive(gens, res.kept + (("again", res.kept[0][1]),), **ok)
    with pytest.raises(BadArgumentError, match="deadline"):
        prove_involutive(gens, res.kept, **ok, deadline="soon")


# -- the checker rejects tampered certificates ---------------------------------------------------


@pytest.fixture(scope="module")
def linear_cert():
    system = gradient_flow(linear([2, 2, 2]))
    return system, prove(system)


def _tamper_coefficient(cert):
    (name, p), *rest = cert.annihilators[0]
    (m, c), *_ = p.terms()
    changed = p + PolyRing.get(cert.variables).from_dict({_exponents(m, len(cert.variables)): 1})
    return dataclasses.replace(cert, annihilators=(((name, changed), *rest), *cert.annihilators[1:]))


def _exponents(m, n):
    return tuple(m.count(i) for i in range(n))


def test_checker_accepts_and_rejects(linear_cert):
    system, cert = linear_cert
    assert check(cert, system)
    with pytest.raises(VerificationError, match="annihilators"):
        check(_tamper_coefficient(cert), system)
    with pytest.raises(VerificationError, match="does not list the required word"):
        check(dataclasses.replace(cert, checked=cert.checked[:-1]), system)
    with pytest.raises(VerificationError, match="not a required word"):
        check(dataclasses.replace(cert, checked=cert.checked + ("[X1,X1]",)), system)
    with pytest.raises(VerificationError, match="annihilators"):
        check(dataclasses.replace(cert, annihilators=cert.annihilators[:-1]), system)
    fewer = dict(list(zip(system.generator_names, system.generator_exprs()))[:-1])
    with pytest.raises(VerificationError, match="generators"):
        check_involutive(cert, generators=fewer, variables=system.ring.symbols)


def _sympy_field_of(system):
    """word -> sympy Matrix, by the textbook bracket on sympy expressions (written here)."""
    syms = system.ring.sympy_symbols()
    gens = dict(zip(system.generator_names, system.generator_exprs()))

    def split(word):
        depth = 0
        for pos, ch in enumerate(word[1:-1], 1):
            depth += (ch == "[") - (ch == "]")
            if ch == "," and depth == 0:
                return word[1:pos], word[pos + 1 : -1]

    def field_of(word):
        if word in gens:
            return gens[word]
        A, B = (field_of(w) for w in split(word))
        return sympy.Matrix([sympy.expand(sum(A[j] * sympy.diff(B[k], x) - B[j] * sympy.diff(A[k], x)
                                              for j, x in enumerate(syms))) for k in range(len(syms))])

    return field_of


def test_checker_with_the_verifiers_own_fields(linear_cert):
    system, cert = linear_cert
    field_of = _sympy_field_of(system)
    assert check(cert, system, field_of=field_of)
    wrong = lambda w: field_of("X1") if w == "[X1,X2]" else field_of(w)
    with pytest.raises(VerificationError, match="pivot"):
        check(cert, system, field_of=wrong)


def test_checker_rejects_a_wrong_pivot(linear_cert):
    system, cert = linear_cert
    syms = system.ring.symbols
    res = closed(system)
    values = [K.evaluate(cert.point) for _, K in res.kept]
    # replace one pivot by a coordinate that makes the pivot block singular at the point
    for i in range(len(cert.pivots)):
        for other in syms:
            if other in cert.pivots:
                continue
            pivots = sorted(cert.pivots[:i] + (other,) + cert.pivots[i + 1 :], key=syms.index)
            block = sympy.Matrix([[v[syms.index(p)] for v in values] for p in pivots])
            if block.rank() < len(values):
                with pytest.raises(VerificationError, match="pivot"):
                    check(dataclasses.replace(cert, pivots=tuple(pivots)), system)
                return
    pytest.fail("no singular pivot choice found")  # pragma: no cover


def test_checker_rejects_a_set_that_is_not_closed():
    # a consistent certificate for K = {X1} alone (valid annihilators of X1): X2 is outside
    from lieflow.certificates.involutive import _cofactor_annihilators
    from lieflow.algebra import PointEvaluator

    system = gradient_flow(custom(["2*x1 + x2*x3**2 + 3*x2", "x1**2"]))
    res = closed(system)
    X1 = system.generators[0]
    ev = PointEvaluator(res.point, res.prime)
    omegas = _cofactor_annihilators(system.ring, [X1], [0], ev, None)
    syms = system.ring.symbols
    cert = InvolutiveCertificate(syms, system.generator_names, ("X1",), res.point, res.prime, ("x1",),
                                 ("X2", "[X1,X2]"),
                                 tuple(tuple((syms[k], p) for k, p in sorted(om.items())) for om in omegas))
    with pytest.raises(VerificationError, match="X2 is not in the span"):
        check(cert, system)


def test_checker_rejects_a_changed_kept_word(linear_cert):
    system, cert = linear_cert
    kept = cert.kept[:-1] + ("[X1,X3]",)
    with pytest.raises(VerificationError):
        check(dataclasses.replace(cert, kept=kept), system)


# -- JSON ------------------------------------------------------------------------------------------


def test_json_round_trip(linear_cert):
    system, cert = linear_cert
    d = json.loads(json.dumps(cert.to_dict()))
    back = InvolutiveCertificate.from_dict(system.ring.symbols, d)
    assert back == cert
    assert check(back, system)


def test_term_lists_are_those_of_io():
    from lieflow.certificates.involutive import _poly_terms
    from lieflow.io import _poly_terms as io_terms

    R = PolyRing.get(("a", "b"))
    a, b = R.gens
    p = a * a * b * Fraction(-3, 4) + b + 2
    assert _poly_terms(p) == io_terms(p)


@pytest.mark.parametrize(
    "path, value",
    [
        (("kind",), "explicit laws"),
        (("variables",), ["x", "y"]),
        (("pivots",), ["nope"]),
        (("pivots",), "u1_1_1"),
        (("point",), ["1.5"] * 8),
        (("point",), ["__import__('os')"] * 8),
        (("prime",), "7"),
        (("annihilators",), {}),
        (("annihilators", 0), [["u1_1_1"]]),
        (("annihilators", 0, 0, 1), [["1e3", []]]),
        (("annihilators", 0, 0, 1), [["1", [["u1_1_1", 0]]]]),
        (("annihilators", 0, 0, 1), [["1", [["zz", 1]]]]),
        (("annihilators", 0, 0, 1), [["1/0", []]]),
        (("annihilators", 0, 0, 1), "x"),
        (("kept",), [1, 2]),
        (("checked",), None),
    ],
)
def test_malformed_json_is_a_verification_error(linear_cert, path, value):
    system, cert = linear_cert
    d = json.loads(json.dumps(cert.to_dict()))
    target = d
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    with pytest.raises(VerificationError):
        InvolutiveCertificate.from_dict(system.ring, d)


def test_from_dict_needs_a_dict():
    with pytest.raises(VerificationError, match="dict"):
        InvolutiveCertificate.from_dict(("x",), "[]")


# -- hypothesis: whenever a count is certified, it is the generic rank's count --------------------


def _slow_generic_rank(generators, syms):
    """Generic rank of the Lie algebra by a slow exact closure over QQ(x, y, z) (plain sympy):
    add a bracket only when it raises the rank over the field of rational functions, i.e. when
    some minor of the new size is a nonzero polynomial."""
    n = len(syms)

    def rank(cols):
        M = sympy.Matrix.hstack(*cols) if cols else sympy.zeros(n, 0)
        for k in range(min(n, len(cols)), 0, -1):
            for rows in itertools.combinations(range(n), k):
                for cs in itertools.combinations(range(len(cols)), k):
                    if sympy.expand(M.extract(list(rows), list(cs)).det(method="berkowitz")) != 0:
                        return k
        return 0

    def bracket(A, B):
        return sympy.Matrix([sympy.expand(sum(A[j] * sympy.diff(B[k], syms[j]) - B[j] * sympy.diff(A[k], syms[j])
                                              for j in range(n))) for k in range(n)])

    basis = []
    for X in generators:
        if rank(basis + [X]) > len(basis):
            basis.append(X)
    frontier = list(basis)
    while frontier:
        new = []
        for Z in frontier:
            for X in generators:
                B = bracket(X, Z)
                if rank(basis + [B]) > len(basis):
                    basis.append(B)
                    new.append(B)
        frontier = new
    return len(basis)


@given(st.lists(polys(RING), min_size=1, max_size=3), st.integers(0, 10**6))
def test_certified_counts_are_generic_counts(phi, seed):
    phi = [p for p in phi if p.degree >= 1]
    assume(phi)
    system = gradient_flow(custom(phi, params="x,y,z"))
    res = lieflow.closure(system.generators, names=system.generator_names, seed=seed)
    syms = list(system.ring.sympy_symbols())
    generic = _slow_generic_rank(system.generator_exprs(), syms)
    for method in ("cofactors", "search"):
        verdict = decide_involutive(system.generators, res.kept, names=system.generator_names, point=res.point,
                                    prime=res.prime, method=method)
        # a closed closure at a generic point spans the Lie algebra, and only then is it certified
        assert verdict.proven == (res.rank == generic)
        if verdict.proven:
            assert verdict.certificate.count == 3 - generic
            assert check(verdict.certificate, system)


# -- the docs page's examples ---------------------------------------------------------------------


def test_docs_page_examples():
    result = doctest.testfile(str(ROOT / "docs" / "certificates.md"), module_relative=False,
                              optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
