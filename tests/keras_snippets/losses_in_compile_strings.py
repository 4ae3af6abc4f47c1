# The same model trained briefly with each string loss tutorials pass to compile.
import keras
import numpy as np

x = np.linspace(-1, 1, 24, dtype="float32").reshape(12, 2)
targets = {
    "hinge": np.where(x[:, :1] > 0, 1.0, -1.0).astype("float32"),
    "huber": 3 * x[:, :1],
    "poisson": np.exp(x[:, :1]),
    "log_cosh": 2 * x[:, 1:],
    "mean_squared_logarithmic_error": np.abs(x[:, :1]),
    "mean_absolute_percentage_error": 1 + np.abs(x[:, :1]),
    "kl_divergence": np.full((12, 1), 0.5, dtype="float32"),
}
losses = {}
for loss, y in targets.items():
    activation = "softplus" if loss in ("poisson", "kl_divergence", "mean_squared_logarithmic_error") else None
    model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(1, activation=activation)])
    model.set_weights([np.array([[0.3], [-0.2]], dtype="float32"), np.array([0.1], dtype="float32")])
    model.compile(optimizer="sgd", loss=loss)
    losses[loss] = model.fit(x, y, epochs=3, batch_size=4, shuffle=False, verbose=0).history["loss"]

result = losses
