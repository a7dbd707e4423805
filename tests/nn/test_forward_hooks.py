"""Module.register_forward_hook, named_modules() / modules() and nn.utils.clip_grad_value_,
worked by hand and against PyTorch."""
import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import Tensor, nn


class Block(nn.Module):
    def __init__(self):
        self.fc = nn.Linear(3, 3)
        self.act = nn.Tanh()

    def forward(self, x):
        return self.act(self.fc(x))


class Net(nn.Module):
    def __init__(self):
        self.block = Block()
        self.seq = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Sequential(nn.Sigmoid()))
        self.heads = nn.ModuleList([nn.Linear(4, 2), nn.Linear(4, 2)])
        self.shared = self.block  # the same module under a second name

    def forward(self, x):
        h = self.seq(self.block(x))
        return self.heads[0](h) + self.heads[1](h)


NAMES = ["", "block", "block.fc", "block.act", "seq", "seq.0", "seq.1", "seq.2", "seq.2.0",
         "heads", "heads.0", "heads.1"]


def test_named_modules_gives_each_module_once_depth_first_with_the_root_as_empty_name():
    net = Net()
    named = list(net.named_modules())
    assert [n for n, _ in named] == NAMES
    assert named[0][1] is net and named[1][1] is net.block and named[5][1] is net.seq[0]
    assert list(net.modules()) == [m for _, m in named]
    assert [n for n, _ in net.named_modules(prefix="model")] == ["model"] + [f"model.{n}" for n in NAMES[1:]]


def test_named_modules_remove_duplicate_false_and_memo_as_pytorch():
    net = Net()
    names = [n for n, _ in net.named_modules(remove_duplicate=False)]
    assert names == NAMES + ["shared", "shared.fc", "shared.act"]
    assert [n for n, _ in net.named_modules(memo={net.block})] == [n for n in NAMES if not n.startswith("block")]


def test_named_modules_matches_pytorch_on_the_same_architecture():
    torch = pytest.importorskip("torch")

    class TBlock(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.fc, self.act = torch.nn.Linear(3, 3), torch.nn.Tanh()

    class TNet(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.block = TBlock()
            self.seq = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(),
                                           torch.nn.Sequential(torch.nn.Sigmoid()))
            self.heads = torch.nn.ModuleList([torch.nn.Linear(4, 2), torch.nn.Linear(4, 2)])
            self.shared = self.block

    t = TNet()
    assert [n for n, _ in t.named_modules()] == NAMES
    assert [n for n, _ in Net().named_modules(remove_duplicate=False)] == \
        [n for n, _ in t.named_modules(remove_duplicate=False)]


def test_forward_hook_sees_module_inputs_and_output_after_each_forward():
    net = Net()
    seen = []
    handle = net.block.act.register_forward_hook(lambda m, inp, out: seen.append((m, inp, out)))
    x = Tensor(np.ones((2, 3)))
    net(x)
    net(x)
    assert len(seen) == 2
    module, inputs, output = seen[0]
    assert module is net.block.act and isinstance(inputs, tuple) and len(inputs) == 1
    np.testing.assert_array_equal(output.data, np.tanh(inputs[0].data))
    handle.remove()
    handle.remove()  # twice is harmless
    net(x)
    assert len(seen) == 2


def test_a_returned_value_replaces_the_output_and_the_gradient_flows_through_it():
    lin = nn.Linear(2, 2)
    lin.register_forward_hook(lambda m, inp, out: out * 2.0)
    lin.register_forward_hook(lambda m, inp, out: None)  # None keeps what the previous one gave
    x = Tensor(np.array([[1.0, -2.0]]), requires_grad=True)
    y = lin(x)
    np.testing.assert_allclose(y.data, 2 * (x.data @ lin.weight.data.T + lin.bias.data))
    y.sum().backward()
    np.testing.assert_allclose(x.grad.data, 2 * lin.weight.data.sum(0, keepdims=True))


def test_hooks_run_in_order_prepend_first_with_kwargs_and_as_context_manager():
    lin = nn.Linear(2, 2)
    order = []
    lin.register_forward_hook(lambda m, i, o: order.append("a"))
    lin.register_forward_hook(lambda m, i, o: order.append("b"), prepend=True)
    with lin.register_forward_hook(lambda m, a, k, o: order.append(("kw", k)), with_kwargs=True):
        lin(x=Tensor(np.zeros((1, 2))))
    lin(Tensor(np.zeros((1, 2))))
    assert order == ["b", "a", ("kw", {"x": order[2][1]["x"]}), "b", "a"]


def test_a_hook_may_remove_itself_while_hooks_run():
    lin = nn.Linear(2, 2)
    calls = []
    handles = []
    handles.append(lin.register_forward_hook(lambda m, i, o: (calls.append(1), handles[0].remove())[0]))
    lin.register_forward_hook(lambda m, i, o: calls.append(2))
    lin(Tensor(np.zeros((1, 2))))
    lin(Tensor(np.zeros((1, 2))))
    assert calls == [1, 2, 2]


def test_hooks_are_not_parameters_state_or_children():
    net = Net()
    before = list(net.state_dict())
    net.block.register_forward_hook(lambda m, i, o: None)
    net.register_forward_hook(lambda m, i, o: None)
    assert list(net.state_dict()) == before
    assert [n for n, _ in net.named_modules()] == NAMES
    assert "HookList" not in repr(net)


def test_a_hook_that_is_not_callable_is_refused():
    with pytest.raises(TypeError, match="Linear.register_forward_hook: the hook must be callable"):
        nn.Linear(2, 2).register_forward_hook(3)


def test_forward_hooks_match_pytorch_outputs_seen_per_module():
    torch = pytest.importorskip("torch")
    ours = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))
    theirs = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 2)).double()
    theirs.load_state_dict({k: torch.tensor(v) for k, v in ours.state_dict().items()})
    got, want = {}, {}
    for (name, m), (tname, tm) in zip(ours.named_modules(), theirs.named_modules()):
        assert name == tname
        m.register_forward_hook(lambda mod, i, o, name=name: got.__setitem__(name, o.data))
        tm.register_forward_hook(lambda mod, i, o, name=name: want.__setitem__(name, o.detach().numpy()))
    x = np.random.default_rng(0).normal(size=(5, 3))
    ours(Tensor(x))
    theirs(torch.tensor(x))
    assert got.keys() == want.keys()
    for name in got:
        np.testing.assert_allclose(got[name], want[name], rtol=1e-12, atol=1e-14)


def test_clip_grad_value_clamps_each_element_and_keeps_nan_and_dtype():
    a, b, c = (nn.Parameter(np.zeros(3, dtype=np.float32)), nn.Parameter(np.zeros(2)),
               nn.Parameter(np.zeros(1)))
    a.grad = Tensor(np.array([3.0, -0.5, -7.0], dtype=np.float32))
    b.grad = Tensor(np.array([np.nan, np.inf]))
    assert nn.utils.clip_grad_value_([a, b, c], clip_value=1.0) is None
    assert a.grad.dtype == np.float32 and c.grad is None
    np.testing.assert_array_equal(a.grad.data, [1.0, -0.5, -1.0])
    np.testing.assert_array_equal(b.grad.data, [np.nan, 1.0])
    nn.utils.clip_grad_value_(a, 0.25)  # a single tensor
    np.testing.assert_array_equal(a.grad.data, [0.25, -0.25, -0.25])


def test_clip_grad_value_matches_pytorch():
    torch = pytest.importorskip("torch")
    g = np.random.default_rng(1).normal(scale=3, size=(4, 5))
    p = nn.Parameter(np.zeros((4, 5)))
    p.grad = Tensor(g)
    tp = torch.zeros(4, 5, dtype=torch.float64, requires_grad=True)
    tp.grad = torch.tensor(g)
    nn.utils.clip_grad_value_([p], 1.5)
    torch.nn.utils.clip_grad_value_([tp], 1.5)
    np.testing.assert_array_equal(p.grad.data, tp.grad.numpy())


def test_clip_grad_value_refuses_what_is_not_a_tensor():
    with pytest.raises(TypeError, match="clip_grad_value_: parameter 1 is a list"):
        nn.utils.clip_grad_value_([nn.Parameter(np.zeros(1)), [1.0]], 1.0)


def test_clip_grad_value_inside_a_training_step():
    model = nn.Linear(2, 1)
    loss = (model(Tensor(np.array([[100.0, -100.0]]))) ** 2).sum()
    loss.backward()
    nn.utils.clip_grad_value_(model.parameters(), 0.1)
    assert all(np.abs(p.grad.data).max() <= 0.1 for p in model.parameters())
    tg.optim.SGD(model.parameters(), lr=1.0).step()
