"""Plausible wrong answers for C3W3; each must lose its exercise's points.

Each entry is the source a learner might write in the exercise's cell.
"""

WRONG_ANSWERS = {
    "scale_for_replicas": [
        # keeps the base learning rate: the larger batch then takes too few, too timid steps
        """
def scale_for_replicas(n_examples, per_replica_batch, replicas, base_learning_rate, base_batch):
    global_batch = per_replica_batch * replicas
    return {"global_batch": global_batch, "steps_per_epoch": math.ceil(n_examples / global_batch),
            "learning_rate": float(base_learning_rate)}
""",
        # scales by the number of replicas, not by how much the batch grew over the base batch
        """
def scale_for_replicas(n_examples, per_replica_batch, replicas, base_learning_rate, base_batch):
    global_batch = per_replica_batch * replicas
    return {"global_batch": global_batch, "steps_per_epoch": math.ceil(n_examples / global_batch),
            "learning_rate": float(base_learning_rate * replicas)}
""",
        # floor division drops the last, smaller batch
        """
def scale_for_replicas(n_examples, per_replica_batch, replicas, base_learning_rate, base_batch):
    global_batch = per_replica_batch * replicas
    return {"global_batch": global_batch, "steps_per_epoch": n_examples // global_batch,
            "learning_rate": float(base_learning_rate * global_batch / base_batch)}
""",
    ],
    "train_with": [
        # builds the model outside the strategy's scope: its variables are not mirrored
        """
def train_with(strategy, X, y, per_replica_batch, epochs, learning_rate):
    model = make_model()
    model.compile(keras.optimizers.SGD(learning_rate),
                  keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.fit(X, y, batch_size=per_replica_batch * strategy.num_replicas_in_sync, epochs=epochs,
              shuffle=False, verbose=0)
    return model
""",
        # passes the per-replica batch to fit, which expects the global batch
        """
def train_with(strategy, X, y, per_replica_batch, epochs, learning_rate):
    with strategy.scope():
        model = make_model()
        model.compile(keras.optimizers.SGD(learning_rate),
                      keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.fit(X, y, batch_size=per_replica_batch, epochs=epochs, shuffle=False, verbose=0)
    return model
""",
        # hard-codes two replicas: wrong on any other strategy
        """
def train_with(strategy, X, y, per_replica_batch, epochs, learning_rate):
    with strategy.scope():
        model = make_model()
        model.compile(keras.optimizers.SGD(learning_rate),
                      keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.fit(X, y, batch_size=per_replica_batch * 2, epochs=epochs, shuffle=False, verbose=0)
    return model
""",
    ],
    "fast_pipeline": [
        # only prefetches: the files are still read one after another and parsed one by one
        """
def fast_pipeline(files, read_file, parse, batch_size):
    return (
        tf.data.Dataset.range(files)
        .flat_map(read_file)
        .map(parse)
        .batch(batch_size)
        .prefetch(tf.data.AUTOTUNE)
    )
""",
        # interleaves without num_parallel_calls (and parses serially): the right order, no speed-up
        """
def fast_pipeline(files, read_file, parse, batch_size):
    records = tf.data.Dataset.range(files).interleave(
        read_file, cycle_length=files, deterministic=True
    )
    return records.map(parse).batch(batch_size).prefetch(tf.data.AUTOTUNE)
""",
        # drops the last, smaller batch
        """
def fast_pipeline(files, read_file, parse, batch_size):
    records = tf.data.Dataset.range(files).interleave(
        read_file, cycle_length=files, num_parallel_calls=files, deterministic=True)
    parsed = records.map(parse, num_parallel_calls=8, deterministic=True)
    return parsed.batch(batch_size, drop_remainder=True).prefetch(tf.data.AUTOTUNE)
""",
        # parallel parsing only: the reads stay serial, so the speed-up falls short
        """
def fast_pipeline(files, read_file, parse, batch_size):
    records = tf.data.Dataset.range(files).interleave(
        read_file, cycle_length=files, deterministic=True
    )
    parsed = records.map(parse, num_parallel_calls=8, deterministic=True)
    return parsed.batch(batch_size).prefetch(tf.data.AUTOTUNE)
""",
        # parallel reads and prefetching, but the records are still parsed one at a time
        """
def fast_pipeline(files, read_file, parse, batch_size):
    records = tf.data.Dataset.range(files).interleave(
        read_file, cycle_length=files, num_parallel_calls=files, deterministic=True)
    return records.map(parse).batch(batch_size).prefetch(tf.data.AUTOTUNE)
""",
        # everything in parallel but no prefetch: the next batch waits for the model
        """
def fast_pipeline(files, read_file, parse, batch_size):
    records = tf.data.Dataset.range(files).interleave(
        read_file, cycle_length=files, num_parallel_calls=files, deterministic=True)
    return records.map(parse, num_parallel_calls=8, deterministic=True).batch(batch_size)
""",
        # prefetches before batching and then batches: the pipeline does not end with the prefetch
        """
def fast_pipeline(files, read_file, parse, batch_size):
    records = tf.data.Dataset.range(files).interleave(
        read_file, cycle_length=files, num_parallel_calls=files, deterministic=True)
    parsed = records.map(parse, num_parallel_calls=8, deterministic=True)
    return parsed.prefetch(tf.data.AUTOTUNE).batch(batch_size)
""",
    ],
    "distillation_loss": [
        # forgets the T² factor on the soft term
        """
def distillation_loss(y_true, teacher_logits, student_logits, temperature, alpha):
    def softmax(z):
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    y_true = np.asarray(y_true)
    hard = -np.log(softmax(np.asarray(student_logits, float))[np.arange(len(y_true)), y_true])
    p, q = (
        softmax(np.asarray(teacher_logits, float) / temperature),
        softmax(np.asarray(student_logits, float) / temperature),
    )
    soft = (p * np.log(p / q)).sum(axis=1)
    return float(np.mean(alpha * hard + (1 - alpha) * soft))
""",
        # the KL divergence the wrong way round: KL(student || teacher)
        """
def distillation_loss(y_true, teacher_logits, student_logits, temperature, alpha):
    def softmax(z):
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    y_true = np.asarray(y_true)
    hard = -np.log(softmax(np.asarray(student_logits, float))[np.arange(len(y_true)), y_true])
    p, q = (
        softmax(np.asarray(teacher_logits, float) / temperature),
        softmax(np.asarray(student_logits, float) / temperature),
    )
    soft = (q * np.log(q / p)).sum(axis=1) * temperature**2
    return float(np.mean(alpha * hard + (1 - alpha) * soft))
""",
        # alpha weighs the teacher's term instead of the true labels'
        """
def distillation_loss(y_true, teacher_logits, student_logits, temperature, alpha):
    def softmax(z):
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    y_true = np.asarray(y_true)
    hard = -np.log(softmax(np.asarray(student_logits, float))[np.arange(len(y_true)), y_true])
    p, q = (
        softmax(np.asarray(teacher_logits, float) / temperature),
        softmax(np.asarray(student_logits, float) / temperature),
    )
    soft = (p * np.log(p / q)).sum(axis=1) * temperature**2
    return float(np.mean((1 - alpha) * hard + alpha * soft))
""",
        # the true-label term also at temperature T
        """
def distillation_loss(y_true, teacher_logits, student_logits, temperature, alpha):
    def softmax(z):
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    y_true = np.asarray(y_true)
    p, q = (
        softmax(np.asarray(teacher_logits, float) / temperature),
        softmax(np.asarray(student_logits, float) / temperature),
    )
    hard = -np.log(q[np.arange(len(y_true)), y_true])
    soft = (p * np.log(p / q)).sum(axis=1) * temperature**2
    return float(np.mean(alpha * hard + (1 - alpha) * soft))
""",
    ],
    "distil_student": [
        # never asks the teacher: the student trained on the labels alone
        """
def distil_student(teacher, X, y, seed):
    student = make_student(seed)
    student.compile(
        keras.optimizers.Adam(1e-2),
        keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    student.fit(X, y, epochs=40, batch_size=64, verbose=0)
    return student
""",
        # alpha=1 puts all the weight on the true labels: the teacher's soft labels are ignored
        """
def distil_student(teacher, X, y, seed):
    distiller = D.Distiller(teacher, make_student(seed), temperature=4.0, alpha=1.0)
    distiller.fit(X, y, epochs=40, learning_rate=1e-2, seed=seed)
    return distiller.student
""",
        # returns the Distiller, not the trained student model
        """
def distil_student(teacher, X, y, seed):
    return D.Distiller(teacher, make_student(seed), temperature=4.0, alpha=0.1).fit(
        X, y, epochs=40, learning_rate=1e-2, seed=seed)
""",
    ],
}
