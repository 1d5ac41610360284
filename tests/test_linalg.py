"""Exact linear algebra: modular echelon forms, QQ ranks and null spaces."""

from fractions import Fraction

import sympy
from hypothesis import given
from hypothesis import strategies as st

from lieflow.algebra import ModularEchelon, nullspace_qq, rank_mod, rank_qq

matrices = st.integers(1, 6).flatmap(
    lambda n: st.lists(st.lists(st.integers(-4, 4), min_size=n, max_size=n), min_size=0, max_size=7)
)


@given(matrices)
def test_rank_qq_matches_sympy(rows):
    expected = sympy.Matrix(rows).rank() if rows else 0
    assert rank_qq(rows) == expected


@given(matrices)
def test_modular_rank_is_a_lower_bound_and_exact_for_large_primes(rows):
    r = rank_qq(rows)
    assert rank_mod(rows, 3) <= r
    assert rank_mod(rows, 2147483647) == r


@given(matrices)
def test_incremental_echelon_keeps_exactly_the_independent_rows(rows):
    if not rows:
        return
    E = ModularEchelon(len(rows[0]))
    kept = [r for r in rows if E.add(r)]
    assert len(kept) == E.rank == rank_qq(rows) == rank_qq(kept)


@given(matrices)
def test_nullspace(rows):
    if not rows:
        return
    n = len(rows[0])
    sparse = [{j: Fraction(x) for j, x in enumerate(r) if x} for r in rows]
    basis = nullspace_qq(sparse, n)
    assert len(basis) == n - rank_qq(rows)
    for v in basis:
        for r in rows:
            assert sum(r[j] * x for j, x in v.items()) == 0
    if basis:
        assert rank_qq([[v.get(j, 0) for j in range(n)] for v in basis]) == len(basis)


def test_modulus_must_be_prime():
    import pytest

    from lieflow.errors import BadArgumentError

    with pytest.raises(BadArgumentError, match="prime"):
        ModularEchelon(3, prime=2**31 - 3)  # = 5 * 429496729, composite
    with pytest.raises(BadArgumentError, match="prime"):
        ModularEchelon(3, prime=2)


@given(st.integers(0, 10**5))
def test_is_prime_matches_sympy(n):
    from lieflow.algebra.linalg import is_prime

    assert is_prime(n) == sympy.isprime(n)
    assert is_prime(2**31 - 1 - n) == sympy.isprime(2**31 - 1 - n)


@given(st.integers(0, 10**6))
def test_echelon_with_many_merges_matches_exact_rank(seed):
    import random

    rng = random.Random(seed)
    n, r = 40, rng.randint(1, 40)
    basis = [[rng.randint(-3, 3) for _ in range(n)] for _ in range(r)]
    # 60 rows in the span of r random rows: rank r (generically), many dependent candidates
    rows = [[sum(rng.randint(-2, 2) * b[j] for b in basis) for j in range(n)] for _ in range(60)]
    E = ModularEchelon(n)
    kept = [row for row in rows if E.add(row)]
    assert E.rank == len(kept) == rank_qq(rows) == rank_qq(kept)
    for row in rows:  # every row reduces to zero against what was kept
        assert not any(E.reduce(row))
