"""High-performance modeling: distribution strategies, fast input pipelines, distillation (C3W3).

* **Distribution** — :func:`logical_cpus` splits the CPU into logical devices (so a laptop can
  show what a multi-GPU machine does) and :func:`strategy` returns ``tf.distribute``'s
  ``OneDeviceStrategy`` or ``MirroredStrategy`` over them: each replica gets a slice of every
  batch and gradients are all-reduced.
* **Input pipelines** — :func:`input_pipeline` builds a ``tf.data`` pipeline from simulated slow
  reads and costly parsing, with any of ``prefetch``, ``parallel_map``, ``cache`` and
  ``interleave`` switched on; :func:`time_pipeline` measures an epoch, so the speed-up of each
  optimisation can be seen rather than believed.
* **Distillation** — :class:`Distiller` trains a small student on a blend of the true labels
  and a teacher's softened predictions:
  ``loss = α·CE(y, student) + (1−α)·T²·KL(teacher_T ‖ student_T)`` (Hinton et al., 2015).

TensorFlow loads when a function runs; :func:`logical_cpus` must run before any TF operation.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from mlep._checks import count, finite_array, non_negative, one_of, positive, real, strings

__all__ = [
    "Distiller",
    "input_pipeline",
    "logical_cpus",
    "slow_parser",
    "slow_reader",
    "strategy",
    "time_pipeline",
]

OPTIMISATIONS = ("prefetch", "parallel_map", "cache", "interleave")


def logical_cpus(n: int, *, reset: bool = False) -> list[str]:
    """Split the physical CPU into ``n`` logical devices; returns their names.

    TensorFlow fixes its devices when it first runs an operation, so call this first (in a
    fresh process or kernel). If TensorFlow already runs on another number of devices, this
    raises ``RuntimeError`` — unless ``reset=True``, which restarts TensorFlow's eager runtime
    (as TensorFlow's own tests do) so the new devices take effect; models and tensors made
    before may then stop working, so reset only at the start of a notebook or a script.
    """
    if count(n, "n (a number of devices)") < 1:
        raise ValueError(f"n must be a number of devices, a positive int, but got {n}")
    from mlep.runtime import tensorflow

    tf = tensorflow()
    cpu = tf.config.list_physical_devices("CPU")[0]
    devices = [tf.config.LogicalDeviceConfiguration() for _ in range(n)]
    try:
        tf.config.set_logical_device_configuration(cpu, devices)
    except RuntimeError:
        existing = tf.config.list_logical_devices("CPU")
        if len(existing) != n and not reset:
            raise RuntimeError(
                f"TensorFlow already runs on {len(existing)} CPU device(s); call logical_cpus({n}) "
                "before any TensorFlow operation (restart the kernel), or pass reset=True"
            ) from None
        if len(existing) != n:
            from tensorflow.python.eager import context

            context._reset_context()
            tf.config.set_logical_device_configuration(cpu, devices)
    return [d.name for d in tf.config.list_logical_devices("CPU")]


def strategy(name: str = "mirrored"):
    """A ``tf.distribute`` strategy by name.

    ``"one_device"`` uses the first CPU, ``"mirrored"`` every logical CPU.
    """
    one_of(name, ("one_device", "mirrored"), "strategy")
    from mlep.runtime import tensorflow

    tf = tensorflow()
    devices = [d.name for d in tf.config.list_logical_devices("CPU")]
    if name == "one_device":
        return tf.distribute.OneDeviceStrategy(devices[0])
    if name == "mirrored":
        # on CPUs the default NCCL all-reduce is unavailable: reduce through the host
        return tf.distribute.MirroredStrategy(
            devices, cross_device_ops=tf.distribute.ReductionToOneDevice()
        )
    raise ValueError(f"unknown strategy {name!r}; choose 'one_device' or 'mirrored'")


def slow_reader(records_per_file: int, read_ms: float):
    """``read_file(index)``: the records of simulated file ``index`` as a ``tf.data`` dataset
    (``index * records_per_file`` up to the next file's first), each taking ``read_ms`` to arrive.

    The delay is TF's own test helper, which waits in C++ without holding Python's GIL, like a
    storage read: several reads in flight (``interleave``) overlap.
    """
    from mlep.runtime import tensorflow

    tf = tensorflow()
    from tensorflow.python.data.experimental.ops.testing import sleep

    def read_file(index):
        first = tf.cast(index, tf.int64) * records_per_file
        records = tf.data.Dataset.range(first, first + records_per_file)
        return records.apply(sleep(int(read_ms * 1000)))

    return read_file


def slow_parser(parse_ms: float):
    """``parse(record)``: the record as ``float32`` times 2, after ``parse_ms`` of waiting.

    The wait (a Python sleep in ``tf.py_function``, which releases the GIL) stands for decoding
    that threads can overlap, so ``map(parse, num_parallel_calls=...)`` shows a speed-up even on a
    busy machine — a partial one: every call still passes through ``py_function`` and the GIL.
    """
    from mlep.runtime import tensorflow

    tf = tensorflow()

    def wait(record):
        time.sleep(parse_ms / 1000)
        return record

    def parse(record):
        waited = tf.py_function(wait, [record], tf.int64)
        return tf.reshape(tf.cast(waited, tf.float32) * 2, [])

    return parse


def input_pipeline(
    *,
    files: int = 4,
    records_per_file: int = 64,
    read_ms: float = 2.0,
    parse_ms: float = 1.0,
    batch_size: int = 32,
    optimisations: tuple[str, ...] = (),
):
    """A ``tf.data`` pipeline over ``files`` simulated files whose records are slow to read
    (``read_ms`` each) and to parse (``parse_ms`` each), with the given ``optimisations``."""
    unknown = [
        o for o in strings(optimisations, "optimisations", minimum=0) if o not in OPTIMISATIONS
    ]
    if unknown:
        raise ValueError(
            f"unknown optimisation(s) {', '.join(unknown)}; choose from {', '.join(OPTIMISATIONS)}"
        )
    count(files, "files", minimum=1)
    count(records_per_file, "records_per_file", minimum=1)
    count(batch_size, "batch_size", minimum=1)
    non_negative(read_ms, "read_ms")
    non_negative(parse_ms, "parse_ms")
    from mlep.runtime import tensorflow

    tf = tensorflow()

    read_file = slow_reader(records_per_file, read_ms)

    work = tf.random.stateless_normal((64, 64), seed=(1, 2))

    def parse(value):
        result = work
        for _ in range(int(parse_ms * 20)):  # real compute standing in for decoding/augmenting
            result = tf.tanh(tf.matmul(result, work) / 8.0)
        return tf.cast(value, tf.float32) * 2 + 0 * tf.reduce_sum(result)

    names = tf.data.Dataset.range(files)
    if "interleave" in optimisations:
        data = names.interleave(
            read_file, cycle_length=files, num_parallel_calls=files, deterministic=True
        )
    else:
        data = names.flat_map(read_file)
    if "parallel_map" in optimisations:
        data = data.map(parse, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
    else:  # (``deterministic`` on a serial map only earns a warning)
        data = data.map(parse)
    if "cache" in optimisations:
        data = data.cache()
    data = data.batch(batch_size)
    if "prefetch" in optimisations:
        data = data.prefetch(tf.data.AUTOTUNE)
    return data


def time_pipeline(dataset, *, epochs: int = 1, step_ms: float = 0.0) -> float:
    """Seconds to iterate ``epochs`` epochs, with ``step_ms`` of simulated training per batch."""
    count(epochs, "epochs", minimum=1)
    non_negative(step_ms, "step_ms")
    start = time.perf_counter()
    for _ in range(epochs):
        for _batch in dataset:
            if step_ms:
                time.sleep(step_ms / 1000)
    return time.perf_counter() - start


def _distiller_base():
    from mlep.runtime import tensorflow

    tensorflow()
    import tf_keras as keras

    return keras


class Distiller:
    """Knowledge distillation from a trained ``teacher`` into a ``student`` (both Keras models
    that output logits).

    Parameters
    ----------
    temperature : softens both models' distributions; higher shows the teacher's "dark
        knowledge" about which wrong classes are close.
    alpha : weight of the true-label loss; ``1 - alpha`` goes to matching the teacher.
    """

    def __init__(self, teacher: Any, student: Any, *, temperature: float = 4.0, alpha: float = 0.1):
        positive(temperature, "temperature")
        if not 0 <= real(alpha, "alpha") <= 1:
            raise ValueError(f"alpha must be a weight between 0 and 1, but got {alpha}")
        for what, model in (("teacher", teacher), ("student", student)):
            if not callable(model) or not hasattr(model, "trainable_variables"):
                raise TypeError(f"{what} must be a Keras model, but got {type(model).__name__}")
        # configure TF here, not in loss(): loss runs inside tf.function, where AutoGraph would
        # warn (on stderr) about tracing the os.environ look-ups
        _distiller_base()
        self.teacher, self.student = teacher, student
        self.temperature, self.alpha = temperature, alpha
        self.history_: list[float] = []

    def loss(self, x, y):
        """The blended distillation loss of one batch (a scalar tensor)."""
        import tensorflow as tf
        import tf_keras as keras

        t = self.temperature
        teacher_soft = tf.nn.softmax(self.teacher(x, training=False) / t)
        student_logits = self.student(x, training=True)
        hard = keras.losses.sparse_categorical_crossentropy(y, student_logits, from_logits=True)
        soft = keras.losses.kl_divergence(teacher_soft, tf.nn.softmax(student_logits / t)) * t**2
        return tf.reduce_mean(self.alpha * hard + (1 - self.alpha) * soft)

    def fit(
        self,
        X,
        y,
        *,
        epochs: int = 5,
        batch_size: int = 64,
        learning_rate: float = 1e-3,
        seed: int = 0,
    ):
        """Train the student; returns ``self`` with the mean loss per epoch in ``history_``."""
        count(epochs, "epochs", minimum=1)
        count(batch_size, "batch_size", minimum=1)
        count(seed, "seed")
        positive(learning_rate, "learning_rate")
        features, labels = finite_array(X, "X"), finite_array(y, "y", ndim=1)
        if features.ndim < 2 or len(features) != len(labels):
            raise ValueError(
                "X and y must have one label per row, "
                f"but got shapes {features.shape} and {labels.shape}"
            )
        import tensorflow as tf

        keras = _distiller_base()
        keras.utils.set_random_seed(seed)
        optimizer = keras.optimizers.Adam(learning_rate)
        data = (
            tf.data.Dataset.from_tensor_slices((np.asarray(X, np.float32), np.asarray(y)))
            .shuffle(len(X), seed=seed)
            .batch(batch_size)
        )

        @tf.function
        def step(x, labels):
            with tf.GradientTape() as tape:
                value = self.loss(x, labels)
            grads = tape.gradient(value, self.student.trainable_variables)
            optimizer.apply_gradients(zip(grads, self.student.trainable_variables))
            return value

        for _ in range(epochs):
            losses = [float(step(x, labels)) for x, labels in data]
            self.history_.append(float(np.mean(losses)))
        return self
