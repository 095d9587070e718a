"""Images as TFX data: seeded shapes, PNG tf.Examples, a learner's image preprocessing_fn run by
TF Transform and by the TFX Transform component (ImportExampleGen → … → Transform), checked
against PIL and NumPy."""

from __future__ import annotations

import io

import numpy as np
import pytest

from mlep.data import images
from mlep.data.features import (
    FeatureError,
    analyze_and_transform,
    read_examples,
    transform_for_serving,
)

SIZE = 24  # an upscale: PIL and TF resize bilinearly alike (a PIL downscale antialiases)


def image_fn(inputs):
    import tensorflow as tf
    import tensorflow_transform as tft

    pixels = tf.map_fn(
        lambda png: tf.io.decode_png(png, channels=3),
        inputs["image_raw"],
        fn_output_signature=tf.uint8,
    )
    pixels = tf.image.resize(tf.cast(pixels, tf.float32), [SIZE, SIZE]) / 255.0
    brightness = tf.reduce_mean(pixels, axis=[1, 2, 3])
    return {
        "image_xf": pixels,
        "brightness_z": tft.scale_to_z_score(brightness),
        "label_xf": inputs["label"],
    }


def _reference(pixels):
    from PIL import Image

    return np.stack(
        [
            np.asarray(Image.fromarray(p).resize((SIZE, SIZE), Image.BILINEAR), float) / 255
            for p in pixels
        ]
    )


def test_shapes_are_seeded_and_each_class_is_drawn():
    a, labels = images.shapes(9, size=16, seed=3)
    b, _ = images.shapes(9, size=16, seed=3)
    c, _ = images.shapes(9, size=16, seed=4)
    assert a.shape == (9, 16, 16, 3) and a.dtype == np.uint8
    assert np.array_equal(a, b) and not np.array_equal(a, c)
    assert list(labels) == [0, 1, 2] * 3
    # the shape is bright on a dark background: a square covers more pixels than a cross of its size
    bright = (a.max(axis=3) >= 60).mean(axis=(1, 2))
    assert bright.min() > 0.05
    with pytest.raises(FeatureError, match="size must be an int of at least 8"):
        images.shapes(3, size=4)
    with pytest.raises(FeatureError, match="n must be a positive int"):
        images.shapes(0)


@pytest.mark.slow  # imports TensorFlow to write and read the TFRecords
def test_png_and_tfrecord_round_trip(tmp_path):
    from PIL import Image

    pixels, labels = images.shapes(5, size=10, seed=0)
    png = images.png_bytes(pixels[0])
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert np.array_equal(np.asarray(Image.open(io.BytesIO(png))), pixels[0])
    path = images.write_tfrecord(pixels, labels, tmp_path / "data" / "shapes.tfrecord")
    frame = images.read_tfrecord(path)
    assert list(frame.columns) == ["image_raw", "label"]
    assert list(frame["label"]) == list(labels)
    assert np.array_equal(np.asarray(Image.open(io.BytesIO(frame["image_raw"][4]))), pixels[4])
    with pytest.raises(FeatureError, match=r"\(height, width, 3\) uint8"):
        images.png_bytes(pixels[0].astype(float))
    with pytest.raises(FeatureError, match="same length"):
        images.write_tfrecord(pixels, labels[:2], tmp_path / "x.tfrecord")
    import tensorflow as tf

    with tf.io.TFRecordWriter(str(tmp_path / "multi.tfrecord")) as writer:
        feature = tf.train.Feature(int64_list=tf.train.Int64List(value=[1, 2]))
        writer.write(
            tf.train.Example(
                features=tf.train.Features(feature={"label": feature})
            ).SerializeToString()
        )
    with pytest.raises(FeatureError, match="feature 'label' holds 2 values"):
        images.read_tfrecord(tmp_path / "multi.tfrecord")


@pytest.mark.slow  # one TF Transform Beam run
def test_an_image_preprocessing_fn_matches_pil_and_numpy(tmp_path):
    pixels, labels = images.shapes(30, size=16, seed=1)
    images.write_tfrecord(pixels[:20], labels[:20], tmp_path / "train.tfrecord")
    images.write_tfrecord(pixels[20:], labels[20:], tmp_path / "eval.tfrecord")
    result = analyze_and_transform(
        images.read_tfrecord(tmp_path / "train.tfrecord"),
        image_fn,
        output_dir=tmp_path / "tft",
        eval_df=images.read_tfrecord(tmp_path / "eval.tfrecord"),
    )
    train_ref, eval_ref = _reference(pixels[:20]), _reference(pixels[20:])
    assert np.abs(np.stack(result.train["image_xf"]) - train_ref).max() < 0.01
    bright = train_ref.mean(axis=(1, 2, 3))
    np.testing.assert_allclose(
        result.eval["brightness_z"],
        (eval_ref.mean(axis=(1, 2, 3)) - bright.mean()) / bright.std(),
        atol=0.02,
    )
    assert list(result.eval["label_xf"]) == list(labels[20:])


# a TFX pipeline: ImportExampleGen → StatisticsGen → SchemaGen → Transform (~40 s)
@pytest.mark.slow
@pytest.mark.xdist_group("tfx-images")
def test_the_tfx_transform_graph_gives_the_same_images(tmp_path):
    pixels, labels = images.shapes(36, size=16, seed=2)
    images.write_tfrecord(pixels, labels, tmp_path / "data" / "shapes.tfrecord")
    run = images.image_pipeline(tmp_path / "data", image_fn, pipeline_root=tmp_path / "pipeline")
    assert (tmp_path / "pipeline" / "user_module" / "images_fn.py").is_file()
    raw = read_examples(run.artifacts["ImportExampleGen.examples"], split="train")
    transformed = read_examples(run.artifacts["Transform.transformed_examples"], split="train")
    assert sorted(transformed.columns) == ["brightness_z", "image_xf", "label_xf"]
    # Transform analyzed the train split: the same function in the notebook gives the same features
    notebook = analyze_and_transform(raw, image_fn, output_dir=tmp_path / "tft").train
    got = np.stack([np.asarray(v, float) for v in transformed["image_xf"]])
    assert np.allclose(got, np.stack(notebook["image_xf"]).reshape(len(raw), -1), atol=1e-5)
    np.testing.assert_allclose(transformed["brightness_z"], notebook["brightness_z"], atol=1e-5)
    # the exported graph, applied to raw examples as at serving time, gives them again
    served = transform_for_serving(run.artifacts["Transform.transform_graph"], raw)
    assert np.allclose(np.stack(served["image_xf"]).reshape(len(raw), -1), got, atol=1e-5)
    # and they are the right images: PIL's resize of the pixels the examples hold
    from PIL import Image

    decoded = np.stack([np.asarray(Image.open(io.BytesIO(b))) for b in raw["image_raw"]])
    assert np.abs(got.reshape(-1, SIZE, SIZE, 3) - _reference(decoded)).max() < 0.01
    with pytest.raises(FeatureError, match="folder of TFRecord files"):
        images.image_pipeline(tmp_path / "nowhere", image_fn, pipeline_root=tmp_path / "p2")
