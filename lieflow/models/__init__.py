"""Catalog of models: each declares its parameters and its polynomial reparametrization φ."""

from .base import Model, check_widths
from .catalog import bias_names, custom, linear, relu, weight_names

__all__ = ["Model", "linear", "relu", "custom", "weight_names", "bias_names", "check_widths"]
from .mirror import icnn, mirror, nmf

__all__ += ["nmf", "icnn", "mirror"]
