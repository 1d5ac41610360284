"""Certificates: each kind of proof of a conservation-law count, with its own independent checker.

A census's count is *proven* only by one of the certificates in this package; the independent
verifier of a saved census (:mod:`lieflow.certificates.verify`) lives beside them and re-checks
each of them against the system rebuilt from the census's model spec.

- :class:`RankCertificate` (kept bracket words independent at a point): ``#laws ≤ laws_upper``;
- :class:`LawCertificate` (explicit laws, polynomial or with logarithms, exactly conserved,
  independent): ``#laws ≥ laws_lower``;
- the count proofs of :data:`COUNT_PROOFS` (:mod:`lieflow.certificates.counts`): ``#laws`` is
  exactly ``laws_upper``.

>>> sorted(COUNT_PROOFS)
['explicit laws', 'full rank', 'involutive closure', 'one generator']
>>> COUNT_PROOFS["one generator"].from_dict({"kind": "one generator"}).summary
'a single field spans its own Lie algebra (flow-box theorem)'
"""

from ..errors import VerificationError
from .base import Evidence, Facts, fail
from .counts import SIMPLE_PROOFS, CountProof, ExplicitLaws, FullRank, OneGenerator, choose_count_proof
from .explicit import LawCertificate, LogTerms, check_law, parse_law_terms
from .rank import RankCertificate

#: Kind name -> class of every count proof a census may name in ``count_proof``.  The verifier
#: rebuilds the named proof with ``COUNT_PROOFS[kind].from_dict(...)`` and runs its ``check``.
COUNT_PROOFS: dict = {cls.kind: cls for cls in (ExplicitLaws, OneGenerator, FullRank)}

from .involutive import InvolutiveCertificate, InvolutiveClosure, check_involutive, decide_involutive, prove_involutive  # noqa: E402

COUNT_PROOFS[InvolutiveClosure.kind] = InvolutiveClosure

from .verify import CheckResult, VerificationReport, verify_census, verify_document, verify_json  # noqa: E402

__all__ = [
    "COUNT_PROOFS",
    "SIMPLE_PROOFS",
    "CountProof",
    "ExplicitLaws",
    "FullRank",
    "OneGenerator",
    "choose_count_proof",
    "InvolutiveCertificate",
    "InvolutiveClosure",
    "prove_involutive",
    "decide_involutive",
    "check_involutive",
    "RankCertificate",
    "LawCertificate",
    "LogTerms",
    "check_law",
    "parse_law_terms",
    "Facts",
    "Evidence",
    "fail",
    "VerificationError",
    "CheckResult",
    "VerificationReport",
    "verify_document",
    "verify_json",
    "verify_census",
]
