"""Proofs of a count: why ``laws_upper`` is exactly the number of conservation laws.

The rank certificate (:mod:`lieflow.certificates.rank`) always proves ``#laws ≤ laws_upper`` and the
explicit laws (:mod:`lieflow.certificates.explicit`) always prove ``#laws ≥ laws_lower``.  A count
proof closes the gap, each by its own argument:

``"explicit laws"`` (:class:`ExplicitLaws`)
    the independent explicit laws already reach the upper bound: ``laws_lower == laws_upper``.
``"full rank"`` (:class:`FullRank`)
    the kept brackets span the whole space at the point, so the Lie algebra has full generic rank
    and there is no law.
``"one generator"`` (:class:`OneGenerator`)
    a single nonzero field spans its own Lie algebra (``[X, X] = 0``): the generic rank is 1 and,
    by the flow-box theorem, there are exactly ``D − 1`` independent local laws, polynomial or not.
``"involutive closure"``
    the kept fields are closed under bracketing with the generators over the rational functions
    (DESIGN §1); its certificate lives in ``lieflow/certificates/involutive.py`` and is registered
    in :data:`lieflow.certificates.COUNT_PROOFS`.

Each proof is an immutable object with a ``kind``, ``to_dict()``/``from_dict()`` and ``check()``.
The census picks the first kind of :data:`SIMPLE_PROOFS` that :meth:`~CountProof.holds` for the
facts it computed; the verifier calls :meth:`~CountProof.check` on the evidence it re-established.

>>> proof = choose_count_proof(Facts(ambient_dim=11, generators=1, rank=1, laws_lower=9))
>>> proof.kind, proof.count(Facts(ambient_dim=11, generators=1, rank=1, laws_lower=9))
('one generator', 10)
>>> proof.to_dict()
{'kind': 'one generator'}
>>> OneGenerator.from_dict({"kind": "one generator"}) == proof
True
>>> choose_count_proof(Facts(ambient_dim=3, generators=2, rank=2, laws_lower=0)) is None
True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from .base import Facts, fail

__all__ = ["CountProof", "ExplicitLaws", "FullRank", "OneGenerator", "SIMPLE_PROOFS", "choose_count_proof"]


@dataclass(frozen=True)
class CountProof:
    """Base of the count proofs (subclasses set ``kind`` and ``summary`` and define :meth:`holds`).

    A subclass that carries data adds dataclass fields and extends :meth:`to_dict` and
    :meth:`from_dict`; one whose check needs more than the numbers overrides :meth:`check` and
    reads the rebuilt system and kept fields from the :class:`~lieflow.certificates.base.Evidence`.
    """

    kind: ClassVar[str] = ""
    #: One line: why the count is exact.
    summary: ClassVar[str] = ""

    @classmethod
    def holds(cls, facts: Facts) -> bool:
        """Whether the argument applies to these facts."""
        raise NotImplementedError

    def count(self, facts: Facts) -> int:
        """The number of laws the proof establishes: ``laws_upper``."""
        return facts.laws_upper

    def check(self, evidence: Facts) -> int:
        """Re-check the proof on verified evidence; return the proven number of laws.

        Raises
        ------
        VerificationError
            (check ``"count proof"``) if the argument does not apply to the evidence.
        """
        if not self.holds(evidence):
            fail("count proof", f"{self.kind!r} does not hold: {self._why_not(evidence)}")
        return self.count(evidence)

    def _why_not(self, facts: Facts) -> str:
        return (
            f"D = {facts.ambient_dim}, {facts.generators} generator{'' if facts.generators == 1 else 's'}, rank {facts.rank}, "
            f"{facts.laws_lower} independent explicit laws"
        )

    def to_dict(self) -> dict:
        """``{"kind": ...}`` (plus the data of proofs that carry some)."""
        return {"kind": self.kind}

    @classmethod
    def from_dict(cls, data) -> "CountProof":
        """Rebuild from :meth:`to_dict` output.

        Raises
        ------
        VerificationError
            (check ``"count proof"``) if ``data`` is not such a dict for this kind.
        """
        if not isinstance(data, dict) or data.get("kind") != cls.kind:
            fail("count proof", f"expected {{'kind': {cls.kind!r}}}, got {data!r:.80}")
        extra = set(data) - {"kind"}
        if extra:
            fail("count proof", f"unexpected keys {sorted(extra)} for {cls.kind!r}")
        return cls()


@dataclass(frozen=True)
class ExplicitLaws(CountProof):
    """The independent explicit laws meet the upper bound (``laws_lower == laws_upper``)."""

    kind: ClassVar[str] = "explicit laws"
    summary: ClassVar[str] = "independent explicit laws meet the upper bound"

    @classmethod
    def holds(cls, facts: Facts) -> bool:
        return facts.laws_lower == facts.laws_upper


@dataclass(frozen=True)
class FullRank(CountProof):
    """The kept brackets have rank D at a point: the Lie algebra fills the space, no law."""

    kind: ClassVar[str] = "full rank"
    summary: ClassVar[str] = "the Lie algebra fills the space: no law"

    @classmethod
    def holds(cls, facts: Facts) -> bool:
        return facts.rank == facts.ambient_dim


@dataclass(frozen=True)
class OneGenerator(CountProof):
    """One nonzero generator: generic rank 1, exactly ``D - 1`` local laws (flow-box theorem)."""

    kind: ClassVar[str] = "one generator"
    summary: ClassVar[str] = "a single field spans its own Lie algebra (flow-box theorem)"

    @classmethod
    def holds(cls, facts: Facts) -> bool:
        return facts.generators == 1 and facts.rank == 1


#: The proofs the census can decide from its numbers alone, in the order it tries them.
SIMPLE_PROOFS = (FullRank, ExplicitLaws, OneGenerator)


def choose_count_proof(facts: Facts):
    """The first proof of :data:`SIMPLE_PROOFS` that holds for ``facts``, or ``None``.

    Examples
    --------
    >>> choose_count_proof(Facts(ambient_dim=8, generators=4, rank=8, laws_lower=0))
    FullRank()
    """
    for cls in SIMPLE_PROOFS:
        if cls.holds(facts):
            return cls()
    return None
