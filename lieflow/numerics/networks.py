"""Concrete networks with seeded data and a loss, evaluated in floating point.

A :class:`Network` is the *real* model of a catalog entry -- a linear or ReLU multilayer network
with its actual activation, a nonnegative factorization, an input-convex ReLU network, or a linear
model in polynomial features ``phi`` -- together with a seeded random data set and a loss (square or
cross-entropy).  It exposes the loss, its gradient (hand-written backpropagation) and exact
Hessian-vector products (complex step), which is all the flows and optimizers need.

Conventions (shared with the exact core, DESIGN §2): widths ``[n0, n1, ..., nq]``; factor ``U_l``
has shape ``n_{l-1} x n_l``; an input row ``x`` is mapped to
``sigma(...sigma(x U_1 + b_1) U_2 + b_2 ...) U_q`` with ``sigma`` the identity (linear, nmf) or
ReLU (relu, icnn) and biases only on the hidden layers ``l = 1..q-1``.  The parameter vector lists
all weights first, factor by factor, each row-major (``u{l}_{i}_{j}`` is ``U_l[i-1, j-1]``), then
the biases layer by layer (``b{l}_{k}`` is ``b_l[k-1]``).

Examples
--------
>>> import numpy as np
>>> from lieflow.numerics.networks import network, initial_parameters
>>> net = network("linear", [2, 3, 1], seed=0)
>>> net.parameters[:4]
('u1_1_1', 'u1_1_2', 'u1_1_3', 'u1_2_1')
>>> theta = initial_parameters(net, seed=0)
>>> bool(np.isfinite(net.loss(theta)))
True
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from lieflow.errors import BadArgumentError

__all__ = [
    "KINDS",
    "LOSSES",
    "Network",
    "network",
    "parameter_names",
    "initial_parameters",
    "finite_difference_gradient",
]

KINDS = ("linear", "relu", "nmf", "icnn", "custom")
LOSSES = ("square", "cross-entropy")

_COMPLEX_STEP = 1e-30


def parameter_names(widths: Sequence[int], *, bias: bool = False) -> tuple[str, ...]:
    """Names of the parameters of a layered network, in lieflow's order.

    Parameters
    ----------
    widths : sequence of int
        ``[n0, n1, ..., nq]`` with ``q >= 1``.
    bias : bool, optional
        Whether the hidden layers ``1..q-1`` carry biases.

    Returns
    -------
    tuple of str
        ``u{l}_{i}_{j}`` for every factor (row-major), then ``b{l}_{k}``.

    Raises
    ------
    BadArgumentError
        If ``widths`` has fewer than two entries or an entry below 1.

    Examples
    --------
    >>> parameter_names([1, 2, 1], bias=True)
    ('u1_1_1', 'u1_1_2', 'u2_1_1', 'u2_2_1', 'b1_1', 'b1_2')
    """
    widths = _check_widths(widths)
    names = [
        f"u{l}_{i}_{j}"
        for l in range(1, len(widths))
        for i in range(1, widths[l - 1] + 1)
        for j in range(1, widths[l] + 1)
    ]
    if bias:
        names += [f"b{l}_{k}" for l in range(1, len(widths) - 1) for k in range(1, widths[l] + 1)]
    return tuple(names)


def _check_widths(widths) -> tuple[int, ...]:
    try:
        raw = list(widths)
        ws = tuple(int(w) for w in raw)
    except (TypeError, ValueError):
        raise BadArgumentError("widths", widths, "must be a sequence of integers") from None
    if len(ws) < 2 or any(w < 1 for w in ws) or any(w != r for w, r in zip(ws, raw)):
        raise BadArgumentError("widths", raw, "need at least two integers >= 1")
    return ws


def _relu(z):
    # complex-step safe: the mask only looks at the real part
    return z * (z.real > 0)


class Network:
    """A model with data and a loss, ready for numerical training.

    Build it with :func:`network`; do not call the constructor directly.

    Attributes
    ----------
    kind : str
        One of :data:`KINDS`.
    widths : tuple of int
        ``(n0, ..., nq)``; for ``custom``, ``(d, 1)`` with ``d`` the number of features.
    bias : bool
        Whether hidden layers carry biases.
    parameters : tuple of str
        Parameter names, in the order of the parameter vector.
    X, Y : numpy.ndarray
        Inputs ``(N, n0)`` and targets ``(N, nq)`` (one-hot rows for cross-entropy; a 0/1 column for
        cross-entropy with one output, i.e. the logistic loss).
    loss_name : str
        ``"square"`` (``L = mean_i 1/2 |g(x_i) - y_i|^2``) or ``"cross-entropy"`` (mean softmax
        cross-entropy).
    mirror_mask : numpy.ndarray of bool
        Coordinates carrying the mirror metric ``diag(theta)`` (all for nmf, the output layer for
        icnn, all for a linear/relu/custom model built with ``metric="mirror"``, else none).
    seed : int
        Seed of the data.
    """

    def __init__(self, kind, widths, *, bias, parameters, X, Y, loss, seed, phi_exprs=None,
                 mirrored=None):
        self.kind = kind
        self.widths = tuple(widths)
        self.bias = bool(bias)
        self.parameters = tuple(parameters)
        self.dim = len(self.parameters)
        self.X = X
        self.Y = Y
        self.loss_name = loss
        self.seed = seed
        self.phi_exprs = phi_exprs
        self.mirror_mask = np.zeros(self.dim, dtype=bool)
        if mirrored is not None:
            self.mirror_mask[list(mirrored)] = True
        elif kind == "nmf":
            self.mirror_mask[:] = True
        elif kind == "icnn":
            n0, n1, n2 = self.widths
            self.mirror_mask[n0 * n1 : n0 * n1 + n1 * n2] = True
        if kind == "custom":
            self._compile_custom()
        else:
            q = len(self.widths) - 1
            self._shapes = [(self.widths[l - 1], self.widths[l]) for l in range(1, q + 1)]
            self._relu = kind in ("relu", "icnn")

    # -- description -----------------------------------------------------------------------
    def __repr__(self):
        return (
            f"Network(kind={self.kind!r}, widths={list(self.widths)}, bias={self.bias}, "
            f"loss={self.loss_name!r}, samples={self.X.shape[0]}, seed={self.seed})"
        )

    @property
    def default_metric(self) -> str:
        """``"mirror"`` for models that carry a mirror metric (nmf, icnn), else ``"euclidean"``."""
        return "mirror" if self.mirror_mask.any() else "euclidean"

    # -- parameter vector <-> factors ------------------------------------------------------
    def unpack(self, theta):
        """Split a parameter vector into the factors ``[U_1..U_q]`` and biases ``[b_1..b_{q-1}]``.

        Returns views into ``theta`` (empty bias list when ``bias`` is False).
        """
        if self.kind == "custom":
            raise BadArgumentError("kind", self.kind, "a custom model has no layers to unpack")
        theta = np.asarray(theta)
        Us, bs, pos = [], [], 0
        for r, c in self._shapes:
            Us.append(theta[pos : pos + r * c].reshape(r, c))
            pos += r * c
        if self.bias:
            for r, c in self._shapes[:-1]:
                bs.append(theta[pos : pos + c])
                pos += c
        return Us, bs

    def pack(self, Us, bs=()):
        """Inverse of :meth:`unpack`."""
        return np.concatenate([np.ravel(U) for U in Us] + [np.ravel(b) for b in bs])

    # -- model -----------------------------------------------------------------------------
    def _compile_custom(self):
        import sympy

        symbols = [sympy.Symbol(n) for n in self.parameters]
        by_name = {}
        exprs = []
        from lieflow.algebra.sympy_bridge import sympify_strict

        for i, e in enumerate(self.phi_exprs):
            e = sympify_strict(e, f"phi_exprs[{i}]")  # strings: read by lieflow's parser, no code runs
            e = e.xreplace({s: by_name.setdefault(s.name, sympy.Symbol(s.name))
                            for s in e.free_symbols})
            exprs.append(e)
        jac = [[sympy.diff(e, s) for s in symbols] for e in exprs]
        self._phi_fn = sympy.lambdify(symbols, exprs, modules="numpy")
        self._jac_fn = sympy.lambdify(symbols, jac, modules="numpy")

    def features(self, theta):
        """The feature vector ``phi(theta)`` of a custom model (length ``d``)."""
        theta = np.asarray(theta)
        vals = self._phi_fn(*theta)
        return np.array([np.asarray(v, dtype=theta.dtype) for v in vals], dtype=theta.dtype)

    def _jacobian(self, theta):
        rows = self._jac_fn(*theta)
        return np.array(
            [[np.asarray(v, dtype=theta.dtype) for v in row] for row in rows], dtype=theta.dtype
        )

    def _forward(self, theta, X):
        Us, bs = self.unpack(theta)
        a, pre, acts = X, [], [X]
        for l in range(len(Us) - 1):
            z = a @ Us[l]
            if bs:
                z = z + bs[l]
            pre.append(z)
            a = _relu(z) if self._relu else z
            acts.append(a)
        return a @ Us[-1], pre, acts, Us

    def output(self, theta, X=None):
        """Network outputs ``g(theta, x)`` for every row of ``X`` (default: the training inputs)."""
        theta = np.asarray(theta)
        X = self.X if X is None else np.asarray(X, dtype=float)
        if self.kind == "custom":
            return (X @ self.features(theta))[:, None]
        return self._forward(theta, X)[0]

    # -- loss ------------------------------------------------------------------------------
    def _loss_and_dout(self, out):
        N = out.shape[0]
        Y = self.Y
        if self.loss_name == "square":
            r = out - Y
            return 0.5 * np.sum(r * r) / N, r / N
        if out.shape[1] == 1:  # logistic loss on one logit
            z = out
            m = np.maximum(z.real, 0.0)
            softplus = m + np.log(np.exp(-m) + np.exp(z - m))
            sig = np.exp(z - softplus)
            return np.sum(softplus - Y * z) / N, (sig - Y) / N
        m = np.max(out.real, axis=1, keepdims=True)
        e = np.exp(out - m)
        s = np.sum(e, axis=1, keepdims=True)
        lse = m + np.log(s)
        return np.sum(lse - np.sum(Y * out, axis=1, keepdims=True)) / N, (e / s - Y) / N

    def loss(self, theta) -> float:
        """The training loss ``L(theta)`` (a float)."""
        value, _ = self._loss_and_dout(self.output(theta))
        return float(np.real(value))

    def gradient(self, theta):
        """The gradient ``grad L(theta)``, by backpropagation.

        Works for complex ``theta`` as well (used for complex-step Hessian-vector products), so
        long as the imaginary part is tiny.
        """
        return self.value_and_gradient(theta)[1]

    def value_and_gradient(self, theta):
        """``(L(theta), grad L(theta))`` in one pass."""
        theta = np.asarray(theta)
        if theta.shape != (self.dim,):
            raise BadArgumentError("theta", theta.shape, f"must be a vector of length {self.dim}")
        if self.kind == "custom":
            phi = self.features(theta)
            out = (self.X @ phi)[:, None]
            value, dout = self._loss_and_dout(out)
            gphi = self.X.T @ dout[:, 0]
            return value, self._jacobian(theta).T @ gphi
        out, pre, acts, Us = self._forward(theta, self.X)
        value, delta = self._loss_and_dout(out)
        q = len(Us)
        gU = [None] * q
        gb = [None] * (q - 1)
        for l in reversed(range(q)):
            gU[l] = acts[l].T @ delta
            if l > 0:
                delta = delta @ Us[l].T
                if self._relu:
                    delta = delta * (pre[l - 1].real > 0)
                gb[l - 1] = delta.sum(axis=0)
        return value, self.pack(gU, gb if self.bias else ())

    def hvp(self, theta, v, *, method: str = "complex", eps: float | None = None):
        """Hessian-vector product ``H(theta) v``.

        Parameters
        ----------
        theta, v : array_like
            Point and direction.
        method : {"complex", "central"}
            ``"complex"`` (default): complex step, ``Im grad L(theta + i eps v) / eps`` with
            ``eps = 1e-30``, exact to round-off (the gradient is piecewise analytic; inside a ReLU
            activation region it is exact).  ``"central"``: central differences of the gradient.

        Raises
        ------
        BadArgumentError
            For an unknown ``method``.
        """
        theta = np.asarray(theta, dtype=float)
        v = np.asarray(v, dtype=float)
        if method == "complex":
            eps = _COMPLEX_STEP if eps is None else eps
            return self.gradient(theta + 1j * eps * v).imag / eps
        if method == "central":
            eps = 1e-5 if eps is None else eps
            return (self.gradient(theta + eps * v) - self.gradient(theta - eps * v)) / (2 * eps)
        raise BadArgumentError("method", method, "must be 'complex' or 'central'")

    def metric_inverse(self, theta):
        """Diagonal of ``M(theta)^{-1}``: ``theta`` on mirror coordinates, 1 elsewhere."""
        return np.where(self.mirror_mask, theta, 1.0)


def network(
    model,
    widths: Sequence[int] | None = None,
    *,
    bias: bool | None = None,
    phi=None,
    params=None,
    loss: str = "square",
    n_samples: int | None = None,
    seed: int = 0,
    metric: str | None = None,
) -> Network:
    """Build a concrete :class:`Network` with seeded random data.

    Parameters
    ----------
    model : str or model object
        A kind (``"linear"``, ``"relu"``, ``"nmf"``, ``"icnn"``, ``"custom"``) or an object from
        ``lieflow.models`` (read by duck typing: ``.kind``, ``.widths``, ``.bias``,
        ``.parameters`` and, for custom, ``.phi_exprs``).
    widths : sequence of int, optional
        ``[n0, ..., nq]`` (required for a kind given as a string, except custom).
    bias : bool, optional
        Hidden-layer biases (relu and icnn only).
    phi, params : optional
        For ``custom``: the features as sympy expressions (or strings) and the parameter names
        (default: the sorted free symbols).  The model is ``g(theta, x) = sum_i phi_i(theta) x_i``.
    loss : {"square", "cross-entropy"}
        Square loss, or softmax cross-entropy on the outputs (logistic loss for one output).
    n_samples : int, optional
        Number of data points (default 10).  For nmf the inputs are the identity of size ``n0``
        (so the model factorizes a nonnegative ``n0 x n2`` target matrix) and this is ignored.
    seed : int
        Seed of ``numpy.random.default_rng`` for the data.
    metric : {None, "euclidean", "mirror"} or metric object
        The flow's metric, read from a model object's ``.metric`` when not given.  ``"mirror"``
        puts ``diag(theta)`` on every parameter of a linear, relu or custom model (nmf and icnn
        always carry their own mirror metric); an object with ``.mirrored`` (indices of the
        mirrored parameters, like ``lieflow``'s ``MirrorMetric``) puts it on those.

    Returns
    -------
    Network

    Raises
    ------
    BadArgumentError
        For an unknown kind or loss, bad widths, or a bias where the model has none.

    Examples
    --------
    >>> net = network("relu", [2, 3, 2], bias=True, loss="cross-entropy", seed=1)
    >>> net.dim, net.Y.shape
    (15, (10, 2))
    >>> network("custom", phi=["a*b*c"]).parameters
    ('a', 'b', 'c')
    """
    names_from_model = None
    if not isinstance(model, str):
        obj = model
        model = getattr(obj, "kind", None)
        if model is None:
            raise BadArgumentError("model", obj, "must be a kind name or a lieflow model object")
        widths = getattr(obj, "widths", widths)
        bias = getattr(obj, "bias", bias)
        names_from_model = tuple(getattr(obj, "parameters", ()) or ()) or None
        if metric is None:
            metric = getattr(obj, "metric", None)
        if model == "custom":
            phi = getattr(obj, "phi_exprs", phi)
            params = names_from_model or params
    if model not in KINDS:
        raise BadArgumentError("model", model, f"must be one of {', '.join(KINDS)}")
    if loss not in LOSSES:
        raise BadArgumentError("loss", loss, f"must be one of {', '.join(LOSSES)}")
    bias = bool(bias)
    mirrored = None
    if metric is not None and not isinstance(metric, str):
        mirrored = getattr(metric, "mirrored", None)
        if mirrored is None:
            raise BadArgumentError("metric", metric, "only the euclidean and mirror (diag(theta))"
                                                     " metrics are simulated")
        mirrored = tuple(int(i) for i in mirrored)
    elif metric not in (None, "euclidean", "mirror"):
        raise BadArgumentError("metric", metric, "only the euclidean and mirror (diag(theta)) "
                                                 "metrics are simulated")
    if model in ("nmf", "icnn") and metric == "euclidean":
        raise BadArgumentError("metric", metric, f"{model} implies the mirror metric")
    if metric == "mirror" and model not in ("nmf", "icnn"):
        mirrored = "all"
    if n_samples is None:
        n_samples = 10
    if int(n_samples) != n_samples or n_samples < 1:
        raise BadArgumentError("n_samples", n_samples, "must be an integer >= 1")
    rng = np.random.default_rng(seed)

    if model == "custom":
        import sympy

        if not phi:
            raise BadArgumentError("phi", phi, "a custom model needs at least one feature")
        from lieflow.algebra.sympy_bridge import sympify_strict

        exprs = tuple(sympify_strict(e, f"phi[{i}]") for i, e in enumerate(phi))  # strings: no code runs
        if params is None:
            params = sorted({s.name for e in exprs for s in e.free_symbols})
        params = tuple(str(p) for p in params)
        unknown = {s.name for e in exprs for s in e.free_symbols} - set(params)
        if unknown:
            raise BadArgumentError("phi", list(phi),
                                   f"uses symbols not in params: {sorted(unknown)}")
        if bias:
            raise BadArgumentError("bias", bias, "a custom model has no biases")
        d = len(exprs)
        X = rng.standard_normal((n_samples, d))
        Y = _targets(rng, n_samples, 1, loss)
        return Network(
            "custom", (d, 1), bias=False, parameters=params, X=X, Y=Y, loss=loss, seed=seed,
            phi_exprs=exprs, mirrored=_indices(mirrored, len(params)),
        )

    if widths is None:
        raise BadArgumentError("widths", widths, f"a {model} model needs widths")
    widths = _check_widths(widths)
    if model in ("nmf", "icnn") and len(widths) != 3:
        raise BadArgumentError("widths", list(widths), f"{model} needs exactly three widths")
    if bias and model in ("linear", "nmf"):
        raise BadArgumentError("bias", bias, f"a {model} model has no biases")
    names = parameter_names(widths, bias=bias)
    if names_from_model is not None and names_from_model != names:
        raise BadArgumentError(
            "model.parameters", names_from_model[:6], f"expected lieflow's order {names[:6]}..."
        )
    if model == "nmf":
        X = np.eye(widths[0])
        Y = rng.uniform(0.0, 1.0, size=(widths[0], widths[-1]))
        if loss == "cross-entropy":
            Y = _targets(rng, widths[0], widths[-1], loss)
    else:
        X = rng.standard_normal((n_samples, widths[0]))
        Y = _targets(rng, n_samples, widths[-1], loss)
    return Network(model, widths, bias=bias, parameters=names, X=X, Y=Y, loss=loss, seed=seed,
                   mirrored=_indices(mirrored, len(names)))


def _indices(mirrored, dim):
    if mirrored is None:
        return None
    if mirrored == "all":
        return tuple(range(dim))
    if any(not 0 <= i < dim for i in mirrored):
        raise BadArgumentError("metric.mirrored", mirrored, f"indices must lie in [0, {dim})")
    return mirrored


def _targets(rng, n, k, loss):
    if loss == "square":
        return rng.standard_normal((n, k))
    if k == 1:
        return rng.integers(0, 2, size=(n, 1)).astype(float)
    return np.eye(k)[rng.integers(0, k, size=n)]


def initial_parameters(net: Network, *, seed: int = 0, scale: float = 0.5):
    """Seeded random initial parameters for ``net``.

    Entries are ``scale * N(0, 1)``; coordinates with the mirror metric (nmf, the output layer of
    an icnn) get absolute values, so they start positive.  The generator is
    ``numpy.random.default_rng(numpy.random.SeedSequence(seed, spawn_key=(1,)))``, a stream
    independent of the data's (``default_rng(seed)``).

    Examples
    --------
    >>> net = network("nmf", [2, 2, 2])
    >>> bool((initial_parameters(net, seed=3) > 0).all())
    True
    """
    rng = np.random.default_rng(np.random.SeedSequence(int(seed), spawn_key=(1,)))
    theta = scale * rng.standard_normal(net.dim)
    return np.where(net.mirror_mask, np.abs(theta), theta)


def finite_difference_gradient(f, theta, *, eps: float = 1e-6):
    """Central finite-difference gradient of a scalar function (for checking gradients).

    Examples
    --------
    >>> import numpy as np
    >>> g = finite_difference_gradient(lambda x: float(x @ x), np.array([1.0, 2.0]))
    >>> np.round(g, 6).tolist()
    [2.0, 4.0]
    """
    theta = np.asarray(theta, dtype=float)
    g = np.empty_like(theta)
    for i in range(theta.size):
        e = np.zeros_like(theta)
        e[i] = eps
        g[i] = (f(theta + e) - f(theta - e)) / (2 * eps)
    return g
