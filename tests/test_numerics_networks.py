"""Real networks: parameter conventions, losses, hand-written gradients and Hessian products."""

import pytest

np = pytest.importorskip("numpy")
pytest.importorskip("scipy")

from lieflow.errors import BadArgumentError  # noqa: E402
from lieflow.numerics.networks import (  # noqa: E402
    finite_difference_gradient,
    initial_parameters,
    network,
    parameter_names,
)

CASES = [
    ("linear", [2, 3, 2], False, "square"),
    ("linear", [2, 2, 3, 1], False, "cross-entropy"),
    ("relu", [2, 3, 2], False, "square"),
    ("relu", [3, 2, 2, 2], True, "cross-entropy"),
    ("relu", [2, 3, 1], True, "cross-entropy"),  # logistic loss on one output
    ("nmf", [3, 2, 4], False, "square"),
    ("icnn", [2, 3, 1], True, "square"),
]


@pytest.mark.parametrize("kind,widths,bias,loss", CASES)
def test_gradient_matches_finite_differences(kind, widths, bias, loss):
    net = network(kind, widths, bias=bias, loss=loss, seed=3)
    theta = initial_parameters(net, seed=4)
    fd = finite_difference_gradient(net.loss, theta)
    assert np.allclose(net.gradient(theta), fd, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("kind,widths,bias,loss", CASES)
def test_complex_step_hvp_matches_central_differences(kind, widths, bias, loss):
    net = network(kind, widths, bias=bias, loss=loss, seed=5)
    theta = initial_parameters(net, seed=6)
    v = np.random.default_rng(0).standard_normal(net.dim)
    exact = net.hvp(theta, v)
    assert np.allclose(exact, net.hvp(theta, v, method="central"), rtol=1e-6, atol=1e-8)


def test_custom_model_gradient_and_features():
    net = network("custom", phi=["a*b*c", "a**2 - c"], seed=1)
    assert net.parameters == ("a", "b", "c")
    theta = np.array([0.5, -1.0, 2.0])
    assert net.features(theta).tolist() == [-1.0, -1.75]
    assert np.allclose(net.gradient(theta), finite_difference_gradient(net.loss, theta), atol=1e-8)
    v = np.array([1.0, 0.5, -0.25])
    assert np.allclose(net.hvp(theta, v), net.hvp(theta, v, method="central"), atol=1e-7)


def test_parameter_order_and_forward_convention():
    net = network("relu", [2, 3, 2], bias=True, seed=0)
    assert net.parameters == parameter_names([2, 3, 2], bias=True)
    assert net.parameters[:3] == ("u1_1_1", "u1_1_2", "u1_1_3")
    assert net.parameters[6] == "u2_1_1" and net.parameters[-3:] == ("b1_1", "b1_2", "b1_3")
    theta = initial_parameters(net, seed=1)
    (U1, U2), (b1,) = net.unpack(theta)
    assert U1.shape == (2, 3) and U2.shape == (3, 2) and b1.shape == (3,)
    assert U1[1, 0] == theta[net.parameters.index("u1_2_1")]
    x = net.X[:1]
    expected = np.maximum(x @ U1 + b1, 0) @ U2
    assert np.allclose(net.output(theta, x), expected)
    assert np.array_equal(net.pack([U1, U2], [b1]), theta)


def test_linear_network_is_the_matrix_product():
    net = network("linear", [2, 2, 2, 3], seed=0)
    theta = initial_parameters(net, seed=0)
    Us, bs = net.unpack(theta)
    assert bs == []
    assert np.allclose(net.output(theta), net.X @ Us[0] @ Us[1] @ Us[2])


def test_data_are_seeded():
    a, b = network("relu", [2, 3, 2], seed=7), network("relu", [2, 3, 2], seed=7)
    assert np.array_equal(a.X, b.X) and np.array_equal(a.Y, b.Y)
    assert not np.array_equal(a.X, network("relu", [2, 3, 2], seed=8).X)
    assert np.array_equal(initial_parameters(a, seed=2), initial_parameters(b, seed=2))


def test_mirror_coordinates():
    nmf = network("nmf", [3, 2, 3])
    assert nmf.mirror_mask.all() and nmf.default_metric == "mirror"
    assert np.array_equal(nmf.X, np.eye(3)) and (nmf.Y >= 0).all()
    icnn = network("icnn", [2, 3, 1], bias=True)
    names = [n for n, m in zip(icnn.parameters, icnn.mirror_mask) if m]
    assert names == ["u2_1_1", "u2_2_1", "u2_3_1"]
    assert (initial_parameters(icnn, seed=1)[icnn.mirror_mask] > 0).all()
    assert network("linear", [2, 2]).default_metric == "euclidean"


def test_network_from_a_model_like_object():
    class FakeModel:
        kind, widths, bias = "relu", (2, 2, 1), True
        parameters = parameter_names([2, 2, 1], bias=True)

    net = network(FakeModel(), seed=0)
    assert net.kind == "relu" and net.bias and net.parameters == FakeModel.parameters

    class Shuffled(FakeModel):
        parameters = tuple(reversed(FakeModel.parameters))

    with pytest.raises(BadArgumentError):
        network(Shuffled())


@pytest.mark.parametrize(
    "call",
    [
        lambda: network("conv", [2, 2]),
        lambda: network("linear", [2]),
        lambda: network("linear", [2, 0, 1]),
        lambda: network("linear", [2, 2], bias=True),
        lambda: network("nmf", [2, 2, 2, 2]),
        lambda: network("relu", [2, 2], loss="hinge"),
        lambda: network("custom", phi=[]),
        lambda: network("custom", phi=["a*b"], params=["a"]),
    ],
)
def test_bad_arguments(call):
    with pytest.raises(BadArgumentError):
        call()
