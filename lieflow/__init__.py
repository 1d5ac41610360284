"""lieflow: proven conservation laws of training dynamics, by exact Lie algebra.

>>> import lieflow
>>> c = lieflow.census(lieflow.models.custom(["x1*x2*x3"]))
>>> c.laws_lower, c.proven, [str(h) for h in c.laws]
(2, True, ['x1**2 - x2**2', 'x1**2 - x3**2'])
"""

from . import errors, limits, models
from .census import Census, Certificate, Law, census
from .closure import ClosureResult, closure
from .errors import LieflowError
from .io import census_from_json
from .laws import independent_laws, polynomial_laws, verify_law
from .sweeps import sweep

__version__ = "0.2.0"

__all__ = [
    "census",
    "Census",
    "Certificate",
    "Law",
    "closure",
    "ClosureResult",
    "polynomial_laws",
    "independent_laws",
    "verify_law",
    "census_from_json",
    "sweep",
    "LieflowError",
    "errors",
    "limits",
    "models",
]
