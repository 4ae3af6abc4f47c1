"""The TensorFlow Playground's six data sets and seven input features, seeded, on the plane [-6, 6]^2.

Each generator takes a numpy Generator, a number of points and the noise in percent (0 to 50), and returns the
points, shape (n, 2), and their labels, shape (n,): 0 or 1 for classification (1 is drawn blue, 0 orange), a number
in [-1, 1] for regression. They follow the playground's dataset.ts point for point, and each one reads on its own:
an exported script copies the one it uses, source and all.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np


def circle(rng: np.random.Generator, n: int, noise: float) -> tuple[np.ndarray, np.ndarray]:
    """Label 1 inside radius 2.5, 0 in the ring from 3.5 to 5; with noise, a point's label is that of a point
    shifted by up to noise% of 5 in x and y, so some points near the border carry the other label."""
    radius, half = 5.0, n // 2
    r = np.concatenate([rng.uniform(0, radius * 0.5, half), rng.uniform(radius * 0.7, radius, n - half)])
    angle = rng.uniform(0, 2 * np.pi, n)
    points = np.column_stack([r * np.sin(angle), r * np.cos(angle)])
    shifted = points + rng.uniform(-radius, radius, (n, 2)) * noise / 100
    return points, (np.hypot(shifted[:, 0], shifted[:, 1]) < radius * 0.5).astype(np.float64)


def xor(rng: np.random.Generator, n: int, noise: float) -> tuple[np.ndarray, np.ndarray]:
    """Label 1 where x1 and x2 have the same sign: quadrants, 0.3 apart from the axes."""
    points = rng.uniform(-5, 5, (n, 2))
    points += np.where(points > 0, 0.3, -0.3)  # a gap of 0.6 along each axis
    shifted = points + rng.uniform(-5, 5, (n, 2)) * noise / 100
    return points, (shifted[:, 0] * shifted[:, 1] >= 0).astype(np.float64)


def gaussian(rng: np.random.Generator, n: int, noise: float) -> tuple[np.ndarray, np.ndarray]:
    """Two round clouds around (2, 2), label 1, and (-2, -2), label 0; their variance grows from 0.5 to 4 with
    the noise."""
    variance = 0.5 + 3.5 * noise / 50
    half = n // 2
    centers = np.repeat([[2.0, 2.0], [-2.0, -2.0]], [half, n - half], axis=0)
    points = centers + rng.normal(0, np.sqrt(variance), (n, 2))
    return points, np.repeat([1.0, 0.0], [half, n - half])


def spiral(rng: np.random.Generator, n: int, noise: float) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved spirals of 1.75 turns out to radius 5, label 1 and 0, each point moved by up to noise/100."""
    half = n // 2
    i = np.concatenate([np.arange(half), np.arange(n - half)])
    count = np.repeat([half, n - half], [half, n - half])
    r = i / count * 5
    t = 1.75 * i / count * 2 * np.pi + np.repeat([0.0, np.pi], [half, n - half])
    points = np.column_stack([r * np.sin(t), r * np.cos(t)]) + rng.uniform(-1, 1, (n, 2)) * noise / 100
    return points, np.repeat([1.0, 0.0], [half, n - half])


def plane(rng: np.random.Generator, n: int, noise: float) -> tuple[np.ndarray, np.ndarray]:
    """Regression: the label is (x1 + x2) / 10, in [-1, 1] up to noise, on points uniform in [-6, 6]^2."""
    points = rng.uniform(-6, 6, (n, 2))
    shifted = points + rng.uniform(-6, 6, (n, 2)) * noise / 100
    return points, (shifted[:, 0] + shifted[:, 1]) / 10


def multi_gaussian(rng: np.random.Generator, n: int, noise: float) -> tuple[np.ndarray, np.ndarray]:
    """Regression: six bumps of height +1 or -1 in a 3 x 2 checkerboard, each falling linearly to 0 at distance 2;
    a point takes the value of the bump that is largest in size there."""
    bumps = np.array([[-4, 2.5, 1], [0, 2.5, -1], [4, 2.5, 1], [-4, -2.5, -1], [0, -2.5, 1], [4, -2.5, -1]])
    points = rng.uniform(-6, 6, (n, 2))
    shifted = points + rng.uniform(-6, 6, (n, 2)) * noise / 100
    distance = np.hypot(shifted[:, :1] - bumps[:, 0], shifted[:, 1:] - bumps[:, 1])  # (n, 6)
    values = bumps[:, 2] * np.clip(1 - distance / 2, 0, 1)
    return points, values[np.arange(n), np.abs(values).argmax(axis=1)]


GENERATORS: dict[str, Callable[[np.random.Generator, int, float], tuple[np.ndarray, np.ndarray]]] = {
    "circle": circle, "xor": xor, "gaussian": gaussian, "spiral": spiral,
    "plane": plane, "multi_gaussian": multi_gaussian,
}
PROBLEMS = {"classification": ("circle", "xor", "gaussian", "spiral"), "regression": ("plane", "multi_gaussian")}
SAMPLES = {"classification": 500, "regression": 1200}  # as the playground: 500 points to classify, 1200 to regress

# the input features, each a function of the point (x1, x2), in the playground's order
FEATURES: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "x1": lambda x1, x2: x1,
    "x2": lambda x1, x2: x2,
    "x1^2": lambda x1, x2: x1 * x1,
    "x2^2": lambda x1, x2: x2 * x2,
    "x1*x2": lambda x1, x2: x1 * x2,
    "sin(x1)": lambda x1, x2: np.sin(x1),
    "sin(x2)": lambda x1, x2: np.sin(x2),
}
FEATURE_CODE = {"x1": "x1", "x2": "x2", "x1^2": "x1 * x1", "x2^2": "x2 * x2", "x1*x2": "x1 * x2",
                "sin(x1)": "np.sin(x1)", "sin(x2)": "np.sin(x2)"}  # the same, as a script writes them


def make_data(dataset: str, noise: float, ratio: float, seed: int) -> tuple[np.ndarray, ...]:
    """Points and labels of a data set, shuffled and split: (x_train, y_train, x_test, y_test), ratio% for
    training. The same seed gives the same points."""
    rng = np.random.default_rng(seed)
    problem = "classification" if dataset in PROBLEMS["classification"] else "regression"
    points, labels = GENERATORS[dataset](rng, SAMPLES[problem], noise)
    order = rng.permutation(len(points))
    points, labels = points[order], labels[order]
    split = int(len(points) * ratio / 100)
    return points[:split], labels[:split], points[split:], labels[split:]


def features(points: np.ndarray, names: list[str]) -> np.ndarray:
    """The chosen input features of each point, as float32 columns: what the network sees."""
    x1, x2 = points[:, 0], points[:, 1]
    return np.column_stack([FEATURES[name](x1, x2) for name in names]).astype(np.float32)
