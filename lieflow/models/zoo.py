"""The model zoo beyond the seeds: convolutions, attention, residual blocks.

Each entry declares its parameters and the polynomial φ through which, on the region described in
its docstring, the model factors; :func:`lieflow.census` then counts and proves the conservation
laws of the gradient flow exactly as for the catalog models.  The known results reproduced here
are from S. Marcotte, R. Gribonval, G. Peyré, *Transformative or Conservative? Conservation laws
for ResNets and Transformers* (ICML 2025, arXiv 2506.06194), building on *Abide by the Law and
Follow the Flow* (NeurIPS 2023, arXiv 2307.00144).

>>> from lieflow import census
>>> c = census(conv(1, 2, 1, 2, 2))
>>> c.ambient_dim, c.laws_lower, c.proven
(8, 2, True)
"""

from __future__ import annotations


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
    is exactly the path lifting.  Longer inputs or more output positions only repeat the same
    products on more paths (weight sharing), which adds identical components of φ and changes no
    law.  As for :func:`~lieflow.models.relu`, the data may put the hidden units in different
    activation regions, and what the loss sees near θ factors through the path lifting; the
    region where every hidden unit is active is assumed (on another region φ is a sub-family).

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
    """A stack of residual blocks ``x ↦ x + σ(x V_b) U_b``, by its polynomial on a fixed region.

    A block acts on row vectors ``x ∈ R^n`` through a hidden layer of width ``m``:
    ``V_b ∈ R^{n×m}``, ``U_b ∈ R^{m×n}``.  With ``activation="linear"`` (σ = identity) the stack
    is the linear map ``Π_b (I + V_b U_b)`` and φ is the entries of that product.  With
    ``activation="relu"`` the model is taken on one fixed activation region, the one where every
    hidden unit is active for every sample (the whole data set lies in one region): there the
    stack is the same polynomial map, so φ is the same; the name records the activation.  (This
    is *not* the path lifting: stacked ReLU blocks have laws that the path lifting, which mixes
    regions, would not have.)  The constant terms of φ (the identity) do not enter the flow.

    Known results: one block has the same laws as its branch ``x ↦ x V U`` (φ differs by the
    identity); two scalar blocks ``x(1 + v_1 u_1)(1 + v_2 u_2)`` have 3 independent laws
    (φ is one polynomial, so the flow has one generator), while the blocks' own laws
    ``u_b² − v_b²`` give 2; the third one is transcendental,
    ``(u_1²+v_1²−u_2²−v_2²)/4 + ½ log|(u_1+v_1)/(u_1−v_1)| − ½ log|(u_2+v_2)/(u_2−v_2)|``.

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
        ``U_b[j, i]``, 1-based, row-major.

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
    gen = lambda s: ring.gens[ring.index[s]]
    one, zero = ring.constant(1), ring.zero()
    total = [[one if i == k else zero for k in range(n)] for i in range(n)]
    for V, U in mats:
        block = [
            [(one if i == k else zero) + sum((gen(V[i][j]) * gen(U[j][k]) for j in range(m)), zero) for k in range(n)]
            for i in range(n)
        ]
        total = [[sum((total[i][l] * block[l][k] for l in range(n)), zero) for k in range(n)] for i in range(n)]
    phi = tuple(p for row in total for p in row)
    name = f"resnet({activation}, n={n}, m={m}, blocks={blocks})"
    return Model("resnet", (n, m), False, ring, phi, None, name, {"blocks": blocks, "activation": activation})
