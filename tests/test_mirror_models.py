"""NMF and ICNN (lieflow.models.mirror): mirror-metric models, their laws and proven counts.

Closed forms (derived by hand, checked here):

- NMF, ``φ = U1 U2``, ``P = diag(θ)``: the field of ``φ_ij = Σ_k a_ik c_kj`` is
  ``Σ_k a_ik c_kj (∂/∂a_ik + ∂/∂c_kj)``, which annihilates ``h_k = Σ_i a_ik − Σ_j c_kj``.
- ICNN (ReLU path lifting, ``P = θ`` on ``U2`` only): the path ``a_ik c_kj`` gives
  ``c_kj ∂/∂a_ik + a_ik c_kj ∂/∂c_kj`` and the bias path ``b_k c_kj`` gives
  ``c_kj ∂/∂b_k + b_k c_kj ∂/∂c_kj``; both annihilate ``h_k = Σ_i a_ik² + b_k² − 2 Σ_j c_kj``.
"""

from fractions import Fraction

import pytest

from lieflow.algebra import PolyRing, VectorField
from lieflow.closure import closure, random_point
from lieflow.dynamics import gradient_flow, make_system
from lieflow.errors import BadArgumentError
from lieflow.laws import independent_laws, polynomial_laws, verify_law
from lieflow.models import icnn, linear, mirror, nmf, relu

NMF_SIZES = [[2, 2, 2], [2, 3, 3], [3, 4, 5], [4, 6, 4]]
ICNN_SIZES = [[2, 3, 2], [3, 4, 2], [1, 2, 1], [2, 2, 3]]


def nmf_laws(widths):
    n0, n1, n2 = widths
    R = PolyRing.get(linear(widths).parameters)
    g = {n: p for n, p in zip(R.symbols, R.gens)}
    return {
        sum((g[f"u1_{i}_{k}"] for i in range(1, n0 + 1)), R.zero())
        - sum((g[f"u2_{k}_{j}"] for j in range(1, n2 + 1)), R.zero())
        for k in range(1, n1 + 1)
    }


def icnn_laws(widths, bias):
    n0, n1, n2 = widths
    R = PolyRing.get(relu(widths, bias=bias).parameters)
    g = {n: p for n, p in zip(R.symbols, R.gens)}
    out = set()
    for k in range(1, n1 + 1):
        h = sum((g[f"u1_{i}_{k}"] ** 2 for i in range(1, n0 + 1)), R.zero())
        if bias:
            h = h + g[f"b1_{k}"] ** 2
        out.add(h - sum((g[f"u2_{k}_{j}"] for j in range(1, n2 + 1)), R.zero()) * 2)
    return out


def bounds(model, *, target=True, seed=0, degree=2):
    """(D, upper, independent laws): closure stopped at D - #laws (as census does) or run to the end."""
    s = gradient_flow(model)
    D = s.ambient_dim
    laws = independent_laws(polynomial_laws(s.generators, degree=degree), random_point(D, seed))
    c = closure(s.generators, names=s.generator_names, seed=seed, target_rank=D - len(laws) if target else None)
    assert c.reason in (("target", "closed", "full") if target else ("closed", "full"))
    return D, D - c.rank, laws


# -- construction ---------------------------------------------------------------------------------


def test_nmf_model():
    m = nmf([2, 3, 4])
    base = linear([2, 3, 4])
    assert (m.kind, m.name, m.widths, m.bias) == ("nmf", "nmf[2, 3, 4]", (2, 3, 4), False)
    assert m.ring is base.ring and m.phi == base.phi
    assert m.metric.kind == "mirror" and m.metric.mirrored == tuple(range(m.dim))
    assert m.metric == linear([2, 3, 4], metric="mirror").metric
    assert nmf([2, 3, 4]) == nmf((2, 3, 4)) and hash(nmf([2, 3, 4])) == hash(nmf([2, 3, 4]))


@pytest.mark.parametrize("bias", [False, True])
def test_icnn_model(bias):
    m = icnn([2, 3, 2], bias=bias)
    base = relu([2, 3, 2], bias=bias)
    assert (m.kind, m.bias) == ("icnn", bias)
    assert m.name == "icnn[2, 3, 2]" + ("+bias" if bias else "")
    assert m.ring is base.ring and m.phi == base.phi
    assert m.metric.kind == "mirror" and m.metric.name == "mirror(layers=[2])"
    assert set(m.metric.mirrored_names) == {n for n in m.parameters if n.startswith("u2_")}
    assert m.metric == relu([2, 3, 2], bias=bias, metric=mirror(layers=[2])).metric
    # the flow: P = θ on U2, 1 on U1 and b
    s = gradient_flow(m)
    assert s.describe()["metric"] == "mirror"
    assert s.generators == tuple(m.metric.apply(g) for g in gradient_flow(base).generators)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: nmf([2, 3]), r"widths: nmf needs exactly 3 widths \[n0, n1, n2\] \(two factors\), got \[2, 3\]"),
        (lambda: nmf([2, 3, 3, 2]), "widths: nmf needs exactly 3 widths"),
        (lambda: nmf([2, 0, 3]), "widths: every width must be an integer >= 1"),
        (lambda: nmf("233"), "widths: expected a sequence of integers"),
        (lambda: icnn([2, 3]), "widths: icnn needs exactly 3 widths"),
        (lambda: icnn([2, 3, 2, 2], bias=True), "widths: icnn needs exactly 3 widths"),
        (lambda: icnn([2, 3, 2], bias=1), "bias: must be True or False"),
    ],
)
def test_bad_widths(call, message):
    with pytest.raises(BadArgumentError, match=message):
        call()


# -- NMF: one law per hidden unit -------------------------------------------------------------------


@pytest.mark.parametrize("widths", NMF_SIZES)
def test_nmf_laws_proven(widths):
    n1 = widths[1]
    D, upper, laws = bounds(nmf(widths))
    assert set(laws) == nmf_laws(widths)  # degree-1 laws are chosen first: exactly the closed form
    assert upper == len(laws) == n1
    assert all(h.degree == 1 for h in laws)
    # the degree-1 law space is exactly their span
    assert set(polynomial_laws(gradient_flow(nmf(widths)).generators, degree=1)) == nmf_laws(widths)


@pytest.mark.parametrize("widths", [[2, 2, 2], [2, 3, 3], [3, 4, 5]])
def test_nmf_closure_without_target(widths):
    D, upper, laws = bounds(nmf(widths), target=False, seed=3)
    assert upper == widths[1] and D == widths[0] * widths[1] + widths[1] * widths[2]


def test_nmf_single_output_is_not_assumed():
    # nmf[1, r, 1] has one generator: D - 1 = 2r - 1 laws, of which only r are polynomial
    # (the others are logarithmic: δ_j log(a_k/c_k) − δ_k log(a_j/c_j) with δ = a − c)
    D, upper, laws = bounds(nmf([1, 2, 1]))
    assert (D, upper, len(laws)) == (4, 3, 2)
    assert set(laws) == nmf_laws([1, 2, 1])


# -- ICNN: one law per hidden neuron -----------------------------------------------------------------


@pytest.mark.parametrize("bias", [False, True])
@pytest.mark.parametrize("widths", ICNN_SIZES)
def test_icnn_laws_proven(widths, bias):
    m = icnn(widths, bias=bias)
    expected = icnn_laws(widths, bias)
    assert all(verify_law(h, gradient_flow(m).generators) for h in expected)
    D, upper, laws = bounds(m)
    assert set(laws) == expected
    assert upper == len(laws) == widths[1]


@pytest.mark.parametrize("bias", [False, True])
def test_icnn_closure_without_target(bias):
    D, upper, laws = bounds(icnn([2, 3, 2], bias=bias), target=False, seed=5)
    assert upper == 3 and len(laws) == 3


def test_icnn_euclidean_law_is_not_a_law():
    # the Euclidean ReLU law ‖u1_col‖² − ‖u2_row‖² is broken by the mirror metric on U2
    m = icnn([2, 2, 2])
    R = m.ring
    g = dict(zip(R.symbols, R.gens))
    euclid = g["u1_1_1"] ** 2 + g["u1_2_1"] ** 2 - g["u2_1_1"] ** 2 - g["u2_1_2"] ** 2
    assert not verify_law(euclid, gradient_flow(m).generators)
    assert verify_law(euclid, gradient_flow(relu([2, 2, 2])).generators)


# -- census (when lieflow.census exists) ----------------------------------------------------------


def _census():
    return pytest.importorskip("lieflow.census", reason="lieflow.census is not in this build").census


@pytest.mark.parametrize(
    "model, count",
    [(nmf([2, 3, 3]), 3), (nmf([3, 4, 5]), 4), (icnn([2, 3, 2]), 3), (icnn([3, 4, 2], bias=True), 4)],
    ids=str,
)
def test_census_gradient(model, count):
    c = _census()(model)
    assert (c.laws_lower, c.laws_upper, c.proven) == (count, count, True)
    assert c.system.describe()["metric"] == "mirror"
    expected = nmf_laws(model.widths) if model.kind == "nmf" else icnn_laws(model.widths, model.bias)
    assert {law.poly for law in c.laws} == expected
    assert c.verify()


# -- momentum: no law survives ----------------------------------------------------------------------


def _momentum():
    return pytest.importorskip(
        "lieflow.dynamics.momentum", reason="momentum flows (lieflow.dynamics.momentum) are not in this build"
    )


@pytest.mark.parametrize(
    "model, options",
    [
        (nmf([2, 2, 2]), {}),
        (nmf([2, 3, 3]), {"tau": "1/2"}),
        (nmf([2, 2, 2]), {"damping": "none"}),
        (nmf([2, 2, 2]), {"damping": "nesterov"}),
        (icnn([2, 3, 2]), {}),
        (icnn([2, 3, 2], bias=True), {"damping": "none"}),
        (icnn([2, 2, 2], bias=True), {"damping": "nesterov", "alpha": 2}),
    ],
    ids=lambda x: str(x),
)
def test_momentum_has_no_law(model, options):
    _momentum()
    s = make_system(model, flow="momentum", **options)
    n = s.ambient_dim
    assert n == 2 * model.dim + 1
    assert s.find_laws() == ()
    c = closure(s.generators, names=s.generator_names, seed=0)
    assert c.rank == n and c.reason == "full"  # upper bound 0 = lower bound: proven


def test_momentum_forcing_fields_use_mirror_rule():
    # θ'' + τθ' = −diag(τθ + θ')∇L on the mirrored U2, −∇L on U1 and b (DESIGN §3)
    _momentum()
    m = icnn([1, 1, 1], bias=True)  # parameters a = u1_1_1, c = u2_1_1, b = b1_1; mirror on c
    s = make_system(m, flow="momentum", tau="1/2")
    a, c, b, va, vc, vb, S = s.ring.gens
    Y = dict(zip(s.generator_names, s.generators))
    w = c * Fraction(1, 2) + vc
    # φ1 = a c, ∇φ1 = (c, a, 0)
    assert Y["Y1"] == VectorField(s.ring, {"v_u1_1_1": c, "v_u2_1_1": w * a})
    # φ2 = b c, ∇φ2 = (0, b, c)
    assert Y["Y2"] == VectorField(s.ring, {"v_u2_1_1": w * b, "v_b1_1": c})
    # no damping: w = v_c
    s0 = make_system(m, flow="momentum", damping="none")
    a, c, b, va, vc, vb, t = s0.ring.gens
    assert dict(zip(s0.generator_names, s0.generators))["Y1"] == VectorField(s0.ring, {"v_u1_1_1": c, "v_u2_1_1": vc * a})


def test_momentum_census_nmf():
    _momentum()
    c = _census()(nmf([2, 2, 2]), flow="momentum")
    assert (c.ambient_dim, c.laws_lower, c.laws_upper, c.proven) == (17, 0, 0, True)
    assert c.verify()


def test_momentum_identity_metric_matches_euclidean():
    _momentum()
    census = _census()
    ident = [[1 if i == j else 0 for j in range(10)] for i in range(10)]
    for options in ({}, {"damping": "nesterov"}):
        a = census(linear([2, 2, 3]), flow="momentum", **options)
        b = census(linear([2, 2, 3], metric=ident), flow="momentum", **options)
        assert (a.laws_lower, a.laws_upper, a.proven) == (b.laws_lower, b.laws_upper, b.proven) == (1, 1, True)
        assert [str(law) for law in a.laws] == [str(law) for law in b.laws]
