"""Bad input, entry point by entry point: each ends in a clear error or a correct answer (docs/errors.md).

Every case here is a row of the table in docs/errors.md, found there by its id; rows tested elsewhere point to their
test. The last test checks both directions: every row names a test that exists, and every case here has a row.
A failed call on a model leaves its weights, its optimizer state and its layers exactly as they were.
"""
import re
import warnings

import numpy as np
import pytest
from helpers import ROOT

import tinygrad_acts as ta
import tinygrad_acts.backend as K
from tinygrad_acts import Tensor, activations, diagnostics, gradcheck, initializers, losses, metrics
from tinygrad_acts.callbacks import Callback
from tinygrad_acts.layers import ELU, Activation, BatchNormalization, Dense, Dropout, Flatten, Input, ReLU, Softmax
from tinygrad_acts.models import NanLossWarning, Sequential
from tinygrad_acts.optimizers import Adam

X = np.random.default_rng(0).standard_normal((8, 3)).astype(np.float32)
Y = np.random.default_rng(1).standard_normal((8, 1)).astype(np.float32)


def built(**compile_options):
    """A small built model; compiled (Adam, mse) unless told otherwise."""
    model = Sequential([Dense(4, activation="tanh", input_shape=(3,)), Dense(1)])
    model.compile(**({"optimizer": "adam", "loss": "mse"} | compile_options))
    return model


def unbuilt():
    model = Sequential([Dense(4, activation="tanh"), Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    return model


def case(id, call, error, match):
    return pytest.param(call, error, match, id=id)


# ----------------------------------------------------------------------------------------------------------------
# Errors that involve no model state: Tensor, activations, layers, gradcheck, backend
# ----------------------------------------------------------------------------------------------------------------
ERRORS = [
    # Tensor and its ops
    case("tensor-complex", lambda tmp: Tensor(1 + 2j), TypeError, r"must be numbers, got complex"),
    case("tensor-string-operand", lambda tmp: Tensor([1.0]) + "a", TypeError, r"must be numbers, got str"),
    case("tensor-none-operand", lambda tmp: Tensor([1.0]) * None, TypeError, r"must be numbers, got NoneType"),
    case("ops-where-one-branch", lambda tmp: ta.ops.where([True], Tensor([1.0])), ValueError,
         r"where: x1 and x2 must both be given or both be None, got x1=Tensor\(\[1\.\]\) and x2=None"),
    case("matmul-scalar", lambda tmp: Tensor([1.0, 2.0]) @ Tensor(2.0), ValueError, r"matmul: shapes \(2,\) and \(\)"),
    case("concatenate-nothing", lambda tmp: ta.concatenate([]), ValueError, r"concatenate: shapes \[\]"),
    case("stack-axis-out-of-range", lambda tmp: ta.stack([Tensor([1.0, 2.0]), Tensor([3.0, 4.0])], axis=77), ValueError,
         r"^stack: axis 77 is out of range: stacking tensors of shape \(2,\) gives 2 axes, so axis is one of -2 to 1$"),
    case("concatenate-axis-out-of-range", lambda tmp: ta.concatenate([Tensor([1.0]), Tensor([2.0])], axis=1),
         ValueError, r"^concatenate: axis 1 is out of range"),
    case("stack-different-shapes", lambda tmp: ta.stack([Tensor([1.0]), Tensor([1.0, 2.0])]), ValueError,
         r"stack: all tensors need the same shape, got \[\(1,\), \(2,\)\]"),
    case("where-shapes", lambda tmp: ta.where([True, False, True], Tensor([1.0, 2.0]), 0.0), ValueError,
         r"where: shapes \(3,\), \(2,\) and \(\) cannot be broadcast"),
    case("sum-axis-out-of-range", lambda tmp: Tensor([1.0, 2.0]).sum(axis=3), np.exceptions.AxisError,
         r"axis 3 is out of bounds for array of dimension 1"),
    case("index-out-of-range", lambda tmp: Tensor([1.0, 2.0])[5], IndexError, r"index 5 is out of bounds"),
    case("clip-without-bounds", lambda tmp: Tensor([1.0]).clip(None, None), ValueError,
         r"clip: at least one of min and max must be given, got clip\(None, None\)"),
    case("new-op-axis-out-of-range", lambda tmp: Tensor([1.0, 2.0]).logsumexp(axis=1), ValueError,
         r"logsumexp: axis 1 is out of range for a tensor of shape \(2,\)"),
    case("new-op-axis-not-an-integer", lambda tmp: Tensor([1.0]).cumsum(None), TypeError,
         r"cumsum: axis must be an integer, got None"),
    case("new-op-axis-twice", lambda tmp: Tensor(np.zeros((2, 2))).flip((0, -2)), ValueError,
         r"flip: axis \(0, -2\) names the same axis twice"),
    case("squeeze-axis-longer-than-one", lambda tmp: Tensor(np.zeros((2, 1))).squeeze(0), ValueError,
         r"squeeze: axis 0 of a tensor of shape \(2, 1\) has length 2; only axes of length 1 can be squeezed"),
    case("var-ddof-too-large", lambda tmp: Tensor([1.0]).var(ddof=1), ValueError,
         r"var: ddof=1 needs more than 1 entries per result, got 1"),
    case("logsumexp-empty-axis", lambda tmp: Tensor(np.zeros((0, 3))).logsumexp(axis=0), ValueError,
         r"logsumexp: the tensor of shape \(0, 3\) is empty along axis 0"),
    case("argmax-empty", lambda tmp: Tensor([]).argmax(), ValueError,
         r"argmax: the tensor of shape \(0,\) is empty along axis None, so it has no largest entry"),
    case("split-unequal-sections", lambda tmp: ta.split(Tensor(np.zeros(5)), 2), ValueError,
         r"split: axis 0 of a tensor of shape \(5,\) has length 5, which cannot be cut into 2 equal pieces"),
    case("split-float-indices", lambda tmp: ta.split(Tensor(np.zeros(5)), [1.5]), ValueError,
         r"split: indices_or_sections must be a number of equal pieces or a list of integer indices"),
    case("pad-negative-width", lambda tmp: Tensor([1.0]).pad(-1), ValueError,
         r"pad: pad_width must be integers >= 0, .* got -1"),
    case("pad-width-wrong-form", lambda tmp: Tensor(np.zeros((2, 2))).pad([1, 2, 3]), ValueError,
         r"one \(before, after\) per axis of the tensor of shape \(2, 2\); got \[1, 2, 3\]"),
    case("creation-negative-shape", lambda tmp: ta.zeros((2, -1)), ValueError,
         r"zeros: shape must be an integer >= 0 or a tuple of them, got \(2, -1\)"),
    case("random-seed-string", lambda tmp: ta.randn(2, seed="1"), ValueError,
         r"randn: seed must be an integer >= 0 .*got '1'"),
    # activations
    case("activations-get-list", lambda tmp: activations.get(["relu"]), ValueError,
         r"a name \(one of .*\), None \(for linear\) or a callable; got \['relu'\] of type list"),
    case("activation-name-misspelt", lambda tmp: activations.get("rellu"), ValueError,
         r"Unknown activation 'rellu'\. Did you mean 'relu'\? Valid names: celu, elu, "),
    case("activation-name-misspelt-in-another-case", lambda tmp: Dense(2, activation="Leaky_Relu6"), ValueError,
         r"Unknown activation 'Leaky_Relu6'\. Did you mean 'leaky_relu'\?"),
    case("names-fitting-two-entries-ignoring-case", lambda tmp: K.lookup("loss", "AB", {"a_b": abs, "ab": round}),
         ValueError, r"Unknown loss 'AB'\. Did you mean 'a_b' or 'ab'\? Valid names: a_b, ab"),
    case("loss-name-misspelt", lambda tmp: losses.get("Mean_Squared_Eror"), ValueError,
         r"Unknown loss 'Mean_Squared_Eror'\. Did you mean 'mean_squared_error'\? Valid names: "),
    case("metric-name-misspelt", lambda tmp: metrics.get("Acuracy"), ValueError,
         r"Unknown metric 'Acuracy': expected 'accuracy' or one of \[.*\], or a callable \(y_true, y_pred\) -> "
         r"values\. Did you mean 'accuracy'\?"),
    case("initializer-name-misspelt", lambda tmp: initializers.get("HeNormall"), ValueError,
         r"Unknown initializer 'HeNormall': expected one of \[.*\] \(or a class name such as 'GlorotUniform'\), .*\. "
         r"Did you mean 'he_normal'\?"),
    case("activation-for-one-number", lambda tmp: Sequential([Activation(lambda x: max(x, 0), input_shape=(2,))])
         .predict(np.ones((3, 2))), ValueError,
         r"Activation 'activation': the activation <lambda> treats its input as one number \(Python's max\(x, 0\) and "
         r"`x if x > 0 else 0` do\), but it receives the whole batch, a Tensor of shape \(3, 2\), .* Write it with "
         r"Tensor ops, .*: tinygrad_acts.maximum\(x, 0\) \(or the name 'relu'\), tinygrad_acts.where\(x > 0, x, 0\)"),
    case("dense-activation-for-one-number",
         lambda tmp: Dense(2, activation=lambda x: x if x > 0 else 0)(np.ones((3, 2))), ValueError,
         r"Dense 'dense': the activation <lambda> treats its input as one number"),
    case("activation-numpy-function-not-a-tensor-op", lambda tmp: Activation(np.arctan), TypeError,
         r"np.arctan is not an op on Tensors, so it cannot be an activation: its gradient is unknown\. Use a name such "
         r"as 'tanh', a numpy function that is a Tensor op \(np.absolute, .*np.tanh\), .* or make np.arctan an op "
         r"with its derivative by tinygrad_acts.custom_op"),
    case("activation-of-a-string", lambda tmp: activations.relu("abc"), TypeError, r"must be numbers, got str"),
    case("activation-of-none", lambda tmp: activations.tanh(None), TypeError, r"must be numbers, got NoneType"),
    case("activation-parameter-string", lambda tmp: activations.relu([1.0], max_value="6"), TypeError,
         r"relu: max_value must be a number, got '6'"),
    case("activation-parameter-nan", lambda tmp: activations.leaky_relu([1.0], negative_slope=np.nan), ValueError,
         r"leaky_relu: negative_slope must be a number, got nan"),
    case("softmax-axis-out-of-range", lambda tmp: activations.softmax(np.zeros((2, 3)), axis=2), ValueError,
         r"softmax: axis 2 is out of range for a tensor of shape \(2, 3\)"),
    case("softmax-axis-not-an-integer", lambda tmp: activations.log_softmax(np.zeros((2, 3)), axis=1.0), TypeError,
         r"log_softmax: axis must be an integer, got 1.0"),
    case("softmax-of-a-number", lambda tmp: activations.softmax(3.0), ValueError,
         r"softmax: axis -1 is out of range for a tensor of shape \(\)"),
    case("softmax-empty-axis", lambda tmp: activations.softmax(np.zeros((3, 0))), ValueError,
         r"axis -1 of a tensor of shape \(3, 0\) is empty, so there are no entries to sum to 1"),
    case("sparsemax-empty-axis", lambda tmp: activations.sparsemax(np.zeros((3, 0))), ValueError,
         r"sparsemax: axis -1 .* is empty"),
    # layer constructors
    case("dense-bad-initializer", lambda tmp: Dense(2, kernel_initializer="glorot"), ValueError,
         r"Unknown initializer 'glorot': expected one of \[.*'glorot_uniform'"),
    case("dense-input-shape-negative", lambda tmp: Dense(2, input_shape=(-2,)), ValueError,
         r"Dense expects an input shape such as \(2,\) .*got \(-2,\)"),
    case("dense-input-shape-zero", lambda tmp: Dense(2, input_shape=(0,)), ValueError,
         r"positive integers\), got \(0,\)"),
    case("dense-input-shape-string", lambda tmp: Dense(2, input_shape="ab"), ValueError, r"got 'ab'"),
    case("dense-input-shape-float", lambda tmp: Dense(2, input_shape=(2.5,)), ValueError, r"got \(2.5,\)"),
    case("dense-input-dim-and-input-shape-disagree", lambda tmp: Dense(2, input_dim=3, input_shape=(4,)), ValueError,
         r"Dense got input_dim=3 and input_shape=\(4,\), which disagree: input_dim=n means input_shape=\(n,\); give "
         r"one of them"),
    case("dense-input-dim-not-an-integer", lambda tmp: Dense(2, input_dim=(8,)), ValueError,
         r"Dense expects input_dim, the number of input features, to be a positive integer, got \(8,\)"),
    case("dense-unknown-argument", lambda tmp: Dense(2, activaton="relu"), TypeError,
         r"Dense got unexpected keyword arguments \{'activaton': 'relu'\}"),
    case("dense-name-not-a-string", lambda tmp: Dense(2, name=5), TypeError, r"a layer name must be a string, got int"),
    case("relu-negative-max-value", lambda tmp: ReLU(max_value=-1), ValueError,
         r"ReLU expects a number >= 0 for max_value, got -1"),
    case("relu-negative-slope", lambda tmp: ReLU(negative_slope=-0.5), ValueError,
         r"ReLU expects a number >= 0 for negative_slope, got -0.5"),
    case("relu-threshold-string", lambda tmp: ReLU(threshold="0"), ValueError,
         r"ReLU expects a number for threshold, got '0'"),
    case("elu-alpha-string", lambda tmp: ELU("1"), ValueError, r"ELU expects a number for alpha, got '1'"),
    case("softmax-layer-axis-string", lambda tmp: Softmax(axis="last"), ValueError,
         r"Softmax expects axis to be an integer or a tuple of integers, got 'last'"),
    case("input-negative", lambda tmp: Input(-1), ValueError, r"Input expects an input shape .*got \(-1,\)"),
    case("input-none", lambda tmp: Input(None), ValueError, r"Input expects an input shape .*got None"),
    case("dropout-rate-one", lambda tmp: Dropout(1.0), ValueError,
         r"Dropout expects rate, the fraction of entries to drop, in \[0, 1\), got rate=1.0"),
    case("batchnorm-momentum-above-one", lambda tmp: BatchNormalization(momentum=1.5), ValueError,
         r"BatchNormalization expects momentum in \[0, 1\], got momentum=1.5"),
    case("batchnorm-epsilon-zero", lambda tmp: BatchNormalization(epsilon=0), ValueError,
         r"BatchNormalization expects epsilon > 0 .*got epsilon=0"),
    # initializers
    case("initializer-negative-stddev", lambda tmp: initializers.RandomNormal(stddev=-1), ValueError,
         r"RandomNormal expects stddev >= 0, got stddev=-1"),
    case("initializer-minval-above-maxval", lambda tmp: initializers.RandomUniform(minval=1, maxval=0), ValueError,
         r"RandomUniform expects minval <= maxval, got minval=1, maxval=0"),
    case("initializer-unknown-mode", lambda tmp: initializers.VarianceScaling(mode="fan_sum"), ValueError,
         r"VarianceScaling expects mode 'fan_in', 'fan_out' or 'fan_avg', got mode='fan_sum'"),
    case("initializer-unknown-distribution", lambda tmp: initializers.VarianceScaling(distribution="gaussian"),
         ValueError, r"expects distribution 'uniform', 'truncated_normal', 'untruncated_normal' or 'normal', got "
                     r"distribution='gaussian'"),
    case("initializer-seed-not-an-integer", lambda tmp: initializers.HeNormal(seed=1.5), ValueError,
         r"HeNormal expects seed to be an integer >= 0 or None, got seed=1.5"),
    case("orthogonal-of-a-vector", lambda tmp: initializers.Orthogonal()((3,)), ValueError,
         r"Orthogonal needs a shape of at least 2 axes, got shape=\(3,\) of rank 1"),
    # layer calls
    case("dense-call-1d", lambda tmp: Dense(2)(np.ones(3)), ValueError,
         r"Dense 'dense' expects inputs with a batch axis and a feature axis.*x.reshape\(-1, 1\)"),
    case("dense-call-string", lambda tmp: Dense(2)("abc"), TypeError,
         r"the input of layer 'dense' must be an array of numbers"),
    case("dense-call-none", lambda tmp: Dense(2)(None), TypeError, r"the input of layer 'dense' must be an array"),
    case("dense-call-ragged", lambda tmp: Dense(2)([[1.0, 2.0], [3.0]]), ValueError,
         r"the input of layer 'dense' must be an array of numbers: .*rectangular"),
    case("dense-call-too-large-for-float32", lambda tmp: Dense(2)(np.full((2, 3), 1e300)), ValueError,
         r"the input of layer 'dense' holds 1e\+300, which float32 cannot represent"),
    case("dense-call-no-features", lambda tmp: Dense(2)(np.zeros((3, 0))), ValueError,
         r"Dense 'dense' needs to know its number of input features, at least 1, got input shape \(None, 0\)"),
    case("flatten-a-number", lambda tmp: Flatten()(3.0), ValueError,
         r"Flatten 'flatten' expects a batch of samples, got a single number"),
    case("dropout-noise-shape-does-not-fit", lambda tmp: Dropout(0.5, noise_shape=(None, 2))(np.ones((4, 3)),
                                                                                          training=True),
         ValueError, r"Dropout 'dropout' has noise_shape \(None, 2\), which does not broadcast to its input of shape "
                     r"\(4, 3\)"),
    case("batchnorm-axis-out-of-range", lambda tmp: BatchNormalization(axis=3)(np.ones((4, 3))), ValueError,
         r"BatchNormalization 'batch_normalization' normalizes axis 3, but its inputs of shape \(None, 3\) have no "
         r"such axis"),
    case("batchnorm-call-wrong-shape", lambda tmp: Sequential([BatchNormalization(input_shape=(3,))]).predict(
        np.ones((4, 5))), ValueError, r"BatchNormalization 'batch_normalization' expects inputs of shape \(None, 3\), "
                                      r"got input of shape \(4, 5\)"),
    case("softmax-layer-axis-out-of-range", lambda tmp: Softmax(axis=5)(np.zeros((2, 3))), ValueError,
         r"softmax: axis 5 is out of range for a tensor of shape \(2, 3\)"),
    # Sequential
    case("sequential-not-a-list", lambda tmp: Sequential(Dense(2)), TypeError,
         r"Sequential expects a list of layers, e.g. Sequential\(\[Dense\(4\), Dense\(1\)\]\), got Dense"),
    case("sequential-name-not-a-string", lambda tmp: Sequential(name=5), TypeError, r"model name must be a string"),
    case("sequential-input-not-first", lambda tmp: Sequential([Dense(2), Input((3,))]), ValueError,
         r"Input\(...\) must come first"),
    case("pop-an-empty-model", lambda tmp: Sequential().pop(), IndexError,
         r"pop: the model 'sequential' has no layers to remove"),
    # utils.to_categorical
    case("to-categorical-label-out-of-range", lambda tmp: ta.utils.to_categorical([0, 3], num_classes=3), ValueError,
         r"to_categorical expects class ids from 0 to 2 \(num_classes=3\), got 3"),
    case("to-categorical-negative-label", lambda tmp: ta.utils.to_categorical([1, -1]), ValueError,
         r"to_categorical expects class ids from 0 to 1 \(num_classes=2\), got -1"),
    case("to-categorical-not-whole", lambda tmp: ta.utils.to_categorical([0.0, 1.5]), ValueError,
         r"to_categorical expects integer class ids, got 1.5"),
    case("to-categorical-strings", lambda tmp: ta.utils.to_categorical(["cat", "dog"]), TypeError,
         r"to_categorical expects integer class ids, got an array of dtype <U3"),
    case("to-categorical-no-labels", lambda tmp: ta.utils.to_categorical([]), ValueError,
         r"to_categorical got no labels, so num_classes cannot be read from them; give it"),
    case("to-categorical-num-classes-zero", lambda tmp: ta.utils.to_categorical([0], num_classes=0), ValueError,
         r"to_categorical expects num_classes to be a positive integer or None, got 0"),
    case("fit-no-trainable-weights", lambda tmp: (lambda m: (m.compile(loss="mse"), m.fit(X, X, verbose=0)))(
        Sequential([Activation("tanh")])), ValueError, r"has no trainable weights, so there is nothing to train"),
    # gradcheck
    case("gradcheck-not-callable", lambda tmp: gradcheck(3, [1.0]), TypeError,
         r"gradcheck: f must be a function of the inputs returning a Tensor, got 3"),
    case("gradcheck-returns-a-number", lambda tmp: gradcheck(lambda x: 3.0, [1.0]), TypeError,
         r"gradcheck: f must return a Tensor \(or a tuple of Tensors\), got float"),
    case("gradcheck-no-inputs", lambda tmp: gradcheck(lambda: Tensor(1.0)), ValueError,
         r"gradcheck needs at least one input"),
    case("gradcheck-string", lambda tmp: gradcheck(lambda x: x, "abc"), TypeError, r"must be numbers, got str"),
    case("gradcheck-none", lambda tmp: gradcheck(lambda x: x, None), TypeError, r"must be numbers, got NoneType"),
    case("gradcheck-nan", lambda tmp: gradcheck(lambda x: x * 2, [1.0, np.nan]), ValueError,
         r"gradcheck: input 0 holds nan or inf; finite differences need finite inputs"),
    case("gradcheck-nan-gradient",
         lambda tmp: gradcheck(lambda x: ta.record(x.data, (x,), lambda g, out, x: (g * np.nan,), "broken"), [1.0]),
         AssertionError, r"autodiff gives nan"),
    # custom_op, grad and numpy functions on Tensors
    case("custom-op-not-a-function", lambda tmp: ta.custom_op(3), TypeError,
         r"custom_op needs a function of numpy arrays, got 3"),
    case("custom-op-forward-without-a-rule", lambda tmp: ta.custom_op(np.sin)(Tensor([1.0])), TypeError,
         r"custom op 'sin' must return \(result, backward\), the backward a function of the gradient g"),
    case("custom-op-forward-returns-integers",
         lambda tmp: ta.custom_op(np.argsort, backward=lambda g, out, x: (g,))(Tensor([2.0, 1.0])), TypeError,
         r"custom op 'argsort' returned an array of dtype int64; a differentiable op returns floating-point values"),
    case("custom-op-rule-wrong-count", lambda tmp: ta.custom_op(np.sin, backward=lambda g, out, x: (g, g))(
        Tensor([1.0], requires_grad=True)).backward(), RuntimeError,
         r"the backward rule of custom op 'sin' must return a tuple of 1 gradient\(s\), one per input"),
    case("custom-op-rule-not-float", lambda tmp: ta.custom_op(np.sin, backward=lambda g, out, x: (g > 0,))(
        Tensor([1.0], requires_grad=True)).backward(), RuntimeError,
         r"returned array\(\[ True\]\) \(dtype bool\); each gradient must be a floating-point array or None"),
    case("custom-op-differentiated-twice", lambda tmp: ta.grad(ta.grad(ta.custom_op(
        lambda x: (np.sin(x), lambda g: (g * np.cos(x),)))))(np.float64(0.3)), RuntimeError,
         r"custom op '<lambda>' has a backward rule written with numpy, so it is first-order.*twice differentiable, "
         r"give the rule as custom_op\(forward, backward="),
    case("rule-gradient-wrong-shape", lambda tmp: ta.custom_op(np.sin, backward=lambda g, out, x: (g.T,))(
        Tensor(np.ones((2, 3)), requires_grad=True)).sum().backward(), RuntimeError,
         r"the backward rule of 'sin' returned a gradient of shape \(3, 2\) for an input of shape \(2, 3\)"),
    case("grad-of-a-vector", lambda tmp: ta.grad(lambda x: x * 2)(np.ones(3)), ValueError,
         r"grad: f must return a single number \(a one-element Tensor\), got shape \(3,\); use jacobian"),
    case("grad-returns-a-number", lambda tmp: ta.grad(lambda x: 3.0)(np.ones(3)), TypeError,
         r"grad: f must return a Tensor, got float"),
    case("grad-argnums-out-of-range", lambda tmp: ta.grad(lambda x: x.sum(), argnums=1)(np.ones(3)), ValueError,
         r"grad: argnums=1 must name positional arguments of f, which got 1"),
    case("grad-argnums-not-an-integer", lambda tmp: ta.hessian(lambda x: x.sum(), argnums="x")(np.ones(3)),
         ValueError, r"argnums='x' must name positional arguments of f"),
    # one-element Tensors as Python numbers; the truth value of several numbers
    case("tensor-float-of-several", lambda tmp: float(Tensor([1.0, 2.0])), TypeError,
         r"float\(\) needs a Tensor of one element, got shape \(2,\) \(2 elements\); pick one, e.g. t\[0\], or reduce "
         r"it, e.g. t.sum\(\) or t.mean\(\)"),
    case("tensor-int-of-several", lambda tmp: int(Tensor(np.zeros((2, 2)))), TypeError,
         r"int\(\) needs a Tensor of one element, got shape \(2, 2\) \(4 elements\)"),
    case("tensor-format-of-several", lambda tmp: f"{Tensor([1.0, 2.0]):.3f}", TypeError,
         r"format\(t, '.3f'\) needs a Tensor of one element, got shape \(2,\)"),
    case("tensor-truth-value-of-several", lambda tmp: bool(Tensor([1.0, -2.0])), ValueError,
         r"the truth value of a Tensor of shape \(2,\) is ambiguous: it holds 2 numbers, not one\. To test them, write "
         r"\(x > 0\).any\(\) or .all\(\); .* write tinygrad_acts.maximum\(x, 0\) \(or the activation 'relu'\)"),
    case("numpy-function-not-a-tensor-op", lambda tmp: np.arctan2(Tensor([1.0]), Tensor([1.0])), TypeError,
         r"np.arctan2 is not an op on Tensors\. Tensors support .*; for anything else use t.numpy\(\) \(no gradient\) "
         r"or add it as an op with tinygrad_acts.custom_op"),
    # backend and losses
    case("set-floatx-unknown", lambda tmp: K.set_floatx("float128"), ValueError,
         r"set_floatx expects 'float16', 'float32' or 'float64', got 'float128'"),
    case("set-epsilon-negative", lambda tmp: K.set_epsilon(-1e-7), ValueError, r"small positive number"),
    case("set-random-seed-string", lambda tmp: K.set_random_seed("42"), ValueError, r"an integer >= 0, got '42'"),
    case("huber-delta-string", lambda tmp: losses.huber([[1.0]], Tensor([[1.0]]), delta="1"), ValueError,
         r"huber: delta must be >= 0, got '1'"),
    # diagnostics
    case("layer-stats-every-zero", lambda tmp: diagnostics.LayerStats(every=0), ValueError,
         r"LayerStats expects every to be an integer >= 1 \(record every n-th training batch\), got 0"),
    case("layer-stats-every-float", lambda tmp: diagnostics.LayerStats(every=2.5), ValueError, r"got 2.5"),
    case("load-record-weight-file", lambda tmp: (np.savez(tmp / "w.npz", kernel=np.zeros(3)),
                                                 diagnostics.load(tmp / "w.npz")), ValueError,
         r"load: '.*w.npz' is not a diagnostics record: expected an .npz file written by Record.save, with the "
         r"arrays \[.*\] and format .*; found the arrays \['kernel'\]"),
    case("load-record-npy", lambda tmp: (np.save(tmp / "a.npy", np.zeros(3)), (tmp / "a.npy").rename(tmp / "a.npz"),
                                         diagnostics.load(tmp / "a.npz")), ValueError,
         r"is not a diagnostics record: .*, found a single .npy array of shape \(3,\)"),
]


@pytest.mark.parametrize("call, error, match", ERRORS)
def test_bad_input_gives_a_clear_error(call, error, match, tmp_path):
    with pytest.raises(error, match=match):
        call(tmp_path)


# ----------------------------------------------------------------------------------------------------------------
# Errors on a model: clear, and the model is left exactly as it was
# ----------------------------------------------------------------------------------------------------------------
def everything_a_call_could_change(model):
    """Copies of every array and setting a failed call must leave alone."""
    state = model.optimizer.get_state() if model.optimizer is not None else {"iterations": None, "slots": {}}
    index = {id(w): i for i, w in enumerate(model.weights)}
    return {
        "weights": model.get_weights(),
        "weight dtypes": [w.dtype for w in model.weights],
        "grads": [w.grad for w in model.weights],
        "iterations": state["iterations"],
        "slots": {(index[id(p)], name): array for p, slots in state["slots"].items() for name, array in slots.items()},
        "layers": [(layer.name, layer.built) for layer in model.layers],
        "input_shape": model.input_shape,
        "compiled": (model.optimizer, model.loss, list(model.metrics)),
    }


def assert_unchanged(before, after):
    assert before.keys() == after.keys()
    for key in before:
        if key in ("weights", "grads"):
            assert len(before[key]) == len(after[key])
            assert all(a is b or np.array_equal(a, b) for a, b in zip(before[key], after[key], strict=True)), key
        elif key == "slots":
            assert before[key].keys() == after[key].keys()
            assert all(np.array_equal(before[key][k], after[key][k]) for k in before[key])
        elif key == "compiled":
            assert all(a is b for a, b in zip(before[key][:2], after[key][:2], strict=True))
            assert before[key][2] == after[key][2]
        else:
            assert before[key] == after[key], key


def bad_weight_file(tmp, kind):
    if kind == "npy":
        np.save(tmp / "weights.npy", np.zeros(3))
        (tmp / "weights.npy").rename(tmp / "weights.npz")
    return tmp / "weights.npz"


class Crash(Callback):
    """A callback that fails at the end of the second epoch, after training steps have changed the weights."""

    def on_epoch_end(self, epoch, logs=None):
        if epoch == 1:
            raise RuntimeError("the callback failed")


MODEL_ERRORS = [
    # predict
    case("predict-wrong-feature-count", lambda m, tmp: m.predict(np.zeros((5, 4))), ValueError,
         r"Dense 'dense' expects 3 input features, got input of shape \(5, 4\)"),
    case("predict-wrong-rank", lambda m, tmp: m.predict(np.zeros((2, 3, 1))), ValueError,
         r"expects 3 input features, got input of shape \(2, 3, 1\)"),
    case("predict-one-sample", lambda m, tmp: m.predict([0.5, 1.0, 2.0]), ValueError,
         r"Dense 'dense' expects 3 input features, got input of shape \(3,\), which looks like one sample: a model "
         r"takes a batch of samples, of shape \(batch, 3\)\. For one sample write x.reshape\(1, 3\), or "
         r"\[\[0.5, 1.0, 2.0\]\] as a list"),
    case("call-one-sample", lambda m, tmp: m(np.array([0.5, 1.0, 2.0])), ValueError,
         r"got input of shape \(3,\), which looks like one sample: .* write x.reshape\(1, 3\)"),
    case("predict-1d-of-another-length", lambda m, tmp: m.predict(np.ones(5)), ValueError,
         r"Dense 'dense' expects 3 input features, got input of shape \(5,\): a model takes a batch of samples, of "
         r"shape \(batch, 3\)"),
    case("predict-a-number", lambda m, tmp: m.predict(1.0), ValueError,
         r"predict expects an array of samples, got a single number 1.0"),
    case("predict-empty", lambda m, tmp: m.predict(np.zeros((0, 3))), ValueError,
         r"predict got no samples \(input of shape \(0, 3\)\)"),
    case("predict-string", lambda m, tmp: m.predict("abc"), TypeError, r"predict: x must be an array of numbers"),
    case("predict-none", lambda m, tmp: m.predict(None), TypeError, r"predict: x must be an array of numbers"),
    case("predict-ragged", lambda m, tmp: m.predict([[1, 2, 3], [1]]), ValueError, r"predict: x .*rectangular"),
    case("predict-too-large-for-float32", lambda m, tmp: m.predict(np.full((2, 3), 1e300)), ValueError,
         r"predict: x holds 1e\+300, which float32 cannot represent \(its largest value is 3.403e\+38\)"),
    case("predict-batch-size-zero", lambda m, tmp: m.predict(X, batch_size=0), ValueError,
         r"predict: batch_size must be a positive integer \(or None for 32\), got 0"),
    case("predict-batch-size-float", lambda m, tmp: m.predict(X, batch_size=2.5), ValueError, r"got 2.5"),
    # fit
    case("fit-y-wrong-shape", lambda m, tmp: m.fit(X, np.zeros((8, 2)), verbose=0), ValueError,
         r"mean_squared_error: y_true shape \(8, 2\) does not match y_pred shape \(8, 1\)"),
    case("fit-x-none", lambda m, tmp: m.fit(None, Y, verbose=0), TypeError, r"fit: x must be an array of numbers"),
    case("fit-y-strings", lambda m, tmp: m.fit(X, ["a"] * 8, verbose=0), TypeError,
         r"fit: y must be an array of numbers"),
    case("fit-y-string-labels", lambda m, tmp: m.fit(X, np.array(["cat", "dog"] * 4), verbose=0), TypeError,
         r"fit: y must be an array of numbers, got strings \('cat', 'dog'\); labels must be numbers\. Encode them as "
         r"integers: classes, y = np.unique\(y, return_inverse=True\) gives class ids 0 to 1 \(classes\[i\] is the "
         r"name of class i\), for loss='sparse_categorical_crossentropy'"),
    case("evaluate-y-string-labels", lambda m, tmp: m.evaluate(X, list("abcdefgh")), TypeError,
         r"evaluate: y must be an array of numbers, got strings \('a', 'b', 'c', ...\); .* class ids 0 to 7"),
    case("fit-too-large-for-float32", lambda m, tmp: m.fit(X.astype(np.float64) * 1e300, Y, verbose=0), ValueError,
         r"fit: x holds .*e\+300, which float32 cannot represent"),
    case("fit-epochs-negative", lambda m, tmp: m.fit(X, Y, epochs=-1, verbose=0), ValueError,
         r"fit: epochs must be an integer >= 0, got -1"),
    case("fit-epochs-float", lambda m, tmp: m.fit(X, Y, epochs=2.5, verbose=0), ValueError, r"got 2.5"),
    case("fit-batch-size-string", lambda m, tmp: m.fit(X, Y, batch_size="32", verbose=0), ValueError,
         r"fit: batch_size must be a positive integer \(or None for 32\), got '32'"),
    case("fit-batch-size-float", lambda m, tmp: m.fit(X, Y, batch_size=2.5, verbose=0), ValueError, r"got 2.5"),
    case("fit-verbose", lambda m, tmp: m.fit(X, Y, verbose="yes"), ValueError,
         r"fit: verbose must be 'auto', 0 \(silent\), 1 \(progress bar\) or 2"),
    case("fit-validation-split-string", lambda m, tmp: m.fit(X, Y, validation_split="0.2", verbose=0), ValueError,
         r"fit: validation_split must be a number in \[0, 1\), got '0.2'"),
    case("fit-validation-split-one", lambda m, tmp: m.fit(X, Y, validation_split=1.0, verbose=0), ValueError,
         r"got 1.0"),
    case("fit-validation-data-not-a-pair", lambda m, tmp: m.fit(X, Y, validation_data=(X,), verbose=0),
         ValueError, r"fit: validation_data must be a pair \(x_val, y_val\)"),
    case("fit-validation-data-mismatch", lambda m, tmp: m.fit(X, Y, validation_data=(X, Y[:3]), verbose=0),
         ValueError, r"fit \(validation_data\): x has 8 samples but y has 3"),
    case("fit-validation-data-wrong-features", lambda m, tmp: m.fit(X, Y, epochs=2, verbose=0,
                                                                     validation_data=(np.zeros((2, 5)), Y[:2])),
         ValueError, r"expects 3 input features, got input of shape \(2, 5\)"),
    case("fit-callbacks-not-a-list", lambda m, tmp: m.fit(X, Y, callbacks=Crash(), verbose=0), ValueError,
         r"fit: callbacks must be a list of Callback objects"),
    case("fit-callbacks-not-callbacks", lambda m, tmp: m.fit(X, Y, callbacks=[print], verbose=0), ValueError,
         r"fit: callbacks must be a list of Callback objects"),
    case("fit-a-callback-fails-after-training-steps", lambda m, tmp: m.fit(X, Y, epochs=3, callbacks=[Crash()],
                                                                            verbose=0),
         RuntimeError, r"the callback failed"),
    # evaluate
    case("evaluate-before-compile", lambda m, tmp: Sequential([Dense(1, input_shape=(3,))]).evaluate(X, Y),
         RuntimeError, r"evaluate: call compile\(optimizer=..., loss=...\) before evaluate"),
    case("evaluate-mismatch", lambda m, tmp: m.evaluate(X, Y[:2]), ValueError,
         r"evaluate: x has 8 samples but y has 2 \(shapes \(8, 3\) and \(2, 1\)\)"),
    case("evaluate-empty", lambda m, tmp: m.evaluate(np.zeros((0, 3)), np.zeros((0, 1))), ValueError,
         r"evaluate got no samples"),
    case("evaluate-batch-size-negative", lambda m, tmp: m.evaluate(X, Y, batch_size=-1), ValueError, r"got -1"),
    case("evaluate-callbacks-not-callbacks", lambda m, tmp: m.evaluate(X, Y, callbacks=[print]), ValueError,
         r"evaluate: callbacks must be a list of Callback objects such as EarlyStopping\(...\), got"),
    case("predict-callbacks-not-a-list", lambda m, tmp: m.predict(X, callbacks=Crash()), ValueError,
         r"predict: callbacks must be a list of Callback objects such as EarlyStopping\(...\), got"),
    # set_weights
    case("set-weights-none", lambda m, tmp: m.set_weights(None), ValueError,
         r"set_weights on model 'sequential' expects a list of arrays, got NoneType"),
    case("set-weights-ragged", lambda m, tmp: m.set_weights([[[1.0], [1.0, 2.0]]] * 4), ValueError,
         r"'dense/kernel' needs a rectangular array of numbers.*nothing was changed"),
    case("set-weights-complex", lambda m, tmp: m.set_weights([w.astype(complex) for w in m.get_weights()]),
         ValueError, r"'dense/kernel' needs numbers, got dtype complex128; nothing was changed"),
    case("set-weights-too-large-for-float32", lambda m, tmp: m.set_weights(
        [w.astype(np.float64) * 1e300 + 1e300 for w in m.get_weights()]), ValueError,
         r"set_weights on model 'sequential': 'dense/kernel' holds .*float32 cannot represent"),
    case("set-weights-last-array-wrong", lambda m, tmp: m.set_weights(m.get_weights()[:3] + [np.zeros(2)]),
         ValueError, r"'dense_1/bias' has shape \(1,\), got an array of shape \(2,\); nothing was changed"),
    # save_weights and load_weights
    case("save-weights-missing-folder", lambda m, tmp: m.save_weights(tmp / "missing" / "w.npz"), FileNotFoundError,
         r"save_weights: the folder '.*missing' does not exist"),
    case("save-weights-none", lambda m, tmp: m.save_weights(None), TypeError,
         r"save_weights expects a file path such as 'model.weights.npz', got None"),
    case("load-weights-missing-file", lambda m, tmp: m.load_weights(tmp / "missing.npz"), FileNotFoundError,
         r"load_weights: there is no file '.*missing.npz'"),
    case("load-weights-a-folder", lambda m, tmp: m.load_weights(tmp), ValueError,
         r"is not a readable .npz weight file \(.*Is a directory"),
    case("load-weights-npy", lambda m, tmp: m.load_weights(bad_weight_file(tmp, "npy")), ValueError,
         r"is not a readable .npz weight file \(it holds a single array of shape \(3,\), not named weights\)"),
    case("load-weights-none", lambda m, tmp: m.load_weights(None), TypeError, r"load_weights expects a file path"),
    # compile and add
    case("compile-loss-class", lambda m, tmp: m.compile(optimizer="sgd", loss=losses.MeanSquaredError), ValueError,
         r"loss=MeanSquaredError is the class; pass an instance, MeanSquaredError\(\), or a name such as 'mse'"),
    case("compile-loss-number", lambda m, tmp: m.compile(optimizer="sgd", loss=5), ValueError,
         r"A loss must be a name \(.*\) or a function"),
    case("compile-optimizer-number", lambda m, tmp: m.compile(optimizer=0.01, loss="mae"), ValueError,
         r"An optimizer must be a name \(sgd, adam, rmsprop\) or an Optimizer instance, got 0.01"),
    case("compile-metric-number", lambda m, tmp: m.compile(optimizer="sgd", loss="mae", metrics=[5]), ValueError,
         r"Unknown metric 5"),
    case("add-a-duplicate-name", lambda m, tmp: m.add(Dense(2, name="dense")), ValueError,
         r"All layers in a Sequential model need unique names; 'dense' is already used"),
    # test_on_batch
    case("test-on-batch-before-compile", lambda m, tmp: Sequential([Dense(1, input_shape=(3,))]).test_on_batch(X, Y),
         RuntimeError, r"test_on_batch: call compile\(optimizer=..., loss=...\) before test_on_batch"),
    case("test-on-batch-mismatch", lambda m, tmp: m.test_on_batch(X, Y[:2]), ValueError,
         r"test_on_batch: x has 8 samples but y has 2 \(shapes \(8, 3\) and \(2, 1\)\)"),
    # get_layer
    case("get-layer-unknown-name", lambda m, tmp: m.get_layer("output"), ValueError,
         r"get_layer: model 'sequential' has no layer named 'output'; its layers are \['dense', 'dense_1'\]"),
    case("get-layer-name-and-index", lambda m, tmp: m.get_layer("dense", index=0), ValueError,
         r"get_layer expects a layer name or a layer index, exactly one of them, got name='dense', index=0"),
    case("get-layer-neither", lambda m, tmp: m.get_layer(), ValueError,
         r"exactly one of them, got name=None, index=None"),
    case("get-layer-index-out-of-range", lambda m, tmp: m.get_layer(index=2), ValueError,
         r"get_layer: index 2 is not a position in model 'sequential', which has 2 layers"),
    # diagnostics.inspect
    case("inspect-wrong-feature-count", lambda m, tmp: diagnostics.inspect(m, np.zeros((5, 4))), ValueError,
         r"inspect: model 'sequential' expects x of shape \(batch, 3\), got shape \(5, 4\)"),
    case("inspect-wrong-rank", lambda m, tmp: diagnostics.inspect(m, np.zeros((2, 3, 1))), ValueError,
         r"inspect: model 'sequential' expects x of shape \(batch, 3\), got shape \(2, 3, 1\)"),
    case("inspect-y-mismatch", lambda m, tmp: diagnostics.inspect(m, X, Y[:3]), ValueError,
         r"inspect: x has 8 samples but y has 3 \(shapes \(8, 3\) and \(3, 1\)\)"),
    case("inspect-y-wrong-shape", lambda m, tmp: diagnostics.inspect(m, X, np.zeros((8, 2))), ValueError,
         r"mean_squared_error: y_true shape \(8, 2\) does not match y_pred shape \(8, 1\)"),
]


@pytest.mark.parametrize("call, error, match", MODEL_ERRORS)
def test_a_failed_call_on_a_model_is_clear_and_changes_nothing(call, error, match, tmp_path):
    model = built()
    model.fit(X, Y, batch_size=4, epochs=1, verbose=0)  # so the optimizer has state (Adam's moments) to protect
    model.save_weights(tmp_path / "good.npz")
    before = everything_a_call_could_change(model)
    with pytest.raises(error, match=match):
        call(model, tmp_path)
    assert_unchanged(before, everything_a_call_could_change(model))


@pytest.mark.parametrize("method, args", [("summary", ()), ("set_weights", ([],)), ("save_weights", ("w.npz",)),
                                          ("load_weights", ("w.npz",))])
def test_an_unbuilt_model_says_how_to_build_it(method, args, tmp_path):
    model = unbuilt()
    with pytest.raises(ValueError, match=rf"{method}: the model 'sequential' has not been built yet, so it has no "
                                         rf"weights. Give its first layer input_shape=\(...\)"):
        getattr(model, method)(*[tmp_path / a if isinstance(a, str) else a for a in args])
    assert not model.built and model.weights == []


def test_adding_a_layer_that_cannot_be_built_leaves_the_model_without_it():
    model = Sequential([Input((None,))])  # a variable number of features: Dense cannot size its kernel
    with pytest.raises(ValueError, match=r"Dense 'dense' needs to know its number of input features, at least 1, "
                                         r"got input shape \(None, None\)"):
        model.add(Dense(2))
    assert model.layers == [] and model.input_shape == (None, None)


# ----------------------------------------------------------------------------------------------------------------
# Correct answers rather than errors
# ----------------------------------------------------------------------------------------------------------------
NOT_FINITE = r"holds 3 values that are not finite \(2 nan, 1 inf\) in 3 samples; the first is x\[1, 0\] = nan\. " \
             r"Drop those samples"


def data_with_gaps():
    x = X.copy()
    x[1, 0], x[2, 1], x[3, 2] = np.nan, np.inf, np.nan
    return x


@pytest.mark.parametrize("call", ["fit", "evaluate", "predict", "train_on_batch", "test_on_batch", "predict_on_batch"])
def test_nan_or_inf_in_x_is_named_before_anything_is_computed(call):
    """A learner's data with a gap: every entry point names x, the count, the first position and what to do, and
    no step is taken (Keras trains on it, or stops after a batch with a loss of nan, and nothing names the input)."""
    model = built()
    before = everything_a_call_could_change(model)
    arguments = (data_with_gaps(),) if call.startswith("predict") else (data_with_gaps(), Y)
    with pytest.raises(ValueError, match=rf"^{call}: x {NOT_FINITE}"):
        getattr(model, call)(*arguments)
    assert_unchanged(before, everything_a_call_could_change(model))


def test_nan_in_y_or_in_the_validation_data_is_named_too():
    model = built()
    before = everything_a_call_could_change(model)
    labels = Y.astype(np.float64)
    labels[5, 0] = np.inf
    with pytest.raises(ValueError, match=r"^fit: y holds 1 value that is not finite \(0 nan, 1 inf\) in 1 sample; "
                                         r"the first is y\[5, 0\] = inf"):
        model.fit(X, labels, verbose=0)
    with pytest.raises(ValueError, match=rf"^fit \(validation_data\): x {NOT_FINITE}"):
        model.fit(X, Y, verbose=0, validation_data=(data_with_gaps(), Y))
    assert_unchanged(before, everything_a_call_could_change(model))


def test_huge_but_finite_data_is_not_taken_for_inf():
    """The fast check squares the data (a dot product): 1e20 squared overflows float32, yet it is a number."""
    model = Sequential([Dense(1, input_shape=(3,), kernel_initializer="zeros")])
    np.testing.assert_array_equal(model.predict(np.full((2, 3), 1e20, np.float32)), np.zeros((2, 1)))


def test_fit_on_finite_data_that_overflows_float32_stops_with_a_nan_loss_warning():
    model = Sequential([Dense(1, input_shape=(3,), kernel_initializer="ones")])
    model.compile(optimizer="sgd", loss="mse")
    # 3 * 3e38 overflows float32: that is the data, not a bug here, so numpy may say so (the conftest makes it raise)
    with np.errstate(over="warn", invalid="warn"), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(np.full((4, 3), 3e38, np.float32), np.zeros((4, 1)), batch_size=4, verbose=0)
    assert "overflow" in str(caught[0].message) and caught[-1].category is NanLossWarning
    np.testing.assert_array_equal(model.get_weights()[0], np.ones((3, 1)))


def test_lists_integers_and_booleans_are_read_as_float32_data():
    model = built()
    for x in ([[1, 0, 1]], np.array([[1, 0, 1]]), np.array([[True, False, True]])):
        assert model.predict(x).dtype == np.float32
        np.testing.assert_array_equal(model.predict(x), model.predict(np.float32([[1, 0, 1]])))


def test_an_empty_batch_passes_through_a_layer_as_an_empty_batch():
    assert Dense(2)(np.zeros((0, 3))).shape == (0, 2)
    assert activations.softmax(np.zeros((0, 3))).shape == (0, 3)
    assert Tensor([]).shape == (0,) and Tensor([]).sum().item() == 0.0


def test_one_element_tensors_are_python_numbers_in_float_int_and_f_strings():
    loss = (Tensor([[1.0, 2.0]], requires_grad=True) ** 2).mean()  # 2.5, of shape (): a typical loss
    assert float(loss) == 2.5 and isinstance(float(loss), float)
    assert float(Tensor([[0.25]])) == 0.25  # one element in any shape, as in PyTorch
    assert int(Tensor(2.7)) == 2 and int(Tensor([-2.7], dtype="float64")) == -2  # int() truncates, as int(2.7)
    assert int(Tensor([3], dtype="int64")) == 3
    assert f"{loss:.3f}" == "2.500" and format(Tensor([1 / 3], dtype="float64"), ".2e") == "3.33e-01"
    assert f"{Tensor([1.0, 2.0])}" == str(Tensor([1.0, 2.0]))  # no format spec: the repr, for any shape
    assert bool(Tensor([0.5])) and not bool(Tensor(0.0))


def test_repr_shows_the_dtype_when_it_is_not_float32_and_the_name_when_there_is_one():
    assert repr(Tensor([1.0, 2.0], dtype="float64", name="w", requires_grad=True)) == \
        "Tensor([1., 2.], dtype=float64, name='w', requires_grad=True)"
    assert repr(Tensor([1.0, 2.0], requires_grad=True)) == "Tensor([1., 2.], requires_grad=True)"  # float32: as before
    assert repr(Tensor([1, 2], dtype="int64")) == "Tensor([1, 2], dtype=int64)"
    assert repr(Tensor(np.array([1.0]), requires_grad=True) * 2) == "Tensor([2.], dtype=float64, grad_fn=mul)"
    assert repr(Sequential([Dense(1, input_shape=(1,), kernel_initializer="ones")]).weights[0]) == \
        "<Variable path=dense/kernel, shape=(1, 1), dtype=float32, value=[[1.]]>"  # a weight prints as Keras'


@pytest.mark.parametrize("kind, get, names", [
    ("activation", activations.get, {"ReLU": "relu", "Relu": "relu", "LeakyReLU": "leaky_relu", "TANH": "tanh"}),
    ("loss", losses.get, {"MSE": "mse", "Mse": "mse", "Binary_CrossEntropy": "binary_crossentropy"}),
    ("metric", metrics.get, {"Accuracy": "accuracy", "MAE": "mae", "Mean_Squared_Error": "mse"}),
])
def test_names_are_found_ignoring_case_and_underscores(kind, get, names):
    for written, name in names.items():
        assert get(written) is get(name), (kind, written)


def test_optimizer_and_initializer_names_are_found_ignoring_case_and_underscores():
    assert type(ta.optimizers.get("RMSProp")) is type(ta.optimizers.get("rmsprop"))
    assert type(initializers.get("he_Normal")) is type(initializers.get("HENORMAL")) is initializers.HeNormal
    model = Sequential([Dense(2, activation="ReLU", kernel_initializer="Glorot_Uniform", input_shape=(2,)),
                        Dense(1, activation="Sigmoid")])
    model.compile(optimizer="Adam", loss="Binary_Crossentropy", metrics=["Accuracy"])
    history = model.fit(X[:, :2], (Y > 0).astype(np.float32), epochs=2, verbose=0)
    assert model.layers[0].activation is activations.relu and len(history.history["Accuracy"]) == 2


def test_input_shape_may_be_a_single_integer():
    assert Dense(2, input_shape=3).input_shape == (3,) and Input(3).shape == (None, 3)


def test_nan_into_an_activation_leaves_the_other_entries_alone_and_warns_nothing():
    finite = np.array([[-2.0, -0.5, 0.5, 2.0]])
    with_nan = np.array([[np.nan, -0.5, 0.5, 2.0]])
    for name in activations.ALL_ACTIVATIONS:
        kwargs = {"threshold": 0.1, "default_value": 0.0} if name == "threshold" else {}
        x = Tensor(with_nan, requires_grad=True)
        out = activations.get(name)(x, **kwargs)
        out.sum().backward()  # the conftest turns any numpy warning into an error
        if name not in ("softmax", "log_softmax", "sparsemax", "glu"):  # those mix the whole row
            expected = activations.get(name)(finite, **kwargs).data
            np.testing.assert_array_equal(out.data[:, 1:], expected[:, 1:], err_msg=name)


def test_log_and_exp_outside_their_range_give_what_numpy_gives_with_numpy_s_warning():
    """-inf for log(0), nan for log(-1), inf for e^100 in float32: the mathematics, not a framework error."""
    with np.errstate(divide="warn", invalid="warn", over="warn"):
        with pytest.warns(RuntimeWarning, match="divide by zero"):
            assert Tensor([0.0]).log().item() == -np.inf
        with pytest.warns(RuntimeWarning, match="invalid value"):
            assert np.isnan(Tensor([-1.0]).log().item())
        with pytest.warns(RuntimeWarning, match="overflow"):
            assert activations.exponential([100.0]).item() == np.inf


def test_a_nan_gradient_flows_back_as_nan_as_in_pytorch():
    x = Tensor([1.0, 2.0], requires_grad=True)
    (x * 3).backward([np.nan, 1.0])
    assert np.isnan(x.grad[0]) and x.grad[1] == 3.0


def test_a_failed_compile_keeps_the_previous_optimizer_and_loss():
    model = built()
    optimizer, loss = model.optimizer, model.loss
    with pytest.raises(ValueError, match="Unknown loss 'msee'"):
        model.compile(optimizer=Adam(0.5), loss="msee")
    assert model.optimizer is optimizer and model.loss is loss


# ----------------------------------------------------------------------------------------------------------------
# docs/errors.md and this file agree
# ----------------------------------------------------------------------------------------------------------------
TABLE = ROOT / "docs" / "errors.md"
REFERENCE = re.compile(r"`(tests/\w+/test_\w+\.py)::(test_\w+)(?:\[([\w-]+)\])?`")


def test_every_row_of_the_error_table_names_a_test_that_exists_and_every_case_here_has_a_row():
    rows = [line for line in TABLE.read_text().splitlines()
            if line.startswith("| ") and not line.startswith("| Entry point") and "---" not in line]
    assert len(rows) > 100
    cited = set()
    for row in rows:
        references = REFERENCE.findall(row)
        assert references, f"a row without a test: {row}"
        for path, function, case_id in references:
            source = (ROOT / path).read_text()
            assert re.search(rf"^def {function}\(", source, re.M), f"{path}::{function} does not exist ({row})"
            if case_id:
                assert f'case("{case_id}"' in source, f"{path}::{function}[{case_id}] does not exist ({row})"
                cited.add(case_id)
    ids = {param.id for param in ERRORS + MODEL_ERRORS}
    assert ids - cited == set(), "cases without a row in docs/errors.md"
