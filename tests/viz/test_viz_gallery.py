import shutil

import pytest

pytest.importorskip("tinygrad_edu.documents")
from tinygrad_edu.viz import gallery  # noqa: E402


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
def test_gallery_writes_every_picture(tmp_path):
    paths = gallery.build_gallery(tmp_path, screenshot=False, quiet=True)
    names = {p.rsplit("/", 1)[-1] for p in paths}
    expected = {"000_graph.svg", "001_graph.svg", "002_graph.svg", "001_gradient_flow.svg",
                "backward_steps.html"}
    try:
        import matplotlib  # noqa: F401
        expected |= {"vanishing_gradients.png", "gradient_flow_training.png"}
    except ImportError:
        pass
    assert expected <= names
    for name in expected:
        assert (tmp_path / name).stat().st_size > 1000
    assert "vanishing" in (tmp_path / "001_gradient_flow.svg").read_text(encoding="utf-8")


def test_demo_pictures_without_dot_skip_graphs_with_a_note(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PATH", str(tmp_path))
    paths = gallery.write_demo_pictures(tmp_path)
    assert not any(p.suffix == ".svg" for p in paths)
    assert "install graphviz" in capsys.readouterr().out


def test_graph_gallery_writes_into_the_folder_it_is_given(tmp_path, monkeypatch, capsys):
    from tinygrad_edu import cli
    folders = []
    monkeypatch.setattr(gallery, "build_gallery", lambda out: folders.append(out) or [f"{out}/x.svg"])
    assert cli.main(["graph", "--gallery", str(tmp_path / "pictures")]) == 0
    assert folders == [str(tmp_path / "pictures")]
    assert f"wrote {tmp_path / 'pictures'}/x.svg" in capsys.readouterr().out


def test_graph_gallery_needs_a_folder_and_its_help_names_the_repositorys(capsys):
    from tinygrad_edu import cli
    with pytest.raises(SystemExit):
        cli.main(["graph", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert "--gallery FOLDER" in help_text and "--gallery viz/" in help_text
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["graph", "--gallery"])
    assert exit_info.value.code == 2 and "expected one argument" in capsys.readouterr().err


def test_build_gallery_has_no_default_folder():
    with pytest.raises(TypeError):
        gallery.build_gallery()
