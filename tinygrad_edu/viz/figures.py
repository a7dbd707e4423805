"""What every chart of viz shares: matplotlib when it is installed, the figure saved by the
path's suffix, and shown once (not twice) in Jupyter."""
from __future__ import annotations

from pathlib import Path

FORMATS = (".png", ".svg", ".pdf")
CHARTS_HINT = "pip install 'tinygrad_edu[charts]' (matplotlib) to draw it"


def pyplot():
    """matplotlib.pyplot, or None when matplotlib is not installed."""
    try:
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    return plt


def check_path(path, caller: str) -> None:
    """A chart's path must end in .png, .svg or .pdf: the suffix chooses the format."""
    if path is not None and Path(path).suffix.lower() not in FORMATS:
        raise ValueError(f"{caller}: the path {str(path)!r} must end in .png, .svg or .pdf "
                         "(the suffix chooses the format)")


def finished(fig, path=None, dpi: int = 100):
    """The figure laid out and saved to `path` when one is given (format by suffix).

    In Jupyter (matplotlib's inline backend) the figure is taken out of pyplot's list of open
    figures, so that it is shown once, as the value of the cell, and not a second time when
    the cell ends."""
    fig.tight_layout()
    if path is not None:
        fig.savefig(path, dpi=dpi)
    if _inline_backend():
        pyplot().close(fig)
    return fig


def close(fig) -> None:
    plt = pyplot()
    if plt is not None and fig is not None:
        plt.close(fig)


def _inline_backend() -> bool:
    import matplotlib
    return "inline" in matplotlib.get_backend()
