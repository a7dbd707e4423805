"""Learning-rate schedulers, as PyTorch's: each sets `group['lr']` of its optimizer's
param_groups. Call `scheduler.step()` once per epoch (or per batch), after `optimizer.step()`.

They follow PyTorch's recursive rules (each new lr computed from the current `group['lr']`), so
two schedulers on one optimizer compose as in PyTorch, and an lr you set by hand is carried on.
"""
from __future__ import annotations

import math

from .optimizer import Optimizer


class LRScheduler:
    """Base class: at construction remembers each group's `initial_lr` and takes step 0."""

    def __init__(self, optimizer: Optimizer):
        self.optimizer = _check_optimizer(type(self).__name__, optimizer)
        for group in optimizer.param_groups:
            group.setdefault("initial_lr", group["lr"])
        self.base_lrs = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = -1
        self.step()

    def get_lr(self) -> list[float]:
        """The learning rates for epoch `last_epoch` (computed by each scheduler)."""
        raise NotImplementedError

    def step(self) -> None:
        self.last_epoch += 1
        for group, lr in zip(self.optimizer.param_groups, self.get_lr()):
            group["lr"] = lr
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def get_last_lr(self) -> list[float]:
        """The learning rate of each parameter group, as set by the last step()."""
        return list(self._last_lr)

    def state_dict(self) -> dict:
        """Everything but the optimizer (and, for LambdaLR, the functions)."""
        return {k: v for k, v in vars(self).items() if k not in ("optimizer", "lr_lambdas")}

    def load_state_dict(self, state_dict: dict) -> None:
        vars(self).update(state_dict)

    def _current(self) -> list[float]:
        return [group["lr"] for group in self.optimizer.param_groups]


def _check_optimizer(owner: str, optimizer) -> Optimizer:
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"{owner}: expected an optimizer, got {type(optimizer).__name__}")
    return optimizer


def _positive_int(owner: str, name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f"{owner}: {name} must be a positive integer, got {value!r}")
    return value


class StepLR(LRScheduler):
    """lr ← lr · γ every `step_size` steps:  lr_t = initial_lr · γ^⌊t / step_size⌋."""

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1):
        self.step_size = _positive_int("StepLR", "step_size", step_size)
        self.gamma = gamma
        super().__init__(optimizer)

    def get_lr(self) -> list[float]:
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return self._current()
        return [lr * self.gamma for lr in self._current()]


class ExponentialLR(LRScheduler):
    """lr ← lr · γ every step:  lr_t = initial_lr · γ^t."""

    def __init__(self, optimizer: Optimizer, gamma: float):
        self.gamma = gamma
        super().__init__(optimizer)

    def get_lr(self) -> list[float]:
        if self.last_epoch == 0:
            return self._current()
        return [lr * self.gamma for lr in self._current()]


class MultiStepLR(LRScheduler):
    """lr ← lr · γ at each milestone (a milestone listed twice multiplies by γ²):
    lr_t = initial_lr · γ^(number of milestones ≤ t)."""

    def __init__(self, optimizer: Optimizer, milestones, gamma: float = 0.1):
        milestones = list(milestones)
        for m in milestones:
            _positive_int("MultiStepLR", "each milestone", m)
        self.milestones = {m: milestones.count(m) for m in sorted(milestones)}
        self.gamma = gamma
        super().__init__(optimizer)

    def get_lr(self) -> list[float]:
        times = self.milestones.get(self.last_epoch, 0)
        if times == 0:
            return self._current()
        return [lr * self.gamma ** times for lr in self._current()]


class LinearLR(LRScheduler):
    """The lr multiplied by a factor going linearly from start_factor to end_factor over
    total_iters steps (a warm-up by default: 1/3 → 1 over 5 steps), then kept."""

    def __init__(self, optimizer: Optimizer, start_factor: float = 1.0 / 3, end_factor: float = 1.0,
                 total_iters: int = 5):
        if not 0 < start_factor <= 1 or not 0 <= end_factor <= 1:
            raise ValueError(f"LinearLR: start_factor must be in (0, 1] and end_factor in [0, 1], got "
                             f"{start_factor} and {end_factor}")
        self.start_factor, self.end_factor, self.total_iters = start_factor, end_factor, total_iters
        super().__init__(optimizer)

    def get_lr(self) -> list[float]:
        t, n, a, b = self.last_epoch, self.total_iters, self.start_factor, self.end_factor
        if t == 0:
            return [lr * a for lr in self._current()]
        if t > n:
            return self._current()
        # PyTorch's recursive form: the ratio of this step's factor to the last one's
        return [lr * (1.0 + (b - a) / (n * a + (t - 1) * (b - a))) for lr in self._current()]


class CosineAnnealingLR(LRScheduler):
    """lr_t = η_min + (initial_lr − η_min)(1 + cos(π t / T_max)) / 2, computed as PyTorch does
    (from the previous lr), so after T_max steps it rises again along the same cosine."""

    def __init__(self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0):
        self.T_max = _positive_int("CosineAnnealingLR", "T_max", T_max)
        self.eta_min = eta_min
        super().__init__(optimizer)

    def get_lr(self) -> list[float]:
        t, T, low = self.last_epoch, self.T_max, self.eta_min
        if t == 0:
            return self._current()
        if (t - 1 - T) % (2 * T) == 0:  # the bottom of a cycle: the ratio below would be 0/0
            return [lr + (base - low) * (1 - math.cos(math.pi / T)) / 2
                    for lr, base in zip(self._current(), self.base_lrs)]
        return [(1 + math.cos(math.pi * t / T)) / (1 + math.cos(math.pi * (t - 1) / T)) * (lr - low) + low
                for lr in self._current()]


class CosineAnnealingWarmRestarts(LRScheduler):
    """SGDR (Loshchilov & Hutter): a cosine from initial_lr down to η_min over T_i steps, then a
    restart; the first period is T_0 steps and each next one T_mult times longer:
    lr = η_min + (initial_lr − η_min)(1 + cos(π T_cur / T_i)) / 2."""

    def __init__(self, optimizer: Optimizer, T_0: int, T_mult: int = 1, eta_min: float = 0.0):
        self.T_0 = _positive_int("CosineAnnealingWarmRestarts", "T_0", T_0)
        self.T_mult = _positive_int("CosineAnnealingWarmRestarts", "T_mult", T_mult)
        self.eta_min, self.T_i, self.T_cur = eta_min, T_0, 0
        super().__init__(optimizer)

    def get_lr(self) -> list[float]:
        if self.last_epoch > 0:  # one step further along the period, restarting at its end
            self.T_cur += 1
            if self.T_cur >= self.T_i:
                self.T_cur -= self.T_i
                self.T_i *= self.T_mult
        return [self.eta_min + (base - self.eta_min) * (1 + math.cos(math.pi * self.T_cur / self.T_i)) / 2
                for base in self.base_lrs]


class LambdaLR(LRScheduler):
    """lr_t = initial_lr · fn(t), with one fn for all groups or a list of one per group."""

    def __init__(self, optimizer: Optimizer, lr_lambda):
        groups = len(_check_optimizer("LambdaLR", optimizer).param_groups)
        fns = list(lr_lambda) if isinstance(lr_lambda, (list, tuple)) else [lr_lambda] * groups
        if len(fns) != groups:
            raise ValueError(f"LambdaLR: expected {groups} lr_lambdas (one per parameter group), got {len(fns)}")
        if not all(callable(f) for f in fns):
            raise TypeError(f"LambdaLR: lr_lambda must be a function of the step (or a list of them), "
                            f"got {lr_lambda!r}")
        self.lr_lambdas = fns
        super().__init__(optimizer)

    def get_lr(self) -> list[float]:
        return [base * fn(self.last_epoch) for fn, base in zip(self.lr_lambdas, self.base_lrs)]


# schedulers with more machinery, in their own files (they build on LRScheduler above)
from .one_cycle import OneCycleLR  # noqa: E402
from .plateau import ReduceLROnPlateau  # noqa: E402

__all__ = ["LRScheduler", "StepLR", "ExponentialLR", "MultiStepLR", "LinearLR", "CosineAnnealingLR",
           "CosineAnnealingWarmRestarts", "LambdaLR", "OneCycleLR", "ReduceLROnPlateau"]
