r"""Gradient descent and its accelerations, acting on the params/grads dicts.

``opt.step(params, grads)`` updates every array of ``params`` **in place**, with
the gradient ``grads["d" + name]`` (so ``W1`` uses ``dW1``). State such as the
velocity is kept per parameter name inside the optimizer.

Learning-rate decay: pass ``schedule=``, a function ``epoch -> lr``, for example
``SGD(schedule=inverse_time_decay(0.1, decay_rate=1.0))``. ``MLP.fit`` calls
``opt.set_epoch(epoch)`` at the start of every epoch, which sets ``opt.lr`` from
the schedule; without a schedule ``lr`` stays fixed.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = ["Optimizer", "SGD", "Momentum", "RMSProp", "Adam",
           "inverse_time_decay", "exponential_decay"]

Schedule = Callable[[int], float]


def inverse_time_decay(lr0: float, decay_rate: float, time_interval: int = 1) -> Schedule:
    r"""$\alpha = \dfrac{\alpha_0}{1 + \text{decay\_rate} \cdot \lfloor \text{epoch} / \text{time\_interval} \rfloor}$.

    With ``time_interval=1`` this is $\alpha_0/(1 + \text{decay\_rate}\cdot\text{epoch})$;
    a larger interval lowers the rate in steps ("fixed interval scheduling").
    """
    def schedule(epoch: int) -> float:
        return lr0 / (1.0 + decay_rate * (epoch // time_interval))

    schedule.__name__ = f"inverse_time_decay({lr0:g}, {decay_rate:g}, {time_interval})"
    return schedule


def exponential_decay(lr0: float, decay_rate: float, time_interval: int = 1) -> Schedule:
    r"""$\alpha = \alpha_0 \cdot \text{decay\_rate}^{\lfloor \text{epoch} / \text{time\_interval} \rfloor}$, e.g. decay_rate = 0.95."""
    def schedule(epoch: int) -> float:
        return lr0 * decay_rate ** (epoch // time_interval)

    schedule.__name__ = f"exponential_decay({lr0:g}, {decay_rate:g}, {time_interval})"
    return schedule


class Optimizer:
    """Base class: the learning rate, its schedule, and per-parameter state."""

    def __init__(self, lr: float | None = None, *, schedule: Schedule | None = None):
        if (lr is None) == (schedule is None):
            raise ValueError("give a learning rate lr or a schedule (a function epoch -> lr), exactly one")
        self.schedule = schedule
        self.lr = float(schedule(0) if schedule is not None else lr)
        self.state: dict[str, dict[str, np.ndarray]] = {}

    def set_epoch(self, epoch: int) -> None:
        """Take the learning rate for ``epoch`` from the schedule, if there is one."""
        if self.schedule is not None:
            self.lr = float(self.schedule(epoch))

    def step(self, params: dict[str, np.ndarray], grads: dict[str, np.ndarray]) -> None:
        """Update every parameter in place from its gradient ``grads["d" + name]``."""
        self._begin_step()
        for name, p in params.items():
            key = "d" + name
            if key not in grads:
                raise ValueError(f"no gradient {key!r} for parameter {name!r}; grads has {sorted(grads)}")
            g = grads[key]
            if np.shape(g) != p.shape:
                raise ValueError(f"{key} must have shape {p.shape} to match {name}, got {np.shape(g)}")
            self._update(name, p, g)

    def _begin_step(self) -> None:
        pass

    def _slot(self, name: str, slot: str, like: np.ndarray) -> np.ndarray:
        """Per-parameter state (velocity, squares), created as zeros."""
        slots = self.state.setdefault(name, {})
        if slot not in slots:
            slots[slot] = np.zeros_like(like)
        return slots[slot]


class SGD(Optimizer):
    r"""Gradient descent: $W := W - \alpha\, dW$."""

    def _update(self, name, p, g):
        p -= self.lr * g

    def __repr__(self):
        return f"SGD(lr={self.lr:g})"


class Momentum(Optimizer):
    r"""Gradient descent with momentum: $v_{dW} := \beta v_{dW} + (1 - \beta)\, dW$, $W := W - \alpha\, v_{dW}$."""

    def __init__(self, lr=None, beta: float = 0.9, *, schedule=None):
        super().__init__(lr, schedule=schedule)
        self.beta = beta

    def _update(self, name, p, g):
        v = self._slot(name, "v", p)
        v *= self.beta
        v += (1.0 - self.beta) * g
        p -= self.lr * v

    def __repr__(self):
        return f"Momentum(lr={self.lr:g}, beta={self.beta:g})"


class RMSProp(Optimizer):
    r"""RMSProp: $s_{dW} := \beta s_{dW} + (1 - \beta)\, dW^2$, $W := W - \alpha\, \dfrac{dW}{\sqrt{s_{dW}} + \varepsilon}$."""

    def __init__(self, lr=None, beta: float = 0.999, eps: float = 1e-8, *, schedule=None):
        super().__init__(lr, schedule=schedule)
        self.beta, self.eps = beta, eps

    def _update(self, name, p, g):
        s = self._slot(name, "s", p)
        s *= self.beta
        s += (1.0 - self.beta) * g * g
        p -= self.lr * g / (np.sqrt(s) + self.eps)

    def __repr__(self):
        return f"RMSProp(lr={self.lr:g}, beta={self.beta:g}, eps={self.eps:g})"


class Adam(Optimizer):
    r"""Adam, with bias correction at step $t = 1, 2, \dots$:

    $$v := \beta_1 v + (1 - \beta_1)\, dW,\quad s := \beta_2 s + (1 - \beta_2)\, dW^2,\quad
    \hat v = \frac{v}{1 - \beta_1^t},\quad \hat s = \frac{s}{1 - \beta_2^t},\quad
    W := W - \alpha \frac{\hat v}{\sqrt{\hat s} + \varepsilon}.$$
    """

    def __init__(self, lr=None, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8, *, schedule=None):
        super().__init__(lr, schedule=schedule)
        self.beta1, self.beta2, self.eps = beta1, beta2, eps
        self.t = 0

    def _begin_step(self):
        self.t += 1

    def _update(self, name, p, g):
        v, s = self._slot(name, "v", p), self._slot(name, "s", p)
        v *= self.beta1
        v += (1.0 - self.beta1) * g
        s *= self.beta2
        s += (1.0 - self.beta2) * g * g
        denominator = np.sqrt(s / (1.0 - self.beta2 ** self.t))   # sqrt(s_hat)
        denominator += self.eps
        p -= (self.lr / (1.0 - self.beta1 ** self.t)) * v / denominator   # alpha * v_hat / (...)

    def __repr__(self):
        return f"Adam(lr={self.lr:g}, beta1={self.beta1:g}, beta2={self.beta2:g}, eps={self.eps:g})"

