"""Hypothesis strategies: small polynomials and fields (<= 3 variables, degree <= 3)."""

from fractions import Fraction

from hypothesis import strategies as st

from lieflow.algebra import Poly, PolyRing, VectorField

RING = PolyRing.get(("x", "y", "z"))

coefficients = st.one_of(
    st.integers(-5, 5),
    st.builds(Fraction, st.integers(-5, 5), st.integers(1, 4)),
)
monomials = st.lists(st.integers(0, 2), min_size=0, max_size=3).map(lambda m: tuple(sorted(m)))


@st.composite
def polys(draw, ring=RING, max_terms=4):
    terms = draw(st.dictionaries(monomials, coefficients, max_size=max_terms))
    return Poly(ring, terms)


@st.composite
def fields(draw, ring=RING):
    return VectorField(ring, [draw(polys(ring)) for _ in range(ring.ngens)])


rationals = coefficients
points = st.lists(st.integers(-20, 20), min_size=3, max_size=3)
