"""The :class:`Trajectory` value returned by every flow and optimizer."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = ["Trajectory"]


@dataclass(frozen=True, eq=False)
class Trajectory:
    """A sampled trajectory in parameter (and velocity) space.

    Attributes
    ----------
    times : numpy.ndarray, shape (K,)
        Sample times (``t = k * lr`` for discrete methods).
    states : numpy.ndarray, shape (K, D)
        Parameters ``theta`` at those times.
    velocities : numpy.ndarray or None, shape (K, D)
        ``theta'`` for flows; ``(x_k - x_{k-1}) / lr`` for discrete methods (with
        ``x_{-1} = x_0 - lr * v0``); ``None`` where not meaningful.
    parameters : tuple of str
        Names of the coordinates of ``theta``.
    method : str
        What produced it (``"gradient-flow"``, ``"heavy-ball"``, ...).
    options : dict
        The settings used (learning rate, momentum, damping, tolerances, seed when known, ...).

    Examples
    --------
    >>> import numpy as np
    >>> tr = Trajectory(np.arange(3.0), np.zeros((3, 2)), None, ("a", "b"), "demo")
    >>> tr.final.tolist(), len(tr)
    ([0.0, 0.0], 3)
    """

    times: np.ndarray
    states: np.ndarray
    velocities: np.ndarray | None
    parameters: tuple
    method: str
    options: dict = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.times)

    @property
    def final(self):
        """The last state."""
        return self.states[-1]

    def losses(self, net):
        """The loss of ``net`` at every sample of the trajectory."""
        return np.array([net.loss(x) for x in self.states])
