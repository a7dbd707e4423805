"""`Network`: one forward pass of a write-up's network, every tensor named in its notation."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..tensor import Tensor


@dataclass
class Network:
    """`loss` is the scalar root of the graph; `params` the leaves that learn; `intermediates`
    every other tensor the write-up names (inputs, pre-activations, activations, targets)."""
    loss: Tensor
    params: dict[str, Tensor]
    intermediates: dict[str, Tensor] = field(default_factory=dict)

    def tensor(self, name: str) -> Tensor:
        if name in self.params:
            return self.params[name]
        return self.intermediates[name]


def named(tensor: Tensor, name: str) -> Tensor:
    tensor.name = name
    return tensor
