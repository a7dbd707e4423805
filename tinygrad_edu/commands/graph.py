"""`tinygrad-edu graph`: draw a write-up network's backprop graph, or regenerate the gallery.

    tinygrad-edu graph --network 000 --format svg --out graph.svg [--color-by grad]
    tinygrad-edu graph --network 002 --format html --out steps.html   # backward step-through
    tinygrad-edu graph --network all --out graphs/                     # graph_000.svg, _001, _002
    tinygrad-edu graph --gallery viz/                                  # the README's pictures
"""
from __future__ import annotations

import os

NETWORK_KEYS = ("000", "001", "002")


def add_arguments(parser):
    parser.add_argument("--network", choices=NETWORK_KEYS + ("all",), default="000",
                        help="which write-up's network to draw (default 000); all: the three, "
                             "into the folder --out")
    parser.add_argument("--format", choices=("svg", "png", "pdf", "html", "dot"), default=None,
                        help="output format (default: from --out's extension, else svg)")
    parser.add_argument("--out", default=None,
                        help="output file (default graph_<network>.<format>); with --network all, a folder")
    parser.add_argument("--color-by", choices=("grad",), default=None,
                        help="shade tensors by the norm of their gradient (log scale)")
    parser.add_argument("--gallery", metavar="FOLDER", default=None,
                        help="write the gallery (every picture the README shows) into FOLDER; the "
                             "repository's is regenerated from its root with: --gallery viz/")


def run(args) -> int:
    from tinygrad_edu.viz import GraphvizNotInstalled
    try:
        if args.gallery is not None:
            from tinygrad_edu.viz.gallery import build_gallery
            for path in build_gallery(args.gallery):
                print("wrote", path)
            return 0
        if args.network == "all":
            folder, fmt = args.out or ".", args.format or "svg"
            os.makedirs(folder, exist_ok=True)
            for key in NETWORK_KEYS:
                _one_graph(key, os.path.join(folder, f"graph_{key}.{fmt}"), fmt, args.color_by)
        else:
            _one_graph(args.network, args.out, args.format, args.color_by)
        return 0
    except GraphvizNotInstalled as err:
        print(f"tinygrad-edu graph: {err}")
        return 1


def _one_graph(network: str, out: str | None, fmt: str | None, color_by: str | None) -> None:
    if fmt is None:
        ext = os.path.splitext(out)[1].lstrip(".").lower() if out else ""
        fmt = ext if ext in ("svg", "png", "pdf", "html", "dot") else "svg"
    out = out or f"graph_{network}.{fmt}"
    if fmt == "dot":
        from tinygrad_edu.viz import draw_graph
        from tinygrad_edu.viz.gallery import build_network
        module, net = build_network(network)
        graph = draw_graph(net.loss, params=net.params, color_by=color_by, title=module.TITLE)
        with open(out, "w", encoding="utf-8") as f:
            f.write(graph.source)
    else:
        from tinygrad_edu.viz.gallery import write_network_graph
        write_network_graph(network, out, color_by=color_by, fmt=fmt)
    print("wrote", out)
