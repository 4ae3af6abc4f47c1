"""keras.utils: to_categorical makes one-hot rows, set_random_seed seeds every generator, as Keras does."""
import random

import numpy as np

from tinygrad_acts.utils import set_random_seed, to_categorical


def test_class_ids_become_one_hot_float64_rows():
    one_hot = to_categorical([0, 2, 1, 2])
    assert one_hot.dtype == np.float64  # as Keras 3.15
    assert np.array_equal(one_hot, [[1, 0, 0], [0, 0, 1], [0, 1, 0], [0, 0, 1]])  # 3 classes: max(y) + 1


def test_num_classes_gives_the_width():
    assert np.array_equal(to_categorical([1, 0], num_classes=4), [[0, 1, 0, 0], [1, 0, 0, 0]])


def test_a_column_of_labels_gives_one_row_per_label_as_keras():
    y = np.array([[1], [0], [1]])  # shape (3, 1), as a label column often is
    assert to_categorical(y, 2).shape == (3, 2)
    assert to_categorical(np.array([[0, 1], [1, 0]])).shape == (2, 2, 2)  # other shapes gain a last axis


def test_whole_floats_are_class_ids_too():
    assert np.array_equal(to_categorical(np.array([1.0, 0.0])), [[0, 1], [1, 0]])


def test_no_labels_with_num_classes_give_no_rows():
    assert to_categorical(np.array([], dtype=int), num_classes=3).shape == (0, 3)


def test_set_random_seed_also_seeds_python_random_and_numpy_global_generator():
    """As keras.utils.set_random_seed does: code that calls np.random.randn or random.random repeats too."""
    draws = []
    for _ in range(2):
        set_random_seed(7)
        draws.append((random.random(), float(np.random.randn())))
    assert draws[0] == draws[1]
    set_random_seed(8)
    assert (random.random(), float(np.random.randn())) != draws[0]
