"""What every certificate shares: the facts a count proof decides on, the evidence a check sees,
and how a failed check is reported.

>>> facts = Facts(ambient_dim=8, generators=4, rank=5, laws_lower=3)
>>> facts.laws_upper
3
>>> try:
...     fail("lie rank", "the kept brackets have rank 4, the census claims 5")
... except VerificationError as exc:
...     print(exc, "|", exc.check)
lie rank: the kept brackets have rank 4, the census claims 5 | lie rank
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import VerificationError

__all__ = ["Facts", "Evidence", "fail"]


def fail(check: str, detail: str):
    """Raise :class:`~lieflow.errors.VerificationError` for ``check``; ``exc.check`` names it.

    Raises
    ------
    VerificationError
        always, with the message ``"<check>: <detail>"``.
    """
    exc = VerificationError(f"{check}: {detail}")
    exc.check = check
    raise exc


@dataclass(frozen=True)
class Facts:
    """The numbers a count proof decides on.

    The census fills them from its own computation when it assembles a proof; the verifier fills
    them from evidence it has re-checked, and calls the same proof's :meth:`check` on them.

    Attributes
    ----------
    ambient_dim : int
        D (or 2D + 1 in phase space).
    generators : int
        Number of (nonzero) generators of the flow.
    rank : int
        Rank of the kept bracket fields at the certificate point.
    laws_lower : int
        Number of independent explicit laws.
    """

    ambient_dim: int
    generators: int
    rank: int
    laws_lower: int

    @property
    def laws_upper(self) -> int:
        """``ambient_dim - rank``: the proven upper bound on the number of laws."""
        return self.ambient_dim - self.rank


@dataclass(frozen=True)
class Evidence(Facts):
    """:class:`Facts` that the verifier has re-established, with what it rebuilt to get them.

    A count proof whose check needs more than the numbers (e.g. the involutive-closure
    certificate, which re-checks polynomial identities among the kept fields) finds here the
    system rebuilt from the model spec, the generators rebuilt independently (plain fields, see
    :mod:`lieflow.certificates.plain`), the certificate point and the kept bracket words, and
    ``field_of(word)``, the kept word's field by the textbook bracket.

    Attributes
    ----------
    system : lieflow.dynamics.System
    fields : dict
        Generator name -> plain field.
    point : tuple
        The certificate point (exact rationals).
    kept : tuple of str
        The kept bracket words.
    field_of : callable
        ``field_of(word) -> plain field``.
    """

    system: object = field(default=None, compare=False)
    fields: dict = field(default_factory=dict, compare=False)
    point: tuple = ()
    kept: tuple = ()
    field_of: object = field(default=None, compare=False)
