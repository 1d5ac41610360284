"""The :class:`Model` value class: named parameters and a polynomial reparametrization φ."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..algebra import PolyRing

__all__ = ["Model", "check_widths", "check_sizes"]


def check_widths(widths, *, name: str = "widths", min_len: int = 2, max_len: int | None = None) -> tuple:
    """Validate a width list: integers >= 1, at least ``min_len`` of them, and no more weights
    ``Σ n_{l-1} n_l`` than the ``max_params`` limit (:mod:`lieflow.limits`) allows.

    Raises
    ------
    BadArgumentError
        for widths that are not integers >= 1, or too few or too many of them.
    InputTooLargeError
        if the weights alone exceed ``max_params``.

    Examples
    --------
    >>> check_widths([2, 3, 1])
    (2, 3, 1)
    >>> check_widths([2, 99999999999999999999, 2])
    Traceback (most recent call last):
    ...
    lieflow.errors.InputTooLargeError: widths: number of parameters is 399999999999999999996, over the limit max_params=10000 (raise it with lieflow.limits.override(max_params=...) or --limit max_params=N), got [2, 99999999999999999999, 2]
    """
    from ..errors import BadArgumentError

    if isinstance(widths, (str, bytes)) or not hasattr(widths, "__iter__"):
        raise BadArgumentError(name, widths, "expected a sequence of integers >= 1")
    ws = tuple(widths)
    for w in ws:
        if isinstance(w, bool) or not isinstance(w, int) or w < 1:
            raise BadArgumentError(name, _shown(ws), "every width must be an integer >= 1")
    if len(ws) < min_len:
        raise BadArgumentError(name, list(ws), f"need at least {min_len} widths (input and output)")
    if max_len is not None and len(ws) > max_len:
        raise BadArgumentError(name, _shown(ws), f"need at most {max_len} widths")
    check_sizes(name, ws, params=sum(a * b for a, b in zip(ws, ws[1:])))
    return ws


def _shown(ws):
    """Widths as shown in a message: short, and never a huge number written out."""
    from ..limits import shown_int

    items = [shown_int(w) if isinstance(w, int) else w for w in ws[:12]]
    return items if len(ws) <= 12 else f"{items[:-1]}... ({len(ws)} widths)"


def check_sizes(name: str, value, *, params=None, components=None, terms=None, degree=None) -> None:
    """Refuse a model whose sizes, computed from its description before it is built, exceed
    the limits in force (:mod:`lieflow.limits`): parameters, components of φ, terms of φ (all
    components together) and the degree of φ.

    Raises
    ------
    InputTooLargeError
        naming the size and the limit.

    Examples
    --------
    >>> check_sizes("widths", [2, 2], params=4, components=4, terms=4, degree=1)
    >>> check_sizes("heads", 10**6, params=4 * 10**6)
    Traceback (most recent call last):
    ...
    lieflow.errors.InputTooLargeError: heads: number of parameters is 4000000, over the limit max_params=10000 (raise it with lieflow.limits.override(max_params=...) or --limit max_params=N), got 1000000
    """
    from ..limits import check

    shown = _shown(value) if isinstance(value, tuple) else value
    for limit, size, what in (
        ("max_params", params, "number of parameters"),
        ("max_components", components, "number of components of φ"),
        ("max_terms", terms, "number of terms of φ"),
        ("max_degree", degree, "degree of φ"),
    ):
        if size is not None:
            check(limit, size, name, shown, what)


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
