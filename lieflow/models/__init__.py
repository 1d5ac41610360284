"""Catalog of models: each declares its parameters and its polynomial reparametrization φ."""

from .base import Model, check_widths
from .catalog import bias_names, custom, linear, relu, weight_names
from .mirror import icnn, mirror, nmf
from .zoo import attention, conv, resnet

__all__ = [
    "Model",
    "linear",
    "relu",
    "custom",
    "nmf",
    "icnn",
    "mirror",
    "conv",
    "attention",
    "resnet",
    "weight_names",
    "bias_names",
    "check_widths",
]
