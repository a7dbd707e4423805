"""OneCycleLR, as PyTorch's (Smith & Topin, "super-convergence"): the learning rate rises from
max_lr/div_factor to max_lr over the first pct_start of the steps, then anneals to
max_lr/(div_factor·final_div_factor); the momentum (SGD's momentum, Adam's β₁) moves the
opposite way, between max_momentum and base_momentum. Call step() after every batch."""
from __future__ import annotations

import math

from .lr_scheduler import LRScheduler, _check_optimizer, _positive_int
from .optimizer import Optimizer


def _cos(start: float, end: float, pct: float) -> float:
    return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)


def _linear(start: float, end: float, pct: float) -> float:
    return (end - start) * pct + start


class OneCycleLR(LRScheduler):
    def __init__(self, optimizer: Optimizer, max_lr, total_steps: int | None = None, epochs: int | None = None,
                 steps_per_epoch: int | None = None, pct_start: float = 0.3, anneal_strategy: str = "cos",
                 cycle_momentum: bool = True, base_momentum: float = 0.85, max_momentum: float = 0.95,
                 div_factor: float = 25.0, final_div_factor: float = 1e4, three_phase: bool = False):
        groups = _check_optimizer("OneCycleLR", optimizer).param_groups
        if total_steps is None:
            if epochs is None or steps_per_epoch is None:
                raise ValueError("OneCycleLR: give total_steps, or epochs and steps_per_epoch")
            total_steps = _positive_int("OneCycleLR", "epochs", epochs) * _positive_int(
                "OneCycleLR", "steps_per_epoch", steps_per_epoch)
        self.total_steps = _positive_int("OneCycleLR", "total_steps", total_steps)
        if not 0 <= pct_start <= 1:
            raise ValueError(f"OneCycleLR: pct_start must be in [0, 1], got {pct_start}")
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError(f"OneCycleLR: anneal_strategy must be 'cos' or 'linear', got {anneal_strategy!r}")
        self.anneal = _cos if anneal_strategy == "cos" else _linear
        T = float(pct_start * self.total_steps)
        # (last step of the phase, lr from → to, momentum from → to), as PyTorch's phases
        self.phases = ([(T - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                        (2 * T - 2, "max_lr", "initial_lr", "base_momentum", "max_momentum"),
                        (self.total_steps - 1, "initial_lr", "min_lr", "max_momentum", "max_momentum")]
                       if three_phase else
                       [(T - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                        (self.total_steps - 1, "max_lr", "min_lr", "base_momentum", "max_momentum")])
        max_lrs = list(max_lr) if isinstance(max_lr, (list, tuple)) else [max_lr] * len(groups)
        if len(max_lrs) != len(groups):
            raise ValueError(f"OneCycleLR: expected {len(groups)} max_lr values (one per group), got {len(max_lrs)}")
        for group, top in zip(groups, max_lrs):
            group.update(initial_lr=top / div_factor, max_lr=top, min_lr=top / div_factor / final_div_factor)
        self.cycle_momentum = cycle_momentum
        self.use_beta1 = "betas" in groups[0]
        if cycle_momentum:
            if "momentum" not in groups[0] and not self.use_beta1:
                raise ValueError("OneCycleLR: optimizer must support momentum or betas with cycle_momentum "
                                 "enabled (or pass cycle_momentum=False)")
            for group in groups:
                self._set_momentum(group, max_momentum)
                group.update(max_momentum=max_momentum, base_momentum=base_momentum)
        super().__init__(optimizer)

    def _set_momentum(self, group: dict, momentum: float) -> None:
        if self.use_beta1:
            group["betas"] = (momentum, *group["betas"][1:])
        else:
            group["momentum"] = momentum

    def get_lr(self) -> list[float]:
        step = self.last_epoch
        if step > self.total_steps:
            raise ValueError(f"OneCycleLR: tried to step {step} times, but total_steps is {self.total_steps}")
        lrs = []
        for group in self.optimizer.param_groups:
            start = 0.0
            for i, (end, lr_from, lr_to, m_from, m_to) in enumerate(self.phases):
                if step <= end or i == len(self.phases) - 1:
                    pct = (step - start) / (end - start)
                    lrs.append(self.anneal(group[lr_from], group[lr_to], pct))
                    if self.cycle_momentum:
                        self._set_momentum(group, self.anneal(group[m_from], group[m_to], pct))
                    break
                start = end
        return lrs

    def state_dict(self) -> dict:
        return {k: v for k, v in vars(self).items() if k not in ("optimizer", "anneal")}
