"""examples/digits_cnn.py: the CNN reaches 98% on held-out digits, trains on MNIST IDX files the
test writes, and its layers show up in the gradient-flow chart and as one cluster per layer."""
import importlib.util
from pathlib import Path

import numpy as np
import pytest
from test_data import idx_bytes

import tinygrad_edu.functional as F
from tinygrad_edu import Tensor, viz

pytest.importorskip("sklearn")
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "digits_cnn.py"


@pytest.fixture(scope="module")
def cnn():
    spec = importlib.util.spec_from_file_location("digits_cnn", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def trained(cnn):
    return cnn.main(["--no-progress", "--seed", "0"])


def test_reaches_98_percent_on_held_out_digits(trained):
    assert trained["test_accuracy"] >= 0.98
    assert trained["seconds"] < 30


def test_trains_on_mnist_idx_files(cnn, tmp_path):
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 10, 120).astype(np.uint8)
    images = np.zeros((120, 28, 28), dtype=np.uint8)
    for i, label in enumerate(labels):  # a bright square whose place is the class: learnable
        r, c = divmod(int(label), 5)
        images[i, 4 + 10 * r: 12 + 10 * r, 1 + 5 * c: 5 + 5 * c] = 200
    images += rng.integers(0, 40, images.shape).astype(np.uint8)
    (tmp_path / "images").write_bytes(idx_bytes(images, 0x803))
    (tmp_path / "labels").write_bytes(idx_bytes(labels, 0x801))
    result = cnn.main(["--no-progress", "--epochs", "4", "--mnist", str(tmp_path / "images"),
                       str(tmp_path / "labels")])
    assert result["model"].fc.weight.shape == (10, 32 * 7 * 7)
    assert result["test_accuracy"] >= 0.8  # 20 held-out images


def test_gradient_flow_and_graph_show_conv_layers(cnn, trained):
    model = trained["model"]
    X_train, _, y_train, _ = cnn.digits_images(0)
    recorder = viz.GradientFlowRecorder(model)
    loss = F.cross_entropy(model(Tensor(X_train[:16])), y_train[:16])
    loss.backward()
    recorder.record(loss)
    assert {"conv1", "conv2", "bn1", "bn2", "fc"} <= set(recorder.layers)
    assert all(recorder.norms(layer)[0] > 0 for layer in ("conv1", "conv2", "fc"))
    source = viz.draw_graph(loss, module=model).source
    assert source.count("cluster") >= 5 and source.count("conv2d") >= 2
    assert len(source.splitlines()) < 200  # a conv layer is a handful of nodes, not thousands
