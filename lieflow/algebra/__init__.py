"""Exact core: polynomials over QQ, vector fields, brackets, exact linear algebra."""

from .evaluation import PointEvaluator
from .fields import BracketCache, VectorField, bracket, check_fields, gradient_field
from .fields import _default_cache as default_bracket_cache
from .linalg import ModularEchelon, nullspace_qq, rank_mod, rank_qq
from .rings import DEFAULT_PRIME, Poly, PolyRing, rational_str, to_rational

__all__ = [
    "PolyRing",
    "Poly",
    "VectorField",
    "bracket",
    "gradient_field",
    "check_fields",
    "BracketCache",
    "default_bracket_cache",
    "PointEvaluator",
    "ModularEchelon",
    "rank_qq",
    "rank_mod",
    "nullspace_qq",
    "to_rational",
    "rational_str",
    "DEFAULT_PRIME",
]
