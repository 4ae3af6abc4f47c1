"""``python -m tinygrad_acts.playground [--port 8000] [--host 127.0.0.1] [--no-browser]``: serve the playground."""
from __future__ import annotations

import argparse
import webbrowser

from .server import PlaygroundServer


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="tinygrad-acts-playground",
                                     description="The TensorFlow Playground, rebuilt on tinygrad_acts.")
    parser.add_argument("--port", type=int, default=8000, help="the port to listen on (0: any free one)")
    parser.add_argument("--host", default="127.0.0.1", help="the address to listen on (default 127.0.0.1)")
    parser.add_argument("--no-browser", action="store_true", help="do not open the page in a browser")
    args = parser.parse_args(argv)
    server = PlaygroundServer(args.host, args.port)
    print(f"tinygrad_acts playground: {server.url}  (Ctrl-C stops it)", flush=True)
    if not args.no_browser:
        webbrowser.open(server.url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("\nstopped", flush=True)
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
