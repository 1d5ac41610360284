"""Short, checked descriptions of long families of laws ("one law per hidden neuron").

A linear network [12, 12, 12] has 78 laws; a reader wants the one matrix identity they come from.
:func:`law_summary` names the family for the catalog models whose laws have a known closed form,
but only after checking exactly that the laws the census wrote span the same space as that closed
form (same number of laws, equal spans of coefficient vectors over QQ).  Otherwise it returns
``None`` and the report lists the laws as they are.

>>> from lieflow import census
>>> from lieflow.models import linear, relu
>>> print(law_summary(census(linear([3, 3, 3]))))
the entries on and above the diagonal of U_l^T U_l - U_{l+1} U_{l+1}^T for each hidden layer l (n_l (n_l + 1)/2 per layer, U_l the weights of layer l): 6 laws
>>> print(law_summary(census(relu([2, 3, 1], bias=True))))
one law per hidden neuron: |incoming weights|^2 + bias^2 - |outgoing weights|^2: 3 laws
"""

from __future__ import annotations

from fractions import Fraction

from .algebra import Poly
from .algebra.linalg import rank_qq
from .errors import BadArgumentError

__all__ = ["law_summary", "closed_form_laws"]


def closed_form_laws(system):
    """The closed-form laws of a catalog model's gradient flow, with a phrase naming them.

    Known families (Euclidean gradient flow only): deep linear networks (``linear``; the entries
    ``j <= k`` of ``U_l^T U_l - U_{l+1} U_{l+1}^T`` for each hidden layer ``l``) and ReLU networks
    (``relu``, with or without biases; one law per hidden neuron, the squared norm of its incoming
    weights and bias minus that of its outgoing weights).

    Parameters
    ----------
    system : lieflow.dynamics.System

    Returns
    -------
    (str, list of Poly) or None
        ``None`` for any other model or flow.

    Raises
    ------
    BadArgumentError
        if ``system`` is not a lieflow System.

    Examples
    --------
    >>> from lieflow.dynamics import gradient_flow
    >>> from lieflow.models import relu
    >>> phrase, laws = closed_form_laws(gradient_flow(relu([1, 2, 1])))
    >>> [str(h) for h in laws]
    ['u1_1_1**2 - u2_1_1**2', 'u1_1_2**2 - u2_2_1**2']
    """
    model = getattr(system, "model", None)
    if model is None or not hasattr(system, "ring"):
        raise BadArgumentError("system", system, "expected a lieflow System")
    if system.time_variable is not None or getattr(system, "metric_name", "euclidean") != "euclidean":
        return None
    if model.kind not in ("linear", "relu") or (model.kind == "linear" and model.bias):
        return None
    ring = system.ring
    index = {name: k for k, name in enumerate(ring.symbols)}
    if any(not name.startswith(("u", "b")) for name in ring.symbols):
        return None
    var = {name: ring.gens[k] for name, k in index.items()}
    w = model.widths

    def u(l, i, j):
        return var[f"u{l}_{i}_{j}"]

    laws = []
    if model.kind == "linear":
        for l in range(1, len(w) - 1):
            for j in range(1, w[l] + 1):
                for k in range(j, w[l] + 1):
                    h = sum((u(l, i, j) * u(l, i, k) for i in range(1, w[l - 1] + 1)), ring.constant(0))
                    h = h - sum((u(l + 1, j, m) * u(l + 1, k, m) for m in range(1, w[l + 1] + 1)), ring.constant(0))
                    laws.append(h)
        phrase = (
            "the entries on and above the diagonal of U_l^T U_l - U_{l+1} U_{l+1}^T for each hidden layer l "
            "(n_l (n_l + 1)/2 per layer, U_l the weights of layer l)"
        )
    else:
        for l in range(1, len(w) - 1):
            for j in range(1, w[l] + 1):
                h = sum((u(l, i, j) ** 2 for i in range(1, w[l - 1] + 1)), ring.constant(0))
                if model.bias:
                    h = h + var[f"b{l}_{j}"] ** 2
                h = h - sum((u(l + 1, j, m) ** 2 for m in range(1, w[l + 1] + 1)), ring.constant(0))
                laws.append(h)
        phrase = "one law per hidden neuron: |incoming weights|^2" + (" + bias^2" if model.bias else "") + (
            " - |outgoing weights|^2"
        )
    return phrase, laws


def _same_span(a, b) -> bool:
    """Whether two lists of polynomials span the same space over QQ (exact ranks)."""
    monos = sorted({m for h in list(a) + list(b) for m, _ in h.terms()})
    col = {m: i for i, m in enumerate(monos)}

    def rows(hs):
        out = []
        for h in hs:
            row = [Fraction(0)] * len(monos)
            for m, c in h.terms():
                row[col[m]] = Fraction(c)
            out.append(row)
        return out

    ra, rb = rows(a), rows(b)
    r = rank_qq(ra) if ra else 0
    return r == (rank_qq(rb) if rb else 0) and r == (rank_qq(ra + rb) if ra or rb else 0)


def law_summary(c):
    """One line naming the census's laws, when they are exactly a known closed-form family.

    Parameters
    ----------
    c : Census

    Returns
    -------
    str or None
        ``"<phrase>: <n> laws"`` when the census's laws are all polynomial and span exactly the
        space of the closed form of its model (checked here), else ``None``.

    Raises
    ------
    BadArgumentError
        if ``c`` is not a Census.

    Examples
    --------
    >>> from lieflow import census
    >>> from lieflow.models import custom
    >>> law_summary(census(custom(["x*y"]))) is None
    True
    """
    from .census import Census

    if not isinstance(c, Census):
        raise BadArgumentError("c", c, "expected a Census")
    known = closed_form_laws(c.system)
    if known is None or not c.laws or any(law.log_law is not None for law in c.laws):
        return None
    phrase, laws = known
    if len(laws) != len(c.laws) or not _same_span([law.poly for law in c.laws], laws):
        return None
    return f"{phrase}: {len(laws)} laws"
