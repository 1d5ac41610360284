"""The model zoo beyond the seeds: convolutions, attention, residual blocks.

Each entry declares its parameters and a polynomial φ whose gradients generate the real model's
flow for every data set: the model factors through φ on every input, or, for ReLU models, the
span of φ contains the φ of every activation region (each docstring gives the argument and what
it assumes).  :func:`lieflow.census` then counts and proves the conservation laws of the
gradient flow exactly as for the catalog models.  The known results reproduced here
are from S. Marcotte, R. Gribonval, G. Peyré, *Transformative or Conservative? Conservation laws
for ResNets and Transformers* (ICML 2025, arXiv 2506.06194), building on *Abide by the Law and
Follow the Flow* (NeurIPS 2023, arXiv 2307.00144).

>>> from lieflow import census
>>> c = census(conv(1, 2, 1, 2, 2))
>>> c.ambient_dim, c.laws_lower, c.proven
(8, 2, True)
"""

from __future__ import annotations

import itertools

from ..algebra import Poly, PolyRing
from ..errors import BadArgumentError
from .base import Model, check_sizes

__all__ = ["conv", "attention", "resnet"]


def _pos_int(name, value):
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise BadArgumentError(name, value, "must be an integer >= 1")
    return value


def _mono(ring, names, coeff=1):
    return Poly(ring, {tuple(sorted(ring.index[n] for n in names)): coeff})


# -- convolution ---------------------------------------------------------------------------------


def conv(c0, c1, c2, nv, nu) -> Model:
    """Two-layer 1-D multichannel ReLU convolutional network (stride 1), by its path lifting.

    Hidden channel ``j`` is ``h_j[r] = σ(Σ_i Σ_a v_{j,i}[a] x_i[r + a])`` and output channel ``k``
    is ``y_k[p] = Σ_j Σ_b u_{k,j}[b] h_j[p + b]`` (valid convolutions, no padding, no bias).

    Input length and positions: the input has length ``nv + nu - 1`` (the receptive field of one
    output position), so there are ``nu`` hidden positions per channel and one output position
    per channel.  A path ``(i, q) -> (j, r) -> (k, 0)`` through the network is then determined by
    ``(i, a = q - r, j, b = r, k)`` and carries the weight product ``u_{k,j}[b] v_{j,i}[a]``:
    every such product occurs on exactly one path, so φ (one component per ``(k, j, i, a, b)``)
    is exactly the path lifting.

    Why these are the real model's generators.  For one sample, let ``d_{j,r} ∈ {0, 1}`` say
    whether hidden unit ``(j, r)`` is active.  The network is then linear in the input, and the
    coefficient of ``x_i[q]`` in ``y_k`` is ``Σ_j Σ_r d_{j,r} u_{k,j}[r] v_{j,i}[q − r]``: linear
    in the indicators, the coefficient of ``d_{j,b}`` running over every product
    ``u_{k,j}[b] v_{j,i}[a]``.  So every region's φ is a combination of path products, and
    conversely each path product is the difference of two regions' φ that differ in unit
    ``(j, b)`` only: the path lifting spans exactly the union of all regions' φ, which is what a
    law valid for every data set must be orthogonal to.  (The all-active region alone is the
    sums ``Σ_{a + b = q} u_{k,j}[b] v_{j,i}[a]``, a linear convolution with more laws.)  Weight
    sharing: longer inputs or more output positions give the same products on more paths
    (identical components of φ, no new field).  Every reported law therefore holds for the real
    network and every data set; the count assumes the data cross each unit's hyperplane with the
    other units fixed, which generic filters allow once the input has dimension
    ``c0 (nv + nu − 1) >= 2`` (with a one-dimensional input every unit switches at 0).

    Known result: exactly ``c1`` laws, one per hidden channel ``j``:
    ``Σ_k ‖u_{k,j}‖² − Σ_i ‖v_{j,i}‖²``.

    Parameters
    ----------
    c0, c1, c2 : int
        Input, hidden and output channels (>= 1).
    nv, nu : int
        Filter lengths on the input side (``v``) and the output side (``u``) (>= 1).

    Returns
    -------
    Model
        ``kind="conv"``, ``widths=(c0, c1, c2, nv, nu)``.  Parameters: first the input-side
        filters ``v{j}_{i}_{a}`` = ``v_{j,i}[a]`` (hidden channel ``j``, input channel ``i``, tap
        ``a``; in the order j, i, a), then the output-side filters ``w{k}_{j}_{b}`` =
        ``u_{k,j}[b]`` (output channel ``k``, hidden channel ``j``, tap ``b``), all 1-based.

    Raises
    ------
    BadArgumentError
        if a size is not an integer >= 1 (the error names it).

    Examples
    --------
    >>> m = conv(1, 1, 1, 2, 1)
    >>> m.parameters, [str(p) for p in m.phi]
    (('v1_1_1', 'v1_1_2', 'w1_1_1'), ['v1_1_1*w1_1_1', 'v1_1_2*w1_1_1'])
    >>> conv(1, 0, 1, 2, 2)
    Traceback (most recent call last):
    ...
    lieflow.errors.BadArgumentError: c1: must be an integer >= 1, got 0
    """
    for name, val in (("c0", c0), ("c1", c1), ("c2", c2), ("nv", nv), ("nu", nu)):
        _pos_int(name, val)
    sizes = [c0, c1, c2, nv, nu]
    paths = c0 * c1 * c2 * nv * nu
    check_sizes("c0, c1, c2, nv, nu", tuple(sizes), params=c1 * c0 * nv + c2 * c1 * nu, components=paths, terms=paths)
    V = {(j, i, a): f"v{j}_{i}_{a}" for j in range(1, c1 + 1) for i in range(1, c0 + 1) for a in range(1, nv + 1)}
    W = {(k, j, b): f"w{k}_{j}_{b}" for k in range(1, c2 + 1) for j in range(1, c1 + 1) for b in range(1, nu + 1)}
    ring = PolyRing.get(list(V.values()) + list(W.values()))
    phi = []
    for k in range(1, c2 + 1):
        for j in range(1, c1 + 1):
            for i in range(1, c0 + 1):
                for a in range(1, nv + 1):
                    for b in range(1, nu + 1):
                        phi.append(_mono(ring, (V[j, i, a], W[k, j, b])))
    widths = (c0, c1, c2, nv, nu)
    return Model("conv", widths, False, ring, tuple(phi), None, f"conv(c={c0},{c1},{c2}; n={nv},{nu})")


# -- attention -----------------------------------------------------------------------------------


def attention(d1, dim, heads=1, *, share_softmax: bool = False) -> Model:
    """Self-attention ``softmax(X Q^T K X^T) X V^T O``, by its bilinear products.

    With ``Q, K, V, O ∈ R^{d1 × dim}`` the model depends on the parameters only through
    ``Q^T K`` (inside the softmax) and ``V^T O`` (after it), so φ = the entries of those two
    ``dim × dim`` matrices and the census is polynomial.  Known laws (per head): the entries of
    ``Q Q^T − K K^T`` and ``V V^T − O O^T`` (``d1(d1+1)/2`` each when ``d1 <= 2 dim``).

    Multi-head (``heads = H``): ``Σ_h softmax(X Q_h^T K_h X^T) X V_h^T O_h``.  Each head has its
    own softmax, so the model sees every head's ``Q_h^T K_h`` and ``V_h^T O_h``: φ is their
    entries, per head (default).  With ``share_softmax=True`` φ is instead ``Σ_h Q_h^T K_h`` and
    ``Σ_h V_h^T O_h`` — the model in which the heads' score matrices are added before one
    softmax (and their value maps added after it); it equals a single head of width ``H d1``, so
    cross-head laws ``Q_h Q_g^T − K_h K_g^T`` appear.

    Why these are the real model's generators: there are no activation regions (softmax is
    smooth) and the model factors through φ on every input, so the gradient of any loss lies in
    the span of the ``∇φ_i``; the count assumes, as for every model, that over data sets
    ``∇_φ L`` takes every direction.

    Parameters
    ----------
    d1 : int
        Rows of each of ``Q, K, V, O`` (the head's inner width), >= 1.
    dim : int
        Columns (the embedding dimension), >= 1.
    heads : int
        Number of heads H, >= 1.
    share_softmax : bool
        See above (only meaningful for ``heads > 1``).

    Returns
    -------
    Model
        ``kind="attention"``, ``widths=(d1, dim, heads)``.  Parameters ``q{h}_{a}_{b}`` =
        ``Q_h[a, b]`` (1-based), then ``k…``, ``v…``, ``o…`` likewise, head by head
        (``Q_1, K_1, V_1, O_1, Q_2, ...``), each row-major.

    Raises
    ------
    BadArgumentError
        if a size is not an integer >= 1 or ``share_softmax`` is not a bool.

    Examples
    --------
    >>> from lieflow import census
    >>> c = census(attention(1, 1))
    >>> [str(law) for law in c.laws], c.proven
    (['q1_1_1**2 - k1_1_1**2', 'v1_1_1**2 - o1_1_1**2'], True)
    """
    _pos_int("d1", d1)
    _pos_int("dim", dim)
    _pos_int("heads", heads)
    if not isinstance(share_softmax, bool):
        raise BadArgumentError("share_softmax", share_softmax, "must be True or False")
    check_sizes("d1, dim, heads", (d1, dim, heads), params=4 * d1 * dim * heads,
                components=2 * dim * dim * (1 if share_softmax else heads), terms=2 * dim * dim * d1 * heads)
    H = heads
    mats = {}
    names = []
    for h in range(1, H + 1):
        for letter in "qkvo":
            mats[letter, h] = [[f"{letter}{h}_{a}_{b}" for b in range(1, dim + 1)] for a in range(1, d1 + 1)]
            names.extend(n for row in mats[letter, h] for n in row)
    ring = PolyRing.get(names)
    g = {n: ring.gens[ring.index[n]] for n in names}

    def product(left, right, h):  # (left_h^T right_h)[b, c] = Σ_a left[a][b] right[a][c]
        A, B = mats[left, h], mats[right, h]
        return [[sum((g[A[a][b]] * g[B[a][c]] for a in range(d1)), ring.zero()) for c in range(dim)] for b in range(dim)]

    phi = []
    for left, right in (("q", "k"), ("v", "o")):
        if share_softmax:
            total = [[ring.zero() for _ in range(dim)] for _ in range(dim)]
            for h in range(1, H + 1):
                P = product(left, right, h)
                total = [[total[b][c] + P[b][c] for c in range(dim)] for b in range(dim)]
            phi.extend(p for row in total for p in row)
        else:
            for h in range(1, H + 1):
                phi.extend(p for row in product(left, right, h) for p in row)
    name = f"attention(d1={d1}, dim={dim}" + (f", heads={H}" if H > 1 else "")
    name += ", shared softmax)" if share_softmax and H > 1 else ")"
    return Model("attention", (d1, dim, H), False, ring, tuple(phi), None, name, {"share_softmax": share_softmax})


# -- residual networks ---------------------------------------------------------------------------


def resnet(widths, *, blocks: int = 1, activation: str = "linear") -> Model:
    """A stack of residual blocks ``x ↦ x + σ(x V_b) U_b``, with every activation region for ReLU.

    A block acts on row vectors ``x ∈ R^n`` through a hidden layer of width ``m``:
    ``V_b ∈ R^{n×m}``, ``U_b ∈ R^{m×n}``.  The constant terms (the identity of the skip
    connections) have zero gradient and never enter the flow.

    ``activation="linear"`` (σ = identity): the stack is the linear map ``Π_b (I + V_b U_b)``
    (one region), and φ is the entries of that product.

    ``activation="relu"``: for one sample, let ``S_b`` be the hidden units of block ``b`` that are
    active and ``d_{b,j} ∈ {0, 1}`` their indicators; the block is then ``x ↦ x (I + V_b D_b U_b)``
    with ``D_b = diag(d_{b,·})`` and the stack is ``φ_S = Π_b (I + V_b D_b U_b)``.  Samples in
    different regions contribute different ``φ_S``, and a law must hold for every data set, so the
    flow's generators are the gradients of the entries of every ``φ_S`` (the all-active region
    alone is the linear stack above, whose extra cross-neuron laws the real network does not
    keep).  Rather than listing the ``2^{mB}`` masks, φ is a smaller set with the same linear
    span.  ``φ_S`` is multilinear in the indicators: expanding the product, each block contributes
    either ``I`` or one term ``d_{b,j} V_b[:, j] U_b[j, :]``, so
    ``φ_S = Σ_T d^T C_T`` over the sets ``T`` that pick at most one unit per block, with
    ``d^T = Π_{(b,j) ∈ T} d_{b,j}`` and, for ``T = {(b_1, j_1), ..., (b_k, j_k)}``, ``b_1 < ... <
    b_k``, ``C_T = V_{b_1}[:, j_1] U_{b_1}[j_1, :] V_{b_2}[:, j_2] ⋯ U_{b_k}[j_k, :]`` (``C_∅ = I``).
    On the cube ``d ∈ {0,1}^{mB}`` this reads ``φ_S = Σ_{T ⊆ S} C_T``, and Möbius inversion gives
    back ``C_T = Σ_{S ⊆ T} (−1)^{|T ∖ S|} φ_S``: each family is a rational combination of the
    other, so the entries of all ``φ_S`` and the entries of all ``C_T`` span the same space of
    polynomials.  Gradients are linear, so their gradients span the same fields at every θ, and
    the same Lie algebra.  φ is the entries of every ``C_T``, ``T ≠ ∅`` (``n² ((1 + m)^B − 1)``
    components, identical ones kept once).  For one block these are the products
    ``V[i, j] U[j, k]``: the ReLU path lifting of the branch, and the laws are the per-neuron
    ``‖V[:, j]‖² − ‖U[j, :]‖²``.

    What is claimed.  Every law the census reports holds along the real network's gradient flow,
    for every data set and square, cross-entropy or any other loss: each sample moves θ along the
    fields of its own region, all of which are generators here.  That there are no *other* laws
    (the upper bound) assumes that enough activation patterns occur in the data, namely every
    mask combination (more precisely, that the realised ``φ_S`` span the ``C_T``).  For one block
    with ``n >= m`` and ``V`` of rank ``m``, ``x ↦ x V`` is onto ``R^m`` and every sign pattern
    occurs; for ``n >= 2`` and generic ``V`` it is enough that each unit's hyperplane
    ``x V[:, j] = 0`` separates two regions differing only in unit ``j`` (their difference is
    ``C_{{j}}``).  For ``n = 1`` every sample's sign decides all masks (only two regions occur), and
    for stacked blocks a block's mask is constrained by the previous ones; there the real network
    can have more laws than reported (e.g. scalar blocks with ``v_1, v_2 > 0`` and
    ``1 + v_1 u_1 > 0`` only see the all-on and all-off masks, one generator), and the count is that
    of the network whose data realise every mask combination.

    Known results: a linear block has the laws of its branch ``x ↦ x V U`` (the entries of
    ``V^T V − U U^T``); a ReLU block those of the ReLU branch (one per hidden unit).  ``B`` linear
    scalar blocks ``x Π_b (1 + v_b u_b)`` have ``2B − 1`` laws (φ is one polynomial, one
    generator), of which the blocks' ``u_b² − v_b²`` are ``B``; for two blocks the third is
    transcendental, ``(u_1²+v_1²−u_2²−v_2²)/4 + ½ log|(u_1+v_1)/(u_1−v_1)| − ½ log|(u_2+v_2)/(u_2−v_2)|``.
    ``B`` ReLU scalar blocks have only the ``B`` block laws; measured for every ``n, m <= 3`` and
    ``B <= 4``, a ReLU stack has exactly the per-neuron laws of every block, ``B m`` (proven).

    Parameters
    ----------
    widths : int or sequence of two ints
        ``n`` (scalar blocks use ``1``; the hidden width is then ``n`` too) or ``(n, m)``.
    blocks : int
        Number of stacked blocks, >= 1.
    activation : {"linear", "relu"}

    Returns
    -------
    Model
        ``kind="resnet"``, ``widths=(n, m)``, ``options={"blocks": B, "activation": ...}``.
        Parameters block by block: ``v{b}_{i}_{j}`` = ``V_b[i, j]`` then ``u{b}_{j}_{i}`` =
        ``U_b[j, i]``, 1-based, row-major.  For ReLU, φ lists the ``C_T`` by number of blocks,
        then blocks, then units (lexicographically), each matrix row-major.

    Raises
    ------
    BadArgumentError
        for widths that are not one or two integers >= 1, ``blocks`` < 1, or an unknown
        activation.

    Examples
    --------
    >>> m = resnet(1, blocks=2)
    >>> m.parameters, m.phi
    (('v1_1_1', 'u1_1_1', 'v2_1_1', 'u2_1_1'), (Poly(v1_1_1*u1_1_1*v2_1_1*u2_1_1 + v1_1_1*u1_1_1 + v2_1_1*u2_1_1 + 1),))
    >>> resnet(1, blocks=2, activation="relu").phi
    (Poly(v1_1_1*u1_1_1), Poly(v2_1_1*u2_1_1), Poly(v1_1_1*u1_1_1*v2_1_1*u2_1_1))
    >>> from lieflow import census
    >>> c = census(resnet(2, activation="relu"))
    >>> c.laws_lower, c.proven, [str(h) for h in c.laws]
    (2, True, ['v1_1_1**2 + v1_2_1**2 - u1_1_1**2 - u1_1_2**2', 'v1_1_2**2 + v1_2_2**2 - u1_2_1**2 - u1_2_2**2'])
    """
    if isinstance(widths, bool):
        raise BadArgumentError("widths", widths, "expected an integer >= 1 or a pair (n, m)")
    if isinstance(widths, int):
        _pos_int("widths", widths)
        ws = (widths, widths)
    else:
        if isinstance(widths, (str, bytes)) or not hasattr(widths, "__iter__"):
            raise BadArgumentError("widths", widths, "expected an integer >= 1 or a pair (n, m)")
        ws = tuple(widths)
        if len(ws) == 1:
            ws = (ws[0], ws[0])
        if len(ws) != 2 or any(isinstance(w, bool) or not isinstance(w, int) or w < 1 for w in ws):
            raise BadArgumentError("widths", list(ws), "expected an integer >= 1 or a pair (n, m) of integers >= 1")
    _pos_int("blocks", blocks)
    if activation not in ("linear", "relu"):
        raise BadArgumentError("activation", activation, "must be 'linear' or 'relu'")
    n, m = ws
    # each entry of the product of B blocks (I + V_b U_b) has at most n**(B-1) (m+1)**B terms
    check_sizes("widths, blocks", (n, m, blocks), params=2 * n * m * blocks, degree=2 * blocks)
    check_sizes("widths, blocks", (n, m, blocks), terms=n ** (blocks + 1) * (m + 1) ** blocks)
    names = []
    mats = []
    for b in range(1, blocks + 1):
        V = [[f"v{b}_{i}_{j}" for j in range(1, m + 1)] for i in range(1, n + 1)]
        U = [[f"u{b}_{j}_{i}" for i in range(1, n + 1)] for j in range(1, m + 1)]
        names += [x for row in V for x in row] + [x for row in U for x in row]
        mats.append((V, U))
    ring = PolyRing.get(names)
    gen = lambda s: ring.gens[ring.index[s]]  # noqa: E731
    mats = [([[gen(x) for x in row] for row in V], [[gen(x) for x in row] for row in U]) for V, U in mats]
    phi = _resnet_relu_phi(ring, mats, n, m) if activation == "relu" else _resnet_linear_phi(ring, mats, n, m)
    name = f"resnet({activation}, n={n}, m={m}, blocks={blocks})"
    return Model("resnet", (n, m), False, ring, phi, None, name, {"blocks": blocks, "activation": activation})


def _resnet_linear_phi(ring, mats, n, m) -> tuple:
    """The entries of ``Π_b (I + V_b U_b)``."""
    one, zero = ring.constant(1), ring.zero()
    total = [[one if i == k else zero for k in range(n)] for i in range(n)]
    for V, U in mats:
        block = [
            [(one if i == k else zero) + sum((V[i][j] * U[j][k] for j in range(m)), zero) for k in range(n)]
            for i in range(n)
        ]
        total = [[sum((total[i][l] * block[l][k] for l in range(n)), zero) for k in range(n)] for i in range(n)]
    return tuple(p for row in total for p in row)


def _resnet_relu_phi(ring, mats, n, m) -> tuple:
    """The entries of every ``C_T = V_{b_1}[:, j_1] (U_{b_1}[j_1, :] V_{b_2}[:, j_2]) ⋯ U_{b_k}[j_k, :]``.

    ``C_T`` is the column ``V_{b_1}[:, j_1]`` times a scalar chain of inner products times the
    row ``U_{b_k}[j_k, :]``; chains are extended one block at a time.
    """
    zero = ring.zero()
    B = len(mats)
    out, seen = [], set()
    for k in range(1, B + 1):
        for chosen in itertools.combinations(range(B), k):
            for units in itertools.product(range(m), repeat=k):
                scalar = ring.constant(1)
                for (b, j), (b2, j2) in zip(zip(chosen, units), zip(chosen[1:], units[1:])):
                    U, V2 = mats[b][1], mats[b2][0]
                    scalar = scalar * sum((U[j][l] * V2[l][j2] for l in range(n)), zero)
                first, last = mats[chosen[0]][0], mats[chosen[-1]][1]
                for r in range(n):
                    left = first[r][units[0]] * scalar
                    for c in range(n):
                        p = left * last[units[-1]][c]
                        if p and p not in seen:
                            seen.add(p)
                            out.append(p)
    return tuple(out)
