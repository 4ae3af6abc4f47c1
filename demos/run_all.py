"""Run every demo in this folder, one after another, writing their figures to one folder (default: out/).

With --notebooks, write each demo as a Jupyter notebook next to it instead (demos/NAME.ipynb, git-ignored): jupytext
turns the script's # %% cells into notebook cells, so the script stays the one source.
"""
import argparse
import pathlib
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="out", help="folder for the PNG figures (default: out/)")
    parser.add_argument("--notebooks", action="store_true",
                        help="do not run the demos: write each as a notebook, demos/NAME.ipynb (needs jupytext)")
    args = parser.parse_args()
    demos = sorted(p for p in HERE.glob("*.py") if p.name != pathlib.Path(__file__).name and not p.name.startswith("_"))
    if args.notebooks:
        return subprocess.call([sys.executable, "-m", "jupytext", "--to", "ipynb", *map(str, demos)])
    failed = []
    for demo in demos:
        print(f"\n=== {demo.name} ===", flush=True)
        if subprocess.call([sys.executable, str(demo), "--out", args.out]) != 0:
            failed.append(demo.name)
    print(f"\nFigures are in {pathlib.Path(args.out).resolve()}")
    if failed:
        print(f"Failed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
