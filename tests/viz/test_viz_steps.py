import numpy as np
import pytest
from viz_fixtures import two_layer

from tinygrad_edu import Tensor, viz


def test_steps_follow_the_engine_and_match_grad():
    loss, params, inter = two_layer()
    steps = viz.backward_steps(loss)
    # nothing was deposited: the user's .grad is untouched
    assert all(p.grad is None for p in params.values())
    assert all(t.grad is None for t in inter.values())
    loss.backward()
    # every op node of the graph is one step, the loss's op first
    assert [s.op for s in steps][:3] == ["mean", "pow", "sub"]
    assert len(steps) == 9
    # the gradient each step received is the engine's .grad of that tensor
    for step in steps:
        np.testing.assert_allclose(step.grad, step.output.grad.data, rtol=1e-12, atol=0)
    # the gradients accumulated over all steps equal the engine's .grad for the leaves
    final = steps[-1].grads_so_far
    for p in params.values():
        np.testing.assert_allclose(final[id(p)], p.grad.data, rtol=1e-12, atol=0)
    # data receives no gradient
    sub = steps[2]
    assert sub.input_names == ("A2", "Y") and sub.input_grads[1] is None


def test_step_records_local_derivative_and_produced_gradients():
    loss, params, inter = two_layer()
    steps = viz.backward_steps(loss)
    sig = next(s for s in steps if s.op == "sigmoid")
    assert sig.derivative == "∂ = G·σ(1 − σ)"
    assert sig.output_name == "A2" and sig.input_names == ("Z2",)
    a2 = inter["A2"].data
    np.testing.assert_allclose(sig.input_grads[0], sig.grad * a2 * (1 - a2), rtol=1e-12)
    # broadcast bias: its gradient is summed back to its (2, 1) shape
    add1 = [s for s in steps if s.op == "add"][-1]
    assert add1.input_names[1] == "b1" and add1.input_grads[1].shape == (2, 1)
    assert "step" in sig.describe() and "dL/dZ2" in sig.describe()


def test_reused_tensor_shows_partial_then_full_sum():
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True, name="x")
    y = x * 3.0
    y.name = "y"
    z = (y * y + y).sum()
    steps = viz.backward_steps(z)
    seen = [s.grads_so_far.get(id(y)) for s in steps]
    values = [v for v in seen if v is not None]
    assert len({tuple(v) for v in values}) >= 2  # a partial sum, then the complete one
    z.backward()
    np.testing.assert_allclose(values[-1], y.grad.data)


def test_backward_steps_errors():
    with pytest.raises(RuntimeError, match="does not require grad"):
        viz.backward_steps(Tensor([1.0]))
    x = Tensor(np.ones(3), requires_grad=True)
    with pytest.raises(ValueError, match="shape"):
        viz.backward_steps(x * 2.0, grad=np.ones(2))
