"""Models trained in a mirror geometry: nonnegative matrix factorization and input-convex networks.

Both reuse the catalog's reparametrization φ (:func:`~lieflow.models.linear` for NMF, the ReLU
path lifting :func:`~lieflow.models.relu` for an ICNN) and attach a mirror inverse metric
``P = diag(p_k)`` (``p_k = θ_k`` on the mirrored parameters, ``1`` elsewhere), so the gradient flow is
``θ' = -P(θ)∇L`` (:mod:`lieflow.dynamics.metrics`).  The metric acts on each region's fields
alike, so the generators are ``P ∇φ_i`` for the union φ: NMF has no activation regions, and the
ICNN's path lifting spans every region's φ (see :func:`~lieflow.models.relu`).

- :func:`nmf` ``[n0, n1, n2]``: ``φ = U_1 U_2``, every parameter mirrored (multiplicative updates).
  One law per hidden unit ``k``: ``Σ_i U_1[i,k] - Σ_j U_2[k,j]``.
- :func:`icnn` ``[n0, n1, n2]``: ReLU 2-layer network, mirror on the output layer ``U_2`` only
  (whose nonnegativity makes the network input-convex), Euclidean on ``U_1`` and the biases.
  One law per hidden neuron ``k``: ``Σ_i U_1[i,k]² + b_k² - 2 Σ_j U_2[k,j]``.

Examples
--------
>>> from lieflow.dynamics import gradient_flow
>>> from lieflow.laws import polynomial_laws
>>> [str(h) for h in polynomial_laws(gradient_flow(nmf([2, 1, 2])).generators, degree=1)]
['u1_1_1 + u1_2_1 - u2_1_1 - u2_1_2']
>>> [str(h) for h in polynomial_laws(gradient_flow(icnn([1, 1, 2], bias=True)).generators, degree=1)]
[]
>>> [str(h) for h in polynomial_laws(gradient_flow(icnn([1, 1, 2], bias=True)).generators, degree=2)][0]
'u1_1_1**2 + b1_1**2 - 2*u2_1_1 - 2*u2_1_2'
"""

from __future__ import annotations

from dataclasses import replace

from ..errors import BadArgumentError
from .base import Model, check_widths
from .catalog import linear, relu

__all__ = ["nmf", "icnn", "mirror"]


def mirror(*, layers=None, params=None):
    """The mirror metric selector (see :func:`lieflow.dynamics.metrics.mirror`).

    >>> mirror(layers=[2]).label
    'mirror(layers=[2])'
    """
    from ..dynamics.metrics import mirror as _mirror

    return _mirror(layers=layers, params=params)


def _two_factor_widths(widths, kind):
    ws = check_widths(widths)
    if len(ws) != 3:
        raise BadArgumentError("widths", list(ws), f"{kind} needs exactly 3 widths [n0, n1, n2] (two factors)")
    return ws


def nmf(widths) -> Model:
    """Nonnegative matrix factorization ``φ = U_1 U_2`` trained by the mirror flow on every parameter.

    Parameters
    ----------
    widths : sequence of int
        Exactly ``[n0, n1, n2]``: ``U_1`` is ``n0 × n1``, ``U_2`` is ``n1 × n2`` (in the papers'
        notation ``U ∈ R^{n×r}``, ``V ∈ R^{m×r}``, ``φ = U V^T``: widths ``[n, r, m]``).

    Returns
    -------
    Model
        ``kind="nmf"``, the parameters and φ of ``linear(widths)``, metric ``diag(θ)``.

    Raises
    ------
    BadArgumentError
        unless ``widths`` is three integers >= 1.

    Examples
    --------
    >>> m = nmf([2, 3, 3])
    >>> m.kind, m.name, m.dim, m.metric.kind, len(m.metric.mirrored)
    ('nmf', 'nmf[2, 3, 3]', 15, 'mirror', 15)
    >>> nmf([2, 3])
    Traceback (most recent call last):
    ...
    lieflow.errors.BadArgumentError: widths: nmf needs exactly 3 widths [n0, n1, n2] (two factors), got [2, 3]
    """
    from ..dynamics.metrics import as_metric

    widths = _two_factor_widths(widths, "nmf")
    base = linear(widths)
    return replace(base, kind="nmf", metric=as_metric("mirror", base), name=f"nmf{list(widths)}")


def icnn(widths, *, bias: bool = False) -> Model:
    """Input-convex ReLU 2-layer network: mirror metric on the output layer ``U_2`` only.

    φ is the ReLU path lifting of ``relu(widths, bias=bias)``; the inverse metric is ``θ_k`` on the
    entries ``u2_k_j`` of ``U_2`` and ``1`` on ``U_1`` and the hidden biases ``b1_k``.

    Parameters
    ----------
    widths : sequence of int
        Exactly ``[n0, n1, n2]`` (input, hidden, output).
    bias : bool
        Whether the hidden layer has biases ``b1_k``.

    Returns
    -------
    Model
        ``kind="icnn"``.

    Raises
    ------
    BadArgumentError
        unless ``widths`` is three integers >= 1 and ``bias`` a bool.

    Examples
    --------
    >>> m = icnn([2, 3, 2], bias=True)
    >>> m.kind, m.name, m.metric.name
    ('icnn', 'icnn[2, 3, 2]+bias', 'mirror(layers=[2])')
    >>> m.metric.mirrored_names
    ('u2_1_1', 'u2_1_2', 'u2_2_1', 'u2_2_2', 'u2_3_1', 'u2_3_2')
    """
    from ..dynamics.metrics import as_metric, mirror as _mirror

    widths = _two_factor_widths(widths, "icnn")
    if not isinstance(bias, bool):
        raise BadArgumentError("bias", bias, "must be True or False")
    base = relu(widths, bias=bias)
    name = f"icnn{list(widths)}" + ("+bias" if bias else "")
    return replace(base, kind="icnn", metric=as_metric(_mirror(layers=[2]), base), name=name)
