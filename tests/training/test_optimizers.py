"""Optimizers: each update against the Keras 3 formula written out again here in numpy, state snapshots, dtypes,
and a plain Tensor training loop."""

import numpy as np
import pytest
from helpers import apply

from tinygrad_acts import Tensor, optimizers
from tinygrad_acts.optimizers import SGD, Adam, Optimizer, RMSprop

ALL_OPTIMIZERS = [
    lambda: SGD(learning_rate=0.05),
    lambda: SGD(learning_rate=0.05, momentum=0.9),
    lambda: SGD(learning_rate=0.05, momentum=0.9, nesterov=True),
    lambda: Adam(learning_rate=0.05),
    lambda: Adam(learning_rate=0.05, amsgrad=True),
    lambda: RMSprop(learning_rate=0.01),
    lambda: RMSprop(learning_rate=0.01, momentum=0.5, centered=True),
]


@pytest.fixture
def trajectory(rng):
    """A start and three gradients of different sizes and signs, in float64."""
    return rng.normal(size=(2, 3)), [rng.normal(size=(2, 3)) * scale for scale in (1.0, 0.1, 3.0)]


# ----------------------------------------------------------------------------------------------------------------
# Keras 3 defaults
# ----------------------------------------------------------------------------------------------------------------
def test_defaults_are_keras_defaults():
    sgd, adam, rmsprop = SGD(), Adam(), RMSprop()
    assert (sgd.learning_rate, sgd.momentum, sgd.nesterov) == (0.01, 0.0, False)
    assert (adam.learning_rate, adam.beta_1, adam.beta_2, adam.epsilon, adam.amsgrad) == (0.001, 0.9, 0.999, 1e-7,
                                                                                          False)
    assert (rmsprop.learning_rate, rmsprop.rho, rmsprop.momentum, rmsprop.epsilon, rmsprop.centered) == \
        (0.001, 0.9, 0.0, 1e-7, False)
    assert sgd.iterations == adam.iterations == rmsprop.iterations == 0


# ----------------------------------------------------------------------------------------------------------------
# Update rules, computed by hand
# ----------------------------------------------------------------------------------------------------------------
def test_sgd_step_is_minus_learning_rate_times_gradient(trajectory):
    w, (g, *_) = trajectory
    np.testing.assert_array_equal(apply(SGD(learning_rate=0.1), w, [g]), w - 0.1 * g)


def test_sgd_momentum(trajectory):
    w, gradients = trajectory
    lr, momentum, velocity = 0.1, 0.9, np.zeros_like(w)
    expected = w.copy()
    for g in gradients:
        velocity = momentum * velocity - lr * g
        expected = expected + velocity
    np.testing.assert_allclose(apply(SGD(lr, momentum=momentum), w, gradients), expected, rtol=1e-14)


def test_sgd_nesterov_momentum(trajectory):
    w, gradients = trajectory
    lr, momentum, velocity = 0.1, 0.9, np.zeros_like(w)
    expected = w.copy()
    for g in gradients:
        velocity = momentum * velocity - lr * g
        expected = expected + momentum * velocity - lr * g
    np.testing.assert_allclose(apply(SGD(lr, momentum=momentum, nesterov=True), w, gradients), expected, rtol=1e-14)


def test_one_adam_step(trajectory):
    w, (g, *_) = trajectory
    lr, beta_1, beta_2, epsilon = 0.01, 0.9, 0.999, 1e-7
    m = (1 - beta_1) * g
    v = (1 - beta_2) * g ** 2
    alpha = lr * np.sqrt(1 - beta_2) / (1 - beta_1)  # bias corrections at t = 1, folded into the step size
    np.testing.assert_allclose(apply(Adam(learning_rate=lr), w, [g]), w - alpha * m / (np.sqrt(v) + epsilon),
                               rtol=1e-14)


@pytest.mark.parametrize("amsgrad", [False, True])
def test_adam_steps_use_the_step_count_in_the_bias_correction(trajectory, amsgrad):
    w, gradients = trajectory
    lr, beta_1, beta_2, epsilon = 0.01, 0.8, 0.95, 1e-3
    m, v, v_max, expected = np.zeros_like(w), np.zeros_like(w), np.zeros_like(w), w.copy()
    for t, g in enumerate(gradients, start=1):
        m = beta_1 * m + (1 - beta_1) * g
        v = beta_2 * v + (1 - beta_2) * g ** 2
        v_max = np.maximum(v_max, v)
        m_hat = m / (1 - beta_1 ** t)
        # Keras divides by sqrt(v_hat) + epsilon * sqrt(1 - beta_2^t): the paper's "epsilon hat" form
        denominator = np.sqrt((v_max if amsgrad else v) / (1 - beta_2 ** t)) + epsilon / np.sqrt(1 - beta_2 ** t)
        expected = expected - lr * m_hat / denominator
    optimizer = Adam(learning_rate=lr, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon, amsgrad=amsgrad)
    np.testing.assert_allclose(apply(optimizer, w, gradients), expected, rtol=1e-12)
    assert optimizer.iterations == 3


def test_amsgrad_changes_the_step_once_the_gradients_shrink(trajectory):
    w, gradients = trajectory
    shrinking = [gradients[0] * scale for scale in (10.0, 1.0, 0.1)]  # so the running mean of g^2 falls
    assert not np.allclose(apply(Adam(0.01, beta_2=0.5, amsgrad=True), w, shrinking),
                           apply(Adam(0.01, beta_2=0.5), w, shrinking))


def test_rmsprop_matches_keras_docstring_example():
    """keras.optimizers.RMSprop docstring: var1 = 10, loss = var1^2 / 2, one step at learning_rate 0.1 -> 9.683772."""
    var1 = Tensor(np.float32(10.0), requires_grad=True)
    optimizer = RMSprop(learning_rate=0.1)
    (var1 ** 2 / 2).backward()
    optimizer.step([var1])
    np.testing.assert_allclose(var1.data, 9.683772, rtol=1e-6)


@pytest.mark.parametrize("momentum", [0.0, 0.5])
@pytest.mark.parametrize("centered", [False, True])
def test_rmsprop_steps(trajectory, momentum, centered):
    w, gradients = trajectory
    lr, rho, epsilon = 0.01, 0.8, 1e-3
    velocity, average, buffer, expected = np.zeros_like(w), np.zeros_like(w), np.zeros_like(w), w.copy()
    for g in gradients:
        velocity = rho * velocity + (1 - rho) * g ** 2
        average = rho * average + (1 - rho) * g
        denominator = velocity - average ** 2 + epsilon if centered else velocity + epsilon  # epsilon inside sqrt
        increment = lr * g / np.sqrt(denominator)
        buffer = momentum * buffer + increment
        expected = expected - (buffer if momentum else increment)
    optimizer = RMSprop(learning_rate=lr, rho=rho, momentum=momentum, epsilon=epsilon, centered=centered)
    np.testing.assert_allclose(apply(optimizer, w, gradients), expected, rtol=1e-12)


def test_centered_rmsprop_stays_finite_when_rounding_makes_the_variance_negative():
    """A constant large gradient: velocity - average^2 is 0 in exact arithmetic, slightly negative in float32."""
    param = Tensor(np.zeros(1000, dtype=np.float32), requires_grad=True)
    optimizer = RMSprop(learning_rate=0.001, centered=True)
    with np.errstate(invalid="raise"):
        for _ in range(300):
            param.grad = np.linspace(1, 3000, 1000, dtype=np.float32)  # some of these go negative within 300 steps
            optimizer.step([param])
    assert np.all(np.isfinite(param.data))


# ----------------------------------------------------------------------------------------------------------------
# step and zero_grad
# ----------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("make", ALL_OPTIMIZERS)
def test_a_parameter_without_a_gradient_is_left_alone(make):
    optimizer = make()
    with_grad = Tensor(np.ones(3), requires_grad=True)
    without_grad = Tensor(np.ones(3), requires_grad=True)
    with_grad.grad = np.ones(3)
    optimizer.step([with_grad, without_grad])
    np.testing.assert_array_equal(without_grad.data, np.ones(3))
    assert not np.array_equal(with_grad.data, np.ones(3))
    assert without_grad not in optimizer.get_state()["slots"]  # no state was made for it either
    assert optimizer.iterations == 1


def test_a_step_with_no_gradients_at_all_is_not_counted():
    optimizer = Adam()
    optimizer.step([Tensor(np.ones(2), requires_grad=True)])
    assert optimizer.iterations == 0


def test_zero_grad_sets_grad_to_none():
    params = [Tensor(np.ones(2), requires_grad=True), Tensor(np.ones(3), requires_grad=True)]
    (params[0].sum() + params[1].sum()).backward()
    SGD().zero_grad(params)
    assert all(p.grad is None for p in params)


@pytest.mark.parametrize("make", ALL_OPTIMIZERS)
def test_step_updates_the_array_in_place_and_records_nothing(make):
    param = Tensor(np.ones((2, 2)), requires_grad=True)
    array = param.data
    (param * param).sum().backward()
    make().step([param])
    assert param.data is array and not np.array_equal(array, np.ones((2, 2)))
    assert param.parents == () and param.backward_rule is None  # still a leaf: the graph did not grow


def test_a_parameter_listed_twice_is_updated_once():
    param = Tensor(np.zeros(2), requires_grad=True)
    param.grad = np.ones(2)
    SGD(learning_rate=0.1).step([param, param])
    np.testing.assert_array_equal(param.data, [-0.1, -0.1])


def test_step_errors():
    with pytest.raises(TypeError, match="SGD.step expects Tensors, got ndarray"):
        SGD().step([np.ones(2)])
    with pytest.raises(TypeError, match="SGD.zero_grad expects Tensors, got list"):
        SGD().zero_grad([[1.0, 2.0]])
    param = Tensor(np.zeros(2), requires_grad=True)
    param.grad = np.ones(3)
    with pytest.raises(ValueError, match=r"shape \(2,\) has a gradient of shape \(3,\)"):
        SGD().step([param])


# ----------------------------------------------------------------------------------------------------------------
# dtype
# ----------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("make", ALL_OPTIMIZERS)
def test_float32_parameters_and_state_stay_float32(make):
    optimizer = make()
    optimizer.learning_rate = np.float64(0.01)  # a numpy float64 scalar would upcast float32 arrays to float64
    param = Tensor(np.ones(4, dtype=np.float32), requires_grad=True)
    for _ in range(3):
        (param * param).sum().backward()
        optimizer.step([param])
        optimizer.zero_grad([param])
    assert param.dtype == np.float32
    assert all(array.dtype == np.float32 for array in optimizer.get_state()["slots"].get(param, {}).values())


def test_float32_steps_agree_with_float64_steps(trajectory):
    w, gradients = trajectory
    for make in ALL_OPTIMIZERS:
        single = apply(make(), w.astype(np.float32), [g.astype(np.float32) for g in gradients])
        np.testing.assert_allclose(single, apply(make(), w, gradients), rtol=1e-4, atol=1e-5)


# ----------------------------------------------------------------------------------------------------------------
# Snapshot and restore
# ----------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("make", ALL_OPTIMIZERS)
def test_restoring_a_snapshot_undoes_a_step_exactly(make, trajectory):
    w, (g1, g2, g3) = trajectory
    optimizer, reference = make(), make()
    param, reference_param = Tensor(w.copy(), requires_grad=True), Tensor(w.copy(), requires_grad=True)

    def step(opt, p, g):
        p.grad = g.copy()
        opt.step([p])

    step(optimizer, param, g1)
    step(reference, reference_param, g1)
    snapshot, weights = optimizer.get_state(), param.data.copy()
    step(optimizer, param, g2 * 1e6)  # a step we want to take back
    optimizer.set_state(snapshot)
    param.data[...] = weights
    for g in (g2, g3):  # from here on the two optimizers must agree bit for bit
        step(optimizer, param, g)
        step(reference, reference_param, g)
    np.testing.assert_array_equal(param.data, reference_param.data)
    assert optimizer.iterations == reference.iterations == 3
    state = optimizer.get_state()["slots"].get(param, {})  # plain SGD keeps no state
    reference_state = reference.get_state()["slots"].get(reference_param, {})
    assert state.keys() == reference_state.keys()
    for name in state:
        np.testing.assert_array_equal(state[name], reference_state[name])


def test_a_snapshot_taken_before_the_first_step_restores_a_fresh_optimizer():
    optimizer = Adam()
    snapshot = optimizer.get_state()
    param = Tensor(np.ones(2), requires_grad=True)
    param.grad = np.ones(2)
    optimizer.step([param])
    optimizer.set_state(snapshot)
    assert optimizer.get_state() == {"iterations": 0, "slots": {}}


def test_a_snapshot_is_a_copy_and_can_be_restored_twice():
    optimizer = SGD(learning_rate=0.1, momentum=0.9)
    param = Tensor(np.zeros(2), requires_grad=True)
    param.grad = np.ones(2)
    optimizer.step([param])
    snapshot = optimizer.get_state()
    saved = snapshot["slots"][param]["momentum"].copy()
    for _ in range(2):
        optimizer.set_state(snapshot)
        optimizer.step([param])  # changes the optimizer's arrays, never the snapshot's
        np.testing.assert_array_equal(snapshot["slots"][param]["momentum"], saved)
    assert optimizer.iterations == 2


def test_set_state_rejects_what_get_state_did_not_make():
    param = Tensor(np.zeros(2), requires_grad=True)
    with pytest.raises(ValueError, match="keys 'iterations' and 'slots'"):
        SGD().set_state({"iterations": 0})
    with pytest.raises(ValueError, match=r"'momentum' has shape \(3,\) but its parameter has shape \(2,\)"):
        SGD().set_state({"iterations": 0, "slots": {param: {"momentum": np.zeros(3)}}})


# ----------------------------------------------------------------------------------------------------------------
# Learning without a model
# ----------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("make", [lambda: SGD(learning_rate=0.1), lambda: SGD(learning_rate=0.05, momentum=0.9),
                                  lambda: SGD(learning_rate=0.05, momentum=0.9, nesterov=True),
                                  lambda: Adam(learning_rate=0.1), lambda: Adam(learning_rate=0.1, amsgrad=True),
                                  lambda: RMSprop(learning_rate=0.05),
                                  lambda: RMSprop(learning_rate=0.01, momentum=0.5, centered=True)])
def test_minimises_a_quadratic_with_a_plain_tensor_loop(make):
    target = np.array([1.0, -2.0, 3.0], dtype=np.float32)
    scales = np.array([1.0, 4.0, 0.5], dtype=np.float32)  # an ill-conditioned bowl
    weights = Tensor(np.zeros(3, dtype=np.float32), requires_grad=True)
    optimizer = make()
    for _ in range(400):
        optimizer.zero_grad([weights])
        loss = (scales * (weights - target) ** 2).sum()
        loss.backward()
        optimizer.step([weights])
    np.testing.assert_allclose(weights.data, target, atol=2e-2)
    assert weights.dtype == np.float32


# ----------------------------------------------------------------------------------------------------------------
# Checking the arguments
# ----------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("make, message", [
    (lambda: SGD(learning_rate=-0.1), r"SGD: learning_rate must be >= 0, got -0.1"),
    (lambda: SGD(momentum=1.5), r"SGD: momentum must be in \[0, 1\], got 1.5"),
    (lambda: SGD(momentum=-0.1), r"SGD: momentum must be in \[0, 1\], got -0.1"),
    (lambda: Adam(beta_1=1.0), r"Adam: beta_1 must be in \[0, 1\), got 1"),
    (lambda: Adam(beta_2=-0.5), r"Adam: beta_2 must be in \[0, 1\), got -0.5"),
    (lambda: Adam(epsilon=-1e-7), r"Adam: epsilon must be >= 0, got -1e-07"),
    (lambda: Adam(learning_rate=float("nan")), r"Adam: learning_rate must be >= 0, got nan"),
    (lambda: RMSprop(rho=1.0), r"RMSprop: rho must be in \[0, 1\), got 1"),
    (lambda: RMSprop(momentum=2), r"RMSprop: momentum must be in \[0, 1\], got 2"),
])
def test_out_of_range_arguments_raise_value_error(make, message):
    with pytest.raises(ValueError, match=message):
        make()


@pytest.mark.parametrize("bad", ["0.1", None, True, [0.1]])
def test_non_numeric_learning_rate_raises_type_error(bad):
    with pytest.raises(TypeError, match="learning_rate must be a number"):
        Adam(learning_rate=bad)


def test_learning_rate_is_checked_when_changed_later():
    optimizer = SGD()
    optimizer.learning_rate = 0.5  # as a schedule callback would
    assert optimizer.learning_rate == 0.5
    with pytest.raises(ValueError, match="learning_rate must be >= 0"):
        optimizer.learning_rate = -1


def test_integers_are_accepted_where_keras_insists_on_floats():
    assert SGD(learning_rate=1, momentum=0).learning_rate == 1.0


# ----------------------------------------------------------------------------------------------------------------
# get
# ----------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name, cls", [("sgd", SGD), ("SGD", SGD), ("adam", Adam), ("Adam", Adam),
                                       ("rmsprop", RMSprop), ("RMSprop", RMSprop)])
def test_get_by_name_gives_a_fresh_instance_with_keras_defaults(name, cls):
    optimizer = optimizers.get(name)
    assert type(optimizer) is cls and optimizer.iterations == 0
    assert optimizer.learning_rate == cls().learning_rate
    assert optimizers.get(name) is not optimizer


def test_get_returns_an_instance_unchanged():
    optimizer = Adam(learning_rate=0.01)
    assert optimizers.get(optimizer) is optimizer


def test_get_rejects_unknown_names_listing_the_valid_ones():
    with pytest.raises(ValueError, match=r"Unknown optimizer 'adamw'\. Did you mean 'adam'\? Valid names: sgd, adam, "
                                         r"rmsprop"):
        optimizers.get("adamw")


def test_get_rejects_a_class_and_other_types():
    with pytest.raises(ValueError, match=r"pass an instance, Adam\(\), or the name 'adam'"):
        optimizers.get(Adam)
    with pytest.raises(ValueError, match="must be a name .* or an Optimizer instance, got 0.1"):
        optimizers.get(0.1)


def test_a_subclass_states_only_its_update_rule():
    class SignSGD(Optimizer):
        def update_step(self, param, grad, learning_rate):
            param.data -= learning_rate * np.sign(grad)

    param = Tensor(np.zeros(3), requires_grad=True)
    param.grad = np.array([2.0, -0.5, 0.0])
    optimizer = SignSGD(learning_rate=0.1)
    optimizer.step([param])
    np.testing.assert_array_equal(param.data, [-0.1, 0.1, 0.0])
    assert optimizers.get(optimizer) is optimizer and optimizer.iterations == 1


# Examples that pin behaviour mutation testing found unpinned
def test_sgd_with_momentum_one_never_forgets_a_gradient():
    # momentum may be 1 (Keras' range is [0, 1]): velocity = 1 * velocity - lr * g keeps every past gradient
    w = Tensor(np.array([0.0]), requires_grad=True)
    optimizer = SGD(learning_rate=0.1, momentum=1.0)
    for _ in range(2):
        w.grad = np.array([1.0])
        optimizer.step([w])
    np.testing.assert_allclose(w.data, [-0.1 + -0.2])  # velocity -0.1, then -0.1 - 0.1 = -0.2


def test_step_skips_a_parameter_without_gradient_and_updates_the_rest():
    frozen, w = Tensor(np.array([1.0]), requires_grad=True), Tensor(np.array([1.0]), requires_grad=True)
    w.grad = np.array([2.0])
    optimizer = SGD(learning_rate=0.1)
    optimizer.step([frozen, w])  # frozen comes first and has no gradient
    np.testing.assert_array_equal(frozen.data, [1.0])
    np.testing.assert_allclose(w.data, [1.0 - 0.1 * 2.0])
    assert optimizer.iterations == 1


@pytest.mark.parametrize("make, names", [
    (lambda: SGD(), set()),
    (lambda: SGD(momentum=0.9), {"momentum"}),
    (lambda: Adam(), {"momentum", "velocity"}),
    (lambda: Adam(amsgrad=True), {"momentum", "velocity", "velocity_hat"}),
    (lambda: RMSprop(), {"velocity"}),
    (lambda: RMSprop(momentum=0.5, centered=True), {"velocity", "average_gradient", "momentum"}),
])
def test_state_is_named_as_keras_names_its_optimizer_variables(make, names):
    # and only what the rule needs is kept: plain SGD has no state, RMSprop without momentum no momentum buffer
    w = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    w.grad = np.array([0.5, -0.5])
    optimizer = make()
    optimizer.step([w])
    assert set(optimizer.get_state()["slots"].get(w, {})) == names


def test_centered_rmsprop_keeps_the_running_mean_of_the_gradient():
    # one step from zero state, rho = 0.9: velocity = 0.1 * g^2 and average_gradient = 0.1 * g, sign included
    w = Tensor(np.array([0.0, 0.0]), requires_grad=True)
    w.grad = np.array([2.0, -3.0])
    optimizer = RMSprop(rho=0.9, centered=True)
    optimizer.step([w])
    state = optimizer.get_state()["slots"][w]
    np.testing.assert_allclose(state["velocity"], [0.1 * 4.0, 0.1 * 9.0])
    np.testing.assert_allclose(state["average_gradient"], [0.1 * 2.0, 0.1 * -3.0])


def test_an_optimizer_subclass_without_update_step_is_told_what_to_write():
    class Frozen(Optimizer):
        pass

    w = Tensor(np.array([1.0]), requires_grad=True)
    w.grad = np.array([0.5])
    with pytest.raises(NotImplementedError, match=r"Frozen must define update_step\(param, grad, learning_rate\)"):
        Frozen(learning_rate=0.1).step([w])
