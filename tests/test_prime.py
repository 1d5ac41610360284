"""Any prime, any rational: the modular steps never see a degenerate reduction of the system.

The truth is always established without lieflow's modular code: by a census of the same model with
the offending coefficient scaled away (which cannot change the laws: scaling a component of φ
scales its generator by a nonzero constant, and a heavy-ball friction τ > 0 can be absorbed in
the time unit and the loss), by the closed form of DESIGN §3, or by a rank computed with sympy.
"""

import itertools
import json
from fractions import Fraction

import pytest
import sympy
from hypothesis import example, given, settings
from hypothesis import strategies as st

from lieflow import census
from lieflow.algebra import ModularEchelon, PointEvaluator, PolyRing, VectorField, rank_qq
from lieflow.algebra.primes import check_prime, primes_below
from lieflow.cli import main
from lieflow.closure import closure, random_point
from lieflow.errors import BadArgumentError
from lieflow.laws import independent_laws, polynomial_laws, spanning_subset
from lieflow.models import custom, linear

P = 2**31 - 1  # the default prime
P1 = 2147483629  # the next prime below it


def run(args, capsys):
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def _sympy_generic_rank(system, seed=3):
    """Rank of the generators' values at a random rational point, with sympy only: for a
    single generator (or commuting constant ones) that is the rank of the Lie algebra."""
    import random

    rng = random.Random(seed)
    syms = system.ring.sympy_symbols()
    pt = {s: sympy.Rational(rng.randint(1, 97), rng.randint(1, 13)) for s in syms}
    return sympy.Matrix([[e.xreplace(pt) for e in g] for g in system.generator_exprs()]).rank()


# -- the four reported commands, API and CLI -------------------------------------------------

@pytest.mark.parametrize("phi", [f"x*y/{P}", f"{P}*x*y", f"x*y/{P**2}", f"{P}*{P1}*x*y/3"])
def test_phi_with_the_default_prime_in_a_coefficient(phi):
    c = census(custom([phi]))
    plain = census(custom(["x*y"]))
    # one generator: its Lie algebra is its own span, so D - rank = 2 - 1 laws
    assert _sympy_generic_rank(c.system) == 1
    assert c.proven and c.laws_lower == c.laws_upper == plain.laws_upper == 1
    assert [str(h) for h in c.laws] == ["x**2 - y**2"]
    value = sympy.Rational(sympy.sympify(phi).subs({"x": 1, "y": 1}))  # the coefficient of x*y
    coeff = Fraction(int(value.p), int(value.q))
    prime = c.certificate.prime
    assert coeff.numerator % prime and coeff.denominator % prime
    assert prime == next(q for q in (P, P1, 2147483587) if coeff.numerator % q and coeff.denominator % q)
    assert c.verify()


@pytest.mark.parametrize("tau", [f"1/{P}", str(P), f"{P}/{P1}", f"{P1 * 7}"])
def test_heavy_ball_friction_with_the_default_prime(tau):
    c = census(linear([2, 2, 2]), flow="momentum", tau=tau)
    ref = census(linear([2, 2, 2]), flow="momentum")  # tau = 1: the same laws up to the time unit
    r = 2  # DESIGN §3: e^{τt} A, A antisymmetric r x r: r(r-1)/2 laws for these widths
    assert c.proven and c.laws_lower == c.laws_upper == ref.laws_upper == r * (r - 1) // 2
    assert c.lie_rank == ref.lie_rank
    q = Fraction(tau)
    assert q.numerator % c.certificate.prime and q.denominator % c.certificate.prime
    assert c.laws[0].time_expr.has(sympy.exp(sympy.Rational(tau) * sympy.Symbol("t")))
    assert c.verify()


@pytest.mark.parametrize(
    "args, upper",
    [
        (["custom", "--phi", f"x*y/{P}"], 1),
        (["custom", "--phi", f"{P}*x*y"], 1),
        (["linear", "2", "2", "2", "--flow", "momentum", "--tau", f"1/{P}"], 1),
        (["linear", "2", "2", "2", "--flow", "momentum", "--tau", str(P)], 1),
    ],
)
def test_the_four_reported_commands(args, upper, capsys):
    code, out, err = run(["census", *args, "--format", "json", "--verify"], capsys)
    assert code == 0 and err == ""
    d = json.loads(out)
    assert d["proven"] is True and d["laws_lower"] == d["laws_upper"] == upper
    assert d["certificate"]["prime"] == P1  # the default prime divides a coefficient: the next one
    for seed in ("1", "2"):  # proven at every seed, not by luck
        code, out, _ = run(["census", *args, "--seed", seed, "--format", "json"], capsys)
        assert code == 0 and json.loads(out)["proven"] is True


# -- a prime given by the user ---------------------------------------------------------------

def test_a_valid_user_prime_is_honoured_everywhere():
    c = census(linear([2, 2, 2]), prime=1000003)
    assert c.certificate.prime == 1000003 and c.proven and c.laws_lower == 3
    assert all(x % 1000003 for x in c.certificate.point)
    assert c.verify()
    res = closure(c.system.generators, prime=101)
    assert res.prime == 101 and all(x % 101 for x in res.point)


@pytest.mark.parametrize(
    "model, kwargs, needle",
    [
        (custom([f"x*y/{P}"]), {}, f"1/{P}*y"),
        (custom([f"{P}*x*y"]), {}, f"{P}*y"),
        (linear([2, 2, 2]), {"flow": "momentum", "tau": str(P)}, f"-{P}*v_u1_1_1 of X0"),
        (linear([2, 2, 2]), {"flow": "momentum", "tau": f"1/{P}"}, f"denominator of the term -1/{P}*v_u1_1_1 of X0"),
    ],
)
def test_a_user_prime_dividing_a_coefficient_is_refused(model, kwargs, needle):
    with pytest.raises(BadArgumentError, match="prime") as info:
        census(model, prime=P, **kwargs)
    msg = str(info.value)
    assert str(P) in msg and needle in msg and "divides" in msg


def test_cli_prime_option(capsys):
    code, out, _ = run(["census", "linear", "2", "2", "2", "--prime", "1000003", "--format", "json"], capsys)
    assert code == 0 and json.loads(out)["certificate"]["prime"] == 1000003
    code, _, err = run(["census", "custom", "--phi", f"{P}*x*y", "--prime", str(P)], capsys)
    assert code == 2 and err.count("\n") == 1 and "prime" in err and str(P) in err and "Traceback" not in err
    for bad in ("1000004", "2", str(2**31 + 11)):
        code, _, err = run(["census", "linear", "2", "2", "2", "--prime", bad], capsys)
        assert code == 2 and "prime" in err and bad in err


def test_check_prime_and_the_candidates():
    assert list(primes_below(20)) == [19, 17, 13, 11, 7, 5, 3]
    assert list(itertools.islice(primes_below(P), 2)) == [P, P1]
    assert all(sympy.isprime(p) for p in [P, P1])
    assert not any(sympy.isprime(n) for n in range(P1 + 1, P))  # P1 really is the next prime
    for bad in (True, 1.0, 4, 2, 2**31 + 11, "7"):
        with pytest.raises(BadArgumentError, match="prime"):
            check_prime(bad)


# -- the law search and the independence test use the prime ----------------------------------

def test_law_search_and_independence_use_the_given_prime():
    R = PolyRing.get(("x", "y"))
    x, y = R.gens
    # gradients (1, -P) and (1, 0): dependent modulo P, independent over QQ
    laws = [x - y * P, x]
    assert len(independent_laws(laws, [3, 5], prime=P)) == 1  # the modular rank honours the prime
    assert len(independent_laws(laws, [3, 5])) == 2  # by default a prime that sees both
    X = VectorField(R, {"x": y * P, "y": x})
    with pytest.raises(BadArgumentError, match="prime"):
        spanning_subset([X], prime=P)
    with pytest.raises(BadArgumentError, match="prime"):
        polynomial_laws([X], prime=P)
    assert [str(h) for h in polynomial_laws([X])] == [f"x**2 - {P}*y**2"]
    assert spanning_subset([X]) == [X]


def test_a_degenerate_reduction_moves_to_another_prime():
    # ∇φ1 = (1, 1) and ∇φ2 = (1, 2**31): independent over QQ (det = 2**31 - 1), equal modulo P.
    # No coefficient is divisible by P, so only the outcome reveals the degeneracy.
    model = custom(["x + y", f"x + {2**31}*y"])
    truth = sympy.Matrix([[1, 1], [1, 2**31]]).rank()  # constant commuting fields: rank 2, no law
    assert truth == 2
    c = census(model)
    assert c.proven and c.laws_upper == 2 - truth and c.certificate.prime == P1
    assert c.stats["primes_tried"] == [P, P1]
    assert c.verify()
    forced = census(model, prime=P)  # the user's prime is honoured: valid, unproven bounds
    assert not forced.proven and forced.laws_upper == 1 and forced.certificate.prime == P
    assert forced.verify()


# -- points and evaluation -------------------------------------------------------------------

@given(st.integers(0, 10**6), st.sampled_from([3, 5, 7, 101, 65537]))
def test_random_points_avoid_multiples_of_the_prime(seed, p):
    pt = random_point(40, seed, prime=p)
    assert all(x % p for x in pt) and all(1 <= x <= 2**30 for x in pt)
    assert random_point(40, seed) == random_point(40, seed, prime=P)  # the default point is unchanged


def test_evaluation_with_a_prime_dividing_a_denominator_is_a_clear_error():
    R = PolyRing.get(("x", "y"))
    x, y = R.gens
    X = VectorField(R, {"x": y * Fraction(1, 7)})
    with pytest.raises(BadArgumentError, match="prime.*denominator"):
        PointEvaluator([1, 2], prime=7).value(X)
    with pytest.raises(BadArgumentError, match="prime"):
        (y * Fraction(1, 7)).evaluate_mod([1, 2], 7)


# -- hypothesis: the count does not depend on the scale of φ ---------------------------------

_special = st.sampled_from([1, P, P1, P * P1, P**2, 2**31, P + 2])
_scale = st.builds(
    lambda a, b, s, t: Fraction(a * s, b * t),
    st.integers(-9, 9).filter(bool), st.integers(1, 9), _special, _special,
)

_REFERENCE = {}


def _reference(key, phi):
    if key not in _REFERENCE:
        _REFERENCE[key] = census(custom(phi))
    return _REFERENCE[key]


@settings(max_examples=25, deadline=None)
@given(st.lists(_scale, min_size=3, max_size=3))
@example([Fraction(1, P), Fraction(P), Fraction(P * P1)])
@example([Fraction(1, P * P1), Fraction(1, P**2), Fraction(2**31)])
def test_scaling_phi_does_not_change_the_count(scales):
    # the linear [1, 2, 1] network φ = u1 w1 + u2 w2, and x1 x2 x3: closed forms 3 and 2 laws
    base = {"lin": ["u1*w1 + u2*w2"], "cube": ["x1*x2*x3"], "pair": ["a*b", "b*c"]}
    for key, phi in base.items():
        ref = _reference(key, phi)
        scaled = [f"({s.numerator})*({p})/({s.denominator})" for s, p in zip(scales, phi)]
        c = census(custom(scaled))
        assert (c.laws_lower, c.laws_upper, c.proven) == (ref.laws_lower, ref.laws_upper, ref.proven)
        assert c.proven
        assert all(n % c.certificate.prime for s in scales[: len(phi)] for n in (s.numerator, s.denominator))
    assert _reference("lin", base["lin"]).laws_upper == 3 and _reference("cube", base["cube"]).laws_upper == 2


# -- the sparse membership tests of ModularEchelon agree with the dense one -------------------

_sparse = st.dictionaries(st.integers(0, 7), st.integers(-3, 3), max_size=4)


@settings(max_examples=60, deadline=None)
@given(st.lists(_sparse, min_size=1, max_size=14), st.sampled_from([5, 101, P]))
def test_sparse_membership_agrees_with_exact_elimination(vectors, p):
    dense = ModularEchelon(8, p)
    exact = ModularEchelon(8, p)
    quick = ModularEchelon(8, p, fingerprints=True)
    for v in vectors:
        full = [v.get(j, 0) for j in range(8)]
        assert exact.contains(v) == dense.contains(full)
        in_quick_span = not any(quick.reduce(full))  # exact, against the rows quick kept
        kept = quick.add(v)
        assert not (kept and in_quick_span)  # fingerprints never call a dependent vector independent
        dense.add(full)
        exact.add(v)
        assert exact.rank == dense.rank
    assert quick.rank <= dense.rank
    if p == P:  # a false "dependent" has probability P**-2 per vector
        assert quick.rank == dense.rank
    rows = [[v.get(j, 0) for j in range(8)] for v in vectors]
    if p == P:
        assert dense.rank == rank_qq(rows)  # small integer rows: no accidental vanishing mod P
