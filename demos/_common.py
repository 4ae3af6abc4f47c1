"""What every demo shares: the --out/--show options, matplotlib without a display, and figures inline in a notebook.

Each demo is a script of ``# %%`` cells, so it also runs as a notebook (``python demos/run_all.py --notebooks``).
In a Jupyter kernel ``sys.argv`` is the kernel's own (``-f kernel.json``), so there the options come from the
environment variable ``DEMO_ARGS`` (default: none), figures show below their cell, and the PNGs are still written.
"""
import argparse
import os
import pathlib
import shlex
import sys

from tinygrad_acts.callbacks import Callback, format_logs

ARGS_VARIABLE = "DEMO_ARGS"  # in a notebook: the demo's options, e.g. %env DEMO_ARGS=--quick --out figures


def in_notebook() -> bool:
    """True inside a Jupyter kernel (IPython's kernel shell), False in a script or a terminal IPython."""
    ipython = sys.modules.get("IPython")  # a script never imported it: no need to import it to find out
    shell = ipython.get_ipython() if ipython is not None else None
    return shell is not None and hasattr(shell, "kernel")


def parse_args(description: str, quick: str | None = None) -> argparse.Namespace:
    """--out and --show for every demo; a training demo also gets --seed, and --quick (its help says what it cuts).

    In a notebook the options are read from $DEMO_ARGS, and those this demo does not have are ignored: one setting
    (``DEMO_ARGS=--quick``) serves every demo.
    """
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--out", default="out", help="folder for the PNG figures (default: out/)")
    parser.add_argument("--show", action="store_true", help="also open the figures in windows")
    if quick is not None:
        parser.add_argument("--quick", action="store_true", help=quick)
        parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    if in_notebook():
        args, _ = parser.parse_known_args(shlex.split(os.environ.get(ARGS_VARIABLE, "")))
    else:
        args = parser.parse_args()
    args.out = pathlib.Path(args.out)
    args.out.mkdir(parents=True, exist_ok=True)
    return args


def pyplot(show: bool):
    """matplotlib.pyplot: in a notebook with the kernel's inline backend; otherwise with the file-only Agg backend
    unless windows were asked for and a display exists."""
    import matplotlib

    if not in_notebook() and not (show and (os.environ.get("DISPLAY") or os.name == "nt")):
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def display(picture) -> None:
    """In a notebook, show ``picture`` below the cell (a PNG file's path, or anything Jupyter can draw, such as what
    ``draw_graph`` returns); in a script, nothing."""
    if not in_notebook():
        return
    from IPython.display import Image, display as show

    show(Image(filename=str(picture)) if isinstance(picture, pathlib.Path) else picture)


def save(fig, out: pathlib.Path, name: str) -> pathlib.Path:
    """Write ``fig`` to ``out/name`` as a PNG; in a notebook also show that PNG here, and close the figure so the
    inline backend does not show it a second time at the end of the cell."""
    path = out / name
    fig.savefig(path, dpi=110, bbox_inches="tight")
    print(f"wrote {path}")
    if in_notebook():
        display(path)
        import matplotlib.pyplot as plt

        plt.close(fig)
    return path


class PrintEvery(Callback):
    """Keras' one-line-per-epoch log (what verbose=2 prints), only every ``every`` epochs, the first and the last."""

    def __init__(self, every: int, epochs: int):
        self.every, self.epochs = every, epochs

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if (epoch + 1) % self.every == 0 or epoch + 1 in (1, self.epochs):
            print(f"Epoch {epoch + 1:>{len(str(self.epochs))}}/{self.epochs} - {' - '.join(format_logs(logs or {}))}")
