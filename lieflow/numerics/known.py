"""Closed-form conservation laws (DESIGN §2-4), as sympy expressions in lieflow's names.

The census *finds* these; this module writes them down directly, so the numerics can be checked
independently of the exact core, and so the ``drift`` command can add the discrete heavy-ball
invariant, which is not a law of any flow.

- :func:`gradient_flow_laws`: linear (``U_l^T U_l - U_{l+1} U_{l+1}^T``), relu (per hidden neuron,
  ``|incoming weights and bias|^2 - |outgoing weights|^2``), nmf mirror flow (per hidden unit,
  ``sum_i U_1[i,k] - sum_j U_2[k,j]``), icnn (Euclidean first layer, mirror output layer:
  ``(|U_1[:,k]|^2 + b_k^2) / 2 - sum_j U_2[k,j]``, because positive homogeneity gives
  ``sum_i u_ik dL/du_ik + b_k dL/db_k = sum_j w_kj dL/dw_kj`` and the mirror flow moves
  ``w_kj' = -w_kj dL/dw_kj``).
- :func:`linear_momentum_laws`: ``factor(t) * A_l[i, j]`` (``i < j``) with the antisymmetric
  ``A_l = U_l^T U_l' - U_l'^T U_l + U_{l+1} U_{l+1}'^T - U_{l+1}' U_{l+1}^T``, which for any depth
  satisfies ``A_l' = -tau(t) A_l`` along ``theta'' + tau(t) theta' = -grad L``: ``exp(tau t) A``
  for heavy ball, ``t**alpha A`` for ``alpha / t`` damping, ``A`` without damping.
- :func:`discrete_heavy_ball_laws`: for heavy ball with step ``h`` and momentum ``beta`` on a
  linear net, ``Q_k = W_k^T W_{k+1} - W_{k+1}^T W_k`` (``W = [U_1; U_2^T]`` for two layers) obeys
  ``Q_k = beta Q_{k-1}`` exactly.  Written with the backward velocity
  ``v_k = (x_k - x_{k-1}) / h``, ``Q_{k-1} = h A(x_k, v_k)``, so ``beta**(-t/h) * A`` (``t = k h``)
  is constant along the iterates: the continuous law with ``exp(tau t)`` replaced by
  ``beta**(-t/h)``.

Examples
--------
>>> gradient_flow_laws("relu", [1, 2, 1])
[u1_1_1**2 - u2_1_1**2, u1_1_2**2 - u2_2_1**2]
>>> linear_momentum_laws([1, 2, 1])
[u1_1_1*v_u1_1_2 - u1_1_2*v_u1_1_1 + u2_1_1*v_u2_2_1 - u2_2_1*v_u2_1_1]
"""

from __future__ import annotations

from lieflow.errors import BadArgumentError
from lieflow.numerics import _checks

__all__ = [
    "factor_matrices",
    "gradient_flow_laws",
    "linear_momentum_laws",
    "discrete_heavy_ball_laws",
    "momentum_time_factor",
]


def factor_matrices(widths, *, prefix=""):
    """sympy matrices ``[U_1, ..., U_q]`` of the symbols ``{prefix}u{l}_{i}_{j}``.

    Examples
    --------
    >>> factor_matrices([1, 2])[0]
    Matrix([[u1_1_1, u1_1_2]])
    >>> factor_matrices([1, 1], prefix="v_")[0]
    Matrix([[v_u1_1_1]])
    """
    import sympy

    widths = [int(w) for w in widths]
    return [
        sympy.Matrix(widths[l - 1], widths[l],
                     lambda i, j: sympy.Symbol(f"{prefix}u{l}_{i + 1}_{j + 1}"))
        for l in range(1, len(widths))
    ]


def gradient_flow_laws(kind, widths, *, bias=False):
    """Known gradient-flow (or mirror-flow) laws of the catalog models.

    Parameters
    ----------
    kind : {"linear", "relu", "nmf", "icnn"}
    widths : sequence of int
    bias : bool

    Returns
    -------
    list of sympy expressions

    Raises
    ------
    BadArgumentError
        For another kind, or nmf/icnn without three widths.

    Examples
    --------
    >>> gradient_flow_laws("nmf", [2, 1, 1])
    [u1_1_1 + u1_2_1 - u2_1_1]
    """
    import sympy

    _checks.choice("kind", kind, ("linear", "relu", "nmf", "icnn"))
    widths = [int(w) for w in widths]
    if kind in ("nmf", "icnn") and len(widths) != 3:
        raise BadArgumentError("widths", widths, f"{kind} needs exactly three widths")
    Us = factor_matrices(widths)
    q = len(Us)
    laws = []
    for l in range(1, q):  # hidden layer l, between factors l and l+1
        U, V = Us[l - 1], Us[l]
        bvec = [sympy.Symbol(f"b{l}_{k + 1}") for k in range(widths[l])] if bias else None
        if kind == "linear":
            M = U.T * U - V * V.T
            laws += [sympy.expand(M[i, j]) for i in range(M.rows) for j in range(i, M.cols)]
            continue
        for k in range(widths[l]):
            incoming = sum(U[i, k] ** 2 for i in range(U.rows)) + (bvec[k] ** 2 if bias else 0)
            if kind == "relu":
                laws.append(sympy.expand(incoming - sum(V[k, j] ** 2 for j in range(V.cols))))
            elif kind == "nmf":
                laws.append(sum(U[i, k] for i in range(U.rows))
                            - sum(V[k, j] for j in range(V.cols)))
            else:
                laws.append(incoming / 2 - sum(V[k, j] for j in range(V.cols)))
    return laws


def momentum_time_factor(damping="heavy-ball", *, tau=1, alpha=3):
    """``exp(tau t)``, ``t**alpha`` or ``1`` as a sympy expression in ``t``.

    Examples
    --------
    >>> momentum_time_factor("nesterov")
    t**3
    """
    import sympy

    t = sympy.Symbol("t")
    _checks.choice("damping", damping, ("heavy-ball", "none", "nesterov"))
    if damping == "heavy-ball":
        return sympy.exp(sympy.nsimplify(tau) * t)
    if damping == "nesterov":
        return t ** sympy.nsimplify(alpha)
    return sympy.Integer(1)


def linear_momentum_laws(widths, *, time_factor=1):
    """``time_factor * A_l[i, j]`` for ``i < j`` and every hidden layer ``l`` of a linear net.

    ``A_l = U_l^T U_l' - U_l'^T U_l + U_{l+1} U_{l+1}'^T - U_{l+1}' U_{l+1}^T`` with ``'`` the
    velocity (``v_`` names).  Use ``time_factor=momentum_time_factor(...)`` for the flows and
    :func:`discrete_heavy_ball_laws` for the heavy-ball iteration.
    """
    import sympy

    Us = factor_matrices(widths)
    Vs = factor_matrices(widths, prefix="v_")
    laws = []
    for l in range(1, len(Us)):
        U, Ud, W, Wd = Us[l - 1], Vs[l - 1], Us[l], Vs[l]
        A = U.T * Ud - Ud.T * U + W * Wd.T - Wd * W.T
        laws += [sympy.expand(time_factor * A[i, j])
                 for i in range(A.rows) for j in range(i + 1, A.cols)]
    return laws


def discrete_heavy_ball_laws(widths, *, beta, lr):
    """``beta**(-t/lr) * A_l[i, j]``: exactly conserved by heavy ball on a linear network.

    Evaluate along a :func:`~lieflow.numerics.optimizers.heavy_ball` trajectory (its velocities
    are the backward differences ``(x_k - x_{k-1}) / lr``, ``t = k lr``).  The quantity is
    identically 0 when the iteration starts at rest; start with a nonzero ``v0`` to see it.

    Raises
    ------
    BadArgumentError
        If ``beta`` is not in ``(0, 1)`` or ``lr`` is not positive.
    """
    import sympy

    beta = _checks.momentum("beta", beta)
    if beta == 0:
        raise BadArgumentError("beta", beta, "the discrete heavy-ball law needs beta > 0")
    lr = _checks.positive("lr", lr)
    t = sympy.Symbol("t")
    return linear_momentum_laws(widths, time_factor=sympy.Float(beta) ** (-t / sympy.Float(lr)))
