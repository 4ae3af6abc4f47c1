"""The playground without a browser: the session (data, network, steps, grids, export, checks) and the HTTP server,
on an ephemeral port in a thread, with every endpoint and every kind of bad request."""
import base64
import http.client
import importlib.util
import json
import math
import os
import re
import subprocess
import sys
import threading

import numpy as np
import pytest

import tinygrad_acts as ta
from tinygrad_acts.playground import datasets
from tinygrad_acts.playground.server import MAX_BODY, PlaygroundServer
from tinygrad_acts.playground.session import (
    ACTIVATIONS,
    DEFAULTS,
    GRID,
    ConfigError,
    Session,
    check_config,
    check_step,
    decode_grid,
    encode_grid,
)

ALL_FEATURES = ["x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)"]


def grid_points():
    """The heat maps' points, written out again: rows from x2 = +6 down to -6, columns from x1 = -6 to +6."""
    axis = np.linspace(-6, 6, 50)
    return np.array([[a, b] for b in axis[::-1] for a in axis])


# ----------------------------------------------------------------------------------------------------------------
# Data sets
# ----------------------------------------------------------------------------------------------------------------
def test_circle_labels_inside_radius_2_5_as_1_without_noise():
    x_train, y_train, x_test, y_test = datasets.make_data("circle", noise=0, ratio=50, seed=3)
    points, labels = np.vstack([x_train, x_test]), np.concatenate([y_train, y_test])
    radius = np.sqrt((points ** 2).sum(axis=1))
    assert len(points) == 500 and len(x_train) == 250
    assert np.all(labels[radius < 2.5] == 1) and np.all(labels[radius > 3.5] == 0)
    assert labels.sum() == 250 and np.all(radius <= 5)


def test_xor_labels_by_quadrant_and_regression_labels_in_range():
    x_train, y_train, _, _ = datasets.make_data("xor", noise=0, ratio=80, seed=0)
    assert len(x_train) == 400
    assert np.array_equal(y_train, (np.sign(x_train[:, 0]) == np.sign(x_train[:, 1])).astype(float))
    assert np.all(np.abs(x_train) >= 0.3)  # the playground's gap along the axes
    for dataset in ("plane", "multi_gaussian"):
        points, labels, _, _ = datasets.make_data(dataset, noise=0, ratio=50, seed=0)
        assert len(points) == 600 and np.all(np.abs(points) <= 6) and np.all(np.abs(labels) <= 1.2)
    points, labels, _, _ = datasets.make_data("plane", noise=0, ratio=50, seed=0)
    np.testing.assert_allclose(labels, (points[:, 0] + points[:, 1]) / 10)


@pytest.mark.parametrize("dataset", ["circle", "xor", "gaussian", "spiral", "plane", "multi_gaussian"])
def test_data_sets_are_seeded(dataset):
    first, again, other = (datasets.make_data(dataset, 25, 50, seed) for seed in (5, 5, 6))
    assert all(np.array_equal(a, b) for a, b in zip(first, again, strict=True))
    assert not np.array_equal(first[0], other[0])
    if dataset != "gaussian":  # the playground does not cut the gaussians' tails
        assert np.all(np.abs(first[0]) <= 6.5)


def test_noise_flips_labels_near_the_circle():
    _, clean, _, _ = datasets.make_data("circle", 0, 50, seed=1)
    x, noisy, _, _ = datasets.make_data("circle", 50, 50, seed=1)
    radius = np.sqrt((x ** 2).sum(axis=1))
    wrong = (radius < 2.5) != (noisy == 1)
    assert 0.02 < wrong.mean() < 0.5  # some, not most


# ----------------------------------------------------------------------------------------------------------------
# Checking a configuration
# ----------------------------------------------------------------------------------------------------------------
def test_check_config_fills_defaults_and_follows_the_problem():
    assert check_config({}) == DEFAULTS
    assert check_config({"problem": "regression"})["dataset"] == "plane"
    assert check_config({"dataset": "multi_gaussian"})["problem"] == "regression"
    assert check_config({"features": ["sin(x2)", "x1"]})["features"] == ["x1", "sin(x2)"]  # the playground's order
    assert check_config({"hidden": []})["hidden"] == []


BAD_CONFIGS = [
    ({"hidden": [4] * 7}, "hidden"), ({"hidden": [0]}, "hidden"), ({"hidden": [9]}, "hidden"),
    ({"hidden": [2.5]}, "hidden"), ({"hidden": [True]}, "hidden"), ({"hidden": "4,2"}, "hidden"),
    ({"batch_size": 0}, "batch_size"), ({"batch_size": 31}, "batch_size"), ({"batch_size": 10.5}, "batch_size"),
    ({"noise": -1}, "noise"), ({"noise": 51}, "noise"), ({"noise": "5"}, "noise"),
    ({"ratio": 9}, "ratio"), ({"ratio": 91}, "ratio"),
    ({"learning_rate": 0}, "learning_rate"), ({"learning_rate": -0.1}, "learning_rate"),
    ({"learning_rate": None}, "learning_rate"), ({"learning_rate": 1e400}, "learning_rate"),
    ({"regularization_rate": -1}, "regularization_rate"),
    ({"regularization_rate": float("nan")}, "regularization_rate"),
    ({"dataset": "moons"}, "dataset"), ({"problem": "regression", "dataset": "circle"}, "dataset"),
    ({"activation": "Tanh"}, "activation"), ({"activation": "glu"}, "activation"),
    ({"activation": "__import__('os')"}, "activation"), ({"regularization": "l3"}, "regularization"),
    ({"problem": "clustering"}, "problem"), ({"features": []}, "features"), ({"features": ["x3"]}, "features"),
    ({"features": ["x1", "x1"]}, "features"), ({"seed": -1}, "seed"), ({"data_seed": 2**32}, "data_seed"),
    ({"epochs": 3}, "epochs"), ([1, 2], "body"),
]


@pytest.mark.parametrize("body, field", BAD_CONFIGS)
def test_check_config_names_the_bad_field(body, field):
    with pytest.raises(ConfigError) as error:
        check_config(body)
    assert error.value.field == field


def test_check_step():
    assert check_step({}) == (1, "output")
    assert check_step({"batches": 25, "view": "gradient"}) == (25, "gradient")
    for body, field in [({"batches": 0}, "batches"), ({"batches": 1001}, "batches"), ({"batches": "3"}, "batches"),
                        ({"view": "weights"}, "view"), ({"batch": 3}, "batch")]:
        with pytest.raises(ConfigError, match=f"^{field}:"):
            check_step(body)


def test_every_activation_but_glu_and_threshold_is_offered():
    assert set(ACTIVATIONS) == set(ta.activations.ALL_ACTIVATIONS) - {"glu", "threshold"}
    assert len(ACTIVATIONS) >= 30


# ----------------------------------------------------------------------------------------------------------------
# The session: network, steps, grids
# ----------------------------------------------------------------------------------------------------------------
def test_the_network_has_the_configured_layers():
    session = Session({"features": ["x1", "x2", "x1*x2"], "hidden": [5, 3, 2], "activation": "relu"})
    shapes = [w.shape for w in session.model.get_weights()]
    assert shapes == [(3, 5), (5,), (5, 3), (3,), (3, 2), (2,), (2, 1), (1,)]
    assert [layer.activation.__name__ for layer in session.model.layers] == ["relu", "relu", "relu", "linear"]
    assert session.x_train.shape == (250, 3)
    np.testing.assert_allclose(session.x_train[:, 2], session.x_train[:, 0] * session.x_train[:, 1], rtol=1e-6)


def test_a_step_trains_batches_and_counts_epochs():
    session = Session({"batch_size": 10, "ratio": 50})  # 250 training points: 25 batches an epoch
    assert session.batches_per_epoch == 25 and session.epoch == 0
    before = [w.copy() for w in session.model.get_weights()]
    answer = session.step(5)
    assert answer["batches"] == 5 and answer["epoch"] == 0.2
    assert any(not np.array_equal(a, b) for a, b in zip(before, session.model.get_weights(), strict=True))
    session.step(20)
    assert session.epoch == 1.0 and len(session.history) == 3


def test_training_the_circle_with_tanh_learns_it():
    session = Session()  # circle, x1 and x2, tanh 4-2, learning rate 0.03, batches of 10
    start = session.loss["train"]
    for _ in range(60):
        session.step(session.batches_per_epoch)
    assert session.loss["train"] < start / 3
    assert session.accuracy["test"] >= 0.95


def test_the_same_configuration_gives_the_same_run_however_the_steps_are_cut():
    one, other = Session({"seed": 4, "batch_size": 7}), Session({"seed": 4, "batch_size": 7})
    one.step(40)
    for _ in range(4):
        other.step(10)
    assert one.loss == other.loss
    assert all(np.array_equal(a, b) for a, b in zip(one.model.get_weights(), other.model.get_weights(), strict=True))
    different = Session({"seed": 5, "batch_size": 7})
    different.step(40)
    assert different.loss != one.loss


def test_reset_starts_the_same_run_again():
    session = Session()
    first = session.step(30)
    session.reset()
    assert session.epoch == 0
    again = session.step(30)
    assert again["loss"] == first["loss"] and again["run"] == first["run"] + 1


def test_grids_encode_each_neuron_over_the_plane():
    session = Session({"hidden": [3, 2], "activation": "tanh"})
    session.step(50)
    answer = session.snapshot("output")
    assert [len(layer) for layer in answer["neurons"]] == [3, 2]
    assert all(len(base64.b64decode(grid)) == GRID * GRID for layer in answer["neurons"] for grid in layer)
    kernel, bias = session.model.get_weights()[:2]
    expected = np.tanh(grid_points() @ kernel.astype(np.float64) + bias)  # the first layer, by hand
    for unit in range(3):
        np.testing.assert_allclose(decode_grid(answer["neurons"][0][unit]).ravel(), expected[:, unit], atol=0.005)
    logits = session.model.predict(grid_points().astype(np.float32))[:, 0]
    probability = 1 / (1 + np.exp(-logits))
    np.testing.assert_allclose(decode_grid(answer["output"]).ravel(), 2 * probability - 1, atol=0.005)


def test_gradient_view_of_the_last_hidden_layer_is_the_output_kernel():
    session = Session({"hidden": [3, 4]})
    session.step(10)
    answer = session.snapshot("gradient")
    output_kernel = session.model.get_weights()[-2][:, 0]  # d output / d h_unit = that unit's outgoing weight
    for unit in range(4):
        scale = answer["scales"][1][unit]
        grid = decode_grid(answer["neurons"][1][unit], scale)
        np.testing.assert_allclose(grid, output_kernel[unit], rtol=0.01, atol=scale / 200)
        assert scale == pytest.approx(abs(output_kernel[unit]), rel=1e-3)
    assert all(w.grad is None for w in session.model.weights)  # drawing leaves no gradients behind


def test_encode_grid_clips_and_survives_nan():
    text = encode_grid(np.array([-5.0, -1.0, 0.0, 0.5, 1.0, np.nan, np.inf]))
    assert list(base64.b64decode(text)) == [0, 0, 128, 191, 255, 128, 255]


def test_stats_per_layer_come_from_diagnostics():
    session = Session({"activation": "relu", "hidden": [8, 8]})
    session.step(5)
    stats = session.snapshot()["stats"]
    record = ta.diagnostics.inspect(session.model, session.x_train, session.y_train)
    assert len(stats) == 3
    for layer, stat in enumerate(stats[:2]):
        assert stat["saturated"] == pytest.approx(record.saturated[0, layer], abs=1e-4)
        assert stat["dead"] == pytest.approx(record.dead[0, layer], abs=1e-4)
    assert stats[2]["saturated"] is None and stats[2]["grad_norm"] > 0


def test_collapse_panel_for_a_linear_stack():
    session = Session({"activation": "linear", "hidden": [4, 3]})
    session.step(25)
    panel = session.snapshot()["collapse"]
    assert panel["linear"] and panel["layers"] == 3
    w1, b1, w2, b2, w3, b3 = (w.astype(np.float64) for w in session.model.get_weights())
    np.testing.assert_allclose(panel["kernel"], (w1 @ w2 @ w3)[:, 0], atol=1e-4)
    assert panel["bias"] == pytest.approx(((b1 @ w2 + b2) @ w3 + b3)[0], abs=1e-4)
    assert panel["max_difference"] < 1e-4


def test_collapse_panel_for_a_nonlinear_stack_says_why():
    panel = Session({"activation": "relu"}).snapshot()["collapse"]
    assert not panel["linear"]
    assert "cannot collapse" in panel["message"] and "'relu'" in panel["message"]


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_every_activation_trains_and_draws(activation):
    session = Session({"activation": activation, "hidden": [1, 3], "learning_rate": 0.01})
    for view in ("output", "gradient"):
        answer = session.step(3, view)
        assert answer["batches"] in (3, 6) or answer["diverged"]
        json.dumps(answer, allow_nan=False)


def test_a_diverging_run_is_reported_and_can_be_reset():
    session = Session({"problem": "regression", "activation": "relu", "hidden": [8, 8, 8], "learning_rate": 10,
                       "features": ALL_FEATURES})
    answer = session.step(200)
    assert answer["diverged"] and answer["batches"] < 200
    json.dumps(session.state(), allow_nan=False)  # still drawable
    again = session.step(5)
    assert again["diverged"] and again["batches"] == answer["batches"]  # no more training
    session.reset()
    assert not session.diverged and session.loss["train"] is not None


def test_import_tinygrad_acts_does_not_load_the_playground():
    code = "import sys, tinygrad_acts; print(any(m.startswith('tinygrad_acts.playground') for m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "False", result.stderr


# ----------------------------------------------------------------------------------------------------------------
# Export
# ----------------------------------------------------------------------------------------------------------------
def test_export_flavors_import_the_right_library():
    session = Session({"regularization": "l2", "regularization_rate": 0.003})
    mine, theirs = session.export("tinygrad_acts"), session.export("keras")
    assert "\nimport tinygrad_acts as keras\n" in mine and "tinygrad_acts" not in theirs.replace("tinygrad_acts "
                                                                                                 "playground", "")
    assert "\nimport keras\n" in theirs and "kernel_regularizer=keras.regularizers.L2(L2)" in theirs
    assert "L2 = 0.003" in mine and "L2 = 0.003" in theirs
    for script in (mine, theirs):
        compile(script, "exported.py", "exec")
    with pytest.raises(ConfigError, match="flavor"):
        session.export("torch")


@pytest.mark.parametrize("config", [
    {"regularization": "l2", "regularization_rate": 0.01, "hidden": [4, 2], "batch_size": 7},
    {"problem": "regression", "dataset": "multi_gaussian", "features": ["x1", "x2", "sin(x1)", "x1*x2"],
     "hidden": [3], "activation": "relu", "regularization": "l1", "regularization_rate": 0.001, "noise": 10},
])
def test_the_exported_script_trains_like_the_playground(config, tmp_path):
    session = Session(config)
    script = tmp_path / "exported.py"
    script.write_text(session.export("tinygrad_acts"))
    result = subprocess.run([sys.executable, "-W", "error", str(script), "2"], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    printed = dict(re.findall(r"(training|test) loss ([0-9.]+)", result.stdout))
    session.step(2 * session.batches_per_epoch)
    assert session.epoch == 2
    assert float(printed["training"]) == pytest.approx(session.loss["train"], rel=1e-4)
    assert float(printed["test"]) == pytest.approx(session.loss["test"], rel=1e-4)


def test_the_keras_export_runs_on_real_keras(tmp_path):
    """The same script with `import keras` trains in Keras 3 (its own initial weights, so other numbers)."""
    if importlib.util.find_spec("keras") is None or importlib.util.find_spec("torch") is None:
        reason = "Keras 3 with torch is not installed (.ci/run installs it: pip install torch==2.13.0 keras)"
        pytest.fail(reason) if os.environ.get("CI") else pytest.skip(reason)
    script = tmp_path / "exported_keras.py"
    script.write_text(Session({"regularization": "l2", "regularization_rate": 0.01, "hidden": [4]}).export("keras"))
    result = subprocess.run([sys.executable, str(script), "3"], capture_output=True, text=True, timeout=180,
                            env={**os.environ, "KERAS_BACKEND": "torch"})
    assert result.returncode == 0, result.stderr
    losses = [float(value) for value in re.findall(r"epoch 3: training loss ([0-9.]+)", result.stdout)]
    assert len(losses) == 1 and math.isfinite(losses[0])  # it reports the last epoch


# ----------------------------------------------------------------------------------------------------------------
# The HTTP server
# ----------------------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def server():
    server = PlaygroundServer("127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.test_session = None
    server.test_session = request(server, "POST", "/api/session", {})[2]["session"]  # this module's tab
    yield server
    server.shutdown()
    server.server_close()


def request(server, method, path, body=None, host=None, raw=None, headers=None):
    """(status, headers, parsed JSON or text) of one request; ``raw`` sends bytes as they are."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
    connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
    if host is not False:
        connection.putheader("Host", host or f"127.0.0.1:{server.port}")
    headers = {**({"Content-Type": "application/json"} if method == "POST" else {}),
               **({"X-Session": server.test_session} if server.test_session else {}), **(headers or {})}
    for name, value in headers.items():
        connection.putheader(name, value)
    if data is not None and "Content-Length" not in headers:
        connection.putheader("Content-Length", str(len(data)))
    connection.endheaders(data)
    response = connection.getresponse()
    content = response.read().decode()
    connection.close()
    kind = response.getheader("Content-Type", "")
    return response.status, response, json.loads(content) if kind.startswith("application/json") else content


def test_the_page_and_its_files(server):
    status, response, html = request(server, "GET", "/")
    assert status == 200 and response.getheader("Content-Type").startswith("text/html")
    assert '<script src="playground.js"' in html and "http" not in html.replace("http-equiv", "")  # no CDN
    for path, kind in [("/playground.js", "text/javascript"), ("/playground.css", "text/css"),
                       ("/index.html", "text/html")]:
        status, response, text = request(server, "GET", path)
        assert status == 200 and response.getheader("Content-Type").startswith(kind) and len(text) > 500
        assert response.getheader("X-Content-Type-Options") == "nosniff"


def test_state_step_config_reset_export(server):
    status, _, state = request(server, "POST", "/api/config", {"hidden": [4, 2], "seed": 2})
    assert status == 200 and state["config"]["seed"] == 2 and state["epoch"] == 0
    status, _, state = request(server, "GET", "/api/state")
    assert status == 200 and state["config"]["hidden"] == [4, 2]
    assert set(state["points"]) == {"train", "test"} and len(state["points"]["train"]) == 250
    assert set(state["feature_grids"]) == set(ALL_FEATURES)
    status, _, answer = request(server, "POST", "/api/step", {"batches": 50, "view": "gradient"})
    assert status == 200 and answer["epoch"] == 2 and answer["run"] == state["run"]
    assert answer["loss"]["train"] < state["loss"]["train"]
    assert len(answer["weights"]) == 3 and np.array(answer["weights"][0]).shape == (2, 4)
    status, _, again = request(server, "POST", "/api/reset", {})
    assert status == 200 and again["epoch"] == 0 and again["run"] == state["run"] + 1
    status, response, script = request(server, "GET", "/api/export?flavor=keras&epochs=12")
    assert status == 200 and "\nimport keras\n" in script and "else 12" in script
    assert response.getheader("Content-Type").startswith("text/x-python")
    status, _, script = request(server, "GET", "/api/export")
    assert status == 200 and "import tinygrad_acts as keras" in script


BAD_REQUESTS = [
    ("POST", "/api/config", b'{"noise": 51}', "noise"),
    ("POST", "/api/config", b'{"hidden": [1, 2, 3, 4, 5, 6, 7]}', "hidden"),
    ("POST", "/api/config", b'{"hidden": [9]}', "hidden"),
    ("POST", "/api/config", b'{"batch_size": 0}', "batch_size"),
    ("POST", "/api/config", b'{"ratio": 95}', "ratio"),
    ("POST", "/api/config", b'{"learning_rate": -1}', "learning_rate"),
    ("POST", "/api/config", b'{"learning_rate": NaN}', "body"),
    ("POST", "/api/config", b'{"learning_rate": 1e999}', "learning_rate"),
    ("POST", "/api/config", b'{"regularization_rate": -0.5}', "regularization_rate"),
    ("POST", "/api/config", b'{"dataset": "../../etc/passwd"}', "dataset"),
    ("POST", "/api/config", b'{"activation": "exec"}', "activation"),
    ("POST", "/api/config", b'{"regularization": "dropout"}', "regularization"),
    ("POST", "/api/config", b'{"problem": 1}', "problem"),
    ("POST", "/api/config", b'{"colour": "red"}', "colour"),
    ("POST", "/api/config", b'{"noise": "10"}', "noise"),
    ("POST", "/api/config", b'{"noise": 1', "body"),
    ("POST", "/api/config", b'["noise"]', "body"),
    ("POST", "/api/config", b'\xff\xfe', "body"),
    ("POST", "/api/step", b'{"batches": 100000}', "batches"),
    ("POST", "/api/step", b'{"batches": -1}', "batches"),
    ("POST", "/api/step", b'{"view": "loss"}', "view"),
    ("POST", "/api/step", b'{"steps": 3}', "steps"),
    ("POST", "/api/reset", b'{"seed": 3}', "seed"),
    ("GET", "/api/state?view=weights", None, "view"),
    ("GET", "/api/state?colour=red", None, "colour"),
    ("GET", "/api/export?flavor=torch", None, "flavor"),
    ("GET", "/api/export?epochs=0", None, "epochs"),
    ("GET", "/api/export?epochs=__import__", None, "epochs"),
]


@pytest.mark.parametrize("method, path, raw, field", BAD_REQUESTS)
def test_bad_requests_get_400_naming_the_field_and_change_nothing(server, method, path, raw, field):
    request(server, "POST", "/api/config", {"seed": 9})
    request(server, "POST", "/api/step", {"batches": 3})
    _, _, before = request(server, "GET", "/api/state")
    status, response, answer = request(server, method, path, raw=raw)
    assert status == 400 and answer["field"] == field and answer["error"]
    assert response.getheader("Content-Type").startswith("application/json")
    _, _, after = request(server, "GET", "/api/state")
    assert after == before


def test_oversized_and_malformed_bodies(server):
    _, _, before = request(server, "GET", "/api/state")
    status, _, answer = request(server, "POST", "/api/config", raw=b" " * (MAX_BODY + 1))
    assert status == 400 and answer["field"] == "body" and str(MAX_BODY) in answer["error"]
    status, _, answer = request(server, "POST", "/api/step", raw=b"{}", headers={"Content-Length": "-3"})
    assert status == 400 and answer["field"] == "Content-Length"
    status, _, _ = request(server, "POST", "/api/step", raw=b"")  # an empty body is {}: one batch
    assert status == 200
    request(server, "POST", "/api/reset", {})
    _, _, after = request(server, "GET", "/api/state")
    assert after["config"] == before["config"]


@pytest.mark.parametrize("host", ["evil.example:80", "127.0.0.1", "127.0.0.1:1", "localhost", "attacker.test"])
def test_foreign_host_headers_are_refused(server, host):
    status, _, answer = request(server, "GET", "/api/state", host=host)
    assert status == 403 and answer["field"] == "Host"
    status, _, _ = request(server, "GET", "/", host=host)
    assert status == 403


def test_missing_host_header_is_refused_and_localhost_accepted(server):
    status, _, _ = request(server, "GET", "/api/state", host=False)
    assert status == 403
    status, _, _ = request(server, "GET", "/api/state", host=f"localhost:{server.port}")
    assert status == 200
    status, _, _ = request(server, "POST", "/api/step", {}, host=f"LocalHost:{server.port}")
    assert status == 200


@pytest.mark.parametrize("path", ["/../pyproject.toml", "/static/../session.py", "/%2e%2e/server.py", "/session.py",
                                  "/static/index.html", "//etc/passwd", "/playground.js/../../__init__.py",
                                  "/api/../server.py", "/..%2f..%2fpyproject.toml", "/api/nothing"])
def test_only_the_page_is_served(server, path):
    status, _, answer = request(server, "GET", path)
    assert status == 404 and answer["field"] == "path"


def test_unknown_post_path_and_method(server):
    status, _, _ = request(server, "POST", "/api/state", {})
    assert status == 404
    status, _, _ = request(server, "DELETE", "/api/state")
    assert status == 501


def test_a_diverging_run_over_http_keeps_the_server_up(server):
    config = {"problem": "regression", "activation": "relu", "hidden": [8, 8, 8], "learning_rate": 10,
              "features": ALL_FEATURES}
    status, _, _ = request(server, "POST", "/api/config", config)
    assert status == 200
    status, _, answer = request(server, "POST", "/api/step", {"batches": 200})
    assert status == 200 and answer["diverged"]
    status, _, state = request(server, "POST", "/api/reset", {})
    assert status == 200 and not state["diverged"]
    status, _, state = request(server, "POST", "/api/config", {})
    assert status == 200 and state["config"] == DEFAULTS
