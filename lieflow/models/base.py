"""The :class:`Model` value class: named parameters and a polynomial reparametrization φ."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..algebra import PolyRing

__all__ = ["Model", "check_widths"]


def check_widths(widths, *, name: str = "widths", min_len: int = 2, max_len: int | None = None) -> tuple:
    """Validate a width list: integers >= 1, at least ``min_len`` of them."""
    from ..errors import BadArgumentError

    if isinstance(widths, (str, bytes)) or not hasattr(widths, "__iter__"):
        raise BadArgumentError(name, widths, "expected a sequence of integers >= 1")
    ws = tuple(widths)
    for w in ws:
        if isinstance(w, bool) or not isinstance(w, int) or w < 1:
            raise BadArgumentError(name, list(ws), "every width must be an integer >= 1")
    if len(ws) < min_len:
        raise BadArgumentError(name, list(ws), f"need at least {min_len} widths (input and output)")
    if max_len is not None and len(ws) > max_len:
        raise BadArgumentError(name, list(ws), f"need at most {max_len} widths")
    return ws


@dataclass(frozen=True)
class Model:
    """A model ``g(θ, x) = f(φ(θ), x)`` declared by its parameters and polynomial φ.

    Attributes
    ----------
    kind : str
        ``"linear"``, ``"relu"``, ``"custom"``, ... (catalog name).
    widths : tuple of int
        Factor widths ``[n0, ..., nq]`` (empty for custom models).
    bias : bool
    ring : PolyRing
        The parameters, in the order of DESIGN §2.
    phi : tuple of Poly
        The components of the reparametrization.
    metric : object or None
        The inverse metric ``P(θ)`` of the flow (``None``: Euclidean).
    name : str
        A short human-readable name (``"relu[2, 2, 5, 3]+bias"``).
    """

    kind: str
    widths: tuple
    bias: bool
    ring: PolyRing
    phi: tuple
    metric: object = None
    name: str = ""
    options: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def parameters(self) -> tuple:
        """The parameter names, in order."""
        return self.ring.symbols

    @property
    def dim(self) -> int:
        """Number of parameters D."""
        return self.ring.ngens

    @property
    def phi_exprs(self) -> tuple:
        """φ as sympy expressions."""
        return tuple(p.as_expr() for p in self.phi)

    def __str__(self):
        return self.name or self.kind

    def _sympystr(self, printer):
        return str(self)
