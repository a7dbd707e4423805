"""Every notebook in notebooks/ runs top to bottom in a real Jupyter kernel (nbclient +
ipykernel), and what matters in its outputs is there: no error, graphs as SVG, the check
tables agreeing, the accuracy reached."""
import re
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


def run_notebook(name: str):
    nb = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    return nb


def outputs(nb, cell_index=None):
    cells = nb.cells if cell_index is None else [nb.cells[cell_index]]
    return [o for c in cells if c.cell_type == "code" for o in c.get("outputs", [])]


def text_of(nb) -> str:
    parts = []
    for o in outputs(nb):
        if o.output_type == "stream":
            parts.append(o.text)
        elif "text/plain" in o.get("data", {}):
            parts.append(o.data["text/plain"])
    return "\n".join(parts)


def svgs(nb) -> list:
    return [o.data["image/svg+xml"] for o in outputs(nb) if "image/svg+xml" in o.get("data", {})]


def test_every_notebook_has_a_test():
    tested = {n.removeprefix("test_").split("__")[0] for n in globals() if n.startswith("test_nb")}
    on_disk = {f"nb{p.stem.split('_')[0]}" for p in NOTEBOOKS.glob("*.ipynb")}
    assert on_disk <= tested, f"notebooks without a test: {sorted(on_disk - tested)}"


def test_nb01__first_steps():
    nb = run_notebook("01_first_steps")
    text = text_of(nb)
    assert "agree: False" not in text and text.count("agree: True") == 3
    graphs = svgs(nb)
    assert graphs and "sigmoid" in graphs[0] and "loss" in graphs[0]
    final = float(re.search(r"final loss (\d+\.\d+)", text).group(1))
    assert final < 0.1  # XOR learned


def test_nb02__writeups_and_errata():
    nb = run_notebook("02_writeups_and_errata")
    text = text_of(nb)
    for title in ("000 ·", "001 ·", "002 ·"):
        assert title in text
    assert text.count("all agree: True") == 3
    assert int(re.search(r"(\d+) errata", text).group(1)) >= 15


def test_nb03__check_your_derivation():
    nb = run_notebook("03_check_your_derivation")
    text = text_of(nb)
    assert "all agree: True" in text
    html = [o.data["text/html"] for o in outputs(nb) if "text/html" in o.get("data", {})]
    assert html and "<table" in html[0], "the check shows as a table in Jupyter"
    assert "first wrong: scores" in text and "50 = the batch size" in text
    assert "relu" in text and "z1" in text  # the local step between dh and dz1 is named
    graph = svgs(nb)[-1]
    assert "FIRST WRONG" in graph


def test_nb04__gradient_flow():
    nb = run_notebook("04_gradient_flow")
    text = text_of(nb)
    m = re.search(r"sigmoid ([\d.e+-]+), relu ([\d.]+)", text)
    assert float(m.group(1)) < 1e-3 < 0.1 < float(m.group(2))
    chart = [o for o in outputs(nb, 2) if "image/png" in o.get("data", {})]
    assert len(chart) == 1, "the comparison chart is shown once, not twice"
    assert svgs(nb), "the gradient-coloured graph is shown as SVG"


def test_nb05__cnn():
    nb = run_notebook("05_cnn")
    text = text_of(nb)
    assert float(re.search(r"test accuracy (\d+\.\d)%", text).group(1)) >= 98.0
    widgets = [o for o in outputs(nb) if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert widgets, "the progress bar renders as a Jupyter widget"
    assert "IProgress not found" not in text
    assert "conv1" in text and "bn2" in text  # the gradient-flow table names the conv layers
    graph = svgs(nb)[-1]
    assert "cluster_conv1" in graph or "conv1" in graph


def test_nb06__sequences():
    nb = run_notebook("06_sequences")
    text = text_of(nb)
    graph = svgs(nb)[0]
    assert graph.count("tanh") >= 3 and "h3" in graph and "weight_hh" in graph   # three steps, one weight
    first, last = (float(v) for v in re.search(r"validation loss (\d+\.\d+) -> (\d+\.\d+) nats", text).groups())
    assert last < first - 0.5                                                  # the LSTM learned
    words = re.search(r"sampled words: (.*)", text).group(1).split()
    assert len(words) >= 8 and all(w.isalpha() for w in words)
    first, last = (float(v) for v in re.search(r"parameters; validation loss (\d+\.\d+) -> (\d+\.\d+)", text).groups())
    assert last < first - 0.5                                                  # the GPT learned
    assert "rows sum to 1: True | nothing above the diagonal: True" in text
    images = [o for o in outputs(nb) if "image/png" in o.get("data", {})]
    assert len(images) >= 2                                                    # the loss curve, the heat maps
    assert text.count("--- temperature") == 2 and "HAMLET:" in text


def test_nb07__watching_learning():
    nb = run_notebook("07_watching_learning")
    text = text_of(nb)
    ratio = float(re.search(r"tanh RNN: .* ratio ([\d.e+-]+)", text).group(1))
    assert ratio < 1e-4                                           # the tanh RNN's gradient vanishes
    rows = {m[0]: (float(m[1]), float(m[2]), int(m[3])) for m in re.findall(
        r"^\s+(tanh RNN|LSTM|GRU|attention)\s+at init\s+([\d.e+-]+)\s+trained\s+([\d.e+-]+)\s+accuracy (\d+)%",
        text, re.M)}
    assert rows["tanh RNN"][0] < 1e-6 and rows["LSTM"][0] > 1e-2     # the picture's point, in numbers
    assert rows["LSTM"][2] >= 80 and rows["tanh RNN"][2] <= 65
    assert "clip_grad_norm_" in text
    assert "overconfident_init (None)" in text and "saturated (1)" in text
    assert "after gain/√fan_in: []" in text
    html = [o.data["text/html"] for o in outputs(nb) if "text/html" in o.get("data", {})]
    assert any("TrainingMonitor" in h and "<table" in h and "saturated" in h for h in html)
    for cell in (3, 6, 12):                                       # each chart shown once
        assert len([o for o in outputs(nb, cell) if "image/png" in o.get("data", {})]) == 1
