"""The rank certificate: kept bracket words whose values at a point are linearly independent.

If the fields named by ``brackets`` have rank ``r`` at ``point``, the Lie algebra has generic rank
at least ``r`` (rank at a point never exceeds the generic rank), so there are at most ``D − r``
independent conservation laws.  The census found the rank modulo ``prime``; that is a lower bound
on the rank over QQ, and :meth:`RankCertificate.check` recomputes it over QQ from scratch.

>>> cert = RankCertificate(point=(2, 3), prime=2147483647, brackets=("X1", "[X1,X2]"), seed=0)
>>> RankCertificate.from_dict(cert.to_dict()) == cert
True
>>> cert.to_dict()["point"]
['2', '3']
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import ClassVar

from ..errors import VerificationError
from .base import fail
from .plain import bracket, field_value, parse_rational, parse_word, rank

__all__ = ["RankCertificate"]

#: Largest prime modulus accepted (the stored prime is provenance: the check works over QQ).
MAX_PRIME = 2**64


def _rational_str(x) -> str:
    x = Fraction(x)
    return str(x.numerator) if x.denominator == 1 else f"{x.numerator}/{x.denominator}"


@dataclass(frozen=True)
class RankCertificate:
    """Kept bracket words, the point where their values are independent, and its provenance.

    Attributes
    ----------
    point : tuple
        Exact rational coordinates (ints or Fractions), one per variable.
    prime : int
        The modulus the census computed the rank with (not used by the check).
    brackets : tuple of str
        The kept bracket words (``"X1"``, ``"[X1,X2]"``, ...); their number is the rank.
    seed : int or None
        Seed the point was drawn from (provenance, not evidence).
    """

    kind: ClassVar[str] = "rank"

    point: tuple
    prime: int
    brackets: tuple
    seed: int | None

    def to_dict(self) -> dict:
        """The JSON form: rationals as ``"p/q"`` strings."""
        return {
            "point": [_rational_str(x) for x in self.point],
            "prime": self.prime,
            "brackets": list(self.brackets),
            "seed": self.seed,
        }

    @classmethod
    def from_dict(cls, data) -> "RankCertificate":
        """Read :meth:`to_dict` output, validating every field (but not the rank).

        Raises
        ------
        VerificationError
            (check ``"certificate"``) for a missing key, a point coordinate that is not a ``"p/q"``
            string, a prime that is not a prime below 2**64, a malformed list of words, or a seed
            that is not an integer (or null).
        """
        if not isinstance(data, dict):
            fail("certificate", f"expected an object with point, prime, brackets, seed, got {type(data).__name__}")
        missing = [k for k in ("point", "prime", "brackets") if k not in data]
        if missing:
            fail("certificate", f"missing keys {missing}")
        point, prime, words, seed = data["point"], data["prime"], data["brackets"], data.get("seed")
        if not isinstance(point, list):
            fail("certificate", f"point must be a list of 'p/q' strings, got {type(point).__name__}")
        coords = []
        for i, x in enumerate(point):
            try:
                q = parse_rational(x, f"point[{i}]")
            except VerificationError as exc:
                fail("certificate", str(exc))
            coords.append(q.numerator if q.denominator == 1 else q)
        if isinstance(prime, bool) or not isinstance(prime, int) or not 2 <= prime < MAX_PRIME:
            fail("certificate", f"prime must be an integer in [2, 2**64), got {prime!r:.60}")
        import sympy

        if not sympy.isprime(prime):
            fail("certificate", f"prime {prime} is not a prime")
        if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
            fail("certificate", "brackets must be a list of bracket words (strings)")
        if len(set(words)) != len(words):
            fail("certificate", "brackets lists a word twice")
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
            fail("certificate", f"seed must be an integer or null, got {seed!r:.60}")
        return cls(tuple(coords), prime, tuple(words), seed)

    def check(self, fields: dict, ambient_dim: int, *, field_of=None) -> int:
        """Recompute the rank of the kept words at the point over QQ; return it.

        Parameters
        ----------
        fields : dict
            Generator name -> plain field (rebuilt independently of the census).
        ambient_dim : int
            Number of variables.
        field_of : callable, optional
            Memoized ``word -> plain field``; by default one is made from ``fields``.

    Returns
    -------
    int
        The rank over QQ, which is then ``len(brackets)``.

        Raises
        ------
        VerificationError
            (check ``"certificate"``) if the point has the wrong length or a word is malformed or
            names an unknown generator; (check ``"lie rank"``) if the values are dependent.
        """
        if len(self.point) != ambient_dim:
            fail("certificate", f"the point has {len(self.point)} coordinates; the model has {ambient_dim} variables")
        field_of = field_of or bracket_memo(fields)
        rows = []
        for w in self.brackets:
            try:
                X = field_of(w)
            except VerificationError as exc:
                fail("certificate", str(exc))
            rows.append(field_value(X, self.point, ambient_dim))
        r = rank(rows)
        if r != len(self.brackets):
            fail("lie rank", f"the {len(self.brackets)} kept brackets are not shown independent at the certificate "
                 f"point (rank {r} modulo each of the verifier's primes)")
        return r


def bracket_memo(fields: dict):
    """``word -> plain field`` for bracket words over ``fields``, by the textbook bracket, memoized.

    Raises
    ------
    VerificationError
        (from the parser, when called) for a malformed word or an unknown generator name.

    Examples
    --------
    >>> field_of = bracket_memo({"X1": {0: {(): 1}}, "X2": {1: {((0, 2),): 1}}})
    >>> field_of("[X1,[X1,X2]]")
    {1: {(): 2}}
    """
    memo: dict = {}
    names = set(fields)

    def of_tree(tree):
        if isinstance(tree, str):
            return fields[tree]
        if tree not in memo:
            memo[tree] = bracket(of_tree(tree[0]), of_tree(tree[1]))
        return memo[tree]

    def field_of(word: str):
        return of_tree(parse_word(word, names))

    return field_of
