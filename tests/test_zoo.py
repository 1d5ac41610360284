"""Model zoo: convolution, attention, residual blocks — the known laws reproduced and proven."""

import pytest
import sympy

from lieflow import census
from lieflow.algebra import rank_qq
from lieflow.errors import BadArgumentError
from lieflow.laws import independent_laws, verify_law
from lieflow.models import linear, relu
from lieflow.models.zoo import attention, conv, resnet


def _same_span(ps, qs):
    """Exact: the polynomials ``ps`` and ``qs`` span the same QQ-vector space."""
    monos = sorted({m for p in ps + qs for m, _ in p.items()})
    vec = lambda p: [p.coeff(m) for m in monos]
    a, b = rank_qq([vec(p) for p in ps]), rank_qq([vec(q) for q in qs])
    return a == b == rank_qq([vec(p) for p in ps + qs])


def _polys(ring, exprs):
    return [ring.from_sympy(sympy.expand(e)) for e in exprs if sympy.expand(e) != 0]


def _S(name):
    return sympy.Symbol(name)


def _mat(rows, cols, fmt):
    return sympy.Matrix(rows, cols, lambda a, b: _S(fmt.format(a + 1, b + 1)))


# -- conv -----------------------------------------------------------------------------------------

CONV_SIZES = [(1, 1, 1, 1, 1), (1, 2, 1, 2, 2), (2, 2, 1, 2, 3), (2, 3, 2, 3, 2), (3, 2, 2, 2, 2)]


@pytest.mark.parametrize("sizes", CONV_SIZES)
def test_conv_one_law_per_hidden_channel(sizes):
    c0, c1, c2, nv, nu = sizes
    m = conv(*sizes)
    assert m.kind == "conv" and m.widths == sizes
    assert m.dim == c1 * (c0 * nv + c2 * nu)
    assert len(m.phi) == c0 * c1 * c2 * nv * nu
    c = census(m)
    assert c.proven and c.laws_lower == c.laws_upper == c1
    expected = [
        sum(_S(f"w{k}_{j}_{b}") ** 2 for k in range(1, c2 + 1) for b in range(1, nu + 1))
        - sum(_S(f"v{j}_{i}_{a}") ** 2 for i in range(1, c0 + 1) for a in range(1, nv + 1))
        for j in range(1, c1 + 1)
    ]
    assert _same_span([law.poly for law in c.laws], _polys(m.ring, expected))


def test_conv_path_lifting_and_verify():
    m = conv(2, 1, 1, 2, 1)
    assert m.parameters == ("v1_1_1", "v1_1_2", "v1_2_1", "v1_2_2", "w1_1_1")
    assert sorted(str(p) for p in m.phi) == sorted(f"v1_{i}_{a}*w1_1_1" for i in (1, 2) for a in (1, 2))
    assert census(m).verify()


# -- attention ------------------------------------------------------------------------------------


def _head_laws(d1, dim, h):
    Q, K, V, O = (_mat(d1, dim, f"{x}{h}" + "_{}_{}") for x in "qkvo")
    A, B = Q * Q.T - K * K.T, V * V.T - O * O.T
    return [A[a, b] for a in range(d1) for b in range(a, d1)] + [B[a, b] for a in range(d1) for b in range(a, d1)]


@pytest.mark.parametrize("d1,dim", [(1, 1), (1, 2), (2, 2), (2, 3), (3, 2)])
def test_attention_single_head(d1, dim):
    m = attention(d1, dim)
    assert m.kind == "attention" and m.widths == (d1, dim, 1) and m.dim == 4 * d1 * dim
    c = census(m)
    assert d1 <= 2 * dim  # the closed form's range (a 2-layer linear net [dim, d1, dim] per product)
    assert c.proven and c.laws_lower == d1 * (d1 + 1)
    assert _same_span([law.poly for law in c.laws], _polys(m.ring, _head_laws(d1, dim, 1)))


@pytest.mark.parametrize("d1,dim", [(1, 1), (1, 2), (2, 2), (1, 3), (2, 3)])
def test_multihead_has_only_the_per_head_laws(d1, dim):
    """H = 2, each head its own softmax: proven, no law beyond the per-head ones."""
    m = attention(d1, dim, heads=2)
    c = census(m)
    assert c.proven and c.laws_upper == 2 * d1 * (d1 + 1)
    per_head = _head_laws(d1, dim, 1) + _head_laws(d1, dim, 2)
    assert _same_span([law.poly for law in c.laws], _polys(m.ring, per_head))


@pytest.mark.parametrize("d1,dim", [(1, 1), (1, 2), (2, 2), (1, 3), (2, 3)])
def test_multihead_shared_softmax_has_cross_head_laws(d1, dim):
    """φ = Σ_h Q_h^T K_h, Σ_h V_h^T O_h: a single head of width 2 d1, so the laws are the entries
    of Q̃Q̃^T − K̃K̃^T and ṼṼ^T − ÕÕ^T with the heads stacked — strictly more than per head."""
    m = attention(d1, dim, heads=2, share_softmax=True)
    c = census(m)
    w = 2 * d1
    assert w <= 2 * dim
    assert c.proven and c.laws_upper == w * (w + 1)
    assert c.laws_upper > 2 * d1 * (d1 + 1)
    stack = lambda x: _mat(d1, dim, f"{x}1" + "_{}_{}").col_join(_mat(d1, dim, f"{x}2" + "_{}_{}"))
    A = stack("q") * stack("q").T - stack("k") * stack("k").T
    B = stack("v") * stack("v").T - stack("o") * stack("o").T
    expected = _polys(m.ring, [M[a, b] for M in (A, B) for a in range(w) for b in range(a, w)])
    # each stacked entry is a law, and they alone reach the proven count (the quadratic law space
    # can be larger, e.g. q1 k2 − k1 q2 for d1 = dim = 1, but adds no independent law)
    assert all(verify_law(h, c.system.generators) for h in expected)
    assert len(independent_laws(expected, c.certificate.point)) == c.laws_upper
    assert c.verify()


# -- resnet ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("widths", [(1, 1), (2, 1), (1, 2), (2, 2), (3, 2)])
@pytest.mark.parametrize("activation", ["linear", "relu"])
def test_residual_block_has_the_laws_of_its_branch(widths, activation):
    """A block has the laws of its branch x ↦ σ(x V) U: the linear net's V^T V − U U^T, or, with
    ReLU (every activation region), the path lifting's one law per hidden unit."""
    n, m = widths
    block = census(resnet(widths, activation=activation))
    branch = census((linear if activation == "linear" else relu)([n, m, n]))  # V = U_1, U = U_2
    assert branch.laws_lower == (m * (m + 1) // 2 if activation == "linear" else m)
    assert block.proven and branch.proven and block.laws_lower == branch.laws_lower
    rename = {f"u1_{i}_{j}": f"v1_{i}_{j}" for i in range(1, n + 1) for j in range(1, m + 1)}
    rename.update({f"u2_{j}_{i}": f"u1_{j}_{i}" for i in range(1, n + 1) for j in range(1, m + 1)})
    subs = {_S(a): _S(b) for a, b in rename.items()}
    ring = block.system.ring
    assert _same_span([law.poly for law in block.laws], _polys(ring, [law.expr.xreplace(subs) for law in branch.laws]))


def _third_law(b1, b2):
    u1, v1, u2, v2 = (_S(f"u{b1}_1_1"), _S(f"v{b1}_1_1"), _S(f"u{b2}_1_1"), _S(f"v{b2}_1_1"))
    return (u1**2 + v1**2 - u2**2 - v2**2) / 4 + (sympy.log(u1 + v1) - sympy.log(u1 - v1)) / 2 - (
        sympy.log(u2 + v2) - sympy.log(u2 - v2)
    ) / 2


@pytest.mark.parametrize("blocks", [2, 3, 4])
def test_scalar_linear_blocks_have_more_laws_than_the_blocks(blocks):
    """B linear scalar blocks: φ = Π(1 + v_b u_b) is one polynomial, so the flow has one generator X,
    Lie(X) = span{X} has rank 1 wherever X ≠ 0, and there are exactly D − 1 = 2B − 1 laws
    (flow-box theorem) where the blocks' laws u_b² − v_b² give B.  The census proves the upper
    bound and finds the B polynomial laws; the other B − 1 are transcendental (logarithms of
    u_b + v_b), checked here, and found by the census's search for laws with logarithms.
    (With ReLU every mask adds generators and only the B block laws remain: test_piecewise.)"""
    m = resnet(1, blocks=blocks, activation="linear")
    c = census(m)
    assert len(c.system.generators) == 1 and c.lie_rank == 1 and c.closure_reason == "closed"
    assert c.laws_upper == 2 * blocks - 1
    polynomial = [law.poly for law in c.laws if law.is_polynomial]
    assert len(polynomial) == blocks  # the polynomial ones (degree 2)
    assert c.laws_lower == 2 * blocks - 1 and c.laws_complete  # and B - 1 with logarithms
    block_laws = [_S(f"u{b}_1_1") ** 2 - _S(f"v{b}_1_1") ** 2 for b in range(1, blocks + 1)]
    assert _same_span(polynomial, _polys(m.ring, block_laws))
    (X,) = c.system.generator_exprs()
    syms = m.ring.sympy_symbols()
    for b in range(2, blocks + 1):
        h = _third_law(1, b)
        assert sympy.simplify(sum(sympy.diff(h, s) * x for s, x in zip(syms, X))) == 0
    assert c.verify()


def test_two_scalar_blocks_three_laws_independent():
    """The three laws of two scalar blocks are independent (gradient rank 3 at a point)."""
    m = resnet(1, blocks=2)
    syms = m.ring.sympy_symbols()
    laws = [_S("u1_1_1") ** 2 - _S("v1_1_1") ** 2, _S("u2_1_1") ** 2 - _S("v2_1_1") ** 2, _third_law(1, 2)]
    pt = dict(zip(syms, [sympy.Rational(3), sympy.Rational(1, 2), sympy.Rational(5, 3), sympy.Rational(-2, 7)]))
    rows = [[sympy.nsimplify(sympy.diff(h, s).subs(pt)) for s in syms] for h in laws]
    assert sympy.Matrix(rows).rank() == 3


@pytest.mark.parametrize("widths,blocks", [((2, 1), 2), ((2, 2), 2), ((2, 1), 3)])
def test_resnet_vector_stacks_have_exactly_the_block_laws(widths, blocks):
    """Measured (not from the paper): for n = 2 the stack's laws are the union of the blocks'
    laws, the entries of V_b^T V_b − U_b U_b^T — the extra laws are a scalar (n = 1) effect."""
    n, m = widths
    model = resnet(widths, blocks=blocks)
    c = census(model)
    assert c.proven and c.laws_lower == blocks * m * (m + 1) // 2
    expected = []
    for b in range(1, blocks + 1):
        V, U = _mat(n, m, f"v{b}" + "_{}_{}"), _mat(m, n, f"u{b}" + "_{}_{}")
        G = V.T * V - U * U.T
        expected += [G[i, j] for i in range(m) for j in range(i, m)]
    assert _same_span([law.poly for law in c.laws], _polys(model.ring, expected))


# -- bad inputs -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call,arg",
    [
        (lambda: conv(0, 1, 1, 1, 1), "c0"),
        (lambda: conv(1, 1, 1, 1, -2), "nu"),
        (lambda: conv(1, 1.5, 1, 1, 1), "c1"),
        (lambda: conv(1, 1, True, 1, 1), "c2"),
        (lambda: attention(0, 2), "d1"),
        (lambda: attention(1, 0), "dim"),
        (lambda: attention(1, 1, heads=0), "heads"),
        (lambda: attention(1, 1, share_softmax="yes"), "share_softmax"),
        (lambda: resnet(0), "widths"),
        (lambda: resnet((2, 2, 2)), "widths"),
        (lambda: resnet("2"), "widths"),
        (lambda: resnet(2, blocks=0), "blocks"),
        (lambda: resnet(2, activation="tanh"), "activation"),
    ],
)
def test_bad_inputs_name_the_argument(call, arg):
    with pytest.raises(BadArgumentError) as info:
        call()
    assert info.value.name == arg and str(info.value).startswith(arg + ":")
