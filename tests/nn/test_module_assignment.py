"""Assigning an attribute names the new value's parameters, and only those (building N layers is
linear in N, not quadratic)."""
from tinygrad_edu import nn
from tinygrad_edu.nn import module as module_file


def test_an_assignment_names_only_the_assigned_values_parameters(monkeypatch):
    class Wide(nn.Module):
        pass

    model = Wide()
    for i in range(50):
        setattr(model, f"layer{i}", nn.Linear(2, 2))
    last = nn.Linear(2, 2)
    labelled = []
    monkeypatch.setattr(module_file, "_label", lambda p, name: labelled.append(name))
    model.last = last
    assert labelled == ["last.weight", "last.bias"]


def test_a_containers_layers_are_named_by_position_on_assignment():
    seq = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    assert [seq[0].weight.name, seq[2].bias.name] == ["0.weight", "2.bias"]
    layers = nn.ModuleList([nn.Linear(2, 2)])

    class Holder(nn.Module):
        def __init__(self):
            self.blocks = layers

    Holder()
    assert layers[0].weight.name == "blocks.0.weight"
