"""One run per browser tab (tinygrad_acts.playground.tabs), and what a run does when its settings change: live
changes keep training, other changes start again; the collapse panel says what a linear network can draw."""
import threading
import tracemalloc

import numpy as np
import pytest

from tinygrad_acts.playground.session import ConfigError, Session, drawn_shape
from tinygrad_acts.playground.tabs import SessionError, Tabs


class Clock:
    """A clock the test moves by hand."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


# ----------------------------------------------------------------------------------------------------------------
# Tabs: ids, idle expiry, the cap
# ----------------------------------------------------------------------------------------------------------------
def test_each_id_lends_its_own_run():
    tabs = Tabs()
    first, _ = tabs.open({})
    second, _ = tabs.open({"dataset": "xor"})
    with tabs.use(first) as session:
        session.step(25)
    with tabs.use(first) as one, tabs.use(second) as other:
        assert (one.epoch, one.config["dataset"]) == (1, "circle")
        assert (other.epoch, other.config["dataset"]) == (0, "xor")


def test_an_idle_run_is_closed_after_the_stated_time():
    clock = Clock()
    tabs = Tabs(idle_seconds=60, clock=clock)
    kept, _ = tabs.open({})
    idle, _ = tabs.open({})
    clock.now += 45
    with tabs.use(kept):
        pass
    clock.now += 30  # idle for 75 s, kept for 30 s
    with tabs.use(kept):
        pass
    with pytest.raises(SessionError) as error, tabs.use(idle):
        pass
    assert error.value.status == 410 and "idle for 1 minutes are closed" in error.value.message
    assert len(tabs) == 1


def test_past_the_cap_no_run_opens_until_one_is_closed_or_expires():
    clock = Clock()
    tabs = Tabs(idle_seconds=600, max_sessions=2, clock=clock)
    first, _ = tabs.open({})
    tabs.open({})
    with pytest.raises(SessionError) as error:
        tabs.open({})
    assert error.value.status == 503 and "2 runs are open" in error.value.message
    assert tabs.close(first) and not tabs.close(first)
    tabs.open({})
    clock.now += 601  # both idle too long: room again
    tabs.open({})
    assert len(tabs) == 1


def test_two_tabs_train_at_once():
    """Each run has its own lock: two threads train two runs side by side, and each ends where it would alone."""
    tabs = Tabs()
    keys = [tabs.open({"seed": seed})[0] for seed in (1, 2)]

    def train(key):
        for _ in range(10):
            with tabs.use(key) as session:
                session.step(5)

    threads = [threading.Thread(target=train, args=(key,)) for key in keys]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    for key, seed in zip(keys, (1, 2), strict=True):
        alone = Session({"seed": seed})
        alone.step(50)
        with tabs.use(key) as session:
            assert session.loss == alone.loss


@pytest.mark.slow  # 300 epochs of the largest network: 9 s, too long for the quick loop
def test_a_run_takes_at_most_a_quarter_of_a_megabyte():
    """The number the server's docstring states: measured with tracemalloc, after 300 epochs (a full history)."""
    Session()  # the first build loads modules: not the run's memory
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    session = Session({"features": ["x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)"], "hidden": [8] * 6})
    for _ in range(300):
        session.train(25)
    used = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    assert len(session.history) > 150
    assert used < 300_000, used  # 32 runs: under 10 MB
    print(f"one run: {used / 1e6:.2f} MB")


# ----------------------------------------------------------------------------------------------------------------
# Live changes, as the TensorFlow Playground makes them
# ----------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("change", [{"learning_rate": 0.3}, {"batch_size": 3}, {"regularization": "l2"},
                                    {"regularization": "l1", "regularization_rate": 0.01}])
def test_learning_rate_regularization_and_batch_size_apply_without_a_reset(change):
    session = Session()
    session.step(50)
    weights, run = session.model.get_weights(), session.run
    assert session.configure({**session.config, **change}) is False  # no new run
    assert session.epoch == 2 and session.run == run and len(session.history) == 2
    assert all(np.array_equal(a, b) for a, b in zip(weights, session.model.get_weights(), strict=True))
    assert all(session.config[field] == value for field, value in change.items())
    assert session.model.optimizer.learning_rate == pytest.approx(session.config["learning_rate"])


def test_a_live_learning_rate_is_the_rate_of_the_next_step():
    """After the change, one step moves each weight by the new rate times its gradient: SGD's w -= rate * g."""
    session = Session()
    session.step(3)
    session.configure({**session.config, "learning_rate": 0.3})
    before = session.model.get_weights()
    slow = Session()  # the same run: the same weights and the same next batch
    slow.step(3)
    slow.step(1)  # that step at 0.03
    session.step(1)
    for start, fast, small in zip(before, session.model.get_weights(), slow.model.get_weights(), strict=True):
        np.testing.assert_allclose(fast - start, 10 * (small - start), rtol=1e-3, atol=1e-6)


def test_a_regularization_change_adds_its_penalty_from_the_next_step():
    plain, penalized = Session(), Session()
    plain.step(10)
    penalized.step(10)
    penalized.configure({**penalized.config, "regularization": "l2", "regularization_rate": 0.3})
    plain.step(1)
    penalized.step(1)
    plain_kernel, penalized_kernel = plain.model.get_weights()[0], penalized.model.get_weights()[0]
    assert np.linalg.norm(penalized_kernel) < np.linalg.norm(plain_kernel)  # weight decay shrank it


@pytest.mark.parametrize("change", [{"dataset": "xor"}, {"features": ["x1"]}, {"hidden": [3]}, {"activation": "relu"},
                                    {"problem": "regression", "dataset": "plane"}, {"noise": 10}, {"ratio": 70},
                                    {"seed": 2}, {"data_seed": 2}])
def test_other_changes_start_a_new_run(change):
    session = Session()
    session.step(50)
    assert session.configure({**session.config, **change}) is True
    assert session.epoch == 0 and session.batches == 0


def test_a_refused_change_leaves_the_run_as_it_was():
    session = Session()
    session.step(10)
    weights = session.model.get_weights()
    with pytest.raises(ConfigError):
        session.configure({**session.config, "learning_rate": -1})
    assert session.config["learning_rate"] == 0.03 and session.epoch == 0.4
    assert all(np.array_equal(a, b) for a, b in zip(weights, session.model.get_weights(), strict=True))


def test_layer_names_are_the_same_in_every_run():
    for _ in range(3):
        session = Session({"hidden": [4, 2]})
        assert [layer.name for layer in session.model.layers] == ["dense_1", "dense_2", "dense_3"]
    panel = Session({"activation": "relu"}).snapshot()["collapse"]
    assert "'dense_1'" in panel["message"] and "sequential_" not in panel["message"]


def test_set_weight_sets_one_kernel_entry_or_bias():
    session = Session({"hidden": [3]})
    session.set_weight({"layer": 0, "from": 1, "to": 2, "value": 1.5})
    session.set_weight({"layer": 1, "from": None, "to": 0, "value": -0.25})
    kernel, _, _, bias = session.model.get_weights()
    assert kernel[1, 2] == 1.5 and bias[0] == -0.25
    for body, field in [({"layer": 2, "to": 0, "value": 1}, "layer"), ({"layer": 0, "to": 3, "value": 1}, "to"),
                        ({"layer": 0, "from": 2, "to": 0, "value": 1}, "from"),
                        ({"layer": 0, "to": 0, "value": 1e9}, "value"), ({"layer": 0, "to": 0}, "value")]:
        with pytest.raises(ConfigError) as error:
            session.set_weight(body)
        assert error.value.field == field


# ----------------------------------------------------------------------------------------------------------------
# The collapse panel
# ----------------------------------------------------------------------------------------------------------------
def test_a_linear_network_of_squares_draws_a_conic_and_learns_the_circle():
    session = Session({"activation": "linear", "features": ["x1", "x2", "x1^2", "x2^2"]})
    for _ in range(40):
        session.step(session.batches_per_epoch)
    panel = session.snapshot()["collapse"]
    assert session.accuracy["test"] >= 0.95  # a circle is a conic
    assert "conic section" in panel["drawn"] and "straight line" not in panel["drawn"]
    assert panel["lead"].startswith("All 3 layers are linear")


def test_the_panel_names_the_curve_family_of_the_features():
    assert "straight line" in drawn_shape(["x1", "x2"], "classification")
    assert "conic section" in drawn_shape(["x1*x2"], "classification")
    assert "periodic" in drawn_shape(["x1", "sin(x2)"], "classification")
    assert "conic section bent by sines" in drawn_shape(["x1^2", "sin(x1)"], "classification")
    assert "a plane" in drawn_shape(["x1", "x2"], "regression")
    assert "saddle" in drawn_shape(["x2^2"], "regression")


def test_one_layer_is_one_layer():
    panel = Session({"activation": "linear", "hidden": []}).snapshot()["collapse"]
    assert panel["layers"] == 1 and panel["lead"].startswith("The network is one Dense layer")
    assert "1 layers" not in panel["lead"]


def test_a_diverged_run_says_the_loss_it_has():
    session = Session({"problem": "regression", "activation": "relu", "hidden": [8, 8, 8], "learning_rate": 10,
                       "features": ["x1", "x2", "x1^2", "x2^2", "x1*x2"]})
    answer = session.step(200)
    assert answer["diverged"]
    loss = answer["loss"]["train"]
    assert isinstance(loss, str) and loss in ("inf", "nan") or loss > 1e3
    shown = loss if isinstance(loss, str) else f"{loss:.2e}" if loss >= 1e4 else f"{loss:.3f}"
    assert f"the training loss is {shown}." in answer["diverged_message"]


def test_each_layer_brings_the_histogram_of_its_outputs():
    """What plot_activation_histograms draws, per snapshot: relu's dead units pile up in the bin at 0."""
    import tinygrad_acts as ta

    session = Session({"activation": "relu", "hidden": [8, 8], "learning_rate": 0.3})
    session.step(100)
    stats = session.snapshot()["stats"]
    record = ta.diagnostics.inspect(session.model, session.x_train, session.y_train)
    for layer, stat in enumerate(stats):
        np.testing.assert_allclose(stat["histogram"], record.output_hist[0, layer], atol=1e-4)
        assert stat["mean"] == pytest.approx(record.output_mean[0, layer], abs=1e-4)
    zero_bin = int(np.searchsorted(record.value_edges, 0.0))  # [0, 0.1): where max(z, 0) puts every z <= 0
    assert stats[0]["histogram"][zero_bin] >= 0.3
