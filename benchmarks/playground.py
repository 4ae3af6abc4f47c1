"""How long does the playground's server take to answer a step request, at the largest network it allows?

    python benchmarks/playground.py             # 200 requests per measurement
    python benchmarks/playground.py --quick     # 30

The network: all seven input features, 6 hidden layers of 8 tanh neurons, on the circle data. A request trains 10
batches of 10 and answers with the losses, the output grid, every neuron's grid (50 x 50 each), the weights, the
gradient statistics and the collapse panel, as JSON. Measured twice, as medians (with the interquartile range):
- in the process: ``session.step(10)`` and ``json.dumps`` of its answer, the work the server does per request;
- over HTTP: the whole request to a server on 127.0.0.1 in this process, answer read and parsed.
The target is 30 ms server-side. Unlike the other benchmarks this is an absolute time: the playground's budget is a
frame rate, not a ratio to numpy.
"""
from __future__ import annotations

import argparse
import http.client
import json
import threading
import time

import numpy as np

from tinygrad_acts.playground.server import PlaygroundServer
from tinygrad_acts.playground.session import Session

CONFIG = {"features": ["x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)"], "hidden": [8] * 6,
          "activation": "tanh", "batch_size": 10}


def summary(times: list[float]) -> str:
    low, median, high = np.percentile(np.array(times) * 1000, [25, 50, 75])
    return f"median {median:6.2f} ms  (interquartile {low:.2f} to {high:.2f})"


def in_process(view: str, requests: int) -> tuple[list[float], int]:
    session = Session(CONFIG)
    times, size = [], 0
    for _ in range(requests + 5):  # the first few warm up
        start = time.perf_counter()
        size = len(json.dumps(session.step(10, view), separators=(",", ":"), allow_nan=False))
        times.append(time.perf_counter() - start)
    return times[5:], size


def over_http(view: str, requests: int) -> list[float]:
    server = PlaygroundServer("127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        connection = http.client.HTTPConnection("127.0.0.1", server.port)
        headers = {"Host": f"127.0.0.1:{server.port}", "Content-Type": "application/json"}

        def post(path: str, body: dict) -> dict:
            connection.request("POST", path, json.dumps(body), headers)
            return json.loads(connection.getresponse().read())

        post("/api/config", CONFIG)
        times = []
        for _ in range(requests + 5):
            start = time.perf_counter()
            post("/api/step", {"batches": 10, "view": view})
            times.append(time.perf_counter() - start)
        connection.close()
        return times[5:]
    finally:
        server.shutdown()
        server.server_close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="30 requests per measurement instead of 200")
    requests = 30 if parser.parse_args().quick else 200
    print(f"step request: 10 batches, 7 features, 6 hidden layers of 8 neurons; {requests} requests each")
    for view in ("output", "gradient"):
        times, size = in_process(view, requests)
        print(f"  {view:8s} in process: {summary(times)}, answer {size / 1024:.0f} KB")
        print(f"  {view:8s} over HTTP:  {summary(over_http(view, requests))}")


if __name__ == "__main__":
    main()
