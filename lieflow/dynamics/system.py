"""A dynamical system to census: a ring of phase variables and the generators of its flow."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..algebra import PolyRing, gradient_field
from ..errors import BadArgumentError
from ..models.base import Model

__all__ = ["System", "gradient_flow"]


@dataclass(frozen=True)
class System:
    """The generators whose Lie algebra decides the conservation laws of a flow.

    Attributes
    ----------
    model : Model
    flow : str
        ``"gradient"`` or ``"momentum"``.
    ring : PolyRing
        Phase variables: θ for gradient flows; θ, v, then the time coordinate for momentum.
    generators : tuple of VectorField
    generator_names : tuple of str
    damping : str or None
        ``"heavy-ball"``, ``"nesterov"``, ``"none"`` for momentum flows.
    tau, alpha : rational or None
        Damping constants (τ for heavy ball, α for Nesterov-type α/t).
    time_variable : str or None
        Name of the time coordinate (``"s"`` = e^{τt}, or ``"t"``).
    """

    model: Model
    flow: str
    ring: PolyRing
    generators: tuple
    generator_names: tuple
    damping: str | None = None
    tau: object = None
    alpha: object = None
    time_variable: str | None = None
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def ambient_dim(self) -> int:
        return self.ring.ngens

    @property
    def metric_name(self) -> str:
        m = self.model.metric
        return "euclidean" if m is None else getattr(m, "kind", "custom")

    def find_laws(self, *, degree: int = 2, time_degree: int | None = None, prime=None, budget=None) -> tuple:
        """A basis of the polynomial laws this system's search covers (each verified exactly);
        ``prime`` and ``budget`` as in :func:`lieflow.laws.polynomial_laws`."""
        from ..laws import polynomial_laws

        if time_degree is not None:
            raise BadArgumentError("time_degree", time_degree, "only applies to momentum flows")
        return polynomial_laws(self.generators, degree=degree, prime=prime, budget=budget)

    def find_log_laws(self, *, degree: int = 2, time_degree: int | None = None, **options) -> tuple:
        """A basis of the laws ``P + Σ Q_j log|ℓ_j|`` (polynomial ones first), each verified exactly
        (see :func:`lieflow.loglaws.log_laws`, which takes the ``options``)."""
        from ..loglaws import log_laws

        if time_degree is not None:
            raise BadArgumentError("time_degree", time_degree, "only applies to momentum flows")
        return log_laws(self.generators, degree=degree, **options)

    def time_expr(self, law):
        """A law as a sympy expression in the parameters (and ``t`` for phase-space laws)."""
        return law.as_expr()

    def generator_exprs(self) -> list:
        """The generators rebuilt independently with sympy (for :meth:`Census.verify`):
        a list of sympy column matrices in ring order."""
        import sympy

        syms = self.ring.sympy_symbols()
        out = []
        P = None
        if self.model.metric is not None:
            P = self.model.metric.as_sympy_matrix()
        for e in self.model.phi_exprs:  # for a model declared by regions: their union, rebuilt
            free = e.free_symbols
            grad = sympy.Matrix([sympy.diff(e, s) if s in free else 0 for s in syms])
            if P is not None:
                grad = (P * grad).applyfunc(sympy.expand)
            if any(grad):
                out.append(grad)
        return out

    def describe(self) -> dict:
        """The normalized input (JSON keys ``model, widths, bias, flow, damping, metric``)."""
        return {
            "model": self.model.kind,
            "widths": list(self.model.widths),
            "bias": self.model.bias,
            "flow": self.flow,
            "damping": self.damping,
            "metric": self.metric_name,
        }


def gradient_flow(model: Model) -> System:
    """The gradient flow θ' = −P(θ)∇L of a model: generators ``X_i = P ∇φ_i``.

    Zero generators (constant components) are dropped; generator ``X_i`` keeps the index of ``φ_i``.

    >>> from lieflow.models import custom
    >>> s = gradient_flow(custom(["x1*x2*x3"]))
    >>> s.generators
    (VectorField(x2*x3*d/dx1 + x1*x3*d/dx2 + x1*x2*d/dx3),)
    """
    if not isinstance(model, Model):
        raise BadArgumentError("model", model, "expected a lieflow Model (see lieflow.models)")
    gens, names = [], []
    for i, phi in enumerate(model.phi):
        g = gradient_field(phi)
        if model.metric is not None:
            g = model.metric.apply(g)
        if g:
            gens.append(g)
            names.append(f"X{i + 1}")
    if not gens:
        raise BadArgumentError("model", model.name, "every generator of the flow vanishes")
    return System(model, "gradient", model.ring, tuple(gens), tuple(names))
