"""`tinygrad-edu graph --network all` writes the three graphs without changing its parsed arguments."""
import argparse

from tinygrad_edu.commands import graph


def test_network_all_leaves_the_parsed_arguments_as_they_were(tmp_path):
    parser = argparse.ArgumentParser()
    graph.add_arguments(parser)
    args = parser.parse_args(["--network", "all", "--format", "dot", "--out", str(tmp_path)])
    before = vars(args).copy()
    assert graph.run(args) == 0
    assert vars(args) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph_000.dot", "graph_001.dot", "graph_002.dot"]
