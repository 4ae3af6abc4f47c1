"""Learning-rate schedules (optimizers.schedules, Keras 3's): each value against its formula written out by hand, a
schedule as an optimizer's learning_rate, and the errors of bad arguments."""
from typing import Any

import numpy as np
import pytest
from helpers import apply

from tinygrad_acts import Tensor, optimizers
from tinygrad_acts.optimizers import SGD, Adam

# ----------------------------------------------------------------------------------------------------------------
# Learning-rate schedules (optimizers.schedules, Keras 3's): each value against its formula written out by hand
# ----------------------------------------------------------------------------------------------------------------
schedules = optimizers.schedules


def test_exponential_decay_multiplies_by_decay_rate_every_decay_steps():
    smooth = schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)
    stairs = schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5, staircase=True)
    for step in [0, 1, 5, 10, 15, 20, 1000]:
        assert smooth(step) == pytest.approx(0.1 * 0.5 ** (step / 10), rel=1e-12)
        assert stairs(step) == pytest.approx(0.1 * 0.5 ** (step // 10), rel=1e-12)
    assert smooth(10) == pytest.approx(0.05) and stairs(19) == pytest.approx(0.05) and stairs(9) == 0.1


def test_piecewise_constant_decay_holds_each_value_up_to_and_including_its_boundary():
    schedule = schedules.PiecewiseConstantDecay(boundaries=[100, 200], values=[1.0, 0.5, 0.1])
    assert [schedule(step) for step in [0, 100, 101, 200, 201, 10_000]] == [1.0, 1.0, 0.5, 0.5, 0.1, 0.1]


def test_inverse_time_decay_divides_by_one_plus_decay_rate_times_the_step_fraction():
    smooth = schedules.InverseTimeDecay(0.1, decay_steps=4, decay_rate=0.5)
    stairs = schedules.InverseTimeDecay(0.1, decay_steps=4, decay_rate=0.5, staircase=True)
    for step in [0, 1, 3, 4, 7, 8, 100]:
        assert smooth(step) == pytest.approx(0.1 / (1 + 0.5 * step / 4), rel=1e-12)
        assert stairs(step) == pytest.approx(0.1 / (1 + 0.5 * (step // 4)), rel=1e-12)


def test_cosine_decay_falls_along_half_a_cosine_to_alpha_times_the_rate_then_stays():
    schedule = schedules.CosineDecay(0.1, decay_steps=100, alpha=0.2)
    for step in [0, 25, 50, 100, 150]:
        cosine = 0.5 * (1 + np.cos(np.pi * min(step, 100) / 100))
        assert schedule(step) == pytest.approx(0.1 * ((1 - 0.2) * cosine + 0.2), rel=1e-12)
    assert schedule(0) == pytest.approx(0.1) and schedule(50) == pytest.approx(0.1 * 0.6)
    assert schedule(100) == schedule(1000) == pytest.approx(0.1 * 0.2)


def test_cosine_decay_with_warmup_rises_linearly_to_the_target_then_decays_from_it():
    schedule = schedules.CosineDecay(0.0, decay_steps=10, warmup_target=0.1, warmup_steps=5)
    assert [schedule(step) for step in [0, 1, 4]] == pytest.approx([0.0, 0.02, 0.08])
    for step in [5, 10, 15, 40]:
        cosine = 0.5 * (1 + np.cos(np.pi * min(step - 5, 10) / 10))
        assert schedule(step) == pytest.approx(0.1 * cosine, abs=1e-15)
    # without a warmup_target, warmup_steps is ignored, as in Keras
    assert schedules.CosineDecay(0.1, 10, warmup_steps=5)(0) == 0.1


@pytest.mark.parametrize("schedule, config", [
    (schedules.ExponentialDecay(0.1, 10, 0.5, staircase=True),
     {"initial_learning_rate": 0.1, "decay_steps": 10, "decay_rate": 0.5, "staircase": True,
      "name": "ExponentialDecay"}),
    (schedules.PiecewiseConstantDecay([10], [0.1, 0.01]),
     {"boundaries": [10], "values": [0.1, 0.01], "name": "PiecewiseConstant"}),
    (schedules.InverseTimeDecay(0.1, 10, 0.5),
     {"initial_learning_rate": 0.1, "decay_steps": 10, "decay_rate": 0.5, "staircase": False,
      "name": "InverseTimeDecay"}),
    (schedules.CosineDecay(0.1, 10, alpha=0.1, warmup_target=0.2, warmup_steps=3),
     {"initial_learning_rate": 0.1, "decay_steps": 10, "alpha": 0.1, "name": "CosineDecay", "warmup_target": 0.2,
      "warmup_steps": 3}),
])
def test_get_config_gives_keras_arguments_and_from_config_rebuilds_the_schedule(schedule, config):
    assert schedule.get_config() == config
    again = type(schedule).from_config(schedule.get_config())
    assert [again(step) for step in range(20)] == [schedule(step) for step in range(20)]


# ----------------------------------------------------------------------------------------------------------------
# A schedule as an optimizer's learning_rate
# ----------------------------------------------------------------------------------------------------------------
def test_sgd_with_exponential_decay_uses_the_decayed_rate_at_each_step():
    schedule = schedules.ExponentialDecay(0.1, decay_steps=1, decay_rate=0.5)  # 0.1, 0.05, 0.025, ...
    optimizer = SGD(learning_rate=schedule)
    w, g = np.array([1.0, -2.0]), np.array([0.5, 1.0])
    param = Tensor(w.copy(), requires_grad=True)
    assert optimizer.learning_rate == 0.1
    param.grad = g
    optimizer.step([param])  # step 1 uses schedule(0) = 0.1
    np.testing.assert_allclose(param.data, w - 0.1 * g, rtol=1e-15)
    assert optimizer.learning_rate == pytest.approx(0.05)
    optimizer.step([param])  # step 2: 0.05
    optimizer.step([param])  # step 3 uses schedule(2) = 0.025
    np.testing.assert_allclose(param.data, w - (0.1 + 0.05 + 0.025) * g, rtol=1e-15)
    assert optimizer.iterations == 3 and optimizer.learning_rate == pytest.approx(0.0125)
    assert optimizer.learning_rate_schedule is schedule


def test_restoring_a_state_rewinds_the_schedule_with_the_step_count():
    optimizer = Adam(learning_rate=schedules.PiecewiseConstantDecay([0], [0.1, 0.01]))
    snapshot = optimizer.get_state()
    apply(optimizer, np.zeros(2), [np.ones(2)])
    assert optimizer.learning_rate == 0.01
    optimizer.set_state(snapshot)
    assert optimizer.learning_rate == 0.1


def test_a_scheduled_learning_rate_cannot_be_set_to_a_number_but_can_take_another_schedule():
    optimizer = SGD(learning_rate=schedules.ExponentialDecay(0.1, 10, 0.5))
    with pytest.raises(TypeError, match=r"SGD: this optimizer's learning_rate is the schedule "
                                        r"ExponentialDecay\(.*\), so it cannot be set to the number 0\.5"):
        optimizer.learning_rate = 0.5
    optimizer.learning_rate = schedules.CosineDecay(0.3, 10)
    assert optimizer.learning_rate == 0.3


def test_schedules_compose_with_fit(rng):
    from tinygrad_acts.layers import Dense
    from tinygrad_acts.models import Sequential

    x = rng.normal(size=(32, 3)).astype(np.float32)
    y = rng.normal(size=(32, 1)).astype(np.float32)
    schedule = schedules.InverseTimeDecay(0.1, decay_steps=1, decay_rate=1.0)  # 0.1, 0.05, 0.033, 0.025

    def model(optimizer):
        net = Sequential([Dense(2, activation="tanh", input_shape=(3,)), Dense(1)])
        net.compile(optimizer=optimizer, loss="mse")
        return net

    scheduled = model(SGD(learning_rate=schedule))
    by_hand = model(SGD(learning_rate=0.1))
    by_hand.set_weights(scheduled.get_weights())
    scheduled.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    for step in range(4):  # the same batches, the rate set by hand before each
        by_hand.optimizer.learning_rate = schedule(step)
        by_hand.train_on_batch(x[8 * step:8 * step + 8], y[8 * step:8 * step + 8])
    for got, expected in zip(scheduled.get_weights(), by_hand.get_weights(), strict=True):
        np.testing.assert_allclose(got, expected, rtol=1e-6)
    assert scheduled.optimizer.iterations == 4 and scheduled.optimizer.learning_rate == pytest.approx(0.02)


def a_function_of_the_step(step):
    """A plain function is not a schedule here (Keras 3 accepts one called without arguments)."""
    return 0.1


NOT_A_NUMBER: Any = "0.1"
NOT_A_SCHEDULE: Any = a_function_of_the_step


@pytest.mark.parametrize("make, error, message", [
    (lambda: schedules.ExponentialDecay(0.1, decay_steps=0, decay_rate=0.5), ValueError,
     r"ExponentialDecay: decay_steps must be > 0, got 0"),
    (lambda: schedules.InverseTimeDecay(0.1, decay_steps=-5, decay_rate=0.5), ValueError,
     r"InverseTimeDecay: decay_steps must be > 0, got -5"),
    (lambda: schedules.CosineDecay(0.1, decay_steps=0), ValueError, r"CosineDecay: decay_steps must be > 0, got 0"),
    (lambda: schedules.ExponentialDecay(-0.1, 10, 0.5), ValueError,
     r"ExponentialDecay: initial_learning_rate must be >= 0, got -0.1"),
    (lambda: schedules.ExponentialDecay(NOT_A_NUMBER, 10, 0.5), TypeError,
     r"ExponentialDecay: initial_learning_rate must be a number, got '0.1' of type str"),
    (lambda: schedules.CosineDecay(0.1, 10, warmup_target=0.2, warmup_steps=-1), ValueError,
     r"CosineDecay: warmup_steps must be >= 0, got -1"),
    (lambda: schedules.PiecewiseConstantDecay([10, 20], [0.1, 0.01]), ValueError,
     r"PiecewiseConstantDecay: boundaries must have one entry fewer than values, got boundaries=\[10, 20\] of "
     r"length 2 and values=\[0.1, 0.01\] of length 2"),
    (lambda: schedules.PiecewiseConstantDecay([20, 10], [0.1, 0.01, 0.001]), ValueError,
     r"PiecewiseConstantDecay: boundaries must increase, got \[20, 10\]"),
    (lambda: schedules.ExponentialDecay(0.1, 10, 0.5)(-1), ValueError, r"ExponentialDecay: step must be >= 0, got -1"),
    (lambda: SGD(learning_rate=NOT_A_SCHEDULE), TypeError, r"SGD: learning_rate must be a number"),
])
def test_schedule_errors(make, error, message):
    with pytest.raises(error, match=message):
        make()


# Examples that pin behaviour mutation testing found unpinned
def test_schedule_repr_lists_its_arguments_but_not_its_name():
    schedule = schedules.ExponentialDecay(0.1, decay_steps=100, decay_rate=0.5)
    assert repr(schedule) == ("ExponentialDecay(initial_learning_rate=0.1, decay_steps=100, decay_rate=0.5, "
                              "staircase=False)")


@pytest.mark.parametrize("make, default_name", [
    (lambda **kw: schedules.ExponentialDecay(0.1, 100, 0.5, **kw), "ExponentialDecay"),
    (lambda **kw: schedules.InverseTimeDecay(0.1, 100, 0.5, **kw), "InverseTimeDecay"),
    (lambda **kw: schedules.PiecewiseConstantDecay([10], [0.1, 0.01], **kw), "PiecewiseConstant"),
    (lambda **kw: schedules.CosineDecay(0.1, 100, **kw), "CosineDecay"),
])
def test_schedule_names_default_as_keras_and_keep_a_given_name(make, default_name):
    assert make().name == default_name
    assert make(name="my_schedule").name == "my_schedule"
    assert make(name="my_schedule").get_config()["name"] == "my_schedule"


def test_piecewise_constant_boundaries_must_strictly_increase():
    with pytest.raises(ValueError, match="boundaries must increase"):
        schedules.PiecewiseConstantDecay([10, 10], [1.0, 0.5, 0.1])  # two equal boundaries leave 0.5 no steps


def test_cosine_decay_with_a_warmup_target_and_no_warmup_steps_starts_at_the_target():
    # warmup_steps defaults to 0: no warmup, the half cosine starts from warmup_target at step 0
    schedule = schedules.CosineDecay(0.1, decay_steps=10, warmup_target=0.5)
    assert schedule.warmup_steps == 0
    assert schedule(0) == 0.5
    assert schedule(5) == pytest.approx(0.5 * 0.5 * (1 + np.cos(np.pi * 5 / 10)))


def test_cosine_decay_warmup_is_linear_from_the_initial_rate_to_the_target():
    schedule = schedules.CosineDecay(0.1, decay_steps=10, warmup_target=0.5, warmup_steps=4)
    assert schedule(0) == pytest.approx(0.1)
    assert schedule(2) == pytest.approx(0.1 + (0.5 - 0.1) * 2 / 4)  # halfway: 0.3
    assert schedule(4) == pytest.approx(0.5)  # the warmup ends at the target, where the decay starts


def test_a_schedule_subclass_that_forgets_call_or_get_config_is_told_which():
    from tinygrad_acts.schedules import LearningRateSchedule

    class Halving(LearningRateSchedule):
        pass

    with pytest.raises(NotImplementedError, match=r"Halving must define __call__\(step\)"):
        Halving()(0)
    with pytest.raises(NotImplementedError, match=r"Halving must define get_config\(\)"):
        Halving().get_config()
