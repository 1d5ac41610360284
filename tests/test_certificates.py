"""The certificate objects and the verifier's plain arithmetic, against independent computations."""

from fractions import Fraction

import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

from lieflow.algebra import PolyRing
from lieflow.algebra import bracket as fast_bracket
from lieflow.certificates import (
    COUNT_PROOFS,
    ExplicitLaws,
    Facts,
    FullRank,
    LawCertificate,
    OneGenerator,
    RankCertificate,
    choose_count_proof,
    verify_document,
)
from lieflow.certificates.plain import (
    bracket,
    field_value,
    parse_rational,
    parse_word,
    poly_diff,
    poly_from_sympy,
    poly_mul,
    poly_value,
    rank,
)
from lieflow.errors import VerificationError

from lieflow.strategies import fields, polys, rationals

RING = PolyRing.get(("x", "y", "z"))  # the variables lieflow.strategies draws by default
rationals = rationals()

SYMS = RING.sympy_symbols()
INDEX = {s: i for i, s in enumerate(SYMS)}


def plain_poly(p):
    """A lieflow Poly in the verifier's plain form (monomials as (index, exponent) pairs)."""
    out = {}
    for m, c in p.terms():
        powers = {}
        for i in m:
            powers[i] = powers.get(i, 0) + 1
        out[tuple(sorted(powers.items()))] = c
    return out


def plain_field(X):
    return {k: plain_poly(p) for k, p in X.components}


def as_sympy(p):
    return sympy.Add(*[sympy.Rational(Fraction(c).numerator, Fraction(c).denominator)
                       * sympy.Mul(*[SYMS[i] ** e for i, e in m]) for m, c in p.items()])


# -- plain arithmetic -----------------------------------------------------------------------------


@given(polys(), polys(), st.integers(0, 2))
def test_products_and_derivatives_agree_with_sympy(p, q, j):
    P, Q = plain_poly(p), plain_poly(q)
    assert sympy.expand(as_sympy(poly_mul(P, Q)) - as_sympy(P) * as_sympy(Q)) == 0
    assert sympy.expand(as_sympy(poly_diff(P, j)) - sympy.diff(as_sympy(P), SYMS[j])) == 0
    assert poly_from_sympy(as_sympy(P), INDEX, "p") == {m: c for m, c in P.items()}


@given(fields(), fields())
def test_the_textbook_bracket_agrees_with_the_fast_one(X, Y):
    # two independent implementations of [X, Y] = DY.X - DX.Y
    assert bracket(plain_field(X), plain_field(Y)) == plain_field(fast_bracket(X, Y))


@given(fields(), fields(), fields())
def test_the_textbook_bracket_is_a_lie_bracket(X, Y, Z):
    A, B, C = plain_field(X), plain_field(Y), plain_field(Z)
    assert bracket(A, B) == {k: {m: -c for m, c in p.items()} for k, p in bracket(B, A).items()}
    jacobi = {}
    for term in (bracket(A, bracket(B, C)), bracket(B, bracket(C, A)), bracket(C, bracket(A, B))):
        for k, p in term.items():
            acc = jacobi.setdefault(k, {})
            for m, c in p.items():
                acc[m] = acc.get(m, 0) + c
    assert all(c == 0 for p in jacobi.values() for c in p.values())


@given(st.lists(st.lists(rationals, min_size=4, max_size=4), min_size=1, max_size=4),
       st.lists(st.lists(st.integers(-3, 3), min_size=4, max_size=4), max_size=3))
def test_rank_agrees_with_sympy(rows, mixes):
    # append combinations of the rows, so rank-deficient matrices (the slow exact path) occur often
    rows = rows + [[sum(c * r[j] for c, r in zip(mix, rows)) for j in range(4)] for mix in mixes]
    expected = sympy.Matrix([[sympy.Rational(x.numerator, x.denominator) if isinstance(x, Fraction) else x
                              for x in r] for r in rows]).rank()
    assert rank(rows) == expected


def test_rank_is_exact_where_one_verifier_prime_divides():
    from lieflow.certificates.plain import VERIFIER_PRIMES

    p, q, r = VERIFIER_PRIMES
    assert rank([[p, 0], [0, 1]]) == 2  # singular modulo p, regular over QQ
    assert rank([[p * q, 0], [0, 1]]) == 2
    assert rank([[1, 2], [3, 6]]) == 1 and rank([]) == 0
    # singular modulo every prime the verifier tries: reported dependent (a rejection, never an
    # acceptance, can be wrong), with the modular rank as a lower bound
    assert rank([[p * q * r, 0], [0, 1]]) == 1


@given(polys(), st.lists(st.integers(-20, 20), min_size=3, max_size=3))
def test_values_at_a_point(p, point):
    assert poly_value(plain_poly(p), point) == p.evaluate(point)


def test_negative_exponents_are_representable():
    # the gradient c/x of a term c*log|x|: the plain form already holds it
    assert poly_value({((0, -1),): 3}, [6]) == Fraction(1, 2)
    with pytest.raises(VerificationError, match="denominator"):
        poly_value({((0, -1),): 3}, [0])


@pytest.mark.parametrize("text", ["1.5", "1e3", " 1", "1/0", "0x10", "", "1/-2", "9" * 401, "--1"])
def test_bad_rationals(text):
    with pytest.raises(VerificationError):
        parse_rational(text, "x")


@pytest.mark.parametrize("value", [3, None, ["1"], 1.5, True])
def test_rationals_must_be_strings(value):
    with pytest.raises(VerificationError, match="string"):
        parse_rational(value, "x")


@pytest.mark.parametrize("word", ["X1,X2", "[X1,X2", "[X1X2]", "[X1,X2]]", "[,X2]", "[X1,]", "", "[X1,[X2,X3]", "X4"])
def test_malformed_words(word):
    with pytest.raises(VerificationError):
        parse_word(word, {"X1", "X2", "X3"})


def test_words_with_other_generator_names():
    assert parse_word("[R,[T,R]]", {"R", "T"}) == ("R", ("T", "R"))
    assert parse_word("[X1_2,Y1]", {"X1_2", "Y1"}) == ("X1_2", "Y1")


# -- the certificate objects ----------------------------------------------------------------------


def _heisenberg():
    # X1 = d/dx, X2 = x d/dy + x**2 d/dz: [X1, X2] = d/dy + 2x d/dz, [X1, [X1, X2]] = 2 d/dz
    x = ((0, 1),)
    return {"X1": {0: {(): 1}}, "X2": {1: {x: 1}, 2: {((0, 2),): 1}}}


def test_rank_certificate_round_trip_and_check():
    cert = RankCertificate((Fraction(1, 3), 2, -5), 2147483647, ("X1", "X2", "[X1,X2]", "[X1,[X1,X2]]"), 7)
    assert RankCertificate.from_dict(cert.to_dict()) == cert
    assert cert.to_dict()["point"] == ["1/3", "2", "-5"]
    # at any point the 4 words span only R^3
    with pytest.raises(VerificationError, match="lie rank: the 4 kept brackets are not shown independent .*rank 3"):
        cert.check(_heisenberg(), 3)
    three = RankCertificate(cert.point, cert.prime, cert.brackets[:3] + (), 7)
    assert three.check(_heisenberg(), 3) == 3
    # at x = 0 the fields X2 and [X1, X2] are X2 = 0 and d/dy: rank 2 only
    at_zero = RankCertificate((0, 2, -5), cert.prime, ("X1", "X2", "[X1,X2]"), None)
    with pytest.raises(VerificationError, match="rank 2"):
        at_zero.check(_heisenberg(), 3)


@pytest.mark.parametrize(
    "data, needle",
    [
        ({"point": ["1"], "prime": 7, "brackets": ["X1"], "seed": 0}, None),
        ({"point": ["1"], "prime": 8, "brackets": ["X1"]}, "not a prime"),
        ({"point": ["1"], "prime": 2**64 + 13, "brackets": ["X1"]}, "2\\*\\*64"),
        ({"point": ["1"], "prime": True, "brackets": ["X1"]}, "prime"),
        ({"point": "1", "prime": 7, "brackets": ["X1"]}, "point"),
        ({"point": ["1"], "prime": 7, "brackets": "X1"}, "brackets"),
        ({"point": ["1"], "prime": 7, "brackets": ["X1", "X1"]}, "twice"),
        ({"point": ["1"], "prime": 7, "brackets": [1]}, "brackets"),
        ({"point": ["1"], "prime": 7, "brackets": ["X1"], "seed": 1.0}, "seed"),
        ({"prime": 7, "brackets": ["X1"]}, "missing"),
        (["1"], "object"),
    ],
)
def test_rank_certificate_from_dict(data, needle):
    if needle is None:
        assert RankCertificate.from_dict(data).point == (1,)
        return
    with pytest.raises(VerificationError, match=needle) as err:
        RankCertificate.from_dict(data)
    assert err.value.check == "certificate"


def test_law_certificate():
    rotation = {"X1": {0: {((1, 1),): 1}, 1: {((0, 1),): -1}}}  # y d/dx - x d/dy
    circle = [["1", [["x", 2]]], ["1", [["y", 2]]]]
    laws = LawCertificate.from_dict({"law_terms": [circle]})
    assert laws.check(("x", "y"), rotation, (3, 4)) == 1
    assert LawCertificate.from_dict(laws.to_dict()) == laws
    hyperbola = [["1", [["x", 2]]], ["-1", [["y", 2]]]]
    with pytest.raises(VerificationError, match="explicit laws: laws\\[1\\] is not annihilated by generator X1"):
        LawCertificate((tuple(circle), tuple(hyperbola))).check(("x", "y"), rotation, (3, 4))
    twice = [["2", [["x", 2]]], ["2", [["y", 2]]]]
    with pytest.raises(VerificationError, match="law independence"):
        LawCertificate((circle, twice)).check(("x", "y"), rotation, (3, 4))
    with pytest.raises(VerificationError, match="law terms"):
        LawCertificate(([["1", [["x", 0]]]],)).check(("x", "y"), rotation, (3, 4))


def test_count_proofs():
    assert set(COUNT_PROOFS) == {"explicit laws", "one generator", "full rank", "involutive closure"}
    one = Facts(ambient_dim=5, generators=1, rank=1, laws_lower=2)
    full = Facts(ambient_dim=4, generators=3, rank=4, laws_lower=0)
    met = Facts(ambient_dim=8, generators=4, rank=5, laws_lower=3)
    gap = Facts(ambient_dim=3, generators=2, rank=2, laws_lower=0)
    assert [choose_count_proof(f) for f in (one, full, met, gap)] == [OneGenerator(), FullRank(), ExplicitLaws(), None]
    assert OneGenerator().check(one) == 4 and FullRank().check(full) == 0 and ExplicitLaws().check(met) == 3
    for proof in (OneGenerator(), FullRank(), ExplicitLaws()):
        with pytest.raises(VerificationError, match="count proof") as err:
            proof.check(gap)
        assert err.value.check == "count proof"
        assert type(proof).from_dict(proof.to_dict()) == proof
        with pytest.raises(VerificationError, match="count proof"):
            type(proof).from_dict({"kind": proof.kind, "extra": 1})
    with pytest.raises(VerificationError):
        OneGenerator.from_dict({"kind": "full rank"})


def test_the_report():
    from lieflow import census
    from lieflow.models import custom

    report = verify_document(census(custom(["x*y"])).to_dict())
    assert report.verified and report.failure is None
    assert [c.name for c in report.checks][:3] == ["format", "model spec", "ambient dimension"]
    assert report.to_dict()["failed"] is None and report.raise_for_failure() is True
    bad = verify_document("not a dict")
    assert not bad.verified and bad.failure.name == "format" and len(bad.checks) == 1
    assert bad.to_text().splitlines()[-1] == "NOT VERIFIED: format: expected a JSON object, got str"
