"""Piecewise models: the flow moves along the fields of every activation region.

Each test compares lieflow's φ with an independent construction: the brute-force union over every
activation mask (built here with plain sympy matrices), closed-form per-neuron laws, or the real
piecewise network's gradient flow integrated numerically.
"""

import itertools
import json

import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

from lieflow import census, census_from_json
from lieflow.algebra import PolyRing, gradient_field, rank_qq
from lieflow.cli import main
from lieflow.dynamics import make_system
from lieflow.errors import BadArgumentError, InexactValueError, NotPolynomialError, VerificationError
from lieflow.models import Model, conv, custom, icnn, relu, resnet
from lieflow.strategies import polys

RING = PolyRing.get(("x", "y", "z"))  # the variables lieflow.strategies draws by default


def _same_span(ps, qs):
    """Exact: the polynomials ``ps`` and ``qs`` span the same QQ-vector space."""
    monos = sorted({m for p in list(ps) + list(qs) for m, _ in p.items()})
    vec = lambda p: [p.coeff(m) for m in monos]  # noqa: E731
    a, b = rank_qq([vec(p) for p in ps]), rank_qq([vec(q) for q in qs])
    return a == b == rank_qq([vec(p) for p in list(ps) + list(qs)])


def _polys(ring, exprs):
    return [ring.from_sympy(e) for e in (sympy.expand(x) for x in exprs) if e != 0]


def _nonconstant(e):
    """``e`` without its constant term (constants have no gradient)."""
    e = sympy.expand(e)
    return sympy.expand(e - e.subs({s: 0 for s in e.free_symbols}))


def _S(name):
    return sympy.Symbol(name)


def _mat(rows, cols, fmt):
    return sympy.Matrix(rows, cols, lambda a, b: _S(fmt.format(a + 1, b + 1)))


def _per_neuron_resnet_laws(n, m, blocks):
    """‖V_b[:, j]‖² − ‖U_b[j, :]‖² for every block b and hidden unit j."""
    out = []
    for b in range(1, blocks + 1):
        V, U = _mat(n, m, f"v{b}" + "_{}_{}"), _mat(m, n, f"u{b}" + "_{}_{}")
        out += [(V[:, j].T * V[:, j])[0] - (U[j, :] * U[j, :].T)[0] for j in range(m)]
    return out


# -- one residual ReLU block ----------------------------------------------------------------------


@pytest.mark.parametrize("n,m", [(2, 2), (2, 3), (1, 1), (3, 2), (2, 1), (3, 3)])
def test_relu_block_has_one_law_per_hidden_unit(n, m):
    model = resnet((n, m), blocks=1, activation="relu")
    c = census(model)
    assert c.proven and c.laws_lower == c.laws_upper == m
    assert _same_span([h.poly for h in c.laws], _polys(model.ring, _per_neuron_resnet_laws(n, m, 1)))


def test_the_two_counts_of_the_brief():
    assert census(resnet(2, blocks=1, activation="relu")).laws_upper == 2
    c = census(resnet((2, 3), blocks=1, activation="relu"))
    assert c.proven and c.laws_lower == c.laws_upper == 3
    # the all-active region alone (the linear block) has m(m+1)/2 = 6: the cross-neuron laws too
    assert census(resnet((2, 3), blocks=1, activation="linear")).laws_upper == 6


def test_relu_block_phi_is_the_path_lifting_of_its_branch():
    """One block: the C_T are the products V[i, j] U[j, k], the ReLU path lifting of x ↦ σ(xV)U."""
    model = resnet((2, 3), activation="relu")
    names = {f"u1_{i}_{j}": f"v1_{i}_{j}" for i in range(1, 3) for j in range(1, 4)}
    names.update({f"u2_{j}_{i}": f"u1_{j}_{i}" for i in range(1, 3) for j in range(1, 4)})
    branch = [p.as_expr().xreplace({_S(a): _S(b) for a, b in names.items()}) for p in relu([2, 3, 2]).phi]
    assert sorted(map(str, model.phi)) == sorted(map(str, _polys(model.ring, branch)))


# -- stacked blocks against the brute-force union of masks ----------------------------------------


def _resnet_mask_regions(n, m, blocks):
    """φ_S = Π_b (I + V_b D_{S_b} U_b) for every mask S (sympy), without constants; empty ones dropped."""
    mats = [(_mat(n, m, f"v{b}" + "_{}_{}"), _mat(m, n, f"u{b}" + "_{}_{}")) for b in range(1, blocks + 1)]
    regions = []
    for mask in itertools.product((0, 1), repeat=m * blocks):
        total = sympy.eye(n)
        for b, (V, U) in enumerate(mats):
            total = total * (sympy.eye(n) + V * sympy.diag(*mask[b * m : (b + 1) * m]) * U)
        entries = [e for e in (_nonconstant(x) for x in total) if e != 0]
        if entries:
            regions.append(entries)
    return regions


@pytest.mark.parametrize("n,m,blocks", [(1, 1, 2), (1, 1, 3), (2, 1, 2), (2, 2, 2), (1, 2, 2), (2, 1, 3)])
def test_resnet_relu_agrees_with_the_union_of_every_mask(n, m, blocks):
    model = resnet((n, m), blocks=blocks, activation="relu")
    regions = _resnet_mask_regions(n, m, blocks)
    assert len(regions) == 2 ** (m * blocks) - 1  # every nonempty mask changes φ
    brute = custom(regions=regions, params=model.parameters)
    # the same span of polynomials (Möbius inversion), hence the same fields ...
    assert _same_span(model.phi, brute.phi)
    assert len(model.phi) == n * n * ((1 + m) ** blocks - 1)
    # ... the same Lie rank, law count and laws
    a, b = census(model), census(brute)
    assert a.proven and b.proven
    assert (a.lie_rank, a.laws_upper) == (b.lie_rank, b.laws_upper)
    assert _same_span([h.poly for h in a.laws], [h.poly for h in b.laws])
    assert b.verify()


@pytest.mark.parametrize("n,m,blocks", [(2, 2, 2), (2, 1, 3), (3, 2, 2), (1, 1, 4)])
def test_stacked_relu_blocks_have_the_per_neuron_laws(n, m, blocks):
    """Measured: with every mask combination, a ReLU stack keeps one law per hidden unit."""
    model = resnet((n, m), blocks=blocks, activation="relu")
    c = census(model)
    assert c.proven and c.laws_upper == blocks * m
    assert _same_span([h.poly for h in c.laws], _polys(model.ring, _per_neuron_resnet_laws(n, m, blocks)))
    assert c.verify()


def test_scalar_relu_blocks_keep_only_the_block_laws():
    """Linear scalar blocks have 2B − 1 laws (one generator); with every mask the products of
    any subset of the v_b u_b are generators too, and only the B block laws survive."""
    for blocks in (2, 3):
        lin, rl = census(resnet(1, blocks=blocks)), census(resnet(1, blocks=blocks, activation="relu"))
        assert lin.laws_upper == 2 * blocks - 1
        assert rl.proven and rl.laws_upper == blocks


# -- the catalog models: their φ spans every region's φ --------------------------------------------


def _relu_mask_regions(widths, bias):
    """Every mask's affine map x ↦ x A + c of a ReLU net (sympy): the entries of A and c."""
    q = len(widths) - 1
    Us = [_mat(widths[l - 1], widths[l], f"u{l}" + "_{}_{}") for l in range(1, q + 1)]
    bs = [sympy.Matrix([[_S(f"b{l}_{k}") for k in range(1, widths[l] + 1)]]) for l in range(1, q)] if bias else []
    regions = []
    for mask in itertools.product((0, 1), repeat=sum(widths[1:-1])):
        Ds, pos = [], 0
        for l in range(1, q):
            Ds.append(sympy.diag(*mask[pos : pos + widths[l]]))
            pos += widths[l]
        A, c = Us[0], sympy.zeros(1, widths[1])
        for l in range(1, q):  # after hidden layer l (mask D_l), factor U_{l+1}
            if bias:
                c = c + bs[l - 1]
            A, c = A * Ds[l - 1] * Us[l], c * Ds[l - 1] * Us[l]
        entries = [e for e in (sympy.expand(x) for x in list(A) + list(c)) if e != 0]
        if entries:
            regions.append(entries)
    return regions


@pytest.mark.parametrize("widths,bias", [([2, 2, 1], False), ([2, 3, 2], True), ([1, 2, 2, 1], False), ([2, 1, 2, 1], True)])
def test_relu_path_lifting_spans_every_region(widths, bias):
    model = relu(widths, bias=bias)
    union = [p for region in _relu_mask_regions(widths, bias) for p in _polys(model.ring, region)]
    assert _same_span(model.phi, union)


@pytest.mark.parametrize("sizes", [(1, 2, 1, 2, 2), (2, 1, 2, 2, 3), (1, 1, 2, 3, 2)])
def test_conv_path_lifting_spans_every_region(sizes):
    """Hidden unit (j, r) = σ(Σ_i Σ_a v_{j,i}[a] x_i[r + a]); a mask switches units off."""
    c0, c1, c2, nv, nu = sizes
    model = conv(*sizes)
    v = lambda j, i, a: _S(f"v{j + 1}_{i + 1}_{a + 1}")  # noqa: E731
    w = lambda k, j, b: _S(f"w{k + 1}_{j + 1}_{b + 1}")  # noqa: E731
    union = []
    for mask in itertools.product((0, 1), repeat=c1 * nu):
        d = lambda j, r: mask[j * nu + r]  # noqa: E731
        for k in range(c2):  # coefficient of x_i[q] in output k (one output position)
            for i in range(c0):
                for q in range(nv + nu - 1):
                    union.append(sum(d(j, r) * w(k, j, r) * v(j, i, q - r) for j in range(c1) for r in range(nu) if 0 <= q - r < nv))
    assert _same_span(model.phi, _polys(model.ring, union))


def test_icnn_uses_the_relu_path_lifting():
    assert icnn([2, 3, 2], bias=True).phi == relu([2, 3, 2], bias=True).phi


# -- custom(regions=...) -------------------------------------------------------------------------


def test_custom_regions_union_and_laws():
    """x ↦ a b x + c d x with the second unit off in region 2: fields of a b + c d and of a b."""
    m = custom(regions=[["a*b + c*d"], ["a*b"], ["a*b"]])
    assert m.parameters == ("a", "b", "c", "d") and len(m.regions) == 3 and len(m.phi) == 2
    c = census(m)
    assert c.proven and sorted(str(h) for h in c.laws) == ["a**2 - b**2", "c**2 - d**2"]
    one_region = census(custom(["a*b + c*d"]))
    assert one_region.laws_upper == 3  # the single polynomial keeps a third (cross) law


def test_custom_regions_round_trip_and_verify():
    m = custom(regions=[["x1*x2*x3", "x1*x2 + x3"], ["x1*x2", "x1*x2*x3"]], params="x1,x2,x3", name="toy")
    c = census(m)
    assert c.verify()
    text = c.to_json()
    spec = json.loads(text)["model_spec"]
    assert len(spec["regions"]) == 2 and len(spec["phi"]) == 3
    d = census_from_json(text)
    assert d.system.model == m and d.system.model.regions == m.regions
    assert d.system.generators == c.system.generators
    assert d.verify() and (d.laws_upper, d.lie_rank) == (c.laws_upper, c.lie_rank)


def test_custom_regions_with_a_metric_and_momentum():
    m = custom(regions=[["a*b"], ["a*b*c"]], metric="mirror")
    d = census_from_json(census(m).to_json())
    assert d.system.model.metric is not None and d.system.model.regions == m.regions and d.verify()
    s = make_system(m, flow="momentum")
    assert s.generator_names == ("X0", "Y1", "Y2")  # the drift and one forcing field per union component
    assert census(custom(regions=[["a*b"], ["a*b*c"]]), flow="momentum").verify()


@given(st.lists(st.lists(polys().filter(lambda p: p.degree >= 1), min_size=1, max_size=3), min_size=1, max_size=3))
def test_regions_property_union_generators_and_round_trip(regions):
    m = custom(regions=regions, params=RING.symbols)
    distinct = {p for region in regions for p in region}
    assert set(m.phi) == distinct and len(m.phi) == len(distinct)
    assert m.regions == tuple(tuple(r) for r in regions)
    s = make_system(m)
    assert set(s.generators) == {gradient_field(p) for p in distinct if gradient_field(p)}
    c = census(m)
    d = census_from_json(c.to_json())
    assert d.system.model == m and d.verify()


def test_json_whose_phi_is_not_the_union_is_refused():
    text = census(custom(regions=[["a*b"], ["b*c"]])).to_json()
    d = json.loads(text)
    d["model_spec"]["phi"] = d["model_spec"]["phi"][:1]
    with pytest.raises(VerificationError) as info:
        census_from_json(json.dumps(d))
    assert "model_spec.phi: is not the union of the regions" in str(info.value)


def test_model_phi_must_be_the_union_of_its_regions():
    m = custom(regions=[["a*b"], ["b*c"]])
    with pytest.raises(BadArgumentError) as info:
        Model("custom", (), False, m.ring, m.phi[:1], None, "broken", regions=m.regions)
    assert info.value.name == "phi"


@pytest.mark.parametrize(
    "kwargs,exc,name",
    [
        (dict(regions=[["a*b"], []]), BadArgumentError, "regions[1]"),
        (dict(regions=[]), BadArgumentError, "regions"),
        (dict(regions="a*b"), BadArgumentError, "regions"),
        (dict(regions=[["a*b"], "b*c"]), BadArgumentError, "regions[1]"),
        (dict(regions=[["a*b"], ["a*x"]], params="a,b"), NotPolynomialError, "regions[1][0]"),
        (dict(regions=[["a*b", "1/2*b"], ["a*b*0.5"]]), InexactValueError, "regions[1][0]"),
        (dict(regions=[["a*b", "3"]], params="a,b"), BadArgumentError, "regions[0][1]"),
        (dict(phi=["a*b"], regions=[["a*b"]]), BadArgumentError, "phi"),
        (dict(), BadArgumentError, "phi"),
    ],
)
def test_bad_regions_name_the_argument(kwargs, exc, name):
    with pytest.raises(exc) as info:
        custom(**kwargs)
    assert info.value.name == name and str(info.value).startswith(name + ":")


# -- the command line -----------------------------------------------------------------------------


def _cli(args, capsys):
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("m,laws", [("2", 2), ("3", 3)])
def test_cli_relu_resnet_counts(m, laws, capsys):
    code, out, _ = _cli(["census", "resnet", "2", m, "--blocks", "1", "--activation", "relu"], capsys)
    assert code == 0 and f"{laws} found <= #laws <= {laws}  PROVEN (explicit laws): #laws = {laws}" in out


def test_cli_regions(capsys):
    code, out, _ = _cli(["census", "custom", "--region", "a*b + c*d", "--region", "a*b; c*d*a", "--verify"], capsys)
    assert code == 0 and "generators: 3" in out and "verified" in out
    code, out, err = _cli(["census", "custom", "--region", "a*b", "--phi", "a*b"], capsys)
    assert code == 2 and "--region" in err and err.count("\n") == 1
    code, out, err = _cli(["census", "linear", "2", "2", "--region", "a*b"], capsys)
    assert code == 2 and "--region" in err


# -- the real piecewise block, integrated ---------------------------------------------------------


def test_real_relu_block_flow_keeps_the_proven_laws_only():
    """Integrate θ' = −∇L for x ↦ x + σ(xV)U (square loss) with samples in all four regions:
    the census' laws stay constant, the all-active block's cross-neuron law drifts."""
    np = pytest.importorskip("numpy")
    integrate = pytest.importorskip("scipy.integrate")
    n, m = 2, 2
    X = np.array([[1.0, 1.0], [-1.0, 1.0], [-1.0, -1.0], [1.0, -1.0], [2.0, 0.5], [0.5, -2.0]])
    Y = np.array([[1.5, 0.5], [-1.0, 2.0], [-0.5, -1.5], [2.0, -1.0], [1.0, 1.0], [0.0, -2.5]])
    theta0 = np.array([1.0, 0.2, -0.1, 0.8, 0.3, -0.2, 0.1, 0.4])  # V row-major, then U (lieflow's order)

    def unpack(th):
        return th[: n * m].reshape(n, m), th[n * m :].reshape(m, n)

    def loss(th):
        V, U = unpack(th)
        return 0.5 * np.sum((X + np.maximum(X @ V, 0) @ U - Y) ** 2)

    def minus_grad(t, th):
        V, U = unpack(th)
        Z = X @ V
        D = (Z > 0).astype(float)
        R = X + (Z * D) @ U - Y
        return -np.concatenate([(X.T @ ((R @ U.T) * D)).ravel(), ((Z * D).T @ R).ravel()])

    # the hand-written gradient is the loss's (central differences, away from every kink)
    e = np.eye(8) * 1e-6
    fd = np.array([(loss(theta0 + e[k]) - loss(theta0 - e[k])) / 2e-6 for k in range(8)])
    assert np.allclose(-minus_grad(0, theta0), fd, atol=1e-6)

    def kink(t, th):  # stop if a sample reaches a unit's kink (it does not, with these data)
        return np.abs(X @ unpack(th)[0]).min()

    kink.terminal = True
    T = 1.0
    sol = integrate.solve_ivp(minus_grad, (0, T), theta0, method="DOP853", rtol=1e-12, atol=1e-12,
                              dense_output=True, events=kink)
    assert sol.status == 0 and sol.t[-1] == T
    thetas = sol.sol(np.linspace(0, T, 101)).T

    # the data visit several regions all along, mixed ones (one unit on, one off) included
    for th in thetas:
        masks = {tuple(row) for row in (X @ unpack(th)[0] > 0).astype(int)}
        assert len(masks) >= 3 and {(0, 1), (1, 0)} & masks

    model = resnet((n, m), activation="relu")
    syms = model.ring.sympy_symbols()
    scale = float(theta0 @ theta0)

    def drift(expr):
        f = sympy.lambdify(syms, expr, "numpy")
        values = np.array([f(*th) for th in thetas])
        return np.abs(values - values[0]).max() / scale

    proven = census(model)
    assert proven.proven and len(proven.laws) == 2
    assert max(drift(h.poly.as_expr()) for h in proven.laws) < 1e-8
    # the all-active region alone (the linear block) also proves the cross-neuron law ...
    V, U = _mat(n, m, "v1_{}_{}"), _mat(m, n, "u1_{}_{}")
    cross = model.ring.from_sympy(sympy.expand((V[:, 0].T * V[:, 1])[0] - (U[0, :] * U[1, :].T)[0]))
    old = census(resnet((n, m), activation="linear"))
    assert old.proven and old.laws_upper == 3
    assert _same_span([h.poly for h in old.laws], [h.poly for h in old.laws] + [cross])
    assert not _same_span([h.poly for h in proven.laws], [h.poly for h in proven.laws] + [cross])
    # ... which the real network does not keep
    assert drift(cross.as_expr()) > 1e-3
