"""The one walk of the graph (graph_order.forward_order), used by the pictures and the derivation
check: each tensor after its inputs, inputs in argument order (or last-first), any depth."""
import numpy as np

import tinygrad_edu as tg
from tinygrad_edu import Tensor, viz
from tinygrad_edu.graph_order import distances_to, forward_order


def _net():
    X = Tensor(np.ones((2, 3)), name="X")
    W1 = Tensor(np.ones((3, 4)), requires_grad=True, name="W1")
    b1 = Tensor(np.zeros(4), requires_grad=True, name="b1")
    Z1 = (X @ W1 + b1).named("Z1")
    A1 = Z1.tanh().named("A1")
    W2 = Tensor(np.ones((4, 1)), requires_grad=True, name="W2")
    loss = (A1 @ W2).sum().named("loss")
    return loss


def _names(tensors):
    return [t.name or (t.grad_fn.name if t.grad_fn else "?") for t in tensors]


def test_forward_order_lists_inputs_in_argument_order_then_the_output():
    order = _names(forward_order(_net()))
    assert order == ["X", "W1", "matmul", "b1", "Z1", "A1", "W2", "matmul", "loss"]


def test_last_input_first_reversed_is_a_derivations_order_from_the_loss_down():
    x = Tensor([1.0, 2.0], requires_grad=True, name="x")
    loss = ((x * 2.0).named("a") + x.exp().named("b")).sum()
    backward = [t for t in reversed(forward_order(loss, last_input_first=True)) if t.requires_grad]
    assert _names(backward) == ["sum", "add", "a", "b", "x"]
    forward = [t for t in forward_order(loss) if t.requires_grad]
    assert _names(forward) == ["x", "a", "b", "add", "sum"]
    for order in (forward_order(_net()), forward_order(_net(), last_input_first=True)):
        position = {id(t): i for i, t in enumerate(order)}
        assert all(position[id(i)] < position[id(t)] for t in order if t.grad_fn for i in t.grad_fn.inputs)


def test_a_chain_of_100000_ops_has_no_recursion_limit():
    x = Tensor([1.0], requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y * 1.0
    order = forward_order(y)
    assert order[0] is x and order[-1] is y and len(order) == 100_002   # x, the shared 1.0, the products


def test_distances_count_edges_to_the_root():
    loss = _net()
    tensors = forward_order(loss)
    distance = distances_to(loss, tensors)
    by_name = {t.name: distance[id(t)] for t in tensors if t.name}
    assert by_name["loss"] == 0 and by_name["W2"] == by_name["A1"] == 4 and by_name["Z1"] == 6
    assert distance[id(loss.grad_fn)] == 1


def test_a_capped_picture_keeps_the_nodes_nearest_the_root():
    x = Tensor([1.0], requires_grad=True, name="x")
    y = x
    for _ in range(30):
        y = y.tanh()
    src = viz.draw_graph(y.sum(), max_nodes=10).source
    assert "x" not in [line.split("<B>")[1].split("</B>")[0] for line in src.splitlines() if "<B>" in line]
    assert "more nodes not drawn" in src


def test_check_gradients_rows_follow_the_backward_pass():
    rows = tg.check_gradients(_net(), {"b1": np.zeros(4), "W1": np.zeros((3, 4)), "W2": np.zeros((4, 1))}).rows
    assert [r.name for r in rows] == ["W2", "b1", "W1"]   # b1's gradient is complete before W1's
