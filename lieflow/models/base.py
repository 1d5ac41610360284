"""The :class:`Model` value class: named parameters and a polynomial reparametrization φ."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..algebra import PolyRing

__all__ = ["Model", "check_widths", "check_sizes", "union_of_regions"]


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


def union_of_regions(regions) -> tuple:
    """The components of every region's φ, each kept once, in order of first appearance.

    A law must hold for every data set, and data can put samples in any activation region, so the
    flow of a piecewise model moves along the gradients of every region's components: this union
    is the φ whose gradients generate it.

    Parameters
    ----------
    regions : sequence of sequences of Poly
        One sequence of components per region, all over one ring.

    Returns
    -------
    tuple of Poly

    Raises
    ------
    BadArgumentError
        if there is no region or a region is empty.

    Examples
    --------
    >>> from lieflow.algebra import PolyRing
    >>> a, b, c = PolyRing.get(("a", "b", "c")).gens
    >>> union_of_regions([[a * b, b * c], [a * b * c, a * b]])
    (Poly(a*b), Poly(b*c), Poly(a*b*c))
    >>> union_of_regions([])
    Traceback (most recent call last):
    ...
    lieflow.errors.BadArgumentError: regions: need at least one region, got []
    """
    from ..errors import BadArgumentError

    regions = [tuple(r) for r in regions]
    if not regions:
        raise BadArgumentError("regions", regions, "need at least one region")
    seen, out = set(), []
    for k, region in enumerate(regions):
        if not region:
            raise BadArgumentError(f"regions[{k}]", list(region), "a region needs at least one component")
        for p in region:
            if p not in seen:
                seen.add(p)
                out.append(p)
    return tuple(out)


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
    options : dict
        Model-specific options (``{"blocks": 2, "activation": "relu"}`` for a resnet).
    regions : tuple of tuples of Poly
        For a piecewise model declared region by region (``custom(regions=...)``): the φ of each
        activation region.  ``phi`` is then their union (:func:`union_of_regions`), so the
        generators of the flow are the gradients of every region's components, and every consumer
        of ``phi`` (gradient and momentum flows, metrics) sees that union.  Empty for models with
        a single region, and for catalog models whose φ already spans every region's components
        (the ReLU path lifting, the ReLU resnet; their docstrings give the argument).
    """

    kind: str
    widths: tuple
    bias: bool
    ring: PolyRing
    phi: tuple
    metric: object = None
    name: str = ""
    options: dict = field(default_factory=dict, compare=False, hash=False)
    regions: tuple = ()

    def __post_init__(self):
        if self.regions and tuple(self.phi) != union_of_regions(self.regions):
            from ..errors import BadArgumentError

            raise BadArgumentError("phi", self.name or self.kind, "must be the union of the regions' components")

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
        """φ as sympy expressions.

        For a model declared by regions the union is rebuilt here with sympy from the regions
        (each expanded component once, in order of first appearance) rather than read from
        ``phi``: it is what the independent re-check of a census (``Census.verify``) compares the
        generators against.

        >>> from lieflow.models import custom
        >>> custom(regions=[["a*b", "b*c"], ["a*b"]]).phi_exprs
        (a*b, b*c)
        """
        if not self.regions:
            return tuple(p.as_expr() for p in self.phi)
        import sympy

        seen, out = set(), []
        for region in self.regions:
            for p in region:
                e = sympy.expand(p.as_expr())
                if e not in seen:
                    seen.add(e)
                    out.append(e)
        return tuple(out)

    def __str__(self):
        return self.name or self.kind

    def _sympystr(self, printer):
        return str(self)
