"""Model catalog: parameter names and order, path lifting, bad input."""

import itertools

import pytest
import sympy

from lieflow.errors import BadArgumentError, InexactValueError, LieflowError, NotPolynomialError
from lieflow.models import custom, linear, relu


def test_linear_names_and_phi():
    m = linear([2, 3, 1])
    assert m.parameters == ("u1_1_1", "u1_1_2", "u1_1_3", "u1_2_1", "u1_2_2", "u1_2_3", "u2_1_1", "u2_2_1", "u2_3_1")
    U1 = sympy.Matrix(2, 3, sympy.symbols("u1_1_1 u1_1_2 u1_1_3 u1_2_1 u1_2_2 u1_2_3"))
    U2 = sympy.Matrix(3, 1, sympy.symbols("u2_1_1 u2_2_1 u2_3_1"))
    assert [p.as_expr() for p in m.phi] == list(U1 * U2)


@pytest.mark.parametrize("widths", [[2, 2, 2], [2, 3, 2, 2], [1, 2, 3, 1]])
def test_relu_path_lifting_counts_paths(widths):
    m = relu(widths)
    paths = 1
    for n in widths:
        paths *= n
    assert len(m.phi) == paths and len(set(m.phi)) == paths
    assert all(p.degree == len(widths) - 1 for p in m.phi)
    assert m.dim == sum(a * b for a, b in zip(widths, widths[1:]))


def test_relu_bias_paths():
    m = relu([2, 3, 2], bias=True)
    assert m.parameters[-3:] == ("b1_1", "b1_2", "b1_3")
    assert len(m.phi) == 2 * 3 * 2 + 3 * 2
    # a bias path: b1_k times an outgoing weight of unit k
    assert any(str(p) == "u2_2_1*b1_2" for p in m.phi)
    deep = relu([1, 2, 2, 1], bias=True)
    assert len(deep.phi) == 4 + 2 * 2 + 2  # input paths, layer-1 bias paths, layer-2 bias paths


def test_custom_accepts_expressions_strings_dicts():
    a = custom(["x*y", "y*z"])
    b = custom([sympy.sympify("x*y"), sympy.sympify("y*z")])
    c = custom([{(1, 1, 0): 1}, {"y": 1, "z": 1} and {(0, 1, 1): 1}], params=["x", "y", "z"])
    assert a.phi == b.phi == c.phi
    assert custom(["b*a"]).parameters == ("a", "b")
    assert custom(["x*y"], params=["y", "x"]).parameters == ("y", "x")


@pytest.mark.parametrize(
    "call, err, msg",
    [
        (lambda: linear([2]), BadArgumentError, "at least 2 widths"),
        (lambda: linear([2, 0, 1]), BadArgumentError, r"widths: every width must be an integer >= 1, got \[2, 0, 1\]"),
        (lambda: linear([2, 1.5]), BadArgumentError, "widths"),
        (lambda: linear("22"), BadArgumentError, "widths"),
        (lambda: relu([2, 2], bias="yes"), BadArgumentError, "bias"),
        (lambda: custom([]), BadArgumentError, "phi"),
        (lambda: custom(["x*y"], params=["x", "x", "y"]), BadArgumentError, "duplicate"),
        (lambda: custom(["x*y"], params=["x"]), NotPolynomialError, "unknown names"),
        (lambda: custom(["sin(x)"]), NotPolynomialError, "phi"),
        (lambda: custom(["x/y"]), NotPolynomialError, "phi"),
        (lambda: custom(["0.5*x*y"]), InexactValueError, "phi"),
        (lambda: custom(["3"], params=["x"]), BadArgumentError, "non-constant"),
        (lambda: custom(["x*y"], params=["1x"]), BadArgumentError, "identifier"),
    ],
)
def test_bad_input(call, err, msg):
    with pytest.raises(err, match=msg) as info:
        call()
    assert isinstance(info.value, LieflowError)
