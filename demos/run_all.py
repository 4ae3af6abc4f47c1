"""Run every demo in this folder, one after another, writing their figures to one folder (default: out/)."""
import argparse
import pathlib
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="out", help="folder for the PNG figures (default: out/)")
    args = parser.parse_args()
    demos = sorted(p for p in HERE.glob("*.py") if p.name != pathlib.Path(__file__).name and not p.name.startswith("_"))
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
