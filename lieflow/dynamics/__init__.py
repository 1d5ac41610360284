"""Dynamics: which vector fields generate a flow (gradient flows with metrics, momentum lifts)."""

from .system import System, gradient_flow

__all__ = ["System", "gradient_flow", "make_system"]


def make_system(model, *, flow: str = "gradient", damping: str | None = None, tau=None, alpha=None) -> System:
    """The :class:`System` of ``model`` under the chosen flow.

    Raises
    ------
    BadArgumentError
        for an unknown flow or damping, or options that do not apply to the flow.
    """
    from ..errors import BadArgumentError

    if flow == "gradient":
        for name, val in (("damping", damping), ("tau", tau), ("alpha", alpha)):
            if val is not None:
                raise BadArgumentError(name, val, "only applies to --flow momentum")
        return gradient_flow(model)
    if flow == "momentum":
        try:
            from .momentum import momentum_flow
        except ImportError:
            raise BadArgumentError("flow", flow, "momentum flows are not available in this build") from None
        return momentum_flow(model, damping=damping or "heavy-ball", tau=tau, alpha=alpha)
    raise BadArgumentError("flow", flow, "must be 'gradient' or 'momentum'")
