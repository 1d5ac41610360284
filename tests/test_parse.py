"""The safe polynomial parser: grammar, exactness, names as typed, size limits.

The oracle for the grammar is independent of the parser: random expression trees are evaluated
with plain ``Fraction`` arithmetic at random points (and built as sympy objects, never parsed),
and compared with the parsed polynomial.
"""

import time
from fractions import Fraction

import pytest
import sympy
from hypothesis import example, given
from hypothesis import strategies as st

from lieflow import limits
from lieflow.algebra import PolyRing
from lieflow.algebra.parse import check_name, parse_expression, parse_poly, split_components
from lieflow.algebra.sympy_bridge import expression_names, poly_from_sympy, sympify_strict
from lieflow.errors import BadArgumentError, InexactValueError, InputTooLargeError, NotPolynomialError

R = PolyRing.get(("x", "y", "z"))
NAMES = R.symbols

# -- random trees: rendered as text, evaluated with Fractions, built with sympy objects ----------

leaves = st.one_of(st.sampled_from(NAMES), st.integers(0, 9).map(str))


def _extend(children):
    return st.one_of(
        st.tuples(st.sampled_from(["+", "-", "*"]), children, children),
        st.tuples(st.just("/"), children, st.integers(1, 5).map(str)),
        st.tuples(st.sampled_from(["**", "^"]), children, st.integers(0, 3).map(str)),
        st.tuples(st.just("neg"), children),
    )


trees = st.recursive(leaves, _extend, max_leaves=8)


def render(t) -> str:
    if isinstance(t, str):
        return t
    if t[0] == "neg":
        return f"-({render(t[1])})"
    return f"({render(t[1])}) {t[0]} ({render(t[2])})"


def value(t, env):
    """The tree's value at a rational point, by plain Fraction arithmetic (the oracle)."""
    if isinstance(t, str):
        return env[t] if t in env else Fraction(int(t))
    if t[0] == "neg":
        return -value(t[1], env)
    a, b = value(t[1], env), value(t[2], env)
    return {"+": lambda: a + b, "-": lambda: a - b, "*": lambda: a * b, "/": lambda: a / b,
            "**": lambda: a ** int(b), "^": lambda: a ** int(b)}[t[0]]()


def as_sympy(t):
    syms = {n: sympy.Symbol(n) for n in NAMES}
    if isinstance(t, str):
        return syms.get(t, sympy.Integer(int(t)) if t not in syms else None)
    if t[0] == "neg":
        return -as_sympy(t[1])
    a, b = as_sympy(t[1]), as_sympy(t[2])
    return {"+": a + b, "-": a - b, "*": a * b, "/": a / b, "**": a ** b, "^": a ** b}[t[0]]


points = st.tuples(*(st.fractions(min_value=-3, max_value=3, max_denominator=4) for _ in NAMES))


@given(trees, points)
@example(("**", ("neg", "x"), "2"), (Fraction(3), Fraction(0), Fraction(0)))
def test_parsed_polynomial_takes_the_oracle_values(t, pt):
    p = parse_poly(render(t), R)
    env = dict(zip(NAMES, pt))
    assert p.evaluate(env) == value(t, env)


@given(trees)
def test_parsed_polynomial_equals_the_sympy_object_and_the_sympy_walk(t):
    p = parse_poly(render(t), R)
    e = as_sympy(t)
    assert sympy.expand(p.as_expr() - e) == 0
    assert poly_from_sympy(R, e) == p
    assert sympy.expand(parse_expression(render(t)).to_sympy() - e) == 0


# -- grammar details, against hand computation ---------------------------------------------------


@pytest.mark.parametrize(
    "text, at, expected",
    [
        ("-x**2", {"x": 3}, -9),  # power binds tighter than the sign, as in Python
        ("2**3**2", {}, 512),  # right-associative
        ("2^3^2", {}, 512),
        ("(2**3)**2", {}, 64),
        ("1/2/2", {}, Fraction(1, 4)),  # left-associative
        ("2/3*x", {"x": 3}, 2),
        ("--x", {"x": 5}, 5),
        ("2*-x", {"x": 5}, -10),
        ("x**-(-2)", {"x": 3}, 9),
        ("  x\t+\ny ", {"x": 1, "y": 2}, 3),
        ("007*x", {"x": 1}, 7),
        ("x**0", {"x": 0}, 1),
        ("0**0", {}, 1),
        ("(x - x)**2 + 1", {"x": 4}, 1),
    ],
)
def test_precedence_and_associativity(text, at, expected):
    env = {n: at.get(n, 0) for n in NAMES}
    assert parse_poly(text, R).evaluate(env) == expected


def test_names_are_kept_exactly_and_sympy_names_are_plain_symbols():
    ring = PolyRing.get(("sin", "E", "I", "pi", "S", "N", "exp", "x"))
    p = parse_poly("sin*E + I*pi - S*N + exp*x", ring)
    assert str(p) == "sin*E + I*pi - S*N + exp*x"
    assert parse_expression("b*a + a").names == ("b", "a")
    assert sympify_strict("E*I", "e") == sympy.Symbol("E") * sympy.Symbol("I")


@pytest.mark.parametrize(
    "text, exc, fragment",
    [
        ("x + 0.5", InexactValueError, "inexact value '0.5'"),
        ("1e3*x", InexactValueError, "inexact value '1e3'"),
        (".5", InexactValueError, "'.5'"),
        ("x**0.5", InexactValueError, "'0.5'"),
        ("sin(x)", NotPolynomialError, "a name followed by '(' at position 3"),
        ("__import__('os').system('touch f')", NotPolynomialError, "function calls are not allowed"),
        ("x/y", NotPolynomialError, "division by a non-constant (y) at position 2"),
        ("x/(y - y)", NotPolynomialError, "division by zero"),
        ("1/0", NotPolynomialError, "division by zero"),
        ("x**-1", NotPolynomialError, "is -1, not an integer >= 0"),
        ("x**(1/2)", NotPolynomialError, "is 1/2, not an integer >= 0"),
        ("x**y", NotPolynomialError, "the exponent at position 1 (y) must be a number"),
        ("x//2", NotPolynomialError, "floor division"),
        ("2x", NotPolynomialError, "expected an operator between '2' and 'x' at position 1"),
        ("(x+1)(x-1)", NotPolynomialError, "between ')' and '('"),
        ("x y", NotPolynomialError, "between 'x' and 'y'"),
        ("(x y)", NotPolynomialError, "between 'x' and 'y' at position 3"),
        ("2*(sin(x))", NotPolynomialError, "a name followed by '(' at position 6"),
        ("(x", NotPolynomialError, "the '(' at position 0 is never closed"),
        ("x)", NotPolynomialError, "unbalanced ')' at position 1"),
        ("x +", NotPolynomialError, "found the end of the text"),
        ("", NotPolynomialError, "an empty text"),
        ("*x", NotPolynomialError, "at position 0, found '*'"),
        ("x, y", NotPolynomialError, "',' at position 1"),
        ("[x]", NotPolynomialError, "lists are not expressions"),
        ("x == y", NotPolynomialError, "character '='"),
        ("x; y", NotPolynomialError, "character ';'"),
        ("'x'", NotPolynomialError, "character \"'\""),
        ("lambda", NotPolynomialError, "Python keyword"),
        ("True", NotPolynomialError, "Python keyword"),
        ("x.real", NotPolynomialError, "character '.'"),
        ("1_000*x", NotPolynomialError, "between '1' and '_000'"),
        ("0x10", NotPolynomialError, "between '0' and 'x10'"),
    ],
)
def test_bad_expressions(text, exc, fragment):
    with pytest.raises(exc) as info:
        parse_poly(text, PolyRing.get(("x", "y", "sin", "_000", "x10")), name="phi[0]")
    msg = str(info.value)
    assert fragment in msg and msg.startswith("phi[0]: ") and "\n" not in msg


@pytest.mark.parametrize(
    "char, code",
    [
        ("µ", "U+00B5 MICRO SIGN"),
        ("μ", "U+03BC GREEK SMALL LETTER MU"),
        ("ﬁ", "U+FB01 LATIN SMALL LIGATURE FI"),
        ("ℌ", "U+210C BLACK-LETTER CAPITAL H"),
        ("²", "U+00B2 SUPERSCRIPT TWO"),
        ("−", "U+2212 MINUS SIGN"),
        ("\u00a0", "U+00A0 NO-BREAK SPACE"),
        ("１", "U+FF11 FULLWIDTH DIGIT ONE"),
        ("٣", "U+0663 ARABIC-INDIC DIGIT THREE"),
        ("é", "U+00E9 LATIN SMALL LETTER E WITH ACUTE"),
    ],
)
def test_non_ascii_is_refused_naming_the_character(char, code):
    """Python's NFKC normalisation would merge µ with μ, ﬁ with fi, ℌ with H: nothing is merged."""
    text = f"x*{char}"
    with pytest.raises(NotPolynomialError, match=f"at position 2 is not allowed") as info:
        parse_expression(text)
    assert code in str(info.value)
    with pytest.raises(BadArgumentError, match="not an ASCII identifier"):
        check_name(f"a{char}")


def test_check_name():
    assert check_name("_x1") == "_x1"
    for bad, why in [("1x", "starts with a digit"), ("", "empty"), ("a-b", "'-'"), ("for", "keyword")]:
        with pytest.raises(BadArgumentError, match=why):
            check_name(bad)
    with pytest.raises(BadArgumentError, match="not a string"):
        check_name(3)


def test_split_components():
    assert split_components("x*y") == ["x*y"]
    assert split_components(" a , b,c ") == ["a", "b", "c"]
    for bad in ("x,", ",x", "x,,y", ","):
        with pytest.raises(NotPolynomialError, match="is empty"):
            split_components(bad)
    with pytest.raises(NotPolynomialError, match="lists are not expressions"):
        split_components("[x1,x2]")


# -- sizes ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, limit",
    [
        ("x**(10**9)", "max_degree"),
        ("x**1001", "max_degree"),
        ("(x**500)**3", "max_degree"),
        ("x**600*y**600", "max_degree"),
        ("2**5000", "max_degree"),
        ("(10**999)**2", "max_coefficient_digits"),
        ("99**1000", "max_coefficient_digits"),
        ("1/(10**999*10)", "max_coefficient_digits"),
        ("1" * 1001 + "*x", "max_coefficient_digits"),
        ("(x+y+z+1)**200", "max_terms"),
        ("(" * 101 + "x" + ")" * 101, "max_nesting"),
        ("-" * 101 + "x", "max_nesting"),
        ("2**" * 101 + "2", "max_nesting"),
    ],
)
def test_sizes_are_refused_before_the_work(text, limit):
    t0 = time.perf_counter()
    with pytest.raises(InputTooLargeError) as info, limits.override(max_terms=100_000):  # (fast test)
        parse_poly(text, R, name="phi[0]")
    assert info.value.limit == limit and f"over the limit {limit}=" in str(info.value)
    assert len(str(info.value)) < 400
    assert time.perf_counter() - t0 < 5  # at most max_terms term products are formed


def test_within_the_limits_and_override():
    assert parse_poly("x**1000", R).degree == 1000
    assert parse_poly("9**999", R) == 9**999
    p = parse_poly("(x + y + z)**10", R)
    assert len(p) == 66 and p.evaluate({"x": 1, "y": 1, "z": 1}) == 3**10  # C(12, 2) monomials
    with limits.override(max_degree=2000):
        assert parse_poly("x**2000", R).degree == 2000
    with pytest.raises(InputTooLargeError):
        parse_poly("x**2000", R)
    with limits.override(max_terms=10):
        with pytest.raises(InputTooLargeError, match="max_terms=10"):
            parse_poly("(x + y + z)**3", R)
        budget = limits.WorkBudget()  # one budget shared by several expressions
        parse_expression("(x + y)**2").to_poly(R, budget=budget)  # 4 term products
        with pytest.raises(InputTooLargeError, match="term products needed to expand the input is 16"):
            parse_expression("(x + z)*(y + z)*(x + y)").to_poly(R, budget=budget)  # 4 + 4 + 8


def test_long_flat_input_is_linear_time():
    names = [f"x{i}" for i in range(5000)]
    ring = PolyRing.get(names)
    t0 = time.perf_counter()
    p = parse_poly(" + ".join(names) + " - " + " - ".join(names[:10]), ring)
    assert len(p) == 4990 and time.perf_counter() - t0 < 3


def test_deep_nesting_within_the_limit_and_raised():
    assert parse_poly("(" * 100 + "x" + ")" * 100, R) == R.gens[0]
    with limits.override(max_nesting=20000):  # beyond Python's recursion: a clean error
        with pytest.raises(NotPolynomialError, match="nested too deeply"):
            parse_poly("(" * 20000 + "x" + ")" * 20000, R)


# -- sympy objects -------------------------------------------------------------------------------

x, y = sympy.symbols("x y")


@pytest.mark.parametrize(
    "expr, exc, fragment",
    [
        (sympy.sin(x), NotPolynomialError, "contains sin(x)"),
        (sympy.sqrt(2) * x, NotPolynomialError, "sqrt(2)"),
        (x / y, NotPolynomialError, "1/y"),
        (sympy.Float(0.5) * x, InexactValueError, "inexact"),
        (x ** (10**9), InputTooLargeError, "max_degree"),
        ((x + y + 1) ** 300, InputTooLargeError, "max_terms"),
        (x + sympy.Symbol("x", positive=True), NotPolynomialError, "two different sympy symbols"),
        (sympy.E * x, NotPolynomialError, "contains E"),
        (sympy.I * x, NotPolynomialError, "contains I"),
        (sympy.oo, NotPolynomialError, "oo"),
        (sympy.true, NotPolynomialError, "True"),
        (sympy.Symbol("z") * x, NotPolynomialError, "unknown names ['z']"),
    ],
)
def test_bad_sympy_objects(expr, exc, fragment):
    with pytest.raises(exc) as info, limits.override(max_terms=100_000):
        poly_from_sympy(PolyRing.get(("x", "y")), expr, "phi[0]")
    assert fragment in str(info.value) and str(info.value).startswith("phi[0]: ")


def test_sympy_names_must_be_ascii():
    with pytest.raises(BadArgumentError, match="U\\+00B5 MICRO SIGN"):
        expression_names(sympy.Symbol("µ") * x)
    assert expression_names(sympy.Symbol("b") * sympy.Symbol("a")) == ("a", "b")


def test_exp_calls_only_for_sympy_output_and_only_when_asked():
    e = parse_expression("exp(2*t)*x - t**3", functions=("exp",))
    assert e.names == ("t", "x")
    t = sympy.Symbol("t")
    assert e.to_sympy() == sympy.exp(2 * t) * x - t**3
    with pytest.raises(NotPolynomialError, match="calls exp"):
        e.to_poly(PolyRing.get(("t", "x")))
    with pytest.raises(NotPolynomialError, match="function calls are not allowed"):
        parse_expression("exp(t)")
    with pytest.raises(BadArgumentError, match="can be called"):
        parse_expression("system(t)", functions=("system",))
    with pytest.raises(InputTooLargeError):
        parse_expression("exp(t**2000)", functions=("exp",)).to_sympy()
