"""What every demo shares: the --out/--show options and a non-interactive matplotlib when there is no display."""
import argparse
import os
import pathlib

from tinygrad_acts.callbacks import Callback, format_logs


def parse_args(description: str, quick: str | None = None) -> argparse.Namespace:
    """--out and --show for every demo; a training demo also gets --seed, and --quick (its help says what it cuts)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--out", default="out", help="folder for the PNG figures (default: out/)")
    parser.add_argument("--show", action="store_true", help="also open the figures in windows")
    if quick is not None:
        parser.add_argument("--quick", action="store_true", help=quick)
        parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    args = parser.parse_args()
    args.out = pathlib.Path(args.out)
    args.out.mkdir(parents=True, exist_ok=True)
    return args


def pyplot(show: bool):
    """matplotlib.pyplot, with the file-only Agg backend unless windows were asked for and a display exists."""
    import matplotlib

    if not (show and (os.environ.get("DISPLAY") or os.name == "nt")):
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def save(fig, out: pathlib.Path, name: str) -> pathlib.Path:
    path = out / name
    fig.savefig(path, dpi=110, bbox_inches="tight")
    print(f"wrote {path}")
    return path


class PrintEvery(Callback):
    """Keras' one-line-per-epoch log (what verbose=2 prints), but only every ``every`` epochs, the first and the last."""

    def __init__(self, every: int, epochs: int):
        self.every, self.epochs = every, epochs

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if (epoch + 1) % self.every == 0 or epoch + 1 in (1, self.epochs):
            print(f"Epoch {epoch + 1:>{len(str(self.epochs))}}/{self.epochs} - {' - '.join(format_logs(logs or {}))}")
