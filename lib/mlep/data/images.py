"""Images as TFX data: generated shapes, PNG-encoded ``tf.train.Example`` TFRecords, Transform.

The official course's C2W4 lab feeds CIFAR-10 through ``ImportExampleGen → StatisticsGen →
SchemaGen → Transform``, with a ``preprocessing_fn`` that decodes each image, resizes it and
scales its pixels. Offline, :func:`shapes` draws a seeded set of small coloured shapes instead
(a square, a disc or a cross on a noisy background, one class each); :func:`write_tfrecord`
stores them the way image datasets travel in TFX — one ``tf.train.Example`` per image, with the
PNG bytes and the label — and :func:`read_tfrecord` reads such a file back into a DataFrame that
:func:`mlep.data.features.analyze_and_transform` can transform directly. :func:`image_pipeline`
runs the TFX version.

Examples
--------
>>> images, labels = shapes(6, size=16, seed=0)
>>> images.shape, images.dtype.name, [CLASSES[k] for k in labels[:3]]
((6, 16, 16, 3), 'uint8', ['square', 'disc', 'cross'])
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from mlep.data.features import FeatureError
from mlep.tfx_runner import PipelineRun, run_pipeline

__all__ = ["CLASSES", "image_pipeline", "png_bytes", "read_tfrecord", "shapes", "write_tfrecord"]

#: The label ids of :func:`shapes`: ``CLASSES[label]`` names the shape.
CLASSES = ("square", "disc", "cross")

_COLOURS = np.array(
    [[230, 60, 50], [60, 200, 80], [70, 110, 240], [240, 210, 60], [200, 80, 220], [250, 250, 250]]
)


def shapes(n: int, *, size: int = 16, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``n`` seeded RGB images of a coloured square, disc or cross (labels 0, 1, 2 in turn).

    Parameters
    ----------
    n
        How many images (the labels cycle through :data:`CLASSES`).
    size
        Their height and width in pixels (at least 8).
    seed
        Seed of the positions, sizes, colours and background noise.

    Returns
    -------
    tuple of numpy.ndarray
        ``images`` of shape ``(n, size, size, 3)`` and dtype ``uint8``, and ``labels`` (``int64``).
    """
    if not isinstance(n, int) or n < 1:
        raise FeatureError(f"n must be a positive int, but got {n!r}")
    if not isinstance(size, int) or size < 8:
        raise FeatureError(f"size must be an int of at least 8 pixels, but got {size!r}")
    rng = np.random.default_rng(seed)
    labels = np.arange(n, dtype=np.int64) % len(CLASSES)
    yy, xx = np.mgrid[0:size, 0:size]
    images = rng.integers(0, 50, size=(n, size, size, 3))
    for image, label in zip(images, labels):
        radius = rng.uniform(size / 5, size / 3)
        cy, cx = rng.uniform(radius, size - radius, size=2)
        dy, dx = np.abs(yy - cy), np.abs(xx - cx)
        mask = [
            np.maximum(dy, dx) <= radius,
            dy**2 + dx**2 <= radius**2,
            (np.minimum(dy, dx) <= radius / 3) & (np.maximum(dy, dx) <= radius),
        ][label]
        image[mask] = _COLOURS[rng.integers(len(_COLOURS))]
    return images.astype(np.uint8), labels


def png_bytes(image: np.ndarray) -> bytes:
    """One ``(height, width, 3)`` ``uint8`` image as PNG bytes.

    Parameters
    ----------
    image
        The pixels.
    """
    from PIL import Image

    image = np.asarray(image)
    if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
        raise FeatureError(
            f"image must be a (height, width, 3) uint8 array, but got shape {image.shape} "
            f"and dtype {image.dtype}"
        )
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, format="PNG")
    return buffer.getvalue()


def write_tfrecord(
    images: np.ndarray,
    labels: np.ndarray,
    path: str | Path,
    *,
    image_key: str = "image_raw",
    label_key: str = "label",
) -> Path:
    """Write one ``tf.train.Example`` per image (PNG bytes and label) to a TFRecord file.

    Parameters
    ----------
    images
        ``(n, height, width, 3)`` ``uint8`` images.
    labels
        ``n`` integer labels.
    path
        The file to write (its folder is what ``ImportExampleGen`` reads).
    image_key, label_key
        The feature names in each example.
    """
    from mlep.runtime import tensorflow

    tf = tensorflow()
    labels = np.asarray(labels)
    if len(images) != len(labels):
        raise FeatureError(
            f"images and labels must have the same length, got {len(images)} and {len(labels)}"
        )
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with tf.io.TFRecordWriter(str(path)) as writer:
        for image, label in zip(images, labels):
            feature = {
                image_key: tf.train.Feature(
                    bytes_list=tf.train.BytesList(value=[png_bytes(image)])
                ),
                label_key: tf.train.Feature(int64_list=tf.train.Int64List(value=[int(label)])),
            }
            example = tf.train.Example(features=tf.train.Features(feature=feature))
            writer.write(example.SerializeToString())
    return path


def read_tfrecord(path: str | Path) -> pd.DataFrame:
    """The examples of an uncompressed TFRecord file, one row each, a column per feature.

    Parameters
    ----------
    path
        A file written by :func:`write_tfrecord` (or any file of one-value features).
    """
    from mlep.runtime import tensorflow

    tf = tensorflow()
    if not Path(path).is_file():
        raise FeatureError(f"no TFRecord file at {path}")
    rows = []
    for number, record in enumerate(tf.data.TFRecordDataset(str(path))):
        row = {}
        for key, feature in tf.train.Example.FromString(record.numpy()).features.feature.items():
            kind = feature.WhichOneof("kind")
            values = getattr(feature, kind).value if kind else []
            if len(values) != 1:
                raise FeatureError(
                    f"example {number} of {path}: feature {key!r} holds {len(values)} values, "
                    "but read_tfrecord reads one-value features only"
                )
            row[key] = values[0]
        rows.append(row)
    frame = pd.DataFrame(rows)
    return frame[sorted(frame.columns)]


def image_pipeline(
    data_dir: str | Path,
    preprocessing_fn: Callable | str | Path,
    *,
    pipeline_root: str | Path,
    metadata_path: str | Path | None = None,
    name: str = "images",
) -> PipelineRun:
    """Run ImportExampleGen → StatisticsGen → SchemaGen → Transform on TFRecords of images.

    Parameters
    ----------
    data_dir
        The folder of TFRecord files (:func:`write_tfrecord`); ExampleGen splits them 2 : 1
        into ``train`` and ``eval``.
    preprocessing_fn
        Your ``preprocessing_fn(inputs)`` or a module file that defines one; its inputs are
        dense ``[batch]`` tensors (the images as PNG byte strings).
    pipeline_root, metadata_path, name
        Where the artifacts and the ML Metadata store go, and the pipeline's name.
    """
    from mlep.data.user_transform import is_function, load_module, tfx_module, transform_component

    data_dir, pipeline_root = Path(data_dir), Path(pipeline_root)
    if not data_dir.is_dir() or not any(p.is_file() for p in data_dir.iterdir()):
        raise FeatureError(f"data_dir must be a folder of TFRecord files, but {data_dir} has none")
    if not is_function(preprocessing_fn):
        preprocessing_fn = load_module(preprocessing_fn)  # checks the file before TFX runs
    module = tfx_module(preprocessing_fn, pipeline_root / "user_module" / f"{name}_fn.py")
    from mlep.runtime import tensorflow

    tensorflow()
    from tfx import v1 as tfx

    example_gen = tfx.components.ImportExampleGen(input_base=str(data_dir))
    statistics = tfx.components.StatisticsGen(examples=example_gen.outputs["examples"])
    schema = tfx.components.SchemaGen(statistics=statistics.outputs["statistics"])
    transform = transform_component(
        example_gen.outputs["examples"], schema.outputs["schema"], module
    )
    components = [example_gen, statistics, schema, transform]
    return run_pipeline(name, components, pipeline_root=pipeline_root, metadata_path=metadata_path)
