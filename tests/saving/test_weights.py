"""Weights on disk, as Keras keeps them: save_weights and load_weights, save and load_model, in Keras' files."""
import os
import zipfile

import numpy as np
import pytest
from helpers import XOR_X, XOR_Y, assert_same_weights, small_model

import tinygrad_acts.backend as K


# ----------------------------------------------------------------------------------------------------------------
# Weights on disk
# ----------------------------------------------------------------------------------------------------------------
def test_save_and_load_weights_round_trip_bit_for_bit(tmp_path):
    model = small_model(optimizer="adam")
    model.fit(XOR_X, XOR_Y, epochs=5, verbose=0)
    path = tmp_path / "xor.npz"
    model.save_weights(path)
    assert os.listdir(tmp_path) == ["xor.npz"]  # the temporary file was renamed, nothing left behind
    K.clear_session()
    other = small_model()  # a new session numbers layers the same way, but the file does not rely on names
    other.load_weights(path)
    assert_same_weights(other.get_weights(), model.get_weights())
    assert np.array_equal(other.predict(XOR_X), model.predict(XOR_X))


def test_save_weights_wants_an_npz_path(tmp_path):
    with pytest.raises(ValueError, match=r"must end in '\.npz' \(or in '\.weights\.h5' for Keras' format"):
        small_model().save_weights(tmp_path / "model.h5")


def bad_files(tmp_path):
    good = tmp_path / "good.npz"
    small_model().save_weights(good)
    truncated = tmp_path / "truncated.npz"
    truncated.write_bytes(good.read_bytes()[:100])
    text = tmp_path / "text.npz"
    text.write_text("not a weight file")
    pickled = tmp_path / "pickled.npz"
    arrays = dict(np.load(good))
    arrays["0.Dense.kernel"] = np.array([{"evil": 1}], dtype=object)  # would need pickle to read
    np.savez(pickled, **arrays)
    wider = tmp_path / "wider.npz"
    small_model(hidden=5).save_weights(wider)
    fewer = tmp_path / "fewer.npz"
    np.savez(fewer, **{k: v for k, v in list(dict(np.load(good)).items())[:3]})
    return {"truncated": truncated, "text": text, "pickled": pickled, "wider": wider, "fewer": fewer}


@pytest.mark.parametrize("kind,match", [("truncated", "not a readable"), ("text", "not a readable"),
                                        ("pickled", "not a readable"), ("wider", r"shape \(2, 4\).*\(2, 5\)"),
                                        ("fewer", r"holds 3 arrays.*4 weights.*missing")])
def test_load_weights_rejects_bad_files_and_changes_nothing(tmp_path, kind, match):
    path = bad_files(tmp_path)[kind]
    model = small_model()
    before = model.get_weights()
    with pytest.raises(ValueError, match=match):
        model.load_weights(path)
    assert_same_weights(model.get_weights(), before)
    assert zipfile.is_zipfile(tmp_path / "good.npz")
